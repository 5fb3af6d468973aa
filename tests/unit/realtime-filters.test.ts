/**
 * postgres_changes filters: Realtime's grammar (parse_subscription_params) and typed evaluation
 * (check_equality_op, is_visible_through_filters), including SQL's NULL semantics.
 */
import { describe, expect, it } from 'vitest'
import { bindingId, parseBinding } from '../../local-stack/gateway/realtime/bindings.ts'
import {
  compareToLiteral, evaluateFilter, FilterSyntaxError, parseArrayLiteral, parseFilters, rowMatchesFilters,
  type ColumnFilter, type ColumnType,
} from '../../local-stack/gateway/realtime/filters.ts'

const int4: ColumnType = { name: 'int4' }
const int8: ColumnType = { name: 'int8' }
const numeric: ColumnType = { name: 'numeric' }
const text: ColumnType = { name: 'text' }
const bool: ColumnType = { name: 'bool' }
const uuid: ColumnType = { name: 'uuid' }
const timestamptz: ColumnType = { name: 'timestamptz' }
const date: ColumnType = { name: 'date' }
const status: ColumnType = { name: 'ticket_status', enumLabels: ['open', 'pending', 'closed'] }
const textArray: ColumnType = { name: '_text', element: text }
const jsonb: ColumnType = { name: 'jsonb' }

function filter(spec: string): ColumnFilter {
  const [parsed] = parseFilters(spec)
  return parsed!
}

function passes(spec: string, type: ColumnType, value: unknown): boolean | null {
  return evaluateFilter(filter(spec), type, value)
}

describe('filter grammar', () => {
  it('parses column=op.value', () => {
    expect(parseFilters('subject=eq.hey')).toEqual([{ column: 'subject', op: 'eq', value: 'hey', negate: false }])
  })

  it('turns in.(…) into an array literal', () => {
    expect(parseFilters('subject=in.(hidee,ho)')).toEqual([{ column: 'subject', op: 'in', value: '{hidee,ho}', negate: false }])
  })

  it('reads not. as negation and commas as AND', () => {
    expect(parseFilters('subject=not.like.hey%,id=gt.0')).toEqual([
      { column: 'subject', op: 'like', value: 'hey%', negate: true },
      { column: 'id', op: 'gt', value: '0', negate: false },
    ])
  })

  it('keeps commas inside quotes and parentheses', () => {
    expect(parseFilters('name=eq."a,b",tag=in.("x,y",z)')).toEqual([
      { column: 'name', op: 'eq', value: 'a,b', negate: false },
      { column: 'tag', op: 'in', value: '{"x,y",z}', negate: false },
    ])
  })

  it('treats an empty filter as no filter', () => {
    expect(parseFilters('   ')).toEqual([])
  })

  it('rejects unknown operators, missing parentheses and empty segments', () => {
    expect(() => parseFilters('subject=foo.hey')).toThrow(new FilterSyntaxError('["foo", "hey"]'))
    expect(() => parseFilters('undefined')).toThrow(FilterSyntaxError)
    expect(() => parseFilters('id=in.1,2')).toThrow('`in` filter value must be wrapped by parentheses')
    expect(() => parseFilters('id=eq.1,,id=eq.2')).toThrow('empty segments')
  })
})

describe('postgres_changes bindings', () => {
  it('defaults the schema to public and the event to *', () => {
    const result = parseBinding({ table: 'tickets' })
    expect('binding' in result && result.binding).toMatchObject({ schema: 'public', table: 'tickets', action: '*', filters: [] })
  })

  it('reports bad filters with Realtime\'s message', () => {
    const result = parseBinding({ event: 'INSERT', schema: 'public', table: 't', filter: 'x=foo.1' })
    expect('error' in result && result.error).toBe('Error parsing `filter` params: ["foo", "1"]')
  })

  it('gives equal params the same id, whatever their key order', () => {
    const a = bindingId({ event: 'INSERT', schema: 'public', table: 't' })
    const b = bindingId({ table: 't', schema: 'public', event: 'INSERT' })
    expect(a).toBe(b)
    expect(Number.isSafeInteger(a) && a >= 0 && a < 2 ** 27).toBe(true)
    expect(bindingId({ event: 'UPDATE', schema: 'public', table: 't' })).not.toBe(a)
  })
})

