/**
 * `scheduler` (POST, service role only): the periodic sweep that makes sure nothing waits forever.
 * Production calls it every minute from pg_cron + pg_net, the local stack's gateway every 15 s
 * (docs/agendamentos.md). Each run:
 * 1. sends what is due in the outbox (messages whose immediate send failed, crashed or never ran);
 * 2. re-processes webhook events whose processing failed or never finished (claim_provider_events).
 * Answers what it did: `{ outbox: {sent, failed, retried}, ledger: {claimed, statuses, errors} }`.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { SupabaseEnv } from '../_shared/env.ts'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { processLedgerEvent } from '../_shared/ingest/process-event.ts'
import type { LedgerRow } from '../_shared/ingest/types.ts'
import { requireServiceRole } from '../_shared/outbox/callers.ts'
import { sendDueMessages, type SenderDeps } from '../_shared/outbox/sender.ts'
import type { FetchLike } from '../_shared/provider-http.ts'
import { createServiceClient } from '../_shared/supabase.ts'

/** Together well under the one-minute cadence, so production runs rarely overlap (they may: both parts are lease-safe). */
export const OUTBOX_BUDGET_MS = 25_000
export const LEDGER_BUDGET_MS = 20_000
const LEDGER_BATCH_SIZE = 20
/** Longer than one event's processing (media download and upload included). */
const LEDGER_LEASE_SECONDS = 120

export interface SchedulerDeps {
  fetch?: FetchLike
  now?: () => Date
  log?: SenderDeps['log']
}

export interface LedgerSummary {
  claimed: number
  /** How many events ended in each ledger status (processed, failed, pending…). */
  statuses: Record<string, number>
  /** Runs that threw (their lease brings the event back). */
  errors: number
}

export function createSchedulerHandler(env: SupabaseEnv, deps: SchedulerDeps = {}): RequestHandler {
  return createHandler('scheduler', async (request) => {
    requireMethod(request, ['POST'])
    requireServiceRole(request, env)
    // Service role: the outbox, the ledger and the channels' credentials are closed to every other role.
    const service = createServiceClient(env)
    const outbox = await sendDueMessages({ ...deps, service }, { budgetMs: OUTBOX_BUDGET_MS })
    const ledger = await retryLedgerEvents(service, deps)
    return jsonResponse({ outbox, ledger })
  })
}

/**
 * Claims due ledger events in batches and processes them one after the other, in the order claimed, so
 * a conversation's events are applied in the order they arrived.
 */
async function retryLedgerEvents(service: SupabaseClient, deps: SchedulerDeps): Promise<LedgerSummary> {
  const now = deps.now ?? (() => new Date())
  const deadline = now().getTime() + LEDGER_BUDGET_MS
  const summary: LedgerSummary = { claimed: 0, statuses: {}, errors: 0 }
  while (now().getTime() < deadline) {
    const { data, error } = await service.rpc('claim_provider_events', { p_limit: LEDGER_BATCH_SIZE, p_lease_seconds: LEDGER_LEASE_SECONDS })
    if (error) throw new Error(`claim_provider_events failed: ${error.message}`)
    const rows = (Array.isArray(data) ? data : []) as LedgerRow[]
    if (rows.length === 0) break
    summary.claimed += rows.length
    for (const row of rows) {
      try {
        const result = await processLedgerEvent({ service, fetch: deps.fetch, now: deps.now }, row)
        summary.statuses[result.status] = (summary.statuses[result.status] ?? 0) + 1
      }
      catch (error) {
        summary.errors++
        console.error('[scheduler] processing a ledger event failed; its lease will bring it back', JSON.stringify({ event_id: row.id, error: String(error) }))
      }
    }
  }
  return summary
}
