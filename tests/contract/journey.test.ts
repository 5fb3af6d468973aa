/**
 * One user's journey through every Supabase service of the stack, with unmodified supabase-js:
 * sign-in → a query under RLS → a realtime change seen by the allowed user and not by another →
 * storage upload and signed download → a function with and without a token → refresh → sign-out.
 * The per-service suites beside this file cover each service in depth.
 */
import type { RealtimePostgresInsertPayload, SupabaseClient } from '@supabase/supabase-js'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { anonClient, eventually, getStack, signedInClient } from '../support/stack.ts'

interface JourneyNote { id: number, owner_id: string, body: string }

let owner: pg.Client
let carla: SupabaseClient
let diego: SupabaseClient

beforeAll(async () => {
  // As the project owner (non-superuser), exactly as a migration would.
  owner = new pg.Client({ connectionString: getStack().dbUrl })
  await owner.connect()
  await owner.query(`
    create table if not exists public.test_journey_notes (
      id bigint generated always as identity primary key,
      owner_id uuid not null default auth.uid(),
      body text not null
    );
    grant select, insert on public.test_journey_notes to authenticated;
    alter table public.test_journey_notes enable row level security;
    drop policy if exists "owners read their notes" on public.test_journey_notes;
    create policy "owners read their notes" on public.test_journey_notes for select to authenticated using (owner_id = (select auth.uid()));
    drop policy if exists "users write their notes" on public.test_journey_notes;
    create policy "users write their notes" on public.test_journey_notes for insert to authenticated with check (owner_id = (select auth.uid()));
    do $$ begin
      if not exists (select 1 from pg_publication_tables where pubname = 'supabase_realtime' and tablename = 'test_journey_notes') then
        alter publication supabase_realtime add table public.test_journey_notes;
      end if;
    end $$;
    insert into storage.buckets (id, name, public) values ('journey', 'journey', false) on conflict do nothing;
    drop policy if exists "journey users manage their folder" on storage.objects;
    create policy "journey users manage their folder" on storage.objects for all to authenticated
      using (bucket_id = 'journey' and (storage.foldername(name))[1] = (select auth.uid())::text)
      with check (bucket_id = 'journey' and (storage.foldername(name))[1] = (select auth.uid())::text);
    notify pgrst, 'reload schema';
  `)
  carla = await signedInClient(DEMO.carla.email, DEMO.password)
  diego = await signedInClient(DEMO.diego.email, DEMO.password)
})

afterAll(async () => {
  await carla?.removeAllChannels()
  await diego?.removeAllChannels()
  await owner?.end()
})

describe('a user journey through the stack', () => {
  it('queries under RLS with the session token', async () => {
    const { data, error } = await carla.rpc('my_profile')
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: DEMO.carla.id, role: 'agent' })
  })

  it('delivers a realtime change to the allowed user only', async () => {
    const seenByCarla: JourneyNote[] = []
    const seenByDiego: JourneyNote[] = []
    const subscribe = (client: SupabaseClient, sink: JourneyNote[]) => new Promise<void>((resolve, reject) => {
      client.channel(`journey-${Math.random()}`)
        .on('postgres_changes', { event: 'INSERT', schema: 'public', table: 'test_journey_notes' },
          (payload: RealtimePostgresInsertPayload<JourneyNote>) => sink.push(payload.new))
        .subscribe((status, error) => {
          if (status === 'SUBSCRIBED') resolve()
          if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status))
        })
    })
    await Promise.all([subscribe(carla, seenByCarla), subscribe(diego, seenByDiego)])

    const { error } = await carla.from('test_journey_notes').insert({ body: 'visível só para a Carla' })
    expect(error).toBeNull()
    // Diego writes too, so we know his subscription works and would have shown Carla's row.
    await diego.from('test_journey_notes').insert({ body: 'nota do Diego' })

    await eventually(() => seenByCarla.find(note => note.body === 'visível só para a Carla'), 5000, 'Carla sees her note')
    await eventually(() => seenByDiego.find(note => note.body === 'nota do Diego'), 5000, 'Diego sees his note')
    expect(seenByDiego.map(note => note.body)).not.toContain('visível só para a Carla')
    expect(seenByCarla.map(note => note.body)).not.toContain('nota do Diego')
  })

  it('uploads a file and downloads it through a signed URL', async () => {
    const path = `${DEMO.carla.id}/comprovante.txt`
    const content = `comprovante ${Date.now()}`
    const upload = await carla.storage.from('journey').upload(path, new Blob([content], { type: 'text/plain' }), { upsert: true })
    expect(upload.error).toBeNull()

    const signed = await carla.storage.from('journey').createSignedUrl(path, 60)
    expect(signed.error).toBeNull()
    const response = await fetch(signed.data!.signedUrl)
    expect(response.status).toBe(200)
    expect(await response.text()).toBe(content)

    const denied = await diego.storage.from('journey').createSignedUrl(path, 60)
    expect(denied.error).not.toBeNull()
  })

  it('invokes a function with and without a user token', async () => {
    const withToken = await carla.functions.invoke('whoami')
    expect(withToken.error).toBeNull()
    expect(withToken.data).toMatchObject({ user_id: DEMO.carla.id, role: 'agent' })

    const withoutUser = await anonClient().functions.invoke('whoami')
    expect(withoutUser.error).not.toBeNull()
    expect((withoutUser.error as { context?: Response }).context?.status).toBe(401)
  })

  it('refreshes the session and then signs out', async () => {
    const before = (await carla.auth.getSession()).data.session!
    const refreshed = await carla.auth.refreshSession()
    expect(refreshed.error).toBeNull()
    expect(refreshed.data.session!.refresh_token).not.toBe(before.refresh_token)
    expect((await carla.rpc('my_profile')).data).toMatchObject({ id: DEMO.carla.id })

    const refreshToken = refreshed.data.session!.refresh_token
    expect((await carla.auth.signOut()).error).toBeNull()
    const afterSignOut = await anonClient().auth.refreshSession({ refresh_token: refreshToken })
    expect(afterSignOut.error).not.toBeNull()
  })
})
