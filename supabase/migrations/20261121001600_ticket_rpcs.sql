-- The ticket life as RPC functions: accept, transfer, close (which starts the rating request), reopen a
-- conversation, private notes, sending, marking as read, and the bot's rating calls. Browser roles have
-- no write grant on tickets, messages, ticket_events or outbox, so these functions are the only way a
-- person changes them: each checks the caller's right, refuses invalid transitions and writes its
-- ticket_events row in the same transaction.
--
-- Error model, read by the app and the edge functions: `message` is a stable snake_case code (the app
-- maps it to a pt-BR text), `detail` is already pt-BR for people and logs.
--   * P0001 (PostgREST → HTTP 400): the rule refuses it (ticket_not_queued, classification_required…).
--   * 42501 (→ HTTP 403) with message `not_allowed`: the caller has no right to do it (observer,
--     deactivated user, an agent who is not the assignee…); the same SQLSTATE a missing grant gives.
--   * A ticket the caller cannot see is `ticket_not_found`, exactly as RLS would hide it.

-- Helpers -----------------------------------------------------------------------------------------------

-- The caller's role when it may work tickets. Checked first by every staff RPC, so observers,
-- deactivated users (current_user_role() is null for them) and tokens without a user stop here.
create function private.require_ticket_worker() returns text
language plpgsql stable security definer set search_path = '' as $$
declare
  v_role text := private.current_user_role();
begin
  if v_role is null or v_role not in ('admin', 'supervisor', 'agent') then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Seu usuário não pode alterar atendimentos (somente leitura, desativado ou sem perfil).';
  end if;
  return v_role;
end
$$;
revoke all on function private.require_ticket_worker() from public;
grant execute on function private.require_ticket_worker() to authenticated, service_role;

-- Same rule as the tickets select policy, for a row the RPCs already hold.
create function private.caller_sees_ticket(p_ticket public.tickets) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(
    private.sees_all_tickets()
    or (private.current_user_role() = 'agent'
        and p_ticket.status <> 'bot'
        and (p_ticket.assignee_id = (select auth.uid()) or p_ticket.team_id in (select private.my_team_ids()))),
    false)
$$;
revoke all on function private.caller_sees_ticket(public.tickets) from public;
grant execute on function private.caller_sees_ticket(public.tickets) to authenticated, service_role;

create function private.is_supervisor_or_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.current_user_role() in ('admin', 'supervisor'), false)
$$;
revoke all on function private.is_supervisor_or_admin() from public;
grant execute on function private.is_supervisor_or_admin() to authenticated, service_role;

-- Who acts on a ticket as its owner (answer, close, transfer, mark read): the assignee, or any
-- supervisor or admin. Coalesced: an unassigned ticket must read as "no", never as null.
create function private.caller_handles_ticket(p_ticket public.tickets) returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.is_supervisor_or_admin() or p_ticket.assignee_id = (select auth.uid()), false)
$$;
revoke all on function private.caller_handles_ticket(public.tickets) from public;
grant execute on function private.caller_handles_ticket(public.tickets) to authenticated, service_role;

-- Locks the ticket row until the transaction ends, so RPCs on one ticket run one after the other and
-- each sees what the previous one left. This is what makes accept race-safe: the second caller waits
-- here, then reads the ticket already open and is refused.
create function private.lock_ticket_for_caller(p_ticket_id uuid) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
begin
  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found or not private.caller_sees_ticket(v_ticket) then
    raise exception using errcode = 'P0001', message = 'ticket_not_found',
      detail = 'Atendimento não encontrado, ou fora das suas equipes.';
  end if;
  return v_ticket;
end
$$;
revoke all on function private.lock_ticket_for_caller(uuid) from public;
-- Only the RPCs (running as the owner) take this lock; nobody else needs to.
grant execute on function private.lock_ticket_for_caller(uuid) to service_role;

