/**
 * The analytics views (supabase/migrations/*_analytics.sql) against a seeded scenario with known answers,
 * and the read-only Power BI login: it reads the analytics views and nothing else, and writes nothing.
 *
 * The scenario lives in March 2020 on its own channel, so the daily aggregates of those days contain
 * only it. Company time zone: America/Sao_Paulo (UTC−3 in 2020).
 */
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, closeOwnerPool, ownerPool } from '../support/db.ts'
import { createChannel, createContact } from '../support/fixtures.ts'
import { getStack } from '../support/stack.ts'

afterAll(closeOwnerPool)

const t = (iso: string) => new Date(iso)
let channelId: string
const ids = { a: '', b: '', c: '' }

/**
 * Ticket A: created 2020-03-10 02:30Z (local 2020-03-09 23:30), queued +60 s, accepted by Carla +300 s
 *   later, first reply +30 s, transferred once, closed 2020-03-10 03:30Z (local 03-10 00:30), rated 10.
 * Ticket B: created 2020-03-10 13:00Z, queued +30 s, auto-assigned to Bruno +0, first reply +120 s,
 *   closed +1800 s after acceptance, rated 6 (detractor, flagged).
 * Ticket C: created 2020-03-10 14:00Z, closed by the customer's keyword while with the bot.
 */
beforeAll(async () => {
  const db = ownerPool()
  channelId = (await createChannel({ name: `Analytics ${randomUUID().slice(0, 6)}` })).id
  const insertTicket = async (values: Record<string, unknown>) => {
    const contact = await createContact({ display_name: `Cliente ${randomUUID().slice(0, 4)}`, created_at: values.created_at })
    const columns = ['channel_id', 'contact_id', ...Object.keys(values)]
    const params = [channelId, contact.id, ...Object.values(values)]
    const { rows: [row] } = await db.query(
      `insert into public.tickets (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning id`, params)
    return row.id as string
  }
  const event = (ticketId: string, type: string, at: string, extra: Record<string, unknown> = {}) =>
    db.query(`insert into public.ticket_events (ticket_id, type, created_at, actor_id, from_team_id, to_team_id, to_agent_id) values ($1, $2, $3, $4, $5, $6, $7)`,
      [ticketId, type, t(at), extra.actor_id ?? null, extra.from_team_id ?? null, extra.to_team_id ?? null, extra.to_agent_id ?? null])
  const message = (ticketId: string, direction: string, sender: string, at: string, extra: Record<string, unknown> = {}) =>
    db.query(`insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, is_private, created_at)
              select $1, contact_id, channel_id, $2, $3, $4, $5, 'texto', $6, $7 from public.tickets where id = $1`,
    [ticketId, direction, sender, extra.sender_id ?? null, extra.kind ?? 'text', extra.kind === 'note', t(at)])

  ids.a = await insertTicket({
    status: 'closed', team_id: DEMO.teams.finance, assignee_id: DEMO.carla.id, created_at: t('2020-03-10T02:30:00Z'),
    queued_at: t('2020-03-10T02:31:00Z'), accepted_at: t('2020-03-10T02:36:00Z'), first_response_at: t('2020-03-10T02:36:30Z'),
    closed_at: t('2020-03-10T03:30:00Z'), closed_reason: 'agent', rating_status: 'rated', rating_requested_at: t('2020-03-10T03:30:00Z'),
    rating: 10, rated_at: t('2020-03-10T03:40:00Z'), closing_comment: 'Resolvido',
  })
  await event(ids.a, 'created', '2020-03-10T02:30:00Z')
  await event(ids.a, 'queued', '2020-03-10T02:31:00Z', { to_team_id: DEMO.teams.support })
  await event(ids.a, 'accepted', '2020-03-10T02:36:00Z', { actor_id: DEMO.carla.id, to_agent_id: DEMO.carla.id })
  await event(ids.a, 'transferred', '2020-03-10T03:00:00Z', { actor_id: DEMO.carla.id, from_team_id: DEMO.teams.support, to_team_id: DEMO.teams.finance })
  await message(ids.a, 'inbound', 'contact', '2020-03-10T02:30:00Z')
  await message(ids.a, 'outbound', 'bot', '2020-03-10T02:30:01Z')
  await message(ids.a, 'inbound', 'contact', '2020-03-10T02:31:00Z')
  await message(ids.a, 'outbound', 'agent', '2020-03-10T02:36:30Z', { sender_id: DEMO.carla.id })
  await message(ids.a, 'outbound', 'agent', '2020-03-10T02:40:00Z', { sender_id: DEMO.carla.id, kind: 'note' })

  ids.b = await insertTicket({
    status: 'closed', team_id: DEMO.teams.support, assignee_id: DEMO.bruno.id, created_at: t('2020-03-10T13:00:00Z'),
    queued_at: t('2020-03-10T13:00:30Z'), accepted_at: t('2020-03-10T13:00:30Z'), first_response_at: t('2020-03-10T13:02:30Z'),
    closed_at: t('2020-03-10T13:30:30Z'), closed_reason: 'agent', rating_status: 'rated', rating_requested_at: t('2020-03-10T13:30:30Z'),
    rating: 6, rated_at: t('2020-03-10T13:35:00Z'), low_rating_flag: true,
  })
  await event(ids.b, 'queued', '2020-03-10T13:00:30Z', { to_team_id: DEMO.teams.support })
  await event(ids.b, 'auto_assigned', '2020-03-10T13:00:30Z', { to_team_id: DEMO.teams.support, to_agent_id: DEMO.bruno.id })
  await message(ids.b, 'inbound', 'contact', '2020-03-10T13:00:00Z')
  await message(ids.b, 'outbound', 'agent', '2020-03-10T13:02:30Z', { sender_id: DEMO.bruno.id })
  await message(ids.b, 'outbound', 'agent', '2020-03-10T13:10:00Z', { sender_id: DEMO.bruno.id })

  ids.c = await insertTicket({
    status: 'closed', created_at: t('2020-03-10T14:00:00Z'), closed_at: t('2020-03-10T14:01:00Z'), closed_reason: 'customer_keyword',
  })
  await message(ids.c, 'inbound', 'contact', '2020-03-10T14:00:00Z')
  await message(ids.c, 'outbound', 'bot', '2020-03-10T14:00:01Z')
})

