/**
 * Writes to the ledger (public.provider_events, service role only). A row is inserted before anything
 * else happens to a webhook, so nothing a provider sent is lost, and is updated as it is authenticated
 * and processed.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { type ChannelConfig, channelConfigFromRow, type SecretsRow } from '../channels.ts'
import type { ProviderName } from '../providers/types.ts'
import type { LedgerStatus } from './types.ts'

export interface NewLedgerEvent {
  provider: ProviderName
  payload: unknown
  raw_body: string | null
  headers: Record<string, string>
  status: LedgerStatus
  last_error?: string | null
  /**
   * Null until the request is authenticated: the scheduler only re-runs rows whose lease
   * (next_attempt_at) is set, so an unauthenticated body is never processed, even after a crash.
   */
  next_attempt_at?: string | null
  processed_at?: string | null
  /** Known when the row is stored already authenticated (the webhook checked it against cached credentials). */
  channel_id?: string | null
  event_type?: string | null
  provider_message_id?: string | null
  attempts?: number
}

export async function insertLedgerEvent(service: SupabaseClient, event: NewLedgerEvent): Promise<{ id: number, received_at: string }> {
  const { data, error } = await service.from('provider_events')
    .insert({ next_attempt_at: null, ...event, payload: event.payload ?? null })
    .select('id, received_at')
    .single()
  if (error || !data) throw new Error(`storing the webhook in the ledger failed: ${error?.message ?? 'no row returned'}`)
  return data as { id: number, received_at: string }
}

export interface ReceivedEvent {
  id: number
  received_at: string
  /** The channel the webhook names, with its credentials; null when none has that key. */
  channel: ChannelConfig | null
}

/**
 * Stores a webhook as received (pending, not authenticated: no lease) and loads, in the same call, the
 * channel whose Evolution instance / Cloud phone number id is `channelKey` (receive_webhook_event).
 */
export async function receiveLedgerEvent(
  service: SupabaseClient,
  event: { provider: ProviderName, payload: unknown, headers: Record<string, string> },
  channelKey: string,
): Promise<ReceivedEvent> {
  const { data, error } = await service.rpc('receive_webhook_event', {
    p_provider: event.provider, p_payload: event.payload ?? null, p_raw_body: null, p_headers: event.headers, p_channel_key: channelKey,
  })
  const row = data as { id?: unknown, received_at?: unknown, channel?: unknown } | null
  if (error || typeof row?.id !== 'number' || typeof row.received_at !== 'string') {
    throw new Error(`storing the webhook in the ledger failed: ${error?.message ?? 'no row returned'}`)
  }
  return { id: row.id, received_at: row.received_at, channel: row.channel ? channelConfigFromRow(row.channel as SecretsRow) : null }
}

export async function updateLedgerEvent(service: SupabaseClient, id: number, fields: Record<string, unknown>): Promise<void> {
  const { error } = await service.from('provider_events').update(fields).eq('id', id)
  if (error) throw new Error(`updating ledger event ${id} failed: ${error.message}`)
}

/**
 * Evolution with `webhook.base64` puts the whole file in `data.message.base64`. Once the file is in
 * Storage (or the message was a duplicate), the ledger keeps a short marker instead, so it does not hold
 * megabytes per message forever. Returns null when there is nothing to strip.
 */
export function stripInlineMedia(payload: unknown, mediaPaths: ReadonlyMap<string, string | null>): unknown {
  if (!isObject(payload) || !('data' in payload)) return null
  let changed = false
  const strip = (item: unknown): unknown => {
    if (!isObject(item) || !isObject(item.message) || typeof item.message.base64 !== 'string') return item
    const id = isObject(item.key) && typeof item.key.id === 'string' ? item.key.id : null
    const path = id ? mediaPaths.get(id) : null
    changed = true
    const marker = path ? `[base64 removido: arquivo em media/${path}]` : '[base64 removido após o processamento]'
    return { ...item, message: { ...item.message, base64: marker } }
  }
  const data = Array.isArray(payload.data) ? payload.data.map(strip) : strip(payload.data)
  return changed ? { ...payload, data } : null
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
