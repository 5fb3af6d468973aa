/**
 * /auth/v1 through unmodified supabase-js: sign-in, tokens and local claim verification, refresh-token
 * rotation, the user's own endpoints, logout scopes, the admin users API and GoTrue's error model.
 * Destructive cases (sign-out, password change, bans) use users created here, never the demo users,
 * because other suites hold sessions of those.
 */
import { randomUUID } from 'node:crypto'
import { createClient, isAuthSessionMissingError, type Session, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { anonClient, createTestUser, getStack, serviceClient, signedInClient } from '../support/stack.ts'

const PASSWORD = 'senha-segura-1'
const USER_FIELDS_IN_ORDER = ['id', 'aud', 'role', 'email', 'phone', 'app_metadata', 'user_metadata', 'identities', 'created_at', 'updated_at', 'is_anonymous']

const createdUserIds: string[] = []

afterAll(async () => {
  const admin = serviceClient()
  await Promise.all(createdUserIds.map(id => admin.auth.admin.deleteUser(id)))
})

const uniqueEmail = (label: string) => `auth-${label}-${randomUUID().slice(0, 8)}@atende.local`

/** A confirmed user of this suite, deleted afterwards. */
async function newUser(label: string, metadata: Record<string, unknown> = {}): Promise<{ id: string, email: string }> {
  const email = uniqueEmail(label)
  const id = await createTestUser(email, PASSWORD, metadata)
  createdUserIds.push(id)
  return { id, email }
}

async function sessionOf(client: SupabaseClient): Promise<Session> {
  const { data } = await client.auth.getSession()
  if (!data.session) throw new Error('expected a session')
  return data.session
}

/** A raw request to /auth/v1 with the anon key, for what supabase-js does not expose (status, headers, shapes). */
function authFetch(path: string, init: RequestInit & { headers?: Record<string, string> } = {}): Promise<Response> {
  const { url, anonKey } = getStack()
  return fetch(`${url}/auth/v1${path}`, { ...init, headers: { 'apikey': anonKey, 'content-type': 'application/json', ...init.headers } })
}

describe('password sign-in', () => {
  it('signs a demo user in and returns GoTrue\'s session and user JSON', async () => {
    const { data, error } = await anonClient().auth.signInWithPassword({ email: DEMO.carla.email, password: DEMO.password })
    expect(error).toBeNull()
    const session = data.session!
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 })
    expect(session.refresh_token.length).toBeGreaterThanOrEqual(12)
    expect(session.expires_at! - Math.floor(Date.now() / 1000)).toBeGreaterThan(3500)

    const user = data.user!
    expect(Object.keys(user).filter(key => USER_FIELDS_IN_ORDER.includes(key))).toEqual(USER_FIELDS_IN_ORDER)
    expect(user).toMatchObject({
      id: DEMO.carla.id, aud: 'authenticated', role: 'authenticated', email: DEMO.carla.email, phone: '',
      app_metadata: { provider: 'email', providers: ['email'] }, is_anonymous: false,
    })
    expect(user.email_confirmed_at).toBeTruthy()
    expect(Date.now() - Date.parse(user.last_sign_in_at!)).toBeLessThan(60_000)
    expect(user.identities?.[0]).toMatchObject({ id: DEMO.carla.id, user_id: DEMO.carla.id, provider: 'email' })
  })

  it('refuses a wrong password and an unknown e-mail alike', async () => {
    const wrongPassword = await anonClient().auth.signInWithPassword({ email: DEMO.carla.email, password: 'errada' })
    expect(wrongPassword.error).toMatchObject({ code: 'invalid_credentials', status: 400 })
    expect(wrongPassword.data.session).toBeNull()

    const unknown = await anonClient().auth.signInWithPassword({ email: 'ninguem@atende.local', password: DEMO.password })
    expect(unknown.error).toMatchObject({ code: 'invalid_credentials', status: 400 })
  })

  it('refuses a user whose e-mail was not confirmed', async () => {
    const email = uniqueEmail('unconfirmed')
    const { data, error } = await serviceClient().auth.admin.createUser({ email, password: PASSWORD })
    expect(error).toBeNull()
    createdUserIds.push(data.user!.id)
    expect(data.user!.email_confirmed_at).toBeUndefined()

    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(signIn.error).toMatchObject({ code: 'email_not_confirmed', status: 400 })
  })

  it('refuses a banned user until the ban is lifted', async () => {
    const admin = serviceClient().auth.admin
    const { id, email } = await newUser('banned')
    const banned = await admin.updateUserById(id, { ban_duration: '876000h' })
    expect(banned.error).toBeNull()
    expect(Date.parse(banned.data.user!.banned_until!)).toBeGreaterThan(Date.now() + 364 * 24 * 3600_000)

    const signIn = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(signIn.error).toMatchObject({ code: 'user_banned', status: 400 })

    const lifted = await admin.updateUserById(id, { ban_duration: 'none' })
    expect(lifted.data.user!.banned_until).toBeUndefined()
    expect((await anonClient().auth.signInWithPassword({ email, password: PASSWORD })).error).toBeNull()
  })

  it('cuts off the sessions of a user banned while signed in', async () => {
    const { id, email } = await newUser('banned-later')
    const client = await signedInClient(email, PASSWORD)
    const { access_token, refresh_token } = await sessionOf(client)
    expect((await serviceClient().auth.admin.updateUserById(id, { ban_duration: '1h' })).error).toBeNull()

    const user = await authFetch('/user', { headers: { 'authorization': `Bearer ${access_token}`, 'x-supabase-api-version': '2024-01-01' } })
    expect(user.status).toBe(403)
    expect(await user.json()).toMatchObject({ code: 'user_banned' })
    const refreshed = await anonClient().auth.refreshSession({ refresh_token })
    expect(refreshed.error).toMatchObject({ code: 'user_banned', status: 400 })
  })
})

