/**
 * Business hours in the channel's timezone. The weekday, date and time come from Intl.DateTimeFormat
 * with `timeZone`, so daylight saving (and its absence, as in São Paulo since 2019) follows the IANA
 * database of the runtime, in Node and in Deno alike. Settings are validated when saved, so a bad
 * timezone or range here is a bug: it throws rather than guessing open or closed.
 */
import type { BusinessHours, TimeRange, Weekday } from './types.ts'

export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

const WEEKDAY_BY_SHORT_NAME: Record<string, Weekday> = {
  Sun: 'sun', Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat',
}

const MINUTES_PER_DAY = 24 * 60

/** The wall clock somewhere: `YYYY-MM-DD`, weekday and minutes since midnight. */
export interface ZonedMoment {
  date: string
  weekday: Weekday
  minutes: number
}

// One formatter per timezone: building them is the costly part, and the webhook asks on every new ticket.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone)
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      })
    }
    catch {
      throw new Error(`Invalid timezone in the bot settings: "${timezone}"`)
    }
    formatters.set(timezone, formatter)
  }
  return formatter
}

export function zonedMoment(now: Date, timezone: string): ZonedMoment {
  if (Number.isNaN(now.getTime())) throw new Error('Invalid date for the business hours check')
  const parts: Record<string, string> = {}
  for (const part of formatterFor(timezone).formatToParts(now)) parts[part.type] = part.value
  const weekday = WEEKDAY_BY_SHORT_NAME[parts.weekday ?? '']
  if (!weekday) throw new Error(`Unexpected weekday "${parts.weekday}" from Intl for ${timezone}`)
  // `% 24`: some engines write midnight as 24 even with h23.
  const minutes = (Number(parts.hour) % 24) * 60 + Number(parts.minute)
  return { date: `${parts.year}-${parts.month}-${parts.day}`, weekday, minutes }
}

/** `HH:MM` (00:00–23:59) as minutes since midnight; `24:00` too when it ends a range. */
function minutesOf(time: unknown, isEnd: boolean): number | null {
  if (typeof time !== 'string') return null
  if (isEnd && time === '24:00') return MINUTES_PER_DAY
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time)
  return match ? Number(match[1]) * 60 + Number(match[2]) : null
}

function rangeMinutes(range: TimeRange, weekday: string): [number, number] {
  const start = minutesOf(range?.start, false)
  const end = minutesOf(range?.end, true)
  // A range never crosses midnight: 22:00–02:00 is written as 22:00–24:00 plus 00:00–02:00 the next day.
  if (start === null || end === null || start >= end) {
    throw new Error(`Invalid business hours range for ${weekday}: ${JSON.stringify(range)}`)
  }
  return [start, end]
}

/**
 * The open ranges per weekday as minutes, every day checked (not only today's), so a bad setting fails
 * on the first message rather than on the day it applies.
 */
function openMinutes(hours: BusinessHours): Map<string, Array<[number, number]>> {
  const days = new Map<string, Array<[number, number]>>()
  for (const [day, ranges] of Object.entries(hours)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) throw new Error(`Invalid weekday in the business hours: "${day}"`)
    if (ranges === undefined || ranges === null) continue
    if (!Array.isArray(ranges)) throw new Error(`Invalid business hours for ${day}: not a list of ranges`)
    days.set(day, ranges.map(range => rangeMinutes(range, day)))
  }
  return days
}

/**
 * Whether the channel is open at `now`. An empty `hours` object means always open (no hours set);
 * once any day is set, a day missing or without ranges is closed. Holidays (`YYYY-MM-DD` in the
 * timezone) are closed all day, even with no hours set: an admin who lists a holiday means it.
 * Ranges include `start` and exclude `end`: 08:00–18:00 is open at 17:59 and closed at 18:00.
 */
export function isWithinBusinessHours(hours: BusinessHours, holidays: string[], timezone: string, now: Date): boolean {
  const moment = zonedMoment(now, timezone)
  const open = openMinutes(hours)
  if (holidays.some(holiday => holiday.trim() === moment.date)) return false
  if (Object.keys(hours).length === 0) return true
  return (open.get(moment.weekday) ?? []).some(([start, end]) => moment.minutes >= start && moment.minutes < end)
}
