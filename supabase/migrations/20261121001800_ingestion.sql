-- The SQL core of WhatsApp ingestion, called by the whatsapp-webhook edge function (service role only):
-- resolve_contact (one person = one contact, whatever identifiers WhatsApp uses), ingest_inbound_message
-- (store a customer's message once and put it in the right ticket) and apply_message_status (delivery
-- progress of our own messages). Webhooks arrive duplicated, concurrently and out of order, so every
-- function is idempotent and race-safe on its own; the caller keeps the raw event in provider_events.
--
-- Errors: P0001 with a stable snake_case `message` (identity_invalid, contact_not_found, …) and a pt-BR
-- `detail`; 42501 for any role but service_role (no execute grant).

-- Schema additions -------------------------------------------------------------------------------------

-- A reaction may arrive before the message it reacts to (or target a message we never stored), so the
-- provider id is kept and the link filled in when the target shows up, as quoted_provider_message_id does.
alter table public.messages add column reaction_to_provider_message_id text;
comment on column public.messages.reaction_to_provider_message_id is
  'Provider id of the message a reaction targets; reaction_to_message_id is set once that message is stored.';

-- Backfilling links when a late target arrives looks these up; only unresolved rows are indexed.
create index messages_unresolved_quote_idx on public.messages (channel_id, quoted_provider_message_id)
  where quoted_message_id is null and quoted_provider_message_id is not null;
create index messages_unresolved_reaction_idx on public.messages (channel_id, reaction_to_provider_message_id)
  where reaction_to_message_id is null and reaction_to_provider_message_id is not null;

-- Helpers -----------------------------------------------------------------------------------------------

-- Same rule as brazilianVariants() in supabase/functions/_shared/providers/phone.ts: a Brazilian mobile
-- exists on WhatsApp with and without the 9th digit, so both forms must lead to the same contact.
-- Returns {withNine, withoutNine} for a Brazilian mobile, {digits} for anything else. Done here (not only
-- in the caller) so no caller can forget it; a caller that already sends both forms changes nothing.
create function private.brazilian_phone_variants(p_phone text) returns text[]
language sql immutable parallel safe set search_path = '' as $$
  with d as (select regexp_replace(coalesce(p_phone, ''), '\D', '', 'g') as digits)
  select case
    when digits ~ '^55[1-9][1-9]9[0-9]{8}$'
      then array[digits, substr(digits, 1, 4) || substr(digits, 6)]
    when digits ~ '^55[1-9][1-9][6-9][0-9]{7}$'
      then array[substr(digits, 1, 4) || '9' || substr(digits, 5), digits]
    else array[digits]
  end
  from d
$$;
revoke all on function private.brazilian_phone_variants(text) from public, anon, authenticated;
grant execute on function private.brazilian_phone_variants(text) to service_role;

-- Order of the delivery statuses of an outbound message; a status only ever moves up this scale.
-- received (inbound) and failed are outside it: null.
create function private.delivery_status_rank(p_status text) returns integer
language sql immutable parallel safe set search_path = '' as $$
  select case p_status when 'pending' then 0 when 'sent' then 1 when 'delivered' then 2
    when 'read' then 3 when 'played' then 4 end
$$;
revoke all on function private.delivery_status_rank(text) from public, anon, authenticated;
grant execute on function private.delivery_status_rank(text) to service_role;

-- resolve_contact ---------------------------------------------------------------------------------------

-- The contact a webhook's sender is, created on first contact. p_identities: [{"kind": "phone" | "lid" |
-- "wa_id", "value": "…"}], phone values in digits with country code; the first phone given is the one
-- WhatsApp reported and becomes contacts.phone of a new contact. Brazilian 9th-digit variants of every
-- phone are added here. Every identity not yet recorded is attached to the chosen contact, so a later
-- message that carries only the @lid (or only the other phone form) finds the same person.
--
-- Two identities may already belong to two different contacts (history from before they were linked).
-- We do not merge contacts automatically (tickets, notes and names would have to be reconciled by a
-- person): the contact of the strongest identity wins (phone > wa_id > lid, then the form given first,
-- then the oldest contact), and identities owned by the other contact stay where they are.
--
-- Race safety: two webhooks for the same new number may both find nothing and both create a contact.
-- Identities are inserted in one fixed order with `on conflict do nothing`, so the second transaction
-- waits on the unique (kind, value) index until the first commits, then re-reads who owns them; if the
-- winner is not the contact it created, its identities move to the winner and its contact (not yet
-- visible to anyone) is deleted. Result: one contact.
create function public.resolve_contact(p_identities jsonb, p_whatsapp_name text default null) returns uuid
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_item jsonb;
  v_ordinal integer := 0;
  v_kind text;
  v_value text;
  v_canonical_phone text;
  v_variant text;
  v_contact_id uuid;
  v_created_id uuid;
  v_winner_id uuid;
  v_kinds text[] := '{}';
  v_values text[] := '{}';
  v_ordinals integer[] := '{}';
  v_index integer;
  v_name text := nullif(trim(p_whatsapp_name), '');
