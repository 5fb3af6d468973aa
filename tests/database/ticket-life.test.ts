/**
 * The ticket life as RPCs (supabase/migrations/*_ticket_rpcs.sql): every transition allowed and refused,
 * who may call what, and the ticket_events / messages / outbox rows each call writes. Fixtures commit
 * the starting tickets; every call runs in a rolled-back transaction (runAs), switching actor inside it
 * when a scenario needs several people.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, runAs, serviceRole, type Actor } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

const CLASSIFICATION = {
  doubtSolved: '00000000-0000-4000-c000-000000000001',
  billing: '00000000-0000-4000-c000-000000000004',
}
const SEED_DEFAULT_CHANNEL = '00000000-0000-4000-d000-000000000001'

type Row = Record<string, unknown>
interface RpcError { code: string, message: string, detail?: string }

const carla = asUser(DEMO.carla.id)
const bruno = asUser(DEMO.bruno.id)
const diego = asUser(DEMO.diego.id)
const supervisor = asUser(DEMO.supervisor.id)
const admin = asUser(DEMO.admin.id)
const observer = asUser(DEMO.observer.id)

/** Switches the transaction to `actor` (as runAs does), or back to the owner to inspect rows past RLS. */
async function become(db: pg.PoolClient, actor: Actor | 'owner'): Promise<void> {
  if (actor === 'owner') {
    await db.query(`select set_config('role', session_user, true), set_config('request.jwt.claims', '', true)`)
    return
  }
  const claims = actor.role === 'authenticated'
    ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' }
    : { role: actor.role }
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
}

async function one(db: pg.PoolClient, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query(sql, params)
  return rows[0]!
}

/** Rows read as the owner, then the transaction is handed back to `restore`. */
async function inspect(db: pg.PoolClient, restore: Actor, sql: string, params: unknown[] = []): Promise<Row[]> {
  await become(db, 'owner')
  const { rows } = await db.query(sql, params)
  await become(db, restore)
  return rows
}

/** The error a statement fails with; rolls back to a savepoint so the transaction can go on. */
async function failure(db: pg.PoolClient, sql: string, params: unknown[] = []): Promise<RpcError> {
  await db.query('savepoint attempt')
  try {
    await db.query(sql, params)
  }
  catch (error) {
    await db.query('rollback to savepoint attempt')
    const { code, message, detail } = error as RpcError
    return { code, message, detail }
  }
  throw new Error(`expected "${sql}" to fail, but it succeeded`)
}

/** One call as `actor` in its own rolled-back transaction, expected to fail. */
function failureAs(actor: Actor, sql: string, params: unknown[] = []): Promise<RpcError> {
  return runAs(actor, db => failure(db, sql, params))
}

/** Milliseconds of a timestamptz column (pg returns Date) or a JSON timestamp string. */
const time = (value: unknown): number => new Date(value as Date | string).getTime()

const refused = (message: string) => ({ code: 'P0001', message })
const notAllowed = { code: '42501', message: 'not_allowed' }

async function deactivate(db: pg.PoolClient, userId: string, restore: Actor): Promise<void> {
  await become(db, 'owner')
  await db.query('update public.profiles set active = false where id = $1', [userId])
  await become(db, restore)
}

function events(db: pg.PoolClient, restore: Actor, ticketId: unknown): Promise<Row[]> {
  return inspect(db, restore, 'select * from public.ticket_events where ticket_id = $1 order by id', [ticketId])
}

