/**
 * Fetching the bytes of an inbound media message from wherever the provider offers them
 * (`MediaDescriptor.sources`, in order): Evolution's inline base64, a direct URL (Evolution with S3),
 * Evolution's `POST /chat/getBase64FromMediaMessage/{instance}`, or the Cloud API's two steps (media id →
 * 5-minute URL → download, both with the Bearer token). Each failure is classified as transient (worth
 * retrying: network, timeouts, 5xx, 429, credentials an admin can fix) or permanent (the file is gone or
 * refused), so the caller knows whether to retry or store the message without the file.
 */
import type { CloudCredentials, EvolutionCredentials } from '../channels.ts'
import { callProvider, type FetchLike } from '../provider-http.ts'
import { isRecord, optionalString } from './guards.ts'
import type { MediaDescriptor, MediaSource } from './types.ts'

/** Storage's per-file limit (supabase/config.toml `file_size_limit`). */
export const MAX_MEDIA_BYTES = 50 * 1024 * 1024

/**
 * The webhook answers after processing, and providers re-send what is not answered in time (Evolution
 * waits 30 s), so each step is bounded well below that; a slow file is retried by the scheduler.
 */
export const MEDIA_API_TIMEOUT_MS = 10_000
export const MEDIA_DOWNLOAD_TIMEOUT_MS = 20_000

export interface FetchedMedia {
  bytes: Uint8Array
  /** What the provider said the file is, when it said (the descriptor's MIME type wins over it). */
  mimeType: string | null
  /** The provider's file name (Evolution getBase64 `fileName`), when given. */
  fileName: string | null
}

export class MediaFetchError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message)
    this.name = 'MediaFetchError'
  }
}

export interface MediaChannel {
  evolution: EvolutionCredentials | null
  cloud: CloudCredentials | null
}

export interface MediaFetchOptions {
  fetch?: FetchLike
  maxBytes?: number
  /** Per HTTP call (provider API call or download). */
  timeoutMs?: number
}

/**
 * Tries every source in order and returns the first file obtained. When all fail, the error is permanent
 * only if every attempt failed permanently (one transient failure means a later retry may succeed).
 */
export async function fetchInboundMedia(media: MediaDescriptor, channel: MediaChannel, options: MediaFetchOptions = {}): Promise<FetchedMedia> {
  const failures: MediaFetchError[] = []
  for (const source of media.sources) {
    try {
      return await fetchFromSource(source, channel, options)
    }
    catch (error) {
      failures.push(error instanceof MediaFetchError ? error : new MediaFetchError((error as Error).message, false))
    }
  }
  if (failures.length === 0) throw new MediaFetchError('nenhuma origem para o arquivo', true)
  throw new MediaFetchError(failures.map(failure => failure.message).join('; '), failures.every(failure => failure.permanent))
}

function fetchFromSource(source: MediaSource, channel: MediaChannel, options: MediaFetchOptions): Promise<FetchedMedia> {
  switch (source.type) {
    case 'inline_base64':
      return Promise.resolve({ bytes: decodeBase64(source.base64, options.maxBytes ?? MAX_MEDIA_BYTES), mimeType: null, fileName: null })
    case 'url':
      return downloadMedia(source.url, {}, options).then(({ bytes, contentType }) => ({ bytes, mimeType: contentType, fileName: null }))
    case 'evolution_message':
      return fetchEvolutionMedia(source, channel.evolution, options)
    case 'cloud_media_id':
      return fetchCloudMedia(source.mediaId, channel.cloud, options)
  }
}

/** Plain base64 (a `data:` prefix is tolerated); a malformed string is permanent: it will not change. */
export function decodeBase64(text: string, maxBytes = MAX_MEDIA_BYTES): Uint8Array {
  const clean = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '')
  if (clean === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new MediaFetchError('base64 inválido', true)
  }
  if (Math.floor(clean.length * 3 / 4) > maxBytes) throw tooLarge(Math.floor(clean.length * 3 / 4), maxBytes)
  const binary = atob(clean)
  const bytes = new Uint8Array(binary.length)
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index)
  return bytes
}

function tooLarge(size: number, maxBytes: number): MediaFetchError {
  return new MediaFetchError(`arquivo grande demais (${Math.ceil(size / 1024 / 1024)} MB; limite ${Math.floor(maxBytes / 1024 / 1024)} MB)`, true)
}

/**
 * Whether an HTTP failure may go away by itself or once an admin fixes the channel: no answer, timeouts,
 * rate limits, server errors, and rejected credentials. Other 4xx (unknown or expired media) will not.
 */
export function isTransientHttpStatus(status: number | null): boolean {
  return status === null || status === 401 || status === 403 || status === 408 || status === 425 || status === 429 || status >= 500
}