begin
  if p_identities is null or jsonb_typeof(p_identities) <> 'array' or jsonb_array_length(p_identities) = 0 then
    raise exception using errcode = 'P0001', message = 'identity_required',
      detail = 'Informe ao menos um identificador do contato (telefone, lid ou wa_id).';
  end if;

  -- Collected as parallel arrays (kind, value, ordinal); duplicates are removed below.
  for v_item in select * from jsonb_array_elements(p_identities) loop
    v_kind := v_item ->> 'kind';
    v_value := trim(v_item ->> 'value');
    v_ordinal := v_ordinal + 1;
    if v_kind is null or v_kind not in ('phone', 'lid', 'wa_id') or coalesce(v_value, '') = ''
       or length(v_value) not between 3 and 64 then
      raise exception using errcode = 'P0001', message = 'identity_invalid',
        detail = format('Identificador de contato inválido: %s.', v_item::text),
        hint = 'Tipos aceitos: phone, lid, wa_id; valor de 3 a 64 caracteres.';
    end if;
    if v_kind = 'phone' then
      if v_value !~ '^[0-9]{8,15}$' then
        raise exception using errcode = 'P0001', message = 'identity_invalid',
          detail = format('Telefone inválido: %s (use só dígitos, com o código do país).', v_value);
      end if;
      v_canonical_phone := coalesce(v_canonical_phone, v_value);
      foreach v_variant in array private.brazilian_phone_variants(v_value) loop
        -- The form given keeps its place; a derived form ranks after everything the caller gave.
        v_kinds := v_kinds || 'phone'::text;
        v_values := v_values || v_variant;
        v_ordinals := v_ordinals || case when v_variant = v_value then v_ordinal else 1000 + v_ordinal end;
      end loop;
    else
      v_kinds := v_kinds || v_kind;
      v_values := v_values || v_value;
      v_ordinals := v_ordinals || v_ordinal;
    end if;
  end loop;

  select array_agg(kind order by kind, value), array_agg(value order by kind, value),
         array_agg(ordinal order by kind, value)
  into v_kinds, v_values, v_ordinals
  from (
    select kind, value, min(ordinal) as ordinal
    from unnest(v_kinds, v_values, v_ordinals) as t (kind, value, ordinal)
    group by kind, value
  ) deduped;

  -- 1. Someone we already know?
  select ci.contact_id into v_contact_id
  from unnest(v_kinds, v_values, v_ordinals) as r (kind, value, ordinal)
  join public.contact_identities ci on ci.kind = r.kind and ci.value = r.value
  join public.contacts c on c.id = ci.contact_id
  order by case r.kind when 'phone' then 1 when 'wa_id' then 2 else 3 end, r.ordinal, c.created_at, c.id
  limit 1;

  -- 2. A new person.
  if v_contact_id is null then
    insert into public.contacts (phone, whatsapp_name) values (v_canonical_phone, v_name)
    returning id into v_created_id;
    v_contact_id := v_created_id;
  end if;

  -- 3. Record every identity not yet known, in a fixed order so concurrent callers never deadlock.
  -- (the arrays are sorted by kind, value)
  for v_index in 1 .. cardinality(v_kinds) loop
    insert into public.contact_identities (contact_id, kind, value)
    values (v_contact_id, v_kinds[v_index], v_values[v_index])
    on conflict (kind, value) do nothing;
  end loop;

  -- 4. Re-read (a new snapshot: sees what a concurrent caller committed while we waited above).
  select ci.contact_id into v_winner_id
  from unnest(v_kinds, v_values, v_ordinals) as r (kind, value, ordinal)
  join public.contact_identities ci on ci.kind = r.kind and ci.value = r.value
  join public.contacts c on c.id = ci.contact_id
  order by case r.kind when 'phone' then 1 when 'wa_id' then 2 else 3 end, r.ordinal, c.created_at, c.id
  limit 1;

  if v_created_id is not null and v_winner_id <> v_created_id then
    -- Lost the race: hand what we attached to the winner and drop our unpublished duplicate.
    update public.contact_identities set contact_id = v_winner_id where contact_id = v_created_id;
    delete from public.contacts where id = v_created_id;
  end if;

  update public.contacts
  set whatsapp_name = coalesce(v_name, whatsapp_name),
      phone = coalesce(phone, v_canonical_phone)
  where id = v_winner_id
    and ((v_name is not null and whatsapp_name is distinct from v_name)
         or (phone is null and v_canonical_phone is not null));

  return v_winner_id;