describe('accept_ticket', () => {
  it('gives a queued ticket to the agent of its team and records the acceptance', async () => {
    const ticket = await createTicket({ status: 'queued' })
    await runAs(carla, async (db) => {
      const accepted = await one(db, 'select * from public.accept_ticket($1)', [ticket.id])
      expect(accepted).toMatchObject({ id: ticket.id, status: 'open', assignee_id: DEMO.carla.id, team_id: DEMO.teams.support })
      expect(accepted.accepted_at).toBeInstanceOf(Date)

      const [event] = await events(db, carla, ticket.id)
      expect(event).toMatchObject({
        type: 'accepted', actor_id: DEMO.carla.id, to_agent_id: DEMO.carla.id, to_team_id: DEMO.teams.support,
        data: { first_acceptance: true },
      })
      expect(time((event!.data as Row).queued_at)).toBe(time(ticket.queued_at))
    })
  })

  it('keeps the first accepted_at when a ticket is accepted again after going back to a queue', async () => {
    const firstAcceptance = new Date('2026-01-05T12:00:00Z')
    const ticket = await createTicket({ status: 'queued', values: { accepted_at: firstAcceptance } })
    await runAs(bruno, async (db) => {
      const accepted = await one(db, 'select * from public.accept_ticket($1)', [ticket.id])
      expect(accepted.accepted_at).toEqual(firstAcceptance)
      expect(accepted.assignee_id).toBe(DEMO.bruno.id)
      const [event] = await events(db, bruno, ticket.id)
      expect(event).toMatchObject({ type: 'accepted', actor_id: DEMO.bruno.id, data: { first_acceptance: false } })
      expect(time(event!.created_at)).toBeGreaterThan(firstAcceptance.getTime())
    })
  })

  it('lets supervisors and admins accept from any queue', async () => {
    const ticket = await createTicket({ status: 'queued', teamId: DEMO.teams.finance })
    for (const actor of [supervisor, admin]) {
      await runAs(actor, async (db) => {
        const accepted = await one(db, 'select * from public.accept_ticket($1)', [ticket.id])
        expect(accepted).toMatchObject({ status: 'open', assignee_id: (actor as { userId: string }).userId })
      })
    }
  })

  it('refuses tickets that are not waiting in a queue', async () => {
    const open = await createTicket({ status: 'open', assigneeId: DEMO.bruno.id })
    const closed = await createTicket({ status: 'closed' })
    const withBot = await createTicket({ status: 'bot', teamId: null })

    const alreadyTaken = await failureAs(carla, 'select public.accept_ticket($1)', [open.id])
    expect(alreadyTaken).toMatchObject(refused('ticket_already_accepted'))
    expect(alreadyTaken.detail).toContain('Bruno Técnico')
    expect(await failureAs(carla, 'select public.accept_ticket($1)', [closed.id])).toMatchObject(refused('ticket_not_queued'))
    expect(await failureAs(supervisor, 'select public.accept_ticket($1)', [withBot.id])).toMatchObject(refused('ticket_not_queued'))
    expect(await failureAs(carla, 'select public.accept_ticket($1)', [randomUUID()])).toMatchObject(refused('ticket_not_found'))
  })

  it('refuses callers without the right, leaving the ticket and its events untouched', async () => {
    const ticket = await createTicket({ status: 'queued' })
    // Diego (Financeiro) cannot even see a Suporte ticket.
    expect(await failureAs(diego, 'select public.accept_ticket($1)', [ticket.id])).toMatchObject(refused('ticket_not_found'))
    expect(await failureAs(observer, 'select public.accept_ticket($1)', [ticket.id])).toMatchObject(notAllowed)
    // anon has no execute grant at all.
    expect(await failureAs(anon, 'select public.accept_ticket($1)', [ticket.id])).toMatchObject({ code: '42501' })
    // A token without a user (the service role) is nobody to assign the ticket to.
    expect(await failureAs(serviceRole, 'select public.accept_ticket($1)', [ticket.id])).toMatchObject(notAllowed)

    await runAs(carla, async (db) => {
      await deactivate(db, DEMO.carla.id, carla)
      expect(await failure(db, 'select public.accept_ticket($1)', [ticket.id])).toMatchObject(notAllowed)
      const [row] = await inspect(db, carla, 'select status, assignee_id from public.tickets where id = $1', [ticket.id])
      expect(row).toEqual({ status: 'queued', assignee_id: null })
      expect(await events(db, carla, ticket.id)).toEqual([])
    })
  })
})

describe('transfer_ticket', () => {
  it('sends the assignee\'s ticket back to another team\'s queue, with the note in the event', async () => {
    const ticket = await createTicket({ status: 'open', values: { queued_at: new Date('2026-01-05T12:00:00Z') } })
    await runAs(carla, async (db) => {
      const moved = await one(db, 'select * from public.transfer_ticket($1, p_to_team_id => $2, p_note => $3)', [ticket.id, DEMO.teams.finance, '  Cliente quer falar sobre a fatura  '])
      expect(moved).toMatchObject({ status: 'queued', team_id: DEMO.teams.finance, assignee_id: null })
      expect(time(moved.queued_at)).toBeGreaterThan(time('2026-01-05T12:00:00Z'))
      expect(moved.accepted_at).toEqual(ticket.accepted_at)

      const [event] = await events(db, carla, ticket.id)
      expect(event).toMatchObject({
        type: 'transferred', actor_id: DEMO.carla.id,
        from_team_id: DEMO.teams.support, to_team_id: DEMO.teams.finance,
        from_agent_id: DEMO.carla.id, to_agent_id: null,
        note: 'Cliente quer falar sobre a fatura',
      })
      // Carla no longer sees a Financeiro ticket that is not hers.
      expect((await db.query('select id from public.tickets where id = $1', [ticket.id])).rows).toEqual([])
    })
  })

  it('hands a ticket straight to a colleague of the same team', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      const moved = await one(db, 'select * from public.transfer_ticket($1, p_to_agent_id => $2)', [ticket.id, DEMO.bruno.id])
      expect(moved).toMatchObject({ status: 'open', team_id: DEMO.teams.support, assignee_id: DEMO.bruno.id })
      const [event] = await events(db, carla, ticket.id)
      expect(event).toMatchObject({
        type: 'transferred', from_team_id: DEMO.teams.support, to_team_id: DEMO.teams.support,
        from_agent_id: DEMO.carla.id, to_agent_id: DEMO.bruno.id, note: null,
      })
    })
  })

  it('lets a supervisor assign a queued ticket to an agent of another team, starting its handle time', async () => {
    const ticket = await createTicket({ status: 'queued' })
    await runAs(supervisor, async (db) => {
      const moved = await one(db, 'select * from public.transfer_ticket($1, $2, $3)', [ticket.id, DEMO.teams.finance, DEMO.diego.id])
      expect(moved).toMatchObject({ status: 'open', team_id: DEMO.teams.finance, assignee_id: DEMO.diego.id })
      expect(moved.accepted_at).toBeInstanceOf(Date)
      const [event] = await events(db, supervisor, ticket.id)
      expect(event).toMatchObject({ actor_id: DEMO.supervisor.id, from_agent_id: null, to_agent_id: DEMO.diego.id, to_team_id: DEMO.teams.finance })
    })
  })

  it('lets an agent move a ticket still waiting in its own team\'s queue, but not a colleague\'s open one', async () => {
    const queued = await createTicket({ status: 'queued' })
    await runAs(bruno, async (db) => {
      const moved = await one(db, 'select * from public.transfer_ticket($1, p_to_team_id => $2)', [queued.id, DEMO.teams.finance])
      expect(moved).toMatchObject({ status: 'queued', team_id: DEMO.teams.finance })
    })
    const carlas = await createTicket({ status: 'open', assigneeId: DEMO.carla.id })
    expect(await failureAs(bruno, 'select public.transfer_ticket($1, p_to_agent_id => $2)', [carlas.id, DEMO.bruno.id])).toMatchObject(notAllowed)
  })

  it('refuses callers without the right', async () => {
    const ticket = await createTicket({ status: 'open' })
    const call = 'select public.transfer_ticket($1, p_to_team_id => $2)'
    expect(await failureAs(diego, call, [ticket.id, DEMO.teams.finance])).toMatchObject(refused('ticket_not_found'))
    expect(await failureAs(observer, call, [ticket.id, DEMO.teams.finance])).toMatchObject(notAllowed)
    expect(await failureAs(anon, call, [ticket.id, DEMO.teams.finance])).toMatchObject({ code: '42501' })
    await runAs(carla, async (db) => {
      await deactivate(db, DEMO.carla.id, carla)
      expect(await failure(db, call, [ticket.id, DEMO.teams.finance])).toMatchObject(notAllowed)
    })
  })

  it('refuses targets that cannot take the ticket', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      const call = 'select public.transfer_ticket($1, $2, $3)'
      expect(await failure(db, call, [ticket.id, null, null])).toMatchObject(refused('transfer_target_required'))
      // Diego is not in Suporte (the team kept when none is given), nor in the team named with him.
      expect(await failure(db, call, [ticket.id, null, DEMO.diego.id])).toMatchObject(refused('agent_not_in_team'))
      expect(await failure(db, call, [ticket.id, DEMO.teams.support, DEMO.diego.id])).toMatchObject(refused('agent_not_in_team'))
      expect(await failure(db, call, [ticket.id, null, DEMO.observer.id])).toMatchObject(refused('agent_not_available'))
      expect(await failure(db, call, [ticket.id, randomUUID(), null])).toMatchObject(refused('team_not_found'))
      expect(await failure(db, call, [ticket.id, null, DEMO.carla.id])).toMatchObject(refused('transfer_to_same_target'))
      await deactivate(db, DEMO.bruno.id, carla)
      expect(await failure(db, call, [ticket.id, null, DEMO.bruno.id])).toMatchObject(refused('agent_not_available'))
      expect(await events(db, carla, ticket.id)).toEqual([])
    })
    const queued = await createTicket({ status: 'queued' })
    expect(await failureAs(supervisor, 'select public.transfer_ticket($1, $2)', [queued.id, DEMO.teams.support])).toMatchObject(refused('transfer_to_same_target'))
  })

  it('refuses closed tickets and tickets still with the bot', async () => {
    const closed = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    const withBot = await createTicket({ status: 'bot', teamId: null })
    expect(await failureAs(supervisor, 'select public.transfer_ticket($1, $2)', [closed.id, DEMO.teams.finance])).toMatchObject(refused('ticket_closed'))
    expect(await failureAs(supervisor, 'select public.transfer_ticket($1, $2)', [withBot.id, DEMO.teams.finance])).toMatchObject(refused('ticket_with_bot'))
  })
})

