/**
 * supabase-js clients for functions. Default to the caller's client, so RLS applies exactly as it does
 * in the app; the service client bypasses RLS and is used only where a comment at the call site says why.
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import type { SupabaseEnv } from './env.ts'

// A function serves many callers: no session storage, no refresh timers, no URL parsing.
const SERVER_AUTH = { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false } as const

/** Acts as the caller: their `Authorization` header goes with every request (anon key if none). */
export function createCallerClient(request: Request, env: SupabaseEnv): SupabaseClient {
  const authorization = request.headers.get('Authorization')
  return createClient(env.url, env.anonKey, {
    auth: SERVER_AUTH,
    global: { headers: authorization ? { Authorization: authorization } : {} },
  })
}

/** Full access, RLS bypassed. Only for work no caller's rights could do; say why where you call it. */
export function createServiceClient(env: SupabaseEnv): SupabaseClient {
  return createClient(env.url, env.serviceRoleKey, { auth: SERVER_AUTH })
}
