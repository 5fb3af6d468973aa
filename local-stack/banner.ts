/** Prints where the local stack runs and its keys, like `supabase start` does. */
import { SIMULATOR_EVOLUTION_API_KEY } from './config.ts'
import type { RunningStack } from './stack.ts'

export function printStackBanner(stack: RunningStack): void {
  const lines = [
    '',
    'Stack Supabase local em execução',
    `  API URL (gateway):   ${stack.url}`,
    `  REST:                ${stack.url}/rest/v1`,
    `  Auth:                ${stack.url}/auth/v1`,
    `  Realtime:            ${stack.url.replace('http', 'ws')}/realtime/v1`,
    `  Storage:             ${stack.url}/storage/v1`,
    `  Functions:           ${stack.url}/functions/v1`,
    `  DB URL:              ${stack.dbUrl}`,
    ...(stack.simulatorUrl
      ? [
          `  Simulador WhatsApp:  ${stack.simulatorUrl}  (celular do cliente)`,
          `    Evolution API:     ${stack.simulatorUrl}/evolution  (chave ${SIMULATOR_EVOLUTION_API_KEY})`,
          `    Graph API (Cloud): ${stack.simulatorUrl}/graph`,
        ]
      : []),
    `  anon key:            ${stack.anonKey}`,
    `  service_role key:    ${stack.serviceRoleKey}`,
    `  publishable key:     ${stack.publishableKey}`,
    `  secret key:          ${stack.secretKey}`,
    stack.seeded ? '  Banco criado agora: migrações e dados de demonstração aplicados.' : '',
    '',
  ]
  console.log(lines.filter(line => line !== undefined).join('\n'))
}
