/**
 * Auth data layer: the only place the app talks to Supabase Auth. Errors are thrown as supabase-js
 * raised them (AuthError and subclasses); `authFailureReason` turns them into something to show.
 */
import type { AuthChangeEvent, Session, User } from '@supabase/supabase-js'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'
import { invokeFunction } from './errors'

export interface Credentials {
  email: string
  password: string
}

export async function signInWithPassword(client: AppSupabaseClient, credentials: Credentials): Promise<User> {
  const { data, error } = await client.auth.signInWithPassword(credentials)
  if (error) throw error
  return data.user
}

/** Signs out. `local` forgets this browser's session only; `global` revokes every session of the user. */
export async function signOut(client: AppSupabaseClient, scope: 'local' | 'global' = 'local'): Promise<void> {
  const { error } = await client.auth.signOut({ scope })
  if (error) throw error
}

/** The session stored in this browser, refreshed first if its access token expired. */
export async function getStoredSession(client: AppSupabaseClient): Promise<Session | null> {
  const { data, error } = await client.auth.getSession()
  if (error) throw error
  return data.session
}

/**
 * Subscribes to sign-in, sign-out and token refresh (also from other tabs). supabase-js calls the
 * listener while holding its auth lock, so the listener must not await other Supabase calls.
 */
export function onAuthChange(client: AppSupabaseClient, listener: (event: AuthChangeEvent, session: Session | null) => void): () => void {
  const { data } = client.auth.onAuthStateChange(listener)
  return () => data.subscription.unsubscribe()
}

/** The first administrator of a new installation (`first-admin` function). */
export interface FirstAdminInput {
  companyName: string
  fullName: string
  email: string
  password: string
}

/**
 * Whether the database still has no active administrator: the login page then offers /primeiro-acesso.
 * Asked without a session (the function needs none); a failure throws a DataRequestError.
 */
export async function fetchFirstAdminNeeded(client: AppSupabaseClient): Promise<boolean> {
  const { data, error } = await client.functions.invoke<{ needed?: unknown }>('first-admin', { method: 'GET' })
  if (error) {
    const response = (error as { context?: unknown }).context
    throw new DataRequestError(error.message, 'first_admin_status', response instanceof Response ? response.status : 0)
  }
  return data?.needed === true
}

/**
 * Creates the first administrator (confirmed, ready to sign in) and names the company. Refusals come
 * back as FunctionCallError: 409 `already_configured` once an admin exists, 400/409 with a pt-BR message
 * and `details.field` for the field at fault.
 */
export async function createFirstAdmin(client: AppSupabaseClient, input: FirstAdminInput): Promise<{ userId: string }> {
  const answer = await invokeFunction<{ user_id: string }>(client, 'first-admin', {
    company_name: input.companyName,
    full_name: input.fullName,
    email: input.email,
    password: input.password,
  })
  return { userId: answer.user_id }
}
