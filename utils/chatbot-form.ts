/**
 * The chatbot editor's form and its mapping to the database: a `bot_settings` row + the menu rows →
 * an editable form, and the form → the arguments of `save_chatbot` (the settings by column name and
 * the menu in order, positions being that order). Texts keep what the admin typed; the optional ones
 * (after-selection, farewell, inactivity warning, close keyword) become null when blank.
 *
 * Business hours: `{}` means always open; a day left out (or `[]`) is closed, and closing every day one
 * by one never turns into "always open". A day whose only range is 00:00–24:00 is shown as "24 horas".
 */
import { DEFAULT_DAY_RANGE, WEEKDAY_ORDER, type DayMode } from '../constants/chatbot.ts'
import type { Weekday } from '../supabase/functions/_shared/chatbot/types.ts'
import type { Json, Tables } from '../types/database.ts'

export type BotSettingsRow = Tables<'bot_settings'>
export type BotMenuOptionRow = Tables<'bot_menu_options'>

export interface ChatbotOptionForm {
  /** Client-side identity, so inputs, errors and focus follow an option when it moves. */
  key: string
  label: string
  teamId: string | null
}

export interface TimeRangeForm {
  key: string
  start: string
  end: string
}

export interface DayHoursForm {
  mode: DayMode
  /** Kept while the day is "24 horas" or "Fechado", so switching back restores them. */
  ranges: TimeRangeForm[]
}

export interface ChatbotForm {
  enabled: boolean
  fallbackTeamId: string | null
  welcomeText: string
  menuPrompt: string
  options: ChatbotOptionForm[]
  afterSelectionText: string
  invalidOptionText: string
  maxInvalidAttempts: number | null
  alwaysOpen: boolean
  hours: Record<Weekday, DayHoursForm>
  outOfHoursText: string
  /** `YYYY-MM-DD`, sorted. */
  holidays: string[]
  /** null = the company's (app_settings.timezone). */
  timezone: string | null
  closeKeyword: string
  farewellText: string
  ratingPromptText: string
  ratingInvalidText: string
  ratingThanksText: string
  ratingTimeoutMinutes: number | null
  lowRatingThreshold: number | null
  inactivityWarningMinutes: number | null
  inactivityWarningText: string
  inactivityCloseMinutes: number | null
  inactivityClassificationId: string | null
}

/** `p_settings` of save_chatbot: the editable bot_settings columns. */
export interface ChatbotSettingsPayload {
  enabled: boolean
  fallback_team_id: string | null
  welcome_text: string
  menu_prompt: string
  after_selection_text: string | null
  invalid_option_text: string
  max_invalid_attempts: number | null
  out_of_hours_text: string
  business_hours: Record<string, Array<{ start: string, end: string }>>
  holidays: string[]
  timezone: string | null
  close_keyword: string | null
  farewell_text: string | null
  rating_prompt_text: string
  rating_invalid_text: string
  rating_thanks_text: string
  rating_timeout_minutes: number | null
  low_rating_threshold: number | null
  inactivity_warning_minutes: number | null
  inactivity_warning_text: string | null
  inactivity_close_minutes: number | null
  inactivity_classification_id: string | null
}

/** One element of `p_options`, in menu order. */
export interface ChatbotOptionPayload {
  label: string
  team_id: string | null
}

export const ALL_DAY = { start: '00:00', end: '24:00' } as const

let keySequence = 0
/** A fresh client key (options, ranges). */
export function newKey(prefix: string): string {
  keySequence += 1
  return `${prefix}-${keySequence}`
}

export function newOption(): ChatbotOptionForm {
  return { key: newKey('option'), label: '', teamId: null }
}

export function newRange(start: string = DEFAULT_DAY_RANGE.start, end: string = DEFAULT_DAY_RANGE.end): TimeRangeForm {
  return { key: newKey('range'), start, end }
}

