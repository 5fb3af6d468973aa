/**
 * supabase/migrations/*_administration.sql: round-robin auto-assignment, the delete guards, user
 * administration (admin_save_user, admin_set_user_active, the first admin), save_chatbot and the
 * company time zone. Each rule is tried allowed and denied; everything runs inside runAs (rolled back).
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, runAs, serviceRole, type Actor } from '../support/db.ts'
import { createChannel, createContact } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

const SEED_CHANNEL = '00000000-0000-4000-d000-000000000001'
const admin = asUser(DEMO.admin.id)

interface Refusal { code: string, message: string, detail: string | undefined, hint: string | undefined }

/** The error of a statement run in its own savepoint (the transaction goes on). */
async function refusal(db: pg.PoolClient, sql: string, params: unknown[] = []): Promise<Refusal> {
  await db.query('savepoint attempt')
  try {
    await db.query(sql, params)
  }
  catch (error) {
    await db.query('rollback to savepoint attempt')
    const { code, message, detail, hint } = error as pg.DatabaseError
    return { code: code ?? '', message, detail, hint }
  }
  throw new Error(`expected a refusal: ${sql}`)
}

/** Creates a user (auth + profile via the trigger) inside the transaction, as the owner (auth schema). */
async function newUser(db: pg.PoolClient, role: string, fullName = 'Pessoa Teste'): Promise<string> {
  const id = randomUUID()
  const { rows: [{ actor }] } = await db.query('select current_user as actor')
  await db.query('reset role')
  try {
    await db.query(`insert into auth.users (id, email, raw_user_meta_data) values ($1, $2, $3)`, [id, `${id}@teste.local`, { full_name: fullName }])
    await db.query('update public.profiles set role = $2 where id = $1', [id, role])
  }
  finally {
    await db.query(`select set_config('role', $1, true)`, [actor])
  }
  return id
}

async function newTeam(db: pg.PoolClient, autoAssign: boolean, members: string[]): Promise<string> {
  const { rows: [team] } = await db.query('insert into public.teams (name, auto_assign) values ($1, $2) returning id', [`Equipe ${randomUUID().slice(0, 8)}`, autoAssign])
  for (const member of members) await db.query('insert into public.team_members (team_id, user_id) values ($1, $2)', [team.id, member])
  return team.id
}

async function queueTicket(db: pg.PoolClient, teamId: string, channelId: string): Promise<{ id: string, status: string, assignee_id: string | null }> {
  const contact = await createContact()
  const { rows: [ticket] } = await db.query(
    `insert into public.tickets (channel_id, contact_id, status) values ($1, $2, 'bot') returning id`, [channelId, contact.id])
  const { rows: [queued] } = await db.query(
    `update public.tickets set status = 'queued', team_id = $2, queued_at = now() where id = $1 returning id, status, assignee_id`, [ticket.id, teamId])
  return queued
}

