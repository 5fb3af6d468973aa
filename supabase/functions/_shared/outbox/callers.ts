/**
 * Who may run the sender. The scheduler is for the service role only (pg_cron in production, the local
 * stack's cron); whatsapp-send also serves signed-in staff, whose app calls it right after they send.
 * Both functions have verify_jwt on, so the platform has already rejected unsigned tokens.
 */
import { requireSignedInUser } from '../auth.ts'
import type { SupabaseEnv } from '../env.ts'
import { UserError } from '../errors.ts'
import { bearerToken } from '../http.ts'
import { createCallerClient } from '../supabase.ts'
import { timingSafeEqual } from '../webhook-auth.ts'

export type SenderCaller = { kind: 'service' } | { kind: 'staff', userId: string }

const STAFF_ROLES = new Set(['admin', 'supervisor', 'agent'])

/**
 * The service role is recognised by its key itself, not by a `role` claim: the function cannot verify
 * an HS256 signature (it has no JWT secret), and the key is what pg_cron sends.
 */
export function isServiceRoleRequest(request: Request, env: SupabaseEnv): boolean {
  const token = bearerToken(request)
  return token !== undefined && timingSafeEqual(token, env.serviceRoleKey)
}

export function requireServiceRole(request: Request, env: SupabaseEnv): void {
  if (!bearerToken(request)) throw new UserError(401, 'not_authenticated', 'Send the service role key as a Bearer token.')
  if (!isServiceRoleRequest(request, env)) throw new UserError(403, 'service_role_required', 'Only the service role may call this function.')
}

/** The service role, or an active admin, supervisor or agent (observers and deactivated users get a 403). */
export async function requireSenderCaller(request: Request, env: SupabaseEnv): Promise<SenderCaller> {
  if (isServiceRoleRequest(request, env)) return { kind: 'service' }
  const client = createCallerClient(request, env)
  const user = await requireSignedInUser(client, request, env.jwks)
  const { data, error } = await client.rpc('my_profile')
  if (error) throw error
  const profile = data as { id?: string, role?: string, active?: boolean } | null
  if (!profile?.id || profile.active !== true || !STAFF_ROLES.has(profile.role ?? '')) {
    throw new UserError(403, 'not_allowed', 'Only active admins, supervisors and agents may send messages.')
  }
  return { kind: 'staff', userId: user.id }
}