/** What the week looks like when hours are first switched on: weekdays 08:00–18:00, weekend closed. */
export function defaultWeek(): Record<Weekday, DayHoursForm> {
  const week = {} as Record<Weekday, DayHoursForm>
  for (const day of WEEKDAY_ORDER) {
    const weekend = day === 'sat' || day === 'sun'
    week[day] = { mode: weekend ? 'closed' : 'ranges', ranges: [newRange()] }
  }
  return week
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readRanges(value: unknown): Array<{ start: string, end: string }> {
  if (!Array.isArray(value)) return []
  return value.flatMap(range => isRecord(range) && typeof range.start === 'string' && typeof range.end === 'string'
    ? [{ start: range.start, end: range.end }]
    : [])
}

function dayFromRanges(ranges: Array<{ start: string, end: string }>): DayHoursForm {
  if (ranges.length === 0) return { mode: 'closed', ranges: [newRange()] }
  const only = ranges[0]
  if (ranges.length === 1 && only?.start === ALL_DAY.start && only.end === ALL_DAY.end) {
    return { mode: 'allDay', ranges: [newRange()] }
  }
  return { mode: 'ranges', ranges: ranges.map(range => newRange(range.start, range.end)) }
}

/** `bot_settings.business_hours` → whether it is always open, and the week as the form edits it. */
export function hoursFromJson(value: Json | unknown): { alwaysOpen: boolean, hours: Record<Weekday, DayHoursForm> } {
  if (!isRecord(value) || Object.keys(value).length === 0) return { alwaysOpen: true, hours: defaultWeek() }
  const hours = {} as Record<Weekday, DayHoursForm>
  for (const day of WEEKDAY_ORDER) hours[day] = dayFromRanges(readRanges(value[day]))
  return { alwaysOpen: false, hours }
}

/**
 * The form's week → `business_hours`, ranges sorted by start. Closed days are left out, as the seed
 * writes them (so saving an untouched week writes the same object), except when every day is closed:
 * then they are all written as `[]`, because `{}` would mean always open.
 */
export function hoursToJson(alwaysOpen: boolean, hours: Record<Weekday, DayHoursForm>): ChatbotSettingsPayload['business_hours'] {
  if (alwaysOpen) return {}
  const json: ChatbotSettingsPayload['business_hours'] = {}
  const allClosed = WEEKDAY_ORDER.every(day => hours[day].mode === 'closed')
  for (const day of WEEKDAY_ORDER) {
    const form = hours[day]
    if (form.mode === 'closed') {
      if (allClosed) json[day] = []
    }
    else if (form.mode === 'allDay') json[day] = [{ ...ALL_DAY }]
    else {
      json[day] = form.ranges
        .map(range => ({ start: range.start.trim(), end: range.end.trim() }))
        .sort((a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end))
    }
  }
  return json
}

function sortedDates(dates: readonly string[]): string[] {
  return [...new Set(dates)].sort()
}

/** The stored rows → the form. Options sorted by position. */
export function formFromRows(settings: BotSettingsRow, options: readonly Pick<BotMenuOptionRow, 'position' | 'label' | 'team_id'>[]): ChatbotForm {
  const { alwaysOpen, hours } = hoursFromJson(settings.business_hours)
  return {
    enabled: settings.enabled,
    fallbackTeamId: settings.fallback_team_id,
    welcomeText: settings.welcome_text,
    menuPrompt: settings.menu_prompt,
    options: [...options]
      .sort((a, b) => a.position - b.position)
      .map(option => ({ key: newKey('option'), label: option.label, teamId: option.team_id })),
    afterSelectionText: settings.after_selection_text ?? '',
    invalidOptionText: settings.invalid_option_text,
    maxInvalidAttempts: settings.max_invalid_attempts,
    alwaysOpen,
    hours,
    outOfHoursText: settings.out_of_hours_text,
    holidays: sortedDates(settings.holidays ?? []),
    timezone: settings.timezone,
    closeKeyword: settings.close_keyword ?? '',
    farewellText: settings.farewell_text ?? '',
    ratingPromptText: settings.rating_prompt_text,
    ratingInvalidText: settings.rating_invalid_text,
    ratingThanksText: settings.rating_thanks_text,
    ratingTimeoutMinutes: settings.rating_timeout_minutes,
    lowRatingThreshold: settings.low_rating_threshold,
    inactivityWarningMinutes: settings.inactivity_warning_minutes,
    inactivityWarningText: settings.inactivity_warning_text ?? '',
    inactivityCloseMinutes: settings.inactivity_close_minutes,
    inactivityClassificationId: settings.inactivity_classification_id,
  }
}

/** Blank (only spaces) → null; anything else exactly as typed. */
function optionalText(value: string): string | null {
  return value.trim() === '' ? null : value
}

export function settingsPayload(form: ChatbotForm): ChatbotSettingsPayload {
  return {
    enabled: form.enabled,
    fallback_team_id: form.fallbackTeamId,
    welcome_text: form.welcomeText,
    menu_prompt: form.menuPrompt,
    after_selection_text: optionalText(form.afterSelectionText),
    invalid_option_text: form.invalidOptionText,
    max_invalid_attempts: form.maxInvalidAttempts,
    out_of_hours_text: form.outOfHoursText,
    business_hours: hoursToJson(form.alwaysOpen, form.hours),
    holidays: sortedDates(form.holidays),
    timezone: form.timezone?.trim() || null,
    close_keyword: form.closeKeyword.trim() || null,
    farewell_text: optionalText(form.farewellText),
    rating_prompt_text: form.ratingPromptText,
    rating_invalid_text: form.ratingInvalidText,
    rating_thanks_text: form.ratingThanksText,
    rating_timeout_minutes: form.ratingTimeoutMinutes,
    low_rating_threshold: form.lowRatingThreshold,
    inactivity_warning_minutes: form.inactivityWarningMinutes,
    inactivity_warning_text: optionalText(form.inactivityWarningText),
    inactivity_close_minutes: form.inactivityCloseMinutes,
    inactivity_classification_id: form.inactivityClassificationId,
  }
}

/** The menu in the form's order (the database numbers it 1..n and trims the labels). */
export function optionsPayload(form: ChatbotForm): ChatbotOptionPayload[] {
  return form.options.map(option => ({ label: option.label.trim(), team_id: option.teamId }))
}

/**
 * What saving would write, as one comparable string: the form is dirty when this differs from the
 * snapshot of the form as loaded (both through the same mapping, so an untouched form is never dirty).
 */
export function formSnapshot(form: ChatbotForm): string {
  return JSON.stringify({ settings: settingsPayload(form), options: optionsPayload(form) })
}

/** A deep copy with fresh keys where needed (discarding edits restores the loaded form). */
export function cloneForm(form: ChatbotForm): ChatbotForm {
  return JSON.parse(JSON.stringify(form)) as ChatbotForm
}

/** Moves the option at `from` to index `to` (drag and drop, move up/down); a new array. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= items.length || to < 0 || to >= items.length) return [...items]
  const next = [...items]
  const [moved] = next.splice(from, 1)
  next.splice(to, 0, moved as T)
  return next
}

/** The save_chatbot field (its `hint`) → the form field it belongs to (for highlighting). */
export function formFieldOfServerField(field: string | null, form: ChatbotForm): string | null {
  if (!field) return null
  const option = /^options\.(\d+)\.(label|team_id)$/.exec(field)
  if (option) {
    const key = form.options[Number(option[1]) - 1]?.key
    return key ? `options.${key}.${option[2] === 'label' ? 'label' : 'teamId'}` : 'options'
  }
  const map: Record<string, string> = {
    business_hours: 'hours',
    holidays: 'holidays',
    options: 'options',
  }
  return map[field] ?? field.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())
}

