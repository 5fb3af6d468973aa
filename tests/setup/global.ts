/**
 * Global setup: starts the local stack once for the database, contract and e2e suites (fresh,
 * ephemeral data, ports away from `npm run dev`), and the built app for e2e. When SUPABASE_URL,
 * SUPABASE_ANON_KEY and SUPABASE_SERVICE_ROLE_KEY are set, that Supabase is used instead.
 *
 * TEST_STACK_PORT_BASE moves every port (gateway = base + 21, postgres + 22, postgrest + 23,
 * functions + 24, WhatsApp simulator + 25, app = base + 30) so several runs can share a machine.
 * Bases stay below 32768, the start of Linux's ephemeral port range, so an outgoing connection cannot
 * be holding a test port.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { startStack, type RunningStack } from '../../local-stack/stack.ts'
import { startAppServer, type AppServer } from './app-server.ts'
import type { StackInfo } from '../support/stack.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo
    appUrl: string
  }
}

export default async function setup(project: TestProject) {
  const selected = new Set(project.vitest.projects.map(p => p.name))
  const needsStack = ['database', 'contract', 'e2e'].some(name => selected.has(name))
  if (!needsStack) return

  const base = Number(process.env.TEST_STACK_PORT_BASE ?? 25000)
  let stack: RunningStack | undefined
  let info: StackInfo
  if (process.env.SUPABASE_URL && process.env.SUPABASE_ANON_KEY && process.env.SUPABASE_SERVICE_ROLE_KEY) {
    info = {
      url: process.env.SUPABASE_URL,
      anonKey: process.env.SUPABASE_ANON_KEY,
      serviceRoleKey: process.env.SUPABASE_SERVICE_ROLE_KEY,
      dbUrl: process.env.SUPABASE_DB_URL ?? '',
      superuserDbUrl: process.env.SUPABASE_DB_URL ?? '',
      simulatorUrl: process.env.SIMULATOR_URL ?? '',
      local: false,
    }
  }
  else {
    // Tests call the scheduler themselves when they need a sweep: a periodic one landing between a
    // test's action and its assertion (say, sending a farewell queued on a channel without credentials)
    // would make results depend on timing. LOCAL_STACK_SCHEDULER_INTERVAL_MS=15000 turns it back on.
    process.env.LOCAL_STACK_SCHEDULER_INTERVAL_MS ??= '0'
    stack = await startStack({
      ports: { gateway: base + 21, postgres: base + 22, postgrest: base + 23, functions: base + 24, simulator: base + 25 },
      dataDir: mkdtempSync(join(tmpdir(), 'atende-test-stack-')),
      ephemeral: true,
      log: process.env.TEST_STACK_VERBOSE ? undefined : () => {},
      verbose: Boolean(process.env.TEST_STACK_VERBOSE),
    })
    info = {
      url: stack.url,
      anonKey: stack.anonKey,
      serviceRoleKey: stack.serviceRoleKey,
      dbUrl: stack.dbUrl,
      superuserDbUrl: stack.superuserDbUrl,
      simulatorUrl: stack.simulatorUrl ?? '',
      local: true,
    }
  }
  project.provide('stack', info)

  let app: AppServer | undefined
  if (selected.has('e2e')) {
    app = await startAppServer({ port: base + 30, supabaseUrl: info.url, anonKey: info.anonKey })
    project.provide('appUrl', app.url)
  }

  return async () => {
    await app?.stop()
    await stack?.stop()
  }
}
