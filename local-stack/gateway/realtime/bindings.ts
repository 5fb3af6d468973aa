/**
 * The `config.postgres_changes` entries of a join: parsed as Realtime's
 * `Subscriptions.parse_subscription_params` does, each with the stable integer id the join reply echoes
 * (Realtime uses `:erlang.phash2(params)`; realtime-js only needs the same number back in `ids`).
 */
import { FilterSyntaxError, parseFilters, type ColumnFilter } from './filters.ts'
import type { JsonObject } from './serializer.ts'
import type { ChangeAction } from './tables.ts'

export interface ChangeBinding {
  id: number
  /** The params exactly as the client sent them, echoed with `id` in the join reply. */
  params: JsonObject
  action: ChangeAction | '*'
  schema: string
  table: string
  filters: ColumnFilter[]
  /** `select` columns, or null for every column. */
  selectedColumns: string[] | null
}

export type BindingParse = { binding: ChangeBinding } | { error: string, id: number, params: JsonObject }

/** JSON with sorted keys, so equal params hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as JsonObject).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** FNV-1a folded to 27 bits: the range of phash2, and always a safe positive integer. */
export function bindingId(params: JsonObject): number {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(canonicalJson(params), 'utf8')) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash & 0x7ffffff
}

function actionOf(event: unknown): ChangeAction | '*' {
  if (typeof event !== 'string') return '*'
  const upper = event.toUpperCase()
  return upper === 'INSERT' || upper === 'UPDATE' || upper === 'DELETE' ? upper : '*'
}

function has(params: JsonObject, key: string): boolean {
  return Object.hasOwn(params, key)
}

export function parseBinding(params: JsonObject): BindingParse {
  const id = bindingId(params)
  const fail = (error: string): BindingParse => ({ error, id, params })

  let selectedColumns: string[] | null = null
  if (typeof params.select === 'string') {
    return fail('Error parsing `select` params: expected a list of column name strings, e.g. select: ["col1", "col2"]')
  }
  if (Array.isArray(params.select)) {
    const names = params.select.filter((name): name is string => typeof name === 'string')
    selectedColumns = names.length > 0 ? names : null
  }

  const { schema, table, filter } = params
  let target: { schema: string, table: string, filter: string } | undefined
  if (typeof schema === 'string' && typeof table === 'string' && typeof filter === 'string') {
    target = { schema, table, filter }
  }
  else if (typeof schema === 'string' && typeof table === 'string' && !has(params, 'filter')) {
    target = { schema, table, filter: '' }
  }
  else if (typeof schema === 'string' && !has(params, 'table') && !has(params, 'filter')) {
    target = { schema, table: '*', filter: '' }
  }
  else if (typeof table === 'string' && !has(params, 'schema') && !has(params, 'filter')) {
    target = { schema: 'public', table, filter: '' }
  }
  if (!target) {
    return fail(`No subscription params provided. Please provide at least a \`schema\` or \`table\` to subscribe to: ${JSON.stringify(params)}`)
  }
  if (selectedColumns && (target.schema === '*' || target.table === '*')) {
    return fail('Column selection is not supported for wildcard subscriptions. Provide an explicit schema and table name.')
  }

  let filters: ColumnFilter[]
  try {
    filters = parseFilters(target.filter)
  }
  catch (error) {
    if (error instanceof FilterSyntaxError) return fail(`Error parsing \`filter\` params: ${error.message}`)
    throw error
  }
  return {
    binding: { id, params, action: actionOf(params.event), schema: target.schema, table: target.table, filters, selectedColumns },
  }
}

/** How Realtime prints subscription params in its error messages. */
export function describeBinding(binding: ChangeBinding): string {
  const filters = binding.filters.map(f => `{${JSON.stringify(f.column)}, ${JSON.stringify(f.op)}, ${JSON.stringify(f.value)}, ${f.negate}}`)
  const select = binding.selectedColumns ? JSON.stringify(binding.selectedColumns) : 'nil'
  return `event: ${binding.action}, schema: ${binding.schema}, table: ${binding.table}, filters: [${filters.join(', ')}], select: ${select}`
}
