/**
 * The conversation of the editor's phone preview, built by the real chatbot engine (the same pure
 * modules the webhook runs: supabase/functions/_shared/chatbot) on the form's current values. Nothing
 * here decides what the bot says: the form is read the way the webhook reads a saved row
 * (`readBotSettings`/`readMenuOptions`), `decideMenu` and `decideRating` answer, and this only walks the
 * conversation through the steps the admin plays (customer messages, an agent closing, the customer
 * going quiet) and adds the notes an admin needs ("Cliente na fila de Financeiro").
 *
 * What the database adds around the engine is mirrored from its functions: the farewell when the
 * customer types the close keyword (apply_bot_decision), farewell + rating prompt when an agent closes
 * (close_ticket), the inactivity warning and close (run_inactivity_rules), and a closed conversation's
 * next message starting a new ticket (greeted again).
 */
import { CHATBOT_PREVIEW_LABELS as LABELS } from '../constants/chatbot.ts'
import { readBotSettings, readMenuOptions } from '../supabase/functions/_shared/chatbot/context.ts'
import { decideMenu } from '../supabase/functions/_shared/chatbot/engine.ts'
import { isWithinBusinessHours, zonedMoment } from '../supabase/functions/_shared/chatbot/hours.ts'
import { decideRating } from '../supabase/functions/_shared/chatbot/rating.ts'
import { sendable } from '../supabase/functions/_shared/chatbot/text.ts'
import type { BotSettings, MenuDecision, MenuOption, MenuState, RatingState } from '../supabase/functions/_shared/chatbot/types.ts'
import { minutesText, optionsPayload, settingsPayload, type ChatbotForm } from './chatbot-form.ts'

/** The bot as the engine sees it, plus what the database functions send around it. */
export interface PreviewBot {
  settings: BotSettings
  options: MenuOption[]
  farewellText: string | null
  lowRatingThreshold: number | null
  ratingTimeoutMinutes: number | null
  inactivity: { warningMinutes: number | null, warningText: string | null, closeMinutes: number | null }
}

/** Stands in for an option's missing team, so the option still shows while the admin picks one. */
export const NO_TEAM = 'preview:no-team'

/**
 * The form → the engine's inputs, through the same readers the webhook uses on the saved row, so the
 * preview and the customer's phone cannot disagree.
 */
export function previewBotFromForm(form: ChatbotForm, companyTimezone: string): PreviewBot {
  const payload = settingsPayload(form)
  const menu = optionsPayload(form).map((option, index) => ({ position: index + 1, label: option.label, team_id: option.team_id ?? NO_TEAM }))
  return {
    settings: readBotSettings(payload as unknown as Record<string, unknown>, companyTimezone),
    options: readMenuOptions(menu),
    farewellText: sendable(payload.farewell_text),
    lowRatingThreshold: payload.low_rating_threshold,
    ratingTimeoutMinutes: payload.rating_timeout_minutes,
    inactivity: {
      warningMinutes: payload.inactivity_warning_minutes,
      warningText: sendable(payload.inactivity_warning_text),
      closeMinutes: payload.inactivity_close_minutes,
    },
  }
}

export type PreviewStep
  = | { kind: 'customer', text: string }
    /** An agent closes the ticket (after the customer was routed). */
    | { kind: 'agentClose' }
    /** The customer stops answering an agent. */
    | { kind: 'inactivity' }

export type PreviewItem
  = | { kind: 'bot' | 'customer', id: string, text: string }
    | { kind: 'note', id: string, text: string, tone: 'info' | 'success' | 'warning' }

/** Where the conversation is: with the bot's menu, with an agent, waiting for a rating, or over. */
export type PreviewPhase = 'bot' | 'withAgent' | 'rating' | 'closed'

export interface PreviewConversation {
  items: PreviewItem[]
  phase: PreviewPhase
}

export interface PreviewInput {
  bot: PreviewBot
  steps: readonly PreviewStep[]
  now: Date
  /** A team's name for the notes; null when the team no longer exists. */
  teamName: (teamId: string) => string | null
}

const NEW_MENU: MenuState = { stage: 'new', invalidAttempts: 0 }

