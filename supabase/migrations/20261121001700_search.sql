-- Message and contact search: Portuguese, accent-insensitive, partial words, ranked, paginated.
--
-- Why the heavy lifting sits in security-definer helpers although the public functions are security
-- invoker: under row-level security Postgres may only use an index for a condition whose operator is
-- LEAKPROOF, and neither `tsvector @@ tsquery` nor `text LIKE text` is (only a superuser can mark them).
-- A caller's query on messages or contacts therefore never reaches the GIN indexes; it scans the table.
-- The helpers below run as the owner, use the indexes, and apply the same visibility rule as the
-- policies (tickets: private.sees_all_tickets(), else an agent's teams and assignments past the bot
-- stage; contacts: any active staff). The public functions then read the hits back from
-- public.messages / public.contacts as the caller, so RLS still has the last word: a helper that
-- drifted from the policies could hide a result, never reveal one.
--
-- Ranking. A continuous ts_rank + similarity order needs the score of every match before the first
-- page can be cut; for a common word over 5M messages that is hundreds of thousands of rows (seconds).
-- Relevance is therefore graded, and each grade is read newest first, which a walk of the newest rows
-- or a read of the word's matches answers in milliseconds (see private.search_message_hits):
--   grade 2: every word matches in full (Portuguese stemming: "boletos" finds "boleto"; websearch
--            syntax: "frase exata", -palavra, or);
--   grade 1: the words only appear inside longer words or file names ("transf" finds
--            "transferência", "relatorio" finds "relatorio-final.pdf"), via the trigram index.
-- The order is (grade desc, created_at desc, id desc); the cursor carries that key.

-- Snippets: ts_headline must find the query's lexemes in the original (accented) text, so it parses
-- with a Portuguese configuration that strips accents before stemming, as the search_vector does.
create text search configuration private.portuguese_unaccent (copy = pg_catalog.portuguese);
alter text search configuration private.portuguese_unaccent
  alter mapping for hword, hword_part, word with extensions.unaccent, pg_catalog.portuguese_stem;
comment on text search configuration private.portuguese_unaccent is
  'portuguese with accents stripped first: lexemes equal to_tsvector(''portuguese'', private.unaccent_lower(text)).';

-- Search walks the newest messages in order (see private.search_message_hits); partial, so that where a
-- walk ends is found from the index alone.
create index messages_created_idx on public.messages (created_at desc, id desc) where ticket_id is not null;

-- lower(unaccent()) of a message costs microseconds, about 1 cost unit rather than the default 0.25.
-- With the default the planner filters rows one by one where the trigram index is far cheaper (a word
-- in 0.3% of the messages: 65 ms instead of 5 ms at 300k messages).
alter function private.unaccent_lower(text) cost 500;

-- Search terms -------------------------------------------------------------------------------------------

-- The user's query, whitespace collapsed, checked for length, lower-cased and without accents: the
-- one form both searches work on.
create function private.normalized_search_query(p_query text) returns text
language plpgsql immutable set search_path = '' as $$
declare
  query_text constant text := pg_catalog.btrim(pg_catalog.regexp_replace(coalesce(p_query, ''), '\s+', ' ', 'g'));
begin
  if pg_catalog.char_length(query_text) < 2 then
    raise exception using errcode = 'P0001', message = 'search_query_too_short',
      detail = 'Digite pelo menos 2 caracteres para buscar.';
  end if;
  if pg_catalog.char_length(query_text) > 200 then
    raise exception using errcode = 'P0001', message = 'search_query_too_long',
      detail = 'A busca aceita no máximo 200 caracteres.';
  end if;
  return private.unaccent_lower(query_text);
end
$$;
revoke all on function private.normalized_search_query(text) from public;
grant execute on function private.normalized_search_query(text) to authenticated, service_role;

-- The words of a query that partial matching looks for: runs of letters and digits of 3+ characters
-- (shorter ones have no trigram to use the index), without -negated words, in order, at most 8.
create function private.search_terms(p_normalized_query text) returns text[]
language sql immutable parallel safe set search_path = '' as $$
  select coalesce(pg_catalog.array_agg(term order by first_seen), '{}')
  from (
    select runs.run[1] as term, min(words.ordinal * 1000 + runs.ordinal) as first_seen
    from pg_catalog.regexp_split_to_table(p_normalized_query, '\s+') with ordinality as words(word, ordinal)
    cross join lateral pg_catalog.regexp_matches(words.word, '[[:alnum:]]+', 'g') with ordinality as runs(run, ordinal)
    where words.word not like '-%' and pg_catalog.char_length(runs.run[1]) >= 3
    group by runs.run[1]
    order by first_seen
    limit 8
  ) as terms
