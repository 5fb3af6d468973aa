/**
 * admin-users against the real stack, through supabase-js `functions.invoke` exactly as the Usuários
 * screen calls it: who may call it, creating a user (who then signs in with the initial password and has
 * the role and teams), duplicate e-mails and weak passwords, no half-created users, resetting a password
 * (old one refused, sessions ended), deactivating (sign-in refused, open tickets back to the queue) and
 * reactivating, and the rules that keep Atende administrable (not yourself, not the last admin).
 */
import { randomUUID } from 'node:crypto'
import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asUser, DEMO, ownerPool, runAs } from '../support/db.ts'
import { createTicket, reloadTicket, ticketEvents } from '../support/fixtures.ts'
import { anonClient, serviceClient, signedInClient } from '../support/stack.ts'

type Json = Record<string, unknown>

interface ProfileRow {
  id: string
  full_name: string
  email: string | null
  role: string
  active: boolean
}

const PASSWORD = 'senha-inicial-1'
const createdUserIds: string[] = []
const createdTeamIds: string[] = []
const createdTicketIds: string[] = []

let admin: SupabaseClient
let carla: SupabaseClient
let supervisor: SupabaseClient
let teamId: string

/** Calls the function as `client`; any status comes back (supabase-js turns non-2xx into an error). */
async function call(client: SupabaseClient, body: Json): Promise<{ status: number, body: Json }> {
  const { data, error } = await client.functions.invoke('admin-users', { body })
  if (!error) return { status: 200, body: data as Json }
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response
    return { status: response.status, body: await response.json() as Json }
  }
  throw error
}

const uniqueEmail = (label: string) => `teste-${label}-${randomUUID().slice(0, 8)}@atende.local`

/** Creates a user through the function as the demo admin and remembers it for clean-up. */
async function createUser(values: Partial<Json> = {}): Promise<{ id: string, email: string, body: Json }> {
  const email = (values.email as string | undefined) ?? uniqueEmail('usuario')
  const result = await call(admin, { action: 'create', email, full_name: 'Pessoa de Teste', password: PASSWORD, role: 'agent', team_ids: [], ...values })
  expect(result.status, JSON.stringify(result.body)).toBe(200)
  const id = (result.body.user as ProfileRow).id
  createdUserIds.push(id)
  return { id, email, body: result.body }
}

async function profile(id: string): Promise<ProfileRow | undefined> {
  const { rows } = await ownerPool().query<ProfileRow>('select id, full_name, email, role, active from public.profiles where id = $1', [id])
  return rows[0]
}

async function teamIdsOf(userId: string): Promise<string[]> {
  const { rows } = await ownerPool().query<{ team_id: string }>('select team_id from public.team_members where user_id = $1 order by team_id', [userId])
  return rows.map(row => row.team_id)
}

async function authUserCount(email: string): Promise<number> {
  const { rows } = await ownerPool().query<{ count: string }>('select count(*) from auth.users where lower(email) = lower($1)', [email])
  return Number(rows[0]!.count)
}

/** The auth error code of a sign-in, or null when it worked. */
async function signInError(email: string, password: string): Promise<string | null> {
  const { error } = await anonClient().auth.signInWithPassword({ email, password })
  return error ? (error.code ?? error.message) : null
}

beforeAll(async () => {
  ;[admin, carla, supervisor] = await Promise.all([
    signedInClient(DEMO.admin.email, DEMO.password),
    signedInClient(DEMO.carla.email, DEMO.password),
    signedInClient(DEMO.supervisor.email, DEMO.password),
  ])
  // A team of our own, so the tickets below never show in the demo queues other tests count.
  const { rows } = await ownerPool().query<{ id: string }>('insert into public.teams (name) values ($1) returning id', [`Equipe contrato ${randomUUID().slice(0, 8)}`])
  teamId = rows[0]!.id
  createdTeamIds.push(teamId)
})

afterAll(async () => {
  if (createdTicketIds.length > 0) await ownerPool().query('delete from public.tickets where id = any($1::uuid[])', [createdTicketIds])
  for (const id of createdUserIds) await serviceClient().auth.admin.deleteUser(id)
  if (createdTeamIds.length > 0) await ownerPool().query('delete from public.teams where id = any($1::uuid[])', [createdTeamIds])
})

