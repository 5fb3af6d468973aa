/**
 * The outbox sender: claims due messages (`claim_outbox_batch`), delivers them, and records each outcome
 * (`complete_outbox_send` / `fail_outbox_send`), until nothing is due or the time budget is spent. Called
 * by whatsapp-send right after an agent sends and by the scheduler's sweep; any number of senders may run
 * at once (the claim leases rows with SKIP LOCKED), and a sender that dies mid-way loses only its lease.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { type ChannelConfig, loadChannelById } from '../channels.ts'
import type { SendFailure } from '../providers/outbound.ts'
import { retryDelayMs, shouldGiveUp } from './backoff.ts'
import { type ClaimedOutboxItem, readClaimedItem } from './claimed.ts'
import { deliver, type DeliveryDeps } from './deliver.ts'
import { localFailure, REASONS } from './failures.ts'

export type SenderLog = (level: 'warn' | 'error', message: string, context: Record<string, unknown>) => void

export interface SenderDeps extends DeliveryDeps {
  now?: () => Date
  /** For the backoff jitter. */
  random?: () => number
  log?: SenderLog
}

export interface SendOptions {
  /** Stop claiming new batches after this long (a batch already claimed is finished). */
  budgetMs: number
  /** Messages per claim. */
  batchSize?: number
  /** How long a claimed message is ours; must exceed the slowest delivery (upload + send timeouts). */
  leaseSeconds?: number
}

export interface SendSummary {
  sent: number
  /** Marked failed for good (the agent sees the reason). */
  failed: number
  /** Back in the queue for a later try. */
  retried: number
}

export const DEFAULT_BATCH_SIZE = 10
export const DEFAULT_LEASE_SECONDS = 120

const consoleLog: SenderLog = (level, message, context) => console[level](`[outbox] ${message}`, JSON.stringify(context))

type Outcome = keyof SendSummary

export async function sendDueMessages(deps: SenderDeps, options: SendOptions): Promise<SendSummary> {
  const now = deps.now ?? (() => new Date())
  const log = deps.log ?? consoleLog
  const deadline = now().getTime() + options.budgetMs
  const summary: SendSummary = { sent: 0, failed: 0, retried: 0 }
  const channels = new Map<string, Promise<ChannelConfig | null>>()
  const channelFor = (id: string): Promise<ChannelConfig | null> => {
    let loading = channels.get(id)
    if (!loading) {
      loading = loadChannelById(deps.service, id)
      // A failed load (database hiccup) is not cached: the next batch asks again.
      loading.catch(() => channels.delete(id))
      channels.set(id, loading)
    }
    return loading
  }

  while (now().getTime() < deadline) {
    const { data, error } = await deps.service.rpc('claim_outbox_batch', {
      p_limit: options.batchSize ?? DEFAULT_BATCH_SIZE,
      p_lease_seconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS,
    })
    if (error) throw new Error(`claim_outbox_batch failed: ${error.message}`)
    const rows = Array.isArray(data) ? data : []
    if (rows.length === 0) break
    // The claim never hands out two messages of one ticket together (a later one waits while an earlier
    // one is queued or sending), so a batch's messages are independent and go side by side.
    const outcomes = await Promise.all(rows.map(row => sendClaimedRow(deps, log, now, channelFor, row)))
    for (const outcome of outcomes) {
      if (outcome) summary[outcome]++
    }
  }
  return summary
}

async function sendClaimedRow(
  deps: SenderDeps,
  log: SenderLog,
  now: () => Date,
  channelFor: (id: string) => Promise<ChannelConfig | null>,
  row: unknown,
): Promise<Outcome | null> {
  const item = readClaimedItem(row)
  if (item === null) {
    log('error', 'claimed row without an outbox id, left to its lease', { row })
    return null
  }
  let outcome
  try {
    outcome = await deliver(deps, item, await channelFor(item.channelId))
  }
  catch (error) {
    log('error', 'unexpected error while sending', { outbox_id: item.outboxId, message_id: item.messageId, error: String(error) })
    outcome = { ok: false as const, failure: localFailure('transient', 'unknown', REASONS.internal, String(error)) }
  }
  if (outcome.ok) {
    await recordSent(deps.service, log, item, outcome.providerMessageId)
    return 'sent'
  }
  return await recordFailure(deps, log, now, item, outcome.failure)
}

/**
 * The provider has the message: record it. If the database cannot be reached the message would be sent
 * again once the lease ends, so a few quick tries are worth it; a final failure is logged loudly.
 */
async function recordSent(service: SupabaseClient, log: SenderLog, item: ClaimedOutboxItem, providerMessageId: string): Promise<void> {
  let lastError = ''
  for (let attempt = 1; attempt <= 3; attempt++) {
    const { error } = await service.rpc('complete_outbox_send', { p_outbox_id: item.outboxId, p_provider_message_id: providerMessageId })
    if (!error) return
    lastError = error.message
    await new Promise(resolve => setTimeout(resolve, 200 * attempt))
  }
  log('error', 'sent but not recorded: the message will be sent again when its lease ends', {
    outbox_id: item.outboxId, message_id: item.messageId, provider_message_id: providerMessageId, error: lastError,
  })
}

async function recordFailure(
  deps: SenderDeps,
  log: SenderLog,
  now: () => Date,
  item: ClaimedOutboxItem,
  failure: SendFailure,
): Promise<Outcome> {
  const context = {
    outbox_id: item.outboxId,
    message_id: item.messageId,
    attempts: item.attempts,
    kind: failure.kind,
    category: failure.category,
    http_status: failure.httpStatus,
    provider_code: failure.providerCode,
    provider_message: failure.providerMessage,
  }
  let permanent = failure.kind === 'permanent'
  let reason = failure.reason
  let retryAt: Date | null = null
  if (!permanent) {
    const queuedAt = await queuedSince(deps.service, item)
    if (queuedAt !== null && shouldGiveUp(queuedAt, now())) {
      permanent = true
      reason = REASONS.gaveUp(failure.reason)
    }
    else {
      retryAt = new Date(now().getTime() + retryDelayMs(item.attempts, deps.random))
    }
  }
  log('warn', permanent ? 'send failed for good' : 'send failed, will retry', { ...context, retry_at: retryAt?.toISOString() ?? null })
  const { error } = await deps.service.rpc('fail_outbox_send', {
    p_outbox_id: item.outboxId,
    p_permanent: permanent,
    p_reason: reason,
    p_retry_at: retryAt?.toISOString() ?? null,
  })
  // Unrecorded, the message stays leased and is claimed again when the lease ends: retried either way.
  if (error) log('error', 'could not record the failure; the lease will bring the message back', { ...context, error: error.message })
  return permanent ? 'failed' : 'retried'
}

/**
 * When the current run of tries began: the message's last status change while pending (set when "Tentar
 * novamente" re-queues it), else when it was queued. Null when unknown: then it is simply retried.
 */
async function queuedSince(service: SupabaseClient, item: ClaimedOutboxItem): Promise<Date | null> {
  const { data, error } = await service
    .from('outbox')
    .select('created_at, message:messages(status_updated_at)')
    .eq('id', item.outboxId)
    .maybeSingle()
  if (error || !data) return null
  const row = data as { created_at?: unknown, message?: { status_updated_at?: unknown } | null }
  const times = [row.created_at, row.message?.status_updated_at]
    .filter((value): value is string => typeof value === 'string')
    .map(value => new Date(value))
    .filter(date => !Number.isNaN(date.getTime()))
  return times.length === 0 ? null : new Date(Math.max(...times.map(date => date.getTime())))
}
