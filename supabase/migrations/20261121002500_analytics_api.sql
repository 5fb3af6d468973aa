-- The analytics API's side in the database (issue #8):
-- - API keys: created by admins (the key is returned once, only its SHA-256 is kept), revoked, with an
--   optional expiry, scopes per dataset, a per-minute rate limit and the last use;
-- - authorize_api_key: the analytics-api function's one call per request (valid? allowed? within the rate?),
--   which also counts the request and records the last use;
-- - analytics_page: one page of a dataset (keyset paging, rows changed since a time), for that function.
-- Same error model as the other RPCs.

-- Which datasets exist, how they are ordered for paging and which column means "changed since".
create table private.analytics_datasets (
  name text primary key,
  view_name text not null,
  change_column text not null,
  key_columns text[] not null,
  description text not null
);
comment on table private.analytics_datasets is 'The analytics API''s datasets: view, incremental column and paging key.';

insert into private.analytics_datasets (name, view_name, change_column, key_columns, description) values
  ('tickets', 'tickets', 'updated_at', '{updated_at,ticket_id}', 'Um registro por atendimento, com tempos, equipe, atendente, classificação e avaliação.'),
  ('messages', 'messages', 'updated_at', '{updated_at,message_id}', 'Um registro por mensagem (sem o conteúdo).'),
  ('transfers', 'transfers', 'created_at', '{created_at,transfer_id}', 'Um registro por transferência.'),
  ('ratings', 'ratings', 'updated_at', '{updated_at,ticket_id}', 'Um registro por pedido de avaliação.'),
  ('queue_waits', 'queue_waits', 'updated_at', '{updated_at,segment_id}', 'Um registro por espera na fila (cada vez que um técnico assumiu).'),
  ('daily', 'daily', 'day', '{day}', 'Indicadores por dia (fuso da empresa).'),
  ('agents_daily', 'agents_daily', 'day', '{day,agent_id}', 'Indicadores por atendente e dia.'),
  ('agents', 'agents', 'created_at', '{agent_id}', 'Atendentes.'),
  ('teams', 'teams', 'created_at', '{team_id}', 'Equipes.'),
  ('channels', 'channels', 'created_at', '{channel_id}', 'Conexões de WhatsApp.'),
  ('classifications', 'classifications', 'created_at', '{classification_id}', 'Classificações de encerramento.');

-- Scopes must name datasets ('*' = all of them).
alter table public.api_keys add constraint api_keys_scopes_known check (
  scopes <@ array['*', 'tickets', 'messages', 'transfers', 'ratings', 'queue_waits', 'daily', 'agents_daily', 'agents', 'teams', 'channels', 'classifications']
);

-- Requests per key and minute, for the rate limit (old windows are pruned as new ones start).
create table private.api_key_usage (
  key_id uuid not null references public.api_keys (id) on delete cascade,
  window_start timestamptz not null,
  requests integer not null default 0,
  primary key (key_id, window_start)
);
comment on table private.api_key_usage is 'Analytics API requests per key and minute (rate limit).';

-- Admins create a key and see it this once. Format: atd_<40 url-safe characters>; the first 12 stay visible
-- (key_prefix) so a list can tell keys apart.
create function public.create_api_key(
  p_name text,
  p_scopes text[],
  p_expires_at timestamptz default null,
  p_rate_limit_per_minute integer default 60
) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_name text := trim(coalesce(p_name, ''));
  v_key text;
  v_row public.api_keys;
begin
  if not private.is_admin() then
    raise exception using errcode = '42501', message = 'not_allowed', detail = 'Só administradores podem criar chaves de API.';
  end if;
  if length(v_name) not between 1 and 80 then
    raise exception using errcode = 'P0001', message = 'invalid_name', hint = 'field=name',
      detail = 'Dê um nome à chave (até 80 caracteres), por exemplo "Power BI da diretoria".';
  end if;
  if p_scopes is null or cardinality(p_scopes) = 0 then
    raise exception using errcode = 'P0001', message = 'scopes_required', hint = 'field=scopes',
      detail = 'Escolha ao menos um conjunto de dados que a chave pode ler.';
  end if;
  if exists (select 1 from unnest(p_scopes) s where s <> '*' and not exists (select 1 from private.analytics_datasets d where d.name = s)) then
    raise exception using errcode = 'P0001', message = 'unknown_scope', hint = 'field=scopes',
      detail = 'Conjunto de dados desconhecido na lista de permissões.';
  end if;
  if p_expires_at is not null and p_expires_at <= now() then
    raise exception using errcode = 'P0001', message = 'invalid_expiry', hint = 'field=expires_at',
      detail = 'A data de expiração deve estar no futuro.';
  end if;
  if p_rate_limit_per_minute is null or p_rate_limit_per_minute not between 1 and 10000 then
    raise exception using errcode = 'P0001', message = 'invalid_rate_limit', hint = 'field=rate_limit_per_minute',
      detail = 'O limite deve ser de 1 a 10000 requisições por minuto.';
  end if;

  v_key := 'atd_' || translate(encode(extensions.gen_random_bytes(30), 'base64'), '+/', '-_');
  insert into public.api_keys (name, key_prefix, key_hash, scopes, rate_limit_per_minute, created_by, expires_at)
  values (v_name, left(v_key, 12), encode(extensions.digest(v_key, 'sha256'), 'hex'),
          (select array_agg(distinct s order by s) from unnest(p_scopes) s), p_rate_limit_per_minute, auth.uid(), p_expires_at)
  returning * into v_row;

  return jsonb_build_object(
    'id', v_row.id, 'name', v_row.name, 'key', v_key, 'key_prefix', v_row.key_prefix, 'scopes', v_row.scopes,
    'expires_at', v_row.expires_at, 'rate_limit_per_minute', v_row.rate_limit_per_minute, 'created_at', v_row.created_at
  );
