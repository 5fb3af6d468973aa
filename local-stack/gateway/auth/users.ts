/**
 * auth.users and auth.identities: reading, writing and GoTrue's User JSON (internal/models/user.go,
 * identity.go). Metadata updates merge key by key and a null value deletes the key, as GoTrue does.
 */
import type pg from 'pg'
import type { JsonObject } from './params.ts'

/** A pool or a client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient

export const AUDIENCE = 'authenticated'
export const DEFAULT_ROLE = 'authenticated'
/** GoTrue keeps every row on the nil instance. */
const NIL_INSTANCE = '00000000-0000-0000-0000-000000000000'

export interface IdentityRecord {
  id: string
  provider_id: string
  user_id: string
  identity_data: JsonObject
  provider: string
  last_sign_in_at: Date | null
  created_at: Date
  updated_at: Date
  email: string | null
}

export interface UserRecord {
  id: string
  aud: string
  role: string
  email: string | null
  email_confirmed_at: Date | null
  invited_at: Date | null
  phone: string | null
  phone_confirmed_at: Date | null
  confirmation_sent_at: Date | null
  confirmed_at: Date | null
  recovery_sent_at: Date | null
  email_change: string | null
  email_change_sent_at: Date | null
  phone_change: string | null
  phone_change_sent_at: Date | null
  reauthentication_sent_at: Date | null
  last_sign_in_at: Date | null
  raw_app_meta_data: JsonObject | null
  raw_user_meta_data: JsonObject | null
  created_at: Date
  updated_at: Date
  banned_until: Date | null
  deleted_at: Date | null
  is_anonymous: boolean
  has_password: boolean
  identities: IdentityRecord[]
}

const USER_COLUMNS = `
  id, aud, role, email, email_confirmed_at, invited_at, phone, phone_confirmed_at, confirmation_sent_at,
  confirmed_at, recovery_sent_at, email_change, email_change_sent_at, phone_change, phone_change_sent_at,
  reauthentication_sent_at, last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at,
  banned_until, deleted_at, is_anonymous, coalesce(encrypted_password, '') <> '' as has_password`

async function withIdentities(db: Queryable, users: Omit<UserRecord, 'identities'>[]): Promise<UserRecord[]> {
  if (users.length === 0) return []
  const { rows } = await db.query<IdentityRecord>(
    'select * from auth.identities where user_id = any($1::uuid[]) order by created_at, id',
    [users.map(user => user.id)],
  )
  return users.map(user => ({ ...user, identities: rows.filter(identity => identity.user_id === user.id) }))
}

async function selectUsers(db: Queryable, where: string, values: unknown[]): Promise<UserRecord[]> {
  const { rows } = await db.query<Omit<UserRecord, 'identities'>>(`select ${USER_COLUMNS} from auth.users ${where}`, values)
  return withIdentities(db, rows)
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  return (await selectUsers(db, 'where id = $1', [id]))[0]
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | undefined> {
  return (await selectUsers(db, 'where lower(email) = lower($1) and aud = $2 and not is_sso_user', [email, AUDIENCE]))[0]
}

export async function emailTaken(db: Queryable, email: string, exceptUserId?: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'select 1 from auth.users where lower(email) = lower($1) and aud = $2 and not is_sso_user and id is distinct from $3::uuid',
    [email, AUDIENCE, exceptUserId ?? null],
  )
  return (rowCount ?? 0) > 0
}

export async function phoneTaken(db: Queryable, phone: string): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from auth.users where phone = $1 and aud = $2', [phone, AUDIENCE])
  return (rowCount ?? 0) > 0
}

export async function listUsers(db: Queryable, page: number, perPage: number, filter: string): Promise<{ users: UserRecord[], total: number }> {
  const conditions = ['aud = $1']
  const values: unknown[] = [AUDIENCE]
  if (filter) {
    values.push(`%${filter}%`)
    conditions.push(`(email like $2 or raw_user_meta_data ->> 'full_name' ilike $2)`)
  }
  const where = `where ${conditions.join(' and ')}`
  const { rows: [counted] } = await db.query<{ total: string }>(`select count(*) as total from auth.users ${where}`, values)
  const users = await selectUsers(
    db,
    `${where} order by created_at desc, id limit ${perPage} offset ${(page - 1) * perPage}`,
    values,
  )
  return { users, total: Number(counted?.total ?? 0) }
}

export interface NewUser {
  id: string
  aud: string
  role: string
  email: string | null
  phone: string | null
  /** Plain password, hashed by pgcrypto; or an existing bcrypt hash. */
  password: { plain: string } | { hash: string }
  appMetadata: JsonObject
  userMetadata: JsonObject
}