describe('access tokens', () => {
  it('verifies claims locally with the JWKS, without calling /user', async () => {
    const { url, anonKey } = getStack()
    const paths: string[] = []
    const countingFetch: typeof fetch = (input, init) => {
      paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname)
      return fetch(input, init)
    }
    const client = createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false }, global: { fetch: countingFetch } })
    expect((await client.auth.signInWithPassword({ email: DEMO.diego.email, password: DEMO.password })).error).toBeNull()

    const first = await client.auth.getClaims()
    const second = await client.auth.getClaims()
    expect(first.error).toBeNull()
    expect(second.data?.claims.sub).toBe(DEMO.diego.id)
    expect(paths.filter(path => path === '/auth/v1/.well-known/jwks.json')).toHaveLength(1)
    expect(paths).not.toContain('/auth/v1/user')
  })

  it('carries every claim GoTrue issues, with a kid the JWKS serves', async () => {
    const client = await signedInClient(DEMO.diego.email, DEMO.password)
    const session = await sessionOf(client)
    const { data, error } = await client.auth.getClaims()
    expect(error).toBeNull()
    const { claims, header } = data!
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' })
    expect(claims).toMatchObject({
      iss: `${getStack().url}/auth/v1`, sub: DEMO.diego.id, aud: 'authenticated', email: DEMO.diego.email, phone: '',
      role: 'authenticated', aal: 'aal1', is_anonymous: false,
      app_metadata: { provider: 'email', providers: ['email'] }, user_metadata: { full_name: 'Diego Financeiro' },
    })
    expect(claims.exp - claims.iat).toBe(3600)
    expect(claims.exp).toBe(session.expires_at)
    expect(claims.session_id).toMatch(/^[0-9a-f-]{36}$/)
    expect(claims.amr).toEqual([{ method: 'password', timestamp: expect.any(Number) }])

    const jwks = await (await fetch(`${getStack().url}/auth/v1/.well-known/jwks.json`)).json() as { keys: Array<Record<string, unknown>> }
    expect(jwks.keys.map(key => key.kid)).toContain(header.kid)
    expect(jwks.keys.every(key => key.d === undefined && key.kty !== 'oct')).toBe(true)
  })

  it('returns the signed-in user from /user', async () => {
    const client = await signedInClient(DEMO.bruno.email, DEMO.password)
    const { data, error } = await client.auth.getUser()
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ id: DEMO.bruno.id, email: DEMO.bruno.email })
  })
})

