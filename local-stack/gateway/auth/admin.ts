/**
 * /admin/users: create, list, get, update and delete users with a service_role token
 * (supabase/auth internal/api/admin.go). Field handling, defaults and messages follow GoTrue:
 * a user created without `email_confirm` cannot sign in, `ban_duration` is a Go duration or "none",
 * a password set by an admin signs the user out everywhere.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { GatewayContext } from '../context.ts'
import { sendJson } from '../http.ts'
import { badRequest, internalError, notFound, unprocessable } from './errors.ts'
import { isUuid, requireAdmin } from './guards.ts'
import {
  checkBcryptLength, checkPasswordStrength, Params, parseBanDuration, validateEmail, validatePhone,
} from './params.ts'
import { endSessions } from './sessions.ts'
import { inTransaction } from '../db.ts'
import {
  AUDIENCE, banUser, DEFAULT_ROLE, emailTaken, findUserById, insertIdentity, insertUser, listUsers, mergeMetadata,
  phoneTaken, setPassword, updateIdentityData, updateUserColumns, userJson, type Queryable, type UserRecord,
} from './users.ts'

const DEFAULT_PER_PAGE = 50
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/

/** Routes /admin/users[/<id>]; returns false when the path is not an admin users route. */
export async function handleAdminUsers(
  ctx: GatewayContext, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams,
): Promise<boolean> {
  const match = /^\/admin\/users(?:\/([^/]+))?$/.exec(path)
  if (!match) return false
  const userId = match[1]
  const method = req.method ?? 'GET'
  if (!userId && !['GET', 'POST'].includes(method)) return false
  if (userId && !['GET', 'PUT', 'DELETE'].includes(method)) return false

  await requireAdmin(ctx, req)
  if (!userId) {
    if (method === 'GET') await list(ctx, res, path, query)
    else sendJson(res, 200, userJson(await create(ctx, await Params.read(req))))
    return true
  }
  const user = await loadUser(ctx, userId)
  if (method === 'GET') sendJson(res, 200, userJson(user))
  else if (method === 'PUT') sendJson(res, 200, userJson(await update(ctx, user, await Params.read(req))))
  else {
    await remove(ctx, user, await Params.read(req))
    sendJson(res, 200, {})
  }
  return true
}

async function loadUser(ctx: GatewayContext, userId: string): Promise<UserRecord> {
  if (!isUuid(userId)) throw notFound('validation_failed', 'user_id must be an UUID')
  const user = await findUserById(ctx.db, userId)
  if (!user) throw notFound('user_not_found', 'User not found')
  return user
}

function positiveInteger(value: string | null, fallback: number): number {
  if (!value) return fallback
  if (!/^\d+$/.test(value)) throw badRequest('validation_failed', `Bad Pagination Parameters: strconv.ParseUint: parsing "${value}": invalid syntax`)
  return Math.max(Number(value), 1)
}

async function list(ctx: GatewayContext, res: ServerResponse, path: string, query: URLSearchParams): Promise<void> {
  const page = positiveInteger(query.get('page'), 1)
  const perPage = positiveInteger(query.get('per_page'), DEFAULT_PER_PAGE)
  const { users, total } = await listUsers(ctx.db, page, perPage, query.get('filter') ?? '')

  // GoTrue's addPaginationHeaders: rel="next" while pages remain, always rel="last"; query keys sorted.
  const totalPages = Math.ceil(total / perPage)
  const pageLink = (target: number) => {
    const params = new URLSearchParams(query)
    params.set('page', String(target))
    params.sort()
    return `<${path}?${params.toString()}>`
  }
  const links = [...(totalPages > page ? [`${pageLink(page + 1)}; rel="next"`] : []), `${pageLink(totalPages)}; rel="last"`]
  sendJson(res, 200, { users: users.map(userJson), aud: AUDIENCE }, {
    'x-total-count': String(total),
    'link': links.join(', '),
    'access-control-expose-headers': 'X-Total-Count, Link, X-Supabase-Api-Version',
  })
}

interface ConfirmationFlags { emailConfirm: boolean, phoneConfirm: boolean }

async function confirm(db: Queryable, userId: string, { emailConfirm, phoneConfirm }: ConfirmationFlags): Promise<void> {
  if (emailConfirm) {
    await updateUserColumns(db, userId, { email_confirmed_at: new Date() })
    await mergeMetadata(db, userId, 'raw_user_meta_data', { email_verified: true })
  }
  if (phoneConfirm) await updateUserColumns(db, userId, { phone_confirmed_at: new Date() })
}

