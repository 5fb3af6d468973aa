-- Platform bootstrap for the local stack: what a Supabase project has before its first migration.
-- Applied once by the superuser (supabase_admin), locally only; production Supabase already has all this.
-- Mirrors supabase/postgres init-scripts: API roles, the non-superuser `postgres` owner, the auth and
-- storage schemas, auth.uid()/role()/email()/jwt() and the supabase_realtime publication.

-- API roles -------------------------------------------------------------------------------------------
create role anon nologin noinherit;
create role authenticated nologin noinherit;
create role service_role nologin noinherit bypassrls;
create role authenticator login noinherit password 'postgres';
grant anon, authenticated, service_role to authenticator;

-- Service owners (like supabase_auth_admin / supabase_storage_admin in the real platform) -------------
create role supabase_auth_admin nologin noinherit;
create role supabase_storage_admin nologin noinherit;

-- The project owner. On hosted Supabase `postgres` is not a superuser; migrations run as it here so a
-- missing grant fails locally exactly as it would in production.
create role postgres login createrole createdb bypassrls password 'postgres';
grant anon, authenticated, service_role to postgres with admin option;
-- Membership lets migrations create policies on storage.objects, as on the platform.
grant supabase_storage_admin to postgres;
grant create, connect, temporary on database postgres to postgres;
alter schema public owner to postgres;
grant usage on schema public to anon, authenticated, service_role;

-- Statement timeouts as on the platform (PostgREST switches into these roles).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- Extensions live in their own schema, as on Supabase.
create schema extensions;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
alter default privileges in schema extensions grant execute on functions to postgres, anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;
grant create on schema extensions to postgres;

-- auth schema: tables come from 01-auth.sql; the helper functions are GoTrue's own definitions.
create schema auth authorization supabase_auth_admin;
grant usage on schema auth to postgres, anon, authenticated, service_role;

create or replace function auth.uid() returns uuid language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
create or replace function auth.role() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
create or replace function auth.email() returns text language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
create or replace function auth.jwt() returns jsonb language sql stable as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to postgres, anon, authenticated, service_role;

-- storage schema: tables come from 02-storage.sql.
create schema storage authorization supabase_storage_admin;
grant usage on schema storage to postgres, anon, authenticated, service_role;

-- Realtime publication, owned by the project owner so migrations can `alter publication … add table`.
create publication supabase_realtime;
alter publication supabase_realtime owner to postgres;

-- Migration history, same table the Supabase CLI keeps.
create schema supabase_migrations authorization postgres;
create table supabase_migrations.schema_migrations (
  version text primary key,
  name text,
  statements text[]
);
alter table supabase_migrations.schema_migrations owner to postgres;

-- PostgREST reloads its schema cache on this notification after migrations.
