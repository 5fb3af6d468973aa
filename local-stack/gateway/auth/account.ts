/**
 * The signed-in user's own endpoints: GET/PUT /user and POST /logout (supabase/auth internal/api/user.go,
 * logout.go).
 *
 * An e-mail change is recorded as pending (`new_email`), as GoTrue does when mailer_autoconfirm is off;
 * the confirmation e-mail is not emulated, so it stays pending. A password change signs out every other
 * session of the user, as GoTrue does.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayContext } from '../context.ts'
import { sendEmpty, sendJson } from '../http.ts'
import { badRequest, forbidden, unprocessable } from './errors.ts'
import { requireAuthentication } from './guards.ts'
import { checkPasswordStrength, Params, validateEmail } from './params.ts'
import { endSessions } from './sessions.ts'
import { inTransaction } from '../db.ts'
import {
  AUDIENCE, emailTaken, findUserById, mergeMetadata, passwordMatches, setPassword, updateUserColumns, userJson,
} from './users.ts'

export async function getUser(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { claims, user } = await requireAuthentication(ctx, req)
  const audience = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
  if (audience !== AUDIENCE) throw badRequest('validation_failed', 'Token audience doesn\'t match request audience')
  sendJson(res, 200, userJson(user))
}

export async function updateUser(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { user, session } = await requireAuthentication(ctx, req)
  const params = await Params.read(req)
  const email = params.validated('email', validateEmail)
  const password = params.string('password')
  const data = params.object('data')
  if (password !== undefined) checkPasswordStrength(password)
  if (params.string('phone')) throw badRequest('validation_failed', 'Phone changes need an SMS provider, which the local stack does not have')
  // Only admin-role users may touch app_metadata, and user tokens never carry an admin role.
  if (params.object('app_metadata')) throw forbidden('not_admin', 'Updating app_metadata requires admin privileges')

  const changesEmail = email !== undefined && email !== user.email
  if (changesEmail && await emailTaken(ctx.db, email, user.id)) {
    throw unprocessable('email_exists', 'A user with this email address has already been registered')
  }
  if (password && await passwordMatches(ctx.db, user.id, password)) {
    throw unprocessable('same_password', 'New password should be different from the old password.')
  }

  await inTransaction(ctx.db, async (tx) => {
    if (password !== undefined) {
      await setPassword(tx, user.id, password)
      // Without a session_id claim there is no "this session" to keep: all of them end.
      await endSessions(tx, user.id, 'others', session?.id)
    }
    if (data) await mergeMetadata(tx, user.id, 'raw_user_meta_data', data)
    if (changesEmail) await updateUserColumns(tx, user.id, { email_change: email, email_change_sent_at: new Date() })
  })
  sendJson(res, 200, userJson((await findUserById(ctx.db, user.id))!))
}

const LOGOUT_SCOPES = ['global', 'local', 'others'] as const
type LogoutScope = typeof LOGOUT_SCOPES[number]

export async function logout(ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, query: URLSearchParams): Promise<void> {
  const { user, session } = await requireAuthentication(ctx, req)
  const scope = query.get('scope') || 'global'
  if (!LOGOUT_SCOPES.includes(scope as LogoutScope)) throw badRequest('validation_failed', `Unsupported logout scope "${scope}"`)
  // Without a session_id claim GoTrue can only log the user out everywhere.
  await endSessions(ctx.db, user.id, session ? scope as LogoutScope : 'global', session?.id)
  sendEmpty(res, 204)
}
