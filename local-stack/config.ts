/**
 * Ports, paths and keys of the local stack. One place, so the CLI, the tests and the app agree.
 * The defaults mirror the Supabase CLI (gateway on 54321, Postgres on 54322) so docs and habits carry over.
 */
import { resolve } from 'node:path'

export const PROJECT_ROOT = resolve(import.meta.dirname, '..')

export interface StackPorts {
  /** The Supabase URL: auth, rest, realtime, storage and functions behind one gateway. */
  gateway: number
  postgres: number
  postgrest: number
  functions: number
  /** WhatsApp simulator: fake Evolution API, fake Graph API, control API and the customer phone page. */
  simulator: number
}

export const DEFAULT_PORTS: StackPorts = {
  gateway: 54321,
  postgres: 54322,
  postgrest: 54323,
  functions: 54324,
  simulator: 54325,
}

/** Global API key of the simulator's fake Evolution API (what an admin types as the server's API key). */
export const SIMULATOR_EVOLUTION_API_KEY = 'atende-simulador'

/** The legacy HS256 secret of the Supabase CLI; anon and service_role keys are signed with it. */
export const LEGACY_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long'

/** Opaque API keys of the new format, the same defaults the Supabase CLI prints. */
export const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH'
export const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz'

/** Superuser created by initdb; platform services (auth, storage, realtime) connect as it. */
export const DB_SUPERUSER = 'supabase_admin'
export const DB_SUPERUSER_PASSWORD = 'postgres'
/** Non-superuser project owner that applies migrations and seed, as on hosted Supabase. */
export const DB_OWNER = 'postgres'
export const DB_OWNER_PASSWORD = 'postgres'
export const DB_NAME = 'postgres'

export const PATHS = {
  platformSql: resolve(PROJECT_ROOT, 'local-stack/sql'),
  migrations: resolve(PROJECT_ROOT, 'supabase/migrations'),
  seed: resolve(PROJECT_ROOT, 'supabase/seed.sql'),
  functions: resolve(PROJECT_ROOT, 'supabase/functions'),
  supabaseConfig: resolve(PROJECT_ROOT, 'supabase/config.toml'),
  defaultDataDir: resolve(PROJECT_ROOT, '.data/local-stack'),
}

/** Access tokens live one hour, like GoTrue's default; must exceed supabase-js's 90 s refresh margin. */
export const ACCESS_TOKEN_TTL_SECONDS = 3600