-- One line for the inbox card: the text, or a label for media (with the caption when there is one).
create function private.message_preview(p_kind text, p_body text, p_media_name text, p_is_voice_note boolean default false)
returns text
language sql immutable parallel safe set search_path = '' as $$
  select left(
    case p_kind
      when 'image' then '📷 ' || coalesce(nullif(trim(p_body), ''), 'Imagem')
      when 'video' then '🎥 ' || coalesce(nullif(trim(p_body), ''), 'Vídeo')
      when 'audio' then case when p_is_voice_note then '🎤 Mensagem de voz' else '🎵 Áudio' end
      when 'document' then '📄 ' || coalesce(nullif(trim(p_media_name), ''), nullif(trim(p_body), ''), 'Documento')
      when 'sticker' then 'Figurinha'
      when 'location' then '📍 Localização'
      when 'contact' then '👤 Contato'
      else coalesce(regexp_replace(trim(p_body), '\s+', ' ', 'g'), '')
    end,
    160)
$$;
revoke all on function private.message_preview(text, text, text, boolean) from public;
grant execute on function private.message_preview(text, text, text, boolean) to authenticated, service_role;

-- Queues a text from the bot to the ticket's contact (farewell, rating prompt…): the message, pending,
-- and its outbox row. created_at is the clock, not the transaction start, so messages queued together
-- keep their order in the conversation (messages sort by created_at, and their ids are random).
create function private.queue_bot_message(p_ticket public.tickets, p_body text) returns public.messages
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_message public.messages;
begin
  insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, kind, body, status, created_at)
  values (p_ticket.id, p_ticket.contact_id, p_ticket.channel_id, 'outbound', 'bot', 'text', p_body, 'pending', clock_timestamp())
  returning * into v_message;

  insert into public.outbox (message_id, ticket_id, channel_id)
  values (v_message.id, p_ticket.id, p_ticket.channel_id);

  update public.tickets
  set last_message_at = v_message.created_at,
      last_message_preview = private.message_preview('text', p_body, null)
  where id = p_ticket.id;

  return v_message;
end
$$;
revoke all on function private.queue_bot_message(public.tickets, text) from public;
grant execute on function private.queue_bot_message(public.tickets, text) to service_role;

-- accept_ticket -----------------------------------------------------------------------------------------

-- An agent takes a ticket from its team's queue (supervisors and admins from any queue). accepted_at
-- keeps the first acceptance, for handle time; each acceptance, with its queue segment, stays in the
-- `accepted` event (wait = event time − data.queued_at).
create function public.accept_ticket(p_ticket_id uuid) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text := private.require_ticket_worker();
  v_ticket public.tickets;
  v_previous public.tickets;
begin
  v_ticket := private.lock_ticket_for_caller(p_ticket_id);

  if v_ticket.status = 'open' then
    raise exception using errcode = 'P0001', message = 'ticket_already_accepted',
      detail = format('O atendimento #%s já foi aceito por %s.', v_ticket.number,
        coalesce((select full_name from public.profiles where id = v_ticket.assignee_id), 'outra pessoa'));
  elsif v_ticket.status <> 'queued' then
    raise exception using errcode = 'P0001', message = 'ticket_not_queued',
      detail = format('O atendimento #%s não está na fila (situação: %s).', v_ticket.number, v_ticket.status);
  end if;

  if v_role = 'agent' and not coalesce(v_ticket.team_id in (select private.my_team_ids()), false) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Você só pode aceitar atendimentos da fila das suas equipes.';
  end if;

  v_previous := v_ticket;
  update public.tickets
  set status = 'open',
      assignee_id = v_uid,
      accepted_at = coalesce(accepted_at, now())
  where id = p_ticket_id
  returning * into v_ticket;

  insert into public.ticket_events (ticket_id, type, actor_id, to_team_id, to_agent_id, data)
  values (v_ticket.id, 'accepted', v_uid, v_ticket.team_id, v_uid,
          jsonb_build_object('queued_at', v_previous.queued_at, 'first_acceptance', v_previous.accepted_at is null));

  return v_ticket;
end
$$;
comment on function public.accept_ticket(uuid) is
  'Takes a queued ticket: open, assigned to the caller. Concurrent callers: exactly one wins, the others get ticket_already_accepted.';
revoke all on function public.accept_ticket(uuid) from public, anon;
grant execute on function public.accept_ticket(uuid) to authenticated, service_role;

-- transfer_ticket ---------------------------------------------------------------------------------------

