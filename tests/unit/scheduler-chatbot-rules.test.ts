/**
 * The scheduler's chatbot part, on a scripted service client: the timed rules (ratings nobody answered,
 * customers gone quiet) run before the outbox sweep, so what they queue goes out in the same run; each
 * rule failing is logged and counted without holding back the rest.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSchedulerHandler } from '../../supabase/functions/scheduler/handler.ts'

type Row = Record<string, unknown>
type Answer = { data: unknown, error: null } | { data: null, error: { message: string } }

const env = { url: 'http://127.0.0.1:9', anonKey: 'anon-key', serviceRoleKey: 'service-key' }
const NOW = new Date('2026-03-10T12:00:00Z')

function fakeService(answers: Record<string, (args: Row) => Answer>) {
  const calls: { name: string, args: Row }[] = []
  const service = {
    async rpc(name: string, args: Row = {}) {
      calls.push({ name, args })
      const answer = answers[name]
      if (!answer) throw new Error(`unexpected rpc ${name}`)
      return answer(args)
    },
  }
  return { service: service as unknown as SupabaseClient, calls }
}

const empty = (): Answer => ({ data: [], error: null })

async function runScheduler(service: SupabaseClient): Promise<Row> {
  const handler = createSchedulerHandler(env, { service, now: () => NOW })
  const response = await handler(new Request('http://127.0.0.1/scheduler', { method: 'POST', headers: { Authorization: `Bearer ${env.serviceRoleKey}` } }))
  expect(response.status).toBe(200)
  return await response.json() as Row
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('scheduler: chatbot rules', () => {
  it('expires due ratings and runs the inactivity rules at its own time, before the outbox sweep', async () => {
    const { service, calls } = fakeService({
      expire_due_ratings: () => ({ data: 2, error: null }),
      run_inactivity_rules: () => ({ data: { warned: 3, closed: 1, bot_closed: 4 }, error: null }),
      claim_outbox_batch: empty,
      claim_provider_events: empty,
    })
    const summary = await runScheduler(service)

    expect(calls.map(call => call.name)).toEqual(['expire_due_ratings', 'run_inactivity_rules', 'claim_outbox_batch', 'claim_provider_events'])
    expect(calls[1]!.args).toEqual({ p_now: NOW.toISOString() })
    expect(summary).toEqual({
      chatbot: { ratings_expired: 2, inactivity: { warned: 3, closed: 1, bot_closed: 4 }, errors: 0 },
      outbox: { sent: 0, failed: 0, retried: 0 },
      ledger: { claimed: 0, statuses: {}, errors: 0, bot_answers: 0 },
    })
  })

  it('a failing rule is logged and counted; the other rule and both sweeps still run', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const { service, calls } = fakeService({
      expire_due_ratings: () => ({ data: null, error: { message: 'canceling statement due to statement timeout' } }),
      run_inactivity_rules: () => ({ data: { warned: 1, closed: 0, bot_closed: 0 }, error: null }),
      claim_outbox_batch: empty,
      claim_provider_events: empty,
    })
    const summary = await runScheduler(service)

    expect(summary.chatbot).toEqual({ ratings_expired: 0, inactivity: { warned: 1, closed: 0, bot_closed: 0 }, errors: 1 })
    expect(calls.map(call => call.name)).toEqual(['expire_due_ratings', 'run_inactivity_rules', 'claim_outbox_batch', 'claim_provider_events'])
    expect(errors).toHaveBeenCalledWith('[scheduler] expire_due_ratings failed; the next run tries again', expect.stringContaining('statement timeout'))
  })

  it('reads odd answers as zero rather than failing the run', async () => {
    const { service } = fakeService({
      expire_due_ratings: () => ({ data: null, error: null }),
      run_inactivity_rules: () => ({ data: { warned: 'dois', closed: -1 }, error: null }),
      claim_outbox_batch: empty,
      claim_provider_events: empty,
    })
    expect((await runScheduler(service)).chatbot).toEqual({ ratings_expired: 0, inactivity: { warned: 0, closed: 0, bot_closed: 0 }, errors: 0 })
  })
})
