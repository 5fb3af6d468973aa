/**
 * /realtime/v1 with unmodified supabase-js 2.119 (and a raw Phoenix socket where the wire matters):
 * postgres_changes under each subscriber's RLS and column grants, filters, publication membership,
 * broadcast (self, ack, REST), presence, protocol 1.0.0 and 2.0.0, and the channel's token lifecycle.
 */
import {
  createClient, type RealtimeChannel, type RealtimePostgresChangesPayload, type SupabaseClient,
} from '@supabase/supabase-js'
import { SignJWT } from 'jose'
import pg from 'pg'
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { LEGACY_JWT_SECRET } from '../../local-stack/config.ts'
import { DEMO } from '../support/db.ts'
import { anonClient, eventually, getStack, signedInClient } from '../support/stack.ts'

type Note = {
  id: number
  owner_id: string
  title: string
  priority: number
  score: number | null
  done: boolean
  tags: string[]
  meta: Record<string, unknown> | null
  created_at: string
}

type FeedRow = { id: number, batch: string, priority: number, label: string, secret?: string }

type Change<T extends Record<string, unknown>> = RealtimePostgresChangesPayload<T>
type SystemMessage = { extension: string, status: string, message: string, channel: string }

let owner: pg.Client
let carla: SupabaseClient
let diego: SupabaseClient
const openChannels: Array<{ client: SupabaseClient, channel: RealtimeChannel }> = []
const extraClients: SupabaseClient[] = []
const rawSockets: RawSocket[] = []

function unique(name: string): string {
  return `${name}-${Math.random().toString(36).slice(2, 10)}`
}

/** Subscribes and resolves once joined; `statuses` collects every status the channel reports. */
function subscribed(client: SupabaseClient, channel: RealtimeChannel, statuses: string[] = []): Promise<RealtimeChannel> {
  openChannels.push({ client, channel })
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      statuses.push(status)
      if (status === 'SUBSCRIBED') resolve(channel)
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status))
    })
  })
}

async function signedIn(email: string, options: { vsn?: string } = {}): Promise<SupabaseClient> {
  const { url, anonKey } = getStack()
  const client = createClient(url, anonKey, {
    auth: { persistSession: false, autoRefreshToken: false },
    ...(options.vsn ? { realtime: { vsn: options.vsn } } : {}),
  })
  const { error } = await client.auth.signInWithPassword({ email, password: DEMO.password })
  if (error) throw new Error(`sign-in as ${email} failed: ${error.message}`)
  extraClients.push(client)
  return client
}

async function legacyToken(claims: Record<string, unknown>, expiresInSeconds: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(new TextEncoder().encode(LEGACY_JWT_SECRET))
}

async function insertNote(client: SupabaseClient, values: Partial<Note>): Promise<Note> {
  const { data, error } = await client.from('test_rt_notes').insert(values).select().single()
  if (error) throw new Error(`insert into test_rt_notes failed: ${error.message}`)
  return data as Note
}

// --- a raw Phoenix client, for what supabase-js hides ----------------------------------------------

interface RawFrame { json?: unknown, binary?: Buffer }

interface RawSocket {
  frames: RawFrame[]
  send(frame: unknown): void
  sendBinary(frame: Buffer): void
  waitFor(match: (frame: RawFrame) => boolean, what: string): Promise<RawFrame>
  close(): void
}

