/**
 * The analytics API's database side (supabase/migrations/*_analytics_api.sql): API keys created and
 * revoked by admins only, shown once and stored hashed; authorize_api_key's answers (401, 403, 429 with
 * retry_after, last use recorded); analytics_page's keyset paging and incremental fetch.
 */
import { createHash, randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, ownerPool, queryAs, runAs, serviceRole, sqlErrorCode } from '../support/db.ts'
import { createChannel, createContact } from '../support/fixtures.ts'
import { getStack } from '../support/stack.ts'

afterAll(closeOwnerPool)

const admin = asUser(DEMO.admin.id)
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

interface CreatedKey { id: string, key: string, key_prefix: string, scopes: string[] }

/** One statement as `claims`' role, committed (runAs rolls back; the API's calls are separate requests). */
async function committed<T>(claims: Record<string, unknown>, sql: string, params: unknown[]): Promise<T> {
  const client = await ownerPool().connect()
  try {
    await client.query('begin')
    await client.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [claims.role, JSON.stringify(claims)])
    const { rows: [row] } = await client.query(sql, params)
    await client.query('commit')
    return row.result as T
  }
  finally {
    client.release()
  }
}

function createKey(scopes: string[], options: { expiresAt?: Date, rate?: number } = {}): Promise<CreatedKey> {
  return committed({ sub: DEMO.admin.id, role: 'authenticated' }, 'select public.create_api_key($1, $2, $3, $4) as result',
    [`Chave ${randomUUID().slice(0, 6)}`, scopes, options.expiresAt ?? null, options.rate ?? 60])
}

const authorize = (key: string, dataset: string | null) =>
  committed<Record<string, unknown>>({ role: 'service_role' }, 'select public.authorize_api_key($1, $2) as result', [sha256(key), dataset])

describe('create_api_key / revoke_api_key', () => {
  it('gives the admin the key once and stores only its hash', async () => {
    const created = await createKey(['tickets', 'daily', 'tickets'])
    expect(created.key).toMatch(/^atd_[A-Za-z0-9_-]{40}$/)
    expect(created.key_prefix).toBe(created.key.slice(0, 12))
    expect(created.scopes).toEqual(['daily', 'tickets'])
    const { rows: [stored] } = await ownerPool().query('select key_hash, created_by from public.api_keys where id = $1', [created.id])
    expect(stored).toEqual({ key_hash: sha256(created.key), created_by: DEMO.admin.id })
    // Admins list keys but the hash column is not readable from the API.
    expect(await sqlErrorCode(queryAs(admin, 'select key_hash from public.api_keys'))).toBe('42501')
    expect(await queryAs(admin, 'select name from public.api_keys where id = $1', [created.id])).toHaveLength(1)
  })

  it('is refused to everyone but admins, and validates in pt-BR', async () => {
    for (const actor of [asUser(DEMO.supervisor.id), asUser(DEMO.carla.id), anon]) {
      expect(await sqlErrorCode(queryAs(actor, `select public.create_api_key('x', '{tickets}')`))).toBe('42501')
      expect(await sqlErrorCode(queryAs(actor, 'select public.revoke_api_key($1)', [randomUUID()]))).toBe('42501')
    }
    await runAs(admin, async (db) => {
      const attempt = async (sql: string) => {
        await db.query('savepoint a')
        try {
          await db.query(sql)
          return null
        }
        catch (error) {
          await db.query('rollback to savepoint a')
          return (error as { message: string }).message
        }
      }
      expect(await attempt(`select public.create_api_key(' ', '{tickets}')`)).toBe('invalid_name')
      expect(await attempt(`select public.create_api_key('x', '{}')`)).toBe('scopes_required')
      expect(await attempt(`select public.create_api_key('x', '{senhas}')`)).toBe('unknown_scope')
      expect(await attempt(`select public.create_api_key('x', '{tickets}', now() - interval '1 day')`)).toBe('invalid_expiry')
      expect(await attempt(`select public.create_api_key('x', '{tickets}', null, 0)`)).toBe('invalid_rate_limit')
    })
  })
})

