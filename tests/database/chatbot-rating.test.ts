/**
 * The rating conversation in SQL (supabase/migrations/*_chatbot.sql): close_ticket's farewell (the
 * closing agent's own, else the channel's), ingest_inbound_message handing an answer to the closed ticket
 * that asked for it (inside the channel's timeout only), apply_rating_answer (rated, re-prompt, a new
 * ticket for a text that is no rating — never swallowed) and the scheduler's expire_due_ratings.
 * Fixtures commit the starting rows; every call runs in a rolled-back transaction.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, runAs, serviceRole, type Actor } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = Record<string, unknown>
interface IngestResult { duplicate: boolean, message_id: string, ticket_id: string | null, ticket_created: boolean, ticket_status: string | null, rating_pending: boolean }

const carla = asUser(DEMO.carla.id)
const bruno = asUser(DEMO.bruno.id)
const supervisor = asUser(DEMO.supervisor.id)
const MINUTE = 60_000
const BRUNO_FAREWELL = 'Foi um prazer te ajudar! Se precisar de algo mais, é só chamar por aqui. Abraço, Bruno (Suporte Técnico).'

async function become(db: pg.PoolClient, actor: Actor | 'owner'): Promise<void> {
  if (actor === 'owner') {
    await db.query(`select set_config('role', session_user, true), set_config('request.jwt.claims', '', true)`)
    return
  }
  const claims = actor.role === 'authenticated' ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' } : { role: actor.role }
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
}

async function one(db: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Row> {
  return (await db.query(sql, params)).rows[0]!
}

async function failure(db: pg.PoolClient, run: () => Promise<unknown>): Promise<{ code: string, message: string }> {
  await db.query('savepoint attempt')
  try {
    await run()
  }
  catch (error) {
    await db.query('rollback to savepoint attempt')
    const { code, message } = error as { code: string, message: string }
    return { code, message }
  }
  throw new Error('expected the call to fail, but it succeeded')
}

async function ingest(db: pg.ClientBase, ticket: { channel_id: string, contact_id: string }, message: Row): Promise<IngestResult> {
  const { rows } = await db.query<{ result: IngestResult }>('select public.ingest_inbound_message($1, $2, $3::jsonb) as result', [
    ticket.channel_id, ticket.contact_id, JSON.stringify({ provider_message_id: `wamid.${randomUUID()}`, kind: 'text', ...message }),
  ])
  return rows[0]!.result
}

async function answer(db: pg.ClientBase, ticketId: string, messageId: string, decision: Row): Promise<Row> {
  const { rows } = await db.query<{ result: Row }>('select public.apply_rating_answer($1, $2, $3::jsonb) as result', [ticketId, messageId, JSON.stringify(decision)])
  return rows[0]!.result
}

async function bodies(db: pg.ClientBase, ticketId: unknown, direction = 'outbound'): Promise<unknown[]> {
  const { rows } = await db.query('select body from public.messages where ticket_id = $1 and direction = $2 order by created_at, id', [ticketId, direction])
  return rows.map(row => row.body)
}

async function eventTypes(db: pg.ClientBase, ticketId: unknown): Promise<unknown[]> {
  return (await db.query('select type from public.ticket_events where ticket_id = $1 order by id', [ticketId])).rows.map(row => row.type)
}

/** A closed ticket whose rating prompt went out `minutesAgo` minutes ago. */
function awaitingRating(minutesAgo = 1, values: Row = {}): Promise<TicketRow> {
  const requestedAt = new Date(Date.now() - minutesAgo * MINUTE)
  return createTicket({
    status: 'closed',
    assigneeId: DEMO.carla.id,
    values: { closed_at: requestedAt, rating_status: 'requested', rating_requested_at: requestedAt, ...values },
  })
}

