/**
 * The Relatórios functions (supabase/migrations/*_reports.sql) on a seeded scenario with known answers:
 * report_dashboard (live counts, the period's totals, durations, ratings, hourly series), report_tickets
 * (filters, keyset pages) and report_ticket_count — for an admin, trimmed by RLS for an agent, refused for
 * anon — and the same numbers as the analytics views (one definition of each metric).
 *
 * The scenario lives on Tuesday 2019-06-04 (company time zone America/Sao_Paulo, UTC−3, no DST that
 * year) on its own channel, so the analytics views' aggregates of that day contain only it.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, ownerPool, queryAs, runAs, sqlErrorCode, type Actor } from '../support/db.ts'
import { createChannel, createContact, uniqueDigits } from '../support/fixtures.ts'
import type { DashboardPoint, DashboardReport } from '../../utils/report-types.ts'

afterAll(closeOwnerPool)

const admin = asUser(DEMO.admin.id)
const carla = asUser(DEMO.carla.id)
const observer = asUser(DEMO.observer.id)

/** The local day 2019-06-04 in UTC. */
const DAY = { from: '2019-06-04T03:00:00Z', to: '2019-06-05T03:00:00Z' }
const CLASSIFICATION = '00000000-0000-4000-c000-000000000001'

const tag = randomUUID().slice(0, 6)
let channelId: string
let channelName: string
/** Ticket ids by letter (see the scenario below). */
const ids: Record<string, string> = {}
const names = {
  a: `Conceição Araújo ${tag}`,
  b: `Bento Financeiro ${tag}`,
}
/** B's phone, written later the way people type it: (11) 9xxxx-xxxx. */
const phoneB = `5511${uniqueDigits(11).slice(2)}`

const at = (iso: string) => new Date(iso)

/**
 * A  Suporte, Carla, closed: created 12:00Z, queued +1 min, accepted +2 min (wait 120 s), first reply +30 s,
 *    closed 30 min after acceptance (handle 1800 s), rated 10. Messages: in 2, out 3 (bot 1, Carla 2), 1 note.
 * B  Financeiro, Diego, closed: wait 300 s, first reply 60 s, handle 600 s, rated 6. In 1, out 1.
 * C  no team, closed by the customer's keyword while with the bot (closed by the bot). In 1, out 1 (bot).
 * D  Suporte, waiting in the queue since 15:01Z. In 1.
 * E  Financeiro, open with Diego (accepted, no reply yet). In 1.
 * F  with the bot. In 1, out 1.
 * H  Suporte, auto-assigned to Bruno at once (wait 0), first reply 90 s, handle 900 s, rated 8. In 1, out 1.
 * Z  Suporte, Carla: created the evening before (local), closed 00:30 local on the day: wait 600 s,
 *    first reply 60 s, handle 4740 s. Its messages and its contact belong to the day before.
 */
