/**
 * types/database.ts is generated from the schema (`npm run db:types`). Regenerating it from the test
 * stack's database must give the committed file byte for byte: a migration that changes a table or a
 * function without regenerating fails here, before the app's queries silently drift from the schema.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../local-stack/config.ts'
import { generateDatabaseTypes } from '../../scripts/db-types/generate.ts'
import { getStack } from '../support/stack.ts'

describe('generated database types', () => {
  it('types/database.ts matches the migrations (run `npm run db:types` when this fails)', async () => {
    const client = new pg.Client({ connectionString: getStack().dbUrl })
    await client.connect()
    try {
      // Contract tests create scratch tables named test_* on the same stack (tests/contract/*).
      const generated = await generateDatabaseTypes(client, { exclude: name => name.startsWith('test_') })
      const committed = readFileSync(join(PROJECT_ROOT, 'types/database.ts'), 'utf8')
      expect(committed).toBe(generated)
      // The generator sees the real schema: every table the app reads is there.
      for (const table of ['tickets', 'messages', 'contacts', 'profiles', 'quick_replies']) {
        expect(generated).toContain(`      ${table}: {\n        Row: {`)
      }
    }
    finally {
      await client.end()
    }
  })
})
