import { QUICK_REPLY_LABELS } from '~/constants/composer'
import type { QuickReply } from '~/types/domain'
import { fillQuickReply, quickRepliesForTeam, searchQuickReplies } from '~/utils/quick-replies'

/**
 * The quick replies a ticket may use (global ones plus its team's), searched as the agent types, and
 * each reply's text ready to insert ({nome} → the contact's first name). Loads the catalogues on first use; `loading`/`error`/`retry` let the list show its state.
 */
export function useQuickReplySearch(ticketId: MaybeRefOrGetter<string>) {
  const catalogues = useCataloguesStore()
  const tickets = useTicketsStore()

  const ticket = computed(() => tickets.byId[toValue(ticketId)])
  const available = computed<QuickReply[]>(() => quickRepliesForTeam(catalogues.quickReplies, ticket.value?.team_id ?? null))
  // The tickets store fetches the contact of every ticket it learns about.
  const contactName = computed(() => {
    const contact = tickets.contactOf(toValue(ticketId))
    return contact?.display_name || contact?.whatsapp_name || null
  })

  const loading = computed(() => catalogues.loading && !catalogues.loaded)
  const error = ref<string | null>(null)

  async function load(): Promise<void> {
    error.value = null
    try {
      await catalogues.ensureLoaded()
    }
    catch {
      error.value = QUICK_REPLY_LABELS.loadFailed
    }
  }

  onMounted(load)

  function search(query: string, limit?: number): QuickReply[] {
    return searchQuickReplies(available.value, query, limit)
  }

  function textOf(reply: QuickReply): string {
    return fillQuickReply(reply.body, contactName.value)
  }

  return { available, loading, error, retry: load, search, textOf, contactName }
}