export function buildPreviewConversation(input: PreviewInput): PreviewConversation {
  const { bot, now } = input
  const items: PreviewItem[] = []
  // Widened on purpose: the closures below change it, which control-flow narrowing cannot see.
  let phase = 'bot' as PreviewPhase
  let menuState: MenuState = { ...NEW_MENU }
  let ratingState: RatingState = { invalidAttempts: 0 }
  let sequence = 0
  const id = () => `preview-${++sequence}`
  const say = (kind: 'bot' | 'customer', text: string) => items.push({ kind, id: id(), text })
  const note = (text: string, tone: 'info' | 'success' | 'warning' = 'info') => items.push({ kind: 'note', id: id(), text, tone })

  const teamLabel = (teamId: string | null): string | null => {
    if (teamId === null) return null
    return input.teamName(teamId) ?? LABELS.unknownTeam
  }

  const routedNote = (route: NonNullable<MenuDecision['route']>, attempts: number) => {
    if (route.teamId === NO_TEAM) {
      note(LABELS.optionWithoutTeam, 'warning')
      return
    }
    const team = teamLabel(route.teamId)
    const reason = route.reason === 'fallback'
      ? LABELS.reasonFallback(attempts)
      : route.reason === 'bot_disabled' ? LABELS.reasonDisabled : route.reason === 'no_options' ? LABELS.reasonNoOptions : null
    const text = team ? LABELS.queued(team) : LABELS.queuedNoTeam
    note(reason ? `${text} (${reason})` : text, team ? 'success' : 'warning')
  }

  /** One customer text through decideMenu, as the webhook would on a `bot` ticket. */
  const runMenu = (text: string) => {
    const decision = decideMenu({
      state: menuState,
      settings: bot.settings,
      options: bot.options,
      message: { messageId: id(), kind: 'text', text, interactiveId: null },
      now,
    })
    for (const reply of decision.replies) say('bot', reply)
    if (decision.route) {
      routedNote(decision.route, decision.state.invalidAttempts)
      phase = 'withAgent'
    }
    else if (decision.close) {
      if (bot.farewellText) say('bot', bot.farewellText)
      note(LABELS.closedByKeyword)
      phase = 'closed'
    }
    else {
      menuState = decision.state
    }
  }

  const startTicket = (text: string) => {
    menuState = { ...NEW_MENU }
    ratingState = { invalidAttempts: 0 }
    phase = 'bot'
    runMenu(text)
  }

  for (const step of input.steps) {
    if (step.kind === 'customer') {
      say('customer', step.text)
      if (phase === 'bot') runMenu(step.text)
      else if (phase === 'closed') {
        note(LABELS.newTicket)
        startTicket(step.text)
      }
      else if (phase === 'rating') {
        const decision = decideRating({
          state: ratingState,
          settings: bot.settings,
          message: { messageId: id(), kind: 'text', text: step.text, interactiveId: null },
        })
        for (const reply of decision.replies) say('bot', reply)
        if (decision.outcome === 'rated') {
          const low = bot.lowRatingThreshold !== null && decision.score <= bot.lowRatingThreshold
          note(LABELS.rated(decision.score, low), low ? 'warning' : 'success')
          phase = 'closed'
        }
        else if (decision.outcome === 'reprompt') ratingState = decision.state
        else {
          note(LABELS.ratingNewTicket)
          startTicket(step.text)
        }
      }
      continue
    }

    // Agent-side steps only mean something while an agent has the conversation.
    if (phase !== 'withAgent') continue
    if (step.kind === 'agentClose') {
      note(LABELS.closedByAgent)
      if (bot.farewellText) say('bot', bot.farewellText)
      say('bot', bot.settings.ratingPromptText)
      if (bot.ratingTimeoutMinutes !== null) note(LABELS.ratingExpires(minutesText(bot.ratingTimeoutMinutes)))
      ratingState = { invalidAttempts: 0 }
      phase = 'rating'
    }
    else {
      const { warningMinutes, warningText, closeMinutes } = bot.inactivity
      if (closeMinutes === null) {
        note(LABELS.inactivityOff, 'warning')
        continue
      }
      if (warningMinutes !== null && warningText) {
        note(LABELS.inactivityWarned(warningMinutes))
        say('bot', warningText)
      }
      note(LABELS.inactivityClosed(closeMinutes))
      if (bot.farewellText) say('bot', bot.farewellText)
      phase = 'closed'
    }
  }
  return { items, phase }
}

export type PreviewClock = 'now' | 'open' | 'closed'

export interface PreviewMoment {
  at: Date
  open: boolean
  holiday: boolean
}

const STEP_MINUTES = 30
/** Far enough to cross a weekend and a long holiday. */
const SEARCH_DAYS = 21

function isOpen(settings: BotSettings, at: Date): boolean {
  return isWithinBusinessHours(settings.businessHours, settings.holidays, settings.timezone, at)
}

export function describeMoment(settings: BotSettings, at: Date): PreviewMoment {
  const date = zonedMoment(at, settings.timezone).date
  return { at, open: isOpen(settings, at), holiday: settings.holidays.includes(date) }
}

/**
 * The moment the preview simulates: now, or the first half hour from now (up to three weeks ahead)
 * that is inside (`open`) or outside (`closed`) the business hours; null when there is none.
 */
export function previewMoment(settings: BotSettings, clock: PreviewClock, from: Date): PreviewMoment | null {
  if (clock === 'now') return describeMoment(settings, from)
  const wantOpen = clock === 'open'
  if (isOpen(settings, from) === wantOpen) return describeMoment(settings, from)
  // Start at the next round half hour, so the simulated time reads well ("19:00", not "18:47").
  const start = Math.ceil(from.getTime() / (STEP_MINUTES * 60_000)) * STEP_MINUTES * 60_000
  for (let at = start; at < from.getTime() + SEARCH_DAYS * 86_400_000; at += STEP_MINUTES * 60_000) {
    const moment = new Date(at)
    if (isOpen(settings, moment) === wantOpen) return describeMoment(settings, moment)
  }
  return null
}
