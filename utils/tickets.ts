/**
 * Pure rules of the agent inbox: which tickets belong to which list, in what order, how a newer copy
 * of a ticket replaces an older one, and how times are written (pt-BR). The tickets store derives its
 * lists with these, so realtime changes, RPC results and re-reads all land in the same place.
 */
import type { Ticket } from '../types/domain.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

function time(iso: string | null | undefined): number {
  if (!iso) return Number.NaN
  return Date.parse(iso)
}

/** Descending by a timestamp, missing ones last. */
function newestFirst(a: number, b: number): number {
  const aMissing = Number.isNaN(a)
  const bMissing = Number.isNaN(b)
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1
  return b - a
}

/** Ascending by a timestamp, missing ones last. */
function oldestFirst(a: number, b: number): number {
  const aMissing = Number.isNaN(a)
  const bMissing = Number.isNaN(b)
  if (aMissing || bMissing) return aMissing === bMissing ? 0 : aMissing ? 1 : -1
  return a - b
}

/** When the ticket last moved: its last message, else its last update. */
export function lastActivityAt(ticket: Pick<Ticket, 'last_message_at' | 'updated_at'>): string {
  return ticket.last_message_at ?? ticket.updated_at
}

/** Since when the customer waits in the current queue segment (queued_at restarts on a transfer). */
export function waitingSince(ticket: Pick<Ticket, 'queued_at' | 'created_at'>): string {
  return ticket.queued_at ?? ticket.created_at
}

/** "Em andamento": most recent activity first; ties by the higher (newer) ticket number. */
export function compareByRecentActivity(a: Ticket, b: Ticket): number {
  return newestFirst(time(lastActivityAt(a)), time(lastActivityAt(b))) || b.number - a.number
}

/** "Fila": whoever waits longest comes first; ties by the lower (older) ticket number. */
export function compareByWaitingTime(a: Ticket, b: Ticket): number {
  return oldestFirst(time(waitingSince(a)), time(waitingSince(b))) || a.number - b.number
}

/** Ids of the open tickets assigned to `userId`, most recent activity first. */
export function selectMine(tickets: Iterable<Ticket>, userId: string | null): string[] {
  if (!userId) return []
  return [...tickets]
    .filter(ticket => ticket.status === 'open' && ticket.assignee_id === userId)
    .sort(compareByRecentActivity)
    .map(ticket => ticket.id)
}

export interface QueueScope {
  /** Supervisors, admins and observers follow every queue. */
  allTeams: boolean
  /** The user's teams (team_members); the only queues an agent works. */
  teamIds: readonly string[]
}

/** Ids of the queued tickets in the user's queues, longest waiting first. */
export function selectQueue(tickets: Iterable<Ticket>, scope: QueueScope): string[] {
  const teams = new Set(scope.teamIds)
  return [...tickets]
    .filter(ticket => ticket.status === 'queued' && (scope.allTeams || (ticket.team_id !== null && teams.has(ticket.team_id))))
    .sort(compareByWaitingTime)
    .map(ticket => ticket.id)
}

/**
 * The copy of a ticket to keep when another arrives (realtime event, RPC result, re-read): the one
 * updated last. Realtime and responses can cross, and an older copy must never undo a newer one.
 * Equal timestamps take the incoming copy (same transaction, possibly more columns).
 */
export function newerTicket(existing: Ticket | undefined, incoming: Ticket): Ticket {
  if (!existing) return incoming
  const before = time(existing.updated_at)
  const after = time(incoming.updated_at)
  if (!Number.isNaN(before) && !Number.isNaN(after) && after < before) return existing
  return { ...existing, ...incoming }
}

/** Ids that were on a list and are no longer among the tickets a fresh read returned. */
export function missingFrom(previous: readonly string[], fresh: Iterable<Ticket>): string[] {
  const seen = new Set([...fresh].map(ticket => ticket.id))
  return previous.filter(id => !seen.has(id))
}

/**
 * How long a customer has been waiting, compact: "< 1 min", "4 min", "1 h 05 min", "2 d 3 h" (read
 * after "Aguardando há"). Negative durations (clock skew between browser and server) read as "< 1 min".
 */
export function formatWaitingTime(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < MINUTE) return '< 1 min'
  if (milliseconds < HOUR) return `${Math.floor(milliseconds / MINUTE)} min`
  if (milliseconds < DAY) {
    const hours = Math.floor(milliseconds / HOUR)
    const minutes = Math.floor((milliseconds % HOUR) / MINUTE)
    return `${hours} h ${String(minutes).padStart(2, '0')} min`
  }
  const days = Math.floor(milliseconds / DAY)
  const hours = Math.floor((milliseconds % DAY) / HOUR)
  return hours ? `${days} d ${hours} h` : `${days} d`
}

/** The waiting time of a queued ticket at `now`. */
export function ticketWaitingTime(ticket: Pick<Ticket, 'queued_at' | 'created_at'>, now: number): string {
  return formatWaitingTime(now - time(waitingSince(ticket)))
}

const DATE_FORMAT = new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: '2-digit', timeZone: 'America/Sao_Paulo' })
const DATE_WITH_YEAR_FORMAT = new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: '2-digit', year: '2-digit', timeZone: 'America/Sao_Paulo' })

/**
 * When something happened, as the list shows it: "agora", "5 min", "3 h", "ontem", "4 d", then the
 * date ("12/11", or "12/11/25" in another year). Dates are read in Brazil's time zone.
 */
export function formatListTime(iso: string | null | undefined, now: number): string {
  const at = time(iso)
  if (Number.isNaN(at)) return ''
  const elapsed = now - at
  if (elapsed < MINUTE) return 'agora'
  if (elapsed < HOUR) return `${Math.floor(elapsed / MINUTE)} min`
  if (elapsed < DAY) return `${Math.floor(elapsed / HOUR)} h`
  if (elapsed < 2 * DAY) return 'ontem'
  if (elapsed < 7 * DAY) return `${Math.floor(elapsed / DAY)} d`
  const sameYear = new Date(at).getUTCFullYear() === new Date(now).getUTCFullYear()
  return (sameYear ? DATE_FORMAT : DATE_WITH_YEAR_FORMAT).format(at)
}

/** The full date and time, for tooltips ("21/11/2026, 14:32"). */
export function formatFullDateTime(iso: string | null | undefined): string {
  const at = time(iso)
  if (Number.isNaN(at)) return ''
  return new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone: 'America/Sao_Paulo' }).format(at)
}

/** The neighbour of `currentId` in `ids` (Alt+↑/↓); from nowhere, ↓ starts at the top and ↑ at the bottom. */
export function neighbourId(ids: readonly string[], currentId: string | null, step: 1 | -1): string | null {
  if (ids.length === 0) return null
  const index = currentId ? ids.indexOf(currentId) : -1
  if (index === -1) return step === 1 ? ids[0]! : ids[ids.length - 1]!
  const next = index + step
  return next < 0 || next >= ids.length ? ids[index]! : ids[next]!
}
