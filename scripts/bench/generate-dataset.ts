/**
 * Fills a bench stack with a help desk's history: ~100k tickets across channels, teams, agents and
 * contacts, and millions of Portuguese messages (text, captions, file names, private notes), in SQL
 * (generate_series), then VACUUM ANALYZE. Runs as the superuser of the local stack only: triggers and
 * foreign-key checks are switched off for the bulk load (session_replication_role = replica) and the
 * message indexes are rebuilt once at the end, which is several times faster than maintaining them row
 * by row. The data is deterministic for given sizes (setseed per chunk).
 *
 * The demo users of supabase/seed.sql take part: carla (Suporte Técnico) has open tickets, a queue and
 * a 5,000-message ticket; diego works in Financeiro; the supervisor and the observer see everything.
 */
import pg from 'pg'
import {
  AGENT_PHRASES, BOT_PHRASES, CAPTIONS, CHANNELS, CUSTOMER_PHRASES, DOCUMENT_NAMES, EXTRA_TEAMS,
  FIRST_NAMES, LAST_NAMES, NOTE_PHRASES, RARE_WORDS,
} from './vocabulary.ts'

export interface DatasetOptions {
  /** Superuser connection string of the bench stack's database. */
  superuserUrl: string
  tickets: number
  messages: number
  log?: (line: string) => void
}

export interface DatasetSummary {
  tickets: number
  messages: number
  contacts: number
  agents: number
  teams: number
  /** Seconds spent generating (0 when an existing data set of the same size was reused). */
  seconds: number
  reused: boolean
  messagesTableSize: string
  databaseSize: string
}

const DEMO_IDS = {
  carla: '00000000-0000-4000-a000-000000000003',
  bruno: '00000000-0000-4000-a000-000000000004',
  diego: '00000000-0000-4000-a000-000000000005',
  support: '00000000-0000-4000-b000-000000000001',
  finance: '00000000-0000-4000-b000-000000000002',
}

/** Tickets with this many messages (one in 20 of the history belongs to carla): "open a long ticket". */
export const LONG_TICKET_MESSAGES = 5000
const LONG_TICKETS = 20
const BENCH_AGENTS = 40
const CHUNKS = 32

export async function generateDataset(options: DatasetOptions): Promise<DatasetSummary> {
  const log = options.log ?? (() => {})
  const started = performance.now()
  const admin = new pg.Client({ connectionString: options.superuserUrl })
  await admin.connect()
  try {
    const existing = await existingDataset(admin)
    if (existing && existing.tickets === options.tickets && existing.requested_messages === options.messages) {
      log(`Reutilizando o conjunto de dados existente (${existing.tickets} chamados, ${existing.messages} mensagens).`)
      return { ...(await summarize(admin)), seconds: 0, reused: true }
    }
    if (existing) throw new Error('O banco de benchmark já tem outro conjunto de dados; use outra BENCH_DATA_DIR.')

    await step(log, 'equipes, agentes e canais', () => createPeopleAndChannels(admin))
    await step(log, `${Math.round(options.tickets * 0.6)} contatos`, () => createContacts(admin, Math.round(options.tickets * 0.6)))
    await step(log, `${options.tickets} chamados`, () => createTickets(admin, options.tickets, options.messages))
    const dropped = await dropMessageIndexes(admin)
    await step(log, `~${options.messages} mensagens`, () => createMessages(options.superuserUrl, options.tickets))
    await step(log, `${dropped.length} índices de mensagens`, () => recreateIndexes(options.superuserUrl, dropped))
    await step(log, 'VACUUM ANALYZE', async () => {
      for (const table of ['public.messages', 'public.tickets', 'public.contacts', 'public.profiles', 'public.team_members']) {
        await admin.query(`vacuum (analyze) ${table}`)
      }
    })
    const seconds = (performance.now() - started) / 1000
    const summary = await summarize(admin)
    await admin.query(`insert into bench.dataset (tickets, requested_messages, messages, seconds) values ($1, $2, $3, $4)`,
      [options.tickets, options.messages, summary.messages, seconds])
    return { ...summary, seconds, reused: false }
  }
  finally {
    await admin.end()
  }
}

