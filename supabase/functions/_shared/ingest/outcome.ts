/**
 * How a processing run ends on its ledger row. Pure: the ledger status, attempt count, error and next
 * attempt follow from the outcomes of the batch's events, the attempt number and the clock.
 */
import type { EventOutcome, LedgerStatus } from './types.ts'

/** Waits after failed attempts 1, 2, …; the attempt after the last one gives up (MAX_ATTEMPTS). */
export const FAILURE_BACKOFF_SECONDS = [30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200] as const
export const MAX_ATTEMPTS = FAILURE_BACKOFF_SECONDS.length + 1

/**
 * A status for a message we do not know yet: the ack can beat the sender recording the provider id, so
 * retry for about ten minutes (attempts 1 … 6), then give up as ignored.
 */
export const STATUS_WAIT_SECONDS = [20, 40, 80, 160, 300] as const
export const STATUS_MAX_ATTEMPTS = STATUS_WAIT_SECONDS.length + 1

/** Media downloads are retried on this many attempts; the last one stores the message without the file. */
export const MEDIA_MAX_ATTEMPTS = 3

export interface LedgerUpdate {
  status: LedgerStatus
  attempts: number
  last_error: string | null
  next_attempt_at: string | null
  processed_at: string | null
}

const MAX_ERROR_LENGTH = 2000

function joined(reasons: string[]): string | null {
  const unique = [...new Set(reasons)]
  return unique.length === 0 ? null : unique.join('; ').slice(0, MAX_ERROR_LENGTH)
}

function after(now: Date, seconds: number): string {
  return new Date(now.getTime() + seconds * 1000).toISOString()
}

/** `attempt` is this run's number (1 for the webhook's own run). */
export function decideLedgerUpdate(outcomes: EventOutcome[], attempt: number, now: Date): LedgerUpdate {
  const failures = outcomes.filter(outcome => outcome.result === 'failed')
  if (failures.length > 0) {
    const reason = joined(failures.map(failure => failure.reason)) ?? 'Falha sem detalhes.'
    const permanent = failures.every(failure => failure.permanent)
    if (permanent || attempt >= MAX_ATTEMPTS) {
      const suffix = permanent ? '' : ` (desistimos após ${attempt} tentativas)`
      return { status: 'failed', attempts: attempt, last_error: `${reason}${suffix}`.slice(0, MAX_ERROR_LENGTH), next_attempt_at: null, processed_at: null }
    }
    return { status: 'failed', attempts: attempt, last_error: reason, next_attempt_at: after(now, FAILURE_BACKOFF_SECONDS[attempt - 1]!), processed_at: null }
  }

  const waiting = outcomes.filter(outcome => outcome.result === 'waiting')
  if (waiting.length > 0 && attempt < STATUS_MAX_ATTEMPTS) {
    return { status: 'pending', attempts: attempt, last_error: joined(waiting.map(outcome => outcome.reason)), next_attempt_at: after(now, STATUS_WAIT_SECONDS[attempt - 1]!), processed_at: null }
  }
  const gaveUp = waiting.map(outcome => `${outcome.reason} (desistimos após ${attempt} tentativas)`)
  const ignoredReasons = [...outcomes.flatMap(outcome => outcome.result === 'ignored' ? [outcome.reason] : []), ...gaveUp]
  const done = now.toISOString()
  if (outcomes.some(outcome => outcome.result === 'applied')) {
    return { status: 'processed', attempts: attempt, last_error: null, next_attempt_at: null, processed_at: done }
  }
  if (outcomes.some(outcome => outcome.result === 'duplicate')) {
    return { status: 'duplicate', attempts: attempt, last_error: null, next_attempt_at: null, processed_at: done }
  }
  return { status: 'ignored', attempts: attempt, last_error: joined(ignoredReasons) ?? 'Nothing to apply.', next_attempt_at: null, processed_at: done }
}