describe('authorize_api_key', () => {
  it('accepts a valid key for its datasets and records the last use', async () => {
    const created = await createKey(['tickets'])
    expect(await authorize(created.key, 'tickets')).toMatchObject({ ok: true, status: 200, key_id: created.id })
    const { rows: [used] } = await ownerPool().query('select last_used_at from public.api_keys where id = $1', [created.id])
    expect(used.last_used_at).toBeInstanceOf(Date)
  })

  it('answers 401 for unknown, revoked and expired keys, 403 outside the scopes', async () => {
    expect(await authorize('atd_nao-existe', 'tickets')).toMatchObject({ ok: false, status: 401, code: 'invalid_api_key' })
    const scoped = await createKey(['daily'])
    expect(await authorize(scoped.key, 'tickets')).toMatchObject({ status: 403, code: 'dataset_not_allowed', message: 'Esta chave não tem permissão para o conjunto de dados "tickets".' })
    const all = await createKey(['*'])
    expect(await authorize(all.key, 'messages')).toMatchObject({ ok: true })

    await committed({ sub: DEMO.admin.id, role: 'authenticated' }, 'select public.revoke_api_key($1) as result', [all.id])
    expect(await authorize(all.key, 'messages')).toMatchObject({ status: 401, code: 'revoked_api_key' })

    const expiring = await createKey(['*'], { expiresAt: new Date(Date.now() + 60_000) })
    await ownerPool().query(`update public.api_keys set expires_at = now() - interval '1 second' where id = $1`, [expiring.id])
    expect(await authorize(expiring.key, 'tickets')).toMatchObject({ status: 401, code: 'expired_api_key' })
  })

  it('revoke_api_key returns the row without the hash', async () => {
    const created = await createKey(['*'])
    const { revoked } = (await queryAs(admin, 'select to_jsonb(public.revoke_api_key($1)) as revoked', [created.id]))[0]!
    expect(revoked).toMatchObject({ id: created.id, key_hash: null })
    expect(revoked.revoked_at).toBeTruthy()
  })

  it('answers 429 with retry_after once the per-minute limit is used up', async () => {
    const created = await createKey(['*'], { rate: 3 })
    for (let i = 0; i < 3; i++) expect((await authorize(created.key, 'daily')).ok).toBe(true)
    const limited = await authorize(created.key, 'daily')
    expect(limited).toMatchObject({ ok: false, status: 429, code: 'rate_limited', message: 'Limite de 3 requisições por minuto atingido. Tente novamente em instantes.' })
    expect(limited.retry_after).toBeGreaterThanOrEqual(1)
    expect(limited.retry_after).toBeLessThanOrEqual(60)
  })

  it('is for the service role only', async () => {
    expect(await sqlErrorCode(queryAs(admin, `select public.authorize_api_key('x', 'tickets')`))).toBe('42501')
    expect(await sqlErrorCode(queryAs(admin, `select public.analytics_page('tickets')`))).toBe('42501')
  })
})

describe('analytics_page', () => {
  it('pages a dataset by its key and fetches only rows changed since a time', async () => {
    const channel = await createChannel()
    const updated = ['2031-01-01T10:00:00Z', '2031-01-01T11:00:00Z', '2031-01-01T12:00:00Z']
    const ticketIds: string[] = []
    for (let i = 0; i < updated.length; i++) {
      const contact = await createContact()
      const { rows: [row] } = await ownerPool().query(
        `insert into public.tickets (channel_id, contact_id, status) values ($1, $2, 'bot') returning id`, [channel.id, contact.id])
      ticketIds.push(row.id)
    }
    // updated_at is stamped by a trigger on every update: set known times with triggers off for this
    // session only (superuser), so tests running alongside are not affected.
    const superuser = new pg.Client({ connectionString: getStack().superuserDbUrl })
    await superuser.connect()
    try {
      await superuser.query(`set session_replication_role = replica`)
      for (const [index, id] of ticketIds.entries()) await superuser.query('update public.tickets set updated_at = $2 where id = $1', [id, updated[index]])
    }
    finally {
      await superuser.end()
    }

    const page = async (after: unknown) => (await queryAs(serviceRole,
      `select public.analytics_page('tickets', '2031-01-01T00:00:00Z', $1, 2) as page`, [after === null ? null : JSON.stringify(after)]))[0]!.page
    const first = await page(null)
    expect(first.rows.map((r: { ticket_id: string }) => r.ticket_id)).toEqual(ticketIds.slice(0, 2))
    expect(first.next).toEqual({ updated_at: first.rows[1].updated_at, ticket_id: ticketIds[1] })
    const second = await page(first.next)
    expect(second.rows.map((r: { ticket_id: string }) => r.ticket_id)).toEqual([ticketIds[2]])
    expect(second.next).toBeNull()

    const { page: later } = (await queryAs(serviceRole, `select public.analytics_page('tickets', '2031-01-01T11:30:00Z', null, 100) as page`))[0]!
    expect(later.rows.map((r: { ticket_id: string }) => r.ticket_id)).toEqual([ticketIds[2]])
  })

  it('refuses unknown datasets, bad limits and forged cursors in pt-BR', async () => {
    const message = async (sql: string) => {
      try {
        await queryAs(serviceRole, sql)
        return null
      }
      catch (error) {
        return (error as { message: string }).message
      }
    }
    expect(await message(`select public.analytics_page('senhas')`)).toBe('unknown_dataset')
    expect(await message(`select public.analytics_page('tickets', null, null, 0)`)).toBe('invalid_limit')
    expect(await message(`select public.analytics_page('tickets', null, '{"x": 1}')`)).toBe('invalid_cursor')
    expect(await message(`select public.analytics_page('tickets', null, '{"updated_at": "2020-01-01", "ticket_id": "1; drop table x"}')`)).not.toBeNull()
  })
})
