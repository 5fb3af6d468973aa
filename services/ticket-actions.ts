/**
 * Ticket actions data layer: the transfer/close/reopen RPCs, a ticket's event history
 * (`ticket_events`) and the one setting the close dialog needs (`app_settings.classification_required`).
 * Refusals come back as `RpcError` (services/errors.ts).
 */
import { toTicket } from '~/services/tickets'
import type { Tables } from '~/types/database'
import type { Ticket, TicketEvent } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { rpcError } from '~/services/errors'

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
