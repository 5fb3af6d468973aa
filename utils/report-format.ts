/**
 * How Relatórios writes numbers for people (pt-BR): counts with a thousands dot, durations as
 * "4 min 30 s", percentages, the NPS with its sign, dates in the company's time zone and the labels of
 * the charts' hours and days. Pure functions (no Vue, no Nuxt): unit-tested directly.
 */

/** What an empty indicator shows (no ticket in the period to average, no rating…). */
export const NO_VALUE = '—'

const integerFormat = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 0 })

/** 1234 → "1.234". */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? NO_VALUE : integerFormat.format(value)
}

/** 8.333 → "8,3" (one decimal by default). */
export function formatDecimal(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE
  return new Intl.NumberFormat('pt-BR', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value)
}

/** part / whole as "33%" (or "33,3%" with digits = 1); "—" when the whole is zero. */
export function formatPercent(part: number, whole: number, digits = 0): string {
  if (!whole || !Number.isFinite(part) || !Number.isFinite(whole)) return NO_VALUE
  return new Intl.NumberFormat('pt-BR', { style: 'percent', minimumFractionDigits: 0, maximumFractionDigits: digits }).format(part / whole)
}

/** The NPS (−100…+100) with its sign, as people write it: "+25", "0", "−40" (a real minus sign). */
export function formatNps(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return NO_VALUE
  const rounded = Math.round(value)
  if (rounded === 0) return '0'
  return `${rounded > 0 ? '+' : '−'}${integerFormat.format(Math.abs(rounded))}`
}

/**
 * A duration in seconds for people: "45 s", "4 min 30 s", "1 h 05 min", "2 d 3 h". Two units at most
 * (the second dropped when zero above minutes), rounded to the second; "—" when there is none.
 */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return NO_VALUE
  const total = Math.round(seconds)
  if (total < 60) return `${total} s`
  const days = Math.floor(total / 86_400)
  const hours = Math.floor((total % 86_400) / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const rest = total % 60
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`
  if (hours > 0) return minutes > 0 ? `${hours} h ${String(minutes).padStart(2, '0')} min` : `${hours} h`
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`
}

/** "Atualizado agora" / "há 12 s" / "há 3 min": how long ago the numbers were read. */
export function formatElapsed(seconds: number): string {
  const value = Math.max(0, Math.floor(seconds))
  if (value < 5) return 'agora'
  if (value < 60) return `há ${value} s`
  if (value < 3600) return `há ${Math.floor(value / 60)} min`
  return `há ${Math.floor(value / 3600)} h`
}

function zonedParts(iso: string | Date, timeZone: string): Record<string, string> {
  const date = typeof iso === 'string' ? new Date(iso) : iso
  const parts = new Intl.DateTimeFormat('pt-BR', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)
  return Object.fromEntries(parts.map(part => [part.type, part.value]))
}

/** "04/06/2019 09:00" in the company's zone; "—" for no date. `withSeconds` for the CSV. */
export function formatDateTime(iso: string | null | undefined, timeZone: string, withSeconds = false): string {
  if (!iso) return NO_VALUE
  const p = zonedParts(iso, timeZone)
  return `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}${withSeconds ? `:${p.second}` : ''}`
}

/** A chart bucket as the dashboard returns it ("2019-06-04" or "2019-06-04T09:00") → "04/06" or "09h". */
export function formatBucket(bucket: string): string {
  const hour = /T(\d{2}):\d{2}$/.exec(bucket)
  if (hour) return `${hour[1]}h`
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(bucket)
  return day ? `${day[3]}/${day[2]}` : bucket
}

/** The bucket in full, for tooltips and the charts' data tables: "04/06/2019" or "04/06/2019, 09h–10h". */
export function formatBucketLong(bucket: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):\d{2})?$/.exec(bucket)
  if (!match) return bucket
  const day = `${match[3]}/${match[2]}/${match[1]}`
  if (match[4] === undefined) return day
  const next = String((Number(match[4]) + 1) % 24).padStart(2, '0')
  return `${day}, ${match[4]}h–${next}h`
}
