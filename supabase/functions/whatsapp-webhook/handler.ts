/**
 * `whatsapp-webhook`: where Evolution API and the Meta Cloud API deliver events.
 *
 *   POST /whatsapp-webhook/evolution   Evolution (per-channel secret in `x-atende-webhook-secret`)
 *   POST /whatsapp-webhook/cloud       Cloud API (`X-Hub-Signature-256` over the raw body)
 *   GET  /whatsapp-webhook/cloud       Meta's verification handshake (`hub.verify_token`)
 *
 * Every POST is stored in the ledger (provider_events) before it is answered, authenticated, and then
 * processed (_shared/ingest). A request that fails authentication or is malformed gets a 4xx and its row
 * says `rejected` with the reason. Once a request is stored and authenticated the answer is 200: the row
 * carries a lease (next_attempt_at), so if this run dies or fails the scheduler processes it, while a 5xx
 * would only make the provider send the same event again.
 *
 * The answer does not wait for the processing (the chatbot included) when the runtime keeps working after
 * it (`EdgeRuntime.waitUntil`, the `background` dep): the provider gets its 200 as soon as the event is
 * stored with its lease, and the work goes to a per-isolate queue that applies one conversation's events
 * in arrival order (_shared/ingest/work-queue.ts). The answer's `status` is then `pending`. Events with
 * nothing to apply (API echoes, receipts of the customer's messages, ignored event types) are stored
 * already finished, and the answer says `ignored`.
 *
 * Round trips: the channel's credentials are kept a few seconds per isolate (ChannelCache), so a request
 * is usually checked against that copy and stored with its verdict in one insert. Without a copy, or when
 * the check fails against it, the request is stored first (receive_webhook_event, which returns the
 * channel with its credentials in the same call), checked against fresh credentials, and its row updated
 * with the verdict: a rejection is always judged on fresh data.
 *
 * The bot's replies wait in the outbox. One sender per isolate delivers them after the processing
 * (coalesced: a request during a run makes one more run), with a short budget; a sending problem never
 * changes the answer, since the message stays queued and the scheduler's sweep retries it.
 */
import { ChannelCache, type ChannelConfig } from '../_shared/channels.ts'
import { UserError } from '../_shared/errors.ts'
import { createHandler, jsonResponse, requireMethod, type RequestHandler } from '../_shared/http.ts'
import { insertLedgerEvent, type NewLedgerEvent, receiveLedgerEvent, updateLedgerEvent } from '../_shared/ingest/ledger.ts'
import { decideLedgerUpdate } from '../_shared/ingest/outcome.ts'
import { type KnownContext, processLedgerEvent, type ProcessResult, settledWithoutDatabase } from '../_shared/ingest/process-event.ts'
import {
  MAX_WEBHOOK_BODY_BYTES,
  parseBody,
  readCappedBody,
  redactEnvelope,
  redactHeaders,
} from '../_shared/ingest/request.ts'
import type { EventOutcome, IngestDeps, LedgerRow, LedgerStatus } from '../_shared/ingest/types.ts'
import { Coalescer, WorkQueue } from '../_shared/ingest/work-queue.ts'
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
   * Keeps work going after the answer (`EdgeRuntime.waitUntil` on Supabase). With it, events are processed
   * after the answer; without it, before (and the bot's replies are sent before answering too).
   */
  background?: (task: Promise<void>) => void
  /** The sender's logger (tests capture it). */
  log?: SenderDeps['log']
  /** How long a channel's credentials are reused without a database read; 0 reads them for every request. */
  channelCacheTtlMs?: number
  /** The after-the-answer queue's limits (BACKGROUND_CONCURRENCY, BACKGROUND_MAX_QUEUED by default). */
  queue?: { concurrency: number, maxQueued: number }
}

const FUNCTION_NAME = 'whatsapp-webhook'

/** How long the webhook's own processing run holds the row before the scheduler may take it over. */
const PROCESSING_LEASE_MS = 60_000

/** Sending the bot's replies at once: short, as what is left is the scheduler's. */
export const BOT_REPLY_SEND_BUDGET_MS = 5_000

/** Messages per outbox claim of the webhook's sender (bursts of bot replies go out side by side). */
const BOT_REPLY_BATCH_SIZE = 10

/**
 * Channel credentials are reused this long per isolate: after a webhook secret or app secret is rotated,
 * the old one is still accepted at most this long (a request with the new one reloads the copy at once),
 * and a change to a channel's flags (active, groups, allow-list) applies at most this late.
 */
export const CHANNEL_CACHE_TTL_MS = 5_000

/** Events processed at once per isolate after the answer (each is a few sequential database calls). */
export const BACKGROUND_CONCURRENCY = 6

/**
 * Events waiting for their turn per isolate. Past this the answer still comes (the event is stored with
 * its lease) but the event is left to the scheduler, which picks it up when the lease ends.
 */
export const BACKGROUND_MAX_QUEUED = 5_000

