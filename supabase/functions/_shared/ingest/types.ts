/**
 * Shapes shared by the ingestion pipeline: the ledger row (public.provider_events) the webhook stores and
 * the scheduler re-runs, what processing one normalized event produced, and the dependencies.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { FetchLike } from '../provider-http.ts'
import type { NormalizedEvent, ProviderName } from '../providers/types.ts'

export type LedgerStatus = 'pending' | 'processed' | 'duplicate' | 'ignored' | 'rejected' | 'failed'

/** A row of public.provider_events, as supabase-js returns it (bigint id as a number, times as ISO text). */
export interface LedgerRow {
  id: number
  channel_id: string | null
  provider: ProviderName
  event_type: string | null
  provider_message_id: string | null
  payload: unknown
  raw_body: string | null
  headers: Record<string, string>
  status: LedgerStatus
  attempts: number
  last_error: string | null
  received_at: string
  next_attempt_at: string | null
  processed_at: string | null
}

export interface IngestDeps {
  /** Service role: the ledger, channel secrets and ingestion RPCs are closed to every other role. */
  service: SupabaseClient
  /** Provider calls and media downloads (tests point it at fakes). */
  fetch?: FetchLike
  now?: () => Date
}

/** What ingest_inbound_message / ingest_business_message answered. */
export interface IngestResult {
  duplicate: boolean
  message_id: string
  ticket_id?: string | null
  ticket_created?: boolean
  ticket_status?: string | null
}

/**
 * The result of applying one normalized event:
 * - `applied`: it changed something (a message stored, a status or channel state recorded);
 * - `duplicate`: the message was already stored (a provider re-delivery);
 * - `ignored`: nothing to do, with the reason kept in the ledger;
 * - `waiting`: a status for a message not stored yet (its ack beat the sender): retry later;
 * - `failed`: an error; `permanent` when retrying cannot help (bad data), else retried with backoff.
 */
export type EventOutcome
  = | { result: 'applied', event: NormalizedEvent, ingest?: IngestResult, mediaPath?: string | null }
    | { result: 'duplicate', event: NormalizedEvent, messageId: string }
    | { result: 'ignored', event: NormalizedEvent, reason: string }
    | { result: 'waiting', event: NormalizedEvent, reason: string }
    | { result: 'failed', event: NormalizedEvent | null, reason: string, permanent: boolean }