describe('analytics.tickets', () => {
  it('gives every duration by its definition, local dates and the counts', async () => {
    const { rows } = await ownerPool().query(
      `select * from analytics.tickets where channel_id = $1 order by created_at`, [channelId])
    expect(rows).toHaveLength(3)
    const [a, b, c] = rows
    expect(a).toMatchObject({
      ticket_id: ids.a, status: 'closed', team_name: 'Financeiro', agent_name: expect.stringMatching(/^Carla/),
      created_date: expect.any(Date), created_hour: 23, created_weekday: 1, closed_by_bot: false,
      bot_seconds: '60.000', wait_seconds: '300.000', first_response_seconds: '30.000', handle_seconds: '3240.000',
      resolution_seconds: '3600.000', transfers: 1, messages_in: 2, messages_out_agent: 1, messages_out_bot: 1, private_notes: 1,
      rating: 10, rating_bucket: 'promoter', closing_comment: 'Resolvido',
    })
    expect(localDay(a.created_date)).toBe('2020-03-09')
    expect(localDay(a.closed_date)).toBe('2020-03-10')
    expect(b).toMatchObject({
      wait_seconds: '0.000', first_response_seconds: '120.000', handle_seconds: '1800.000', transfers: 0,
      rating: 6, rating_bucket: 'detractor', low_rating_flag: true, agent_name: expect.stringMatching(/^Bruno/),
    })
    expect(c).toMatchObject({ closed_by_bot: true, wait_seconds: null, handle_seconds: null, resolution_seconds: '60.000', rating: null })
  })
})

