/**
 * `npm run db:types`: writes types/database.ts from the schema, in the shape `supabase gen types
 * typescript` produces (which needs Docker), so `createClient<Database>` type-checks every query and RPC
 * of the app against the migrations. Reads a running database when SUPABASE_DB_URL is set, otherwise
 * starts a throwaway local stack with the migrations applied.
 *
 * tests/database/db-types.test.ts regenerates the file from the test stack and fails when the committed
 * one is stale, so a migration cannot drift from the app's types unnoticed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { PROJECT_ROOT } from '../local-stack/config.ts'
import { generateDatabaseTypes } from './db-types/generate.ts'

const OUTPUT = join(PROJECT_ROOT, 'types/database.ts')

async function main(): Promise<void> {
  const externalUrl = process.env.SUPABASE_DB_URL
  let stop: (() => Promise<void>) | undefined
  let url = externalUrl
  if (!url) {
    const { startStack } = await import('../local-stack/stack.ts')
    const base = Number(process.env.DB_TYPES_PORT_BASE ?? 26500)
    const stack = await startStack({
      ports: { gateway: base + 21, postgres: base + 22, postgrest: base + 23, functions: base + 24, simulator: base + 25 },
      dataDir: mkdtempSync(join(tmpdir(), 'atende-db-types-')),
      ephemeral: true,
      simulator: false,
      log: () => {},
    })
    url = stack.dbUrl
    stop = stack.stop
  }
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    writeFileSync(OUTPUT, await generateDatabaseTypes(client))
    console.log(`types/database.ts gerado a partir de ${externalUrl ? 'SUPABASE_DB_URL' : 'uma stack local temporária'}.`)
  }
  finally {
    await client.end()
    await stop?.()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
