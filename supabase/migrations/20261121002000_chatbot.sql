-- The chatbot's SQL side (issue #5). The engine (supabase/functions/_shared/chatbot) is pure: it reads a
-- ticket's bot_state and the channel's settings and decides; the webhook then applies the decision here,
-- in one transaction that queues every reply as a bot message with its outbox row and writes the
-- ticket_events. Service role only, like ingestion:
-- - apply_bot_decision: the menu's decision on a `bot` ticket (reply, route to a team's queue, or close
--   on the customer's keyword);
-- - apply_rating_answer: the rating engine's decision on a closed ticket waiting for its score;
-- - expire_due_ratings / run_inactivity_rules: the scheduler's sweeps (nobody needs to be logged in).
-- ingest_inbound_message learns to hand a rating answer to the closed ticket that asked for it, and
-- close_ticket to send the closing agent's personal farewell.
--
-- Webhooks are retried and two messages of one customer may be processed at once, so each decision is
-- recorded against the message it answers (bot_state.handled_message_ids: a retry never answers twice)
-- and a menu decision taken on a stale state is refused (bot_state.version), for the caller to re-read and
-- decide again. A customer's text is never swallowed: whatever happens to the rating, it ends up in a
-- conversation someone reads.
--
-- Same error model as the other RPCs: P0001 + snake_case `message` + pt-BR `detail`; 42501 for any role
-- but service_role (no execute grant).

-- Schema additions -------------------------------------------------------------------------------------

-- Whether the name is an IANA time zone. pg_timezone_names, not `at time zone`: Postgres also accepts
-- abbreviations (BRT) and POSIX specs (UTC+3) that the engine's Intl (Deno) rejects. The regex spares the
-- catalog scan (~20 ms) for obvious garbage; this only runs when an admin saves the settings.
create function private.is_time_zone_name(p_name text) returns boolean
language sql stable set search_path = '' as $$
  select p_name ~ '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$'
    and exists (select 1 from pg_catalog.pg_timezone_names where name = p_name)
$$;
revoke all on function private.is_time_zone_name(text) from public;
-- Check constraints run as the writing user: admins save bot_settings through the API.
grant execute on function private.is_time_zone_name(text) to authenticated, service_role;

alter table public.bot_settings
  add column inactivity_classification_id uuid references public.classifications (id) on delete set null,
  add column timezone text constraint bot_settings_timezone_valid check (timezone is null or private.is_time_zone_name(timezone));

comment on column public.bot_settings.inactivity_classification_id is
  'Classification given to tickets closed for the customer''s inactivity (null = none).';
comment on column public.bot_settings.timezone is
  'IANA time zone of business hours and holidays; null = the company''s (app_settings.timezone).';
comment on column public.bot_settings.inactivity_warning_minutes is
  'Minutes without a customer answer (after our last message) before the warning; null = no warning.';
comment on column public.bot_settings.inactivity_close_minutes is
  'Minutes after the warning (or, with no warning, after our last message) before closing; also closes menu conversations idle this long. Null = never.';

create index bot_settings_inactivity_classification_id_idx on public.bot_settings (inactivity_classification_id);

-- An agent's own farewell, sent instead of the channel's when they close a ticket.
alter table public.profiles
  add column farewell_text text constraint profiles_farewell_text_length check (farewell_text is null or length(farewell_text) <= 1000);
comment on column public.profiles.farewell_text is
  'Personal farewell sent when this person closes a ticket (instead of the channel''s); null or blank = the channel''s.';
-- Added to the columns users may change on their own row (policy "active users update their own profile").
grant update (farewell_text) on public.profiles to authenticated;

-- Events of the bot and the scheduler.
alter table public.ticket_events drop constraint ticket_events_type_check;
alter table public.ticket_events add constraint ticket_events_type_check check (type in (
  'created', 'queued', 'accepted', 'transferred', 'closed', 'reopened',
  'rating_requested', 'rated', 'rating_expired', 'low_rating_flagged',
  'rating_invalid', 'inactivity_warned'
));

-- Helpers -----------------------------------------------------------------------------------------------

-- The text, or null when it is null or only blanks (optional texts of the settings and profiles).
create function private.non_blank(p_text text) returns text
language sql immutable parallel safe set search_path = '' as $$
  select case when trim(p_text) <> '' then p_text end
$$;
revoke all on function private.non_blank(text) from public;

create function private.decision_invalid(p_detail text) returns void
language plpgsql volatile set search_path = '' as $$
begin
  raise exception using errcode = 'P0001', message = 'decision_invalid',
    detail = 'Decisão do chatbot inválida: ' || p_detail;
end
$$;
revoke all on function private.decision_invalid(text) from public;

-- The decision's replies, validated: a list (possibly empty, at most 10) of non-blank texts.
create function private.decision_replies(p_decision jsonb) returns text[]
language plpgsql immutable set search_path = '' as $$
declare
  v_item jsonb;
  v_replies text[] := '{}';