describe('close_ticket: the farewell', () => {
  it('sends the closing agent\'s own farewell, which she sets on her profile, before the rating prompt', async () => {
    const channel = await createChannel()
    const ticket = await createTicket({ status: 'open', channelId: channel.id, assigneeId: DEMO.carla.id })
    await runAs(carla, async (db) => {
      const updated = await db.query(`update public.profiles set farewell_text = 'Obrigada pelo contato! Carla 💙' where id = $1 returning farewell_text`, [DEMO.carla.id])
      expect(updated.rows).toEqual([{ farewell_text: 'Obrigada pelo contato! Carla 💙' }])
      await db.query('select public.close_ticket($1)', [ticket.id])
      await become(db, 'owner')
      expect(await bodies(db, ticket.id)).toEqual(['Obrigada pelo contato! Carla 💙', 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.'])
    })
  })

  it('sends the channel\'s farewell when the person closing has none (or a blank one), and the personal one even where the channel has none', async () => {
    const channel = await createChannel()
    const carlas = await createTicket({ status: 'open', channelId: channel.id, assigneeId: DEMO.carla.id })
    const other = await createTicket({ status: 'open', channelId: channel.id, assigneeId: DEMO.carla.id })
    await runAs(carla, async (db) => {
      await db.query(`update public.profiles set farewell_text = 'Até mais! Carla' where id = $1`, [DEMO.carla.id])
      // The supervisor closes Carla's ticket: his (empty) farewell counts, not the assignee's.
      await become(db, supervisor)
      await db.query('select public.close_ticket($1)', [carlas.id])
      await become(db, carla)
      await db.query(`update public.profiles set farewell_text = '   ' where id = $1`, [DEMO.carla.id])
      await db.query('select public.close_ticket($1)', [other.id])
      await become(db, 'owner')
      const channelFarewell = 'Seu atendimento foi encerrado. Obrigado pelo contato!'
      expect((await bodies(db, carlas.id))[0]).toBe(channelFarewell)
      expect((await bodies(db, other.id))[0]).toBe(channelFarewell)
    })

    const quiet = await createChannel()
    const ticket = await createTicket({ status: 'open', channelId: quiet.id, assigneeId: DEMO.carla.id })
    await runAs(carla, async (db) => {
      await db.query(`update public.profiles set farewell_text = 'Até mais! Carla' where id = $1`, [DEMO.carla.id])
      await become(db, 'owner')
      await db.query('update public.bot_settings set farewell_text = null where channel_id = $1', [quiet.id])
      await become(db, carla)
      await db.query('select public.close_ticket($1)', [ticket.id])
      await become(db, 'owner')
      expect(await bodies(db, ticket.id)).toEqual(['Até mais! Carla', 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.'])
    })
  })

  it('uses the personal farewell of the demo data when Bruno closes', async () => {
    const ticket = await createTicket({ status: 'open', assigneeId: DEMO.bruno.id })
    await runAs(bruno, async (db) => {
      await db.query('select public.close_ticket($1)', [ticket.id])
      await become(db, 'owner')
      expect((await bodies(db, ticket.id))[0]).toBe(BRUNO_FAREWELL)
    })
  })

  it('lets each person change only their own farewell, up to 1000 characters', async () => {
    await runAs(carla, async (db) => {
      expect((await db.query(`update public.profiles set farewell_text = 'Invasão' where id = $1`, [DEMO.bruno.id])).rowCount).toBe(0)
      expect((await failure(db, () => db.query(`update public.profiles set farewell_text = $1 where id = $2`, ['x'.repeat(1001), DEMO.carla.id]))).code).toBe('23514')
      expect((await db.query(`update public.profiles set farewell_text = $1 where id = $2`, ['x'.repeat(1000), DEMO.carla.id])).rowCount).toBe(1)
    })
    await runAs(anon, async (db) => {
      expect((await failure(db, () => db.query(`update public.profiles set farewell_text = 'x' where id = $1`, [DEMO.carla.id]))).code).toBe('42501')
    })
  })
})

describe('ingest_inbound_message: answers to the rating prompt', () => {
  it('hands a message inside the rating window to the closed ticket, with no new ticket and nothing unread', async () => {
    const ticket = await awaitingRating(10)
    await runAs(serviceRole, async (db) => {
      const result = await ingest(db, ticket, { body: ' 9 ' })
      expect(result).toMatchObject({ duplicate: false, ticket_id: ticket.id, ticket_created: false, ticket_status: 'closed', rating_pending: true })
      expect(await one(db, 'select ticket_id, body from public.messages where id = $1', [result.message_id])).toEqual({ ticket_id: ticket.id, body: ' 9 ' })
      expect(await one(db, 'select status, unread_count, last_inbound_at from public.tickets where id = $1', [ticket.id]))
        .toEqual({ status: 'closed', unread_count: 0, last_inbound_at: null })
      expect((await one(db, 'select count(*)::int as n from public.tickets where contact_id = $1', [ticket.contact_id])).n).toBe(1)
      expect(await eventTypes(db, ticket.id)).toEqual([])
    })
  })

  it('opens a new ticket after the channel\'s timeout, for a blocked contact never, and never for a reaction', async () => {
    const late = await awaitingRating(24 * 60 + 1)
    const shortTimeout = await awaitingRating(6)
    const blockedContact = await createContact({ blocked: true })
    const blocked = await awaitingRating(1, { contact_id: blockedContact.id })
    const reacted = await awaitingRating(1)
    const prompt = await createMessage(reacted, { direction: 'outbound', sender_type: 'bot', status: 'sent', body: 'Nota de 1 a 10?' })
    await runAs(serviceRole, async (db) => {
      expect(await ingest(db, late, { body: '10' })).toMatchObject({ ticket_created: true, ticket_status: 'bot', rating_pending: false })

      await db.query('update public.bot_settings set rating_timeout_minutes = 5 where channel_id = $1', [shortTimeout.channel_id])
      const afterTimeout = await ingest(db, shortTimeout, { body: '10' })
      expect(afterTimeout).toMatchObject({ ticket_created: true, rating_pending: false })
      expect(afterTimeout.ticket_id).not.toBe(shortTimeout.id)

      expect(await ingest(db, blocked, { body: '10' })).toMatchObject({ ticket_id: null, rating_pending: false })

      const reaction = await ingest(db, reacted, { kind: 'reaction', reaction_emoji: '👍', reaction_to_provider_message_id: prompt.provider_message_id })
      expect(reaction).toMatchObject({ ticket_id: reacted.id, ticket_created: false, rating_pending: false })
    })
  })
})

describe('apply_rating_answer', () => {
  it('is for the service role only', async () => {
    const ticket = await awaitingRating()
    const message = await createMessage(ticket, { body: '10' })
    for (const actor of [carla, asUser(DEMO.admin.id), anon]) {
      const error = await runAs(actor, db => failure(db, () => answer(db, ticket.id, message.id, { outcome: 'rated', score: 10, replies: [] })))
      expect(error.code).toBe('42501')
    }
  })

  it('records a score as record_rating does, thanks the customer, and does it once per message', async () => {
    const ticket = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      const { message_id: messageId } = await ingest(db, ticket, { body: 'nota 9' })
      const result = await answer(db, ticket.id, messageId, { outcome: 'rated', score: 9, replies: ['Obrigado pela sua avaliação! 💚'] })
      expect(result).toMatchObject({ applied: true, outcome: 'rated', new_ticket_id: null, ticket: { rating: 9, rating_status: 'rated', low_rating_flag: false } })
      expect(await bodies(db, ticket.id)).toEqual(['Obrigado pela sua avaliação! 💚'])
      expect((await db.query('select data from public.ticket_events where ticket_id = $1', [ticket.id])).rows)
        .toEqual([{ data: { rating: 9, raw_answer: 'nota 9' } }])

      expect(await answer(db, ticket.id, messageId, { outcome: 'rated', score: 9, replies: ['Obrigado pela sua avaliação! 💚'] }))
        .toEqual({ applied: false, reason: 'already_handled', message_ticket_id: ticket.id })
      expect(await bodies(db, ticket.id)).toHaveLength(1)
    })
  })

  it('flags a score at or below the channel\'s threshold for supervisors', async () => {
    const ticket = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      const { message_id: messageId } = await ingest(db, ticket, { body: '6' })
      const result = await answer(db, ticket.id, messageId, { outcome: 'rated', score: 6, replies: ['Obrigado!'] })
      expect(result).toMatchObject({ applied: true, ticket: { rating: 6, low_rating_flag: true } })
      expect(await eventTypes(db, ticket.id)).toEqual(['rated', 'low_rating_flagged'])
    })
  })

  it('re-prompts, keeping the count of invalid answers in bot_state', async () => {
    const ticket = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      const { message_id: messageId } = await ingest(db, ticket, { body: 'foi ótimo' })
      const result = await answer(db, ticket.id, messageId, { outcome: 'reprompt', replies: ['Por favor, responda apenas com um número de 1 a 10.'], state: { invalid_attempts: 1 } })
      expect(result).toMatchObject({ applied: true, outcome: 'reprompt', new_ticket_id: null, ticket: { rating_status: 'requested' } })
      expect(result.ticket).toMatchObject({ bot_state: { rating_invalid_attempts: 1, handled_message_ids: [messageId] } })
      expect(await bodies(db, ticket.id)).toEqual(['Por favor, responda apenas com um número de 1 a 10.'])
      expect((await db.query('select type, data from public.ticket_events where ticket_id = $1', [ticket.id])).rows)
        .toEqual([{ type: 'rating_invalid', data: { message_id: messageId, invalid_attempts: 1 } }])
    })
  })

  it('ends the rating without a score and moves a text that is no rating into a new bot ticket', async () => {
    const ticket = await awaitingRating(3, { bot_state: { rating_invalid_attempts: 1 } })
    await runAs(serviceRole, async (db) => {
      const { message_id: messageId } = await ingest(db, ticket, { body: 'minha internet caiu de novo' })
      const result = await answer(db, ticket.id, messageId, { outcome: 'new_ticket', replies: ['Tudo bem! Vamos te atender.'] })
      expect(result).toMatchObject({ applied: true, outcome: 'new_ticket', ticket_created: true, ticket: { rating_status: 'expired', rating: null } })
      const newTicketId = result.new_ticket_id as string
      expect(newTicketId).not.toBe(ticket.id)

      expect(await one(db, 'select ticket_id from public.messages where id = $1', [messageId])).toEqual({ ticket_id: newTicketId })
      const fresh = await one(db, 'select * from public.tickets where id = $1', [newTicketId])
      expect(fresh).toMatchObject({ status: 'bot', contact_id: ticket.contact_id, channel_id: ticket.channel_id, unread_count: 1, last_message_preview: 'Tudo bem! Vamos te atender.' })
      const moved = await one(db, 'select created_at from public.messages where id = $1', [messageId])
      expect(fresh.last_inbound_at).toEqual(moved.created_at)
      expect(await bodies(db, newTicketId, 'inbound')).toEqual(['minha internet caiu de novo'])
      expect(await bodies(db, newTicketId)).toEqual(['Tudo bem! Vamos te atender.'])
      expect(await bodies(db, ticket.id, 'inbound')).toEqual([])

      expect((await db.query('select type, data from public.ticket_events where ticket_id = $1 order by id', [ticket.id])).rows)
        .toEqual([{ type: 'rating_expired', data: { reason: 'not_a_rating', message_id: messageId } }])
      expect((await db.query('select type, data from public.ticket_events where ticket_id = $1 order by id', [newTicketId])).rows)
        .toEqual([{ type: 'created', data: { origin: 'rating_fallback', previous_ticket_id: ticket.id, message_id: messageId } }])

      // A retry finds the message handled and says where it went, so the menu can run there.
      expect(await answer(db, ticket.id, messageId, { outcome: 'new_ticket', replies: [] }))
        .toEqual({ applied: false, reason: 'already_handled', message_ticket_id: newTicketId })
      // The menu engine now works on the new ticket.
      const menu = await db.query<{ result: Row }>('select public.apply_bot_decision($1, $2, 0, $3::jsonb) as result',
        [newTicketId, messageId, JSON.stringify({ replies: ['Menu'], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: null })])
      expect(menu.rows[0]!.result).toMatchObject({ applied: true })
    })
  })

  it('moves the text all the same when the rating expired meanwhile, joining a conversation already open', async () => {
    const expired = await awaitingRating()
    const joined = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      const { message_id: lateId } = await ingest(db, expired, { body: 'esqueci de dizer uma coisa' })
      await db.query('select public.expire_rating($1)', [expired.id])
      const result = await answer(db, expired.id, lateId, { outcome: 'rated', score: 8, replies: ['Obrigado!'] })
      expect(result).toMatchObject({ applied: false, reason: 'rating_not_pending', ticket_created: true })
      expect(await one(db, 'select ticket_id from public.messages where id = $1', [lateId])).toEqual({ ticket_id: result.new_ticket_id })
      expect(await one(db, 'select rating, rating_status from public.tickets where id = $1', [expired.id])).toEqual({ rating: null, rating_status: 'expired' })
      expect(await bodies(db, expired.id)).toEqual([])

      // Two answers attached while the rating was pending; the first one rated it, and meanwhile the
      // customer already has a new conversation: the second answer joins that one.
      const first = await ingest(db, joined, { body: '10' })
      const second = await ingest(db, joined, { body: 'e obrigado!' })
      expect(second).toMatchObject({ ticket_id: joined.id, rating_pending: true })
      await answer(db, joined.id, first.message_id, { outcome: 'rated', score: 10, replies: ['Obrigado!'] })
      const active = await createTicket({ status: 'queued', contactId: joined.contact_id, channelId: joined.channel_id, values: { unread_count: 2, last_message_at: new Date(Date.now() - MINUTE), last_message_preview: 'antes' } })
      const later = await answer(db, joined.id, second.message_id, { outcome: 'reprompt', replies: ['?'], state: { invalid_attempts: 1 } })
      expect(later).toMatchObject({ applied: false, reason: 'rating_not_pending', new_ticket_id: active.id, ticket_created: false })
      expect(await one(db, 'select unread_count, last_message_preview from public.tickets where id = $1', [active.id])).toEqual({ unread_count: 3, last_message_preview: 'e obrigado!' })
      expect(await eventTypes(db, active.id)).toEqual([])
    })
  })

  it('refuses malformed decisions and messages that are not the customer\'s answer on that ticket', async () => {
    const ticket = await awaitingRating()
    const elsewhere = await createMessage(await awaitingRating(), { body: '7' })
    await runAs(serviceRole, async (db) => {
      const { message_id: messageId } = await ingest(db, ticket, { body: '7' })
      const refused = async (decision: unknown, message = 'decision_invalid', target = messageId) =>
        expect(await failure(db, () => answer(db, ticket.id, target, decision as Row))).toMatchObject({ code: 'P0001', message })
      await refused({ outcome: 'rated', score: 11, replies: [] })
      await refused({ outcome: 'rated', score: '7', replies: [] })
      await refused({ outcome: 'rated', score: 7, replies: [''] })
      await refused({ outcome: 'reprompt', replies: ['?'] })
      await refused({ outcome: 'maybe', replies: [] })
      await refused({ outcome: 'rated', score: 7, replies: [] }, 'message_not_found', elsewhere.id)
      expect(await failure(db, () => answer(db, randomUUID(), messageId, { outcome: 'rated', score: 7, replies: [] }))).toMatchObject({ message: 'ticket_not_found' })
      expect(await one(db, 'select rating_status from public.tickets where id = $1', [ticket.id])).toEqual({ rating_status: 'requested' })
    })
  })
})

