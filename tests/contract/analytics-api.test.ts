/**
 * analytics-api through real HTTP, as Power BI and curl call it (`fetch` against
 * `<stack>/functions/v1/analytics-api/...`), with keys an admin created through supabase-js:
 * - JSON pages followed by next_url to the end, equal to the view's rows for a seeded set; `since`
 *   returning only changed rows (timestamps and the daily `day` column); CSV that parses back to the
 *   same rows; every way of passing the key, and next_url never carrying it;
 * - 401 / 403 / 429 / 400 / 404 with pt-BR messages and their headers; a revoked key refused at once;
 *   the last use recorded;
 * - every curl and psql line of docs/powerbi.md, run as written (addresses and key swapped).
 *
 * The seeded tickets live in January 2034, so `since` windows contain only them.
 */
import { randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closeOwnerPool, DEMO, ownerPool } from '../support/db.ts'
import { createChannel, createContact } from '../support/fixtures.ts'
import { docCurlCommands, docPsqlCommands, localizeDbUrl, readDoc, runDocCurl } from '../support/powerbi-doc.ts'
import { getStack, serviceClient, signedInClient } from '../support/stack.ts'

type Row = Record<string, unknown>

interface CreatedKey { id: string, key: string, key_prefix: string, scopes: string[] }
interface Page { dataset: string, count: number, data: Row[], next_cursor: string | null, next_url: string | null }

const SINCE = '2034-01-01T00:00:00Z'
const UPDATED = ['2034-01-01T10:00:00Z', '2034-01-01T11:00:00Z', '2034-01-01T12:00:00Z', '2034-01-01T13:00:00Z', '2034-01-01T14:00:00Z']
const DOC_LOGIN = 'powerbi_leitura'

let admin: SupabaseClient
let api: string
let channelId: string
const ticketIds: string[] = []
const contactIds: string[] = []
const keyIds: string[] = []

/** Writes with triggers off for this session only (superuser), so updated_at keeps the time we set. */
async function asReplica(work: (db: pg.Client) => Promise<void>): Promise<void> {
  const superuser = new pg.Client({ connectionString: getStack().superuserDbUrl })
  await superuser.connect()
  try {
    await superuser.query('set session_replication_role = replica')
    await work(superuser)
  }
  finally {
    await superuser.end()
  }
}

async function createKey(scopes: string[], rate = 600): Promise<CreatedKey> {
  const { data, error } = await admin.rpc('create_api_key', { p_name: `Contrato ${randomUUID().slice(0, 6)}`, p_scopes: scopes, p_rate_limit_per_minute: rate })
  expect(error).toBeNull()
  const created = data as CreatedKey
  keyIds.push(created.id)
  return created
}

const get = (path: string, key?: string, headers: Record<string, string> = {}) =>
  fetch(path.startsWith('http') ? path : `${api}${path}`, { headers: key ? { 'x-api-key': key, ...headers } : headers })

/** The view's rows for the seeded window, as JSON (the API's shape), in paging order. */
async function viewRows(view: string, where: string, params: unknown[], order: string): Promise<Row[]> {
  const { rows } = await ownerPool().query(`select to_jsonb(v) as row from analytics.${view} v where ${where} order by ${order}`, params)
  return rows.map(row => row.row as Row)
}

/** Follows next_url from `first` to the end; returns every row and how many pages it took. */
async function allPages(first: string, key: string): Promise<{ rows: Row[], pages: number }> {
  const rows: Row[] = []
  let pages = 0
  let url: string | null = first
  while (url) {
    const response = await get(url, key)
    expect(response.status, url).toBe(200)
    const page = await response.json() as Page
    expect(page.count).toBe(page.data.length)
    rows.push(...page.data)
    pages++
    url = page.next_url
    if (url) expect(page.next_cursor).toBeTruthy()
    else expect(page.next_cursor).toBeNull()
  }
  return { rows, pages }
}

/** RFC 4180, as a spreadsheet reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      }
      else if (char === '"') quoted = false
      else field += char
    }
    else if (char === '"') quoted = true
    else if (char === ',') {
      record.push(field)
      field = ''
    }
    else if (char === '\r' && text[index + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      index++
    }
    else field += char
  }
  if (field || record.length) throw new Error('CSV does not end with CRLF')
  return records
}

/** How a JSON value reads in a CSV cell. */
const asCell = (value: unknown) => value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)

