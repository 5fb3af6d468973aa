/**
 * POST /token: the password and refresh_token grants (supabase/auth internal/api/token.go,
 * internal/tokens/service.go RefreshTokenGrant). Checks run in GoTrue's order, so a banned user hears
 * "User is banned" even with a wrong password, and an unconfirmed one only after a right password.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayContext } from '../context.ts'
import { sendJson } from '../http.ts'
import { badRequest, unprocessable } from './errors.ts'
import { Params, passwordWeakness } from './params.ts'
import { rotateRefreshToken, sessionResponse, startSession } from './sessions.ts'
import { inTransaction } from '../db.ts'
import { findUserByEmail, isBanned, passwordMatches } from './users.ts'

const INVALID_LOGIN = 'Invalid login credentials'

export async function handleToken(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  switch (query.get('grant_type')) {
    case 'password':
      sendJson(res, 200, await passwordGrant(ctx, req))
      return
    case 'refresh_token':
      sendJson(res, 200, await refreshTokenGrant(ctx, req))
      return
    default:
      // GoTrue's exact answer for any other grant (pkce, id_token and web3 are not emulated here).
      throw badRequest('invalid_credentials', 'unsupported_grant_type')
  }
}

async function passwordGrant(ctx: GatewayContext, req: IncomingMessage): Promise<Record<string, unknown>> {
  const params = await Params.read(req)
  const email = params.string('email') ?? ''
  const phone = params.string('phone') ?? ''
  const password = params.string('password') ?? ''
  if (email && phone) throw badRequest('validation_failed', 'Only an email address or phone number should be provided on login.')
  if (phone) throw unprocessable('phone_provider_disabled', 'Phone logins are disabled')
  if (!email) throw badRequest('validation_failed', 'missing email or phone')

  const user = await findUserByEmail(ctx.db, email)
  if (!user || !user.has_password) throw badRequest('invalid_credentials', INVALID_LOGIN)
  if (isBanned(user)) throw badRequest('user_banned', 'User is banned')
  if (!(await passwordMatches(ctx.db, user.id, password))) throw badRequest('invalid_credentials', INVALID_LOGIN)
  if (!user.email_confirmed_at) throw badRequest('email_not_confirmed', 'Email not confirmed')

  const weakness = passwordWeakness(password)
  return inTransaction(ctx.db, async (tx) => {
    const { sessionId, refreshToken } = await startSession(tx, req, user.id)
    return sessionResponse(ctx, tx, user.id, sessionId, refreshToken, weakness ? { weak_password: weakness } : {})
  })
}

async function refreshTokenGrant(ctx: GatewayContext, req: IncomingMessage): Promise<Record<string, unknown>> {
  const params = await Params.read(req)
  const token = params.string('refresh_token') ?? ''
  const outcome = await inTransaction(ctx.db, async (tx) => {
    const rotated = await rotateRefreshToken(tx, req, token)
    if (rotated.kind === 'already_used') return rotated
    return { kind: 'issued' as const, response: await sessionResponse(ctx, tx, rotated.user.id, rotated.sessionId, rotated.refreshToken) }
  })
  // Thrown after the commit, so the family revocation sticks (GoTrue's storage.NewCommitWithError).
  if (outcome.kind === 'already_used') throw badRequest('refresh_token_already_used', 'Invalid Refresh Token: Already Used')
  return outcome.response
}
