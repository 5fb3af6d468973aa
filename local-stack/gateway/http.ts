/** Small HTTP helpers shared by the gateway's services (Node's http module, no framework). */
import type { IncomingMessage, ServerResponse } from 'node:http'

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS, HEAD',
  'access-control-allow-headers': [
    'authorization', 'apikey', 'content-type', 'x-client-info', 'x-supabase-api-version', 'accept-profile',
    'content-profile', 'prefer', 'range', 'x-upsert', 'x-metadata', 'cache-control', 'x-region',
    'accept', 'accept-language', 'content-language', 'x-hub-signature-256',
  ].join(', '),
  'access-control-expose-headers': 'Content-Range, Range, Content-Location, Preference-Applied, X-Total-Count, Link, x-supabase-api-version',
  'access-control-max-age': '86400',
}

export async function readBody(req: IncomingMessage, limitBytes = 50 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limitBytes) throw new HttpError(413, 'payload_too_large', 'Payload too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

export async function readJson<T = Record<string, unknown>>(req: IncomingMessage): Promise<T> {
  const body = await readBody(req)
  if (body.length === 0) return {} as T
  try {
    return JSON.parse(body.toString('utf8')) as T
  }
  catch {
    throw new HttpError(400, 'bad_json', 'Could not parse request body as JSON')
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(text)
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...CORS_HEADERS, ...headers })
  res.end()
}

/** An error with an HTTP status that a service turns into its own error JSON shape. */
export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message)
  }
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization
  if (!header) return undefined
  const match = /^Bearer\s+(.+)$/i.exec(header)
  return match?.[1]?.trim()
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}
