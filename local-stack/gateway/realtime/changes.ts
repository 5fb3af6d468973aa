/**
 * postgres_changes delivery. The capture triggers of 03-realtime.sql write each row change of a
 * publication table to `_realtime.changes` and NOTIFY `_realtime_changes`; a dedicated LISTEN connection
 * wakes the feed, which consumes every pending row (deleting it, so a transaction that commits after a
 * later id is never skipped) and, per change, does what Realtime's `apply_rls.sql` does per subscriber:
 * publication action and binding event, filters, then `select exists(…)` under the subscriber's role and
 * claims when the table has RLS (never for DELETE), and a payload holding only the columns that role may
 * select.
 */
import pg from 'pg'
import type { JwtClaims } from '../keys.ts'
import type { GatewayContext } from '../context.ts'
import { describeBinding, type ChangeBinding } from './bindings.ts'
import { rowMatchesFilters, type ColumnType } from './filters.ts'
import type { ChangeAction, TableCatalog, TableInfo } from './tables.ts'

/** The `data` of a postgres_changes message (Realtime's NewRecord / UpdatedRecord / DeletedRecord). */
export interface ChangeData {
  schema: string
  table: string
  type: ChangeAction
  commit_timestamp: string | null
  columns: Array<{ name: string, type: string }>
  record?: Record<string, unknown>
  old_record?: Record<string, unknown>
  errors: string[] | null
}

export interface ChangeSubscriber {
  /** The subscriber's current claims; read at delivery time, so a refreshed token applies at once. */
  readonly claims: JwtClaims
  deliverChange(ids: number[], data: ChangeData): void
}

interface Subscription {
  subscriber: ChangeSubscriber
  binding: ChangeBinding
}

interface ChangeRow {
  id: string
  entity: number
  action: ChangeAction
  record: Record<string, unknown> | null
  old_record: Record<string, unknown> | null
  committed_at: Date
}

export type SubscribeResult = { ok: true } | { ok: false, message: string }

const CHANGES_CHANNEL = '_realtime_changes'
const SCHEMA_CHANNEL = '_realtime_schema'
const BATCH_SIZE = 500
/** apply_rls's default max_record_bytes: larger changes lose their big values and carry a 413 error. */
const MAX_RECORD_BYTES = 1024 * 1024
const MAX_TRUNCATED_VALUE_BYTES = 64
const RECONNECT_DELAY_MS = 1000

function pick(row: Record<string, unknown> | null, names: ReadonlySet<string>, truncate: boolean): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(row ?? {})) {
    if (!names.has(name)) continue
    if (truncate && Buffer.byteLength(JSON.stringify(value) ?? '') > MAX_TRUNCATED_VALUE_BYTES) continue
    picked[name] = value
  }
  return picked
}

/** Groups items by a string key, keeping first-seen order. */
function groupBy<T>(items: Iterable<T>, keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    const group = groups.get(key)
    if (group) group.push(item)
    else groups.set(key, [item])
  }
  return groups
}

function roleOf(claims: JwtClaims): string {
  return String(claims.role ?? '')
}

function selectionKey(binding: ChangeBinding): string {
  return binding.selectedColumns ? [...binding.selectedColumns].sort().join(',') : '*'
}

export class ChangeFeed {
  private readonly byEntity = new Map<number, Set<Subscription>>()
  private readonly bySubscriber = new Map<ChangeSubscriber, Subscription[]>()
  private listener: pg.Client | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private draining: Promise<void> | undefined
  private drainAgain = false
  private stopped = true

  constructor(private readonly ctx: GatewayContext, private readonly catalog: TableCatalog) {}

