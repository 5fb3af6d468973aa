/**
 * Sending an object back: bytes (GET, with single byte ranges), headers only (HEAD) or its info JSON,
 * with the headers of Supabase Storage's asset, head and info renderers (`src/storage/renderer/*`).
 */
import { CORS_HEADERS, sendJson } from '../http.ts'
import type { StorageCall } from './call.ts'
import { ERRORS, StorageError } from './errors.ts'
import type { ObjectRow } from './repository.ts'

export interface RenderOptions {
  /** `?download` (empty: attachment without a name) or `?download=<file name>`. */
  download?: string | null
  /** Signed URLs send Expires instead of the object's Cache-Control. */
  expires?: Date
}

export async function sendObject(call: StorageCall, object: ObjectRow, method: 'GET' | 'HEAD', options: RenderOptions = {}): Promise<void> {
  const size = await call.deps.files.size(object.bucket_id, object.name)
  if (size === undefined) throw ERRORS.NoSuchKey()
  const metadata = object.metadata
  const headers: Record<string, string> = {
    ...CORS_HEADERS,
    'accept-ranges': 'bytes',
    'content-type': metadata?.mimetype ?? 'application/octet-stream',
    'last-modified': new Date(metadata?.lastModified ?? object.updated_at).toUTCString(),
    'x-robots-tag': 'none',
  }
  if (metadata?.eTag) headers.etag = metadata.eTag
  if (options.expires) headers.expires = options.expires.toUTCString()
  else headers['cache-control'] = metadata?.cacheControl ?? 'no-cache'
  if (options.download !== undefined && options.download !== null) {
    const name = encodeURIComponent(options.download)
    headers['content-disposition'] = options.download === '' ? 'attachment;' : `attachment; filename=${name}; filename*=UTF-8''${name}`
  }

  const range = method === 'GET' ? parseRange(call.req.headers.range, size) : undefined
  if (range) {
    headers['content-range'] = `bytes ${range.start}-${range.end}/${size}`
    headers['content-length'] = String(range.end - range.start + 1)
  }
  else {
    headers['content-length'] = String(size)
  }
  if (method === 'HEAD') {
    call.res.writeHead(200, headers)
    call.res.end()
    return
  }
  const stream = call.deps.files.read(object.bucket_id, object.name, range)
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => {
      call.res.writeHead(range ? 206 : 200, headers)
      stream.pipe(call.res)
    })
    stream.once('error', reject)
    stream.once('end', resolve)
    call.res.once('close', () => {
      stream.destroy()
      resolve()
    })
  })
}

/** `GET /object/info/…`: Storage's InfoRenderer body. */
export async function sendObjectInfo(call: StorageCall, object: ObjectRow): Promise<void> {
  const metadata = object.metadata
  sendJson(call.res, 200, {
    id: object.id,
    name: object.name,
    version: object.version,
    bucket_id: object.bucket_id,
    size: metadata?.size ?? null,
    content_type: metadata?.mimetype ?? null,
    cache_control: metadata?.cacheControl ?? null,
    etag: metadata?.eTag ?? null,
    metadata: object.user_metadata,
    last_modified: object.updated_at,
    created_at: object.created_at,
  }, metadata?.eTag ? { etag: metadata.eTag } : {})
}

/** A single `bytes=start-end` range (or `start-` / `-suffix`); undefined means the whole file. */
function parseRange(header: string | undefined, size: number): { start: number, end: number } | undefined {
  if (!header) return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!match || (match[1] === '' && match[2] === '')) throw invalidRange()
  let start: number
  let end: number
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]))
    end = size - 1
  }
  else {
    start = Number(match[1])
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)
  }
  if (start > end || start >= size) throw invalidRange()
  return { start, end }
}

const invalidRange = () => new StorageError(400, 'InvalidRange', 'invalid range provided', 'invalid_range')
