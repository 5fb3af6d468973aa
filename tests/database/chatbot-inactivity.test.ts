/**
 * run_inactivity_rules (supabase/migrations/*_chatbot.sql), the scheduler's sweep: the warning after
 * our last message went unanswered, the close after the warning (with the channel's inactivity
 * classification and farewell, no rating), a customer answer resetting it all, abandoned menus, and the
 * channels that configure only one of the two steps. Time travels through p_now instead of sleeping.
 *
 * The sweep covers every channel, and other tests commit tickets on channels with inactivity rules (the
 * demo channel among them), so each test first switches the rules off on every channel but its own,
 * inside its rolled-back transaction: the counts it reads are then its own.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, ownerPool, runAs, serviceRole, type Actor } from '../support/db.ts'
import { createChannel, createContact, createTicket, type TicketOptions, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = Record<string, unknown>
interface Counts { warned: number, closed: number, bot_closed: number }

const MINUTE = 60_000
const INACTIVITY_CLASSIFICATION = '00000000-0000-4000-c000-000000000006'
const WARNING = 'Ainda está por aí? Sem resposta, vamos encerrar o atendimento.'
const FAREWELL = 'Atendimento encerrado. Obrigado!'
const carla = asUser(DEMO.carla.id)

async function become(db: pg.PoolClient, actor: Actor | 'owner'): Promise<void> {
  if (actor === 'owner') {
    await db.query(`select set_config('role', session_user, true), set_config('request.jwt.claims', '', true)`)
    return
  }
  const claims = actor.role === 'authenticated' ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' } : { role: actor.role }
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
}

/** The sweep as the scheduler runs it, `minutes` from now. */
async function sweep(db: pg.ClientBase, minutes = 0): Promise<Counts> {
  const { rows } = await db.query<{ counts: Counts }>(`select public.run_inactivity_rules(now() + make_interval(mins => $1)) as counts`, [minutes])
  return rows[0]!.counts
}

/**
 * Configures the channel's rules (inside the transaction) and switches them off on every other channel,
 * so the sweep sees only this test's tickets.
 */
async function rules(db: pg.PoolClient, channelId: string, settings: { warning: number | null, close: number | null, warningText?: string | null }): Promise<void> {
  await become(db, 'owner')
  await db.query(`
    update public.bot_settings set inactivity_warning_minutes = null, inactivity_close_minutes = null
    where channel_id <> $1 and (inactivity_warning_minutes is not null or inactivity_close_minutes is not null)`, [channelId])
  await db.query(`
    update public.bot_settings
    set inactivity_warning_minutes = $2, inactivity_close_minutes = $3, inactivity_warning_text = $4,
        inactivity_classification_id = $5, farewell_text = $6
    where channel_id = $1`,
  [channelId, settings.warning, settings.close, settings.warningText === undefined ? WARNING : settings.warningText, INACTIVITY_CLASSIFICATION, FAREWELL])
  await become(db, serviceRole)
}

/** A ticket whose customer last wrote `inboundAgo` minutes ago and whose last message overall was `lastAgo` ago. */
function ticketAt(status: TicketOptions['status'], channelId: string, inboundAgo: number, lastAgo: number, options: TicketOptions = {}): Promise<TicketRow> {
  const at = (minutes: number) => new Date(Date.now() - minutes * MINUTE)
  return createTicket({ status, channelId, ...options, values: { last_inbound_at: at(inboundAgo), last_message_at: at(lastAgo), last_message_preview: 'última', ...options.values } })
}

async function reload(db: pg.ClientBase, ticketId: string): Promise<Row> {
  return (await db.query('select * from public.tickets where id = $1', [ticketId])).rows[0]!
}

async function outbound(db: pg.ClientBase, ticketId: string): Promise<unknown[]> {
  const { rows } = await db.query(`select body from public.messages where ticket_id = $1 and direction = 'outbound' order by created_at, id`, [ticketId])
  return rows.map(row => row.body)
}

async function events(db: pg.ClientBase, ticketId: string): Promise<Row[]> {
  return (await db.query('select type, actor_id, from_agent_id, data from public.ticket_events where ticket_id = $1 order by id', [ticketId])).rows
}

