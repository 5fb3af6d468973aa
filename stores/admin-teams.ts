import { fetchStaff, fetchTeamMembers } from '~/services/catalogues'
import { errorText } from '~/services/errors'
import * as teamsService from '~/services/teams'
import type { AdminTeam, TeamInput } from '~/services/teams'
import type { StaffMember } from '~/types/domain'

/** A team as Equipes lists it: the row and its members' ids. */
export interface TeamWithMembers extends AdminTeam {
  member_ids: string[]
}

/**
 * Equipes (admin): every team by id with its members, the staff to pick members from, and the edits.
 * A team is saved in two steps (the row, then its members): the page keeps the created id, so a retry
 * after a failed second step updates that team instead of creating another. `dirty` tells the page that
 * the workspace's copy (stores/catalogues.ts) is stale.
 */
export const useAdminTeamsStore = defineStore('admin-teams', () => {
  const supabase = useSupabase()

  const byId = ref<Record<string, TeamWithMembers>>({})
  const staffById = ref<Record<string, StaffMember>>({})
  const loading = ref(false)
  const loaded = ref(false)
  /** pt-BR, for the page's error state. */
  const error = ref<string | null>(null)
  const saving = ref(false)
  const deleting = ref<Record<string, boolean>>({})
  const dirty = ref(false)

  const teams = computed(() => Object.values(byId.value).sort((a, b) => a.name.localeCompare(b.name, 'pt-BR')))
  const staff = computed(() => Object.values(staffById.value).sort((a, b) => a.full_name.localeCompare(b.full_name, 'pt-BR')))
  /** Who may join a team: active people. */
  const activeStaff = computed(() => staff.value.filter(person => person.active))

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    error.value = null
    try {
      const [teamRows, members, people] = await Promise.all([teamsService.fetchAdminTeams(supabase), fetchTeamMembers(supabase), fetchStaff(supabase)])
      if (current !== request) return
      byId.value = Object.fromEntries(teamRows.map(team => [team.id, {
        ...team,
        member_ids: members.filter(member => member.team_id === team.id).map(member => member.user_id),
      }]))
      staffById.value = Object.fromEntries(people.map(person => [person.id, person]))
      loaded.value = true
    }
    catch (cause) {
      if (current === request) error.value = errorText(cause)
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  function remember(team: AdminTeam, memberIds?: string[]): TeamWithMembers {
    const saved = { ...team, member_ids: memberIds ?? byId.value[team.id]?.member_ids ?? [] }
    byId.value = { ...byId.value, [team.id]: saved }
    dirty.value = true
    return saved
  }

  /** Creates (id null) or updates the team row; members are a separate step (`saveMembers`). */
  async function saveTeam(id: string | null, input: TeamInput): Promise<TeamWithMembers> {
    saving.value = true
    try {
      return remember(id ? await teamsService.updateTeam(supabase, id, input) : await teamsService.createTeam(supabase, input))
    }
    finally {
      saving.value = false
    }
  }

  async function saveMembers(teamId: string, memberIds: string[]): Promise<void> {
    saving.value = true
    try {
      await teamsService.replaceTeamMembers(supabase, teamId, memberIds)
      const team = byId.value[teamId]
      if (team) remember(team, [...memberIds])
    }
    finally {
      saving.value = false
    }
  }

  async function remove(id: string): Promise<void> {
    deleting.value = { ...deleting.value, [id]: true }
    try {
      await teamsService.deleteTeam(supabase, id)
      const { [id]: _removed, ...rest } = byId.value
      byId.value = rest
      dirty.value = true
    }
    finally {
      const { [id]: _done, ...rest } = deleting.value
      deleting.value = rest
    }
  }

  function markClean(): void {
    dirty.value = false
  }

  return { byId, teams, staff, staffById, activeStaff, loading, loaded, error, saving, deleting, dirty, load, saveTeam, saveMembers, remove, markClean }
})
