/**
 * SQL on storage.buckets and storage.objects, mirroring the statements of Supabase Storage's
 * `src/storage/database/pg.ts`. Each function runs on a client whose transaction already carries the
 * caller's scope (see db.ts), so RLS applies unless the scope is the service role.
 */
import type pg from 'pg'
import { ERRORS } from './errors.ts'

/** File facts kept in storage.objects.metadata, as Storage's backends report them. */
export interface ObjectMetadata {
  eTag: string
  size: number
  mimetype: string
  cacheControl: string
  lastModified: string
  contentLength: number
  httpStatusCode: number
}

export interface BucketRow {
  id: string
  name: string
  owner: string | null
  owner_id: string | null
  public: boolean
  file_size_limit: number | null
  allowed_mime_types: string[] | null
  created_at: Date
  updated_at: Date
}

export interface ObjectRow {
  id: string
  bucket_id: string
  name: string
  owner: string | null
  owner_id: string | null
  metadata: ObjectMetadata | null
  user_metadata: Record<string, unknown> | null
  version: string | null
  created_at: Date
  updated_at: Date
  last_accessed_at: Date
}

/** What an upload, copy or move writes into a row. */
export interface ObjectWrite {
  bucketId: string
  name: string
  owner: string | undefined
  version: string
  metadata: Partial<ObjectMetadata> | Record<string, unknown> | undefined
  userMetadata: Record<string, unknown> | undefined
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
/** `owner` is a uuid column (deprecated); `owner_id` keeps any subject. */
const ownerUuid = (owner: string | undefined) => (owner && UUID.test(owner) ? owner : null)

const BUCKET_COLUMNS = `id, name, owner, owner_id, public, file_size_limit::float8 as file_size_limit,
  allowed_mime_types, created_at, updated_at`
const OBJECT_COLUMNS = 'id, bucket_id, name, owner, owner_id, metadata, user_metadata, version, created_at, updated_at, last_accessed_at'

// Buckets -------------------------------------------------------------------------------------------------

export async function findBucket(client: pg.ClientBase, id: string, options: { forUpdate?: boolean } = {}): Promise<BucketRow> {
  const bucket = await findBucketIfExists(client, id, options)
  if (!bucket) throw ERRORS.NoSuchBucket()
  return bucket
}

export async function findBucketIfExists(client: pg.ClientBase, id: string, options: { forUpdate?: boolean } = {}): Promise<BucketRow | undefined> {
  const { rows } = await client.query<BucketRow>(
    `select ${BUCKET_COLUMNS} from storage.buckets where id = $1 limit 1 ${options.forUpdate ? 'for update' : ''}`,
    [id],
  )
  return rows[0]
}

export interface ListBucketsOptions {
  limit?: number
  offset?: number
  sortColumn?: 'id' | 'name' | 'created_at' | 'updated_at'
  sortOrder?: 'asc' | 'desc'
  search?: string
}

export async function listBuckets(client: pg.ClientBase, options: ListBucketsOptions): Promise<BucketRow[]> {
  const values: unknown[] = []
  let sql = `select ${BUCKET_COLUMNS} from storage.buckets`
  if (options.search) {
    values.push(`%${options.search.replace(/[\\%_]/g, match => `\\${match}`)}%`)
    sql += ` where name ilike $${values.length}`
  }
  if (options.sortColumn) sql += ` order by ${options.sortColumn} ${options.sortOrder === 'desc' ? 'desc' : 'asc'}`
  if (options.limit !== undefined) {
    values.push(options.limit)
    sql += ` limit $${values.length}`
  }
  if (options.offset !== undefined) {
    values.push(options.offset)
    sql += ` offset $${values.length}`
  }
  const { rows } = await client.query<BucketRow>(sql, values)
  return rows
}

export interface BucketWrite {
  public?: boolean
  file_size_limit?: number | null
  allowed_mime_types?: string[] | null
}

export async function insertBucket(client: pg.ClientBase, bucket: BucketWrite & { id: string, name: string, owner: string | undefined }): Promise<void> {
  try {
    await client.query(
      `insert into storage.buckets (id, name, owner, owner_id, public, file_size_limit, allowed_mime_types)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [bucket.id, bucket.name, ownerUuid(bucket.owner), bucket.owner ?? null, bucket.public ?? false,
        bucket.file_size_limit ?? null, bucket.allowed_mime_types ?? null],
    )
  }
  catch (error) {
    if ((error as pg.DatabaseError).code === '23505') throw ERRORS.BucketAlreadyExists()
    throw error
  }
}

/** Updates only the fields given; returns false when no visible bucket has this id. */
export async function updateBucket(client: pg.ClientBase, id: string, fields: BucketWrite): Promise<boolean> {
  const entries = Object.entries(fields).filter(([, value]) => value !== undefined)
  const assignments = entries.map(([column], index) => `${column} = $${index + 2}`)
  const { rowCount } = await client.query(
    `update storage.buckets set ${assignments.join(', ')} where id = $1`,
    [id, ...entries.map(([, value]) => value)],
  )
  return (rowCount ?? 0) > 0
}

export async function deleteBucket(client: pg.ClientBase, id: string): Promise<number> {
  const { rowCount } = await client.query('delete from storage.buckets where id = $1', [id])
  return rowCount ?? 0
}

export async function bucketHasObjects(client: pg.ClientBase, bucketId: string): Promise<boolean> {
  const { rows } = await client.query('select 1 from storage.objects where bucket_id = $1 limit 1', [bucketId])
  return rows.length > 0
}

// Objects -------------------------------------------------------------------------------------------------

export async function findObject(client: pg.ClientBase, bucketId: string, name: string, options: { forUpdate?: boolean } = {}): Promise<ObjectRow> {
  const object = await findObjectIfExists(client, bucketId, name, options)
  if (!object) throw ERRORS.NoSuchKey()
  return object
}

export async function findObjectIfExists(client: pg.ClientBase, bucketId: string, name: string, options: { forUpdate?: boolean } = {}): Promise<ObjectRow | undefined> {
  const { rows } = await client.query<ObjectRow>(
    `select ${OBJECT_COLUMNS} from storage.objects where name = $1 and bucket_id = $2 limit 1
     ${options.forUpdate ? 'for update' : ''}`,
    [name, bucketId],
  )
  return rows[0]
}

export async function findObjectNames(client: pg.ClientBase, bucketId: string, names: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    'select name from storage.objects where bucket_id = $1 and name = any($2::text[])',
    [bucketId, names],
  )
  return new Set(rows.map(row => row.name))
}

/** A plain insert: fails on an existing key (KeyAlreadyExists) or when RLS forbids it (AccessDenied). */
export async function insertObject(client: pg.ClientBase, object: ObjectWrite): Promise<void> {
  try {
    await client.query(
      `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [object.bucketId, object.name, ownerUuid(object.owner), object.owner ?? null, object.version,
        object.metadata ?? null, object.userMetadata ?? null],
    )
  }
  catch (error) {
    if ((error as pg.DatabaseError).code === '23505') throw ERRORS.KeyAlreadyExists()
    throw error
  }
}

/** Insert or overwrite (needs INSERT, and SELECT + UPDATE on conflict, under RLS). */
export async function upsertObject(client: pg.ClientBase, object: ObjectWrite): Promise<ObjectRow> {
  const { rows } = await client.query<ObjectRow>(
    `insert into storage.objects (bucket_id, name, owner, owner_id, version, metadata, user_metadata)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (bucket_id, name) do update set
       owner = excluded.owner, owner_id = excluded.owner_id, version = excluded.version,
       metadata = excluded.metadata, user_metadata = excluded.user_metadata
     returning ${OBJECT_COLUMNS}`,
    [object.bucketId, object.name, ownerUuid(object.owner), object.owner ?? null, object.version,
      object.metadata ?? null, object.userMetadata ?? null],
  )
  return rows[0] as ObjectRow
}

/** Renames/re-owns a row (move); NoSuchKey when RLS hides it from UPDATE. */
export async function updateObject(client: pg.ClientBase, bucketId: string, name: string, change: ObjectWrite): Promise<ObjectRow> {
  const { rows } = await client.query<ObjectRow>(
    `update storage.objects set bucket_id = $3, name = $4, owner = $5, owner_id = $6, version = $7,
       metadata = coalesce($8, metadata), user_metadata = coalesce($9, user_metadata)
     where bucket_id = $1 and name = $2
     returning ${OBJECT_COLUMNS}`,
    [bucketId, name, change.bucketId, change.name, ownerUuid(change.owner), change.owner ?? null, change.version,
      change.metadata ?? null, change.userMetadata ?? null],
  )
  if (!rows[0]) throw ERRORS.NoSuchKey()
  return rows[0]
}

export async function deleteObject(client: pg.ClientBase, bucketId: string, name: string): Promise<ObjectRow | undefined> {
  const { rows } = await client.query<ObjectRow>(
    `delete from storage.objects where name = $1 and bucket_id = $2 returning ${OBJECT_COLUMNS}`,
    [name, bucketId],
  )
  return rows[0]
}

export async function deleteObjects(client: pg.ClientBase, bucketId: string, names: string[]): Promise<ObjectRow[]> {
  const { rows } = await client.query<ObjectRow>(
    `delete from storage.objects where bucket_id = $1 and name = any($2::text[]) returning ${OBJECT_COLUMNS}`,
    [bucketId, names],
  )
  return rows
}

export async function deleteAllObjects(client: pg.ClientBase, bucketId: string): Promise<ObjectRow[]> {
  const { rows } = await client.query<ObjectRow>(
    `delete from storage.objects where bucket_id = $1 returning ${OBJECT_COLUMNS}`,
    [bucketId],
  )
  return rows
}

/** Serialises writers of one key for the rest of the transaction (Storage's waitObjectLock). */
export async function lockObject(client: pg.ClientBase, bucketId: string, name: string): Promise<void> {
  await client.query('select pg_advisory_xact_lock(hashtext($1))', [`${bucketId}/${name}`])
}

export interface SearchOptions {
  limit: number
  offset: number
  search: string
  sortColumn: string
  sortOrder: string
}

export interface SearchEntry {
  name: string
  id: string | null
  updated_at: Date | null
  created_at: Date | null
  last_accessed_at: Date | null
  metadata: ObjectMetadata | null
}

export async function searchObjects(client: pg.ClientBase, bucketId: string, prefix: string, options: SearchOptions): Promise<SearchEntry[]> {
  const { rows } = await client.query<SearchEntry>(
    'select * from storage.search($1, $2, $3, $4, $5, $6, $7, $8)',
    [prefix, bucketId, options.limit, (prefix + options.search).split('/').length, options.offset,
      options.search, options.sortColumn, options.sortOrder],
  )
  return rows
}

/** The object fields Storage's responses expose (its `objectSchema`). */
export function objectJson(row: ObjectRow): Record<string, unknown> {
  return {
    name: row.name,
    bucket_id: row.bucket_id,
    owner: row.owner,
    owner_id: row.owner_id,
    version: row.version,
    id: row.id,
    updated_at: row.updated_at,
    created_at: row.created_at,
    last_accessed_at: row.last_accessed_at,
    metadata: row.metadata,
    user_metadata: row.user_metadata,
  }
}
