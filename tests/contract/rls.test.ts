/**
 * A few rules of the permission matrix (tests/database/rls-matrix.test.ts) seen the way the app sees
 * them: supabase-js → gateway → PostgREST, with the tokens /auth/v1 issues to the demo users.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, closeOwnerPool, ownerPool } from '../support/db.ts'
import { createChannel, createMessage, createTicket, type TicketRow } from '../support/fixtures.ts'
import { anonClient, serviceClient, signedInClient } from '../support/stack.ts'

let carla: SupabaseClient
let diego: SupabaseClient
let observer: SupabaseClient
let admin: SupabaseClient

let supportQueued: TicketRow
let supportClosed: TicketRow
let financeQueued: TicketRow
let financeAssignedToCarla: TicketRow
let botTicket: TicketRow
let channelId: string
let apiKeyId: string

beforeAll(async () => {
  [carla, diego, observer, admin] = await Promise.all([
    signedInClient(DEMO.carla.email, DEMO.password),
    signedInClient(DEMO.diego.email, DEMO.password),
    signedInClient(DEMO.observer.email, DEMO.password),
    signedInClient(DEMO.admin.email, DEMO.password),
  ])
  channelId = (await createChannel()).id
  supportQueued = await createTicket({ channelId, status: 'queued', teamId: DEMO.teams.support })
  supportClosed = await createTicket({ channelId, status: 'closed', teamId: DEMO.teams.support, assigneeId: DEMO.bruno.id })
  financeQueued = await createTicket({ channelId, status: 'queued', teamId: DEMO.teams.finance })
  financeAssignedToCarla = await createTicket({ channelId, status: 'open', teamId: DEMO.teams.finance, assigneeId: DEMO.carla.id })
  botTicket = await createTicket({ channelId, status: 'bot', teamId: null })
  await createMessage(supportQueued, { body: 'Minha internet caiu' })
  await createMessage(financeQueued, { body: 'Segunda via do boleto' })
  await ownerPool().query(`insert into public.channel_secrets (channel_id, evolution_api_key) values ($1, 'segredo-do-canal')`, [channelId])
  const key = await ownerPool().query<{ id: string }>(
    `insert into public.api_keys (name, key_prefix, key_hash, scopes) values ('Power BI contrato', 'atd_ct', 'hash-contrato-' || gen_random_uuid(), '{tickets}') returning id`,
  )
  apiKeyId = key.rows[0]!.id
})

afterAll(async () => {
  // Other suites list API keys; leave none behind.
  if (apiKeyId) await ownerPool().query('delete from public.api_keys where id = $1', [apiKeyId])
  await closeOwnerPool()
})

describe('tickets and messages through PostgREST', () => {
  it('an agent lists only her teams\' tickets and the ones assigned to her', async () => {
    const fixtureIds = [supportQueued, supportClosed, financeQueued, financeAssignedToCarla, botTicket].map(ticket => ticket.id)
    const { data, error } = await carla.from('tickets').select('id').in('id', fixtureIds)
    expect(error).toBeNull()
    expect(data!.map(row => row.id).sort()).toEqual([supportQueued.id, supportClosed.id, financeAssignedToCarla.id].sort())

    // Whatever else other suites created, nothing she gets is outside that rule.
    const all = await carla.from('tickets').select('team_id, assignee_id')
    expect(all.error).toBeNull()
    expect(all.data!.length).toBeGreaterThanOrEqual(3)
    expect(all.data!.filter(row => row.team_id !== DEMO.teams.support && row.assignee_id !== DEMO.carla.id)).toEqual([])

    // The observer reads every ticket, including the bot stage.
    const observed = await observer.from('tickets').select('id').in('id', fixtureIds)
    expect(observed.data).toHaveLength(fixtureIds.length)
  })

  it('an agent of another team cannot read a Suporte ticket\'s messages', async () => {
    const denied = await diego.from('messages').select('id, body').eq('ticket_id', supportQueued.id)
    expect(denied.error).toBeNull()
    expect(denied.data).toEqual([])

    const own = await diego.from('messages').select('body').eq('ticket_id', financeQueued.id)
    expect(own.data).toEqual([{ body: 'Segunda via do boleto' }])
    const teamMate = await carla.from('messages').select('body').eq('ticket_id', supportQueued.id)
    expect(teamMate.data).toEqual([{ body: 'Minha internet caiu' }])
  })

  it('an agent cannot write a ticket directly (state changes go through RPCs)', async () => {
    const { error, status } = await carla.from('tickets').update({ status: 'closed', closed_at: new Date().toISOString() }).eq('id', supportQueued.id)
    expect(error).toMatchObject({ code: '42501' })
    expect(status).toBe(403)
  })
})

describe('contacts through PostgREST', () => {
  it('an observer\'s update is refused and changes nothing', async () => {
    const contactId = supportQueued.contact_id
    // Observers pass the column grant and the policy's USING, then fail its WITH CHECK: a loud
    // 42501 rather than a silent "0 rows"; the contact must stay as it was.
    const renamed = await observer.from('contacts').update({ display_name: 'Alterado pela observadora' }).eq('id', contactId).select('id')
    expect(renamed.error).toMatchObject({ code: '42501' })
    const stored = await serviceClient().from('contacts').select('display_name').eq('id', contactId).single()
    expect(stored.data).toEqual({ display_name: null })

    // A column nobody in the browser may write fails outright, for observers as for agents.
    const phone = await observer.from('contacts').update({ phone: '5511900000000' }).eq('id', contactId)
    expect(phone.error).toMatchObject({ code: '42501' })

    // Control: an agent's edit of the same field goes through.
    const byAgent = await carla.from('contacts').update({ display_name: 'Cliente da Carla' }).eq('id', contactId).select('display_name')
    expect(byAgent.error).toBeNull()
    expect(byAgent.data).toEqual([{ display_name: 'Cliente da Carla' }])
  })

  it('anon cannot list contacts', async () => {
    const { data, error, status } = await anonClient().from('contacts').select('id')
    expect(data).toBeNull()
    expect(error).toMatchObject({ code: '42501' })
    expect(status).toBe(401)
  })
})

describe('secrets through PostgREST', () => {
  it('nobody but the service role reads channel_secrets', async () => {
    for (const client of [admin, carla, observer, anonClient()]) {
      const { data, error } = await client.from('channel_secrets').select('*').eq('channel_id', channelId)
      expect(data).toBeNull()
      expect(error).toMatchObject({ code: '42501' })
    }
    const { data, error } = await serviceClient().from('channel_secrets').select('evolution_api_key').eq('channel_id', channelId)
    expect(error).toBeNull()
    expect(data).toEqual([{ evolution_api_key: 'segredo-do-canal' }])
  })

  it('an admin lists API keys but never reads key_hash', async () => {
    const hash = await admin.from('api_keys').select('id, key_hash')
    expect(hash.data).toBeNull()
    expect(hash.error).toMatchObject({ code: '42501' })
    // select('*') names every column, the hash included, so the app must list columns explicitly.
    expect((await admin.from('api_keys').select('*')).error).toMatchObject({ code: '42501' })

    const listing = await admin.from('api_keys').select('name, key_prefix').eq('id', apiKeyId)
    expect(listing.error).toBeNull()
    expect(listing.data).toEqual([{ name: 'Power BI contrato', key_prefix: 'atd_ct' }])

    const byAgent = await carla.from('api_keys').select('name').eq('id', apiKeyId)
    expect(byAgent.data).toEqual([])
  })
})
