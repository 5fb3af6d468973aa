-- One profile per auth user: name, role and whether the account is active.
create table public.profiles (
  id uuid primary key references auth.users (id) on delete cascade,
  full_name text not null check (length(trim(full_name)) between 1 and 120),
  email text,
  role text not null default 'agent' check (role in ('admin', 'supervisor', 'agent', 'observer')),
  active boolean not null default true,
  theme text not null default 'system' check (theme in ('light', 'dark', 'system')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

comment on table public.profiles is 'People who use Atende (technicians, supervisors, admins, observers), 1:1 with auth.users.';
comment on column public.profiles.role is 'admin manages everything; supervisor sees every ticket; agent works its teams'' queues; observer reads only.';
comment on column public.profiles.active is 'Deactivated users keep their history but cannot sign in (their auth user is banned).';

grant select on public.profiles to authenticated;
-- Users change only their own name and theme; role and active change through admin RPCs.
grant update (full_name, theme) on public.profiles to authenticated;
grant all on public.profiles to service_role;

-- Role of the calling user; null for anon, unknown or deactivated users.
create function private.current_user_role() returns text
language sql stable security definer set search_path = '' as $$
  select role from public.profiles where id = (select auth.uid()) and active
$$;
revoke all on function private.current_user_role() from public;
grant execute on function private.current_user_role() to authenticated, service_role;

create function private.is_admin() returns boolean
language sql stable security definer set search_path = '' as $$
  select coalesce(private.current_user_role() = 'admin', false)
$$;
revoke all on function private.is_admin() from public;
grant execute on function private.is_admin() to authenticated, service_role;

alter table public.profiles enable row level security;

-- Everyone reads their own profile (the app needs it to tell a deactivated user why they are out);
-- active staff read all profiles (names of colleagues in the inbox).
create policy "staff read every profile, users read their own" on public.profiles
  for select to authenticated using (id = (select auth.uid()) or (select private.current_user_role()) is not null);
create policy "active users update their own profile" on public.profiles
  for update to authenticated
  using (id = (select auth.uid()) and (select private.current_user_role()) is not null)
  with check (id = (select auth.uid()));

create index profiles_role_idx on public.profiles (role) where active;

-- A profile for every new auth user (name from user metadata, else the e-mail's local part).
create function private.handle_new_user() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.profiles (id, full_name, email)
  values (
    new.id,
    coalesce(nullif(trim(new.raw_user_meta_data ->> 'full_name'), ''), split_part(new.email, '@', 1), 'Usuário'),
    new.email
  )
  on conflict (id) do nothing;
  return new;
end
$$;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_user();

create function private.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create trigger profiles_touch_updated_at
  before update on public.profiles
  for each row execute function private.touch_updated_at();

-- The signed-in user's own profile, for the app shell (role decides which sections show).
create function public.my_profile() returns public.profiles
language sql stable security invoker set search_path = '' as $$
  select * from public.profiles where id = (select auth.uid())
$$;
grant execute on function public.my_profile() to authenticated;
