/**
 * The periods of Relatórios in the company's time zone: "Hoje" is the company's today, wherever the
 * browser is. A period is a list of whole local days [startDay, endDay]; the database gets the instants
 * of their edges ([from, to) in UTC). Pure functions: unit-tested directly.
 */

export const PERIOD_PRESETS = ['today', 'last7', 'last30', 'month', 'custom'] as const
export type PeriodPreset = typeof PERIOD_PRESETS[number]

/** A calendar day, "YYYY-MM-DD". */
export type LocalDay = string

export interface PeriodRange {
  /** First local day and last local day (inclusive). */
  startDay: LocalDay
  endDay: LocalDay
  /** Instant the first day starts, instant after the last day ends (the RPC's p_from, p_to). */
  from: Date
  to: Date
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}

function parseDay(day: LocalDay): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (!match) throw new Error(`invalid day ${day}`)
  return [Number(match[1]), Number(match[2]), Number(match[3])]
}

/** The local calendar day of an instant in a zone. */
export function zonedDay(at: Date, timeZone: string): LocalDay {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(at).map(part => [part.type, part.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

/** `day` moved by `count` days (calendar arithmetic, no time zone involved). */
export function addDays(day: LocalDay, count: number): LocalDay {
  const [year, month, date] = parseDay(day)
  const moved = new Date(Date.UTC(year, month - 1, date + count))
  return `${moved.getUTCFullYear()}-${pad(moved.getUTCMonth() + 1)}-${pad(moved.getUTCDate())}`
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(at).map(part => [part.type, part.value]))
  const wallClock = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second))
  return wallClock - Math.floor(at.getTime() / 1000) * 1000
}

/** The instant a local day starts in the zone (its midnight; the first existing minute on a DST gap day). */
export function zonedDayStart(day: LocalDay, timeZone: string): Date {
  const [year, month, date] = parseDay(day)
  const wallClock = Date.UTC(year, month - 1, date)
  const firstGuess = wallClock - zoneOffsetMs(new Date(wallClock), timeZone)
  // Around a DST change the offset at midnight differs from the one a few hours away: try both, keep the
  // earliest instant that is already on that day (where midnight does not exist, the day starts at 01:00).
  const candidates = [firstGuess, wallClock - zoneOffsetMs(new Date(firstGuess), timeZone)]
    .filter(ms => zonedDay(new Date(ms), timeZone) === day)
    .sort((a, b) => a - b)
  return new Date(candidates[0] ?? firstGuess)
}

/** The range of whole local days [startDay, endDay] (swapped if given backwards). */
export function dayRange(startDay: LocalDay, endDay: LocalDay, timeZone: string): PeriodRange {
  const [first, last] = startDay <= endDay ? [startDay, endDay] : [endDay, startDay]
  return { startDay: first, endDay: last, from: zonedDayStart(first, timeZone), to: zonedDayStart(addDays(last, 1), timeZone) }
}

/**
 * The days of a preset, today included: today; the last 7 or 30 days; this month so far; or the custom
 * days (null until both are chosen).
 */
export function presetRange(preset: PeriodPreset, now: Date, timeZone: string, custom: [LocalDay, LocalDay] | null = null): PeriodRange | null {
  const today = zonedDay(now, timeZone)
  switch (preset) {
    case 'today':
      return dayRange(today, today, timeZone)
    case 'last7':
      return dayRange(addDays(today, -6), today, timeZone)
    case 'last30':
      return dayRange(addDays(today, -29), today, timeZone)
    case 'month':
      return dayRange(`${today.slice(0, 8)}01`, today, timeZone)
    case 'custom':
      return custom ? dayRange(custom[0], custom[1], timeZone) : null
  }
}

/** "04/06/2019" from "2019-06-04". */
export function formatDay(day: LocalDay): string {
  const [year, month, date] = parseDay(day)
  return `${pad(date)}/${pad(month)}/${year}`
}

/** "04/06/2019" or "01/06/2019 a 04/06/2019". */
export function formatRange(range: Pick<PeriodRange, 'startDay' | 'endDay'>): string {
  return range.startDay === range.endDay ? formatDay(range.startDay) : `${formatDay(range.startDay)} a ${formatDay(range.endDay)}`
}

/**
 * naive-ui's date-range picker speaks timestamps of the browser's local midnights; the days the person
 * picked are the browser-local calendar days of those timestamps (not the company's: the picker shows
 * a calendar, not instants).
 */
export function pickerToDays(value: readonly [number, number] | null | undefined): [LocalDay, LocalDay] | null {
  if (!value) return null
  const day = (ms: number) => {
    const date = new Date(ms)
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
  }
  return [day(value[0]), day(value[1])]
}

/** The picker's value for the given days (browser-local midnights). */
export function daysToPicker(days: readonly [LocalDay, LocalDay] | null): [number, number] | null {
  if (!days) return null
  const ms = (day: LocalDay) => {
    const [year, month, date] = parseDay(day)
    return new Date(year, month - 1, date).getTime()
  }
  return [ms(days[0]), ms(days[1])]
}
