/**
 * Reads the `public` schema from pg_catalog and prints the `Database` type the Supabase CLI would
 * (`supabase gen types typescript`): Tables (Row / Insert / Update / Relationships), Views, Functions
 * (Args / Returns, SetofOptions for functions returning a table's rows), Enums and CompositeTypes. What
 * supabase-js needs to type `.from()`, `.select()` embeds and `.rpc()`; nothing else.
 */
import type pg from 'pg'

const SCHEMA = 'public'

interface ColumnRow {
  relation: string
  kind: string
  column: string
  type: string
  element_type: string | null
  is_array: boolean
  not_null: boolean
  has_default: boolean
  is_identity: boolean
  is_generated: boolean
  is_updatable: boolean
}

interface ForeignKeyRow {
  name: string
  relation: string
  columns: string[]
  referenced_relation: string
  referenced_columns: string[]
  one_to_one: boolean
}

interface FunctionRow {
  name: string
  arg_names: string[] | null
  arg_types: string[]
  arg_modes: string[] | null
  defaults: number
  returns_set: boolean
  return_type: string
  return_type_kind: string
  return_relation: string | null
  return_relation_kind: string | null
  table_columns: Array<{ name: string, type: string }> | null
}

/** Postgres type name → TypeScript, as the CLI maps them. */
function tsType(type: string, enums: Map<string, string[]>): string {
  if (enums.has(type)) return `Database['${SCHEMA}']['Enums']['${type}']`
  switch (type) {
    case 'bool': return 'boolean'
    case 'int2': case 'int4': case 'int8': case 'float4': case 'float8': case 'numeric': case 'oid': return 'number'
    case 'json': case 'jsonb': return 'Json'
    case 'void': return 'undefined'
    case 'record': return 'Record<string, unknown>'
    case 'tsvector': case 'tsquery': return 'unknown'
    case 'uuid': case 'text': case 'varchar': case 'bpchar': case 'citext': case 'name': case 'char':
    case 'date': case 'time': case 'timetz': case 'timestamp': case 'timestamptz': case 'interval':
    case 'inet': case 'cidr': case 'macaddr': case 'bytea':
      return 'string'
    default: return 'unknown'
  }
}

function columnType(column: { type: string, element_type: string | null, is_array: boolean }, enums: Map<string, string[]>): string {
  if (column.is_array) {
    const element = tsType(column.element_type ?? '', enums)
    return element.includes(' ') || element.includes('|') ? `(${element})[]` : `${element}[]`
  }
  return tsType(column.type, enums)
}

const quote = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name}'`)

async function readColumns(client: pg.Client): Promise<ColumnRow[]> {
  const { rows } = await client.query<ColumnRow>(`
    select c.relname as relation, c.relkind as kind, a.attname as column,
           t.typname as type, et.typname as element_type, t.typcategory = 'A' as is_array,
           a.attnotnull as not_null, a.atthasdef as has_default,
           a.attidentity <> '' as is_identity, a.attgenerated <> '' as is_generated,
           coalesce(col.is_updatable = 'YES', true) as is_updatable
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    join pg_type t on t.oid = a.atttypid
    left join pg_type et on et.oid = t.typelem and t.typcategory = 'A'
    left join information_schema.columns col
      on col.table_schema = n.nspname and col.table_name = c.relname and col.column_name = a.attname
    where n.nspname = $1 and c.relkind in ('r', 'p', 'v', 'm')
    order by c.relname, a.attname`, [SCHEMA])
  return rows
}

async function readForeignKeys(client: pg.Client): Promise<ForeignKeyRow[]> {
  const { rows } = await client.query<ForeignKeyRow>(`
    select con.conname as name, src.relname as relation,
           array(select att.attname::text from unnest(con.conkey) with ordinality k(num, ord)
                 join pg_attribute att on att.attrelid = con.conrelid and att.attnum = k.num order by k.ord) as columns,
           dst.relname as referenced_relation,
           array(select att.attname::text from unnest(con.confkey) with ordinality k(num, ord)
                 join pg_attribute att on att.attrelid = con.confrelid and att.attnum = k.num order by k.ord) as referenced_columns,
           exists (
             select 1 from pg_index i
             where i.indrelid = con.conrelid and i.indisunique
               and (select array_agg(x order by x) from unnest(i.indkey::int2[]) x) = (select array_agg(x order by x) from unnest(con.conkey) x)
           ) as one_to_one
    from pg_constraint con
    join pg_class src on src.oid = con.conrelid
    join pg_namespace sn on sn.oid = src.relnamespace
    join pg_class dst on dst.oid = con.confrelid
    join pg_namespace dn on dn.oid = dst.relnamespace
    where con.contype = 'f' and sn.nspname = $1 and dn.nspname = $1
    order by src.relname, con.conname`, [SCHEMA])
  return rows
}

async function readEnums(client: pg.Client): Promise<Map<string, string[]>> {
  const { rows } = await client.query<{ name: string, labels: string[] }>(`
    select t.typname as name, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
    from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
    where n.nspname = $1 group by t.typname order by t.typname`, [SCHEMA])
  return new Map(rows.map(row => [row.name, row.labels]))
}

