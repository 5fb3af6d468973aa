/**
 * Ticket actions data layer: the transfer/close/reopen RPCs, a ticket's event history
 * (`ticket_events`) and the one setting the close dialog needs (`app_settings.classification_required`).
 *
 * The RPCs refuse with a stable snake_case `message` (`classification_required`, `ticket_closed`…) and
 * a pt-BR `details` written for people; `RpcError` keeps both, so the UI shows the server's sentence and
 * code can still branch on the reason.
 */
import type { PostgrestError } from '@supabase/supabase-js'
import { ACTION_ERROR_LABELS } from '~/constants/ticket-events'
import { toTicket } from '~/services/tickets'
import type { Tables } from '~/types/database'
import type { Ticket, TicketEvent } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'

export class RpcError extends DataRequestError {
  constructor(
    /** The stable reason code (`ticket_closed`), or PostgREST's own message. */
    readonly reason: string,
    code: string,
    status: number,
    /** Already in pt-BR, for people; null when the server did not send one. */
    readonly detail: string | null,
    /** A pt-BR suggestion (e.g. which ticket to open instead). */
    readonly hint: string | null,
  ) {
    super(reason, code, status)
    this.name = 'RpcError'
  }
}

export function rpcError(error: PostgrestError, status: number): RpcError {
  // Only the functions' own refusals carry a pt-BR detail: rule refusals (P0001) and `not_allowed`
  // (42501). A network failure puts a stack trace in `details`, and PostgREST's errors are English.
  const ours = error.code === 'P0001' || (error.code === '42501' && error.message === 'not_allowed')
  const text = (value: unknown) => (ours && typeof value === 'string' && value.trim() ? value.trim() : null)
  const detail = text(error.details)
  const hint = text(error.hint)
  return new RpcError(error.message, error.code ?? '', status, detail, hint)
}

/** What to tell the person about a failed request, in pt-BR. */
export function errorText(error: unknown): string {
  if (error instanceof RpcError && error.detail) return error.detail
  if (error instanceof DataRequestError) {
    if (error.status === 0) return ACTION_ERROR_LABELS.network
    if (error.code === '42501' || error.status === 403) return ACTION_ERROR_LABELS.notAllowed
  }
  if (error instanceof TypeError) return ACTION_ERROR_LABELS.network
  return ACTION_ERROR_LABELS.unknown
}

export interface TransferInput {
  ticketId: string
  /** Null keeps the current team (only an agent chosen). */
  toTeamId: string | null
  /** Null sends it back to the team's queue. */
  toAgentId: string | null
  note: string | null
}

export async function transferTicket(client: AppSupabaseClient, input: TransferInput): Promise<Ticket> {
  const { data, error, status } = await client.rpc('transfer_ticket', {
    p_ticket_id: input.ticketId,
    ...(input.toTeamId ? { p_to_team_id: input.toTeamId } : {}),
    ...(input.toAgentId ? { p_to_agent_id: input.toAgentId } : {}),
    ...(input.note?.trim() ? { p_note: input.note.trim() } : {}),
  })
  if (error) throw rpcError(error, status)
  return toTicket(data)
}

export interface CloseInput {
  ticketId: string
  classificationId: string | null
  comment: string | null
}

/** Closes the ticket; the database queues the farewell and the rating prompt in the same transaction. */
export async function closeTicket(client: AppSupabaseClient, input: CloseInput): Promise<Ticket> {
  const { data, error, status } = await client.rpc('close_ticket', {
    p_ticket_id: input.ticketId,
    ...(input.classificationId ? { p_classification_id: input.classificationId } : {}),
    ...(input.comment?.trim() ? { p_comment: input.comment.trim() } : {}),
  })
  if (error) throw rpcError(error, status)
  return toTicket(data)
}

export interface ReopenInput {
  contactId: string
  channelId: string | null
  teamId: string | null
}

/** A new ticket with the contact, already open with the caller (no bot, no queue). */
export async function reopenConversation(client: AppSupabaseClient, input: ReopenInput): Promise<Ticket> {
  const { data, error, status } = await client.rpc('reopen_conversation', {
    p_contact_id: input.contactId,
    ...(input.channelId ? { p_channel_id: input.channelId } : {}),
    ...(input.teamId ? { p_team_id: input.teamId } : {}),
  })
  if (error) throw rpcError(error, status)
  return toTicket(data)
}

export function toTicketEvent(row: Tables<'ticket_events'>): TicketEvent {
  return { ...row, data: (row.data ?? {}) as Record<string, unknown> }
}

/** The ticket's history, oldest first (RLS: whoever sees the ticket sees its events). */
export async function fetchTicketEvents(client: AppSupabaseClient, ticketId: string): Promise<TicketEvent[]> {
  const { data, error, status } = await client
    .from('ticket_events')
    .select('*')
    .eq('ticket_id', ticketId)
    .order('created_at', { ascending: true })
    .order('id', { ascending: true })
  if (error) throw rpcError(error, status)
  return data.map(toTicketEvent)
}

/** Whether closing requires a classification (admins set it; every active user may read it). */
export async function fetchClassificationRequired(client: AppSupabaseClient): Promise<boolean> {
  const { data, error, status } = await client.from('app_settings').select('classification_required').maybeSingle()
  if (error) throw rpcError(error, status)
  return data?.classification_required ?? false
}
