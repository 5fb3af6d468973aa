/**
 * Processing one ledger row: normalize the stored payload, apply each event in order, and record the
 * outcome on the row. Called by the webhook right after storing and authenticating a request, and by the
 * scheduler for rows claim_provider_events hands back (failed, waiting or never finished). Rows reaching
 * here were already authenticated; nothing is checked again.
 *
 * Every step is idempotent (messages once per provider id, statuses only forward, uploads overwrite the
 * same object), so re-running a whole batch after a failure re-applies nothing twice. The events of a
 * batch run one after the other and stop at the first failure, so a later message is never stored before
 * an earlier one that is still waiting for its file.
 *
 * A customer's message is answered by the chatbot as part of its event (apply-message.ts); the bot's
 * replies wait in the outbox, and `botAnswers` tells the caller there is something to send now.
 *
 * A row whose only work is one event, and that needs no other change once it is applied (no inline file
 * to strip from the payload), is closed by the database call that settles that event (see
 * ApplyContext.finish) rather than by a separate update: one round trip less on the common path.
 */
import { type ChannelConfig, loadChannelByCloudPhoneNumberId, loadChannelById } from '../channels.ts'
import { normalizeCloudWebhook } from '../providers/cloud.ts'
import { normalizeEvolutionWebhook } from '../providers/evolution.ts'
import type { NormalizedEvent } from '../providers/types.ts'
import { applyConnection, applyQr } from './apply-channel-state.ts'
import { applyMessage, messageTriage, type MessageOutcome } from './apply-message.ts'
import { applyStatus, CUSTOMER_RECEIPT_REASON } from './apply-status.ts'
import type { ApplyContext } from './context.ts'
import { stripInlineMedia, updateLedgerEvent } from './ledger.ts'
import { decideLedgerUpdate } from './outcome.ts'
import type { EventOutcome, IngestDeps, LedgerRow, LedgerStatus } from './types.ts'

export interface ProcessResult {
  eventId: number
  status: LedgerStatus
  /** One per normalized event (up to the first failure); message events carry what the chatbot did. */
  outcomes: MessageOutcome[]
  /** Messages the chatbot answered in this run (their replies wait in the outbox). */
  botAnswers: number
}

/** What the webhook already has in hand, to skip loading and parsing it again. */
export interface KnownContext {
  channel?: ChannelConfig
  events?: NormalizedEvent[]
}

const FINISHED: ReadonlySet<LedgerStatus> = new Set(['processed', 'duplicate', 'ignored', 'rejected'])

export function normalizeLedgerPayload(row: Pick<LedgerRow, 'provider' | 'payload'>): NormalizedEvent[] {
  return row.provider === 'cloud' ? normalizeCloudWebhook(row.payload) : normalizeEvolutionWebhook(row.payload)
}

export async function processLedgerEvent(deps: IngestDeps, row: LedgerRow, known: KnownContext = {}): Promise<ProcessResult> {
  if (FINISHED.has(row.status)) return { eventId: row.id, status: row.status, outcomes: [], botAnswers: 0 }
  const now = deps.now?.() ?? new Date()
  const ctx: ApplyContext = { deps, row, attempt: row.attempts + 1, now }

  let outcomes: MessageOutcome[]
  try {
    const channel = known.channel ?? (row.channel_id ? await loadChannelById(deps.service, row.channel_id) : null)
    const events = known.events ?? normalizeLedgerPayload(row)
    if (events.length === 1 && stripInlineMedia(row.payload, new Map()) === null) ctx.finish = { event_id: row.id, attempts: ctx.attempt }
    outcomes = channel
      ? await applyAll(ctx, channel, events)
      : [{ result: 'failed', event: null, reason: 'Evento sem conexão: o canal foi removido ou o webhook não foi autenticado.', permanent: true }]
  }
  catch (error) {
    // Only a malformed stored payload (or the channel lookup) gets here; per-event errors are outcomes.
    outcomes = [failure(null, error)]
  }

  const closed = outcomes.length === 1 ? outcomes[0]! : null
  if (closed?.eventFinished === true && (closed.result === 'applied' || closed.result === 'duplicate')) {
    // The database closed the row with the event (the same fields decideLedgerUpdate gives this outcome).
    const status: LedgerStatus = closed.result === 'applied' ? 'processed' : 'duplicate'
    return { eventId: row.id, status, outcomes, botAnswers: closed.bot?.answered ?? 0 }
  }

  const update = decideLedgerUpdate(outcomes, ctx.attempt, now)
  const fields: Record<string, unknown> = { ...update }
  if (FINISHED.has(update.status)) {
    const mediaPaths = new Map(outcomes.flatMap(outcome =>
      outcome.result === 'applied' && outcome.event.type === 'message' ? [[outcome.event.providerMessageId, outcome.mediaPath ?? null] as const] : []))
    const stripped = stripInlineMedia(row.payload, mediaPaths)
    if (stripped !== null) fields.payload = stripped
  }
  await updateLedgerEvent(deps.service, row.id, fields)
  return { eventId: row.id, status: update.status, outcomes, botAnswers: outcomes.reduce((total, outcome) => total + (outcome.bot?.answered ?? 0), 0) }
}