end
$$;
comment on function public.resolve_contact(jsonb, text) is
  'Service role: the contact owning any of the given identities (phone + 9th-digit variant, lid, wa_id), created if none; attaches the missing identities.';
revoke all on function public.resolve_contact(jsonb, text) from public, anon, authenticated;
grant execute on function public.resolve_contact(jsonb, text) to service_role;

-- ingest_inbound_message --------------------------------------------------------------------------------

-- Stores one message from a customer and puts it in the contact's conversation on that channel: the
-- active (non-closed) ticket, or a new ticket in `bot` (the chatbot routes it). Blocked contacts' messages
-- are stored without a ticket. Reactions join the active ticket, else the ticket of the message they
-- react to; they never open a ticket or count as unread.
--
-- p_message: provider_message_id (required), kind, body, media_path, media_mime, media_size, media_name,
-- media_duration_seconds, is_voice_note, location, contact_cards, reaction_emoji,
-- reaction_to_provider_message_id, quoted_provider_message_id, provider_timestamp (ISO text or epoch s).
--
-- Idempotent: a transaction-scoped advisory lock on (channel, provider id) makes a concurrent duplicate
-- wait for the first, then see its row and change nothing; the unique (channel_id, provider_message_id)
-- stays the last guard. created_at is our clock, not provider_timestamp: agents' replies are stamped by
-- our clock too, and a customer phone's clock may be off.
create function public.ingest_inbound_message(p_channel_id uuid, p_contact_id uuid, p_message jsonb) returns jsonb
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
      when 'unsupported' then 'Mensagem não suportada'
      else private.message_preview(v_kind, v_message.body, v_message.media_name, v_message.is_voice_note)
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
    'ticket_status', v_ticket.status
  );
end
$$;
comment on function public.ingest_inbound_message(uuid, uuid, jsonb) is
  'Service role: stores an inbound message once per (channel, provider id) and attaches it to the active ticket or a new bot ticket.';
revoke all on function public.ingest_inbound_message(uuid, uuid, jsonb) from public, anon, authenticated;
grant execute on function public.ingest_inbound_message(uuid, uuid, jsonb) to service_role;

-- apply_message_status ----------------------------------------------------------------------------------

-- Delivery progress of one of our messages. Statuses arrive duplicated and out of order, so the status
-- only moves up pending < sent < delivered < read < played; `failed` replaces pending or sent only (a
-- message already delivered or read did reach the customer) and, once set, is final, as in the
-- provider model (DeliveryStatus in _shared/providers/types.ts). One conditional UPDATE: concurrent
-- statuses for the same message serialize on its row and each re-checks the condition.
--
-- Returns whether the message is known (true also when the status was stale and ignored, or the message
-- is inbound, whose acks we do not track); false tells the caller to keep the event and retry later, as
-- an ack can arrive before the sender has recorded the provider id.
create function public.apply_message_status(
  p_channel_id uuid,
  p_provider_message_id text,
  p_status text,
  p_error text default null,
  p_at timestamptz default now()
) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
begin
  if p_status is null or p_status not in ('pending', 'sent', 'delivered', 'read', 'played', 'failed') then
    raise exception using errcode = 'P0001', message = 'status_invalid',
      detail = format('Situação de entrega desconhecida: %s.', p_status);
  end if;

  update public.messages
  set status = p_status,
      status_error = case when p_status = 'failed' then coalesce(p_error, 'Falha no envio (sem detalhes do provedor).') end,
      status_updated_at = coalesce(p_at, now())
  where channel_id = p_channel_id
    and provider_message_id = p_provider_message_id
    and direction = 'outbound'
    and case when p_status = 'failed' then status in ('pending', 'sent')
             else private.delivery_status_rank(p_status) > private.delivery_status_rank(status) end;
  if found then
    return true;
  end if;

  return exists (select 1 from public.messages where channel_id = p_channel_id and provider_message_id = p_provider_message_id);
end
$$;
comment on function public.apply_message_status(uuid, text, text, text, timestamptz) is
  'Service role: moves an outbound message''s delivery status forward only (failed over pending/sent only); false when the message is unknown.';
revoke all on function public.apply_message_status(uuid, text, text, text, timestamptz) from public, anon, authenticated;
grant execute on function public.apply_message_status(uuid, text, text, text, timestamptz) to service_role;
