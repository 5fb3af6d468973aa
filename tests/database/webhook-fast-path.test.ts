/**
 * The webhook's fast path in SQL (supabase/migrations/*_webhook_fast_path.sql): receive_webhook_event
 * (the ledger row stored first, the channel's credentials in the same call), ingest_webhook_message (the
 * contact, the message and the bot's inputs in one call; the ledger event closed when the bot has nothing
 * to do), apply_webhook_bot_decision (the bot's decision and the ledger event in one transaction) and
 * apply_webhook_status (a delivery status and the ledger event).
 * Each case runs as the service role in a rolled-back transaction.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { anon, asUser, closeOwnerPool, DEMO, runAs, serviceRole, sqlErrorCode, type Actor } from '../support/db.ts'
import { createChannel, createContact, createTicket, uniqueDigits } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = pg.QueryResultRow

async function one(db: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query(sql, params)
  return rows[0]!
}

/** A ledger row as the webhook leaves it once authenticated: pending, with its lease. */
async function leasedEvent(db: pg.ClientBase, channelId: string): Promise<number> {
  const row = await one(db, `insert into public.provider_events (provider, channel_id, payload, status, next_attempt_at)
    values ('evolution', $1, '{}', 'pending', now() + interval '60 seconds') returning id`, [channelId])
  return Number(row.id)
}

async function ledger(db: pg.ClientBase, eventId: number): Promise<Row> {
  return one(db, 'select status, attempts, last_error, next_attempt_at, processed_at from public.provider_events where id = $1', [eventId])
}

const person = (phone = `55119${uniqueDigits(8)}`) => ({ kind: 'person', identities: [{ kind: 'phone', value: phone }], name: 'Maria Souza' })
const text = (body = 'Olá, preciso de ajuda') => ({ provider_message_id: `3A${randomUUID().replaceAll('-', '').slice(0, 18).toUpperCase()}`, kind: 'text', body, provider_timestamp: 1761057612 })

async function ingest(db: pg.ClientBase, channelId: string, party: unknown, message: unknown, fromMe = false, finish: unknown = null): Promise<Row> {
  return (await one(db, 'select public.ingest_webhook_message($1, $2::jsonb, $3::jsonb, $4, $5::jsonb) as r',
    [channelId, JSON.stringify(party), JSON.stringify(message), fromMe, finish === null ? null : JSON.stringify(finish)])).r
}

describe('who may call the fast-path functions', () => {
  const calls: [string, string, unknown[]][] = [
    ['receive_webhook_event', 'select public.receive_webhook_event($1, $2::jsonb, null, $3::jsonb, $4)', ['evolution', '{}', '{}', 'x']],
    ['ingest_webhook_message', 'select public.ingest_webhook_message($1, $2::jsonb, $3::jsonb)', [randomUUID(), '{}', '{}']],
    ['apply_webhook_bot_decision', 'select public.apply_webhook_bot_decision($1, $2, 0, $3::jsonb)', [randomUUID(), randomUUID(), '{}']],
    ['apply_webhook_status', 'select public.apply_webhook_status($1, $2, $3)', [randomUUID(), 'wamid.X', 'read']],
  ]
  const denied: [string, Actor][] = [['an admin', asUser(DEMO.admin.id)], ['an agent', asUser(DEMO.carla.id)], ['anon', anon]]

  it.each(calls)('%s: denied (42501) to signed-in users and anon', async (_name, sql, params) => {
    for (const [, actor] of denied) {
      expect(await sqlErrorCode(runAs(actor, db => db.query(sql, params)))).toBe('42501')
    }
  })
})