describe('close_ticket', () => {
  it('closes with classification and comment, then queues farewell and rating prompt in order', async () => {
    const channel = await createChannel()
    const ticket = await createTicket({ status: 'open', channelId: channel.id, values: { unread_count: 2 } })
    await runAs(carla, async (db) => {
      await inspect(db, carla, `update public.bot_settings set farewell_text = 'Até logo!', rating_prompt_text = 'Dê uma nota de 1 a 10' where channel_id = $1`, [channel.id])
      const closed = await one(db, 'select * from public.close_ticket($1, $2, $3)', [ticket.id, CLASSIFICATION.doubtSolved, ' Resolvido por telefone. '])
      expect(closed).toMatchObject({
        status: 'closed', closed_by: DEMO.carla.id, closed_reason: 'agent', classification_id: CLASSIFICATION.doubtSolved,
        closing_comment: 'Resolvido por telefone.', rating_status: 'requested', unread_count: 0,
        last_message_preview: 'Dê uma nota de 1 a 10',
      })
      expect(closed.closed_at).toBeInstanceOf(Date)
      expect(closed.rating_requested_at).toEqual(closed.closed_at)

      const messages = await inspect(db, carla, `
        select m.id, m.body, m.sender_type, m.direction, m.status, o.id as outbox_id, o.channel_id as outbox_channel
        from public.messages m left join public.outbox o on o.message_id = m.id
        where m.ticket_id = $1 order by m.created_at, m.id`, [ticket.id])
      expect(messages.map(({ body, sender_type, direction, status, outbox_channel }) => ({ body, sender_type, direction, status, outbox_channel }))).toEqual([
        { body: 'Até logo!', sender_type: 'bot', direction: 'outbound', status: 'pending', outbox_channel: channel.id },
        { body: 'Dê uma nota de 1 a 10', sender_type: 'bot', direction: 'outbound', status: 'pending', outbox_channel: channel.id },
      ])
      // The sender works through the outbox in id order: farewell first.
      expect(Number(messages[0]!.outbox_id)).toBeLessThan(Number(messages[1]!.outbox_id))

      const trail = await events(db, carla, ticket.id)
      expect(trail.map(event => event.type)).toEqual(['closed', 'rating_requested'])
      expect(trail[0]).toMatchObject({
        actor_id: DEMO.carla.id, from_team_id: DEMO.teams.support, from_agent_id: DEMO.carla.id,
        data: { reason: 'agent', classification_id: CLASSIFICATION.doubtSolved },
      })
      expect(trail[1]).toMatchObject({ actor_id: null, data: { prompt_message_id: messages[1]!.id } })
    })
  })

  it('queues only the rating prompt when the channel has no farewell', async () => {
    const channel = await createChannel()
    const ticket = await createTicket({ status: 'open', channelId: channel.id })
    await runAs(carla, async (db) => {
      await inspect(db, carla, 'update public.bot_settings set farewell_text = null where channel_id = $1', [channel.id])
      await db.query('select public.close_ticket($1)', [ticket.id])
      const bodies = await inspect(db, carla, 'select body from public.messages where ticket_id = $1 order by created_at', [ticket.id])
      expect(bodies).toEqual([{ body: 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.' }])
      expect(await inspect(db, carla, 'select count(*)::int as n from public.outbox where ticket_id = $1', [ticket.id])).toEqual([{ n: 1 }])
    })
  })

  it('sends nothing to a blocked contact and asks no rating', async () => {
    const contact = await createContact({ blocked: true })
    const ticket = await createTicket({ status: 'open', contactId: contact.id })
    await runAs(carla, async (db) => {
      const closed = await one(db, 'select * from public.close_ticket($1)', [ticket.id])
      expect(closed).toMatchObject({ status: 'closed', rating_status: null })
      expect(await inspect(db, carla, 'select id from public.messages where ticket_id = $1', [ticket.id])).toEqual([])
      expect((await events(db, carla, ticket.id)).map(event => event.type)).toEqual(['closed'])
    })
  })

  it('requires a classification when the admin says so, and only active ones', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      expect(await failure(db, 'select public.close_ticket($1, $2)', [ticket.id, randomUUID()])).toMatchObject(refused('classification_not_found'))
      await inspect(db, carla, 'update public.classifications set active = false where id = $1', [CLASSIFICATION.billing])
      expect(await failure(db, 'select public.close_ticket($1, $2)', [ticket.id, CLASSIFICATION.billing])).toMatchObject(refused('classification_inactive'))

      await become(db, admin)
      await db.query('update public.app_settings set classification_required = true')
      await become(db, carla)
      const missing = await failure(db, 'select public.close_ticket($1, null, $2)', [ticket.id, 'sem classificação'])
      expect(missing).toMatchObject(refused('classification_required'))
      expect(missing.detail).toMatch(/classificação/)

      const closed = await one(db, 'select * from public.close_ticket($1, $2)', [ticket.id, CLASSIFICATION.doubtSolved])
      expect(closed).toMatchObject({ status: 'closed', classification_id: CLASSIFICATION.doubtSolved })
    })
  })

  it('lets a supervisor close someone else\'s ticket or clear a queued one', async () => {
    const open = await createTicket({ status: 'open' })
    const queued = await createTicket({ status: 'queued' })
    await runAs(supervisor, async (db) => {
      expect(await one(db, 'select * from public.close_ticket($1)', [open.id])).toMatchObject({ status: 'closed', closed_reason: 'supervisor', closed_by: DEMO.supervisor.id })
      expect(await one(db, 'select * from public.close_ticket($1)', [queued.id])).toMatchObject({ status: 'closed', closed_reason: 'supervisor' })
      const [closedEvent] = await events(db, supervisor, queued.id)
      expect(closedEvent).toMatchObject({ type: 'closed', from_agent_id: null, data: { reason: 'supervisor', from_status: 'queued' } })
    })
  })

  it('refuses callers without the right and tickets that are not open', async () => {
    const carlas = await createTicket({ status: 'open' })
    const queued = await createTicket({ status: 'queued' })
    const closed = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    const withBot = await createTicket({ status: 'bot', teamId: null })
    const call = 'select public.close_ticket($1)'

    expect(await failureAs(bruno, call, [carlas.id])).toMatchObject(notAllowed)
    expect(await failureAs(diego, call, [carlas.id])).toMatchObject(refused('ticket_not_found'))
    expect(await failureAs(observer, call, [carlas.id])).toMatchObject(notAllowed)
    expect(await failureAs(anon, call, [carlas.id])).toMatchObject({ code: '42501' })
    expect(await failureAs(carla, call, [queued.id])).toMatchObject(notAllowed)
    expect(await failureAs(carla, call, [closed.id])).toMatchObject(refused('ticket_already_closed'))
    expect(await failureAs(supervisor, call, [withBot.id])).toMatchObject(refused('ticket_not_open'))
    await runAs(carla, async (db) => {
      await deactivate(db, DEMO.carla.id, carla)
      expect(await failure(db, call, [carlas.id])).toMatchObject(notAllowed)
    })
  })
})