beforeAll(async () => {
  api = `${getStack().url}/functions/v1/analytics-api`
  admin = await signedInClient(DEMO.admin.email, DEMO.password)
  channelId = (await createChannel({ name: `API ${randomUUID().slice(0, 6)}` })).id
  for (const [index, at] of UPDATED.entries()) {
    // A name with a comma, quotes and an accent, for the CSV.
    const contact = await createContact({ display_name: index === 1 ? 'Ana "Aninha", São Paulo' : `Cliente ${index}`, created_at: at })
    contactIds.push(contact.id)
    const { rows: [row] } = await ownerPool().query(
      `insert into public.tickets (channel_id, contact_id, status, created_at, closed_at, closed_reason, closing_comment)
       values ($1, $2, 'closed', $3, $3::timestamptz + interval '5 minutes', 'customer_keyword', $4) returning id`,
      [channelId, contact.id, at, index === 2 ? 'linha 1\nlinha 2' : null])
    ticketIds.push(row.id)
  }
  await asReplica(async (db) => {
    for (const [index, id] of ticketIds.entries()) await db.query('update public.tickets set updated_at = $2 where id = $1', [id, UPDATED[index]])
  })
})

afterAll(async () => {
  const service = serviceClient()
  if (keyIds.length) await service.from('api_keys').delete().in('id', keyIds)
  if (ticketIds.length) await service.from('tickets').delete().in('id', ticketIds)
  if (contactIds.length) await service.from('contacts').delete().in('id', contactIds)
  if (channelId) await service.from('channels').delete().eq('id', channelId)
  await ownerPool().query(`drop role if exists ${DOC_LOGIN}`)
  await closeOwnerPool()
})

describe('paging and formats', () => {
  it('follows next_url to the end and returns exactly the view\'s rows', async () => {
    const { key } = await createKey(['*'])
    const expected = await viewRows('tickets', 'updated_at >= $1', [SINCE], 'updated_at, ticket_id')
    expect(expected.map(row => row.ticket_id)).toEqual(ticketIds)

    const { rows, pages } = await allPages(`${api}/tickets?since=${SINCE}&limit=2`, key)
    expect(pages).toBe(3)
    expect(rows).toEqual(expected)
  })

  it('returns only the rows changed since a time, for timestamps and for days', async () => {
    const { key } = await createKey(['tickets', 'daily'])
    await asReplica(db => db.query(`update public.tickets set updated_at = '2034-01-02T12:00:00Z' where id = $1`, [ticketIds[0]]).then(() => undefined))
    try {
      const changed = await (await get(`/tickets?since=2034-01-02T00:00:00Z`, key)).json() as Page
      expect(changed.data.map(row => row.ticket_id)).toEqual([ticketIds[0]])
      expect(changed.next_url).toBeNull()

      // `daily` changes by local day: 2034-01-01 07:00–11:00 in São Paulo.
      const daily = await (await get(`/daily?since=2034-01-01T00:00:00-03:00`, key)).json() as Page
      expect(daily.data).toEqual(await viewRows('daily', `day >= '2034-01-01'`, [], 'day'))
      expect(daily.data).toMatchObject([{ day: '2034-01-01', tickets_created: 5, tickets_closed: 5, tickets_closed_by_bot: 5 }])
    }
    finally {
      await asReplica(db => db.query('update public.tickets set updated_at = $2 where id = $1', [ticketIds[0], UPDATED[0]]).then(() => undefined))
    }
  })

  it('answers CSV (BOM, RFC 4180) that parses back to the JSON rows, paged through Link', async () => {
    const { key } = await createKey(['tickets'])
    const expected = await viewRows('tickets', 'updated_at >= $1', [SINCE], 'updated_at, ticket_id')
    const records: string[][] = []
    let url: string | null = `${api}/tickets?format=csv&limit=2&since=${SINCE}`
    let header: string[] | undefined
    while (url) {
      const response = await get(url, key)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="tickets.csv"')
      const bytes = new Uint8Array(await response.arrayBuffer())
      expect([...bytes.slice(0, 3)]).toEqual([0xEF, 0xBB, 0xBF])
      const [columns, ...rows] = parseCsv(new TextDecoder().decode(bytes))
      header ??= columns
      expect(columns).toEqual(header)
      records.push(...rows)
      const link = response.headers.get('link')
      const cursor = response.headers.get('x-next-cursor')
      url = link ? /^<([^>]+)>; rel="next"$/.exec(link)![1]! : null
      if (url) expect(new URL(url).searchParams.get('cursor')).toBe(cursor)
      else expect(cursor).toBeNull()
    }
    // The view's column order when the database lists it (analytics_datasets().columns), else the row's keys.
    const { data: datasets } = await admin.rpc('analytics_datasets')
    const listed = (datasets as Array<{ name: string, columns?: string[] }>).find(dataset => dataset.name === 'tickets')?.columns
    expect(header).toEqual(listed ?? Object.keys(expected[0]!))
    expect(records).toEqual(expected.map(row => header!.map(column => asCell(row[column]))))
    expect(records.some(record => record.includes('Ana "Aninha", São Paulo'))).toBe(true)
    expect(records.some(record => record.includes('linha 1\nlinha 2'))).toBe(true)
  })

  it('takes the key from x-api-key, Authorization: Bearer or ?api_key=, and never puts it in next_url', async () => {
    const { key } = await createKey(['tickets'])
    const path = `/tickets?since=${SINCE}&limit=2`
    const ways = [
      await get(path, key),
      await get(path, undefined, { Authorization: `Bearer ${key}` }),
      await get(`${path}&api_key=${encodeURIComponent(key)}`),
    ]
    const bodies = await Promise.all(ways.map(async (response) => {
      expect(response.status).toBe(200)
      return await response.json() as Page
    }))
    for (const body of bodies) {
      expect(body.data.map(row => row.ticket_id)).toEqual(ticketIds.slice(0, 2))
      expect(body.next_url).not.toContain(key)
      expect(body.next_url).not.toContain('api_key')
    }
  })

  it('lists the datasets, with the key\'s scopes when one is sent', async () => {
    const { data: datasets } = await admin.rpc('analytics_datasets')
    const open = await (await get('')).json() as { datasets: Array<{ name: string, description: string, incremental_column: string, url: string }>, key: unknown }
    expect(open.datasets).toEqual((datasets as Array<{ name: string, description: string, change_column: string }>).map(dataset => ({
      name: dataset.name, description: dataset.description, incremental_column: dataset.change_column, url: `${api}/${dataset.name}`,
    })))
    expect(open.key).toBeNull()
    const { key } = await createKey(['daily', 'tickets'])
    expect(await (await get('', key)).json()).toMatchObject({ key: { scopes: ['daily', 'tickets'] } })
  })
})