async function step(log: (line: string) => void, what: string, run: () => Promise<unknown>) {
  const started = performance.now()
  await run()
  log(`  ${what}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

async function existingDataset(admin: pg.Client) {
  await admin.query(`create schema if not exists bench;
    create table if not exists bench.dataset (
      tickets integer not null, requested_messages bigint not null, messages bigint not null,
      seconds double precision not null, created_at timestamptz not null default now());
    create or replace function bench.pick(items text[], roll double precision) returns text
      language sql immutable parallel safe as 'select items[1 + floor(roll * cardinality(items))::int]'`)
  const { rows } = await admin.query<{ tickets: number, requested_messages: string, messages: string }>('select * from bench.dataset')
  const row = rows[0]
  return row ? { tickets: row.tickets, requested_messages: Number(row.requested_messages), messages: Number(row.messages) } : undefined
}

async function summarize(admin: pg.Client): Promise<Omit<DatasetSummary, 'seconds' | 'reused'>> {
  const { rows } = await admin.query(`select
      (select count(*) from public.tickets)::int as tickets,
      (select count(*) from public.messages)::int as messages,
      (select count(*) from public.contacts)::int as contacts,
      (select count(*) from public.profiles where role = 'agent')::int as agents,
      (select count(*) from public.teams)::int as teams,
      pg_size_pretty(pg_total_relation_size('public.messages')) as messages_size,
      pg_size_pretty(pg_database_size(current_database())) as database_size`)
  const row = rows[0]
  return {
    tickets: row.tickets, messages: row.messages, contacts: row.contacts, agents: row.agents, teams: row.teams,
    messagesTableSize: row.messages_size, databaseSize: row.database_size,
  }
}

/** Six more teams, 40 agents spread over all eight (Suporte and Financeiro the largest), three channels. */
async function createPeopleAndChannels(admin: pg.Client) {
  await admin.query(`insert into public.teams (name) select unnest($1::text[]) on conflict (name) do nothing`, [EXTRA_TEAMS])
  // Bench agents cannot sign in (no password): only their tickets matter.
  await admin.query(`
    insert into auth.users (instance_id, id, aud, role, email, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, is_sso_user, is_anonymous)
    select '00000000-0000-0000-0000-000000000000', md5('bench-agent-' || g)::uuid, 'authenticated', 'authenticated',
      'agente' || g || '@bench.local', '{"provider":"email","providers":["email"]}',
      jsonb_build_object('full_name', 'Agente ' || g), now(), now(), false, false
    from generate_series(1, $1::int) g`, [BENCH_AGENTS])
  // Agents 1-10 in Suporte, 11-17 in Financeiro, the rest round-robin over the other teams.
  await admin.query(`
    with extra_teams as (
      select id, row_number() over (order by name) - 1 as position from public.teams where id not in ($1, $2)
    ), agents as (select g, md5('bench-agent-' || g)::uuid as id from generate_series(1, $3::int) g)
    insert into public.team_members (team_id, user_id)
    select case when g <= 10 then $1::uuid when g <= 17 then $2::uuid
                else (select id from extra_teams where position = (g - 18) % (select count(*) from extra_teams)) end,
           id
    from agents`, [DEMO_IDS.support, DEMO_IDS.finance, BENCH_AGENTS])
  for (const channel of CHANNELS) {
    await admin.query(`insert into public.channels (name, provider, phone_number, connection_state) values ($1, $2, $3, 'connected')`,
      [channel.name, channel.provider, channel.phone])
  }
}

async function createContacts(admin: pg.Client, count: number) {
  await admin.query(`select setseed(0.11)`)
  await admin.query(`
    insert into public.contacts (id, display_name, whatsapp_name, phone, created_at)
    select md5('bench-contact-' || g)::uuid,
      case when random() < 0.3 then first_name || ' ' || last_name end,
      case when random() < 0.9 then first_name || ' ' || last_name else first_name end,
      '55' || (11 + g % 89)::text || '9' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0'),
      now() - interval '3 years' * random()
    from (
      -- random() next to generate_series: fresh values per row (an uncorrelated lateral runs once).
      select g, bench.pick($2::text[], random()) as first_name,
        bench.pick($3::text[], random()) || ' ' || bench.pick($3::text[], random()) as last_name
      from generate_series(1, $1::int) g
    ) names`, [count, FIRST_NAMES, LAST_NAMES])
}

/**
 * Tickets over three years, newest last. The newest 6% are active (bot 15%, queued 35%, open 50%), each
 * for a different contact (one active ticket per contact and channel); the rest are closed, most of
 * them rated. Team shares: Suporte 30%, Financeiro 20%, the others ~8% each. The plan (message count
 * per ticket) is kept in bench.ticket_plan for the message step.
 */
async function createTickets(admin: pg.Client, tickets: number, messages: number) {
  const contacts = Math.round(tickets * 0.6)
  const active = Math.round(tickets * 0.06)
  const longEvery = Math.floor(tickets / LONG_TICKETS)
  const meanMessages = Math.max(1, (messages - LONG_TICKETS * LONG_TICKET_MESSAGES) / (tickets - LONG_TICKETS))
  await admin.query(`select setseed(0.22)`)
  await admin.query(`
    create unlogged table bench.ticket_plan as
    with teams as (
      select array_agg(id order by case id when $6::uuid then 0 when $7::uuid then 1 else 2 end, name) as ids from public.teams
    ), team_agents as (
      select tm.team_id, array_agg(tm.user_id order by tm.user_id) as agents
      from public.team_members tm join public.profiles p on p.id = tm.user_id and p.role = 'agent'
      group by tm.team_id
    ), channels as (select array_agg(id order by name) as ids from public.channels where name like '%(bench)'),
    base as (
      select g,
        now() - interval '3 years' * (1 - g::double precision / $1) - interval '20 minutes' as created_at,
        g > $1 - $3 as is_active,
        g % $4 = 0 and g <= $1 - $3 as is_long,
        random() as status_roll, random() as team_roll, random() as count_roll, random() as pick_roll
      from generate_series(1, $1::int) g
    ), shaped as (
      select b.*,
        case when b.is_long then 'closed'
             when not b.is_active then 'closed'
             when b.status_roll < 0.15 then 'bot'
             when b.status_roll < 0.50 then 'queued'
             else 'open' end as status,
        case when b.is_long then 1
             when b.team_roll < 0.30 then 1
             when b.team_roll < 0.50 then 2
             else 3 + floor((b.team_roll - 0.5) / 0.5 * (cardinality((select ids from teams)) - 2))::int end as team_position,
        case when b.is_long then $5::int
             else greatest(1, round(-ln(1 - b.count_roll) * $8::double precision))::int end as message_count
      from base b
    )
    select s.g, md5('bench-ticket-' || s.g)::uuid as ticket_id, s.status, s.created_at, s.message_count, s.is_long,
      case when s.status = 'bot' then null else (select ids from teams)[s.team_position] end as team_id,
      case when s.is_long then $9::uuid
           when s.status in ('open', 'closed') then (
             select ta.agents[1 + floor(s.pick_roll * cardinality(ta.agents))::int]
             from team_agents ta where ta.team_id = (select ids from teams)[s.team_position])
      end as assignee_id,
      md5('bench-contact-' || case when s.is_active then s.g % $2 + 1
                                   else 1 + floor($2 * power(random(), 2))::int end)::uuid as contact_id,
      (select ids from channels)[1 + floor(random() * 3)::int] as channel_id
    from shaped s`,
  [tickets, contacts, active, longEvery, LONG_TICKET_MESSAGES, DEMO_IDS.support, DEMO_IDS.finance, meanMessages, DEMO_IDS.carla])
  await admin.query('alter table bench.ticket_plan add primary key (g)')

  await admin.query(`select setseed(0.33)`)
  await admin.query(`
    insert into public.tickets (
      id, contact_id, channel_id, team_id, assignee_id, status, created_at, queued_at, accepted_at, first_response_at,
      closed_at, closed_by, closed_reason, rating_status, rating_requested_at, rated_at, rating,
      last_message_at, last_message_preview, last_inbound_at, unread_count, updated_at
    )
    select p.ticket_id, p.contact_id, p.channel_id, p.team_id, p.assignee_id, p.status, p.created_at,
      case when p.status <> 'bot' then p.created_at + interval '1 minute' end,
      case when p.assignee_id is not null then p.created_at + interval '3 minutes' end,
      case when p.assignee_id is not null then p.created_at + interval '5 minutes' end,
      case when p.status = 'closed' then last_at + interval '10 minutes' end,
      case when p.status = 'closed' then p.assignee_id end,
      case when p.status = 'closed' then 'agent' end,
      case when p.status = 'closed' and rated then 'rated' when p.status = 'closed' then 'expired' end,
      case when p.status = 'closed' then last_at + interval '10 minutes' end,
      case when p.status = 'closed' and rated then last_at + interval '15 minutes' end,
      case when p.status = 'closed' and rated then 1 + floor(random() * 10)::int end,
      last_at,
      left(($1::text[])[1 + floor(random() * cardinality($1::text[]))::int], 80),
      last_at,
      case when p.status = 'open' then floor(random() * 4)::int else 0 end,
      last_at
    from bench.ticket_plan p
    cross join lateral (select
      least(now(), p.created_at + p.message_count * case when p.is_long then interval '1 minute' else interval '3 minutes' end) as last_at,
      random() < 0.6 as rated) t
    order by p.g`, [CUSTOMER_PHRASES])
}

/** Drops the secondary indexes of public.messages (kept: primary key and unique constraints). */
async function dropMessageIndexes(admin: pg.Client): Promise<string[]> {
  const { rows } = await admin.query<{ name: string, definition: string }>(`
    select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
    from pg_index i
    where i.indrelid = 'public.messages'::regclass
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`)
  for (const row of rows) await admin.query(`drop index ${row.name}`)
  return rows.map(row => row.definition)
}

/** Two connections in parallel (the bench machine has two cores), one chunk of tickets at a time. */
async function createMessages(superuserUrl: string, tickets: number) {
  const chunkSize = Math.ceil(tickets / CHUNKS)
  let next = 0
  const worker = async () => {
    const client = new pg.Client({ connectionString: superuserUrl })
    await client.connect()
    try {
      await client.query(`set session_replication_role = replica; set synchronous_commit = off`)
      for (;;) {
        const chunk = next++
        if (chunk >= CHUNKS) break
        await client.query(`select setseed($1)`, [(chunk + 1) / (CHUNKS + 1)])
        await client.query(MESSAGES_SQL, [
          chunk * chunkSize + 1, (chunk + 1) * chunkSize,
          CUSTOMER_PHRASES, AGENT_PHRASES, BOT_PHRASES, NOTE_PHRASES, CAPTIONS, DOCUMENT_NAMES, RARE_WORDS,
        ])
      }
    }
    finally {
      await client.end()
    }
  }
  await Promise.all([worker(), worker()])
}

/*
 * Per message j of a ticket: the first is the customer's greeting; then 2% private notes, 8% media
 * (documents with file names and captions, photos, voice notes), the rest text from the customer (55%),
 * the agent (or the bot at the start). Bodies are one or two phrases, sometimes with a protocol number
 * or (1 in 2,500) one of the rare words.
 */
const MESSAGES_SQL = `
  insert into public.messages (
    ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body,
    media_path, media_mime, media_size, media_name, is_voice_note, provider_message_id, status, is_private,
    provider_timestamp, created_at
  )
  select p.ticket_id, p.contact_id, p.channel_id,
    case when shape.sender = 'contact' then 'inbound' else 'outbound' end,
    case when shape.sender = 'note' then 'agent' else shape.sender end,
    case when shape.sender in ('agent', 'note') then p.assignee_id end,
    shape.kind,
    case shape.kind
      when 'note' then bench.pick($6::text[], r.a)
      when 'document' then case when r.b < 0.5 then bench.pick($7::text[], r.c) end
      when 'image' then case when r.b < 0.3 then bench.pick($7::text[], r.c) end
      when 'audio' then null
      else
        bench.pick(case shape.sender when 'contact' then $3::text[] when 'bot' then $5::text[] else $4::text[] end, r.a)
        || case when r.b < 0.4 then ' ' || bench.pick(case shape.sender when 'contact' then $3::text[] else $4::text[] end, r.c) else '' end
        || case when r.d < 0.03 then ' Protocolo ' || (20240000000 + floor(r.e * 9999999))::bigint::text || '.' else '' end
        || case when r.d > 0.9996 then ' ' || bench.pick($9::text[], r.e) || '!' else '' end
    end,
    case when shape.kind in ('document', 'image', 'audio') then 'bench/' || p.ticket_id || '/' || r.j end,
    case shape.kind when 'document' then 'application/pdf' when 'image' then 'image/jpeg' when 'audio' then 'audio/ogg' end,
    case when shape.kind in ('document', 'image', 'audio') then 20000 + floor(r.e * 2000000)::int end,
    case shape.kind
      when 'document' then bench.pick($8::text[], r.d)
      when 'image' then 'IMG-' || to_char(p.created_at, 'YYYYMMDD') || '-WA' || lpad((r.j % 10000)::text, 4, '0') || '.jpg'
    end,
    shape.kind = 'audio',
    case when shape.kind <> 'note' then 'wamid.' || p.g || '.' || r.j end,
    case when shape.sender = 'contact' then 'received' when shape.kind = 'note' then 'sent' else 'read' end,
    shape.kind = 'note',
    case when shape.kind <> 'note' then t.sent_at end,
    t.sent_at
  from bench.ticket_plan p
  -- random() next to generate_series: fresh values per message (an uncorrelated lateral runs once).
  cross join lateral (
    select j, random() as a, random() as b, random() as c, random() as d, random() as e, random() as kind_roll, random() as sender_roll
    from generate_series(1, p.message_count) j
  ) r
  cross join lateral (select least(now(), p.created_at + r.j * case when p.is_long then interval '1 minute' else interval '3 minutes' end
                                     + interval '1 second' * floor(r.e * 50)) as sent_at) t
  cross join lateral (select
    case when r.j = 1 or p.assignee_id is null or r.sender_roll < 0.55 then 'contact'
         when r.kind_roll < 0.02 then 'note'
         when r.j <= 3 then 'bot'
         else 'agent' end as sender) who
  cross join lateral (select who.sender,
    case when who.sender = 'note' then 'note'
         when r.j = 1 or r.kind_roll < 0.92 then 'text'
         when r.kind_roll < 0.955 then 'document'
         when r.kind_roll < 0.985 then 'image'
         else 'audio' end as kind) shape
  where p.g between $1 and $2
`

async function recreateIndexes(superuserUrl: string, definitions: string[]) {
  const queue = [...definitions]
  const worker = async () => {
    const client = new pg.Client({ connectionString: superuserUrl })
    await client.connect()
    try {
      await client.query(`set maintenance_work_mem = '1GB'; set max_parallel_maintenance_workers = 0`)
      for (let definition = queue.shift(); definition; definition = queue.shift()) await client.query(definition)
    }
    finally {
      await client.end()
    }
  }
  await Promise.all([worker(), worker()])
}