beforeAll(async () => {
  const db = ownerPool()
  const channel = await createChannel({ name: `Relatórios ${tag}` })
  channelId = channel.id
  channelName = channel.name
  const ticket = async (key: string, values: Record<string, unknown>, contact: Record<string, unknown> = {}) => {
    const created = await createContact({ display_name: `Cliente ${key.toUpperCase()} ${tag}`, created_at: values.created_at, ...contact })
    const columns = ['channel_id', 'contact_id', ...Object.keys(values)]
    const params = [channelId, created.id, ...Object.values(values)]
    const { rows: [row] } = await db.query(
      `insert into public.tickets (${columns.join(', ')}) values (${columns.map((_, i) => `$${i + 1}`).join(', ')}) returning id`, params)
    ids[key] = row.id
  }
  const event = (key: string, type: string, iso: string, extra: Record<string, unknown> = {}) =>
    db.query(`insert into public.ticket_events (ticket_id, type, created_at, actor_id, to_team_id, to_agent_id) values ($1, $2, $3, $4, $5, $6)`,
      [ids[key], type, at(iso), extra.actor_id ?? null, extra.to_team_id ?? null, extra.to_agent_id ?? null])
  const message = (key: string, direction: string, sender: string, iso: string, senderId: string | null = null, kind = 'text') =>
    db.query(`insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, is_private, created_at)
              select id, contact_id, channel_id, $2, $3, $4, $5, 'texto', $6, $7 from public.tickets where id = $1`,
    [ids[key], direction, sender, senderId, kind, kind === 'note', at(iso)])
  const support = DEMO.teams.support
  const finance = DEMO.teams.finance

  await ticket('a', {
    status: 'closed', team_id: support, assignee_id: DEMO.carla.id, created_at: at('2019-06-04T12:00:00Z'),
    queued_at: at('2019-06-04T12:01:00Z'), accepted_at: at('2019-06-04T12:03:00Z'), first_response_at: at('2019-06-04T12:03:30Z'),
    closed_at: at('2019-06-04T12:33:00Z'), closed_reason: 'agent', classification_id: CLASSIFICATION, closing_comment: 'Tudo certo; cliente orientado',
    rating_status: 'rated', rating_requested_at: at('2019-06-04T12:33:00Z'), rating: 10, rated_at: at('2019-06-04T12:40:00Z'),
  }, { display_name: names.a })
  await event('a', 'queued', '2019-06-04T12:01:00Z', { to_team_id: support })
  await event('a', 'accepted', '2019-06-04T12:03:00Z', { actor_id: DEMO.carla.id, to_agent_id: DEMO.carla.id })
  await message('a', 'inbound', 'contact', '2019-06-04T12:00:00Z')
  await message('a', 'outbound', 'bot', '2019-06-04T12:00:01Z')
  await message('a', 'inbound', 'contact', '2019-06-04T12:01:00Z')
  await message('a', 'outbound', 'agent', '2019-06-04T12:03:30Z', DEMO.carla.id)
  await message('a', 'outbound', 'agent', '2019-06-04T12:05:00Z', DEMO.carla.id, 'note')
  await message('a', 'outbound', 'agent', '2019-06-04T12:30:00Z', DEMO.carla.id)

  await ticket('b', {
    status: 'closed', team_id: finance, assignee_id: DEMO.diego.id, created_at: at('2019-06-04T13:00:00Z'),
    queued_at: at('2019-06-04T13:00:30Z'), accepted_at: at('2019-06-04T13:05:30Z'), first_response_at: at('2019-06-04T13:06:30Z'),
    closed_at: at('2019-06-04T13:15:30Z'), closed_reason: 'agent', rating_status: 'rated', rating_requested_at: at('2019-06-04T13:15:30Z'),
    rating: 6, rated_at: at('2019-06-04T13:20:00Z'), low_rating_flag: true,
  }, { display_name: names.b, phone: phoneB })
  await event('b', 'queued', '2019-06-04T13:00:30Z', { to_team_id: finance })
  await event('b', 'accepted', '2019-06-04T13:05:30Z', { actor_id: DEMO.diego.id, to_agent_id: DEMO.diego.id })
  await message('b', 'inbound', 'contact', '2019-06-04T13:00:00Z')
  await message('b', 'outbound', 'agent', '2019-06-04T13:06:30Z', DEMO.diego.id)

  await ticket('c', { status: 'closed', created_at: at('2019-06-04T14:00:00Z'), closed_at: at('2019-06-04T14:01:00Z'), closed_reason: 'customer_keyword' })
  await message('c', 'inbound', 'contact', '2019-06-04T14:00:00Z')
  await message('c', 'outbound', 'bot', '2019-06-04T14:00:01Z')

  await ticket('d', { status: 'queued', team_id: support, created_at: at('2019-06-04T15:00:00Z'), queued_at: at('2019-06-04T15:01:00Z') })
  await event('d', 'queued', '2019-06-04T15:01:00Z', { to_team_id: support })
  await message('d', 'inbound', 'contact', '2019-06-04T15:00:00Z')

  await ticket('e', {
    status: 'open', team_id: finance, assignee_id: DEMO.diego.id, created_at: at('2019-06-04T16:00:00Z'),
    queued_at: at('2019-06-04T16:00:30Z'), accepted_at: at('2019-06-04T16:05:00Z'),
  })
  await event('e', 'queued', '2019-06-04T16:00:30Z', { to_team_id: finance })
  await event('e', 'accepted', '2019-06-04T16:05:00Z', { actor_id: DEMO.diego.id, to_agent_id: DEMO.diego.id })
  await message('e', 'inbound', 'contact', '2019-06-04T16:00:00Z')

  await ticket('f', { status: 'bot', created_at: at('2019-06-04T17:00:00Z') })
  await message('f', 'inbound', 'contact', '2019-06-04T17:00:00Z')
  await message('f', 'outbound', 'bot', '2019-06-04T17:00:01Z')

  await ticket('h', {
    status: 'closed', team_id: support, assignee_id: DEMO.bruno.id, created_at: at('2019-06-04T18:00:00Z'),
    queued_at: at('2019-06-04T18:00:10Z'), accepted_at: at('2019-06-04T18:00:10Z'), first_response_at: at('2019-06-04T18:01:40Z'),
    closed_at: at('2019-06-04T18:15:10Z'), closed_reason: 'agent', rating_status: 'rated', rating_requested_at: at('2019-06-04T18:15:10Z'),
    rating: 8, rated_at: at('2019-06-04T18:20:00Z'),
  })
  await event('h', 'queued', '2019-06-04T18:00:10Z', { to_team_id: support })
  await event('h', 'auto_assigned', '2019-06-04T18:00:10Z', { to_team_id: support, to_agent_id: DEMO.bruno.id })
  await message('h', 'inbound', 'contact', '2019-06-04T18:00:00Z')
  await message('h', 'outbound', 'agent', '2019-06-04T18:01:40Z', DEMO.bruno.id)

  await ticket('z', {
    status: 'closed', team_id: support, assignee_id: DEMO.carla.id, created_at: at('2019-06-04T02:00:00Z'),
    queued_at: at('2019-06-04T02:01:00Z'), accepted_at: at('2019-06-04T02:11:00Z'), first_response_at: at('2019-06-04T02:12:00Z'),
    closed_at: at('2019-06-04T03:30:00Z'), closed_reason: 'agent',
  })
  await event('z', 'queued', '2019-06-04T02:01:00Z', { to_team_id: support })
  await event('z', 'accepted', '2019-06-04T02:11:00Z', { actor_id: DEMO.carla.id, to_agent_id: DEMO.carla.id })
  await message('z', 'inbound', 'contact', '2019-06-04T02:00:00Z')
  await message('z', 'outbound', 'agent', '2019-06-04T02:12:00Z', DEMO.carla.id)
})

