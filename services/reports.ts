/**
 * Relatórios data layer: report_dashboard (the Painel's indicators), report_tickets (a keyset page of
 * the filtered list) and report_ticket_count (its total). All three run as the signed-in user, so RLS
 * trims them to what the person may see; the SQL (supabase/migrations/*_reports.sql) documents the metrics.
 */
import type { TicketStatus } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import type { DashboardReport, DurationStats, ReportCursor, ReportFilterPayload, ReportTicketRow } from '~/utils/report-types'
import { rpcError } from './errors'

export interface DashboardParams {
  from: Date
  to: Date
  channelId: string | null
  teamId: string | null
}

type JsonObject = Record<string, unknown>

function object(value: unknown): JsonObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as JsonObject : {}
}

function count(value: unknown): number {
  const number = Number(value)
  return Number.isFinite(number) ? number : 0
}

function optionalNumber(value: unknown): number | null {
  if (value === null || value === undefined) return null
  const number = Number(value)
  return Number.isFinite(number) ? number : null
}

function durationStats(value: unknown): DurationStats {
  const stats = object(value)
  return { count: count(stats.count), average: optionalNumber(stats.average), median: optionalNumber(stats.median) }
}

/** The RPC answers JSON; this gives it its type, with zeros where a number is missing. */
export function toDashboardReport(json: unknown): DashboardReport {
  const root = object(json)
  const live = object(root.live)
  const totals = object(root.totals)
  const durations = object(root.durations)
  const ratings = object(root.ratings)
  const distribution = Array.isArray(ratings.distribution) ? ratings.distribution.map(count) : []
  return {
    timezone: String(root.timezone ?? ''),
    bucket: root.bucket === 'hour' ? 'hour' : 'day',
    from: String(root.from ?? ''),
    to: String(root.to ?? ''),
    generated_at: String(root.generated_at ?? ''),
    live: {
      open: count(live.open),
      waiting: count(live.waiting),
      oldest_waiting_since: typeof live.oldest_waiting_since === 'string' ? live.oldest_waiting_since : null,
      with_bot: count(live.with_bot),
    },
    totals: {
      created: count(totals.created),
      closed: count(totals.closed),
      closed_by_bot: count(totals.closed_by_bot),
      messages_in: count(totals.messages_in),
      messages_out: count(totals.messages_out),
      active_agents: count(totals.active_agents),
      new_contacts: count(totals.new_contacts),
    },
    durations: {
      wait: durationStats(durations.wait),
      first_response: durationStats(durations.first_response),
      handle: durationStats(durations.handle),
      resolution: durationStats(durations.resolution),
    },
    ratings: {
      count: count(ratings.count),
      average: optionalNumber(ratings.average),
      distribution: Array.from({ length: 10 }, (_, index) => distribution[index] ?? 0),
      promoters: count(ratings.promoters),
      passives: count(ratings.passives),
      detractors: count(ratings.detractors),
      nps: optionalNumber(ratings.nps),
    },
    series: (Array.isArray(root.series) ? root.series : []).map((point) => {
      const values = object(point)
      return {
        bucket: String(values.bucket ?? ''),
        created: count(values.created),
        closed: count(values.closed),
        messages_in: count(values.messages_in),
        messages_out: count(values.messages_out),
      }
    }),
  }
}

export async function fetchDashboard(client: AppSupabaseClient, params: DashboardParams): Promise<DashboardReport> {
  const { data, error, status } = await client.rpc('report_dashboard', {
    p_from: params.from.toISOString(),
    p_to: params.to.toISOString(),
    ...(params.channelId ? { p_channel_id: params.channelId } : {}),
    ...(params.teamId ? { p_team_id: params.teamId } : {}),
  })
  if (error) throw rpcError(error, status)
  return toDashboardReport(data)
}

/** The generated types cannot tell which columns may be null (outer joins, open tickets): these can. */
type RawReportRow = { [K in keyof ReportTicketRow]: unknown }

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null
}

export function toReportTicketRow(row: RawReportRow): ReportTicketRow {
  return {
    ticket_id: String(row.ticket_id),
    number: count(row.number),
    status: String(row.status) as TicketStatus,
    created_at: String(row.created_at),
    closed_at: text(row.closed_at),
    contact_id: String(row.contact_id),
    contact_name: text(row.contact_name),
    contact_phone: text(row.contact_phone),
    channel_id: String(row.channel_id),
    channel_name: String(row.channel_name ?? ''),
    team_id: text(row.team_id),
    team_name: text(row.team_name),
    agent_id: text(row.agent_id),
    agent_name: text(row.agent_name),
    classification_name: text(row.classification_name),
    closing_comment: text(row.closing_comment),
    closed_by_bot: row.closed_by_bot === true,
    wait_seconds: optionalNumber(row.wait_seconds),
    first_response_seconds: optionalNumber(row.first_response_seconds),
    handle_seconds: optionalNumber(row.handle_seconds),
    rating: optionalNumber(row.rating),
  }
}

export function reportCursor(row: ReportTicketRow): ReportCursor {
  return { created_at: row.created_at, ticket_id: row.ticket_id }
}

/** One page of the tickets matching the filters, newest first, after `after` (the previous page's last row). */
export async function fetchReportPage(client: AppSupabaseClient, filters: ReportFilterPayload, after: ReportCursor | null, limit: number): Promise<ReportTicketRow[]> {
  const { data, error, status } = await client.rpc('report_tickets', {
    p_filters: { ...filters },
    ...(after ? { p_after: { ...after } } : {}),
    p_limit: limit,
  })
  if (error) throw rpcError(error, status)
  return (data ?? []).map(row => toReportTicketRow(row))
}

export async function countReportTickets(client: AppSupabaseClient, filters: ReportFilterPayload): Promise<number> {
  const { data, error, status } = await client.rpc('report_ticket_count', { p_filters: { ...filters } })
  if (error) throw rpcError(error, status)
  return count(data)
}
