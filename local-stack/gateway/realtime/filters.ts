/**
 * postgres_changes filters: the grammar Realtime accepts (`Subscriptions.parse_subscription_params`:
 * `col=op.value`, `not.` negation, comma = AND, PostgREST-style quoting, `in.(a,b)`) and their evaluation
 * against a changed row, with comparisons typed by the column's PostgreSQL type as
 * `realtime.check_equality_op` does with `%L::type op %L::type`.
 *
 * Evaluation follows SQL's three-valued logic: a comparison with NULL is unknown, and unknown (even
 * negated) hides the row. Types without a faithful JavaScript ordering (e.g. jsonb `<`, intervals,
 * network types) fall back to comparing their text form; timestamps without a zone are read as UTC,
 * the embedded server's time zone.
 */

export const FILTER_OPERATORS = [
  'eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'like', 'ilike', 'is', 'match', 'imatch', 'isdistinct',
] as const

export type FilterOperator = typeof FILTER_OPERATORS[number]

export interface ColumnFilter {
  column: string
  op: FilterOperator
  /** The literal; for `in`, a PostgreSQL array literal such as `{a,b}`. */
  value: string
  negate: boolean
}

/** What the evaluator needs to know about a column's type. */
export interface ColumnType {
  /** pg_type.typname of the base type (domains resolved), e.g. `int8`, `text`, `_int4`. */
  name: string
  /** Labels in sort order when the type is an enum. */
  enumLabels?: readonly string[]
  /** Element type when the type is an array. */
  element?: ColumnType
}

export class FilterSyntaxError extends Error {}

function isOperator(value: string): value is FilterOperator {
  return (FILTER_OPERATORS as readonly string[]).includes(value)
}

/** Splits on commas outside double quotes and parentheses (Realtime's `split_top_level`). */
function splitTopLevel(filter: string): string[] {
  const segments: string[] = []
  let current = ''
  let depth = 0
  let quoted = false
  let previous = ''
  for (let index = 0; index < filter.length; index++) {
    const char = filter[index]!
    if (quoted) {
      if (char === '\\' && index + 1 < filter.length) {
        current += char + filter[index + 1]
        previous = filter[index + 1]!
        index++
        continue
      }
      if (char === '"') quoted = false
      current += char
      previous = char
      continue
    }
    if (char === '"' && ['.', '(', ','].includes(previous)) {
      quoted = true
    }
    else if (char === '(') {
      depth++
    }
    else if (char === ')') {
      depth = Math.max(0, depth - 1)
    }
    else if (char === ',' && depth === 0) {
      segments.push(current)
      current = ''
      previous = ''
      continue
    }
    current += char
    previous = char
  }
  segments.push(current)
  return segments
}

/** `"a,b"` → `a,b` with backslash escapes resolved; anything else is returned unchanged. */
function unquote(value: string): string {
  if (!value.startsWith('"')) return value
  let result = ''
  for (let index = 1; index < value.length; index++) {
    const char = value[index]!
    if (char === '\\' && index + 1 < value.length) {
      result += value[++index]
    }
    else if (char === '"') {
      return index === value.length - 1 ? result : value
    }
    else {
      result += char
    }
  }
  return value
}

/** How Elixir's `inspect` prints the parts of a segment it could not parse. */
function inspectParts(parts: string[]): string {
  return `[${parts.map(part => JSON.stringify(part)).join(', ')}]`
}

function parseSegment(segment: string): ColumnFilter {
  const trimmed = segment.trim()
  if (!trimmed) throw new FilterSyntaxError('filter must not contain empty segments (check for extra commas)')
  const equals = trimmed.indexOf('=')
  if (equals < 0) throw new FilterSyntaxError(inspectParts([trimmed]))
  const column = trimmed.slice(0, equals)
  let rest = trimmed.slice(equals + 1)
  const negate = rest.startsWith('not.')
  if (negate) rest = rest.slice(4)
  const dot = rest.indexOf('.')
  if (dot < 0) throw new FilterSyntaxError(inspectParts([rest]))
  const op = rest.slice(0, dot)
  const value = rest.slice(dot + 1)
  if (!isOperator(op)) throw new FilterSyntaxError(inspectParts([op, value]))
  if (op === 'in') {
    if (value.length < 2 || !value.startsWith('(') || !value.endsWith(')')) {
      throw new FilterSyntaxError('`in` filter value must be wrapped by parentheses')
    }
    return { column, op, value: `{${value.slice(1, -1)}}`, negate }
  }
  return { column, op, value: unquote(value), negate }
}

/** Parses a binding's `filter` string; throws FilterSyntaxError with Realtime's wording. */
export function parseFilters(filter: string): ColumnFilter[] {
  const trimmed = filter.trim()
  if (!trimmed) return []
  return splitTopLevel(trimmed).map(parseSegment)
}

