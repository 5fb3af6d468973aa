-- The SQL side of the WhatsApp pipeline, called by the edge functions (service role only unless said):
-- - outbox: claim_outbox_batch / complete_outbox_send / fail_outbox_send (whatsapp-send), and
--   retry_failed_message for agents;
-- - ledger: claim_provider_events (the scheduler re-runs webhooks whose processing failed or crashed);
-- - channel state: record_channel_connection / record_channel_qr (webhook and whatsapp-connect);
-- - ingest_business_message: what someone typed on the company phone itself;
-- - resolve_group_contact: a group is one contact, for channels that accept group messages.
-- Same error model as the other RPCs: P0001 + snake_case message + pt-BR detail; 42501 not_allowed.

-- Schema additions -------------------------------------------------------------------------------------

-- Where the Graph API lives: Meta's host in production, the local simulator in development and tests.
alter table public.channel_secrets
  add column cloud_graph_base_url text not null default 'https://graph.facebook.com'
    check (cloud_graph_base_url ~ '^https?://[^\s/]+(/[^\s]*)?$'),
  add column cloud_graph_version text not null default 'v23.0' check (cloud_graph_version ~ '^v[0-9]+\.[0-9]+$');
comment on column public.channel_secrets.cloud_graph_base_url is
  'Graph API base URL without the version (https://graph.facebook.com; the simulator locally).';

-- A group chat is one contact (its JID) when the channel accepts group messages.
alter table public.contact_identities drop constraint contact_identities_kind_check;
alter table public.contact_identities add constraint contact_identities_kind_check
  check (kind in ('phone', 'lid', 'wa_id', 'group'));

-- Channel activity, for the connection list. Updated at most once a minute so a busy channel's row is
-- not locked by every message.
create function private.touch_channel_activity() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.channels set last_activity_at = new.created_at
  where id = new.channel_id and (last_activity_at is null or last_activity_at < new.created_at - interval '1 minute');
  return null;
end
$$;
revoke all on function private.touch_channel_activity() from public;

create trigger messages_touch_channel_activity
  after insert on public.messages
  for each row when (new.provider_message_id is not null)
  execute function private.touch_channel_activity();

-- Outbox ------------------------------------------------------------------------------------------------

-- Where a message to this contact goes: the Cloud API addresses people by wa_id (else the phone);
-- Evolution by phone, or by @lid when WhatsApp never revealed the number. Null when we know neither.
create function private.contact_address(p_contact_id uuid, p_provider text) returns text
language sql stable security definer set search_path = '' as $$
  select coalesce(
    case when p_provider = 'cloud'
      then (select value from public.contact_identities where contact_id = p_contact_id and kind = 'wa_id' order by created_at limit 1)
    end,
    (select phone from public.contacts where id = p_contact_id),
    (select value from public.contact_identities where contact_id = p_contact_id and kind = 'phone' order by created_at limit 1),
    case when p_provider = 'evolution'
      then (select value from public.contact_identities where contact_id = p_contact_id and kind in ('lid', 'group') order by kind desc, created_at limit 1)
    end
  )
$$;
revoke all on function private.contact_address(uuid, text) from public, anon, authenticated;
grant execute on function private.contact_address(uuid, text) to service_role;