describe('receive_webhook_event', () => {
  it('stores the webhook unauthenticated (pending, no lease) and returns the Evolution channel with its credentials', async () => {
    const channel = await createChannel({ provider: 'evolution', accept_group_messages: true })
    const instance = `fp-${randomUUID().slice(0, 8)}`
    await runAs(serviceRole, async (db) => {
      await db.query(`insert into public.channel_secrets (channel_id, webhook_secret, evolution_base_url, evolution_api_key, evolution_instance_name)
        values ($1, 'segredo', 'http://evolution', 'chave', $2)`, [channel.id, instance])
      const { r } = await one(db, `select public.receive_webhook_event('evolution', '{"event":"messages.upsert"}', null, '{"x-a":"1"}', $1) as r`, [instance])
      expect(r).toMatchObject({
        id: expect.any(Number),
        received_at: expect.any(String),
        channel: {
          webhook_secret: 'segredo', evolution_instance_name: instance, evolution_api_key: 'chave',
          channels: { id: channel.id, provider: 'evolution', active: true, accept_group_messages: true, allowed_phones: null },
        },
      })
      expect(await one(db, 'select provider, status, channel_id, next_attempt_at, payload, headers from public.provider_events where id = $1', [r.id])).toEqual({
        provider: 'evolution', status: 'pending', channel_id: null, next_attempt_at: null, payload: { event: 'messages.upsert' }, headers: { 'x-a': '1' },
      })
    })
  })

  it('finds Cloud channels by phone number id; an unknown key stores the row all the same, without a channel', async () => {
    const channel = await createChannel({ provider: 'cloud' })
    const phoneNumberId = uniqueDigits(15)
    await runAs(serviceRole, async (db) => {
      await db.query(`insert into public.channel_secrets (channel_id, cloud_access_token, cloud_app_secret, cloud_phone_number_id)
        values ($1, 'token', 'app-secret', $2)`, [channel.id, phoneNumberId])
      const found = (await one(db, `select public.receive_webhook_event('cloud', '{}', null, '{}', $1) as r`, [phoneNumberId])).r
      expect(found.channel).toMatchObject({ cloud_app_secret: 'app-secret', channels: { id: channel.id, provider: 'cloud' } })
      // An Evolution lookup never matches a Cloud number (and the other way round).
      expect((await one(db, `select public.receive_webhook_event('evolution', '{}', null, '{}', $1) as r`, [phoneNumberId])).r.channel).toBeNull()
      const unknown = (await one(db, `select public.receive_webhook_event('cloud', null, 'não é json', '{}', $1) as r`, [uniqueDigits(15)])).r
      expect(unknown.channel).toBeNull()
      expect(await one(db, 'select status, payload, raw_body from public.provider_events where id = $1', [unknown.id])).toEqual({ status: 'pending', payload: null, raw_body: 'não é json' })
    })
  })
})

