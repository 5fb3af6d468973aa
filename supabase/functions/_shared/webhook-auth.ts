/**
 * Authenticating provider webhooks. Neither provider can send a Supabase JWT, so the webhook function
 * runs with verify_jwt = false and checks these instead:
 * - Evolution API: a per-channel secret we put in the webhook's custom headers when creating the
 *   instance (Evolution signs nothing by default).
 * - Meta Cloud API: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body, keyed with the app
 *   secret>`, and the GET verification handshake with our verify token.
 * Pure Web Crypto: runs in Deno and in vitest.
 */

/** Header Atende asks Evolution to send with every webhook (set in the instance's webhook config). */
export const EVOLUTION_SECRET_HEADER = 'x-atende-webhook-secret'

const encoder = new TextEncoder()

/** Compares two strings in time independent of where they differ (no early exit on the first mismatch). */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a)
  const right = encoder.encode(b)
  let difference = left.length ^ right.length
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    difference |= (left[index] ?? 0) ^ (right[index] ?? 0)
  }
  return difference === 0
}

export function verifyEvolutionSecret(provided: string | null, expected: string): boolean {
  if (!provided || !expected) return false
  return timingSafeEqual(provided, expected)
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map(byte => byte.toString(16).padStart(2, '0')).join('')
}

export async function hmacSha256Hex(secret: string, body: Uint8Array | string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const data = typeof body === 'string' ? encoder.encode(body) : body
  return toHex(await crypto.subtle.sign('HMAC', key, data as BufferSource))
}

/**
 * Checks `X-Hub-Signature-256` against the raw body. The body must be the exact bytes received: a
 * re-serialised JSON would differ (key order, escapes) and fail.
 */
export async function verifyCloudSignature(rawBody: Uint8Array | string, header: string | null, appSecret: string): Promise<boolean> {
  if (!header || !appSecret) return false
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim())
  if (!match) return false
  const expected = await hmacSha256Hex(appSecret, rawBody)
  return timingSafeEqual(match[1]!.toLowerCase(), expected)
}

export type VerificationAnswer =
  | { ok: true, challenge: string }
  | { ok: false, status: 400 | 403, code: 'invalid_verification_request' | 'verify_token_mismatch' }

/**
 * Meta's subscription handshake: GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=… must be
 * answered 200 with the raw challenge when the token matches.
 */
export function answerCloudVerification(params: URLSearchParams, verifyToken: string): VerificationAnswer {
  const mode = params.get('hub.mode')
  const token = params.get('hub.verify_token')
  const challenge = params.get('hub.challenge')
  if (mode !== 'subscribe' || !token || !challenge) return { ok: false, status: 400, code: 'invalid_verification_request' }
  if (!verifyToken || !timingSafeEqual(token, verifyToken)) return { ok: false, status: 403, code: 'verify_token_mismatch' }
  return { ok: true, challenge }
}
