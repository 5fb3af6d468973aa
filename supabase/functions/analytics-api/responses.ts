/**
 * The answers of analytics-api: a page as JSON or CSV (with the next page's cursor and URL), the index,
 * and errors carrying the HTTP headers their status calls for (WWW-Authenticate, Retry-After, Allow).
 */
import { type ErrorBody, UserError } from '../_shared/errors.ts'
import { type Cursor, encodeCursor } from './cursor.ts'
import { toCsv } from './csv.ts'
import { API_KEY_PARAMETER, DEFAULT_LIMIT, FUNCTION_NAME, MAX_LIMIT, type PageQuery } from './request.ts'
import type { AnalyticsPage, DatasetInfo } from './store.ts'

/** Data changes all the time and carries a key's rights: no cache between the caller and us may keep it. */
const NO_STORE = { 'Cache-Control': 'no-store' } as const

/** A user error (4xx, pt-BR message) with the headers its status needs. */
export class ApiError extends UserError {
  constructor(status: number, code: string, message: string, readonly headers: Record<string, string> = {}, details?: unknown) {
    super(status, code, message, details)
    this.name = 'ApiError'
  }
}

export function userErrorResponse(error: UserError): Response {
  const body: ErrorBody = { code: error.code, message: error.message }
  if (error.details !== undefined) body.details = error.details
  const headers = error instanceof ApiError ? error.headers : {}
  return Response.json(body, { status: error.status, headers: { ...NO_STORE, ...headers } })
}

const CHALLENGE = `Bearer realm="${FUNCTION_NAME}"`

export const missingKey = () => new ApiError(401, 'missing_api_key',
  `Chave de API ausente. Envie-a no cabeçalho x-api-key, em Authorization: Bearer <chave> ou no parâmetro ${API_KEY_PARAMETER}.`,
  { 'WWW-Authenticate': CHALLENGE })

/** authorize_api_key's refusal as an HTTP answer. */
export function refusal(status: number, code: string, message: string, retryAfter?: number): ApiError {
  if (status === 401) return new ApiError(401, code, message, { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` })
  if (status === 429) return new ApiError(429, code, message, { 'Retry-After': String(retryAfter ?? 60) })
  return new ApiError(status, code, message)
}

export const methodNotAllowed = () => new ApiError(405, 'method_not_allowed', 'Use o método GET.', { Allow: 'GET' })

export function unknownDataset(name: string, datasets: readonly DatasetInfo[]): ApiError {
  const names = datasets.map(dataset => dataset.name)
  return new ApiError(404, 'unknown_dataset', `Conjunto de dados desconhecido: "${name}". Use um destes: ${names.join(', ')}.`, {}, { datasets: names })
}

export const notFound = () => new ApiError(404, 'not_found', 'Endereço desconhecido. Use /analytics-api para a lista de conjuntos de dados ou /analytics-api/<conjunto>.')

/** The next page's URL: the caller's limit, since and format, and the cursor; never the key. */
export function nextPageUrl(base: string, dataset: string, query: PageQuery, next: Cursor): string {
  const params = new URLSearchParams()
  for (const name of ['limit', 'since', 'format'] as const) {
    const value = query.kept[name]
    if (value !== undefined) params.set(name, value)
  }
  params.set('cursor', encodeCursor(next))
  return `${base}/${encodeURIComponent(dataset)}?${params}`
}

/** A row with its keys in the view's column order (jsonb sorted them by length). */
export function inColumnOrder(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  const ordered: Record<string, unknown> = {}
  for (const column of columns) if (column in row) ordered[column] = row[column]
  return Object.assign(ordered, row)
}

export function pageResponse(base: string, dataset: DatasetInfo, query: PageQuery, page: AnalyticsPage): Response {
  const columns = dataset.columns ?? []
  const rows = columns.length > 0 ? page.rows.map(row => inColumnOrder(row, columns)) : page.rows
  return pageResponseOf(base, dataset.name, query, { rows, next: page.next }, columns)
}

function pageResponseOf(base: string, dataset: string, query: PageQuery, page: AnalyticsPage, columns: readonly string[]): Response {
  const nextCursor = page.next ? encodeCursor(page.next) : null
  const nextUrl = page.next ? nextPageUrl(base, dataset, query, page.next) : null
  const paging: Record<string, string> = nextCursor && nextUrl ? { 'X-Next-Cursor': nextCursor, 'Link': `<${nextUrl}>; rel="next"` } : {}
  if (query.format === 'csv') {
    return new Response(toCsv(page.rows, columns), {
      headers: {
        ...NO_STORE,
        ...paging,
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="${dataset}.csv"`,
      },
    })
  }
  const body = { dataset, count: page.rows.length, data: page.rows, next_cursor: nextCursor, next_url: nextUrl }
  return Response.json(body, { headers: { ...NO_STORE, ...paging } })
}

export function indexResponse(base: string, datasets: readonly DatasetInfo[], scopes: string[] | null): Response {
  return Response.json({
    api: FUNCTION_NAME,
    description: 'Dados de atendimento do Atende, somente leitura, para o Power BI e outras ferramentas. Guia: docs/powerbi.md.',
    authentication: `Envie a chave de API no cabeçalho x-api-key, em Authorization: Bearer <chave> ou no parâmetro ${API_KEY_PARAMETER} (credencial "API Web" do Power BI).`,
    usage: `GET ${base}/<conjunto>?limit=${DEFAULT_LIMIT}&since=<data ISO 8601>&cursor=<next_cursor>&format=json|csv`,
    parameters: {
      limit: `Linhas por página, de 1 a ${MAX_LIMIT} (padrão ${DEFAULT_LIMIT}).`,
      since: 'Só as linhas alteradas a partir desta data e hora (ISO 8601 com fuso), pela coluna incremental do conjunto.',
      cursor: 'O next_cursor da página anterior; a última página traz next_cursor null.',
      format: 'json (padrão) ou csv (UTF-8 com BOM, separado por vírgulas).',
    },
    datasets: datasets.map(dataset => ({
      name: dataset.name,
      description: dataset.description,
      incremental_column: dataset.change_column,
      url: `${base}/${dataset.name}`,
    })),
    key: scopes ? { scopes } : null,
  }, { headers: NO_STORE })
}
