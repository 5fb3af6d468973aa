/**
 * The chatbot's contract: what the pure engine (engine.ts, rating.ts, hours.ts) receives and decides.
 * No I/O and no clock here: the webhook function loads the inputs, passes the current time, and applies
 * the decision in one database call (apply_bot_decision / apply_rating_answer), which also queues every
 * reply in the outbox as a bot message. The bot never acts on free text beyond the numbers it offered:
 * the client's guard against social engineering.
 */

/** One row of `bot_menu_options`: "1 - Suporte Técnico" leads to that team's queue. */
export interface MenuOption {
  /** 1 to 9: what the customer types. */
  position: number
  label: string
  teamId: string
}

/** A time range in the channel's timezone, `HH:MM` 24-hour, `end` exclusive (`"08:00"`–`"18:00"`). */
export interface TimeRange {
  start: string
  end: string
}

export type Weekday = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat'

/**
 * `bot_settings.business_hours`: the open ranges per weekday. An empty object means always open; a day
 * missing (or with no ranges) is closed.
 */
export type BusinessHours = Partial<Record<Weekday, TimeRange[]>>

/** `bot_settings` of the channel, as the engine needs it (column names in camelCase). */
export interface BotSettings {
  enabled: boolean
  welcomeText: string
  menuPrompt: string
  invalidOptionText: string
  /** Invalid answers allowed before the customer goes to the fallback team (never trapped). */
  maxInvalidAttempts: number
  /** Where the customer goes after too many invalid answers, or at once when the bot is off. */
  fallbackTeamId: string | null
  /** Sent after a choice ("Em instantes um atendente…"); null = nothing. */
  afterSelectionText: string | null
  outOfHoursText: string
  businessHours: BusinessHours
  /** `YYYY-MM-DD` dates (in the channel's timezone) treated as closed all day. */
  holidays: string[]
  /** IANA timezone of the business hours (the company's, app_settings.timezone, unless the channel says otherwise). */
  timezone: string
  ratingPromptText: string
  ratingInvalidText: string
  ratingThanksText: string
  /** e.g. `#sair`; compared trimmed and case-insensitively; null = no keyword. */
  closeKeyword: string | null
}

/** What the engine needs to know about the customer's message. */
export interface InboundForBot {
  /** messages.id of the stored message (the decision is recorded against it, so a retry never answers twice). */
  messageId: string
  kind: 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker' | 'location' | 'contact' | 'reaction' | 'unsupported'
  /** The text, or a media caption; null when there is none. */
  text: string | null
  /** A button/list reply id (Cloud interactive), when the customer tapped instead of typing. */
  interactiveId: string | null
}

/**
 * `tickets.bot_state` while the ticket is with the bot (status `bot`). Stored as JSON with these
 * snake_case keys; `{}` (a new ticket) reads as stage `new`.
 */
export interface MenuState {
  stage: 'new' | 'menu'
  /** Invalid answers so far in this menu. */
  invalidAttempts: number
}

export type RouteReason = 'option' | 'fallback' | 'bot_disabled' | 'no_options'

/** The engine's answer to a message on a `bot` ticket. */
export interface MenuDecision {
  /** Texts to send, in order (each becomes a bot message + outbox row). */
  replies: string[]
  /** Where the state goes when nothing routes or closes. */
  state: MenuState
  /** Put the ticket in this team's queue (`teamId` null only when no team is configured at all). */
  route: { teamId: string | null, reason: RouteReason, position: number | null } | null
  /** The customer typed the close keyword. */
  close: { reason: 'customer_keyword' } | null
}

/** `tickets.bot_state.rating_invalid_attempts` on a closed ticket whose rating was requested. */
export interface RatingState {
  invalidAttempts: number
}

export type RatingDecision =
  /** A valid 1–10 answer: record it and thank the customer. */
  | { outcome: 'rated', score: number, replies: string[] }
  /** Not a rating: explain and ask once more. */
  | { outcome: 'reprompt', replies: string[], state: RatingState }
  /**
   * Still not a rating after the re-prompt: the rating closes without a score and the customer's text
   * starts a new ticket (it is never swallowed); the menu engine then runs on that ticket.
   */
  | { outcome: 'new_ticket', replies: string[] }
