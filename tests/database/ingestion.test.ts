/**
 * The SQL core of WhatsApp ingestion (supabase/migrations/*_ingestion.sql): resolve_contact,
 * ingest_inbound_message and apply_message_status, as the whatsapp-webhook function calls them with the
 * service role. Single calls run in rolled-back transactions (runAs); the race tests use two committed
 * connections and make the second call really wait on the first (it is seen blocked on a lock before the
 * first commits), so the conflict path is exercised every time, not by luck.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, ownerPool, runAs, serviceRole, sqlErrorCode } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, reloadTicket, ticketEvents, uniqueDigits } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = Record<string, unknown>
interface Identity { kind: 'phone' | 'lid' | 'wa_id', value: string }
interface IngestResult { duplicate: boolean, message_id: string, ticket_id?: string | null, ticket_created?: boolean, ticket_status?: string | null }

/** A Brazilian mobile with the 9th digit: 55 + area code + 9 + 8 digits (13 digits). */
function brazilianMobile(): { withNine: string, withoutNine: string } {
  const subscriber = `${6 + Math.floor(Math.random() * 4)}${uniqueDigits(9).slice(2)}`
  return { withNine: `55119${subscriber}`, withoutNine: `5511${subscriber}` }
}

const lid = (): string => `${uniqueDigits(15)}@lid`

async function resolve(db: pg.ClientBase, identities: Identity[], name: string | null = null): Promise<string> {
  const { rows } = await db.query<{ id: string }>('select public.resolve_contact($1::jsonb, $2) as id', [JSON.stringify(identities), name])
  return rows[0]!.id
}

async function ingest(db: pg.ClientBase, channelId: string, contactId: string, message: Row): Promise<IngestResult> {
  const { rows } = await db.query<{ result: IngestResult }>(
    'select public.ingest_inbound_message($1, $2, $3::jsonb) as result',
    [channelId, contactId, JSON.stringify({ provider_message_id: `wamid.${randomUUID()}`, kind: 'text', ...message })],
  )
  return rows[0]!.result
}

async function applyStatus(db: pg.ClientBase, channelId: string, providerId: string, status: string, error: string | null = null): Promise<boolean> {
  const { rows } = await db.query<{ ok: boolean }>('select public.apply_message_status($1, $2, $3, $4) as ok', [channelId, providerId, status, error])
  return rows[0]!.ok
}

async function one(db: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query(sql, params)
  return rows[0]!
}

