/**
 * What an analytics-api request asks for, validated: the route (index or a dataset), the API key and
 * the page parameters. Mistakes are 400s with a pt-BR message naming the parameter.
 */
import { UserError } from '../_shared/errors.ts'
import { bearerToken } from '../_shared/http.ts'
import { type Cursor, decodeCursor } from './cursor.ts'

export const FUNCTION_NAME = 'analytics-api'
/** Power BI's "Web API" credential sends the key as this query parameter (Web.Contents ApiKeyName). */
export const API_KEY_PARAMETER = 'api_key'
export const DEFAULT_LIMIT = 1000
/** analytics_page's own ceiling. */
export const MAX_LIMIT = 10_000
export const FORMATS = ['json', 'csv'] as const
export type Format = typeof FORMATS[number]
export const PAGE_PARAMETERS = ['limit', 'since', 'cursor', 'format'] as const

export type Route = { kind: 'index' } | { kind: 'dataset', dataset: string } | { kind: 'not_found' }

/**
 * The path after the function's name: on Supabase a function sees `/analytics-api/<dataset>`; the
 * `/functions/v1` prefix is tolerated so the handler works behind any gateway.
 */
export function parseRoute(pathname: string): Route {
  const segments = pathname.split('/').filter(Boolean)
  const at = segments.indexOf(FUNCTION_NAME)
  const rest = at === -1 ? segments : segments.slice(at + 1)
  if (rest.length === 0) return { kind: 'index' }
  if (rest.length > 1) return { kind: 'not_found' }
  try {
    return { kind: 'dataset', dataset: decodeURIComponent(rest[0]!) }
  }
  catch {
    return { kind: 'not_found' }
  }
}

/** The key from `x-api-key`, `Authorization: Bearer`, or `?api_key=` (first found); undefined if none. */
export function apiKeyOf(request: Request, url: URL): string | undefined {
  const header = request.headers.get('x-api-key')?.trim()
  if (header) return header
  const bearer = bearerToken(request)
  if (bearer) return bearer
  const parameter = url.searchParams.get(API_KEY_PARAMETER)?.trim()
  return parameter || undefined
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return Array.from(new Uint8Array(digest), byte => byte.toString(16).padStart(2, '0')).join('')
}

export interface PageQuery {
  limit: number
  /** ISO 8601 in UTC, as given to the database. */
  since: string | null
  cursor: Cursor | null
  format: Format
  /** What the caller set explicitly, kept in the next page's URL (never the key). */
  kept: Partial<Record<'limit' | 'since' | 'format', string>>
}

const badParameter = (parameter: string, code: string, message: string) => new UserError(400, code, message, { parameter })

// Date and time with a zone; seconds and fractions optional. A `+` sent unencoded in a URL arrives as a
// space, so a space before the offset is read as `+`.
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i

/** `since` as a UTC ISO string, or null when the text is not a real date and time with a zone. */
export function parseSince(text: string): string | null {
  const normalized = text.trim().replace(/ (\d{2}:?\d{2})$/, '+$1')
  const match = ISO_DATE_TIME.exec(normalized)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(part => Number(part ?? 0)) as number[]
  const calendar = new Date(Date.UTC(year!, month! - 1, day!))
  const realDay = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day
  if (!realDay || hour! > 23 || minute! > 59 || second! > 59) return null
  const at = Date.parse(normalized.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(at) ? null : new Date(at).toISOString()
}

/** The page parameters of a dataset request; unknown parameters are refused (a typo must not go unnoticed). */
export function parsePageQuery(params: URLSearchParams): PageQuery {
  const kept: PageQuery['kept'] = {}
  for (const name of new Set(params.keys())) {
    if (name !== API_KEY_PARAMETER && !(PAGE_PARAMETERS as readonly string[]).includes(name)) {
      throw badParameter(name, 'unknown_parameter',
        `Parâmetro desconhecido: ${name}. Use ${PAGE_PARAMETERS.join(', ')} (e ${API_KEY_PARAMETER} para a chave).`)
    }
    if (params.getAll(name).length > 1) throw badParameter(name, 'repeated_parameter', `Informe o parâmetro ${name} uma vez só.`)
  }

  let limit = DEFAULT_LIMIT
  const limitText = params.get('limit')
  if (limitText !== null) {
    limit = /^\d{1,6}$/.test(limitText.trim()) ? Number(limitText.trim()) : Number.NaN
    if (!(limit >= 1 && limit <= MAX_LIMIT)) {
      throw badParameter('limit', 'invalid_limit', `O parâmetro limit deve ser um número inteiro de 1 a ${MAX_LIMIT} (padrão ${DEFAULT_LIMIT}).`)
    }
    kept.limit = String(limit)
  }

  let since: string | null = null
  const sinceText = params.get('since')
  if (sinceText !== null) {
    since = parseSince(sinceText)
    if (!since) {
      throw badParameter('since', 'invalid_since',
        'O parâmetro since deve ser uma data e hora ISO 8601 com fuso, por exemplo 2025-01-31T00:00:00Z ou 2025-01-31T00:00:00-03:00.')
    }
    kept.since = since
  }

  const cursorText = params.get('cursor')
  const cursor = cursorText === null ? null : decodeCursor(cursorText.trim())

  let format: Format = 'json'
  const formatText = params.get('format')
  if (formatText !== null) {
    const wanted = formatText.trim().toLowerCase()
    if (!(FORMATS as readonly string[]).includes(wanted)) {
      throw badParameter('format', 'invalid_format', 'O parâmetro format deve ser json ou csv.')
    }
    format = wanted as Format
    kept.format = format
  }

  return { limit, since, cursor, format, kept }
}