describe('refusals', () => {
  it('401 without a key or with an unknown one, with WWW-Authenticate', async () => {
    const missing = await get('/tickets')
    expect(missing.status).toBe(401)
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="analytics-api"')
    expect(await missing.json()).toMatchObject({ code: 'missing_api_key', message: expect.stringContaining('Chave de API ausente') })

    const unknown = await get('/tickets', 'atd_chave-que-nao-existe')
    expect(unknown.status).toBe(401)
    expect(unknown.headers.get('www-authenticate')).toContain('error="invalid_token"')
    expect(await unknown.json()).toEqual({ code: 'invalid_api_key', message: 'Chave de API inválida.' })
  })

  it('403 for a dataset outside the key\'s scopes', async () => {
    const { key } = await createKey(['daily'])
    const response = await get('/tickets', key)
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ code: 'dataset_not_allowed', message: 'Esta chave não tem permissão para o conjunto de dados "tickets".' })
    expect((await get('/daily', key)).status).toBe(200)
  })

  it('429 with Retry-After once the per-minute limit is used up', async () => {
    const { key } = await createKey(['daily'], 2)
    // Not in the last seconds of a minute: the three requests must share one rate window.
    const second = new Date().getSeconds()
    if (second >= 55) await new Promise(resolve => setTimeout(resolve, (61 - second) * 1000))
    expect((await get('/daily?limit=1', key)).status).toBe(200)
    expect((await get('/daily?limit=1', key)).status).toBe(200)
    const limited = await get('/daily?limit=1', key)
    expect(limited.status).toBe(429)
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(60)
    expect(await limited.json()).toEqual({ code: 'rate_limited', message: 'Limite de 2 requisições por minuto atingido. Tente novamente em instantes.' })
  }, 40_000)

  it('400 for bad parameters, in pt-BR and naming the parameter', async () => {
    const { key } = await createKey(['tickets'])
    const cases: Array<[string, string, string]> = [
      ['limit=0', 'invalid_limit', 'O parâmetro limit deve ser um número inteiro de 1 a 10000 (padrão 1000).'],
      ['since=ontem', 'invalid_since', 'O parâmetro since deve ser uma data e hora ISO 8601 com fuso, por exemplo 2025-01-31T00:00:00Z ou 2025-01-31T00:00:00-03:00.'],
      ['format=xlsx', 'invalid_format', 'O parâmetro format deve ser json ou csv.'],
      ['cursor=abc', 'invalid_cursor', 'Cursor inválido: use o valor de next_cursor devolvido pela página anterior, sem alterá-lo.'],
      // Well-formed, but not this dataset's paging key: the database refuses it.
      [`cursor=${Buffer.from('{"day":"2034-01-01"}').toString('base64url')}`, 'invalid_cursor', 'Cursor inválido: use o valor de next_cursor devolvido pela página anterior, sem alterá-lo.'],
      [`cursor=${Buffer.from('{"updated_at":"ontem","ticket_id":"x"}').toString('base64url')}`, 'invalid_cursor', 'Cursor inválido: use o valor de next_cursor devolvido pela página anterior, sem alterá-lo.'],
      ['offset=1000', 'unknown_parameter', 'Parâmetro desconhecido: offset. Use limit, since, cursor, format (e api_key para a chave).'],
    ]
    for (const [query, code, message] of cases) {
      const response = await get(`/tickets?${query}`, key)
      expect(response.status, query).toBe(400)
      expect(await response.json(), query).toMatchObject({ code, message })
    }
  })

  it('404 for an unknown dataset, listing the valid ones', async () => {
    const { key } = await createKey(['*'])
    const response = await get('/senhas', key)
    expect(response.status).toBe(404)
    const body = await response.json() as { code: string, message: string, details: { datasets: string[] } }
    const { data: datasets } = await admin.rpc('analytics_datasets')
    const names = (datasets as Array<{ name: string }>).map(dataset => dataset.name)
    expect(body.code).toBe('unknown_dataset')
    expect(body.details.datasets).toEqual(names)
    expect(body.message).toBe(`Conjunto de dados desconhecido: "senhas". Use um destes: ${names.join(', ')}.`)
  })

  it('refuses a revoked key at once, and records the last use', async () => {
    const created = await createKey(['tickets'])
    const before = Date.now()
    expect((await get('/tickets?limit=1', created.key)).status).toBe(200)
    const { data: used } = await admin.from('api_keys').select('last_used_at, revoked_at').eq('id', created.id).single()
    expect(Date.parse(used!.last_used_at!)).toBeGreaterThanOrEqual(before - 5000)
    expect(used!.revoked_at).toBeNull()

    const { error } = await admin.rpc('revoke_api_key', { p_key_id: created.id })
    expect(error).toBeNull()
    const refused = await get('/tickets?limit=1', created.key)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toContain('Bearer')
    expect(await refused.json()).toEqual({ code: 'revoked_api_key', message: 'Esta chave de API foi revogada.' })
  })
})

