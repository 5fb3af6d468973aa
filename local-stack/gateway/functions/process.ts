/**
 * Starts and stops the Deno process that hosts every function (local-stack/functions-host/host.ts).
 * Deno comes from the npm package `deno`; npm imports resolve from the project's node_modules through
 * supabase/functions/deno.json, so nothing is downloaded.
 */
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { PROJECT_ROOT } from '../../config.ts'
import { assertPortFree, StackError, startManagedProcess, waitFor } from '../../process-utils.ts'

const require = createRequire(import.meta.url)
const HOST_ENTRY = resolve(PROJECT_ROOT, 'local-stack/functions-host/host.ts')
const DENO_CONFIG = resolve(PROJECT_ROOT, 'supabase/functions/deno.json')
/** Deno's module cache stays inside the project (git-ignored), not in the user's home. */
export const DENO_DIR = resolve(PROJECT_ROOT, '.cache/deno')
const STARTUP_TIMEOUT_MS = 60_000

function denoBinary(): string {
  // The package's own resolver: finds (or links) the platform binary that `npx deno` runs.
  const installer = require('deno/install_api.cjs') as { runInstall(): string }
  return installer.runInstall()
}

export interface FunctionsHostOptions {
  port: number
  functionsDir: string
  /** The complete environment of the process (and so of every function). */
  env: Record<string, string>
  log: (text: string) => void
  /** Called when the host dies after it started; a failed start rejects instead. */
  onUnexpectedExit: (error: Error) => void
}

export interface FunctionsHost {
  port: number
  /** Functions the host found, including any that failed to boot (they answer BOOT_ERROR). */
  functions: ReadonlySet<string>
  stop(): Promise<void>
}

interface HostHealth {
  functions: Record<string, 'ready' | 'boot-error'>
}

async function readHealth(port: number): Promise<HostHealth | undefined> {
  const response = await fetch(`http://127.0.0.1:${port}/_internal/health`)
  return response.ok ? await response.json() as HostHealth : undefined
}

export async function startFunctionsHost(options: FunctionsHostOptions): Promise<FunctionsHost> {
  await assertPortFree(options.port, 'funções (Deno)')
  let started = false
  const host = startManagedProcess('Deno (funções)', denoBinary(), [
    'run', '--no-prompt', '--allow-net', '--allow-env', '--allow-read',
    `--config=${DENO_CONFIG}`,
    HOST_ENTRY, `--port=${options.port}`, `--functions-dir=${options.functionsDir}`,
  ], {
    cwd: PROJECT_ROOT,
    env: options.env,
    log: options.log,
    onUnexpectedExit: (error) => {
      if (started) options.onUnexpectedExit(error)
    },
  })

  let health: HostHealth | undefined
  const exitedEarly = host.exited.then((code) => {
    throw new StackError(`O host de funções (Deno) terminou ao iniciar (código ${code}).\n${host.recentOutput().slice(-2000)}`)
  })
  exitedEarly.catch(() => {}) // observed through the race below; later exits go to onUnexpectedExit
  try {
    await Promise.race([
      waitFor('O host de funções (Deno)', async () => (health = await readHealth(options.port)) !== undefined, STARTUP_TIMEOUT_MS),
      exitedEarly,
    ])
  }
  catch (error) {
    await host.stop()
    throw error
  }
  started = true
  return {
    port: options.port,
    functions: new Set(Object.keys(health?.functions ?? {})),
    stop: () => host.stop(),
  }
}