describe('reopen_conversation', () => {
  it('opens a new ticket with the caller on the contact\'s last number, linked to the previous one', async () => {
    const previous = await createTicket({ status: 'closed', assigneeId: DEMO.bruno.id })
    await runAs(carla, async (db) => {
      const ticket = await one(db, 'select * from public.reopen_conversation($1)', [previous.contact_id])
      expect(ticket).toMatchObject({
        contact_id: previous.contact_id, channel_id: previous.channel_id, team_id: DEMO.teams.support,
        assignee_id: DEMO.carla.id, status: 'open', queued_at: null,
      })
      expect(ticket.accepted_at).toBeInstanceOf(Date)
      expect(Number(ticket.number)).toBeGreaterThan(Number(previous.number))

      const trail = await events(db, carla, ticket.id)
      expect(trail).toMatchObject([
        { type: 'created', actor_id: DEMO.carla.id, to_agent_id: DEMO.carla.id, to_team_id: DEMO.teams.support },
        { type: 'reopened', actor_id: DEMO.carla.id, data: { previous_ticket_id: previous.id } },
      ])
    })
  })

  it('uses the given number and team, or the default number for a contact who never wrote', async () => {
    const contact = await createContact()
    const channel = await createChannel()
    await runAs(supervisor, async (db) => {
      // Sérgio belongs to two teams: he has to say which.
      expect(await failure(db, 'select public.reopen_conversation($1, $2)', [contact.id, channel.id])).toMatchObject(refused('team_required'))
      const ticket = await one(db, 'select * from public.reopen_conversation($1, $2, $3)', [contact.id, channel.id, DEMO.teams.finance])
      expect(ticket).toMatchObject({ channel_id: channel.id, team_id: DEMO.teams.finance, assignee_id: DEMO.supervisor.id })
      const [, reopened] = await events(db, supervisor, ticket.id)
      expect(reopened).toMatchObject({ type: 'reopened', data: { previous_ticket_id: null } })
    })
    await runAs(carla, async (db) => {
      const ticket = await one(db, 'select * from public.reopen_conversation($1)', [contact.id])
      expect(ticket.channel_id).toBe(SEED_DEFAULT_CHANNEL)
    })
  })

  it('refuses a contact that already has an active ticket on that number, naming it', async () => {
    const active = await createTicket({ status: 'queued' })
    const refusal = await failureAs(carla, 'select public.reopen_conversation($1)', [active.contact_id])
    expect(refusal).toMatchObject(refused('contact_has_active_ticket'))
    expect(refusal.detail).toContain(`#${active.number}`)
    // Another number is another conversation.
    const other = await createChannel()
    await runAs(carla, async (db) => {
      expect(await one(db, 'select status from public.reopen_conversation($1, $2)', [active.contact_id, other.id])).toEqual({ status: 'open' })
    })
  })

  it('refuses blocked or unknown contacts, teams the agent is not in, and observers', async () => {
    const blocked = await createContact({ blocked: true })
    const contact = await createContact()
    expect(await failureAs(carla, 'select public.reopen_conversation($1)', [blocked.id])).toMatchObject(refused('contact_blocked'))
    expect(await failureAs(carla, 'select public.reopen_conversation($1)', [randomUUID()])).toMatchObject(refused('contact_not_found'))
    expect(await failureAs(carla, 'select public.reopen_conversation($1, null, $2)', [contact.id, DEMO.teams.finance])).toMatchObject(notAllowed)
    expect(await failureAs(observer, 'select public.reopen_conversation($1)', [contact.id])).toMatchObject(notAllowed)
    expect(await failureAs(anon, 'select public.reopen_conversation($1)', [contact.id])).toMatchObject({ code: '42501' })
    expect(await failureAs(carla, 'select public.reopen_conversation($1, $2)', [contact.id, randomUUID()])).toMatchObject(refused('channel_not_found'))
    const inactive = await createChannel({ active: false })
    expect(await failureAs(carla, 'select public.reopen_conversation($1, $2)', [contact.id, inactive.id])).toMatchObject(refused('channel_inactive'))
  })
})

