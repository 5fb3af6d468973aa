/**
 * `scheduler` (POST, service role only): the periodic sweep that makes sure nothing waits forever.
 * Production calls it every minute from pg_cron + pg_net, the local stack's gateway every 15 s
 * (docs/agendamentos.md). Each run:
 * 1. the chatbot's timed rules, which must work with nobody logged in: ratings nobody answered in time
 *    close without a score (expire_due_ratings), and conversations where the customer went quiet get the
 *    warning, then the automatic close with its farewell (run_inactivity_rules); what they queue goes
 *    out in step 2 of the same run;
 * 2. sends what is due in the outbox (messages whose immediate send failed, crashed or never ran);
 * 3. re-processes webhook events whose processing failed or never finished (claim_provider_events).
 * Answers what it did: `{ chatbot: {ratings_expired, inactivity: {warned, closed, bot_closed}, errors},
 * outbox: {sent, failed, retried}, ledger: {claimed, statuses, errors} }`.
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
/** Sending the bot replies of retried events, after the ledger part. */
export const LATE_REPLIES_BUDGET_MS = 5_000
const LEDGER_BATCH_SIZE = 20
/** Longer than one event's processing (media download and upload included). */
const LEDGER_LEASE_SECONDS = 120

export interface SchedulerDeps {
  fetch?: FetchLike
  now?: () => Date
  log?: SenderDeps['log']
  /** Tests pass a fake; otherwise a service client is made from the environment. */
  service?: SupabaseClient
}

export interface ChatbotRulesSummary {
  /** Ratings closed without a score because the customer did not answer in time. */
  ratings_expired: number
  /** What run_inactivity_rules did: warnings sent, tickets closed (with an agent or queued), bot conversations closed. */
  inactivity: { warned: number, closed: number, bot_closed: number }
  /** Rules that failed this run (logged; the next run tries again). */
  errors: number
}

export interface LedgerSummary {
  claimed: number
  /** How many events ended in each ledger status (processed, failed, pending…). */
  statuses: Record<string, number>
  /** Runs that threw (their lease brings the event back). */
  errors: number
  /** Retried customer messages the chatbot answered only now (their replies are sent before this run ends). */
  bot_answers: number
}

export function createSchedulerHandler(env: SupabaseEnv, deps: SchedulerDeps = {}): RequestHandler {
  return createHandler('scheduler', async (request) => {
    requireMethod(request, ['POST'])
    requireServiceRole(request, env)
    // Service role: the outbox, the ledger, the chatbot rules and the channels' credentials are closed
    // to every other role.
    const service = deps.service ?? createServiceClient(env)
    const chatbot = await runChatbotRules(service, deps)
    const outbox = await sendDueMessages({ ...deps, service }, { budgetMs: OUTBOX_BUDGET_MS })
    const ledger = await retryLedgerEvents(service, deps)
    if (ledger.bot_answers > 0) {
      // A retried customer message got its bot answer only now: send it in this run, not a minute later.
      const late = await sendDueMessages({ ...deps, service }, { budgetMs: LATE_REPLIES_BUDGET_MS })
      outbox.sent += late.sent
      outbox.failed += late.failed
      outbox.retried += late.retried
    }
    return jsonResponse({ chatbot, outbox, ledger })
  })
}

/** Each rule on its own: one failing (logged, counted) does not hold back the other, nor the sweeps after it. */
async function runChatbotRules(service: SupabaseClient, deps: SchedulerDeps): Promise<ChatbotRulesSummary> {
  const summary: ChatbotRulesSummary = { ratings_expired: 0, inactivity: { warned: 0, closed: 0, bot_closed: 0 }, errors: 0 }
  const expired = await service.rpc('expire_due_ratings')
  if (expired.error) {
    summary.errors++
    console.error('[scheduler] expire_due_ratings failed; the next run tries again', JSON.stringify({ error: expired.error.message }))
  }
  else {
    summary.ratings_expired = count(expired.data)
  }
  const now = deps.now?.() ?? new Date()
  const inactivity = await service.rpc('run_inactivity_rules', { p_now: now.toISOString() })
  if (inactivity.error) {
    summary.errors++
    console.error('[scheduler] run_inactivity_rules failed; the next run tries again', JSON.stringify({ error: inactivity.error.message }))
  }
  else {
    const data = (typeof inactivity.data === 'object' && inactivity.data !== null ? inactivity.data : {}) as Record<string, unknown>
    summary.inactivity = { warned: count(data.warned), closed: count(data.closed), bot_closed: count(data.bot_closed) }
  }
  return summary
}

function count(value: unknown): number {
  const number = Number(value)
  return Number.isInteger(number) && number >= 0 ? number : 0
}

/**
 * Claims due ledger events in batches and processes them one after the other, in the order claimed, so
 * a conversation's events are applied in the order they arrived.
 */
async function retryLedgerEvents(service: SupabaseClient, deps: SchedulerDeps): Promise<LedgerSummary> {
  const now = deps.now ?? (() => new Date())
  const deadline = now().getTime() + LEDGER_BUDGET_MS
  const summary: LedgerSummary = { claimed: 0, statuses: {}, errors: 0, bot_answers: 0 }
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
        summary.bot_answers += result.botAnswers
      }
      catch (error) {
        summary.errors++
        console.error('[scheduler] processing a ledger event failed; its lease will bring it back', JSON.stringify({ event_id: row.id, error: String(error) }))
      }
    }
  }
  return summary
}