-- Moves a ticket to another team's queue and/or straight to an agent. The assignee hands over its own
-- tickets; an agent may also move a ticket still waiting in its team's queue (wrong menu choice);
-- supervisors and admins move anything that is not closed or still with the bot.
create function public.transfer_ticket(
  p_ticket_id uuid,
  p_to_team_id uuid default null,
  p_to_agent_id uuid default null,
  p_note text default null
) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_note text := nullif(trim(p_note), '');
  v_ticket public.tickets;
  v_previous public.tickets;
  v_target_team uuid;
begin
  perform private.require_ticket_worker();
  if p_to_team_id is null and p_to_agent_id is null then
    raise exception using errcode = 'P0001', message = 'transfer_target_required',
      detail = 'Escolha a equipe e/ou o atendente de destino.';
  end if;
  if length(v_note) > 2000 then
    raise exception using errcode = 'P0001', message = 'note_too_long',
      detail = 'A observação da transferência pode ter no máximo 2000 caracteres.';
  end if;

  v_ticket := private.lock_ticket_for_caller(p_ticket_id);

  if v_ticket.status = 'closed' then
    raise exception using errcode = 'P0001', message = 'ticket_closed',
      detail = format('O atendimento #%s já foi encerrado.', v_ticket.number);
  elsif v_ticket.status = 'bot' then
    raise exception using errcode = 'P0001', message = 'ticket_with_bot',
      detail = format('O atendimento #%s ainda está no menu automático.', v_ticket.number);
  end if;

  if not (
    private.caller_handles_ticket(v_ticket)
    or coalesce(v_ticket.status = 'queued' and v_ticket.team_id in (select private.my_team_ids()), false)
  ) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só quem está com o atendimento (ou um supervisor) pode transferi-lo.';
  end if;

  v_target_team := coalesce(p_to_team_id, v_ticket.team_id);
  if not exists (select 1 from public.teams where id = v_target_team) then
    raise exception using errcode = 'P0001', message = 'team_not_found',
      detail = 'Equipe de destino não encontrada.';
  end if;

  if p_to_agent_id is not null then
    if not exists (
      select 1 from public.profiles
      where id = p_to_agent_id and active and role in ('admin', 'supervisor', 'agent')
    ) then
      raise exception using errcode = 'P0001', message = 'agent_not_available',
        detail = 'O atendente de destino não existe, está desativado ou é somente leitura.';
    end if;
    if not exists (select 1 from public.team_members where team_id = v_target_team and user_id = p_to_agent_id) then
      raise exception using errcode = 'P0001', message = 'agent_not_in_team',
        detail = 'O atendente de destino não faz parte da equipe escolhida.';
    end if;
  end if;

  if v_target_team = v_ticket.team_id and (
    (p_to_agent_id is null and v_ticket.status = 'queued')
    or (p_to_agent_id is not null and p_to_agent_id = v_ticket.assignee_id)
  ) then
    raise exception using errcode = 'P0001', message = 'transfer_to_same_target',
      detail = 'O atendimento já está com esse destino.';
  end if;

  v_previous := v_ticket;
  if p_to_agent_id is null then
    -- Back to a queue: a new waiting segment starts now.
    update public.tickets
    set status = 'queued', team_id = v_target_team, assignee_id = null, queued_at = now()
    where id = p_ticket_id
    returning * into v_ticket;
  else
    -- Handing to a person counts as acceptance when nobody had accepted yet (supervisor assigning
    -- from the queue), so handle time has a start.
    update public.tickets
    set status = 'open', team_id = v_target_team, assignee_id = p_to_agent_id,
        accepted_at = coalesce(accepted_at, now())
    where id = p_ticket_id
    returning * into v_ticket;
  end if;

  insert into public.ticket_events (ticket_id, type, actor_id, from_team_id, to_team_id, from_agent_id, to_agent_id, note, data)
  values (v_ticket.id, 'transferred', v_uid, v_previous.team_id, v_ticket.team_id, v_previous.assignee_id,
          p_to_agent_id, v_note, jsonb_build_object('from_status', v_previous.status));

  return v_ticket;
end
$$;
comment on function public.transfer_ticket(uuid, uuid, uuid, text) is
  'Team only: back to that team''s queue. Agent (team optional, default the current one): open with that agent.';
