/**
 * Who is calling: GoTrue's requireAuthentication (a user's access token whose user and session still
 * exist) and requireAdminCredentials (a token whose role is an admin role). Statuses and codes follow
 * supabase/auth internal/api/auth.go and middleware.go.
 */
import type { IncomingMessage } from 'node:http'
import type { GatewayContext } from '../context.ts'
import { bearerToken } from '../http.ts'
import type { JwtClaims } from '../keys.ts'
import { AuthError, badRequest, forbidden } from './errors.ts'
import { findSession, type SessionRecord } from './sessions.ts'
import { findUserById, isBanned, type UserRecord } from './users.ts'

/** GoTrue's JWT.AdminRoles default. */
const ADMIN_ROLES = ['service_role', 'supabase_admin']
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const NIL_UUID = '00000000-0000-0000-0000-000000000000'

export interface Caller {
  claims: JwtClaims
  user: UserRecord
  /** Absent only for tokens without a session_id claim. */
  session?: SessionRecord
}

export const isUuid = (value: string) => UUID_PATTERN.test(value)

async function verifiedClaims(ctx: GatewayContext, req: IncomingMessage): Promise<JwtClaims> {
  const token = bearerToken(req)
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token')
  try {
    return await ctx.keys.verify(token)
  }
  catch (error) {
    throw forbidden('bad_jwt', `invalid JWT: unable to parse or verify signature, ${(error as Error).message}`)
  }
}

/** Loads the user of `sub` and the session of `session_id` (GoTrue's maybeLoadUserOrSession). */
async function loadUserAndSession(ctx: GatewayContext, claims: JwtClaims): Promise<Caller> {
  const subject = claims.sub
  if (!subject) throw forbidden('bad_jwt', 'invalid claim: missing sub claim')
  if (!isUuid(subject)) throw badRequest('bad_jwt', 'invalid claim: sub claim must be a UUID')
  const user = await findUserById(ctx.db, subject)
  if (!user) throw forbidden('user_not_found', 'User from sub claim in JWT does not exist')

  const sessionId = typeof claims.session_id === 'string' ? claims.session_id : ''
  if (!sessionId || sessionId === NIL_UUID) return { claims, user }
  if (!isUuid(sessionId)) throw forbidden('bad_jwt', 'invalid claim: session_id claim must be a UUID')
  const session = await findSession(ctx.db, sessionId)
  if (!session) throw forbidden('session_not_found', 'Session from session_id claim in JWT does not exist')
  return { claims, user, session }
}

export async function requireAuthentication(ctx: GatewayContext, req: IncomingMessage): Promise<Caller> {
  const caller = await loadUserAndSession(ctx, await verifiedClaims(ctx, req))
  // A token issued before a ban keeps its signature; GoTrue refuses it here.
  if (isBanned(caller.user)) throw forbidden('user_banned', 'User is banned')
  return caller
}

export async function requireAdmin(ctx: GatewayContext, req: IncomingMessage): Promise<JwtClaims> {
  const claims = await verifiedClaims(ctx, req)
  // A user token must still have its session, or it would outlive a logout (sessionless keys skip this).
  if (typeof claims.session_id === 'string' && claims.session_id && claims.session_id !== NIL_UUID) {
    await loadUserAndSession(ctx, claims)
  }
  if (!ADMIN_ROLES.includes(String(claims.role ?? ''))) throw forbidden('not_admin', 'User not allowed')
  return claims
}