$$;
revoke all on function private.search_terms(text) from public;
grant execute on function private.search_terms(text) to authenticated, service_role;

-- LIKE pattern for "contains term": \, % and _ escaped, so nothing in the query acts as a wildcard.
create function private.like_contains(p_term text) returns text
language sql immutable parallel safe strict set search_path = '' as $$
  select '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(p_term, '\', '\\'), '%', '\%'), '_', '\_') || '%'
$$;
revoke all on function private.like_contains(text) from public;
grant execute on function private.like_contains(text) to authenticated, service_role;

-- Cursor: base64url of "grade.created_at-in-microseconds.id" (exact, so no row repeats or is skipped).
create function private.search_cursor_encode(p_grade integer, p_created_at timestamptz, p_id uuid) returns text
language sql immutable parallel safe strict set search_path = '' as $$
  select pg_catalog.rtrim(pg_catalog.translate(pg_catalog.encode(pg_catalog.convert_to(
    p_grade::text || '.' || (extract(epoch from p_created_at) * 1000000)::bigint::text || '.' || pg_catalog.replace(p_id::text, '-', ''),
    'UTF8'), 'base64'), E'+/\n', '-_'), '=')
$$;
revoke all on function private.search_cursor_encode(integer, timestamptz, uuid) from public;
grant execute on function private.search_cursor_encode(integer, timestamptz, uuid) to authenticated, service_role;

create function private.search_cursor_decode(p_cursor text, out grade integer, out created_at timestamptz, out id uuid)
language plpgsql immutable set search_path = '' as $$
declare
  parts text[];
begin
  begin
    parts := pg_catalog.regexp_match(
      pg_catalog.convert_from(pg_catalog.decode(
        pg_catalog.rpad(pg_catalog.translate(p_cursor, '-_', '+/'), ((pg_catalog.char_length(p_cursor) + 3) / 4) * 4, '='),
        'base64'), 'UTF8'),
      '^([12])\.(-?[0-9]{1,18})\.([0-9a-f]{32})$');
  exception when others then
    parts := null;
  end;
  if parts is null then
    raise exception using errcode = 'P0001', message = 'search_cursor_invalid',
      detail = 'O cursor de paginação não é válido.',
      hint = 'Use o next_cursor devolvido pela página anterior, sem alterá-lo.';
  end if;
  grade := parts[1]::integer;
  created_at := timestamptz 'epoch' + parts[2]::bigint * interval '1 microsecond';
  id := parts[3]::uuid;
end
$$;
revoke all on function private.search_cursor_decode(text) from public;
grant execute on function private.search_cursor_decode(text) to authenticated, service_role;

-- Snippet ------------------------------------------------------------------------------------------------

-- Accent- and case-insensitive regular expression for one search term ("nao" → n[aáàâãä…]o).
create function private.accent_insensitive_pattern(p_term text) returns text
language sql immutable parallel safe strict set search_path = '' as $$
  select pg_catalog.string_agg(
    case ch
      when 'a' then '[aáàâãäåAÁÀÂÃÄÅ]'
      when 'e' then '[eéèêëEÉÈÊË]'
      when 'i' then '[iíìîïIÍÌÎÏ]'
      when 'o' then '[oóòôõöOÓÒÔÕÖ]'
      when 'u' then '[uúùûüUÚÙÛÜ]'
      when 'c' then '[cçCÇ]'
      when 'n' then '[nñNÑ]'
      when 'y' then '[yýÿYÝ]'
      else pg_catalog.regexp_replace(ch, '([^[:alnum:]])', '\\\1', 'g')
    end, '' order by ordinal)
  from pg_catalog.regexp_split_to_table(p_term, '') with ordinality as chars(ch, ordinal)
$$;
revoke all on function private.accent_insensitive_pattern(text) from public;
grant execute on function private.accent_insensitive_pattern(text) to authenticated, service_role;