begin
  if jsonb_typeof(p_decision -> 'replies') is distinct from 'array' then
    perform private.decision_invalid('replies deve ser uma lista de textos.');
  end if;
  if jsonb_array_length(p_decision -> 'replies') > 10 then
    perform private.decision_invalid('no máximo 10 respostas por mensagem.');
  end if;
  for v_item in select value from jsonb_array_elements(p_decision -> 'replies') loop
    if jsonb_typeof(v_item) <> 'string' or trim(v_item #>> '{}') = '' then
      perform private.decision_invalid('cada resposta deve ser um texto não vazio.');
    end if;
    -- The column's limit, not WhatsApp's 4096: a text the admin made too long still routes the
    -- customer, and its send fails visibly in the conversation instead of the bot going silent.
    if length(v_item #>> '{}') > 65536 then
      perform private.decision_invalid('uma resposta passa de 65536 caracteres.');
    end if;
    v_replies := v_replies || (v_item #>> '{}');
  end loop;
  return v_replies;
end
$$;
revoke all on function private.decision_replies(jsonb) from public;

-- A whole JSON number in [p_min, p_max], else null.
create function private.json_int(p_value jsonb, p_min integer, p_max integer) returns integer
language sql immutable parallel safe set search_path = '' as $$
  select case when jsonb_typeof(p_value) = 'number' and (p_value #>> '{}') ~ '^[0-9]+$'
                   and (p_value #>> '{}')::numeric between p_min and p_max
              then (p_value #>> '{}')::integer end
$$;
revoke all on function private.json_int(jsonb, integer, integer) from public;

create function private.bot_state_handled(p_state jsonb, p_message_id uuid) returns boolean
language sql immutable parallel safe set search_path = '' as $$
  select jsonb_typeof(p_state -> 'handled_message_ids') = 'array'
     and (p_state -> 'handled_message_ids') ? p_message_id::text
$$;
revoke all on function private.bot_state_handled(jsonb, uuid) from public;

-- p_state with p_message_id appended to handled_message_ids, keeping the last 20: enough for any
-- webhook retry, small enough that the state stays small on long conversations.
create function private.bot_state_with_handled(p_state jsonb, p_message_id uuid) returns jsonb
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(p_state, '{}'::jsonb) || jsonb_build_object('handled_message_ids', (
    select coalesce(jsonb_agg(kept.value order by kept.ordinality), '[]'::jsonb)
    from (
      select value, ordinality
      from jsonb_array_elements(
        case when jsonb_typeof(p_state -> 'handled_message_ids') = 'array' then p_state -> 'handled_message_ids' else '[]'::jsonb end
        || to_jsonb(p_message_id::text)
      ) with ordinality
      order by ordinality desc
      limit 20
    ) kept
  ))
$$;
revoke all on function private.bot_state_with_handled(jsonb, uuid) from public;

-- The inbox line of a customer message (as ingest_inbound_message writes it).
create function private.inbound_preview(p_message public.messages) returns text
language sql immutable set search_path = '' as $$
  select case p_message.kind
    when 'unsupported' then 'Mensagem não suportada'
    else private.message_preview(p_message.kind, p_message.body, p_message.media_name, p_message.is_voice_note)
  end
$$;
revoke all on function private.inbound_preview(public.messages) from public;

-- Moves a customer message out of a closed ticket into the conversation that goes on: the contact's
-- active ticket on the channel, else a new `bot` ticket (event created, origin rating_fallback), so
-- the menu answers it. Blocked contacts are not served: their message is kept without a ticket, as
-- ingestion does. Returns {new_ticket_id, ticket_created}.
create function private.move_to_live_conversation(p_closed public.tickets, p_message public.messages) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_target public.tickets;
  v_created boolean := false;
begin
  if (select blocked from public.contacts where id = p_closed.contact_id) then
    update public.messages set ticket_id = null where id = p_message.id;
    return jsonb_build_object('new_ticket_id', null, 'ticket_created', false);
  end if;

  select * into v_target from public.tickets
  where contact_id = p_closed.contact_id and channel_id = p_closed.channel_id and status <> 'closed'
  for update;
  if not found then
    begin
      insert into public.tickets (contact_id, channel_id, status)
      values (p_closed.contact_id, p_closed.channel_id, 'bot')
      returning * into v_target;
      v_created := true;
    exception when unique_violation then
      -- Another message of this contact opened one meanwhile (we waited for it): join it.
      select * into v_target from public.tickets
      where contact_id = p_closed.contact_id and channel_id = p_closed.channel_id and status <> 'closed'
      for update;
    end;
  end if;

  update public.messages set ticket_id = v_target.id where id = p_message.id;
  if v_created then
    insert into public.ticket_events (ticket_id, type, data)
    values (v_target.id, 'created', jsonb_build_object(
      'origin', 'rating_fallback', 'previous_ticket_id', p_closed.id, 'message_id', p_message.id));
  end if;

  -- An active ticket may already hold later messages: the preview follows the latest one.
  update public.tickets
  set last_message_preview = case when last_message_at is null or last_message_at <= p_message.created_at
                                  then private.inbound_preview(p_message) else last_message_preview end,
      last_message_at = greatest(last_message_at, p_message.created_at),
      last_inbound_at = greatest(last_inbound_at, p_message.created_at),
      unread_count = unread_count + 1
  where id = v_target.id;

  return jsonb_build_object('new_ticket_id', v_target.id, 'ticket_created', v_created);
end
$$;
revoke all on function private.move_to_live_conversation(public.tickets, public.messages) from public;

-- apply_bot_decision ------------------------------------------------------------------------------------

-- Applies the menu engine's decision (MenuDecision in _shared/chatbot/types.ts, keys in snake_case) to a
-- ticket still with the bot, for the customer message p_message_id:
--   {replies: [text…], state: {stage: 'new'|'menu', invalid_attempts}, route: {team_id, reason, position}
--    | null, close: {reason: 'customer_keyword'} | null}
-- The replies are queued in order; route puts the ticket in the team's queue (event queued); close ends
-- it (closed_reason customer_keyword, the channel's farewell, no rating: the customer chose to leave).
-- Nothing changes, and {applied: false, reason} says why, when the message was already answered
-- (already_handled: a webhook retry), the ticket left the bot (not_with_bot), or its state moved on since
-- the engine read it (state_changed, with the current version: re-read and decide again).
create function public.apply_bot_decision(
  p_ticket_id uuid,
  p_message_id uuid,
  p_expected_version integer,
  p_decision jsonb
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_replies text[];
  v_reply text;
  v_state jsonb := p_decision -> 'state';
  v_route jsonb := nullif(p_decision -> 'route', 'null'::jsonb);
  v_close jsonb := nullif(p_decision -> 'close', 'null'::jsonb);
  v_invalid_attempts integer;
  v_route_reason text;
  v_position integer;
  v_team_id uuid;
  v_ticket public.tickets;
  v_version integer;
  v_blocked boolean;
  v_farewell text;
begin
  -- The decision, whole, before anything is touched.
  if jsonb_typeof(p_decision) is distinct from 'object' then
    perform private.decision_invalid('esperado um objeto JSON.');
  end if;
  v_replies := private.decision_replies(p_decision);
  v_invalid_attempts := private.json_int(v_state -> 'invalid_attempts', 0, 1000);
  if jsonb_typeof(v_state) is distinct from 'object' or coalesce(v_state ->> 'stage', '') not in ('new', 'menu')
     or v_invalid_attempts is null then
    perform private.decision_invalid('state deve ter stage (new ou menu) e invalid_attempts (inteiro ≥ 0).');
  end if;
  if v_route is not null and v_close is not null then
    perform private.decision_invalid('route e close não podem vir juntos.');
  end if;
  if v_route is not null then
    v_route_reason := v_route ->> 'reason';
    if jsonb_typeof(v_route) <> 'object' or coalesce(v_route_reason, '') not in ('option', 'fallback', 'bot_disabled', 'no_options') then
      perform private.decision_invalid('route.reason deve ser option, fallback, bot_disabled ou no_options.');
    end if;
    if coalesce(jsonb_typeof(v_route -> 'position'), 'null') <> 'null' then
      v_position := private.json_int(v_route -> 'position', 1, 9);
      if v_position is null then
        perform private.decision_invalid('route.position deve ser de 1 a 9, ou nulo.');
      end if;
    end if;
    if jsonb_typeof(v_route -> 'team_id') = 'string' then
      begin
        v_team_id := (v_route ->> 'team_id')::uuid;
      exception when invalid_text_representation then
        perform private.decision_invalid('route.team_id não é um uuid.');
      end;
    elsif coalesce(jsonb_typeof(v_route -> 'team_id'), 'null') <> 'null' then
      perform private.decision_invalid('route.team_id deve ser um uuid ou nulo.');
    end if;
  end if;
  if v_close is not null and (jsonb_typeof(v_close) <> 'object' or v_close ->> 'reason' is distinct from 'customer_keyword') then
    perform private.decision_invalid('close.reason deve ser customer_keyword.');
  end if;

  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'ticket_not_found', detail = 'Atendimento não encontrado.';
  end if;

  if private.bot_state_handled(v_ticket.bot_state, p_message_id) then
    return jsonb_build_object('applied', false, 'reason', 'already_handled', 'ticket', to_jsonb(v_ticket));
  end if;
  if v_ticket.status <> 'bot' then
    return jsonb_build_object('applied', false, 'reason', 'not_with_bot', 'ticket', to_jsonb(v_ticket));
  end if;
  v_version := coalesce((v_ticket.bot_state ->> 'version')::integer, 0);
  if v_version is distinct from p_expected_version then
    return jsonb_build_object('applied', false, 'reason', 'state_changed', 'version', v_version, 'ticket', to_jsonb(v_ticket));
  end if;

  if not exists (
    select 1 from public.messages where id = p_message_id and ticket_id = p_ticket_id and direction = 'inbound'
  ) then
    raise exception using errcode = 'P0001', message = 'message_not_found',
      detail = format('A mensagem %s não é do cliente neste atendimento (#%s).', p_message_id, v_ticket.number);
  end if;

  if v_route is not null then
    if v_team_id is not null then
      if not exists (select 1 from public.teams where id = v_team_id) then
        raise exception using errcode = 'P0001', message = 'team_not_found',
          detail = 'A equipe escolhida no menu não existe mais.';
      end if;
    else
      -- The engine found no team at all (no option, no fallback). A queue is still better than a bot
      -- that cannot let go: the channel's fallback, else the oldest team; supervisors see every queue.
      v_team_id := coalesce(
        (select b.fallback_team_id from public.bot_settings b where b.channel_id = v_ticket.channel_id),
        (select id from public.teams order by created_at, id limit 1));
      if v_team_id is null then
        raise exception using errcode = 'P0001', message = 'no_team_available',
          detail = 'Não há nenhuma equipe cadastrada para receber o atendimento.';
      end if;
    end if;
  end if;

  -- Blocked contacts are not served (as close_ticket): the state moves on, nothing is sent.
  v_blocked := (select blocked from public.contacts where id = v_ticket.contact_id);
  if not v_blocked then
    foreach v_reply in array v_replies loop
      perform private.queue_bot_message(v_ticket, v_reply);
    end loop;
  end if;

  update public.tickets
  set bot_state = private.bot_state_with_handled(
        jsonb_build_object(
          'stage', v_state ->> 'stage',
          'invalid_attempts', v_invalid_attempts,
          'version', v_version + 1,
          'handled_message_ids', coalesce(v_ticket.bot_state -> 'handled_message_ids', '[]'::jsonb)),
        p_message_id)
  where id = p_ticket_id;

  if v_route is not null then
    update public.tickets set status = 'queued', team_id = v_team_id, queued_at = now()
    where id = p_ticket_id;
    insert into public.ticket_events (ticket_id, type, to_team_id, data)
    values (p_ticket_id, 'queued', v_team_id,
            jsonb_build_object('reason', v_route_reason, 'position', v_position, 'message_id', p_message_id));
  elsif v_close is not null then
    update public.tickets
    set status = 'closed', closed_at = now(), closed_reason = 'customer_keyword', unread_count = 0
    where id = p_ticket_id
    returning * into v_ticket;
    insert into public.ticket_events (ticket_id, type, data)
    values (p_ticket_id, 'closed', jsonb_build_object('reason', 'customer_keyword', 'from_status', 'bot', 'message_id', p_message_id));
    v_farewell := private.non_blank((select farewell_text from public.bot_settings where channel_id = v_ticket.channel_id));
    if v_farewell is not null and not v_blocked then
      perform private.queue_bot_message(v_ticket, v_farewell);
    end if;
  end if;

  select * into v_ticket from public.tickets where id = p_ticket_id;
  return jsonb_build_object('applied', true, 'ticket', to_jsonb(v_ticket));
end
$$;
comment on function public.apply_bot_decision(uuid, uuid, integer, jsonb) is
  'Service role: applies the menu engine''s decision for one customer message (replies, queue, keyword close); no-op on a retry or a stale state.';
revoke all on function public.apply_bot_decision(uuid, uuid, integer, jsonb) from public, anon, authenticated;
grant execute on function public.apply_bot_decision(uuid, uuid, integer, jsonb) to service_role;

-- Rating answers in ingestion ---------------------------------------------------------------------------

-- Redefined from 20261121001800_ingestion.sql, unchanged but for one step: a contact without an active
-- ticket whose latest ticket on the channel is closed and still waiting for its rating (within the
-- channel's rating_timeout_minutes) is answering the rating prompt. The message joins that closed ticket
-- (no new ticket, nothing unread: nobody works a closed ticket) and the result says rating_pending, so
-- the webhook runs the rating engine and calls apply_rating_answer, which moves the text to a new
-- ticket if it is not a rating. Reactions never answer a rating.
create or replace function public.ingest_inbound_message(p_channel_id uuid, p_contact_id uuid, p_message jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_provider_id text := nullif(trim(p_message ->> 'provider_message_id'), '');
  v_kind text := coalesce(nullif(p_message ->> 'kind', ''), 'text');
  v_quoted_provider_id text := nullif(p_message ->> 'quoted_provider_message_id', '');
  v_reaction_provider_id text := nullif(p_message ->> 'reaction_to_provider_message_id', '');
  v_provider_ts timestamptz;
  v_contact public.contacts;
  v_existing_id uuid;
  v_ticket public.tickets;
  v_ticket_created boolean := false;
  v_rating_pending boolean := false;
  v_quoted_id uuid;
  v_reaction_target public.messages;
  v_message public.messages;
  v_preview text;
begin
  if v_provider_id is null then
    raise exception using errcode = 'P0001', message = 'provider_message_id_required',
      detail = 'A mensagem recebida não tem o id do provedor.';
  end if;
  if v_kind not in ('text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contact', 'reaction', 'unsupported') then
    raise exception using errcode = 'P0001', message = 'message_kind_invalid',
      detail = format('Tipo de mensagem desconhecido: %s.', v_kind);
  end if;
  if not exists (select 1 from public.channels where id = p_channel_id) then
    raise exception using errcode = 'P0001', message = 'channel_not_found', detail = 'Conexão não encontrada.';
  end if;
  select * into v_contact from public.contacts where id = p_contact_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'contact_not_found', detail = 'Contato não encontrado.';
  end if;

  v_provider_ts := case jsonb_typeof(p_message -> 'provider_timestamp')
    when 'number' then to_timestamp((p_message ->> 'provider_timestamp')::double precision)
    when 'string' then (p_message ->> 'provider_timestamp')::timestamptz
  end;

  perform pg_advisory_xact_lock(hashtextextended(p_channel_id::text || '/' || v_provider_id, 0));
  select id into v_existing_id from public.messages where channel_id = p_channel_id and provider_message_id = v_provider_id;
  if found then
    return jsonb_build_object('duplicate', true, 'message_id', v_existing_id);
  end if;

  if v_kind = 'reaction' and v_reaction_provider_id is not null then
    select * into v_reaction_target from public.messages
    where channel_id = p_channel_id and provider_message_id = v_reaction_provider_id;
  end if;
  if v_quoted_provider_id is not null then
    select id into v_quoted_id from public.messages
    where channel_id = p_channel_id and provider_message_id = v_quoted_provider_id;
  end if;

  if not v_contact.blocked then
    -- The row lock makes a concurrent close wait (or, if it committed first, the re-checked status
    -- skips the row), so a message never lands in a ticket closed under it.
    select * into v_ticket from public.tickets
    where contact_id = p_contact_id and channel_id = p_channel_id and status <> 'closed'
    for update;

    if not found and v_kind = 'reaction' then
      select * into v_ticket from public.tickets where id = v_reaction_target.ticket_id;
    elsif not found then
      -- Locked, so a concurrent apply_rating_answer or expire_due_ratings finishes first and we read
      -- the rating as it left it.
      select * into v_ticket from public.tickets
      where contact_id = p_contact_id and channel_id = p_channel_id
      order by created_at desc
      limit 1
      for update;
      v_rating_pending := found and coalesce(
        v_ticket.status = 'closed' and v_ticket.rating_status = 'requested'
        and v_ticket.rating_requested_at + make_interval(mins => (
              select rating_timeout_minutes from public.bot_settings where channel_id = p_channel_id)) > now(),
        false);

      if not v_rating_pending then
        v_ticket := null;
        begin
          insert into public.tickets (contact_id, channel_id, status) values (p_contact_id, p_channel_id, 'bot')
          returning * into v_ticket;
          v_ticket_created := true;
        exception when unique_violation then
          -- Another message from this contact opened the ticket meanwhile (we waited for it): join it.
          select * into v_ticket from public.tickets
          where contact_id = p_contact_id and channel_id = p_channel_id and status <> 'closed'
          for update;
        end;
      end if;
    end if;
  end if;

  insert into public.messages (
    ticket_id, contact_id, channel_id, direction, sender_type, kind, body,
    media_path, media_mime, media_size, media_name, media_duration_seconds, is_voice_note,
    location, contact_cards, reaction_emoji, reaction_to_message_id, reaction_to_provider_message_id,
    quoted_message_id, quoted_provider_message_id, provider_message_id, status, status_updated_at,
    provider_timestamp, created_at
  ) values (
    v_ticket.id, p_contact_id, p_channel_id, 'inbound', 'contact', v_kind, p_message ->> 'body',
    p_message ->> 'media_path', p_message ->> 'media_mime', (p_message ->> 'media_size')::bigint,
    p_message ->> 'media_name', (p_message ->> 'media_duration_seconds')::numeric,
    coalesce((p_message ->> 'is_voice_note')::boolean, false),
    nullif(p_message -> 'location', 'null'::jsonb), nullif(p_message -> 'contact_cards', 'null'::jsonb),
    case when v_kind = 'reaction' then coalesce(p_message ->> 'reaction_emoji', '') end,
    v_reaction_target.id, case when v_kind = 'reaction' then v_reaction_provider_id end,
    v_quoted_id, v_quoted_provider_id, v_provider_id, 'received', clock_timestamp(),
    v_provider_ts, clock_timestamp()
  )
  on conflict (channel_id, provider_message_id) do nothing
  returning * into v_message;

  if v_message.id is null then
    -- Only reachable if another path stored this provider id without our lock; still a duplicate.
    select id into v_existing_id from public.messages where channel_id = p_channel_id and provider_message_id = v_provider_id;
    return jsonb_build_object('duplicate', true, 'message_id', v_existing_id);
  end if;

  -- Replies and reactions that arrived before this message now point at it.
  update public.messages set quoted_message_id = v_message.id
  where channel_id = p_channel_id and quoted_provider_message_id = v_provider_id and quoted_message_id is null;
  update public.messages set reaction_to_message_id = v_message.id
  where channel_id = p_channel_id and reaction_to_provider_message_id = v_provider_id and reaction_to_message_id is null;

  if v_ticket_created then
    insert into public.ticket_events (ticket_id, type, data)
    values (v_ticket.id, 'created', jsonb_build_object('origin', 'inbound', 'message_id', v_message.id));
  end if;

  if v_ticket.id is not null and v_ticket.status <> 'closed' then
    v_preview := case v_kind
      when 'reaction' then case when v_message.reaction_emoji = '' then 'Removeu uma reação'
                                else 'Reagiu com ' || v_message.reaction_emoji end
      else private.inbound_preview(v_message)
    end;
    update public.tickets
    set last_message_at = v_message.created_at,
        last_message_preview = v_preview,
        last_inbound_at = v_message.created_at,
        unread_count = unread_count + case when v_kind = 'reaction' then 0 else 1 end
    where id = v_ticket.id
    returning * into v_ticket;
  end if;

  update public.contacts set last_message_at = greatest(last_message_at, v_message.created_at)
  where id = p_contact_id;

  return jsonb_build_object(
    'duplicate', false,
    'message_id', v_message.id,
    'ticket_id', v_ticket.id,
    'ticket_created', v_ticket_created,
    'ticket_status', v_ticket.status,
    'rating_pending', v_rating_pending
  );
end
$$;
comment on function public.ingest_inbound_message(uuid, uuid, jsonb) is
  'Service role: stores an inbound message once per (channel, provider id) and attaches it to the active ticket, the closed ticket awaiting its rating (rating_pending), or a new bot ticket.';

-- apply_rating_answer -----------------------------------------------------------------------------------

-- Applies the rating engine's decision (RatingDecision, snake_case) for a customer message that
-- ingest_inbound_message attached to a closed ticket waiting for its rating:
--   {outcome: 'rated', score, replies} → the score as record_rating records it (low-score flag), then the
--     thanks;
--   {outcome: 'reprompt', replies, state: {invalid_attempts}} → the explanation, and the count kept in
--     bot_state.rating_invalid_attempts (event rating_invalid);
--   {outcome: 'new_ticket', replies} → the rating ends without a score (rating_expired) and the text
--     moves to the contact's active ticket or a new bot ticket, where the replies go (new_ticket_id: the
--     webhook runs the menu there).
-- If the rating is no longer pending (expired or answered meanwhile), the decision is dropped and the
-- text moves all the same: {applied: false, reason: 'rating_not_pending', new_ticket_id}. A retry of a
-- handled message changes nothing: {applied: false, reason: 'already_handled', message_ticket_id}.
create function public.apply_rating_answer(p_ticket_id uuid, p_message_id uuid, p_decision jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_outcome text := p_decision ->> 'outcome';
  v_replies text[];
  v_reply text;
  v_score integer;
  v_attempts integer;
  v_ticket public.tickets;
  v_message public.messages;
  v_blocked boolean;
  v_moved jsonb := jsonb_build_object('new_ticket_id', null, 'ticket_created', false);
  v_reply_ticket public.tickets;
begin
  if jsonb_typeof(p_decision) is distinct from 'object' then
    perform private.decision_invalid('esperado um objeto JSON.');
  end if;
  if coalesce(v_outcome, '') not in ('rated', 'reprompt', 'new_ticket') then
    perform private.decision_invalid('outcome deve ser rated, reprompt ou new_ticket.');
  end if;
  v_replies := private.decision_replies(p_decision);
  if v_outcome = 'rated' then
    v_score := private.json_int(p_decision -> 'score', 1, 10);
    if v_score is null then
      perform private.decision_invalid('score deve ser um inteiro de 1 a 10.');
    end if;
  elsif v_outcome = 'reprompt' then
    v_attempts := private.json_int(p_decision #> '{state,invalid_attempts}', 0, 1000);
    if v_attempts is null then
      perform private.decision_invalid('state.invalid_attempts deve ser um inteiro ≥ 0.');
    end if;
  end if;

  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'ticket_not_found', detail = 'Atendimento não encontrado.';
  end if;

  if private.bot_state_handled(v_ticket.bot_state, p_message_id) then
    return jsonb_build_object('applied', false, 'reason', 'already_handled',
      'message_ticket_id', (select ticket_id from public.messages where id = p_message_id));
  end if;

  select * into v_message from public.messages
  where id = p_message_id and ticket_id = p_ticket_id and direction = 'inbound';
  if not found then
    raise exception using errcode = 'P0001', message = 'message_not_found',
      detail = format('A mensagem %s não é do cliente neste atendimento (#%s).', p_message_id, v_ticket.number);
  end if;

  v_blocked := (select blocked from public.contacts where id = v_ticket.contact_id);

  if v_ticket.status <> 'closed' or v_ticket.rating_status is distinct from 'requested' then
    v_moved := private.move_to_live_conversation(v_ticket, v_message);
    update public.tickets set bot_state = private.bot_state_with_handled(bot_state, p_message_id) where id = p_ticket_id;
    return jsonb_build_object('applied', false, 'reason', 'rating_not_pending', 'ticket_id', p_ticket_id) || v_moved;
  end if;

  v_reply_ticket := v_ticket;
  if v_outcome = 'rated' then
    perform public.record_rating(p_ticket_id, v_score, v_message.body);
  elsif v_outcome = 'reprompt' then
    update public.tickets set bot_state = bot_state || jsonb_build_object('rating_invalid_attempts', v_attempts)
    where id = p_ticket_id;
    insert into public.ticket_events (ticket_id, type, data)
    values (p_ticket_id, 'rating_invalid', jsonb_build_object('message_id', p_message_id, 'invalid_attempts', v_attempts));
  else
    update public.tickets set rating_status = 'expired' where id = p_ticket_id;
    insert into public.ticket_events (ticket_id, type, data)
    values (p_ticket_id, 'rating_expired', jsonb_build_object('reason', 'not_a_rating', 'message_id', p_message_id));
    v_moved := private.move_to_live_conversation(v_ticket, v_message);
    -- The replies go with the text into the new conversation: the outbox keeps order within a ticket
    -- only, and the menu that follows is queued there.
    select * into v_reply_ticket from public.tickets where id = (v_moved ->> 'new_ticket_id')::uuid;
  end if;

  if not v_blocked and v_reply_ticket.id is not null then
    foreach v_reply in array v_replies loop
      perform private.queue_bot_message(v_reply_ticket, v_reply);
    end loop;
  end if;

  update public.tickets set bot_state = private.bot_state_with_handled(bot_state, p_message_id) where id = p_ticket_id
  returning * into v_ticket;

  return jsonb_build_object('applied', true, 'outcome', v_outcome, 'ticket', to_jsonb(v_ticket)) || v_moved;
end
$$;
comment on function public.apply_rating_answer(uuid, uuid, jsonb) is
  'Service role: applies the rating engine''s decision for one customer message (score, re-prompt, or a new ticket for the text); never drops the text.';
revoke all on function public.apply_rating_answer(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function public.apply_rating_answer(uuid, uuid, jsonb) to service_role;

-- close_ticket ------------------------------------------------------------------------------------------

-- Redefined from 20261121001600_ticket_rpcs.sql with every rule kept; the farewell is now the closing
-- person's own (profiles.farewell_text) when they set one, else the channel's.
create or replace function public.close_ticket(
  p_ticket_id uuid,
  p_classification_id uuid default null,
  p_comment text default null
) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text := private.require_ticket_worker();
  v_comment text := nullif(trim(p_comment), '');
  v_ticket public.tickets;
  v_previous public.tickets;
  v_classification_active boolean;
  v_bot public.bot_settings;
  v_farewell text;
  v_prompt public.messages;
begin
  if length(v_comment) > 5000 then
    raise exception using errcode = 'P0001', message = 'comment_too_long',
      detail = 'O comentário de encerramento pode ter no máximo 5000 caracteres.';
  end if;

  v_ticket := private.lock_ticket_for_caller(p_ticket_id);

  if v_ticket.status = 'closed' then
    raise exception using errcode = 'P0001', message = 'ticket_already_closed',
      detail = format('O atendimento #%s já foi encerrado.', v_ticket.number);
  end if;
  if not private.caller_handles_ticket(v_ticket) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só quem está com o atendimento (ou um supervisor) pode encerrá-lo.';
  end if;
  -- Supervisors may also clear a queued ticket (spam, duplicate); nobody closes a bot conversation
  -- from here.
  if not (v_ticket.status = 'open' or (v_ticket.status = 'queued' and v_role in ('admin', 'supervisor'))) then
    raise exception using errcode = 'P0001', message = 'ticket_not_open',
      detail = format('O atendimento #%s não está em andamento (situação: %s).', v_ticket.number, v_ticket.status);
  end if;

  if p_classification_id is null then
    if (select classification_required from public.app_settings) then
      raise exception using errcode = 'P0001', message = 'classification_required',
        detail = 'Escolha uma classificação para encerrar o atendimento.';
    end if;
  else
    select active into v_classification_active from public.classifications where id = p_classification_id;
    if not found then
      raise exception using errcode = 'P0001', message = 'classification_not_found',
        detail = 'Classificação não encontrada.';
    elsif not v_classification_active then
      raise exception using errcode = 'P0001', message = 'classification_inactive',
        detail = 'Essa classificação foi desativada; escolha outra.';
    end if;
  end if;

  v_previous := v_ticket;
  update public.tickets
  set status = 'closed',
      closed_at = now(),
      closed_by = v_uid,
      closed_reason = case when v_previous.assignee_id = v_uid then 'agent' else 'supervisor' end,
      classification_id = p_classification_id,
      closing_comment = v_comment,
      -- Nobody works a closed ticket, so nothing is left unread.
      unread_count = 0
  where id = p_ticket_id
  returning * into v_ticket;

  insert into public.ticket_events (ticket_id, type, actor_id, from_team_id, from_agent_id, data)
  values (v_ticket.id, 'closed', v_uid, v_previous.team_id, v_previous.assignee_id,
          jsonb_build_object('reason', v_ticket.closed_reason, 'classification_id', p_classification_id,
                             'from_status', v_previous.status));

  select * into v_bot from public.bot_settings where channel_id = v_ticket.channel_id;
  if found and not (select blocked from public.contacts where id = v_ticket.contact_id) then
    v_farewell := coalesce(
      private.non_blank((select farewell_text from public.profiles where id = v_uid)),
      private.non_blank(v_bot.farewell_text));
    if v_farewell is not null then
      perform private.queue_bot_message(v_ticket, v_farewell);
    end if;
    v_prompt := private.queue_bot_message(v_ticket, v_bot.rating_prompt_text);

    update public.tickets
    set rating_status = 'requested', rating_requested_at = now()
    where id = p_ticket_id
    returning * into v_ticket;

    -- The bot asks, so the event has no actor.
    insert into public.ticket_events (ticket_id, type, data)
    values (v_ticket.id, 'rating_requested', jsonb_build_object('prompt_message_id', v_prompt.id));
  end if;

  return v_ticket;
end
$$;
comment on function public.close_ticket(uuid, uuid, text) is
  'Closes an open ticket (supervisors: also queued) with classification and comment, and queues the farewell (the closer''s own, else the channel''s) + rating prompt.';

-- expire_due_ratings ------------------------------------------------------------------------------------

-- The scheduler's sweep: every rating request older than its channel's rating_timeout_minutes ends
-- without a score (event rating_expired). SKIP LOCKED: a ticket whose answer is being applied right now
-- is left to that transaction (and to the next sweep if it did not rate).
create function public.expire_due_ratings() returns integer
language sql volatile security definer set search_path = '' as $$
  with due as (
    select t.id
    from public.tickets t
    left join public.bot_settings b on b.channel_id = t.channel_id
    where t.rating_status = 'requested'
      and t.rating_requested_at + make_interval(mins => coalesce(b.rating_timeout_minutes, 1440)) <= now()
    for update of t skip locked
  ),
  expired as (
    update public.tickets t set rating_status = 'expired'
    from due
    where t.id = due.id
    returning t.id
  ),
  logged as (
    insert into public.ticket_events (ticket_id, type, data)
    select id, 'rating_expired', '{"reason": "timeout"}'::jsonb from expired
    returning 1
  )
  select count(*)::integer from logged
$$;
comment on function public.expire_due_ratings() is
  'Service role (scheduler): ends every rating request past its channel''s timeout; returns how many.';
revoke all on function public.expire_due_ratings() from public, anon, authenticated;
grant execute on function public.expire_due_ratings() to service_role;

-- run_inactivity_rules ----------------------------------------------------------------------------------

-- The scheduler's inactivity sweep, per channel (active channels with the minutes set):
-- 1. close: an open ticket warned (bot_state.inactivity_warned_at) and still without a customer answer
--    inactivity_close_minutes after the warning; on a channel without a warning, an open ticket whose
--    last message was ours that long ago. closed_reason inactivity, the channel's inactivity
--    classification, the channel's farewell, no rating prompt (the customer is gone);
-- 2. bot_closed: a menu conversation (status bot) where the bot spoke last and the customer left it
--    for inactivity_close_minutes: closed_reason bot, nothing sent;
-- 3. warned: an open ticket whose last message was ours (agent, bot or the company phone) at least
--    inactivity_warning_minutes ago and not warned since the customer last wrote: the warning text is
--    queued (event inactivity_warned). A customer answer resets all of this.
-- The warning counts only with a text to send. Closes run before warnings, so one sweep never warns and
-- closes the same ticket. Tickets waiting in a queue (the customer waits for us) or where the customer
-- wrote last (we owe the answer) are never touched.
--
-- Concurrency: rows are locked FOR UPDATE SKIP LOCKED and the conditions re-checked on the locked row,
-- so a customer message committed meanwhile wins (the ticket no longer qualifies) and one in flight
-- (holding the row) makes the sweep skip the ticket until next time.
--
-- p_now is the clock the rules judge elapsed time by, so tests travel in time instead of sleeping; what
-- the sweep writes (warned_at, closed_at, messages) carries the real time.
create function public.run_inactivity_rules(p_now timestamptz default now()) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_now timestamptz := coalesce(p_now, now());
  v_row record;
  v_ticket public.tickets;
  v_message public.messages;
  v_warned integer := 0;
  v_closed integer := 0;
  v_bot_closed integer := 0;
begin
  -- 1. Customers who did not answer.
  for v_row in
    select t.id, b.inactivity_classification_id, b.farewell_text, c.blocked,
           (t.bot_state ->> 'inactivity_warned_at')::timestamptz as warned_at
    from public.tickets t
    join public.channels ch on ch.id = t.channel_id
    join public.bot_settings b on b.channel_id = t.channel_id
    join public.contacts c on c.id = t.contact_id
    where t.status = 'open'
      and ch.active
      and b.inactivity_close_minutes is not null
      and t.last_message_at > coalesce(t.last_inbound_at, '-infinity')
      and case
        when b.inactivity_warning_minutes is not null and private.non_blank(b.inactivity_warning_text) is not null then
          (t.bot_state ->> 'inactivity_warned_at')::timestamptz > coalesce(t.last_inbound_at, '-infinity')
          and (t.bot_state ->> 'inactivity_warned_at')::timestamptz + make_interval(mins => b.inactivity_close_minutes) <= v_now
        else t.last_message_at + make_interval(mins => b.inactivity_close_minutes) <= v_now
      end
    for update of t skip locked
  loop
    update public.tickets
    set status = 'closed', closed_at = now(), closed_by = null, closed_reason = 'inactivity',
        classification_id = v_row.inactivity_classification_id, unread_count = 0
    where id = v_row.id
    returning * into v_ticket;

    insert into public.ticket_events (ticket_id, type, from_team_id, from_agent_id, data)
    values (v_ticket.id, 'closed', v_ticket.team_id, v_ticket.assignee_id, jsonb_build_object(
      'reason', 'inactivity', 'classification_id', v_row.inactivity_classification_id, 'from_status', 'open',
      'warned_at', v_row.warned_at, 'last_message_at', v_ticket.last_message_at));

    if not v_row.blocked and private.non_blank(v_row.farewell_text) is not null then
      perform private.queue_bot_message(v_ticket, v_row.farewell_text);
    end if;
    v_closed := v_closed + 1;
  end loop;

  -- 2. Customers who left the menu.
  for v_row in
    select t.id
    from public.tickets t
    join public.channels ch on ch.id = t.channel_id
    join public.bot_settings b on b.channel_id = t.channel_id
    where t.status = 'bot'
      and ch.active
      and b.inactivity_close_minutes is not null
      and t.last_message_at > coalesce(t.last_inbound_at, '-infinity')
      and t.last_message_at + make_interval(mins => b.inactivity_close_minutes) <= v_now
    for update of t skip locked
  loop
    update public.tickets
    set status = 'closed', closed_at = now(), closed_reason = 'bot', unread_count = 0
    where id = v_row.id
    returning * into v_ticket;
    insert into public.ticket_events (ticket_id, type, data)
    values (v_ticket.id, 'closed', jsonb_build_object(
      'reason', 'bot', 'from_status', 'bot', 'last_message_at', v_ticket.last_message_at));
    v_bot_closed := v_bot_closed + 1;
  end loop;

  -- 3. Warnings.
  for v_row in
    select t.id, b.inactivity_warning_text, b.inactivity_warning_minutes, c.blocked
    from public.tickets t
    join public.channels ch on ch.id = t.channel_id
    join public.bot_settings b on b.channel_id = t.channel_id
    join public.contacts c on c.id = t.contact_id
    where t.status = 'open'
      and ch.active
      and b.inactivity_warning_minutes is not null
      and private.non_blank(b.inactivity_warning_text) is not null
      and t.last_message_at > coalesce(t.last_inbound_at, '-infinity')
      and t.last_message_at + make_interval(mins => b.inactivity_warning_minutes) <= v_now
      and coalesce((t.bot_state ->> 'inactivity_warned_at')::timestamptz <= coalesce(t.last_inbound_at, '-infinity'), true)
    for update of t skip locked
  loop
    select * into v_ticket from public.tickets where id = v_row.id;
    v_message := null;
    -- A blocked contact gets no message, but the warning still counts, so the close follows.
    if not v_row.blocked then
      v_message := private.queue_bot_message(v_ticket, v_row.inactivity_warning_text);
    end if;
    -- The clock, like the messages' created_at it is compared with (last_inbound_at).
    update public.tickets
    set bot_state = bot_state || jsonb_build_object('inactivity_warned_at', clock_timestamp())
    where id = v_row.id;
    insert into public.ticket_events (ticket_id, type, data)
    values (v_row.id, 'inactivity_warned', jsonb_build_object(
      'message_id', v_message.id, 'minutes', v_row.inactivity_warning_minutes, 'last_message_at', v_ticket.last_message_at));
    v_warned := v_warned + 1;
  end loop;

  return jsonb_build_object('warned', v_warned, 'closed', v_closed, 'bot_closed', v_bot_closed);
end
$$;
comment on function public.run_inactivity_rules(timestamptz) is
  'Service role (scheduler): warns and closes open tickets whose customer stopped answering, and closes abandoned menu conversations; returns the counts.';
revoke all on function public.run_inactivity_rules(timestamptz) from public, anon, authenticated;
grant execute on function public.run_inactivity_rules(timestamptz) to service_role;