  async start(): Promise<void> {
    this.stopped = false
    await this.ctx.db.query('select _realtime.sync_capture_triggers()')
    // Rows written while no gateway listened have no subscribers to go to.
    await this.ctx.db.query('delete from _realtime.changes')
    await this.listen()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.reconnectTimer)
    const listener = this.listener
    this.listener = undefined
    await listener?.end().catch(() => {})
    await this.draining
  }

  /**
   * Validates the bindings against the publication and the role's privileges, as Realtime's
   * subscription insert and `subscription_check_filters` do, then replaces the subscriber's
   * subscriptions. All or nothing, like Realtime's transaction.
   */
  async subscribe(subscriber: ChangeSubscriber, bindings: ChangeBinding[]): Promise<SubscribeResult> {
    const role = roleOf(subscriber.claims)
    const subscriptions: Array<{ subscription: Subscription, entities: number[] }> = []
    for (const binding of bindings) {
      const tables = await this.catalog.publicationTables(binding.schema, binding.table)
      if (tables.length === 0) {
        return {
          ok: false,
          message: `Unable to subscribe to changes with given parameters. Please check Realtime is enabled for the given connect parameters: [${describeBinding(binding)}]`,
        }
      }
      const filters = JSON.stringify(binding.filters.map(({ column, op, value, negate }) => ({ column, op, value, negate })))
      for (const table of tables) {
        try {
          await this.ctx.db.query('select _realtime.check_subscription($1, $2, $3, $4)', [table.oid, role, filters, binding.selectedColumns])
        }
        catch (error) {
          const pgError = error as pg.DatabaseError
          return {
            ok: false,
            message: `Unable to subscribe to changes with given parameters. An exception happened so please check your connect parameters: [${describeBinding(binding)}]. Exception: ERROR ${pgError.code ?? ''} ${pgError.message}`,
          }
        }
      }
      subscriptions.push({ subscription: { subscriber, binding }, entities: tables.map(table => table.oid) })
    }
    this.unsubscribe(subscriber)
    this.bySubscriber.set(subscriber, subscriptions.map(({ subscription }) => subscription))
    for (const { subscription, entities } of subscriptions) {
      for (const entity of entities) {
        let set = this.byEntity.get(entity)
        if (!set) this.byEntity.set(entity, set = new Set())
        set.add(subscription)
      }
    }
    return { ok: true }
  }

  unsubscribe(subscriber: ChangeSubscriber): void {
    const subscriptions = this.bySubscriber.get(subscriber)
    if (!subscriptions) return
    this.bySubscriber.delete(subscriber)
    for (const [entity, set] of this.byEntity) {
      for (const subscription of subscriptions) set.delete(subscription)
      if (set.size === 0) this.byEntity.delete(entity)
    }
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(this.ctx.db.options)
    client.on('notification', (notification) => {
      if (notification.channel === SCHEMA_CHANNEL) this.catalog.invalidate()
      else if (notification.channel === CHANGES_CHANNEL) this.drain()
    })
    client.on('error', error => this.listenerLost(client, error))
    client.on('end', () => this.listenerLost(client))
    try {
      await client.connect()
      await client.query(`listen ${CHANGES_CHANNEL}; listen ${SCHEMA_CHANNEL}`)
    }
    catch (error) {
      await client.end().catch(() => {})
      throw error
    }
    if (this.stopped) {
      await client.end()
      return
    }
    this.listener = client
    // Anything committed while nobody listened, and any schema change we did not hear about.
    this.catalog.invalidate()
    this.drain()
  }

  private listenerLost(client: pg.Client, error?: Error): void {
    if (this.stopped || this.listener !== client) return
    this.listener = undefined
    this.ctx.log(`[realtime] change listener disconnected${error ? `: ${error.message}` : ''}; reconnecting`)
    client.end().catch(() => {})
    this.reconnectTimer = setTimeout(() => this.reconnect(), RECONNECT_DELAY_MS)
  }

  private reconnect(): void {
    if (this.stopped) return
    this.listen().catch((error: Error) => {
      this.ctx.log(`[realtime] could not listen for changes: ${error.message}`)
      this.reconnectTimer = setTimeout(() => this.reconnect(), RECONNECT_DELAY_MS)
    })
  }

  /** Consumes pending changes; concurrent wake-ups fold into one more pass. */
  private drain(): void {
    if (this.draining) {
      this.drainAgain = true
      return
    }
    this.draining = (async () => {
      do {
        this.drainAgain = false
        try {
          const consumed = await this.consumeBatch()
          if (consumed === BATCH_SIZE) this.drainAgain = true
        }
        catch (error) {
          if (!this.stopped) this.ctx.log(`[realtime] delivering changes failed: ${(error as Error).stack ?? error}`)
        }
      } while (this.drainAgain && !this.stopped)
    })().finally(() => { this.draining = undefined })
  }

  private async consumeBatch(): Promise<number> {
    const { rows } = await this.ctx.db.query<ChangeRow>(
      `with batch as (select id from _realtime.changes order by id limit $1 for update skip locked)
       delete from _realtime.changes c using batch where c.id = batch.id
       returning c.id, c.entity, c.action, c.record, c.old_record, c.committed_at`,
      [BATCH_SIZE],
    )
    if (rows.length === 0 || this.byEntity.size === 0) return rows.length
    rows.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))

    // One transaction for the batch's RLS checks, rolled back so policies cannot leave side effects.
    let client: pg.PoolClient | undefined
    const rlsClient = async () => {
      if (!client) {
        client = await this.ctx.db.connect()
        await client.query('begin')
      }
      return client
    }
    try {
      for (const row of rows) {
        try {
          await this.dispatch(row, rlsClient)
        }
        catch (error) {
          this.ctx.log(`[realtime] change ${row.id} not delivered: ${(error as Error).message}`)
          // A failed statement aborts the transaction; the next change needs a fresh one.
          if (client) await client.query('rollback; begin')
        }
      }
    }
    finally {
      if (client) {
        await client.query('rollback').catch(() => {})
        client.release()
      }
    }
    return rows.length
  }

  private async dispatch(change: ChangeRow, rlsClient: () => Promise<pg.PoolClient>): Promise<void> {
    const candidates = [...this.byEntity.get(change.entity) ?? []]
      .filter(({ binding }) => binding.action === '*' || binding.action === change.action)
    if (candidates.length === 0) return
    let table = await this.catalog.table(change.entity)
    if (table && this.hasUnknownColumns(table, change)) {
      // The row is newer than our cached columns (its DDL notification is still on its way).
      this.catalog.invalidate()
      table = await this.catalog.table(change.entity)
    }
    if (!table || !(await this.catalog.publishedActions()).has(change.action)) return

    const oldIdentity = this.identityOf(table, change)
    const typeOf = (name: string): ColumnType | undefined => table.columns.find(column => column.name === name)?.type
    const tooLarge = Buffer.byteLength(JSON.stringify([change.record, change.old_record])) > MAX_RECORD_BYTES

    // Per role, as apply_rls: structural errors first (sent to every subscriber of the role), then
    // filters, then RLS.
    const deliveries: Array<{ selectable: ReadonlySet<string>, subscriptions: Subscription[], error?: string }> = []
    const needsRls: Subscription[] = []
    for (const [role, roleSubscriptions] of groupBy(candidates, ({ subscriber }) => roleOf(subscriber.claims))) {
      const selectable = await this.catalog.selectableColumns(table.oid, role)
      const error = change.action === 'DELETE'
        ? undefined
        : table.primaryKey.length === 0
          ? 'Error 400: Bad Request, no primary key'
          : table.primaryKey.every(column => selectable.has(column)) ? undefined : 'Error 401: Unauthorized'
      if (error) {
        deliveries.push({ selectable, subscriptions: roleSubscriptions, error })
        continue
      }
      const passing = roleSubscriptions.filter(({ binding }) => change.action === 'DELETE'
        ? rowMatchesFilters(binding.filters, oldIdentity, typeOf)
        : rowMatchesFilters(binding.filters, change.record, typeOf))
      if (table.rlsEnabled && change.action !== 'DELETE') needsRls.push(...passing)
      deliveries.push({ selectable, subscriptions: passing })
    }

    const hidden = await this.rowHiddenFrom(table, change, needsRls, rlsClient)
    for (const { selectable, subscriptions, error } of deliveries) {
      const visible = subscriptions.filter(subscription => !hidden.has(subscription))
      if (visible.length > 0) this.deliver(table, change, oldIdentity, selectable, visible, error, tooLarge)
    }
  }

  private hasUnknownColumns(table: TableInfo, change: ChangeRow): boolean {
    const row = change.record ?? change.old_record ?? {}
    return Object.keys(row).some(name => !table.columns.some(column => column.name === name))
  }

  /** The subscriptions whose claims do not let them see the changed row (RLS), in one query. */
  private async rowHiddenFrom(
    table: TableInfo, change: ChangeRow, subscriptions: Subscription[], rlsClient: () => Promise<pg.PoolClient>,
  ): Promise<Set<Subscription>> {
    const hidden = new Set<Subscription>()
    if (subscriptions.length === 0) return hidden
    const byClaims = groupBy(subscriptions, ({ subscriber }) => JSON.stringify(subscriber.claims))
    const key = Object.fromEntries(table.primaryKey.map(column => [column, change.record?.[column] ?? null]))
    const client = await rlsClient()
    const { rows: [row] } = await client.query<{ visible: boolean[] }>(
      'select _realtime.visible_to($1, $2, $3::jsonb[]) as visible',
      [table.oid, JSON.stringify(key), [...byClaims.keys()]],
    )
    const groups = [...byClaims.values()]
    groups.forEach((group, index) => {
      if (!row?.visible[index]) for (const subscription of group) hidden.add(subscription)
    })
    return hidden
  }

  /** The old row as wal2json reports it: replica identity columns only (all of them with FULL). */
  private identityOf(table: TableInfo, change: ChangeRow): Record<string, unknown> | null {
    if (!change.old_record) return null
    if (table.identity === 'full') return change.old_record
    return pick(change.old_record, new Set(table.identity), false)
  }

  /** One message per subscriber and column selection, listing the ids of the bindings it satisfies. */
  private deliver(
    table: TableInfo, change: ChangeRow, oldIdentity: Record<string, unknown> | null, selectable: ReadonlySet<string>,
    subscriptions: Subscription[], error: string | undefined, tooLarge: boolean,
  ): void {
    const primaryKey = new Set(table.primaryKey)
    for (const group of groupBy(subscriptions, ({ binding }) => selectionKey(binding)).values()) {
      const selected = group[0]!.binding.selectedColumns
      const allowed = new Set(table.columns
        .filter(({ name }) => selectable.has(name) && (!selected || selected.includes(name) || primaryKey.has(name)))
        .map(({ name }) => name))
      const data = error
        ? this.errorData(table, change, error)
        : this.changeData(table, change, oldIdentity, allowed, tooLarge)
      const idsBySubscriber = new Map<ChangeSubscriber, Set<number>>()
      for (const { subscriber, binding } of group) {
        const ids = idsBySubscriber.get(subscriber) ?? new Set()
        idsBySubscriber.set(subscriber, ids.add(binding.id))
      }
      for (const [subscriber, ids] of idsBySubscriber) subscriber.deliverChange([...ids], data)
    }
  }

  private changeData(
    table: TableInfo, change: ChangeRow, oldIdentity: Record<string, unknown> | null, allowed: ReadonlySet<string>, tooLarge: boolean,
  ): ChangeData {
    const data: ChangeData = {
      schema: table.schema,
      table: table.name,
      type: change.action,
      commit_timestamp: change.committed_at.toISOString(),
      columns: table.columns.filter(({ name }) => allowed.has(name)).map(({ name, typeName }) => ({ name, type: typeName })),
      errors: tooLarge ? ['Error 413: Payload Too Large'] : null,
    }
    if (change.action !== 'DELETE') data.record = pick(change.record, allowed, tooLarge)
    if (change.action === 'UPDATE') data.old_record = pick(oldIdentity, allowed, tooLarge)
    if (change.action === 'DELETE') {
      // RLS cannot be checked on a deleted row, so only its primary key is revealed.
      const revealed = table.rlsEnabled ? new Set(table.primaryKey.filter(name => allowed.has(name))) : allowed
      data.old_record = pick(oldIdentity, revealed, tooLarge)
    }
    return data
  }

  /** Realtime's payload for a role that cannot subscribe meaningfully (no primary key, no SELECT on it). */
  private errorData(table: TableInfo, change: ChangeRow, error: string): ChangeData {
    const data: ChangeData = {
      schema: table.schema, table: table.name, type: change.action, commit_timestamp: null, columns: [], errors: [error],
    }
    data.record = {}
    if (change.action === 'UPDATE') data.old_record = {}
    return data
  }
}
