/**
 * Starts the whole local Supabase stand-in and returns its addresses and keys.
 * Used by `npm run dev` / `npm run stack` and by the test suites (with their own ports and data folder).
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { DEFAULT_PORTS, PATHS, type StackPorts } from './config.ts'
import { createStackKeys } from './gateway/keys.ts'
import { createGatewayServer, type GatewayServices } from './gateway/server.ts'
import type { GatewayContext } from './gateway/context.ts'
import { createRestService } from './gateway/rest.ts'
import { createAuthService } from './gateway/auth.ts'
import { createStorageService } from './gateway/storage.ts'
import { createFunctionsService } from './gateway/functions.ts'
import { createRealtimeService } from './gateway/realtime/index.ts'
import { applyMigrations, applyPlatformBootstrap, applySeed, startDatabase } from './postgres.ts'
import { startPostgrest } from './postgrest.ts'
import { assertPortFree } from './process-utils.ts'
import { type RunningSimulator, type SimulatorOptions, startSimulator } from './simulator/index.ts'
import { registerSimulatorChannels } from './simulator/register-channels.ts'

export interface StackOptions {
  ports?: Partial<StackPorts>
  dataDir?: string
  /** Delete the data folder on stop (tests). */
  ephemeral?: boolean
  /** Superuser URL of an existing PostgreSQL instead of the embedded one. */
  externalDbUrl?: string
  /** Forward child-process output (PostgREST, Deno, Postgres). */
  verbose?: boolean
  log?: (line: string) => void
  /** Restart the functions host when supabase/functions changes (npm run dev). */
  watchFunctions?: boolean
  /** The WhatsApp simulator (on `ports.simulator`); false leaves it out, an object tunes it. */
  simulator?: boolean | Omit<SimulatorOptions, 'port' | 'log'>
  /**
   * Apply supabase/seed.sql (demo users, teams, channel, tickets) to a fresh database; default true.
   * false starts as a new customer does: no users at all, the first admin is created at /primeiro-acesso.
   */
  seed?: boolean
}

export interface RunningStack {
  url: string
  anonKey: string
  serviceRoleKey: string
  publishableKey: string
  secretKey: string
  /** Owner (`postgres`) connection string. */
  dbUrl: string
  superuserDbUrl: string
  ports: StackPorts
  /** The WhatsApp simulator (customer phone page; Evolution at /evolution, Graph at /graph), or null when disabled. */
  simulatorUrl: string | null
  seeded: boolean
  /** Rejects when a child process dies unexpectedly. */
  failure: Promise<never>
  stop(): Promise<void>
}

/** Data folder of `npm run stack -- --vazio` / `npm run dev -- --vazio`: an empty database kept apart from the demo one. */
export const EMPTY_DATA_DIR = `${PATHS.defaultDataDir}-vazio`

export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const ports: StackPorts = { ...DEFAULT_PORTS, ...options.ports }
  const dataDir = options.dataDir ?? PATHS.defaultDataDir
  const log = options.log ?? ((line: string) => process.stderr.write(line.endsWith('\n') ? line : `${line}\n`))
  const childLog = options.verbose ? log : undefined
  const stoppers: Array<() => Promise<void>> = []
  let rejectFailure: (error: Error) => void = () => {}
  const failure = new Promise<never>((_, reject) => {
    rejectFailure = reject
  })
  failure.catch(() => {}) // observed by whoever awaits it; never an unhandled rejection

  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(error => log(`erro ao parar: ${error}`))
    stoppers.length = 0
    if (options.ephemeral) rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await assertPortFree(ports.gateway, 'gateway Supabase')
    if (options.simulator !== false) await assertPortFree(ports.simulator, 'simulador WhatsApp')
    const keys = await createStackKeys(join(dataDir, 'signing-key.json'))
    const database = await startDatabase({ port: ports.postgres, dataDir, externalUrl: options.externalDbUrl, log: childLog, onUnexpectedExit: rejectFailure })
    stoppers.push(database.stop)

    await applyPlatformBootstrap(database.superuserUrl)
    const migrations = await applyMigrations(database.ownerUrl)
    const seeded = migrations.freshDatabase && options.seed !== false ? await applySeed(database.ownerUrl) : false

    const postgrest = await startPostgrest({
      port: ports.postgrest, dbHost: database.host, dbPort: database.port, dataDir, keys, log: childLog,
      onUnexpectedExit: rejectFailure,
    })
    stoppers.push(postgrest.stop)

    const pool = new pg.Pool({ connectionString: database.superuserUrl, max: 10 })
    // An idle connection dropped by the server (e.g. Postgres shutting down) must not crash the stack.
    pool.on('error', error => log(`[db] conexão perdida: ${error.message}`))
    stoppers.push(() => pool.end())
    const publicUrl = `http://127.0.0.1:${ports.gateway}`
    const ctx: GatewayContext = {
      keys, db: pool, publicUrl, dataDir, ownerDbUrl: database.ownerUrl,
      ports: { postgrest: ports.postgrest, functions: ports.functions },
      log,
      fail: rejectFailure,
      watchFunctions: options.watchFunctions ?? false,
    }
    const services: GatewayServices = {
      auth: createAuthService(ctx),
      rest: createRestService(ctx),
      realtime: createRealtimeService(ctx),
      storage: createStorageService(ctx),
      functions: createFunctionsService(ctx),
    }
    for (const service of Object.values(services)) {
      if (service.start) await service.start()
      if (service.stop) stoppers.push(service.stop)
    }

    const server = createGatewayServer(ctx, services)
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(ports.gateway, '127.0.0.1', () => resolve())
    })
    stoppers.push(() => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }))

    let simulator: RunningSimulator | undefined
    if (options.simulator !== false) {
      simulator = await startSimulator({ ...(typeof options.simulator === 'object' ? options.simulator : {}), port: ports.simulator, log })
      stoppers.push(simulator.stop)
      await registerSimulatorChannels(pool, simulator, { stackUrl: publicUrl, fresh: migrations.freshDatabase, log })
    }

    return {
      url: publicUrl,
      anonKey: keys.anonKey,
      serviceRoleKey: keys.serviceRoleKey,
      publishableKey: keys.publishableKey,
      secretKey: keys.secretKey,
      dbUrl: database.ownerUrl,
      superuserDbUrl: database.superuserUrl,
      ports,
      simulatorUrl: simulator?.url ?? null,
      seeded,
      failure,
      stop,
    }
  }
  catch (error) {
    await stop()
    throw error
  }
}
