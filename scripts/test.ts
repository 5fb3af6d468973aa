/**
 * `npm test`: every check CI runs, in order, stopping at the first failure —
 * lint, typecheck (Nuxt app, Node tools, Deno functions), production build of the app (the browser
 * tests drive it), then every vitest suite (unit, database, contract, e2e) against a fresh local stack.
 * Extra arguments go to vitest (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const VITEST_JSON = 'test-results/vitest.json'

const vitestArgs = process.argv.slice(2)

const steps: Array<{ title: string, command: string, args: string[] }> = [
  { title: 'Lint (eslint)', command: 'npm', args: ['run', '--silent', 'lint'] },
  { title: 'Typecheck (nuxt, tools, deno)', command: 'npm', args: ['run', '--silent', 'typecheck'] },
  { title: 'Build do app (nuxt build)', command: 'npm', args: ['run', '--silent', 'build'] },
  {
    title: 'Testes (vitest: unit, database, contract, e2e)',
    command: 'vitest',
    args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${VITEST_JSON}`, ...vitestArgs],
  },
]

interface VitestTotals { numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number, success: boolean }

function readTotals(): VitestTotals | undefined {
  return existsSync(VITEST_JSON) ? JSON.parse(readFileSync(VITEST_JSON, 'utf8')) as VitestTotals : undefined
}

/** One plain closing line with the totals, the form CI reads ("Tests: N passed, N failed, N skipped"). */
function printTotals() {
  const report = readTotals()
  if (!report) return
  console.log(`\nTests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped`)
}

rmSync(VITEST_JSON, { force: true })
for (const step of steps) {
  const started = Date.now()
  console.log(`\n▶ ${step.title}`)
  const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: process.env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  // Trust the report as well as the exit code: a failed test must fail the run even if some library's
  // exit hook swallowed vitest's exit code.
  const report = step.command === 'vitest' ? readTotals() : undefined
  const failedTests = report !== undefined && (report.numFailedTests > 0 || !report.success)
  if (result.status !== 0 || failedTests) {
    printTotals()
    console.error(`\n✖ ${step.title} falhou (${seconds} s).`)
    process.exit(result.status || 1)
  }
  console.log(`✔ ${step.title} (${seconds} s)`)
}
printTotals()
