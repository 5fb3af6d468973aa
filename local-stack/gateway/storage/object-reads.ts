/**
 * Object routes that read: download (authenticated, public, signed), info/HEAD, signed download URLs and
 * listing. Mirrors supabase/storage `src/http/routes/object/get*.ts`, `getSignedURL(s).ts`, `listObjects.ts`.
 */
import type { JwtClaims } from '../keys.ts'
import { readJson, sendJson } from '../http.ts'
import { expiresIn, mustBeValidKey, optionalInteger, optionalString, param, type StorageCall } from './call.ts'
import { ERRORS } from './errors.ts'
import { sendObject, sendObjectInfo } from './render.ts'
import { findBucket, findBucketIfExists, findObject, findObjectNames, searchObjects, type ObjectRow } from './repository.ts'

export const SIGNED_URL_SCOPE_DOWNLOAD = 'download'
export const SIGNED_URL_SCOPE_UPLOAD = 'upload'

/**
 * Finds an object for `GET|HEAD /object[/authenticated]/{bucket}/{name}` and `/object/info/…`:
 * anonymous callers only reach public buckets; public buckets skip RLS; private ones read under RLS.
 */
async function findReadableObject(call: StorageCall): Promise<ObjectRow> {
  const bucketId = param(call, 0)
  const name = param(call, 1)
  const bucket = await call.db.asSuperUser().transaction(client => findBucketIfExists(client, bucketId))
  if (!bucket || (!call.db.principal.isAuthenticated && !bucket.public)) throw ERRORS.NoSuchBucket()
  mustBeValidKey(name)
  const reader = bucket.public ? call.db.asSuperUser() : call.db
  return reader.transaction(client => findObject(client, bucketId, name))
}

/** The public routes need only the bucket to be public; no token is looked at. */
async function findPublicObject(call: StorageCall): Promise<ObjectRow> {
  const bucketId = param(call, 0)
  const name = param(call, 1)
  return call.db.asSuperUser().transaction(async (client) => {
    const bucket = await findBucket(client, bucketId)
    if (!bucket.public) throw ERRORS.NoSuchBucket()
    mustBeValidKey(name)
    return findObject(client, bucketId, name)
  })
}

export async function getObject(call: StorageCall): Promise<void> {
  await sendObject(call, await findReadableObject(call), 'GET', { download: call.query.get('download') })
}

export async function headObject(call: StorageCall): Promise<void> {
  await sendObject(call, await findReadableObject(call), 'HEAD')
}

export async function getObjectInfo(call: StorageCall): Promise<void> {
  await sendObjectInfo(call, await findReadableObject(call))
}

export async function getPublicObject(call: StorageCall): Promise<void> {
  await sendObject(call, await findPublicObject(call), 'GET', { download: call.query.get('download') })
}

export async function headPublicObject(call: StorageCall): Promise<void> {
  await sendObject(call, await findPublicObject(call), 'HEAD')
}

export async function getPublicObjectInfo(call: StorageCall): Promise<void> {
  await sendObjectInfo(call, await findPublicObject(call))
}

/**
 * Checks a signed-URL token for this bucket/object and action, as Storage's `verifyObjectSignature`:
 * a bad or expired JWT is InvalidJWT, a token for another object or action is InvalidSignature.
 */
export async function verifyObjectToken(call: StorageCall, scope: typeof SIGNED_URL_SCOPE_DOWNLOAD | typeof SIGNED_URL_SCOPE_UPLOAD): Promise<JwtClaims> {
  const token = call.query.get('token')
  if (!token) throw ERRORS.InvalidRequest('querystring must have required property \'token\'')
  let claims: JwtClaims
  try {
    claims = await call.deps.keys.verifyUrlToken(token)
  }
  catch (error) {
    throw ERRORS.InvalidJWT((error as Error).message)
  }
  // Tokens without a scope predate it: upload tokens are the ones carrying `upsert`.
  const tokenScope = claims.scope ?? ('upsert' in claims ? SIGNED_URL_SCOPE_UPLOAD : SIGNED_URL_SCOPE_DOWNLOAD)
  if (tokenScope !== scope) throw ERRORS.InvalidSignature(`Token is not scoped for ${scope}`)
  if (claims.url !== `${param(call, 0)}/${param(call, 1)}`) throw ERRORS.InvalidSignature()
  if (typeof claims.exp === 'number' && claims.exp * 1000 < Date.now()) throw ERRORS.ExpiredSignature()
  return claims
}