async function dashboard(actor: Actor, options: { channel?: string | null, team?: string | null } = {}): Promise<DashboardReport> {
  const channel = options.channel === undefined ? channelId : options.channel
  const [row] = await queryAs<{ report: DashboardReport }>(actor, 'select public.report_dashboard($1, $2, $3, $4) as report',
    [DAY.from, DAY.to, channel, options.team ?? null])
  return row!.report
}

interface ListRow { ticket_id: string, number: string, [column: string]: unknown }

async function list(actor: Actor, filters: Record<string, unknown>, after: Record<string, unknown> | null = null, limit = 50): Promise<ListRow[]> {
  return queryAs<ListRow>(actor, 'select * from public.report_tickets($1, $2, $3)', [{ channel_id: channelId, ...filters }, after, limit])
}

/** The scenario letters of a list, in its order. */
async function countOf(actor: Actor, filters: Record<string, unknown>): Promise<number> {
  const [row] = await queryAs<{ count: string }>(actor, 'select public.report_ticket_count($1) as count', [filters])
  return Number(row!.count)
}

function letters(rows: ListRow[]): string[] {
  const byId = Object.fromEntries(Object.entries(ids).map(([key, id]) => [id, key]))
  return rows.map(row => byId[row.ticket_id] ?? `?${row.ticket_id}`)
}

