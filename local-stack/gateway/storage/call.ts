/** What every storage route handler receives, plus small request-validation helpers. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { StackKeys } from '../keys.ts'
import type { StorageDb } from './db.ts'
import { ERRORS } from './errors.ts'
import type { ObjectFiles } from './files.ts'

export interface StorageDeps {
  keys: StackKeys
  files: ObjectFiles
}

export interface StorageCall {
  req: IncomingMessage
  res: ServerResponse
  query: URLSearchParams
  /** The route's captures, URL-decoded: usually [bucketId] or [bucketId, objectName]. */
  params: string[]
  /** The caller's database scope (the service role on public and signed-URL routes). */
  db: StorageDb
  deps: StorageDeps
}

export type StorageHandler = (call: StorageCall) => Promise<void>

export function param(call: StorageCall, index: number): string {
  const value = call.params[index]
  if (value === undefined) throw ERRORS.InvalidRequest(`params must have required property '${index === 0 ? 'bucketName' : '*'}'`)
  return value
}

/** Storage's object key rule (`src/storage/limits.ts`); `.`/`..` segments are refused too, to keep files inside the bucket. */
const VALID_OBJECT_KEY = /^[A-Za-z0-9_/!.*'() &$=@;:+,?-]*$/
export function mustBeValidKey(key: string): void {
  if (!key || !VALID_OBJECT_KEY.test(key) || key.split('/').some(part => part === '.' || part === '..')) {
    throw ERRORS.InvalidKey(key)
  }
}

const VALID_BUCKET_NAME = /^[A-Za-z0-9_!.*'() &$=@;:+,?-]*$/
export function mustBeValidBucketName(name: string): void {
  if (!name || name.length > 100 || !VALID_BUCKET_NAME.test(name) || name === '.' || name === '..' || name.trim() !== name) {
    throw ERRORS.InvalidBucketName()
  }
}

type Body = Record<string, unknown>

/** Body field checks with the messages Fastify's schema validation produces. */
export function requiredString(body: Body, name: string): string {
  const value = body[name]
  if (value === undefined) throw ERRORS.InvalidRequest(`body must have required property '${name}'`)
  if (typeof value !== 'string') throw ERRORS.InvalidRequest(`body/${name} must be string`)
  return value
}

export function optionalString(body: Body, name: string): string | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw ERRORS.InvalidRequest(`body/${name} must be string`)
  return value
}

export function optionalInteger(body: Body, name: string, minimum = 0): number | undefined {
  const value = body[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value)) throw ERRORS.InvalidRequest(`body/${name} must be integer`)
  if (value < minimum) throw ERRORS.InvalidRequest(`body/${name} must be >= ${minimum}`)
  return value
}

/** Signed-URL lifetimes: a positive whole number of seconds (Storage's assertValidNumericJWTExpiration). */
export function expiresIn(body: Body): number {
  const value = body.expiresIn
  if (value === undefined) throw ERRORS.InvalidRequest('body must have required property \'expiresIn\'')
  if (typeof value !== 'number' || !Number.isFinite(value)) throw ERRORS.InvalidRequest('body/expiresIn must be integer')
  const seconds = Math.floor(value)
  if (seconds < 1 || !Number.isSafeInteger(seconds)) throw ERRORS.InvalidParameter('expiresIn')
  return seconds
}