describe('round-robin auto-assignment', () => {
  it('hands tickets entering the queue to the active members in turn and records it', async () => {
    const channel = await createChannel()
    await runAs(serviceRole, async (db) => {
      const first = await newUser(db, 'agent')
      const second = await newUser(db, 'supervisor')
      const observer = await newUser(db, 'observer')
      const team = await newTeam(db, true, [first, second, observer])

      const tickets = []
      for (let i = 0; i < 4; i++) tickets.push(await queueTicket(db, team, channel.id))
      // The writer gets the assigned row back; observers never get tickets.
      expect(tickets.map(t => t.status)).toEqual(['open', 'open', 'open', 'open'])
      // Both joined in the same instant here, so who starts is arbitrary; then they alternate.
      const [a, b] = [tickets[0]!.assignee_id, tickets[1]!.assignee_id]
      expect(new Set([a, b])).toEqual(new Set([first, second]))
      expect(tickets.map(t => t.assignee_id)).toEqual([a, b, a, b])

      const { rows: events } = await db.query(
        `select type, to_agent_id, data from public.ticket_events where ticket_id = $1 order by created_at, id`, [tickets[0]!.id])
      expect(events).toEqual([{ type: 'auto_assigned', to_agent_id: a, data: { rule: 'round_robin' } }])

      // A deactivated member is skipped.
      await db.query('update public.profiles set active = false where id = $1', [a])
      expect((await queueTicket(db, team, channel.id)).assignee_id).toBe(b)
      expect((await queueTicket(db, team, channel.id)).assignee_id).toBe(b)
    })
  })

  it('leaves the ticket waiting when the team does not distribute or has nobody to give it to', async () => {
    const channel = await createChannel()
    await runAs(serviceRole, async (db) => {
      const agent = await newUser(db, 'agent')
      const manual = await newTeam(db, false, [agent])
      expect(await queueTicket(db, manual, channel.id)).toMatchObject({ status: 'queued', assignee_id: null })
      const empty = await newTeam(db, true, [])
      expect(await queueTicket(db, empty, channel.id)).toMatchObject({ status: 'queued', assignee_id: null })
    })
  })

  it('applies to transfers into an auto-assigning team', async () => {
    const channel = await createChannel()
    await runAs(serviceRole, async (db) => {
      const agent = await newUser(db, 'agent')
      const team = await newTeam(db, true, [agent])
      const contact = await createContact()
      const { rows: [ticket] } = await db.query(
        `insert into public.tickets (channel_id, contact_id, status, team_id, assignee_id, queued_at, accepted_at)
         values ($1, $2, 'open', $3, $4, now(), now()) returning id`, [channel.id, contact.id, DEMO.teams.support, DEMO.carla.id])
      await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: DEMO.carla.id, role: 'authenticated' })])
      await db.query('set local role authenticated')
      const { rows: [moved] } = await db.query('select status, assignee_id from public.transfer_ticket($1, $2)', [ticket.id, team])
      expect(moved).toEqual({ status: 'open', assignee_id: agent })
    })
  })
})

describe('delete guards', () => {
  it('refuses to delete a team with waiting tickets or on a bot menu, and allows it otherwise', async () => {
    await runAs(admin, async (db) => {
      const busy = await refusal(db, 'delete from public.teams where id = $1', [DEMO.teams.support])
      expect(busy).toMatchObject({ code: 'P0001', message: 'team_in_use' })
      expect(busy.detail).toMatch(/^A equipe "Suporte Técnico" (tem \d+ atendimento|é uma opção do menu)/)

      const { rows: [team] } = await db.query(`insert into public.teams (name) values ('Equipe no menu') returning id`)
      await db.query(`insert into public.bot_menu_options (channel_id, position, label, team_id) values ($1, 9, 'Nove', $2)`, [SEED_CHANNEL, team.id])
      const onMenu = await refusal(db, 'delete from public.teams where id = $1', [team.id])
      expect(onMenu.detail).toBe('A equipe "Equipe no menu" é uma opção do menu do chatbot da conexão "Atendimento Principal". Troque a opção antes de excluí-la.')
      await db.query('delete from public.bot_menu_options where team_id = $1', [team.id])
      expect((await db.query('delete from public.teams where id = $1', [team.id])).rowCount).toBe(1)
    })
  })

  it('refuses to delete a channel with history (deactivate instead) and a classification in use', async () => {
    await runAs(admin, async (db) => {
      const channel = await refusal(db, 'delete from public.channels where id = $1', [SEED_CHANNEL])
      expect(channel).toMatchObject({ code: 'P0001', message: 'channel_has_history' })
      expect(channel.detail).toMatch(/^A conexão "Atendimento Principal" já tem conversas registradas .* Desative-a/)

      const { rows: [used] } = await db.query(`select classification_id as id from public.tickets where classification_id is not null limit 1`)
      const classification = await refusal(db, 'delete from public.classifications where id = $1', [used.id])
      expect(classification).toMatchObject({ code: 'P0001', message: 'classification_in_use' })
      expect(classification.detail).toMatch(/está em \d+ atendimento\(s\) e não pode ser excluída\. Desative-a/)

      const { rows: [unused] } = await db.query(`insert into public.classifications (name) values ('Sem uso') returning id`)
      expect((await db.query('delete from public.classifications where id = $1', [unused.id])).rowCount).toBe(1)
      const spare = await createChannel()
      expect((await db.query('delete from public.channels where id = $1', [spare.id])).rowCount).toBe(1)
    })
  })
})