describe('ingest_webhook_message', () => {
  it('a first message: contact, bot ticket and message in one call, with the bot\'s inputs; the event stays open for the bot', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    await runAs(serviceRole, async (db) => {
      await db.query(`insert into public.bot_menu_options (channel_id, position, label, team_id) values ($1, 2, 'Financeiro', $2), ($1, 1, 'Suporte', $3)`,
        [channel.id, DEMO.teams.finance, DEMO.teams.support])
      const eventId = await leasedEvent(db, channel.id)
      const result = await ingest(db, channel.id, person(), text(), false, { event_id: eventId, attempts: 1 })
      expect(result).toMatchObject({
        duplicate: false, message_id: expect.any(String), ticket_id: expect.any(String), ticket_created: true, ticket_status: 'bot', rating_pending: false, event_finished: false,
        bot: {
          ticket: { id: result.ticket_id, channel_id: channel.id, status: 'bot', bot_state: {}, rating_status: null, rating_requested_at: null },
          settings: { channel_id: channel.id, enabled: true, max_invalid_attempts: 3 },
          options: [{ position: 1, label: 'Suporte', team_id: DEMO.teams.support }, { position: 2, label: 'Financeiro', team_id: DEMO.teams.finance }],
          company_timezone: 'America/Sao_Paulo',
        },
      })
      expect(await one(db, 'select direction, sender_type, body, ticket_id from public.messages where id = $1', [result.message_id]))
        .toEqual({ direction: 'inbound', sender_type: 'contact', body: 'Olá, preciso de ajuda', ticket_id: result.ticket_id })
      expect((await ledger(db, eventId)).status).toBe('pending')
    })
  })

  it('a message to a ticket with an agent: nothing for the bot, so the ledger event is closed as processed in the same call', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    const phone = `55119${uniqueDigits(8)}`
    const contact = await createContact({ phone })
    const ticket = await createTicket({ status: 'open', channelId: channel.id, contactId: contact.id })
    await runAs(serviceRole, async (db) => {
      await db.query(`insert into public.contact_identities (contact_id, kind, value) values ($1, 'phone', $2)`, [contact.id, phone])
      const eventId = await leasedEvent(db, channel.id)
      const result = await ingest(db, channel.id, person(phone), text('Alguma novidade?'), false, { event_id: eventId, attempts: 2 })
      expect(result).toMatchObject({ duplicate: false, ticket_id: ticket.id, ticket_status: 'open', event_finished: true })
      expect(result.bot).toBeUndefined()
      expect(await ledger(db, eventId)).toEqual({ status: 'processed', attempts: 2, last_error: null, next_attempt_at: null, processed_at: expect.any(Date) })
    })
  })

  it('a message already stored: nothing resolved or written; the stored message for the bot, closed as duplicate when the bot has nothing to do', async () => {
    const channel = await createChannel({ provider: 'cloud' })
    await runAs(serviceRole, async (db) => {
      const message = text()
      const first = await ingest(db, channel.id, person(), message)
      const contacts = Number((await one(db, 'select count(*) from public.contacts')).count)
      // The bot still owes the first message an answer (its ticket is with the bot): the context comes back.
      const again = await ingest(db, channel.id, person(`55119${uniqueDigits(8)}`), message)
      expect(again).toMatchObject({
        duplicate: true, message_id: first.message_id, event_finished: false,
        stored: { ticket_id: first.ticket_id, direction: 'inbound', kind: 'text', created_at: expect.any(String) },
        bot: { ticket: { id: first.ticket_id, status: 'bot' } },
      })
      expect(Number((await one(db, 'select count(*) from public.contacts')).count)).toBe(contacts)

      await db.query(`update public.tickets set status = 'queued', team_id = $2, queued_at = now() where id = $1`, [first.ticket_id, DEMO.teams.support])
      const eventId = await leasedEvent(db, channel.id)
      const queued = await ingest(db, channel.id, person(), message, false, { event_id: eventId, attempts: 1 })
      expect(queued).toMatchObject({ duplicate: true, event_finished: true })
      expect((await ledger(db, eventId)).status).toBe('duplicate')
    })
  })

  it('typed on the company phone: a business message, never for the bot; a group: the group is the contact', async () => {
    const channel = await createChannel({ provider: 'evolution', accept_group_messages: true })
    await runAs(serviceRole, async (db) => {
      const phone = `55119${uniqueDigits(8)}`
      const customer = await ingest(db, channel.id, person(phone), text())
      const eventId = await leasedEvent(db, channel.id)
      const typed = await ingest(db, channel.id, { kind: 'person', identities: [{ kind: 'phone', value: phone }], name: null }, text('Já verifiquei.'), true, { event_id: eventId, attempts: 1 })
      expect(typed).toMatchObject({ duplicate: false, ticket_id: customer.ticket_id, event_finished: true })
      expect(typed.bot).toBeUndefined()
      expect(await one(db, 'select direction, sender_type, status from public.messages where id = $1', [typed.message_id]))
        .toEqual({ direction: 'outbound', sender_type: 'agent', status: 'sent' })

      const group = `1203630${uniqueDigits(11)}@g.us`
      const fromGroup = await ingest(db, channel.id, { kind: 'group', group_jid: group }, text('Maria: oi, grupo'))
      const identity = await one(db, `select contact_id from public.contact_identities where kind = 'group' and value = $1`, [group])
      expect(await one(db, 'select contact_id from public.messages where id = $1', [fromGroup.message_id])).toEqual({ contact_id: identity.contact_id })
    })
  })

  it('refuses a missing or unknown party, and keeps the ingestion rules\' own errors', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    for (const party of [null, { kind: 'robot' }]) {
      const error = await runAs(serviceRole, db => ingest(db, channel.id, party, text())).catch((caught: { code: string, message: string }) => caught)
      expect(error).toMatchObject({ code: 'P0001', message: 'party_invalid' })
    }
    const invalidPhone = await runAs(serviceRole, db => ingest(db, channel.id, { kind: 'person', identities: [{ kind: 'phone', value: '12' }] }, text()))
      .catch((caught: { code: string, message: string }) => caught)
    expect(invalidPhone).toMatchObject({ code: 'P0001', message: 'identity_invalid' })
  })
})

