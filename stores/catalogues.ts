import * as cataloguesService from '~/services/catalogues'
import type { Channel, Classification, QuickReply, StaffMember, Team, TeamMember } from '~/types/domain'

/**
 * The workspace's lookup tables: teams (and who is in them), staff, classifications, quick replies
 * and WhatsApp connections, read once per session (`ensureLoaded`) and looked up by id. Small enough
 * to hold whole; screens that edit one of them put the saved row back with the `upsert…` actions.
 */
export const useCataloguesStore = defineStore('catalogues', () => {
  const supabase = useSupabase()
  const session = useSessionStore()

  const teamsById = ref<Record<string, Team>>({})
  const staffById = ref<Record<string, StaffMember>>({})
  const classificationsById = ref<Record<string, Classification>>({})
  const quickRepliesById = ref<Record<string, QuickReply>>({})
  const channelsById = ref<Record<string, Channel>>({})
  const teamMembers = ref<TeamMember[]>([])

  const loading = ref(false)
  const loaded = ref(false)
  /** Why the last load failed (pt-BR is the caller's job: this is the request's message). */
  const error = ref<string | null>(null)

  const teams = computed(() => Object.values(teamsById.value).sort((a, b) => a.name.localeCompare(b.name, 'pt-BR')))
  const staff = computed(() => Object.values(staffById.value).sort((a, b) => a.full_name.localeCompare(b.full_name, 'pt-BR')))
  /** The classifications an agent may pick when closing: active ones, in the admins' order. */
  const classifications = computed(() => Object.values(classificationsById.value)
    .filter(classification => classification.active)
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name, 'pt-BR')))
  const quickReplies = computed(() => Object.values(quickRepliesById.value).sort((a, b) => a.shortcut.localeCompare(b.shortcut)))
  const channels = computed(() => Object.values(channelsById.value).sort((a, b) => a.name.localeCompare(b.name, 'pt-BR')))

  /** The signed-in user's teams. */
  const myTeamIds = computed(() => {
    const userId = session.user?.id
    return userId ? teamMembers.value.filter(member => member.user_id === userId).map(member => member.team_id) : []
  })

  function teamById(id: string | null | undefined): Team | undefined {
    return id ? teamsById.value[id] : undefined
  }

  function staffMemberById(id: string | null | undefined): StaffMember | undefined {
    return id ? staffById.value[id] : undefined
  }

  function channelById(id: string | null | undefined): Channel | undefined {
    return id ? channelsById.value[id] : undefined
  }

  function classificationById(id: string | null | undefined): Classification | undefined {
    return id ? classificationsById.value[id] : undefined
  }

  /** Active staff of a team (the transfer dialog's agent list). */
  function staffOfTeam(teamId: string): StaffMember[] {
    const ids = new Set(teamMembers.value.filter(member => member.team_id === teamId).map(member => member.user_id))
    return staff.value.filter(member => member.active && ids.has(member.id))
  }

  function byId<T extends { id: string }>(rows: T[]): Record<string, T> {
    return Object.fromEntries(rows.map(row => [row.id, row]))
  }

  /** Bumped by reset(): a read that started for another user is dropped when it returns. */
  let generation = 0

  async function load(): Promise<void> {
    const started = generation
    loading.value = true
    error.value = null
    try {
      const [teamRows, memberRows, staffRows, classificationRows, quickReplyRows, channelRows] = await Promise.all([
        cataloguesService.fetchTeams(supabase),
        cataloguesService.fetchTeamMembers(supabase),
        cataloguesService.fetchStaff(supabase),
        cataloguesService.fetchClassifications(supabase),
        cataloguesService.fetchQuickReplies(supabase),
        cataloguesService.fetchChannels(supabase),
      ])
      if (started !== generation) return
      teamsById.value = byId(teamRows)
      teamMembers.value = memberRows
      staffById.value = byId(staffRows)
      classificationsById.value = byId(classificationRows)
      quickRepliesById.value = byId(quickReplyRows)
      channelsById.value = byId(channelRows)
      loaded.value = true
    }
    catch (cause) {
      if (started !== generation) return
      error.value = cause instanceof Error ? cause.message : String(cause)
      throw cause
    }
    finally {
      loading.value = false
    }
  }

  let pending: Promise<void> | undefined
  /** Loads everything once; concurrent callers share the request, and a failure allows a retry. */
  function ensureLoaded(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    pending ??= load().finally(() => {
      pending = undefined
    })
    return pending
  }

  /** Reads everything again (after an admin edit elsewhere, or a reconnect). */
  function reload(): Promise<void> {
    loaded.value = false
    return ensureLoaded()
  }

  function upsertQuickReply(reply: QuickReply): void {
    quickRepliesById.value = { ...quickRepliesById.value, [reply.id]: reply }
  }

  function removeQuickReply(id: string): void {
    const { [id]: _removed, ...rest } = quickRepliesById.value
    quickRepliesById.value = rest
  }

  function upsertChannel(channel: Channel): void {
    channelsById.value = { ...channelsById.value, [channel.id]: { ...channelsById.value[channel.id], ...channel } }
  }

  function reset(): void {
    generation += 1
    pending = undefined
    teamsById.value = {}
    staffById.value = {}
    classificationsById.value = {}
    quickRepliesById.value = {}
    channelsById.value = {}
    teamMembers.value = []
    loaded.value = false
    error.value = null
  }

  // Another user signing in (or signing out) must not see the previous user's quick replies.
  watch(() => session.user?.id, (next, previous) => {
    if (next !== previous) reset()
  })

  return {
    teams,
    staff,
    classifications,
    quickReplies,
    channels,
    teamMembers,
    myTeamIds,
    loading,
    loaded,
    error,
    teamById,
    staffById: staffMemberById,
    channelById,
    classificationById,
    staffOfTeam,
    ensureLoaded,
    reload,
    upsertQuickReply,
    removeQuickReply,
    upsertChannel,
  }
})
