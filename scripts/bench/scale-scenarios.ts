/**
 * Inbox lists and message search on the generated data set, measured as a signed-in agent (carla,
 * Suporte Técnico) and as the supervisor: once through PostgREST with supabase-js (what the app pays)
 * and once directly in SQL under the same role and JWT claims (what the database pays).
 * Targets (DESIGN.md): inbox lists with 100k tickets p95 < 20 ms; global search over 5M messages
 * p95 < 150 ms. BENCH_EXPLAIN=1 also prints the plan of each SQL scenario (EXPLAIN ANALYZE as the agent).
 */
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { measure, report, type LatencySummary } from './report.ts'
import { LONG_TICKET_MESSAGES } from './generate-dataset.ts'

const CARLA = '00000000-0000-4000-a000-000000000003'
const SUPERVISOR = '00000000-0000-4000-a000-000000000002'
const INBOX_TARGET = 20
const SEARCH_TARGET = 150

/** Words by frequency in the generated data (see vocabulary.ts); each scenario rotates through its list. */
const WORDS = {
  common: ['boleto', 'pagamento', 'internet', 'senha', 'fatura'],
  medium: ['fraude', 'estorno', 'laudo', 'prioridade', 'retencao'],
  rare: ['ornitorrinco', 'paralelepipedo', 'caleidoscopio', 'jabuticabeira', 'xilogravura'],
  partial: ['transf', 'reemb', 'manute', 'rotead', 'instala'],
  phrase: ['segunda via boleto', 'internet lenta', 'senha aplicativo', 'cobrança indevida', 'visita técnica'],
  contacts: ['maria', 'conceicao', 'joao silva', 'araujo', '1198765'],
  /** Photo names carry their date: a year two years back matches 1% of the messages, none recent. */
  oldOnly: [`img-${new Date().getFullYear() - 2}`],
}

export interface ScaleContext {
  url: string
  anonKey: string
  /** Owner (`postgres`) connection string; switches to `authenticated` like PostgREST does. */
  ownerDbUrl: string
  iterations: number
}

interface Fixtures {
  teamIds: string[]
  contactId: string
  longTicketId: string
  secondPageCursors: Map<string, string>
}

interface Scenario {
  name: string
  target?: number
  rest: (client: SupabaseClient, i: number) => PromiseLike<{ error: unknown }>
  sql: (i: number) => { text: string, values: unknown[] }
  /** Run as the supervisor instead of carla. */
  supervisor?: boolean
  /** Fewer runs for the slow worst case. */
  iterations?: number
}

const TICKET_LIST_COLUMNS = 'id, number, status, team_id, assignee_id, last_message_at, last_message_preview, unread_count, contact:contacts(id, display_name, whatsapp_name)'
const TICKET_LIST_SQL = `select t.id, t.number, t.status, t.team_id, t.assignee_id, t.last_message_at, t.last_message_preview, t.unread_count,
  c.id as contact_id, c.display_name, c.whatsapp_name
  from public.tickets t left join public.contacts c on c.id = t.contact_id`

