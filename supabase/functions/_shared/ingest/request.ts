/**
 * Turning a webhook request into what the ledger keeps: the body read with a size cap (the exact bytes,
 * which the Cloud signature covers), parsed when it is JSON, and headers and envelope without secrets.
 * Pure Web APIs.
 */

/** Larger bodies are refused (413). Evolution with `webhook.base64` can post tens of MB for a video. */
export const MAX_WEBHOOK_BODY_BYTES = 50 * 1024 * 1024

/** Non-JSON bodies are kept for diagnosis up to this many characters. */
export const MAX_RAW_BODY_CHARS = 256 * 1024

export type CappedBody = { ok: true, bytes: Uint8Array } | { ok: false, bytesSeen: number }

/** Reads at most `maxBytes`: refuses at once on a larger Content-Length, else stops reading past the cap. */
export async function readCappedBody(request: Request, maxBytes = MAX_WEBHOOK_BODY_BYTES): Promise<CappedBody> {
  const declared = Number(request.headers.get('content-length') ?? '')
  if (Number.isFinite(declared) && declared > maxBytes) {
    await request.body?.cancel().catch(() => {})
    return { ok: false, bytesSeen: declared }
  }
  const reader = request.body?.getReader()
  if (!reader) return { ok: true, bytes: new Uint8Array(0) }
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > maxBytes) {
      await reader.cancel().catch(() => {})
      return { ok: false, bytesSeen: total }
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { ok: true, bytes }
}

/** Headers that carry credentials: kept as present, never with their value. */
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'apikey', 'x-api-key', 'cookie', 'x-atende-webhook-secret'])

export const REDACTED = '[redacted]'

export function redactHeaders(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {}
  headers.forEach((value, name) => {
    const key = name.toLowerCase()
    kept[key] = SECRET_HEADERS.has(key) || /secret|token|password/.test(key) ? REDACTED : value
  })
  return kept
}

export type ParsedBody = { json: true, payload: unknown } | { json: false, text: string }

/**
 * JSON when it parses. Postgres text and jsonb cannot hold NUL, so any NUL in a string becomes U+FFFD
 * (the signature was already checked on the raw bytes).
 */
export function parseBody(bytes: Uint8Array): ParsedBody {
  const text = new TextDecoder().decode(bytes)
  try {
    const payload: unknown = JSON.parse(text, (_key, value: unknown) =>
      typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value)
    return { json: true, payload }
  }
  catch {
    return { json: false, text: text.replaceAll('\u0000', '\uFFFD').slice(0, MAX_RAW_BODY_CHARS) }
  }
}

/**
 * Evolution's envelope carries the instance token in `apikey` (when the server exposes it): not a
 * signature, but a credential, so it is not stored.
 */
export function redactEnvelope(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload
  const envelope = payload as Record<string, unknown>
  if (typeof envelope.apikey !== 'string' || envelope.apikey === '') return payload
  return { ...envelope, apikey: REDACTED }
}
