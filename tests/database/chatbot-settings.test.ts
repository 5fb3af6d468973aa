/**
 * The chatbot's settings added by supabase/migrations/*_chatbot.sql (bot_settings.timezone and
 * inactivity_classification_id) and the demo channel's chatbot in supabase/seed.sql.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, asUser, closeOwnerPool, queryAs, runAs, serviceRole, sqlErrorCode } from '../support/db.ts'
import { createChannel } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

const SEED_CHANNEL = '00000000-0000-4000-d000-000000000001'
const admin = asUser(DEMO.admin.id)

describe('bot_settings.timezone', () => {
  it('takes an IANA zone (or null: the company\'s) and refuses what the engine could not read', async () => {
    const channel = await createChannel()
    const set = (timezone: string | null) => queryAs(admin, 'update public.bot_settings set timezone = $1 where channel_id = $2 returning timezone', [timezone, channel.id])
    expect(await set('America/Manaus')).toEqual([{ timezone: 'America/Manaus' }])
    expect(await set('Etc/GMT+3')).toEqual([{ timezone: 'Etc/GMT+3' }])
    expect(await set(null)).toEqual([{ timezone: null }])
    // Postgres alone would accept the abbreviation and the POSIX spec; Intl in the engine would not.
    for (const invalid of ['BRT', 'UTC+3', 'America/Atlantida', '', 'America/Sao_Paulo; drop table x']) {
      expect(await sqlErrorCode(set(invalid))).toBe('23514')
    }
  })
})

describe('bot_settings.inactivity_classification_id', () => {
  it('must name a classification and is cleared when that classification goes', async () => {
    const channel = await createChannel()
    await runAs(serviceRole, async (db) => {
      // A classification of its own: the demo one labels tickets, and one in use cannot be deleted.
      const { rows: [classification] } = await db.query('insert into public.classifications (name) values ($1) returning id', [`Inatividade ${randomUUID()}`])
      await db.query('update public.bot_settings set inactivity_classification_id = $1 where channel_id = $2', [classification.id, channel.id])
      await db.query('delete from public.classifications where id = $1', [classification.id])
      const { rows } = await db.query('select inactivity_classification_id from public.bot_settings where channel_id = $1', [channel.id])
      expect(rows).toEqual([{ inactivity_classification_id: null }])
    })
    expect(await sqlErrorCode(queryAs(admin, 'update public.bot_settings set inactivity_classification_id = $1 where channel_id = $2', [randomUUID(), channel.id]))).toBe('23503')
  })
})

describe('demo data (supabase/seed.sql): the chatbot', () => {
  it('opens the demo channel on weekdays 8h–18h and Saturdays 8h–12h, closed on holidays, in the company\'s zone', async () => {
    const [settings] = await queryAs(admin, 'select business_hours, holidays::text[] as holidays, timezone from public.bot_settings where channel_id = $1', [SEED_CHANNEL])
    const weekday = [{ start: '08:00', end: '18:00' }]
    expect(settings).toEqual({
      business_hours: { mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday, sat: [{ start: '08:00', end: '12:00' }] },
      holidays: ['2026-12-25', '2027-01-01'],
      timezone: null,
    })
  })

  it('warns after 30 minutes without an answer and closes 60 minutes later as "Encerrado por inatividade"', async () => {
    const [settings] = await queryAs(admin, `
      select b.inactivity_warning_minutes, b.inactivity_close_minutes, b.inactivity_warning_text, c.name as classification
      from public.bot_settings b join public.classifications c on c.id = b.inactivity_classification_id
      where b.channel_id = $1`, [SEED_CHANNEL])
    expect(settings).toMatchObject({ inactivity_warning_minutes: 30, inactivity_close_minutes: 60, classification: 'Encerrado por inatividade' })
    expect(settings!.inactivity_warning_text).toMatch(/Ainda está por aí\?/)
  })

  it('gives Bruno a personal farewell and leaves the others with the channel\'s', async () => {
    const demoUsers = [DEMO.admin, DEMO.supervisor, DEMO.carla, DEMO.bruno, DEMO.diego, DEMO.observer].map(user => user.id)
    const rows = await queryAs(admin, 'select id, farewell_text from public.profiles where farewell_text is not null and id = any($1)', [demoUsers])
    expect(rows).toEqual([{ id: DEMO.bruno.id, farewell_text: expect.stringContaining('Bruno') }])
  })

  it('records the demo tickets\' menu choices as the bot does', async () => {
    const rows = await queryAs(admin, `select data from public.ticket_events where type = 'queued' and ticket_id::text like '00000000-0000-4000-f000-%' order by ticket_id`)
    expect(rows.map(row => row.data)).toEqual([
      { reason: 'option', position: 2, message_id: '00000000-0000-4000-f100-000000000103' },
      { reason: 'option', position: 1, message_id: '00000000-0000-4000-f100-000000000203' },
      { reason: 'option', position: 1, message_id: '00000000-0000-4000-f100-000000000303' },
    ])
  })
})