revoke all on function public.transfer_ticket(uuid, uuid, uuid, text) from public, anon;
grant execute on function public.transfer_ticket(uuid, uuid, uuid, text) to authenticated, service_role;

-- close_ticket ------------------------------------------------------------------------------------------

-- Closes the ticket and starts the rating conversation: the channel's farewell (when set) and the
-- rating prompt are queued as bot messages, in that order; the bot engine then reads the answer and
-- calls record_rating (or expire_rating after the timeout). Blocked contacts are not served, so they
-- get neither.
create function public.close_ticket(
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
    -- A per-agent farewell (profiles) would go first here once it exists; today the channel's is used.
    if nullif(trim(v_bot.farewell_text), '') is not null then
      perform private.queue_bot_message(v_ticket, v_bot.farewell_text);
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
  'Closes an open ticket (supervisors: also queued) with classification and comment, and queues farewell + rating prompt.';
revoke all on function public.close_ticket(uuid, uuid, text) from public, anon;
grant execute on function public.close_ticket(uuid, uuid, text) to authenticated, service_role;

-- reopen_conversation -----------------------------------------------------------------------------------

-- Starts a new conversation with a contact from the Contacts screen: a ticket already open with the
-- caller, skipping bot and queue. With the Cloud API, outside the 24-hour customer-service window only
-- an approved template may be the first message; that is the sender's check (and the UI warns), not a
-- reason to refuse the ticket here.
create function public.reopen_conversation(
  p_contact_id uuid,
  p_channel_id uuid default null,
  p_team_id uuid default null
) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_role text := private.require_ticket_worker();
  v_contact public.contacts;
  v_team_id uuid := p_team_id;
  v_channel_id uuid := p_channel_id;
  v_channel_active boolean;
  v_previous_id uuid;
  v_active_number bigint;
  v_ticket public.tickets;
begin
  select * into v_contact from public.contacts where id = p_contact_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'contact_not_found', detail = 'Contato não encontrado.';
  elsif v_contact.blocked then
    raise exception using errcode = 'P0001', message = 'contact_blocked',
      detail = 'Este contato está bloqueado; desbloqueie-o para iniciar uma conversa.';
  end if;

  if v_team_id is null then
    -- Only unambiguous when the caller has exactly one team.
    if (select count(*) from public.team_members where user_id = v_uid) = 1 then
      select team_id into v_team_id from public.team_members where user_id = v_uid;
    else
      raise exception using errcode = 'P0001', message = 'team_required',
        detail = 'Escolha a equipe do novo atendimento.';
    end if;
  elsif not exists (select 1 from public.teams where id = v_team_id) then
    raise exception using errcode = 'P0001', message = 'team_not_found', detail = 'Equipe não encontrada.';
  elsif v_role = 'agent' and not exists (select 1 from public.team_members where team_id = v_team_id and user_id = v_uid) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Você só pode abrir atendimentos nas suas equipes.';
  end if;

  -- Default: the number the customer last talked to, else the company's default number.
  v_channel_id := coalesce(
    v_channel_id,
    (select channel_id from public.tickets where contact_id = p_contact_id order by created_at desc limit 1),
    (select id from public.channels where is_default and active)
  );
  if v_channel_id is null then
    raise exception using errcode = 'P0001', message = 'channel_required', detail = 'Escolha a conexão (número) a usar.';
  end if;
  select active into v_channel_active from public.channels where id = v_channel_id;
  if not found then
    raise exception using errcode = 'P0001', message = 'channel_not_found', detail = 'Conexão não encontrada.';
  elsif not v_channel_active then
    raise exception using errcode = 'P0001', message = 'channel_inactive', detail = 'Esta conexão está desativada.';
  end if;

  select number into v_active_number from public.tickets
  where contact_id = p_contact_id and channel_id = v_channel_id and status <> 'closed';
  if found then
    raise exception using errcode = 'P0001', message = 'contact_has_active_ticket',
      detail = format('O contato já tem o atendimento #%s em andamento neste número.', v_active_number),
      hint = format('Abra o atendimento #%s para continuar a conversa.', v_active_number);
  end if;

  select id into v_previous_id from public.tickets
  where contact_id = p_contact_id and channel_id = v_channel_id
  order by created_at desc limit 1;

  begin
    insert into public.tickets (contact_id, channel_id, team_id, assignee_id, status, accepted_at)
    values (p_contact_id, v_channel_id, v_team_id, v_uid, 'open', now())
    returning * into v_ticket;
  exception when unique_violation then
    -- Another ticket appeared meanwhile (a message arrived, or someone else reopened): same answer as above.
    select number into v_active_number from public.tickets
    where contact_id = p_contact_id and channel_id = v_channel_id and status <> 'closed';
    raise exception using errcode = 'P0001', message = 'contact_has_active_ticket',
      detail = format('O contato já tem o atendimento #%s em andamento neste número.', v_active_number),
      hint = format('Abra o atendimento #%s para continuar a conversa.', v_active_number);
  end;

  insert into public.ticket_events (ticket_id, type, actor_id, to_team_id, to_agent_id, data)
  values (v_ticket.id, 'created', v_uid, v_team_id, v_uid, jsonb_build_object('origin', 'reopen'));
  insert into public.ticket_events (ticket_id, type, actor_id, to_team_id, to_agent_id, data)
  values (v_ticket.id, 'reopened', v_uid, v_team_id, v_uid, jsonb_build_object('previous_ticket_id', v_previous_id));

  return v_ticket;
end
$$;
comment on function public.reopen_conversation(uuid, uuid, uuid) is
  'New ticket for a contact, open with the caller. Refused when the contact is blocked or already has an active ticket on that number.';
revoke all on function public.reopen_conversation(uuid, uuid, uuid) from public, anon;
grant execute on function public.reopen_conversation(uuid, uuid, uuid) to authenticated, service_role;

-- add_private_note --------------------------------------------------------------------------------------

-- Notes are for colleagues, so anyone who may work the ticket may write one, at any stage; they never
-- reach the outbox.
create function public.add_private_note(p_ticket_id uuid, p_body text) returns public.messages
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_ticket public.tickets;
  v_note public.messages;
begin
  perform private.require_ticket_worker();
  if nullif(trim(p_body), '') is null then
    raise exception using errcode = 'P0001', message = 'note_body_required', detail = 'Escreva o texto da nota.';
  end if;

  v_ticket := private.lock_ticket_for_caller(p_ticket_id);

  -- status 'sent': there is nothing to deliver, the note is complete once stored.
  insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body, is_private, status, created_at)
  values (v_ticket.id, v_ticket.contact_id, v_ticket.channel_id, 'outbound', 'agent', v_uid, 'note', p_body, true, 'sent', clock_timestamp())
  returning * into v_note;

  return v_note;
