import type { IngestDeps, LedgerRow } from './types.ts'

/** What applying one event of a ledger row needs to know about the run. */
export interface ApplyContext {
  deps: IngestDeps
  row: LedgerRow
  /** This run's attempt number (1 = the webhook's own run). */
  attempt: number
  now: Date
  /**
   * Set when this event is the row's only work and the row needs no other change once it is applied:
   * the database call that settles the event may then close the row in the same transaction
   * (ingest_webhook_message, apply_webhook_bot_decision) instead of a separate ledger update.
   */
  finish?: { event_id: number, attempts: number }
}
