/**
 * apply_bot_decision (supabase/migrations/*_chatbot.sql): the menu engine's decision applied to a ticket
 * with the bot — replies queued as bot messages with their outbox rows, the route to a team's queue (then
 * visible to that team under RLS), the customer's close keyword — and the no-ops that make webhook
 * retries and two messages processed at once safe. Fixtures commit the starting tickets; each call runs
 * in a rolled-back transaction, except the race, which uses two committed sessions.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, ownerPool, runAs, serviceRole, type Actor } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, reloadTicket, ticketEvents, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = Record<string, unknown>
interface Decision {
  replies: unknown
  state: unknown
  route?: unknown
  close?: unknown
}
interface ApplyResult { applied: boolean, reason?: string, version?: number, ticket: Row }

const carla = asUser(DEMO.carla.id)
const diego = asUser(DEMO.diego.id)

const MENU = { replies: ['Olá! 👋', 'Responda com o número:\n1 - Suporte Técnico\n2 - Financeiro'], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: null }

/** Switches the transaction to `actor` (as runAs does), or back to the owner to read past RLS. */
async function become(db: pg.PoolClient, actor: Actor | 'owner'): Promise<void> {
  if (actor === 'owner') {
    await db.query(`select set_config('role', session_user, true), set_config('request.jwt.claims', '', true)`)
    return
  }
  const claims = actor.role === 'authenticated' ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' } : { role: actor.role }
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
}

async function apply(db: pg.ClientBase, ticketId: string, messageId: string, version: number, decision: Decision): Promise<ApplyResult> {
  const { rows } = await db.query<{ result: ApplyResult }>(
    'select public.apply_bot_decision($1, $2, $3, $4::jsonb) as result',
    [ticketId, messageId, version, JSON.stringify(decision)],
  )
  return rows[0]!.result
}

/** The error a statement fails with; rolls back to a savepoint so the transaction can go on. */
async function failure(db: pg.PoolClient, run: () => Promise<unknown>): Promise<{ code: string, message: string, detail?: string }> {
  await db.query('savepoint attempt')
  try {
    await run()
  }
  catch (error) {
    await db.query('rollback to savepoint attempt')
    const { code, message, detail } = error as { code: string, message: string, detail?: string }
    return { code, message, detail }
  }
  throw new Error('expected the call to fail, but it succeeded')
}

/** The bot's messages of a ticket with their outbox rows, in conversation order. */
async function botMessages(db: pg.ClientBase, ticketId: string): Promise<Row[]> {
  const { rows } = await db.query(`
    select m.body, m.sender_type, m.direction, m.status, o.id as outbox_id, o.status as outbox_status
    from public.messages m left join public.outbox o on o.message_id = m.id
    where m.ticket_id = $1 and m.direction = 'outbound' order by m.created_at, m.id`, [ticketId])
  return rows
}

async function events(db: pg.ClientBase, ticketId: string): Promise<Row[]> {
  return (await db.query('select type, actor_id, to_team_id, data from public.ticket_events where ticket_id = $1 order by id', [ticketId])).rows
}

/** A ticket with the bot and the customer message it is answering (both committed). */
async function botTicket(options: { channelId?: string, contactId?: string } = {}): Promise<{ ticket: TicketRow, messageId: string }> {
  const ticket = await createTicket({ status: 'bot', ...options })
  const message = await createMessage(ticket, { body: 'Oi' })
  return { ticket, messageId: message.id }
}

describe('apply_bot_decision: who may call it', () => {
  it('is for the service role only', async () => {
    const { ticket, messageId } = await botTicket()
    for (const actor of [carla, asUser(DEMO.admin.id), anon]) {
      const error = await runAs(actor, db => failure(db, () => apply(db, ticket.id, messageId, 0, MENU)))
      expect(error.code).toBe('42501')
    }
    await runAs(serviceRole, async db => expect((await apply(db, ticket.id, messageId, 0, MENU)).applied).toBe(true))
  })
})