describe('refresh-token rotation', () => {
  it('issues a new refresh token each time and rejects a reused one after the reuse interval', async () => {
    const { email } = await newUser('rotation')
    const client = await signedInClient(email, PASSWORD)
    const first = (await sessionOf(client)).refresh_token

    const second = await client.auth.refreshSession()
    expect(second.error).toBeNull()
    const secondToken = second.data.session!.refresh_token
    expect(secondToken).not.toBe(first)
    expect(second.data.session!.access_token).not.toBe('')

    // GoTrue hands the active token back to a client that lost the previous answer (its parent).
    const lostAnswer = await anonClient().auth.refreshSession({ refresh_token: first })
    expect(lostAnswer.error).toBeNull()
    expect(lostAnswer.data.session!.refresh_token).toBe(secondToken)

    const third = await client.auth.refreshSession()
    expect(third.data.session!.refresh_token).not.toBe(secondToken)

    // Ten seconds (the reuse interval) pass for the first token: move its revocation back in time.
    const db = new pg.Client({ connectionString: getStack().superuserDbUrl })
    await db.connect()
    try {
      await db.query(`update auth.refresh_tokens set updated_at = now() - interval '1 minute' where token = $1`, [first])
      const reused = await anonClient().auth.refreshSession({ refresh_token: first })
      expect(reused.error).toMatchObject({ code: 'refresh_token_already_used', status: 400 })
      // Reuse is treated as theft: the whole session's token family is revoked.
      const { rows } = await db.query(
        `select count(*)::int as active from auth.refresh_tokens where session_id = (select session_id from auth.refresh_tokens where token = $1) and not revoked`,
        [first],
      )
      expect(rows[0].active).toBe(0)
    }
    finally {
      await db.end()
    }
  })

  it('answers concurrent refreshes with one token with the same new token', async () => {
    const { email } = await newUser('concurrent')
    const { refresh_token } = await sessionOf(await signedInClient(email, PASSWORD))
    const [a, b] = await Promise.all([
      anonClient().auth.refreshSession({ refresh_token }),
      anonClient().auth.refreshSession({ refresh_token }),
    ])
    expect(a.error).toBeNull()
    expect(b.error).toBeNull()
    expect(a.data.session!.refresh_token).toBe(b.data.session!.refresh_token)
    expect(a.data.session!.refresh_token).not.toBe(refresh_token)
  })

  it('rejects an unknown refresh token', async () => {
    const { error } = await anonClient().auth.refreshSession({ refresh_token: 'naoexiste123' })
    expect(error).toMatchObject({ code: 'refresh_token_not_found', status: 400 })
  })
})

describe('the user\'s own account', () => {
  it('merges user metadata, and a null removes a key', async () => {
    const { email } = await newUser('metadata', { full_name: 'Antes', theme: 'dark' })
    const client = await signedInClient(email, PASSWORD)
    const { data, error } = await client.auth.updateUser({ data: { full_name: 'Depois', theme: null, team: 'suporte' } })
    expect(error).toBeNull()
    expect(data.user!.user_metadata).toEqual({ full_name: 'Depois', team: 'suporte', email_verified: true })

    // The next access token carries the new metadata.
    await client.auth.refreshSession()
    const { data: claims } = await client.auth.getClaims()
    expect(claims!.claims.user_metadata).toMatchObject({ full_name: 'Depois', team: 'suporte' })
  })

  it('changes the password, signs out the other sessions and keeps this one', async () => {
    const { email } = await newUser('password')
    const client = await signedInClient(email, PASSWORD)
    const other = await signedInClient(email, PASSWORD)
    const otherRefreshToken = (await sessionOf(other)).refresh_token

    const weak = await client.auth.updateUser({ password: '123' })
    expect(weak.error).toMatchObject({ code: 'weak_password', status: 422 })
    const same = await client.auth.updateUser({ password: PASSWORD })
    expect(same.error).toMatchObject({ code: 'same_password', status: 422 })

    expect((await client.auth.updateUser({ password: 'nova-senha-2' })).error).toBeNull()
    expect((await client.auth.getUser()).error).toBeNull()
    expect((await anonClient().auth.refreshSession({ refresh_token: otherRefreshToken })).error).toMatchObject({ code: 'refresh_token_not_found' })

    const withOld = await anonClient().auth.signInWithPassword({ email, password: PASSWORD })
    expect(withOld.error).toMatchObject({ code: 'invalid_credentials' })
    const withNew = await anonClient().auth.signInWithPassword({ email, password: 'nova-senha-2' })
    expect(withNew.error).toBeNull()
  })

  it('records an e-mail change as pending confirmation, and refuses a taken address', async () => {
    const { email } = await newUser('email-change')
    const client = await signedInClient(email, PASSWORD)
    const taken = await client.auth.updateUser({ email: DEMO.carla.email })
    expect(taken.error).toMatchObject({ code: 'email_exists', status: 422 })

    const newEmail = uniqueEmail('new-address')
    const { data, error } = await client.auth.updateUser({ email: newEmail })
    expect(error).toBeNull()
    expect(data.user).toMatchObject({ email, new_email: newEmail })
    expect(data.user!.email_change_sent_at).toBeTruthy()
  })

  it('signs out: the refresh token and the old access token stop working', async () => {
    const { email } = await newUser('signout')
    const client = await signedInClient(email, PASSWORD)
    const { access_token, refresh_token } = await sessionOf(client)
    expect((await client.auth.signOut()).error).toBeNull()

    const refreshed = await anonClient().auth.refreshSession({ refresh_token })
    expect(refreshed.error).toMatchObject({ code: 'refresh_token_not_found', status: 400 })
    const user = await anonClient().auth.getUser(access_token)
    expect(isAuthSessionMissingError(user.error)).toBe(true)
    const raw = await authFetch('/user', { headers: { 'authorization': `Bearer ${access_token}`, 'x-supabase-api-version': '2024-01-01' } })
    expect(raw.status).toBe(403)
    expect(await raw.json()).toMatchObject({ code: 'session_not_found' })
  })

  it('signs out other sessions only (scope others) or this one only (scope local)', async () => {
    const { email } = await newUser('scopes')
    const here = await signedInClient(email, PASSWORD)
    const elsewhere = await signedInClient(email, PASSWORD)
    const elsewhereToken = (await sessionOf(elsewhere)).access_token

    expect((await here.auth.signOut({ scope: 'others' })).error).toBeNull()
    expect(isAuthSessionMissingError((await anonClient().auth.getUser(elsewhereToken)).error)).toBe(true)
    const hereToken = (await sessionOf(here)).access_token
    expect((await anonClient().auth.getUser(hereToken)).error).toBeNull()

    expect((await here.auth.signOut({ scope: 'local' })).error).toBeNull()
    expect(isAuthSessionMissingError((await anonClient().auth.getUser(hereToken)).error)).toBe(true)
  })

  it('needs a user token on /user', async () => {
    const { error } = await anonClient().auth.getUser(getStack().anonKey)
    expect(error).toMatchObject({ code: 'bad_jwt', status: 403 })
    const missing = await fetch(`${getStack().url}/auth/v1/logout`, { method: 'POST', headers: { apikey: getStack().anonKey, authorization: 'Basic x' } })
    expect(missing.status).toBe(401)
  })
})

