/**
 * What the chatbot engine needs to know about a channel, read fresh for every message with the service
 * client (the webhook has no user; nothing is cached across requests, so an admin's change applies to
 * the next message): `bot_settings` in camelCase, the numbered menu options, and the timezone of the
 * business hours (the channel's, else the company's `app_settings.timezone`). The webhook gets them in the
 * same database call that stores the message (ingest_webhook_message → `botContextFromJson`); the other
 * callers read them here (`loadBotContext`).
 *
 * The rows were written by admins through the app, so they are checked here once more: a malformed
 * business-hours range is left out (that period reads as closed, which only adds the out-of-hours text),
 * and an unknown timezone falls back to the company's, so a typo never stops the bot from answering.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { DatabaseError } from '../ingest/rpc.ts'
import { WEEKDAYS } from './hours.ts'
import type { BotSettings, BusinessHours, MenuOption, TimeRange } from './types.ts'

export interface BotContext {
  channelId: string
  settings: BotSettings
  /** Sorted by position. */
  options: MenuOption[]
}

/** The company timezone when app_settings cannot say (its column default). */
export const DEFAULT_TIMEZONE = 'America/Sao_Paulo'

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/
const DATE = /^\d{4}-\d{2}-\d{2}$/

type Row = Record<string, unknown>

/** A channel without its bot_settings row (the channel trigger always creates one): nothing to answer with. */
export class MissingBotSettingsError extends Error {
  readonly permanent = true

  constructor(channelId: string) {
    super(`A conexão ${channelId} não tem configurações do robô (bot_settings).`)
    this.name = 'MissingBotSettingsError'
  }
}

export async function loadBotContext(service: SupabaseClient, channelId: string): Promise<BotContext> {
  const [settings, options, company] = await Promise.all([
    service.from('bot_settings').select('*').eq('channel_id', channelId).maybeSingle(),
    service.from('bot_menu_options').select('position, label, team_id').eq('channel_id', channelId).order('position'),
    service.from('app_settings').select('timezone').maybeSingle(),
  ])
  for (const [what, result] of [['bot_settings', settings], ['bot_menu_options', options], ['app_settings', company]] as const) {
    if (result.error) throw new DatabaseError(`${what} lookup`, result.error.code || null, result.error.message)
  }
  if (!settings.data) throw new MissingBotSettingsError(channelId)
  const companyTimezone = validTimezone((company.data as Row | null)?.timezone) ?? DEFAULT_TIMEZONE
  return {
    channelId,
    settings: readBotSettings(settings.data as Row, companyTimezone),
    options: readMenuOptions((options.data ?? []) as Row[]),
  }
}

/**
 * The context ingest_webhook_message returned with a message (`bot.settings`, `bot.options`,
 * `bot.company_timezone`, read in the same transaction): the same checks as `loadBotContext`.
 */
export function botContextFromJson(channelId: string, json: { settings?: unknown, options?: unknown, company_timezone?: unknown }): BotContext {
  if (typeof json.settings !== 'object' || json.settings === null) throw new MissingBotSettingsError(channelId)
  const companyTimezone = validTimezone(json.company_timezone) ?? DEFAULT_TIMEZONE
  return {
    channelId,
    settings: readBotSettings(json.settings as Row, companyTimezone),
    options: readMenuOptions(Array.isArray(json.options) ? json.options.filter((row): row is Row => typeof row === 'object' && row !== null) : []),
  }
}

/** A `bot_settings` row → the engine's BotSettings; `companyTimezone` when the channel names none (or an unknown one). */
export function readBotSettings(row: Row, companyTimezone: string): BotSettings {
  return {
    enabled: row.enabled !== false,
    welcomeText: text(row.welcome_text),
    menuPrompt: text(row.menu_prompt),
    invalidOptionText: text(row.invalid_option_text),
    maxInvalidAttempts: integerIn(row.max_invalid_attempts, 1, 10) ?? 3,
    fallbackTeamId: optionalText(row.fallback_team_id),
    afterSelectionText: optionalText(row.after_selection_text),
    outOfHoursText: text(row.out_of_hours_text),
    businessHours: readBusinessHours(row.business_hours),
    holidays: Array.isArray(row.holidays) ? row.holidays.filter((day): day is string => typeof day === 'string' && DATE.test(day)) : [],
    timezone: validTimezone(row.timezone) ?? companyTimezone,
    ratingPromptText: text(row.rating_prompt_text),
    ratingInvalidText: text(row.rating_invalid_text),
    ratingThanksText: text(row.rating_thanks_text),
    closeKeyword: optionalText(row.close_keyword),
  }
}

export function readMenuOptions(rows: Row[]): MenuOption[] {
  return rows
    .flatMap((row) => {
      const position = integerIn(row.position, 1, 9)
      const label = optionalText(row.label)
      const teamId = optionalText(row.team_id)
      return position !== null && label !== null && teamId !== null ? [{ position, label, teamId }] : []
    })
    .sort((a, b) => a.position - b.position)
}

/** `{"mon": [{"start": "08:00", "end": "18:00"}], …}`: unknown days and malformed ranges are left out. */
export function readBusinessHours(value: unknown): BusinessHours {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
  const hours: BusinessHours = {}
  for (const day of WEEKDAYS) {
    if (!(day in value)) continue
    const ranges = (value as Row)[day]
    // A day named but unreadable stays in (closed), so a damaged object never turns into "always open".
    hours[day] = (Array.isArray(ranges) ? ranges : []).flatMap((range): TimeRange[] => {
      if (typeof range !== 'object' || range === null) return []
      const { start, end } = range as Row
      const valid = typeof start === 'string' && typeof end === 'string' && TIME.test(start) && (TIME.test(end) || end === '24:00')
      return valid && start < end ? [{ start, end }] : []
    })
  }
  return hours
}

/** The name when Intl knows the zone, else null. */
export function validTimezone(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value.trim() })
    return value.trim()
  }
  catch {
    return null
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

function optionalText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

function integerIn(value: unknown, min: number, max: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null
}
