-- Keys for the analytics API (Power BI). The key itself is shown once; only its SHA-256 is stored.
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 80),
  key_prefix text not null,
  key_hash text not null unique,
  scopes text[] not null default '{}' check (cardinality(scopes) > 0),
  rate_limit_per_minute integer not null default 60 check (rate_limit_per_minute between 1 and 10000),
  created_by uuid references public.profiles (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz
);

comment on table public.api_keys is 'Analytics API keys: hashed, scoped per dataset, revocable, with expiry and last use.';
comment on column public.api_keys.key_prefix is 'First characters of the key, shown in the list so admins can tell keys apart.';

-- Admins list keys but never read the hash.
grant select (id, name, key_prefix, scopes, rate_limit_per_minute, created_by, created_at, expires_at, revoked_at, last_used_at)
  on public.api_keys to authenticated;
grant all on public.api_keys to service_role;

alter table public.api_keys enable row level security;

create policy "admins read API keys" on public.api_keys
  for select to authenticated using ((select private.is_admin()));

create index api_keys_created_by_idx on public.api_keys (created_by);
