import { readSupabaseEnv } from '../_shared/env.ts'
import { createServiceClient } from '../_shared/supabase.ts'
import { createWhatsappWebhookHandler } from './handler.ts'

const env = readSupabaseEnv(name => Deno.env.get(name))
// Service role: providers call without any Supabase token, and the ledger, channel secrets and ingestion
// RPCs are closed to every other role. The handler authenticates each provider itself.
Deno.serve(createWhatsappWebhookHandler({ service: createServiceClient(env) }))
