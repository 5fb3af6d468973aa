/**
 * `/storage/v1`: a local stand-in for Supabase Storage's REST API as storage-js 2.119 uses it.
 * Metadata lives in storage.buckets/storage.objects and every query runs under the caller's role and
 * claims, so the project's RLS policies decide; bytes live under `<dataDir>/storage/<bucket>/<name>`.
 * The handlers are in ./storage/*; this file holds the route table, authentication and error rendering.
 */
import type { IncomingMessage } from 'node:http'
import * as jose from 'jose'
import type { GatewayContext, GatewayService } from './context.ts'
import { bearerToken, sendJson } from './http.ts'
import * as buckets from './storage/buckets.ts'
import type { StorageDeps, StorageHandler } from './storage/call.ts'
import { StorageDb, type Principal } from './storage/db.ts'
import { ERRORS, StorageError, toStorageError } from './storage/errors.ts'
import { ObjectFiles } from './storage/files.ts'
import * as reads from './storage/object-reads.ts'
import * as writes from './storage/object-writes.ts'

/**
 * How a route authenticates, as in Storage's route groups:
 * - `jwt`: a valid token is required (anon key included);
 * - `jwt-or-anon`: routes with `allowInvalidJwt`, where a missing/invalid token means anon;
 * - `service`: public and signed-URL routes, which run as the service role and check no token.
 */
type AuthMode = 'jwt' | 'jwt-or-anon' | 'service'

interface Route {
  method: string
  pattern: RegExp
  auth: AuthMode
  /** Storage's operation name, exposed to SQL as `storage.operation`. */
  operation: string
  handler: StorageHandler
}

const BUCKET = '([^/]+)'
const NAME = '(.+)'
const route = (method: string, path: string, auth: AuthMode, operation: string, handler: StorageHandler): Route =>
  ({ method, pattern: new RegExp(`^${path}$`), auth, operation, handler })

/** First match wins, so fixed segments (sign, public, info…) come before `/object/{bucket}/…`. */
const ROUTES: Route[] = [
  route('GET', '/bucket/?', 'jwt', 'storage.bucket.list', buckets.listAllBuckets),
  route('POST', '/bucket/?', 'jwt', 'storage.bucket.create', buckets.createBucket),
  route('POST', `/bucket/${BUCKET}/empty`, 'jwt', 'storage.bucket.empty', buckets.emptyBucket),
  route('GET', `/bucket/${BUCKET}`, 'jwt', 'storage.bucket.get', buckets.getBucket),
  route('PUT', `/bucket/${BUCKET}`, 'jwt', 'storage.bucket.update', buckets.updateBucket),
  route('DELETE', `/bucket/${BUCKET}`, 'jwt', 'storage.bucket.delete', buckets.deleteBucket),

  route('POST', `/object/list/${BUCKET}`, 'jwt', 'storage.object.list', reads.listObjects),
  route('POST', '/object/move', 'jwt', 'storage.object.move', writes.moveObject),
  route('POST', '/object/copy', 'jwt', 'storage.object.copy', writes.copyObject),
  route('POST', `/object/sign/${BUCKET}`, 'jwt', 'storage.object.sign_many', reads.signObjectUrls),
  route('POST', `/object/sign/${BUCKET}/${NAME}`, 'jwt', 'storage.object.sign', reads.signObjectUrl),
  route('GET', `/object/sign/${BUCKET}/${NAME}`, 'service', 'storage.object.get_signed', reads.getSignedObject),
  route('POST', `/object/upload/sign/${BUCKET}/${NAME}`, 'jwt', 'storage.object.sign_upload_url', writes.signUploadUrl),
  route('PUT', `/object/upload/sign/${BUCKET}/${NAME}`, 'service', 'storage.object.upload_signed', writes.uploadToSignedUrl),
  route('GET', `/object/public/${BUCKET}/${NAME}`, 'service', 'storage.object.get_public', reads.getPublicObject),
  route('HEAD', `/object/public/${BUCKET}/${NAME}`, 'service', 'storage.object.info_public', reads.headPublicObject),
  route('GET', `/object/info/public/${BUCKET}/${NAME}`, 'service', 'storage.object.info_public', reads.getPublicObjectInfo),
  route('GET', `/object/info/authenticated/${BUCKET}/${NAME}`, 'jwt', 'object.get_authenticated_info', reads.getObjectInfo),
  route('GET', `/object/info/${BUCKET}/${NAME}`, 'jwt-or-anon', 'object.get_authenticated_info', reads.getObjectInfo),
  route('GET', `/object/authenticated/${BUCKET}/${NAME}`, 'jwt', 'storage.object.get_authenticated', reads.getObject),
  route('HEAD', `/object/authenticated/${BUCKET}/${NAME}`, 'jwt', 'object.head_authenticated_info', reads.headObject),
  route('GET', `/object/${BUCKET}/${NAME}`, 'jwt-or-anon', 'storage.object.get_authenticated', reads.getObject),
  route('HEAD', `/object/${BUCKET}/${NAME}`, 'jwt-or-anon', 'object.head_authenticated_info', reads.headObject),
  route('POST', `/object/${BUCKET}/${NAME}`, 'jwt', 'storage.object.upload', writes.uploadObject),
  route('PUT', `/object/${BUCKET}/${NAME}`, 'jwt', 'storage.object.upload_update', writes.uploadObject),
  route('DELETE', `/object/${BUCKET}`, 'jwt', 'storage.object.delete_many', writes.deleteObjects),
  route('DELETE', `/object/${BUCKET}/${NAME}`, 'jwt', 'storage.object.delete', writes.deleteObject),
]