describe('typed comparisons', () => {
  it('compares integers numerically, not as text', () => {
    expect(passes('n=gt.9', int4, 10)).toBe(true)
    expect(passes('n=lt.9', int4, 10)).toBe(false)
    expect(passes('n=eq.10', int4, 10)).toBe(true)
    expect(passes('n=neq.10', int4, 10)).toBe(false)
    expect(passes('n=lte.10', int4, 10)).toBe(true)
    expect(passes('n=gte.11', int4, 10)).toBe(false)
  })

  it('compares int8 and numeric exactly', () => {
    expect(compareToLiteral(int8, '9007199254740993', '9007199254740992')).toBe(1)
    expect(compareToLiteral(numeric, 0.1, '0.10')).toBe(0)
    expect(compareToLiteral(numeric, -2.5, '-2.49')).toBe(-1)
    expect(compareToLiteral(numeric, 1e21, '1000000000000000000000')).toBe(0)
    expect(compareToLiteral(numeric, 'NaN', '1e300')).toBe(1)
  })

  it('compares text in code point order (C collation)', () => {
    expect(passes('s=lt.b', text, 'a')).toBe(true)
    expect(passes('s=lt.a', text, 'B')).toBe(true)
    expect(passes('s=gt.z', text, 'é')).toBe(true)
  })

  it('reads booleans, uuids, dates and timestamps as PostgreSQL does', () => {
    expect(passes('b=eq.t', bool, true)).toBe(true)
    expect(passes('b=eq.false', bool, true)).toBe(false)
    expect(passes('u=eq.A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')).toBe(true)
    expect(passes('d=gte.2024-05-01', date, '2024-05-01')).toBe(true)
    expect(passes('t=eq.2024-05-01T12:00:00Z', timestamptz, '2024-05-01T09:00:00-03:00')).toBe(true)
    expect(passes('t=gt.2024-05-01 12:00:00.5+00', timestamptz, '2024-05-01T12:00:00.500001+00:00')).toBe(true)
  })

  it('orders enums by their declared order', () => {
    expect(passes('s=gt.open', status, 'closed')).toBe(true)
    expect(passes('s=lt.pending', status, 'closed')).toBe(false)
  })

  it('matches in lists with the column type', () => {
    expect(passes('n=in.(1,5,10)', int4, 5)).toBe(true)
    expect(passes('n=in.(1,05)', int4, 5)).toBe(true)
    expect(passes('n=in.(1,2)', int4, 5)).toBe(false)
    expect(passes('s=in.("a,b",c)', text, 'a,b')).toBe(true)
    expect(passes('n=not.in.(1,2)', int4, 5)).toBe(true)
  })

  it('compares arrays element by element and jsonb structurally', () => {
    // A comma splits filters even inside braces: array literals with several elements are quoted.
    expect(passes('tags=eq."{a,\\"b c\\"}"', textArray, ['a', 'b c'])).toBe(true)
    expect(passes('tags=lt.{b}', textArray, ['a', 'z'])).toBe(true)
    expect(passes('meta=eq."{\\"b\\":1,\\"a\\":[1,2]}"', jsonb, { a: [1, 2], b: 1 })).toBe(true)
    expect(passes('meta=neq.{"a":1}', jsonb, { a: 2 })).toBe(true)
    expect(passes('meta=gt.{"a":1}', jsonb, { a: 2 })).toBe(false)
  })

  it('supports like, ilike, match and imatch', () => {
    expect(passes('s=like.Ol_%', text, 'Olá mundo')).toBe(true)
    expect(passes('s=like.ol%', text, 'Olá')).toBe(false)
    expect(passes('s=ilike.ol%', text, 'Olá')).toBe(true)
    expect(passes('s=like.100\\%', text, '100%')).toBe(true)
    expect(passes('s=match.^[0-9]+$', text, '2024')).toBe(true)
    expect(passes('s=imatch.^abc', text, 'ABCD')).toBe(true)
  })
})

describe('NULL semantics', () => {
  it('hides rows whose compared value is NULL, even under not.', () => {
    expect(passes('n=eq.1', int4, null)).toBeNull()
    expect(passes('n=not.eq.1', int4, null)).toBeNull()
    expect(passes('n=in.(1,NULL)', int4, 2)).toBeNull()
  })

  it('answers is and isdistinct for NULLs', () => {
    expect(passes('n=is.null', int4, null)).toBe(true)
    expect(passes('n=not.is.null', int4, null)).toBe(false)
    expect(passes('b=is.true', bool, true)).toBe(true)
    expect(passes('n=isdistinct.1', int4, null)).toBe(true)
    expect(passes('n=isdistinct.1', int4, 1)).toBe(false)
    expect(passes('n=not.isdistinct.1', int4, 1)).toBe(true)
  })

  it('requires every filter to pass and every filtered column to exist', () => {
    const types = (column: string) => ({ n: int4, s: text } as Record<string, ColumnType>)[column]
    const filters = parseFilters('n=gt.1,s=eq.x')
    expect(rowMatchesFilters(filters, { n: 2, s: 'x' }, types)).toBe(true)
    expect(rowMatchesFilters(filters, { n: 2, s: 'y' }, types)).toBe(false)
    expect(rowMatchesFilters(filters, { n: 2 }, types)).toBe(false)
    expect(rowMatchesFilters([], null, types)).toBe(true)
    expect(rowMatchesFilters(filters, null, types)).toBe(false)
  })
})

describe('array literals', () => {
  it('parses quotes, escapes and NULL', () => {
    expect(parseArrayLiteral('{a,"b,c","d\\"e",NULL, f }')).toEqual(['a', 'b,c', 'd"e', null, 'f'])
    expect(parseArrayLiteral('{}')).toEqual([])
    expect(parseArrayLiteral('a,b')).toBeUndefined()
  })
})