function scenarios(f: Fixtures): Scenario[] {
  const pick = (list: string[], i: number) => list[i % list.length]!
  const search = (name: string, words: string[], options: { ticket?: boolean, supervisor?: boolean, page2?: boolean } = {}): Scenario => ({
    name,
    target: SEARCH_TARGET,
    supervisor: options.supervisor,
    rest: (client, i) => client.rpc('search_messages', {
      p_query: pick(words, i),
      p_ticket_id: options.ticket ? f.longTicketId : null,
      p_cursor: options.page2 ? f.secondPageCursors.get(pick(words, i)) : null,
    }),
    sql: i => ({
      text: 'select * from public.search_messages($1, $2, 20, $3)',
      values: [pick(words, i), options.ticket ? f.longTicketId : null, options.page2 ? f.secondPageCursors.get(pick(words, i)) : null],
    }),
  })
  return [
    {
      name: 'inbox: my open tickets',
      target: INBOX_TARGET,
      rest: client => client.from('tickets').select(TICKET_LIST_COLUMNS)
        .eq('assignee_id', CARLA).eq('status', 'open').order('last_message_at', { ascending: false }).limit(50),
      sql: () => ({ text: `${TICKET_LIST_SQL} where t.assignee_id = $1 and t.status = 'open' order by t.last_message_at desc limit 50`, values: [CARLA] }),
    },
    {
      name: 'inbox: my teams\' queue',
      target: INBOX_TARGET,
      rest: client => client.from('tickets').select(TICKET_LIST_COLUMNS)
        .in('team_id', f.teamIds).eq('status', 'queued').order('queued_at').limit(50),
      sql: () => ({ text: `${TICKET_LIST_SQL} where t.team_id = any ($1) and t.status = 'queued' order by t.queued_at limit 50`, values: [f.teamIds] }),
    },
    {
      name: 'inbox: a contact\'s tickets',
      target: INBOX_TARGET,
      rest: client => client.from('tickets').select(TICKET_LIST_COLUMNS)
        .eq('contact_id', f.contactId).order('created_at', { ascending: false }).limit(50),
      sql: () => ({ text: `${TICKET_LIST_SQL} where t.contact_id = $1 order by t.created_at desc limit 50`, values: [f.contactId] }),
    },
    {
      name: `ticket: last 100 of ${LONG_TICKET_MESSAGES} messages`,
      target: INBOX_TARGET,
      rest: client => client.from('messages')
        .select('id, kind, direction, sender_type, sender_id, body, media_path, media_name, status, is_private, quoted_message_id, created_at')
        .eq('ticket_id', f.longTicketId).order('created_at', { ascending: false }).order('id', { ascending: false }).limit(100),
      sql: () => ({
        text: `select id, kind, direction, sender_type, sender_id, body, media_path, media_name, status, is_private, quoted_message_id, created_at
          from public.messages where ticket_id = $1 order by created_at desc, id desc limit 100`,
        values: [f.longTicketId],
      }),
    },
    search('search: common word', WORDS.common),
    search('search: common word, page 2', WORDS.common, { page2: true }),
    search('search: common word (supervisor)', WORDS.common, { supervisor: true }),
    search('search: medium-frequency word', WORDS.medium),
    search('search: rare word', WORDS.rare),
    search('search: rare word (supervisor)', WORDS.rare, { supervisor: true }),
    search('search: partial word (trigram)', WORDS.partial),
    search('search: several words', WORDS.phrase),
    search('search: inside one ticket', WORDS.common, { ticket: true }),
    { ...search('search: old-only partial word', WORDS.oldOnly), target: undefined, iterations: 30 },
    {
      name: 'contacts: name or phone',
      rest: (client, i) => client.rpc('search_contacts', { p_query: pick(WORDS.contacts, i) }),
      sql: i => ({ text: 'select * from public.search_contacts($1)', values: [pick(WORDS.contacts, i)] }),
    },
  ]
}

async function signIn(url: string, anonKey: string, email: string): Promise<SupabaseClient> {
  const client = createClient(url, anonKey, { auth: { persistSession: false, autoRefreshToken: false } })
  const { error } = await client.auth.signInWithPassword({ email, password: 'atende123' })
  if (error) throw error
  return client
}