end
$$;
comment on function public.create_api_key(text, text[], timestamptz, integer) is
  'Admins: a new analytics API key, returned once in clear (only its SHA-256 is stored).';
revoke all on function public.create_api_key(text, text[], timestamptz, integer) from public, anon;
grant execute on function public.create_api_key(text, text[], timestamptz, integer) to authenticated;

create function public.revoke_api_key(p_key_id uuid) returns public.api_keys
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_row public.api_keys;
begin
  if not private.is_admin() then
    raise exception using errcode = '42501', message = 'not_allowed', detail = 'Só administradores podem revogar chaves de API.';
  end if;
  update public.api_keys set revoked_at = coalesce(revoked_at, now()) where id = p_key_id returning * into v_row;
  if not found then
    raise exception using errcode = 'P0001', message = 'api_key_not_found', detail = 'Chave não encontrada.';
  end if;
  v_row.key_hash := null;  -- never leaves the database
  return v_row;
end
$$;
comment on function public.revoke_api_key(uuid) is 'Admins: revokes a key at once (requests with it get 401).';
revoke all on function public.revoke_api_key(uuid) from public, anon;
grant execute on function public.revoke_api_key(uuid) to authenticated;

-- One call per API request (service role): is the key valid, may it read the dataset, is it within its
-- rate? Counts the request and records the last use. Answers `{ok, status, code, message, retry_after}`:
-- 401 unknown/revoked/expired, 403 dataset outside the scopes, 429 over the limit (retry_after seconds).
create function public.authorize_api_key(p_key_hash text, p_dataset text) returns jsonb
language plpgsql volatile security definer set search_path = '' as $$
declare
  v_key public.api_keys;
  v_window timestamptz := date_trunc('minute', now());
  v_requests integer;
begin
  select * into v_key from public.api_keys where key_hash = p_key_hash;
  if not found then
    return jsonb_build_object('ok', false, 'status', 401, 'code', 'invalid_api_key', 'message', 'Chave de API inválida.');
  end if;
  if v_key.revoked_at is not null then
    return jsonb_build_object('ok', false, 'status', 401, 'code', 'revoked_api_key', 'message', 'Esta chave de API foi revogada.');
  end if;
  if v_key.expires_at is not null and v_key.expires_at <= now() then
    return jsonb_build_object('ok', false, 'status', 401, 'code', 'expired_api_key', 'message', 'Esta chave de API expirou.');
  end if;
  if p_dataset is not null and not ('*' = any (v_key.scopes) or p_dataset = any (v_key.scopes)) then
    return jsonb_build_object('ok', false, 'status', 403, 'code', 'dataset_not_allowed',
      'message', format('Esta chave não tem permissão para o conjunto de dados "%s".', p_dataset), 'key_id', v_key.id);
  end if;

  insert into private.api_key_usage (key_id, window_start, requests) values (v_key.id, v_window, 1)
  on conflict (key_id, window_start) do update set requests = private.api_key_usage.requests + 1
  returning requests into v_requests;
  if v_requests = 1 then
    delete from private.api_key_usage where key_id = v_key.id and window_start < v_window;
  end if;
  if v_requests > v_key.rate_limit_per_minute then
    return jsonb_build_object('ok', false, 'status', 429, 'code', 'rate_limited',
      'message', format('Limite de %s requisições por minuto atingido. Tente novamente em instantes.', v_key.rate_limit_per_minute),
      'retry_after', greatest(1, ceil(extract(epoch from (v_window + interval '1 minute' - now())))::integer), 'key_id', v_key.id);
  end if;

  update public.api_keys set last_used_at = now() where id = v_key.id;
  return jsonb_build_object('ok', true, 'status', 200, 'key_id', v_key.id, 'scopes', v_key.scopes);
