/**
 * `npm run bench`: measures the targets of DESIGN.md that exist so far, on a fresh local stack with its
 * own ports. Loopback traffic only, bounded in count. Prints p50/p95/p99 per scenario.
 *
 * Scenarios so far:
 * - rest-select: an RLS-checked REST query through the gateway (the base of every inbox list).
 * - realtime-insert-to-client: INSERT committed → postgres_changes event received by a subscribed
 *   supabase-js client (target for "inbound message visible on the agent's screen": p95 < 250 ms).
 * - a generated help desk (BENCH_TICKETS, default 100,000 tickets; BENCH_MESSAGES, default 2,000,000
 *   messages, 5,000,000 for the search target) and, on it, the inbox lists, a long ticket, message and
 *   contact search as an agent and as the supervisor, through PostgREST and in SQL (scripts/bench/).
 *   Generating 2M messages takes about 80 s on two cores (5M: 3 min); BENCH_SCALE=0 skips it, and
 *   BENCH_DATA_DIR keeps the stack's data so the next run with the same sizes reuses it.
 * - WhatsApp (scripts/bench/whatsapp.ts): webhook answer time and rate, outbox delivery to the simulator,
 *   and a duplicate storm.
 */
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { startStack } from '../local-stack/stack.ts'
import { generateDataset } from './bench/generate-dataset.ts'
import { report } from './bench/report.ts'
import { runScaleScenarios, wordFrequencies } from './bench/scale-scenarios.ts'
import { runWhatsappScenarios } from './bench/whatsapp.ts'

const BASE = Number(process.env.BENCH_PORT_BASE ?? 26000)
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300)
const SCALE = process.env.BENCH_SCALE !== '0'
const SCALE_TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000)
const SCALE_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 2_000_000)
const SCALE_ITERATIONS = Number(process.env.BENCH_SCALE_ITERATIONS ?? 200)
const DATA_DIR = process.env.BENCH_DATA_DIR

async function signIn(url: string, key: string): Promise<SupabaseClient> {
  const client = createClient(url, key, { auth: { persistSession: false, autoRefreshToken: false } })
  const { error } = await client.auth.signInWithPassword({ email: 'carla@atende.local', password: 'atende123' })
  if (error) throw error
  return client
}

async function benchRest(client: SupabaseClient) {
  const samples: number[] = []
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now()
    const { error } = await client.from('profiles').select('id, full_name, role').limit(50)
    if (error) throw error
    samples.push(performance.now() - started)
  }
  report('rest-select', samples)
}

async function benchRealtime(client: SupabaseClient, dbUrl: string) {
  const owner = new pg.Client({ connectionString: dbUrl })
  await owner.connect()
  await owner.query(`
    drop table if exists public.bench_events;
    create table public.bench_events (id bigint generated always as identity primary key, owner_id uuid not null, sent_at double precision not null);
    grant select on public.bench_events to authenticated;
    alter table public.bench_events enable row level security;
    create policy "owners read" on public.bench_events for select to authenticated using (owner_id = (select auth.uid()));
    alter publication supabase_realtime add table public.bench_events;`)
  const userId = (await client.auth.getUser()).data.user!.id
  const pending = new Map<number, (receivedAt: number) => void>()
  await new Promise<void>((resolve, reject) => {
    client.channel('bench')
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'bench_events' }, (payload) => {
        pending.get(Number(payload.new.sent_at))?.(performance.now())
      })
      .subscribe((status, error) => {
        if (status === 'SUBSCRIBED') resolve()
        else if (status !== 'CLOSED') reject(error ?? new Error(status))
      })
  })
  const samples: number[] = []
  const count = Math.min(ITERATIONS, 200)
  for (let i = 0; i < count; i++) {
    const sentAt = performance.now()
    const received = new Promise<number>((resolve, reject) => {
      pending.set(sentAt, resolve)
      setTimeout(() => reject(new Error('realtime event not received within 5 s')), 5000)
    })
    await owner.query('insert into public.bench_events (owner_id, sent_at) values ($1, $2)', [userId, sentAt])
    samples.push((await received) - sentAt)
    pending.delete(sentAt)
  }
  report('realtime-insert-to-client', samples, 250)
  await owner.end()
}

if (DATA_DIR) mkdirSync(DATA_DIR, { recursive: true })
const stack = await startStack({
  ports: { gateway: BASE + 21, postgres: BASE + 22, postgrest: BASE + 23, functions: BASE + 24, simulator: BASE + 25 },
  dataDir: DATA_DIR ?? mkdtempSync(join(tmpdir(), 'atende-bench-')),
  ephemeral: !DATA_DIR,
  log: () => {},
})
try {
  console.log(`Stack de benchmark em ${stack.url}; ${ITERATIONS} iterações por cenário.\n`)
  const client = await signIn(stack.url, stack.anonKey)
  await benchRest(client)
  await benchRealtime(client, stack.dbUrl)
  await client.removeAllChannels()

  if (SCALE) {
    console.log(`\nGerando o conjunto de dados: ${SCALE_TICKETS} chamados, ~${SCALE_MESSAGES} mensagens…`)
    const dataset = await generateDataset({
      superuserUrl: stack.superuserDbUrl, tickets: SCALE_TICKETS, messages: SCALE_MESSAGES, log: line => console.log(line),
    })
    console.log(`Conjunto de dados: ${dataset.tickets} chamados, ${dataset.messages} mensagens, ${dataset.contacts} contatos, `
      + `${dataset.agents} agentes em ${dataset.teams} equipes; tabela messages ${dataset.messagesTableSize} (com índices), `
      + `banco ${dataset.databaseSize}; ${dataset.reused ? 'reutilizado' : `gerado em ${dataset.seconds.toFixed(0)} s`}.`)
    const frequencies = await wordFrequencies(stack.dbUrl)
    console.log(`Mensagens com: ${Object.entries(frequencies).map(([word, count]) => `"${word}" ${count}`).join(', ')}.`)
    await runScaleScenarios({ url: stack.url, anonKey: stack.anonKey, ownerDbUrl: stack.dbUrl, iterations: SCALE_ITERATIONS })
  }

  // Last: on the large data set when there is one, and the scale figures never see the bench's tickets.
  await runWhatsappScenarios({
    url: stack.url, anonKey: stack.anonKey, serviceRoleKey: stack.serviceRoleKey, ownerDbUrl: stack.dbUrl,
    simulatorUrl: stack.simulatorUrl!, cleanUp: Boolean(DATA_DIR),
  })
}
finally {
  await stack.stop()
}