/** Minutes as pt-BR text, with hours and days when they read better: "1440 min (24 horas)". */
export function minutesText(minutes: number): string {
  if (minutes < 60) return `${minutes} min`
  const hours = minutes / 60
  const hoursText = Number.isInteger(hours) ? `${hours}` : hours.toLocaleString('pt-BR', { maximumFractionDigits: 1 })
  const hoursLabel = `${hoursText} ${hours === 1 ? 'hora' : 'horas'}`
  if (minutes % 1440 === 0 && minutes > 1440) return `${minutes / 1440} dias (${hoursLabel})`
  return hoursLabel
}

/**
 * A time as typed → `HH:MM` when it is clearly one ("8" → "08:00", "830" → "08:30", "8:5" stays for the
 * check to flag); anything else is left as typed.
 */
export function normalizeTimeInput(value: string): string {
  const text = value.trim().replace(/[h.]/i, ':')
  const hoursOnly = /^(\d{1,2})$/.exec(text)
  if (hoursOnly) return `${hoursOnly[1]!.padStart(2, '0')}:00`
  const compact = /^(\d{1,2})(\d{2})$/.exec(text)
  if (compact) return `${compact[1]!.padStart(2, '0')}:${compact[2]}`
  const withColon = /^(\d{1,2}):(\d{2})$/.exec(text)
  if (withColon) return `${withColon[1]!.padStart(2, '0')}:${withColon[2]}`
  return value.trim()
}
