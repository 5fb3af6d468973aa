-- Catalogues admins (and, for quick replies, agents) maintain.
create table public.classifications (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (length(trim(name)) between 1 and 80),
  description text,
  active boolean not null default true,
  position integer not null default 0,
  created_at timestamptz not null default now()
);

comment on table public.classifications is 'Closing classifications ("Dúvida resolvida", "Problema técnico"…), chosen when a ticket closes.';

grant select on public.classifications to authenticated;
grant insert, update, delete on public.classifications to authenticated;
grant all on public.classifications to service_role;

alter table public.classifications enable row level security;

create policy "signed-in users read classifications" on public.classifications
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins create classifications" on public.classifications
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins update classifications" on public.classifications
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins delete classifications" on public.classifications
  for delete to authenticated using ((select private.is_admin()));

-- Teams of the calling user (security definer: reads team_members without recursing through RLS).
create function private.my_team_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select team_id from public.team_members where user_id = (select auth.uid())
$$;
revoke all on function private.my_team_ids() from public;
grant execute on function private.my_team_ids() to authenticated, service_role;

create table public.quick_replies (
  id uuid primary key default gen_random_uuid(),
  shortcut text not null check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,29}$'),
  title text not null check (length(trim(title)) between 1 and 80),
  body text not null check (length(body) between 1 and 4096),
  team_id uuid references public.teams (id) on delete cascade,
  created_by uuid references public.profiles (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.quick_replies is 'Predefined messages agents insert with a button or "/shortcut"; global (team_id null) or per team.';

grant select, insert, update, delete on public.quick_replies to authenticated;
grant all on public.quick_replies to service_role;

alter table public.quick_replies enable row level security;

create policy "staff read global and their teams' quick replies" on public.quick_replies
  for select to authenticated using (
    (select private.current_user_role()) is not null
    and (team_id is null or team_id in (select private.my_team_ids()) or (select private.current_user_role()) in ('admin', 'supervisor'))
  );
create policy "agents add quick replies for everyone or their teams" on public.quick_replies
  for insert to authenticated with check (
    (select private.current_user_role()) in ('admin', 'supervisor')
    or ((select private.current_user_role()) = 'agent' and (team_id is null or team_id in (select private.my_team_ids())))
  );
create policy "agents edit quick replies they can see" on public.quick_replies
  for update to authenticated
  using (
    (select private.current_user_role()) in ('admin', 'supervisor')
    or ((select private.current_user_role()) = 'agent' and (team_id is null or team_id in (select private.my_team_ids())))
  )
  with check (
    (select private.current_user_role()) in ('admin', 'supervisor')
    or ((select private.current_user_role()) = 'agent' and (team_id is null or team_id in (select private.my_team_ids())))
  );
create policy "admins and authors delete quick replies" on public.quick_replies
  for delete to authenticated using (
    (select private.current_user_role()) in ('admin', 'supervisor')
    or ((select private.current_user_role()) = 'agent' and created_by = (select auth.uid()))
  );

create unique index quick_replies_shortcut_scope_idx
  on public.quick_replies (coalesce(team_id, '00000000-0000-0000-0000-000000000000'::uuid), shortcut);
create index quick_replies_team_id_idx on public.quick_replies (team_id);
create index quick_replies_created_by_idx on public.quick_replies (created_by);

create trigger quick_replies_touch_updated_at
  before update on public.quick_replies
  for each row execute function private.touch_updated_at();
