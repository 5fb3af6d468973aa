/**
 * The storage service's single error model, rendered like Supabase Storage
 * (supabase/storage `src/internal/errors/codes.ts`, `storage-error.ts` and `http/error-handler.ts`):
 * the body is `{statusCode: "<status as string>", code, error, message}` and the HTTP status is 400 for
 * every client error (500 for server errors). storage-js reads statusCode, code, error and message.
 */
import pg from 'pg'
import { HttpError } from '../http.ts'

export interface RenderedStorageError {
  statusCode: string
  code: string
  error: string
  message: string
}

export class StorageError extends Error {
  /** The HTTP status sent; Supabase Storage answers 400 for client errors and keeps the real one in the body. */
  readonly httpStatus: number

  constructor(
    /** The status Storage reports in the body's `statusCode`. */
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Legacy `error` field; defaults to the code. */
    readonly errorName: string = code,
    httpStatus?: number,
  ) {
    super(message)
    this.httpStatus = httpStatus ?? (statusCode >= 500 ? 500 : 400)
  }

  render(): RenderedStorageError {
    return { statusCode: String(this.statusCode), code: this.code, error: this.errorName, message: this.message }
  }
}

/** The errors the local service can raise, with Supabase Storage's codes, statuses and messages. */
export const ERRORS = {
  NoSuchBucket: () => new StorageError(404, 'NoSuchBucket', 'Bucket not found', 'Bucket not found'),
  NoSuchKey: () => new StorageError(404, 'NoSuchKey', 'Object not found', 'not_found'),
  AccessDenied: (message = 'Access denied') => new StorageError(403, 'AccessDenied', message, 'Unauthorized'),
  InvalidJWT: (message = 'Invalid JWT') => new StorageError(400, 'InvalidJWT', message),
  InvalidSignature: (message = 'Invalid signature') => new StorageError(400, 'InvalidSignature', message),
  ExpiredSignature: () => new StorageError(400, 'ExpiredToken', 'The provided token has expired.'),
  ResourceAlreadyExists: () => new StorageError(409, 'ResourceAlreadyExists', 'The resource already exists', 'Duplicate'),
  KeyAlreadyExists: () => new StorageError(409, 'KeyAlreadyExists', 'The resource already exists', 'Duplicate'),
  BucketAlreadyExists: () => new StorageError(409, 'BucketAlreadyExists', 'The resource already exists', 'Duplicate'),
  BucketNotEmpty: () => new StorageError(409, 'ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  InvalidBucketName: () => new StorageError(400, 'InvalidBucketName', 'Bucket name invalid', 'Invalid Input'),
  InvalidKey: (key: string) => new StorageError(400, 'InvalidKey', `Invalid key: ${key}`),
  InvalidMimeType: (mimeType: string) =>
    new StorageError(415, 'InvalidMimeType', `mime type ${mimeType} is not supported`, 'invalid_mime_type'),
  EntityTooLarge: (entity = 'object') =>
    new StorageError(413, 'EntityTooLarge', `The ${entity} exceeded the maximum allowed size`, 'Payload too large'),
  InvalidFileSizeLimit: () =>
    new StorageError(400, 'InvalidRequest', 'Invalid file size format, hint: use 20GB / 20MB / 30KB / 3B'),
  InvalidParameter: (parameter: string) => new StorageError(400, 'InvalidParameter', `Invalid Parameter ${parameter}`),
  NoContentProvided: () => new StorageError(400, 'InvalidRequest', 'No content provided'),
  /** Request validation, as Fastify's schema validation reports it. */
  InvalidRequest: (message: string) => new StorageError(400, 'InvalidRequest', message, 'Bad Request'),
  RelatedResourceNotFound: () => new StorageError(404, 'InvalidRequest', 'The related resource does not exist'),
  DatabaseError: (sqlState: string) => new StorageError(500, 'DatabaseError', `database error, code: ${sqlState}`),
  InternalError: () => new StorageError(500, 'InternalError', 'Internal server error'),
}

/** Maps a PostgreSQL error as Storage's `DBError.fromDBError` does (`src/storage/database/errors.ts`). */
export function fromDatabaseError(error: pg.DatabaseError): StorageError {
  switch (error.code) {
    case '42501':
      return ERRORS.AccessDenied(error.message.includes('row-level security')
        ? 'new row violates row-level security policy'
        : error.message)
    case '23505':
      return ERRORS.ResourceAlreadyExists()
    case '23503':
      return error.detail?.includes('is still referenced from table')
        ? new StorageError(409, 'ResourceReferenced', 'The resource could not be updated or removed due to a foreign key constraint')
        : ERRORS.RelatedResourceNotFound()
    case '22P02':
      return new StorageError(400, 'InvalidParameter', error.message || 'Invalid value format or type conversion failed')
    default:
      return ERRORS.DatabaseError(error.code ?? 'unknown')
  }
}

/** Normalises anything a handler threw into a StorageError; returns undefined for unexpected failures. */
export function toStorageError(error: unknown): StorageError | undefined {
  if (error instanceof StorageError) return error
  if (error instanceof pg.DatabaseError) return fromDatabaseError(error)
  if (error instanceof HttpError) {
    if (error.status === 413) return ERRORS.EntityTooLarge()
    if (error.code === 'bad_json') return ERRORS.InvalidRequest('Body is not valid JSON')
  }
  return undefined
}