end
$$;
comment on function public.add_private_note(uuid, text) is 'A private note on a ticket: staff only, never sent to the customer.';
revoke all on function public.add_private_note(uuid, text) from public, anon;
grant execute on function public.add_private_note(uuid, text) to authenticated, service_role;

-- send_message ------------------------------------------------------------------------------------------

-- An agent's message to the customer: stored as pending with its outbox row; the sender function
-- delivers it and moves the status on. Media is uploaded by the app first, under the caller's own
-- uploads/<uid>/ folder (the storage policy allows nothing else), and referenced here by path.
-- p_client_id makes a retry after a network failure safe: the same id returns the message already
-- stored instead of sending it twice.
create function public.send_message(
  p_ticket_id uuid,
  p_kind text default 'text',
  p_body text default null,
  p_media_path text default null,
  p_media_mime text default null,
  p_media_name text default null,
  p_media_size bigint default null,
  p_is_voice_note boolean default false,
  p_quoted_message_id uuid default null,
  p_client_id uuid default null
) returns public.messages
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_kind text := coalesce(p_kind, 'text');
  v_body text := nullif(trim(p_body), '');
  v_ticket public.tickets;
  v_quoted public.messages;
  v_message public.messages;
begin
  perform private.require_ticket_worker();
  v_ticket := private.lock_ticket_for_caller(p_ticket_id);

  -- Idempotency comes before the state checks: a retry of a message that did go through must get it
  -- back even if the ticket changed since. The ticket lock serialises concurrent retries.
  if p_client_id is not null then
    select * into v_message from public.messages where client_id = p_client_id;
    if found then
      if v_message.ticket_id = p_ticket_id and v_message.sender_id = v_uid and not v_message.is_private then
        return v_message;
      end if;
      raise exception using errcode = 'P0001', message = 'client_id_conflict',
        detail = 'Este identificador de mensagem já foi usado em outra mensagem.';
    end if;
  end if;

  if not private.caller_handles_ticket(v_ticket) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só quem está com o atendimento (ou um supervisor) pode enviar mensagens nele.';
  end if;
  if v_ticket.status <> 'open' then
    raise exception using errcode = 'P0001', message = 'ticket_not_open',
      detail = format('O atendimento #%s não está em andamento (situação: %s).', v_ticket.number, v_ticket.status);
  end if;
  if (select blocked from public.contacts where id = v_ticket.contact_id) then
    raise exception using errcode = 'P0001', message = 'contact_blocked',
      detail = 'Este contato está bloqueado; mensagens não são enviadas a ele.';
  end if;

  if v_kind not in ('text', 'image', 'audio', 'video', 'document', 'sticker') then
    raise exception using errcode = 'P0001', message = 'invalid_message_kind',
      detail = format('Tipo de mensagem não suportado para envio: %s.', v_kind);
  end if;
  if v_kind = 'text' then
    if v_body is null then
      raise exception using errcode = 'P0001', message = 'message_body_required', detail = 'Escreva a mensagem.';
    end if;
    if p_media_path is not null then
      raise exception using errcode = 'P0001', message = 'media_not_expected',
        detail = 'Mensagens de texto não levam arquivo; escolha o tipo da mídia.';
    end if;
  else
    if p_media_path is null then
      raise exception using errcode = 'P0001', message = 'media_required', detail = 'Anexe o arquivo a enviar.';
    end if;
    -- Only files the caller uploaded: its own folder, a file name, no way out of the folder.
    if not starts_with(p_media_path, 'uploads/' || v_uid::text || '/')
       or p_media_path ~ '/$'
       or '..' = any (string_to_array(p_media_path, '/')) then
      raise exception using errcode = 'P0001', message = 'media_path_not_allowed',
        detail = 'O arquivo precisa ter sido enviado por você (pasta uploads/<seu id>/).';
    end if;
  end if;

  if p_quoted_message_id is not null then
    select * into v_quoted from public.messages where id = p_quoted_message_id;
    -- Same conversation = same contact (replies may quote an earlier ticket); notes are never quoted
    -- to the customer.
    if not found or v_quoted.contact_id <> v_ticket.contact_id or v_quoted.is_private then
      raise exception using errcode = 'P0001', message = 'quoted_message_not_found',
        detail = 'A mensagem citada não pertence a esta conversa.';
    end if;
  end if;

  insert into public.messages (
    ticket_id, contact_id, channel_id, direction, sender_type, sender_id, kind, body,
    media_path, media_mime, media_name, media_size, is_voice_note,
    quoted_message_id, quoted_provider_message_id, status, client_id, created_at
  ) values (
    v_ticket.id, v_ticket.contact_id, v_ticket.channel_id, 'outbound', 'agent', v_uid, v_kind, v_body,
    p_media_path, p_media_mime, p_media_name, p_media_size, coalesce(p_is_voice_note, false) and v_kind = 'audio',
    v_quoted.id, v_quoted.provider_message_id, 'pending', p_client_id, clock_timestamp()
  )
  returning * into v_message;

  insert into public.outbox (message_id, ticket_id, channel_id)
  values (v_message.id, v_ticket.id, v_ticket.channel_id);

  update public.tickets
  set first_response_at = coalesce(first_response_at, v_message.created_at),
      last_message_at = v_message.created_at,
      last_message_preview = private.message_preview(v_kind, v_body, p_media_name, v_message.is_voice_note)
  where id = v_ticket.id;

  return v_message;
