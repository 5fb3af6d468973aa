-- The analytics schema (issue #8): documented views for Power BI and the in-app reports, read by
-- - the `analytics_reader` group role (a read-only login for Power BI's PostgreSQL connector joins it:
--   private.create_analytics_login, docs/powerbi.md), and
-- - the service role (the analytics-api function, through PostgREST: `analytics` is an exposed schema that
--   only service_role may use).
-- The views belong to the migration owner, like the tables, so they read every row (no RLS): whoever can
-- select from them sees the whole company's data — hence no grant to anon or authenticated.
--
-- Dates are in the company's time zone (app_settings.timezone): `*_date` columns are local calendar days,
-- `*_local` columns local wall-clock times; the `*_at` columns stay timestamptz (UTC on the wire).
-- Durations are in seconds (numeric), null when the ticket has not reached that point. One definition each
-- (docs/modelo-de-dados.md, "Métricas"):
--   bot     = first entered a queue − created          wait        = first accepted − first entered a queue
--   (per-segment waits, one per acceptance, in analytics.queue_waits)
--   handle  = closed − first accepted                  first reply = first agent message − first accepted
--   resolution = closed − created
-- Rating buckets on the 1–10 scale: promoter 9–10, passive 7–8, detractor 1–6.

create schema analytics;
comment on schema analytics is 'Read-only reporting views (Power BI, analytics-api, Relatórios). Company time zone; durations in seconds.';

create role analytics_reader nologin;
comment on role analytics_reader is 'Group role: read the analytics views and nothing else. Power BI logins are members (private.create_analytics_login).';

revoke all on schema analytics from public;
grant usage on schema analytics to analytics_reader, service_role;

-- The company's time zone, for the views (one row table; a stable function keeps each view readable).
create function analytics.company_timezone() returns text
language sql stable security definer set search_path = '' as $$
  select coalesce((select timezone from public.app_settings limit 1), 'America/Sao_Paulo')
$$;
comment on function analytics.company_timezone() is 'The IANA zone local dates are computed in (app_settings.timezone).';

create function analytics.seconds_between(p_from timestamptz, p_to timestamptz) returns numeric
language sql immutable parallel safe set search_path = '' as $$
  select case when p_from is null or p_to is null or p_to < p_from then null
              else round(extract(epoch from (p_to - p_from))::numeric, 3) end
$$;
comment on function analytics.seconds_between(timestamptz, timestamptz) is 'Seconds from p_from to p_to; null when either is missing or the order is reversed.';

create function analytics.rating_bucket(p_rating integer) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case when p_rating is null then null when p_rating >= 9 then 'promoter' when p_rating >= 7 then 'passive' else 'detractor' end
$$;
comment on function analytics.rating_bucket(integer) is 'NPS-style bucket of a 1–10 rating: promoter (9–10), passive (7–8), detractor (1–6).';

-- Tickets ---------------------------------------------------------------------------------------------

create view analytics.tickets as
with milestones as (
  select e.ticket_id,
         min(e.created_at) filter (where e.type = 'queued' or (e.type = 'transferred' and e.to_agent_id is null)) as first_queued_event_at,
         min(e.created_at) filter (where e.type in ('accepted', 'auto_assigned')) as first_accepted_event_at,
         count(*) filter (where e.type = 'transferred')::integer as transfers
  from public.ticket_events e
  group by e.ticket_id
),
message_counts as (
  select m.ticket_id,
         count(*) filter (where m.direction = 'inbound')::integer as messages_in,
         count(*) filter (where m.direction = 'outbound' and m.sender_type = 'agent' and not m.is_private)::integer as messages_out_agent,
         count(*) filter (where m.direction = 'outbound' and m.sender_type = 'bot')::integer as messages_out_bot,
         count(*) filter (where m.is_private)::integer as private_notes
  from public.messages m
  where m.ticket_id is not null
  group by m.ticket_id
),
base as (
  select t.*,
         least(ms.first_queued_event_at, t.queued_at) as first_queued_at,
         coalesce(least(ms.first_accepted_event_at, t.accepted_at), t.accepted_at) as first_accepted_at,
         coalesce(ms.transfers, 0)::integer as transfers,
         analytics.company_timezone() as tz
  from public.tickets t
  left join milestones ms on ms.ticket_id = t.id
)
select
  b.id as ticket_id,
  b.number as ticket_number,
  b.status,
  b.channel_id,
  ch.name as channel_name,
  b.contact_id,
  coalesce(co.display_name, co.whatsapp_name) as contact_name,
  co.phone as contact_phone,
  b.team_id,
  tm.name as team_name,
  b.assignee_id as agent_id,
  ag.full_name as agent_name,
  b.created_at,
  b.first_queued_at as queued_at,
  b.first_accepted_at as accepted_at,
  b.first_response_at,
  b.closed_at,
  b.closed_reason,
  (b.closed_reason in ('bot', 'customer_keyword') or (b.status = 'closed' and b.first_accepted_at is null)) as closed_by_bot,
  (b.created_at at time zone b.tz)::date as created_date,
  (b.created_at at time zone b.tz) as created_local,
  extract(hour from (b.created_at at time zone b.tz))::integer as created_hour,
  extract(isodow from (b.created_at at time zone b.tz))::integer as created_weekday,
  (b.closed_at at time zone b.tz)::date as closed_date,
  analytics.seconds_between(b.created_at, b.first_queued_at) as bot_seconds,
  analytics.seconds_between(b.first_queued_at, b.first_accepted_at) as wait_seconds,
  analytics.seconds_between(b.first_accepted_at, b.first_response_at) as first_response_seconds,
  analytics.seconds_between(b.first_accepted_at, b.closed_at) as handle_seconds,
  analytics.seconds_between(b.created_at, b.closed_at) as resolution_seconds,
  b.transfers,
  coalesce(mc.messages_in, 0) as messages_in,
  coalesce(mc.messages_out_agent, 0) as messages_out_agent,
  coalesce(mc.messages_out_bot, 0) as messages_out_bot,
  coalesce(mc.private_notes, 0) as private_notes,
  b.classification_id,
  cl.name as classification_name,
  b.closing_comment,
  b.rating_status,
  b.rating,
  b.rated_at,
  analytics.rating_bucket(b.rating) as rating_bucket,
  b.low_rating_flag,
  b.updated_at
from base b
join public.channels ch on ch.id = b.channel_id
join public.contacts co on co.id = b.contact_id
left join public.teams tm on tm.id = b.team_id
left join public.profiles ag on ag.id = b.assignee_id
left join public.classifications cl on cl.id = b.classification_id
left join message_counts mc on mc.ticket_id = b.id;

comment on view analytics.tickets is 'One row per ticket: every timestamp, the metric durations (seconds), team, agent, channel, contact, classification, closing comment and rating. Incremental key: updated_at.';
comment on column analytics.tickets.queued_at is 'First time the ticket entered a queue (later transfers do not move it).';
comment on column analytics.tickets.accepted_at is 'First time an agent took it (by hand or by the round robin).';
comment on column analytics.tickets.closed_by_bot is 'Closed without ever reaching an agent (menu keyword, bot, or inactivity before acceptance).';
comment on column analytics.tickets.wait_seconds is 'Wait = accepted_at − queued_at.';
comment on column analytics.tickets.first_response_seconds is 'First response = first agent message − accepted_at.';
comment on column analytics.tickets.handle_seconds is 'Handle = closed_at − accepted_at.';
comment on column analytics.tickets.resolution_seconds is 'Resolution = closed_at − created_at.';
comment on column analytics.tickets.bot_seconds is 'Bot time = queued_at − created_at.';
comment on column analytics.tickets.updated_at is 'Last change of the ticket row: fetch rows changed since a time with it.';

-- Messages --------------------------------------------------------------------------------------------

create view analytics.messages as
select
  m.id as message_id,
  m.ticket_id,
  m.channel_id,
  m.contact_id,
  m.direction,
  m.sender_type,
  m.sender_id as agent_id,
  m.kind,
  m.is_private,
  m.is_voice_note,
  m.status,
  m.status_error,
  length(m.body) as body_length,
  m.media_mime,
  m.media_size,
  m.media_duration_seconds,
  m.created_at,
  (m.created_at at time zone analytics.company_timezone())::date as created_date,
  extract(hour from (m.created_at at time zone analytics.company_timezone()))::integer as created_hour,
  greatest(m.created_at, m.status_updated_at) as updated_at
from public.messages m;

comment on view analytics.messages is 'One row per message (notes included, is_private); no text or media content, only kinds, sizes and delivery status. Incremental key: updated_at.';
comment on column analytics.messages.updated_at is 'Creation or last delivery-status change.';

-- Transfers -------------------------------------------------------------------------------------------

create view analytics.transfers as
select
  e.id as transfer_id,
  e.ticket_id,
  t.number as ticket_number,
  e.actor_id,
  actor.full_name as actor_name,
  e.from_team_id,
  ft.name as from_team_name,
  e.to_team_id,
  tt.name as to_team_name,
  e.from_agent_id,
  fa.full_name as from_agent_name,
  e.to_agent_id,
  ta.full_name as to_agent_name,
  e.note,
  e.created_at,
  (e.created_at at time zone analytics.company_timezone())::date as created_date,
  e.created_at as updated_at
from public.ticket_events e
join public.tickets t on t.id = e.ticket_id
left join public.profiles actor on actor.id = e.actor_id
left join public.teams ft on ft.id = e.from_team_id
left join public.teams tt on tt.id = e.to_team_id
left join public.profiles fa on fa.id = e.from_agent_id
left join public.profiles ta on ta.id = e.to_agent_id
where e.type = 'transferred';

comment on view analytics.transfers is 'One row per transfer (from/to team and agent, note). Rows never change; incremental key: created_at (= updated_at).';

-- Queue waits ------------------------------------------------------------------------------------------

-- Wait per queue segment (DESIGN.md): every acceptance ends a segment that began when the ticket last
-- entered a queue (accept_ticket records that moment in data.queued_at). The round robin assigns at the
-- moment of queueing, so its segments wait zero.
create view analytics.queue_waits as
select
  e.id as segment_id,
  e.ticket_id,
  t.number as ticket_number,
  e.to_team_id as team_id,
  tm.name as team_name,
  coalesce(e.to_agent_id, e.actor_id) as agent_id,
  ag.full_name as agent_name,
  e.type as ended_by,
  coalesce((e.data ->> 'queued_at')::timestamptz, e.created_at) as queued_at,
  e.created_at as accepted_at,
  analytics.seconds_between(coalesce((e.data ->> 'queued_at')::timestamptz, e.created_at), e.created_at) as wait_seconds,
  (e.created_at at time zone analytics.company_timezone())::date as accepted_date,
  e.created_at as updated_at
from public.ticket_events e
join public.tickets t on t.id = e.ticket_id
left join public.teams tm on tm.id = e.to_team_id
left join public.profiles ag on ag.id = coalesce(e.to_agent_id, e.actor_id)
where e.type in ('accepted', 'auto_assigned');

comment on view analytics.queue_waits is 'One row per queue segment that ended with an agent taking the ticket (by hand: accepted; by the round robin: auto_assigned): wait = accepted_at − queued_at. Rows never change.';

-- Ratings ---------------------------------------------------------------------------------------------

create view analytics.ratings as
select
  t.id as ticket_id,
  t.number as ticket_number,
  t.channel_id,
  t.team_id,
  tm.name as team_name,
  t.assignee_id as agent_id,
  ag.full_name as agent_name,
  t.classification_id,
  t.rating_status,
  t.rating,
  analytics.rating_bucket(t.rating) as rating_bucket,
  t.low_rating_flag,
  t.rating_requested_at,
  t.rated_at,
  (t.rated_at at time zone analytics.company_timezone())::date as rated_date,
  t.updated_at
from public.tickets t
left join public.teams tm on tm.id = t.team_id
left join public.profiles ag on ag.id = t.assignee_id
where t.rating_status is not null;

comment on view analytics.ratings is 'One row per rating request: rated (1–10, bucket), expired, or still waiting. Incremental key: updated_at.';

-- Daily and per-agent aggregates -----------------------------------------------------------------------

create view analytics.daily as
with days as (
  select created_date as day from analytics.tickets
  union select closed_date from analytics.tickets where closed_date is not null
  union select created_date from analytics.messages
  union select (c.created_at at time zone analytics.company_timezone())::date from public.contacts c
),
created as (
  select created_date as day, count(*)::integer as tickets_created from analytics.tickets group by 1
),
closed as (
  select closed_date as day,
         count(*)::integer as tickets_closed,
         count(*) filter (where closed_by_bot)::integer as tickets_closed_by_bot,
         round(avg(wait_seconds), 3) as avg_wait_seconds,
         round(avg(handle_seconds), 3) as avg_handle_seconds,
         round(avg(first_response_seconds), 3) as avg_first_response_seconds,
         round(avg(resolution_seconds), 3) as avg_resolution_seconds,
         sum(transfers)::integer as transfers
  from analytics.tickets where closed_date is not null group by 1
),
rated as (
  select rated_date as day,
         count(*)::integer as ratings,
         round(avg(rating), 3) as avg_rating,
         count(*) filter (where rating_bucket = 'promoter')::integer as promoters,
         count(*) filter (where rating_bucket = 'passive')::integer as passives,
         count(*) filter (where rating_bucket = 'detractor')::integer as detractors
  from analytics.ratings where rating is not null group by 1
),
traffic as (
  select created_date as day,
         count(*) filter (where direction = 'inbound')::integer as messages_in,
         count(*) filter (where direction = 'outbound' and not is_private)::integer as messages_out
  from analytics.messages group by 1
),
contacts as (
  select (c.created_at at time zone analytics.company_timezone())::date as day, count(*)::integer as new_contacts
  from public.contacts c group by 1
)
select
  d.day,
  coalesce(cr.tickets_created, 0) as tickets_created,
  coalesce(cl.tickets_closed, 0) as tickets_closed,
  coalesce(cl.tickets_closed_by_bot, 0) as tickets_closed_by_bot,
  coalesce(tr.messages_in, 0) as messages_in,
  coalesce(tr.messages_out, 0) as messages_out,
  coalesce(nc.new_contacts, 0) as new_contacts,
  cl.avg_wait_seconds,
  cl.avg_first_response_seconds,
  cl.avg_handle_seconds,
  cl.avg_resolution_seconds,
  coalesce(cl.transfers, 0) as transfers,
  coalesce(ra.ratings, 0) as ratings,
  ra.avg_rating,
  coalesce(ra.promoters, 0) as promoters,
  coalesce(ra.passives, 0) as passives,
  coalesce(ra.detractors, 0) as detractors,
  case when coalesce(ra.ratings, 0) = 0 then null
       else round(100.0 * (ra.promoters - ra.detractors) / ra.ratings, 1) end as nps
from days d
left join created cr on cr.day = d.day
left join closed cl on cl.day = d.day
left join rated ra on ra.day = d.day
left join traffic tr on tr.day = d.day
left join contacts nc on nc.day = d.day;

comment on view analytics.daily is 'One row per local day with activity: tickets created/closed (by the bot too), messages in/out, new contacts, average durations of the tickets closed that day, ratings and NPS.';

create view analytics.agents_daily as
with handled as (
  select agent_id, closed_date as day,
         count(*)::integer as tickets_closed,
         round(avg(handle_seconds), 3) as avg_handle_seconds,
         round(avg(first_response_seconds), 3) as avg_first_response_seconds,
         count(rating)::integer as ratings,
         round(avg(rating), 3) as avg_rating
  from analytics.tickets
  where agent_id is not null and closed_date is not null
  group by 1, 2
),
sent as (
  select agent_id, created_date as day, count(*)::integer as messages_sent
  from analytics.messages
  where sender_type = 'agent' and not is_private and agent_id is not null
  group by 1, 2
),
accepted as (
  select coalesce(e.to_agent_id, e.actor_id) as agent_id,
         (e.created_at at time zone analytics.company_timezone())::date as day,
         count(*)::integer as tickets_accepted
  from public.ticket_events e
  where e.type in ('accepted', 'auto_assigned')
  group by 1, 2
),
keys as (
  select agent_id, day from handled union select agent_id, day from sent union select agent_id, day from accepted
)
select
  k.day,
  k.agent_id,
  p.full_name as agent_name,
  coalesce(a.tickets_accepted, 0) as tickets_accepted,
  coalesce(h.tickets_closed, 0) as tickets_closed,
  coalesce(s.messages_sent, 0) as messages_sent,
  h.avg_first_response_seconds,
  h.avg_handle_seconds,
  coalesce(h.ratings, 0) as ratings,
  h.avg_rating
from keys k
join public.profiles p on p.id = k.agent_id
left join handled h on h.agent_id = k.agent_id and h.day = k.day
left join sent s on s.agent_id = k.agent_id and s.day = k.day
left join accepted a on a.agent_id = k.agent_id and a.day = k.day;

comment on view analytics.agents_daily is 'One row per agent and local day with work: tickets accepted and closed, messages sent, average first response and handle time, ratings of the tickets they closed.';

-- Small dimensions, for a star schema in Power BI.
create view analytics.agents as
  select id as agent_id, full_name as agent_name, role, active, created_at from public.profiles;
comment on view analytics.agents is 'People who work tickets (no e-mail).';
create view analytics.teams as
  select id as team_id, name as team_name, color, auto_assign, created_at from public.teams;
comment on view analytics.teams is 'Teams (queues).';
create view analytics.channels as
  select id as channel_id, name as channel_name, provider, phone_number, active, created_at from public.channels;
comment on view analytics.channels is 'WhatsApp connections.';
create view analytics.classifications as
  select id as classification_id, name as classification_name, active, position, created_at from public.classifications;
comment on view analytics.classifications is 'Closing classifications.';

grant select on all tables in schema analytics to analytics_reader, service_role;
grant execute on all functions in schema analytics to analytics_reader, service_role;
revoke execute on all functions in schema analytics from public;

-- The Power BI login ----------------------------------------------------------------------------------

-- Creates (or re-passwords) a login that can read the analytics views and nothing else: member of
-- analytics_reader, read-only transactions, a statement timeout and a connection limit. Run by an admin
-- in the SQL editor (docs/powerbi.md); the password never lands in a migration or the repository.
create function private.create_analytics_login(
  p_name text,
  p_password text,
  p_connection_limit integer default 5,
  p_statement_timeout text default '60s'
) returns text
language plpgsql volatile security definer set search_path = '' as $$
begin
  if p_name !~ '^[a-z_][a-z0-9_]{2,40}$' or p_name in ('postgres', 'authenticator', 'anon', 'authenticated', 'service_role', 'analytics_reader') then
    raise exception using errcode = 'P0001', message = 'invalid_role_name',
      detail = 'Use um nome em minúsculas, com letras, números e _, de 3 a 41 caracteres (ex.: powerbi_leitura).';
  end if;
  if length(coalesce(p_password, '')) < 16 then
    raise exception using errcode = 'P0001', message = 'weak_password',
      detail = 'Escolha uma senha com pelo menos 16 caracteres.';
  end if;
  if p_connection_limit not between 1 and 50 then
    raise exception using errcode = 'P0001', message = 'invalid_connection_limit',
      detail = 'O limite de conexões deve ser de 1 a 50.';
  end if;
  if exists (select 1 from pg_catalog.pg_roles where rolname = p_name) then
    execute format('alter role %I with login nosuperuser nocreatedb nocreaterole noinherit nobypassrls password %L connection limit %s',
      p_name, p_password, p_connection_limit);
  else
    execute format('create role %I with login nosuperuser nocreatedb nocreaterole noinherit nobypassrls password %L connection limit %s',
      p_name, p_password, p_connection_limit);
  end if;
  -- noinherit + set role would be awkward for BI tools: inherit the group's grants directly instead.
  execute format('alter role %I inherit', p_name);
  execute format('grant analytics_reader to %I', p_name);
  execute format('alter role %I set default_transaction_read_only = on', p_name);
  execute format('alter role %I set statement_timeout = %L', p_name, p_statement_timeout);
  execute format('alter role %I set search_path = analytics', p_name);
  return p_name;
end
$$;
comment on function private.create_analytics_login(text, text, integer, text) is
  'Creates or re-passwords a read-only login for Power BI''s PostgreSQL connector (analytics schema only). docs/powerbi.md.';
revoke all on function private.create_analytics_login(text, text, integer, text) from public;