describe('apply_bot_decision: the menu', () => {
  it('queues the replies in order as pending bot messages with outbox rows, and moves the state on', async () => {
    const { ticket, messageId } = await botTicket()
    await runAs(serviceRole, async (db) => {
      const result = await apply(db, ticket.id, messageId, 0, MENU)
      expect(result).toMatchObject({ applied: true, ticket: { id: ticket.id, status: 'bot' } })
      expect(result.ticket.bot_state).toEqual({ stage: 'menu', invalid_attempts: 0, version: 1, handled_message_ids: [messageId] })
      expect(result.ticket.last_message_preview).toBe('Responda com o número: 1 - Suporte Técnico 2 - Financeiro')

      const sent = await botMessages(db, ticket.id)
      expect(sent.map(({ body, sender_type, status, outbox_status }) => ({ body, sender_type, status, outbox_status }))).toEqual([
        { body: 'Olá! 👋', sender_type: 'bot', status: 'pending', outbox_status: 'queued' },
        { body: MENU.replies[1], sender_type: 'bot', status: 'pending', outbox_status: 'queued' },
      ])
      expect(Number(sent[0]!.outbox_id)).toBeLessThan(Number(sent[1]!.outbox_id))
      // Menu steps are not events; only the hand-over is.
      expect(await events(db, ticket.id)).toEqual([])

      // The next answer (an invalid one) builds on version 1.
      const second = await createMessageIn(db, ticket, 'não sei')
      const reprompt = await apply(db, ticket.id, second, 1, { replies: ['Não entendi.'], state: { stage: 'menu', invalid_attempts: 1 }, route: null, close: null })
      expect(reprompt.ticket.bot_state).toEqual({ stage: 'menu', invalid_attempts: 1, version: 2, handled_message_ids: [messageId, second] })
    })
  })

  it('routes to the team\'s queue with a queued event, after which that team\'s agents see the ticket', async () => {
    const { ticket, messageId } = await botTicket()
    await runAs(serviceRole, async (db) => {
      await become(db, carla)
      expect((await db.query('select id from public.tickets where id = $1', [ticket.id])).rows).toEqual([])
      await become(db, serviceRole)

      const result = await apply(db, ticket.id, messageId, 0, {
        replies: ['Certo! Em instantes um atendente vai falar com você.'],
        state: { stage: 'menu', invalid_attempts: 0 },
        route: { team_id: DEMO.teams.support, reason: 'option', position: 1 },
        close: null,
      })
      expect(result).toMatchObject({ applied: true, ticket: { status: 'queued', team_id: DEMO.teams.support, assignee_id: null } })
      expect(result.ticket.queued_at).not.toBeNull()
      expect(await events(db, ticket.id)).toEqual([{
        type: 'queued', actor_id: null, to_team_id: DEMO.teams.support,
        data: { reason: 'option', position: 1, message_id: messageId },
      }])

      await become(db, carla)
      expect((await db.query('select id, status from public.tickets where id = $1', [ticket.id])).rows).toEqual([{ id: ticket.id, status: 'queued' }])
      expect((await db.query('select body from public.messages where ticket_id = $1 order by created_at', [ticket.id])).rows.map(row => row.body))
        .toEqual(['Oi', 'Certo! Em instantes um atendente vai falar com você.'])
      await become(db, diego)
      expect((await db.query('select id from public.tickets where id = $1', [ticket.id])).rows).toEqual([])
      // Carla can take it from her queue.
      await become(db, carla)
      expect((await db.query('select status from public.accept_ticket($1)', [ticket.id])).rows).toEqual([{ status: 'open' }])
    })
  })

  it('sends the customer to the channel\'s fallback team when the engine found no team', async () => {
    const channel = await createChannel()
    const { ticket, messageId } = await botTicket({ channelId: channel.id })
    await runAs(serviceRole, async (db) => {
      await db.query('update public.bot_settings set fallback_team_id = $1 where channel_id = $2', [DEMO.teams.finance, channel.id])
      const result = await apply(db, ticket.id, messageId, 0, {
        replies: [], state: { stage: 'menu', invalid_attempts: 3 }, route: { team_id: null, reason: 'no_options', position: null }, close: null,
      })
      expect(result.ticket).toMatchObject({ status: 'queued', team_id: DEMO.teams.finance })
      expect((await events(db, ticket.id))[0]).toMatchObject({ type: 'queued', to_team_id: DEMO.teams.finance, data: { reason: 'no_options', position: null } })
    })
  })

  it('closes on the customer\'s keyword with the channel\'s farewell and no rating', async () => {
    const channel = await createChannel()
    const { ticket, messageId } = await botTicket({ channelId: channel.id })
    await runAs(serviceRole, async (db) => {
      await db.query(`update public.bot_settings set farewell_text = 'Até a próxima!' where channel_id = $1`, [channel.id])
      const result = await apply(db, ticket.id, messageId, 0, {
        replies: ['Tudo bem, encerrando.'], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: { reason: 'customer_keyword' },
      })
      expect(result).toMatchObject({
        applied: true,
        ticket: { status: 'closed', closed_reason: 'customer_keyword', closed_by: null, rating_status: null, unread_count: 0, last_message_preview: 'Até a próxima!' },
      })
      expect(result.ticket.closed_at).not.toBeNull()
      expect((await botMessages(db, ticket.id)).map(row => row.body)).toEqual(['Tudo bem, encerrando.', 'Até a próxima!'])
      expect(await events(db, ticket.id)).toEqual([{
        type: 'closed', actor_id: null, to_team_id: null, data: { reason: 'customer_keyword', from_status: 'bot', message_id: messageId },
      }])
      // The customer's next message starts a new conversation: no rating is pending.
      const next = await db.query<{ result: Row }>(`select public.ingest_inbound_message($1, $2, $3::jsonb) as result`,
        [ticket.channel_id, ticket.contact_id, JSON.stringify({ provider_message_id: `wamid.${randomUUID()}`, body: 'Oi de novo' })])
      expect(next.rows[0]!.result).toMatchObject({ ticket_created: true, ticket_status: 'bot', rating_pending: false })
    })
  })

  it('sends nothing to a contact blocked while in the menu, but still moves the ticket on', async () => {
    const contact = await createContact({ blocked: true })
    const { ticket, messageId } = await botTicket({ contactId: contact.id })
    await runAs(serviceRole, async (db) => {
      const result = await apply(db, ticket.id, messageId, 0, { ...MENU, route: { team_id: DEMO.teams.support, reason: 'option', position: 1 } })
      expect(result.ticket).toMatchObject({ status: 'queued' })
      expect(await botMessages(db, ticket.id)).toEqual([])
    })
  })
})

