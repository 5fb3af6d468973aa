/**
 * Tickets data layer for the inbox: the lists (my open tickets, the queues), single tickets, the
 * contact summaries the cards show, and the two inbox RPCs, `accept_ticket` and `mark_ticket_read`.
 * Transfer, close and reopen live in services/ticket-actions.ts. RLS decides what each user reads;
 * the filters here only pick the list.
 */
import { INBOX_LIST_LIMIT, type TicketErrorKey } from '~/constants/tickets'
import type { Tables } from '~/types/database'
import type { ClosedReason, Contact, RatingStatus, Ticket, TicketStatus } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'

/** What a ticket card needs of its contact. */
export type TicketContact = Pick<Contact, 'id' | 'display_name' | 'whatsapp_name' | 'phone' | 'blocked'>

export interface TicketWithContact {
  ticket: Ticket
  contact: TicketContact | null
}

const CONTACT_COLUMNS = 'id, display_name, whatsapp_name, phone, blocked'
const TICKET_WITH_CONTACT = `*, contact:contacts(${CONTACT_COLUMNS})`

/**
 * Narrows a generated row to the domain type: the text columns below only ever hold the values
 * their check constraints allow (supabase/migrations/*_tickets.sql).
 */
export function toTicket(row: Tables<'tickets'>): Ticket {
  return {
    ...row,
    status: row.status as TicketStatus,
    closed_reason: row.closed_reason as ClosedReason | null,
    rating_status: row.rating_status as RatingStatus | null,
    bot_state: (row.bot_state ?? {}) as Record<string, unknown>,
  }
}

type RowWithContact = Tables<'tickets'> & { contact: TicketContact | null }

function split(row: RowWithContact): TicketWithContact {
  const { contact, ...ticket } = row
  return { ticket: toTicket(ticket), contact }
}

function requestError(error: { message: string, code: string }, status: number): DataRequestError {
  return new DataRequestError(error.message, error.code, status)
}

/** The open tickets assigned to `userId`, most recent activity first. */
export async function fetchMyOpenTickets(client: AppSupabaseClient, userId: string): Promise<TicketWithContact[]> {
  const { data, error, status } = await client
    .from('tickets')
    .select(TICKET_WITH_CONTACT)
    .eq('status', 'open')
    .eq('assignee_id', userId)
    .order('last_message_at', { ascending: false, nullsFirst: false })
    .limit(INBOX_LIST_LIMIT)
    .overrideTypes<RowWithContact[], { merge: false }>()
  if (error) throw requestError(error, status)
  return data.map(split)
}

/**
 * The queued tickets of `teamIds`, or of every team the user may see when `teamIds` is null
 * (supervisors, admins, observers). Longest waiting first.
 */
export async function fetchQueuedTickets(client: AppSupabaseClient, teamIds: readonly string[] | null): Promise<TicketWithContact[]> {
  if (teamIds && teamIds.length === 0) return []
  let query = client
    .from('tickets')
    .select(TICKET_WITH_CONTACT)
    .eq('status', 'queued')
  if (teamIds) query = query.in('team_id', [...teamIds])
  const { data, error, status } = await query
    .order('queued_at', { ascending: true, nullsFirst: false })
    .limit(INBOX_LIST_LIMIT)
    .overrideTypes<RowWithContact[], { merge: false }>()
  if (error) throw requestError(error, status)
  return data.map(split)
}

/** The tickets among `ids` the user may still see (the others are simply absent). */
export async function fetchTicketsByIds(client: AppSupabaseClient, ids: readonly string[]): Promise<TicketWithContact[]> {
  if (ids.length === 0) return []
  const { data, error, status } = await client
    .from('tickets')
    .select(TICKET_WITH_CONTACT)
    .in('id', [...ids])
    .overrideTypes<RowWithContact[], { merge: false }>()
  if (error) throw requestError(error, status)
  return data.map(split)
}

/** One ticket, or null when it does not exist or the user may not see it. */
export async function fetchTicket(client: AppSupabaseClient, id: string): Promise<TicketWithContact | null> {
  const { data, error, status } = await client
    .from('tickets')
    .select(TICKET_WITH_CONTACT)
    .eq('id', id)
    .maybeSingle()
    .overrideTypes<RowWithContact | null, { merge: false }>()
  // An id that is not a uuid is a bad link, not a failure: PostgREST answers 22P02.
  if (error?.code === '22P02') return null
  if (error) throw requestError(error, status)
  return data ? split(data) : null
}

/** Card summaries of some contacts (for tickets that arrived through realtime, which has no joins). */
export async function fetchContactSummaries(client: AppSupabaseClient, ids: readonly string[]): Promise<TicketContact[]> {
  if (ids.length === 0) return []
  const { data, error, status } = await client
    .from('contacts')
    .select(CONTACT_COLUMNS)
    .in('id', [...ids])
  if (error) throw requestError(error, status)
  return data
}

/** Takes a queued ticket (`accept_ticket`): it opens, assigned to the caller. */
export async function acceptTicket(client: AppSupabaseClient, id: string): Promise<Ticket> {
  const { data, error, status } = await client.rpc('accept_ticket', { p_ticket_id: id })
  if (error) throw requestError(error, status)
  return toTicket(data)
}

/** Resets the unread counter of a ticket the caller handles (`mark_ticket_read`). */
export async function markTicketRead(client: AppSupabaseClient, id: string): Promise<Ticket> {
  const { data, error, status } = await client.rpc('mark_ticket_read', { p_ticket_id: id })
  if (error) throw requestError(error, status)
  return toTicket(data)
}

/**
 * Which message explains a failed ticket RPC. The RPCs raise stable codes in `message`
 * (`ticket_already_accepted`…); status 0 means the server was not reached.
 */
export function ticketErrorKey(error: unknown): TicketErrorKey {
  if (!(error instanceof DataRequestError)) return 'unknown'
  if (error.status === 0) return 'network'
  switch (error.message) {
    case 'ticket_already_accepted':
    case 'ticket_not_queued':
    case 'ticket_not_found':
    case 'not_allowed':
      return error.message
    default:
      return error.code === '42501' ? 'not_allowed' : 'unknown'
  }
}