-- A short excerpt of a message with the matches between <mark> and </mark>; everything else is
-- HTML-escaped, so message text cannot inject markup. Full-word matches are marked by ts_headline;
-- partial ones (grade 1) by the accent-insensitive patterns of the terms.
create function private.search_snippet(p_text text, p_query tsquery, p_terms text[]) returns text
language plpgsql stable parallel safe set search_path = '' set client_min_messages = warning as $$
declare
  -- Private-use characters stand for the marks until the text is escaped, and for < and >, which
  -- ts_headline would drop as HTML tags; removed from the input so a message cannot forge them.
  open_mark constant text := U&'\E000';
  close_mark constant text := U&'\E001';
  source text := pg_catalog.translate(coalesce(p_text, ''), '<>' || U&'\E000\E001\E002\E003', U&'\E002\E003');
  excerpt text;
  plain text;
  pattern text;
  first_hit integer;
  window_start integer;
begin
  if source = '' then
    return '';
  end if;
  if p_query is not null and pg_catalog.numnode(p_query) > 0 then
    excerpt := pg_catalog.ts_headline('private.portuguese_unaccent'::regconfig, source, p_query,
      'StartSel=' || open_mark || ', StopSel=' || close_mark
      || ', MaxWords=30, MinWords=12, ShortWord=2');
    plain := pg_catalog.replace(pg_catalog.replace(excerpt, open_mark, ''), close_mark, '');
    if plain <> '' and pg_catalog.strpos(excerpt, open_mark) > 0 then
      excerpt := case when pg_catalog.starts_with(pg_catalog.btrim(source), plain) then '' else '…' end
        || excerpt
        || case when pg_catalog.right(pg_catalog.btrim(source), pg_catalog.char_length(plain)) = plain then '' else '…' end;
    end if;
  end if;
  if (excerpt is null or pg_catalog.strpos(excerpt, open_mark) = 0) and cardinality(p_terms) > 0 then
    select '(' || pg_catalog.string_agg(private.accent_insensitive_pattern(term), '|') || ')'
      into pattern from pg_catalog.unnest(p_terms) as term;
    first_hit := pg_catalog.regexp_instr(source, pattern, 1, 1, 0, 'i');
    if first_hit > 0 then
      -- About 60 characters before the first hit and 140 after, cut at spaces.
      window_start := greatest(1, first_hit - 60);
      excerpt := pg_catalog.substr(source, window_start, 200);
      if window_start > 1 then
        excerpt := '…' || pg_catalog.regexp_replace(excerpt, '^\S*\s', '');
      end if;
      if window_start + 200 <= pg_catalog.char_length(source) then
        excerpt := pg_catalog.regexp_replace(excerpt, '\s\S*$', '') || '…';
      end if;
      excerpt := pg_catalog.regexp_replace(excerpt, pattern, open_mark || '\1' || close_mark, 'gi');
    end if;
  end if;
  if excerpt is null or excerpt = '' then
    excerpt := pg_catalog.left(source, 160) || case when pg_catalog.char_length(source) > 160 then '…' else '' end;
  end if;
  excerpt := pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
    excerpt, '&', '&amp;'), U&'\E002', '&lt;'), U&'\E003', '&gt;'), '"', '&quot;'), '''', '&#39;');
  return pg_catalog.replace(pg_catalog.replace(excerpt, open_mark, '<mark>'), close_mark, '</mark>');
end
$$;
revoke all on function private.search_snippet(text, tsquery, text[]) from public;
grant execute on function private.search_snippet(text, tsquery, text[]) to authenticated, service_role;

-- Message search -----------------------------------------------------------------------------------------

-- One page of hits, in search order, from the tickets the caller may see (see the top of this file for
-- why this is security definer). Returns up to p_limit rows; the caller asks for one more than it
-- shows to know whether a next page exists. Messages without a ticket (blocked contacts, admins only)
-- are not searched.
--
-- Each grade is read newest first, choosing between two ways by what it actually finds rather than
-- by the planner's statistics (which took three words of "segunda via boleto" for independent and read
-- 60k rows, or walked 120k rows for a word in 0.1% of the messages):
--   walk:  the newest rows of the scope, in order, each tested (cost ∝ rows walked, ~1/frequency);
--   index: every older match from the GIN index, then sorted (cost ∝ the word's matches).
-- The first window (20,000 rows for full words, 5,000 for partial ones, whose test costs more;
-- p_scan_rows overrides both, for tests) settles every common word. If it leaves the page short, the
-- frequency it observed predicts both costs, and the cheaper one continues from where it stopped.
create function private.search_message_hits(
  p_query tsquery,
  p_terms text[],
  p_ticket_id uuid,
  p_after_grade integer,
  p_after_created_at timestamptz,
  p_after_id uuid,
  p_limit integer,
  p_scan_rows integer default null
) returns table (message_id uuid, grade integer, created_at timestamptz)
language plpgsql stable security definer set search_path = '' set client_min_messages = warning
-- A parallel walk reads far past the few rows a page needs before its workers stop.
set max_parallel_workers_per_gather = 0 rows 100 as $$
declare
  -- The trigram index's expression, for the index; the walk computes the same value without the
  -- function call, which costs as much again.
  indexed_text constant text := 'private.unaccent_lower(coalesce(m.body, '''') || '' '' || coalesce(m.media_name, ''''))';
  walked_text constant text := 'pg_catalog.lower(extensions.unaccent(''extensions.unaccent''::regdictionary, '
    || 'coalesce(m.body, '''') || '' '' || coalesce(m.media_name, '''')))';
  has_full_text constant boolean := p_query is not null and pg_catalog.numnode(p_query) > 0;
  sees_all constant boolean := private.sees_all_tickets();
  is_agent constant boolean := coalesce(private.current_user_role() = 'agent', false);
  team_ids constant uuid[] := array(select private.my_team_ids());
  remaining integer := p_limit;
  current_grade integer;
  indexed_matches text;
  walked_matches text;
  -- Microseconds per row walked and per match read from the index (measured on 5M messages).
  walk_cost double precision;
  index_cost double precision;
  window_rows integer;
  scope text;
  visible text := 'true';
  scope_rows double precision;
  walked double precision;
  walked_hits double precision;
  walked_visible double precision;
  walk_estimate double precision;
  index_estimate double precision;
  from_created_at timestamptz;
  from_id uuid;
  hit record;
begin
  if not sees_all and not is_agent then
    return;
  end if;
  -- The tickets select policy (and private.caller_sees_ticket), restated: agents see their teams'
  -- tickets and the ones assigned to them, past the bot stage. A scalar subquery, so that it stays one
  -- primary-key probe per hit (an EXISTS would be planned as a hash of every ticket the agent sees).
  if not sees_all then
    visible := 'coalesce((select true from public.tickets t where t.id = c.ticket_id'
      || ' and t.status <> ''bot'' and (t.assignee_id = $5 or t.team_id = any ($6))), false)';
  end if;
  scope := 'm.ticket_id is not null';
  if p_ticket_id is not null then
    scope := scope || ' and m.ticket_id = $2';
  end if;

  <<grades>>
  foreach current_grade in array array[2, 1] loop
    continue when p_after_grade is not null and current_grade > p_after_grade;
    continue when current_grade = 2 and not has_full_text;
    continue when current_grade = 1 and cardinality(p_terms) = 0;

    if current_grade = 2 then
      indexed_matches := 'm.search_vector @@ $1';
      walked_matches := indexed_matches;
      walk_cost := 0.5;
      index_cost := 2;
      window_rows := coalesce(p_scan_rows, 20000);
    else
      select pg_catalog.string_agg(pg_catalog.format('%s like %L', indexed_text, private.like_contains(term)), ' and '),
             pg_catalog.string_agg(pg_catalog.format('%s like %L', walked_text, private.like_contains(term)), ' and ')
        into indexed_matches, walked_matches from pg_catalog.unnest(p_terms) as term;
      if has_full_text then
        indexed_matches := indexed_matches || ' and not (m.search_vector @@ $1)';
        walked_matches := walked_matches || ' and not (m.search_vector @@ $1)';
      end if;
      walk_cost := 1.5;
      index_cost := 4.5;
      window_rows := coalesce(p_scan_rows, 5000);
    end if;
    from_created_at := null;
    from_id := null;
    if p_after_grade = current_grade then
      from_created_at := p_after_created_at;
      from_id := p_after_id;
    end if;
    walked := 0;
    walked_hits := 0;
    walked_visible := 0;

    loop
      -- Walk: the matches among the next window_rows rows, newest first (stops once the page is full).
      for hit in execute pg_catalog.format(
        'select c.id, c.created_at, %4$s as visible from ('
        || ' select m.id, m.created_at, m.ticket_id, (%1$s) as matches from public.messages m'
        || ' where %2$s and ($3::timestamptz is null or (m.created_at, m.id) < ($3, $4))'
        || ' order by m.created_at desc, m.id desc limit %3$s) c'
        || ' where c.matches order by c.created_at desc, c.id desc',
        walked_matches, scope, window_rows, visible)
        using p_query, p_ticket_id, from_created_at, from_id, (select auth.uid()), team_ids
      loop
        walked_hits := walked_hits + 1;
        continue when not hit.visible;
        walked_visible := walked_visible + 1;
        message_id := hit.id;
        grade := current_grade;
        created_at := hit.created_at;
        remaining := remaining - 1;
        return next;
        exit grades when remaining = 0;
      end loop;

      -- Where the window ended, if the scope goes on past it (from the index alone).
      execute pg_catalog.format(
        'select m.created_at, m.id from public.messages m where %1$s and ($3::timestamptz is null or (m.created_at, m.id) < ($3, $4))'
        || ' order by m.created_at desc, m.id desc offset %2$s limit 1',
        scope, window_rows - 1)
        into from_created_at, from_id
        using p_query, p_ticket_id, from_created_at, from_id;
      exit when from_id is null;
      walked := walked + window_rows;

      -- Go on walking while that is expected to cost less than reading the rest from the index.
      if scope_rows is null then
        if p_ticket_id is null then
          select greatest(c.reltuples, 0) into scope_rows from pg_catalog.pg_class c where c.oid = 'public.messages'::regclass;
        else
          select pg_catalog.count(*) into scope_rows from public.messages m where m.ticket_id = p_ticket_id;
        end if;
      end if;
      walk_estimate := case when walked_visible > 0 then remaining * walked / walked_visible end;
      index_estimate := (walked_hits + 1) / walked * greatest(scope_rows - walked, 0);
      if walk_estimate * walk_cost < index_estimate * index_cost then
        window_rows := least(greatest(pg_catalog.ceil(walk_estimate * 1.5)::integer, 1000), 200000);
        continue;
      end if;

      -- Index: every match older than the walk, newest first, each checked for visibility until the
      -- page is full.
      for hit in execute pg_catalog.format(
        'with candidates as materialized ('
        || ' select m.id, m.created_at, m.ticket_id from public.messages m'
        || ' where %1$s and %2$s and (m.created_at, m.id) < ($3, $4))'
        || ' select c.id, c.created_at from (select * from candidates order by created_at desc, id desc) c'
        || ' where %3$s order by c.created_at desc, c.id desc limit $7',
        scope, indexed_matches, visible)
        using p_query, p_ticket_id, from_created_at, from_id, (select auth.uid()), team_ids, remaining
      loop
        message_id := hit.id;
        grade := current_grade;
        created_at := hit.created_at;
        remaining := remaining - 1;
        return next;
      end loop;
      exit;
    end loop;
    exit when remaining <= 0;
  end loop;
end
$$;
revoke all on function private.search_message_hits(tsquery, text[], uuid, integer, timestamptz, uuid, integer, integer) from public;
grant execute on function private.search_message_hits(tsquery, text[], uuid, integer, timestamptz, uuid, integer, integer) to authenticated, service_role;

/*
 * Searches the messages (text, captions, file names, private notes) of every ticket the caller may
 * see, or of one ticket. Portuguese stemming, accents and case ignored, partial words through
 * trigrams, special characters safe (websearch syntax: "frase exata", -excluir, or).
 *
 * Order: rank desc (2 = all words match in full, 1 = partial words), then newest first.
 * snippet: HTML-escaped excerpt with the matches in <mark>…</mark>.
 * Pagination: every row of a page carries the same next_cursor, null on the last page. With supabase-js:
 *   const { data } = await supabase.rpc('search_messages', { p_query: 'boleto', p_cursor })
 *   const nextCursor = data?.at(-1)?.next_cursor ?? null
 * Errors (HTTP 400): search_query_too_short (< 2 characters), search_query_too_long (> 200),
 * search_cursor_invalid.
 */
create function public.search_messages(
  p_query text,
  p_ticket_id uuid default null,
  p_limit integer default 20,
  p_cursor text default null
) returns table (
  message_id uuid,
  ticket_id uuid,
  ticket_number bigint,
  contact_id uuid,
  contact_name text,
  created_at timestamptz,
  kind text,
  direction text,
  snippet text,
  rank real,
  next_cursor text
)
language plpgsql stable security invoker set search_path = '' set client_min_messages = warning as $$
#variable_conflict use_column
declare
  page_size constant integer := least(greatest(coalesce(p_limit, 20), 1), 100);
  normalized text;
  full_text tsquery;
  terms text[];
  after_grade integer;
  after_created_at timestamptz;
  after_id uuid;
begin
  normalized := private.normalized_search_query(p_query);
  if p_cursor is not null then
    select cursor.grade, cursor.created_at, cursor.id into after_grade, after_created_at, after_id
    from private.search_cursor_decode(p_cursor) as cursor;
  end if;
  full_text := pg_catalog.websearch_to_tsquery('pg_catalog.portuguese'::regconfig, normalized);
  -- Partial words only for plain queries: with "phrase", -word or `or` the user asked for exact terms.
  if normalized !~ '"|(^|\s)-[[:alnum:]]|(^|\s)or(\s|$)' then
    terms := private.search_terms(normalized);
  else
    terms := '{}';
  end if;

  return query
  with hits as materialized (
    select h.message_id as hit_id, h.grade as hit_grade, h.created_at as hit_created_at, h.ordinal
    from private.search_message_hits(full_text, terms, p_ticket_id, after_grade, after_created_at, after_id, page_size + 1)
      with ordinality as h(message_id, grade, created_at, ordinal)
  ),
  continuation as (
    select private.search_cursor_encode(h.hit_grade, h.hit_created_at, h.hit_id) as cursor
    from hits h
    where h.ordinal = page_size and exists (select 1 from hits later where later.ordinal > page_size)
  )
  select
    m.id,
    m.ticket_id,
    t.number,
    m.contact_id,
    coalesce(c.display_name, c.whatsapp_name, c.phone),
    m.created_at,
    m.kind,
    m.direction,
    private.search_snippet(pg_catalog.concat_ws(' · ', nullif(m.body, ''), m.media_name), full_text, terms),
    h.hit_grade::real,
    (select continuation.cursor from continuation)
  from hits h
  join public.messages m on m.id = h.hit_id
  join public.tickets t on t.id = m.ticket_id
  left join public.contacts c on c.id = m.contact_id
  where h.ordinal <= page_size
  order by h.ordinal;
end
$$;
revoke all on function public.search_messages(text, uuid, integer, text) from public, anon;
grant execute on function public.search_messages(text, uuid, integer, text) to authenticated, service_role;

-- Contact search -----------------------------------------------------------------------------------------

-- Ids of the contacts matching every term (name, WhatsApp name or phone digits), best first. Security
-- definer for the trigram index (see the top of this file); contacts are visible to all active staff.
create function private.search_contact_ids(p_normalized_query text, p_terms text[], p_limit integer)
returns table (contact_id uuid)
language plpgsql stable security definer set search_path = '' as $$
declare
  searchable constant text :=
    'private.unaccent_lower(coalesce(c.display_name, '''') || '' '' || coalesce(c.whatsapp_name, '''') || '' '' || coalesce(c.phone, ''''))';
  conditions text;