describe('apply_bot_decision: retries and races', () => {
  it('changes nothing for a message already answered, a stale version, or a ticket that left the bot', async () => {
    const { ticket, messageId } = await botTicket()
    await runAs(serviceRole, async (db) => {
      await apply(db, ticket.id, messageId, 0, MENU)
      const before = await botMessages(db, ticket.id)

      // The webhook delivered the same message again.
      const retry = await apply(db, ticket.id, messageId, 1, MENU)
      expect(retry).toMatchObject({ applied: false, reason: 'already_handled', ticket: { id: ticket.id } })

      // Another message was decided on version 0, but the first one moved the state to 1.
      const other = await createMessageIn(db, ticket, '1')
      const stale = await apply(db, ticket.id, other, 0, { ...MENU, route: { team_id: DEMO.teams.support, reason: 'option', position: 1 } })
      expect(stale).toMatchObject({ applied: false, reason: 'state_changed', version: 1, ticket: { status: 'bot' } })
      expect(await botMessages(db, ticket.id)).toEqual(before)

      // Decided again on the fresh state: applied.
      const fresh = await apply(db, ticket.id, other, 1, { replies: [], state: { stage: 'menu', invalid_attempts: 0 }, route: { team_id: DEMO.teams.support, reason: 'option', position: 1 }, close: null })
      expect(fresh).toMatchObject({ applied: true, ticket: { status: 'queued' } })

      // A third message decided as if the ticket were still in the menu.
      const late = await createMessageIn(db, ticket, 'oi?')
      expect(await apply(db, ticket.id, late, 2, MENU)).toMatchObject({ applied: false, reason: 'not_with_bot', ticket: { status: 'queued' } })
      expect((await events(db, ticket.id)).map(event => event.type)).toEqual(['queued'])
    })
  })

  it('keeps only the last 20 handled message ids', async () => {
    const { ticket } = await botTicket()
    await runAs(serviceRole, async (db) => {
      const ids: string[] = []
      for (let version = 0; version < 21; version++) {
        const id = await createMessageIn(db, ticket, `resposta ${version}`)
        ids.push(id)
        await apply(db, ticket.id, id, version, { replies: ['Não entendi.'], state: { stage: 'menu', invalid_attempts: 1 }, route: null, close: null })
      }
      const { bot_state: state } = (await reloadIn(db, ticket.id))
      expect((state as Row).handled_message_ids).toEqual(ids.slice(1))
      expect((state as Row).version).toBe(21)
    })
  })

  it('serialises two messages processed at once: the second waits for the first, then reads state_changed', async () => {
    const { ticket, messageId } = await botTicket()
    const second = await createMessage(ticket, { body: '2' })
    const first = await session()
    const other = await session()
    try {
      expect((await apply(first.client, ticket.id, messageId, 0, MENU)).applied).toBe(true)
      const racing = apply(other.client, ticket.id, second.id, 0, { ...MENU, route: { team_id: DEMO.teams.finance, reason: 'option', position: 2 } })
      racing.catch(() => {})
      await waitUntilBlocked(other.pid)
      await first.client.query('commit')
      expect(await racing).toMatchObject({ applied: false, reason: 'state_changed', version: 1 })
      await other.client.query('commit')
      expect(await reloadTicket(ticket.id)).toMatchObject({ status: 'bot', team_id: null })
      expect(await ticketEvents(ticket.id)).toEqual([])
    }
    finally {
      for (const { client } of [first, other]) {
        await client.query('rollback').catch(() => {})
        client.release()
      }
    }
  })
})