function matchRoute(method: string, path: string): { route: Route, captures: string[] } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue
    const match = candidate.pattern.exec(path)
    if (match) return { route: candidate, captures: match.slice(1) }
  }
  return undefined
}

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value)
  }
  catch {
    throw ERRORS.InvalidKey(value)
  }
}

const ANON: Principal = { role: 'anon', claims: { role: 'anon' }, jwt: '', isAuthenticated: false }

export function createStorageService(ctx: GatewayContext): GatewayService {
  const deps: StorageDeps = { keys: ctx.keys, files: new ObjectFiles(ctx.dataDir) }
  // Storage's "super user" is the service key's payload.
  const superUser: Principal = {
    role: 'service_role',
    claims: jose.decodeJwt(ctx.keys.serviceRoleKey),
    jwt: ctx.keys.serviceRoleKey,
    isAuthenticated: true,
  }

  async function authenticate(req: IncomingMessage, mode: AuthMode): Promise<Principal> {
    if (mode === 'service') return superUser
    const token = bearerToken(req)
    if (!token) {
      if (mode === 'jwt-or-anon') return ANON
      throw ERRORS.InvalidRequest('headers must have required property \'authorization\'')
    }
    try {
      const claims = await ctx.keys.verify(token)
      return { role: typeof claims.role === 'string' ? claims.role : 'anon', claims, jwt: token, isAuthenticated: true }
    }
    catch (error) {
      if (mode === 'jwt-or-anon') return ANON
      throw ERRORS.AccessDenied((error as Error).message)
    }
  }

  return {
    async handle(req, res, path, query) {
      const method = req.method ?? 'GET'
      const found = matchRoute(method, path)
      const requestPath = `${path}${query.size > 0 ? `?${query}` : ''}`
      try {
        if (!found) throw new StorageError(404, 'InvalidRequest', `Route ${method}:${requestPath} not found`, 'Not Found', 404)
        const { route, captures } = found
        const params = captures.map(decodeParam)
        const principal = await authenticate(req, route.auth)
        const db = new StorageDb(ctx.db, principal, {
          method, path: requestPath, headers: req.headers, operation: route.operation,
        }, superUser)
        await route.handler({ req, res, query, params, db, deps })
      }
      catch (error) {
        const storageError = toStorageError(error)
        if (!storageError) ctx.log(`[storage] ${method} ${path} failed: ${(error as Error).stack ?? error}`)
        if (res.headersSent) {
          res.destroy()
          return
        }
        // Let the client finish sending a body we did not read, so it sees the error, not a reset.
        if (!req.readableEnded) req.resume()
        const rendered = storageError ?? ERRORS.InternalError()
        sendJson(res, rendered.httpStatus, rendered.render())
      }
    },
  }
}
