/** Serves the built Nuxt app (.output, from `nuxt build`) for the browser tests. */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { PROJECT_ROOT } from '../../local-stack/config.ts'
import { startManagedProcess, waitFor } from '../../local-stack/process-utils.ts'

export interface AppServer {
  url: string
  stop(): Promise<void>
}

export async function startAppServer(options: { port: number, supabaseUrl: string, anonKey: string }): Promise<AppServer> {
  const entry = join(PROJECT_ROOT, '.output/server/index.mjs')
  if (!existsSync(entry)) {
    throw new Error('O app não foi compilado: rode `npm run build` (o `npm test` faz isso) antes dos testes e2e.')
  }
  const app = startManagedProcess('Nuxt app', process.execPath, [entry], {
    env: {
      ...process.env,
      PORT: String(options.port),
      HOST: '127.0.0.1',
      NUXT_PUBLIC_SUPABASE_URL: options.supabaseUrl,
      NUXT_PUBLIC_SUPABASE_KEY: options.anonKey,
    },
  })
  const url = `http://127.0.0.1:${options.port}`
  await waitFor('App Nuxt', async () => (await fetch(url)).ok, 30_000)
  return { url, stop: () => app.stop() }
}