describe('add_private_note', () => {
  it('stores a private note from anyone who may work the ticket, never queued for sending', async () => {
    const ticket = await createTicket({ status: 'open' })
    for (const [actor, id] of [[carla, DEMO.carla.id], [bruno, DEMO.bruno.id], [supervisor, DEMO.supervisor.id]] as const) {
      await runAs(actor, async (db) => {
        const note = await one(db, 'select * from public.add_private_note($1, $2)', [ticket.id, 'Cliente prefere contato à tarde'])
        expect(note).toMatchObject({ ticket_id: ticket.id, kind: 'note', is_private: true, sender_type: 'agent', sender_id: id, body: 'Cliente prefere contato à tarde' })
        expect(await inspect(db, actor, 'select id from public.outbox where message_id = $1', [note.id])).toEqual([])
        const [row] = await inspect(db, actor, 'select last_message_preview from public.tickets where id = $1', [ticket.id])
        expect(row!.last_message_preview).toBeNull()
      })
    }
  })

  it('refuses an empty note, observers, other teams and anon', async () => {
    const ticket = await createTicket({ status: 'open' })
    const call = 'select public.add_private_note($1, $2)'
    expect(await failureAs(carla, call, [ticket.id, '   '])).toMatchObject(refused('note_body_required'))
    expect(await failureAs(observer, call, [ticket.id, 'nota'])).toMatchObject(notAllowed)
    expect(await failureAs(diego, call, [ticket.id, 'nota'])).toMatchObject(refused('ticket_not_found'))
    expect(await failureAs(anon, call, [ticket.id, 'nota'])).toMatchObject({ code: '42501' })
  })
})

