/**
 * `whatsapp-webhook`: where Evolution API and the Meta Cloud API deliver events.
 *
 *   POST /whatsapp-webhook/evolution   Evolution (per-channel secret in `x-atende-webhook-secret`)
 *   POST /whatsapp-webhook/cloud       Cloud API (`X-Hub-Signature-256` over the raw body)
 *   GET  /whatsapp-webhook/cloud       Meta's verification handshake (`hub.verify_token`)
 *
 * Every POST is stored in the ledger (provider_events) before anything else, then authenticated, then
 * processed (_shared/ingest). A request that fails authentication or is malformed gets a 4xx and its row
 * stays as `rejected` with the reason. Once a request is stored and authenticated the answer is 200, even
 * when processing failed: the row is retried by the scheduler, while a 5xx would only make the provider
 * send the same event again.
 *
 * Processing a customer's message runs the chatbot, whose replies wait in the outbox. They are sent at
 * once by this same function (the outbox sender, with a short budget), after the answer when the runtime
 * keeps working past it (`EdgeRuntime.waitUntil`); a sending problem never changes the answer, since the
 * message stays queued and the scheduler's sweep retries it.
 */
import {
  type ChannelConfig,
  loadChannelByCloudPhoneNumberId,
  loadChannelByEvolutionInstance,
} from '../_shared/channels.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { insertLedgerEvent, updateLedgerEvent } from '../_shared/ingest/ledger.ts'
import { processLedgerEvent } from '../_shared/ingest/process-event.ts'
import {
  MAX_WEBHOOK_BODY_BYTES,
  parseBody,
  readCappedBody,
  redactEnvelope,
  redactHeaders,
} from '../_shared/ingest/request.ts'
import type { IngestDeps, LedgerRow } from '../_shared/ingest/types.ts'
import { sendDueMessages, type SenderDeps } from '../_shared/outbox/sender.ts'
import { normalizeCloudWebhook } from '../_shared/providers/cloud.ts'
import { normalizeEvolutionWebhook } from '../_shared/providers/evolution.ts'
import { isRecord, optionalString } from '../_shared/providers/guards.ts'
import type { NormalizedEvent, ProviderName } from '../_shared/providers/types.ts'
import {
  answerCloudVerification,
  EVOLUTION_SECRET_HEADER,
  verifyCloudSignature,
  verifyEvolutionSecret,
} from '../_shared/webhook-auth.ts'

export interface WebhookDeps extends IngestDeps {
  maxBodyBytes?: number
  /**
   * Keeps work going after the answer (`EdgeRuntime.waitUntil` on Supabase). Without it the bot's replies
   * are sent before answering.
   */
  background?: (task: Promise<void>) => void
  /** The sender's logger (tests capture it). */
  log?: SenderDeps['log']
}

const FUNCTION_NAME = 'whatsapp-webhook'

/** How long the webhook's own processing run holds the row before the scheduler may take it over. */
const PROCESSING_LEASE_MS = 60_000

/** Sending the bot's replies at once: short, as what is left is the scheduler's. */
export const BOT_REPLY_SEND_BUDGET_MS = 5_000

/** A request refused before processing; `channelId` when the channel was found (wrong secret). */
class Rejection extends UserError {
  constructor(status: number, code: string, message: string, readonly channelId: string | null = null) {
    super(status, code, message)
  }
}

export function createWhatsappWebhookHandler(deps: WebhookDeps): RequestHandler {
  return createHandler(FUNCTION_NAME, (request) => {
    const provider = providerOf(new URL(request.url).pathname)
    if (!provider) throw new UserError(404, 'not_found', 'Use /whatsapp-webhook/evolution or /whatsapp-webhook/cloud.')
    if (provider === 'cloud' && request.method === 'GET') return verifyCloudSubscription(deps, new URL(request.url).searchParams)
    requireMethod(request, provider === 'cloud' ? ['GET', 'POST'] : ['POST'])
    return receive(deps, provider, request)
  })
}

/**
 * `/whatsapp-webhook/<provider>` (the path functions see); anything after the provider is tolerated, as
 * Evolution's "webhook by events" appends the event name (`/evolution/messages-upsert`).
 */
function providerOf(pathname: string): ProviderName | null {
  const segments = pathname.split('/').filter(segment => segment !== '')
  const start = segments.indexOf(FUNCTION_NAME)
  const name = segments[start + 1]
  return name === 'evolution' || name === 'cloud' ? name : null
}

/**
 * Channels of one Meta app share the callback URL, so the handshake is answered for whichever channel
 * has the verify token Meta sends.
 */
