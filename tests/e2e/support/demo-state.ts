/**
 * The demo tickets as supabase/seed.sql left them, for browser tests that check the seeded conversations
 * exactly (their messages, order, unread badge, waiting time). The e2e files share one stack, so earlier
 * files may have written into #1002 (the composer), transferred or closed it (ticket actions), or left
 * their own tickets open or queued (the inbox counts). Call `restoreDemoTickets()` in such a file's
 * beforeAll; files that only need *a* ticket should create their own instead.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { PROJECT_ROOT } from '../../../local-stack/config.ts'
import { getStack } from '../../support/stack.ts'

/** #1002 (Maria, open with Carla) and #1003 (Fernanda, in Suporte Técnico's queue). */
export const DEMO_TICKETS = ['00000000-0000-4000-f000-000000000002', '00000000-0000-4000-f000-000000000003'] as const

interface SeedInsert {
  table: string
  columns: string
  sql: string
}

/** The seed's `insert into public.<table> (…) values …` statements for these tables, as written there. */
function seedInserts(tables: readonly string[]): SeedInsert[] {
  const seed = readFileSync(join(PROJECT_ROOT, 'supabase/seed.sql'), 'utf8')
  // Statements end with ";" at the end of a line (the seed's string literals hold no such thing).
  return seed.split(/;[ \t]*\r?\n/).flatMap((statement) => {
    const sql = statement.replace(/^(\s*--[^\n]*\n)+/g, '').trim()
    const match = /^insert into public\.(\w+) \(([^)]*)\)\s+values/i.exec(sql)
    return match && tables.includes(match[1]!) ? [{ table: match[1]!, columns: match[2]!.replace(/\s+/g, ' ').trim(), sql }] : []
  })
}

/**
 * Puts #1002 and #1003 back exactly as the seed creates them, with the seed's relative timestamps
 * computed from now (so "Aguardando há 11 min" holds whenever the file runs): the ticket rows (same
 * numbers), their messages (the seed's fixed ids; anything tests added is deleted) and their events.
 * Every other ticket that is not closed (test customers left open, queued or with the bot) is closed, so
 * the demo agents' lists hold only the seeded tickets. Runs in one transaction as the database owner.
 */
export async function restoreDemoTickets(): Promise<void> {
  const client = new pg.Client({ connectionString: getStack().dbUrl })
  await client.connect()
  try {
    await client.query('begin')
    await client.query(
      `update public.tickets set status = 'closed', closed_at = now(), closed_reason = 'supervisor', unread_count = 0
        where status <> 'closed' and id <> all($1::uuid[])`,
      [DEMO_TICKETS],
    )
    await client.query('create temp table demo_numbers on commit drop as select id, number from public.tickets where id = any($1::uuid[])', [DEMO_TICKETS])
    // Cascades to their messages, events and outbox rows; other messages quoting them lose the quote.
    await client.query('delete from public.tickets where id = any($1::uuid[])', [DEMO_TICKETS])

    let index = 0
    for (const insert of seedInserts(['tickets', 'messages', 'ticket_events'])) {
      const isTicket = insert.table === 'tickets'
      if (isTicket && !DEMO_TICKETS.some(id => insert.sql.includes(id))) continue
      // The seed statement runs into an empty copy of the columns it names; only the demo tickets' rows
      // are then copied over (the seed's other rows, e.g. #1001's, are untouched).
      const copy = `demo_seed_${index++}`
      await client.query(`create temp table ${copy} on commit drop as select ${insert.columns} from public.${insert.table} limit 0`)
      await client.query(insert.sql.replace(new RegExp(`^insert into public\\.${insert.table} `, 'i'), `insert into pg_temp.${copy} `))
      const ticketColumn = isTicket ? 'id' : 'ticket_id'
      if (isTicket) {
        await client.query(
          `insert into public.tickets (number, ${insert.columns}) overriding system value
           select n.number, ${insert.columns.split(',').map(column => `s.${column.trim()}`).join(', ')}
             from pg_temp.${copy} s left join pg_temp.demo_numbers n on n.id = s.id where s.id = any($1::uuid[])`,
          [DEMO_TICKETS],
        )
      }
      else {
        await client.query(
          `insert into public.${insert.table} (${insert.columns}) select ${insert.columns} from pg_temp.${copy} where ${ticketColumn} = any($1::uuid[])`,
          [DEMO_TICKETS],
        )
      }
    }
    await client.query('commit')
  }
  catch (error) {
    await client.query('rollback').catch(() => {})
    throw error
  }
  finally {
    await client.end()
  }
}
