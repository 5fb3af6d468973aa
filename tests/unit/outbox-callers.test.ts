/** Who may run the sender: the scheduler only with the service role key, whatsapp-send also for staff. */
import { describe, expect, it } from 'vitest'
import { isServiceRoleRequest } from '../../supabase/functions/_shared/outbox/callers.ts'
import { createSchedulerHandler } from '../../supabase/functions/scheduler/handler.ts'
import { createWhatsappSendHandler } from '../../supabase/functions/whatsapp-send/handler.ts'

/** An unsigned JWT with the given role claim (enough: these callers are turned away before any check). */
function tokenWithRole(role: string): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ role, iss: 'supabase' })}.signature`
}

// Nothing listens here: a handler that got past its checks would fail to connect, not answer 401/403.
const env = { url: 'http://127.0.0.1:9', anonKey: tokenWithRole('anon'), serviceRoleKey: tokenWithRole('service_role') }

const post = (token?: string, method = 'POST') =>
  new Request('http://127.0.0.1:54321/functions/v1/fn', { method, headers: token ? { Authorization: `Bearer ${token}` } : {} })

async function answer(response: Response): Promise<{ status: number, code: string }> {
  const body = await response.json() as { code: string }
  return { status: response.status, code: body.code }
}

describe('isServiceRoleRequest', () => {
  it('recognises the service role by its exact key, not by a role claim', () => {
    expect(isServiceRoleRequest(post(env.serviceRoleKey), env)).toBe(true)
    expect(isServiceRoleRequest(post(`${env.serviceRoleKey}x`), env)).toBe(false)
    expect(isServiceRoleRequest(post(tokenWithRole('service_role').replace('signature', 'forged')), env)).toBe(false)
    expect(isServiceRoleRequest(post(), env)).toBe(false)
  })
})

describe('scheduler caller', () => {
  const handler = createSchedulerHandler(env)

  it('answers 401 without a token and 403 to anyone but the service role', async () => {
    expect(await answer(await handler(post()))).toEqual({ status: 401, code: 'not_authenticated' })
    expect(await answer(await handler(post(env.anonKey)))).toEqual({ status: 403, code: 'service_role_required' })
    expect(await answer(await handler(post(tokenWithRole('authenticated'))))).toEqual({ status: 403, code: 'service_role_required' })
  })

  it('takes only POST', async () => {
    expect(await answer(await handler(post(env.serviceRoleKey, 'GET')))).toEqual({ status: 405, code: 'method_not_allowed' })
  })
})

describe('whatsapp-send caller', () => {
  const handler = createWhatsappSendHandler(env)

  it('answers 401 without a user session (no token, or only the anon key)', async () => {
    expect(await answer(await handler(post()))).toEqual({ status: 401, code: 'not_authenticated' })
    expect(await answer(await handler(post(env.anonKey)))).toEqual({ status: 401, code: 'not_authenticated' })
  })

  it('takes only POST', async () => {
    expect(await answer(await handler(post(env.serviceRoleKey, 'PUT')))).toEqual({ status: 405, code: 'method_not_allowed' })
  })
})