describe('apply_webhook_bot_decision', () => {
  const greeting = { replies: ['Olá!', 'Escolha uma opção:'], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: null }

  it('applies the decision and closes the ledger event in the same transaction', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    await runAs(serviceRole, async (db) => {
      const message = await ingest(db, channel.id, person(), text())
      const eventId = await leasedEvent(db, channel.id)
      const { r } = await one(db, 'select public.apply_webhook_bot_decision($1, $2, 0, $3::jsonb, $4::jsonb) as r',
        [message.ticket_id, message.message_id, JSON.stringify(greeting), JSON.stringify({ event_id: eventId, attempts: 1, status: 'processed' })])
      expect(r).toMatchObject({ applied: true, event_finished: true })
      expect(Number((await one(db, `select count(*) from public.outbox where ticket_id = $1`, [message.ticket_id])).count)).toBe(2)
      expect(await ledger(db, eventId)).toMatchObject({ status: 'processed', attempts: 1, next_attempt_at: null })
    })
  })

  it('a stale state leaves the event open (the caller decides again); a settled refusal closes it; a finished event is never rewritten', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    await runAs(serviceRole, async (db) => {
      const message = await ingest(db, channel.id, person(), text())
      const eventId = await leasedEvent(db, channel.id)
      const finish = JSON.stringify({ event_id: eventId, attempts: 1, status: 'duplicate' })
      const stale = (await one(db, 'select public.apply_webhook_bot_decision($1, $2, 7, $3::jsonb, $4::jsonb) as r',
        [message.ticket_id, message.message_id, JSON.stringify(greeting), finish])).r
      expect(stale).toMatchObject({ applied: false, reason: 'state_changed', event_finished: false })
      expect((await ledger(db, eventId)).status).toBe('pending')

      await db.query(`update public.tickets set status = 'queued', team_id = $2, queued_at = now() where id = $1`, [message.ticket_id, DEMO.teams.support])
      const settled = (await one(db, 'select public.apply_webhook_bot_decision($1, $2, 0, $3::jsonb, $4::jsonb) as r',
        [message.ticket_id, message.message_id, JSON.stringify(greeting), finish])).r
      expect(settled).toMatchObject({ applied: false, reason: 'not_with_bot', event_finished: true })
      expect((await ledger(db, eventId)).status).toBe('duplicate')

      const late = (await one(db, 'select public.apply_webhook_bot_decision($1, $2, 0, $3::jsonb, $4::jsonb) as r',
        [message.ticket_id, message.message_id, JSON.stringify(greeting), JSON.stringify({ event_id: eventId, attempts: 3, status: 'processed' })])).r
      expect(late.event_finished).toBe(false)
      expect(await ledger(db, eventId)).toMatchObject({ status: 'duplicate', attempts: 1 })
    })
  })

  it('refuses to close an event with a status other than processed or duplicate', async () => {
    const channel = await createChannel({ provider: 'evolution' })
    const error = await runAs(serviceRole, async (db) => {
      const message = await ingest(db, channel.id, person(), text())
      const eventId = await leasedEvent(db, channel.id)
      return db.query('select public.apply_webhook_bot_decision($1, $2, 0, $3::jsonb, $4::jsonb)',
        [message.ticket_id, message.message_id, JSON.stringify(greeting), JSON.stringify({ event_id: eventId, attempts: 1, status: 'ignored' })])
    }).catch((caught: { code: string, message: string }) => caught)
    expect(error).toMatchObject({ code: 'P0001', message: 'event_status_invalid' })
  })
})

describe('apply_webhook_status', () => {
  it('moves the status forward and closes the event; a message not stored yet leaves the event waiting', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      await db.query(`insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, kind, body, status, provider_message_id)
        values ($1, $2, $3, 'outbound', 'agent', 'text', 'Pode ser amanhã?', 'sent', 'wamid.FP-1')`, [ticket.id, ticket.contact_id, ticket.channel_id])
      const eventId = await leasedEvent(db, ticket.channel_id as string)
      const applied = (await one(db, `select public.apply_webhook_status($1, 'wamid.FP-1', 'read', null, now(), $2::jsonb) as r`,
        [ticket.channel_id, JSON.stringify({ event_id: eventId, attempts: 1 })])).r
      expect(applied).toEqual({ known: true, event_finished: true })
      expect(await one(db, `select status from public.messages where provider_message_id = 'wamid.FP-1'`)).toEqual({ status: 'read' })
      expect(await ledger(db, eventId)).toMatchObject({ status: 'processed', attempts: 1 })

      const waiting = await leasedEvent(db, ticket.channel_id as string)
      const unknown = (await one(db, `select public.apply_webhook_status($1, 'wamid.FP-2', 'delivered', null, now(), $2::jsonb) as r`,
        [ticket.channel_id, JSON.stringify({ event_id: waiting, attempts: 1 })])).r
      expect(unknown).toEqual({ known: false, event_finished: false })
      expect((await ledger(db, waiting)).status).toBe('pending')
    })
  })
})
