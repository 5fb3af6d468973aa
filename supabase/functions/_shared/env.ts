/**
 * Environment checked once, when a function loads: a missing variable stops the function at boot (with
 * every missing name in the log) instead of failing later inside a request.
 */
import type { JWK } from '@supabase/supabase-js'

/** How a function reads its environment; in Deno: `name => Deno.env.get(name)`. */
export type EnvReader = (name: string) => string | undefined

export class MissingEnvError extends Error {
  constructor(readonly missing: string[]) {
    super(`Missing environment variable(s): ${missing.join(', ')}`)
    this.name = 'MissingEnvError'
  }
}

/** Returns the named variables, or throws one error listing every one that is missing or empty. */
export function requireEnv<const Name extends string>(read: EnvReader, names: readonly Name[]): Record<Name, string> {
  const values = {} as Record<Name, string>
  const missing: string[] = []
  for (const name of names) {
    const value = read(name)
    if (value) values[name] = value
    else missing.push(name)
  }
  if (missing.length > 0) throw new MissingEnvError(missing)
  return values
}

export interface JsonWebKeySet {
  keys: JWK[]
}

/** What Supabase gives every function (hosted, `supabase functions serve`, and the local stack). */
export interface SupabaseEnv {
  url: string
  anonKey: string
  serviceRoleKey: string
  /** The auth server's public keys, when the platform provides them: user tokens verify without a fetch. */
  jwks?: JsonWebKeySet
}

export function readSupabaseEnv(read: EnvReader): SupabaseEnv {
  const env = requireEnv(read, ['SUPABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY'])
  return {
    url: env.SUPABASE_URL,
    anonKey: env.SUPABASE_ANON_KEY,
    serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY,
    jwks: parseJwks(read('SUPABASE_JWKS')),
  }
}

function parseJwks(text: string | undefined): JsonWebKeySet | undefined {
  if (!text) return undefined
  const parsed: unknown = JSON.parse(text)
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as JsonWebKeySet).keys)) {
    throw new Error('SUPABASE_JWKS is not a JSON Web Key Set ({"keys": [...]})')
  }
  return parsed as JsonWebKeySet
}
