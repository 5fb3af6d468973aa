/**
 * `npm test`: every check CI runs, in order, stopping at the first failure —
 * lint, typecheck (Nuxt app, Node tools, Deno functions), production build of the app (the browser
 * tests drive it), then every vitest suite (unit, database, contract, e2e) against a fresh local stack.
 * Extra arguments go to vitest (e.g. `npm test -- --project unit`).
 */
import { spawnSync } from 'node:child_process'

const vitestArgs = process.argv.slice(2)

const steps: Array<{ title: string, command: string, args: string[] }> = [
  { title: 'Lint (eslint)', command: 'npm', args: ['run', '--silent', 'lint'] },
  { title: 'Typecheck (nuxt, tools, deno)', command: 'npm', args: ['run', '--silent', 'typecheck'] },
  { title: 'Build do app (nuxt build)', command: 'npm', args: ['run', '--silent', 'build'] },
  { title: 'Testes (vitest: unit, database, contract, e2e)', command: 'vitest', args: ['run', ...vitestArgs] },
]

for (const step of steps) {
  const started = Date.now()
  console.log(`\n▶ ${step.title}`)
  const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: process.env })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (result.status !== 0) {
    console.error(`\n✖ ${step.title} falhou (${seconds} s).`)
    process.exit(result.status ?? 1)
  }
  console.log(`✔ ${step.title} (${seconds} s)`)
}
