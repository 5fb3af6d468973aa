/** The functions' shared base (supabase/functions/_shared) and pure handlers, run under Node. */
import { createClient } from '@supabase/supabase-js'
import * as jose from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { requireSignedInUser, unverifiedRole } from '../../supabase/functions/_shared/auth.ts'
import { corsHeaders, preflightResponse, withCors } from '../../supabase/functions/_shared/cors.ts'
import { MissingEnvError, readSupabaseEnv, requireEnv } from '../../supabase/functions/_shared/env.ts'
import { errorResponse, UserError } from '../../supabase/functions/_shared/errors.ts'
import { bearerToken, createHandler, jsonResponse, requireMethod } from '../../supabase/functions/_shared/http.ts'
import { createHealthHandler } from '../../supabase/functions/health/handler.ts'

const request = (method = 'POST', headers: Record<string, string> = {}) => new Request('http://127.0.0.1:54321/fn', { method, headers })

afterEach(() => vi.restoreAllMocks())

describe('error model', () => {
  it('returns a user error as it is', async () => {
    const response = errorResponse(new UserError(422, 'invalid_phone', 'The phone number is invalid.', { field: 'phone' }), { functionName: 'fn' })
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({ code: 'invalid_phone', message: 'The phone number is invalid.', details: { field: 'phone' } })
  })

  it('logs an unexpected error with an id and hides its message from the caller', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = errorResponse(new Error('password=hunter2 leaked'), { functionName: 'fn', request: request() })
    const body = await response.json() as { code: string, message: string, error_id: string }
    expect(response.status).toBe(500)
    expect(body.code).toBe('internal_error')
    expect(JSON.stringify(body)).not.toContain('hunter2')
    expect(log).toHaveBeenCalledOnce()
    expect(String(log.mock.calls[0]?.[0])).toContain(body.error_id)
    expect(String(log.mock.calls[0]?.[0])).toContain('POST /fn')
  })
})

describe('http helpers', () => {
  it('answers the CORS preflight before the handler runs', async () => {
    const handler = vi.fn(async () => jsonResponse({ ran: true }))
    const response = await createHandler('fn', handler)(request('OPTIONS'))
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('access-control-allow-headers')).toContain('apikey')
    expect(handler).not.toHaveBeenCalled()
  })

  it('adds CORS headers to answers and to errors', async () => {
    const ok = await createHandler('fn', async () => jsonResponse({ ok: true }, 201))(request())
    expect(ok.status).toBe(201)
    expect(ok.headers.get('access-control-allow-origin')).toBe('*')
    expect(await ok.json()).toEqual({ ok: true })

    const failed = await createHandler('fn', async () => {
      throw new UserError(409, 'conflict', 'Already done.')
    })(request())
    expect(failed.status).toBe(409)
    expect(failed.headers.get('access-control-allow-origin')).toBe('*')
    expect(await failed.json()).toMatchObject({ code: 'conflict' })
  })

  it('turns a thrown non-user error into a logged 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const response = await createHandler('fn', async () => {
      throw new TypeError('boom')
    })(request())
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ code: 'internal_error' })
  })

  it('rejects other methods with 405', () => {
    expect(() => requireMethod(request('DELETE'), ['GET', 'POST'])).toThrow(expect.objectContaining({ status: 405, code: 'method_not_allowed' }))
    expect(() => requireMethod(request('GET'), ['GET', 'POST'])).not.toThrow()
  })

  it('reads bearer tokens only', () => {
    expect(bearerToken(request('GET', { Authorization: 'Bearer abc.def' }))).toBe('abc.def')
    expect(bearerToken(request('GET', { Authorization: 'Basic abc' }))).toBeUndefined()
    expect(bearerToken(request('GET'))).toBeUndefined()
  })

  it('copies a response with CORS headers and leaves non-preflight requests alone', async () => {
    const copy = withCors(new Response('body', { status: 202, headers: { 'x-custom': '1' } }))
    expect(copy.status).toBe(202)
    expect(copy.headers.get('x-custom')).toBe('1')
    expect(copy.headers.get('access-control-allow-methods')).toBe(corsHeaders['Access-Control-Allow-Methods'])
    expect(await copy.text()).toBe('body')
    expect(preflightResponse(request('GET'))).toBeUndefined()
  })
})

