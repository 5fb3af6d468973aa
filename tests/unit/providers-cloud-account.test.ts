/** Meta Cloud API number check: the Graph request, its parser, Graph errors for the admin, input rules. */
import { describe, expect, it } from 'vitest'
import {
  buildPhoneNumberLookupRequest,
  classifyCloudAccountFailure,
  isGraphBaseUrl,
  isGraphId,
  isGraphVersion,
  newVerifyToken,
  parsePhoneNumberLookup,
  UnexpectedGraphResponse,
  unexpectedGraphAnswer,
} from '../../supabase/functions/_shared/providers/cloud-account.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const context = { phoneNumberId: '106540352242922' }
const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) => ({ error: { message, type: 'OAuthException', code, fbtrace_id: 'AbC', ...extra } })

describe('buildPhoneNumberLookupRequest', () => {
  it('asks the number\'s display form, verified name and quality with the bearer token', () => {
    expect(buildPhoneNumberLookupRequest({ graphBaseUrl: 'https://graph.facebook.com', graphVersion: 'v23.0', phoneNumberId: '106540352242922', accessToken: 'EAAG-token' })).toEqual({
      method: 'GET',
      path: '/v23.0/106540352242922?fields=display_phone_number,verified_name,quality_rating',
      headers: { Authorization: 'Bearer EAAG-token' },
    })
  })
})

describe('parsePhoneNumberLookup', () => {
  it('keeps the display form and derives the digits', () => {
    expect(parsePhoneNumberLookup({ verified_name: 'Loja Centro', display_phone_number: '+55 11 91234-5678', quality_rating: 'GREEN', id: '106540352242922' })).toEqual({
      id: '106540352242922',
      displayPhoneNumber: '+55 11 91234-5678',
      phoneDigits: '5511912345678',
      verifiedName: 'Loja Centro',
      qualityRating: 'GREEN',
    })
  })

  it('leaves the digits out when the display form is no phone number, and tolerates missing extras', () => {
    expect(parsePhoneNumberLookup({ display_phone_number: '123', id: '1' })).toEqual({ id: '1', displayPhoneNumber: '123', phoneDigits: null, verifiedName: null, qualityRating: null })
  })

  it('refuses an answer without the number', () => {
    expect(() => parsePhoneNumberLookup({ id: '1' })).toThrow(UnexpectedGraphResponse)
    expect(() => parsePhoneNumberLookup('<html></html>')).toThrow(UnexpectedGraphResponse)
  })
})

describe('classifyCloudAccountFailure', () => {
  it('reads the error fixture\'s shape, keeping Meta\'s message and details', () => {
    const failure = classifyCloudAccountFailure(400, readFixture('cloud', 'api-error-response.json'), context)
    expect(failure).toEqual({
      status: 400,
      code: 'provider_rejected',
      reason: expect.stringContaining('HTTP 400'),
      httpStatus: 400,
      providerMessage: '(#131030) Recipient phone number not in allowed list — Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
    })
  })

  it('190: the token is invalid or expired', () => {
    const failure = classifyCloudAccountFailure(401, graphError(190, 'Error validating access token: Session has expired'), context)
    expect(failure).toMatchObject({ status: 400, code: 'provider_rejected', providerMessage: 'Error validating access token: Session has expired' })
    expect(failure.reason).toMatch(/token de acesso da Meta é inválido ou expirou/)
  })

  it('100: the phone number id does not exist or the token cannot see it', () => {
    const body = graphError(100, 'Unsupported get request. Object with ID \'106540352242922\' does not exist', { error_subcode: 33 })
    expect(classifyCloudAccountFailure(400, body, context).reason).toMatch(/Phone number ID\) 106540352242922 não existe/)
  })

  it.each<[string, number, number, RegExp, number]>([
    ['a missing permission', 403, 10, /permissão/, 400],
    ['throttling', 400, 80007, /limitou/, 502],
    ['a Meta outage code', 500, 2, /instável/, 502],
  ])('%s', (_what, status, code, reason, expectedStatus) => {
    const failure = classifyCloudAccountFailure(status, graphError(code, 'x'), context)
    expect(failure.reason).toMatch(reason)
    expect(failure.status).toBe(expectedStatus)
  })

  it('falls back to the HTTP status without a Graph error', () => {
    expect(classifyCloudAccountFailure(404, 'Not Found', context)).toMatchObject({ status: 400, reason: expect.stringContaining('Graph API'), providerMessage: 'Not Found' })
    expect(classifyCloudAccountFailure(503, null, context)).toMatchObject({ status: 502, code: 'provider_unreachable' })
  })

  it('no answer is 502', () => {
    expect(classifyCloudAccountFailure(null, null, { ...context, networkError: 'timeout' })).toMatchObject({ status: 502, reason: expect.stringContaining('não respondeu a tempo') })
    expect(classifyCloudAccountFailure(null, null, { ...context, networkError: 'getaddrinfo ENOTFOUND' })).toMatchObject({ status: 502, reason: expect.stringContaining('ENOTFOUND') })
  })

  it('a 2xx without the number points at the address', () => {
    expect(unexpectedGraphAnswer(200)).toMatchObject({ status: 502, code: 'provider_unreachable', reason: expect.stringContaining('Graph API') })
  })
})

describe('input rules', () => {
  it('accepts http(s) Graph roots only', () => {
    expect(isGraphBaseUrl('https://graph.facebook.com')).toBe(true)
    expect(isGraphBaseUrl('http://127.0.0.1:54325/graph')).toBe(true)
    for (const bad of ['ftp://graph.facebook.com', 'graph.facebook.com', 'https://graph.facebook.com/?x=1', 'https://a b', 'javascript:alert(1)']) {
      expect(isGraphBaseUrl(bad), bad).toBe(false)
    }
  })

  it('accepts vNN.N versions and numeric ids', () => {
    expect(isGraphVersion('v23.0')).toBe(true)
    expect(isGraphVersion('23.0')).toBe(false)
    expect(isGraphId('106540352242922')).toBe(true)
    expect(isGraphId('10654035224292a')).toBe(false)
  })
})

describe('newVerifyToken', () => {
  it('is URL-safe, long and different every time', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newVerifyToken()))
    expect(tokens.size).toBe(50)
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })
})
