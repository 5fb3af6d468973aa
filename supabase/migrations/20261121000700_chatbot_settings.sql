-- The menu chatbot's texts and rules, per channel. The engine (edge functions) reads them; admins edit
-- them next to the connection settings. Defaults are sensible pt-BR texts.
create table public.bot_settings (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  enabled boolean not null default true,
  welcome_text text not null default 'Olá! 👋 Você está falando com o atendimento. Vamos te direcionar para a equipe certa.',
  menu_prompt text not null default 'Responda com o número da opção desejada:',
  invalid_option_text text not null default 'Não entendi. Por favor, responda apenas com o número de uma das opções abaixo.',
  max_invalid_attempts integer not null default 3 check (max_invalid_attempts between 1 and 10),
  fallback_team_id uuid references public.teams (id) on delete set null,
  after_selection_text text default 'Certo! Em instantes um de nossos atendentes vai falar com você.',
  out_of_hours_text text not null default 'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h. Deixe sua mensagem que responderemos assim que possível.',
  -- {"mon":[{"start":"08:00","end":"18:00"}], ...}; empty object = always open.
  business_hours jsonb not null default '{}'::jsonb check (jsonb_typeof(business_hours) = 'object'),
  holidays date[] not null default '{}',
  farewell_text text default 'Seu atendimento foi encerrado. Obrigado pelo contato!',
  rating_prompt_text text not null default 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.',
  rating_invalid_text text not null default 'Por favor, responda apenas com um número de 1 a 10.',
  rating_thanks_text text not null default 'Obrigado pela sua avaliação! 💚',
  rating_timeout_minutes integer not null default 1440 check (rating_timeout_minutes between 5 and 10080),
  low_rating_threshold integer not null default 6 check (low_rating_threshold between 1 and 10),
  close_keyword text default '#sair' check (close_keyword is null or length(close_keyword) between 2 and 30),
  inactivity_warning_minutes integer check (inactivity_warning_minutes is null or inactivity_warning_minutes > 0),
  inactivity_close_minutes integer check (inactivity_close_minutes is null or inactivity_close_minutes > 0),
  inactivity_warning_text text default 'Ainda está por aí? Se não houver resposta, o atendimento será encerrado em breve.',
  updated_at timestamptz not null default now()
);

comment on table public.bot_settings is 'Texts and rules of the numeric-menu chatbot (never AI), per channel.';
comment on column public.bot_settings.fallback_team_id is 'Team that receives the customer after too many invalid answers, or when the bot is off.';
comment on column public.bot_settings.low_rating_threshold is 'A rating at or below this flags the ticket for supervisors.';

grant select on public.bot_settings to authenticated;
grant insert, update on public.bot_settings to authenticated;
grant all on public.bot_settings to service_role;

alter table public.bot_settings enable row level security;

create policy "signed-in users read bot settings" on public.bot_settings
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins create bot settings" on public.bot_settings
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins update bot settings" on public.bot_settings
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));

create index bot_settings_fallback_team_id_idx on public.bot_settings (fallback_team_id);

create trigger bot_settings_touch_updated_at
  before update on public.bot_settings
  for each row execute function private.touch_updated_at();

-- Every channel gets its bot settings row with the defaults.
create function private.create_bot_settings_for_channel() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.bot_settings (channel_id) values (new.id) on conflict do nothing;
  return new;
end
$$;

create trigger channels_create_bot_settings
  after insert on public.channels
  for each row execute function private.create_bot_settings_for_channel();

-- Menu options: "1 - Suporte Técnico", "2 - Financeiro" … each leads to a team's queue.
create table public.bot_menu_options (
  id uuid primary key default gen_random_uuid(),
  channel_id uuid not null references public.channels (id) on delete cascade,
  position integer not null check (position between 1 and 9),
  label text not null check (length(trim(label)) between 1 and 60),
  team_id uuid not null references public.teams (id) on delete cascade,
  unique (channel_id, position) deferrable initially deferred
);

comment on table public.bot_menu_options is 'Numbered menu options of a channel''s chatbot; the customer answers the number.';

grant select on public.bot_menu_options to authenticated;
grant insert, update, delete on public.bot_menu_options to authenticated;
grant all on public.bot_menu_options to service_role;

alter table public.bot_menu_options enable row level security;

create policy "signed-in users read menu options" on public.bot_menu_options
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins create menu options" on public.bot_menu_options
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins update menu options" on public.bot_menu_options
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins delete menu options" on public.bot_menu_options
  for delete to authenticated using ((select private.is_admin()));

create index bot_menu_options_team_id_idx on public.bot_menu_options (team_id);