async function create(ctx: GatewayContext, params: Params): Promise<UserRecord> {
  if (!params.string('email') && !params.string('phone')) throw badRequest('validation_failed', 'Cannot create a user without either an email or phone')
  const email = params.validated('email', validateEmail) ?? null
  const phone = params.validated('phone', validatePhone) ?? null
  if (email && await emailTaken(ctx.db, email)) throw unprocessable('email_exists', 'A user with this email address has already been registered')
  if (phone && await phoneTaken(ctx.db, phone)) throw unprocessable('phone_exists', 'Phone number already registered by another user')

  const password = params.string('password')
  const passwordHash = params.string('password_hash') ?? ''
  if (password !== undefined && passwordHash) throw badRequest('validation_failed', 'Only a password or a password hash should be provided')
  if (passwordHash && !BCRYPT_HASH.test(passwordHash)) throw badRequest('validation_failed', 'crypto/bcrypt: hashedSecret too short to be a bcrypted password')
  if (password) checkBcryptLength(password)

  const id = params.string('id') ?? randomUUID()
  if (!isUuid(id)) throw badRequest('validation_failed', 'ID must conform to the uuid v4 format')
  if (/^0{8}-0{4}-0{4}-0{4}-0{12}$/.test(id)) throw badRequest('validation_failed', 'ID cannot be a nil uuid')
  const banMs = parseBanDuration(params.string('ban_duration'))
  const providers = [...(email ? ['email'] : []), ...(phone ? ['phone'] : [])]
  const appMetadata = params.object('app_metadata')

  await inTransaction(ctx.db, async (tx) => {
    await insertUser(tx, {
      id,
      aud: params.string('aud') || AUDIENCE,
      role: params.string('role')?.trim() || DEFAULT_ROLE,
      email,
      phone,
      // Without a password GoTrue stores a random one, so the account exists but nobody knows it.
      password: passwordHash ? { hash: passwordHash } : { plain: password || randomBytes(48).toString('base64url') },
      appMetadata: { provider: providers[0], providers },
      userMetadata: params.object('user_metadata') ?? {},
    })
    if (email) await insertIdentity(tx, id, 'email', { sub: id, email, email_verified: false, phone_verified: false })
    if (phone) await insertIdentity(tx, id, 'phone', { sub: id, phone, email_verified: false, phone_verified: false })
    if (appMetadata) await mergeMetadata(tx, id, 'raw_app_meta_data', appMetadata)
    await confirm(tx, id, { emailConfirm: params.boolean('email_confirm'), phoneConfirm: params.boolean('phone_confirm') })
    if (banMs !== undefined) await banUser(tx, id, banMs)
  })
  return (await findUserById(ctx.db, id))!
}

async function update(ctx: GatewayContext, user: UserRecord, params: Params): Promise<UserRecord> {
  const email = params.validated('email', validateEmail)
  const phone = params.validated('phone', validatePhone)
  const banMs = parseBanDuration(params.string('ban_duration'))
  const password = params.string('password')
  if (password !== undefined) checkPasswordStrength(password)
  const emailConfirm = params.boolean('email_confirm')
  const phoneConfirm = params.boolean('phone_confirm')
  const appMetadata = params.object('app_metadata')
  const userMetadata = params.object('user_metadata')
  const role = params.string('role')?.trim()

  try {
    await inTransaction(ctx.db, async (tx) => {
      if (role) await updateUserColumns(tx, user.id, { role })
      await confirm(tx, user.id, { emailConfirm, phoneConfirm })
      if (password !== undefined) {
        await setPassword(tx, user.id, password)
        await endSessions(tx, user.id, 'global')
      }
      if (email) {
        const identityUpdated = await updateIdentityData(tx, user.id, 'email', { email, email_verified: emailConfirm })
        if (!identityUpdated) await insertIdentity(tx, user.id, 'email', { sub: user.id, email, email_verified: emailConfirm, phone_verified: false })
        await updateUserColumns(tx, user.id, { email })
      }
      if (phone) {
        const identityUpdated = await updateIdentityData(tx, user.id, 'phone', { phone, phone_verified: phoneConfirm })
        if (!identityUpdated) await insertIdentity(tx, user.id, 'phone', { sub: user.id, phone, email_verified: false, phone_verified: phoneConfirm })
        await updateUserColumns(tx, user.id, { phone })
      }
      if (appMetadata) await mergeMetadata(tx, user.id, 'raw_app_meta_data', appMetadata)
      if (userMetadata) await mergeMetadata(tx, user.id, 'raw_user_meta_data', userMetadata)
      if (banMs !== undefined) await banUser(tx, user.id, banMs)
    })
  }
  catch (error) {
    // GoTrue does not pre-check duplicates here: the unique index fails the update with a 500.
    if ((error as { code?: string }).code === '23505') throw internalError('Error updating user')
    throw error
  }
  return (await findUserById(ctx.db, user.id))!
}

/** GoTrue's obfuscateValue: what a soft-deleted user's e-mail and phone become. */
function obfuscate(userId: string, value: string): string {
  return createHash('sha256').update(userId + value).digest('base64url')
}

async function remove(ctx: GatewayContext, user: UserRecord, params: Params): Promise<void> {
  if (!params.boolean('should_soft_delete')) {
    await ctx.db.query('delete from auth.users where id = $1', [user.id])
    return
  }
  if (user.deleted_at) return
  await inTransaction(ctx.db, async (tx) => {
    await tx.query(
      `update auth.users set email = $2, phone = $3, encrypted_password = null, email_change = null, phone_change = '',
         raw_user_meta_data = '{}', deleted_at = now(), updated_at = now()
       where id = $1`,
      [user.id, user.email ? obfuscate(user.id, user.email) : null, user.phone ? obfuscate(user.id, user.phone).slice(0, 15) : null],
    )
    // Same obfuscation for identities, computed in SQL (sha256 of user id + "provider:provider_id", base64url).
    await tx.query(
      `update auth.identities set identity_data = '{}', updated_at = now(),
         provider_id = translate(rtrim(encode(extensions.digest($1::text || provider || ':' || provider_id, 'sha256'), 'base64'), '='), '+/', '-_')
       where user_id = $1`,
      [user.id],
    )
    await endSessions(tx, user.id, 'global')
  })
}
