/**
 * `npm run dev`: the whole product on one machine — the local Supabase stack (with demo data on first
 * run) and the Nuxt app on http://localhost:3000. With SUPABASE_URL and SUPABASE_ANON_KEY set, the app
 * uses that Supabase instead and no local stack starts. Ctrl-C stops everything.
 * `npm run dev -- --vazio` starts from an empty database instead (its own data folder, no demo data, no
 * users): the app then offers /primeiro-acesso to create the first administrator.
 */
import { EMPTY_DATA_DIR, startStack, type RunningStack } from '../local-stack/stack.ts'
import { printStackBanner } from '../local-stack/banner.ts'
import { StackError, assertPortFree, startManagedProcess } from '../local-stack/process-utils.ts'

const APP_PORT = Number(process.env.PORT ?? 3000)
const EMPTY = process.argv.includes('--vazio')

async function main() {
  await assertPortFree(APP_PORT, 'app Nuxt')
  let stack: RunningStack | undefined
  let supabaseUrl = process.env.SUPABASE_URL
  let anonKey = process.env.SUPABASE_ANON_KEY
  if (!supabaseUrl || !anonKey) {
    console.log('Iniciando a stack Supabase local…')
    stack = await startStack({
      ...(EMPTY ? { dataDir: EMPTY_DATA_DIR, seed: false } : {}),
      externalDbUrl: process.env.LOCAL_STACK_DB_URL,
      verbose: process.argv.includes('--verbose'),
      watchFunctions: true,
    })
    printStackBanner(stack)
    supabaseUrl = stack.url
    anonKey = stack.anonKey
  }
  else {
    console.log(`Usando o Supabase em ${supabaseUrl} (SUPABASE_URL).`)
  }

  const app = startManagedProcess('Nuxt (app)', process.execPath, ['node_modules/nuxt/bin/nuxt.mjs', 'dev', '--port', String(APP_PORT)], {
    env: { ...process.env, NUXT_PUBLIC_SUPABASE_URL: supabaseUrl, NUXT_PUBLIC_SUPABASE_KEY: anonKey },
    log: line => process.stdout.write(line),
    onUnexpectedExit: error => void shutdown(error),
  })
  console.log(EMPTY
    ? `App: http://localhost:${APP_PORT}  (banco vazio: crie o primeiro administrador em http://localhost:${APP_PORT}/primeiro-acesso)`
    : `App: http://localhost:${APP_PORT}  (logins de demonstração no README; senha atende123)`)

  let stopping = false
  async function shutdown(reason?: Error | string) {
    if (stopping) return
    stopping = true
    if (reason instanceof Error) console.error(`\n✖ ${reason.message}`)
    else if (reason) console.log(`\n${reason} recebido, parando…`)
    await app.stop()
    await stack?.stop()
    process.exit(reason instanceof Error ? 1 : 0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  stack?.failure.catch((error: Error) => void shutdown(error))
}

main().catch((error: unknown) => {
  console.error(`✖ ${error instanceof StackError ? error.message : (error as Error).stack}`)
  process.exit(1)
})
