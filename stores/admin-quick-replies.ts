import * as cataloguesService from '~/services/catalogues'
import { errorText } from '~/services/errors'
import * as quickRepliesService from '~/services/quick-replies'
import type { QuickReplyInput } from '~/services/quick-replies'
import type { QuickReply, Team } from '~/types/domain'

/**
 * Respostas rápidas (admin): every reply of every scope by id, and the teams they can belong to. Each
 * saved or deleted reply is also put into the workspace's catalogues store, so the admin's own
 * composer offers it at once (other people's sessions read it on their next load).
 */
export const useAdminQuickRepliesStore = defineStore('admin-quick-replies', () => {
  const supabase = useSupabase()
  const catalogues = useCataloguesStore()

  const byId = ref<Record<string, QuickReply>>({})
  const teams = ref<Team[]>([])
  const loading = ref(false)
  const loaded = ref(false)
  /** pt-BR, for the page's error state. */
  const error = ref<string | null>(null)
  const saving = ref(false)
  const deleting = ref<Record<string, boolean>>({})

  const list = computed(() => Object.values(byId.value).sort((a, b) => a.shortcut.localeCompare(b.shortcut, 'pt-BR')))

  function teamById(id: string | null | undefined): Team | undefined {
    return id ? teams.value.find(team => team.id === id) : undefined
  }

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    error.value = null
    try {
      // Admins read every scope (RLS), so the catalogue read is the whole table.
      const [replyRows, teamRows] = await Promise.all([
        cataloguesService.fetchQuickReplies(supabase),
        cataloguesService.fetchTeams(supabase),
      ])
      if (current !== request) return
      byId.value = Object.fromEntries(replyRows.map(row => [row.id, row]))
      teams.value = teamRows
      loaded.value = true
    }
    catch (cause) {
      if (current === request) error.value = errorText(cause)
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  function remember(reply: QuickReply): QuickReply {
    byId.value = { ...byId.value, [reply.id]: reply }
    catalogues.upsertQuickReply(reply)
    return reply
  }

  function forget(id: string): void {
    const { [id]: _removed, ...rest } = byId.value
    byId.value = rest
    catalogues.removeQuickReply(id)
  }

  async function create(input: QuickReplyInput): Promise<QuickReply> {
    saving.value = true
    try {
      return remember(await quickRepliesService.createQuickReply(supabase, input))
    }
    finally {
      saving.value = false
    }
  }

  async function update(id: string, input: QuickReplyInput): Promise<QuickReply> {
    saving.value = true
    try {
      return remember(await quickRepliesService.updateQuickReply(supabase, id, input))
    }
    catch (cause) {
      if (quickRepliesService.isQuickReplyGone(cause)) forget(id)
      throw cause
    }
    finally {
      saving.value = false
    }
  }

  async function remove(id: string): Promise<void> {
    deleting.value = { ...deleting.value, [id]: true }
    try {
      await quickRepliesService.deleteQuickReply(supabase, id)
      forget(id)
    }
    finally {
      deleting.value = { ...deleting.value, [id]: false }
    }
  }

  return { byId, list, teams, loading, loaded, error, saving, deleting, teamById, load, create, update, remove }
})