describe('admin users API', () => {
  const admin = () => serviceClient().auth.admin

  it('creates a user with GoTrue\'s identity, metadata and app profile', async () => {
    const email = uniqueEmail('admin-create')
    const { data, error } = await admin().createUser({
      email: email.toUpperCase(), password: PASSWORD, email_confirm: true,
      user_metadata: { full_name: 'Criada pelo Admin' }, app_metadata: { tenant: 'atende' },
    })
    expect(error).toBeNull()
    const user = data.user!
    createdUserIds.push(user.id)
    expect(user).toMatchObject({
      email, aud: 'authenticated', role: 'authenticated',
      app_metadata: { provider: 'email', providers: ['email'], tenant: 'atende' },
      user_metadata: { full_name: 'Criada pelo Admin', email_verified: true },
    })
    expect(user.identities).toEqual([expect.objectContaining({
      id: user.id, user_id: user.id, provider: 'email',
      identity_data: { sub: user.id, email, email_verified: false, phone_verified: false },
    })])

    // The app's trigger on auth.users made the profile.
    const profile = await serviceClient().from('profiles').select('full_name, email, role').eq('id', user.id).single()
    expect(profile.data).toEqual({ full_name: 'Criada pelo Admin', email, role: 'agent' })

    const duplicate = await admin().createUser({ email, password: PASSWORD })
    expect(duplicate.error).toMatchObject({ code: 'email_exists', status: 422 })
    const invalid = await admin().createUser({ email: 'sem-arroba', password: PASSWORD })
    expect(invalid.error).toMatchObject({ code: 'validation_failed', status: 400 })
  })

  it('lists users with pagination headers', async () => {
    const { data, error } = await admin().listUsers({ page: 1, perPage: 2 })
    if (error || !('aud' in data)) throw error ?? new Error('listUsers returned no page')
    expect(data.users).toHaveLength(2)
    expect(data.aud).toBe('authenticated')
    expect(data.total).toBeGreaterThanOrEqual(6)
    expect(data.nextPage).toBe(2)
    expect(data.lastPage).toBe(Math.ceil(data.total / 2))

    const all = await admin().listUsers({ page: 1, perPage: 1000 })
    expect(all.data.users.map(user => user.email)).toEqual(expect.arrayContaining(Object.values(DEMO).flatMap(value =>
      typeof value === 'object' && 'email' in value ? [value.email] : [])))
  })

  it('gets, updates and deletes a user', async () => {
    const { id, email } = await newUser('admin-update', { full_name: 'Original' })
    expect((await admin().getUserById(id)).data.user).toMatchObject({ id, email })

    const newEmail = uniqueEmail('admin-updated')
    const updated = await admin().updateUserById(id, {
      email: newEmail, password: 'trocada-pelo-admin', user_metadata: { full_name: 'Atualizada' }, app_metadata: { level: 2 },
    })
    expect(updated.error).toBeNull()
    expect(updated.data.user).toMatchObject({
      email: newEmail, user_metadata: { full_name: 'Atualizada' }, app_metadata: { provider: 'email', level: 2 },
    })
    expect(updated.data.user!.identities![0]!.identity_data).toMatchObject({ email: newEmail })
    expect((await anonClient().auth.signInWithPassword({ email: newEmail, password: 'trocada-pelo-admin' })).error).toBeNull()
    expect((await admin().updateUserById(id, { password: '12' })).error).toMatchObject({ code: 'weak_password', status: 422 })

    expect((await admin().deleteUser(id)).error).toBeNull()
    const gone = await admin().getUserById(id)
    expect(gone.error).toMatchObject({ code: 'user_not_found', status: 404 })
    const profile = await serviceClient().from('profiles').select('id').eq('id', id)
    expect(profile.data).toEqual([])
  })

  it('refuses tokens without an admin role', async () => {
    const { url, anonKey } = getStack()
    const carla = await signedInClient(DEMO.carla.email, DEMO.password)
    const asUser = createClient(url, anonKey, {
      auth: { persistSession: false, autoRefreshToken: false },
      global: { headers: { Authorization: `Bearer ${(await sessionOf(carla)).access_token}` } },
    })
    const byUser = await asUser.auth.admin.listUsers()
    expect(byUser.error).toMatchObject({ code: 'not_admin', status: 403 })
    const byAnon = await anonClient().auth.admin.createUser({ email: uniqueEmail('anon'), password: PASSWORD })
    expect(byAnon.error).toMatchObject({ code: 'not_admin', status: 403 })
  })
})

