/**
 * The admin-users function without a stack: request parsing (pt-BR messages naming the field) and the
 * actions against an in-memory store, in particular that a failed role/teams save removes the new auth
 * user and that deactivation is recorded before the ban. The contract test runs the real thing.
 */
import { describe, expect, it } from 'vitest'
import { UserError } from '../../supabase/functions/_shared/errors.ts'
import { createUser, setActive, setPassword } from '../../supabase/functions/admin-users/actions.ts'
import { parseAdminUsersRequest } from '../../supabase/functions/admin-users/request.ts'
import type { AdminUsersStore, SaveUserInput, UserRecord } from '../../supabase/functions/admin-users/store.ts'

const USER_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7'
const TEAM_ID = '00000000-0000-4000-b000-000000000001'
const ADMIN_ID = '00000000-0000-4000-a000-000000000001'

class MemoryStore implements AdminUsersStore {
  users = new Map<string, UserRecord>()
  log: string[] = []
  failSave: UserError | null = null

  async isActiveAdmin(userId: string) {
    return this.users.get(userId)?.role === 'admin'
  }

  async loadUser(userId: string) {
    const user = this.users.get(userId)
    return user ? { ...user } : null
  }

  async createAuthUser(input: { email: string, fullName: string }) {
    this.log.push(`create ${input.email}`)
    this.users.set(USER_ID, { id: USER_ID, full_name: input.fullName, email: input.email, role: 'agent', active: true })
    return USER_ID
  }

  async deleteAuthUser(userId: string) {
    this.log.push(`delete ${userId}`)
    this.users.delete(userId)
  }

  async setPassword(userId: string) {
    this.log.push(`password ${userId}`)
  }

  async setBanned(userId: string, banned: boolean) {
    this.log.push(`${banned ? 'ban' : 'unban'} ${userId}`)
  }

  async saveUser(input: SaveUserInput) {
    if (this.failSave) throw this.failSave
    const user = { ...this.users.get(input.userId)!, full_name: input.fullName, role: input.role }
    this.users.set(input.userId, user)
    this.log.push(`save ${input.userId} ${input.role} ${input.teamIds.join(',')}`)
    return user
  }

  async setActive(_actorId: string, userId: string, active: boolean) {
    this.log.push(`active ${userId} ${active}`)
    this.users.set(userId, { ...this.users.get(userId)!, active })
  }
}

function refusal(body: unknown): UserError {
  try {
    parseAdminUsersRequest(body)
  }
  catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('parseAdminUsersRequest', () => {
  it('reads a create, normalising e-mail, name and teams', () => {
    expect(parseAdminUsersRequest({
      action: 'create', email: ' Maria@Empresa.com.BR ', full_name: ' Maria   Silva ', password: 'senha-forte', role: 'supervisor', team_ids: [TEAM_ID, TEAM_ID.toUpperCase()],
    })).toEqual({ action: 'create', email: 'maria@empresa.com.br', fullName: 'Maria Silva', password: 'senha-forte', role: 'supervisor', teamIds: [TEAM_ID] })
  })

  it('refuses each wrong field with a pt-BR message naming it', () => {
    const base = { action: 'create', email: 'a@b.co', full_name: 'A', password: 'senha-forte', role: 'agent', team_ids: [] }
    expect(refusal({ ...base, password: 'curta' })).toMatchObject({ status: 400, message: 'A senha deve ter pelo menos 8 caracteres.', details: { field: 'password' } })
    expect(refusal({ ...base, email: 'x' })).toMatchObject({ details: { field: 'email' } })
    expect(refusal({ ...base, full_name: 'x'.repeat(121) })).toMatchObject({ details: { field: 'full_name' } })
    expect(refusal({ ...base, role: 'owner' })).toMatchObject({ details: { field: 'role' } })
    expect(refusal({ ...base, team_ids: 'todas' })).toMatchObject({ details: { field: 'team_ids' } })
    expect(refusal({ action: 'set_active', user_id: USER_ID, active: 'no' })).toMatchObject({ details: { field: 'active' } })
    expect(refusal({ action: 'set_password', user_id: 'eu', password: 'senha-forte' })).toMatchObject({ details: { field: 'user_id' } })
    expect(refusal({ action: 'drop' })).toMatchObject({ code: 'unknown_action' })
    expect(refusal([])).toMatchObject({ code: 'invalid_request' })
  })
})

describe('actions', () => {
  it('creates the auth user, then saves role and teams', async () => {
    const store = new MemoryStore()
    const input = parseAdminUsersRequest({ action: 'create', email: 'm@e.com', full_name: 'M', password: 'senha-forte', role: 'supervisor', team_ids: [TEAM_ID] })
    if (input.action !== 'create') throw new Error('unexpected')
    const { user } = await createUser(store, input)
    expect(user).toEqual({ id: USER_ID, full_name: 'M', email: 'm@e.com', role: 'supervisor', active: true, team_ids: [TEAM_ID] })
    expect(store.log).toEqual(['create m@e.com', `save ${USER_ID} supervisor ${TEAM_ID}`])
  })

  it('deletes the new auth user when role and teams cannot be saved, and passes the refusal on', async () => {
    const store = new MemoryStore()
    store.failSave = new UserError(400, 'team_not_found', 'Uma das equipes escolhidas não existe mais. Recarregue a página.')
    const input = parseAdminUsersRequest({ action: 'create', email: 'm@e.com', full_name: 'M', password: 'senha-forte', role: 'agent' })
    if (input.action !== 'create') throw new Error('unexpected')
    await expect(createUser(store, input)).rejects.toBe(store.failSave)
    expect(store.log).toEqual(['create m@e.com', `delete ${USER_ID}`])
    expect(store.users.size).toBe(0)
  })

  it('records the deactivation before banning, and lifts the ban on reactivation', async () => {
    const store = new MemoryStore()
    store.users.set(USER_ID, { id: USER_ID, full_name: 'M', email: 'm@e.com', role: 'agent', active: true })
    expect((await setActive(store, ADMIN_ID, { action: 'set_active', userId: USER_ID, active: false })).user.active).toBe(false)
    expect((await setActive(store, ADMIN_ID, { action: 'set_active', userId: USER_ID, active: true })).user.active).toBe(true)
    expect(store.log).toEqual([`active ${USER_ID} false`, `ban ${USER_ID}`, `active ${USER_ID} true`, `unban ${USER_ID}`])
  })

  it('answers 404 for a user that does not exist', async () => {
    const store = new MemoryStore()
    await expect(setPassword(store, { action: 'set_password', userId: USER_ID, password: 'senha-forte' })).rejects.toMatchObject({ status: 404, message: 'Usuário não encontrado.' })
    await expect(setActive(store, ADMIN_ID, { action: 'set_active', userId: USER_ID, active: false })).rejects.toMatchObject({ status: 404 })
    expect(store.log).toEqual([])
  })
})