// --- PostgreSQL literals --------------------------------------------------------------------------

/**
 * Parses a one-dimensional array literal (`{a,"b,c",NULL}`) into element literals; NULL becomes null.
 */
export function parseArrayLiteral(literal: string): Array<string | null> | undefined {
  const text = literal.trim()
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined
  const body = text.slice(1, -1)
  if (!body.trim()) return []
  const elements: Array<string | null> = []
  let index = 0
  while (index <= body.length) {
    while (body[index] === ' ') index++
    if (body[index] === '"') {
      let element = ''
      index++
      while (index < body.length && body[index] !== '"') {
        if (body[index] === '\\') index++
        element += body[index] ?? ''
        index++
      }
      if (index >= body.length) return undefined
      index++
      elements.push(element)
      while (body[index] === ' ') index++
    }
    else {
      let end = index
      while (end < body.length && body[end] !== ',') end++
      const element = body.slice(index, end).trim()
      if (element.startsWith('{')) return undefined // nested arrays are not supported
      elements.push(element.toUpperCase() === 'NULL' ? null : element)
      index = end
    }
    if (index >= body.length) break
    if (body[index] !== ',') return undefined
    index++
  }
  return elements
}

/** Negative, zero or positive; NaN for unequal but unordered values; null when unknown (NULL, bad literal). */
type Comparison = number | null

interface Decimal { kind: 'finite', negative: boolean, digits: string, scale: number }
type Numeric = Decimal | { kind: 'nan' } | { kind: 'infinity', negative: boolean }

/** Exact decimal parsing (exponents included), so int8 and numeric compare without float rounding. */
function parseNumeric(value: unknown): Numeric | undefined {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined
  if (text === undefined) return undefined
  const lower = text.toLowerCase()
  if (lower === 'nan') return { kind: 'nan' }
  if (/^[+-]?(inf|infinity)$/.test(lower)) return { kind: 'infinity', negative: lower.startsWith('-') }
  const match = /^([+-])?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text)
  if (!match || (!match[2] && !match[3])) return undefined
  const fraction = match[3] ?? ''
  let digits = `${match[2] ?? ''}${fraction}`.replace(/^0+/, '')
  let scale = fraction.length - Number(match[4] ?? 0)
  if (!digits) return { kind: 'finite', negative: false, digits: '', scale: 0 }
  // Drop trailing zeros so equal values have one representation.
  while (digits.endsWith('0') && digits.length > 1) {
    digits = digits.slice(0, -1)
    scale--
  }
  return { kind: 'finite', negative: match[1] === '-', digits, scale }
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  if (!a.digits || !b.digits) return (a.digits ? 1 : 0) - (b.digits ? 1 : 0)
  const integerDigitsA = a.digits.length - a.scale
  const integerDigitsB = b.digits.length - b.scale
  if (integerDigitsA !== integerDigitsB) return integerDigitsA < integerDigitsB ? -1 : 1
  const length = Math.max(a.digits.length, b.digits.length)
  const paddedA = a.digits.padEnd(length, '0')
  const paddedB = b.digits.padEnd(length, '0')
  return paddedA === paddedB ? 0 : paddedA < paddedB ? -1 : 1
}

function compareNumeric(left: unknown, right: unknown): Comparison {
  const a = parseNumeric(left)
  const b = parseNumeric(right)
  if (!a || !b) return null
  // PostgreSQL orders NaN above every number, Infinity included.
  if (a.kind === 'nan' || b.kind === 'nan') return a.kind === b.kind ? 0 : a.kind === 'nan' ? 1 : -1
  const rank = (n: Numeric) => n.kind === 'infinity' ? (n.negative ? -1 : 1) : 0
  if (rank(a) !== rank(b)) return rank(a) - rank(b)
  if (a.kind !== 'finite' || b.kind !== 'finite') return 0
  const signA = !a.digits ? 0 : a.negative ? -1 : 1
  const signB = !b.digits ? 0 : b.negative ? -1 : 1
  if (signA !== signB) return signA - signB
  const magnitude = compareMagnitude(a, b)
  return signA < 0 ? -magnitude : magnitude
}

function parseBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string') return undefined
  const text = value.trim().toLowerCase()
  if (!text) return undefined
  if (text === '1' || text === 'on' || 'true'.startsWith(text) || 'yes'.startsWith(text)) return true
  if (text === '0' || text === 'off' || text === 'of' || 'false'.startsWith(text) || 'no'.startsWith(text)) return false
  return undefined
}

/** Byte order of UTF-8 text, which is code point order: the C.UTF-8 collation of the local database. */
function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

