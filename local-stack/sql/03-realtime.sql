-- Change capture for the gateway's realtime service (postgres_changes).
--
-- Supabase Realtime reads the WAL through wal2json; the embedded PostgreSQL has no wal2json, so every
-- table of the `supabase_realtime` publication gets an AFTER ROW trigger that copies the change into
-- _realtime.changes and signals the gateway with NOTIFY. An event trigger keeps those capture triggers in
-- step with the publication (ALTER PUBLICATION … ADD/DROP TABLE, CREATE TABLE in a FOR ALL TABLES or
-- TABLES IN SCHEMA publication), and the gateway resyncs them at start.
-- The gateway (superuser) consumes the rows: filters, RLS checks under each subscriber's claims and
-- payloads mirror supabase/realtime's apply_rls.sql and subscription_check_filters.sql.

create schema _realtime;
revoke all on schema _realtime from public;
comment on schema _realtime is 'Local stack only: change capture behind /realtime/v1 postgres_changes.';

create table _realtime.changes (
  id bigint generated always as identity primary key,
  entity oid not null,
  action text not null check (action in ('INSERT', 'UPDATE', 'DELETE')),
  record jsonb,
  old_record jsonb,
  -- The transaction's timestamp: the closest a trigger gets to wal2json's commit timestamp.
  committed_at timestamptz not null default now()
);
comment on table _realtime.changes is 'Row changes of publication tables, consumed (and deleted) by the gateway.';

create function _realtime.capture_change() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into _realtime.changes (entity, action, record, old_record)
  values (
    tg_relid,
    tg_op,
    case when tg_op <> 'DELETE' then pg_catalog.to_jsonb(new) end,
    case when tg_op <> 'INSERT' then pg_catalog.to_jsonb(old) end
  );
  -- One notification per transaction (identical payloads are folded): the gateway drains every
  -- pending row on each wake-up, so the ids themselves need not travel.
  perform pg_catalog.pg_notify('_realtime_changes', '');
  return null;
end
$$;
revoke all on function _realtime.capture_change() from public;

-- Installs the capture trigger on every publication table that lacks it and removes it from tables
-- that left the publication. Idempotent; called by the event trigger and by the gateway at start.
create function _realtime.sync_capture_triggers() returns void
language plpgsql security definer set search_path = '' as $$
declare
  entity regclass;
begin
  for entity in
    select c.oid::regclass
    from pg_catalog.pg_publication_tables p
    join pg_catalog.pg_namespace n on n.nspname = p.schemaname
    join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
    where p.pubname = 'supabase_realtime'
      and c.relkind in ('r', 'p')
      and not exists (
        select 1 from pg_catalog.pg_trigger t
        where t.tgrelid = c.oid and t.tgname = '_realtime_capture' and not t.tgisinternal
      )
  loop
    execute pg_catalog.format(
      'create trigger _realtime_capture after insert or update or delete on %s '
      'for each row execute function _realtime.capture_change()', entity);
  end loop;

  for entity in
    select t.tgrelid::regclass
    from pg_catalog.pg_trigger t
    where t.tgname = '_realtime_capture'
      and t.tgfoid = '_realtime.capture_change()'::pg_catalog.regprocedure
      and t.tgparentid = 0
      and not exists (
        select 1
        from pg_catalog.pg_publication_tables p
        join pg_catalog.pg_namespace n on n.nspname = p.schemaname
        join pg_catalog.pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
        where p.pubname = 'supabase_realtime' and c.oid = t.tgrelid
      )
  loop
    execute pg_catalog.format('drop trigger _realtime_capture on %s', entity);
  end loop;
end
$$;
revoke all on function _realtime.sync_capture_triggers() from public;

create function _realtime.on_ddl_command_end() returns event_trigger
language plpgsql security definer set search_path = '' as $$
begin
  perform _realtime.sync_capture_triggers();
  -- Columns, grants, RLS and publication membership may have changed: the gateway drops its caches.
  perform pg_catalog.pg_notify('_realtime_schema', '');
exception when others then
  -- Never let change capture break a migration; the gateway resyncs at its next start.
  raise warning 'realtime capture triggers not synced: %', sqlerrm;
end
$$;
revoke all on function _realtime.on_ddl_command_end() from public;

create event trigger _realtime_sync_capture on ddl_command_end
  when tag in (
    'CREATE PUBLICATION', 'ALTER PUBLICATION', 'DROP PUBLICATION',
    'CREATE TABLE', 'CREATE TABLE AS', 'SELECT INTO', 'ALTER TABLE', 'DROP TABLE',
    'GRANT', 'REVOKE', 'ALTER TYPE', 'ALTER SCHEMA'
  )
  execute function _realtime.on_ddl_command_end();