describe('who may call it', () => {
  it('refuses anonymous callers (401) and every role but admin (403), whatever the action', async () => {
    const target = await createUser()
    const bodies: Json[] = [
      { action: 'create', email: uniqueEmail('negado'), full_name: 'Não Deveria', password: PASSWORD, role: 'agent', team_ids: [] },
      { action: 'set_password', user_id: target.id, password: 'outra-senha-123' },
      { action: 'set_active', user_id: target.id, active: false },
    ]
    for (const body of bodies) {
      expect(await call(anonClient(), body)).toMatchObject({ status: 401, body: { code: 'not_authenticated' } })
      for (const client of [carla, supervisor]) {
        expect(await call(client, body)).toEqual({ status: 403, body: { code: 'not_allowed', message: 'Só administradores podem gerenciar usuários.' } })
      }
    }
    // Nothing happened: no user created, the target still signs in with its password and is active.
    expect(await authUserCount(bodies[0]!.email as string)).toBe(0)
    expect(await signInError(target.email, PASSWORD)).toBeNull()
    expect((await profile(target.id))?.active).toBe(true)
  })

  it('refuses an agent calling admin_save_user from the browser', async () => {
    const target = await createUser()
    const { error } = await carla.rpc('admin_save_user', { p_user_id: target.id, p_full_name: 'Invasor', p_role: 'admin', p_team_ids: [] })
    expect(error).toMatchObject({ code: '42501', message: 'not_allowed' })
    expect((await profile(target.id))?.role).toBe('agent')
  })

  it('answers an unknown action with the valid ones', async () => {
    expect(await call(admin, { action: 'delete_everyone' })).toMatchObject({ status: 400, body: { code: 'unknown_action', details: { valid_actions: ['create', 'set_password', 'set_active'] } } })
  })
})

describe('create', () => {
  it('creates a confirmed user who signs in with the initial password and has the role and teams', async () => {
    const email = uniqueEmail('Novo').replace('teste', 'Teste')
    const { id, body } = await createUser({ email: `  ${email}  `, full_name: '  Joana   Prado ', role: 'supervisor', team_ids: [teamId, DEMO.teams.finance] })

    expect(body).toEqual({
      user: { id, full_name: 'Joana Prado', email: email.toLowerCase(), role: 'supervisor', active: true, team_ids: [teamId, DEMO.teams.finance] },
    })
    expect(await profile(id)).toEqual({ id, full_name: 'Joana Prado', email: email.toLowerCase(), role: 'supervisor', active: true })
    expect(await teamIdsOf(id)).toEqual([teamId, DEMO.teams.finance].sort())

    const joana = await signedInClient(email.toLowerCase(), PASSWORD)
    const { data } = await joana.rpc('my_profile')
    expect(data).toMatchObject({ id, role: 'supervisor', active: true })
  })

  it('refuses an e-mail that already has a user (409), in any letter case', async () => {
    const first = await createUser()
    const again = await call(admin, { action: 'create', email: first.email.toUpperCase(), full_name: 'Repetido', password: PASSWORD, role: 'agent', team_ids: [] })
    expect(again).toEqual({ status: 409, body: { code: 'email_exists', message: 'Já existe um usuário com este e-mail.', details: { field: 'email' } } })
    expect(await authUserCount(first.email)).toBe(1)
    expect((await profile(first.id))?.full_name).toBe('Pessoa de Teste')
  })

  it('refuses a weak password (400) and invalid fields, naming the field in Portuguese', async () => {
    const email = uniqueEmail('fraca')
    const base = { action: 'create', email, full_name: 'Senha Fraca', password: PASSWORD, role: 'agent', team_ids: [] }
    expect(await call(admin, { ...base, password: 'curta' })).toEqual({
      status: 400, body: { code: 'invalid_request', message: 'A senha deve ter pelo menos 8 caracteres.', details: { field: 'password' } },
    })
    expect(await call(admin, { ...base, email: 'sem-arroba' })).toMatchObject({ status: 400, body: { details: { field: 'email' }, message: 'Informe um e-mail válido, como nome@empresa.com.br.' } })
    expect(await call(admin, { ...base, full_name: '   ' })).toMatchObject({ status: 400, body: { details: { field: 'full_name' }, message: 'Informe o nome.' } })
    expect(await call(admin, { ...base, role: 'root' })).toMatchObject({ status: 400, body: { details: { field: 'role' } } })
    expect(await call(admin, { ...base, team_ids: ['nao-e-uuid'] })).toMatchObject({ status: 400, body: { details: { field: 'team_ids' } } })
    expect(await authUserCount(email)).toBe(0)
  })

  it('leaves no half-created user when the role and teams cannot be saved', async () => {
    const email = uniqueEmail('metade')
    const result = await call(admin, { action: 'create', email, full_name: 'Pela Metade', password: PASSWORD, role: 'agent', team_ids: [randomUUID()] })
    expect(result).toEqual({
      status: 400,
      body: { code: 'team_not_found', message: 'Uma das equipes escolhidas não existe mais. Recarregue a página.', details: { field: 'team_ids' } },
    })
    expect(await authUserCount(email)).toBe(0)
    const { rows } = await ownerPool().query('select 1 from public.profiles where email = $1', [email])
    expect(rows).toHaveLength(0)
    expect(await signInError(email, PASSWORD)).toBe('invalid_credentials')
  })
})

