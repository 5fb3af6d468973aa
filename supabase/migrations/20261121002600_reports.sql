-- Relatórios (issue #8): the live dashboard and the filtered ticket list of the app.
--
-- Unlike the analytics views (20261121002400_analytics.sql), which read every row for Power BI and the
-- analytics-api, everything here is SECURITY INVOKER over the public tables: row-level security decides what
-- each person counts (agents: their teams' tickets and the ones assigned to them, never a ticket still with
-- the bot; supervisors, admins and observers: everything).
--
-- The metric definitions are the analytics views' ones, restated (docs/modelo-de-dados.md, "Métricas"):
--   queued  = first time the ticket entered a queue     accepted = first time an agent took it
--   wait    = accepted − queued                         first response = first agent message − accepted
--   handle  = closed − accepted                         resolution = closed − created
--   closed by the bot = closing reason bot / customer keyword, or closed without ever being accepted
--   averages of a period = over the tickets CLOSED in it; ratings = the ones given in it (rated_at);
--   rating buckets: promoter 9–10, passive 7–8, detractor 1–6; NPS = (promoters − detractors) / ratings × 100
--   messages in = inbound; messages out = outbound except private notes; active agents = sent one
-- THEY MUST STAY IN SYNC with analytics.tickets / analytics.daily: tests/database/reports.test.ts compares both
-- on a seeded scenario.

-- Per-ticket facts ---------------------------------------------------------------------------------------

-- Seconds from p_from to p_to, null when either is missing or the order is reversed (= analytics.seconds_between).
-- No SET clause, so the planner inlines it (called four times per ticket); it names only pg_catalog.
create function private.report_seconds(p_from timestamptz, p_to timestamptz) returns numeric
language sql immutable parallel safe as $$
  select case when p_from is null or p_to is null or p_to < p_from then null
              else pg_catalog.round(extract(epoch from (p_to - p_from))::numeric, 3) end
$$;
comment on function private.report_seconds(timestamptz, timestamptz) is 'Same as analytics.seconds_between, reachable by signed-in users.';
revoke all on function private.report_seconds(timestamptz, timestamptz) from public;
grant execute on function private.report_seconds(timestamptz, timestamptz) to authenticated, service_role;

-- One row per ticket the caller may see (security_invoker: the tables' RLS applies) with the milestones and
-- durations of analytics.tickets. The milestones come from the ticket's own events (a lateral lookup by
-- ticket_events_ticket_id_idx), so a filter on the ticket's columns is applied before them. No names: the
-- dashboard only aggregates (report_ticket_facts adds them for the list).
create view private.report_ticket_metrics with (security_invoker = true) as
select
  t.id as ticket_id,
  t.number,
  t.status,
  t.channel_id,
  t.contact_id,
  t.team_id,
  t.assignee_id as agent_id,
  t.classification_id,
  t.closing_comment,
  t.created_at,
  ms.queued_at,
  ms.accepted_at,
  t.first_response_at,
  t.closed_at,
  t.closed_reason,
  coalesce(t.closed_reason in ('bot', 'customer_keyword') or (t.status = 'closed' and ms.accepted_at is null), false) as closed_by_bot,
  private.report_seconds(ms.queued_at, ms.accepted_at) as wait_seconds,
  private.report_seconds(ms.accepted_at, t.first_response_at) as first_response_seconds,
  private.report_seconds(ms.accepted_at, t.closed_at) as handle_seconds,
  private.report_seconds(t.created_at, t.closed_at) as resolution_seconds,
  t.rating,
  t.rated_at
from public.tickets t
cross join lateral (
  select least(min(e.created_at) filter (where e.type = 'queued' or (e.type = 'transferred' and e.to_agent_id is null)), t.queued_at) as queued_at,
         least(min(e.created_at) filter (where e.type in ('accepted', 'auto_assigned')), t.accepted_at) as accepted_at
  from public.ticket_events e
  where e.ticket_id = t.id
) ms;

comment on view private.report_ticket_metrics is
  'Relatórios: one row per ticket the caller may see (RLS), with the milestones and durations of analytics.tickets (keep in sync).';
grant select on private.report_ticket_metrics to authenticated, service_role;

-- The same rows with the names the ticket list shows (contact as analytics.tickets names it).
create view private.report_ticket_facts with (security_invoker = true) as
select
  m.*,
  ch.name as channel_name,
  coalesce(co.display_name, co.whatsapp_name) as contact_name,
  co.phone as contact_phone,
  tm.name as team_name,
  ag.full_name as agent_name,
  cl.name as classification_name
from private.report_ticket_metrics m
join public.channels ch on ch.id = m.channel_id
join public.contacts co on co.id = m.contact_id
left join public.teams tm on tm.id = m.team_id
left join public.profiles ag on ag.id = m.agent_id
left join public.classifications cl on cl.id = m.classification_id;

comment on view private.report_ticket_facts is 'Relatórios: report_ticket_metrics with channel, contact, team, agent and classification names.';
grant select on private.report_ticket_facts to authenticated, service_role;

-- Indexes of the period queries: tickets created / rated in a period (and the list's keyset order), contacts
-- created in a period, and messages without a ticket (admins count them, like analytics.daily).
create index tickets_created_at_idx on public.tickets (created_at desc, id desc);
create index tickets_rated_at_idx on public.tickets (rated_at) where rating is not null;
create index contacts_created_at_idx on public.contacts (created_at);
create index messages_unticketed_created_idx on public.messages (created_at) where ticket_id is null;

-- The period ----------------------------------------------------------------------------------------------

create function private.report_check_period(p_from timestamptz, p_to timestamptz) returns void
language plpgsql immutable set search_path = '' as $$
begin
  if p_from is null or p_to is null or p_to <= p_from then
    raise exception using errcode = 'P0001', message = 'invalid_period',
      detail = 'Período inválido: a data final precisa ser depois da inicial.';
  end if;
  if p_to - p_from > interval '400 days' then
    raise exception using errcode = 'P0001', message = 'period_too_long',
      detail = 'Escolha um período de até um ano.';
  end if;
end
$$;
revoke all on function private.report_check_period(timestamptz, timestamptz) from public;
grant execute on function private.report_check_period(timestamptz, timestamptz) to authenticated, service_role;

create function private.report_require_staff() returns void
language plpgsql stable set search_path = '' as $$
begin
  if private.current_user_role() is null then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Entre com uma conta ativa para ver os relatórios.';
  end if;
end
$$;
revoke all on function private.report_require_staff() from public;
grant execute on function private.report_require_staff() to authenticated, service_role;

-- The dashboard -------------------------------------------------------------------------------------------

/*
 * The Painel of Relatórios: what is happening now and what happened in [p_from, p_to), optionally for one
 * connection and/or one team, as the caller may see it (RLS). Answers
 *   { timezone, bucket: 'hour'|'day', from, to, generated_at,
 *     live:      { open, waiting, oldest_waiting_since, with_bot },
 *     totals:    { created, closed, closed_by_bot, messages_in, messages_out, active_agents, new_contacts },
 *     durations: { wait | first_response | handle | resolution: { count, average, median } }  (seconds),
 *     ratings:   { count, average, distribution: [count of 1, …, count of 10], promoters, passives,
 *                  detractors, nps },
 *     series:    [{ bucket: 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:00' (company time), created, closed,
 *                   messages_in, messages_out }] }
 * Hourly buckets for a period of up to 25 hours (one local day, DST included), daily ones otherwise.
 * New contacts: contacts created in the period; with a connection or team filter, and for agents (who do
 * not see every conversation), only those with a ticket the filter and RLS let through.
 * Errors: 42501 not_allowed (no active account), P0001 invalid_period, period_too_long.
 */
create function public.report_dashboard(
  p_from timestamptz,
  p_to timestamptz,
  p_channel_id uuid default null,
  p_team_id uuid default null
) returns jsonb
language plpgsql stable security invoker set search_path = '' set plan_cache_mode = force_custom_plan as $$
declare
  v_tz text;
  v_unit text;
  v_label_format text;
  v_live jsonb;
  v_closed jsonb;
  v_traffic jsonb;
  v_new_contacts integer;
  v_ratings jsonb;
  v_series jsonb;
  v_created integer;
begin
  perform private.report_require_staff();
  perform private.report_check_period(p_from, p_to);
  v_tz := coalesce((select s.timezone from public.app_settings s limit 1), 'America/Sao_Paulo');
  v_unit := case when p_to - p_from <= interval '25 hours' then 'hour' else 'day' end;
  v_label_format := case when v_unit = 'hour' then 'YYYY-MM-DD"T"HH24:00' else 'YYYY-MM-DD' end;

  -- Now (the period does not apply).
  select jsonb_build_object(
           'open', count(*) filter (where t.status = 'open'),
           'waiting', count(*) filter (where t.status = 'queued'),
           'oldest_waiting_since', min(t.queued_at) filter (where t.status = 'queued'),
           'with_bot', count(*) filter (where t.status = 'bot'))
  into v_live
  from public.tickets t
  where t.status <> 'closed'
    and (p_channel_id is null or t.channel_id = p_channel_id)
    and (p_team_id is null or t.team_id = p_team_id);

  -- Tickets closed in the period and their durations (analytics.daily's averages, plus the medians).
  select jsonb_build_object(
           'closed', count(*),
           'closed_by_bot', count(*) filter (where f.closed_by_bot),
           'durations', jsonb_build_object(
             'wait', jsonb_build_object('count', count(f.wait_seconds), 'average', round(avg(f.wait_seconds), 3),
               'median', round((percentile_cont(0.5) within group (order by f.wait_seconds))::numeric, 3)),
             'first_response', jsonb_build_object('count', count(f.first_response_seconds), 'average', round(avg(f.first_response_seconds), 3),
               'median', round((percentile_cont(0.5) within group (order by f.first_response_seconds))::numeric, 3)),
             'handle', jsonb_build_object('count', count(f.handle_seconds), 'average', round(avg(f.handle_seconds), 3),
               'median', round((percentile_cont(0.5) within group (order by f.handle_seconds))::numeric, 3)),
             'resolution', jsonb_build_object('count', count(f.resolution_seconds), 'average', round(avg(f.resolution_seconds), 3),
               'median', round((percentile_cont(0.5) within group (order by f.resolution_seconds))::numeric, 3))))
  into v_closed
  from private.report_ticket_metrics f
  where f.status = 'closed' and f.closed_at >= p_from and f.closed_at < p_to
    and (p_channel_id is null or f.channel_id = p_channel_id)
    and (p_team_id is null or f.team_id = p_team_id);

  -- Messages per bucket and for the whole period ("total") in one pass over the period's messages.
  select jsonb_object_agg(coalesce(to_char(g.local_start, v_label_format), 'total'),
           jsonb_build_object('in', g.messages_in, 'out', g.messages_out, 'agents', g.active_agents))
  into v_traffic
  from (
    select date_trunc(v_unit, m.created_at at time zone v_tz) as local_start,
           count(*) filter (where m.direction = 'inbound')::integer as messages_in,
           count(*) filter (where m.direction = 'outbound' and not m.is_private)::integer as messages_out,
           count(distinct m.sender_id) filter (where m.sender_type = 'agent' and not m.is_private)::integer as active_agents
    from public.messages m
    where m.created_at >= p_from and m.created_at < p_to
      and (p_channel_id is null or m.channel_id = p_channel_id)
      and (p_team_id is null or exists (select 1 from public.tickets t where t.id = m.ticket_id and t.team_id = p_team_id))
    group by grouping sets ((1), ())
  ) g;

  if private.sees_all_tickets() and p_channel_id is null and p_team_id is null then
    select count(*)::integer into v_new_contacts
    from public.contacts c where c.created_at >= p_from and c.created_at < p_to;
  else
    select count(*)::integer into v_new_contacts
    from public.contacts c
    where c.created_at >= p_from and c.created_at < p_to
      and exists (
        select 1 from public.tickets t
        where t.contact_id = c.id
          and (p_channel_id is null or t.channel_id = p_channel_id)
          and (p_team_id is null or t.team_id = p_team_id));
  end if;

  with rated as (
    select t.rating
    from public.tickets t
    where t.rating is not null and t.rated_at >= p_from and t.rated_at < p_to
      and (p_channel_id is null or t.channel_id = p_channel_id)
      and (p_team_id is null or t.team_id = p_team_id)
  ),
  totals as (
    select count(*)::integer as n,
           round(avg(rating), 3) as average,
           count(*) filter (where rating >= 9)::integer as promoters,
           count(*) filter (where rating between 7 and 8)::integer as passives,
           count(*) filter (where rating <= 6)::integer as detractors
    from rated
  )
  select jsonb_build_object(
           'count', s.n,
           'average', s.average,
           'distribution', (select jsonb_agg((select count(*) from rated r where r.rating = score) order by score)
                            from generate_series(1, 10) as score),
           'promoters', s.promoters,
           'passives', s.passives,
           'detractors', s.detractors,
           'nps', case when s.n = 0 then null else round(100.0 * (s.promoters - s.detractors) / s.n, 1) end)
  into v_ratings
  from totals s;

  -- Activity per local hour or day, every bucket of the period present (zeros included) for the charts.
  with buckets as (
    select to_char(b, v_label_format) as label, b as local_start
    from generate_series(
      date_trunc(v_unit, p_from at time zone v_tz),
      date_trunc(v_unit, (p_to at time zone v_tz) - interval '1 microsecond'),
      ('1 ' || v_unit)::interval) as b
  ),
  created as (
    select date_trunc(v_unit, t.created_at at time zone v_tz) as local_start, count(*)::integer as n
    from public.tickets t
    where t.created_at >= p_from and t.created_at < p_to
      and (p_channel_id is null or t.channel_id = p_channel_id)
      and (p_team_id is null or t.team_id = p_team_id)
    group by 1
  ),
  closed as (
    select date_trunc(v_unit, t.closed_at at time zone v_tz) as local_start, count(*)::integer as n
    from public.tickets t
    where t.status = 'closed' and t.closed_at >= p_from and t.closed_at < p_to
      and (p_channel_id is null or t.channel_id = p_channel_id)
      and (p_team_id is null or t.team_id = p_team_id)
    group by 1
  )
  select coalesce(jsonb_agg(jsonb_build_object(
           'bucket', b.label,
           'created', coalesce(cr.n, 0),
           'closed', coalesce(cl.n, 0),
           'messages_in', coalesce((v_traffic -> b.label ->> 'in')::integer, 0),
           'messages_out', coalesce((v_traffic -> b.label ->> 'out')::integer, 0)) order by b.local_start), '[]'::jsonb),
         coalesce(sum(cr.n), 0)::integer
  into v_series, v_created
  from buckets b
  left join created cr on cr.local_start = b.local_start
  left join closed cl on cl.local_start = b.local_start;

  return jsonb_build_object(
    'timezone', v_tz,
    'bucket', v_unit,
    'from', p_from,
    'to', p_to,
    'generated_at', now(),
    'live', v_live,
    'totals', jsonb_build_object(
      'created', v_created,
      'closed', v_closed -> 'closed',
      'closed_by_bot', v_closed -> 'closed_by_bot',
      'messages_in', coalesce((v_traffic -> 'total' ->> 'in')::integer, 0),
      'messages_out', coalesce((v_traffic -> 'total' ->> 'out')::integer, 0),
      'active_agents', coalesce((v_traffic -> 'total' ->> 'agents')::integer, 0),
      'new_contacts', v_new_contacts),
    'durations', v_closed -> 'durations',
    'ratings', v_ratings,
    'series', v_series);
end
$$;
comment on function public.report_dashboard(timestamptz, timestamptz, uuid, uuid) is
  'Relatórios → Painel: live counts and the period''s indicators, as the caller may see them (RLS). Same definitions as analytics.daily.';
revoke all on function public.report_dashboard(timestamptz, timestamptz, uuid, uuid) from public, anon;
grant execute on function public.report_dashboard(timestamptz, timestamptz, uuid, uuid) to authenticated;

-- The ticket list ------------------------------------------------------------------------------------------

-- The list's filters, parsed and checked once (private.report_parse_filters).
create type private.report_filter as (
  contact_ids uuid[],
  channel_id uuid,
  team_id uuid,
  agent_id uuid,
  statuses text[],
  created_from timestamptz,
  created_to timestamptz,
  rated boolean,
  rating_min integer,
  rating_max integer
);
comment on type private.report_filter is 'Relatórios: the ticket list''s filters (null = not filtered).';
grant usage on type private.report_filter to authenticated, service_role;

-- Contacts whose saved name, WhatsApp name or phone contain every word of the query, accents and case
-- ignored; a word made of digits and phone punctuation ("(11)", "98765-4321") is compared by its digits, so
-- a number typed the way people write it finds the stored digits. Security definer for the trigram index
-- (as private.search_contact_ids); every active staff member may read every contact anyway.
create function private.report_contact_ids(p_query text) returns uuid[]
language plpgsql stable security definer set search_path = '' as $$
declare
  searchable constant text :=
    'private.unaccent_lower(coalesce(c.display_name, '''') || '' '' || coalesce(c.whatsapp_name, '''') || '' '' || coalesce(c.phone, ''''))';
  v_conditions text;
  v_ids uuid[];
begin
  if private.current_user_role() is null then
    return '{}';
  end if;
  select pg_catalog.string_agg(pg_catalog.format('%s like %L', searchable, private.like_contains(term)), ' and ')
  into v_conditions
  from (
    select case when word ~ '^[0-9()+.-]+$' then pg_catalog.regexp_replace(word, '[^0-9]', '', 'g') else word end as term
    from pg_catalog.regexp_split_to_table(private.unaccent_lower(pg_catalog.btrim(p_query)), '\s+') as word
  ) as words
  where term <> '';
  if v_conditions is null then
    return null;
  end if;
  execute 'select coalesce(pg_catalog.array_agg(c.id), ''{}'') from public.contacts c where ' || v_conditions into v_ids;
  return v_ids;
end
$$;
revoke all on function private.report_contact_ids(text) from public;
grant execute on function private.report_contact_ids(text) to authenticated, service_role;

/*
 * The filters of the list, as the app sends them (every key optional):
 *   search (contact name or phone, 2–100 characters), channel_id, team_id, agent_id (uuid),
 *   statuses (array of bot | queued | open | closed), created_from, created_to (timestamptz, created in
 *   [from, to)), rated (true = rated only, false = not rated), rating_min, rating_max (1–10; rated only).
 * P0001 invalid_report_filter with a pt-BR detail naming the filter; unknown keys are refused too, so a typo
 * cannot silently list everything.
 */
create function private.report_parse_filters(p_filters jsonb) returns private.report_filter
language plpgsql stable set search_path = '' as $$
declare
  v_filters constant jsonb := coalesce(p_filters, '{}'::jsonb);
  v_result private.report_filter;
  v_key text;
  v_search text;
  v_field text;
begin
  if jsonb_typeof(v_filters) <> 'object' then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'Os filtros do relatório precisam ser um objeto JSON.';
  end if;
  for v_key in select jsonb_object_keys(v_filters) loop
    if v_key not in ('search', 'channel_id', 'team_id', 'agent_id', 'statuses', 'created_from', 'created_to', 'rated', 'rating_min', 'rating_max') then
      raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = format('Filtro desconhecido: %s.', v_key);
    end if;
  end loop;

  begin
    v_field := 'conexão';
    v_result.channel_id := nullif(v_filters ->> 'channel_id', '')::uuid;
    v_field := 'equipe';
    v_result.team_id := nullif(v_filters ->> 'team_id', '')::uuid;
    v_field := 'técnico';
    v_result.agent_id := nullif(v_filters ->> 'agent_id', '')::uuid;
    v_field := 'período';
    v_result.created_from := nullif(v_filters ->> 'created_from', '')::timestamptz;
    v_result.created_to := nullif(v_filters ->> 'created_to', '')::timestamptz;
    v_field := 'avaliação';
    v_result.rated := (v_filters ->> 'rated')::boolean;
    v_result.rating_min := (v_filters ->> 'rating_min')::integer;
    v_result.rating_max := (v_filters ->> 'rating_max')::integer;
    v_field := 'status';
    if v_filters ? 'statuses' and jsonb_typeof(v_filters -> 'statuses') <> 'null' then
      select array_agg(s) into v_result.statuses from jsonb_array_elements_text(v_filters -> 'statuses') s;
    end if;
  exception when data_exception then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = format('Valor inválido no filtro de %s.', v_field);
  end;

  if v_result.statuses is not null and not v_result.statuses <@ array['bot', 'queued', 'open', 'closed'] then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'Status desconhecido no filtro de status.';
  end if;
  if v_result.created_from is not null and v_result.created_to is not null and v_result.created_to <= v_result.created_from then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'Período inválido: a data final precisa ser depois da inicial.';
  end if;
  if v_result.rating_min not between 1 and 10 or v_result.rating_max not between 1 and 10 or v_result.rating_min > v_result.rating_max then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'A faixa de notas deve ir de 1 a 10, com a menor nota primeiro.';
  end if;
  if v_result.rated is false and (v_result.rating_min is not null or v_result.rating_max is not null) then
    raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'Uma faixa de notas só vale para chamados avaliados.';
  end if;

  v_search := pg_catalog.btrim(coalesce(v_filters ->> 'search', ''));
  if v_search <> '' then
    if pg_catalog.char_length(v_search) < 2 then
      raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'Digite pelo menos 2 caracteres do nome ou do telefone.';
    end if;
    if pg_catalog.char_length(v_search) > 100 then
      raise exception using errcode = 'P0001', message = 'invalid_report_filter', detail = 'A busca por contato aceita no máximo 100 caracteres.';
    end if;
    v_result.contact_ids := private.report_contact_ids(v_search);
  end if;
  return v_result;
end
$$;
revoke all on function private.report_parse_filters(jsonb) from public;
grant execute on function private.report_parse_filters(jsonb) to authenticated, service_role;

-- The tickets matching the filters, as the caller may see them. LANGUAGE sql without SET or security definer,
-- so the planner inlines it into the caller's query (the keyset order and the limit then use
-- tickets_created_at_idx); hence the fully qualified names instead of a search_path.
create function private.report_filtered_tickets(p_filter private.report_filter) returns setof private.report_ticket_facts
language sql stable as $$
  select f.*
  from private.report_ticket_facts f
  where ((p_filter).contact_ids is null or f.contact_id = any ((p_filter).contact_ids))
    and ((p_filter).channel_id is null or f.channel_id = (p_filter).channel_id)
    and ((p_filter).team_id is null or f.team_id = (p_filter).team_id)
    and ((p_filter).agent_id is null or f.agent_id = (p_filter).agent_id)
    and ((p_filter).statuses is null or f.status = any ((p_filter).statuses))
    and ((p_filter).created_from is null or f.created_at >= (p_filter).created_from)
    and ((p_filter).created_to is null or f.created_at < (p_filter).created_to)
    and ((p_filter).rated is null or (f.rating is not null) = (p_filter).rated)
    and ((p_filter).rating_min is null or f.rating >= (p_filter).rating_min)
    and ((p_filter).rating_max is null or f.rating <= (p_filter).rating_max)
$$;
revoke all on function private.report_filtered_tickets(private.report_filter) from public;
grant execute on function private.report_filtered_tickets(private.report_filter) to authenticated, service_role;

/*
 * Relatórios → Relatório: one page of the tickets matching p_filters (see private.report_parse_filters), newest
 * first, as the caller may see them (RLS). p_after = { "created_at", "ticket_id" } of the last row of the
 * previous page; p_limit 1–1000 (default 50). The CSV export pages through it.
 * Errors: 42501 not_allowed, P0001 invalid_report_filter, invalid_report_cursor, invalid_limit.
 */
create function public.report_tickets(p_filters jsonb default '{}'::jsonb, p_after jsonb default null, p_limit integer default 50)
returns table (
  ticket_id uuid,
  number bigint,
  status text,
  created_at timestamptz,
  closed_at timestamptz,
  contact_id uuid,
  contact_name text,
  contact_phone text,
  channel_id uuid,
  channel_name text,
  team_id uuid,
  team_name text,
  agent_id uuid,
  agent_name text,
  classification_name text,
  closing_comment text,
  closed_by_bot boolean,
  wait_seconds numeric,
  first_response_seconds numeric,
  handle_seconds numeric,
  rating integer
)
language plpgsql stable security invoker set search_path = '' set plan_cache_mode = force_custom_plan as $$
declare
  v_filter private.report_filter;
  v_after_at timestamptz;
  v_after_id uuid;
begin
  perform private.report_require_staff();
  if p_limit is null or p_limit not between 1 and 1000 then
    raise exception using errcode = 'P0001', message = 'invalid_limit', detail = 'Peça de 1 a 1000 chamados por página.';
  end if;
  if p_after is not null and jsonb_typeof(p_after) <> 'null' then
    begin
      v_after_at := (p_after ->> 'created_at')::timestamptz;
      v_after_id := (p_after ->> 'ticket_id')::uuid;
    exception when data_exception then
      v_after_at := null;
    end;
    if v_after_at is null or v_after_id is null then
      raise exception using errcode = 'P0001', message = 'invalid_report_cursor',
        detail = 'Cursor de paginação inválido: use o created_at e o ticket_id da última linha da página anterior.';
    end if;
  end if;
  v_filter := private.report_parse_filters(p_filters);

  return query
  select f.ticket_id, f.number, f.status, f.created_at, f.closed_at, f.contact_id, f.contact_name, f.contact_phone,
         f.channel_id, f.channel_name, f.team_id, f.team_name, f.agent_id, f.agent_name, f.classification_name,
         f.closing_comment, f.closed_by_bot, f.wait_seconds, f.first_response_seconds, f.handle_seconds, f.rating
  from private.report_filtered_tickets(v_filter) f
  where v_after_at is null or (f.created_at, f.ticket_id) < (v_after_at, v_after_id)
  order by f.created_at desc, f.ticket_id desc
  limit p_limit;
end
$$;
comment on function public.report_tickets(jsonb, jsonb, integer) is
  'Relatórios → Relatório: a keyset page of the tickets matching the filters, newest first, as the caller may see them (RLS).';
revoke all on function public.report_tickets(jsonb, jsonb, integer) from public, anon;
grant execute on function public.report_tickets(jsonb, jsonb, integer) to authenticated;

-- How many tickets match the filters (the list's total, and the CSV export's progress).
create function public.report_ticket_count(p_filters jsonb default '{}'::jsonb) returns bigint
language plpgsql stable security invoker set search_path = '' set plan_cache_mode = force_custom_plan as $$
declare
  v_filter private.report_filter;
  v_count bigint;
begin
  perform private.report_require_staff();
  v_filter := private.report_parse_filters(p_filters);
  select count(*) into v_count from private.report_filtered_tickets(v_filter);
  return v_count;
end
$$;
comment on function public.report_ticket_count(jsonb) is
  'Relatórios → Relatório: the number of tickets matching the filters, as the caller may see them (RLS).';
revoke all on function public.report_ticket_count(jsonb) from public, anon;
grant execute on function public.report_ticket_count(jsonb) to authenticated;