describe('analytics.messages, transfers and ratings', () => {
  it('has one row per message with kinds and local dates, no content', async () => {
    const { rows } = await ownerPool().query(
      `select direction, sender_type, kind, is_private, body_length from analytics.messages where channel_id = $1 order by created_at`, [channelId])
    expect(rows).toHaveLength(10)
    expect(rows.filter(r => r.direction === 'inbound')).toHaveLength(4)
    expect(rows.find(r => r.kind === 'note')).toMatchObject({ is_private: true })
    expect(Object.keys(rows[0]!)).not.toContain('body')
  })

  it('lists the transfer with names and the ratings with buckets', async () => {
    const { rows: transfers } = await ownerPool().query(`select * from analytics.transfers where ticket_id = $1`, [ids.a])
    expect(transfers).toEqual([expect.objectContaining({ from_team_name: 'Suporte Técnico', to_team_name: 'Financeiro', actor_name: expect.stringMatching(/^Carla/) })])
    const { rows: ratings } = await ownerPool().query(
      `select rating, rating_bucket, low_rating_flag from analytics.ratings where ticket_id = any($1) order by rating`, [[ids.a, ids.b, ids.c]])
    expect(ratings).toEqual([
      { rating: 6, rating_bucket: 'detractor', low_rating_flag: true },
      { rating: 10, rating_bucket: 'promoter', low_rating_flag: false },
    ])
  })
})

describe('analytics.queue_waits', () => {
  it('has one wait per acceptance: by hand from the queue entry, by the round robin zero', async () => {
    // Ticket A's acceptance event was written without data.queued_at here, so it starts at the event; add it.
    await ownerPool().query(`update public.ticket_events set data = jsonb_build_object('queued_at', '2020-03-10T02:31:00Z') where ticket_id = $1 and type = 'accepted'`, [ids.a])
    const { rows } = await ownerPool().query(
      `select ticket_id, ended_by, wait_seconds, team_name from analytics.queue_waits where ticket_id = any($1) order by accepted_at`, [[ids.a, ids.b]])
    expect(rows).toEqual([
      { ticket_id: ids.a, ended_by: 'accepted', wait_seconds: '300.000', team_name: null },
      { ticket_id: ids.b, ended_by: 'auto_assigned', wait_seconds: '0.000', team_name: 'Suporte Técnico' },
    ])
  })
})

describe('analytics.daily and analytics.agents_daily', () => {
  it('adds up each local day', async () => {
    const { rows } = await ownerPool().query(
      `select * from analytics.daily where day between '2020-03-09' and '2020-03-10' order by day`)
    expect(rows.map(r => localDay(r.day))).toEqual(['2020-03-09', '2020-03-10'])
    const [monday, tuesday] = rows
    // Ticket A was created on the 9th (local) and everything else happened on the 10th.
    // Private notes are not messages out.
    expect(monday).toMatchObject({ tickets_created: 1, tickets_closed: 0, messages_in: 2, messages_out: 2, new_contacts: 1 })
    expect(tuesday).toMatchObject({
      tickets_created: 2, tickets_closed: 3, tickets_closed_by_bot: 1, messages_in: 2, messages_out: 3, new_contacts: 2,
      avg_wait_seconds: '150.000', avg_handle_seconds: '2520.000', avg_first_response_seconds: '75.000',
      transfers: 1, ratings: 2, avg_rating: '8.000', promoters: 1, passives: 0, detractors: 1, nps: '0.0',
    })
  })

  it('credits each agent with their day', async () => {
    const { rows } = await ownerPool().query(
      `select agent_id, tickets_accepted, tickets_closed, messages_sent, avg_handle_seconds, ratings, avg_rating
       from analytics.agents_daily where day = '2020-03-10' and agent_id = any($1) order by agent_name`, [[DEMO.carla.id, DEMO.bruno.id]])
    expect(rows).toEqual([
      { agent_id: DEMO.bruno.id, tickets_accepted: 1, tickets_closed: 1, messages_sent: 2, avg_handle_seconds: '1800.000', ratings: 1, avg_rating: '6.000' },
      { agent_id: DEMO.carla.id, tickets_accepted: 0, tickets_closed: 1, messages_sent: 0, avg_handle_seconds: '3240.000', ratings: 1, avg_rating: '10.000' },
    ])
    // Carla accepted ticket A on the 9th (local 23:36).
    const { rows: [carla9] } = await ownerPool().query(
      `select tickets_accepted, messages_sent from analytics.agents_daily where day = '2020-03-09' and agent_id = $1`, [DEMO.carla.id])
    expect(carla9).toEqual({ tickets_accepted: 1, messages_sent: 1 })
  })
})