async function applyAll(ctx: ApplyContext, primary: ChannelConfig, events: NormalizedEvent[]): Promise<MessageOutcome[]> {
  const channels = new ChannelResolver(ctx, primary)
  const outcomes: MessageOutcome[] = []
  for (const event of events) {
    let outcome: MessageOutcome
    try {
      const channel = await channels.forEvent(event)
      outcome = typeof channel === 'string' ? { result: 'ignored', event, reason: channel } : await applyOne(ctx, channel, event)
    }
    catch (error) {
      outcome = failure(event, error)
    }
    outcomes.push(outcome)
    if (outcome.result === 'failed') break
  }
  return outcomes
}

function applyOne(ctx: ApplyContext, channel: ChannelConfig, event: NormalizedEvent): Promise<MessageOutcome> {
  switch (event.type) {
    case 'message':
      return applyMessage(ctx, channel, event)
    case 'status':
      return applyStatus(ctx, channel, event)
    case 'connection':
      return applyConnection(ctx, channel, event)
    case 'qr':
      return applyQr(ctx, channel, event)
    case 'ignored':
      return Promise.resolve({ result: 'ignored', event, reason: `${event.event}: ${event.reason}` })
  }
}

/**
 * The outcome of an event that needs no database at all (nothing to store, nothing to look up): the
 * webhook then records the row as finished when it stores it. Null when the event has work to do.
 */
export function settledWithoutDatabase(channel: ChannelConfig, event: NormalizedEvent): EventOutcome | null {
  switch (event.type) {
    case 'ignored':
      return { result: 'ignored', event, reason: `${event.event}: ${event.reason}` }
    case 'message': {
      if (event.provider === 'cloud' && event.channelKey !== channel.cloud?.phoneNumberId) return null
      const triage = messageTriage(channel, event)
      return triage.accept ? null : { result: 'ignored', event, reason: triage.reason }
    }
    case 'status':
      if (event.provider === 'cloud' && event.channelKey !== channel.cloud?.phoneNumberId) return null
      return event.fromMe ? null : { result: 'ignored', event, reason: CUSTOMER_RECEIPT_REASON }
    default:
      return null
  }
}

function failure(event: NormalizedEvent | null, error: unknown): EventOutcome {
  const permanent = (error as { permanent?: unknown }).permanent === true
    || (error as Error).name === 'InvalidPayloadError'
  return { result: 'failed', event, reason: (error as Error).message ?? String(error), permanent }
}

/**
 * The channel each event belongs to. An Evolution POST is one instance's. A Cloud POST is signed with one
 * Meta app's secret and may carry changes for several of that app's numbers: each goes to its own
 * channel, if that channel is of the same app (same secret) as the one that authenticated the body.
 */
class ChannelResolver {
  private readonly cache = new Map<string, ChannelConfig | string>()

  constructor(private readonly ctx: ApplyContext, private readonly primary: ChannelConfig) {}

  async forEvent(event: NormalizedEvent): Promise<ChannelConfig | string> {
    if (event.provider !== 'cloud' || event.channelKey === this.primary.cloud?.phoneNumberId) return this.primary
    const cached = this.cache.get(event.channelKey)
    if (cached !== undefined) return cached
    const other = await loadChannelByCloudPhoneNumberId(this.ctx.deps.service, event.channelKey)
    const resolved = !other
      ? `unknown Cloud API phone number id ${event.channelKey}`
      : !other.cloud?.appSecret || other.cloud.appSecret !== this.primary.cloud?.appSecret
          ? `phone number id ${event.channelKey} belongs to another Meta app than the signature's`
          : other
    this.cache.set(event.channelKey, resolved)
    return resolved
  }
}
