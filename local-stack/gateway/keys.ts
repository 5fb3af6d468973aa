/**
 * Signing and verifying the stack's JWTs.
 *
 * User access tokens are ES256 with a `kid`, served at /auth/v1/.well-known/jwks.json, so supabase-js
 * `getClaims()` verifies locally instead of calling /auth/v1/user on every navigation. The anon and
 * service_role API keys stay HS256 (legacy secret), as the Supabase CLI prints them. PostgREST receives a
 * JWKS holding both keys.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import * as jose from 'jose'
import { LEGACY_JWT_SECRET, PUBLISHABLE_KEY, SECRET_KEY } from '../config.ts'

export interface JwtClaims extends jose.JWTPayload {
  role?: string
  email?: string
  session_id?: string
  [key: string]: unknown
}

export interface StackKeys {
  anonKey: string
  serviceRoleKey: string
  publishableKey: string
  secretKey: string
  /** Public JWKS (ES256 public key only), as GoTrue serves it. */
  publicJwks: { keys: jose.JWK[] }
  /** JWKS for PostgREST: the ES256 public key plus the legacy HS256 secret as an `oct` key. */
  postgrestJwks: { keys: jose.JWK[] }
  signAccessToken(claims: JwtClaims, expiresInSeconds: number): Promise<string>
  /** Signs with the storage URL-signing key (HS256 legacy secret, as Supabase Storage does). */
  signUrlToken(claims: JwtClaims, expiresInSeconds: number): Promise<string>
  verifyUrlToken(token: string): Promise<JwtClaims>
  /** Verifies any token the stack issued (ES256 user tokens or HS256 keys); throws when invalid/expired. */
  verify(token: string): Promise<JwtClaims>
  /** Maps an opaque sb_publishable_/sb_secret_ key to the equivalent legacy JWT, otherwise returns it. */
  resolveApiKey(key: string): string | undefined
}

const KID_PREFIX = 'atende-local'
const legacySecret = new TextEncoder().encode(LEGACY_JWT_SECRET)

async function loadOrCreateSigningKey(file: string): Promise<{ privateJwk: jose.JWK, publicJwk: jose.JWK }> {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'))
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true })
  const kid = `${KID_PREFIX}-${crypto.randomUUID().slice(0, 8)}`
  const privateJwk = { ...(await jose.exportJWK(privateKey)), kid, alg: 'ES256', use: 'sig' }
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify({ privateJwk, publicJwk }, null, 2), { mode: 0o600 })
  return { privateJwk, publicJwk }
}

async function legacyKey(role: 'anon' | 'service_role'): Promise<string> {
  // Same claims as the Supabase CLI's demo keys, so the keys are stable across runs and machines.
  return new jose.SignJWT({ iss: 'supabase-demo', role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setExpirationTime(1983812996)
    .sign(legacySecret)
}

export async function createStackKeys(signingKeyFile: string): Promise<StackKeys> {
  const { privateJwk, publicJwk } = await loadOrCreateSigningKey(signingKeyFile)
  const privateKey = await jose.importJWK(privateJwk, 'ES256')
  const publicKey = await jose.importJWK(publicJwk, 'ES256')
  const anonKey = await legacyKey('anon')
  const serviceRoleKey = await legacyKey('service_role')
  const octJwk: jose.JWK = { kty: 'oct', k: jose.base64url.encode(legacySecret), alg: 'HS256' }

  return {
    anonKey,
    serviceRoleKey,
    publishableKey: PUBLISHABLE_KEY,
    secretKey: SECRET_KEY,
    publicJwks: { keys: [publicJwk] },
    postgrestJwks: { keys: [publicJwk, octJwk] },

    signAccessToken(claims, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000)
      return new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid, typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(privateKey)
    },

    signUrlToken(claims, expiresInSeconds) {
      const now = Math.floor(Date.now() / 1000)
      return new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(now)
        .setExpirationTime(now + expiresInSeconds)
        .sign(legacySecret)
    },

    async verifyUrlToken(token) {
      const { payload } = await jose.jwtVerify(token, legacySecret, { algorithms: ['HS256'] })
      return payload as JwtClaims
    },

    async verify(token) {
      const header = jose.decodeProtectedHeader(token)
      const { payload } = header.alg === 'HS256'
        ? await jose.jwtVerify(token, legacySecret, { algorithms: ['HS256'] })
        : await jose.jwtVerify(token, publicKey, { algorithms: ['ES256'] })
      return payload as JwtClaims
    },

    resolveApiKey(key) {
      if (key === PUBLISHABLE_KEY) return anonKey
      if (key === SECRET_KEY) return serviceRoleKey
      if (key === anonKey || key === serviceRoleKey) return key
      return undefined
    },
  }
}
