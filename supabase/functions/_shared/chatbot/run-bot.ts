/**
 * The chatbot at work on one stored customer message: read the ticket and the channel's settings, let the
 * pure engine decide, and apply the decision in one database call that also queues every reply in the
 * outbox as a bot message.
 * - A ticket with the bot (`bot`): decideMenu → apply_bot_decision. The call carries the bot_state
 *   version read; when another message of the same customer changed the state meanwhile it answers
 *   `state_changed` and the decision is made again on the fresh state.
 * - A closed ticket waiting for its rating (`rating_pending`): decideRating → apply_rating_answer; when
 *   the text was no rating after the re-prompt, it opened a new ticket and the menu runs there.
 * - Anything else (queued or with an agent, blocked contacts): the bot stays out of it. That includes
 *   the close keyword in a queue: leaving it is the agent's or a supervisor's call (close_ticket), as
 *   no bot RPC closes a ticket that left the bot.
 *
 * Both database calls record the message id they handled, so running the bot twice on one message (a
 * re-delivered webhook, or the ledger retrying an event whose first run died after storing the message)
 * never answers twice: the second run reads `already_handled`.
 *
 * The webhook hands over what it already read with the message (`KnownForBot`: the ticket and the
 * channel's settings, from ingest_webhook_message), so the bot reads nothing itself, and the ledger event
 * to close with the bot's last decision (apply_webhook_bot_decision), so that takes no extra call either.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { callRpc, DatabaseError } from '../ingest/rpc.ts'
import { type BotContext, loadBotContext } from './context.ts'
import { decideMenu, menuStateToJson, readMenuState } from './engine.ts'
import { decideRating, readRatingState } from './rating.ts'
import type { InboundForBot, MenuDecision, RatingDecision } from './types.ts'

export interface BotDeps {
  /** Service role: bot settings, tickets' bot state and the bot RPCs are the webhook's, not a user's. */
  service: SupabaseClient
  now?: () => Date
}

/** What ingest_inbound_message answered, as far as the bot is concerned. */
export interface IngestedForBot {
  message_id: string
  ticket_id?: string | null
  ticket_status?: string | null
  /** The message answers the rating prompt of the (closed) ticket. */
  rating_pending?: boolean
}

/** One decision the bot applied (or tried to) on one ticket. */
export interface BotStep {
  flow: 'menu' | 'rating'
  ticketId: string
  applied: boolean
  /** Why nothing was applied (`not_with_bot`, `already_handled`, …); null when applied. */
  reason: string | null
  /** The engine's replies queued by this step (a keyword close also queues the channel's farewell). */
  replies: number
}

export interface BotRun {
  steps: BotStep[]
  /** Decisions applied: each may have queued messages (replies, a farewell) for the sender to deliver now. */
  answered: number
  /** The ledger event was closed together with the bot's last decision (`KnownForBot.finish`). */
  eventFinished: boolean
}

/** The ledger event the bot's last decision closes in the same transaction (apply_webhook_bot_decision). */
export interface EventFinish {
  event_id: number
  attempts: number
  /** `processed` for a message stored by this run, `duplicate` for one the database already had. */
  status: 'processed' | 'duplicate'
}

/** The ticket as the bot reads it. */
export interface TicketForBot {
  id: string
  channelId: string
  status: string
  botState: unknown
  ratingStatus: string | null
  ratingRequestedAt: string | null
}

/** The stored message a re-run is about (its ticket, and whether it can be a rating answer). */
export interface StoredForBot {
  ticket_id: string | null
  direction: string
  kind: string
  created_at: string
}

/** What the caller already read (each is loaded here when missing), and the ledger event to close. */
export interface KnownForBot {
  ticket?: TicketForBot
  context?: BotContext
  stored?: StoredForBot
  finish?: EventFinish
}

/** Decisions made again after `state_changed` before giving up (the ledger then retries the event). */
export const MAX_DECISION_ATTEMPTS = 5

type Row = Record<string, unknown>

/** Whether the run's last decision closed the ledger event (set by the apply that carried `finish`). */
interface RunState {
  eventFinished: boolean
}

/** The decision could not be applied in MAX_DECISION_ATTEMPTS tries: the event is retried later. */
export class BotContentionError extends Error {
  readonly permanent = false

