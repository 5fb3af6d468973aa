/**
 * Object routes that write: upload/update (multipart or raw), signed upload URLs, delete, move and copy.
 * Permission is always asked of RLS first, with a trial insert/upsert/update in a transaction that is
 * rolled back (Storage's `testPermission`); only then are bytes written and the row stored as the
 * service role. Mirrors supabase/storage `src/storage/uploader.ts` and `src/storage/object.ts`.
 */
import { randomUUID } from 'node:crypto'
import { headerValue, readJson, sendJson } from '../http.ts'
import { mustBeValidKey, optionalString, param, requiredString, type StorageCall } from './call.ts'
import type { StorageDb } from './db.ts'
import { ERRORS } from './errors.ts'
import { SIGNED_URL_SCOPE_UPLOAD, verifyObjectToken } from './object-reads.ts'
import {
  deleteObject as deleteObjectRow, deleteObjects as deleteObjectRows, findBucket, findObject, insertObject,
  lockObject, objectJson, updateObject, upsertObject, type ObjectMetadata, type ObjectWrite,
} from './repository.ts'
import { parseUserMetadataHeader, readUpload } from './upload.ts'

/** Storage's default lifetime of signed upload URLs (UPLOAD_SIGNED_URL_EXPIRATION_TIME). */
const SIGNED_UPLOAD_URL_TTL_SECONDS = 7200

/** Asks RLS whether this write would be allowed, without keeping it. */
async function canUpload(db: StorageDb, write: ObjectWrite, isUpsert: boolean): Promise<void> {
  await db.testPermission<unknown>(client => isUpsert ? upsertObject(client, write) : insertObject(client, write))
}

/** Reads the body, checks limits and permission, then stores bytes and row. Returns the row id. */
async function storeUpload(call: StorageCall, db: StorageDb, target: { bucketId: string, name: string, owner: string | undefined, isUpsert: boolean }): Promise<string> {
  const { bucketId, name, owner, isUpsert } = target
  const admin = db.asSuperUser()
  const bucket = await admin.transaction(client => findBucket(client, bucketId))
  const file = await readUpload(call.req, { fileSizeLimit: bucket.file_size_limit, allowedMimeTypes: bucket.allowed_mime_types })
  mustBeValidKey(name)
  await canUpload(db, {
    bucketId, name, owner, version: '1', userMetadata: file.userMetadata,
    metadata: { mimetype: file.mimeType, contentLength: file.declaredLength ?? file.bytes.byteLength },
  }, isUpsert)

  const staged = await call.deps.files.stage(file.bytes)
  try {
    const metadata: ObjectMetadata = {
      eTag: staged.eTag,
      size: staged.size,
      mimetype: file.mimeType,
      cacheControl: file.cacheControl,
      lastModified: new Date().toISOString(),
      contentLength: staged.size,
      httpStatusCode: 200,
    }
    const row = await admin.transaction(async (client) => {
      await lockObject(client, bucketId, name)
      const stored = await upsertObject(client, { bucketId, name, owner, version: randomUUID(), metadata, userMetadata: file.userMetadata })
      // Inside the transaction: if the file cannot be put in place, the row is rolled back.
      await call.deps.files.commit(staged, bucketId, name)
      return stored
    })
    return row.id
  }
  catch (error) {
    await call.deps.files.discard(staged)
    throw error
  }
}

/** `POST /object/{bucket}/{name}` (`x-upsert: true` to overwrite) and `PUT` (always overwrites). */
export async function uploadObject(call: StorageCall): Promise<void> {
  const bucketId = param(call, 0)
  const name = param(call, 1)
  const isUpsert = call.req.method === 'PUT' || headerValue(call.req, 'x-upsert') === 'true'
  const id = await storeUpload(call, call.db, { bucketId, name, owner: call.db.owner, isUpsert })
  sendJson(call.res, 200, { Id: id, Key: `${bucketId}/${name}` })
}