async function verifyCloudSubscription(deps: WebhookDeps, params: URLSearchParams): Promise<Response> {
  const token = params.get('hub.verify_token')
  let verifyToken = ''
  if (token) {
    const { data, error } = await deps.service.from('channel_secrets').select('cloud_verify_token')
      .eq('cloud_verify_token', token).limit(1).maybeSingle()
    if (error) throw new Error(`verify token lookup failed: ${error.message}`)
    verifyToken = (data as { cloud_verify_token: string } | null)?.cloud_verify_token ?? ''
  }
  const answer = answerCloudVerification(params, verifyToken)
  if (!answer.ok) {
    throw new UserError(answer.status, answer.code, answer.status === 403 ? 'The verify token does not match any channel.' : 'Expected hub.mode=subscribe, hub.verify_token and hub.challenge.')
  }
  return new Response(answer.challenge, { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
}

async function receive(deps: WebhookDeps, provider: ProviderName, request: Request): Promise<Response> {
  const { service } = deps
  const now = () => deps.now?.() ?? new Date()
  const headers = redactHeaders(request.headers)
  const maxBytes = deps.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES
  const body = await readCappedBody(request, maxBytes)
  if (!body.ok) {
    const message = `The body (${body.bytesSeen} bytes or more) exceeds the ${maxBytes}-byte limit.`
    const stored = await insertLedgerEvent(service, {
      provider, payload: null, raw_body: null, headers, status: 'rejected', last_error: `payload_too_large: ${message}`, processed_at: now().toISOString(),
    })
    throw new UserError(413, 'payload_too_large', message, { event_id: stored.id })
  }

  const parsed = parseBody(body.bytes)
  const payload = parsed.json ? redactEnvelope(parsed.payload) : null
  const stored = await insertLedgerEvent(service, {
    provider, payload, raw_body: parsed.json ? null : parsed.text, headers, status: 'pending',
  })

  let accepted: { channel: ChannelConfig, events: NormalizedEvent[] }
  try {
    if (!parsed.json) throw new Rejection(400, 'invalid_json', 'The body is not valid JSON.')
    accepted = provider === 'evolution'
      ? await authenticateEvolution(deps, parsed.payload, request.headers)
      : await authenticateCloud(deps, parsed.payload, body.bytes, request.headers)
  }
  catch (error) {
    await recordRejection(deps, stored.id, error, now(), evolutionEventName(provider, payload))
    if (error instanceof UserError) throw new UserError(error.status, error.code, error.message, { event_id: stored.id })
    throw error
  }

  const { channel, events } = accepted
  const lease = new Date(now().getTime() + PROCESSING_LEASE_MS).toISOString()
  const described = {
    channel_id: channel.id,
    event_type: eventTypeOf(provider, payload, events),
    provider_message_id: events.map(providerMessageIdOf).find(id => id !== null) ?? null,
  }
  // From here on the row is the scheduler's to finish if this run dies: the lease is its due time.
  await updateLedgerEvent(service, stored.id, { ...described, next_attempt_at: lease })

  const row: LedgerRow = {
    id: stored.id,
    provider,
    payload,
    raw_body: null,
    headers,
    status: 'pending',
    attempts: 0,
    last_error: null,
    received_at: stored.received_at,
    next_attempt_at: lease,
    processed_at: null,
    ...described,
  }
  let result
  try {
    result = await processLedgerEvent(deps, row, { channel, events })
  }
  catch (error) {
    // Stored and leased: the scheduler finishes it. A 5xx here would only bring a duplicate delivery.
    console.error(`[${FUNCTION_NAME}] processing event ${stored.id} failed; the scheduler will retry it:`, error)
    return jsonResponse({ received: true, event_id: stored.id, status: 'pending' })
  }
  if (result.botAnswers > 0) {
    const sending = sendBotReplies(deps, stored.id)
    if (deps.background) deps.background(sending)
    else await sending
  }
  return jsonResponse({ received: true, event_id: stored.id, status: result.status })
}

/**
 * Delivers what is due in the outbox now, the bot's replies among it (the sender takes each
 * conversation's messages in order, whoever queued them). Never throws: what fails stays queued.
 */
async function sendBotReplies(deps: WebhookDeps, eventId: number): Promise<void> {
  try {
    await sendDueMessages({ service: deps.service, fetch: deps.fetch, now: deps.now, log: deps.log }, { budgetMs: BOT_REPLY_SEND_BUDGET_MS })
  }
  catch (error) {
    console.error(`[${FUNCTION_NAME}] sending the bot's replies to event ${eventId} failed; the scheduler will send them:`, error)
  }
}

async function authenticateEvolution(deps: WebhookDeps, payload: unknown, headers: Headers): Promise<{ channel: ChannelConfig, events: NormalizedEvent[] }> {
  const instance = isRecord(payload) ? optionalString(payload.instance) : null
  if (!instance) throw new Rejection(400, 'invalid_payload', 'Invalid webhook payload: body.instance must be a non-empty string.')
  const channel = await loadChannelByEvolutionInstance(deps.service, instance)
  if (!channel || channel.provider !== 'evolution') throw new Rejection(404, 'unknown_instance', `No Evolution channel has the instance "${instance}".`)
  if (!verifyEvolutionSecret(headers.get(EVOLUTION_SECRET_HEADER), channel.webhookSecret)) {
    throw new Rejection(401, 'invalid_webhook_secret', `Missing or wrong ${EVOLUTION_SECRET_HEADER} header.`, channel.id)
  }
  return { channel, events: normalizeWith(() => normalizeEvolutionWebhook(payload), channel.id) }
}

async function authenticateCloud(deps: WebhookDeps, payload: unknown, rawBody: Uint8Array, headers: Headers): Promise<{ channel: ChannelConfig, events: NormalizedEvent[] }> {
  const phoneNumberId = firstPhoneNumberId(payload)
  if (!phoneNumberId) throw new Rejection(400, 'invalid_payload', 'Invalid webhook payload: no entry[].changes[].value.metadata.phone_number_id.')
  const channel = await loadChannelByCloudPhoneNumberId(deps.service, phoneNumberId)
  if (!channel || channel.provider !== 'cloud') throw new Rejection(404, 'unknown_phone_number', `No Cloud API channel has the phone number id "${phoneNumberId}".`)
  if (!channel.cloud?.appSecret) {
    throw new Rejection(401, 'invalid_signature', 'The channel has no app secret (and access token) configured, so the signature cannot be checked.', channel.id)
  }
  // The exact bytes received: a re-serialized JSON would not match Meta's escapes.
  if (!await verifyCloudSignature(rawBody, headers.get('x-hub-signature-256'), channel.cloud.appSecret)) {
    throw new Rejection(401, 'invalid_signature', 'Missing or wrong X-Hub-Signature-256 header.', channel.id)
  }
  return { channel, events: normalizeWith(() => normalizeCloudWebhook(payload), channel.id) }
}

function normalizeWith(normalize: () => NormalizedEvent[], channelId: string): NormalizedEvent[] {
  try {
    return normalize()
  }
  catch (error) {
    if (error instanceof UserError) throw new Rejection(error.status, error.code, error.message, channelId)
    throw error
  }
}

function firstPhoneNumberId(payload: unknown): string | null {
  if (!isRecord(payload) || !Array.isArray(payload.entry)) return null
  for (const entry of payload.entry) {
    const changes = isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : []
    for (const change of changes) {
      const metadata = isRecord(change) && isRecord(change.value) && isRecord(change.value.metadata) ? change.value.metadata : null
      const id = optionalString(metadata?.phone_number_id)
      if (id) return id
    }
  }
  return null
}

/** A failure before processing: rejected with the reason (never retried), or failed for our own errors. */
async function recordRejection(deps: WebhookDeps, eventId: number, error: unknown, now: Date, eventType: string | null): Promise<void> {
  const fields = error instanceof UserError
    ? { status: 'rejected', last_error: `${error.code}: ${error.message}`, channel_id: error instanceof Rejection ? error.channelId : null, event_type: eventType, processed_at: now.toISOString() }
    // Not the provider's fault (e.g. the database hiccuped while loading the channel): the 500 makes the
    // provider deliver again, which creates a new row; this one is closed so it is not mistaken for work.
    : { status: 'failed', last_error: `Erro interno ao autenticar o webhook; o provedor reenviará: ${(error as Error).message}`, processed_at: null }
  try {
    await updateLedgerEvent(deps.service, eventId, fields)
  }
  catch (updateError) {
    console.error(`[${FUNCTION_NAME}] could not record the rejection of event ${eventId}:`, updateError)
  }
}

/** Evolution names its event in the envelope (`messages.upsert`); Cloud bodies are described by their content. */
function evolutionEventName(provider: ProviderName, payload: unknown): string | null {
  return provider === 'evolution' && isRecord(payload) ? optionalString(payload.event) : null
}

function eventTypeOf(provider: ProviderName, payload: unknown, events: NormalizedEvent[]): string {
  const evolutionEvent = evolutionEventName(provider, payload)
  if (evolutionEvent) return evolutionEvent
  const kinds = events.map(event => event.type === 'ignored' ? event.event : event.type)
  return [...new Set(kinds)].join(',') || 'empty'
}

function providerMessageIdOf(event: NormalizedEvent): string | null {
  return 'providerMessageId' in event ? event.providerMessageId : null
}
