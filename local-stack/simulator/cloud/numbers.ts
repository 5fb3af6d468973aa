/**
 * Cloud API phone numbers registered on the fake Graph API, Meta's webhook verification handshake, and
 * signed webhook delivery to each number's callback URL.
 */
import { randomInt } from 'node:crypto'
import type { SimulatorContext } from '../context.ts'
import { digitsOnly, isPhoneDigits } from '../phones.ts'
import type { CloudNumberView, VerificationResult } from '../types.ts'
import { type Json, InvalidInput, httpUrlAt, objectAt, optionalBooleanAt, optionalStringAt, stringAt } from '../validate.ts'
import { webhookEnvelope } from './payloads.ts'
import { metaJson, signatureHeaders } from './signature.ts'

export interface CloudNumber {
  phoneNumberId: string
  /** Digits, as webhooks' `metadata.display_phone_number` carry it. */
  displayPhoneNumber: string
  verifiedName: string
  wabaId: string
  accessToken: string
  appSecret: string
  verifyToken: string
  webhookUrl: string
  webhookVerified: boolean
}

export class CloudNumbers {
  private readonly byId = new Map<string, CloudNumber>()

  constructor(private readonly ctx: SimulatorContext, private readonly onVerified: (number: CloudNumber) => void) {}

  get(id: string): CloudNumber | undefined {
    return this.byId.get(id)
  }

  list(): CloudNumber[] {
    return [...this.byId.values()]
  }

  hasToken(token: string): boolean {
    return this.list().some(number => number.accessToken === token)
  }

  /** Registers (or updates) a number; runs the GET handshake unless `skipVerification`. */
  async register(body: unknown): Promise<{ number: CloudNumber, verification: VerificationResult | null }> {
    const input = objectAt(body, 'corpo')
    const number = parseNumber(input)
    const skip = optionalBooleanAt(input, 'skipVerification') ?? false
    number.webhookVerified = skip
    this.byId.set(number.phoneNumberId, number)
    this.changed()
    const verification = skip ? null : await this.verify(number)
    if (skip) this.onVerified(number)
    return { number, verification }
  }

  /**
   * `GET <callback>?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`: passes when the endpoint answers
   * 200 with the challenge as the whole body. Only then does Meta keep the callback and send webhooks.
   */
  async verify(number: CloudNumber): Promise<VerificationResult> {
    const challenge = String(randomInt(100_000_000, 2_000_000_000))
    const url = new URL(number.webhookUrl)
    url.searchParams.set('hub.mode', 'subscribe')
    url.searchParams.set('hub.challenge', challenge)
    url.searchParams.set('hub.verify_token', number.verifyToken)
    const started = Date.now()
    let result: VerificationResult
    try {
      const response = await fetch(url, { headers: { 'User-Agent': 'facebookplatform/1.0 (+http://developers.facebook.com)' }, signal: AbortSignal.timeout(10_000) })
      const text = (await response.text()).trim()
      const ok = response.status === 200 && text === challenge
      result = { ok, status: response.status, detail: ok ? 'desafio devolvido corretamente' : `resposta ${response.status}: ${text.slice(0, 200)}` }
    }
    catch (error) {
      result = { ok: false, status: null, detail: (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message }
    }
    this.ctx.log.add({
      kind: 'webhook', provider: 'cloud', target: number.phoneNumberId, method: 'GET', url: url.toString(), status: result.status,
      error: result.ok ? null : result.detail, durationMs: Date.now() - started, event: 'verification', attempt: 1,
    })
    number.webhookVerified = result.ok
    this.changed()
    if (result.ok) this.onVerified(number)
    return result
  }

  remove(id: string): boolean {
    const removed = this.byId.delete(id)
    if (removed) {
      this.ctx.conversations.removeTarget({ provider: 'cloud', id })
      this.changed()
    }
    return removed
  }

  clear(): void {
    this.byId.clear()
  }

  /** Sends one `messages` change to the number's callback, signed with its app secret. */
  emit(number: CloudNumber, value: Json, event: string): void {
    if (!number.webhookVerified) return
    const body = metaJson(webhookEnvelope(number, value))
    this.ctx.webhooks.send({
      provider: 'cloud',
      target: `cloud:${number.phoneNumberId}`,
      targetId: number.phoneNumberId,
      event,
      url: number.webhookUrl,
      headers: signatureHeaders(number.appSecret, body),
      body,
      nonRetryable: [],
    })
  }

  view(number: CloudNumber): CloudNumberView {
    return { ...number }
  }

  private changed(): void {
    this.ctx.bus.emit({ type: 'numbers' })
  }
}

function parseNumber(input: Json): CloudNumber {
  const phoneNumberId = stringAt(input, 'phoneNumberId')
  if (!/^\d{5,20}$/.test(phoneNumberId)) throw new InvalidInput('phoneNumberId deve ter só dígitos')
  const displayPhoneNumber = digitsOnly(stringAt(input, 'displayPhoneNumber'))
  if (!isPhoneDigits(displayPhoneNumber)) throw new InvalidInput('displayPhoneNumber deve ser um telefone com DDI')
  const wabaId = stringAt(input, 'wabaId')
  if (!/^\d{5,20}$/.test(wabaId)) throw new InvalidInput('wabaId deve ter só dígitos')
  return {
    phoneNumberId,
    displayPhoneNumber,
    verifiedName: optionalStringAt(input, 'verifiedName') ?? 'Atende',
    wabaId,
    accessToken: stringAt(input, 'accessToken'),
    appSecret: stringAt(input, 'appSecret'),
    verifyToken: stringAt(input, 'verifyToken'),
    webhookUrl: httpUrlAt(input, 'webhookUrl'),
    webhookVerified: false,
  }
}
