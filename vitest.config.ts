import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * Files run in name order, every time. The browser suite shares one stack and one set of demo tickets
 * across its files; a fixed order makes a run reproducible (the default order follows the previous run's
 * timings, which differ between a developer's machine and a clean CI clone).
 */
class FileNameSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return [...files].sort((left, right) => left.moduleId.localeCompare(right.moduleId))
  }
}

/**
 * Four suites, all run by `npm test`:
 * - unit: pure code (chatbot engine, normalizers, helpers), no services.
 * - database: SQL, RLS and RPCs against the real Postgres of the local stack.
 * - contract: unmodified supabase-js against the stack (auth, rest, realtime, storage, functions).
 * - e2e: the built Nuxt app in Debian's Chromium through playwright-core.
 * The stack (and, for e2e, the app) is started once by tests/setup/global.ts unless SUPABASE_URL
 * and keys point at another Supabase.
 */
export default defineConfig({
  test: {
    globalSetup: ['tests/setup/global.ts'],
    sequence: { sequencer: FileNameSequencer },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'supabase/functions/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'database',
          include: ['tests/database/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'contract',
          include: ['tests/contract/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
})