describe('apply_bot_decision: validation', () => {
  it('refuses malformed decisions, unknown teams and messages of other tickets, changing nothing', async () => {
    const { ticket, messageId } = await botTicket()
    const elsewhere = await createMessage(await createTicket({ status: 'bot' }))
    await runAs(serviceRole, async (db) => {
      const refused = async (decision: Decision, message = 'decision_invalid', target = messageId) =>
        expect(await failure(db, () => apply(db, ticket.id, target, 0, decision))).toMatchObject({ code: 'P0001', message })

      await refused({ ...MENU, replies: ['Olá', '   '] })
      await refused({ ...MENU, replies: 'Olá' })
      await refused({ ...MENU, replies: [42] })
      await refused({ ...MENU, state: { stage: 'queue', invalid_attempts: 0 } })
      await refused({ ...MENU, state: { stage: 'menu', invalid_attempts: -1 } })
      await refused({ ...MENU, state: { stage: 'menu', invalid_attempts: 1.5 } })
      await refused({ ...MENU, route: { team_id: DEMO.teams.support, reason: 'because', position: 1 } })
      await refused({ ...MENU, route: { team_id: DEMO.teams.support, reason: 'option', position: 10 } })
      await refused({ ...MENU, route: { team_id: 'suporte', reason: 'option', position: 1 } })
      await refused({ ...MENU, close: { reason: 'agent' } })
      await refused({ ...MENU, route: { team_id: DEMO.teams.support, reason: 'option', position: 1 }, close: { reason: 'customer_keyword' } })
      await refused({ ...MENU, route: { team_id: randomUUID(), reason: 'option', position: 1 } }, 'team_not_found')
      await refused(MENU, 'message_not_found', elsewhere.id)
      expect(await failure(db, () => apply(db, randomUUID(), messageId, 0, MENU))).toMatchObject({ code: 'P0001', message: 'ticket_not_found' })

      const detail = (await failure(db, () => apply(db, ticket.id, messageId, 0, { ...MENU, replies: [''] }))).detail
      expect(detail).toMatch(/resposta/)
      expect(await reloadIn(db, ticket.id)).toMatchObject({ status: 'bot', bot_state: {} })
      expect(await botMessages(db, ticket.id)).toEqual([])
    })
  })
})

// Helpers that write inside the test's transaction (as the owner, then back to the service role).

async function createMessageIn(db: pg.PoolClient, ticket: TicketRow, body: string): Promise<string> {
  await become(db, 'owner')
  const { rows } = await db.query<{ id: string }>(`
    insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, kind, body, provider_message_id, created_at)
    values ($1, $2, $3, 'inbound', 'contact', 'text', $4, $5, clock_timestamp()) returning id`,
  [ticket.id, ticket.contact_id, ticket.channel_id, body, `test-${randomUUID()}`])
  await become(db, serviceRole)
  return rows[0]!.id
}

async function reloadIn(db: pg.ClientBase, ticketId: string): Promise<Row> {
  return (await db.query('select * from public.tickets where id = $1', [ticketId])).rows[0]!
}

/** A committed service-role connection with its transaction open, as one webhook request would run. */
async function session(): Promise<{ client: pg.PoolClient, pid: number }> {
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
