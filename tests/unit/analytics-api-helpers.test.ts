/**
 * analytics-api's pure helpers: the opaque cursor, the CSV writer (RFC 4180, BOM), where the key is
 * read from, the route, and the page parameters with their pt-BR refusals.
 */
import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from '../../supabase/functions/analytics-api/cursor.ts'
import { csvField, toCsv } from '../../supabase/functions/analytics-api/csv.ts'
import { apiKeyOf, parsePageQuery, parseRoute, parseSince, sha256Hex } from '../../supabase/functions/analytics-api/request.ts'
import { nextPageUrl } from '../../supabase/functions/analytics-api/responses.ts'
import { UserError } from '../../supabase/functions/_shared/errors.ts'

function refusal(work: () => unknown): UserError {
  try {
    work()
  }
  catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

describe('cursor', () => {
  it('round-trips the next object as URL-safe text', () => {
    const next = { updated_at: '2031-01-01T10:00:00.123456+00:00', ticket_id: 'a1b2c3d4-0000-4000-8000-000000000000', número: 'ção' }
    const text = encodeCursor(next)
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(text)).toEqual(next)
  })

  it('refuses what we could not have made', () => {
    for (const text of ['', 'not base64!', encodeCursor({}), btoa('[1,2]'), btoa('{"a": {"b": 1}}').replace(/=+$/, ''), btoa('{oops'), 'x'.repeat(2000)]) {
      const error = refusal(() => decodeCursor(text))
      expect(error).toMatchObject({ status: 400, code: 'invalid_cursor' })
      expect(error.message).toContain('next_cursor')
    }
  })
})

describe('CSV', () => {
  it('quotes only what RFC 4180 requires and doubles quotes', () => {
    expect(csvField('simples')).toBe('simples')
    expect(csvField('São Paulo, SP')).toBe('"São Paulo, SP"')
    expect(csvField('ele disse "oi"')).toBe('"ele disse ""oi"""')
    expect(csvField('linha 1\nlinha 2')).toBe('"linha 1\nlinha 2"')
    expect(csvField(null)).toBe('')
    expect(csvField(undefined)).toBe('')
    expect(csvField(12.5)).toBe('12.5')
    expect(csvField(false)).toBe('false')
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"')
  })

  it('writes a BOM, a header row and CRLF lines', () => {
    const csv = toCsv([{ id: 1, nome: 'Ação', nota: null }, { id: 2, nome: 'a,b', nota: 9 }])
    expect(csv).toBe('\uFEFFid,nome,nota\r\n1,Ação,\r\n2,"a,b",9\r\n')
    expect(toCsv([])).toBe('\uFEFF')
  })
})

