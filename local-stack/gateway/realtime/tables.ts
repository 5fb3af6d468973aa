/**
 * What the change feed needs to know about publication tables: columns and their types, primary key,
 * replica identity, RLS, column privileges per role and the publication's actions. Cached, and dropped
 * whenever the database reports a schema change (the `_realtime_schema` notification of 03-realtime.sql).
 */
import type pg from 'pg'
import type { ColumnType } from './filters.ts'

export const PUBLICATION = 'supabase_realtime'

export type ChangeAction = 'INSERT' | 'UPDATE' | 'DELETE'

export interface TableColumn {
  name: string
  /** pg_type.typname of the declared type, as Realtime reports it in `columns`. */
  typeName: string
  /** The type as filters compare it (domains resolved to their base type). */
  type: ColumnType
}

export interface TableInfo {
  oid: number
  schema: string
  name: string
  rlsEnabled: boolean
  columns: TableColumn[]
  primaryKey: string[]
  /** Columns wal2json would report as the old row's identity; 'full' for REPLICA IDENTITY FULL. */
  identity: string[] | 'full'
}

export interface PublicationTable {
  oid: number
  schema: string
  name: string
}

interface ColumnTypeRow {
  name: string
  enumLabels: string[] | null
  element: { name: string, enumLabels: string[] | null } | null
}

const TABLE_SQL = `
  select c.oid, n.nspname as schema, c.relname as name, c.relrowsecurity as rls, c.relreplident as replident,
    coalesce((
      select json_agg(json_build_object(
        'name', a.attname,
        'typeName', t.typname,
        'type', json_build_object(
          'name', bt.typname,
          'enumLabels', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = bt.oid),
          'element', case when bt.typcategory = 'A' then json_build_object(
            'name', et.typname,
            'enumLabels', (select json_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = et.oid)
          ) end
        )
      ) order by a.attnum)
      from pg_attribute a
      join pg_type t on t.oid = a.atttypid
      join pg_type bt on bt.oid = case when t.typtype = 'd' then t.typbasetype else t.oid end
      left join pg_type et on et.oid = bt.typelem
      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    ), '[]') as columns,
    coalesce((
      select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
      where i.indrelid = c.oid and i.indisprimary
    ), '{}') as primary_key,
    coalesce((
      select array_agg(a.attname::text order by array_position(i.indkey::int2[], a.attnum))
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
      where i.indrelid = c.oid and i.indisreplident
    ), '{}') as identity_index
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.oid = $1`

function toColumnType(row: ColumnTypeRow): ColumnType {
  return {
    name: row.name,
    ...(row.enumLabels ? { enumLabels: row.enumLabels } : {}),
    ...(row.element ? { element: toColumnType({ ...row.element, element: null }) } : {}),
  }
}

export class TableCatalog {
  private tables = new Map<number, Promise<TableInfo | undefined>>()
  private privileges = new Map<string, Promise<ReadonlySet<string>>>()
  private actions: Promise<ReadonlySet<ChangeAction>> | undefined

  constructor(private readonly db: pg.Pool) {}

  invalidate(): void {
    this.tables.clear()
    this.privileges.clear()
    this.actions = undefined
  }

  table(oid: number): Promise<TableInfo | undefined> {
    let cached = this.tables.get(oid)
    if (!cached) {
      cached = this.loadTable(oid)
      cached.catch(() => this.tables.delete(oid))
      this.tables.set(oid, cached)
    }
    return cached
  }

  /** Columns `role` may SELECT; empty for a role that does not exist. */
  selectableColumns(oid: number, role: string): Promise<ReadonlySet<string>> {
    const key = `${oid}\u0000${role}`
    let cached = this.privileges.get(key)
    if (!cached) {
      cached = this.db.query<{ name: string }>(
        `select a.attname::text as name from pg_attribute a
         where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
           and has_column_privilege($2, a.attrelid, a.attnum, 'SELECT')`,
        [oid, role],
      ).then(result => new Set(result.rows.map(row => row.name)), () => new Set<string>())
      this.privileges.set(key, cached)
    }
    return cached
  }

  /** The actions the publication publishes (`publish = 'insert, update, delete'` by default). */
  publishedActions(): Promise<ReadonlySet<ChangeAction>> {
    if (!this.actions) {
      this.actions = this.db.query<{ pubinsert: boolean, pubupdate: boolean, pubdelete: boolean }>(
        'select pubinsert, pubupdate, pubdelete from pg_publication where pubname = $1', [PUBLICATION],
      ).then(({ rows: [row] }) => {
        const actions = new Set<ChangeAction>()
        if (row?.pubinsert) actions.add('INSERT')
        if (row?.pubupdate) actions.add('UPDATE')
        if (row?.pubdelete) actions.add('DELETE')
        return actions
      })
      this.actions.catch(() => {
        this.actions = undefined
      })
    }
    return this.actions
  }

  /** Publication tables matching a binding's schema and table (`*` matches any). */
  async publicationTables(schema: string, table: string): Promise<PublicationTable[]> {
    const { rows } = await this.db.query<PublicationTable>(
      `select c.oid, p.schemaname as schema, p.tablename as name
       from pg_publication_tables p
       join pg_namespace n on n.nspname = p.schemaname
       join pg_class c on c.relnamespace = n.oid and c.relname = p.tablename
       where p.pubname = $1 and ($2 = '*' or p.schemaname = $2) and ($3 = '*' or p.tablename = $3)
       order by c.oid`,
      [PUBLICATION, schema, table],
    )
    return rows
  }

  private async loadTable(oid: number): Promise<TableInfo | undefined> {
    const { rows: [row] } = await this.db.query<{
      oid: number
      schema: string
      name: string
      rls: boolean
      replident: string
      columns: Array<{ name: string, typeName: string, type: ColumnTypeRow }>
      primary_key: string[]
      identity_index: string[]
    }>(TABLE_SQL, [oid])
    if (!row) return undefined
    const identityByKind: Record<string, string[] | 'full'> = {
      d: row.primary_key,
      f: 'full',
      i: row.identity_index,
      n: [],
    }
    return {
      oid: row.oid,
      schema: row.schema,
      name: row.name,
      rlsEnabled: row.rls,
      columns: row.columns.map(column => ({ name: column.name, typeName: column.typeName, type: toColumnType(column.type) })),
      primaryKey: row.primary_key,
      identity: identityByKind[row.replident] ?? row.primary_key,
    }
  }
}
