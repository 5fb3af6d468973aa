/**
 * Bucket routes, under the caller's RLS on storage.buckets (so in practice service_role or the project
 * owner's migrations create buckets). Mirrors supabase/storage `src/http/routes/bucket/*` and
 * `src/storage/storage.ts`.
 */
import { readJson, sendJson } from '../http.ts'
import { mustBeValidBucketName, optionalString, param, requiredString, type StorageCall } from './call.ts'
import { ERRORS } from './errors.ts'
import {
  bucketHasObjects, deleteAllObjects, deleteBucket as deleteBucketRow, findBucket, insertBucket, listBuckets,
  updateBucket as updateBucketRow, type BucketRow, type BucketWrite, type ListBucketsOptions,
} from './repository.ts'
import { parseFileSizeLimit, validateAllowedMimeTypes } from './upload.ts'

function bucketJson(bucket: BucketRow): Record<string, unknown> {
  return {
    id: bucket.id,
    name: bucket.name,
    owner: bucket.owner,
    public: bucket.public,
    file_size_limit: bucket.file_size_limit,
    allowed_mime_types: bucket.allowed_mime_types,
    created_at: bucket.created_at,
    updated_at: bucket.updated_at,
  }
}

/** The optional settings shared by create and update. */
function bucketSettings(body: Record<string, unknown>): BucketWrite {
  const settings: BucketWrite = {}
  if (body.public !== undefined) {
    if (typeof body.public !== 'boolean') throw ERRORS.InvalidRequest('body/public must be boolean')
    settings.public = body.public
  }
  const limit = body.file_size_limit
  if (limit === null) settings.file_size_limit = null
  else if (typeof limit === 'number' || typeof limit === 'string') settings.file_size_limit = parseFileSizeLimit(limit)
  else if (limit !== undefined) throw ERRORS.InvalidRequest('body/file_size_limit must be integer,string,null')
  const mimeTypes = body.allowed_mime_types
  if (mimeTypes === null) settings.allowed_mime_types = null
  else if (Array.isArray(mimeTypes) && mimeTypes.every(type => typeof type === 'string')) {
    const types = (mimeTypes as string[]).filter(type => type)
    validateAllowedMimeTypes(types)
    settings.allowed_mime_types = types
  }
  else if (mimeTypes !== undefined) throw ERRORS.InvalidRequest('body/allowed_mime_types must be array')
  return settings
}

function queryInteger(name: string, raw: string, minimum: number): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < minimum) throw ERRORS.InvalidRequest(`querystring/${name} must be integer >= ${minimum}`)
  return value
}

/** `GET /bucket?limit&offset&sortColumn&sortOrder&search`: the buckets RLS lets the caller see. */
export async function listAllBuckets(call: StorageCall): Promise<void> {
  const options: ListBucketsOptions = {}
  const limit = call.query.get('limit')
  const offset = call.query.get('offset')
  const sortColumn = call.query.get('sortColumn')
  const sortOrder = call.query.get('sortOrder')
  const search = call.query.get('search')
  if (limit !== null) options.limit = queryInteger('limit', limit, 1)
  if (offset !== null) options.offset = queryInteger('offset', offset, 0)
  if (sortColumn !== null) {
    if (!['id', 'name', 'created_at', 'updated_at'].includes(sortColumn)) {
      throw ERRORS.InvalidRequest('querystring/sortColumn must be equal to one of the allowed values')
    }
    options.sortColumn = sortColumn as ListBucketsOptions['sortColumn']
  }
  if (sortOrder !== null) {
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw ERRORS.InvalidRequest('querystring/sortOrder must be equal to one of the allowed values')
    options.sortOrder = sortOrder
  }
  if (search) options.search = search
  const buckets = await call.db.transaction(client => listBuckets(client, options))
  sendJson(call.res, 200, buckets.map(bucket => ({ ...bucketJson(bucket), type: 'STANDARD' })))
}

export async function getBucket(call: StorageCall): Promise<void> {
  const bucket = await call.db.transaction(client => findBucket(client, param(call, 0)))
  sendJson(call.res, 200, bucketJson(bucket))
}

/** `POST /bucket` `{name, id?, public?, file_size_limit?, allowed_mime_types?}` → `{name}`. */
export async function createBucket(call: StorageCall): Promise<void> {
  const body = await readJson(call.req)
  const name = requiredString(body, 'name')
  const id = optionalString(body, 'id') || name
  mustBeValidBucketName(name)
  mustBeValidBucketName(id)
  const settings = bucketSettings(body)
  await call.db.transaction(client => insertBucket(client, { ...settings, id, name, owner: call.db.owner }))
  sendJson(call.res, 200, { name })
}

/** `PUT /bucket/{id}` `{public?, file_size_limit?, allowed_mime_types?}`. */
export async function updateBucket(call: StorageCall): Promise<void> {
  const id = param(call, 0)
  mustBeValidBucketName(id)
  const settings = bucketSettings(await readJson(call.req))
  if (Object.keys(settings).length === 0) throw ERRORS.NoContentProvided()
  const updated = await call.db.transaction(client => updateBucketRow(client, id, settings))
  if (!updated) throw ERRORS.NoSuchBucket()
  sendJson(call.res, 200, { message: 'Successfully updated' })
}

/** `DELETE /bucket/{id}`: only an empty bucket, and only if RLS allows the DELETE. */
export async function deleteBucket(call: StorageCall): Promise<void> {
  const id = param(call, 0)
  await call.db.asSuperUser().transaction(async (client) => {
    await findBucket(client, id)
    if (await bucketHasObjects(client, id)) throw ERRORS.BucketNotEmpty()
  })
  const deleted = await call.db.transaction(client => deleteBucketRow(client, id))
  if (!deleted) throw ERRORS.NoSuchBucket()
  await call.deps.files.removeBucket(id)
  sendJson(call.res, 200, { message: 'Successfully deleted' })
}

/**
 * `POST /bucket/{id}/empty`: the caller must see the bucket; the objects are then removed by the
 * service, as Storage's background job does (here synchronously).
 */
export async function emptyBucket(call: StorageCall): Promise<void> {
  const id = param(call, 0)
  await call.db.transaction(client => findBucket(client, id))
  await call.db.asSuperUser().transaction(async (client) => {
    const removed = await deleteAllObjects(client, id)
    for (const object of removed) await call.deps.files.remove(id, object.name)
  })
  sendJson(call.res, 200, { message: 'Empty bucket has been queued. Completion may take up to an hour.' })
}
