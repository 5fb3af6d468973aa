import type { AuthChangeEvent, Session, User } from '@supabase/supabase-js'
import type { AuthFailureReason } from '~/constants/auth'
import * as authService from '~/services/auth'
import { fetchMyProfile } from '~/services/profiles'
import type { Profile } from '~/types/profile'
import { authFailureReason } from '~/utils/auth-failure'
import { SessionRefusedError } from '~/utils/errors'

/**
 * Who is signed in: the auth user, their profile (role, active) and the flags the UI shows while
 * signing in or out. A session only counts once the profile loaded and is active, so a deactivated
 * user never sees the app even with valid credentials.
 */
export const useSessionStore = defineStore('session', () => {
  const supabase = useSupabase()

  const user = shallowRef<User | null>(null)
  const profile = ref<Profile | null>(null)
  const signingIn = ref(false)
  const signingOut = ref(false)
  /** Why the last session attempt failed or the session ended; the login page explains it. */
  const lastFailure = ref<AuthFailureReason | null>(null)

  const isAuthenticated = computed(() => user.value !== null && profile.value !== null)
  const role = computed(() => profile.value?.role ?? null)
  const isAdmin = computed(() => role.value === 'admin')

  /** Loads the profile for an authenticated user and accepts the session, or throws why not. */
  async function adopt(authUser: User): Promise<void> {
    const loaded = await fetchMyProfile(supabase)
    if (!loaded) throw new SessionRefusedError('no_profile')
    if (!loaded.active) throw new SessionRefusedError('account_disabled')
    user.value = authUser
    profile.value = loaded
  }

  function clear(): void {
    user.value = null
    profile.value = null
  }

  /** Refuses a session that authenticated but may not use the app: forget it in this browser. */
  async function refuse(reason: AuthFailureReason): Promise<void> {
    clear()
    lastFailure.value = reason
    // An unreachable server is not the user's fault: keep the stored session for the next try.
    if (reason === 'network') return
    await authService.signOut(supabase, 'local').catch(() => undefined)
  }

  async function signIn(email: string, password: string): Promise<AuthFailureReason | null> {
    signingIn.value = true
    lastFailure.value = null
    try {
      await adopt(await authService.signInWithPassword(supabase, { email, password }))
      return null
    }
    catch (error) {
      const reason = authFailureReason(error)
      await refuse(reason)
      return reason
    }
    finally {
      signingIn.value = false
    }
  }

  /** Ends this browser's session; on failure (server unreachable) the user stays signed in. */
  async function signOut(): Promise<AuthFailureReason | null> {
    signingOut.value = true
    try {
      await authService.signOut(supabase, 'local')
      clear()
      return null
    }
    catch (error) {
      return authFailureReason(error)
    }
    finally {
      signingOut.value = false
    }
  }

  async function restore(): Promise<void> {
    try {
      const session = await authService.getStoredSession(supabase)
      if (session) await adopt(session.user)
    }
    catch (error) {
      await refuse(authFailureReason(error))
    }
    authService.onAuthChange(supabase, handleAuthChange)
  }

  let restoring: Promise<void> | undefined
  /** Restores the stored session once; route guards await it before deciding anything. */
  function ensureRestored(): Promise<void> {
    restoring ??= restore()
    return restoring
  }

  function handleAuthChange(event: AuthChangeEvent, session: Session | null): void {
    if (event === 'INITIAL_SESSION') return // restore() already handled the stored session
    if (!session) {
      clear() // signed out here, in another tab, or the refresh token was revoked
      return
    }
    if (user.value?.id === session.user.id) {
      user.value = session.user // token refresh or user update
      return
    }
    if (signingIn.value) return // signIn() adopts the new user itself
    // Another tab signed in as someone else. Adopt outside this callback: supabase-js holds its auth
    // lock while calling listeners, and the profile request would wait for that lock forever.
    setTimeout(() => {
      clear()
      adopt(session.user).catch(error => refuse(authFailureReason(error)))
    }, 0)
  }

  return {
    user,
    profile,
    signingIn,
    signingOut,
    lastFailure,
    isAuthenticated,
    role,
    isAdmin,
    ensureRestored,
    signIn,
    signOut,
  }
})
