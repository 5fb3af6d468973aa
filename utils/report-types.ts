/**
 * The shapes Relatórios works with: the dashboard as report_dashboard answers it, one row of
 * report_tickets, and the list's filters (as the screen holds them and as the RPC takes them).
 * Durations are seconds; timestamps ISO strings.
 */
import type { TicketStatus } from '../types/domain.ts'
import type { LocalDay } from './report-period.ts'
import type { RatingFilter } from '../constants/reports.ts'

export interface DurationStats {
  /** Tickets the duration exists for (a ticket never accepted has no wait). */
  count: number
  average: number | null
  median: number | null
}

export interface DashboardPoint {
  /** "YYYY-MM-DD" (daily) or "YYYY-MM-DDTHH:00" (hourly), company time. */
  bucket: string
  created: number
  closed: number
  messages_in: number
  messages_out: number
}

export interface DashboardReport {
  timezone: string
  bucket: 'hour' | 'day'
  from: string
  to: string
  generated_at: string
  live: { open: number, waiting: number, oldest_waiting_since: string | null, with_bot: number }
  totals: {
    created: number
    closed: number
    closed_by_bot: number
    messages_in: number
    messages_out: number
    active_agents: number
    new_contacts: number
  }
  durations: Record<'wait' | 'first_response' | 'handle' | 'resolution', DurationStats>
  ratings: {
    count: number
    average: number | null
    /** Count of each score, 1 to 10. */
    distribution: number[]
    promoters: number
    passives: number
    detractors: number
    nps: number | null
  }
  series: DashboardPoint[]
}

/** One ticket of the report list (report_tickets), nulls where the ticket has no such thing yet. */
export interface ReportTicketRow {
  ticket_id: string
  number: number
  status: TicketStatus
  created_at: string
  closed_at: string | null
  contact_id: string
  contact_name: string | null
  contact_phone: string | null
  channel_id: string
  channel_name: string
  team_id: string | null
  team_name: string | null
  agent_id: string | null
  agent_name: string | null
  classification_name: string | null
  closing_comment: string | null
  closed_by_bot: boolean
  wait_seconds: number | null
  first_response_seconds: number | null
  handle_seconds: number | null
  rating: number | null
}

/** Where the previous page ended (the last row's sort key). */
export interface ReportCursor {
  created_at: string
  ticket_id: string
}

/** The list's filters as the screen holds them. */
export interface ReportListFilters {
  search: string
  channelId: string | null
  statuses: TicketStatus[]
  agentId: string | null
  teamId: string | null
  /** Created between these local days (inclusive), or any time. */
  days: [LocalDay, LocalDay] | null
  rating: RatingFilter
}

/** The filters as report_tickets / report_ticket_count take them (p_filters). */
export interface ReportFilterPayload {
  search?: string
  channel_id?: string
  team_id?: string
  agent_id?: string
  statuses?: TicketStatus[]
  created_from?: string
  created_to?: string
  rated?: boolean
  rating_min?: number
  rating_max?: number
}