/** A committed service-role connection with its transaction open, as one webhook request would run. */
async function openSession(): Promise<{ client: pg.PoolClient, pid: number }> {
  const client = await ownerPool().connect()
  await client.query('begin')
  await client.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`)
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid')
  return { client, pid: rows[0]!.pid }
}

/** Resolves once backend `pid` is blocked on a lock (bounded: fails the test if it never blocks). */
async function waitUntilBlocked(pid: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { rows } = await ownerPool().query<{ wait: string | null }>('select wait_event_type as wait from pg_stat_activity where pid = $1', [pid])
    if (rows[0]?.wait === 'Lock') return
  }
  throw new Error(`backend ${pid} never waited on a lock`)
}

/**
 * Runs `first` to completion in one open transaction, starts `second` in another, checks that it waits
 * on a lock held by the first, then commits the first and lets the second finish and commit. On any
 * failure both connections are rolled back and released, so a failing race fails the test, not the run.
 */
async function race<A, B>(first: (db: pg.ClientBase) => Promise<A>, second: (db: pg.ClientBase) => Promise<B>): Promise<[A, B]> {
  const firstSession = await openSession()
  const secondSession = await openSession()
  let secondCall: Promise<B> | undefined
  try {
    const firstResult = await first(firstSession.client)
    secondCall = second(secondSession.client)
    secondCall.catch(() => {})
    await waitUntilBlocked(secondSession.pid)
    await firstSession.client.query('commit')
    const secondResult = await secondCall
    await secondSession.client.query('commit')
    return [firstResult, secondResult]
  }
  finally {
    await firstSession.client.query('rollback').catch(() => {})
    // Unblocks a second call still waiting on the first's locks before its own rollback.
    await secondCall?.catch(() => {})
    await secondSession.client.query('rollback').catch(() => {})
    firstSession.client.release()
    secondSession.client.release()
  }
}

describe('resolve_contact', () => {
  it('creates a new person once, and finds them again by phone, by the other 9th-digit form and by a linked @lid', async () => {
    await runAs(serviceRole, async (db) => {
      const phone = brazilianMobile()
      const theirLid = lid()
      const created = await resolve(db, [{ kind: 'phone', value: phone.withNine }], 'Maria Silva')

      expect(await one(db, 'select phone, whatsapp_name from public.contacts where id = $1', [created]))
        .toEqual({ phone: phone.withNine, whatsapp_name: 'Maria Silva' })
      const identities = await db.query('select kind, value from public.contact_identities where contact_id = $1 order by value', [created])
      // Both Brazilian forms are recorded, though the caller gave only one.
      expect(identities.rows).toEqual([{ kind: 'phone', value: phone.withoutNine }, { kind: 'phone', value: phone.withNine }])

      expect(await resolve(db, [{ kind: 'phone', value: phone.withNine }])).toBe(created)
      expect(await resolve(db, [{ kind: 'phone', value: phone.withoutNine }])).toBe(created)

      // An unknown @lid alone is a new person; once a message links it to the phone, it is this one.
      await db.query('savepoint lid_alone')
      expect(await resolve(db, [{ kind: 'lid', value: theirLid }])).not.toBe(created)
      await db.query('rollback to savepoint lid_alone')
      expect(await resolve(db, [{ kind: 'phone', value: phone.withoutNine }, { kind: 'lid', value: theirLid }], 'Maria S.')).toBe(created)
      expect(await resolve(db, [{ kind: 'lid', value: theirLid }])).toBe(created)
      expect(await one(db, 'select whatsapp_name, phone from public.contacts where id = $1', [created]))
        .toEqual({ whatsapp_name: 'Maria S.', phone: phone.withNine })

      const other = await resolve(db, [{ kind: 'phone', value: brazilianMobile().withNine }])
      expect(other).not.toBe(created)
      const total = await one(db, 'select count(*)::int as n from public.contacts where id in ($1, $2)', [created, other])
      expect(total.n).toBe(2)
    })
  })

  it('keeps a name it already has when a webhook brings none, and a landline or foreign number has one form', async () => {
    await runAs(serviceRole, async (db) => {
      const landline = `55113${uniqueDigits(9).slice(2)}` // 12 digits, subscriber starts with 3
      const id = await resolve(db, [{ kind: 'phone', value: landline }], 'Loja')
      expect(await resolve(db, [{ kind: 'phone', value: landline }], null)).toBe(id)
      expect(await one(db, 'select whatsapp_name from public.contacts where id = $1', [id])).toEqual({ whatsapp_name: 'Loja' })
      const identities = await db.query('select value from public.contact_identities where contact_id = $1', [id])
      expect(identities.rows).toEqual([{ value: landline }])
    })
  })

  it('picks the contact of the strongest identity when two contacts own them, without merging', async () => {
    const byLid = await createContact({ phone: null })
    const byPhone = await createContact()
    const theirLid = lid()
    await ownerPool().query(
      `insert into public.contact_identities (contact_id, kind, value) values ($1, 'lid', $2), ($3, 'phone', $4)`,
      [byLid.id, theirLid, byPhone.id, byPhone.phone],
    )
    await runAs(serviceRole, async (db) => {
      expect(await resolve(db, [{ kind: 'lid', value: theirLid }, { kind: 'phone', value: byPhone.phone! }])).toBe(byPhone.id)
      const owner = await one(db, `select contact_id from public.contact_identities where kind = 'lid' and value = $1`, [theirLid])
      expect(owner.contact_id).toBe(byLid.id)
    })
  })

  it('refuses malformed identities', async () => {
    for (const identities of [[], [{ kind: 'email', value: 'a@b.c' }], [{ kind: 'phone', value: '+55 11 9' }], [{ kind: 'lid', value: '' }]]) {
      const error = await runAs(serviceRole, db => resolve(db, identities as Identity[])).catch((e: unknown) => e as { code: string, message: string })
      expect(error).toMatchObject({ code: 'P0001' })
      expect(['identity_required', 'identity_invalid']).toContain((error as { message: string }).message)
    }
  })

  it('ends with one contact when two webhooks resolve the same new number at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const phone = brazilianMobile()
      // The second also brings the @lid and the other phone form: all must end on the first's contact.
      const theirLid = lid()
      const [firstId, secondId] = await race(
        db => resolve(db, [{ kind: 'phone', value: phone.withNine }]),
        db => resolve(db, [{ kind: 'lid', value: theirLid }, { kind: 'phone', value: phone.withoutNine }]),
      )

      expect(secondId).toBe(firstId)
      const { rows } = await ownerPool().query(
        `select c.id, array_agg(ci.value order by ci.value) as values from public.contacts c
         join public.contact_identities ci on ci.contact_id = c.id
         where ci.value = any($1) group by c.id`,
        [[phone.withNine, phone.withoutNine, theirLid]],
      )
      expect(rows).toEqual([{ id: firstId, values: [phone.withoutNine, phone.withNine, theirLid].sort() }])
    }
  })
})

describe('ingest_inbound_message', () => {
  it('opens a ticket in bot with a created event for a first message, and stores a repeated webhook once', async () => {
    const channel = await createChannel()
    const contact = await createContact()
    await runAs(serviceRole, async (db) => {
      const providerId = `wamid.${randomUUID()}`
      const result = await ingest(db, channel.id, contact.id, { provider_message_id: providerId, body: 'Olá, boa tarde', provider_timestamp: 1763700000 })
      expect(result).toMatchObject({ duplicate: false, ticket_created: true, ticket_status: 'bot' })

      const ticket = await one(db, 'select * from public.tickets where id = $1', [result.ticket_id])
      expect(ticket).toMatchObject({ status: 'bot', contact_id: contact.id, channel_id: channel.id, unread_count: 1, last_message_preview: 'Olá, boa tarde' })
      expect(ticket.last_inbound_at).toEqual(ticket.last_message_at)
      const message = await one(db, 'select * from public.messages where id = $1', [result.message_id])
      expect(message).toMatchObject({ ticket_id: result.ticket_id, direction: 'inbound', sender_type: 'contact', status: 'received', body: 'Olá, boa tarde' })
      expect((message.provider_timestamp as Date).toISOString()).toBe(new Date(1763700000 * 1000).toISOString())
      const events = await db.query(`select type, actor_id, data from public.ticket_events where ticket_id = $1`, [result.ticket_id])
      expect(events.rows).toEqual([{ type: 'created', actor_id: null, data: { origin: 'inbound', message_id: result.message_id } }])
      expect((await one(db, 'select last_message_at from public.contacts where id = $1', [contact.id])).last_message_at).toEqual(message.created_at)

      const again = await ingest(db, channel.id, contact.id, { provider_message_id: providerId, body: 'Olá, boa tarde' })
      expect(again).toEqual({ duplicate: true, message_id: result.message_id })
      expect((await one(db, 'select count(*)::int as n from public.messages where provider_message_id = $1', [providerId])).n).toBe(1)
      expect(await one(db, 'select unread_count from public.tickets where id = $1', [result.ticket_id])).toEqual({ unread_count: 1 })
      expect((await one(db, 'select count(*)::int as n from public.tickets where contact_id = $1', [contact.id])).n).toBe(1)

      // The same provider id on another number is another message.
      const otherChannel = await createChannel()
      expect(await ingest(db, otherChannel.id, contact.id, { provider_message_id: providerId, body: 'x' })).toMatchObject({ duplicate: false })
    })
  })

  it('appends to the open ticket: unread + 1 and a pt-BR preview for media', async () => {
    const ticket = await createTicket({ status: 'open', values: { unread_count: 2 } })
    await runAs(serviceRole, async (db) => {
      const voice = await ingest(db, ticket.channel_id, ticket.contact_id, {
        kind: 'audio', media_path: 'inbound/a.ogg', media_mime: 'audio/ogg; codecs=opus', media_size: 12345, media_duration_seconds: 7.5, is_voice_note: true,
      })
      expect(voice).toMatchObject({ duplicate: false, ticket_id: ticket.id, ticket_created: false, ticket_status: 'open' })
      expect(await one(db, 'select unread_count, last_message_preview from public.tickets where id = $1', [ticket.id]))
        .toEqual({ unread_count: 3, last_message_preview: '🎤 Mensagem de voz' })
      expect(await one(db, 'select media_path, media_size, media_duration_seconds, is_voice_note from public.messages where id = $1', [voice.message_id]))
        .toEqual({ media_path: 'inbound/a.ogg', media_size: '12345', media_duration_seconds: '7.50', is_voice_note: true })

      await ingest(db, ticket.channel_id, ticket.contact_id, { kind: 'image', media_path: 'inbound/b.jpg', media_mime: 'image/jpeg' })
      expect(await one(db, 'select unread_count, last_message_preview from public.tickets where id = $1', [ticket.id]))
        .toEqual({ unread_count: 4, last_message_preview: '📷 Imagem' })
      await ingest(db, ticket.channel_id, ticket.contact_id, { kind: 'location', location: { latitude: -23.5, longitude: -46.6, name: null, address: null, url: null } })
      expect(await one(db, 'select last_message_preview from public.tickets where id = $1', [ticket.id])).toEqual({ last_message_preview: '📍 Localização' })
      expect(await db.query(`select count(*)::int as n from public.ticket_events where ticket_id = $1`, [ticket.id]).then(r => r.rows[0].n)).toBe(0)
    })
  })

  it('opens a new bot ticket when the previous one is closed', async () => {
    const closed = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    await runAs(serviceRole, async (db) => {
      const result = await ingest(db, closed.channel_id, closed.contact_id, { body: 'Voltei' })
      expect(result).toMatchObject({ ticket_created: true, ticket_status: 'bot' })
      expect(result.ticket_id).not.toBe(closed.id)
    })
  })

  it('stores a blocked contact\'s message without a ticket', async () => {
    const channel = await createChannel()
    const contact = await createContact({ blocked: true })
    await runAs(serviceRole, async (db) => {
      const result = await ingest(db, channel.id, contact.id, { body: 'Spam' })
      expect(result).toMatchObject({ duplicate: false, ticket_id: null, ticket_created: false, ticket_status: null })
      expect(await one(db, 'select ticket_id, body from public.messages where id = $1', [result.message_id])).toEqual({ ticket_id: null, body: 'Spam' })
      expect((await one(db, 'select count(*)::int as n from public.tickets where contact_id = $1', [contact.id])).n).toBe(0)
    })
  })

  it('links replies and reactions to known messages, and later to ones that arrive late', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const ours = await createMessage(ticket, { direction: 'outbound', sender_type: 'agent', status: 'sent', provider_message_id: `wamid.${randomUUID()}` })
    await runAs(serviceRole, async (db) => {
      const reply = await ingest(db, ticket.channel_id, ticket.contact_id, { body: 'Sim, isso', quoted_provider_message_id: ours.provider_message_id })
      expect(await one(db, 'select quoted_message_id, quoted_provider_message_id from public.messages where id = $1', [reply.message_id]))
        .toEqual({ quoted_message_id: ours.id, quoted_provider_message_id: ours.provider_message_id })

      // Out of order: the reply and a reaction arrive before the message they point to.
      const lateId = `wamid.${randomUUID()}`
      const early = await ingest(db, ticket.channel_id, ticket.contact_id, { body: 'sobre a foto', quoted_provider_message_id: lateId })
      const reaction = await ingest(db, ticket.channel_id, ticket.contact_id, { kind: 'reaction', reaction_emoji: '👍', reaction_to_provider_message_id: lateId })
      expect(await one(db, 'select quoted_message_id, quoted_provider_message_id from public.messages where id = $1', [early.message_id]))
        .toEqual({ quoted_message_id: null, quoted_provider_message_id: lateId })
      const before = await reloadTicketIn(db, ticket.id)
      expect(before).toMatchObject({ unread_count: 2, last_message_preview: 'Reagiu com 👍' }) // the reaction did not count

      const late = await ingest(db, ticket.channel_id, ticket.contact_id, { provider_message_id: lateId, kind: 'image', media_path: 'x.jpg', body: 'a foto' })
      expect(await one(db, 'select quoted_message_id from public.messages where id = $1', [early.message_id])).toEqual({ quoted_message_id: late.message_id })
      expect(await one(db, 'select reaction_to_message_id, reaction_emoji, ticket_id from public.messages where id = $1', [reaction.message_id]))
        .toEqual({ reaction_to_message_id: late.message_id, reaction_emoji: '👍', ticket_id: ticket.id })
      expect(await reloadTicketIn(db, ticket.id)).toMatchObject({ unread_count: 3, last_message_preview: '📷 a foto' })
    })
  })

  it('does not open a ticket for a reaction to a closed conversation', async () => {
    const closed = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    const ours = await createMessage(closed, { direction: 'outbound', sender_type: 'agent', status: 'read' })
    await runAs(serviceRole, async (db) => {
      const result = await ingest(db, closed.channel_id, closed.contact_id, { kind: 'reaction', reaction_emoji: '❤️', reaction_to_provider_message_id: ours.provider_message_id })
      expect(result).toMatchObject({ ticket_id: closed.id, ticket_created: false, ticket_status: 'closed' })
      expect((await one(db, `select count(*)::int as n from public.tickets where contact_id = $1 and status <> 'closed'`, [closed.contact_id])).n).toBe(0)
    })
  })

  it('changes nothing when a message is redelivered after its ticket was closed', async () => {
    const ticket = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    const stored = await createMessage(ticket)
    await runAs(serviceRole, async (db) => {
      expect(await ingest(db, ticket.channel_id, ticket.contact_id, { provider_message_id: stored.provider_message_id, body: stored.body }))
        .toEqual({ duplicate: true, message_id: stored.id })
      expect((await one(db, 'select count(*)::int as n from public.tickets where contact_id = $1', [ticket.contact_id])).n).toBe(1)
    })
  })

  it('refuses an unknown contact, channel or kind, and a message without provider id', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const cases: Array<[string, string, Row, string]> = [
      [ticket.channel_id, randomUUID(), {}, 'contact_not_found'],
      [randomUUID(), ticket.contact_id, {}, 'channel_not_found'],
      [ticket.channel_id, ticket.contact_id, { kind: 'note' }, 'message_kind_invalid'],
      [ticket.channel_id, ticket.contact_id, { provider_message_id: '' }, 'provider_message_id_required'],
    ]
    for (const [channelId, contactId, message, code] of cases) {
      const error = await runAs(serviceRole, db => ingest(db, channelId, contactId, message)).catch((e: unknown) => e)
      expect(error).toMatchObject({ code: 'P0001', message: code })
    }
  })

  it('stores one message and one ticket when the same webhook arrives twice at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const channel = await createChannel()
      const contact = await createContact()
      const providerId = `wamid.${randomUUID()}`
      const [firstResult, secondResult] = await race(
        db => ingest(db, channel.id, contact.id, { provider_message_id: providerId, body: 'oi' }),
        db => ingest(db, channel.id, contact.id, { provider_message_id: providerId, body: 'oi' }),
      )

      expect(firstResult).toMatchObject({ duplicate: false, ticket_created: true })
      expect(secondResult).toEqual({ duplicate: true, message_id: firstResult.message_id })
      const counts = await ownerPool().query(
        `select (select count(*)::int from public.messages where channel_id = $1) as messages,
                (select count(*)::int from public.tickets where channel_id = $1) as tickets`,
        [channel.id],
      )
      expect(counts.rows[0]).toEqual({ messages: 1, tickets: 1 })
      expect(await ticketEvents(firstResult.ticket_id!)).toHaveLength(1)
    }
  })

  it('puts two different first messages sent at the same moment into one new ticket', async () => {
    const channel = await createChannel()
    const contact = await createContact()
    const [firstResult, secondResult] = await race(
      db => ingest(db, channel.id, contact.id, { body: 'oi' }),
      db => ingest(db, channel.id, contact.id, { body: 'tudo bem?' }),
    )

    expect(secondResult).toMatchObject({ duplicate: false, ticket_id: firstResult.ticket_id, ticket_created: false, ticket_status: 'bot' })
    expect(await reloadTicket(firstResult.ticket_id!)).toMatchObject({ unread_count: 2, last_message_preview: 'tudo bem?' })
    expect(await ticketEvents(firstResult.ticket_id!)).toHaveLength(1)
  })
})

async function reloadTicketIn(db: pg.ClientBase, ticketId: string): Promise<Row> {
  return one(db, 'select * from public.tickets where id = $1', [ticketId])
}

describe('apply_message_status', () => {
  const table: Array<{ start: string, statuses: Array<[string, string?]>, final: string, error: string | null }> = [
    { start: 'pending', statuses: [['sent'], ['delivered'], ['read']], final: 'read', error: null },
    { start: 'pending', statuses: [['read'], ['delivered']], final: 'read', error: null }, // out of order
    { start: 'pending', statuses: [['delivered'], ['sent'], ['delivered']], final: 'delivered', error: null },
    { start: 'sent', statuses: [['read'], ['played']], final: 'played', error: null },
    { start: 'pending', statuses: [['sent'], ['failed', '131047: fora da janela de 24 horas']], final: 'failed', error: '131047: fora da janela de 24 horas' },
    { start: 'pending', statuses: [['failed']], final: 'failed', error: 'Falha no envio (sem detalhes do provedor).' },
    { start: 'pending', statuses: [['delivered'], ['failed', 'tarde demais']], final: 'delivered', error: null },
    { start: 'pending', statuses: [['read'], ['failed', 'tarde demais']], final: 'read', error: null },
    { start: 'pending', statuses: [['failed', 'erro'], ['sent'], ['delivered']], final: 'failed', error: 'erro' },
  ]

  for (const { start, statuses, final, error } of table) {
    it(`${start} → ${statuses.map(([status]) => status).join(' → ')} ends ${final}`, async () => {
      const ticket = await createTicket({ status: 'open' })
      const message = await createMessage(ticket, { direction: 'outbound', sender_type: 'agent', status: start })
      await runAs(serviceRole, async (db) => {
        for (const [status, reason] of statuses) {
          expect(await applyStatus(db, ticket.channel_id, message.provider_message_id as string, status, reason ?? null)).toBe(true)
        }
        const row = await one(db, 'select status, status_error, status_updated_at from public.messages where id = $1', [message.id])
        expect(row).toMatchObject({ status: final, status_error: error })
        expect(row.status_updated_at).not.toBeNull()
      })
    })
  }

  it('answers false for an unknown message, leaves inbound messages alone, refuses unknown statuses', async () => {
    const ticket = await createTicket({ status: 'open' })
    const inbound = await createMessage(ticket, { status: 'received' })
    await runAs(serviceRole, async (db) => {
      expect(await applyStatus(db, ticket.channel_id, `wamid.${randomUUID()}`, 'delivered')).toBe(false)
      // Same id, wrong channel: unknown too.
      expect(await applyStatus(db, (await createChannel()).id, inbound.provider_message_id as string, 'read')).toBe(false)
      expect(await applyStatus(db, ticket.channel_id, inbound.provider_message_id as string, 'read')).toBe(true)
      expect(await one(db, 'select status from public.messages where id = $1', [inbound.id])).toEqual({ status: 'received' })
      const failure = await db.query(`select public.apply_message_status($1, $2, 'seen')`, [ticket.channel_id, inbound.provider_message_id]).catch((e: unknown) => e)
      expect(failure).toMatchObject({ code: 'P0001', message: 'status_invalid' })
    })
  })
})

describe('who may call the ingestion functions', () => {
  const calls: Array<[string, string]> = [
    ['resolve_contact', `select public.resolve_contact('[{"kind":"phone","value":"5511987654321"}]'::jsonb)`],
    ['ingest_inbound_message', `select public.ingest_inbound_message(gen_random_uuid(), gen_random_uuid(), '{"provider_message_id":"x"}'::jsonb)`],
    ['apply_message_status', `select public.apply_message_status(gen_random_uuid(), 'x', 'read')`],
  ]
  for (const [name, sql] of calls) {
    it(`only the service role may call ${name}`, async () => {
      for (const actor of [anon, asUser(DEMO.admin.id), asUser(DEMO.carla.id)]) {
        expect(await sqlErrorCode(runAs(actor, db => db.query(sql)))).toBe('42501')
      }
      // The service role gets past the grant (a refusal here, if any, is the function's own P0001).
      const outcome = await runAs(serviceRole, db => db.query(sql)).then(() => 'ok', (e: { code: string }) => e.code)
      expect(['ok', 'P0001']).toContain(outcome)
    })
  }
})