/** `POST /object/upload/sign/{bucket}/{name}`: needs INSERT (and UPDATE with x-upsert) permission now. */
export async function signUploadUrl(call: StorageCall): Promise<void> {
  const bucketId = param(call, 0)
  const name = param(call, 1)
  await readJson(call.req)
  const upsert = headerValue(call.req, 'x-upsert') === 'true'
  const encodedMetadata = headerValue(call.req, 'x-metadata')
  const contentLength = headerValue(call.req, 'content-length')
  const owner = call.db.owner
  await canUpload(call.db, {
    bucketId, name, owner, version: '1',
    userMetadata: encodedMetadata === undefined ? undefined : parseUserMetadataHeader(encodedMetadata),
    metadata: { mimetype: headerValue(call.req, 'content-type'), contentLength: contentLength ? Number(contentLength) : undefined },
  }, upsert)
  const url = `${bucketId}/${name}`
  const token = await call.deps.keys.signUrlToken({ owner, url, upsert, scope: SIGNED_URL_SCOPE_UPLOAD }, SIGNED_UPLOAD_URL_TTL_SECONDS)
  sendJson(call.res, 200, { url: `/object/upload/sign/${url}?token=${token}`, token })
}

/** `PUT /object/upload/sign/{bucket}/{name}?token=`: the token's signer becomes the owner. */
export async function uploadToSignedUrl(call: StorageCall): Promise<void> {
  const claims = await verifyObjectToken(call, SIGNED_URL_SCOPE_UPLOAD)
  const bucketId = param(call, 0)
  const name = param(call, 1)
  const owner = typeof claims.owner === 'string' ? claims.owner : undefined
  await storeUpload(call, call.db.asSuperUser(), { bucketId, name, owner, isUpsert: claims.upsert === true })
  sendJson(call.res, 200, { Key: `${bucketId}/${name}` })
}

/** `DELETE /object/{bucket}/{name}`: NoSuchKey if it does not exist, AccessDenied if RLS hides it from DELETE. */
export async function deleteObject(call: StorageCall): Promise<void> {
  const bucketId = param(call, 0)
  const name = param(call, 1)
  mustBeValidKey(name)
  await call.db.asSuperUser().transaction(client => findObject(client, bucketId, name))
  await call.db.transaction(async (client) => {
    const deleted = await deleteObjectRow(client, bucketId, name)
    if (!deleted) throw ERRORS.AccessDenied('Access denied')
    await call.deps.files.remove(bucketId, name)
  })
  sendJson(call.res, 200, { message: 'Successfully deleted' })
}

/** `DELETE /object/{bucket}` `{prefixes}`: deletes what RLS lets the caller delete; returns those rows. */
export async function deleteObjects(call: StorageCall): Promise<void> {
  const body = await readJson(call.req)
  const prefixes = body.prefixes
  if (prefixes === undefined) throw ERRORS.InvalidRequest('body must have required property \'prefixes\'')
  if (!Array.isArray(prefixes) || prefixes.length === 0) throw ERRORS.InvalidRequest('body/prefixes must NOT have fewer than 1 items')
  // storage-js also accepts `{path, versionId}` entries; without versioning only the path matters.
  const names = prefixes.map((entry: unknown) => {
    if (typeof entry === 'string') return entry
    if (entry && typeof entry === 'object' && typeof (entry as { path?: unknown }).path === 'string') return (entry as { path: string }).path
    throw ERRORS.InvalidRequest('body/prefixes/0 must be string')
  })
  const bucketId = param(call, 0)
  const deleted = await call.db.transaction(async (client) => {
    const rows = await deleteObjectRows(client, bucketId, names)
    for (const row of rows) await call.deps.files.remove(bucketId, row.name)
    return rows
  })
  sendJson(call.res, 200, deleted.map(objectJson))
}

