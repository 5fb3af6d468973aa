-- Text search building blocks: accent-insensitive Portuguese search and trigram matching.
-- Extensions live in `extensions`, as on Supabase; the immutable wrapper lets unaccent() appear in
-- generated columns and index expressions (the extension's own function is only STABLE).
create extension if not exists unaccent with schema extensions;
create extension if not exists pg_trgm with schema extensions;

create function private.unaccent_lower(value text) returns text
language sql immutable parallel safe strict set search_path = '' as $$
  select lower(extensions.unaccent('extensions.unaccent'::regdictionary, value))
$$;
comment on function private.unaccent_lower(text) is
  'lower(unaccent(value)) with the dictionary fixed, so it is immutable and indexable.';
grant execute on function private.unaccent_lower(text) to authenticated, service_role;
