import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, queryAs, runAs, serviceRole, sqlErrorCode } from '../support/db.ts'

afterAll(closeOwnerPool)

describe('profiles', () => {
  it('are created for every auth user with the seed roles', async () => {
    const rows = await queryAs<{ email: string, role: string }>(serviceRole, 'select email, role from public.profiles order by email')
    expect(Object.fromEntries(rows.map(row => [row.email, row.role]))).toMatchObject({
      'admin@atende.local': 'admin',
      'supervisor@atende.local': 'supervisor',
      'carla@atende.local': 'agent',
      'observador@atende.local': 'observer',
    })
  })

  it('are readable by signed-in users and invisible to anon', async () => {
    const asCarla = await queryAs(asUser(DEMO.carla.id), 'select id from public.profiles')
    expect(asCarla.length).toBeGreaterThanOrEqual(6)
    expect(await sqlErrorCode(queryAs(anon, 'select id from public.profiles'))).toBe('42501')
  })

  it('let a user rename themself but not someone else', async () => {
    await runAs(asUser(DEMO.carla.id), async (db) => {
      const own = await db.query(`update public.profiles set full_name = 'Carla S.' where id = $1 returning full_name`, [DEMO.carla.id])
      expect(own.rows).toEqual([{ full_name: 'Carla S.' }])
      const other = await db.query(`update public.profiles set full_name = 'Hacked' where id = $1`, [DEMO.bruno.id])
      expect(other.rowCount).toBe(0)
    })
  })

  it('do not let users change their own role or active flag', async () => {
    expect(await sqlErrorCode(queryAs(asUser(DEMO.carla.id), `update public.profiles set role = 'admin' where id = $1`, [DEMO.carla.id]))).toBe('42501')
    expect(await sqlErrorCode(queryAs(asUser(DEMO.carla.id), `update public.profiles set active = false where id = $1`, [DEMO.carla.id]))).toBe('42501')
  })

  it('my_profile returns only the caller', async () => {
    const [row] = await queryAs<{ id: string, role: string }>(asUser(DEMO.observer.id), 'select id, role from public.my_profile()')
    expect(row).toEqual({ id: DEMO.observer.id, role: 'observer' })
  })
})

describe('teams and members', () => {
  it('are readable by every signed-in user', async () => {
    const teams = await queryAs<{ name: string }>(asUser(DEMO.diego.id), 'select name from public.teams order by name')
    expect(teams.map(team => team.name)).toEqual(['Financeiro', 'Suporte Técnico'])
    const members = await queryAs(asUser(DEMO.diego.id), 'select * from public.team_members where team_id = $1', [DEMO.teams.support])
    expect(members.length).toBe(3)
  })

  it('can be created only by admins', async () => {
    const created = await queryAs<{ name: string }>(asUser(DEMO.admin.id), `insert into public.teams (name) values ('Comercial') returning name`)
    expect(created).toEqual([{ name: 'Comercial' }])
    expect(await sqlErrorCode(queryAs(asUser(DEMO.carla.id), `insert into public.teams (name) values ('Comercial')`))).toBe('42501')
    expect(await sqlErrorCode(queryAs(asUser(DEMO.supervisor.id), `insert into public.teams (name) values ('Comercial')`))).toBe('42501')
    expect(await sqlErrorCode(queryAs(anon, `insert into public.teams (name) values ('Comercial')`))).toBe('42501')
  })

  it('membership changes only by admins', async () => {
    const added = await queryAs(asUser(DEMO.admin.id), 'insert into public.team_members (team_id, user_id) values ($1, $2) returning user_id', [DEMO.teams.finance, DEMO.carla.id])
    expect(added).toHaveLength(1)
    expect(await sqlErrorCode(queryAs(asUser(DEMO.carla.id), 'insert into public.team_members (team_id, user_id) values ($1, $2)', [DEMO.teams.finance, DEMO.carla.id]))).toBe('42501')
    await runAs(asUser(DEMO.observer.id), async (db) => {
      const removed = await db.query('delete from public.team_members where team_id = $1', [DEMO.teams.support])
      expect(removed.rowCount).toBe(0)
    })
  })

  it('rejects invalid team colours', async () => {
    expect(await sqlErrorCode(queryAs(asUser(DEMO.admin.id), `insert into public.teams (name, color) values ('X', 'red')`))).toBe('23514')
  })

  it('deactivated admins lose their powers', async () => {
    await runAs(serviceRole, async (db) => {
      await db.query('update public.profiles set active = false where id = $1', [DEMO.admin.id])
      await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: DEMO.admin.id, role: 'authenticated' })])
      const inserted = await db.query(`insert into public.teams (name) values ('Z') returning id`).catch((error: { code: string }) => error.code)
      expect(inserted).toBe('42501')
    })
  })
})