async function rawSocket(vsn: '1.0.0' | '2.0.0'): Promise<RawSocket> {
  const { url: httpUrl, anonKey } = getStack()
  const url = `${httpUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?apikey=${anonKey}&vsn=${vsn}`
  const ws = new WebSocket(url)
  const frames: RawFrame[] = []
  ws.on('message', (data, isBinary) => {
    const buffer = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)
    frames.push(isBinary ? { binary: buffer } : { json: JSON.parse(buffer.toString('utf8')) })
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const socket: RawSocket = {
    frames,
    send: frame => ws.send(JSON.stringify(frame)),
    sendBinary: frame => ws.send(frame),
    waitFor: (match, what) => eventually(() => frames.find(match), 5000, what),
    close: () => ws.close(),
  }
  rawSockets.push(socket)
  return socket
}

/** A V2 frame `[join_ref, ref, topic, event, payload]` with the given event (and ref, when given). */
function isV2(event: string, ref?: string) {
  return (frame: RawFrame) => Array.isArray(frame.json) && frame.json[3] === event && (ref === undefined || frame.json[1] === ref)
}

beforeAll(async () => {
  // As the project owner (non-superuser), exactly as a migration would.
  owner = new pg.Client({ connectionString: getStack().dbUrl })
  await owner.connect()
  await owner.query(`
    create table if not exists public.test_rt_notes (
      id bigint generated always as identity primary key,
      owner_id uuid not null default auth.uid(),
      title text not null,
      priority int not null default 1,
      score numeric(6, 2),
      done boolean not null default false,
      tags text[] not null default '{}',
      meta jsonb,
      created_at timestamptz not null default now()
    );
    -- FULL: UPDATE events carry the whole old row; DELETEs still reveal only the key (RLS is on).
    alter table public.test_rt_notes replica identity full;
    grant select, insert, update, delete on public.test_rt_notes to authenticated;
    alter table public.test_rt_notes enable row level security;
    drop policy if exists "owners read notes" on public.test_rt_notes;
    create policy "owners read notes" on public.test_rt_notes for select to authenticated using (owner_id = (select auth.uid()));
    drop policy if exists "owners write notes" on public.test_rt_notes;
    create policy "owners write notes" on public.test_rt_notes for insert to authenticated with check (owner_id = (select auth.uid()));
    drop policy if exists "owners update notes" on public.test_rt_notes;
    create policy "owners update notes" on public.test_rt_notes for update to authenticated using (owner_id = (select auth.uid()));
    drop policy if exists "owners delete notes" on public.test_rt_notes;
    create policy "owners delete notes" on public.test_rt_notes for delete to authenticated using (owner_id = (select auth.uid()));

    -- No RLS; every column but "secret" readable by anon and authenticated.
    create table if not exists public.test_rt_feed (
      id bigint generated always as identity primary key,
      batch text not null,
      priority int not null,
      label text not null,
      secret text
    );
    grant select (id, batch, priority, label) on public.test_rt_feed to anon, authenticated;

    -- Readable, but not in the publication.
    create table if not exists public.test_rt_outside (id bigint generated always as identity primary key, body text);
    grant select on public.test_rt_outside to authenticated;

    do $$ begin
      if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'test_rt_notes') then
        alter publication supabase_realtime add table public.test_rt_notes;
      end if;
      if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'test_rt_feed') then
        alter publication supabase_realtime add table public.test_rt_feed;
      end if;
    end $$;
    notify pgrst, 'reload schema';
  `)
  carla = await signedInClient(DEMO.carla.email, DEMO.password)
  diego = await signedInClient(DEMO.diego.email, DEMO.password)
  await eventually(async () => (await carla.from('test_rt_notes').select('id').limit(1)).error ? undefined : true, 10_000, 'PostgREST to see test_rt_notes')
})

afterEach(async () => {
  for (const { client, channel } of openChannels.splice(0)) await client.removeChannel(channel)
  for (const socket of rawSockets.splice(0)) socket.close()
})

afterAll(async () => {
  await Promise.all([carla, diego, ...extraClients].map(client => client?.removeAllChannels()))
  await owner?.end()
})

describe('postgres_changes', () => {
  it('delivers an INSERT only to subscribers whose RLS policy shows the row, with typed values', async () => {
    const seenByCarla: Array<Change<Note>> = []
    const seenByDiego: Array<Change<Note>> = []
    await Promise.all([
      subscribed(carla, carla.channel(unique('notes')).on('postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'test_rt_notes' }, (payload: Change<Note>) => seenByCarla.push(payload))),
      subscribed(diego, diego.channel(unique('notes')).on('postgres_changes',
        { event: 'INSERT', schema: 'public', table: 'test_rt_notes' }, (payload: Change<Note>) => seenByDiego.push(payload))),
    ])

    const carlasNote = await insertNote(carla, { title: 'visível só para a Carla', priority: 3, score: 4.5, tags: ['a', 'b c'], meta: { canal: 'whatsapp' } })
    const diegosNote = await insertNote(diego, { title: 'nota do Diego' })

    const event = await eventually(() => seenByCarla.find(p => p.eventType === 'INSERT' && p.new.id === carlasNote.id), 5000, 'Carla sees her note')
    await eventually(() => seenByDiego.find(p => p.eventType === 'INSERT' && p.new.id === diegosNote.id), 5000, 'Diego sees his note')
    const idsSeenBy = (events: Array<Change<Note>>) => events.map(p => (p.new as Partial<Note>).id)
    expect(idsSeenBy(seenByDiego)).not.toContain(carlasNote.id)
    expect(idsSeenBy(seenByCarla)).not.toContain(diegosNote.id)

    expect(event).toEqual({
      schema: 'public',
      table: 'test_rt_notes',
      eventType: 'INSERT',
      commit_timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      errors: null,
      old: {},
      new: {
        id: carlasNote.id,
        owner_id: DEMO.carla.id,
        title: 'visível só para a Carla',
        priority: 3,
        score: 4.5,
        done: false,
        tags: ['a', 'b c'],
        meta: { canal: 'whatsapp' },
        created_at: carlasNote.created_at,
      },
    })
  })

  it('checks UPDATEs against RLS but not DELETEs, which carry only the primary key', async () => {
    const note = await insertNote(carla, { title: 'antes', priority: 2 })
    const seenByCarla: Array<Change<Note>> = []
    const seenByDiego: Array<Change<Note>> = []
    await Promise.all([
      subscribed(carla, carla.channel(unique('notes')).on('postgres_changes',
        { event: '*', schema: 'public', table: 'test_rt_notes', filter: `id=eq.${note.id}` }, (payload: Change<Note>) => seenByCarla.push(payload))),
      subscribed(diego, diego.channel(unique('notes')).on('postgres_changes',
        { event: '*', schema: 'public', table: 'test_rt_notes', filter: `id=eq.${note.id}` }, (payload: Change<Note>) => seenByDiego.push(payload))),
    ])

    expect((await carla.from('test_rt_notes').update({ title: 'depois', done: true }).eq('id', note.id)).error).toBeNull()
    // RLS is checked when the change is processed (as Realtime does when it polls): delete only after
    // the UPDATE went out, or the row would already be gone and the UPDATE hidden.
    const updated = await eventually(() => seenByCarla.find(p => p.eventType === 'UPDATE'), 5000, 'Carla sees the update')
    expect((await carla.from('test_rt_notes').delete().eq('id', note.id)).error).toBeNull()
    const deleted = await eventually(() => seenByCarla.find(p => p.eventType === 'DELETE'), 5000, 'Carla sees the delete')

    expect(updated).toMatchObject({
      eventType: 'UPDATE',
      new: { id: note.id, title: 'depois', done: true, priority: 2, owner_id: DEMO.carla.id },
      old: { id: note.id, title: 'antes', done: false },
      errors: null,
    })
    expect(deleted).toMatchObject({ eventType: 'DELETE', new: {}, old: { id: note.id }, errors: null })
    expect(Object.keys(deleted.old)).toEqual(['id'])

    // Diego cannot see Carla's note, so no UPDATE; the DELETE reaches him all the same (Supabase does
    // not RLS-check deletes), revealing only the key.
    const diegosDelete = await eventually(() => seenByDiego.find(p => p.eventType === 'DELETE'), 5000, 'Diego sees the delete')
    expect(diegosDelete.old).toEqual({ id: note.id })
    expect(seenByDiego.map(p => p.eventType)).toEqual(['DELETE'])
  })

  it('selects rows with eq, neq, lt, lte, gt, gte and in filters, compared by column type', async () => {
    const batch = unique('filters')
    const seen: Record<string, number[]> = {}
    const bindings: Record<string, string> = {
      all: `batch=eq.${batch}`,
      eq: `batch=eq.${batch},priority=eq.3`,
      neq: `batch=eq.${batch},priority=neq.3`,
      lt: `batch=eq.${batch},priority=lt.3`,
      lte: `batch=eq.${batch},priority=lte.3`,
      gt: `batch=eq.${batch},priority=gt.3`,
      gte: `batch=eq.${batch},priority=gte.3`,
      in: `batch=eq.${batch},priority=in.(1,5)`,
      notIn: `batch=eq.${batch},priority=not.in.(2,3)`,
      textIn: `batch=eq.${batch},label=in.("p2,x",p10)`,
    }
    let channel = carla.channel(unique('filters'))
    for (const [name, filter] of Object.entries(bindings)) {
      seen[name] = []
      channel = channel.on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_feed', filter },
        (payload: Change<FeedRow>) => seen[name]!.push((payload.new as FeedRow).priority))
    }
    await subscribed(carla, channel)

    // 10 > 9 only as numbers: a text comparison would put priority 10 before 3.
    await owner.query(
      `insert into public.test_rt_feed (batch, priority, label) select $1, n, case n when 2 then 'p2,x' else 'p' || n end
       from unnest(array[1, 2, 3, 4, 10]) as n`, [batch])

    await eventually(() => (seen.all!.length === 5 ? true : undefined), 5000, 'every row of the batch')
    const sorted = (name: string) => [...seen[name]!].sort((a, b) => a - b)
    expect(sorted('eq')).toEqual([3])
    expect(sorted('neq')).toEqual([1, 2, 4, 10])
    expect(sorted('lt')).toEqual([1, 2])
    expect(sorted('lte')).toEqual([1, 2, 3])
    expect(sorted('gt')).toEqual([4, 10])
    expect(sorted('gte')).toEqual([3, 4, 10])
    expect(sorted('in')).toEqual([1])
    expect(sorted('notIn')).toEqual([1, 4, 10])
    expect(sorted('textIn')).toEqual([2, 10])
  })

  it('sends only the columns the subscriber\'s role may select', async () => {
    const batch = unique('columns')
    const seen: Array<Change<FeedRow>> = []
    await subscribed(carla, carla.channel(unique('feed')).on('postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'test_rt_feed', filter: `batch=eq.${batch}` }, (payload: Change<FeedRow>) => seen.push(payload)))
    await owner.query(`insert into public.test_rt_feed (batch, priority, label, secret) values ($1, 7, 'l', 'não mostrar')`, [batch])
    const event = await eventually(() => seen[0], 5000, 'the insert')
    expect(event.new).toEqual({ id: expect.any(Number), batch, priority: 7, label: 'l' })
  })

  it('emits nothing for a table outside the publication, and says so to a channel that asks for it', async () => {
    const seen: Array<Change<Record<string, unknown>>> = []
    const system: SystemMessage[] = []
    await subscribed(carla, carla.channel(unique('everything')).on('postgres_changes',
      { event: 'INSERT', schema: 'public' }, (payload: Change<Record<string, unknown>>) => seen.push(payload)))
    await subscribed(carla, carla.channel(unique('outside'))
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_outside' }, () => {})
      .on('system', {}, (message: SystemMessage) => system.push(message)))

    const batch = unique('after-outside')
    await owner.query(`insert into public.test_rt_outside (body) values ('fora da publicação')`)
    await owner.query(`insert into public.test_rt_feed (batch, priority, label) values ($1, 1, 'x')`, [batch])

    // Changes arrive in commit order: once the later test_rt_feed row is here, an test_rt_outside row would be too.
    await eventually(() => seen.find(p => (p.new as Partial<FeedRow>).batch === batch), 5000, 'the test_rt_feed insert')
    expect(seen.map(p => p.table)).not.toContain('test_rt_outside')
    const refusal = await eventually(() => system.find(m => m.extension === 'postgres_changes'), 5000, 'the subscription result')
    expect(refusal.status).toBe('error')
  })

  it('delivers committed changes within the 250 ms p95 budget', async () => {
    const batch = unique('latency')
    const arrivals = new Map<number, number>()
    await subscribed(carla, carla.channel(unique('latency')).on('postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'test_rt_feed', filter: `batch=eq.${batch}` },
      (payload: Change<FeedRow>) => arrivals.set((payload.new as FeedRow).priority, performance.now())))
    const latencies: number[] = []
    for (let n = 0; n < 20; n++) {
      const started = performance.now()
      await owner.query(`insert into public.test_rt_feed (batch, priority, label) values ($1, $2, 'l')`, [batch, n])
      const arrived = await eventually(() => arrivals.get(n), 5000, `insert ${n}`)
      latencies.push(arrived - started)
    }
    latencies.sort((a, b) => a - b)
    expect(latencies[18]).toBeLessThan(250)
  })
})

describe('broadcast', () => {
  it('relays messages to the other subscribers, and to the sender only with self: true', async () => {
    const room = unique('room')
    const byCarla: unknown[] = []
    const byDiego: unknown[] = []
    const carlaChannel = await subscribed(carla, carla.channel(room).on('broadcast', { event: 'typing' }, p => byCarla.push(p)))
    const diegoChannel = await subscribed(diego, diego.channel(room).on('broadcast', { event: 'typing' }, p => byDiego.push(p)))

    await carlaChannel.send({ type: 'broadcast', event: 'typing', payload: { who: 'carla' } })
    await eventually(() => byDiego[0], 5000, 'Diego receives Carla\'s message')
    expect(byDiego).toEqual([{ type: 'broadcast', event: 'typing', payload: { who: 'carla' } }])
    await diegoChannel.send({ type: 'broadcast', event: 'typing', payload: { who: 'diego' } })
    await eventually(() => byCarla[0], 5000, 'Carla receives Diego\'s message')
    expect(byCarla).toEqual([{ type: 'broadcast', event: 'typing', payload: { who: 'diego' } }])

    const echoes: unknown[] = []
    const selfRoom = unique('self')
    const selfChannel = await subscribed(carla, carla.channel(selfRoom, { config: { broadcast: { self: true } } })
      .on('broadcast', { event: 'ping' }, p => echoes.push(p)))
    await selfChannel.send({ type: 'broadcast', event: 'ping', payload: { n: 1 } })
    expect(await eventually(() => echoes[0], 5000, 'the echo')).toEqual({ type: 'broadcast', event: 'ping', payload: { n: 1 } })
  })

  it('acknowledges a message when ack is on', async () => {
    const channel = await subscribed(carla, carla.channel(unique('ack'), { config: { broadcast: { ack: true } } }))
    // Without the server's reply the client would answer 'timed out'.
    expect(await channel.send({ type: 'broadcast', event: 'saved', payload: { id: 1 } }, { timeout: 3000 })).toBe('ok')
  })

  it('delivers REST broadcasts: send() before joining and httpSend()', async () => {
    const room = unique('rest')
    const received: unknown[] = []
    await subscribed(diego, diego.channel(room).on('broadcast', { event: '*' }, p => received.push(p)))
    const sender = carla.channel(room)
    openChannels.push({ client: carla, channel: sender })

    const warn = console.warn
    console.warn = () => {} // realtime-js warns that the implicit REST fallback is deprecated
    try {
      expect(await sender.send({ type: 'broadcast', event: 'fallback', payload: { via: 'api/broadcast' } })).toBe('ok')
    }
    finally {
      console.warn = warn
    }
    expect(await sender.httpSend('explicit', { via: 'httpSend' })).toEqual({ success: true })

    await eventually(() => (received.length === 2 ? true : undefined), 5000, 'both REST messages')
    expect(received).toEqual([
      { type: 'broadcast', event: 'fallback', payload: { via: 'api/broadcast' } },
      { type: 'broadcast', event: 'explicit', payload: { via: 'httpSend' } },
    ])
  })

  it('answers 422 to a batch without messages', async () => {
    const { url, anonKey } = getStack()
    const response = await fetch(`${url}/realtime/v1/api/broadcast`, {
      method: 'POST',
      headers: { 'apikey': anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ topic: 'x', event: 'e' }] }),
    })
    expect(response.status).toBe(422)
    expect(await response.json()).toEqual({ errors: { messages: [{ payload: ['can\'t be blank'] }] } })
  })
})

describe('presence', () => {
  it('shows a tracked presence to clients that join later, and removes it on untrack and leave', async () => {
    const room = unique('presence')
    const carlaChannel = await subscribed(carla, carla.channel(room, { config: { presence: { key: 'carla' } } }))
    expect(await carlaChannel.track({ name: 'Carla', status: 'online' })).toBe('ok')

    const diegoChannel = await subscribed(diego, diego.channel(room).on('presence', { event: 'sync' }, () => {}))
    // presence_state after the join carries what was tracked before it.
    const metas = await eventually(() => diegoChannel.presenceState().carla, 5000, 'Carla\'s presence')
    expect(metas).toEqual([{ name: 'Carla', status: 'online', presence_ref: expect.any(String) }])

    expect(await carlaChannel.untrack()).toBe('ok')
    await eventually(() => (diegoChannel.presenceState().carla ? undefined : true), 5000, 'the untrack')

    // Without a configured key the server generates one; a dropped connection ends the presence.
    const visitor = anonClient()
    extraClients.push(visitor)
    const anonymous = await subscribed(visitor, visitor.channel(room))
    expect(await anonymous.track({ name: 'visitante' })).toBe('ok')
    const key = await eventually(() => Object.keys(diegoChannel.presenceState())[0], 5000, 'the generated key')
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    await visitor.realtime.disconnect()
    await eventually(() => (Object.keys(diegoChannel.presenceState()).length === 0 ? true : undefined), 5000, 'the disconnect')
  })
})

describe('protocol', () => {
  it('serves protocol 1.0.0 clients next to 2.0.0 ones', async () => {
    const v1 = await signedIn(DEMO.carla.email, { vsn: '1.0.0' })
    expect(v1.realtime.vsn).toBe('1.0.0')
    const room = unique('v1')
    const changes: Array<Change<Note>> = []
    const broadcasts: unknown[] = []
    const fromV1: unknown[] = []
    const v1Channel = await subscribed(v1, v1.channel(room)
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_notes' }, (payload: Change<Note>) => changes.push(payload))
      .on('broadcast', { event: 'hello' }, p => broadcasts.push(p)))
    const v2Channel = await subscribed(diego, diego.channel(room).on('broadcast', { event: 'hello' }, p => fromV1.push(p)))

    // A 2.0.0 client pushes a binary frame; the 1.0.0 client receives it as JSON.
    await v2Channel.send({ type: 'broadcast', event: 'hello', payload: { from: 'v2' } })
    expect(await eventually(() => broadcasts[0], 5000, 'the v2 broadcast')).toEqual({ type: 'broadcast', event: 'hello', payload: { from: 'v2' } })
    await v1Channel.send({ type: 'broadcast', event: 'hello', payload: { from: 'v1' } })
    expect(await eventually(() => fromV1[0], 5000, 'the v1 broadcast')).toEqual({ type: 'broadcast', event: 'hello', payload: { from: 'v1' } })

    const note = await insertNote(v1, { title: 'via protocolo 1.0.0' })
    const event = await eventually(() => changes.find(p => (p.new as Partial<Note>).id === note.id), 5000, 'the change')
    expect(event.new).toMatchObject({ title: 'via protocolo 1.0.0', owner_id: DEMO.carla.id })
  })

  it('answers heartbeats, rejects pushes to topics not joined and frames user broadcasts as kind 4', async () => {
    const socket = await rawSocket('2.0.0')
    socket.send([null, '1', 'phoenix', 'heartbeat', {}])
    expect((await socket.waitFor(isV2('phx_reply', '1'), 'the heartbeat reply')).json)
      .toEqual([null, '1', 'phoenix', 'phx_reply', { status: 'ok', response: {} }])

    socket.send(['9', '2', 'realtime:not-joined', 'broadcast', { type: 'broadcast', event: 'x', payload: {} }])
    expect((await socket.waitFor(isV2('phx_reply', '2'), 'the refusal')).json)
      .toEqual(['9', '2', 'realtime:not-joined', 'phx_reply', { status: 'error', response: { reason: 'unmatched topic' } }])

    const room = unique('raw')
    const received: unknown[] = []
    await subscribed(diego, diego.channel(room).on('broadcast', { event: 'raw' }, p => received.push(p)))
    socket.send(['3', '3', `realtime:${room}`, 'phx_join', { config: { broadcast: { self: true } } }])
    expect((await socket.waitFor(isV2('phx_reply', '3'), 'the join reply')).json)
      .toEqual(['3', '3', `realtime:${room}`, 'phx_reply', { status: 'ok', response: { postgres_changes: [] } }])

    // A kind-3 push (what realtime-js sends), echoed back to the sender (self) as kind 4.
    const topic = Buffer.from(`realtime:${room}`)
    const event = Buffer.from('raw')
    const payload = Buffer.from(JSON.stringify({ bytes: true }))
    socket.sendBinary(Buffer.concat([Buffer.from([3, 1, 1, topic.length, event.length, 0, 1]), Buffer.from('3'), Buffer.from('4'), topic, event, payload]))
    expect(await eventually(() => received[0], 5000, 'the supabase-js peer')).toEqual({ type: 'broadcast', event: 'raw', payload: { bytes: true } })
    const echo = (await socket.waitFor(frame => frame.binary !== undefined, 'the kind-4 echo')).binary!
    expect(echo).toEqual(Buffer.concat([Buffer.from([4, topic.length, event.length, 0, 1]), topic, event, payload]))
  })

  it('speaks JSON objects without join_ref on protocol 1.0.0', async () => {
    const socket = await rawSocket('1.0.0')
    socket.send({ topic: 'phoenix', event: 'heartbeat', payload: {}, ref: '7', join_ref: null })
    const reply = await socket.waitFor(frame => (frame.json as { ref?: string }).ref === '7', 'the heartbeat reply')
    expect(reply.json).toEqual({ topic: 'phoenix', event: 'phx_reply', payload: { status: 'ok', response: {} }, ref: '7' })
  })

  it('joins without access_token under the apikey\'s role and reports binding ids', async () => {
    const socket = await rawSocket('2.0.0')
    const batch = unique('anon')
    const binding = { event: 'INSERT', schema: 'public', table: 'test_rt_feed', filter: `batch=eq.${batch}` }
    socket.send(['1', '1', 'realtime:anon-feed', 'phx_join', { config: { postgres_changes: [binding] } }])
    const reply = (await socket.waitFor(isV2('phx_reply', '1'), 'the join reply')).json as [string, string, string, string, { status: string, response: { postgres_changes: Array<{ id: number }> } }]
    expect(reply[4].status).toBe('ok')
    const [echoed] = reply[4].response.postgres_changes
    expect(echoed).toEqual({ ...binding, id: expect.any(Number) })
    expect(Number.isInteger(echoed!.id)).toBe(true)
    const system = (await socket.waitFor(isV2('system'), 'the system message')).json as unknown[]
    expect(system).toEqual(['1', null, 'realtime:anon-feed', 'system', { extension: 'postgres_changes', status: 'ok', message: 'Subscribed to PostgreSQL', channel: 'anon-feed' }])

    await owner.query(`insert into public.test_rt_feed (batch, priority, label, secret) values ($1, 5, 'anon', 's')`, [batch])
    const change = (await socket.waitFor(isV2('postgres_changes'), 'the change')).json as [null, null, string, string, { ids: number[], data: Record<string, unknown> }]
    expect(change[4].ids).toEqual([echoed!.id])
    expect(change[4].data).toEqual({
      schema: 'public',
      table: 'test_rt_feed',
      type: 'INSERT',
      commit_timestamp: expect.any(String),
      columns: [{ name: 'id', type: 'int8' }, { name: 'batch', type: 'text' }, { name: 'priority', type: 'int4' }, { name: 'label', type: 'text' }],
      record: { id: expect.any(Number), batch, priority: 5, label: 'anon' },
      errors: null,
    })
  })
})

describe('channel tokens', () => {
  it('keeps the channel when realtime.setAuth gives it a new valid token', async () => {
    const client = await signedIn(DEMO.carla.email)
    const statuses: string[] = []
    const system: SystemMessage[] = []
    const changes: Array<Change<Note>> = []
    const channel = await subscribed(client, client.channel(unique('refresh'))
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_notes' }, (payload: Change<Note>) => changes.push(payload))
      .on('system', {}, (message: SystemMessage) => system.push(message)), statuses)
    const subscriptionAcks = () => system.filter(m => m.message === 'Subscribed to PostgreSQL').length
    await eventually(() => (subscriptionAcks() === 1 ? true : undefined), 5000, 'the first subscription')

    const { data, error } = await client.auth.refreshSession()
    expect(error).toBeNull()
    await client.realtime.setAuth(data.session!.access_token)
    // The server re-subscribes with the new claims and says so again.
    await eventually(() => (subscriptionAcks() === 2 ? true : undefined), 5000, 'the re-subscription')

    const note = await insertNote(client, { title: 'depois do novo token' })
    await eventually(() => changes.find(p => (p.new as Partial<Note>).id === note.id), 5000, 'a change after the refresh')
    expect(channel.state).toBe('joined')
    expect(statuses).toEqual(['SUBSCRIBED'])
  })

  it('closes the channel with a system error when given an invalid token', async () => {
    const client = await signedIn(DEMO.diego.email)
    const statuses: string[] = []
    const system: SystemMessage[] = []
    await subscribed(client, client.channel(unique('invalid')).on('system', {}, (message: SystemMessage) => system.push(message)), statuses)

    await client.realtime.setAuth('this-is-not-a-jwt')
    await eventually(() => (statuses.includes('CLOSED') ? true : undefined), 5000, 'the channel to close')
    expect(system).toContainEqual(expect.objectContaining({ extension: 'system', status: 'error', message: expect.stringMatching(/JWT/) }))
  })

  it('closes the channel when its token expires', async () => {
    const client = await signedIn(DEMO.diego.email)
    const statuses: string[] = []
    const system: SystemMessage[] = []
    await subscribed(client, client.channel(unique('expiring')).on('system', {}, (message: SystemMessage) => system.push(message)), statuses)

    const shortLived = await legacyToken({ sub: DEMO.diego.id, role: 'authenticated', aud: 'authenticated' }, 2)
    await client.realtime.setAuth(shortLived)
    await eventually(() => (statuses.includes('CLOSED') ? true : undefined), 6000, 'the channel to close at expiry')
    expect(system).toContainEqual(expect.objectContaining({ extension: 'system', status: 'error', message: expect.stringMatching(/expired/) }))
  })

  it('refuses a join whose token has expired', async () => {
    const socket = await rawSocket('2.0.0')
    const expired = await legacyToken({ sub: DEMO.diego.id, role: 'authenticated' }, -30)
    socket.send(['1', '1', 'realtime:expired', 'phx_join', { config: {}, access_token: expired }])
    const reply = (await socket.waitFor(isV2('phx_reply', '1'), 'the join reply')).json as [string, string, string, string, { status: string, response: { reason: string } }]
    expect(reply[4].status).toBe('error')
    expect(reply[4].response.reason.split(':')[0]).toBe('InvalidJWTToken')
  })

  it('subscribes an unauthenticated client with the anon role\'s privileges', async () => {
    const client = anonClient()
    extraClients.push(client)
    // anon may not select test_rt_notes, so a filter on its columns is refused; authenticated may.
    const result = async (who: SupabaseClient) => {
      const system: SystemMessage[] = []
      await subscribed(who, who.channel(unique('claims'))
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_notes', filter: 'priority=gt.0' }, () => {})
        .on('system', {}, (message: SystemMessage) => system.push(message)))
      return (await eventually(() => system[0], 5000, 'the subscription result')).status
    }
    expect(await result(client)).toBe('error')
    expect(await result(carla)).toBe('ok')

    // Without a filter anon subscribes, but without SELECT on the key it gets Realtime's 401 payloads.
    const seen: Array<Change<Note>> = []
    await subscribed(client, client.channel(unique('denied'))
      .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_rt_notes' }, (payload: Change<Note>) => seen.push(payload)))
    await insertNote(carla, { title: 'anon não vê' })
    const denied = await eventually(() => seen[0], 5000, 'the 401 payload')
    expect(denied).toMatchObject({ eventType: 'INSERT', table: 'test_rt_notes', new: {}, errors: ['Error 401: Unauthorized'] })
  })

  it('ignores sb_ keys offered as access tokens', async () => {
    const socket = await rawSocket('2.0.0')
    const topic = `realtime:${unique('opaque')}`
    socket.send(['1', '1', topic, 'phx_join', { config: { broadcast: { self: true, ack: true } }, access_token: 'sb_publishable_whatever' }])
    expect(((await socket.waitFor(isV2('phx_reply', '1'), 'the join reply')).json as unknown[])[4]).toMatchObject({ status: 'ok' })
    socket.send(['1', '2', topic, 'access_token', { access_token: 'sb_secret_whatever' }])
    socket.send(['1', '3', topic, 'broadcast', { type: 'broadcast', event: 'still-here', payload: {} }])
    await socket.waitFor(isV2('phx_reply', '3'), 'the broadcast ack')
    expect(socket.frames.some(isV2('system'))).toBe(false)
    expect(socket.frames.some(isV2('phx_close'))).toBe(false)
  })
})
