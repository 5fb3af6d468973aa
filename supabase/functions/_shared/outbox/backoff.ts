/**
 * When to try a transient failure again, and when to stop trying. The schedule starts fast (a provider
 * hiccup clears in seconds) and settles at one try every 30 minutes; jitter spreads the retries of many
 * messages queued during one outage, so they do not all hit the provider in the same second.
 */

/** Delay after the 1st, 2nd, 3rd… failed attempt; the last one repeats. */
export const RETRY_DELAYS_MS = [5_000, 15_000, 45_000, 120_000, 300_000, 900_000, 1_800_000] as const

/** ± this fraction of the delay. */
export const RETRY_JITTER = 0.2

/**
 * A message still failing this long after it was queued (or re-queued by "Tentar novamente") is marked
 * failed: past a day the conversation has moved on, and the Cloud API's 24-hour window has likely closed.
 */
export const GIVE_UP_AFTER_MS = 24 * 60 * 60 * 1000

/** `attempts` counts tries made so far, this one included (1 after the first failure). */
export function retryDelayMs(attempts: number, random: () => number = Math.random): number {
  const step = Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1
  const base = RETRY_DELAYS_MS[step]!
  const factor = 1 - RETRY_JITTER + 2 * RETRY_JITTER * Math.min(Math.max(random(), 0), 1)
  return Math.round(base * factor)
}

/** Whether a message queued at `queuedAt` has been retried long enough. */
export function shouldGiveUp(queuedAt: Date, now: Date): boolean {
  return now.getTime() - queuedAt.getTime() >= GIVE_UP_AFTER_MS
}
