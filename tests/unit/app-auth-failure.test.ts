/** The login page's error messages come from these reasons: by error code and class, never by text. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AuthApiError, AuthRetryableFetchError, createClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUTH_FAILURE_MESSAGES, AUTH_FAILURE_REASONS } from '../../constants/auth.ts'
import { authFailureReason } from '../../utils/auth-failure.ts'
import { DataRequestError, SessionRefusedError } from '../../utils/errors.ts'

const ANON_KEY = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0'

function clientFor(url: string) {
  return createClient(url, ANON_KEY, { auth: { persistSession: false, autoRefreshToken: false } })
}

describe('authFailureReason', () => {
  it('maps GoTrue error codes, whatever the message says', () => {
    expect(authFailureReason(new AuthApiError('Invalid login credentials', 400, 'invalid_credentials'))).toBe('invalid_credentials')
    expect(authFailureReason(new AuthApiError('reworded', 400, 'invalid_credentials'))).toBe('invalid_credentials')
    expect(authFailureReason(new AuthApiError('User is banned', 400, 'user_banned'))).toBe('account_disabled')
    expect(authFailureReason(new AuthApiError('Email not confirmed', 400, 'email_not_confirmed'))).toBe('email_not_confirmed')
    expect(authFailureReason(new AuthApiError('Request rate limit reached', 429, 'over_request_rate_limit'))).toBe('rate_limited')
  })

  it('treats unknown codes and foreign errors as unknown', () => {
    expect(authFailureReason(new AuthApiError('Invalid login credentials', 400, 'something_new'))).toBe('unknown')
    expect(authFailureReason(new Error('Invalid login credentials'))).toBe('unknown')
    expect(authFailureReason('boom')).toBe('unknown')
  })

  it('reports unreachable servers as network failures', () => {
    expect(authFailureReason(new AuthRetryableFetchError('fetch failed', 0))).toBe('network')
    expect(authFailureReason(new AuthRetryableFetchError('Bad Gateway', 502))).toBe('network')
    expect(authFailureReason(new TypeError('Failed to fetch'))).toBe('network')
    expect(authFailureReason(new DataRequestError('TypeError: fetch failed', '', 0))).toBe('network')
    expect(authFailureReason(new DataRequestError('permission denied', '42501', 403))).toBe('unknown')
  })

  it('passes on why the app refused a session', () => {
    expect(authFailureReason(new SessionRefusedError('account_disabled'))).toBe('account_disabled')
    expect(authFailureReason(new SessionRefusedError('no_profile'))).toBe('no_profile')
  })

  it('has a Portuguese message for every reason', () => {
    for (const reason of AUTH_FAILURE_REASONS) expect(AUTH_FAILURE_MESSAGES[reason]).toMatch(/\.$/)
    expect(AUTH_FAILURE_MESSAGES.invalid_credentials).toBe('E-mail ou senha incorretos.')
    expect(AUTH_FAILURE_MESSAGES.account_disabled).toBe('Usuário desativado. Fale com o administrador.')
  })
})

describe('authFailureReason with what supabase-js really throws', () => {
  let server: Server
  let url: string

  beforeAll(async () => {
    // A stand-in for a proxy whose upstream auth server is down.
    server = createServer((_req, res) => res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down'))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve))
  })

  it('sees a refused connection as a network failure', async () => {
    // Port 9 (discard) is closed on the loopback interface, so the connection is refused.
    const { error } = await clientFor('http://127.0.0.1:9').auth.signInWithPassword({ email: 'a@b.co', password: 'x' })
    expect(error).not.toBeNull()
    expect(authFailureReason(error)).toBe('network')
  })

  it('sees a 503 from a proxy as a network failure', async () => {
    const { error } = await clientFor(url).auth.signInWithPassword({ email: 'a@b.co', password: 'x' })
    expect(error).not.toBeNull()
    expect(authFailureReason(error)).toBe('network')
  })
})
