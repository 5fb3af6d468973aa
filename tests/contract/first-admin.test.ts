/**
 * first-admin against a stack of its own started WITHOUT the demo seed (an empty database, as a new
 * customer's), through supabase-js exactly as /primeiro-acesso calls it: `needed` while no admin exists,
 * the first admin created (confirmed, signs in, company named), the door closed afterwards (409), two
 * visitors racing (exactly one admin, no stray user left), pt-BR validation naming the field, and an
 * e-mail that already belongs to someone.
 *
 * Ports: TEST_STACK_PORT_BASE + 100 (+21…25), beside the shared stack the global setup started.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startStack, type RunningStack } from '../../local-stack/stack.ts'

type Json = Record<string, unknown>

interface AdminRow {
  id: string
  email: string
  full_name: string
  role: string
  active: boolean
}

const EMPTY_STACK_BASE = Number(process.env.TEST_STACK_PORT_BASE ?? 25000) + 100
const PASSWORD = 'primeira-senha-1'

let stack: RunningStack
let db: pg.Pool

beforeAll(async () => {
  stack = await startStack({
    ports: { gateway: EMPTY_STACK_BASE + 21, postgres: EMPTY_STACK_BASE + 22, postgrest: EMPTY_STACK_BASE + 23, functions: EMPTY_STACK_BASE + 24, simulator: EMPTY_STACK_BASE + 25 },
    dataDir: mkdtempSync(join(tmpdir(), 'atende-empty-stack-')),
    ephemeral: true,
    seed: false,
    simulator: false,
    log: process.env.TEST_STACK_VERBOSE ? undefined : () => {},
  })
  db = new pg.Pool({ connectionString: stack.superuserDbUrl, max: 2 })
}, 120_000)

afterAll(async () => {
  await db?.end()
  await stack?.stop()
})

/** Back to a new installation: no users at all, the company name as the migration created it. */
async function emptyDatabase(): Promise<void> {
  await db.query('delete from auth.users')
  await db.query(`update public.app_settings set company_name = 'Atende'`)
}

beforeEach(emptyDatabase)

function anon(): SupabaseClient {
  return createClient(stack.url, stack.anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
}

/** Calls the function as a signed-out visitor; any status comes back. */
async function call(method: 'GET' | 'POST' | 'PUT', body?: Json): Promise<{ status: number, body: Json }> {
  const { data, error } = await anon().functions.invoke('first-admin', { method, body })
  if (!error) return { status: 200, body: data as Json }
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response
    return { status: response.status, body: await response.json() as Json }
  }
  throw error
}

const firstAdmin = (values: Partial<Json> = {}): Json => ({
  company_name: 'Acme Suporte',
  full_name: 'Ana Souza',
  email: 'ana@acme.com.br',
  password: PASSWORD,
  ...values,
})

async function admins(): Promise<AdminRow[]> {
  const { rows } = await db.query<AdminRow>(`select id, email, full_name, role, active from public.profiles where role = 'admin' order by email`)
  return rows
}

async function authUserEmails(): Promise<string[]> {
  const { rows } = await db.query<{ email: string }>('select email from auth.users order by email')
  return rows.map(row => row.email)
}

async function companyName(): Promise<string> {
  const { rows } = await db.query<{ company_name: string }>('select company_name from public.app_settings')
  return rows[0]!.company_name
}

