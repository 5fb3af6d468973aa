/**
 * The report list's filters: their empty state, whether any is set, and the payload report_tickets
 * takes (days turned into the company's instants, the rating choice into rated / rating range). Pure.
 */
import { RATING_FILTER_VALUES, REPORT_SEARCH_MIN_LENGTH } from '../constants/reports.ts'
import { dayRange } from './report-period.ts'
import type { ReportFilterPayload, ReportListFilters } from './report-types.ts'

export function emptyReportFilters(): ReportListFilters {
  return { search: '', channelId: null, statuses: [], agentId: null, teamId: null, days: null, rating: 'all' }
}

export function hasReportFilters(filters: ReportListFilters): boolean {
  return Boolean(filters.search.trim() || filters.channelId || filters.statuses.length || filters.agentId
    || filters.teamId || filters.days || filters.rating !== 'all')
}

/** The contact search as it will be sent: trimmed, and only from REPORT_SEARCH_MIN_LENGTH characters. */
export function effectiveSearch(search: string): string {
  const text = search.trim().replace(/\s+/g, ' ')
  return text.length >= REPORT_SEARCH_MIN_LENGTH ? text : ''
}

export function reportFilterPayload(filters: ReportListFilters, timeZone: string): ReportFilterPayload {
  const payload: ReportFilterPayload = { ...RATING_FILTER_VALUES[filters.rating] }
  const search = effectiveSearch(filters.search)
  if (search) payload.search = search
  if (filters.channelId) payload.channel_id = filters.channelId
  if (filters.teamId) payload.team_id = filters.teamId
  if (filters.agentId) payload.agent_id = filters.agentId
  if (filters.statuses.length) payload.statuses = [...filters.statuses]
  if (filters.days) {
    const range = dayRange(filters.days[0], filters.days[1], timeZone)
    payload.created_from = range.from.toISOString()
    payload.created_to = range.to.toISOString()
  }
  return payload
}
