/**
 * Database access for the storage service. Every statement runs in a transaction whose role and
 * claims are set exactly as Supabase Storage does (`src/internal/database/postgres/scope.ts`), so the
 * project's RLS policies on storage.objects and storage.buckets decide. "Super user" operations run as
 * service_role, like Storage's service-key user.
 */
import type pg from 'pg'
import { inTransaction } from '../db.ts'
import type { JwtClaims } from '../keys.ts'

/** Who is calling: the verified JWT (or anon when a route allows an invalid/missing token). */
export interface Principal {
  role: string
  claims: JwtClaims
  jwt: string
  /** False when a route that allows it fell back to anon (no or invalid token). */
  isAuthenticated: boolean
}

/** The request facts that Storage exposes to SQL through `request.*` settings. */
export interface RequestFacts {
  method: string
  path: string
  headers: Record<string, unknown>
  operation: string
}

const SCOPE_SQL = `select
  set_config('role', $1, true),
  set_config('request.jwt.claim.role', $2, true),
  set_config('request.jwt', $3, true),
  set_config('request.jwt.claim.sub', $4, true),
  set_config('request.jwt.claims', $5, true),
  set_config('request.headers', $6, true),
  set_config('request.method', $7, true),
  set_config('request.path', $8, true),
  set_config('storage.operation', $9, true),
  set_config('storage.allow_delete_query', 'true', true)`

/** Thrown inside a transaction to roll back a permission probe that succeeded. */
const PERMISSION_PROBE_ROLLBACK = Symbol('permission probe rollback')

export class StorageDb {
  constructor(
    private readonly pool: pg.Pool,
    readonly principal: Principal,
    private readonly facts: RequestFacts,
    private readonly superUser: Principal,
  ) {}

  /** The same request, as the service role: RLS no longer applies. */
  asSuperUser(): StorageDb {
    return new StorageDb(this.pool, this.superUser, this.facts, this.superUser)
  }

  /** The subject of the caller's token (the uploader/owner), if any. */
  get owner(): string | undefined {
    return typeof this.principal.claims.sub === 'string' ? this.principal.claims.sub : undefined
  }

  async transaction<T>(run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return inTransaction(this.pool, async (client) => {
      await client.query(SCOPE_SQL, [
        this.principal.role,
        this.principal.role,
        this.principal.jwt,
        this.owner ?? '',
        JSON.stringify(this.principal.claims),
        JSON.stringify(this.facts.headers),
        this.facts.method,
        this.facts.path,
        this.facts.operation,
      ])
      return run(client)
    })
  }

  /**
   * Runs `probe` in a transaction that is always rolled back: Storage's `testPermission`, used to ask
   * RLS whether an insert/upsert/update would be allowed before any bytes are written.
   */
  async testPermission<T>(probe: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let result: T | undefined
    try {
      await this.transaction(async (client) => {
        result = await probe(client)
        throw PERMISSION_PROBE_ROLLBACK
      })
    }
    catch (error) {
      if (error !== PERMISSION_PROBE_ROLLBACK) throw error
    }
    return result as T
  }
}
