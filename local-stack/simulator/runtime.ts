/** Plumbing every part of the simulator shares: timers that stop with it, the change feed and the log. */
import { EventEmitter } from 'node:events'
import type { ChangeEvent, LogEntry } from './types.ts'

/** setTimeout that `stop()`/`reset` can cancel all at once, and that reports a failing callback instead of crashing. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor(private readonly onError: (error: unknown) => void) {}

  after(ms: number, task: () => void | Promise<void>): () => void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      Promise.resolve().then(task).catch(this.onError)
    }, Math.max(0, ms))
    timer.unref()
    this.timers.add(timer)
    return () => {
      clearTimeout(timer)
      this.timers.delete(timer)
    }
  }

  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}

export class ChangeBus {
  private readonly emitter = new EventEmitter()

  constructor() {
    this.emitter.setMaxListeners(0)
  }

  emit(change: ChangeEvent): void {
    this.emitter.emit('change', change)
  }

  subscribe(listener: (change: ChangeEvent) => void): () => void {
    this.emitter.on('change', listener)
    return () => this.emitter.off('change', listener)
  }
}

const LOG_LIMIT = 5000

/** Every request the simulator received and every webhook attempt it made, newest last, bounded. */
export class RequestLog {
  private entries: LogEntry[] = []
  private seq = 0

  add(entry: Omit<LogEntry, 'seq' | 'at'>): LogEntry {
    const full: LogEntry = { seq: ++this.seq, at: new Date().toISOString(), ...entry }
    this.entries.push(full)
    if (this.entries.length > LOG_LIMIT) this.entries = this.entries.slice(-LOG_LIMIT)
    return full
  }

  query(filter: { since?: number, kind?: string, provider?: string, target?: string, limit?: number }): LogEntry[] {
    const matching = this.entries.filter(entry => (filter.since === undefined || entry.seq > filter.since)
      && (!filter.kind || entry.kind === filter.kind)
      && (!filter.provider || entry.provider === filter.provider)
      && (!filter.target || entry.target === filter.target))
    return filter.limit ? matching.slice(-filter.limit) : matching
  }

  clear(): void {
    this.entries = []
  }
}

/** A copy of a JSON value fit for the log: long strings (base64 files) are cut. */
export function summarizeForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.length > 300 ? `${value.slice(0, 80)}… (${value.length} caracteres)` : value
  if (depth > 12 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(item => summarizeForLog(item, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, summarizeForLog(item, depth + 1)]))
}
