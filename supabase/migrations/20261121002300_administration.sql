-- What the administration screens (issue #7) need beyond plain REST on the catalogue tables:
-- - round-robin auto-assignment per team;
-- - delete guards that refuse, in pt-BR, to delete what history still points at (and say what to do);
-- - user administration the browser cannot do row by row (role + teams at once, the last-admin rule,
--   deactivation that hands the person's tickets back to the queue) and the first run's first admin;
-- - save_chatbot: the bot's settings and its menu saved together, validated with pt-BR messages;
-- - the company time zone checked like the bot's.
-- Same error model as the other RPCs: P0001 + snake_case `message` + pt-BR `detail` (+ `hint` = 'field=<name>'
-- where a form has one); 42501 `not_allowed` for callers without the role.

-- Round-robin auto-assignment --------------------------------------------------------------------------

alter table public.teams add column auto_assign boolean not null default false;
comment on column public.teams.auto_assign is
  'Round robin: a ticket entering this team''s queue goes at once to the next active member (least recently auto-assigned).';

alter table public.team_members add column last_auto_assigned_at timestamptz;
comment on column public.team_members.last_auto_assigned_at is 'When this member last got a ticket from the round robin (null = never: first in line).';

alter table public.ticket_events drop constraint ticket_events_type_check;
alter table public.ticket_events add constraint ticket_events_type_check check (type in (
  'created', 'queued', 'accepted', 'transferred', 'closed', 'reopened',
  'rating_requested', 'rated', 'rating_expired', 'low_rating_flagged',
  'rating_invalid', 'inactivity_warned', 'auto_assigned'
));

-- Before a ticket row is written into a queue (from the bot, a transfer, a reopen or a deactivated
-- agent's tickets): if the team distributes automatically, the ticket opens with the next member instead,
-- so whoever wrote it gets the assigned row back. Observers and deactivated people are skipped; with
-- nobody eligible the ticket simply waits in the queue. The team row lock serialises concurrent tickets
-- of one team, so two tickets never go to the same "next" member.
create function private.auto_assign_queued_ticket() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_member uuid;
begin
  if new.status <> 'queued' or new.team_id is null then
    return new;
  end if;
  if tg_op = 'UPDATE' and old.status = 'queued' and old.team_id = new.team_id then
    return new;
  end if;
  perform 1 from public.teams where id = new.team_id and auto_assign for update;
  if not found then
    return new;
  end if;

  select m.user_id into v_member
  from public.team_members m
  join public.profiles p on p.id = m.user_id
  where m.team_id = new.team_id and p.active and p.role in ('agent', 'supervisor', 'admin')
  order by m.last_auto_assigned_at nulls first, m.created_at, m.user_id
  limit 1;
  if v_member is null then
    return new;
  end if;

  update public.team_members set last_auto_assigned_at = clock_timestamp()
  where team_id = new.team_id and user_id = v_member;
  new.status := 'open';
  new.assignee_id := v_member;
  new.queued_at := coalesce(new.queued_at, now());
  new.accepted_at := coalesce(new.accepted_at, now());
  -- The AFTER trigger writes the event once the row exists (an INSERT has no row to point at yet); a
  -- statement may queue several tickets before any AFTER trigger runs, hence a list.
  perform set_config('atende.auto_assigned_tickets',
    concat_ws(',', nullif(current_setting('atende.auto_assigned_tickets', true), ''), new.id::text), true);
  return new;
end
$$;

create function private.record_auto_assignment() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_pending text[];
begin
  v_pending := string_to_array(nullif(current_setting('atende.auto_assigned_tickets', true), ''), ',');
  if v_pending is null or not (new.id::text = any (v_pending)) then
    return null;
  end if;
  perform set_config('atende.auto_assigned_tickets', array_to_string(array_remove(v_pending, new.id::text), ','), true);
  -- clock_timestamp: listed after the event of the statement that queued it (those use now()).
  insert into public.ticket_events (ticket_id, type, to_team_id, to_agent_id, data, created_at)
  values (new.id, 'auto_assigned', new.team_id, new.assignee_id, jsonb_build_object('rule', 'round_robin'), clock_timestamp());
  return null;
end
$$;

create trigger tickets_auto_assign
  before insert or update of status, team_id on public.tickets
  for each row execute function private.auto_assign_queued_ticket();

create trigger tickets_record_auto_assignment
  after insert or update of status, assignee_id on public.tickets
  for each row when (new.status = 'open')
  execute function private.record_auto_assignment();

-- Delete guards ----------------------------------------------------------------------------------------
-- Plain REST deletes, refused with a sentence the admin can act on. Without them the foreign keys would
-- either fail in English (channels) or quietly erase history (a classification set to null on every
-- ticket, a team's menu options cascading away).

create function private.refuse_deleting_team_in_use() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_tickets bigint;
  v_channel text;
begin
  select count(*) into v_tickets from public.tickets where team_id = old.id and status in ('queued', 'open');
  if v_tickets > 0 then
    raise exception using errcode = 'P0001', message = 'team_in_use',
      detail = format('A equipe "%s" tem %s atendimento(s) na fila ou em andamento. Transfira-os antes de excluí-la.', old.name, v_tickets);
  end if;
  select c.name into v_channel
  from public.bot_menu_options o join public.channels c on c.id = o.channel_id
  where o.team_id = old.id limit 1;
  if v_channel is not null then
    raise exception using errcode = 'P0001', message = 'team_in_use',
      detail = format('A equipe "%s" é uma opção do menu do chatbot da conexão "%s". Troque a opção antes de excluí-la.', old.name, v_channel);
  end if;
  return old;
end
$$;

create trigger teams_refuse_delete_in_use
  before delete on public.teams
  for each row execute function private.refuse_deleting_team_in_use();

create function private.refuse_deleting_channel_with_history() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if exists (select 1 from public.tickets where channel_id = old.id) then
    raise exception using errcode = 'P0001', message = 'channel_has_history',
      detail = format('A conexão "%s" já tem conversas registradas e não pode ser excluída. Desative-a para parar de atender por ela; o histórico continua disponível.', old.name);
  end if;
  return old;
end
$$;

create trigger channels_refuse_delete_with_history
  before delete on public.channels
  for each row execute function private.refuse_deleting_channel_with_history();

create function private.refuse_deleting_classification_in_use() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_tickets bigint;
begin
  select count(*) into v_tickets from public.tickets where classification_id = old.id;
  if v_tickets > 0 then
    raise exception using errcode = 'P0001', message = 'classification_in_use',
      detail = format('A classificação "%s" está em %s atendimento(s) e não pode ser excluída. Desative-a: ela deixa de aparecer no encerramento e continua nos atendimentos antigos.', old.name, v_tickets);
  end if;
  return old;
end
$$;

create trigger classifications_refuse_delete_in_use
  before delete on public.classifications
  for each row execute function private.refuse_deleting_classification_in_use();

-- Users -------------------------------------------------------------------------------------------------

-- Sends a person's open tickets back to their teams' queues (deactivated, or now an observer): nobody is
-- left waiting on someone who can no longer answer. Auto-assigning teams hand them on at once.
create function private.requeue_tickets_of(p_user_id uuid, p_actor_id uuid, p_reason text) returns integer
language plpgsql security definer set search_path = '' as $$
declare
  v_ticket record;
  v_count integer := 0;
begin
  for v_ticket in
    select id, team_id from public.tickets where assignee_id = p_user_id and status = 'open' order by id for update
  loop
    update public.tickets set status = 'queued', assignee_id = null, queued_at = now() where id = v_ticket.id;
    insert into public.ticket_events (ticket_id, type, actor_id, from_agent_id, to_team_id, data)
    values (v_ticket.id, 'queued', p_actor_id, p_user_id, v_ticket.team_id, jsonb_build_object('reason', p_reason));
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;
revoke all on function private.requeue_tickets_of(uuid, uuid, text) from public;

-- Refuses a change that would leave no active admin (nobody could administer Atende any more).
create function private.require_another_active_admin(p_user_id uuid) returns void
language plpgsql security definer set search_path = '' as $$
begin
  -- Serialises concurrent demotions: two admins demoting each other must not both succeed.
  perform 1 from public.profiles where role = 'admin' and active for update;
  if not exists (select 1 from public.profiles where role = 'admin' and active and id <> p_user_id) then
    raise exception using errcode = 'P0001', message = 'last_admin',
      detail = 'Esta é a única conta de administrador ativa. Torne outra pessoa administradora antes.';
  end if;
end
$$;
revoke all on function private.require_another_active_admin(uuid) from public;

-- An admin changes a person's name, role and teams in one go (the browser has no update privilege on
-- role, and memberships must not be half-saved).
create function public.admin_save_user(
  p_user_id uuid,
  p_full_name text,
  p_role text,
  p_team_ids uuid[] default '{}'
) returns public.profiles
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_uid uuid := (select auth.uid());
  v_name text := trim(coalesce(p_full_name, ''));
  v_profile public.profiles;
  v_unknown uuid;
begin
  if not private.is_admin() then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só administradores podem alterar usuários.';
  end if;
  if length(v_name) not between 1 and 120 then
    raise exception using errcode = 'P0001', message = 'invalid_name', hint = 'field=full_name',
      detail = 'Informe o nome (até 120 caracteres).';
  end if;
  if p_role is null or p_role not in ('admin', 'supervisor', 'agent', 'observer') then
    raise exception using errcode = 'P0001', message = 'invalid_role', hint = 'field=role',
      detail = 'Escolha o perfil: administrador, supervisor, atendente ou observador.';
  end if;
  select t into v_unknown from unnest(coalesce(p_team_ids, '{}')) t
  where not exists (select 1 from public.teams where id = t) limit 1;
  if v_unknown is not null then
    raise exception using errcode = 'P0001', message = 'team_not_found', hint = 'field=team_ids',
      detail = 'Uma das equipes escolhidas não existe mais. Recarregue a página.';
  end if;

  select * into v_profile from public.profiles where id = p_user_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'user_not_found', detail = 'Usuário não encontrado.';
  end if;
  if v_profile.role = 'admin' and p_role <> 'admin' and v_profile.active then
    perform private.require_another_active_admin(p_user_id);
  end if;

  update public.profiles set full_name = v_name, role = p_role where id = p_user_id returning * into v_profile;
  delete from public.team_members where user_id = p_user_id and not (team_id = any (coalesce(p_team_ids, '{}')));
  insert into public.team_members (team_id, user_id)
  select distinct t, p_user_id from unnest(coalesce(p_team_ids, '{}')) t
  on conflict do nothing;
  if p_role = 'observer' then
    perform private.requeue_tickets_of(p_user_id, v_uid, 'assignee_became_observer');
  end if;
  return v_profile;
end
$$;
comment on function public.admin_save_user(uuid, text, text, uuid[]) is
  'Admins: a person''s name, role and teams at once. Refuses to leave Atende without an active admin.';
revoke all on function public.admin_save_user(uuid, text, text, uuid[]) from public, anon;
grant execute on function public.admin_save_user(uuid, text, text, uuid[]) to authenticated;

-- Deactivation/reactivation. Service role only: the admin-users function checks that the caller is an
-- admin, calls this, then bans (or unbans) the auth user — both halves are needed to keep someone out.
create function public.admin_set_user_active(p_actor_id uuid, p_user_id uuid, p_active boolean) returns public.profiles
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_profile public.profiles;
begin
  select * into v_profile from public.profiles where id = p_user_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'user_not_found', detail = 'Usuário não encontrado.';
  end if;
  if not p_active then
    if p_user_id = p_actor_id then
      raise exception using errcode = 'P0001', message = 'cannot_deactivate_self',
        detail = 'Você não pode desativar a sua própria conta.';
    end if;
    if v_profile.role = 'admin' and v_profile.active then
      perform private.require_another_active_admin(p_user_id);
    end if;
  end if;
  update public.profiles set active = p_active where id = p_user_id returning * into v_profile;
  if not p_active then
    perform private.requeue_tickets_of(p_user_id, p_actor_id, 'assignee_deactivated');
  end if;
  return v_profile;
end
$$;
comment on function public.admin_set_user_active(uuid, uuid, boolean) is
  'Service role (admin-users function): activates or deactivates a person; their open tickets go back to the queue.';
revoke all on function public.admin_set_user_active(uuid, uuid, boolean) from public, anon, authenticated;
grant execute on function public.admin_set_user_active(uuid, uuid, boolean) to service_role;

-- First run: the database has no administrator yet.
create function public.first_admin_needed() returns boolean
language sql stable security definer set search_path = '' as $$
  select not exists (select 1 from public.profiles where role = 'admin' and active)
$$;
revoke all on function public.first_admin_needed() from public, anon, authenticated;
grant execute on function public.first_admin_needed() to service_role;

-- Makes the user the first administrator, unless someone got there first (false). The settings row lock
-- serialises concurrent first runs.
create function public.claim_first_admin(p_user_id uuid) returns boolean
language plpgsql volatile security definer set search_path = '' as $$
begin
  perform 1 from public.app_settings for update;
  if exists (select 1 from public.profiles where role = 'admin' and active) then
    return false;
  end if;
  update public.profiles set role = 'admin', active = true where id = p_user_id;
  return found;
end
$$;
revoke all on function public.claim_first_admin(uuid) from public, anon, authenticated;
grant execute on function public.claim_first_admin(uuid) to service_role;

-- Company time zone -------------------------------------------------------------------------------------

create function private.check_company_timezone() returns trigger
language plpgsql set search_path = '' as $$
begin
  if not private.is_time_zone_name(new.timezone) then
    raise exception using errcode = 'P0001', message = 'invalid_timezone', hint = 'field=timezone',
      detail = format('"%s" não é um fuso horário válido. Escolha um da lista (ex.: America/Sao_Paulo).', new.timezone);
  end if;
  return new;
end
$$;

create trigger app_settings_check_timezone
  before insert or update of timezone on public.app_settings
  for each row execute function private.check_company_timezone();

-- save_chatbot -----------------------------------------------------------------------------------------

-- What is wrong with a business-hours object, in pt-BR; null when it is fine. Same shape the engine
-- reads (supabase/functions/_shared/chatbot/context.ts readBusinessHours), but strict: the engine skips
-- what it cannot read, an admin's form must not be able to save it.
create function private.business_hours_problem(p_hours jsonb) returns text
language plpgsql immutable set search_path = '' as $$
declare
  v_day text;
  v_ranges jsonb;
  v_range jsonb;
  v_labels constant jsonb := '{"sun":"domingo","mon":"segunda","tue":"terça","wed":"quarta","thu":"quinta","fri":"sexta","sat":"sábado"}';
begin
  if p_hours is null or jsonb_typeof(p_hours) <> 'object' then
    return 'O horário de atendimento deve ser um objeto com os dias da semana.';
  end if;
  for v_day, v_ranges in select key, value from jsonb_each(p_hours) loop
    if not v_labels ? v_day then
      return format('Dia da semana desconhecido no horário de atendimento: %s.', v_day);
    end if;
    if jsonb_typeof(v_ranges) <> 'array' then
      return format('Horário de %s inválido.', v_labels ->> v_day);
    end if;
    for v_range in select value from jsonb_array_elements(v_ranges) loop
      if jsonb_typeof(v_range) <> 'object'
        or coalesce(v_range ->> 'start', '') !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
        or coalesce(v_range ->> 'end', '') !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$' then
        return format('Horário de %s inválido: use HH:MM (ex.: 08:00 às 18:00).', v_labels ->> v_day);
      end if;
      if (v_range ->> 'start') >= (v_range ->> 'end') then
        return format('Em %s, o horário de início (%s) deve ser antes do fim (%s).', v_labels ->> v_day, v_range ->> 'start', v_range ->> 'end');
      end if;
    end loop;
  end loop;
  return null;
end
$$;
revoke all on function private.business_hours_problem(jsonb) from public;
grant execute on function private.business_hours_problem(jsonb) to authenticated, service_role;

create function private.invalid_setting(p_code text, p_field text, p_detail text) returns void
language plpgsql set search_path = '' as $$
begin
  raise exception using errcode = 'P0001', message = p_code, hint = 'field=' || p_field, detail = p_detail;
end
$$;
revoke all on function private.invalid_setting(text, text, text) from public;
grant execute on function private.invalid_setting(text, text, text) to authenticated, service_role;

-- The chatbot tab's one save: any subset of bot_settings columns (by name) and, when given, the whole
-- menu in order. Security invoker: the admin policies on bot_settings and bot_menu_options decide, this
-- only validates (pt-BR, naming the field in `hint`) and keeps settings and menu in one transaction.
-- p_expected_updated_at: the updated_at the form loaded; another admin's save in between → stale_settings.
create function public.save_chatbot(
  p_channel_id uuid,
  p_settings jsonb default '{}',
  p_options jsonb default null,
  p_expected_updated_at timestamptz default null
) returns jsonb
language plpgsql volatile security invoker set search_path = '' as $$
declare
  v_editable constant text[] := array[
    'enabled', 'welcome_text', 'menu_prompt', 'invalid_option_text', 'max_invalid_attempts', 'fallback_team_id',
    'after_selection_text', 'out_of_hours_text', 'business_hours', 'holidays', 'timezone', 'farewell_text',
    'rating_prompt_text', 'rating_invalid_text', 'rating_thanks_text', 'rating_timeout_minutes',
    'low_rating_threshold', 'close_keyword', 'inactivity_warning_minutes', 'inactivity_close_minutes',
    'inactivity_warning_text', 'inactivity_classification_id'
  ];
  v_texts constant text[] := array[
    'welcome_text', 'menu_prompt', 'invalid_option_text', 'after_selection_text', 'out_of_hours_text',
    'farewell_text', 'rating_prompt_text', 'rating_invalid_text', 'rating_thanks_text', 'inactivity_warning_text'
  ];
  v_current public.bot_settings;
  v_new public.bot_settings;
  v_key text;
  v_problem text;
  v_option record;
begin
  if not private.is_admin() then
    raise exception using errcode = '42501', message = 'not_allowed',
      detail = 'Só administradores podem alterar o chatbot.';
  end if;
  if p_settings is null or jsonb_typeof(p_settings) <> 'object' then
    perform private.invalid_setting('invalid_setting', null, 'As configurações do chatbot devem ser um objeto JSON.');
  end if;

  select * into v_current from public.bot_settings where channel_id = p_channel_id for update;
  if not found then
    raise exception using errcode = 'P0001', message = 'channel_not_found', detail = 'Conexão não encontrada.';
  end if;
  if p_expected_updated_at is not null and v_current.updated_at <> p_expected_updated_at then
    raise exception using errcode = 'P0001', message = 'stale_settings',
      detail = 'Outra pessoa salvou o chatbot desta conexão enquanto você editava. Recarregue para ver a versão atual.';
  end if;

  for v_key in select jsonb_object_keys(p_settings) loop
    if not v_key = any (v_editable) then
      perform private.invalid_setting('invalid_setting', v_key, format('Campo desconhecido: %s.', v_key));
    end if;
  end loop;
  foreach v_key in array v_texts loop
    if p_settings ? v_key and jsonb_typeof(p_settings -> v_key) not in ('string', 'null') then
      perform private.invalid_setting('invalid_setting', v_key, format('O campo %s deve ser um texto.', v_key));
    end if;
    if length(p_settings ->> v_key) > 4096 then
      perform private.invalid_setting('text_too_long', v_key, 'Cada texto do chatbot pode ter no máximo 4096 caracteres.');
    end if;
  end loop;

  begin
    v_new := jsonb_populate_record(v_current, p_settings);
  exception when others then
    perform private.invalid_setting('invalid_setting', null, 'Há um valor inválido nas configurações (número, data ou verdadeiro/falso no formato errado).');
  end;

  if v_new.enabled is null then
    perform private.invalid_setting('invalid_setting', 'enabled', 'Informe se o chatbot está ligado.');
  end if;
  if coalesce(trim(v_new.menu_prompt), '') = ''
    and jsonb_typeof(p_options) = 'array' and jsonb_array_length(p_options) > 0 then
    perform private.invalid_setting('required_text', 'menu_prompt', 'Escreva o texto que apresenta o menu (ex.: "Responda com o número da opção desejada:").');
  end if;
  if v_new.max_invalid_attempts is null or v_new.max_invalid_attempts not between 1 and 10 then
    perform private.invalid_setting('invalid_setting', 'max_invalid_attempts', 'As tentativas de resposta inválida devem ser de 1 a 10.');
  end if;
  if v_new.rating_timeout_minutes is null or v_new.rating_timeout_minutes not between 5 and 10080 then
    perform private.invalid_setting('invalid_setting', 'rating_timeout_minutes', 'O prazo da avaliação deve ser de 5 minutos a 7 dias (10080 minutos).');
  end if;
  if v_new.low_rating_threshold is null or v_new.low_rating_threshold not between 1 and 10 then
    perform private.invalid_setting('invalid_setting', 'low_rating_threshold', 'A nota baixa deve ser de 1 a 10.');
  end if;
  v_new.close_keyword := nullif(trim(v_new.close_keyword), '');
  if v_new.close_keyword is not null and length(v_new.close_keyword) not between 2 and 30 then
    perform private.invalid_setting('invalid_setting', 'close_keyword', 'A palavra para encerrar deve ter de 2 a 30 caracteres (ex.: #sair).');
  end if;
  if v_new.inactivity_warning_minutes is not null and v_new.inactivity_warning_minutes <= 0 then
    perform private.invalid_setting('invalid_setting', 'inactivity_warning_minutes', 'O aviso de inatividade deve ser um número de minutos maior que zero.');
  end if;
  if v_new.inactivity_close_minutes is not null and v_new.inactivity_close_minutes <= 0 then
    perform private.invalid_setting('invalid_setting', 'inactivity_close_minutes', 'O encerramento por inatividade deve ser um número de minutos maior que zero.');
  end if;
  v_problem := private.business_hours_problem(v_new.business_hours);
  if v_problem is not null then
    perform private.invalid_setting('invalid_business_hours', 'business_hours', v_problem);
  end if;
  if v_new.holidays is null then
    v_new.holidays := '{}';
  end if;
  v_new.timezone := nullif(trim(v_new.timezone), '');
  if v_new.timezone is not null and not private.is_time_zone_name(v_new.timezone) then
    perform private.invalid_setting('invalid_timezone', 'timezone', format('"%s" não é um fuso horário válido.', v_new.timezone));
  end if;
  if v_new.fallback_team_id is not null and not exists (select 1 from public.teams where id = v_new.fallback_team_id) then
    perform private.invalid_setting('team_not_found', 'fallback_team_id', 'A equipe de destino padrão não existe mais. Escolha outra.');
  end if;
  if v_new.inactivity_classification_id is not null
    and not exists (select 1 from public.classifications where id = v_new.inactivity_classification_id) then
    perform private.invalid_setting('classification_not_found', 'inactivity_classification_id', 'A classificação de inatividade não existe mais. Escolha outra.');
  end if;

  update public.bot_settings set
    enabled = v_new.enabled,
    welcome_text = coalesce(v_new.welcome_text, ''),
    menu_prompt = coalesce(v_new.menu_prompt, ''),
    invalid_option_text = coalesce(v_new.invalid_option_text, ''),
    max_invalid_attempts = v_new.max_invalid_attempts,
    fallback_team_id = v_new.fallback_team_id,
    after_selection_text = v_new.after_selection_text,
    out_of_hours_text = coalesce(v_new.out_of_hours_text, ''),
    business_hours = v_new.business_hours,
    holidays = v_new.holidays,
    timezone = v_new.timezone,
    farewell_text = v_new.farewell_text,
    rating_prompt_text = coalesce(v_new.rating_prompt_text, ''),
    rating_invalid_text = coalesce(v_new.rating_invalid_text, ''),
    rating_thanks_text = coalesce(v_new.rating_thanks_text, ''),
    rating_timeout_minutes = v_new.rating_timeout_minutes,
    low_rating_threshold = v_new.low_rating_threshold,
    close_keyword = v_new.close_keyword,
    inactivity_warning_minutes = v_new.inactivity_warning_minutes,
    inactivity_close_minutes = v_new.inactivity_close_minutes,
    inactivity_warning_text = v_new.inactivity_warning_text,
    inactivity_classification_id = v_new.inactivity_classification_id
  where channel_id = p_channel_id;

  if p_options is not null then
    if jsonb_typeof(p_options) <> 'array' then
      perform private.invalid_setting('invalid_menu_option', 'options', 'As opções do menu devem ser uma lista.');
    end if;
    if jsonb_array_length(p_options) > 9 then
      perform private.invalid_setting('menu_too_long', 'options', 'O menu pode ter no máximo 9 opções (o cliente responde com um único dígito).');
    end if;
    for v_option in select value, ordinality from jsonb_array_elements(p_options) with ordinality loop
      if jsonb_typeof(v_option.value) <> 'object'
        or length(trim(coalesce(v_option.value ->> 'label', ''))) not between 1 and 60 then
        perform private.invalid_setting('invalid_menu_option', format('options.%s.label', v_option.ordinality),
          format('A opção %s precisa de um texto de 1 a 60 caracteres.', v_option.ordinality));
      end if;
      if coalesce(v_option.value ->> 'team_id', '') !~ '^[0-9a-fA-F-]{36}$'
        or not exists (select 1 from public.teams where id = (v_option.value ->> 'team_id')::uuid) then
        perform private.invalid_setting('invalid_menu_option', format('options.%s.team_id', v_option.ordinality),
          format('Escolha a equipe da opção %s ("%s").', v_option.ordinality, trim(v_option.value ->> 'label')));
      end if;
    end loop;
    delete from public.bot_menu_options where channel_id = p_channel_id;
    insert into public.bot_menu_options (channel_id, position, label, team_id)
    select p_channel_id, ordinality, trim(value ->> 'label'), (value ->> 'team_id')::uuid
    from jsonb_array_elements(p_options) with ordinality;
  end if;

  return jsonb_build_object(
    'settings', (select to_jsonb(s) from public.bot_settings s where s.channel_id = p_channel_id),
    'options', coalesce((
      select jsonb_agg(to_jsonb(o) order by o.position) from public.bot_menu_options o where o.channel_id = p_channel_id
    ), '[]'::jsonb)
  );
end
$$;
comment on function public.save_chatbot(uuid, jsonb, jsonb, timestamptz) is
  'Admins: the chatbot tab''s save — settings (any subset, by column name) and the whole menu in order, validated, in one transaction.';
revoke all on function public.save_chatbot(uuid, jsonb, jsonb, timestamptz) from public, anon;
grant execute on function public.save_chatbot(uuid, jsonb, jsonb, timestamptz) to authenticated;