end
$$;
comment on function public.send_message(uuid, text, text, text, text, text, bigint, boolean, uuid, uuid) is
  'Queues an agent message (text or media, optional quote) for sending; idempotent on p_client_id.';
revoke all on function public.send_message(uuid, text, text, text, text, text, bigint, boolean, uuid, uuid) from public, anon;
grant execute on function public.send_message(uuid, text, text, text, text, text, bigint, boolean, uuid, uuid) to authenticated, service_role;

-- mark_ticket_read --------------------------------------------------------------------------------------

create function public.mark_ticket_read(p_ticket_id uuid) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_ticket public.tickets;
begin
  perform private.require_ticket_worker();
  v_ticket := private.lock_ticket_for_caller(p_ticket_id);
  if not private.caller_handles_ticket(v_ticket) then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só quem está com o atendimento (ou um supervisor) marca as mensagens como lidas.';
  end if;

  -- Skip the write when already read: every update is a realtime event on every open inbox.
  if v_ticket.unread_count <> 0 then
    update public.tickets set unread_count = 0 where id = p_ticket_id returning * into v_ticket;
  end if;
  return v_ticket;
end
$$;
comment on function public.mark_ticket_read(uuid) is 'Resets the unread counter of a ticket (the assignee opened it).';
revoke all on function public.mark_ticket_read(uuid) from public, anon;
grant execute on function public.mark_ticket_read(uuid) to authenticated, service_role;

