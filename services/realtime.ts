/**
 * Realtime data layer: typed `postgres_changes` subscriptions to the tables of the `supabase_realtime`
 * publication (tickets, messages, channels, channel_qr_codes). Realtime applies the subscriber's RLS,
 * so a subscription only ever delivers rows the user may read.
 *
 * Changes made while the socket was down are not replayed. Phoenix rejoins the channel by itself after
 * a reconnect; this helper tells the caller (`onResync`) so it can re-read what it shows, and it
 * recreates the channel if the server closed it for good.
 */
import type { RealtimeChannel, RealtimePostgresChangesPayload } from '@supabase/supabase-js'
import type { Tables } from '~/types/database'
import type { AppSupabaseClient } from '~/types/supabase'

export type RealtimeTable = 'tickets' | 'messages' | 'channels' | 'channel_qr_codes'

export type RowChange<Row>
  = | { type: 'INSERT', row: Row }
    | { type: 'UPDATE', row: Row, old: Partial<Row> }
  /** Realtime sends only the primary key of a deleted row (RLS cannot be checked on it). */
    | { type: 'DELETE', old: Partial<Row> }

/** `connecting` until the first join, `live` while joined, `interrupted` while rejoining. */
export type LiveStatus = 'connecting' | 'live' | 'interrupted'

export interface TableSubscription<Row> {
  table: RealtimeTable
  /** A Realtime filter such as `ticket_id=eq.<uuid>`; without it, every visible row. */
  filter?: string
  event?: 'INSERT' | 'UPDATE' | 'DELETE' | '*'
  onChange: (change: RowChange<Row>) => void
  /** The subscription is back after an interruption: changes made meanwhile were missed. */
  onResync?: () => void
  onStatus?: (status: LiveStatus) => void
}

/** How long to wait before recreating a channel the server closed. */
const RECREATE_DELAY_MS = 2_000

let channelSequence = 0

type AnyRow = Record<string, unknown>

/**
 * The payload as the caller's row type. Realtime sends the table's row as PostgREST would (the
 * generated row type); callers name the domain type it narrows to, whose extra precision (status
 * unions) comes from the table's check constraints.
 */
function toChange<Row extends object>(payload: RealtimePostgresChangesPayload<AnyRow>): RowChange<Row> | null {
  switch (payload.eventType) {
    case 'INSERT':
      return { type: 'INSERT', row: payload.new as Row }
    case 'UPDATE':
      return { type: 'UPDATE', row: payload.new as Row, old: payload.old as Partial<Row> }
    case 'DELETE':
      return { type: 'DELETE', old: payload.old as Partial<Row> }
    default:
      return null
  }
}

/**
 * Subscribes to row changes of one table. `Row` is the shape the caller works with (a domain type
 * narrowed from the generated row). Returns the function that ends the subscription.
 */
export function subscribeToTable<Row extends object = Tables<RealtimeTable>>(
  client: AppSupabaseClient,
  subscription: TableSubscription<Row>,
): () => void {
  const { table, filter, event = '*', onChange, onResync, onStatus } = subscription
  let channel: RealtimeChannel | null = null
  let stopped = false
  let joinedOnce = false
  let interrupted = false
  let recreateTimer: ReturnType<typeof setTimeout> | undefined

  function open(): void {
    channelSequence += 1
    const current = client
      .channel(`atende:${table}:${filter ?? 'all'}:${channelSequence}`)
      .on<AnyRow>('postgres_changes', { event: event as '*', schema: 'public', table, filter }, (payload) => {
        const change = toChange<Row>(payload)
        if (change) onChange(change)
      })
    channel = current
    current.subscribe((status) => {
      if (stopped || channel !== current) return
      if (status === 'SUBSCRIBED') {
        const resumed = joinedOnce && interrupted
        joinedOnce = true
        interrupted = false
        onStatus?.('live')
        if (resumed) onResync?.()
        return
      }
      // CHANNEL_ERROR and TIMED_OUT: Phoenix rejoins on its own once the socket is back.
      interrupted = true
      onStatus?.(joinedOnce ? 'interrupted' : 'connecting')
      if (status === 'CLOSED') {
        // Closed by the server (not by us): a closed channel never rejoins, so start a new one.
        channel = null
        void client.removeChannel(current)
        recreateTimer = setTimeout(() => {
          if (!stopped) open()
        }, RECREATE_DELAY_MS)
      }
    })
  }

  onStatus?.('connecting')
  open()

  return () => {
    stopped = true
    clearTimeout(recreateTimer)
    const current = channel
    channel = null
    if (current) void client.removeChannel(current)
  }
}
