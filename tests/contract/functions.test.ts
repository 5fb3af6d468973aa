/**
 * /functions/v1 with unmodified supabase-js (`functions.invoke`) and raw fetch: verify_jwt as the
 * Supabase CLI applies it, the real `health` and `whoami` functions, 404s and the CORS preflight.
 */
import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { anonClient, getStack, signedInClient } from '../support/stack.ts'

const functionsUrl = (name: string) => `${getStack().url}/functions/v1/${name}`

async function httpErrorOf(error: unknown): Promise<{ status: number, body: unknown }> {
  expect(error).toBeInstanceOf(FunctionsHttpError)
  const response = (error as FunctionsHttpError).context as Response
  return { status: response.status, body: await response.json() }
}

describe('whoami (verify_jwt = true)', () => {
  let carla: SupabaseClient

  beforeAll(async () => {
    carla = await signedInClient(DEMO.carla.email, DEMO.password)
  })

  it('returns the signed-in caller\'s profile', async () => {
    const { data, error } = await carla.functions.invoke('whoami')
    expect(error).toBeNull()
    expect(data).toEqual({ user_id: DEMO.carla.id, email: DEMO.carla.email, role: 'agent', full_name: expect.any(String) })
  })

  it('also answers GET, the method a browser link would use', async () => {
    const { data, error } = await carla.functions.invoke('whoami', { method: 'GET' })
    expect(error).toBeNull()
    expect(data).toMatchObject({ user_id: DEMO.carla.id })
  })

  it('gets past the platform with only the anon key but is refused by the function: no user session', async () => {
    const { data, error } = await anonClient().functions.invoke('whoami')
    expect(data).toBeNull()
    expect(await httpErrorOf(error)).toEqual({ status: 401, body: { code: 'not_authenticated', message: expect.any(String) } })
  })

  it('is refused by the platform without an Authorization header', async () => {
    const response = await fetch(functionsUrl('whoami'), { method: 'POST' })
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ msg: 'Error: Missing authorization header' })
  })

  it('is refused by the platform with a token it did not sign', async () => {
    const forged = `${btoa('{"alg":"HS256","typ":"JWT"}')}.${btoa('{"role":"authenticated","sub":"x"}')}.c2lnbmF0dXJl`
    for (const token of [forged, 'not-a-jwt']) {
      const response = await fetch(functionsUrl('whoami'), { method: 'POST', headers: { Authorization: `Bearer ${token}` } })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ msg: 'Invalid JWT' })
    }
  })
})

describe('health (verify_jwt = false)', () => {
  it('answers without any token, after reaching the database through SUPABASE_URL with the service key', async () => {
    const response = await fetch(functionsUrl('health'))
    expect(response.status).toBe(200)
    const body = await response.json() as { status: string, time: string, checks: Record<string, string> }
    expect(body).toEqual({ status: 'ok', time: expect.any(String), checks: { database: 'ok' } })
    expect(Date.now() - Date.parse(body.time)).toBeLessThan(60_000)
  })

  it('works through supabase-js as well', async () => {
    const { data, error } = await anonClient().functions.invoke('health', { method: 'GET' })
    expect(error).toBeNull()
    expect(data).toMatchObject({ status: 'ok' })
  })

  it('does not reveal secrets in its answer', async () => {
    const text = await (await fetch(functionsUrl('health'))).text()
    const { anonKey, serviceRoleKey, dbUrl } = getStack()
    for (const secret of [anonKey, serviceRoleKey, dbUrl]) expect(text).not.toContain(secret)
  })
})

describe('routing and CORS', () => {
  it('answers 404 for a function that does not exist', async () => {
    const { error } = await anonClient().functions.invoke('no-such-function')
    expect(await httpErrorOf(error)).toEqual({ status: 404, body: { code: 'NOT_FOUND', message: expect.any(String) } })
  })

  it('lets the function answer the CORS preflight, without a token even where verify_jwt is on', async () => {
    const response = await fetch(functionsUrl('whoami'), {
      method: 'OPTIONS',
      headers: { 'Origin': 'http://localhost:3000', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, apikey, content-type, x-client-info' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    const allowed = response.headers.get('access-control-allow-headers')?.split(',').map(name => name.trim()) ?? []
    expect(allowed).toEqual(expect.arrayContaining(['authorization', 'apikey', 'content-type', 'x-client-info']))
    expect(response.headers.get('access-control-allow-methods')).toContain('POST')
  })

  it('adds CORS headers to the function\'s own answers', async () => {
    const response = await fetch(functionsUrl('health'), { headers: { Origin: 'http://localhost:3000' } })
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
  })
})
