-- Tickets ("chamados"): one customer conversation from the bot's welcome to the rating, and the audit
-- trail of everything that happened to it.

-- Who sees tickets: admins, supervisors and observers see all; agents see their teams' tickets and the
-- tickets assigned to them, once the bot has handed them over. Deactivated users see nothing.
-- The same rule is restated in private.caller_sees_ticket (RPC checks on one ticket row) and in
-- private.search_message_hits (inlined so search can use its indexes): change all three together;
-- tests/database/rls-matrix.test.ts and search.test.ts pin it.
create function private.sees_all_tickets() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.current_user_role() in ('admin', 'supervisor', 'observer'), false)
$$;
revoke all on function private.sees_all_tickets() from public;
grant execute on function private.sees_all_tickets() to authenticated, service_role;

create table public.tickets (
  id uuid primary key default gen_random_uuid(),
  number bigint generated always as identity (start with 1001) unique,
  contact_id uuid not null references public.contacts (id) on delete restrict,
  channel_id uuid not null references public.channels (id) on delete restrict,
  team_id uuid references public.teams (id) on delete set null,
  assignee_id uuid references public.profiles (id) on delete set null,
  status text not null default 'bot' check (status in ('bot', 'queued', 'open', 'closed')),
  bot_state jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  queued_at timestamptz,
  accepted_at timestamptz,
  first_response_at timestamptz,
  closed_at timestamptz,
  closed_by uuid references public.profiles (id) on delete set null,
  closed_reason text check (closed_reason in ('agent', 'supervisor', 'customer_keyword', 'inactivity', 'bot')),
  classification_id uuid references public.classifications (id) on delete set null,
  closing_comment text check (closing_comment is null or length(closing_comment) <= 5000),
  rating_status text check (rating_status in ('requested', 'rated', 'expired')),
  rating_requested_at timestamptz,
  rated_at timestamptz,
  rating integer check (rating between 1 and 10),
  low_rating_flag boolean not null default false,
  last_message_at timestamptz,
  last_message_preview text,
  last_inbound_at timestamptz,
  unread_count integer not null default 0 check (unread_count >= 0),
  updated_at timestamptz not null default now(),
  constraint tickets_queue_needs_team check (status not in ('queued', 'open') or team_id is not null),
  constraint tickets_open_needs_assignee check (status <> 'open' or assignee_id is not null),
  constraint tickets_closed_has_time check (status <> 'closed' or closed_at is not null),
  constraint tickets_rating_consistent check ((rating is null) = (rated_at is null))
);

comment on table public.tickets is 'A customer conversation: bot → queued (team) → open (agent) → closed → rated. Changed only through RPCs.';
comment on column public.tickets.number is 'Short number a person can read over the phone (#1001, #1002…).';
comment on column public.tickets.status is 'bot: talking to the menu bot; queued: waiting in a team queue; open: with an agent; closed.';
comment on column public.tickets.bot_state is 'Chatbot engine state (stage, invalid attempts…), owned by the webhook function.';
comment on column public.tickets.rating_status is 'requested after closing; rated when the customer answered 1–10; expired when nobody answered in time.';
comment on column public.tickets.unread_count is 'Inbound messages the assignee has not read yet.';

grant select on public.tickets to authenticated;
grant all on public.tickets to service_role;

alter table public.tickets enable row level security;

create policy "staff read the tickets they may see" on public.tickets
  for select to authenticated using (
    (select private.sees_all_tickets())
    or ((select private.current_user_role()) = 'agent'
        and status <> 'bot'
        and (assignee_id = (select auth.uid()) or team_id in (select private.my_team_ids())))
  );

-- Inbox lists: my open tickets, my teams' queues, a contact's history; one non-closed ticket per
-- contact and channel.
create index tickets_assignee_status_idx on public.tickets (assignee_id, status, last_message_at desc);
create index tickets_team_status_idx on public.tickets (team_id, status, queued_at);
create index tickets_status_last_message_idx on public.tickets (status, last_message_at desc);
create index tickets_contact_created_idx on public.tickets (contact_id, created_at desc);
create unique index tickets_one_active_per_contact_idx on public.tickets (contact_id, channel_id) where status <> 'closed';
create index tickets_channel_id_idx on public.tickets (channel_id);
create index tickets_classification_id_idx on public.tickets (classification_id);
create index tickets_closed_at_idx on public.tickets (closed_at desc) where status = 'closed';
create index tickets_rating_pending_idx on public.tickets (rating_requested_at) where rating_status = 'requested';

create trigger tickets_touch_updated_at
  before update on public.tickets
  for each row execute function private.touch_updated_at();

-- The audit trail, and the source of the metrics (wait, handle, transfers).
create table public.ticket_events (
  id bigint generated always as identity primary key,
  ticket_id uuid not null references public.tickets (id) on delete cascade,
  type text not null check (type in (
    'created', 'queued', 'accepted', 'transferred', 'closed', 'reopened',
    'rating_requested', 'rated', 'rating_expired', 'low_rating_flagged'
  )),
  actor_id uuid references public.profiles (id) on delete set null,
  from_team_id uuid references public.teams (id) on delete set null,
  to_team_id uuid references public.teams (id) on delete set null,
  from_agent_id uuid references public.profiles (id) on delete set null,
  to_agent_id uuid references public.profiles (id) on delete set null,
  note text check (note is null or length(note) <= 2000),
  data jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

comment on table public.ticket_events is 'Who did what to a ticket and when (actor null = the bot or the system). Written by the RPCs.';

grant select on public.ticket_events to authenticated;
grant all on public.ticket_events to service_role;

alter table public.ticket_events enable row level security;

create policy "staff read events of tickets they may see" on public.ticket_events
  -- offset 0: one ticket lookup per event, as for messages (see the messages policy).
  for select to authenticated using (exists (select 1 from public.tickets t where t.id = ticket_events.ticket_id offset 0));

create index ticket_events_ticket_id_idx on public.ticket_events (ticket_id, created_at);
create index ticket_events_type_created_idx on public.ticket_events (type, created_at);
create index ticket_events_actor_id_idx on public.ticket_events (actor_id);
