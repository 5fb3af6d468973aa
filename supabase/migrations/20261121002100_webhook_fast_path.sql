-- The webhook's fast path: fewer database round trips per provider event (each one is an HTTP call from
-- the edge function through the API gateway and PostgREST), with every guarantee of the slow path kept.
-- Service role only, like the rest of ingestion:
-- - receive_webhook_event: stores a webhook in the ledger (before anything else, unauthenticated: no
--   lease) and hands back, in the same call, the channel it names with its credentials, so the function
--   can check the secret or signature without a second lookup. Used when the function has no fresh copy
--   of the channel's credentials (its per-isolate cache keeps them a few seconds).
-- - ingest_webhook_message: a chat message in one call: resolve_contact (or resolve_group_contact),
--   ingest_inbound_message (or ingest_business_message), and what the chatbot needs to answer it (the
--   ticket's bot state, the channel's bot settings and menu, the company timezone), read fresh in the same
--   transaction, so the bot makes no reads of its own. When nothing else is left to do for the ledger event
--   (the bot has nothing to answer), the event is closed in the same transaction.
-- - apply_webhook_bot_decision: apply_bot_decision, closing the ledger event in the same transaction.
-- The existing functions stay as they are (the scheduler's retries and the tests use them too); these only
-- call them, so every rule (dedupe, race safety, the rating that never swallows a text) lives in one place.

-- receive_webhook_event ---------------------------------------------------------------------------------

-- The channel with its credentials, shaped as supabase/functions/_shared/channels.ts reads a
-- channel_secrets row joined with its channel (`channels` nested).
create function private.channel_config(p_secrets public.channel_secrets) returns jsonb
language sql stable set search_path = '' as $$
  select to_jsonb(p_secrets) || jsonb_build_object('channels', jsonb_build_object(
    'id', c.id, 'name', c.name, 'provider', c.provider, 'active', c.active, 'connection_state', c.connection_state,
    'phone_number', c.phone_number, 'accept_group_messages', c.accept_group_messages, 'allowed_phones', c.allowed_phones))
  from public.channels c
  where c.id = p_secrets.channel_id
$$;
revoke all on function private.channel_config(public.channel_secrets) from public;

-- Stores a webhook as received (status pending, no lease: the scheduler never runs a row nobody
-- authenticated) and returns {id, received_at, channel}: the channel whose Evolution instance name or
-- Cloud phone number id is p_channel_key, with its credentials (null when no channel has it). The
-- credentials only go back to the edge function that checks them.
create function public.receive_webhook_event(
  p_provider text,
  p_payload jsonb,
  p_raw_body text,
  p_headers jsonb,
  p_channel_key text
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_event public.provider_events;
  v_secrets public.channel_secrets;
begin
  insert into public.provider_events (provider, payload, raw_body, headers, status, next_attempt_at)
  values (p_provider, p_payload, p_raw_body, coalesce(p_headers, '{}'::jsonb), 'pending', null)
  returning * into v_event;

  if p_channel_key is not null then
    if p_provider = 'evolution' then
      select * into v_secrets from public.channel_secrets where evolution_instance_name = p_channel_key;
    else
      select * into v_secrets from public.channel_secrets where cloud_phone_number_id = p_channel_key;
    end if;
  end if;

  return jsonb_build_object(
    'id', v_event.id,
    'received_at', v_event.received_at,
    'channel', case when v_secrets.channel_id is not null then private.channel_config(v_secrets) end);
end
$$;
comment on function public.receive_webhook_event(text, jsonb, text, jsonb, text) is
  'Service role: stores a webhook in the ledger (pending, unauthenticated) and returns the channel it names with its credentials.';
revoke all on function public.receive_webhook_event(text, jsonb, text, jsonb, text) from public, anon, authenticated;
grant execute on function public.receive_webhook_event(text, jsonb, text, jsonb, text) to service_role;

-- Closing a ledger event --------------------------------------------------------------------------------

-- Marks a ledger event finished (processed, duplicate) by the run that holds it: the same fields
-- decideLedgerUpdate (_shared/ingest/outcome.ts) writes for a run without failures. p_finish:
-- {event_id, attempts}; p_status is what the caller's own result says. A finished row is left alone (a
-- late run never reopens or rewrites it).
create function private.finish_provider_event(p_finish jsonb, p_status text) returns boolean
language plpgsql volatile set search_path = '' as $$
begin
  if p_finish is null or jsonb_typeof(p_finish) <> 'object' then
    return false;
  end if;
  if p_status not in ('processed', 'duplicate') then
    raise exception using errcode = 'P0001', message = 'event_status_invalid',
      detail = format('Situação de evento inválida: %s.', p_status);
  end if;
  update public.provider_events
  set status = p_status,
      attempts = greatest(1, coalesce((p_finish ->> 'attempts')::integer, 1)),
      last_error = null,
      next_attempt_at = null,
      processed_at = now()
  where id = (p_finish ->> 'event_id')::bigint
    and status in ('pending', 'failed');
  return found;
end
$$;
revoke all on function private.finish_provider_event(jsonb, text) from public;

-- ingest_webhook_message --------------------------------------------------------------------------------

-- What the chatbot reads to answer a customer message on p_ticket_id: the ticket (status, bot_state,
-- rating), the channel's bot_settings row and menu options, and the company timezone. Null without a
-- ticket.
create function private.bot_context(p_ticket_id uuid) returns jsonb
language sql stable set search_path = '' as $$
  select jsonb_build_object(
    'ticket', jsonb_build_object(
      'id', t.id, 'channel_id', t.channel_id, 'status', t.status, 'bot_state', t.bot_state,
      'rating_status', t.rating_status, 'rating_requested_at', t.rating_requested_at),
    'settings', (select to_jsonb(b) from public.bot_settings b where b.channel_id = t.channel_id),
    'options', coalesce((
      select jsonb_agg(jsonb_build_object('position', o.position, 'label', o.label, 'team_id', o.team_id) order by o.position)
      from public.bot_menu_options o where o.channel_id = t.channel_id), '[]'::jsonb),
    'company_timezone', (select a.timezone from public.app_settings a limit 1))
  from public.tickets t
  where t.id = p_ticket_id
$$;
revoke all on function private.bot_context(uuid) from public;

-- One chat message of a webhook (the work of _shared/ingest/apply-message.ts, in one call):
--   p_party: {"kind": "person", "identities": [{kind, value}…], "name": …} | {"kind": "group", "group_jid": …}
--   p_message: as ingest_inbound_message / ingest_business_message read it (provider_message_id required)
--   p_from_me: typed on the company phone (ingest_business_message; the bot never answers it)
--   p_finish: {event_id, attempts} when this message is the ledger event's only work: the event is
--     closed here (processed, or duplicate) unless the chatbot still has to answer.
-- A message already stored is a duplicate: nothing is resolved or written, and the answer describes the
-- stored message (ticket, kind, created_at) so the bot can tell whether it still owes an answer (a retry
-- whose first run died between storing the message and the bot). Returns the ingest result plus:
--   stored: {ticket_id, direction, kind, created_at} (duplicates only)
--   bot: private.bot_context of the message's ticket, when the bot may have to act (`bot` ticket, or a
--     closed ticket the message may be rating); null otherwise
--   event_finished: whether p_finish was applied.
create function public.ingest_webhook_message(
  p_channel_id uuid,
  p_party jsonb,
  p_message jsonb,
  p_from_me boolean default false,
  p_finish jsonb default null
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_provider_id text := nullif(trim(p_message ->> 'provider_message_id'), '');
  v_stored public.messages;
  v_contact_id uuid;
  v_result jsonb;
  v_ticket public.tickets;
  v_bot_needed boolean := false;
  v_finished boolean := false;
begin
  if jsonb_typeof(p_party) is distinct from 'object' or coalesce(p_party ->> 'kind', '') not in ('person', 'group') then
    raise exception using errcode = 'P0001', message = 'party_invalid',
      detail = 'Informe quem enviou a mensagem: {"kind": "person", "identities": […]} ou {"kind": "group", "group_jid": …}.';
  end if;

  -- A re-delivery costs one lookup (ingest_* would find it too, after the contact was resolved).
  if v_provider_id is not null then
    select * into v_stored from public.messages where channel_id = p_channel_id and provider_message_id = v_provider_id;
  end if;

  if v_stored.id is null then
    v_contact_id := case p_party ->> 'kind'
      when 'group' then public.resolve_group_contact(p_party ->> 'group_jid', null)
      else public.resolve_contact(p_party -> 'identities', p_party ->> 'name')
    end;
    if p_from_me then
      v_result := public.ingest_business_message(p_channel_id, v_contact_id, p_message);
    else
      v_result := public.ingest_inbound_message(p_channel_id, v_contact_id, p_message);
    end if;
    if (v_result ->> 'duplicate')::boolean then
      -- Stored by a concurrent delivery while we resolved the contact.
      select * into v_stored from public.messages where id = (v_result ->> 'message_id')::uuid;
    end if;
  else
    v_result := jsonb_build_object('duplicate', true, 'message_id', v_stored.id);
  end if;

  if v_stored.id is not null then
    v_result := v_result || jsonb_build_object('stored', jsonb_build_object(
      'ticket_id', v_stored.ticket_id, 'direction', v_stored.direction, 'kind', v_stored.kind, 'created_at', v_stored.created_at));
    -- As runBotForStoredMessage decides (_shared/chatbot/run-bot.ts): the menu on a `bot` ticket, the
    -- rating for a message stored after the prompt (never a reaction).
    if not p_from_me and v_stored.direction = 'inbound' and v_stored.ticket_id is not null then
      select * into v_ticket from public.tickets where id = v_stored.ticket_id;
      v_bot_needed := v_ticket.status = 'bot'
        or (v_ticket.status = 'closed' and v_stored.kind <> 'reaction' and v_ticket.rating_requested_at is not null
            and v_stored.created_at >= v_ticket.rating_requested_at);
    end if;
  elsif not p_from_me and v_result ->> 'ticket_id' is not null then
    -- As runBotForMessage decides: the rating, or the menu on a `bot` ticket.
    v_bot_needed := coalesce((v_result ->> 'rating_pending')::boolean, false) or v_result ->> 'ticket_status' = 'bot';
    v_ticket.id := (v_result ->> 'ticket_id')::uuid;
  end if;

  if v_bot_needed then
    v_result := v_result || jsonb_build_object('bot', private.bot_context(v_ticket.id));
  elsif p_finish is not null then
    v_finished := private.finish_provider_event(p_finish, case when v_stored.id is null then 'processed' else 'duplicate' end);
  end if;

  return v_result || jsonb_build_object('event_finished', v_finished);
end
$$;
comment on function public.ingest_webhook_message(uuid, jsonb, jsonb, boolean, jsonb) is
  'Service role: resolves the contact and stores one webhook message (once), returning what the chatbot needs; closes the ledger event when nothing else is left.';
revoke all on function public.ingest_webhook_message(uuid, jsonb, jsonb, boolean, jsonb) from public, anon, authenticated;
grant execute on function public.ingest_webhook_message(uuid, jsonb, jsonb, boolean, jsonb) to service_role;

-- apply_webhook_bot_decision ----------------------------------------------------------------------------

-- apply_bot_decision, and, when the decision is settled (applied, or refused for any reason but a stale
-- state, which the caller decides again), the ledger event closed in the same transaction. p_finish:
-- {event_id, attempts, status: processed | duplicate} or null. Returns apply_bot_decision's answer plus
-- event_finished.
create function public.apply_webhook_bot_decision(
  p_ticket_id uuid,
  p_message_id uuid,
  p_expected_version integer,
  p_decision jsonb,
  p_finish jsonb default null
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_result jsonb := public.apply_bot_decision(p_ticket_id, p_message_id, p_expected_version, p_decision);
  v_finished boolean := false;
begin
  if p_finish is not null and ((v_result ->> 'applied')::boolean or v_result ->> 'reason' is distinct from 'state_changed') then
    v_finished := private.finish_provider_event(p_finish, coalesce(p_finish ->> 'status', 'processed'));
  end if;
  return v_result || jsonb_build_object('event_finished', v_finished);
end
$$;
comment on function public.apply_webhook_bot_decision(uuid, uuid, integer, jsonb, jsonb) is
  'Service role: apply_bot_decision, closing the webhook''s ledger event in the same transaction once the decision is settled.';
revoke all on function public.apply_webhook_bot_decision(uuid, uuid, integer, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.apply_webhook_bot_decision(uuid, uuid, integer, jsonb, jsonb) to service_role;

-- apply_webhook_status ----------------------------------------------------------------------------------

-- apply_message_status, and, when the message is known (the status applied, or stale and ignored), the
-- ledger event closed as processed in the same transaction. An unknown message leaves the event to its
-- caller, which keeps it waiting for the sender to record the provider id. p_finish: {event_id, attempts}
-- or null. Returns {known, event_finished}.
create function public.apply_webhook_status(
  p_channel_id uuid,
  p_provider_message_id text,
  p_status text,
  p_error text default null,
  p_at timestamptz default now(),
  p_finish jsonb default null
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_known boolean := public.apply_message_status(p_channel_id, p_provider_message_id, p_status, p_error, p_at);
  v_finished boolean := false;
begin
  if v_known and p_finish is not null then
    v_finished := private.finish_provider_event(p_finish, 'processed');
  end if;
  return jsonb_build_object('known', v_known, 'event_finished', v_finished);
end
$$;
comment on function public.apply_webhook_status(uuid, text, text, text, timestamptz, jsonb) is
  'Service role: apply_message_status, closing the webhook''s ledger event in the same transaction when the message is known.';
revoke all on function public.apply_webhook_status(uuid, text, text, text, timestamptz, jsonb) from public, anon, authenticated;
grant execute on function public.apply_webhook_status(uuid, text, text, text, timestamptz, jsonb) to service_role;