const DATE_TIME = /^(\d{4,})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(z|utc|[+-]\d{1,2}(?::?\d{2})?)?$/i
const TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(z|[+-]\d{1,2}(?::?\d{2})?)?$/i

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone) return undefined
  if (/^(z|utc)$/i.test(zone)) return 0
  const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)
  if (!match) return undefined
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0)
  return match[1] === '-' ? -minutes : minutes
}

function fractionMicros(fraction: string | undefined): number {
  return fraction ? Number(fraction.slice(0, 6).padEnd(6, '0')) : 0
}

/** Microseconds since the epoch; `withZone` applies the literal's offset (timestamptz). */
function parseTimestamp(value: unknown, withZone: boolean): number | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  if (/^infinity$/i.test(text)) return Number.POSITIVE_INFINITY
  if (/^-infinity$/i.test(text)) return Number.NEGATIVE_INFINITY
  const match = DATE_TIME.exec(text)
  if (!match) return undefined
  const [, year, month, day, hour, minute, second, fraction, zone] = match
  const millis = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0))
  if (Number.isNaN(millis)) return undefined
  const offset = withZone ? offsetMinutes(zone) ?? 0 : 0
  return (millis - offset * 60_000) * 1000 + fractionMicros(fraction)
}

function parseDate(value: unknown): number | undefined {
  const micros = parseTimestamp(value, false)
  return micros === undefined || !Number.isFinite(micros) ? micros : Math.floor(micros / 86_400_000_000)
}

/** `[micros since midnight, offset minutes]` for time and timetz. */
function parseTime(value: unknown): [number, number] | undefined {
  if (typeof value !== 'string') return undefined
  const match = TIME.exec(value.trim())
  if (!match) return undefined
  const [, hour, minute, second, fraction, zone] = match
  const micros = ((Number(hour) * 60 + Number(minute)) * 60 + Number(second ?? 0)) * 1_000_000 + fractionMicros(fraction)
  return [micros, offsetMinutes(zone) ?? 0]
}

function sign(value: number): number {
  return value < 0 ? -1 : value > 0 ? 1 : 0
}

function compareParsed<T>(a: T | undefined, b: T | undefined, compare: (x: T, y: T) => number): Comparison {
  return a === undefined || b === undefined ? null : sign(compare(a, b))
}

function normalizeUuid(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  const hex = value.trim().toLowerCase().replace(/[{}-]/g, '')
  return /^[0-9a-f]{32}$/.test(hex) ? hex : undefined
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]))
  const keysA = Object.keys(a as object)
  const keysB = Object.keys(b as object)
  return keysA.length === keysB.length
    && keysA.every(key => Object.hasOwn(b as object, key) && jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
}

function parseJson(literal: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(literal) }
  }
  catch {
    return undefined
  }
}

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'oid', 'numeric', 'float4', 'float8'])
const TEXT_TYPES = new Set(['text', 'varchar', 'name', 'char', 'bpchar', 'citext'])