describe('admin_save_user', () => {
  const save = (db: pg.PoolClient, id: string, name: string, role: string, teams: string[]) =>
    db.query('select id, full_name, role from public.admin_save_user($1, $2, $3, $4::uuid[])', [id, name, role, teams])

  it('lets an admin set name, role and teams at once', async () => {
    await runAs(admin, async (db) => {
      const { rows: [saved] } = await save(db, DEMO.bruno.id, '  Bruno Lima  ', 'supervisor', [DEMO.teams.finance])
      expect(saved).toEqual({ id: DEMO.bruno.id, full_name: 'Bruno Lima', role: 'supervisor' })
      const { rows } = await db.query('select team_id from public.team_members where user_id = $1', [DEMO.bruno.id])
      expect(rows).toEqual([{ team_id: DEMO.teams.finance }])
    })
  })

  it('is refused to everyone but admins', async () => {
    for (const actor of [asUser(DEMO.supervisor.id), asUser(DEMO.carla.id), asUser(DEMO.observer.id)] as Actor[]) {
      await runAs(actor, async (db) => {
        expect(await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.bruno.id, 'B', 'admin', []]))
          .toMatchObject({ code: '42501', message: 'not_allowed' })
      })
    }
    await runAs(anon, async (db) => {
      expect((await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.bruno.id, 'B', 'admin', []])).code).toBe('42501')
    })
  })

  it('validates with pt-BR messages naming the field, and keeps at least one active admin', async () => {
    await runAs(admin, async (db) => {
      expect(await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.bruno.id, ' ', 'agent', []]))
        .toMatchObject({ message: 'invalid_name', hint: 'field=full_name', detail: 'Informe o nome (até 120 caracteres).' })
      expect((await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.bruno.id, 'B', 'chefe', []])).message).toBe('invalid_role')
      expect((await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.bruno.id, 'B', 'agent', [randomUUID()]])).message).toBe('team_not_found')
      const lastAdmin = await refusal(db, 'select public.admin_save_user($1, $2, $3, $4::uuid[])', [DEMO.admin.id, 'Admin', 'agent', []])
      expect(lastAdmin).toMatchObject({ message: 'last_admin', detail: 'Esta é a única conta de administrador ativa. Torne outra pessoa administradora antes.' })
      // With a second admin, the first may step down.
      await save(db, DEMO.supervisor.id, 'Supervisora', 'admin', [])
      expect((await save(db, DEMO.admin.id, 'Admin', 'agent', [])).rows[0].role).toBe('agent')
    })
  })

  it('sends the tickets of someone who becomes an observer back to the queue', async () => {
    await runAs(admin, async (db) => {
      const { rows: before } = await db.query(`select id from public.tickets where assignee_id = $1 and status = 'open'`, [DEMO.carla.id])
      expect(before.length).toBeGreaterThan(0)
      await save(db, DEMO.carla.id, 'Carla', 'observer', [DEMO.teams.support])
      const { rows: after } = await db.query(`select status, assignee_id from public.tickets where id = any($1)`, [before.map(r => r.id)])
      expect(after.every(t => t.status === 'queued' && t.assignee_id === null)).toBe(true)
    })
  })
})

describe('admin_set_user_active (service role, behind the admin-users function)', () => {
  const setActive = 'select active from public.admin_set_user_active($1, $2, $3)'

  it('deactivates a person and sends their open tickets back to the queue with an event', async () => {
    await runAs(serviceRole, async (db) => {
      const { rows: open } = await db.query(`select id from public.tickets where assignee_id = $1 and status = 'open'`, [DEMO.carla.id])
      expect((await db.query(setActive, [DEMO.admin.id, DEMO.carla.id, false])).rows).toEqual([{ active: false }])
      const { rows: tickets } = await db.query(`select status from public.tickets where id = any($1)`, [open.map(r => r.id)])
      expect(tickets.every(t => t.status === 'queued')).toBe(true)
      const { rows: events } = await db.query(
        `select type, from_agent_id, data from public.ticket_events where ticket_id = $1 order by id desc limit 1`, [open[0]!.id])
      expect(events).toEqual([{ type: 'queued', from_agent_id: DEMO.carla.id, data: { reason: 'assignee_deactivated' } }])
      expect((await db.query(setActive, [DEMO.admin.id, DEMO.carla.id, true])).rows).toEqual([{ active: true }])
    })
  })

  it('refuses deactivating oneself and the last admin', async () => {
    await runAs(serviceRole, async (db) => {
      expect(await refusal(db, setActive, [DEMO.admin.id, DEMO.admin.id, false]))
        .toMatchObject({ message: 'cannot_deactivate_self', detail: 'Você não pode desativar a sua própria conta.' })
      expect((await refusal(db, setActive, [DEMO.supervisor.id, DEMO.admin.id, false])).message).toBe('last_admin')
    })
  })

  it('cannot be called from the browser', async () => {
    await runAs(admin, async (db) => {
      expect((await refusal(db, setActive, [DEMO.admin.id, DEMO.carla.id, false])).code).toBe('42501')
    })
  })
})