end
$$;
comment on function public.authorize_api_key(text, text) is 'Service role (analytics-api): checks a key for a dataset, counts the request, records the last use.';
revoke all on function public.authorize_api_key(text, text) from public, anon, authenticated;
grant execute on function public.authorize_api_key(text, text) to service_role;

-- One page of a dataset, ordered by its paging key. p_since: only rows whose change column is at or after
-- it (incremental refresh). p_after: the key of the last row of the previous page (`next` of that page).
-- Answers `{rows, next}`; next is null on the last page.
create function public.analytics_page(
  p_dataset text,
  p_since timestamptz default null,
  p_after jsonb default null,
  p_limit integer default 1000
) returns jsonb
language plpgsql stable security definer set search_path = '' as $$
declare
  v_set private.analytics_datasets;
  v_where text[] := '{}';
  v_order text;
  v_key_tuple text;
  v_after_tuple text;
  v_rows jsonb;
  v_count integer;
  v_last jsonb;
begin
  select * into v_set from private.analytics_datasets where name = p_dataset;
  if not found then
    raise exception using errcode = 'P0001', message = 'unknown_dataset', detail = format('Conjunto de dados desconhecido: %s.', p_dataset);
  end if;
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception using errcode = 'P0001', message = 'invalid_limit', detail = 'limit deve ser de 1 a 10000.';
  end if;

  select string_agg(format('%I', c), ', '), string_agg(format('%I asc', c), ', ')
  into v_key_tuple, v_order from unnest(v_set.key_columns) c;

  if p_since is not null then
    v_where := v_where || format('%I >= %L', v_set.change_column,
      case when v_set.change_column = 'day' then (p_since at time zone analytics.company_timezone())::date::text else p_since::text end);
  end if;
  if p_after is not null then
    if jsonb_typeof(p_after) <> 'object' or exists (select 1 from unnest(v_set.key_columns) c where not p_after ? c) then
      raise exception using errcode = 'P0001', message = 'invalid_cursor', detail = 'Cursor inválido: use o valor de next devolvido pela página anterior.';
    end if;
    -- Row comparison on the key, with each value cast to its column's type through the view's row type.
    select string_agg(format('(jsonb_populate_record(null::analytics.%I, %L::jsonb)).%I', v_set.view_name, p_after::text, c), ', ')
    into v_after_tuple from unnest(v_set.key_columns) c;
    v_where := v_where || format('(%s) > (%s)', v_key_tuple, v_after_tuple);
  end if;

  execute format(
    'select coalesce(jsonb_agg(to_jsonb(page) order by %s), ''[]''::jsonb), count(*)::integer from (select * from analytics.%I %s order by %s limit %s) page',
    v_order, v_set.view_name,
    case when cardinality(v_where) > 0 then 'where ' || array_to_string(v_where, ' and ') else '' end,
    v_order, p_limit)
  into v_rows, v_count;

  if v_count = p_limit then
    select jsonb_object_agg(c, v_rows -> (v_count - 1) -> c) into v_last from unnest(v_set.key_columns) c;
  end if;
  return jsonb_build_object('rows', v_rows, 'next', v_last);
end
$$;
comment on function public.analytics_page(text, timestamptz, jsonb, integer) is
  'Service role (analytics-api): a page of an analytics dataset, keyset-paged, optionally only rows changed since a time.';
revoke all on function public.analytics_page(text, timestamptz, jsonb, integer) from public, anon, authenticated;
grant execute on function public.analytics_page(text, timestamptz, jsonb, integer) to service_role;

-- The dataset list, for the API's index and the admin screen, with each view's columns in order (the
-- API writes CSV headers and JSON keys in that order; jsonb alone would sort keys by length).
create function public.analytics_datasets() returns table (name text, description text, change_column text, columns text[])
language sql stable security definer set search_path = '' as $$
  select d.name, d.description, d.change_column,
         array(select a.attname::text from pg_catalog.pg_attribute a
               where a.attrelid = format('analytics.%I', d.view_name)::regclass and a.attnum > 0 and not a.attisdropped
               order by a.attnum)
  from private.analytics_datasets d
  order by d.name
$$;
comment on function public.analytics_datasets() is 'The analytics API''s datasets: description, incremental column and the view''s columns in order.';
revoke all on function public.analytics_datasets() from public, anon;
grant execute on function public.analytics_datasets() to authenticated, service_role;
