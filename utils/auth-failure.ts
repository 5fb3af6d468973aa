import { isAuthError, isAuthRetryableFetchError } from '@supabase/supabase-js'
import type { AuthFailureReason } from '../constants/auth.ts'
import { DataRequestError, SessionRefusedError } from './errors.ts'

const REASON_BY_AUTH_CODE: Partial<Record<string, AuthFailureReason>> = {
  invalid_credentials: 'invalid_credentials',
  user_banned: 'account_disabled',
  email_not_confirmed: 'email_not_confirmed',
  over_request_rate_limit: 'rate_limited',
}

/**
 * Maps whatever a sign-in or session restore threw to a reason the UI can explain. Decides on the
 * error's `code` and class, never on its message. supabase-js reports an unreachable server as
 * `AuthRetryableFetchError` (status 0, or 5xx from a proxy), and the REST client as status 0.
 */
export function authFailureReason(error: unknown): AuthFailureReason {
  if (error instanceof SessionRefusedError) return error.reason
  if (error instanceof DataRequestError) return error.status === 0 ? 'network' : 'unknown'
  if (isAuthRetryableFetchError(error)) return 'network'
  if (isAuthError(error)) {
    if (error.status === 0) return 'network'
    return (error.code && REASON_BY_AUTH_CODE[error.code]) || 'unknown'
  }
  // fetch() rejects with a TypeError when the connection fails before any response.
  if (error instanceof TypeError) return 'network'
  return 'unknown'
}