describe('send_message', () => {
  it('queues a text with its outbox row, sets first_response_at once and updates the inbox card', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      const first = await one(db, 'select * from public.send_message($1, p_body => $2)', [ticket.id, '  Olá! Como posso ajudar?  '])
      expect(first).toMatchObject({
        ticket_id: ticket.id, contact_id: ticket.contact_id, channel_id: ticket.channel_id, direction: 'outbound',
        sender_type: 'agent', sender_id: DEMO.carla.id, kind: 'text', body: 'Olá! Como posso ajudar?', status: 'pending', is_private: false,
      })
      const [outbox] = await inspect(db, carla, 'select * from public.outbox where message_id = $1', [first.id])
      expect(outbox).toMatchObject({ ticket_id: ticket.id, channel_id: ticket.channel_id, status: 'queued' })

      const afterFirst = (await inspect(db, carla, 'select * from public.tickets where id = $1', [ticket.id]))[0]!
      expect(afterFirst.first_response_at).toEqual(first.created_at)
      expect(afterFirst).toMatchObject({ last_message_at: first.created_at, last_message_preview: 'Olá! Como posso ajudar?' })

      const second = await one(db, 'select * from public.send_message($1, p_body => $2)', [ticket.id, 'Pode me passar o seu CPF?'])
      const afterSecond = (await inspect(db, carla, 'select * from public.tickets where id = $1', [ticket.id]))[0]!
      expect(afterSecond.first_response_at).toEqual(first.created_at)
      expect(afterSecond.last_message_at).toEqual(second.created_at)
      expect(time(second.created_at)).toBeGreaterThan(time(first.created_at))
    })
  })

  it('is idempotent on the client id: a retry returns the same message and queues nothing more', async () => {
    const ticket = await createTicket({ status: 'open' })
    const clientId = randomUUID()
    await runAs(carla, async (db) => {
      const call = 'select * from public.send_message($1, p_body => $2, p_client_id => $3)'
      const first = await one(db, call, [ticket.id, 'Enviando a segunda via', clientId])
      const retry = await one(db, call, [ticket.id, 'Enviando a segunda via', clientId])
      expect(retry.id).toBe(first.id)
      expect(await inspect(db, carla, 'select count(*)::int as n from public.outbox where ticket_id = $1', [ticket.id])).toEqual([{ n: 1 }])
      expect(await inspect(db, carla, 'select count(*)::int as n from public.messages where ticket_id = $1', [ticket.id])).toEqual([{ n: 1 }])

      const elsewhere = await createTicket({ status: 'open' })
      expect(await failure(db, call, [elsewhere.id, 'outro', clientId])).toMatchObject(refused('client_id_conflict'))
    })
  })

  it('sends media only from the caller\'s own upload folder', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      const path = `uploads/${DEMO.carla.id}/${randomUUID()}/foto.jpg`
      const image = await one(db, `select * from public.send_message($1, 'image', 'Veja a foto', $2, 'image/jpeg', 'foto.jpg', 1234)`, [ticket.id, path])
      expect(image).toMatchObject({ kind: 'image', media_path: path, media_mime: 'image/jpeg', media_size: '1234', body: 'Veja a foto' })
      const voice = await one(db, `select * from public.send_message($1, 'audio', null, $2, 'audio/ogg', null, 10, true)`, [ticket.id, `uploads/${DEMO.carla.id}/audio.ogg`])
      expect(voice).toMatchObject({ kind: 'audio', is_voice_note: true })
      const [card] = await inspect(db, carla, 'select last_message_preview from public.tickets where id = $1', [ticket.id])
      expect(card!.last_message_preview).toBe('🎤 Mensagem de voz')

      const media = `select public.send_message($1, 'document', null, $2, 'application/pdf', 'boleto.pdf')`
      expect(await failure(db, media, [ticket.id, `uploads/${DEMO.bruno.id}/boleto.pdf`])).toMatchObject(refused('media_path_not_allowed'))
      expect(await failure(db, media, [ticket.id, `uploads/${DEMO.carla.id}/../${DEMO.bruno.id}/boleto.pdf`])).toMatchObject(refused('media_path_not_allowed'))
      expect(await failure(db, media, [ticket.id, 'inbound/boleto.pdf'])).toMatchObject(refused('media_path_not_allowed'))
      expect(await failure(db, media, [ticket.id, null])).toMatchObject(refused('media_required'))
    })
  })

  it('refuses kinds that cannot be sent and empty texts', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(carla, async (db) => {
      expect(await failure(db, `select public.send_message($1, 'location', 'x')`, [ticket.id])).toMatchObject(refused('invalid_message_kind'))
      expect(await failure(db, `select public.send_message($1, 'note', 'x')`, [ticket.id])).toMatchObject(refused('invalid_message_kind'))
      expect(await failure(db, `select public.send_message($1, 'text', '  ')`, [ticket.id])).toMatchObject(refused('message_body_required'))
      expect(await failure(db, `select public.send_message($1, 'text', 'oi', $2)`, [ticket.id, `uploads/${DEMO.carla.id}/a.jpg`])).toMatchObject(refused('media_not_expected'))
    })
  })

  it('quotes only messages of the same conversation', async () => {
    const ticket = await createTicket({ status: 'open' })
    const inbound = await createMessage(ticket, { body: 'Minha internet caiu' })
    const earlier = await createTicket({ status: 'closed', contactId: ticket.contact_id, channelId: (await createChannel()).id })
    const fromEarlierTicket = await createMessage(earlier, { body: 'Mensagem antiga' })
    const stranger = await createMessage(await createTicket({ status: 'open' }), { body: 'Outro cliente' })
    await runAs(carla, async (db) => {
      const reply = await one(db, 'select * from public.send_message($1, p_body => $2, p_quoted_message_id => $3)', [ticket.id, 'Vou verificar', inbound.id])
      expect(reply).toMatchObject({ quoted_message_id: inbound.id, quoted_provider_message_id: inbound.provider_message_id })
      const older = await one(db, 'select * from public.send_message($1, p_body => $2, p_quoted_message_id => $3)', [ticket.id, 'Sobre isso', fromEarlierTicket.id])
      expect(older.quoted_message_id).toBe(fromEarlierTicket.id)

      const note = await one(db, 'select * from public.add_private_note($1, $2)', [ticket.id, 'nota interna'])
      const call = 'select public.send_message($1, p_body => $2, p_quoted_message_id => $3)'
      expect(await failure(db, call, [ticket.id, 'x', stranger.id])).toMatchObject(refused('quoted_message_not_found'))
      expect(await failure(db, call, [ticket.id, 'x', note.id])).toMatchObject(refused('quoted_message_not_found'))
      expect(await failure(db, call, [ticket.id, 'x', randomUUID()])).toMatchObject(refused('quoted_message_not_found'))
    })
  })

  it('refuses callers who are not the assignee, tickets that are not open and blocked contacts', async () => {
    const carlas = await createTicket({ status: 'open' })
    const queued = await createTicket({ status: 'queued' })
    const closed = await createTicket({ status: 'closed', assigneeId: DEMO.carla.id })
    const call = 'select public.send_message($1, p_body => $2)'
    expect(await failureAs(bruno, call, [carlas.id, 'oi'])).toMatchObject(notAllowed)
    expect(await failureAs(diego, call, [carlas.id, 'oi'])).toMatchObject(refused('ticket_not_found'))
    expect(await failureAs(observer, call, [carlas.id, 'oi'])).toMatchObject(notAllowed)
    expect(await failureAs(anon, call, [carlas.id, 'oi'])).toMatchObject({ code: '42501' })
    expect(await failureAs(carla, call, [queued.id, 'oi'])).toMatchObject(notAllowed)
    expect(await failureAs(supervisor, call, [queued.id, 'oi'])).toMatchObject(refused('ticket_not_open'))
    expect(await failureAs(carla, call, [closed.id, 'oi'])).toMatchObject(refused('ticket_not_open'))
    await runAs(supervisor, async (db) => {
      const message = await one(db, 'select * from public.send_message($1, p_body => $2)', [carlas.id, 'Sou o supervisor'])
      expect(message.sender_id).toBe(DEMO.supervisor.id)
    })
    await runAs(carla, async (db) => {
      await inspect(db, carla, 'update public.contacts set blocked = true where id = $1', [carlas.contact_id])
      expect(await failure(db, call, [carlas.id, 'oi'])).toMatchObject(refused('contact_blocked'))
      await deactivate(db, DEMO.carla.id, carla)
      expect(await failure(db, call, [carlas.id, 'oi'])).toMatchObject(notAllowed)
    })
  })
})

