/**
 * /rest/v1 (the real PostgREST behind the gateway) with the tokens /auth/v1 issues: roles, RLS and the
 * query shapes the app relies on (rpc, count, single, insert denial), and the new-format API key.
 */
import { randomUUID } from 'node:crypto'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLISHABLE_KEY } from '../../local-stack/config.ts'
import { DEMO } from '../support/db.ts'
import { anonClient, createTestUser, getStack, serviceClient, signedInClient } from '../support/stack.ts'

const PASSWORD = 'senha-segura-1'
const DEMO_USERS = [DEMO.admin, DEMO.supervisor, DEMO.carla, DEMO.bruno, DEMO.diego, DEMO.observer]

let agent: SupabaseClient
let agentId: string
let admin: SupabaseClient
const createdTeamIds: string[] = []

beforeAll(async () => {
  // A fresh agent, so renaming it cannot disturb suites that use the demo users.
  const email = `rest-agent-${randomUUID().slice(0, 8)}@atende.local`
  agentId = await createTestUser(email, PASSWORD, { full_name: 'Agente de Teste' })
  agent = await signedInClient(email, PASSWORD)
  admin = await signedInClient(DEMO.admin.email, DEMO.password)
})

afterAll(async () => {
  if (createdTeamIds.length > 0) await serviceClient().from('teams').delete().in('id', createdTeamIds)
  if (agentId) await serviceClient().auth.admin.deleteUser(agentId)
})

describe('PostgREST with user tokens', () => {
  it('runs my_profile as the signed-in user', async () => {
    const { data, error } = await agent.rpc('my_profile')
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: agentId, full_name: 'Agente de Teste', role: 'agent', active: true })

    const adminProfile = await admin.rpc('my_profile')
    expect(adminProfile.data).toMatchObject({ id: DEMO.admin.id, role: 'admin' })
  })

  it('gives anon no access to profiles', async () => {
    // profiles is granted to authenticated only, so anon fails on the grant before RLS.
    const { data, error, status } = await anonClient().from('profiles').select('id')
    expect(data).toBeNull()
    expect(error).toMatchObject({ code: '42501' })
    expect(status).toBe(401)
  })

  it('lets an agent rename itself but not another user', async () => {
    const other = await agent.from('profiles').update({ full_name: 'Invasor' }).eq('id', DEMO.carla.id).select()
    expect(other.error).toBeNull()
    expect(other.data).toEqual([])
    const carla = await serviceClient().from('profiles').select('full_name').eq('id', DEMO.carla.id).single()
    expect(carla.data!.full_name).toBe('Carla Técnica')

    const own = await agent.from('profiles').update({ full_name: 'Novo Nome' }).eq('id', agentId).select('id, full_name')
    expect(own.error).toBeNull()
    expect(own.data).toEqual([{ id: agentId, full_name: 'Novo Nome' }])
  })

  it('counts exactly without rows (head)', async () => {
    const { data, count, error } = await agent.from('profiles')
      .select('*', { count: 'exact', head: true })
      .in('id', DEMO_USERS.map(user => user.id))
    expect(error).toBeNull()
    expect(data).toBeNull()
    expect(count).toBe(DEMO_USERS.length)
  })

  it('reports PGRST116 for .single() without a row', async () => {
    const { data, error } = await agent.from('profiles').select('id').eq('id', randomUUID()).single()
    expect(data).toBeNull()
    expect(error).toMatchObject({ code: 'PGRST116' })
  })

  it('lets only an admin create teams', async () => {
    const denied = await agent.from('teams').insert({ name: `Negado ${randomUUID().slice(0, 8)}` })
    expect(denied.status).toBe(403)
    expect(denied.error).toMatchObject({ code: '42501' })

    const name = `Equipe ${randomUUID().slice(0, 8)}`
    const created = await admin.from('teams').insert({ name }).select('id, name').single()
    expect(created.error).toBeNull()
    expect(created.data).toMatchObject({ name })
    createdTeamIds.push(created.data!.id)
  })
})

describe('new-format API keys', () => {
  it('accepts sb_publishable_ as the apikey for auth and rest', async (context) => {
    // The opaque keys are the local stack's; another Supabase has its own.
    if (!getStack().local) context.skip()
    const client = createClient(getStack().url, PUBLISHABLE_KEY, { auth: { persistSession: false, autoRefreshToken: false } })
    const anonymous = await client.from('teams').select('id')
    expect(anonymous.error).toMatchObject({ code: '42501' })

    expect((await client.auth.signInWithPassword({ email: DEMO.bruno.email, password: DEMO.password })).error).toBeNull()
    const { data, error } = await client.rpc('my_profile')
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: DEMO.bruno.id, role: 'agent' })
  })
})
