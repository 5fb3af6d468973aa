/**
 * The rating after a ticket closes: a score from 1 to 10, read from a few fixed shapes only. Anything
 * else is re-prompted once, then kept as the start of a new ticket (the customer's words are never
 * swallowed). No I/O: the database side records the score, expires the rating or moves the message.
 */
import { foldForMatch, isCloseKeyword, keycapsToDigits, replies } from './text.ts'
import type { BotSettings, InboundForBot, RatingDecision, RatingState } from './types.ts'

export interface RatingInput {
  state: RatingState
  settings: BotSettings
  message: InboundForBot
}

/** The rating's part of `tickets.bot_state` on a closed ticket (snake_case JSON). */
export interface RatingStateJson {
  rating_invalid_attempts: number
}

/** Scores written out in pt-BR ("dez", "nota oito"): as unambiguous as the digits when they are the whole answer. */
const SPELLED_SCORES: Record<string, number> = {
  um: 1, dois: 2, tres: 3, quatro: 4, cinco: 5, seis: 6, sete: 7, oito: 8, nove: 9, dez: 10,
}

// After folding and keycaps → digits: an optional "nota"/"nota:", the score (digits without a leading
// zero, or a word), an optional "/10", then only "!" or ".": "nota 8", "Nota: 9", "8 / 10", "9!".
const RATING_ANSWER = /^(?:nota\s*:?\s*)?([1-9]\d?|[a-z]+)(?:\s*\/\s*10)?\s*[!.]*$/

/** The score 1–10 the whole message gives, or null. "7 ou 8" and "nota 7, mas demorou" are not scores. */
export function parseRating(text: string | null): number | null {
  if (text === null) return null
  const match = RATING_ANSWER.exec(foldForMatch(keycapsToDigits(text)))
  const token = match?.[1]
  if (token === undefined) return null
  const score = /^\d+$/.test(token) ? Number(token) : SPELLED_SCORES[token]
  return score !== undefined && score >= 1 && score <= 10 ? score : null
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

/** `tickets.bot_state` → RatingState; a missing or unreadable count is 0 (no re-prompt yet). */
export function readRatingState(botState: unknown): RatingState {
  const attempts = typeof botState === 'object' && botState !== null && !Array.isArray(botState)
    ? (botState as Record<string, unknown>).rating_invalid_attempts
    : undefined
  return { invalidAttempts: isCount(attempts) ? attempts : 0 }
}

export function ratingStateToJson(state: RatingState): RatingStateJson {
  return { rating_invalid_attempts: state.invalidAttempts }
}

export function decideRating(input: RatingInput): RatingDecision {
  const { state, settings, message } = input

  // A reaction (say, a heart on the thanks) is not an answer: nothing changes, nothing is sent.
  if (message.kind === 'reaction') return { outcome: 'reprompt', replies: [], state }

  if (message.kind === 'text') {
    const score = parseRating(message.text)
    if (score !== null) return { outcome: 'rated', score, replies: replies(settings.ratingThanksText) }

    // The close keyword declines the rating: nothing is sent (the farewell went out already) and the
    // re-prompt counts as spent, so the customer's next message, unless it is a score, opens a new
    // ticket at once. The rating itself expires at its timeout, without a score.
    if (isCloseKeyword(message.text, settings.closeKeyword)) {
      return { outcome: 'reprompt', replies: [], state: { invalidAttempts: Math.max(1, state.invalidAttempts) } }
    }
  }

  // Not a score (free text, media, anything unreadable): ask once more, then let the message start a new
  // ticket. The invalid text asks again by itself; without it, the prompt is repeated.
  if (state.invalidAttempts < 1) {
    const reprompt = replies(settings.ratingInvalidText)
    return {
      outcome: 'reprompt',
      replies: reprompt.length > 0 ? reprompt : replies(settings.ratingPromptText),
      state: { invalidAttempts: state.invalidAttempts + 1 },
    }
  }
  return { outcome: 'new_ticket', replies: [] }
}
