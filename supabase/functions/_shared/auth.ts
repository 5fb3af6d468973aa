/** Who is calling: the signed-in user behind the request's token, verified, or a 401. */
import { isAuthError, type SupabaseClient } from '@supabase/supabase-js'
import type { JsonWebKeySet } from './env.ts'
import { UserError } from './errors.ts'
import { bearerToken } from './http.ts'

export interface SignedInUser {
  id: string
  email?: string
}

const notSignedIn = () => new UserError(401, 'not_authenticated', 'Sign in to use this function.')

/** The `role` claim of a JWT, read without verifying it (base64url JSON payload). */
export function unverifiedRole(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? ''
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'))
    const role: unknown = JSON.parse(json).role
    return typeof role === 'string' ? role : undefined
  }
  catch {
    return undefined
  }
}

/**
 * Verifies the caller's token with the auth server's keys (`getClaims`: locally for ES256 user tokens)
 * and returns the user, or throws a 401 user error when the request carries no user session — no token,
 * an API key (anon, service_role), or an invalid or expired token. Auth server outages stay 500s.
 */
export async function requireSignedInUser(client: SupabaseClient, request: Request, jwks?: JsonWebKeySet): Promise<SignedInUser> {
  const token = bearerToken(request)
  // Turning API keys away on their unverified role saves a call to the auth server; rejecting on an
  // unverified claim is safe, accepting is not (that is what getClaims is for).
  if (!token || unverifiedRole(token) !== 'authenticated') throw notSignedIn()
  const { data, error } = await client.auth.getClaims(token, jwks ? { jwks } : {})
  if (error) {
    const callerMistake = isAuthError(error) && error.status !== undefined && error.status >= 400 && error.status < 500
    if (callerMistake) throw notSignedIn()
    throw error
  }
  const claims = data?.claims
  if (!claims?.sub || claims.role !== 'authenticated') throw notSignedIn()
  return { id: claims.sub, email: claims.email }
}