-- Hands the sender up to p_limit messages that are due, in order per conversation: a message is only
-- handed out when no earlier message of its ticket is still waiting or being sent (a later one must
-- never overtake it). Each claimed row is leased ('sending' until locked_until): a sender that crashes
-- loses its lease and the next sweep sends the message again (at-least-once; the lease keeps it rare).
-- SKIP LOCKED lets concurrent senders (agent trigger + scheduler sweep) split the work.
create function public.claim_outbox_batch(p_limit integer default 10, p_lease_seconds integer default 60)
returns setof jsonb
language plpgsql volatile security definer set search_path = '' as $$
begin
  return query
  with candidates as (
    select o.id
    from public.outbox o
    where ((o.status = 'queued' and o.next_attempt_at <= now())
           or (o.status = 'sending' and o.locked_until < now()))
      and not exists (
        select 1 from public.outbox earlier
        where earlier.ticket_id = o.ticket_id and earlier.id < o.id and earlier.status in ('queued', 'sending')
      )
    order by o.next_attempt_at, o.id
    limit greatest(1, least(p_limit, 100))
    for update of o skip locked
  ),
  claimed as (
    update public.outbox o
    set status = 'sending', attempts = o.attempts + 1,
        locked_until = now() + make_interval(secs => greatest(5, p_lease_seconds))
    from candidates c
    where o.id = c.id
    returning o.*
  )
  select jsonb_build_object(
    'outbox_id', c.id,
    'attempts', c.attempts,
    'channel_id', c.channel_id,
    'provider', ch.provider,
    'message_id', m.id,
    'ticket_id', m.ticket_id,
    'kind', m.kind,
    'body', m.body,
    'media_path', m.media_path,
    'media_mime', m.media_mime,
    'media_name', m.media_name,
    'is_voice_note', m.is_voice_note,
    'to', private.contact_address(m.contact_id, ch.provider),
    'quoted', case when q.id is not null then jsonb_build_object(
      'provider_message_id', q.provider_message_id,
      'from_me', q.direction = 'outbound',
      'body', q.body
    ) end
  )
  from claimed c
  join public.messages m on m.id = c.message_id
  join public.channels ch on ch.id = c.channel_id
  left join public.messages q on q.id = m.quoted_message_id and q.provider_message_id is not null
  order by c.id;
end
$$;
comment on function public.claim_outbox_batch(integer, integer) is
  'Service role: leases due outbox rows (oldest first, never overtaking an earlier message of the same ticket) with what the sender needs.';
revoke all on function public.claim_outbox_batch(integer, integer) from public, anon, authenticated;
grant execute on function public.claim_outbox_batch(integer, integer) to service_role;

-- The provider accepted the message. The provider's echo of it (Evolution sends messages we sent back
-- as fromMe) may have been stored before this answer came back, as a message typed on the phone; that
-- copy goes, so the conversation shows the message once.
create function public.complete_outbox_send(p_outbox_id bigint, p_provider_message_id text) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_outbox public.outbox;
begin
  if coalesce(trim(p_provider_message_id), '') = '' then
    raise exception using errcode = 'P0001', message = 'provider_message_id_required',
      detail = 'O provedor não devolveu o id da mensagem enviada.';
  end if;
  select * into v_outbox from public.outbox where id = p_outbox_id for update;
  if not found then
    return false;
  end if;

  delete from public.messages
  where channel_id = v_outbox.channel_id and provider_message_id = p_provider_message_id
    and id <> v_outbox.message_id and direction = 'outbound' and sender_type = 'agent' and sender_id is null;

  update public.outbox set status = 'sent', sent_at = now(), locked_until = null, last_error = null
  where id = p_outbox_id;
  update public.messages
  set provider_message_id = p_provider_message_id,
      status = case when status = 'pending' then 'sent' else status end,
      status_error = null,
      status_updated_at = now()
  where id = v_outbox.message_id;
  return true;
end
$$;
comment on function public.complete_outbox_send(bigint, text) is
  'Service role: records the provider id of a sent message and marks it sent.';
revoke all on function public.complete_outbox_send(bigint, text) from public, anon, authenticated;
grant execute on function public.complete_outbox_send(bigint, text) to service_role;

-- A send failed. Transient: back to the queue until p_retry_at (the caller computes the backoff; the
-- message stays 'pending' and keeps its place, so later messages of the ticket wait). Permanent: the
-- message is marked failed with the pt-BR reason the agent sees, and the next message may go.
create function public.fail_outbox_send(
  p_outbox_id bigint,
  p_permanent boolean,
  p_reason text,
  p_retry_at timestamptz default null
) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_outbox public.outbox;
  v_reason text := coalesce(nullif(trim(p_reason), ''), 'Falha no envio (sem detalhes do provedor).');
begin
  select * into v_outbox from public.outbox where id = p_outbox_id for update;
  if not found or v_outbox.status = 'sent' then
    return false;
  end if;
  if p_permanent then
    update public.outbox set status = 'failed', locked_until = null, last_error = v_reason where id = p_outbox_id;
    update public.messages set status = 'failed', status_error = v_reason, status_updated_at = now()
    where id = v_outbox.message_id and status = 'pending';
  else
    update public.outbox
    set status = 'queued', locked_until = null, last_error = v_reason,
        next_attempt_at = coalesce(p_retry_at, now() + interval '30 seconds')
    where id = p_outbox_id;
  end if;
  return true;