/** Inserts the user; the app's `on_auth_user_created` trigger fires here, as with GoTrue. */
export async function insertUser(db: Queryable, user: NewUser): Promise<void> {
  const passwordSql = 'plain' in user.password ? `extensions.crypt($7, extensions.gen_salt('bf', 10))` : '$7'
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, phone, encrypted_password, raw_app_meta_data,
       raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
     values ($1, $2, $3, $4, $5, $6, ${passwordSql}, $8, $9, now(), now(), false, false)`,
    [NIL_INSTANCE, user.id, user.aud, user.role, user.email, user.phone,
      'plain' in user.password ? user.password.plain : user.password.hash,
      JSON.stringify(user.appMetadata), JSON.stringify(user.userMetadata)],
  )
}

/** Adds an identity the way GoTrue's createNewIdentity does (provider_id = user id for email/phone). */
export async function insertIdentity(db: Queryable, userId: string, provider: 'email' | 'phone', identityData: JsonObject): Promise<void> {
  await db.query(
    `insert into auth.identities (provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, $4, now(), now(), now())`,
    [userId, userId, JSON.stringify(identityData), provider],
  )
}

/** Merges `updates` into an identity's data (null deletes a key). */
export async function updateIdentityData(db: Queryable, userId: string, provider: 'email' | 'phone', updates: JsonObject): Promise<boolean> {
  const { rowCount } = await db.query(
    `update auth.identities set identity_data = jsonb_strip_nulls(identity_data || $3::jsonb), updated_at = now()
     where user_id = $1 and provider = $2`,
    [userId, provider, JSON.stringify(updates)],
  )
  return (rowCount ?? 0) > 0
}

/** Sets plain columns of auth.users (names come from this module's callers, never from requests). */
export async function updateUserColumns(db: Queryable, userId: string, columns: Record<string, unknown>): Promise<void> {
  const names = Object.keys(columns)
  if (names.length === 0) return
  const assignments = names.map((name, index) => `${name} = $${index + 2}`)
  await db.query(
    `update auth.users set ${assignments.join(', ')}, updated_at = now() where id = $1`,
    [userId, ...names.map(name => columns[name])],
  )
}

type MetadataColumn = 'raw_user_meta_data' | 'raw_app_meta_data'

/** GoTrue's UpdateUserMetaData / UpdateAppMetaData: merge per key, null removes the key. */
export async function mergeMetadata(db: Queryable, userId: string, column: MetadataColumn, updates: JsonObject): Promise<void> {
  const removed = Object.keys(updates).filter(key => updates[key] === null)
  await db.query(
    `update auth.users set ${column} = (coalesce(${column}, '{}'::jsonb) || $2::jsonb) - $3::text[], updated_at = now()
     where id = $1`,
    [userId, JSON.stringify(updates), removed],
  )
}

export async function setPassword(db: Queryable, userId: string, password: string): Promise<void> {
  await db.query(
    `update auth.users set encrypted_password = extensions.crypt($2, extensions.gen_salt('bf', 10)), updated_at = now()
     where id = $1`,
    [userId, password],
  )
}

export async function passwordMatches(db: Queryable, userId: string, password: string): Promise<boolean> {
  const { rows: [row] } = await db.query<{ matches: boolean }>(
    `select coalesce(encrypted_password, '') <> '' and encrypted_password = extensions.crypt($2, encrypted_password) as matches
     from auth.users where id = $1`,
    [userId, password],
  )
  return row?.matches ?? false
}

/** Sets or lifts a ban: GoTrue's User.Ban (0 lifts it). */
export async function banUser(db: Queryable, userId: string, durationMs: number): Promise<void> {
  await db.query(
    `update auth.users set banned_until = case when $2::float8 = 0 then null else now() + make_interval(secs => $2::float8 / 1000) end,
       updated_at = now()
     where id = $1`,
    [userId, durationMs],
  )
}

export function isBanned(user: UserRecord): boolean {
  return user.banned_until !== null && user.banned_until.getTime() > Date.now()
}

function identityJson(identity: IdentityRecord): JsonObject {
  return omitEmpty({
    identity_id: identity.id,
    id: identity.provider_id,
    user_id: identity.user_id,
    identity_data: identity.identity_data,
    provider: identity.provider,
    last_sign_in_at: identity.last_sign_in_at,
    created_at: identity.created_at,
    updated_at: identity.updated_at,
    email: identity.email,
  }, ['last_sign_in_at', 'email'])
}

/** GoTrue's User JSON: fields in struct order; `omitempty` fields only when set. */
export function userJson(user: UserRecord): JsonObject {
  return omitEmpty({
    id: user.id,
    aud: user.aud,
    role: user.role,
    email: user.email ?? '',
    email_confirmed_at: user.email_confirmed_at,
    invited_at: user.invited_at,
    phone: user.phone ?? '',
    phone_confirmed_at: user.phone_confirmed_at,
    confirmation_sent_at: user.confirmation_sent_at,
    confirmed_at: user.confirmed_at,
    recovery_sent_at: user.recovery_sent_at,
    new_email: user.email_change,
    email_change_sent_at: user.email_change_sent_at,
    new_phone: user.phone_change,
    phone_change_sent_at: user.phone_change_sent_at,
    reauthentication_sent_at: user.reauthentication_sent_at,
    last_sign_in_at: user.last_sign_in_at,
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities: user.identities.map(identityJson),
    created_at: user.created_at,
    updated_at: user.updated_at,
    banned_until: user.banned_until,
    deleted_at: user.deleted_at,
    is_anonymous: user.is_anonymous,
  }, ['email_confirmed_at', 'invited_at', 'phone_confirmed_at', 'confirmation_sent_at', 'confirmed_at',
    'recovery_sent_at', 'new_email', 'email_change_sent_at', 'new_phone', 'phone_change_sent_at',
    'reauthentication_sent_at', 'last_sign_in_at', 'banned_until', 'deleted_at'])
}

/** Drops Go's `omitempty` fields that are unset, keeping the order of the others. */
function omitEmpty(object: JsonObject, optional: string[]): JsonObject {
  const isUnset = (value: unknown) => value === null || value === undefined || value === ''
  return Object.fromEntries(Object.entries(object).filter(([key, value]) => !(optional.includes(key) && isUnset(value))))
}
