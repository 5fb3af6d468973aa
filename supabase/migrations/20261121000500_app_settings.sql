-- Company-wide settings: one row.
create table public.app_settings (
  id boolean primary key default true check (id),
  company_name text not null default 'Atende',
  timezone text not null default 'America/Sao_Paulo',
  classification_required boolean not null default false,
  powerbi_report_url text check (powerbi_report_url is null or powerbi_report_url ~ '^https://'),
  powerbi_display_mode text not null default 'new_tab' check (powerbi_display_mode in ('embed', 'new_tab')),
  updated_at timestamptz not null default now(),
  updated_by uuid references public.profiles (id) on delete set null
);

comment on table public.app_settings is 'Company-wide settings (a single row): timezone, closing rules, Power BI report.';
comment on column public.app_settings.classification_required is 'When true, closing a ticket requires a classification.';
comment on column public.app_settings.powerbi_display_mode is 'embed: the report shows inside Relatórios (iframe); new_tab: a link opens it.';

grant select on public.app_settings to authenticated;
grant update (company_name, timezone, classification_required, powerbi_report_url, powerbi_display_mode) on public.app_settings to authenticated;
grant all on public.app_settings to service_role;

alter table public.app_settings enable row level security;

create policy "signed-in users read the settings" on public.app_settings
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins change the settings" on public.app_settings
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));

create trigger app_settings_touch_updated_at
  before update on public.app_settings
  for each row execute function private.touch_updated_at();

insert into public.app_settings (id) values (true);