async function readFunctions(client: pg.Client): Promise<FunctionRow[]> {
  const { rows } = await client.query<FunctionRow>(`
    select p.proname as name, p.proargnames as arg_names,
           array(select t.typname::text from unnest(coalesce(p.proallargtypes, p.proargtypes::oid[])) with ordinality a(oid, ord)
                 join pg_type t on t.oid = a.oid order by a.ord) as arg_types,
           p.proargmodes::text[] as arg_modes, p.pronargdefaults as defaults, p.proretset as returns_set,
           rt.typname as return_type, rt.typtype as return_type_kind,
           rc.relname as return_relation, rc.relkind as return_relation_kind,
           null::jsonb as table_columns
    from pg_proc p
    join pg_namespace n on n.oid = p.pronamespace
    join pg_type rt on rt.oid = p.prorettype
    left join pg_class rc on rc.oid = rt.typrelid and rt.typtype = 'c'
    left join pg_depend d on d.objid = p.oid and d.deptype = 'e'
    where n.nspname = $1 and p.prokind = 'f' and d.objid is null and rt.typname <> 'trigger'
    order by p.proname, p.oid`, [SCHEMA])
  return rows
}

interface Parameter { name: string, type: string, optional: boolean }

function functionParameters(fn: FunctionRow): { args: Parameter[], outColumns: Array<{ name: string, type: string }> } {
  const args: Parameter[] = []
  const outColumns: Array<{ name: string, type: string }> = []
  const inputCount = fn.arg_types.filter((_, index) => ['i', 'b', 'v'].includes(fn.arg_modes?.[index] ?? 'i')).length
  let inputIndex = 0
  fn.arg_types.forEach((type, index) => {
    const mode = fn.arg_modes?.[index] ?? 'i'
    const name = fn.arg_names?.[index] ?? `arg${index}`
    if (mode === 't' || mode === 'o') {
      outColumns.push({ name, type })
      return
    }
    args.push({ name, type, optional: inputIndex >= inputCount - fn.defaults })
    inputIndex++
  })
  return { args, outColumns }
}

export interface GenerateOptions {
  /** Leaves relations and functions out by name (tests leave scratch `test_*` tables behind). */
  exclude?: (name: string) => boolean
}

