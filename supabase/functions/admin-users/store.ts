/**
 * What admin-users reads and writes. Two clients, on purpose:
 * - the service client, for what no browser role may do: the auth admin API (create, password, ban,
 *   delete), `admin_set_user_active` (service role only) and reading the caller's role before anything;
 * - the caller's client, for `admin_save_user`, so the SQL's own admin check applies to the role and
 *   teams a new user gets exactly as it does when the app edits a user.
 */
import { isAuthApiError, type AuthError, type PostgrestError, type SupabaseClient } from '@supabase/supabase-js'
import { UserError } from '../_shared/errors.ts'
import type { Role } from './request.ts'

/** A profile as the app shows it in Usuários. */
export interface UserRecord {
  id: string
  full_name: string
  email: string | null
  role: Role
  active: boolean
}

export interface SaveUserInput {
  userId: string
  fullName: string
  role: Role
  teamIds: string[]
}

/** What the actions use (an in-memory fake in the unit tests). */
export interface AdminUsersStore {
  isActiveAdmin(userId: string): Promise<boolean>
  loadUser(userId: string): Promise<UserRecord | null>
  /** Returns the new auth user's id; 409 when the e-mail is taken. */
  createAuthUser(input: { email: string, password: string, fullName: string }): Promise<string>
  deleteAuthUser(userId: string): Promise<void>
  setPassword(userId: string, password: string): Promise<void>
  setBanned(userId: string, banned: boolean): Promise<void>
  /** As the caller (the SQL checks the admin). */
  saveUser(input: SaveUserInput): Promise<UserRecord>
  setActive(actorId: string, userId: string, active: boolean): Promise<void>
}

/** Long enough to mean "until reactivated"; GoTrue takes a Go duration and "none" lifts the ban. */
const BAN_FOREVER = '876000h'
const PROFILE_COLUMNS = 'id, full_name, email, role, active'

function failed(what: string, error: PostgrestError | AuthError): Error {
  return new Error(`${what} failed: ${error.message}`)
}

/**
 * A refusal of our SQL functions (`raise … using errcode = 'P0001', message = '<code>', detail = '<pt-BR>'`,
 * or 42501 `not_allowed`) as the caller's error; anything else stays an application error.
 */
export function sqlRefusal(error: PostgrestError): UserError | null {
  const detail = typeof error.details === 'string' && error.details.trim() ? error.details.trim() : null
  // The functions name the form field in the hint (`field=full_name`), like the function's own 400s.
  const field = /^field=(\w+)$/.exec(error.hint ?? '')?.[1]
  if (error.code === 'P0001') {
    return new UserError(400, error.message, detail ?? 'A operação foi recusada pelo banco de dados.', field ? { field } : undefined)
  }
  if (error.code === '42501') return new UserError(403, 'not_allowed', detail ?? 'Só administradores podem gerenciar usuários.')
  return null
}

const userNotFound = () => new UserError(404, 'user_not_found', 'Usuário não encontrado.')

export class SupabaseAdminUsersStore implements AdminUsersStore {
  constructor(private readonly service: SupabaseClient, private readonly caller: SupabaseClient) {}

  async isActiveAdmin(userId: string): Promise<boolean> {
    const user = await this.loadUser(userId)
    return user?.role === 'admin' && user.active
  }

  async loadUser(userId: string): Promise<UserRecord | null> {
    const { data, error } = await this.service.from('profiles').select(PROFILE_COLUMNS).eq('id', userId).maybeSingle()
    if (error) throw failed('loading a profile', error)
    return data as UserRecord | null
  }

  async createAuthUser(input: { email: string, password: string, fullName: string }): Promise<string> {
    const { data, error } = await this.service.auth.admin.createUser({
      email: input.email,
      password: input.password,
      // Admins hand out the initial password themselves: no confirmation e-mail to wait for.
      email_confirm: true,
      // The profile trigger takes the name from here.
      user_metadata: { full_name: input.fullName },
    })
    if (error) {
      if (isAuthApiError(error) && error.code === 'email_exists') {
        throw new UserError(409, 'email_exists', 'Já existe um usuário com este e-mail.', { field: 'email' })
      }
      if (isAuthApiError(error) && error.code === 'weak_password') {
        throw new UserError(400, 'weak_password', 'A senha é fraca demais; use pelo menos 8 caracteres.', { field: 'password' })
      }
      throw failed('creating the auth user', error)
    }
    return data.user.id
  }

  async deleteAuthUser(userId: string): Promise<void> {
    const { error } = await this.service.auth.admin.deleteUser(userId)
    if (error) throw failed('deleting the auth user', error)
  }

  async setPassword(userId: string, password: string): Promise<void> {
    // GoTrue ends every session of the user when an admin sets the password.
    const { error } = await this.service.auth.admin.updateUserById(userId, { password })
    if (!error) return
    if (isAuthApiError(error) && error.code === 'user_not_found') throw userNotFound()
    if (isAuthApiError(error) && error.code === 'weak_password') {
      throw new UserError(400, 'weak_password', 'A senha é fraca demais; use pelo menos 8 caracteres.', { field: 'password' })
    }
    throw failed('setting the password', error)
  }

  async setBanned(userId: string, banned: boolean): Promise<void> {
    const { error } = await this.service.auth.admin.updateUserById(userId, { ban_duration: banned ? BAN_FOREVER : 'none' })
    if (!error) return
    if (isAuthApiError(error) && error.code === 'user_not_found') throw userNotFound()
    throw failed(banned ? 'banning the auth user' : 'lifting the ban', error)
  }

  async saveUser(input: SaveUserInput): Promise<UserRecord> {
    const { data, error } = await this.caller.rpc('admin_save_user', {
      p_user_id: input.userId,
      p_full_name: input.fullName,
      p_role: input.role,
      p_team_ids: input.teamIds,
    })
    if (error) throw sqlRefusal(error) ?? failed('admin_save_user', error)
    const row = data as UserRecord
    return { id: row.id, full_name: row.full_name, email: row.email, role: row.role, active: row.active }
  }

  async setActive(actorId: string, userId: string, active: boolean): Promise<void> {
    const { error } = await this.service.rpc('admin_set_user_active', { p_actor_id: actorId, p_user_id: userId, p_active: active })
    if (error) throw sqlRefusal(error) ?? failed('admin_set_user_active', error)
  }
}