describe('first-admin on an empty database', () => {
  it('is needed while nobody exists, creates an admin who signs in, then closes itself', async () => {
    expect(stack.seeded).toBe(false)
    expect(await call('GET')).toEqual({ status: 200, body: { needed: true } })

    const created = await call('POST', firstAdmin({ email: ' Ana@Acme.com.BR ', company_name: '  Acme Suporte ' }))
    expect(created.status, JSON.stringify(created.body)).toBe(200) // supabase-js reports 201 as success
    expect(created.body.email).toBe('ana@acme.com.br')

    const [admin, ...others] = await admins()
    expect(others).toEqual([])
    expect(admin).toMatchObject({ id: created.body.user_id, email: 'ana@acme.com.br', full_name: 'Ana Souza', role: 'admin', active: true })
    expect(await companyName()).toBe('Acme Suporte')

    // Confirmed, with the password chosen: signs in, and RLS sees an admin.
    const client = anon()
    const { error: signInError } = await client.auth.signInWithPassword({ email: 'ana@acme.com.br', password: PASSWORD })
    expect(signInError).toBeNull()
    const { data: profile } = await client.rpc('my_profile')
    expect(profile).toMatchObject({ role: 'admin', full_name: 'Ana Souza' })
    const { data: settings, error: updateError } = await client.from('app_settings').update({ company_name: 'Acme' }).eq('id', true).select('company_name').single()
    expect(updateError).toBeNull()
    expect(settings).toEqual({ company_name: 'Acme' })

    expect(await call('GET')).toEqual({ status: 200, body: { needed: false } })
    const again = await call('POST', firstAdmin({ email: 'intruso@example.com', full_name: 'Intruso' }))
    expect(again).toEqual({ status: 409, body: { code: 'already_configured', message: 'O primeiro administrador já foi criado; entre com sua conta.' } })
    expect(await authUserEmails()).toEqual(['ana@acme.com.br'])
    expect(await companyName()).toBe('Acme')
  })

  it('makes exactly one of several racing visitors admin and removes the others\' users', async () => {
    const names = ['um', 'dois', 'tres', 'quatro']
    const results = await Promise.all(names.map(name => call('POST', firstAdmin({
      email: `${name}@acme.com.br`, full_name: `Pessoa ${name}`, company_name: `Empresa ${name}`,
    }))))
    expect(results.map(result => result.status).sort(), JSON.stringify(results)).toEqual([200, 409, 409, 409])
    const winner = results.find(result => result.status === 200)!
    for (const loser of results.filter(result => result.status === 409)) expect(loser.body.code).toBe('already_configured')

    expect((await admins()).map(row => row.email)).toEqual([winner.body.email])
    // Visitors who created their user before losing the claim had it deleted again.
    expect(await authUserEmails()).toEqual([winner.body.email])
    expect(await companyName()).toBe(`Empresa ${String(winner.body.email).split('@')[0]}`)
  })

  it('opens again only when no active admin is left, and ignores other roles', async () => {
    const { data, error } = await createClient(stack.url, stack.serviceRoleKey, { auth: { persistSession: false } })
      .auth.admin.createUser({ email: 'tecnico@acme.com.br', password: PASSWORD, email_confirm: true })
    expect(error).toBeNull()
    // A technician alone does not administer anything.
    expect(await db.query(`select role from public.profiles where id = $1`, [data.user!.id]).then(result => result.rows[0].role)).toBe('agent')
    expect((await call('GET')).body).toEqual({ needed: true })

    // Their e-mail cannot become the admin's: the person signs in with their own account instead.
    const taken = await call('POST', firstAdmin({ email: 'tecnico@acme.com.br' }))
    expect(taken).toEqual({ status: 409, body: { code: 'email_taken', message: 'Já existe um usuário com este e-mail. Use outro e-mail.', details: { field: 'email' } } })
    expect(await admins()).toEqual([])
    expect((await call('GET')).body).toEqual({ needed: true })
  })

  it('validates in Portuguese, naming the field, before creating anything', async () => {
    const cases: Array<[Json, string, string]> = [
      [firstAdmin({ company_name: ' ' }), 'company_name', 'Informe o nome da empresa.'],
      [firstAdmin({ full_name: '' }), 'full_name', 'Informe seu nome.'],
      [firstAdmin({ email: 'sem-arroba' }), 'email', 'Informe um e-mail válido.'],
      [firstAdmin({ password: 'curta' }), 'password', 'A senha precisa ter pelo menos 8 caracteres.'],
    ]
    for (const [body, field, message] of cases) {
      expect(await call('POST', body)).toEqual({ status: 400, body: { code: 'invalid_request', message, details: { field } } })
    }
    expect((await call('PUT', firstAdmin())).status).toBe(405)
    expect(await authUserEmails()).toEqual([])
    expect((await call('GET')).body).toEqual({ needed: true })
  })
})