describe('the first admin', () => {
  it('is needed only while there is no active admin, and only one claim wins', async () => {
    await runAs(serviceRole, async (db) => {
      expect((await db.query('select public.first_admin_needed() as needed')).rows).toEqual([{ needed: false }])
      const newcomer = await newUser(db, 'agent')
      expect((await db.query('select public.claim_first_admin($1) as won', [newcomer])).rows).toEqual([{ won: false }])

      await db.query(`update public.profiles set active = false where role = 'admin'`)
      expect((await db.query('select public.first_admin_needed() as needed')).rows).toEqual([{ needed: true }])
      expect((await db.query('select public.claim_first_admin($1) as won', [newcomer])).rows).toEqual([{ won: true }])
      expect((await db.query('select role from public.profiles where id = $1', [newcomer])).rows).toEqual([{ role: 'admin' }])
      const late = await newUser(db, 'agent')
      expect((await db.query('select public.claim_first_admin($1) as won', [late])).rows).toEqual([{ won: false }])
    })
  })

  it('cannot be asked or claimed from the browser', async () => {
    for (const actor of [anon, admin]) {
      await runAs(actor, async (db) => {
        expect((await refusal(db, 'select public.first_admin_needed()')).code).toBe('42501')
        expect((await refusal(db, 'select public.claim_first_admin($1)', [DEMO.carla.id])).code).toBe('42501')
      })
    }
  })
})

