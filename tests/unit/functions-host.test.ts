/**
 * The functions service end to end without a database: the real Deno host serving fixture functions
 * (every handler style, broken ones, streaming, background work), behind the service's verify_jwt check
 * and proxy, with file watching on. Fixtures live in a temp folder, never in supabase/functions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, FunctionsRelayError } from '@supabase/supabase-js'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { GatewayContext, GatewayService } from '../../local-stack/gateway/context.ts'
import { createFunctionsService } from '../../local-stack/gateway/functions.ts'
import { createStackKeys, type StackKeys } from '../../local-stack/gateway/keys.ts'
import { eventually } from '../support/stack.ts'

const FIXTURES: Record<string, string> = {
  'echo/index.ts': `
    Deno.serve(async (req) => Response.json({
      url: req.url,
      method: req.method,
      body: await req.text(),
      envNames: Object.keys(Deno.env.toObject()).sort(),
      projectSecret: Deno.env.get('PROJECT_SECRET'),
      supabaseUrl: Deno.env.get('SUPABASE_URL'),
      path: Deno.env.get('PATH'),
    }))`,
  'options-style/index.ts': `
    Deno.serve({ port: 9999, onListen() {} }, () => new Response('options style'))`,
  'declarative/index.ts': `
    export default { greeting: 'declarative', fetch(req) { return new Response(this.greeting + ' ' + req.method) } }`,
  'broken-boot/index.ts': `
    throw new Error('missing PROVIDER_TOKEN')`,
  'no-handler/index.ts': `
    export const notAHandler = 1`,
  'throws/index.ts': `
    Deno.serve(() => { throw new Error('handler failed') })`,
  'background/index.ts': `
    let finishedTasks = 0
    Deno.serve((req) => {
      if (req.method === 'GET') return Response.json({ finishedTasks })
      EdgeRuntime.waitUntil(new Promise((resolve) => setTimeout(resolve, 10)).then(() => { finishedTasks++ }))
      EdgeRuntime.waitUntil(Promise.reject(new Error('background task failed')))
      Promise.reject(new Error('nobody awaits this'))
      return new Response('accepted', { status: 202 })
    })`,
  'stream/index.ts': `
    let release = () => {}
    Deno.serve((req) => {
      if (new URL(req.url).pathname === '/stream/release') {
        release()
        return new Response('released')
      }
      const encoder = new TextEncoder()
      const body = new ReadableStream({
        async start(controller) {
          controller.enqueue(encoder.encode('data: first\\n\\n'))
          await new Promise((resolve) => { release = resolve })
          controller.enqueue(encoder.encode('data: second\\n\\n'))
          controller.close()
        },
      })
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
    })`,
  '_shared/util.ts': `export const shared = true`,
  'no-index/README.md': `not a function`,
  '.env': `PROJECT_SECRET=from-dotenv\nSUPABASE_URL=http://must-not-override\n`,
}

const CONFIG = `
[functions.echo]
verify_jwt = false
[functions.options-style]
verify_jwt = false
[functions.broken-boot]
verify_jwt = false
[functions.no-handler]
verify_jwt = false
[functions.throws]
verify_jwt = false
[functions.background]
verify_jwt = false
[functions.stream]
verify_jwt = false
`

async function freePort(): Promise<number> {
  const probe = createNetServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const address = probe.address()
  await new Promise(resolve => probe.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

let root: string
let keys: StackKeys
let service: GatewayService
let gateway: Server
let baseUrl: string
let hostPort: number
const logs: string[] = []
const failures: Error[] = []

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'functions-host-'))
  for (const [file, source] of Object.entries(FIXTURES)) {
    mkdirSync(join(root, 'functions', file, '..'), { recursive: true })
    writeFileSync(join(root, 'functions', file), source)
  }
  writeFileSync(join(root, 'config.toml'), CONFIG)
  keys = await createStackKeys(join(root, 'signing-key.json'))
  hostPort = await freePort()

  // A minimal gateway: the service gets the path after /functions/v1, as from the real server.
  gateway = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://gateway')
    void service.handle(req, res, url.pathname.replace(/^\/functions\/v1/, ''), url.searchParams)
  })
  await new Promise<void>(resolve => gateway.listen(0, '127.0.0.1', resolve))
  const address = gateway.address()
  if (!address || typeof address === 'string') throw new Error('no gateway port')
  baseUrl = `http://127.0.0.1:${address.port}`

  const ctx: GatewayContext = {
    keys,
    db: undefined as unknown as pg.Pool, // the functions service never queries the database itself
    publicUrl: baseUrl,
    dataDir: root,
    ownerDbUrl: 'postgresql://postgres:postgres@127.0.0.1:1/postgres',
    ports: { postgrest: 1, functions: hostPort },
    log: line => logs.push(line),
    watchFunctions: true,
    fail: error => failures.push(error),
  }
  service = createFunctionsService(ctx, { functionsDir: join(root, 'functions'), configPath: join(root, 'config.toml') })
  await service.start?.()
}, 60_000)

afterAll(async () => {
  await service?.stop?.()
  await new Promise(resolve => gateway?.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

const call = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}/functions/v1/${path}`, init)

describe('the functions host', { timeout: 30_000 }, () => {
  it('passes the request to the function with the path functions see on Supabase', async () => {
    const response = await call('echo/sub/path?x=1%202', { method: 'PUT', body: 'hello' })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ url: `${baseUrl}/echo/sub/path?x=1%202`, method: 'PUT', body: 'hello' })
  })

  it('gives functions the platform variables and .env secrets, and nothing else from the gateway process', async () => {
    const body = await (await call('echo')).json() as { envNames: string[], projectSecret: string, supabaseUrl: string, path: string }
    expect(body.projectSecret).toBe('from-dotenv')
    expect(body.supabaseUrl).toBe(baseUrl)
    expect(body.envNames).toEqual([
      'DENO_DIR', 'DENO_NODE_SHIM_ACTIVE', 'DENO_NO_UPDATE_CHECK', 'PATH', 'PROJECT_SECRET', 'SUPABASE_ANON_KEY', 'SUPABASE_DB_URL',
      'SUPABASE_JWKS', 'SUPABASE_PUBLISHABLE_KEYS', 'SUPABASE_SECRET_KEYS', 'SUPABASE_SERVICE_ROLE_KEY', 'SUPABASE_URL',
    ])
    // Deno itself sets DENO_NODE_SHIM_ACTIVE and a PATH holding only its node shim; not the gateway's PATH.
    expect(body.path).toMatch(/\.cache\/deno\/node_compat_bin$/)
    expect(logs.join('\n')).toContain('ignoring SUPABASE_URL')
  })

  it('supports Deno.serve(options, handler) and export default { fetch }', async () => {
    expect(await (await call('options-style')).text()).toBe('options style')
    const declarative = await call('declarative', { headers: { Authorization: `Bearer ${keys.anonKey}` } })
    expect(await declarative.text()).toBe('declarative GET')
  })

  it('answers BOOT_ERROR for a function that fails to load while the others keep serving', async () => {
    for (const name of ['broken-boot', 'no-handler']) {
      const response = await call(name)
      expect(response.status).toBe(503)
      expect(await response.json()).toMatchObject({ code: 'BOOT_ERROR' })
    }
    expect(logs.join('\n')).toContain('missing PROVIDER_TOKEN')
    expect((await call('echo')).status).toBe(200)
  })

  it('answers WORKER_ERROR when a handler throws, and survives it', async () => {
    const response = await call('throws')
    expect(response.status).toBe(500)
    expect(await response.json()).toMatchObject({ code: 'WORKER_ERROR' })
    expect(logs.join('\n')).toContain('handler failed')
    expect((await call('echo')).status).toBe(200)
  })

  it('runs EdgeRuntime.waitUntil work after the answer and survives stray rejections', async () => {
    const accepted = await call('background', { method: 'POST' })
    expect(accepted.status).toBe(202)
    await eventually(async () => {
      const { finishedTasks } = await (await call('background', { method: 'GET' })).json() as { finishedTasks: number }
      return finishedTasks === 1 ? true : undefined
    }, 5000, 'the background task')
    expect(logs.join('\n')).toContain('background task failed')
    expect(failures).toEqual([])
  })

  it('streams the answer as the function produces it', async () => {
    const response = await call('stream', { method: 'GET' })
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    // The first event arrives while the function is still waiting to send the second one.
    expect((await reader.read()).value).toBe('data: first\n\n')
    expect(await (await call('stream/release', { method: 'POST' })).text()).toBe('released')
    let rest = ''
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value
    expect(rest).toBe('data: second\n\n')
  })

  it('answers 404 for unknown names, _shared and folders without index.ts', async () => {
    for (const name of ['unknown', '_shared', 'no-index', '']) {
      const response = await call(name)
      expect(response.status).toBe(404)
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' })
    }
  })
})

describe('verify_jwt', { timeout: 30_000 }, () => {
  it('rejects a missing, malformed or invalid token as the Supabase CLI does', async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'Error: Missing authorization header'],
      [{ Authorization: 'Basic abc' }, 'Error: Auth header is not \'Bearer {token}\''],
      [{ Authorization: 'Bearer not.a.jwt' }, 'Invalid JWT'],
      [{ Authorization: `Bearer ${await keys.signAccessToken({ sub: 'u', role: 'authenticated' }, -10)}` }, 'Invalid JWT'],
    ]
    for (const [headers, msg] of cases) {
      const response = await call('declarative', { headers })
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({ msg })
    }
  })

  it('accepts the anon key and user tokens, and lets OPTIONS through without a token', async () => {
    const userToken = await keys.signAccessToken({ sub: 'u', role: 'authenticated' }, 60)
    expect((await call('declarative', { headers: { Authorization: `Bearer ${keys.anonKey}` } })).status).toBe(200)
    expect((await call('declarative', { headers: { Authorization: `Bearer ${userToken}` } })).status).toBe(200)
    expect(await (await call('declarative', { method: 'OPTIONS' })).text()).toBe('declarative OPTIONS')
  })
})

describe('development reload', { timeout: 60_000 }, () => {
  it('serves a function added while running', async () => {
    mkdirSync(join(root, 'functions', 'added'), { recursive: true })
    writeFileSync(join(root, 'functions', 'added', 'index.ts'), 'Deno.serve(() => new Response("added"))')
    await eventually(async () => {
      const response = await call('added', { headers: { Authorization: `Bearer ${keys.anonKey}` } }).catch(() => undefined)
      return response?.status === 200 ? await response.text() : undefined
    }, 30_000, 'the new function').then(text => expect(text).toBe('added'))
    expect(failures).toEqual([])
  })

  it('applies a verify_jwt change in config.toml', async () => {
    writeFileSync(join(root, 'config.toml'), `${CONFIG}\n[functions.declarative]\nverify_jwt = false\n`)
    await eventually(async () => ((await call('declarative')).status === 200 ? true : undefined), 10_000, 'the new verify_jwt')
  })

  it('stops the Deno process on stop; calls then fail as relay errors, not as function errors', async () => {
    await service.stop?.()
    await expect(fetch(`http://127.0.0.1:${hostPort}/_internal/health`)).rejects.toThrow()
    const { error } = await createClient(baseUrl, keys.anonKey).functions.invoke('echo')
    expect(error).toBeInstanceOf(FunctionsRelayError)
    expect(failures).toEqual([])
  })
})
