import { readSupabaseEnv } from '../_shared/env.ts'
import { createServiceClient } from '../_shared/supabase.ts'
import { createHealthHandler, databaseCheck } from './handler.ts'

const env = readSupabaseEnv(name => Deno.env.get(name))
// Service role: health runs without any caller token (verify_jwt = false), and the probe must reach the
// database whatever RLS lets an anonymous caller see.
const database = databaseCheck(createServiceClient(env))

Deno.serve(createHealthHandler({ database }))