  constructor(ticketId: string) {
    super(`O estado do robô no atendimento ${ticketId} mudou ${MAX_DECISION_ATTEMPTS} vezes seguidas; nova tentativa mais tarde.`)
    this.name = 'BotContentionError'
  }
}

export async function runBotForMessage(deps: BotDeps, ingest: IngestedForBot, message: InboundForBot, known: KnownForBot = {}): Promise<BotRun> {
  const ticketId = ingest.ticket_id ?? null
  const state: RunState = { eventFinished: false }
  if (!ticketId) return finish([], state)
  if (ingest.rating_pending === true) return finish(await ratingFlow(deps, ticketId, message, known, state), state)
  if (ingest.ticket_status === 'bot') return finish([await menuFlow(deps, ticketId, message, known, state)], state)
  return finish([], state)
}

/**
 * A message the database already had (a re-delivery, or the ledger retrying an event whose first run
 * stored the message and then died): the bot runs again and the database says whether it already
 * answered (`already_handled`). On a `bot` ticket that is the menu; on a closed ticket it is the rating,
 * but only for a message stored after the prompt (an old message delivered again is never read as a
 * score) and never for a reaction (ingestion never takes one as an answer). The rating is retried even
 * if it expired meanwhile: apply_rating_answer then moves the text to a live conversation, so the
 * customer's words are not left on a closed ticket.
 */
export async function runBotForStoredMessage(deps: BotDeps, message: InboundForBot, known: KnownForBot = {}): Promise<BotRun> {
  const stored = known.stored ?? await loadStoredMessage(deps.service, message.messageId)
  const none = () => finish([], { eventFinished: false })
  if (!stored?.ticket_id || stored.direction !== 'inbound') return none()
  const ticket = known.ticket?.id === stored.ticket_id ? known.ticket : await loadTicket(deps.service, stored.ticket_id)
  if (!ticket) return none()
  const answersRating = ticket.status === 'closed' && stored.kind !== 'reaction'
    && ticket.ratingRequestedAt !== null && Date.parse(stored.created_at) >= Date.parse(ticket.ratingRequestedAt)
  return runBotForMessage(deps, { message_id: message.messageId, ticket_id: ticket.id, ticket_status: ticket.status, rating_pending: answersRating }, message, { ...known, ticket })
}

async function loadStoredMessage(service: SupabaseClient, messageId: string): Promise<StoredForBot | null> {
  const { data, error } = await service.from('messages')
    .select('ticket_id, direction, kind, created_at')
    .eq('id', messageId)
    .maybeSingle()
  if (error) throw new DatabaseError('messages lookup', error.code || null, error.message)
  return data as StoredForBot | null
}

/**
 * On `state_changed` the decision is made again on the state the refusal carries (the ticket as the
 * database has it, locked), read again only when the answer has none.
 */
async function menuFlow(deps: BotDeps, ticketId: string, message: InboundForBot, known: KnownForBot, state: RunState): Promise<BotStep> {
  let context = known.context
  let ticket: TicketForBot | null | undefined = known.ticket?.id === ticketId ? known.ticket : undefined
  for (let attempt = 1; attempt <= MAX_DECISION_ATTEMPTS; attempt++) {
    ticket ??= await loadTicket(deps.service, ticketId)
    if (!ticket || ticket.status !== 'bot') return skipped('menu', ticketId, 'not_with_bot')
    context ??= await loadBotContext(deps.service, ticket.channelId)
    const decision = decideMenu({
      state: readMenuState(ticket.botState),
      settings: context.settings,
      options: context.options,
      message,
      now: deps.now?.() ?? new Date(),
    })
    const args = {
      p_ticket_id: ticketId,
      p_message_id: message.messageId,
      p_expected_version: botStateVersion(ticket.botState),
      p_decision: menuDecisionToJson(decision),
    }
    const result = known.finish
      ? await callRpc<Row>(deps.service, 'apply_webhook_bot_decision', { ...args, p_finish: known.finish })
      : await callRpc<Row>(deps.service, 'apply_bot_decision', args)
    if (result?.event_finished === true) state.eventFinished = true
    if (result?.applied === true) return { flow: 'menu', ticketId, applied: true, reason: null, replies: decision.replies.length }
    const reason = typeof result?.reason === 'string' ? result.reason : 'unknown'
    if (reason !== 'state_changed') return skipped('menu', ticketId, reason)
    ticket = ticketFromRow(result?.ticket)
  }
  throw new BotContentionError(ticketId)
}

