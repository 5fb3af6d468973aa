/** How a processing run ends on its ledger row: statuses, backoff, giving up. */
import { describe, expect, it } from 'vitest'
import {
  decideLedgerUpdate, FAILURE_BACKOFF_SECONDS, MAX_ATTEMPTS, STATUS_MAX_ATTEMPTS, STATUS_WAIT_SECONDS,
} from '../../supabase/functions/_shared/ingest/outcome.ts'
import type { EventOutcome } from '../../supabase/functions/_shared/ingest/types.ts'
import type { NormalizedEvent } from '../../supabase/functions/_shared/providers/types.ts'

const now = new Date('2026-03-10T12:00:00Z')
const event: NormalizedEvent = { provider: 'cloud', channelKey: '1', type: 'ignored', event: 'x', reason: 'x', providerMessageId: null }
const applied: EventOutcome = { result: 'applied', event }
const duplicate: EventOutcome = { result: 'duplicate', event, messageId: 'm1' }
const ignored = (reason: string): EventOutcome => ({ result: 'ignored', event, reason })
const waiting: EventOutcome = { result: 'waiting', event, reason: 'status read for message W, which is not stored yet' }
const failed = (permanent = false): EventOutcome => ({ result: 'failed', event, reason: 'Falha ao obter a mídia: HTTP 503', permanent })
const secondsAfterNow = (iso: string | null) => (Date.parse(iso!) - now.getTime()) / 1000

describe('decideLedgerUpdate', () => {
  it('processed when anything was applied, duplicate when every message was already stored', () => {
    expect(decideLedgerUpdate([applied, duplicate, ignored('x')], 1, now)).toEqual({
      status: 'processed', attempts: 1, last_error: null, next_attempt_at: null, processed_at: now.toISOString(),
    })
    expect(decideLedgerUpdate([duplicate, duplicate], 2, now)).toMatchObject({ status: 'duplicate', attempts: 2, processed_at: now.toISOString() })
  })

  it('ignored with every distinct reason', () => {
    expect(decideLedgerUpdate([ignored('group message'), ignored('group message'), ignored('echo')], 1, now))
      .toMatchObject({ status: 'ignored', last_error: 'group message; echo', next_attempt_at: null })
    expect(decideLedgerUpdate([], 1, now)).toMatchObject({ status: 'ignored' })
  })

  it('retries failures with a growing backoff, then gives up visibly (failed, no next attempt)', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS - 1 }, (_, index) => secondsAfterNow(decideLedgerUpdate([applied, failed()], index + 1, now).next_attempt_at))
    expect(waits).toEqual([...FAILURE_BACKOFF_SECONDS])
    expect(waits.slice(0, 3)).toEqual([30, 120, 600])
    expect(decideLedgerUpdate([failed()], 1, now)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'Falha ao obter a mídia: HTTP 503', processed_at: null })
    const last = decideLedgerUpdate([failed()], MAX_ATTEMPTS, now)
    expect(last).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, next_attempt_at: null })
    expect(last.last_error).toContain(`desistimos após ${MAX_ATTEMPTS} tentativas`)
  })

  it('does not retry a permanent failure', () => {
    expect(decideLedgerUpdate([failed(true)], 1, now)).toMatchObject({ status: 'failed', next_attempt_at: null, last_error: 'Falha ao obter a mídia: HTTP 503' })
  })

  it('keeps a status for an unknown message pending for about ten minutes, then ignores it with the reason', () => {
    const waits = Array.from({ length: STATUS_MAX_ATTEMPTS - 1 }, (_, index) => {
      const update = decideLedgerUpdate([waiting], index + 1, now)
      expect(update.status).toBe('pending')
      return secondsAfterNow(update.next_attempt_at)
    })
    expect(waits).toEqual([...STATUS_WAIT_SECONDS])
    expect(waits.reduce((sum, wait) => sum + wait, 0)).toBe(600)
    const gaveUp = decideLedgerUpdate([waiting], STATUS_MAX_ATTEMPTS, now)
    expect(gaveUp).toMatchObject({ status: 'ignored', next_attempt_at: null, processed_at: now.toISOString() })
    expect(gaveUp.last_error).toContain('not stored yet')
    // Whatever else of the batch was applied still counts.
    expect(decideLedgerUpdate([applied, waiting], STATUS_MAX_ATTEMPTS, now).status).toBe('processed')
  })

  it('a failure wins over waiting: the whole batch is retried', () => {
    expect(decideLedgerUpdate([waiting, failed()], 1, now)).toMatchObject({ status: 'failed', next_attempt_at: new Date(now.getTime() + 30_000).toISOString() })
  })
})