/** `GET /object/sign/{bucket}/{name}?token=`: the token alone authorises the download. */
export async function getSignedObject(call: StorageCall): Promise<void> {
  const claims = await verifyObjectToken(call, SIGNED_URL_SCOPE_DOWNLOAD)
  const object = await call.db.asSuperUser().transaction(client => findObject(client, param(call, 0), param(call, 1)))
  await sendObject(call, object, 'GET', {
    download: call.query.get('download'),
    expires: typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : undefined,
  })
}

function signDownload(call: StorageCall, bucketId: string, name: string, seconds: number): Promise<string> {
  const url = `${bucketId}/${name}`
  return call.deps.keys.signUrlToken({ url, scope: SIGNED_URL_SCOPE_DOWNLOAD }, seconds)
    .then(token => `/object/sign/${url}?token=${token}`)
}

/** `POST /object/sign/{bucket}/{name}` `{expiresIn}`: the caller must be able to SELECT the object. */
export async function signObjectUrl(call: StorageCall): Promise<void> {
  const body = await readJson(call.req)
  const seconds = expiresIn(body)
  const bucketId = param(call, 0)
  const name = param(call, 1)
  mustBeValidKey(name)
  await call.db.transaction(client => findObject(client, bucketId, name))
  sendJson(call.res, 200, { signedURL: await signDownload(call, bucketId, name, seconds) })
}

/** `POST /object/sign/{bucket}` `{expiresIn, paths}`: one entry per path, with an error for the unreadable. */
export async function signObjectUrls(call: StorageCall): Promise<void> {
  const body = await readJson(call.req)
  const seconds = expiresIn(body)
  const paths = body.paths
  if (paths === undefined) throw ERRORS.InvalidRequest('body must have required property \'paths\'')
  if (!Array.isArray(paths) || paths.length === 0 || paths.some(path => typeof path !== 'string')) {
    throw ERRORS.InvalidRequest('body/paths must be a non-empty array of strings')
  }
  const bucketId = param(call, 0)
  const readable = await call.db.transaction(client => findObjectNames(client, bucketId, paths as string[]))
  const results = await Promise.all((paths as string[]).map(async path => readable.has(path)
    ? { error: null, path, signedURL: await signDownload(call, bucketId, path, seconds) }
    : { error: 'Either the object does not exist or you do not have access to it', path, signedURL: null }))
  sendJson(call.res, 200, results)
}

const SORT_COLUMNS = ['name', 'updated_at', 'created_at', 'last_accessed_at']

/** `POST /object/list/{bucket}` `{prefix, limit, offset, sortBy, search}`: one folder level, under RLS. */
export async function listObjects(call: StorageCall): Promise<void> {
  const body = await readJson(call.req)
  let prefix = optionalString(body, 'prefix')
  if (prefix === undefined) throw ERRORS.InvalidRequest('body must have required property \'prefix\'')
  // The prefix is always a folder.
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix = `${prefix}/`
  const sortBy = (body.sortBy ?? {}) as Record<string, unknown>
  const column = sortBy.column ?? 'name'
  const order = sortBy.order ?? 'asc'
  if (typeof column !== 'string' || !SORT_COLUMNS.includes(column)) {
    throw ERRORS.InvalidRequest('body/sortBy/column must be equal to one of the allowed values')
  }
  if (order !== 'asc' && order !== 'desc') throw ERRORS.InvalidRequest('body/sortBy/order must be equal to one of the allowed values')
  const options = {
    limit: optionalInteger(body, 'limit', 1) ?? 100,
    offset: optionalInteger(body, 'offset') ?? 0,
    search: optionalString(body, 'search') ?? '',
    sortColumn: column,
    sortOrder: order,
  }
  const bucketId = param(call, 0)
  const entries = await call.db.transaction(client => searchObjects(client, bucketId, prefix, options))
  sendJson(call.res, 200, entries)
}
