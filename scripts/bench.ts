/**
 * `npm run bench`: measures the targets of DESIGN.md that exist so far, on a fresh local stack with its
 * own ports. Loopback traffic only, bounded in count. Prints p50/p95/p99 per scenario.
 *
 * Scenarios so far:
 * - rest-select: an RLS-checked REST query through the gateway (the base of every inbox list).
 * - realtime-insert-to-client: INSERT committed → postgres_changes event received by a subscribed
 *   supabase-js client (target for "inbound message visible on the agent's screen": p95 < 250 ms).
 * Later issues add webhook ingestion, inbox lists with 100k tickets and global search.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient, type SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { startStack } from '../local-stack/stack.ts'

const BASE = Number(process.env.BENCH_PORT_BASE ?? 26000)
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300)

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function report(name: string, samples: number[], targetP95?: number) {
  const sorted = [...samples].sort((a, b) => a - b)
  const p95 = percentile(sorted, 95)
  const verdict = targetP95 === undefined ? '' : p95 <= targetP95 ? `  ✔ p95 ≤ ${targetP95} ms` : `  ✖ p95 > ${targetP95} ms`
  console.log(`${name.padEnd(28)} n=${String(samples.length).padEnd(5)} p50=${percentile(sorted, 50).toFixed(1)} ms  p95=${p95.toFixed(1)} ms  p99=${percentile(sorted, 99).toFixed(1)} ms${verdict}`)
}

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
    create table if not exists public.bench_events (id bigint generated always as identity primary key, owner_id uuid not null, sent_at double precision not null);
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

const stack = await startStack({
  ports: { gateway: BASE + 21, postgres: BASE + 22, postgrest: BASE + 23, functions: BASE + 24 },
  dataDir: mkdtempSync(join(tmpdir(), 'atende-bench-')),
  ephemeral: true,
  log: () => {},
})
try {
  console.log(`Stack de benchmark em ${stack.url}; ${ITERATIONS} iterações por cenário.\n`)
  const client = await signIn(stack.url, stack.anonKey)
  await benchRest(client)
  await benchRealtime(client, stack.dbUrl)
  await client.removeAllChannels()
}
finally {
  await stack.stop()
}