/**
 * apply_rating_answer is called even when the rating stopped waiting since ingestion (it expired, say):
 * it then drops the decision and moves the text to the contact's live conversation, where the menu
 * takes it like any message.
 */
async function ratingFlow(deps: BotDeps, ticketId: string, message: InboundForBot, known: KnownForBot, state: RunState): Promise<BotStep[]> {
  const ticket = known.ticket?.id === ticketId ? known.ticket : await loadTicket(deps.service, ticketId)
  if (!ticket) return [skipped('rating', ticketId, 'ticket_not_found')]
  const context = known.context ?? await loadBotContext(deps.service, ticket.channelId)
  const decision = decideRating({ state: readRatingState(ticket.botState), settings: context.settings, message })
  const result = await callRpc<Row>(deps.service, 'apply_rating_answer', {
    p_ticket_id: ticketId,
    p_message_id: message.messageId,
    p_decision: ratingDecisionToJson(decision),
  })
  const step: BotStep = result?.applied === true
    ? { flow: 'rating', ticketId, applied: true, reason: null, replies: decision.replies.length }
    : skipped('rating', ticketId, typeof result?.reason === 'string' ? result.reason : 'unknown')
  // Where the text lives now when it was no rating: a new ticket (or the contact's active one), or, on a
  // retry, wherever the first run moved it. The menu answers it there (or stays out: not_with_bot).
  const liveTicketId = [result?.new_ticket_id, result?.message_ticket_id]
    .find((id): id is string => typeof id === 'string' && id !== ticketId) ?? null
  // The menu on the live ticket is the run's last decision: it may close the ledger event.
  return liveTicketId ? [step, await menuFlow(deps, liveTicketId, message, { context, finish: known.finish }, state)] : [step]
}

/** p_decision of apply_bot_decision: the MenuDecision with snake_case keys. */
export function menuDecisionToJson(decision: MenuDecision): Row {
  return {
    replies: decision.replies,
    state: menuStateToJson(decision.state),
    route: decision.route && { team_id: decision.route.teamId, reason: decision.route.reason, position: decision.route.position },
    close: decision.close && { reason: decision.close.reason },
  }
}

/** p_decision of apply_rating_answer: the RatingDecision with snake_case keys. */
export function ratingDecisionToJson(decision: RatingDecision): Row {
  switch (decision.outcome) {
    case 'rated':
      return { outcome: 'rated', score: decision.score, replies: decision.replies }
    case 'reprompt':
      return { outcome: 'reprompt', replies: decision.replies, state: { invalid_attempts: decision.state.invalidAttempts } }
    case 'new_ticket':
      return { outcome: 'new_ticket', replies: decision.replies }
  }
}

/** The optimistic-lock version apply_bot_decision compares: `coalesce((bot_state->>'version')::int, 0)`. */
export function botStateVersion(botState: unknown): number {
  if (typeof botState !== 'object' || botState === null) return 0
  const version = Number((botState as Row).version)
  return Number.isInteger(version) ? version : 0
}

async function loadTicket(service: SupabaseClient, ticketId: string): Promise<TicketForBot | null> {
  const { data, error } = await service.from('tickets')
    .select('id, channel_id, status, bot_state, rating_status, rating_requested_at')
    .eq('id', ticketId)
    .maybeSingle()
  if (error) throw new DatabaseError('tickets lookup', error.code || null, error.message)
  return ticketFromRow(data)
}

/** A tickets row (or the JSON of one: ingest_webhook_message, apply_bot_decision) → the bot's view; null when it is none. */
export function ticketFromRow(data: unknown): TicketForBot | null {
  if (typeof data !== 'object' || data === null || typeof (data as Row).id !== 'string') return null
  const row = data as Row
  return {
    id: String(row.id),
    channelId: String(row.channel_id),
    status: String(row.status),
    botState: row.bot_state,
    ratingStatus: typeof row.rating_status === 'string' ? row.rating_status : null,
    ratingRequestedAt: typeof row.rating_requested_at === 'string' ? row.rating_requested_at : null,
  }
}

function skipped(flow: BotStep['flow'], ticketId: string, reason: string): BotStep {
  return { flow, ticketId, applied: false, reason, replies: 0 }
}

function finish(steps: BotStep[], state: RunState): BotRun {
  return { steps, answered: steps.filter(step => step.applied).length, eventFinished: state.eventFinished }
}
