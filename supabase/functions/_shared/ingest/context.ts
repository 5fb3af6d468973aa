import type { IngestDeps, LedgerRow } from './types.ts'

/** What applying one event of a ledger row needs to know about the run. */
export interface ApplyContext {
  deps: IngestDeps
  row: LedgerRow
  /** This run's attempt number (1 = the webhook's own run). */
  attempt: number
  now: Date
}