describe('environment', () => {
  it('lists every missing variable at once', () => {
    const read = (name: string) => ({ A: 'a', EMPTY: '' } as Record<string, string>)[name]
    expect(requireEnv(read, ['A'])).toEqual({ A: 'a' })
    expect(() => requireEnv(read, ['A', 'B', 'EMPTY'])).toThrow(MissingEnvError)
    expect(() => requireEnv(read, ['A', 'B', 'EMPTY'])).toThrow('B, EMPTY')
  })

  it('reads the Supabase variables and the optional JWKS', () => {
    const base = { SUPABASE_URL: 'http://x', SUPABASE_ANON_KEY: 'anon', SUPABASE_SERVICE_ROLE_KEY: 'service' } as Record<string, string>
    expect(readSupabaseEnv(name => base[name])).toEqual({ url: 'http://x', anonKey: 'anon', serviceRoleKey: 'service', jwks: undefined })
    const withJwks = { ...base, SUPABASE_JWKS: '{"keys":[{"kty":"EC","kid":"k"}]}' } as Record<string, string>
    expect(readSupabaseEnv(name => withJwks[name]).jwks).toEqual({ keys: [{ kty: 'EC', kid: 'k' }] })
    const badJwks = { ...base, SUPABASE_JWKS: '{"nokeys":true}' } as Record<string, string>
    expect(() => readSupabaseEnv(name => badJwks[name])).toThrow(/SUPABASE_JWKS/)
  })
})

describe('caller identity', () => {
  const unsigned = (claims: Record<string, unknown>) => `${jose.base64url.encode('{"alg":"HS256"}')}.${jose.base64url.encode(JSON.stringify(claims))}.sig`

  async function signingSetup() {
    const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true })
    const publicJwk = { ...(await jose.exportJWK(publicKey)), kty: 'EC', kid: 'test-key', alg: 'ES256', use: 'sig', key_ops: ['verify'] }
    const sign = (claims: Record<string, unknown>, expiresAt: string | number = '5m') => new jose.SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key', typ: 'JWT' })
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(privateKey)
    return { sign, jwks: { keys: [publicJwk] } }
  }

  // Nothing listens on port 9: a test that reached the network would fail instead of passing by luck.
  const offlineClient = () => createClient('http://127.0.0.1:9', 'anon', { auth: { persistSession: false, autoRefreshToken: false } })

  it('reads the role claim without verifying, and nothing from garbage', () => {
    expect(unverifiedRole(unsigned({ role: 'anon' }))).toBe('anon')
    expect(unverifiedRole('not-a-jwt')).toBeUndefined()
  })

  it('turns away a request without a user session (no token, API keys) before any network call', async () => {
    const requests: Array<Record<string, string>> = [{}, { Authorization: `Bearer ${unsigned({ role: 'anon' })}` }, { Authorization: `Bearer ${unsigned({ role: 'service_role' })}` }]
    for (const headers of requests) {
      await expect(requireSignedInUser(offlineClient(), request('POST', headers))).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    }
  })

  it('accepts a user token signed by the auth server key', async () => {
    const { sign, jwks } = await signingSetup()
    const token = await sign({ sub: 'user-1', role: 'authenticated', email: 'carla@atende.local' })
    const user = await requireSignedInUser(offlineClient(), request('POST', { Authorization: `Bearer ${token}` }), jwks)
    expect(user).toEqual({ id: 'user-1', email: 'carla@atende.local' })
  })

  it('rejects a token with a forged signature or one that expired', async () => {
    const { jwks } = await signingSetup()
    const forger = await signingSetup()
    const forged = await forger.sign({ sub: 'user-1', role: 'authenticated' })
    await expect(requireSignedInUser(offlineClient(), request('POST', { Authorization: `Bearer ${forged}` }), jwks))
      .rejects.toMatchObject({ status: 401, code: 'not_authenticated' })

    const { sign, jwks: ownJwks } = await signingSetup()
    const expired = await sign({ sub: 'user-1', role: 'authenticated' }, Math.floor(Date.now() / 1000) - 60)
    await expect(requireSignedInUser(offlineClient(), request('POST', { Authorization: `Bearer ${expired}` }), ownJwks))
      .rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
  })
})

describe('health handler', () => {
  const clock = () => new Date('2026-01-02T03:04:05.000Z')

  it('reports ok when the database answers', async () => {
    const response = await createHealthHandler({ database: async () => {} }, clock)(request('GET'))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', time: '2026-01-02T03:04:05.000Z', checks: { database: 'ok' } })
  })

  it('reports degraded with 503 when the database check fails, without its details', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const unreachable = async () => {
      throw new Error('connection refused to 10.0.0.5')
    }
    const response = await createHealthHandler({ database: unreachable }, clock)(request('GET'))
    expect(response.status).toBe(503)
    const text = await response.text()
    expect(text).not.toContain('10.0.0.5')
    expect(JSON.parse(text)).toEqual({ status: 'degraded', time: '2026-01-02T03:04:05.000Z', checks: { database: 'unreachable' } })
  })
})