interface Relocation {
  sourceBucket: string
  sourceKey: string
  destinationBucket: string
  destinationKey: string
}

async function readRelocation(call: StorageCall): Promise<Relocation & { body: Record<string, unknown> }> {
  const body = await readJson(call.req)
  const sourceBucket = requiredString(body, 'bucketId')
  const sourceKey = requiredString(body, 'sourceKey')
  const destinationKey = requiredString(body, 'destinationKey')
  const destinationBucket = optionalString(body, 'destinationBucket') || sourceBucket
  mustBeValidKey(destinationKey)
  return { body, sourceBucket, sourceKey, destinationBucket, destinationKey }
}

/** `POST /object/move`: needs SELECT on the source and UPDATE of it into the destination (RLS). */
export async function moveObject(call: StorageCall): Promise<void> {
  const { sourceBucket, sourceKey, destinationBucket, destinationKey } = await readRelocation(call)
  const owner = call.db.owner
  const version = randomUUID()
  const destination: ObjectWrite = { bucketId: destinationBucket, name: destinationKey, owner, version, metadata: undefined, userMetadata: undefined }
  await call.db.testPermission(async (client) => {
    await findObject(client, sourceBucket, sourceKey)
    await updateObject(client, sourceBucket, sourceKey, destination)
  })
  const admin = call.db.asSuperUser()
  const moved = await admin.transaction(async (client) => {
    const source = await findObject(client, sourceBucket, sourceKey, { forUpdate: true })
    if (sourceBucket === destinationBucket && sourceKey === destinationKey) return source
    await lockObject(client, destinationBucket, destinationKey)
    const row = await updateObject(client, sourceBucket, sourceKey, destination)
    await call.deps.files.move({ bucketId: sourceBucket, name: sourceKey }, { bucketId: destinationBucket, name: destinationKey })
    return row
  })
  sendJson(call.res, 200, { message: 'Successfully moved', Id: moved.id, Key: moved.name })
}

/** `POST /object/copy`: needs SELECT on the source and INSERT (UPDATE with x-upsert) at the destination. */
export async function copyObject(call: StorageCall): Promise<void> {
  const { body, sourceBucket, sourceKey, destinationBucket, destinationKey } = await readRelocation(call)
  const owner = call.db.owner
  const upsert = headerValue(call.req, 'x-upsert') === 'true'
  const copyMetadata = body.copyMetadata !== false
  const source = await call.db.transaction(client => findObject(client, sourceBucket, sourceKey))

  const metadata: Record<string, unknown> = { ...source.metadata }
  if (!copyMetadata && body.metadata && typeof body.metadata === 'object') {
    const override = body.metadata as { cacheControl?: unknown, mimetype?: unknown }
    if (typeof override.cacheControl === 'string') metadata.cacheControl = override.cacheControl
    if (typeof override.mimetype === 'string') metadata.mimetype = override.mimetype
  }
  const encodedUserMetadata = headerValue(call.req, 'x-metadata')
  const userMetadata = copyMetadata
    ? source.user_metadata ?? undefined
    : encodedUserMetadata === undefined ? undefined : parseUserMetadataHeader(encodedUserMetadata)
  const destination: ObjectWrite = {
    bucketId: destinationBucket, name: destinationKey, owner, version: randomUUID(), metadata, userMetadata,
  }
  await canUpload(call.db, { ...destination, version: '1' }, upsert)

  const copied = await call.db.asSuperUser().transaction(async (client) => {
    await lockObject(client, destinationBucket, destinationKey)
    const row = await upsertObject(client, { ...destination, metadata: { ...metadata, lastModified: new Date().toISOString() } })
    await call.deps.files.copy({ bucketId: sourceBucket, name: sourceKey }, { bucketId: destinationBucket, name: destinationKey })
    return row
  })
  sendJson(call.res, 200, { Id: copied.id, Key: `${destinationBucket}/${destinationKey}`, ...objectJson(copied) })
}
