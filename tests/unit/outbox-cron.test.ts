/** The local stack's cron that calls the scheduler function (local-stack/gateway/cron.ts), on fake time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_SCHEDULER_INTERVAL_MS, schedulerIntervalFromEnv, startSchedulerCron, type SchedulerCron } from '../../local-stack/gateway/cron.ts'

interface Call { url: string, init: RequestInit, answer: (response: Response) => void, fail: (error: Error) => void }

/** A fetch whose calls wait until the test answers them. */
function heldFetch() {
  const calls: Call[] = []
  const fetch = (url: string | URL | Request, init?: RequestInit) => new Promise<Response>((resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
    calls.push({ url: String(url), init: init ?? {}, answer: resolve, fail: reject })
  })
  return { fetch: fetch as typeof globalThis.fetch, calls }
}

let cron: SchedulerCron | undefined

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(async () => {
  await cron?.stop()
  cron = undefined
  vi.useRealTimers()
})

function start(fetch: typeof globalThis.fetch, logs: string[] = []) {
  cron = startSchedulerCron({ url: 'http://127.0.0.1:28021/functions/v1/scheduler', serviceRoleKey: 'service-key', intervalMs: 1_000, log: line => logs.push(line), fetch })
  return logs
}

describe('scheduler cron', () => {
  it('posts to the scheduler with the service role key once per interval', async () => {
    const { fetch, calls } = heldFetch()
    start(fetch)

    await vi.advanceTimersByTimeAsync(999)
    expect(calls).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.url).toBe('http://127.0.0.1:28021/functions/v1/scheduler')
    expect(calls[0]!.init.method).toBe('POST')
    expect(calls[0]!.init.headers).toMatchObject({ Authorization: 'Bearer service-key', apikey: 'service-key' })

    await vi.advanceTimersByTimeAsync(300)
    calls[0]!.answer(Response.json({ outbox: { sent: 0, failed: 0, retried: 0 } }))
    await vi.advanceTimersByTimeAsync(699)
    expect(calls).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toHaveLength(2)
  })

  it('never starts a run while the previous one is still going', async () => {
    const { fetch, calls } = heldFetch()
    start(fetch)

    await vi.advanceTimersByTimeAsync(1_000)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls).toHaveLength(1)
    calls[0]!.answer(new Response('{}'))
    // The slow run used up its interval: the next one starts right away.
    await vi.advanceTimersByTimeAsync(0)
    expect(calls).toHaveLength(2)
  })

  it('logs a failing streak once, and the recovery once', async () => {
    const { fetch, calls } = heldFetch()
    const logs = start(fetch)

    await vi.advanceTimersByTimeAsync(1_000)
    calls[0]!.answer(Response.json({ code: 'BOOT_ERROR' }, { status: 503 }))
    await vi.advanceTimersByTimeAsync(1_000)
    calls[1]!.fail(new TypeError('fetch failed'))
    await vi.advanceTimersByTimeAsync(1_000)
    calls[2]!.answer(Response.json({ code: 'BOOT_ERROR' }, { status: 503 }))
    await vi.advanceTimersByTimeAsync(1_000)
    expect(logs).toEqual(['[scheduler] run failed: HTTP 503 {"code":"BOOT_ERROR"} (further failures in a row are not logged)'])

    calls[3]!.answer(new Response('{}'))
    await vi.advanceTimersByTimeAsync(1_000)
    calls[4]!.answer(new Response('{}'))
    await vi.advanceTimersByTimeAsync(0)
    expect(logs).toEqual([
      '[scheduler] run failed: HTTP 503 {"code":"BOOT_ERROR"} (further failures in a row are not logged)',
      '[scheduler] running again',
    ])
  })

  it('stops: aborts the run under way quietly and schedules no other', async () => {
    const { fetch, calls } = heldFetch()
    const logs = start(fetch)

    await vi.advanceTimersByTimeAsync(1_000)
    expect(calls).toHaveLength(1)
    await cron!.stop()
    expect(calls[0]!.init.signal?.aborted).toBe(true)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(calls).toHaveLength(1)
    expect(logs).toEqual([])
  })
})

describe('schedulerIntervalFromEnv', () => {
  it('defaults to 15 s, accepts 0 (off) and whole milliseconds, refuses anything else', () => {
    expect(schedulerIntervalFromEnv({})).toBe(DEFAULT_SCHEDULER_INTERVAL_MS)
    expect(DEFAULT_SCHEDULER_INTERVAL_MS).toBe(15_000)
    expect(schedulerIntervalFromEnv({ LOCAL_STACK_SCHEDULER_INTERVAL_MS: '0' })).toBe(0)
    expect(schedulerIntervalFromEnv({ LOCAL_STACK_SCHEDULER_INTERVAL_MS: ' 5000 ' })).toBe(5_000)
    expect(() => schedulerIntervalFromEnv({ LOCAL_STACK_SCHEDULER_INTERVAL_MS: '15s' })).toThrow(/whole number of milliseconds/)
  })
})
