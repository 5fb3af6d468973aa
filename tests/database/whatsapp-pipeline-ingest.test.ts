/**
 * The SQL functions the whatsapp-webhook function calls besides the ingestion core
 * (supabase/migrations/*_whatsapp_pipeline.sql): record_channel_connection, record_channel_qr,
 * resolve_group_contact, ingest_business_message and claim_provider_events. Single calls run in
 * rolled-back transactions; the race and SKIP LOCKED tests use two committed connections, the second one
 * seen blocked on (or skipping) the first's locks, so the concurrent path runs every time.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { anon, asUser, closeOwnerPool, DEMO, ownerPool, runAs, serviceRole, sqlErrorCode, type Actor } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, reloadTicket } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = pg.QueryResultRow

async function one(db: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query(sql, params)
  return rows[0]!
}

/** The P0001 `message` (snake_case rule name) an RPC call fails with. */
async function ruleError(promise: Promise<unknown>): Promise<{ code: string, message: string }> {
  try {
    await promise
  }
  catch (error) {
    const { code, message } = error as { code: string, message: string }
    return { code, message }
  }
  throw new Error('expected the call to fail')
}

const groupJid = () => `1203630${String(Math.floor(Math.random() * 1e11)).padStart(11, '0')}@g.us`

/** A committed service-role connection with its transaction open, as one webhook request would run. */
async function openSession(): Promise<{ client: pg.PoolClient, pid: number }> {
  const client = await ownerPool().connect()
  await client.query('begin')
  await client.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`)
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
  return { client, pid: rows[0]!.pid }
}

async function closeSession(session: { client: pg.PoolClient }): Promise<void> {
  await session.client.query('rollback').catch(() => {})
  session.client.release()
}

async function waitUntilBlocked(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { rows } = await ownerPool().query<{ wait: string | null }>('select wait_event_type as wait from pg_stat_activity where pid = $1', [pid])
    if (rows[0]?.wait === 'Lock') return
  }
  throw new Error(`backend ${pid} never waited on a lock`)
}

describe('who may call the pipeline functions', () => {
  const calls: [string, string, unknown[]][] = [
    ['record_channel_connection', 'select public.record_channel_connection($1, $2)', [randomUUID(), 'connected']],
    ['record_channel_qr', 'select public.record_channel_qr($1, $2)', [randomUUID(), '2@abc']],
    ['resolve_group_contact', 'select public.resolve_group_contact($1)', ['120363000000000000@g.us']],
    ['ingest_business_message', 'select public.ingest_business_message($1, $2, $3::jsonb)', [randomUUID(), randomUUID(), '{"provider_message_id":"X"}']],
    ['claim_provider_events', 'select * from public.claim_provider_events(1)', []],
  ]
  const denied: [string, Actor][] = [['an admin', asUser(DEMO.admin.id)], ['an agent', asUser(DEMO.carla.id)], ['anon', anon]]

  it.each(calls)('%s: denied (42501) to signed-in users and anon', async (_name, sql, params) => {
    for (const [, actor] of denied) {
      expect(await sqlErrorCode(runAs(actor, db => db.query(sql, params)))).toBe('42501')
    }
  })

  it.each(calls)('%s: allowed to the service role (reaches the function\'s own checks)', async (_name, sql, params) => {
    const outcome = await runAs(serviceRole, db => db.query(sql, params).then(() => 'ran', (error: { code?: string }) => error.code))
    expect(outcome === 'ran' || outcome === 'P0001').toBe(true)
  })
})

describe('record_channel_connection', () => {
  it('connected: keeps the number (digits only), clears the QR, stamps the change once', async () => {
    const channel = await createChannel({ connection_state: 'qr', state_changed_at: new Date(Date.now() - 60_000) })
    await runAs(serviceRole, async (db) => {
      await db.query('insert into public.channel_qr_codes (channel_id, qr_code) values ($1, $2)', [channel.id, '2@old'])
      const connected = await one(db, `select * from public.record_channel_connection($1, 'connected', null, '+55 (11) 91234-5678')`, [channel.id])
      expect(connected).toMatchObject({ connection_state: 'connected', state_reason: null, phone_number: '5511912345678' })
      expect(Date.now() - connected.state_changed_at.getTime()).toBeLessThan(10_000)
      expect((await db.query('select 1 from public.channel_qr_codes where channel_id = $1', [channel.id])).rowCount).toBe(0)

      const again = await one(db, `select * from public.record_channel_connection($1, 'connected')`, [channel.id])
      expect(again.state_changed_at).toEqual(connected.state_changed_at)
      expect(again.phone_number).toBe('5511912345678')
    })
  })

  it('disconnected: stores the reason and keeps the known number', async () => {
    const channel = await createChannel({ connection_state: 'connected', phone_number: '5511912345678' })
    await runAs(serviceRole, async (db) => {
      expect(await one(db, `select connection_state, state_reason, phone_number from public.record_channel_connection($1, 'disconnected', $2)`, [channel.id, 'Sessão encerrada no celular (desconectado)']))
        .toEqual({ connection_state: 'disconnected', state_reason: 'Sessão encerrada no celular (desconectado)', phone_number: '5511912345678' })
    })
  })

  it('refuses an unknown state or channel', async () => {
    const channel = await createChannel()
    await runAs(serviceRole, async (db) => {
      expect(await ruleError(db.query(`select public.record_channel_connection($1, 'open')`, [channel.id])))
        .toEqual({ code: 'P0001', message: 'connection_state_invalid' })
    })
    await runAs(serviceRole, async (db) => {
      expect(await ruleError(db.query(`select public.record_channel_connection($1, 'connected')`, [randomUUID()])))
        .toEqual({ code: 'P0001', message: 'channel_not_found' })
    })
  })
})

describe('record_channel_qr', () => {
  it('shows the latest QR while connecting, keeping a pairing code a later QR does not repeat', async () => {
    const channel = await createChannel({ connection_state: 'connecting' })
    await runAs(serviceRole, async (db) => {
      const expires = new Date(Date.now() + 45_000)
      expect((await one(db, 'select public.record_channel_qr($1, $2, $3, $4) as applied', [channel.id, '2@first', 'WZYEH1YY', expires])).applied).toBe(true)
      expect((await one(db, 'select public.record_channel_qr($1, $2, null, $3) as applied', [channel.id, '2@second', expires])).applied).toBe(true)
      expect(await one(db, 'select qr_code, pairing_code, expires_at from public.channel_qr_codes where channel_id = $1', [channel.id]))
        .toEqual({ qr_code: '2@second', pairing_code: 'WZYEH1YY', expires_at: expires })
      expect(await one(db, 'select connection_state, state_reason from public.channels where id = $1', [channel.id]))
        .toEqual({ connection_state: 'qr', state_reason: null })
    })
  })

  it('ignores a QR that arrives after the channel connected (a late webhook)', async () => {
    const channel = await createChannel({ connection_state: 'connected' })
    await runAs(serviceRole, async (db) => {
      expect((await one(db, 'select public.record_channel_qr($1, $2) as applied', [channel.id, '2@stale'])).applied).toBe(false)
      expect((await db.query('select 1 from public.channel_qr_codes where channel_id = $1', [channel.id])).rowCount).toBe(0)
      expect((await one(db, 'select connection_state from public.channels where id = $1', [channel.id])).connection_state).toBe('connected')
    })
  })

  it('a late "connecting" does not hide a QR still valid on screen; once the QR expired it applies', async () => {
    const channel = await createChannel({ connection_state: 'connecting' })
    await runAs(serviceRole, async (db) => {
      await db.query('select public.record_channel_qr($1, $2, null, $3)', [channel.id, '2@valid', new Date(Date.now() + 45_000)])
      await db.query(`select public.record_channel_connection($1, 'connecting')`, [channel.id])
      expect((await one(db, 'select connection_state from public.channels where id = $1', [channel.id])).connection_state).toBe('qr')

      await db.query(`update public.channel_qr_codes set expires_at = now() - interval '1 second' where channel_id = $1`, [channel.id])
      await db.query(`select public.record_channel_connection($1, 'connecting')`, [channel.id])
      expect((await one(db, 'select connection_state from public.channels where id = $1', [channel.id])).connection_state).toBe('connecting')
    })
  })

  it('refuses an unknown channel', async () => {
    await runAs(serviceRole, async (db) => {
      expect(await ruleError(db.query('select public.record_channel_qr($1, $2)', [randomUUID(), '2@x']))).toEqual({ code: 'P0001', message: 'channel_not_found' })
    })
  })
})

describe('resolve_group_contact', () => {
  it('creates the group\'s contact once and finds it again', async () => {
    const jid = groupJid()
    await runAs(serviceRole, async (db) => {
      const created = (await one(db, 'select public.resolve_group_contact($1, $2) as id', [jid, 'Família Souza'])).id
      expect((await one(db, 'select public.resolve_group_contact($1) as id', [` ${jid} `])).id).toBe(created)
      expect(await one(db, 'select whatsapp_name, phone from public.contacts where id = $1', [created])).toEqual({ whatsapp_name: 'Família Souza', phone: null })
      expect((await db.query('select kind, value from public.contact_identities where contact_id = $1', [created])).rows).toEqual([{ kind: 'group', value: jid }])
      const unnamed = (await one(db, 'select public.resolve_group_contact($1) as id', [groupJid()])).id
      expect((await one(db, 'select whatsapp_name from public.contacts where id = $1', [unnamed])).whatsapp_name).toBe('Grupo')
    })
  })

  it('refuses anything that is not a group JID', async () => {
    for (const bad of ['5511987654321@s.whatsapp.net', 'status@broadcast', '12@g.us', '']) {
      await runAs(serviceRole, async (db) => {
        expect(await ruleError(db.query('select public.resolve_group_contact($1)', [bad]))).toEqual({ code: 'P0001', message: 'identity_invalid' })
      })
    }
  })

  it('two messages of a new group at once still make one contact', async () => {
    const jid = groupJid()
    const name = `Grupo ${randomUUID()}`
    const first = await openSession()
    const second = await openSession()
    try {
      const firstId = (await one(first.client, 'select public.resolve_group_contact($1, $2) as id', [jid, name])).id
      const secondCall = one(second.client, 'select public.resolve_group_contact($1, $2) as id', [jid, name])
      secondCall.catch(() => {})
      await waitUntilBlocked(second.pid)
      await first.client.query('commit')
      const secondId = (await secondCall).id
      await second.client.query('commit')
      expect(secondId).toBe(firstId)
      const { rows: identities } = await ownerPool().query('select contact_id from public.contact_identities where kind = $1 and value = $2', ['group', jid])
      expect(identities).toEqual([{ contact_id: firstId }])
      // The loser's own contact (never visible to anyone) was dropped: one contact of that name.
      const { rows: contacts } = await ownerPool().query('select id from public.contacts where whatsapp_name = $1', [name])
      expect(contacts).toEqual([{ id: firstId }])
    }
    finally {
      await closeSession(first)
      await closeSession(second)
    }
  })
})

describe('ingest_business_message', () => {
  async function ingestBusiness(db: pg.ClientBase, channelId: string, contactId: string, message: Row): Promise<Row> {
    return (await one(db, 'select public.ingest_business_message($1, $2, $3::jsonb) as result', [channelId, contactId, JSON.stringify(message)])).result
  }

  it('stores what was typed on the company phone once, as an agent message without an agent, in the active ticket', async () => {
    const ticket = await createTicket({ status: 'open' })
    const quoted = await createMessage(ticket, { body: 'Qual o número do pedido?' })
    const providerId = `3AF0${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`
    await runAs(serviceRole, async (db) => {
      const message = { provider_message_id: providerId, kind: 'text', body: 'Oi Maria, aqui é a Ana. Já verifiquei seu pedido.', quoted_provider_message_id: quoted.provider_message_id, provider_timestamp: 1761058400 }
      const result = await ingestBusiness(db, ticket.channel_id, ticket.contact_id, message)
      expect(result).toEqual({ duplicate: false, message_id: expect.any(String), ticket_id: ticket.id })
      expect(await one(db, 'select * from public.messages where id = $1', [result.message_id])).toMatchObject({
        ticket_id: ticket.id, direction: 'outbound', sender_type: 'agent', sender_id: null, status: 'sent', kind: 'text',
        body: message.body, quoted_message_id: quoted.id, provider_message_id: providerId, provider_timestamp: new Date(1761058400 * 1000),
      })
      expect((await one(db, 'select last_message_preview from public.tickets where id = $1', [ticket.id])).last_message_preview)
        .toBe('Oi Maria, aqui é a Ana. Já verifiquei seu pedido.')

      expect(await ingestBusiness(db, ticket.channel_id, ticket.contact_id, { ...message, body: 'outra vez' }))
        .toEqual({ duplicate: true, message_id: result.message_id })
      expect((await one(db, 'select count(*)::int as n from public.messages where channel_id = $1 and provider_message_id = $2', [ticket.channel_id, providerId])).n).toBe(1)
    })
  })

  it('without an active ticket, goes to the latest one (history stays complete) and leaves a closed ticket\'s preview alone', async () => {
    const channel = await createChannel()
    const contact = await createContact()
    const older = await createTicket({ status: 'closed', channelId: channel.id, contactId: contact.id, values: { created_at: new Date(Date.now() - 2 * 86_400_000) } })
    const latest = await createTicket({ status: 'closed', channelId: channel.id, contactId: contact.id, values: { created_at: new Date(Date.now() - 86_400_000), last_message_preview: 'Obrigado!' } })
    await runAs(serviceRole, async (db) => {
      const result = await ingestBusiness(db, channel.id, contact.id, { provider_message_id: `B-${randomUUID()}`, kind: 'image', body: null, media_path: 'inbound/x.jpg', media_mime: 'image/jpeg', media_size: 10 })
      expect(result.ticket_id).toBe(latest.id)
      expect(result.ticket_id).not.toBe(older.id)
      expect((await one(db, 'select last_message_preview from public.tickets where id = $1', [latest.id])).last_message_preview).toBe('Obrigado!')
    })
    expect((await reloadTicket(latest.id)).status).toBe('closed')
  })

  it('prefers the active ticket over a more recent closed one, and stores without a ticket when there is none', async () => {
    const channel = await createChannel()
    const contact = await createContact()
    const active = await createTicket({ status: 'queued', channelId: channel.id, contactId: contact.id, values: { created_at: new Date(Date.now() - 86_400_000) } })
    await createTicket({ status: 'closed', channelId: channel.id, contactId: contact.id })
    const stranger = await createContact()
    await runAs(serviceRole, async (db) => {
      expect((await ingestBusiness(db, channel.id, contact.id, { provider_message_id: `B-${randomUUID()}`, body: 'Olá' })).ticket_id).toBe(active.id)
      const loose = await ingestBusiness(db, channel.id, stranger.id, { provider_message_id: `B-${randomUUID()}`, body: 'Olá' })
      expect(loose).toMatchObject({ duplicate: false, ticket_id: null })
      expect((await one(db, 'select ticket_id, kind from public.messages where id = $1', [loose.message_id]))).toEqual({ ticket_id: null, kind: 'text' })
    })
  })

  it('treats an inbound message with the same provider id as already stored', async () => {
    const ticket = await createTicket({ status: 'bot' })
    const inbound = await createMessage(ticket)
    await runAs(serviceRole, async (db) => {
      expect(await ingestBusiness(db, ticket.channel_id, ticket.contact_id, { provider_message_id: inbound.provider_message_id, body: 'x' }))
        .toEqual({ duplicate: true, message_id: inbound.id })
    })
  })

  it('refuses a message without provider id, of an unknown kind, or for an unknown contact', async () => {
    const ticket = await createTicket()
    const cases: [Row, string, string][] = [
      [{ body: 'x' }, ticket.contact_id, 'provider_message_id_required'],
      [{ provider_message_id: 'K1', kind: 'note' }, ticket.contact_id, 'message_kind_invalid'],
      [{ provider_message_id: 'K2' }, randomUUID(), 'contact_not_found'],
    ]
    for (const [message, contactId, rule] of cases) {
      await runAs(serviceRole, async (db) => {
        expect(await ruleError(ingestBusiness(db, ticket.channel_id, contactId, message))).toEqual({ code: 'P0001', message: rule })
      })
    }
  })
})

describe('claim_provider_events', () => {
  /** Due long ago, so these rows come before any real pending event in claim order. */
  async function insertEvent(db: pg.ClientBase, values: Row): Promise<number> {
    const row = await one(db, `insert into public.provider_events (provider, payload, status, next_attempt_at) values ('evolution', '{}'::jsonb, $1, $2) returning id`, [values.status, values.next_attempt_at])
    return Number(row.id)
  }

  it('leases due pending and failed events, oldest first, and never hands out the others', async () => {
    await runAs(serviceRole, async (db) => {
      const pending = await insertEvent(db, { status: 'pending', next_attempt_at: '2000-01-01T00:00:00Z' })
      const failed = await insertEvent(db, { status: 'failed', next_attempt_at: '2000-01-01T00:00:01Z' })
      const notDue = await insertEvent(db, { status: 'pending', next_attempt_at: new Date(Date.now() + 3_600_000) })
      const processed = await insertEvent(db, { status: 'processed', next_attempt_at: '2000-01-01T00:00:00Z' })
      const givenUp = await insertEvent(db, { status: 'failed', next_attempt_at: null })
      const unauthenticated = await insertEvent(db, { status: 'pending', next_attempt_at: null })

      const { rows: claimed } = await db.query('select id, status, next_attempt_at, now() as db_now from public.claim_provider_events(2, 90)')
      expect(claimed.map(row => Number(row.id))).toEqual([pending, failed])
      for (const row of claimed) expect(row.next_attempt_at.getTime() - row.db_now.getTime()).toBe(90_000)

      // Leased: the next sweep (same clock here) does not take them again.
      const { rows: again } = await db.query('select id from public.claim_provider_events(100)')
      const againIds = again.map(row => Number(row.id))
      for (const id of [pending, failed, notDue, processed, givenUp, unauthenticated]) expect(againIds).not.toContain(id)

      // An expired lease (the run died) makes the event due again; the lease is at least 5 s.
      await db.query(`update public.provider_events set next_attempt_at = '2000-01-01' where id = $1`, [pending])
      const { rows: retaken } = await db.query('select id, next_attempt_at, now() as db_now from public.claim_provider_events(1, 0)')
      expect(Number(retaken[0]!.id)).toBe(pending)
      expect(retaken[0]!.next_attempt_at.getTime() - retaken[0]!.db_now.getTime()).toBe(5_000)
    })
  })

  it('two sweeps at once split the work: a leased row is skipped, not waited for', async () => {
    const { rows } = await ownerPool().query(`insert into public.provider_events (provider, payload, status, next_attempt_at)
      values ('cloud', '{}'::jsonb, 'pending', '1999-01-01T00:00:00Z'), ('cloud', '{}'::jsonb, 'failed', '1999-01-01T00:00:01Z') returning id`)
    const [first, second] = rows.map(row => Number(row.id))
    const sweepA = await openSession()
    const sweepB = await openSession()
    try {
      const { rows: claimedA } = await sweepA.client.query('select id from public.claim_provider_events(1)')
      const { rows: claimedB } = await sweepB.client.query('select id from public.claim_provider_events(1)')
      expect(claimedA.map(row => Number(row.id))).toEqual([first])
      expect(claimedB.map(row => Number(row.id))).toEqual([second])
    }
    finally {
      await closeSession(sweepA)
      await closeSession(sweepB)
      await ownerPool().query('delete from public.provider_events where id = any($1)', [[first, second]])
    }
  })
})
