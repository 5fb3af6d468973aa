/**
 * The environment functions run with, as `supabase functions serve` builds it: the platform's SUPABASE_*
 * variables plus the project's secrets from supabase/functions/.env — and nothing else from the Node
 * process, so the developer's shell variables never leak into functions.
 */
import { existsSync, readFileSync } from 'node:fs'

/**
 * Parses a dotenv file: `KEY=value`, optional `export `, `#` comments, single quotes (literal), double
 * quotes (with \n, \t, \", \\ escapes, may span lines) and inline ` #` comments after unquoted values.
 */
export function parseDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim()
    if (line === '' || line.startsWith('#')) continue
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line)
    if (!match) throw new Error(`line ${index + 1}: expected KEY=value`)
    const [, key = '', rest = ''] = match
    if (rest.startsWith('"')) {
      let raw = rest.slice(1)
      while (!/(^|[^\\])(\\\\)*"/.test(raw) && index + 1 < lines.length) raw += `\n${lines[++index]}`
      const closing = /^((?:[^"\\]|\\.)*)"/.exec(raw)
      if (!closing) throw new Error(`line ${index + 1}: unterminated double-quoted value for ${key}`)
      values[key] = (closing[1] ?? '').replace(/\\([nrt"\\])/g, (_, escape: string) => ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[escape] ?? escape)
    }
    else if (rest.startsWith('\'')) {
      const closing = /^'([^']*)'/.exec(rest)
      if (!closing) throw new Error(`line ${index + 1}: unterminated single-quoted value for ${key}`)
      values[key] = closing[1] ?? ''
    }
    else {
      values[key] = rest.replace(/\s+#.*$/, '').trim()
    }
  }
  return values
}

export interface PlatformEnv {
  /** The gateway's public URL (functions call auth, rest and storage through it). */
  url: string
  anonKey: string
  serviceRoleKey: string
  publishableKey: string
  secretKey: string
  dbUrl: string
  jwks: { keys: unknown[] }
}

export interface FunctionsEnv {
  env: Record<string, string>
  /** Secrets from .env that were dropped because the platform owns the SUPABASE_ prefix. */
  ignoredSecrets: string[]
}

/** Builds the env of the functions host; `runtime` holds the host's own settings (e.g. DENO_DIR). */
export function buildFunctionsEnv(platform: PlatformEnv, secrets: Record<string, string>, runtime: Record<string, string> = {}): FunctionsEnv {
  const ignoredSecrets = Object.keys(secrets).filter(name => name.startsWith('SUPABASE_'))
  const projectSecrets = Object.fromEntries(Object.entries(secrets).filter(([name]) => !name.startsWith('SUPABASE_')))
  return {
    ignoredSecrets,
    env: {
      ...runtime,
      ...projectSecrets,
      SUPABASE_URL: platform.url,
      SUPABASE_ANON_KEY: platform.anonKey,
      SUPABASE_SERVICE_ROLE_KEY: platform.serviceRoleKey,
      SUPABASE_DB_URL: platform.dbUrl,
      SUPABASE_JWKS: JSON.stringify(platform.jwks),
      SUPABASE_PUBLISHABLE_KEYS: JSON.stringify({ default: platform.publishableKey }),
      SUPABASE_SECRET_KEYS: JSON.stringify({ default: platform.secretKey }),
    },
  }
}

/** The project's function secrets (supabase/functions/.env, git-ignored); none when the file is absent. */
export function loadFunctionSecrets(envFile: string): Record<string, string> {
  if (!existsSync(envFile)) return {}
  try {
    return parseDotenv(readFileSync(envFile, 'utf8'))
  }
  catch (error) {
    throw new Error(`${envFile}: ${(error as Error).message}`, { cause: error })
  }
}