end
$$;
comment on function public.fail_outbox_send(bigint, boolean, text, timestamptz) is
  'Service role: a send failed; requeue it for p_retry_at (transient) or mark the message failed with the reason (permanent).';
revoke all on function public.fail_outbox_send(bigint, boolean, text, timestamptz) from public, anon, authenticated;
grant execute on function public.fail_outbox_send(bigint, boolean, text, timestamptz) to service_role;

-- An agent asks to send a failed message again ("Tentar novamente"): same message, back in the queue.
create function public.retry_failed_message(p_message_id uuid) returns public.messages
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_message public.messages;
  v_ticket public.tickets;
begin
  perform private.require_ticket_worker();
  select * into v_message from public.messages where id = p_message_id;
  if not found or v_message.ticket_id is null then
    raise exception using errcode = 'P0001', message = 'message_not_found', detail = 'Mensagem não encontrada.';
  end if;
  v_ticket := private.lock_ticket_for_caller(v_message.ticket_id);
  if not private.caller_handles_ticket(v_ticket) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só quem está com o atendimento (ou um supervisor) pode reenviar mensagens nele.';
  end if;
  if v_ticket.status <> 'open' then
    raise exception using errcode = 'P0001', message = 'ticket_not_open',
      detail = format('O atendimento #%s não está em andamento.', v_ticket.number);
  end if;
  if v_message.status <> 'failed' or v_message.direction <> 'outbound' then
    raise exception using errcode = 'P0001', message = 'message_not_failed',
      detail = 'Só mensagens com falha no envio podem ser reenviadas.';
  end if;

  update public.messages set status = 'pending', status_error = null, status_updated_at = now()
  where id = p_message_id
  returning * into v_message;
  -- attempts restarts: the backoff of a manual retry begins again at its first, short step.
  update public.outbox set status = 'queued', attempts = 0, next_attempt_at = now(), locked_until = null, last_error = null
  where message_id = p_message_id;
  return v_message;
end
$$;
comment on function public.retry_failed_message(uuid) is 'Puts a failed outbound message back in the outbox (agent handling the ticket).';
revoke all on function public.retry_failed_message(uuid) from public, anon;
grant execute on function public.retry_failed_message(uuid) to authenticated, service_role;

-- Ledger ------------------------------------------------------------------------------------------------

-- Webhook events to (re)process: stored but never finished (the function crashed or timed out: its
-- lease, next_attempt_at, ran out) or failed and due again. Leased like the outbox.
create function public.claim_provider_events(p_limit integer default 20, p_lease_seconds integer default 60)
returns setof public.provider_events
language sql volatile security definer set search_path = '' as $$
  with candidates as (
    select id from public.provider_events
    where status in ('pending', 'failed') and next_attempt_at <= now()
    order by next_attempt_at, id
    limit greatest(1, least(p_limit, 100))
    for update skip locked
  )
  update public.provider_events e
  set next_attempt_at = now() + make_interval(secs => greatest(5, p_lease_seconds))
  from candidates c
  where e.id = c.id
  returning e.*
$$;
comment on function public.claim_provider_events(integer, integer) is
  'Service role: leases ledger events whose processing failed or never finished, for the scheduler to run again.';
revoke all on function public.claim_provider_events(integer, integer) from public, anon, authenticated;
grant execute on function public.claim_provider_events(integer, integer) to service_role;

-- Channel state -----------------------------------------------------------------------------------------

-- The WhatsApp session of a channel changed state (webhook connection.update, or whatsapp-connect
-- after asking the provider). Connected clears the QR; the number, once known, is kept.
create function public.record_channel_connection(
  p_channel_id uuid,
  p_state text,
  p_reason text default null,
  p_phone_number text default null
) returns public.channels
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_channel public.channels;
begin
  if p_state is null or p_state not in ('disconnected', 'connecting', 'qr', 'connected', 'error') then
    raise exception using errcode = 'P0001', message = 'connection_state_invalid',
      detail = format('Estado de conexão desconhecido: %s.', p_state);
  end if;
  -- Evolution sends `connecting` and the QR in no fixed order: a late `connecting` must not hide a QR
  -- that is still on screen and valid.
  if p_state = 'connecting' and exists (
    select 1 from public.channels c join public.channel_qr_codes q on q.channel_id = c.id
    where c.id = p_channel_id and c.connection_state = 'qr' and q.expires_at > now()
  ) then
    select * into v_channel from public.channels where id = p_channel_id;
    return v_channel;
  end if;
  update public.channels
  set connection_state = p_state,
      state_reason = p_reason,
      state_changed_at = case when connection_state is distinct from p_state then now() else state_changed_at end,
      phone_number = coalesce(nullif(regexp_replace(coalesce(p_phone_number, ''), '\D', '', 'g'), ''), phone_number)
  where id = p_channel_id
  returning * into v_channel;
  if not found then
    raise exception using errcode = 'P0001', message = 'channel_not_found', detail = 'Conexão não encontrada.';
  end if;
  if p_state in ('connected', 'disconnected') then
    delete from public.channel_qr_codes where channel_id = p_channel_id;
  end if;
  return v_channel;
