/**
 * Evolution instances and their WhatsApp session: close → connecting (a new QR every `qrIntervalMs`,
 * `refused` after `qrLimit` of them) → open when a phone "scans" → close on logout. Each transition sends
 * the webhooks Evolution 2.3.7 sends (`connection.update`, `qrcode.updated`, `status.instance`,
 * `instance.delete`).
 */
import type { SimulatorContext } from '../context.ts'
import { cuid, evolutionToken, pairingCode, uuid } from '../ids.ts'
import { whatsappId } from '../phones.ts'
import type { EvolutionState, EvolutionWebhookConfig, InstanceView } from '../types.ts'
import type { Json } from './payloads.ts'
import { newQrCode } from './qr.ts'
import { emitEvolutionEvent } from './webhooks.ts'

export interface EvolutionInstance {
  name: string
  id: string
  token: string
  integration: string
  state: EvolutionState
  /** `wuid`: the JID of the phone that scanned the QR. */
  ownerJid: string | null
  profileName: string | null
  pairingNumber: string | null
  pairingCode: string | null
  qr: { code: string, base64: string, count: number, expiresAt: number } | null
  qrCount: number
  stopQrTimer: (() => void) | null
  webhook: EvolutionWebhookConfig | null
  webhookRow: { id: string, createdAt: string, updatedAt: string } | null
  settings: Json
  qrIntervalMs: number
  qrLimit: number
  createdAt: string
  updatedAt: string
  disconnectionReasonCode: number | null
  disconnectionAt: string | null
}

export const DEFAULT_SETTINGS: Json = {
  rejectCall: false,
  msgCall: '',
  groupsIgnore: false,
  alwaysOnline: false,
  readMessages: false,
  readStatus: false,
  syncFullHistory: false,
  wavoipToken: '',
}

export interface NewInstance {
  name: string
  token?: string
  integration?: string
  webhook?: EvolutionWebhookConfig | null
  settings?: Json
}

export interface ExistingInstance extends NewInstance {
  state: 'open' | 'close'
  ownNumber?: string | null
  profileName?: string | null
}

export class InstanceStateError extends Error {}

export class EvolutionInstances {
  private readonly byName = new Map<string, EvolutionInstance>()

  constructor(private readonly ctx: SimulatorContext, private readonly onOpen: (instance: EvolutionInstance) => void) {}

  get(name: string): EvolutionInstance | undefined {
    return this.byName.get(name)
  }

  list(): EvolutionInstance[] {
    return [...this.byName.values()]
  }

  create(input: NewInstance): EvolutionInstance {
    const now = new Date().toISOString()
    const instance: EvolutionInstance = {
      name: input.name,
      id: uuid(),
      token: input.token ?? evolutionToken(),
      integration: input.integration ?? 'WHATSAPP-BAILEYS',
      state: 'close',
      ownerJid: null,
      profileName: null,
      pairingNumber: null,
      pairingCode: null,
      qr: null,
      qrCount: 0,
      stopQrTimer: null,
      webhook: null,
      webhookRow: null,
      settings: { ...DEFAULT_SETTINGS, ...input.settings },
      qrIntervalMs: this.ctx.options.qrIntervalMs,
      qrLimit: this.ctx.options.qrLimit,
      createdAt: now,
      updatedAt: now,
      disconnectionReasonCode: null,
      disconnectionAt: null,
    }
    if (input.webhook) this.setWebhook(instance, input.webhook)
    this.byName.set(instance.name, instance)
    this.changed()
    return instance
  }

  /** An instance that already exists on the "server" (the stack re-registering channels): no webhooks. */
  register(input: ExistingInstance): EvolutionInstance {
    const existing = this.byName.get(input.name)
    if (existing) this.stopQr(existing)
    const instance = existing ?? this.create(input)
    if (input.token) instance.token = input.token
    if (input.webhook) this.setWebhook(instance, input.webhook)
    instance.state = input.state
    instance.qr = null
    instance.ownerJid = input.state === 'open' && input.ownNumber ? `${whatsappId(input.ownNumber)}@s.whatsapp.net` : null
    instance.profileName = input.state === 'open' ? input.profileName ?? instance.name : null
    this.changed()
    return instance
  }

  setWebhook(instance: EvolutionInstance, webhook: EvolutionWebhookConfig): void {
    const now = new Date().toISOString()
    instance.webhook = webhook.enabled ? webhook : { ...webhook, events: [] }
    instance.webhookRow = { id: instance.webhookRow?.id ?? cuid(), createdAt: instance.webhookRow?.createdAt ?? now, updatedAt: now }
    instance.updatedAt = now
    this.changed()
  }

  /** `GET /instance/connect`: starts a connection attempt unless one is running or the session is open. */
  connect(instance: EvolutionInstance, number: string | null): void {
    if (number) {
      instance.pairingNumber = number
      instance.pairingCode = pairingCode()
    }
    if (instance.state === 'open' || instance.state === 'connecting') {
      this.changed()
      return
    }
    instance.state = 'connecting'
    instance.qrCount = 0
    emitEvolutionEvent(this.ctx, instance, 'connection.update', { instance: instance.name, state: 'connecting', statusReason: 200 })
    this.nextQr(instance)
  }

