/**
 * Channel tokens as Realtime checks them (`RealtimeChannel.confirm_token`,
 * `ChannelsAuthorization.authorize_conn`): a valid signature, not expired, and `role` and `exp` present.
 * Failures carry Realtime's error code and message, so join replies and shutdown messages read the same.
 */
import { errors } from 'jose'
import type { JwtClaims, StackKeys } from '../keys.ts'

export type TokenFailure
  = | { code: 'InvalidJWTToken', message: string }
    | { code: 'MalformedJWT', message: string }
    | { code: 'JwtSignatureError', message: string }

export type TokenCheck = { ok: true, claims: JwtClaims } | ({ ok: false } & TokenFailure)

/** Longest wait between re-checks of a joined channel's token (Realtime's @confirm_token_ms_interval). */
export const TOKEN_RECHECK_MS = 5 * 60_000

export async function checkToken(keys: StackKeys, token: string): Promise<TokenCheck> {
  let claims: JwtClaims
  try {
    claims = await keys.verify(token.replace(/\s/g, ''))
  }
  catch (error) {
    if (error instanceof errors.JWTExpired) {
      const exp = Number(error.payload.exp)
      const ago = Math.max(0, Math.floor(Date.now() / 1000) - exp)
      return { ok: false, code: 'InvalidJWTToken', message: `Token has expired ${ago} seconds ago` }
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
      return { ok: false, code: 'InvalidJWTToken', message: error.message }
    }
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JOSEAlgNotAllowed
      || error instanceof errors.JOSENotSupported) {
      return { ok: false, code: 'JwtSignatureError', message: 'Failed to validate JWT signature' }
    }
    return { ok: false, code: 'MalformedJWT', message: 'The token provided is not a valid JWT' }
  }
  if (claims.role === undefined || claims.exp === undefined) {
    return { ok: false, code: 'InvalidJWTToken', message: 'Fields `role` and `exp` are required in JWT' }
  }
  return { ok: true, claims }
}

/** Milliseconds until the token should be checked again (at expiry, at most TOKEN_RECHECK_MS away). */
export function recheckDelay(claims: JwtClaims, now = Date.now()): number {
  const untilExpiry = Number(claims.exp) * 1000 - now
  return Math.max(0, Math.min(TOKEN_RECHECK_MS, untilExpiry))
}