describe('run_inactivity_rules', () => {
  it('is for the service role (the scheduler) only', async () => {
    for (const actor of [carla, asUser(DEMO.admin.id), anon]) {
      await runAs(actor, async (db) => {
        await expect(db.query('select public.run_inactivity_rules()')).rejects.toMatchObject({ code: '42501' })
      })
    }
  })

  it('warns once after our last message went unanswered, then closes with the inactivity classification, the farewell and no rating', async () => {
    const channel = await createChannel()
    const idle = await ticketAt('open', channel.id, 50, 40)
    const customerLast = await ticketAt('open', channel.id, 90, 90)
    const queued = await ticketAt('queued', channel.id, 91, 90)
    await runAs(serviceRole, async (db) => {
      await rules(db, channel.id, { warning: 30, close: 60 })

      expect(await sweep(db)).toEqual({ warned: 1, closed: 0, bot_closed: 0 })
      const warned = await reload(db, idle.id)
      expect(warned).toMatchObject({ status: 'open', last_message_preview: WARNING })
      const warnedAt = (warned.bot_state as Row).inactivity_warned_at as string
      expect(Date.parse(warnedAt)).toBeGreaterThan(Date.now() - MINUTE)
      expect(await outbound(db, idle.id)).toEqual([WARNING])
      const [warning] = await events(db, idle.id)
      const warningMessage = (await db.query(`select id, sender_type, status from public.messages where ticket_id = $1`, [idle.id])).rows[0]!
      expect(warningMessage).toMatchObject({ sender_type: 'bot', status: 'pending' })
      expect(warning).toMatchObject({ type: 'inactivity_warned', actor_id: null, data: { message_id: warningMessage.id, minutes: 30 } })

      // Warned already; the close waits 60 minutes from the warning.
      expect(await sweep(db)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 59)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 61)).toEqual({ warned: 0, closed: 1, bot_closed: 0 })

      const closed = await reload(db, idle.id)
      expect(closed).toMatchObject({
        status: 'closed', closed_reason: 'inactivity', closed_by: null, classification_id: INACTIVITY_CLASSIFICATION,
        rating_status: null, unread_count: 0, assignee_id: DEMO.carla.id, last_message_preview: FAREWELL,
      })
      expect(await outbound(db, idle.id)).toEqual([WARNING, FAREWELL])
      const trail = await events(db, idle.id)
      expect(trail.map(event => event.type)).toEqual(['inactivity_warned', 'closed'])
      expect(trail[1]).toMatchObject({
        actor_id: null, from_agent_id: DEMO.carla.id,
        data: { reason: 'inactivity', classification_id: INACTIVITY_CLASSIFICATION, from_status: 'open', warned_at: warnedAt },
      })

      // The customer wrote last, or waits in a queue: we owe them, they are never closed.
      expect(await sweep(db, 10_000)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await reload(db, customerLast.id)).toMatchObject({ status: 'open', bot_state: {} })
      expect(await reload(db, queued.id)).toMatchObject({ status: 'queued' })
    })
  })

  it('starts over when the customer answers, and warns again after the agent\'s next unanswered message', async () => {
    const channel = await createChannel()
    const idle = await ticketAt('open', channel.id, 50, 40)
    await runAs(serviceRole, async (db) => {
      await rules(db, channel.id, { warning: 30, close: 60 })
      expect(await sweep(db)).toEqual({ warned: 1, closed: 0, bot_closed: 0 })

      await db.query('select public.ingest_inbound_message($1, $2, $3::jsonb)', [channel.id, idle.contact_id, JSON.stringify({ provider_message_id: `wamid.${randomUUID()}`, body: 'Estou aqui!' })])
      expect(await sweep(db, 500)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await reload(db, idle.id)).toMatchObject({ status: 'open' })

      await become(db, carla)
      await db.query('select public.send_message($1, p_body => $2)', [idle.id, 'Conseguiu testar?'])
      await become(db, serviceRole)
      expect(await sweep(db, 29)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      // Long past the first warning's close time: that warning was answered, so this is a new warning.
      expect(await sweep(db, 62)).toEqual({ warned: 1, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 62 + 61)).toEqual({ warned: 0, closed: 1, bot_closed: 0 })
      expect((await events(db, idle.id)).map(event => event.type)).toEqual(['inactivity_warned', 'inactivity_warned', 'closed'])
    })
  })

  it('closes menu conversations the customer left, silently, but not one whose last message is the customer\'s', async () => {
    const channel = await createChannel()
    const left = await ticketAt('bot', channel.id, 12, 10)
    const waitingForBot = await ticketAt('bot', channel.id, 90, 90)
    await runAs(serviceRole, async (db) => {
      await rules(db, channel.id, { warning: 30, close: 60 })
      expect(await sweep(db, 49)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 51)).toEqual({ warned: 0, closed: 0, bot_closed: 1 })
      expect(await reload(db, left.id)).toMatchObject({ status: 'closed', closed_reason: 'bot', classification_id: null, rating_status: null })
      expect(await outbound(db, left.id)).toEqual([])
      expect(await events(db, left.id)).toMatchObject([{ type: 'closed', actor_id: null, data: { reason: 'bot', from_status: 'bot' } }])
      expect(await reload(db, waitingForBot.id)).toMatchObject({ status: 'bot' })
    })
  })

  it('only warns when only the warning is configured, and closes without warning when only the close is', async () => {
    const warnOnly = await createChannel()
    const warnOnlyTicket = await ticketAt('open', warnOnly.id, 50, 40)
    await runAs(serviceRole, async (db) => {
      await rules(db, warnOnly.id, { warning: 30, close: null })
      expect(await sweep(db, 1_000)).toEqual({ warned: 1, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 100_000)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await reload(db, warnOnlyTicket.id)).toMatchObject({ status: 'open' })
    })

    const closeOnly = await createChannel()
    const closeOnlyTicket = await ticketAt('open', closeOnly.id, 50, 40)
    await runAs(serviceRole, async (db) => {
      await rules(db, closeOnly.id, { warning: null, close: 60 })
      expect(await sweep(db, 19)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await sweep(db, 21)).toEqual({ warned: 0, closed: 1, bot_closed: 0 })
      expect(await outbound(db, closeOnlyTicket.id)).toEqual([FAREWELL])
      expect((await events(db, closeOnlyTicket.id)).map(event => event.type)).toEqual(['closed'])
    })

    // A warning without a text to send counts as no warning.
    const silent = await createChannel()
    const silentTicket = await ticketAt('open', silent.id, 50, 40)
    await runAs(serviceRole, async (db) => {
      await rules(db, silent.id, { warning: 30, close: 60, warningText: '  ' })
      expect(await sweep(db, 21)).toEqual({ warned: 0, closed: 1, bot_closed: 0 })
      expect(await reload(db, silentTicket.id)).toMatchObject({ status: 'closed', closed_reason: 'inactivity' })
    })
  })

  it('sends nothing to a blocked contact but still closes, and leaves deactivated channels alone', async () => {
    const channel = await createChannel()
    const contact = await createContact({ blocked: true })
    const blocked = await ticketAt('open', channel.id, 50, 40, { contactId: contact.id })
    const inactive = await createChannel({ active: false })
    const onInactive = await ticketAt('open', inactive.id, 500, 400)
    await runAs(serviceRole, async (db) => {
      await rules(db, channel.id, { warning: 30, close: 60 })
      expect(await sweep(db)).toEqual({ warned: 1, closed: 0, bot_closed: 0 })
      expect(await events(db, blocked.id)).toMatchObject([{ type: 'inactivity_warned', data: { message_id: null } }])
      expect(await sweep(db, 61)).toEqual({ warned: 0, closed: 1, bot_closed: 0 })
      expect(await outbound(db, blocked.id)).toEqual([])

      await rules(db, inactive.id, { warning: 30, close: 60 })
      expect(await sweep(db, 10_000)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      expect(await reload(db, onInactive.id)).toMatchObject({ status: 'open' })
    })
  })

  it('lets a customer message being stored right now win: the sweep skips that ticket', async () => {
    const channel = await createChannel()
    const idle = await ticketAt('open', channel.id, 500, 400)
    const webhook = await ownerPool().connect()
    try {
      await webhook.query('begin')
      await webhook.query(`select set_config('role', 'service_role', true), set_config('request.jwt.claims', '{"role":"service_role"}', true)`)
      // The webhook holds the ticket's row while it stores the message (ingest_inbound_message locks it).
      await webhook.query('select public.ingest_inbound_message($1, $2, $3::jsonb)', [channel.id, idle.contact_id, JSON.stringify({ provider_message_id: `wamid.${randomUUID()}`, body: 'Oi, voltei' })])
      await runAs(serviceRole, async (db) => {
        // Were the sweep to wait for the webhook's lock, this fails fast instead of hanging.
        await db.query(`set local lock_timeout = '2s'`)
        await rules(db, channel.id, { warning: 30, close: 60 })
        expect(await sweep(db, 10_000)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      })
      await webhook.query('commit')
      await runAs(serviceRole, async (db) => {
        await rules(db, channel.id, { warning: 30, close: 60 })
        // Committed, the answer is the ticket's last message: nothing to warn about.
        expect(await sweep(db, 10_000)).toEqual({ warned: 0, closed: 0, bot_closed: 0 })
      })
    }
    finally {
      await webhook.query('rollback').catch(() => {})
      webhook.release()
    }
  })
})
