/**
 * Auth data layer: the only place the app talks to Supabase Auth. Errors are thrown as supabase-js
 * raised them (AuthError and subclasses); `authFailureReason` turns them into something to show.
 */
import type { AuthChangeEvent, Session, User } from '@supabase/supabase-js'
import type { AppSupabaseClient } from '~/types/supabase'

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
