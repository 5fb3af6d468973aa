import { readSupabaseEnv } from '../_shared/env.ts'
import { createServiceClient } from '../_shared/supabase.ts'
import { createWhatsappWebhookHandler } from './handler.ts'

const env = readSupabaseEnv(name => Deno.env.get(name))
// Supabase's runtime keeps a function working after its answer through EdgeRuntime.waitUntil (the local
// functions host has the same, and its process outlives every request): events are processed and the
// bot's replies sent then, so the provider's request is acknowledged once the event is stored.
const runtime = (globalThis as { EdgeRuntime?: { waitUntil: (task: Promise<unknown>) => unknown } }).EdgeRuntime

Deno.serve(createWhatsappWebhookHandler({
  // Service role: providers call without any Supabase token, and the ledger, channel secrets and ingestion
  // RPCs are closed to every other role. The handler authenticates each provider itself.
  service: createServiceClient(env),
  background: runtime ? task => void runtime.waitUntil(task) : undefined,
}))
