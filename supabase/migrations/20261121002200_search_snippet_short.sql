-- Search snippets show a short message whole. The first version always cut an excerpt around the first
-- hit, so a 105-character message came back as "…roteador da tomada, … Depois me conte…" although all of
-- it fits in a result line. Same function otherwise (see 20261121001700_search.sql).

create or replace function private.search_snippet(p_text text, p_query tsquery, p_terms text[]) returns text
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
  -- Up to this length the whole message is the snippet.
  short_text constant integer := 200;
begin
  if source = '' then
    return '';
  end if;
  if p_query is not null and pg_catalog.numnode(p_query) > 0 then
    -- A short message is shown whole (an excerpt of it would only hide its start and end).
    excerpt := pg_catalog.ts_headline('private.portuguese_unaccent'::regconfig, source, p_query,
      'StartSel=' || open_mark || ', StopSel=' || close_mark
      || case when pg_catalog.char_length(source) <= short_text then ', HighlightAll=true'
              else ', MaxWords=30, MinWords=12, ShortWord=2' end);
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
      window_start := case when pg_catalog.char_length(source) <= short_text then 1 else greatest(1, first_hit - 60) end;
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
