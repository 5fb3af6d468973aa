/**
 * Webhook delivery, like the providers do it: POST the exact body with the configured headers, retry
 * failures with exponential backoff (±20 % jitter), log every attempt. Webhooks of one target leave in
 * order (each waits for the previous one's first attempt; retries do not hold the line, so a retried
 * webhook can arrive after later ones, as in production). Faults can duplicate or reorder them.
 */
import { randomUUID } from 'node:crypto'
import type { FaultController } from './faults.ts'
import type { RequestLog, Scheduler } from './runtime.ts'
import { summarizeForLog } from './runtime.ts'
import type { ProviderName } from './types.ts'

export interface WebhookRetryOptions {
  /** Attempts in all, the first included. */
  attempts: number
  initialDelayMs: number
  maxDelayMs: number
  /** Per attempt; a timeout counts as a failure and is retried. */
  timeoutMs: number
  /** Reordered webhooks are released this long after the first is held (0: only on flush). */
  reorderWindowMs: number
}

export interface OutgoingWebhook {
  provider: ProviderName
  /** Target key (`evolution:<name>`, `cloud:<id>`): ordering, faults. */
  target: string
  /** Instance name or phone number id, for the log. */
  targetId: string
  event: string
  url: string
  headers: Record<string, string>
  /** The exact bytes to send (Cloud signatures are computed over them). */
  body: string
  /** Answers that are never retried (Evolution: 400, 401, 403, 404, 422). */
  nonRetryable: readonly number[]
}

export class WebhookDispatcher {
  private readonly lines = new Map<string, Promise<void>>()
  private held: OutgoingWebhook[] = []
  private cancelAutoFlush: (() => void) | null = null
  private abort = new AbortController()

  constructor(
    private readonly options: WebhookRetryOptions,
    private readonly faults: FaultController,
    private readonly log: RequestLog,
    private readonly scheduler: Scheduler,
  ) {}

  get heldCount(): number {
    return this.held.length
  }

  send(webhook: OutgoingWebhook): void {
    if (this.faults.isReordering(webhook.target)) {
      this.held.push(webhook)
      if (!this.cancelAutoFlush && this.options.reorderWindowMs > 0) {
        this.cancelAutoFlush = this.scheduler.after(this.options.reorderWindowMs, () => {
          this.flushHeld()
        })
      }
      return
    }
    this.dispatch(webhook)
  }

  /** Releases held webhooks, newest first. Returns how many. */
  flushHeld(): number {
    this.cancelAutoFlush?.()
    this.cancelAutoFlush = null
    const batch = this.held.reverse()
    this.held = []
    for (const webhook of batch) this.dispatch(webhook)
    return batch.length
  }

  reset(): void {
    this.cancelAutoFlush?.()
    this.cancelAutoFlush = null
    this.held = []
    this.lines.clear()
    this.abort.abort()
    this.abort = new AbortController()
  }

  private dispatch(webhook: OutgoingWebhook): void {
    this.enqueue(webhook)
    if (this.faults.takeDuplicate(webhook.target)) this.enqueue(webhook)
  }

  private enqueue(webhook: OutgoingWebhook): void {
    const deliveryId = randomUUID()
    const previous = this.lines.get(webhook.target) ?? Promise.resolve()
    // A reset or stop replaces the controller: webhooks queued before it must not go out afterwards.
    const signal = this.abort.signal
    // attempt() logs its own failures; the line must go on whatever happens.
    const next = previous.then(() => (signal.aborted ? undefined : this.attempt(webhook, deliveryId, 1))).catch(() => {})
    this.lines.set(webhook.target, next)
  }

  private async attempt(webhook: OutgoingWebhook, deliveryId: string, attempt: number): Promise<void> {
    const started = Date.now()
    let status: number | null = null
    let error: string | null = null
    let response = ''
    try {
      const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)])
      const answer = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...webhook.headers },
        body: webhook.body,
        signal,
      })
      status = answer.status
      response = (await answer.text()).slice(0, 500)
    }
    catch (failure) {
      const cause = (failure as { cause?: { code?: string } }).cause?.code
      error = (failure as Error).name === 'TimeoutError' ? `sem resposta em ${this.options.timeoutMs} ms` : cause ?? (failure as Error).message
    }
    if (this.abort.signal.aborted) return
    const ok = status !== null && status >= 200 && status < 300
    const retryable = !ok && (status === null || !webhook.nonRetryable.includes(status))
    const willRetry = retryable && attempt < this.options.attempts
    this.log.add({
      kind: 'webhook',
      provider: webhook.provider,
      target: webhook.targetId,
      method: 'POST',
      url: webhook.url,
      status,
      error: error ?? (ok ? null : willRetry ? 'resposta de erro; nova tentativa agendada' : retryable ? 'desistiu após todas as tentativas' : 'erro definitivo; sem nova tentativa'),
      durationMs: Date.now() - started,
      event: webhook.event,
      attempt,
      deliveryId,
      body: summarizeForLog(JSON.parse(webhook.body)),
      response,
    })
    if (!willRetry) return
    const base = Math.min(this.options.initialDelayMs * 2 ** (attempt - 1), this.options.maxDelayMs)
    const delay = Math.round(base * (0.8 + Math.random() * 0.4))
    this.scheduler.after(delay, () => this.attempt(webhook, deliveryId, attempt + 1))
  }
}