function httpFailure(what: string, status: number | null, networkError: string | null): MediaFetchError {
  const detail = status === null ? `sem resposta (${networkError ?? 'erro de rede'})` : `HTTP ${status}`
  return new MediaFetchError(`${what}: ${detail}`, !isTransientHttpStatus(status))
}

/** GET with a timeout, reading at most `maxBytes` (the download stops as soon as it exceeds them). */
export async function downloadMedia(
  url: string,
  headers: Record<string, string>,
  options: MediaFetchOptions = {},
): Promise<{ bytes: Uint8Array, contentType: string | null }> {
  if (!/^https?:\/\//i.test(url)) throw new MediaFetchError('endereço do arquivo inválido', true)
  const maxBytes = options.maxBytes ?? MAX_MEDIA_BYTES
  const doFetch = options.fetch ?? fetch
  let response: Response
  try {
    response = await doFetch(url, { method: 'GET', headers, signal: AbortSignal.timeout(options.timeoutMs ?? MEDIA_DOWNLOAD_TIMEOUT_MS) })
  }
  catch (error) {
    const name = (error as Error).name
    throw httpFailure('download do arquivo', null, name === 'TimeoutError' || name === 'AbortError' ? 'tempo esgotado' : (error as Error).message)
  }
  if (!response.ok) {
    await response.body?.cancel()
    throw httpFailure('download do arquivo', response.status, null)
  }
  const declared = Number(response.headers.get('content-length') ?? '')
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel()
    throw tooLarge(declared, maxBytes)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = response.body?.getReader()
  try {
    for (;;) {
      const next = reader ? await reader.read() : { done: true as const, value: undefined }
      if (next.done) break
      total += next.value.byteLength
      if (total > maxBytes) {
        await reader?.cancel().catch(() => {})
        throw tooLarge(total, maxBytes)
      }
      chunks.push(next.value)
    }
  }
  catch (error) {
    if (error instanceof MediaFetchError) throw error
    throw new MediaFetchError(`download do arquivo interrompido (${(error as Error).message})`, false)
  }
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { bytes, contentType: response.headers.get('content-type') }
}

/**
 * Evolution decrypts the file from the message we received (`{ message: { key, message } }`), so it needs
 * no copy in its own database. The global key works for every instance.
 */
async function fetchEvolutionMedia(
  source: Extract<MediaSource, { type: 'evolution_message' }>,
  evolution: EvolutionCredentials | null,
  options: MediaFetchOptions,
): Promise<FetchedMedia> {
  if (!evolution) throw new MediaFetchError('conexão Evolution sem endereço do servidor ou chave da API', false)
  const response = await callProvider(evolution.baseUrl, {
    method: 'POST',
    path: `/chat/getBase64FromMediaMessage/${encodeURIComponent(evolution.instance)}`,
    headers: { apikey: evolution.apiKey },
    body: { message: { key: source.key, message: source.message }, convertToMp4: false },
  }, { fetch: options.fetch, timeoutMs: options.timeoutMs ?? MEDIA_API_TIMEOUT_MS })
  if (response.status === null || response.status < 200 || response.status > 299) {
    throw httpFailure('Evolution getBase64FromMediaMessage', response.status, response.networkError)
  }
  const body = isRecord(response.body) ? response.body : null
  const base64 = optionalString(body?.base64)
  if (!base64) throw new MediaFetchError('Evolution getBase64FromMediaMessage respondeu sem o arquivo', false)
  return {
    bytes: decodeBase64(base64, options.maxBytes ?? MAX_MEDIA_BYTES),
    mimeType: optionalString(body?.mimetype),
    fileName: optionalString(body?.fileName),
  }
}

/** Cloud API: `GET /<version>/<media id>` → `{ url, mime_type }`, then the URL, both with the token. */
async function fetchCloudMedia(mediaId: string, cloud: CloudCredentials | null, options: MediaFetchOptions): Promise<FetchedMedia> {
  if (!cloud) throw new MediaFetchError('conexão Cloud API sem token de acesso', false)
  const authorization = { Authorization: `Bearer ${cloud.accessToken}` }
  const response = await callProvider(cloud.graphBaseUrl, {
    method: 'GET',
    path: `/${cloud.graphVersion}/${encodeURIComponent(mediaId)}`,
    headers: authorization,
  }, { fetch: options.fetch, timeoutMs: options.timeoutMs ?? MEDIA_API_TIMEOUT_MS })
  if (response.status === null || response.status < 200 || response.status > 299) {
    throw httpFailure(`Graph API mídia ${mediaId}`, response.status, response.networkError)
  }
  const body = isRecord(response.body) ? response.body : null
  const url = optionalString(body?.url)
  if (!url) throw new MediaFetchError(`Graph API mídia ${mediaId} sem URL`, false)
  const { bytes, contentType } = await downloadMedia(url, authorization, options)
  return { bytes, mimeType: optionalString(body?.mime_type) ?? contentType, fileName: null }
}
