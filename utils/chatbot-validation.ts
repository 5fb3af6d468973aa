/**
 * The chatbot form's checks, in pt-BR, mirroring what save_chatbot and the bot_settings constraints
 * refuse (attempts 1–10, rating timeout 5–10080, threshold 1–10, keyword 2–30 characters, HH:MM ranges
 * with start before end, labels 1–60 characters, a team per option, at most 9 options, texts up to
 * 4096 characters), plus a few the database lets through but an admin would not mean (overlapping
 * ranges, a day set to "Horários" without any, a warning without its text).
 *
 * Errors are keyed by the form field: `welcomeText`, `options.<key>.label`, `hours.<day>.<rangeKey>.start`…
 */
import { CHATBOT_ERRORS, CHATBOT_LIMITS, WEEKDAY_ORDER } from '../constants/chatbot.ts'
import { validTimezone } from '../supabase/functions/_shared/chatbot/context.ts'
import type { ChatbotForm } from './chatbot-form.ts'

export type ChatbotErrors = Record<string, string>

const START_TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const END_TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

function integerBetween(value: number | null, min: number, max: number): boolean {
  return value !== null && Number.isInteger(value) && value >= min && value <= max
}

function positiveOrEmpty(value: number | null): boolean {
  return value === null || (Number.isInteger(value) && value > 0)
}

/** A real calendar date in `YYYY-MM-DD`. */
export function isCalendarDate(value: string): boolean {
  if (!DATE.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

export function validateChatbotForm(form: ChatbotForm): ChatbotErrors {
  const errors: ChatbotErrors = {}
  const set = (field: string, message: string) => {
    errors[field] ??= message
  }

  const texts = [
    'welcomeText', 'menuPrompt', 'afterSelectionText', 'invalidOptionText', 'outOfHoursText', 'farewellText',
    'ratingPromptText', 'ratingInvalidText', 'ratingThanksText', 'inactivityWarningText',
  ] as const
  for (const field of texts) {
    if (form[field].length > CHATBOT_LIMITS.textMax) set(field, CHATBOT_ERRORS.textTooLong)
  }
  if (form.options.length > 0 && form.menuPrompt.trim() === '') set('menuPrompt', CHATBOT_ERRORS.menuPromptRequired)
  // Closing always asks for the rating, so the question cannot be blank.
  if (form.ratingPromptText.trim() === '') set('ratingPromptText', CHATBOT_ERRORS.required)

  if (form.options.length > CHATBOT_LIMITS.maxOptions) set('options', CHATBOT_ERRORS.tooManyOptions)
  const seenLabels = new Set<string>()
  for (const option of form.options) {
    const label = option.label.trim()
    if (label.length < 1 || label.length > CHATBOT_LIMITS.optionLabelMax) set(`options.${option.key}.label`, CHATBOT_ERRORS.optionLabel)
    else if (seenLabels.has(label.toLocaleLowerCase('pt-BR'))) set(`options.${option.key}.label`, CHATBOT_ERRORS.optionDuplicate)
    seenLabels.add(label.toLocaleLowerCase('pt-BR'))
    if (!option.teamId) set(`options.${option.key}.teamId`, CHATBOT_ERRORS.optionTeam)
  }

  if (!integerBetween(form.maxInvalidAttempts, CHATBOT_LIMITS.attemptsMin, CHATBOT_LIMITS.attemptsMax)) {
    set('maxInvalidAttempts', CHATBOT_ERRORS.attempts)
  }
  if (!integerBetween(form.ratingTimeoutMinutes, CHATBOT_LIMITS.ratingTimeoutMin, CHATBOT_LIMITS.ratingTimeoutMax)) {
    set('ratingTimeoutMinutes', CHATBOT_ERRORS.ratingTimeout)
  }
  if (!integerBetween(form.lowRatingThreshold, CHATBOT_LIMITS.thresholdMin, CHATBOT_LIMITS.thresholdMax)) {
    set('lowRatingThreshold', CHATBOT_ERRORS.threshold)
  }

  const keyword = form.closeKeyword.trim()
  if (keyword !== '' && (keyword.length < CHATBOT_LIMITS.keywordMin || keyword.length > CHATBOT_LIMITS.keywordMax)) {
    set('closeKeyword', CHATBOT_ERRORS.keyword)
  }

  if (!positiveOrEmpty(form.inactivityWarningMinutes)) set('inactivityWarningMinutes', CHATBOT_ERRORS.positiveMinutes)
  if (!positiveOrEmpty(form.inactivityCloseMinutes)) set('inactivityCloseMinutes', CHATBOT_ERRORS.positiveMinutes)
  if (form.inactivityWarningMinutes !== null && form.inactivityWarningText.trim() === '') {
    set('inactivityWarningText', CHATBOT_ERRORS.warningTextRequired)
  }

  if (form.timezone !== null && form.timezone.trim() !== '' && validTimezone(form.timezone) === null) {
    set('timezone', CHATBOT_ERRORS.timezone)
  }
  if (form.holidays.some(day => !isCalendarDate(day))) set('holidays', CHATBOT_ERRORS.holiday)

  if (!form.alwaysOpen) validateHours(form, set)
  return errors
}

function validateHours(form: ChatbotForm, set: (field: string, message: string) => void): void {
  for (const day of WEEKDAY_ORDER) {
    const hours = form.hours[day]
    if (hours.mode !== 'ranges') continue
    if (hours.ranges.length === 0) {
      set(`hours.${day}`, CHATBOT_ERRORS.dayWithoutRanges)
      continue
    }
    const valid: Array<{ key: string, start: string, end: string }> = []
    for (const range of hours.ranges) {
      const start = range.start.trim()
      const end = range.end.trim()
      const startOk = START_TIME.test(start)
      const endOk = END_TIME.test(end)
      if (!startOk) set(`hours.${day}.${range.key}.start`, CHATBOT_ERRORS.time)
      if (!endOk) set(`hours.${day}.${range.key}.end`, CHATBOT_ERRORS.endTime)
      if (startOk && endOk) {
        if (start >= end) set(`hours.${day}.${range.key}.end`, CHATBOT_ERRORS.rangeOrder(start, end))
        else valid.push({ key: range.key, start, end })
      }
    }
    valid.sort((a, b) => a.start.localeCompare(b.start))
    for (let index = 1; index < valid.length; index++) {
      const previous = valid[index - 1]!
      const current = valid[index]!
      if (current.start < previous.end) set(`hours.${day}.${current.key}.start`, CHATBOT_ERRORS.rangeOverlap)
    }
  }
}

/** Not an error, but worth saying: hours set and every day closed (always "fora do horário"). */
export function everyDayClosed(form: ChatbotForm): boolean {
  return !form.alwaysOpen && WEEKDAY_ORDER.every(day => form.hours[day].mode === 'closed')
}

/** The first error of a field or of anything under it (`hours.mon` covers its ranges). */
export function errorUnder(errors: ChatbotErrors, prefix: string): string | null {
  if (errors[prefix]) return errors[prefix]
  const key = Object.keys(errors).find(field => field.startsWith(`${prefix}.`))
  return key ? errors[key] ?? null : null
}
