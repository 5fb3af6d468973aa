/**
 * `npm test`: every check CI runs, in order, stopping at the first failure —
 * lint, typecheck (Nuxt app, Node tools, Deno functions), production build of the app (the browser
 * tests drive it), then the vitest suites: unit, database and contract against one fresh local stack,
 * then e2e against another one, so the browser tests start from the demo data alone and never see the
 * hundreds of tickets the contract suites leave behind. Extra arguments go to a single vitest run
 * (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const vitestArgs = process.argv.slice(2)

interface Step { title: string, command: string, args: string[], report?: string }

function vitestStep(title: string, report: string, args: string[]): Step {
  return { title, command: 'vitest', report, args: ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args] }
}

const steps: Step[] = [
  { title: 'Lint (eslint)', command: 'npm', args: ['run', '--silent', 'lint'] },
  { title: 'Typecheck (nuxt, tools, deno)', command: 'npm', args: ['run', '--silent', 'typecheck'] },
  { title: 'Build do app (nuxt build)', command: 'npm', args: ['run', '--silent', 'build'] },
  ...(vitestArgs.length > 0
    ? [vitestStep('Testes (vitest)', 'test-results/vitest.json', vitestArgs)]
    : [
        vitestStep('Testes (vitest: unit, database, contract)', 'test-results/vitest.json', ['--project', 'unit', '--project', 'database', '--project', 'contract']),
        vitestStep('Testes no navegador (vitest: e2e, stack própria)', 'test-results/vitest-e2e.json', ['--project', 'e2e']),
      ]),
]

interface VitestTotals { numPassedTests: number, numFailedTests: number, numPendingTests: number, numTodoTests: number, success: boolean }

function readTotals(report: string): VitestTotals | undefined {
  return existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) as VitestTotals : undefined
}

/** One plain closing line with the totals of every run, the form CI reads ("Tests: N passed, N failed, N skipped"). */
function printTotals() {
  const reports = steps.flatMap(step => (step.report ? [readTotals(step.report)] : [])).filter(report => report !== undefined)
  if (reports.length === 0) return
  const sum = (pick: (report: VitestTotals) => number) => reports.reduce((total, report) => total + pick(report), 0)
  console.log(`\nTests: ${sum(r => r.numPassedTests)} passed, ${sum(r => r.numFailedTests)} failed, ${sum(r => r.numPendingTests + r.numTodoTests)} skipped`)
}

for (const step of steps) if (step.report) rmSync(step.report, { force: true })
for (const step of steps) {
  const started = Date.now()
  console.log(`\n▶ ${step.title}`)
  const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: process.env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  // Trust the report as well as the exit code: a failed test must fail the run even if some library's
  // exit hook swallowed vitest's exit code.
  const report = step.report ? readTotals(step.report) : undefined
  const failedTests = report !== undefined && (report.numFailedTests > 0 || !report.success)
  if (result.status !== 0 || failedTests) {
    printTotals()
    console.error(`\n✖ ${step.title} falhou (${seconds} s).`)
    process.exit(result.status || 1)
  }
  console.log(`✔ ${step.title} (${seconds} s)`)
}
printTotals()