describe('mark_ticket_read', () => {
  it('lets the assignee or a supervisor reset the unread counter', async () => {
    const ticket = await createTicket({ status: 'open', values: { unread_count: 3 } })
    for (const actor of [carla, supervisor]) {
      await runAs(actor, async (db) => {
        expect(await one(db, 'select unread_count from public.mark_ticket_read($1)', [ticket.id])).toEqual({ unread_count: 0 })
      })
    }
    expect(await failureAs(bruno, 'select public.mark_ticket_read($1)', [ticket.id])).toMatchObject(notAllowed)
    expect(await failureAs(observer, 'select public.mark_ticket_read($1)', [ticket.id])).toMatchObject(notAllowed)
    expect(await failureAs(diego, 'select public.mark_ticket_read($1)', [ticket.id])).toMatchObject(refused('ticket_not_found'))
  })
})

describe('record_rating and expire_rating (the bot)', () => {
  async function awaitingRating(channelId?: string): Promise<TicketRow> {
    return createTicket({
      status: 'closed', assigneeId: DEMO.carla.id, channelId,
      values: { rating_status: 'requested', rating_requested_at: new Date() },
    })
  }

  it('are denied to signed-in users, even admins', async () => {
    const ticket = await awaitingRating()
    for (const actor of [carla, admin, anon]) {
      expect(await failureAs(actor, 'select public.record_rating($1, 10)', [ticket.id])).toMatchObject({ code: '42501' })
      expect(await failureAs(actor, 'select public.expire_rating($1)', [ticket.id])).toMatchObject({ code: '42501' })
    }
  })

  it('records a good rating without flagging it', async () => {
    const ticket = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      const rated = await one(db, `select * from public.record_rating($1, 9, 'nota 9!')`, [ticket.id])
      expect(rated).toMatchObject({ rating: 9, rating_status: 'rated', low_rating_flag: false })
      expect(rated.rated_at).toBeInstanceOf(Date)
      const trail = await events(db, serviceRole, ticket.id)
      expect(trail).toMatchObject([{ type: 'rated', actor_id: null, data: { rating: 9, raw_answer: 'nota 9!' } }])

      expect(await failure(db, 'select public.record_rating($1, 10)', [ticket.id])).toMatchObject(refused('rating_not_requested'))
    })
  })

  it('flags ratings at or below the channel\'s threshold', async () => {
    const channel = await createChannel()
    const ticket = await awaitingRating(channel.id)
    await runAs(serviceRole, async (db) => {
      await inspect(db, serviceRole, 'update public.bot_settings set low_rating_threshold = 8 where channel_id = $1', [channel.id])
      const rated = await one(db, 'select * from public.record_rating($1, 8)', [ticket.id])
      expect(rated).toMatchObject({ rating: 8, low_rating_flag: true })
      const trail = await events(db, serviceRole, ticket.id)
      expect(trail.map(event => event.type)).toEqual(['rated', 'low_rating_flagged'])
      expect(trail[1]).toMatchObject({ data: { rating: 8, threshold: 8 } })
    })
    const defaultThreshold = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      expect(await one(db, 'select low_rating_flag from public.record_rating($1, 7)', [defaultThreshold.id])).toEqual({ low_rating_flag: false })
    })
  })

  it('refuses ratings outside 1..10 and tickets not waiting for one', async () => {
    const ticket = await awaitingRating()
    const open = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      expect(await failure(db, 'select public.record_rating($1, 0)', [ticket.id])).toMatchObject(refused('invalid_rating'))
      expect(await failure(db, 'select public.record_rating($1, 11)', [ticket.id])).toMatchObject(refused('invalid_rating'))
      expect(await failure(db, 'select public.record_rating($1, 5)', [open.id])).toMatchObject(refused('rating_not_requested'))
      expect(await failure(db, 'select public.record_rating($1, 5)', [randomUUID()])).toMatchObject(refused('ticket_not_found'))
    })
  })

  it('expires an unanswered request once', async () => {
    const ticket = await awaitingRating()
    await runAs(serviceRole, async (db) => {
      expect(await one(db, 'select rating_status, rating from public.expire_rating($1)', [ticket.id])).toEqual({ rating_status: 'expired', rating: null })
      expect((await events(db, serviceRole, ticket.id)).map(event => event.type)).toEqual(['rating_expired'])
      expect(await failure(db, 'select public.expire_rating($1)', [ticket.id])).toMatchObject(refused('rating_not_requested'))
      expect(await failure(db, 'select public.record_rating($1, 9)', [ticket.id])).toMatchObject(refused('rating_not_requested'))
    })
  })
})