describe('save_chatbot', () => {
  const saveSql = 'select public.save_chatbot($1, $2::jsonb, $3::jsonb, $4) as saved'
  // node-postgres sends JS arrays as Postgres arrays: JSON goes as text.
  const json = (value: unknown) => (value === null ? null : JSON.stringify(value))

  it('saves settings and the whole menu in order in one call', async () => {
    const channel = await createChannel()
    await runAs(admin, async (db) => {
      const { rows: [{ saved }] } = await db.query(saveSql, [channel.id, json({
        welcome_text: 'Oi! Bem-vindo.',
        max_invalid_attempts: 2,
        business_hours: { mon: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '18:00' }], sun: [] },
        holidays: ['2026-12-25'],
        timezone: 'America/Manaus',
        close_keyword: '  #tchau ',
      }), json([
        { label: 'Financeiro', team_id: DEMO.teams.finance },
        { label: ' Suporte ', team_id: DEMO.teams.support },
      ]), null])
      expect(saved.settings).toMatchObject({ welcome_text: 'Oi! Bem-vindo.', max_invalid_attempts: 2, timezone: 'America/Manaus', close_keyword: '#tchau', holidays: ['2026-12-25'] })
      expect(saved.options.map((o: { position: number, label: string }) => [o.position, o.label])).toEqual([[1, 'Financeiro'], [2, 'Suporte']])

      // Reordering replaces the menu; settings not sent stay as they were.
      const { rows: [{ saved: again }] } = await db.query(saveSql, [channel.id, '{}', json([
        { label: 'Suporte', team_id: DEMO.teams.support },
        { label: 'Financeiro', team_id: DEMO.teams.finance },
      ]), saved.settings.updated_at])
      expect(again.options.map((o: { label: string }) => o.label)).toEqual(['Suporte', 'Financeiro'])
      expect(again.settings.welcome_text).toBe('Oi! Bem-vindo.')
    })
  })

  it('refuses invalid values with a pt-BR message and the field', async () => {
    const channel = await createChannel()
    await runAs(admin, async (db) => {
      const attempt = (settings: unknown, options: unknown = null) => refusal(db, saveSql, [channel.id, json(settings), json(options), null])
      expect(await attempt({ max_invalid_attempts: 0 })).toMatchObject({ message: 'invalid_setting', hint: 'field=max_invalid_attempts' })
      expect(await attempt({ rating_timeout_minutes: 3 })).toMatchObject({ hint: 'field=rating_timeout_minutes' })
      expect(await attempt({ low_rating_threshold: 11 })).toMatchObject({ hint: 'field=low_rating_threshold' })
      expect(await attempt({ close_keyword: 'x' })).toMatchObject({ hint: 'field=close_keyword' })
      expect(await attempt({ business_hours: { mon: [{ start: '18:00', end: '08:00' }] } }))
        .toMatchObject({ message: 'invalid_business_hours', detail: 'Em segunda, o horário de início (18:00) deve ser antes do fim (08:00).' })
      expect((await attempt({ business_hours: { xyz: [] } })).detail).toBe('Dia da semana desconhecido no horário de atendimento: xyz.')
      expect((await attempt({ business_hours: { tue: [{ start: '8h', end: '18:00' }] } })).detail).toMatch(/^Horário de terça inválido: use HH:MM/)
      expect(await attempt({ timezone: 'BRT' })).toMatchObject({ message: 'invalid_timezone', hint: 'field=timezone' })
      expect(await attempt({ fallback_team_id: randomUUID() })).toMatchObject({ message: 'team_not_found', hint: 'field=fallback_team_id' })
      expect(await attempt({ channel_id: randomUUID() })).toMatchObject({ message: 'invalid_setting', detail: 'Campo desconhecido: channel_id.' })
      expect(await attempt({ welcome_text: 'x'.repeat(4097) })).toMatchObject({ message: 'text_too_long' })
      expect(await attempt({}, Array.from({ length: 10 }, (_, i) => ({ label: `Opção ${i}`, team_id: DEMO.teams.support }))))
        .toMatchObject({ message: 'menu_too_long' })
      expect(await attempt({}, [{ label: 'Suporte', team_id: DEMO.teams.support }, { label: 'Sem equipe', team_id: null }]))
        .toMatchObject({ message: 'invalid_menu_option', hint: 'field=options.2.team_id', detail: 'Escolha a equipe da opção 2 ("Sem equipe").' })
      expect(await attempt({}, [{ label: '  ', team_id: DEMO.teams.support }]))
        .toMatchObject({ hint: 'field=options.1.label', detail: 'A opção 1 precisa de um texto de 1 a 60 caracteres.' })
    })
  })

  it('tells the admin when someone else saved in between', async () => {
    const channel = await createChannel()
    await runAs(admin, async (db) => {
      const { rows: [{ updated_at: loaded }] } = await db.query('select updated_at from public.bot_settings where channel_id = $1', [channel.id])
      // Another admin saves (a later statement time than the load, as in real life).
      await db.query(`update public.bot_settings set welcome_text = 'Outro', updated_at = updated_at + interval '1 second' where channel_id = $1`, [channel.id])
      expect(await refusal(db, saveSql, [channel.id, json({ welcome_text: 'Meu' }), null, loaded]))
        .toMatchObject({ message: 'stale_settings', detail: 'Outra pessoa salvou o chatbot desta conexão enquanto você editava. Recarregue para ver a versão atual.' })
    })
  })

  it('is refused to everyone but admins', async () => {
    for (const actor of [asUser(DEMO.supervisor.id), asUser(DEMO.carla.id), anon]) {
      await runAs(actor, async (db) => {
        expect((await refusal(db, saveSql, [SEED_CHANNEL, json({ welcome_text: 'x' }), null, null])).code).toBe('42501')
      })
    }
  })
})

describe('app_settings.timezone', () => {
  it('takes an IANA zone and refuses anything else in pt-BR', async () => {
    await runAs(admin, async (db) => {
      expect((await db.query(`update public.app_settings set timezone = 'America/Recife' returning timezone`)).rows).toEqual([{ timezone: 'America/Recife' }])
      expect(await refusal(db, `update public.app_settings set timezone = 'Brasil/Horario'`))
        .toMatchObject({ code: 'P0001', message: 'invalid_timezone', hint: 'field=timezone' })
    })
  })
})