describe('report_dashboard', () => {
  it('gives an admin the live counts, the totals, durations and ratings of the day', async () => {
    const report = await dashboard(admin)
    expect(report).toMatchObject({ timezone: 'America/Sao_Paulo', bucket: 'hour' })
    expect(report.live).toEqual({ open: 1, waiting: 1, with_bot: 1, oldest_waiting_since: '2019-06-04T15:01:00+00:00' })
    expect(report.totals).toEqual({
      created: 7, closed: 5, closed_by_bot: 1, messages_in: 8, messages_out: 7, active_agents: 3, new_contacts: 7,
    })
    expect(report.durations).toEqual({
      wait: { count: 4, average: 255, median: 210 },
      first_response: { count: 4, average: 60, median: 60 },
      handle: { count: 4, average: 2010, median: 1350 },
      resolution: { count: 5, average: 1856, median: 930 },
    })
    expect(report.ratings).toEqual({
      count: 3, average: 8, distribution: [0, 0, 0, 0, 0, 1, 0, 1, 0, 1], promoters: 1, passives: 1, detractors: 1, nps: 0,
    })
  })

  it('has every local hour of a one-day period, with the activity in its hour', async () => {
    const { series } = await dashboard(admin)
    expect(series).toHaveLength(24)
    expect(series[0]!.bucket).toBe('2019-06-04T00:00')
    expect(series[23]!.bucket).toBe('2019-06-04T23:00')
    const hour = (local: string) => series.find(point => point.bucket === `2019-06-04T${local}:00`)
    // A was created at 09:00 local (12:00Z) with 2 messages in and 3 out (the note is not a message out).
    expect(hour('09')).toEqual({ bucket: '2019-06-04T09:00', created: 1, closed: 1, messages_in: 2, messages_out: 3 })
    // Z closed at 00:30 local; its messages were the day before.
    expect(hour('00')).toEqual({ bucket: '2019-06-04T00:00', created: 0, closed: 1, messages_in: 0, messages_out: 0 })
    const sum = (key: keyof Omit<DashboardPoint, 'bucket'>) => series.reduce((total, point) => total + point[key], 0)
    expect([sum('created'), sum('closed'), sum('messages_in'), sum('messages_out')]).toEqual([7, 5, 8, 7])
  })

  it('uses daily buckets for longer periods', async () => {
    const [row] = await queryAs<{ report: DashboardReport }>(admin, 'select public.report_dashboard($1, $2, $3) as report',
      ['2019-06-03T03:00:00Z', '2019-06-06T03:00:00Z', channelId])
    const report = row!.report
    expect(report.bucket).toBe('day')
    expect(report.series.map(point => [point.bucket, point.created, point.closed])).toEqual([
      ['2019-06-03', 1, 0], ['2019-06-04', 7, 5], ['2019-06-05', 0, 0],
    ])
    expect(report.totals).toMatchObject({ created: 8, closed: 5, messages_in: 9, messages_out: 8, new_contacts: 8 })
  })

  it('filters by team', async () => {
    const report = await dashboard(admin, { team: DEMO.teams.finance })
    expect(report.live).toMatchObject({ open: 1, waiting: 0, with_bot: 0 })
    expect(report.totals).toEqual({ created: 2, closed: 1, closed_by_bot: 0, messages_in: 2, messages_out: 1, active_agents: 1, new_contacts: 2 })
    expect(report.ratings).toMatchObject({ count: 1, average: 6, detractors: 1, nps: -100 })
  })

  it('shows an agent only their teams\' tickets (RLS)', async () => {
    const report = await dashboard(carla)
    expect(report.live).toEqual({ open: 0, waiting: 1, with_bot: 0, oldest_waiting_since: '2019-06-04T15:01:00+00:00' })
    // A, D, H created; A, H, Z closed; messages of A, D and H only.
    expect(report.totals).toEqual({ created: 3, closed: 3, closed_by_bot: 0, messages_in: 4, messages_out: 4, active_agents: 2, new_contacts: 3 })
    expect(report.durations.wait).toEqual({ count: 3, average: 240, median: 120 })
    expect(report.ratings).toMatchObject({ count: 2, average: 9, promoters: 1, passives: 1, detractors: 0, nps: 50 })
  })

  it('gives an observer everything, like an admin', async () => {
    expect((await dashboard(observer)).totals).toEqual((await dashboard(admin)).totals)
  })

  it('matches the analytics views for an admin (one definition of each metric)', async () => {
    // No channel filter: analytics.daily adds up the whole company, and the day holds only this scenario.
    const report = await dashboard(admin, { channel: null })
    const { rows: [daily] } = await ownerPool().query(`select * from analytics.daily where day = '2019-06-04'`)
    expect(daily).toBeDefined()
    expect(report.totals).toMatchObject({
      created: daily.tickets_created, closed: daily.tickets_closed, closed_by_bot: daily.tickets_closed_by_bot,
      messages_in: daily.messages_in, messages_out: daily.messages_out, new_contacts: daily.new_contacts,
    })
    expect(report.durations.wait.average).toBe(Number(daily.avg_wait_seconds))
    expect(report.durations.first_response.average).toBe(Number(daily.avg_first_response_seconds))
    expect(report.durations.handle.average).toBe(Number(daily.avg_handle_seconds))
    expect(report.durations.resolution.average).toBe(Number(daily.avg_resolution_seconds))
    expect(report.ratings).toMatchObject({
      count: daily.ratings, average: Number(daily.avg_rating), promoters: daily.promoters, passives: daily.passives,
      detractors: daily.detractors, nps: Number(daily.nps),
    })
    const { rows: [agents] } = await ownerPool().query(
      `select count(*)::int as n from analytics.agents_daily where day = '2019-06-04' and messages_sent > 0`)
    expect(report.totals.active_agents).toBe(agents.n)
  })

  it('refuses anon, and an invalid or too long period', async () => {
    expect(await sqlErrorCode(queryAs(anon, 'select public.report_dashboard($1, $2)', [DAY.from, DAY.to]))).toBe('42501')
    await expect(queryAs(admin, 'select public.report_dashboard($1, $2)', [DAY.to, DAY.from]))
      .rejects.toMatchObject({ code: 'P0001', message: 'invalid_period', detail: expect.stringMatching(/data final/) })
    await expect(queryAs(admin, 'select public.report_dashboard($1, $2)', ['2018-01-01T00:00:00Z', DAY.to]))
      .rejects.toMatchObject({ code: 'P0001', message: 'period_too_long' })
  })
})

