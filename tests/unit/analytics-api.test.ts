/**
 * The analytics-api handler against an in-memory store: one authorize call per request with the key's
 * SHA-256 (never the key), the refusals with their headers (401 WWW-Authenticate, 403, 429 Retry-After,
 * 404 listing the datasets, 400, 405), JSON pages whose next_url leads to the next page, and CSV with the
 * cursor in X-Next-Cursor and Link. The contract test runs the real function against the database.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Cursor } from '../../supabase/functions/analytics-api/cursor.ts'
import { createAnalyticsApiHandler } from '../../supabase/functions/analytics-api/handler.ts'
import type { AnalyticsStore, Authorization, PageRequest } from '../../supabase/functions/analytics-api/store.ts'

const ENV = { url: 'https://ref.supabase.co', anonKey: 'anon', serviceRoleKey: 'service' }
const BASE = 'https://ref.supabase.co/functions/v1/analytics-api'
const KEY = 'atd_chave-de-teste'
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

const DATASETS = [
  { name: 'daily', description: 'Indicadores por dia.', change_column: 'day' },
  { name: 'tickets', description: 'Um registro por atendimento.', change_column: 'updated_at' },
]
const ROWS = [1, 2, 3, 4, 5].map(n => ({ ticket_id: `t${n}`, updated_at: `2031-01-0${n}T00:00:00+00:00`, nome: n === 2 ? 'Ação, "já"' : `Cliente ${n}` }))

class MemoryStore implements AnalyticsStore {
  authorizations: Array<{ keyHash: string, dataset: string | null }> = []
  pages: PageRequest[] = []
  datasetReads = 0
  answer: Authorization = { ok: true, status: 200, key_id: 'k1', scopes: ['*'] }

  async datasets() {
    this.datasetReads++
    return DATASETS
  }

  async authorize(keyHash: string, dataset: string | null) {
    this.authorizations.push({ keyHash, dataset })
    return this.answer
  }

  async page(request: PageRequest) {
    this.pages.push(request)
    const after = request.after as { ticket_id?: string } | null
    const start = after ? ROWS.findIndex(row => row.ticket_id === after.ticket_id) + 1 : 0
    const rows = ROWS.slice(start, start + request.limit)
    const last = rows.at(-1)
    const next: Cursor | null = rows.length === request.limit && last ? { updated_at: last.updated_at, ticket_id: last.ticket_id } : null
    return { rows, next }
  }
}

function setup() {
  const store = new MemoryStore()
  const handler = createAnalyticsApiHandler(ENV, { store })
  const get = (path: string, headers: Record<string, string> = {}) =>
    Promise.resolve(handler(new Request(`http://functions-host${path}`, { headers })))
  return { store, get }
}

describe('analytics-api handler', () => {
  it('pages through a dataset with next_url and checks the key once per request by its hash', async () => {
    const { store, get } = setup()
    const seen: string[] = []
    let path: string | null = '/analytics-api/tickets?limit=2&since=2031-01-01T00:00:00Z'
    while (path) {
      const response = await get(path, { 'x-api-key': KEY })
      expect(response.status).toBe(200)
      expect(response.headers.get('cache-control')).toBe('no-store')
      const body = await response.json() as { dataset: string, count: number, data: Array<{ ticket_id: string }>, next_cursor: string | null, next_url: string | null }
      expect(body.dataset).toBe('tickets')
      expect(body.count).toBe(body.data.length)
      seen.push(...body.data.map(row => row.ticket_id))
      if (body.next_url) {
        expect(body.next_url.startsWith(`${BASE}/tickets?`)).toBe(true)
        expect(response.headers.get('x-next-cursor')).toBe(body.next_cursor)
        expect(response.headers.get('link')).toBe(`<${body.next_url}>; rel="next"`)
        expect(new URL(body.next_url).searchParams.get('since')).toBe('2031-01-01T00:00:00.000Z')
      }
      path = body.next_url ? body.next_url.slice('https://ref.supabase.co/functions/v1'.length) : null
    }
    expect(seen).toEqual(ROWS.map(row => row.ticket_id))
    expect(store.pages.map(page => page.since)).toEqual(Array(3).fill('2031-01-01T00:00:00.000Z'))
    expect(store.authorizations).toEqual(Array(3).fill({ keyHash: sha256(KEY), dataset: 'tickets' }))
    expect(store.datasetReads).toBe(1)
  })

  it('accepts the key as a bearer token or ?api_key= and never puts it in next_url', async () => {
    const { store, get } = setup()
    expect((await get('/analytics-api/tickets', { Authorization: `Bearer ${KEY}` })).status).toBe(200)
    const response = await get(`/analytics-api/tickets?limit=1&api_key=${KEY}`)
    const body = await response.json() as { next_url: string }
    expect(body.next_url).not.toContain(KEY)
    expect(body.next_url).not.toContain('api_key')
    expect(store.authorizations.map(call => call.keyHash)).toEqual([sha256(KEY), sha256(KEY)])
  })

  it('answers CSV with a BOM, the download name and the cursor in headers', async () => {
    const { get } = setup()
    const response = await get('/analytics-api/tickets?format=csv&limit=2', { 'x-api-key': KEY })
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="tickets.csv"')
    const next = response.headers.get('x-next-cursor')
    expect(next).toBeTruthy()
    const link = response.headers.get('link')!
    expect(link).toMatch(/^<https:\/\/ref\.supabase\.co\/functions\/v1\/analytics-api\/tickets\?limit=2&format=csv&cursor=[\w-]+>; rel="next"$/)
    const bytes = new Uint8Array(await response.arrayBuffer())
    expect([...bytes.slice(0, 3)]).toEqual([0xEF, 0xBB, 0xBF])
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)).toBe('\uFEFFticket_id,updated_at,nome\r\nt1,2031-01-01T00:00:00+00:00,Cliente 1\r\nt2,2031-01-02T00:00:00+00:00,"Ação, ""já"""\r\n')
  })

  it('puts CSV columns and JSON keys in the view\'s order when the database lists it, with a header on an empty page', async () => {
    const store = new MemoryStore()
    store.datasets = async () => DATASETS.map(dataset => dataset.name === 'tickets' ? { ...dataset, columns: ['ticket_id', 'nome', 'updated_at'] } : dataset)
    const handler = createAnalyticsApiHandler(ENV, { store })
    const csv = await handler(new Request('http://functions-host/analytics-api/tickets?format=csv&limit=1', { headers: { 'x-api-key': KEY } }))
    expect(await csv.text()).toBe('ticket_id,nome,updated_at\r\nt1,Cliente 1,2031-01-01T00:00:00+00:00\r\n')
    const json = await (await handler(new Request('http://functions-host/analytics-api/tickets?limit=1', { headers: { 'x-api-key': KEY } }))).json() as { data: object[] }
    expect(Object.keys(json.data[0]!)).toEqual(['ticket_id', 'nome', 'updated_at'])
    store.page = async () => ({ rows: [], next: null })
    const empty = await handler(new Request('http://functions-host/analytics-api/tickets?format=csv', { headers: { 'x-api-key': KEY } }))
    expect(await empty.text()).toBe('ticket_id,nome,updated_at\r\n')
  })

  it('refuses without a key (401 with WWW-Authenticate) before touching the database', async () => {
    const { store, get } = setup()
    const response = await get('/analytics-api/tickets')
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="analytics-api"')
    expect(await response.json()).toMatchObject({ code: 'missing_api_key', message: expect.stringContaining('Chave de API ausente') })
    expect(store.authorizations).toEqual([])
  })

  it('passes the database\'s 401, 403 and 429 on with their headers', async () => {
    const { store, get } = setup()
    store.answer = { ok: false, status: 401, code: 'revoked_api_key', message: 'Esta chave de API foi revogada.' }
    let response = await get('/analytics-api/tickets', { 'x-api-key': KEY })
    expect(response.status).toBe(401)
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="analytics-api", error="invalid_token"')
    expect(await response.json()).toEqual({ code: 'revoked_api_key', message: 'Esta chave de API foi revogada.' })

    store.answer = { ok: false, status: 403, code: 'dataset_not_allowed', message: 'Esta chave não tem permissão para o conjunto de dados "tickets".' }
    response = await get('/analytics-api/tickets', { 'x-api-key': KEY })
    expect(response.status).toBe(403)
    expect((await response.json() as { message: string }).message).toContain('não tem permissão')

    store.answer = { ok: false, status: 429, code: 'rate_limited', message: 'Limite de 3 requisições por minuto atingido.', retry_after: 17 }
    response = await get('/analytics-api/tickets', { 'x-api-key': KEY })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('17')
    expect(store.pages).toEqual([])
  })

  it('answers 404 for an unknown dataset, listing the valid ones, after checking the key', async () => {
    const { store, get } = setup()
    const response = await get('/analytics-api/senhas', { 'x-api-key': KEY })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({
      code: 'unknown_dataset',
      message: 'Conjunto de dados desconhecido: "senhas". Use um destes: daily, tickets.',
      details: { datasets: ['daily', 'tickets'] },
    })
    expect(store.authorizations).toEqual([{ keyHash: sha256(KEY), dataset: null }])
    expect((await get('/analytics-api/tickets/extra', { 'x-api-key': KEY })).status).toBe(404)
  })

  it('answers 400 for bad parameters and 405 for other methods', async () => {
    const { store, get } = setup()
    const response = await get('/analytics-api/tickets?limit=0', { 'x-api-key': KEY })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ code: 'invalid_limit', details: { parameter: 'limit' } })
    const handler = createAnalyticsApiHandler(ENV, { store })
    const post = await handler(new Request(`http://functions-host/analytics-api/tickets`, { method: 'POST', headers: { 'x-api-key': KEY } }))
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET')
  })

  it('lists the datasets without a key, and the key\'s scopes with one', async () => {
    const { store, get } = setup()
    const open = await (await get('/analytics-api')).json() as { datasets: Array<{ name: string, incremental_column: string, url: string }>, key: unknown }
    expect(open.datasets).toEqual([
      { name: 'daily', description: 'Indicadores por dia.', incremental_column: 'day', url: `${BASE}/daily` },
      { name: 'tickets', description: 'Um registro por atendimento.', incremental_column: 'updated_at', url: `${BASE}/tickets` },
    ])
    expect(open.key).toBeNull()
    expect(store.authorizations).toEqual([])
    store.answer = { ok: true, status: 200, key_id: 'k1', scopes: ['daily'] }
    const keyed = await (await get('/analytics-api', { 'x-api-key': KEY })).json() as { key: unknown }
    expect(keyed.key).toEqual({ scopes: ['daily'] })
  })

  it('hides unexpected failures behind a 500 with an id', async () => {
    const store = new MemoryStore()
    store.page = async () => {
      throw new Error('database down')
    }
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      const response = await createAnalyticsApiHandler(ENV, { store })(new Request(`http://functions-host/analytics-api/tickets?api_key=${KEY}`))
      expect(response.status).toBe(500)
      expect(await response.json()).toMatchObject({ code: 'internal_error', error_id: expect.any(String) })
      expect(JSON.stringify(errors)).not.toContain(KEY)
    }
    finally {
      console.error = original
    }
  })
})