describe('a whole ticket life', () => {
  it('goes queued → accepted → answered → transferred → accepted → closed → rated with one event per step', async () => {
    const ticket = await createTicket({ status: 'queued' })
    await runAs(carla, async (db) => {
      await db.query('select public.accept_ticket($1)', [ticket.id])
      await db.query('select public.send_message($1, p_body => $2)', [ticket.id, 'Olá, vou verificar'])
      await db.query('select public.transfer_ticket($1, p_to_team_id => $2, p_note => $3)', [ticket.id, DEMO.teams.finance, 'É cobrança'])
      await become(db, diego)
      await db.query('select public.accept_ticket($1)', [ticket.id])
      await db.query('select public.close_ticket($1, $2)', [ticket.id, CLASSIFICATION.billing])
      await become(db, serviceRole)
      await db.query('select public.record_rating($1, 10)', [ticket.id])

      const trail = await events(db, serviceRole, ticket.id)
      expect(trail.map(event => [event.type, event.actor_id])).toEqual([
        ['accepted', DEMO.carla.id],
        ['transferred', DEMO.carla.id],
        ['accepted', DEMO.diego.id],
        ['closed', DEMO.diego.id],
        ['rating_requested', null],
        ['rated', null],
      ])
      const [final] = await inspect(db, serviceRole, 'select * from public.tickets where id = $1', [ticket.id])
      expect(final).toMatchObject({ status: 'closed', assignee_id: DEMO.diego.id, team_id: DEMO.teams.finance, rating: 10, closed_reason: 'agent' })
      expect(final!.first_response_at).toBeInstanceOf(Date)
      expect(time(final!.accepted_at)).toBeLessThanOrEqual(time(final!.first_response_at))
    })
  })
})

describe('demo data (supabase/seed.sql)', () => {
  const SEED_TICKETS = {
    closedRated: '00000000-0000-4000-f000-000000000001',
    openWithCarla: '00000000-0000-4000-f000-000000000002',
    queuedInSupport: '00000000-0000-4000-f000-000000000003',
  }

  it('gives Carla her open ticket and her team\'s queue, and works with the RPCs', async () => {
    await runAs(carla, async (db) => {
      const { rows } = await db.query('select id, status, assignee_id from public.tickets where id = any($1) order by number', [Object.values(SEED_TICKETS)])
      expect(rows).toEqual([
        { id: SEED_TICKETS.openWithCarla, status: 'open', assignee_id: DEMO.carla.id },
        { id: SEED_TICKETS.queuedInSupport, status: 'queued', assignee_id: null },
      ])
      const quoted = await one(db, `select quoted_message_id from public.messages where ticket_id = $1 and quoted_message_id is not null`, [SEED_TICKETS.openWithCarla])
      const reply = await one(db, 'select * from public.send_message($1, p_body => $2, p_quoted_message_id => $3)', [SEED_TICKETS.openWithCarla, 'Sinal normalizado?', quoted.quoted_message_id])
      expect(reply.status).toBe('pending')
    })
    await runAs(bruno, async (db) => {
      expect(await one(db, 'select status, assignee_id from public.accept_ticket($1)', [SEED_TICKETS.queuedInSupport])).toEqual({ status: 'open', assignee_id: DEMO.bruno.id })
    })
  })

  it('has a closed, rated ticket whose events tell its whole life', async () => {
    const [ticket] = await runAs(supervisor, async db => (await db.query('select * from public.tickets where id = $1', [SEED_TICKETS.closedRated])).rows)
    expect(ticket).toMatchObject({ status: 'closed', rating_status: 'rated', rating: 9, assignee_id: DEMO.diego.id, team_id: DEMO.teams.finance })
    const trail = await runAs(supervisor, async db => (await db.query('select type from public.ticket_events where ticket_id = $1 order by created_at, id', [SEED_TICKETS.closedRated])).rows)
    expect(trail.map(event => event.type)).toEqual(['created', 'queued', 'accepted', 'closed', 'rating_requested', 'rated'])
  })

  it('routes the default channel\'s menu 1 → Suporte Técnico, 2 → Financeiro, falling back to Suporte', async () => {
    await runAs(carla, async (db) => {
      const { rows: options } = await db.query('select position, team_id from public.bot_menu_options where channel_id = $1 order by position', [SEED_DEFAULT_CHANNEL])
      expect(options).toEqual([{ position: 1, team_id: DEMO.teams.support }, { position: 2, team_id: DEMO.teams.finance }])
      expect(await one(db, 'select fallback_team_id from public.bot_settings where channel_id = $1', [SEED_DEFAULT_CHANNEL])).toEqual({ fallback_team_id: DEMO.teams.support })
    })
  })
})
