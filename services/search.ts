/**
 * Message search data layer (`search_messages`): Portuguese, accent-insensitive, partial words, over
 * every ticket the caller may see or inside one ticket. Pages by cursor: every row of a page carries the
 * same `next_cursor`, null on the last page.
 */
import type { MessageDirection, MessageKind, MessageSearchHit } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { rpcError } from '~/services/errors'

export interface MessageSearchPage {
  hits: MessageSearchHit[]
  nextCursor: string | null
}

export interface MessageSearchInput {
  query: string
  /** Search one conversation only. */
  ticketId?: string | null
  limit?: number
  cursor?: string | null
}

export async function searchMessages(client: AppSupabaseClient, input: MessageSearchInput): Promise<MessageSearchPage> {
  const { data, error, status } = await client.rpc('search_messages', {
    p_query: input.query,
    ...(input.ticketId ? { p_ticket_id: input.ticketId } : {}),
    ...(input.limit ? { p_limit: input.limit } : {}),
    ...(input.cursor ? { p_cursor: input.cursor } : {}),
  })
  if (error) throw rpcError(error, status)
  // kind and direction hold only the values the messages check constraints allow; next_cursor is null
  // on the last page although the generated type cannot say so.
  const hits: MessageSearchHit[] = (data ?? []).map(row => ({
    ...row,
    kind: row.kind as MessageKind,
    direction: row.direction as MessageDirection,
    next_cursor: row.next_cursor ?? null,
  }))
  return { hits, nextCursor: hits[0]?.next_cursor ?? null }
}

/** The shortest query the server accepts (`search_query_too_short` below it). */
export const SEARCH_MIN_LENGTH = 2
export const SEARCH_MAX_LENGTH = 200
