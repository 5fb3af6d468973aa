/**
 * Teams as admins maintain them (plain REST; RLS lets only admins write): the team row (name, colour,
 * round-robin switch) and who is in it. Reading members and staff is services/catalogues.ts. A duplicate
 * name (23505) is translated here; deleting a team still in use is refused by a trigger (`team_in_use`,
 * P0001 with a pt-BR detail that `rpcError` keeps).
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { TEAM_LABELS } from '~/constants/teams'
import { RpcError, rpcError } from '~/services/errors'
import type { Tables } from '~/types/database'
import type { AppSupabaseClient } from '~/types/supabase'

/** A team with the admin-only column the workspace does not need (`auto_assign`). */
export type AdminTeam = Pick<Tables<'teams'>, 'id' | 'name' | 'color' | 'auto_assign' | 'created_at'>

export interface TeamInput {
  name: string
  color: string
  auto_assign: boolean
}

const COLUMNS = 'id, name, color, auto_assign, created_at'

function teamError(error: PostgrestError, status: number): RpcError {
  if (error.code === '23505') return new RpcError('team_name_taken', error.code, status, TEAM_LABELS.nameTaken, null)
  // `.single()` on a write that matched nothing: someone else deleted the team meanwhile.
  if (error.code === 'PGRST116') return new RpcError('team_not_found', error.code, status, TEAM_LABELS.notFound, null)
  return rpcError(error, status)
}

export async function fetchAdminTeams(client: AppSupabaseClient): Promise<AdminTeam[]> {
  const { data, error, status } = await client.from('teams').select(COLUMNS).order('name')
  if (error) throw teamError(error, status)
  return data
}

export async function createTeam(client: AppSupabaseClient, input: TeamInput): Promise<AdminTeam> {
  const { data, error, status } = await client.from('teams').insert(input).select(COLUMNS).single()
  if (error) throw teamError(error, status)
  return data
}

export async function updateTeam(client: AppSupabaseClient, id: string, input: TeamInput): Promise<AdminTeam> {
  const { data, error, status } = await client.from('teams').update(input).eq('id', id).select(COLUMNS).single()
  if (error) throw teamError(error, status)
  return data
}

/**
 * Makes the team's members exactly `userIds`: adds the new ones first, then removes the others, so a
 * failure half-way never leaves a member out of a queue they should still see.
 */
export async function replaceTeamMembers(client: AppSupabaseClient, teamId: string, userIds: readonly string[]): Promise<void> {
  if (userIds.length > 0) {
    const rows = userIds.map(userId => ({ team_id: teamId, user_id: userId }))
    const { error, status } = await client.from('team_members').upsert(rows, { onConflict: 'team_id,user_id', ignoreDuplicates: true })
    if (error) throw teamError(error, status)
  }
  let removal = client.from('team_members').delete().eq('team_id', teamId)
  if (userIds.length > 0) removal = removal.not('user_id', 'in', `(${userIds.join(',')})`)
  const { error, status } = await removal
  if (error) throw teamError(error, status)
}

export async function deleteTeam(client: AppSupabaseClient, id: string): Promise<void> {
  const { data, error, status } = await client.from('teams').delete().eq('id', id).select('id')
  if (error) throw teamError(error, status)
  if (data.length === 0) throw new RpcError('team_not_found', 'PGRST116', 404, TEAM_LABELS.notFound, null)
}