async function sqlSessionAs(ownerDbUrl: string, userId: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ownerDbUrl })
  await client.connect()
  await client.query(`set role authenticated`)
  await client.query(`select set_config('request.jwt.claims', $1, false)`, [JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' })])
  return client
}

async function loadFixtures(carlaSql: pg.Client): Promise<Fixtures> {
  // Everything below is read as carla, so every fixture is something she may see.
  const teams = await carlaSql.query<{ team_id: string }>('select team_id from public.team_members where user_id = $1', [CARLA])
  const contact = await carlaSql.query<{ contact_id: string }>(
    `select contact_id from public.tickets group by contact_id order by count(*) desc, contact_id limit 1`)
  const longTicket = await carlaSql.query<{ id: string }>(
    `select t.id from public.tickets t where t.assignee_id = $1 and t.status = 'closed'
     order by (select count(*) from public.messages m where m.ticket_id = t.id) desc limit 1`, [CARLA])
  const secondPageCursors = new Map<string, string>()
  for (const word of WORDS.common) {
    const page = await carlaSql.query<{ next_cursor: string | null }>('select next_cursor from public.search_messages($1) limit 1', [word])
    if (page.rows[0]?.next_cursor) secondPageCursors.set(word, page.rows[0].next_cursor)
  }
  if (!contact.rows[0] || !longTicket.rows[0]) throw new Error('data set without tickets for carla: was it generated?')
  return {
    teamIds: teams.rows.map(row => row.team_id),
    contactId: contact.rows[0].contact_id,
    longTicketId: longTicket.rows[0].id,
    secondPageCursors,
  }
}

/** Match counts of the scenario words (all tickets), so the figures can be read against frequency. */
export async function wordFrequencies(ownerDbUrl: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: ownerDbUrl })
  await client.connect()
  try {
    const counts: Record<string, number> = {}
    for (const word of [WORDS.common[0]!, WORDS.medium[0]!, WORDS.rare[0]!]) {
      const { rows } = await client.query<{ count: number }>(
        `select count(*)::int as count from public.messages where search_vector @@ websearch_to_tsquery('portuguese', private.unaccent_lower($1))`, [word])
      counts[word] = rows[0]!.count
    }
    const partial = WORDS.partial[0]!
    const { rows } = await client.query<{ count: number }>(
      `select count(*)::int as count from public.messages where private.unaccent_lower(coalesce(body, '') || ' ' || coalesce(media_name, '')) like $1`, [`%${partial}%`])
    counts[`${partial}…`] = rows[0]!.count
    return counts
  }
  finally {
    await client.end()
  }
}

export async function runScaleScenarios(ctx: ScaleContext): Promise<LatencySummary[]> {
  const carla = await signIn(ctx.url, ctx.anonKey, 'carla@atende.local')
  const supervisor = await signIn(ctx.url, ctx.anonKey, 'supervisor@atende.local')
  const carlaSql = await sqlSessionAs(ctx.ownerDbUrl, CARLA)
  const supervisorSql = await sqlSessionAs(ctx.ownerDbUrl, SUPERVISOR)
  const results: LatencySummary[] = []
  try {
    const fixtures = await loadFixtures(carlaSql)
    const all = scenarios(fixtures)

    console.log('\nPostgREST (supabase-js, como carla / supervisor):')
    for (const scenario of all) {
      const client = scenario.supervisor ? supervisor : carla
      const samples = await measure(scenario.iterations ?? ctx.iterations, async (i) => {
        const { error } = await scenario.rest(client, i)
        if (error) throw new Error(`${scenario.name}: ${JSON.stringify(error)}`)
      })
      results.push(report(`rest ${scenario.name}`, samples, scenario.target))
    }

    console.log('\nSQL direto (role authenticated + claims do JWT):')
    for (const scenario of all) {
      const db = scenario.supervisor ? supervisorSql : carlaSql
      const samples = await measure(scenario.iterations ?? ctx.iterations, async (i) => {
        const { text, values } = scenario.sql(i)
        await db.query(text, values)
      })
      results.push(report(`sql  ${scenario.name}`, samples, scenario.target))
    }

    if (process.env.BENCH_EXPLAIN) {
      for (const scenario of all) {
        const db = scenario.supervisor ? supervisorSql : carlaSql
        const { text, values } = scenario.sql(0)
        const plan = await db.query(`explain (analyze, buffers, costs off) ${text}`, values)
        console.log(`\n── ${scenario.name}\n${plan.rows.map(row => row['QUERY PLAN']).join('\n')}`)
      }
    }
    return results
  }
  finally {
    await carlaSql.end()
    await supervisorSql.end()
    await carla.auth.signOut()
    await supervisor.auth.signOut()
  }
}