describe('gateway and error model', () => {
  it('needs an API key', async () => {
    const response = await fetch(`${getStack().url}/auth/v1/settings`)
    expect(response.status).toBe(401)
    const user = await fetch(`${getStack().url}/auth/v1/user`)
    expect(user.status).toBe(401)
  })

  it('does not allow self sign-up', async () => {
    const { error } = await anonClient().auth.signUp({ email: uniqueEmail('signup'), password: PASSWORD })
    expect(error).toMatchObject({ code: 'signup_disabled', status: 422 })
  })

  it('answers in the 2024-01-01 shape only to clients that ask for it', async () => {
    const body = JSON.stringify({ email: DEMO.carla.email, password: 'errada' })
    const current = await authFetch('/token?grant_type=password', { method: 'POST', body, headers: { 'x-supabase-api-version': '2024-01-01' } })
    expect(current.headers.get('x-supabase-api-version')).toBe('2024-01-01')
    expect(current.headers.get('x-sb-error-code')).toBe('invalid_credentials')
    expect(await current.json()).toEqual({ code: 'invalid_credentials', message: 'Invalid login credentials' })

    const legacy = await authFetch('/token?grant_type=password', { method: 'POST', body })
    expect(legacy.headers.get('x-supabase-api-version')).toBeNull()
    expect(legacy.headers.get('x-sb-error-code')).toBe('invalid_credentials')
    expect(await legacy.json()).toEqual({ code: 400, error_code: 'invalid_credentials', msg: 'Invalid login credentials' })
  })

  it('refuses other grant types as GoTrue does', async () => {
    const response = await authFetch('/token?grant_type=client_credentials', { method: 'POST', body: '{}', headers: { 'x-supabase-api-version': '2024-01-01' } })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ code: 'invalid_credentials', message: 'unsupported_grant_type' })
  })

  it('serves settings and health', async () => {
    const settings = await (await authFetch('/settings')).json()
    expect(settings).toMatchObject({ disable_signup: true, mailer_autoconfirm: false, external: { email: true, google: false, github: false } })
    const health = await (await fetch(`${getStack().url}/auth/v1/health`)).json()
    expect(health).toMatchObject({ name: 'GoTrue' })
  })
})