describe('docs/powerbi.md, run as written', () => {
  it('every curl line works against the API', async () => {
    const commands = docCurlCommands()
    // The doc shows the index, a JSON page, a CSV and `since`, locally and on Supabase.
    expect(commands.length).toBeGreaterThanOrEqual(6)
    expect(commands.some(command => command.output?.endsWith('.csv'))).toBe(true)
    expect(commands.some(command => command.url.startsWith('https://<ref>.supabase.co/functions/v1/analytics-api/'))).toBe(true)
    const { key } = await createKey(['*'])
    for (const command of commands) {
      const response = await runDocCurl(command, getStack().url, key)
      expect(response.status, command.line).toBe(200)
      if (command.output) {
        expect(response.headers.get('content-type'), command.line).toBe('text/csv; charset=utf-8')
        const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await response.arrayBuffer())
        expect(text.startsWith('\uFEFF'), command.line).toBe(true)
        // Demo data exists in every dataset the doc downloads: a header and at least one row.
        expect(parseCsv(text.slice(1)).length, command.line).toBeGreaterThanOrEqual(2)
      }
      else {
        const body = await response.json() as Partial<Page> & { datasets?: unknown[] }
        if (new URL(command.url.replace('<ref>', 'ref')).pathname.endsWith('/analytics-api')) expect(body.datasets?.length, command.line).toBeGreaterThan(0)
        else expect(Array.isArray(body.data), command.line).toBe(true)
      }
    }
  })

  it('the local psql lines create the Power BI login and read through it', async () => {
    const commands = docPsqlCommands()
    expect(commands).toHaveLength(2)
    const results = []
    for (const command of commands) {
      const client = new pg.Client({ connectionString: localizeDbUrl(command.url, getStack().dbUrl) })
      await client.connect()
      try {
        results.push((await client.query(command.sql)).rows)
      }
      finally {
        await client.end()
      }
    }
    expect(results[0]).toEqual([{ create_analytics_login: DOC_LOGIN }])
    // The login reads the tickets view (other suites may add tickets meanwhile: at least the ones seeded here).
    expect(Number((results[1] as Array<{ count: string }>)[0]!.count)).toBeGreaterThanOrEqual(ticketIds.length)
  })

  it('the key parameter name the Power Query code uses is the one the API reads', () => {
    expect(readDoc()).toContain('ApiKeyName = "api_key"')
  })
})