begin
  if private.current_user_role() is null then
    return;
  end if;
  if cardinality(p_terms) > 0 then
    select pg_catalog.string_agg(pg_catalog.format('%s like %L', searchable, private.like_contains(term)), ' and ')
      into conditions from pg_catalog.unnest(p_terms) as term;
  else
    -- "Jo", "51": no trigram inside them, but a word starting with them is indexed (' jo'), where
    -- "contains" would read every contact.
    select pg_catalog.string_agg(pg_catalog.format('%s ~ %L', searchable, '(^| )' || run[1]), ' and ')
      into conditions from pg_catalog.regexp_matches(p_normalized_query, '[[:alnum:]]+', 'g') as run;
  end if;
  if conditions is null then
    return;
  end if;
  return query execute
    'select c.id from public.contacts c where ' || conditions
    || ' order by extensions.word_similarity($1, ' || searchable || ') desc, c.last_message_at desc nulls last, c.id'
    || ' limit $2'
    using p_normalized_query, p_limit;
end
$$;
revoke all on function private.search_contact_ids(text, text[], integer) from public;
grant execute on function private.search_contact_ids(text, text[], integer) to authenticated, service_role;

/*
 * Contacts (Contatos tab) whose saved name, WhatsApp name or phone contain every word of the query,
 * accents and case ignored; closest matches first, then the most recently active.
 * Errors (HTTP 400): search_query_too_short (< 2 characters), search_query_too_long (> 200).
 */
create function public.search_contacts(p_query text, p_limit integer default 20)
returns setof public.contacts
language plpgsql stable security invoker set search_path = '' as $$
declare
  normalized text;
begin
  normalized := private.normalized_search_query(p_query);
  return query
  select c.*
  from private.search_contact_ids(normalized, private.search_terms(normalized), least(greatest(coalesce(p_limit, 20), 1), 100))
    with ordinality as h(contact_id, ordinal)
  join public.contacts c on c.id = h.contact_id
  order by h.ordinal;
end
$$;
revoke all on function public.search_contacts(text, integer) from public, anon;
grant execute on function public.search_contacts(text, integer) to authenticated, service_role;
