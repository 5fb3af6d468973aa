/** What every part of the simulator is handed: options, stores, the log, the webhook dispatcher. */
import type { Conversations } from './customers.ts'
import type { FaultController } from './faults.ts'
import type { MediaStore } from './media.ts'
import type { ChangeBus, RequestLog, Scheduler } from './runtime.ts'
import type { WebhookDispatcher, WebhookRetryOptions } from './webhooks.ts'

export interface SimulatorOptions {
  /** 0 picks a free port. */
  port?: number
  host?: string
  /** Evolution's global `AUTHENTICATION_API_KEY`. */
  evolutionApiKey?: string
  /** How long each QR code lives before a new one (Evolution: 45 s). */
  qrIntervalMs?: number
  /** QR codes per connection attempt before giving up with `refused` (Evolution `QRCODE_LIMIT`, 30). */
  qrLimit?: number
  /** Pause between a send and each of its status webhooks (sent, delivered). */
  statusDelayMs?: number
  /** How long a send hit by the `timeout` fault is held before the connection is dropped. */
  sendTimeoutHoldMs?: number
  webhookRetry?: Partial<WebhookRetryOptions>
  log?: (line: string) => void
}

export interface ResolvedOptions {
  port: number
  host: string
  evolutionApiKey: string
  qrIntervalMs: number
  qrLimit: number
  statusDelayMs: number
  sendTimeoutHoldMs: number
  webhookRetry: WebhookRetryOptions
  log: (line: string) => void
}

export interface SimulatorContext {
  options: ResolvedOptions
  /** `http://127.0.0.1:<port>` once listening. */
  baseUrl: () => string
  media: MediaStore
  conversations: Conversations
  faults: FaultController
  log: RequestLog
  webhooks: WebhookDispatcher
  bus: ChangeBus
  scheduler: Scheduler
}
