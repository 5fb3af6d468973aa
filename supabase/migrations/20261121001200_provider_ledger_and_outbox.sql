-- The raw ledger of everything providers send us (stored before processing, so nothing is lost) and
-- the outbox of messages waiting to be sent. Edge functions (service role) own both; admins may read.
create table public.provider_events (
  id bigint generated always as identity primary key,
  channel_id uuid references public.channels (id) on delete set null,
  provider text not null check (provider in ('evolution', 'cloud')),
  event_type text,
  provider_message_id text,
  payload jsonb,
  raw_body text,
  headers jsonb not null default '{}'::jsonb,
  status text not null default 'pending'
    check (status in ('pending', 'processed', 'duplicate', 'ignored', 'rejected', 'failed')),
  attempts integer not null default 0,
  last_error text,
  received_at timestamptz not null default now(),
  next_attempt_at timestamptz,
  processed_at timestamptz
);

comment on table public.provider_events is 'Every webhook received, stored before processing; retried until processed; rejected ones kept with the reason.';
comment on column public.provider_events.raw_body is 'Body as received when it was not valid JSON (kept for diagnosis).';

grant select on public.provider_events to authenticated;
grant all on public.provider_events to service_role;

alter table public.provider_events enable row level security;

create policy "admins read the provider ledger" on public.provider_events
  for select to authenticated using ((select private.is_admin()));

create index provider_events_pending_idx on public.provider_events (next_attempt_at) where status in ('pending', 'failed');
create index provider_events_channel_received_idx on public.provider_events (channel_id, received_at desc);
create index provider_events_provider_message_idx on public.provider_events (provider_message_id) where provider_message_id is not null;

create table public.outbox (
  id bigint generated always as identity primary key,
  message_id uuid not null unique references public.messages (id) on delete cascade,
  ticket_id uuid references public.tickets (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

comment on table public.outbox is 'Messages to send, in order per conversation; the sender retries with backoff and records failures.';

grant select on public.outbox to authenticated;
grant all on public.outbox to service_role;

alter table public.outbox enable row level security;

create policy "admins read the outbox" on public.outbox
  for select to authenticated using ((select private.is_admin()));

create index outbox_due_idx on public.outbox (next_attempt_at, id) where status in ('queued', 'sending');
create index outbox_ticket_idx on public.outbox (ticket_id, id);
create index outbox_channel_id_idx on public.outbox (channel_id);