describe('set_password', () => {
  it('replaces the password: the old one fails, the new one works, existing sessions end', async () => {
    const { id, email } = await createUser()
    const before = await signedInClient(email, PASSWORD)

    const result = await call(admin, { action: 'set_password', user_id: id, password: 'nova-senha-456' })
    expect(result).toMatchObject({ status: 200, body: { user: { id, email, active: true } } })

    expect(await signInError(email, PASSWORD)).toBe('invalid_credentials')
    expect(await signInError(email, 'nova-senha-456')).toBeNull()
    // GoTrue signs the user out everywhere: the old session cannot be refreshed.
    const { error } = await before.auth.refreshSession()
    expect(error).not.toBeNull()
  })

  it('refuses a weak password and an unknown user in Portuguese', async () => {
    const { id, email } = await createUser()
    expect(await call(admin, { action: 'set_password', user_id: id, password: '1234567' })).toMatchObject({
      status: 400, body: { message: 'A senha deve ter pelo menos 8 caracteres.', details: { field: 'password' } },
    })
    expect(await signInError(email, PASSWORD)).toBeNull()
    expect(await call(admin, { action: 'set_password', user_id: randomUUID(), password: 'nova-senha-456' })).toEqual({
      status: 404, body: { code: 'user_not_found', message: 'Usuário não encontrado.' },
    })
  })
})

describe('set_active', () => {
  it('deactivates: sign-in refused, open tickets back to the queue; reactivating lets the user in again', async () => {
    const { id, email } = await createUser({ team_ids: [teamId] })
    const ticket = await createTicket({ status: 'open', teamId, assigneeId: id })
    createdTicketIds.push(ticket.id)
    const session = await signedInClient(email, PASSWORD)

    const off = await call(admin, { action: 'set_active', user_id: id, active: false })
    expect(off).toMatchObject({ status: 200, body: { user: { id, active: false } } })
    expect((await profile(id))?.active).toBe(false)
    expect(await signInError(email, PASSWORD)).toBe('user_banned')
    expect((await session.auth.refreshSession()).error).not.toBeNull()

    const requeued = await reloadTicket(ticket.id)
    expect(requeued).toMatchObject({ status: 'queued', assignee_id: null, team_id: teamId })
    const events = await ticketEvents(ticket.id)
    expect(events.at(-1)).toMatchObject({ type: 'queued', actor_id: DEMO.admin.id, from_agent_id: id, data: { reason: 'assignee_deactivated' } })

    const on = await call(admin, { action: 'set_active', user_id: id, active: true })
    expect(on).toMatchObject({ status: 200, body: { user: { id, active: true } } })
    expect(await signInError(email, PASSWORD)).toBeNull()
    const back = await signedInClient(email, PASSWORD)
    expect((await back.rpc('my_profile')).data).toMatchObject({ id, active: true })
  })

  it('refuses an admin deactivating themselves', async () => {
    const result = await call(admin, { action: 'set_active', user_id: DEMO.admin.id, active: false })
    expect(result).toEqual({ status: 400, body: { code: 'cannot_deactivate_self', message: 'Você não pode desativar a sua própria conta.' } })
    expect((await profile(DEMO.admin.id))?.active).toBe(true)
    expect(await signInError(DEMO.admin.email, DEMO.password)).toBeNull()
  })

  it('lets a second admin step down, but never the last active admin', async () => {
    const second = await createUser({ role: 'admin' })
    const secondClient = await signedInClient(second.email, PASSWORD)
    // Created admins administer at once: the second one deactivates and reactivates an agent.
    const agent = await createUser()
    expect(await call(secondClient, { action: 'set_active', user_id: agent.id, active: false })).toMatchObject({ status: 200 })
    expect(await call(secondClient, { action: 'set_active', user_id: agent.id, active: true })).toMatchObject({ status: 200 })

    // With another active admin around, stepping down is allowed.
    const { error: stepDown } = await secondClient.rpc('admin_save_user', { p_user_id: second.id, p_full_name: 'Ex-administrador', p_role: 'agent', p_team_ids: [] })
    expect(stepDown).toBeNull()
    expect((await profile(second.id))?.role).toBe('agent')
    expect(await call(secondClient, { action: 'set_active', user_id: agent.id, active: false })).toMatchObject({ status: 403 })

    // The last active admin cannot be demoted. Other test files may have admins of their own right now,
    // so the check runs in a rolled-back transaction where the demo admin is the only active one.
    const refusal = await runAs(asUser(DEMO.admin.id), async (client) => {
      await client.query('reset role')
      await client.query(`update public.profiles set active = false where role = 'admin' and id <> $1`, [DEMO.admin.id])
      await client.query(`select set_config('role', 'authenticated', true)`)
      return client.query('select public.admin_save_user($1, $2, $3, $4)', [DEMO.admin.id, 'Administrador', 'agent', []])
        .then(() => null, (error: { code?: string, message?: string, detail?: string }) => ({ code: error.code, message: error.message, detail: error.detail }))
    })
    expect(refusal).toEqual({
      code: 'P0001', message: 'last_admin', detail: 'Esta é a única conta de administrador ativa. Torne outra pessoa administradora antes.',
    })
    expect((await profile(DEMO.admin.id))?.role).toBe('admin')
  })
})