describe('report_tickets and report_ticket_count', () => {
  it('lists the admin every ticket of the channel, newest first, with names and durations', async () => {
    const rows = await list(admin, {})
    expect(letters(rows)).toEqual(['h', 'f', 'e', 'd', 'c', 'b', 'a', 'z'])
    const a = rows.find(row => row.ticket_id === ids.a)
    expect(a).toMatchObject({
      status: 'closed', contact_name: names.a, channel_name: channelName, team_name: 'Suporte Técnico',
      agent_name: expect.stringMatching(/^Carla/), classification_name: 'Dúvida resolvida', closing_comment: 'Tudo certo; cliente orientado',
      wait_seconds: '120.000', first_response_seconds: '30.000', handle_seconds: '1800.000', rating: 10, closed_by_bot: false,
    })
    expect(rows.find(row => row.ticket_id === ids.c)).toMatchObject({ closed_by_bot: true, wait_seconds: null, team_name: null })
    expect(await countOf(admin, { channel_id: channelId })).toBe(8)
  })

  it('gives the same durations as analytics.tickets', async () => {
    const rows = await list(admin, {})
    const { rows: expected } = await ownerPool().query(
      `select ticket_id, wait_seconds, first_response_seconds, handle_seconds, closed_by_bot, rating from analytics.tickets where channel_id = $1`, [channelId])
    // analytics.tickets leaves closed_by_bot null while a ticket is not closed; the list says false.
    const pick = (row: Record<string, unknown>) => [row.ticket_id, row.wait_seconds, row.first_response_seconds, row.handle_seconds, row.closed_by_bot ?? false, row.rating]
    expect(rows.map(pick).sort()).toEqual(expected.map(pick).sort())
  })

  it('pages by keyset without repeating or skipping a ticket', async () => {
    const pages: string[][] = []
    let after: Record<string, unknown> | null = null
    for (;;) {
      const page = await list(admin, {}, after, 3)
      if (page.length === 0) break
      pages.push(letters(page))
      const last = page[page.length - 1]!
      after = { created_at: last.created_at, ticket_id: last.ticket_id }
    }
    expect(pages).toEqual([['h', 'f', 'e'], ['d', 'c', 'b'], ['a', 'z']])
  })

  it('filters by contact name or phone (partial, accents ignored), status, team, agent, period and rating', async () => {
    expect(letters(await list(admin, { search: `conceicao arau ${tag}` }))).toEqual(['a'])
    expect(letters(await list(admin, { search: `CONCEIÇÃO` }))).toEqual(['a'])
    const typedPhone = `(${phoneB.slice(2, 4)}) ${phoneB.slice(4, 9)}-${phoneB.slice(9)}`
    expect(letters(await list(admin, { search: typedPhone }))).toEqual(['b'])
    expect(letters(await list(admin, { search: phoneB.slice(-6) }))).toEqual(['b'])
    expect(letters(await list(admin, { statuses: ['queued', 'open'] }))).toEqual(['e', 'd'])
    expect(letters(await list(admin, { team_id: DEMO.teams.support }))).toEqual(['h', 'd', 'a', 'z'])
    expect(letters(await list(admin, { agent_id: DEMO.diego.id }))).toEqual(['e', 'b'])
    expect(letters(await list(admin, { created_from: DAY.from, created_to: '2019-06-04T14:30:00Z' }))).toEqual(['c', 'b', 'a'])
    expect(letters(await list(admin, { rated: true }))).toEqual(['h', 'b', 'a'])
    expect(letters(await list(admin, { rated: false }))).toEqual(['f', 'e', 'd', 'c', 'z'])
    expect(letters(await list(admin, { rated: true, rating_min: 9 }))).toEqual(['a'])
    expect(letters(await list(admin, { rating_min: 1, rating_max: 6 }))).toEqual(['b'])
    expect(await countOf(admin, { channel_id: channelId, rated: false })).toBe(5)
  })

  it('shows an agent only their teams\' tickets (RLS)', async () => {
    expect(letters(await list(carla, {}))).toEqual(['h', 'd', 'a', 'z'])
    expect(letters(await list(carla, { statuses: ['bot'] }))).toEqual([])
    expect(letters(await list(carla, { search: names.b }))).toEqual([])
    expect(await countOf(carla, { channel_id: channelId })).toBe(4)
  })

  it('refuses anon, unknown or invalid filters and a broken cursor, in pt-BR', async () => {
    expect(await sqlErrorCode(queryAs(anon, 'select * from public.report_tickets($1)', [{}]))).toBe('42501')
    expect(await sqlErrorCode(queryAs(anon, 'select public.report_ticket_count($1)', [{}]))).toBe('42501')
    await runAs(admin, async (db: pg.PoolClient) => {
      const refusal = async (filters: unknown, after: unknown = null) => {
        await db.query('savepoint attempt')
        try {
          await db.query('select * from public.report_tickets($1, $2)', [filters, after])
        }
        catch (error) {
          await db.query('rollback to savepoint attempt')
          const { code, message, detail } = error as pg.DatabaseError
          return { code, message, detail }
        }
        throw new Error('expected a refusal')
      }
      expect(await refusal({ canal: channelId })).toEqual({ code: 'P0001', message: 'invalid_report_filter', detail: 'Filtro desconhecido: canal.' })
      expect(await refusal({ team_id: 'suporte' })).toEqual({ code: 'P0001', message: 'invalid_report_filter', detail: 'Valor inválido no filtro de equipe.' })
      expect(await refusal({ statuses: ['fechado'] })).toMatchObject({ message: 'invalid_report_filter', detail: expect.stringMatching(/status/) })
      expect(await refusal({ rating_min: 8, rating_max: 3 })).toMatchObject({ message: 'invalid_report_filter', detail: expect.stringMatching(/faixa de notas/) })
      expect(await refusal({ search: 'a' })).toMatchObject({ message: 'invalid_report_filter', detail: expect.stringMatching(/2 caracteres/) })
      expect(await refusal({}, { created_at: 'ontem' })).toMatchObject({ message: 'invalid_report_cursor' })
    })
  })
})
