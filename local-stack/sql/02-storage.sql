-- Supabase Storage's schema as the local stack needs it: storage.buckets and storage.objects with the
-- column names, helper functions, triggers, RLS and grants of supabase/storage's tenant migrations
-- (0002 … 0063), so project migrations can `create policy … on storage.objects` and insert buckets
-- exactly as on a hosted project. Owned by supabase_storage_admin; `postgres` is a member of it.
-- The gateway's storage service reads and writes these tables under the caller's role and claims.

create table storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  owner_id text,
  public boolean default false,
  file_size_limit bigint,
  allowed_mime_types text[],
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
create unique index bname on storage.buckets using btree (name);
comment on column storage.buckets.owner is 'Field is deprecated, use owner_id instead';

create table storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text references storage.buckets (id),
  name text,
  owner uuid,
  owner_id text,
  metadata jsonb,
  path_tokens text[] generated always as (string_to_array(name, '/')) stored,
  version text,
  user_metadata jsonb,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now()
);
create unique index bucketid_objname on storage.objects using btree (bucket_id, name);
create index name_prefix_search on storage.objects (name text_pattern_ops);
comment on column storage.objects.owner is 'Field is deprecated, use owner_id instead';

alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;

-- Helper functions for policies (immutable, as in migrations 0036/0060/0061) ----------------------------
create function storage.foldername(name text) returns text[] language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
end
$$;

create function storage.filename(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
begin
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
end
$$;

create function storage.extension(name text) returns text language plpgsql immutable as $$
declare
  _parts text[];
  _filename text;
begin
  select string_to_array(name, '/') into _parts;
  select _parts[array_length(_parts, 1)] into _filename;
  return reverse(split_part(reverse(_filename), '.', 1));
end
$$;

-- Triggers ----------------------------------------------------------------------------------------------
create function storage.update_updated_at_column() returns trigger language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end
$$;
create trigger update_objects_updated_at before update on storage.objects
  for each row execute function storage.update_updated_at_column();

create function storage.enforce_bucket_name_length() returns trigger language plpgsql as $$
begin
  if length(new.name) > 100 then
    raise exception 'bucket name "%" is too long (% characters). Max is 100.', new.name, length(new.name);
  end if;
  return new;
end
$$;
create trigger enforce_bucket_name_length_trigger before insert or update of name on storage.buckets
  for each row execute function storage.enforce_bucket_name_length();

-- Migration 0055: deleting rows directly (e.g. from SQL) would orphan the files; only the Storage API,
-- which sets storage.allow_delete_query for its own transactions, may delete.
create function storage.protect_delete() returns trigger language plpgsql as $$
begin
  if coalesce(current_setting('storage.allow_delete_query', true), 'false') != 'true' then
    raise exception 'Direct deletion from storage tables is not allowed. Use the Storage API instead.'
      using hint = 'This prevents accidental data loss from orphaned objects.', errcode = '42501';
  end if;
  return null;
end
$$;
create trigger protect_buckets_delete before delete on storage.buckets
  for each statement execute function storage.protect_delete();
create trigger protect_objects_delete before delete on storage.objects
  for each statement execute function storage.protect_delete();

-- storage.search: the listing behind `POST /object/list/{bucket}` (signature of migration 0063).
-- Returns the entries one level below `prefix`: folders (id null) and files, names relative to the
-- prefix, filtered by `search` as a case-insensitive name prefix. SECURITY INVOKER, so RLS applies.
create function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
)
returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
)
security invoker language plpgsql stable as $func$
declare
  v_prefix text := coalesce(prefix, '');
  v_match text := lower(coalesce(prefix, '') || coalesce(search, ''));
  -- Position of the entry's own name in path_tokens: 'a/b/' -> {a,b,''} -> 3.
  v_level int := coalesce(array_length(string_to_array(coalesce(prefix, ''), '/'), 1), 1);
  v_order text := case lower(coalesce(sortorder, 'asc')) when 'desc' then 'desc' else 'asc' end;
  v_column text := case lower(coalesce(sortcolumn, 'name'))
    when 'updated_at' then 'updated_at'
    when 'created_at' then 'created_at'
    when 'last_accessed_at' then 'last_accessed_at'
    else 'name' end;
begin
  if v_prefix = '' then
    v_level := 1;
  end if;
  return query execute format(
    $sql$
    with matched as (
      select o.* from storage.objects o
      where o.bucket_id = $1 and starts_with(lower(o.name), $2)
    ),
    entries as (
      select f.path_tokens[$3] as name, null::uuid as id, null::timestamptz as updated_at,
             null::timestamptz as created_at, null::timestamptz as last_accessed_at, null::jsonb as metadata
      from matched f
      where array_length(f.path_tokens, 1) > $3
      group by f.path_tokens[$3]
      union all
      select f.path_tokens[$3], f.id, f.updated_at, f.created_at, f.last_accessed_at, f.metadata
      from matched f
      where array_length(f.path_tokens, 1) = $3
    )
    select e.name, e.id, e.updated_at, e.created_at, e.last_accessed_at, e.metadata from entries e
    order by %s
    limit $4 offset $5
    $sql$,
    -- Sorting by name interleaves folders and files; by a timestamp, folders come first (as Supabase).
    case when v_column = 'name'
      then format('lower(e.name) collate "C" %s', v_order)
      else format('(e.id is not null), e.%I %s, lower(e.name) collate "C" %s', v_column, v_order, v_order) end
  ) using bucketname, v_match, v_level, least(coalesce(limits, 100), 1500), coalesce(offsets, 0);
end
$func$;

-- Ownership and grants (migrations 0002, 0046, 0049) ----------------------------------------------------
alter table storage.buckets owner to supabase_storage_admin;
alter table storage.objects owner to supabase_storage_admin;
alter function storage.foldername(text) owner to supabase_storage_admin;
alter function storage.filename(text) owner to supabase_storage_admin;
alter function storage.extension(text) owner to supabase_storage_admin;
alter function storage.update_updated_at_column() owner to supabase_storage_admin;
alter function storage.enforce_bucket_name_length() owner to supabase_storage_admin;
alter function storage.protect_delete() owner to supabase_storage_admin;
alter function storage.search(text, text, int, int, int, text, text, text) owner to supabase_storage_admin;

grant all on storage.buckets, storage.objects to anon, authenticated, service_role;
grant all on storage.buckets, storage.objects to postgres with grant option;
grant execute on all functions in schema storage to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on tables to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_storage_admin in schema storage
  grant all on functions to postgres, anon, authenticated, service_role;
