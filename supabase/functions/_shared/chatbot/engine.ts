/**
 * The menu chatbot: greet, offer numbered options, route to the chosen team's queue. A state machine
 * with no I/O and no clock of its own (the caller passes `now`). It never acts on free text: only the
 * numbers it offered choose a team, and every other message moves the customer closer to a human, so
 * nobody is ever trapped: from any state, at most `maxInvalidAttempts + 1` answered messages reach a team.
 */
import { isWithinBusinessHours } from './hours.ts'
import { isCloseKeyword, offeredOptions, parseInteractiveAnswer, parseMenuAnswer, renderMenu, replies } from './text.ts'
import type { BotSettings, InboundForBot, MenuDecision, MenuOption, MenuState, RouteReason } from './types.ts'

export interface MenuInput {
  state: MenuState
  settings: BotSettings
  options: MenuOption[]
  message: InboundForBot
  now: Date
}

/** `tickets.bot_state` as stored (snake_case JSON). */
export interface MenuStateJson {
  stage: MenuState['stage']
  invalid_attempts: number
}

const NEW_STATE: MenuState = { stage: 'new', invalidAttempts: 0 }

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** `tickets.bot_state` → MenuState; `{}`, null or anything unreadable is a new conversation. */
export function readMenuState(botState: unknown): MenuState {
  if (!isRecord(botState) || botState.stage !== 'menu') return { ...NEW_STATE }
  return { stage: 'menu', invalidAttempts: isCount(botState.invalid_attempts) ? botState.invalid_attempts : 0 }
}

export function menuStateToJson(state: MenuState): MenuStateJson {
  return { stage: state.stage, invalid_attempts: state.invalidAttempts }
}

/** The configured limit, at least 1 whatever the row says (the database checks 1–10). */
function attemptLimit(settings: BotSettings): number {
  const limit = settings.maxInvalidAttempts
  return Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : 1
}

function routed(state: MenuState, teamId: string | null, reason: RouteReason, position: number | null, texts: string[]): MenuDecision {
  return { replies: texts, state, route: { teamId, reason, position }, close: null }
}

function staying(state: MenuState, texts: string[]): MenuDecision {
  return { replies: texts, state, route: null, close: null }
}

/** The chosen position: a tapped row whose id is the position, or a typed answer in an accepted shape. */
function chosenPosition(message: InboundForBot, positions: ReadonlySet<number>): number | null {
  if (message.kind !== 'text') return null
  return parseInteractiveAnswer(message.interactiveId, positions) ?? parseMenuAnswer(message.text, positions)
}

export function decideMenu(input: MenuInput): MenuDecision {
  const { settings, message, now } = input
  const state: MenuState = input.state.stage === 'menu' ? input.state : { ...NEW_STATE }
  const afterSelection = replies(settings.afterSelectionText)

  // Bot off: straight to the default team, whatever arrives, so no ticket ever waits on a bot.
  if (!settings.enabled) return routed(state, settings.fallbackTeamId, 'bot_disabled', null, afterSelection)

  // No reply: the database side closes the ticket and sends the channel's farewell, the one goodbye.
  // Only a typed message counts: a caption is part of a photo, not a command.
  if (message.kind === 'text' && isCloseKeyword(message.text, settings.closeKeyword)) {
    return { replies: [], state, route: null, close: { reason: 'customer_keyword' } }
  }

  // A reaction is not an answer. Something we cannot read (a poll, an order…) gets no reply during the
  // menu, which the customer already has; as a first message it is still greeted below.
  if (message.kind === 'reaction' || (message.kind === 'unsupported' && state.stage === 'menu')) {
    return staying(state, [])
  }

  const options = offeredOptions(input.options)
  const greeting = state.stage === 'new'
    ? replies(settings.welcomeText, isWithinBusinessHours(settings.businessHours, settings.holidays, settings.timezone, now) ? null : settings.outOfHoursText)
    : []

  // Nothing to choose from: greet (first message) and hand over to the default team.
  if (options.length === 0) return routed(state, settings.fallbackTeamId, 'no_options', null, [...greeting, ...afterSelection])

  const menu = replies(renderMenu(settings, options))

  // First message: greet and show the menu, even if it already is a number (the customer has not seen
  // the options yet, so it cannot be a choice). Out of hours the customer is still served: the menu
  // and routing go on, and agents answer when they are back.
  if (state.stage === 'new') return staying({ stage: 'menu', invalidAttempts: 0 }, [...greeting, ...menu])

  const positions = new Set(options.map(option => option.position))
  const position = chosenPosition(message, positions)
  if (position !== null) {
    const option = options.find(candidate => candidate.position === position)
    if (option) return routed(state, option.teamId, 'option', position, afterSelection)
  }

  // Every message that is not a choice counts, typed or not: a voice note, photo, location or contact
  // card gets the menu again without the "not understood" text (the customer may not be able to type),
  // but still moves them towards a human, so no mix of messages can keep them in the menu.
  const attempts = state.invalidAttempts + 1
  const next: MenuState = { stage: 'menu', invalidAttempts: attempts }
  if (attempts >= attemptLimit(settings)) return routed(next, settings.fallbackTeamId, 'fallback', null, afterSelection)
  return staying(next, message.kind === 'text' ? [...replies(settings.invalidOptionText), ...menu] : menu)
}