end
$$;
comment on function public.record_channel_connection(uuid, text, text, text) is
  'Service role: sets a channel''s connection state (and its number once paired); connected/disconnected drop the QR.';
revoke all on function public.record_channel_connection(uuid, text, text, text) from public, anon, authenticated;
grant execute on function public.record_channel_connection(uuid, text, text, text) to service_role;

-- A new QR code (or pairing code) to show. Webhooks arrive out of order, so a QR that shows up after the
-- channel connected is stale and ignored. Returns whether it was applied.
create function public.record_channel_qr(
  p_channel_id uuid,
  p_qr_code text,
  p_pairing_code text default null,
  p_expires_at timestamptz default null
) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_state text;
begin
  select connection_state into v_state from public.channels where id = p_channel_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'channel_not_found', detail = 'Conexão não encontrada.';
  end if;
  if v_state = 'connected' then
    return false;
  end if;
  insert into public.channel_qr_codes (channel_id, qr_code, pairing_code, expires_at, updated_at)
  values (p_channel_id, p_qr_code, p_pairing_code, p_expires_at, now())
  on conflict (channel_id) do update
  set qr_code = excluded.qr_code,
      pairing_code = coalesce(excluded.pairing_code, public.channel_qr_codes.pairing_code),
      expires_at = excluded.expires_at,
      updated_at = now();
  update public.channels
  set connection_state = 'qr', state_reason = null,
      state_changed_at = case when connection_state <> 'qr' then now() else state_changed_at end
  where id = p_channel_id;
  return true;
end
$$;
comment on function public.record_channel_qr(uuid, text, text, timestamptz) is
  'Service role: stores the current QR / pairing code of a connecting channel (ignored once connected).';
