/**
 * Sessions, refresh tokens and access tokens (supabase/auth internal/tokens/service.go,
 * internal/models/refresh_token.go, sessions.go).
 *
 * Refresh tokens rotate: each use revokes the token and issues a child in the same session. As in
 * GoTrue, a revoked token is still honoured when it is the parent of the session's active token (the
 * client lost the last response: the active token is returned again) or within the reuse interval
 * (concurrent refreshes, e.g. SSR and browser); otherwise it is "Already Used" and the whole session's
 * token family is revoked.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import * as jose from 'jose'
import type pg from 'pg'
import { ACCESS_TOKEN_TTL_SECONDS } from '../../config.ts'
import type { GatewayContext } from '../context.ts'
import { headerValue } from '../http.ts'
import { badRequest, OAuthError } from './errors.ts'
import { findUserById, isBanned, userJson, type Queryable, type UserRecord } from './users.ts'

/** Seconds a revoked refresh token stays usable: the Supabase default (`refresh_token_reuse_interval`). */
export const REFRESH_TOKEN_REUSE_INTERVAL_SECONDS = 10

export interface SessionRecord {
  id: string
  user_id: string
  created_at: Date
  aal: string | null
}

interface RefreshTokenRecord {
  id: string
  token: string
  revoked: boolean
  updated_at: Date
  parent: string | null
  session_id: string | null
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789'

/** GoTrue's crypto.SecureAlphanumeric(12). */
function newRefreshTokenString(): string {
  let token = ''
  for (let i = 0; i < 12; i++) token += TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]
  return token
}

export async function findSession(db: Queryable, sessionId: string): Promise<SessionRecord | undefined> {
  const { rows: [session] } = await db.query<SessionRecord>('select id, user_id, created_at, aal from auth.sessions where id = $1', [sessionId])
  return session
}

function clientAddress(req: IncomingMessage): { userAgent: string | null, ip: string | null } {
  const forwarded = headerValue(req, 'x-forwarded-for')?.split(',')[0]?.trim()
  const ip = (forwarded || req.socket.remoteAddress || '').replace(/^::ffff:/, '')
  return { userAgent: headerValue(req, 'user-agent') ?? null, ip: ip || null }
}

async function insertRefreshToken(db: Queryable, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = newRefreshTokenString()
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
    [token, userId, parent, sessionId],
  )
  return token
}

/** A new session and its first refresh token (password sign-in). */
export async function startSession(db: Queryable, req: IncomingMessage, userId: string): Promise<{ sessionId: string, refreshToken: string }> {
  const sessionId = randomUUID()
  const { userAgent, ip } = clientAddress(req)
  await db.query(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4)`,
    [sessionId, userId, userAgent, ip],
  )
  await db.query('update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1', [userId])
  return { sessionId, refreshToken: await insertRefreshToken(db, userId, sessionId, null) }
}

export type RefreshOutcome
  = | { kind: 'issued', user: UserRecord, sessionId: string, refreshToken: string }
    | { kind: 'already_used' }

/**
 * Rotates `token`. Returns `already_used` (after revoking the family) instead of throwing, so the caller
 * can commit the revocation before answering with the error, as GoTrue does.
 */
export async function rotateRefreshToken(db: pg.PoolClient, req: IncomingMessage, token: string): Promise<RefreshOutcome> {
  if (!token) throw new OAuthError('invalid_request', 'refresh_token required')
  const { rows: [current] } = await db.query<RefreshTokenRecord & { user_id: string }>(
    `select id, token, revoked, updated_at, parent, session_id, user_id from auth.refresh_tokens where token = $1 for update`,
    [token],
  )
  const user = current && await findUserById(db, current.user_id)
  if (!current || !user) throw badRequest('refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
  if (isBanned(user)) throw badRequest('user_banned', 'Invalid Refresh Token: User Banned')
  const session = current.session_id
    ? (await db.query<{ id: string }>('select id from auth.sessions where id = $1 for update', [current.session_id])).rows[0]
    : undefined
  if (!session) throw badRequest('session_not_found', 'Invalid Refresh Token: No Valid Session Found')

  let issued: string | undefined
  if (current.revoked) {
    const { rows: [active] } = await db.query<RefreshTokenRecord>(
      'select token, parent from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
      [session.id],
    )
    if (active?.parent === current.token) {
      issued = active.token
    }
    else if (Date.now() > current.updated_at.getTime() + REFRESH_TOKEN_REUSE_INTERVAL_SECONDS * 1000) {
      await db.query('update auth.refresh_tokens set revoked = true, updated_at = now() where session_id = $1 and not revoked', [session.id])
      return { kind: 'already_used' }
    }
  }
  if (!issued) {
    await db.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [current.id])
    issued = await insertRefreshToken(db, user.id, session.id, current.token)
  }
  const { userAgent, ip } = clientAddress(req)
  await db.query(
    `update auth.sessions set refreshed_at = timezone('utc', now()), updated_at = now(), user_agent = $2, ip = $3 where id = $1`,
    [session.id, userAgent, ip],
  )
  return { kind: 'issued', user, sessionId: session.id, refreshToken: issued }
}

/** The access token GoTrue's GenerateAccessToken issues (claims in its order; `aud` a plain string). */
export async function issueAccessToken(ctx: GatewayContext, user: UserRecord, session: SessionRecord): Promise<{ token: string, expiresAt: number }> {
  const token = await ctx.keys.signAccessToken({
    iss: `${ctx.publicUrl}/auth/v1`,
    sub: user.id,
    aud: user.aud,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    role: user.role,
    aal: session.aal ?? 'aal1',
    // Password is the only sign-in method here; its time is the session's start.
    amr: [{ method: 'password', timestamp: Math.floor(session.created_at.getTime() / 1000) }],
    session_id: session.id,
    is_anonymous: user.is_anonymous,
  }, ACCESS_TOKEN_TTL_SECONDS)
  return { token, expiresAt: jose.decodeJwt(token).exp ?? 0 }
}

/** GoTrue's AccessTokenResponse. */
export async function sessionResponse(
  ctx: GatewayContext, db: Queryable, userId: string, sessionId: string, refreshToken: string, extra: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const user = await findUserById(db, userId)
  const session = await findSession(db, sessionId)
  if (!user || !session) throw new Error(`session ${sessionId} vanished while issuing tokens`)
  const { token, expiresAt } = await issueAccessToken(ctx, user, session)
  return {
    access_token: token,
    token_type: 'bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    expires_at: expiresAt,
    refresh_token: refreshToken,
    user: userJson(user),
    ...extra,
  }
}

/** Logout scopes (models.Logout / LogoutSession / LogoutAllExceptMe); refresh tokens go by cascade. */
export async function endSessions(db: Queryable, userId: string, scope: 'global' | 'local' | 'others', sessionId?: string): Promise<void> {
  if (scope === 'local' && sessionId) {
    await db.query('delete from auth.sessions where id = $1', [sessionId])
  }
  else if (scope === 'others' && sessionId) {
    await db.query('delete from auth.sessions where user_id = $1 and id <> $2', [userId, sessionId])
  }
  else {
    await db.query('delete from auth.sessions where user_id = $1', [userId])
  }
}
