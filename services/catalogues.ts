/**
 * Catalogues data layer: the small, slowly changing tables every screen of the workspace looks things
 * up in (teams and who is in them, staff names, closing classifications, quick replies, WhatsApp
 * connections). Each read returns the whole table the user may see; RLS trims quick replies to the
 * user's teams.
 */
import { ROLES, type Role } from '~/constants/roles'
import type { Tables } from '~/types/database'
import type { Channel, Classification, QuickReply, StaffMember, Team, TeamMember } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'

function requestError(error: { message: string, code: string }, status: number): DataRequestError {
  return new DataRequestError(error.message, error.code, status)
}

export async function fetchTeams(client: AppSupabaseClient): Promise<Team[]> {
  const { data, error, status } = await client.from('teams').select('*').order('name')
  if (error) throw requestError(error, status)
  return data
}

export async function fetchTeamMembers(client: AppSupabaseClient): Promise<TeamMember[]> {
  const { data, error, status } = await client.from('team_members').select('*')
  if (error) throw requestError(error, status)
  return data
}

/** A profile as colleagues see it; roles outside the known set cannot exist (check constraint). */
export function toStaffMember(row: Pick<Tables<'profiles'>, 'id' | 'full_name' | 'email' | 'role' | 'active'>): StaffMember {
  const role: Role = (ROLES as readonly string[]).includes(row.role) ? row.role as Role : 'observer'
  return { id: row.id, full_name: row.full_name, email: row.email, role, active: row.active }
}

/** Every profile, deactivated ones included: old messages and tickets still name them. */
export async function fetchStaff(client: AppSupabaseClient): Promise<StaffMember[]> {
  const { data, error, status } = await client.from('profiles').select('id, full_name, email, role, active').order('full_name')
  if (error) throw requestError(error, status)
  return data.map(toStaffMember)
}

/** All classifications (inactive ones still label old tickets), in the admins' order. */
export async function fetchClassifications(client: AppSupabaseClient): Promise<Classification[]> {
  const { data, error, status } = await client.from('classifications').select('*').order('position').order('name')
  if (error) throw requestError(error, status)
  return data
}

export async function fetchQuickReplies(client: AppSupabaseClient): Promise<QuickReply[]> {
  const { data, error, status } = await client.from('quick_replies').select('*').order('shortcut')
  if (error) throw requestError(error, status)
  return data
}

/** WhatsApp connections; provider and state columns hold only their check constraints' values. */
export function toChannel(row: Tables<'channels'>): Channel {
  return {
    ...row,
    provider: row.provider as Channel['provider'],
    connection_state: row.connection_state as Channel['connection_state'],
  }
}

export async function fetchChannels(client: AppSupabaseClient): Promise<Channel[]> {
  const { data, error, status } = await client.from('channels').select('*').order('name')
  if (error) throw requestError(error, status)
  return data.map(toChannel)
}
