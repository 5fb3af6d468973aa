/**
 * The webhook's after-the-answer machinery, without I/O: the work queue (a conversation's events in
 * arrival order, conversations side by side up to the concurrency, bounded), the coalesced sender runs,
 * the channel credentials cache, and which events are settled without the database.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChannelCache, type ChannelConfig } from '../../supabase/functions/_shared/channels.ts'
import { settledWithoutDatabase } from '../../supabase/functions/_shared/ingest/process-event.ts'
import { Coalescer, WorkQueue } from '../../supabase/functions/_shared/ingest/work-queue.ts'
import { normalizeEvolutionWebhook } from '../../supabase/functions/_shared/providers/evolution.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

afterEach(() => {
  vi.restoreAllMocks()
})

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>, open: () => void } {
  let open = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

/** Lets every pending callback run. */
const settle = () => new Promise(resolve => setTimeout(resolve, 0))

describe('WorkQueue', () => {
  it('runs one lane\'s tasks in order, one at a time, and other lanes beside them', async () => {
    const queue = new WorkQueue(4, 100)
    const log: string[] = []
    const gates = { a1: gate(), a2: gate(), b1: gate() }
    const task = (name: keyof typeof gates) => async () => {
      log.push(`start ${name}`)
      await gates[name].promise
      log.push(`end ${name}`)
    }
    const done = [queue.push('a', task('a1')), queue.push('a', task('a2')), queue.push('b', task('b1'))]
    await settle()
    expect(log).toEqual(['start a1', 'start b1'])
    expect(queue.active).toBe(2)
    expect(queue.queued).toBe(1)
    gates.a2.open()
    await settle()
    // a2 is free to finish, but it has not even started: a1 still runs.
    expect(log).toEqual(['start a1', 'start b1'])
    gates.a1.open()
    gates.b1.open()
    await Promise.all(done)
    expect(log).toEqual(['start a1', 'start b1', 'end a1', 'end b1', 'start a2', 'end a2'])
    expect(queue.active).toBe(0)
  })

  it('never runs more than its concurrency, and lanes take turns', async () => {
    const queue = new WorkQueue(2, 100)
    const started: string[] = []
    let running = 0
    let peak = 0
    const task = (name: string) => async () => {
      started.push(name)
      running++
      peak = Math.max(peak, running)
      await settle()
      running--
    }
    await Promise.all([
      queue.push('busy', task('busy1')), queue.push('busy', task('busy2')), queue.push('busy', task('busy3')),
      queue.push('x', task('x1')), queue.push('y', task('y1')),
    ])
    expect(peak).toBe(2)
    // The busy conversation's second message waits for its turn behind x and y.
    expect(started.indexOf('busy2')).toBeGreaterThan(started.indexOf('y1'))
  })

  it('refuses work past its bound (the caller leaves the event to its ledger lease) and survives a failing task', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const queue = new WorkQueue(1, 1)
    const blocker = gate()
    const first = queue.push('a', () => blocker.promise)
    const second = queue.push('b', () => Promise.reject(new Error('falhou')))
    expect(first).not.toBeNull()
    expect(second).not.toBeNull()
    expect(queue.push('c', async () => {})).toBeNull()
    blocker.open()
    await expect(Promise.all([first, second])).resolves.toEqual([undefined, undefined])
    await expect(queue.push('c', async () => {})).resolves.toBeUndefined()
    expect(logged).toHaveBeenCalledWith('[work-queue] a task of lane b failed:', expect.objectContaining({ message: 'falhou' }))
  })
})

describe('Coalescer', () => {
  it('runs the job once per burst of requests, plus once more for requests that came during a run', async () => {
    const blockers = [gate(), gate()]
    let runs = 0
    const coalescer = new Coalescer(async () => {
      await blockers[runs++]!.promise
    })
    const first = coalescer.request()
    const during = [coalescer.request(), coalescer.request(), coalescer.request()]
    expect(during.every(promise => promise === first)).toBe(true)
    blockers[0]!.open()
    await settle()
    expect(runs).toBe(2)
    blockers[1]!.open()
    await first
    expect(runs).toBe(2)
    expect(coalescer.busy).toBe(false)
  })

  it('a failing run does not stop the next one, and is logged', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    let runs = 0
    const coalescer = new Coalescer(async () => {
      runs++
      throw new Error('envio falhou')
    })
    await coalescer.request()
    await coalescer.request()
    expect(runs).toBe(2)
    expect(logged).toHaveBeenCalledTimes(2)
  })
})

const CHANNEL: ChannelConfig = {
  id: '00000000-0000-4000-d000-0000000000c1',
  name: 'Loja',
  provider: 'evolution',
  active: true,
  connectionState: 'connected',
  phoneNumber: '5511912345678',
  acceptGroupMessages: false,
  allowedPhones: null,
  webhookSecret: 'segredo',
  evolution: { baseUrl: 'http://evolution', apiKey: 'chave', instance: 'loja-centro', instanceToken: null },
  cloud: null,
}

describe('ChannelCache', () => {
  it('keeps a channel for its TTL, per provider and key, and forgets on request', () => {
    let now = 1_000
    const cache = new ChannelCache(5_000, () => now)
    cache.set('evolution', 'loja-centro', CHANNEL)
    expect(cache.get('evolution', 'loja-centro')).toBe(CHANNEL)
    expect(cache.get('cloud', 'loja-centro')).toBeNull()
    now += 4_999
    expect(cache.get('evolution', 'loja-centro')).toBe(CHANNEL)
    now += 1
    expect(cache.get('evolution', 'loja-centro')).toBeNull()
    cache.set('evolution', 'loja-centro', CHANNEL)
    cache.forget('evolution', 'loja-centro')
    expect(cache.get('evolution', 'loja-centro')).toBeNull()
  })
})

describe('settledWithoutDatabase', () => {
  const events = (name: string) => normalizeEvolutionWebhook(readFixture('evolution', name))

  it('settles API echoes, customers\' receipts and ignored event types; leaves real work alone', () => {
    expect(settledWithoutDatabase(CHANNEL, events('send-message-api-echo.json')[0]!)).toMatchObject({ result: 'ignored', reason: expect.stringContaining('echo') })
    expect(settledWithoutDatabase(CHANNEL, events('messages-delete.json')[0]!)).toMatchObject({ result: 'ignored' })
    expect(settledWithoutDatabase(CHANNEL, events('messages-upsert-text.json')[0]!)).toBeNull()
    expect(settledWithoutDatabase(CHANNEL, events('messages-update-read.json')[0]!)).toBeNull()
    expect(settledWithoutDatabase(CHANNEL, events('connection-update-open.json')[0]!)).toBeNull()
  })

  it('a deactivated channel or one outside the allow-list settles a customer message as ignored', () => {
    const text = events('messages-upsert-text.json')[0]!
    expect(settledWithoutDatabase({ ...CHANNEL, active: false }, text)).toMatchObject({ result: 'ignored', reason: 'the channel is deactivated' })
    expect(settledWithoutDatabase({ ...CHANNEL, allowedPhones: ['5521999990000'] }, text)).toMatchObject({ result: 'ignored', reason: expect.stringContaining('allow-list') })
  })
})