/** A request refused before processing; `channelId` when the channel was found (wrong secret). */
class Rejection extends UserError {
  constructor(status: number, code: string, message: string, readonly channelId: string | null = null) {
    super(status, code, message)
  }
}

/** What lives as long as the isolate: the credentials cache, the work queue and the bot replies' sender. */
interface WebhookState {
  channels: ChannelCache
  queue: WorkQueue
  sender: Coalescer
}

export function createWhatsappWebhookHandler(deps: WebhookDeps): RequestHandler {
  const state: WebhookState = {
    channels: new ChannelCache(deps.channelCacheTtlMs ?? CHANNEL_CACHE_TTL_MS, () => (deps.now?.() ?? new Date()).getTime()),
    queue: new WorkQueue(deps.queue?.concurrency ?? BACKGROUND_CONCURRENCY, deps.queue?.maxQueued ?? BACKGROUND_MAX_QUEUED),
    sender: new Coalescer(() => sendBotReplies(deps)),
  }
  return createHandler(FUNCTION_NAME, (request) => {
    const provider = providerOf(new URL(request.url).pathname)
    if (!provider) throw new UserError(404, 'not_found', 'Use /whatsapp-webhook/evolution or /whatsapp-webhook/cloud.')
    if (provider === 'cloud' && request.method === 'GET') return verifyCloudSubscription(deps, new URL(request.url).searchParams)
    requireMethod(request, provider === 'cloud' ? ['GET', 'POST'] : ['POST'])
    return receive(deps, state, provider, request)
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

/** The request as the ledger keeps it, whatever becomes of it. */
type LedgerBase = Pick<NewLedgerEvent, 'provider' | 'payload' | 'raw_body' | 'headers'>

interface Accepted { channel: ChannelConfig, events: NormalizedEvent[] }

async function receive(deps: WebhookDeps, state: WebhookState, provider: ProviderName, request: Request): Promise<Response> {
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
  const base: LedgerBase = { provider, payload, raw_body: parsed.json ? null : parsed.text, headers }
  const eventType = evolutionEventName(provider, payload)
  if (!parsed.json) return rejectNew(deps, base, new Rejection(400, 'invalid_json', 'The body is not valid JSON.'), eventType)
  const key = channelKeyOf(provider, parsed.payload)
  if (!key) {
    const message = provider === 'evolution'
      ? 'Invalid webhook payload: body.instance must be a non-empty string.'
      : 'Invalid webhook payload: no entry[].changes[].value.metadata.phone_number_id.'
    return rejectNew(deps, base, new Rejection(400, 'invalid_payload', message), eventType)
  }
  const authenticate = async (channel: ChannelConfig | null) => provider === 'evolution'
    ? authenticateEvolution(channel, key, parsed.payload, request.headers)
    : await authenticateCloud(channel, key, parsed.payload, body.bytes, request.headers)

  // Checked against the isolate's copy of the credentials: stored once, with the verdict.
  const cached = state.channels.get(provider, key)
  if (cached) {
    let accepted: Accepted | null = null
    try {
      accepted = await authenticate(cached)
    }
    catch {
      // Maybe the copy is stale (a rotated secret): judged again below, stored first, on fresh credentials.
      state.channels.forget(provider, key)
    }
    if (accepted) return accept(deps, state, base, accepted, null)
  }

  // Stored first, with the channel read in the same call; then checked against fresh credentials.
  const received = await receiveLedgerEvent(service, base, key)
  if (received.channel) state.channels.set(provider, key, received.channel)
  let accepted: Accepted
  try {
    accepted = await authenticate(received.channel)
  }
  catch (error) {
    await recordRejection(deps, received.id, error, now(), eventType)
    if (error instanceof UserError) throw new UserError(error.status, error.code, error.message, { event_id: received.id })
    throw error
  }
  return accept(deps, state, base, accepted, received)
}

/** A request refused before any channel was involved (not JSON, no instance): stored as rejected. */
async function rejectNew(deps: WebhookDeps, base: LedgerBase, rejection: Rejection, eventType: string | null): Promise<Response> {
  const stored = await insertLedgerEvent(deps.service, {
    ...base, status: 'rejected', last_error: `${rejection.code}: ${rejection.message}`, event_type: eventType, processed_at: (deps.now?.() ?? new Date()).toISOString(),
  })
  throw new UserError(rejection.status, rejection.code, rejection.message, { event_id: stored.id })
}

/**
 * An authenticated request: its row is written (inserted, or the one receive_webhook_event stored
 * updated) either finished, when no event has anything to apply, or pending with the processing lease,
 * and the events are processed after the answer (before it, without a background runtime).
 */
async function accept(
  deps: WebhookDeps,
  state: WebhookState,
  base: LedgerBase,
  { channel, events }: Accepted,
  existing: { id: number, received_at: string } | null,
): Promise<Response> {
  const { service } = deps
  const now = deps.now?.() ?? new Date()
  const described = {
    channel_id: channel.id,
    event_type: eventTypeOf(base.provider, base.payload, events),
    provider_message_id: events.map(providerMessageIdOf).find(id => id !== null) ?? null,
  }

  const settled = events.map(event => settledWithoutDatabase(channel, event))
  if (settled.every((outcome): outcome is EventOutcome => outcome !== null)) {
    const update = decideLedgerUpdate(settled, 1, now)
    if (existing) {
      await updateLedgerEvent(service, existing.id, { ...described, ...update })
      return answer(existing.id, update.status)
    }
    return answer((await insertLedgerEvent(service, { ...base, ...described, ...update })).id, update.status)
  }

  // From here on the row is the scheduler's to finish if this run dies: the lease is its due time.
  const lease = new Date(now.getTime() + PROCESSING_LEASE_MS).toISOString()
  let stored = existing
  if (stored) await updateLedgerEvent(service, stored.id, { ...described, next_attempt_at: lease })
  else stored = await insertLedgerEvent(service, { ...base, ...described, status: 'pending', next_attempt_at: lease })

  const row: LedgerRow = {
    ...base,
    ...described,
    id: stored.id,
    raw_body: null,
    status: 'pending',
    attempts: 0,
    last_error: null,
    received_at: stored.received_at,
    next_attempt_at: lease,
    processed_at: null,
  }
  const known: KnownContext = { channel, events }
  if (!deps.background) {
    const result = await processRow(deps, row, known)
    if (result && result.botAnswers > 0) await state.sender.request()
    return answer(row.id, result?.status ?? 'pending')
  }
  const queued = state.queue.push(laneOf(channel, events), async () => {
    const result = await processRow(deps, row, known)
    if (result && result.botAnswers > 0) deps.background?.(state.sender.request())
  })
  if (queued) deps.background(queued)
  else console.warn(`[${FUNCTION_NAME}] ${state.queue.queued} events already waiting; event ${row.id} is left to the scheduler (its lease ends at ${lease})`)
  return answer(row.id, 'pending')
}

function answer(eventId: number, status: LedgerStatus): Response {
  return jsonResponse({ received: true, event_id: eventId, status })
}

/** Processes a stored, leased row; null when that failed (the lease brings the row to the scheduler). */
async function processRow(deps: WebhookDeps, row: LedgerRow, known: KnownContext): Promise<ProcessResult | null> {
  try {
    return await processLedgerEvent(deps, row, known)
  }
  catch (error) {
    console.error(`[${FUNCTION_NAME}] processing event ${row.id} failed; the scheduler will retry it:`, error)
    return null
  }
}

/**
 * The queue lane of a request: its conversation (the customer's chat or the group), so one customer's
 * messages are applied in the order they came; delivery statuses per message; channel state per channel.
 */
function laneOf(channel: ChannelConfig, events: NormalizedEvent[]): string {
  const event = events[0]
  switch (event?.type) {
    case 'message':
      return `${channel.id}:chat:${event.chat.groupJid ?? event.chat.replyTo}`
    case 'status':
      return `${channel.id}:status:${event.providerMessageId}`
    default:
      return `${channel.id}:channel`
  }
}

/**
 * Delivers what is due in the outbox now, the bot's replies among it (the sender takes each
 * conversation's messages in order, whoever queued them). Never throws: what fails stays queued.
 */
async function sendBotReplies(deps: WebhookDeps): Promise<void> {
  try {
    await sendDueMessages(
      { service: deps.service, fetch: deps.fetch, now: deps.now, log: deps.log },
      { budgetMs: BOT_REPLY_SEND_BUDGET_MS, batchSize: BOT_REPLY_BATCH_SIZE },
    )
  }
  catch (error) {
    console.error(`[${FUNCTION_NAME}] sending the bot's replies failed; the scheduler will send them:`, error)
  }
}

/** Evolution names its instance in the envelope; Cloud bodies the receiving number in each change's metadata. */
function channelKeyOf(provider: ProviderName, payload: unknown): string | null {
  if (provider === 'evolution') return isRecord(payload) ? optionalString(payload.instance) : null
  return firstPhoneNumberId(payload)
}

function authenticateEvolution(channel: ChannelConfig | null, instance: string, payload: unknown, headers: Headers): Accepted {
  if (!channel || channel.provider !== 'evolution') throw new Rejection(404, 'unknown_instance', `No Evolution channel has the instance "${instance}".`)
  if (!verifyEvolutionSecret(headers.get(EVOLUTION_SECRET_HEADER), channel.webhookSecret)) {
    throw new Rejection(401, 'invalid_webhook_secret', `Missing or wrong ${EVOLUTION_SECRET_HEADER} header.`, channel.id)
  }
  return { channel, events: normalizeWith(() => normalizeEvolutionWebhook(payload), channel.id) }
}

async function authenticateCloud(channel: ChannelConfig | null, phoneNumberId: string, payload: unknown, rawBody: Uint8Array, headers: Headers): Promise<Accepted> {
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
