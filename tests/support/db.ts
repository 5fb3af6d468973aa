/**
 * SQL-level access for database tests: run statements as a given user under RLS, the way PostgREST
 * does (role + request.jwt.claims, transaction-local), always rolled back so tests stay independent.
 */
import pg from 'pg'
import { getStack } from './stack.ts'

export const DEMO = {
  password: 'atende123',
  admin: { id: '00000000-0000-4000-a000-000000000001', email: 'admin@atende.local' },
  supervisor: { id: '00000000-0000-4000-a000-000000000002', email: 'supervisor@atende.local' },
  carla: { id: '00000000-0000-4000-a000-000000000003', email: 'carla@atende.local' },
  bruno: { id: '00000000-0000-4000-a000-000000000004', email: 'bruno@atende.local' },
  diego: { id: '00000000-0000-4000-a000-000000000005', email: 'diego@atende.local' },
  observer: { id: '00000000-0000-4000-a000-000000000006', email: 'observador@atende.local' },
  teams: {
    support: '00000000-0000-4000-b000-000000000001',
    finance: '00000000-0000-4000-b000-000000000002',
  },
} as const

export type Actor = { role: 'anon' } | { role: 'authenticated', userId: string } | { role: 'service_role' }

export const anon: Actor = { role: 'anon' }
export const asUser = (userId: string): Actor => ({ role: 'authenticated', userId })
export const serviceRole: Actor = { role: 'service_role' }

let pool: pg.Pool | undefined

/** Owner (`postgres`) pool: a member of the API roles, so it can `set role` like PostgREST's authenticator. */
export function ownerPool(): pg.Pool {
  pool ??= new pg.Pool({ connectionString: getStack().dbUrl, max: 4 })
  return pool
}

export async function closeOwnerPool(): Promise<void> {
  await pool?.end()
  pool = undefined
}

/**
 * Runs `work` as `actor` in a transaction that is always rolled back. Errors from `work` propagate
 * (with the SQLSTATE in `code`), so tests can assert denials.
 */
export async function runAs<T>(actor: Actor, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await ownerPool().connect()
  try {
    await client.query('begin')
    const claims = actor.role === 'authenticated'
      ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' }
      : { role: actor.role }
    await client.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
    return await work(client)
  }
  finally {
    await client.query('rollback').catch(() => {})
    client.release()
  }
}

/** Convenience: the rows of one query run as `actor`. */
export function queryAs<R extends pg.QueryResultRow = pg.QueryResultRow>(actor: Actor, sql: string, params: unknown[] = []): Promise<R[]> {
  return runAs(actor, async client => (await client.query<R>(sql, params)).rows)
}

/** The SQLSTATE of the error `promise` rejects with (fails the test if it resolves). */
export async function sqlErrorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  }
  catch (error) {
    return (error as { code?: string }).code ?? 'unknown'
  }
  throw new Error('expected the statement to fail, but it succeeded')
}
