/**
 * /functions/v1 — the local edge runtime, as `supabase functions serve` behaves:
 * - one Deno process (local-stack/functions-host) hosts every supabase/functions/<name>/index.ts;
 * - `verify_jwt` from supabase/config.toml (default true) is checked here, skipped for OPTIONS, with the
 *   CLI's 401 bodies (`{"msg": "Invalid JWT"}`); the CORS preflight is each function's own job;
 * - the request is streamed to the host as `/<name>/...` (the path functions see on Supabase) and the
 *   answer streamed back untouched;
 * - in development (`watchFunctions`) edits under supabase/functions restart the host and edits to
 *   config.toml reload `verify_jwt`, without restarting the stack;
 * - when a `scheduler` function exists, the local cron (./cron.ts) calls it periodically, as pg_cron
 *   does in production.
 */
import { type FSWatcher, watch } from 'node:fs'
import { Agent, type IncomingMessage } from 'node:http'
import { basename, dirname, join } from 'node:path'
import { PATHS } from '../config.ts'
import type { GatewayContext, GatewayService } from './context.ts'
import { type SchedulerCron, schedulerIntervalFromEnv, startSchedulerCron } from './cron.ts'
import { type FunctionsConfig, loadFunctionsConfig } from './functions/config.ts'
import { buildFunctionsEnv, loadFunctionSecrets } from './functions/env.ts'
import { DENO_DIR, type FunctionsHost, startFunctionsHost } from './functions/process.ts'
import { proxyToHost, sendRelayError } from './functions/proxy.ts'
import type { StackKeys } from './keys.ts'
import { sendJson } from './http.ts'

const RELOAD_DEBOUNCE_MS = 150

/** The Supabase CLI's answer when a verify_jwt function gets no valid token (templates/main.ts). */
async function jwtRejection(keys: StackKeys, req: IncomingMessage): Promise<string | undefined> {
  const header = req.headers.authorization
  if (!header) return 'Error: Missing authorization header'
  const [scheme, token, ...extra] = header.split(' ')
  if (scheme !== 'Bearer' || !token || extra.length > 0) return 'Error: Auth header is not \'Bearer {token}\''
  try {
    await keys.verify(token)
    return undefined
  }
  catch {
    return 'Invalid JWT'
  }
}

function prefixLines(prefix: string, text: string): string {
  return text.replace(/\n$/, '').split('\n').map(line => `${prefix}${line}`).join('\n')
}

export interface FunctionsServiceOptions {
  /** Defaults to supabase/functions and supabase/config.toml; tests point them at fixtures. */
  functionsDir?: string
  configPath?: string
  /** Period of the local cron calling the scheduler function; default from the environment, 0 = off. */
  schedulerIntervalMs?: number
}

export function createFunctionsService(ctx: GatewayContext, options: FunctionsServiceOptions = {}): GatewayService {
  const functionsDir = options.functionsDir ?? PATHS.functions
  const configPath = options.configPath ?? PATHS.supabaseConfig
  const agent = new Agent({ keepAlive: true, maxSockets: 256 })
  const watchers: FSWatcher[] = []
  let config: FunctionsConfig = loadFunctionsConfig(configPath)
  /** The running host; undefined while none is up (a reload failed). Requests wait while it (re)starts. */
  let current: Promise<FunctionsHost | undefined> = Promise.resolve(undefined)
  let reloadTimer: NodeJS.Timeout | undefined
  let stopped = false
  let cron: SchedulerCron | undefined

  const log = (text: string) => ctx.log(prefixLines('[functions] ', text))

  function launchHost(): Promise<FunctionsHost> {
    const secretsFile = join(functionsDir, '.env')
    const secrets = loadFunctionSecrets(secretsFile)
    const { env, ignoredSecrets } = buildFunctionsEnv({
      url: ctx.publicUrl,
      anonKey: ctx.keys.anonKey,
      serviceRoleKey: ctx.keys.serviceRoleKey,
      publishableKey: ctx.keys.publishableKey,
      secretKey: ctx.keys.secretKey,
      dbUrl: ctx.ownerDbUrl,
      jwks: ctx.keys.publicJwks,
    }, secrets, { DENO_DIR, DENO_NO_UPDATE_CHECK: '1' })
    if (ignoredSecrets.length > 0) {
      log(`ignoring ${ignoredSecrets.join(', ')} from ${secretsFile}: the SUPABASE_ prefix is reserved`)
    }
    return startFunctionsHost({ port: ctx.ports.functions, functionsDir, env, log, onUnexpectedExit: ctx.fail })
  }

  function restartHost(reason: string): void {
    current = current.then(async (previous) => {
      await previous?.stop()
      if (stopped) return undefined
      try {
        const host = await launchHost()
        log(`reloaded after a change to ${reason}`)
        return host
      }
      catch (error) {
        log(`reload failed, functions are unavailable until the next change: ${(error as Error).message}`)
        return undefined
      }
    })
  }

  function reloadConfig(): void {
    try {
      config = loadFunctionsConfig(configPath)
      log(`${basename(configPath)} reloaded`)
    }
    catch (error) {
      log(`keeping the previous settings: ${(error as Error).message}`)
    }
  }

  function watchSources(): void {
    const functionsWatcher = watch(functionsDir, { recursive: true }, (_event, file) => {
      clearTimeout(reloadTimer)
      reloadTimer = setTimeout(() => restartHost(file ? join(basename(functionsDir), file) : basename(functionsDir)), RELOAD_DEBOUNCE_MS)
    })
    // The folder, not the file: editors replace config.toml on save, which would end a file watch.
    const configWatcher = watch(dirname(configPath), (_event, file) => {
      if (file === basename(configPath)) reloadConfig()
    })
    for (const watcher of [functionsWatcher, configWatcher]) {
      watcher.on('error', error => log(`file watching stopped: ${error.message}`))
      watchers.push(watcher)
    }
  }

  return {
    async start() {
      const schedulerIntervalMs = options.schedulerIntervalMs ?? schedulerIntervalFromEnv()
      const host = await launchHost()
      current = Promise.resolve(host)
      if (ctx.watchFunctions) watchSources()
      // The first run comes one interval later, when the gateway is listening.
      if (schedulerIntervalMs > 0 && host.functions.has('scheduler')) {
        cron = startSchedulerCron({
          url: `${ctx.publicUrl}/functions/v1/scheduler`,
          serviceRoleKey: ctx.keys.serviceRoleKey,
          intervalMs: schedulerIntervalMs,
          log: line => ctx.log(line),
        })
      }
    },

    async stop() {
      stopped = true
      await cron?.stop()
      clearTimeout(reloadTimer)
      for (const watcher of watchers) watcher.close()
      const host = await current
      await host?.stop()
      agent.destroy()
    },

    async handle(req, res, path) {
      const host = await current
      if (!host) {
        sendRelayError(res, 'The functions host is not running; see the stack log.')
        return
      }
      const name = /^\/([^/]+)/.exec(path)?.[1]
      if (!name || !host.functions.has(name)) {
        sendJson(res, 404, { code: 'NOT_FOUND', message: 'Requested function was not found' })
        return
      }
      if (req.method !== 'OPTIONS' && config.verifyJwt(name)) {
        const rejection = await jwtRejection(ctx.keys, req)
        if (rejection) {
          sendJson(res, 401, { msg: rejection })
          return
        }
      }
      await proxyToHost(req, res, host.port, agent, path)
    },
  }
}
