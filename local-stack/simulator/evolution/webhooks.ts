/**
 * Evolution's per-instance webhook (`webhook.controller.ts#emit`): only subscribed events (UPPER_SNAKE
 * names; lower-case dotted ones silently never match), `<url>/<event-kebab>` when `byEvents`, the custom
 * headers, and the special `jwt_key` header turned into a short-lived HS256 bearer token.
 */
import { createHmac } from 'node:crypto'
import type { SimulatorContext } from '../context.ts'
import { evolutionDateTime, type Json } from './payloads.ts'
import type { EvolutionInstance } from './instances.ts'

/** Evolution never retries these answers (`WEBHOOK_RETRY_NON_RETRYABLE_STATUS_CODES`). */
const NON_RETRYABLE = [400, 401, 403, 404, 422]

export function evolutionBaseUrl(ctx: SimulatorContext): string {
  return `${ctx.baseUrl()}/evolution`
}

export function eventUpperName(event: string): string {
  return event.replace(/[.-]/g, '_').toUpperCase()
}

export function isSubscribed(instance: EvolutionInstance, event: string): boolean {
  const hook = instance.webhook
  if (!hook || !hook.enabled || hook.url === '') return false
  return hook.events.length === 0 || hook.events.includes(eventUpperName(event))
}

export function emitEvolutionEvent(ctx: SimulatorContext, instance: EvolutionInstance, event: string, data: Json): void {
  const hook = instance.webhook
  if (!hook || !isSubscribed(instance, event)) return
  const url = hook.byEvents ? `${hook.url.replace(/\/+$/, '')}/${event.replace(/[._]/g, '-')}` : hook.url
  const body: Json = {
    event,
    instance: instance.name,
    data,
    destination: url,
    date_time: evolutionDateTime(),
    ...(instance.ownerJid ? { sender: instance.ownerJid } : {}),
    server_url: evolutionBaseUrl(ctx),
    apikey: instance.token,
  }
  ctx.webhooks.send({
    provider: 'evolution',
    target: `evolution:${instance.name}`,
    targetId: instance.name,
    event,
    url,
    headers: webhookHeaders(hook.headers),
    body: JSON.stringify(body),
    nonRetryable: NON_RETRYABLE,
  })
}

function webhookHeaders(configured: Record<string, string>): Record<string, string> {
  const headers = { ...configured }
  const jwtKey = headers.jwt_key
  if (jwtKey !== undefined) {
    delete headers.jwt_key
    headers.Authorization = `Bearer ${hs256Jwt(jwtKey)}`
  }
  return headers
}

function hs256Jwt(secret: string): string {
  const iat = Math.floor(Date.now() / 1000)
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ iat, exp: iat + 600, app: 'evolution', action: 'webhook' })}`
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`
}