export async function generateDatabaseTypes(client: pg.Client, options: GenerateOptions = {}): Promise<string> {
  const keep = (name: string) => !options.exclude?.(name)
  // One connection answers one query at a time.
  const columns = (await readColumns(client)).filter(column => keep(column.relation))
  const foreignKeys = (await readForeignKeys(client)).filter(fk => keep(fk.relation) && keep(fk.referenced_relation))
  const enums = await readEnums(client)
  const functions = (await readFunctions(client)).filter(fn => keep(fn.name))
  const relations = new Map<string, { kind: string, columns: ColumnRow[] }>()
  for (const column of columns) {
    const relation = relations.get(column.relation) ?? { kind: column.kind, columns: [] }
    relation.columns.push(column)
    relations.set(column.relation, relation)
  }

  const out: string[] = []
  const emit = (line: string) => out.push(line)
  emit('/**')
  emit(' * Generated from the database schema by `npm run db:types` (scripts/db-types.ts), in the shape of')
  emit(' * `supabase gen types typescript`. Do not edit: change the migration and regenerate.')
  emit(' * tests/database/db-types.test.ts fails when this file is out of date.')
  emit(' */')
  emit('export type Json = string | number | boolean | null | { [key: string]: Json | undefined } | Json[]')
  emit('')
  emit('export type Database = {')
  emit('  __InternalSupabase: {')
  emit('    PostgrestVersion: \'12\'')
  emit('  }')
  emit(`  ${SCHEMA}: {`)

  const relationships = (relation: string) => foreignKeys.filter(fk => fk.relation === relation)
  const emitRelationships = (relation: string, indent: string) => {
    const list = relationships(relation)
    if (list.length === 0) {
      emit(`${indent}Relationships: []`)
      return
    }
    emit(`${indent}Relationships: [`)
    for (const fk of list) {
      emit(`${indent}  {`)
      emit(`${indent}    foreignKeyName: '${fk.name}'`)
      emit(`${indent}    columns: [${fk.columns.map(c => `'${c}'`).join(', ')}]`)
      emit(`${indent}    isOneToOne: ${fk.one_to_one}`)
      emit(`${indent}    referencedRelation: '${fk.referenced_relation}'`)
      emit(`${indent}    referencedColumns: [${fk.referenced_columns.map(c => `'${c}'`).join(', ')}]`)
      emit(`${indent}  },`)
    }
    emit(`${indent}]`)
  }

  const emitRelationGroup = (title: 'Tables' | 'Views', kinds: string[]) => {
    const names = [...relations.keys()].filter(name => kinds.includes(relations.get(name)!.kind)).sort()
    if (names.length === 0) {
      emit(`    ${title}: {`)
      emit('      [_ in never]: never')
      emit('    }')
      return
    }
    emit(`    ${title}: {`)
    for (const name of names) {
      const relation = relations.get(name)!
      emit(`      ${quote(name)}: {`)
      emit('        Row: {')
      for (const column of relation.columns) {
        const type = columnType(column, enums)
        const nullable = !column.not_null || relation.kind === 'v' || relation.kind === 'm'
        emit(`          ${quote(column.column)}: ${type}${nullable ? ' | null' : ''}`)
      }
      emit('        }')
      const writable = relation.columns.filter(column => !column.is_generated && column.is_updatable)
      for (const part of ['Insert', 'Update'] as const) {
        if (title === 'Views' && writable.length === 0) continue
        emit(`        ${part}: {`)
        for (const column of writable) {
          const type = columnType(column, enums)
          const optional = part === 'Update' || !column.not_null || column.has_default || column.is_identity
          const nullable = !column.not_null
          emit(`          ${quote(column.column)}${optional ? '?' : ''}: ${type}${nullable ? ' | null' : ''}`)
        }
        emit('        }')
      }
      emitRelationships(name, '        ')
      emit('      }')
    }
    emit('    }')
  }

  emitRelationGroup('Tables', ['r', 'p'])
  emitRelationGroup('Views', ['v', 'm'])

  emit('    Functions: {')
  const byName = new Map<string, FunctionRow[]>()
  for (const fn of functions) byName.set(fn.name, [...(byName.get(fn.name) ?? []), fn])
  if (byName.size === 0) emit('      [_ in never]: never')
  for (const [name, overloads] of [...byName.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const variants = overloads.map((fn) => {
      const { args, outColumns } = functionParameters(fn)
      const lines: string[] = []
      if (args.length === 0) lines.push('Args: never')
      else {
        lines.push('Args: {')
        for (const arg of args) {
          const type = arg.type.startsWith('_') ? `${tsType(arg.type.slice(1), enums)}[]` : tsType(arg.type, enums)
          lines.push(`  ${quote(arg.name)}${arg.optional ? '?' : ''}: ${type}`)
        }
        lines.push('}')
      }
      const relationReturn = fn.return_relation && ['r', 'p', 'v', 'm'].includes(fn.return_relation_kind ?? '')
      if (outColumns.length > 0) {
        lines.push('Returns: {')
        for (const column of outColumns) {
          const type = column.type.startsWith('_') ? `${tsType(column.type.slice(1), enums)}[]` : tsType(column.type, enums)
          lines.push(`  ${quote(column.name)}: ${type}`)
        }
        lines.push(fn.returns_set ? '}[]' : '}')
      }
      else if (relationReturn) {
        const group = ['v', 'm'].includes(fn.return_relation_kind ?? '') ? 'Views' : 'Tables'
        lines.push(`Returns: Database['${SCHEMA}']['${group}']['${fn.return_relation}']['Row']${fn.returns_set ? '[]' : ''}`)
        lines.push(`SetofOptions: { from: '*', to: '${fn.return_relation}', isOneToOne: ${!fn.returns_set}, isSetofReturn: ${fn.returns_set} }`)
      }
      else {
        const base = fn.return_type.startsWith('_') ? `${tsType(fn.return_type.slice(1), enums)}[]` : tsType(fn.return_type, enums)
        lines.push(`Returns: ${base}${fn.returns_set ? '[]' : ''}`)
      }
      return lines
    })
    if (variants.length === 1) {
      emit(`      ${quote(name)}: {`)
      for (const line of variants[0]!) emit(`        ${line}`)
      emit('      }')
    }
    else {
      emit(`      ${quote(name)}:`)
      for (const variant of variants) {
        emit('        | {')
        for (const line of variant) emit(`          ${line}`)
        emit('        }')
      }
    }
  }
  emit('    }')

  emit('    Enums: {')
  if (enums.size === 0) emit('      [_ in never]: never')
  for (const [name, labels] of enums) emit(`      ${quote(name)}: ${labels.map(label => `'${label}'`).join(' | ')}`)
  emit('    }')
  emit('    CompositeTypes: {')
  emit('      [_ in never]: never')
  emit('    }')
  emit('  }')
  emit('}')
  emit('')
  emit(`type PublicSchema = Database['${SCHEMA}']`)
  emit('')
  emit('export type Tables<Name extends keyof PublicSchema[\'Tables\']> = PublicSchema[\'Tables\'][Name][\'Row\']')
  emit('export type TablesInsert<Name extends keyof PublicSchema[\'Tables\']> = PublicSchema[\'Tables\'][Name][\'Insert\']')
  emit('export type TablesUpdate<Name extends keyof PublicSchema[\'Tables\']> = PublicSchema[\'Tables\'][Name][\'Update\']')
  emit('export type Views<Name extends keyof PublicSchema[\'Views\']> = PublicSchema[\'Views\'][Name][\'Row\']')
  emit('export type Functions<Name extends keyof PublicSchema[\'Functions\']> = PublicSchema[\'Functions\'][Name]')
  emit('')
  return out.join('\n')
}