-- Which of the given subscribers' claims may see the row with primary key `key` (a jsonb object of
-- column → value), as Realtime's prepared `select exists(…)` under set_config('role') and
-- request.jwt.claims. The caller runs this in a transaction it rolls back. Not security definer: the
-- superuser caller must be able to switch roles.
create function _realtime.visible_to(entity regclass, key jsonb, claims jsonb[]) returns boolean[]
language plpgsql set search_path = '' as $$
declare
  condition text;
  subscriber_claims jsonb;
  visible boolean;
  results boolean[] := '{}';
begin
  select pg_catalog.string_agg(
      pg_catalog.format('%I = %L::%s', a.attname, key ->> a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)),
      ' and ')
    into condition
    from pg_catalog.pg_attribute a
    where a.attrelid = entity and a.attnum > 0 and not a.attisdropped and key ? a.attname;

  foreach subscriber_claims in array claims loop
    begin
      perform pg_catalog.set_config('role', subscriber_claims ->> 'role', true),
              pg_catalog.set_config('request.jwt.claims', subscriber_claims::text, true);
      execute pg_catalog.format('select exists (select 1 from %s where %s)', entity, condition) into visible;
      perform pg_catalog.set_config('role', null, true);
    exception when others then
      -- Unknown role, no grant or a failing policy: the subscriber does not see the row.
      visible := false;
    end;
    results := results || coalesce(visible, false);
  end loop;
  return results;
end
$$;
revoke all on function _realtime.visible_to(regclass, jsonb, jsonb[]) from public;

-- Validates one postgres_changes subscription on one table for a role, raising the same errors as
-- Realtime's realtime.subscription_check_filters(). `filters` is a jsonb array of
-- {column, op, value, negate}; `in` values arrive as array literals ('{a,b}').
create function _realtime.check_subscription(entity regclass, role text, filters jsonb, selected_columns text[])
returns void
language plpgsql set search_path = '' as $$
declare
  col_names text[];
  filter jsonb;
  col_type regtype;
  in_val text[];
  op text;
  val text;
  selected_col text;
begin
  select coalesce(pg_catalog.array_agg(a.attname::text order by a.attnum), '{}')
    into col_names
    from pg_catalog.pg_attribute a
    where a.attrelid = entity and a.attnum > 0 and not a.attisdropped
      and pg_catalog.has_column_privilege(role, a.attrelid, a.attnum, 'SELECT');

  for filter in select * from pg_catalog.jsonb_array_elements(filters) loop
    op := filter ->> 'op';
    val := filter ->> 'value';
    if not (filter ->> 'column') = any(col_names) then
      raise exception 'invalid column for filter %', filter ->> 'column';
    end if;
    select a.atttypid::regtype into col_type
      from pg_catalog.pg_attribute a
      where a.attrelid = entity and a.attname = filter ->> 'column';
    if col_type is null then
      raise exception 'failed to lookup type for column %', filter ->> 'column';
    end if;

    if op = 'in' then
      execute pg_catalog.format('select %L::%s::text[]', val, col_type::text || '[]') into in_val;
      if coalesce(pg_catalog.array_length(in_val, 1), 0) > 100 then
        raise exception 'too many values for `in` filter. Maximum 100';
      end if;
    elsif op = 'is' then
      if val not in ('null', 'true', 'false', 'unknown') then
        raise exception 'invalid value for is filter: must be null, true, false, or unknown';
      end if;
      if val <> 'null' and col_type <> 'boolean'::regtype then
        raise exception 'is % filter requires a boolean column, got %', val, col_type::text;
      end if;
    elsif op in ('like', 'ilike') then
      if not exists (select 1 from pg_catalog.pg_operator where oprname = '~~' and oprleft = col_type) then
        raise exception 'operator % requires a text-compatible column type, got %', op, col_type::text;
      end if;
    elsif op in ('match', 'imatch') then
      if not exists (
        select 1 from pg_catalog.pg_operator
        where oprname = case when op = 'imatch' then '~*' else '~' end
          and oprleft = col_type and oprright = col_type and oprresult = 'boolean'::regtype
      ) then
        raise exception 'operator % requires a text-compatible column type, got %', op, col_type::text;
      end if;
      begin
        perform '' ~ val;
      exception when others then
        raise exception 'invalid regular expression for % filter: %', op, sqlerrm;
      end;
    else
      execute pg_catalog.format('select %L::%s', val, col_type::text);
    end if;
  end loop;

  if selected_columns is not null then
    foreach selected_col in array selected_columns loop
      if not selected_col = any(col_names) then
        raise exception 'invalid column for select %', selected_col;
      end if;
    end loop;
  end if;
end
$$;
revoke all on function _realtime.check_subscription(regclass, text, jsonb, text[]) from public;
