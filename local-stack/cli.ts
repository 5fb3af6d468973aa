/**
 * `npm run stack` — starts the local Supabase stand-in alone and prints its URLs and keys.
 * `npm run stack:reset` — deletes the local data (database, storage files) first.
 * `--vazio` — an empty database (no demo data, no users) in its own data folder, as a new customer
 * starts; the demo database stays untouched. Combines with --reset.
 */
import { rmSync } from 'node:fs'
import { PATHS } from './config.ts'
import { StackError } from './process-utils.ts'
import { printStackBanner } from './banner.ts'
import { EMPTY_DATA_DIR, startStack } from './stack.ts'

const empty = process.argv.includes('--vazio')
const dataDir = empty ? EMPTY_DATA_DIR : PATHS.defaultDataDir
const reset = process.argv.includes('--reset')
if (reset) {
  rmSync(dataDir, { recursive: true, force: true })
  console.log(`Dados locais apagados (${dataDir}).`)
}

try {
  const stack = await startStack({ dataDir, seed: !empty, externalDbUrl: process.env.LOCAL_STACK_DB_URL, verbose: process.argv.includes('--verbose') })
  printStackBanner(stack)
  if (empty) console.log(`Banco vazio (${dataDir}): crie o primeiro administrador em /primeiro-acesso no app.\n`)
  const shutdown = async (signal: string) => {
    console.log(`\n${signal} recebido, parando a stack local…`)
    await stack.stop()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  stack.failure.catch(async (error: Error) => {
    console.error(`\n✖ ${error.message}`)
    await stack.stop()
    process.exit(1)
  })
}
catch (error) {
  console.error(`✖ ${error instanceof StackError ? error.message : (error as Error).stack}`)
  process.exit(1)
}