describe('expire_due_ratings', () => {
  it('ends every request past its channel\'s timeout, once, and only those', async () => {
    const due = await awaitingRating(24 * 60 + 1)
    const dueShort = await awaitingRating(10)
    const recent = await awaitingRating(10)
    await runAs(serviceRole, async (db) => {
      await db.query('update public.bot_settings set rating_timeout_minutes = 5 where channel_id = $1', [dueShort.channel_id])
      const count = await one(db, 'select public.expire_due_ratings() as n')
      // Other committed tickets of other tests may be due too: at least ours.
      expect(count.n).toBeGreaterThanOrEqual(2)
      const { rows } = await db.query('select id, rating_status from public.tickets where id = any($1) order by rating_requested_at', [[due.id, dueShort.id, recent.id]])
      expect(Object.fromEntries(rows.map(row => [row.id, row.rating_status]))).toEqual({ [due.id]: 'expired', [dueShort.id]: 'expired', [recent.id]: 'requested' })
      expect((await db.query('select type, data from public.ticket_events where ticket_id = $1', [due.id])).rows)
        .toEqual([{ type: 'rating_expired', data: { reason: 'timeout' } }])
      // A second sweep finds nothing more to do for them.
      await db.query('select public.expire_due_ratings()')
      expect(await eventTypes(db, due.id)).toEqual(['rating_expired'])
      expect(await eventTypes(db, recent.id)).toEqual([])
    })
  })

  it('is for the service role only', async () => {
    for (const actor of [carla, anon]) {
      expect(await runAs(actor, db => failure(db, () => db.query('select public.expire_due_ratings()')))).toMatchObject({ code: '42501' })
    }
  })
})