function textForm(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** Compares a row value (as to_jsonb wrote it) with a filter literal of the column's type. */
export function compareToLiteral(type: ColumnType, value: unknown, literal: string): Comparison {
  if (value === null || value === undefined) return null
  if (type.enumLabels) {
    const left = typeof value === 'string' ? type.enumLabels.indexOf(value) : -1
    const right = type.enumLabels.indexOf(literal)
    return left < 0 || right < 0 ? null : sign(left - right)
  }
  if (type.element) return compareArrays(type.element, value, literal)
  const name = type.name
  if (NUMERIC_TYPES.has(name)) return compareNumeric(value, literal)
  if (TEXT_TYPES.has(name) && typeof value === 'string') {
    if (name === 'bpchar' || name === 'char') return sign(compareText(value.trimEnd(), literal.trimEnd()))
    if (name === 'citext') return sign(compareText(value.toLowerCase(), literal.toLowerCase()))
    return sign(compareText(value, literal))
  }
  switch (name) {
    case 'bool':
      return compareParsed(parseBoolean(value), parseBoolean(literal), (a, b) => Number(a) - Number(b))
    case 'uuid':
      return compareParsed(normalizeUuid(value), normalizeUuid(literal), compareText)
    case 'date':
      return compareParsed(parseDate(value), parseDate(literal), (a, b) => a === b ? 0 : a < b ? -1 : 1)
    case 'timestamp':
    case 'timestamptz': {
      const withZone = name === 'timestamptz'
      return compareParsed(parseTimestamp(value, withZone), parseTimestamp(literal, withZone), (a, b) => a === b ? 0 : a < b ? -1 : 1)
    }
    case 'time':
      return compareParsed(parseTime(value), parseTime(literal), (a, b) => a[0] - b[0])
    case 'timetz':
      // Like timetz_cmp: the UTC instant first, then the zone.
      return compareParsed(parseTime(value), parseTime(literal), (a, b) =>
        (a[0] - a[1] * 60_000_000) - (b[0] - b[1] * 60_000_000) || b[1] - a[1])
    case 'jsonb':
    case 'json': {
      const parsed = parseJson(literal)
      if (!parsed) return null
      // jsonb has no JavaScript ordering worth faking: equality is structural, and unequal values are
      // unordered (NaN makes neq true and every ordering comparison false).
      return jsonEqual(value, parsed.value) ? 0 : Number.NaN
    }
    default:
      return sign(compareText(textForm(value), literal))
  }
}

/** Element-wise comparison; NULL elements sort after everything, as in PostgreSQL's array_cmp. */
function compareArrays(element: ColumnType, value: unknown, literal: string): Comparison {
  const right = parseArrayLiteral(literal)
  if (!Array.isArray(value) || !right) return null
  const length = Math.min(value.length, right.length)
  for (let index = 0; index < length; index++) {
    const a = value[index] as unknown
    const b = right[index]!
    if (a === null && b === null) continue
    if (a === null || b === null) return a === null ? 1 : -1
    const result = compareToLiteral(element, a, b)
    if (result === null) return null
    if (result !== 0) return result
  }
  return sign(value.length - right.length)
}

/** SQL LIKE with backslash escapes, as a JavaScript regular expression. */
function likePattern(pattern: string, caseInsensitive: boolean): RegExp {
  let source = ''
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!
    if (char === '\\' && index + 1 < pattern.length) {
      source += pattern[++index]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    }
    else if (char === '%') {
      source += '[\\s\\S]*'
    }
    else if (char === '_') {
      source += '[\\s\\S]'
    }
    else {
      source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
    }
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u')
}

function regexMatch(value: unknown, pattern: string, caseInsensitive: boolean): boolean | null {
  if (typeof value !== 'string') return null
  try {
    return new RegExp(pattern, caseInsensitive ? 'iu' : 'u').test(value)
  }
  catch {
    return null
  }
}

/** One filter on one value: true, false or null (unknown). */
export function evaluateFilter(filter: ColumnFilter, type: ColumnType, value: unknown): boolean | null {
  const isNull = value === null || value === undefined
  let result: boolean | null
  switch (filter.op) {
    case 'is': {
      const keyword = filter.value.toLowerCase()
      result = keyword === 'true' ? value === true : keyword === 'false' ? value === false : isNull
      break
    }
    case 'isdistinct': {
      if (isNull) {
        result = true
        break
      }
      const comparison = compareToLiteral(type, value, filter.value)
      result = comparison === null ? null : comparison !== 0
      break
    }
    case 'in': {
      const candidates = parseArrayLiteral(filter.value)
      if (isNull || !candidates) {
        result = null
        break
      }
      let unknown = false
      result = false
      for (const candidate of candidates) {
        const comparison = candidate === null ? null : compareToLiteral(type, value, candidate)
        if (comparison === 0) {
          result = true
          break
        }
        if (comparison === null) unknown = true
      }
      if (!result && unknown) result = null
      break
    }
    case 'like':
    case 'ilike':
      result = typeof value === 'string' ? likePattern(filter.value, filter.op === 'ilike').test(value) : null
      break
    case 'match':
    case 'imatch':
      result = regexMatch(value, filter.value, filter.op === 'imatch')
      break
    default: {
      const comparison = compareToLiteral(type, value, filter.value)
      if (comparison === null) {
        result = null
        break
      }
      const outcomes: Record<'eq' | 'neq' | 'lt' | 'lte' | 'gt' | 'gte', boolean> = {
        eq: comparison === 0,
        neq: comparison !== 0,
        lt: comparison < 0,
        lte: comparison <= 0,
        gt: comparison > 0,
        gte: comparison >= 0,
      }
      result = outcomes[filter.op]
    }
  }
  if (result === null) return null
  return filter.negate ? !result : result
}

/**
 * Whether a row passes every filter (`realtime.is_visible_through_filters`): each filtered column must
 * be present in `row` and each comparison must be true.
 */
export function rowMatchesFilters(
  filters: readonly ColumnFilter[],
  row: Record<string, unknown> | null | undefined,
  typeOf: (column: string) => ColumnType | undefined,
): boolean {
  if (filters.length === 0) return true
  if (!row) return false
  return filters.every((filter) => {
    const type = typeOf(filter.column)
    if (!type || !Object.hasOwn(row, filter.column)) return false
    return evaluateFilter(filter, type, row[filter.column]) === true
  })
}
