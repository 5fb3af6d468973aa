-- Helpers used by row-level security policies live in `private`, a schema no API role can reach
-- directly (PostgREST exposes only `public`). Functions there are security definer with an empty
-- search_path, so they read the tables they need without recursing through RLS.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

comment on schema private is 'Security-definer helpers for RLS policies; not exposed through the API.';
