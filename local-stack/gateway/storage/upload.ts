/**
 * Reads an upload body the way Supabase Storage's `fileUploadFromRequest` does: multipart/form-data
 * (storage-js sends the file part with an empty field name, plus `cacheControl` and `metadata` fields)
 * or a raw body described by `content-type`, `cache-control` and a base64-JSON `x-metadata` header.
 * Enforces the bucket's `file_size_limit` and `allowed_mime_types`.
 */
import type { IncomingMessage } from 'node:http'
import { headerValue, readBody } from '../http.ts'
import { ERRORS } from './errors.ts'

/** Storage's default global upload limit (the Supabase CLI's `file_size_limit = "50MiB"`). */
export const GLOBAL_FILE_SIZE_LIMIT = 50 * 1024 * 1024
const MAX_USER_METADATA_BYTES = 1024 * 1024
/** Room for multipart boundaries and fields around the file itself. */
const MULTIPART_OVERHEAD_BYTES = MAX_USER_METADATA_BYTES + 64 * 1024

export interface UploadedFile {
  bytes: Uint8Array
  mimeType: string
  cacheControl: string
  userMetadata: Record<string, unknown> | undefined
  /** The request's Content-Length, which Storage exposes to RLS as metadata.contentLength. */
  declaredLength: number | undefined
}

export interface UploadLimits {
  fileSizeLimit: number | null
  allowedMimeTypes: string[] | null
}

export function maxFileSize(bucketLimit: number | null): number {
  return typeof bucketLimit === 'number' ? Math.min(bucketLimit, GLOBAL_FILE_SIZE_LIMIT) : GLOBAL_FILE_SIZE_LIMIT
}

export async function readUpload(req: IncomingMessage, limits: UploadLimits): Promise<UploadedFile> {
  const contentType = headerValue(req, 'content-type') ?? ''
  const declared = Number(headerValue(req, 'content-length'))
  const declaredLength = Number.isFinite(declared) && declared >= 0 ? declared : undefined
  const limit = maxFileSize(limits.fileSizeLimit)
  const file = contentType.startsWith('multipart/form-data')
    ? await readMultipart(req, contentType, limit)
    : await readRaw(req, contentType, limit, declaredLength)
  if (limits.allowedMimeTypes && limits.allowedMimeTypes.length > 0) validateMimeType(file.mimeType, limits.allowedMimeTypes)
  return { ...file, declaredLength }
}

async function readMultipart(req: IncomingMessage, contentType: string, limit: number): Promise<Omit<UploadedFile, 'declaredLength'>> {
  const body = await readBody(req, limit + MULTIPART_OVERHEAD_BYTES)
  let form: FormData
  try {
    // Buffer.concat always returns memory backed by a plain ArrayBuffer.
    const bytes = body as Uint8Array<ArrayBuffer>
    form = await new Request('http://storage.local/', { method: 'POST', headers: { 'content-type': contentType }, body: bytes }).formData()
  }
  catch {
    throw ERRORS.NoContentProvided()
  }
  let file: File | undefined
  for (const [, value] of form.entries()) {
    if (typeof value !== 'string') {
      file = value
      break
    }
  }
  if (!file) throw ERRORS.NoContentProvided()
  if (file.size > limit) throw ERRORS.EntityTooLarge()

  const cacheTime = fieldValue(form, 'cacheControl')
  const userMetadataText = fieldValue(form, 'metadata') ?? fieldValue(form, 'userMetadata')
  let userMetadata: Record<string, unknown> | undefined
  if (userMetadataText !== undefined) {
    if (Buffer.byteLength(userMetadataText) > MAX_USER_METADATA_BYTES) throw ERRORS.EntityTooLarge('user_metadata')
    userMetadata = parseJsonObject(userMetadataText)
  }
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    mimeType: fieldValue(form, 'contentType') || file.type || 'application/octet-stream',
    cacheControl: cacheTime ? `max-age=${cacheTime}` : 'no-cache',
    userMetadata,
  }
}

async function readRaw(req: IncomingMessage, contentType: string, limit: number, declaredLength: number | undefined): Promise<Omit<UploadedFile, 'declaredLength'>> {
  // A known size is checked before reading, as Storage does.
  if (declaredLength !== undefined && declaredLength > limit) throw ERRORS.EntityTooLarge()
  const bytes = await readBody(req, limit)
  const encodedMetadata = headerValue(req, 'x-metadata')
  return {
    bytes,
    mimeType: contentType || 'application/octet-stream',
    cacheControl: headerValue(req, 'cache-control') ?? 'no-cache',
    userMetadata: encodedMetadata === undefined ? undefined : parseUserMetadataHeader(encodedMetadata),
  }
}

/** `x-metadata`: base64 of a JSON object; ignored when malformed, as in Storage. */
export function parseUserMetadataHeader(encoded: string): Record<string, unknown> | undefined {
  return parseJsonObject(Buffer.from(encoded, 'base64').toString('utf8'))
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  }
  catch {
    return undefined
  }
}

function fieldValue(form: FormData, name: string): string | undefined {
  const value = form.get(name)
  return typeof value === 'string' ? value : undefined
}

/** Storage's `validateMimeType`: `type/subtype` must match an allowed entry or `type/*`. */
export function validateMimeType(mimeType: string, allowed: string[]): void {
  const [type, subtype] = mimeType.split('/')
  if (!type || subtype === undefined) throw ERRORS.InvalidMimeType(mimeType)
  for (const entry of allowed) {
    const [allowedType, allowedSubtype] = entry.split('/')
    if (allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype)) return
  }
  throw ERRORS.InvalidMimeType(mimeType)
}

/** Bucket `allowed_mime_types` entries must look like MIME types (Storage's bucket validation). */
export function validateAllowedMimeTypes(types: string[]): void {
  for (const type of types) {
    if (type.length > 1000 || !/^([a-zA-Z0-9\-+.]+)\/([a-zA-Z0-9\-+.]+)(;\s*charset=[a-zA-Z0-9-]+)?$|\*$/.test(type)) {
      throw ERRORS.InvalidMimeType(type)
    }
  }
}

/** `file_size_limit` as a number of bytes or a string such as "20MB" (Storage's parseFileSizeToBytes). */
export function parseFileSizeLimit(value: number | string): number {
  let bytes: number
  if (typeof value === 'number') {
    bytes = value
  }
  else {
    const match = /^([0-9]+(?:\.[0-9]+)?)(gb|mb|kb|b)$/i.exec(value)
    if (!match) throw ERRORS.InvalidFileSizeLimit()
    const amount = Number.parseFloat(Number.parseFloat(match[1] as string).toPrecision(3))
    const unit = (match[2] as string).toUpperCase()
    bytes = amount * (unit === 'GB' ? 1e9 : unit === 'MB' ? 1e6 : unit === 'KB' ? 1000 : 1)
  }
  if (bytes > GLOBAL_FILE_SIZE_LIMIT) throw ERRORS.EntityTooLarge()
  return bytes
}
