import { fetchStaff, fetchTeamMembers } from '~/services/catalogues'
import { errorText } from '~/services/errors'
import { type AdminTeam, fetchAdminTeams } from '~/services/teams'
import * as usersService from '~/services/users'
import type { AdminUser, NewUserInput, UserInput } from '~/services/users'
import type { StaffMember } from '~/types/domain'

/**
 * Usuários (admin): every person by id with their teams, the teams to pick from, and the edits, each
 * with its own flag. Changes show once the server accepted them (role, teams and activation carry rules
 * only the server can check). `dirty` tells the page that the workspace's copy (stores/catalogues.ts)
 * is stale.
 */
export const useAdminUsersStore = defineStore('admin-users', () => {
  const supabase = useSupabase()

  const byId = ref<Record<string, AdminUser>>({})
  const teamsById = ref<Record<string, AdminTeam>>({})
  const loading = ref(false)
  const loaded = ref(false)
  /** pt-BR, for the page's error state. */
  const error = ref<string | null>(null)
  const saving = ref(false)
  /** Per user: a password reset or (de)activation under way. */
  const busy = ref<Record<string, boolean>>({})
  const dirty = ref(false)

  const users = computed(() => Object.values(byId.value).sort((a, b) => a.full_name.localeCompare(b.full_name, 'pt-BR')))
  const teams = computed(() => Object.values(teamsById.value).sort((a, b) => a.name.localeCompare(b.name, 'pt-BR')))

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    error.value = null
    try {
      const [staff, members, teamRows] = await Promise.all([fetchStaff(supabase), fetchTeamMembers(supabase), fetchAdminTeams(supabase)])
      if (current !== request) return
      const teamIdsByUser = new Map<string, string[]>()
      for (const member of members) teamIdsByUser.set(member.user_id, [...(teamIdsByUser.get(member.user_id) ?? []), member.team_id])
      byId.value = Object.fromEntries(staff.map(person => [person.id, { ...person, team_ids: teamIdsByUser.get(person.id) ?? [] }]))
      teamsById.value = Object.fromEntries(teamRows.map(team => [team.id, team]))
      loaded.value = true
    }
    catch (cause) {
      if (current === request) error.value = errorText(cause)
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  function remember(person: StaffMember, teamIds?: string[]): AdminUser {
    const saved = { ...person, team_ids: teamIds ?? byId.value[person.id]?.team_ids ?? [] }
    byId.value = { ...byId.value, [person.id]: saved }
    dirty.value = true
    return saved
  }

  async function withFlag<T>(flag: Ref<boolean>, work: () => Promise<T>): Promise<T> {
    flag.value = true
    try {
      return await work()
    }
    finally {
      flag.value = false
    }
  }

  function create(input: NewUserInput): Promise<AdminUser> {
    return withFlag(saving, async () => {
      const user = await usersService.createUser(supabase, input)
      return remember(user, user.team_ids)
    })
  }

  function save(userId: string, input: UserInput): Promise<AdminUser> {
    return withFlag(saving, async () => remember(await usersService.saveUser(supabase, userId, input), input.teamIds))
  }

  async function perUser<T>(userId: string, work: () => Promise<T>): Promise<T> {
    busy.value = { ...busy.value, [userId]: true }
    try {
      return await work()
    }
    finally {
      const { [userId]: _done, ...rest } = busy.value
      busy.value = rest
    }
  }

  function resetPassword(userId: string, password: string): Promise<void> {
    return perUser(userId, () => usersService.setUserPassword(supabase, userId, password))
  }

  function setActive(userId: string, active: boolean): Promise<AdminUser> {
    return perUser(userId, async () => remember(await usersService.setUserActive(supabase, userId, active)))
  }

  function markClean(): void {
    dirty.value = false
  }

  return { byId, users, teams, teamsById, loading, loaded, error, saving, busy, dirty, load, create, save, resetPassword, setActive, markClean }
})