describe('request', () => {
  const url = (query = '') => new URL(`http://localhost/analytics-api/tickets${query}`)
  const request = (headers: Record<string, string> = {}, query = '') => new Request(url(query), { headers })

  it('reads the key from x-api-key, then Authorization: Bearer, then ?api_key=', () => {
    expect(apiKeyOf(request({ 'x-api-key': 'atd_h' }, '?api_key=atd_q'), url('?api_key=atd_q'))).toBe('atd_h')
    expect(apiKeyOf(request({ Authorization: 'Bearer atd_b' }, '?api_key=atd_q'), url('?api_key=atd_q'))).toBe('atd_b')
    expect(apiKeyOf(request({}, '?api_key=atd_q'), url('?api_key=atd_q'))).toBe('atd_q')
    expect(apiKeyOf(request({ 'x-api-key': '  ' }), url())).toBeUndefined()
  })

  it('hashes keys as the database stores them (sha256 hex)', async () => {
    expect(await sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('routes the index and one dataset, with or without the /functions/v1 prefix', () => {
    expect(parseRoute('/analytics-api')).toEqual({ kind: 'index' })
    expect(parseRoute('/analytics-api/')).toEqual({ kind: 'index' })
    expect(parseRoute('/functions/v1/analytics-api/tickets')).toEqual({ kind: 'dataset', dataset: 'tickets' })
    expect(parseRoute('/analytics-api/tickets/')).toEqual({ kind: 'dataset', dataset: 'tickets' })
    expect(parseRoute('/analytics-api/tickets/1')).toEqual({ kind: 'not_found' })
    expect(parseRoute('/analytics-api/%E0%A4%A')).toEqual({ kind: 'not_found' })
  })

  it('reads since as a date and time with a zone, also with an unencoded +', () => {
    expect(parseSince('2025-01-31T00:00:00Z')).toBe('2025-01-31T00:00:00.000Z')
    expect(parseSince('2025-01-31T00:00:00-03:00')).toBe('2025-01-31T03:00:00.000Z')
    expect(parseSince('2025-01-31T00:00:00 03:00')).toBe('2025-01-30T21:00:00.000Z')
    expect(parseSince('2025-01-31T10:15Z')).toBe('2025-01-31T10:15:00.000Z')
    expect(parseSince('2025-01-31T10:15:30.123456-0300')).toBe('2025-01-31T13:15:30.123Z')
    for (const wrong of ['2025-01-31', '2025-01-31T00:00:00', '2025-02-30T00:00:00Z', '2025-01-31T24:00:00Z', 'ontem', '']) {
      expect(parseSince(wrong), wrong).toBeNull()
    }
  })

  it('parses the page parameters and keeps what the caller set', () => {
    const cursor = encodeCursor({ day: '2025-01-01' })
    expect(parsePageQuery(new URLSearchParams(''))).toEqual({ limit: 1000, since: null, cursor: null, format: 'json', kept: {} })
    expect(parsePageQuery(new URLSearchParams(`limit=50&since=2025-01-01T00:00:00Z&format=CSV&cursor=${cursor}&api_key=x`))).toEqual({
      limit: 50,
      since: '2025-01-01T00:00:00.000Z',
      cursor: { day: '2025-01-01' },
      format: 'csv',
      kept: { limit: '50', since: '2025-01-01T00:00:00.000Z', format: 'csv' },
    })
  })

  it('refuses bad parameters in pt-BR, naming them', () => {
    const cases: Array<[string, string, string]> = [
      ['limit=0', 'invalid_limit', 'limit deve ser um número inteiro de 1 a 10000'],
      ['limit=10001', 'invalid_limit', 'limit'],
      ['limit=abc', 'invalid_limit', 'limit'],
      ['limit=1.5', 'invalid_limit', 'limit'],
      ['since=ontem', 'invalid_since', 'ISO 8601'],
      ['format=xml', 'invalid_format', 'json ou csv'],
      ['cursor=%%%', 'invalid_cursor', 'next_cursor'],
      ['offset=10', 'unknown_parameter', 'Parâmetro desconhecido: offset'],
      ['limit=1&limit=2', 'repeated_parameter', 'limit'],
    ]
    for (const [query, code, text] of cases) {
      const error = refusal(() => parsePageQuery(new URLSearchParams(query)))
      expect(error.status, query).toBe(400)
      expect(error.code, query).toBe(code)
      expect(error.message, query).toContain(text)
    }
  })

  it('builds the next URL from the caller\'s parameters and the cursor, never the key', () => {
    const query = parsePageQuery(new URLSearchParams('since=2025-01-01T00:00:00Z&limit=2&api_key=atd_segredo'))
    const next = new URL(nextPageUrl('https://ref.supabase.co/functions/v1/analytics-api', 'tickets', query, { day: '2025-01-02' }))
    expect(next.pathname).toBe('/functions/v1/analytics-api/tickets')
    expect(Object.fromEntries(next.searchParams)).toEqual({ limit: '2', since: '2025-01-01T00:00:00.000Z', cursor: encodeCursor({ day: '2025-01-02' }) })
    expect(next.href).not.toContain('atd_segredo')
  })
})