-- record_rating / expire_rating (the bot, service role only) --------------------------------------------

-- The customer's answer to the rating prompt, parsed by the bot engine. Only the service role may call
-- it: a person must never be able to rate a ticket.
create function public.record_rating(p_ticket_id uuid, p_rating integer, p_raw_answer text default null)
returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
  v_threshold integer;
begin
  if p_rating is null or p_rating not between 1 and 10 then
    raise exception using errcode = 'P0001', message = 'invalid_rating', detail = 'A nota deve ser um número de 1 a 10.';
  end if;

  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'ticket_not_found', detail = 'Atendimento não encontrado.';
  end if;
  if v_ticket.status <> 'closed' or v_ticket.rating_status is distinct from 'requested' then
    raise exception using errcode = 'P0001', message = 'rating_not_requested',
      detail = format('O atendimento #%s não está aguardando avaliação.', v_ticket.number);
  end if;

  v_threshold := coalesce((select low_rating_threshold from public.bot_settings where channel_id = v_ticket.channel_id), 6);

  update public.tickets
  set rating = p_rating, rated_at = now(), rating_status = 'rated', low_rating_flag = p_rating <= v_threshold
  where id = p_ticket_id
  returning * into v_ticket;

  insert into public.ticket_events (ticket_id, type, data)
  values (v_ticket.id, 'rated', jsonb_build_object('rating', p_rating, 'raw_answer', left(p_raw_answer, 500)));
  if v_ticket.low_rating_flag then
    insert into public.ticket_events (ticket_id, type, data)
    values (v_ticket.id, 'low_rating_flagged', jsonb_build_object('rating', p_rating, 'threshold', v_threshold));
  end if;

  return v_ticket;
end
$$;
comment on function public.record_rating(uuid, integer, text) is
  'The bot records the customer''s 1–10 rating; flags ratings at or below the channel''s threshold. Service role only.';
revoke all on function public.record_rating(uuid, integer, text) from public, anon, authenticated;
grant execute on function public.record_rating(uuid, integer, text) to service_role;

-- Nobody answered the prompt before the channel's rating timeout (the scheduler calls this).
create function public.expire_rating(p_ticket_id uuid) returns public.tickets
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_ticket public.tickets;
begin
  select * into v_ticket from public.tickets where id = p_ticket_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'ticket_not_found', detail = 'Atendimento não encontrado.';
  end if;
  if v_ticket.rating_status is distinct from 'requested' then
    raise exception using errcode = 'P0001', message = 'rating_not_requested',
      detail = format('O atendimento #%s não está aguardando avaliação.', v_ticket.number);
  end if;

  update public.tickets set rating_status = 'expired' where id = p_ticket_id returning * into v_ticket;
  insert into public.ticket_events (ticket_id, type) values (v_ticket.id, 'rating_expired');
  return v_ticket;
end
$$;
comment on function public.expire_rating(uuid) is 'Ends a rating request nobody answered. Service role only.';
revoke all on function public.expire_rating(uuid) from public, anon, authenticated;
grant execute on function public.expire_rating(uuid) to service_role;
