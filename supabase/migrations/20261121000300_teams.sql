-- Teams own queues; agents see the queues of the teams they belong to.
create table public.teams (
  id uuid primary key default gen_random_uuid(),
  name text not null unique check (length(trim(name)) between 1 and 80),
  color text not null default '#2080f0' check (color ~ '^#[0-9a-fA-F]{6}$'),
  created_at timestamptz not null default now()
);

comment on table public.teams is 'Support teams; each has a queue the chatbot routes customers to.';

grant select on public.teams to authenticated;
grant insert, update, delete on public.teams to authenticated;
grant all on public.teams to service_role;

alter table public.teams enable row level security;

create policy "active staff read teams" on public.teams
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins create teams" on public.teams
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins update teams" on public.teams
  for update to authenticated using ((select private.is_admin())) with check ((select private.is_admin()));
create policy "admins delete teams" on public.teams
  for delete to authenticated using ((select private.is_admin()));

create table public.team_members (
  team_id uuid not null references public.teams (id) on delete cascade,
  user_id uuid not null references public.profiles (id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (team_id, user_id)
);

comment on table public.team_members is 'Which users belong to which teams.';

grant select on public.team_members to authenticated;
grant insert, delete on public.team_members to authenticated;
grant all on public.team_members to service_role;

alter table public.team_members enable row level security;

create policy "active staff read team membership" on public.team_members
  for select to authenticated using ((select private.current_user_role()) is not null);
create policy "admins add team members" on public.team_members
  for insert to authenticated with check ((select private.is_admin()));
create policy "admins remove team members" on public.team_members
  for delete to authenticated using ((select private.is_admin()));

create index team_members_user_id_idx on public.team_members (user_id);
