/**
 * The one way functions talk to a WhatsApp provider over HTTP: a timeout on every call, the body parsed
 * when it is JSON, and "no answer" (timeout, refused connection, DNS) reported as `status: null` instead
 * of thrown, so callers classify every outcome with the same rules (classifyHttpStatus and the
 * providers' own classifiers).
 */

export interface ProviderCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** Relative to the base URL, starting with `/`. */
  path: string
  headers: Record<string, string>
  /** Sent as JSON; FormData is sent as multipart (media uploads). */
  body?: Record<string, unknown> | FormData
}

export interface ProviderResponse {
  /** Null when no HTTP answer arrived. */
  status: number | null
  /** Parsed JSON, or the raw text when the body is not JSON, or null when empty / no answer. */
  body: unknown
  /** Why no answer arrived (timeout, connection refused…); null when one did. */
  networkError: string | null
}

export const DEFAULT_PROVIDER_TIMEOUT_MS = 15_000

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>

export async function callProvider(
  baseUrl: string,
  call: ProviderCall,
  options: { timeoutMs?: number, fetch?: FetchLike } = {},
): Promise<ProviderResponse> {
  const doFetch = options.fetch ?? fetch
  const url = `${baseUrl.replace(/\/+$/, '')}${call.path}`
  const headers = { ...call.headers }
  let body: BodyInit | undefined
  if (call.body instanceof FormData) {
    body = call.body
    delete headers['Content-Type']
  }
  else if (call.body !== undefined) {
    body = JSON.stringify(call.body)
    headers['Content-Type'] = 'application/json'
  }
  let response: Response
  try {
    response = await doFetch(url, {
      method: call.method,
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS),
    })
  }
  catch (error) {
    const name = (error as Error).name
    const reason = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : (error as Error).message
    return { status: null, body: null, networkError: reason }
  }
  return { status: response.status, body: await readBody(response), networkError: null }
}

async function readBody(response: Response): Promise<unknown> {
  let text: string
  try {
    text = await response.text()
  }
  catch {
    return null
  }
  if (text === '') return null
  try {
    return JSON.parse(text)
  }
  catch {
    return text
  }
}

/** Downloads a file (media) with a timeout; throws with a readable message on any failure. */
export async function downloadBytes(
  url: string,
  headers: Record<string, string>,
  options: { timeoutMs?: number, fetch?: FetchLike, maxBytes?: number } = {},
): Promise<{ bytes: Uint8Array, contentType: string | null }> {
  const doFetch = options.fetch ?? fetch
  const response = await doFetch(url, { method: 'GET', headers, signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) })
  if (!response.ok) throw new Error(`download failed with HTTP ${response.status}`)
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (options.maxBytes !== undefined && bytes.byteLength > options.maxBytes) {
    throw new Error(`file too large (${bytes.byteLength} bytes, limit ${options.maxBytes})`)
  }
  return { bytes, contentType: response.headers.get('content-type') }
}