revoke all on function public.record_channel_qr(uuid, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.record_channel_qr(uuid, text, text, timestamptz) to service_role;

-- Contacts for groups -----------------------------------------------------------------------------------

-- The contact standing for a group chat (identity kind 'group' = the group JID), created on first use.
create function public.resolve_group_contact(p_group_jid text, p_name text default null) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_jid text := trim(p_group_jid);
  v_contact_id uuid;
begin
  if v_jid is null or v_jid !~ '^[0-9-]{5,40}@g\.us$' then
    raise exception using errcode = 'P0001', message = 'identity_invalid',
      detail = format('Identificador de grupo inválido: %s.', p_group_jid);
  end if;
  select contact_id into v_contact_id from public.contact_identities where kind = 'group' and value = v_jid;
  if found then
    return v_contact_id;
  end if;
  insert into public.contacts (whatsapp_name) values (coalesce(nullif(trim(p_name), ''), 'Grupo'))
  returning id into v_contact_id;
  insert into public.contact_identities (contact_id, kind, value) values (v_contact_id, 'group', v_jid)
  on conflict (kind, value) do nothing;
  if not found then
    -- A concurrent message created the group's contact first: use that one.
    delete from public.contacts where id = v_contact_id;
    select contact_id into v_contact_id from public.contact_identities where kind = 'group' and value = v_jid;
  end if;
  return v_contact_id;
end
$$;
comment on function public.resolve_group_contact(text, text) is 'Service role: the contact of a group chat, created on first use.';
revoke all on function public.resolve_group_contact(text, text) from public, anon, authenticated;
grant execute on function public.resolve_group_contact(text, text) to service_role;

-- Messages typed on the company phone -------------------------------------------------------------------

-- Someone answered from the company's own phone (or WhatsApp Web) instead of Atende: the provider
-- reports it as a fromMe message. It is stored as an agent message without an agent, in the contact's
-- active ticket (else their latest one, so the history stays complete), already sent. Idempotent on
-- (channel, provider id) like inbound messages; our own API sends never land here twice because the
-- sender records their provider id (see complete_outbox_send).
create function public.ingest_business_message(p_channel_id uuid, p_contact_id uuid, p_message jsonb) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_provider_id text := nullif(trim(p_message ->> 'provider_message_id'), '');
  v_kind text := coalesce(nullif(p_message ->> 'kind', ''), 'text');
  v_quoted_provider_id text := nullif(p_message ->> 'quoted_provider_message_id', '');
  v_existing_id uuid;
  v_ticket public.tickets;
  v_quoted_id uuid;
  v_message public.messages;
begin
  if v_provider_id is null then
    raise exception using errcode = 'P0001', message = 'provider_message_id_required',
      detail = 'A mensagem não tem o id do provedor.';
  end if;
  if v_kind not in ('text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contact', 'reaction', 'unsupported') then
    raise exception using errcode = 'P0001', message = 'message_kind_invalid',
      detail = format('Tipo de mensagem desconhecido: %s.', v_kind);
  end if;
  if not exists (select 1 from public.contacts where id = p_contact_id) then
    raise exception using errcode = 'P0001', message = 'contact_not_found', detail = 'Contato não encontrado.';
  end if;

  perform pg_advisory_xact_lock(hashtextextended(p_channel_id::text || '/' || v_provider_id, 0));
  select id into v_existing_id from public.messages where channel_id = p_channel_id and provider_message_id = v_provider_id;
  if found then
    return jsonb_build_object('duplicate', true, 'message_id', v_existing_id);
  end if;

  select * into v_ticket from public.tickets
  where contact_id = p_contact_id and channel_id = p_channel_id
  order by (status <> 'closed') desc, created_at desc
  limit 1
  for update;

  if v_quoted_provider_id is not null then
    select id into v_quoted_id from public.messages where channel_id = p_channel_id and provider_message_id = v_quoted_provider_id;
  end if;

  insert into public.messages (
    ticket_id, contact_id, channel_id, direction, sender_type, kind, body,
    media_path, media_mime, media_size, media_name, media_duration_seconds, is_voice_note,
    location, contact_cards, reaction_emoji, quoted_message_id, quoted_provider_message_id,
    provider_message_id, status, status_updated_at, provider_timestamp, created_at
  ) values (
    v_ticket.id, p_contact_id, p_channel_id, 'outbound', 'agent', v_kind, p_message ->> 'body',
    p_message ->> 'media_path', p_message ->> 'media_mime', (p_message ->> 'media_size')::bigint,
    p_message ->> 'media_name', (p_message ->> 'media_duration_seconds')::numeric,
    coalesce((p_message ->> 'is_voice_note')::boolean, false),
    nullif(p_message -> 'location', 'null'::jsonb), nullif(p_message -> 'contact_cards', 'null'::jsonb),
    case when v_kind = 'reaction' then coalesce(p_message ->> 'reaction_emoji', '') end,
    v_quoted_id, v_quoted_provider_id, v_provider_id, 'sent', clock_timestamp(),
    case jsonb_typeof(p_message -> 'provider_timestamp')
      when 'number' then to_timestamp((p_message ->> 'provider_timestamp')::double precision)
      when 'string' then (p_message ->> 'provider_timestamp')::timestamptz
    end,
    clock_timestamp()
  )
  returning * into v_message;

  if v_ticket.id is not null and v_ticket.status <> 'closed' then
    update public.tickets
    set last_message_at = v_message.created_at,
        last_message_preview = private.message_preview(v_kind, v_message.body, v_message.media_name, v_message.is_voice_note)
    where id = v_ticket.id;
  end if;

  return jsonb_build_object('duplicate', false, 'message_id', v_message.id, 'ticket_id', v_ticket.id);
end
$$;
comment on function public.ingest_business_message(uuid, uuid, jsonb) is
  'Service role: stores a message typed on the company phone (provider fromMe) once, in the contact''s active or latest ticket.';
revoke all on function public.ingest_business_message(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function public.ingest_business_message(uuid, uuid, jsonb) to service_role;

-- Grants audit (tests/database/function-grants.test.ts) ---------------------------------------------------

-- my_profile kept Postgres' default EXECUTE for PUBLIC; harmless (it reads through RLS as the caller) but
-- not meant for anon.
revoke execute on function public.my_profile() from public, anon;
