/**
 * Users as admins maintain them. Creating, resetting a password and (de)activating need the auth admin
 * API: they go through the `admin-users` edge function. Name, role and teams of an existing user change
 * through `rpc('admin_save_user')` (the SQL checks the admin and the last-admin rule). Reading staff and
 * memberships is services/catalogues.ts.
 */
import type { Role } from '~/constants/roles'
import { invokeFunction, rpcError } from '~/services/errors'
import { toStaffMember } from '~/services/catalogues'
import type { StaffMember } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'

/** A person as Usuários lists them: their profile and the teams they belong to. */
export interface AdminUser extends StaffMember {
  team_ids: string[]
}

export interface UserInput {
  fullName: string
  role: Role
  teamIds: string[]
}

export interface NewUserInput extends UserInput {
  email: string
  password: string
}

const FUNCTION = 'admin-users'

export async function createUser(client: AppSupabaseClient, input: NewUserInput): Promise<AdminUser> {
  const { user } = await invokeFunction<{ user: StaffMember & { team_ids: string[] } }>(client, FUNCTION, {
    action: 'create',
    email: input.email,
    full_name: input.fullName,
    password: input.password,
    role: input.role,
    team_ids: input.teamIds,
  })
  return { ...toStaffMember(user), team_ids: user.team_ids }
}

export async function saveUser(client: AppSupabaseClient, userId: string, input: UserInput): Promise<StaffMember> {
  const { data, error, status } = await client.rpc('admin_save_user', {
    p_user_id: userId,
    p_full_name: input.fullName,
    p_role: input.role,
    p_team_ids: input.teamIds,
  })
  if (error) throw rpcError(error, status)
  return toStaffMember(data)
}

/** The user is signed out everywhere and signs in with the new password. */
export async function setUserPassword(client: AppSupabaseClient, userId: string, password: string): Promise<void> {
  await invokeFunction(client, FUNCTION, { action: 'set_password', user_id: userId, password })
}

/** Deactivating sends the user's open tickets back to their queues and blocks their sign-in. */
export async function setUserActive(client: AppSupabaseClient, userId: string, active: boolean): Promise<StaffMember> {
  const { user } = await invokeFunction<{ user: StaffMember }>(client, FUNCTION, { action: 'set_active', user_id: userId, active })
  return toStaffMember(user)
}