  private nextQr(instance: EvolutionInstance): void {
    instance.stopQrTimer = null
    if (instance.state !== 'connecting') return
    if (instance.qrCount >= instance.qrLimit) {
      this.refuse(instance)
      return
    }
    instance.qrCount++
    const { code, base64 } = newQrCode()
    instance.qr = { code, base64, count: instance.qrCount, expiresAt: Date.now() + instance.qrIntervalMs }
    emitEvolutionEvent(this.ctx, instance, 'qrcode.updated', {
      qrcode: { instance: instance.name, pairingCode: instance.pairingCode, code, base64 },
    })
    instance.stopQrTimer = this.ctx.scheduler.after(instance.qrIntervalMs, () => this.nextQr(instance))
    this.changed()
  }

  /** QRCODE_LIMIT reached: Evolution gives up until `connect` is called again. */
  private refuse(instance: EvolutionInstance): void {
    instance.qr = null
    instance.state = 'refused'
    instance.pairingCode = null
    emitEvolutionEvent(this.ctx, instance, 'qrcode.updated', { message: 'QR code limit reached, please login again', statusCode: 500 })
    emitEvolutionEvent(this.ctx, instance, 'connection.update', { instance: instance.name, state: 'refused', statusReason: 428 })
    this.changed()
  }

  /** A phone scanned the QR (or typed the pairing code): the session opens as that number. */
  scan(instance: EvolutionInstance, phone: string, profileName: string | null): void {
    if (instance.state !== 'connecting') {
      throw new InstanceStateError(`A instância "${instance.name}" não está aguardando leitura do QR (estado: ${instance.state}).`)
    }
    this.stopQr(instance)
    instance.state = 'open'
    instance.qr = null
    instance.pairingCode = null
    instance.ownerJid = `${whatsappId(phone)}@s.whatsapp.net`
    instance.profileName = profileName ?? instance.name
    instance.disconnectionReasonCode = null
    instance.disconnectionAt = null
    instance.updatedAt = new Date().toISOString()
    emitEvolutionEvent(this.ctx, instance, 'connection.update', {
      instance: instance.name,
      wuid: instance.ownerJid,
      profileName: instance.profileName,
      profilePictureUrl: `${this.ctx.baseUrl()}/avatar/${whatsappId(phone)}.svg`,
      state: 'open',
      statusReason: 200,
    })
    this.changed()
    this.onOpen(instance)
  }

  /**
   * The session ends for good (logout through the API, or the phone unlinked the device): Baileys closes
   * with 401, Evolution sends `status.instance` then `connection.update` close.
   */
  logout(instance: EvolutionInstance, statusReason = 401): void {
    this.stopQr(instance)
    const at = new Date().toISOString()
    emitEvolutionEvent(this.ctx, instance, 'status.instance', {
      instance: instance.name,
      status: 'closed',
      disconnectionAt: at,
      disconnectionReasonCode: statusReason,
      disconnectionObject: JSON.stringify({ error: { data: null, isBoom: true, isServer: false, output: { statusCode: statusReason } } }),
    })
    emitEvolutionEvent(this.ctx, instance, 'connection.update', { instance: instance.name, state: 'close', statusReason })
    instance.state = 'close'
    instance.qr = null
    instance.pairingCode = null
    instance.ownerJid = null
    instance.profileName = null
    instance.disconnectionReasonCode = statusReason
    instance.disconnectionAt = at
    instance.updatedAt = at
    this.changed()
  }

  remove(instance: EvolutionInstance): void {
    if (instance.state === 'open') this.logout(instance)
    this.stopQr(instance)
    emitEvolutionEvent(this.ctx, instance, 'instance.delete', { instanceName: instance.name, instanceId: instance.id })
    this.byName.delete(instance.name)
    this.ctx.conversations.removeTarget({ provider: 'evolution', id: instance.name })
    this.changed()
  }

  configure(instance: EvolutionInstance, settings: { qrIntervalMs?: number, qrLimit?: number }): void {
    if (settings.qrIntervalMs !== undefined) instance.qrIntervalMs = settings.qrIntervalMs
    if (settings.qrLimit !== undefined) instance.qrLimit = settings.qrLimit
    // A QR already showing gets the new lifetime from now on.
    if (instance.stopQrTimer && instance.qr) {
      instance.stopQrTimer()
      instance.qr.expiresAt = Date.now() + instance.qrIntervalMs
      instance.stopQrTimer = this.ctx.scheduler.after(instance.qrIntervalMs, () => this.nextQr(instance))
    }
    this.changed()
  }

  clear(): void {
    for (const instance of this.byName.values()) this.stopQr(instance)
    this.byName.clear()
  }

  private stopQr(instance: EvolutionInstance): void {
    instance.stopQrTimer?.()
    instance.stopQrTimer = null
  }

  private changed(): void {
    this.ctx.bus.emit({ type: 'instances' })
  }

  view(instance: EvolutionInstance): InstanceView {
    return {
      name: instance.name,
      id: instance.id,
      token: instance.token,
      integration: instance.integration,
      state: instance.state,
      ownNumber: instance.ownerJid ? instance.ownerJid.split('@')[0]! : null,
      profileName: instance.profileName,
      pairingNumber: instance.pairingNumber,
      qr: instance.qr
        ? { code: instance.qr.code, base64: instance.qr.base64, pairingCode: instance.pairingCode, count: instance.qr.count, expiresAt: new Date(instance.qr.expiresAt).toISOString() }
        : null,
      webhook: instance.webhook,
      qrIntervalMs: instance.qrIntervalMs,
      qrLimit: instance.qrLimit,
      createdAt: instance.createdAt,
    }
  }
}
