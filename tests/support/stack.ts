/** Access to the stack the global setup started (or the external Supabase given by env). */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import { inject } from 'vitest'

export interface StackInfo {
  url: string
  anonKey: string
  serviceRoleKey: string
  /** Owner (`postgres`) connection string. */
  dbUrl: string
  /** Superuser connection string (local stack only). */
  superuserDbUrl: string
  /**
   * The WhatsApp simulator (fake Evolution at `/evolution`, fake Graph at `/graph`, control API at `/api`);
   * empty when testing an external Supabase without SIMULATOR_URL.
   */
  simulatorUrl: string
  /** True when the tests started the local stack themselves. */
  local: boolean
}

export function getStack(): StackInfo {
  const stack = inject('stack')
  if (!stack) throw new Error('The stack was not started: run this suite through vitest with tests/setup/global.ts.')
  return stack
}

/** A fresh, unauthenticated client (no session persistence, no auto refresh between tests). */
export function anonClient(): SupabaseClient {
  const { url, anonKey } = getStack()
  return createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
}

export function serviceClient(): SupabaseClient {
  const { url, serviceRoleKey } = getStack()
  return createClient(url, serviceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } })
}

/** Signs in as a user and returns the client holding that session. */
export async function signedInClient(email: string, password: string): Promise<SupabaseClient> {
  const client = anonClient()
  const { error } = await client.auth.signInWithPassword({ email, password })
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`)
  return client
}

/** Creates a confirmed user through the admin API and returns its id. */
export async function createTestUser(email: string, password: string, metadata: Record<string, unknown> = {}): Promise<string> {
  const { data, error } = await serviceClient().auth.admin.createUser({ email, password, email_confirm: true, user_metadata: metadata })
  if (error || !data.user) throw new Error(`createUser ${email} failed: ${error?.message}`)
  return data.user.id
}

/** Waits until `check` returns a value (not undefined) or fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}