describe('the Power BI login (private.create_analytics_login)', () => {
  const name = `powerbi_${randomUUID().slice(0, 8)}`
  const password = 'uma-senha-bem-longa-e-secreta'
  let reader: pg.Client

  beforeAll(async () => {
    await ownerPool().query('select private.create_analytics_login($1, $2, 3, $3)', [name, password, '5s'])
    const url = new URL(getStack().dbUrl)
    url.username = name
    url.password = password
    reader = new pg.Client({ connectionString: url.toString() })
    await reader.connect()
  })

  afterAll(async () => {
    await reader?.end()
    await ownerPool().query(`drop role if exists ${name}`)
  })

  /** The SQLSTATE the statement fails with ('no error' if it succeeds); the session is clean afterwards. */
  const failure = async (sql: string) => {
    try {
      await reader.query(sql)
      return 'no error'
    }
    catch (error) {
      return (error as { code?: string }).code
    }
    finally {
      await reader.query('rollback').catch(() => {})
    }
  }

  it('reads the analytics views, with the timeout and the limit it was given', async () => {
    const { rows } = await reader.query('select count(*)::int as n from tickets')
    expect(rows[0].n).toBeGreaterThanOrEqual(3)
    expect((await reader.query('show statement_timeout')).rows[0].statement_timeout).toBe('5s')
    expect((await reader.query('show default_transaction_read_only')).rows[0].default_transaction_read_only).toBe('on')
    const { rows: [role] } = await ownerPool().query('select rolconnlimit, rolsuper, rolbypassrls from pg_roles where rolname = $1', [name])
    expect(role).toEqual({ rolconnlimit: 3, rolsuper: false, rolbypassrls: false })
  })

  it('reads nothing outside analytics', async () => {
    for (const table of ['public.tickets', 'public.messages', 'public.contacts', 'public.profiles', 'public.channel_secrets', 'public.api_keys', 'auth.users', 'storage.objects']) {
      expect(await failure(`select 1 from ${table} limit 1`), table).toBe('42501')
    }
    expect(await failure(`select public.search_messages('x')`)).toBe('42501')
  })

  it('writes nothing, even in analytics', async () => {
    // Read-only by default (every transaction it opens)…
    expect((await reader.query(`select current_setting('transaction_read_only') as ro`)).rows).toEqual([{ ro: 'on' }])
    expect(await failure(`create temp table scratch (id int)`)).toBe('25006')
    // …and without any privilege to write when it asks for a read-write transaction.
    expect(await failure(`begin read write; delete from analytics.teams`)).toBe('42501')
    expect(await failure(`begin read write; create table analytics.x (id int)`)).toBe('42501')
    expect(await failure(`begin read write; create table public.x (id int)`)).toBe('42501')
    expect(await failure(`begin read write; update public.app_settings set company_name = 'x'`)).toBe('42501')
    expect(await failure(`begin read write; create role intruso`)).toBe('42501')
  })

  it('refuses weak passwords and reserved names', async () => {
    await expect(ownerPool().query('select private.create_analytics_login($1, $2)', ['powerbi_x', 'curta'])).rejects.toMatchObject({ message: 'weak_password' })
    await expect(ownerPool().query('select private.create_analytics_login($1, $2)', ['postgres', password])).rejects.toMatchObject({ message: 'invalid_role_name' })
  })
})

/** A date column (pg returns a local-midnight Date for `date`) as YYYY-MM-DD. */
function localDay(value: Date | string): string {
  if (typeof value === 'string') return value.slice(0, 10)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`
}
