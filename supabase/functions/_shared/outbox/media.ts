/**
 * The file of a media message, from the `media` Storage bucket to what each provider takes: Evolution
 * gets the bytes as plain base64 in the JSON body; the Cloud API gets a media id, uploaded first with
 * `POST /<version>/<phone_number_id>/media` (multipart: file, type, messaging_product). Storage and upload
 * failures become `DeliveryError`s with the same transient/permanent split as sends.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { CloudCredentials } from '../channels.ts'
import { callProvider, type FetchLike } from '../provider-http.ts'
import { classifyCloudFailure } from '../providers/cloud-send.ts'
import { optionalRecord, optionalString } from '../providers/guards.ts'
import type { OutboundMedia } from '../providers/outbound.ts'
import type { ClaimedOutboxItem } from './claimed.ts'
import { DeliveryError, localFailure, REASONS } from './failures.ts'

export const MEDIA_BUCKET = 'media'

/** Uploads carry the whole file; they get longer than a send. */
export const MEDIA_UPLOAD_TIMEOUT_MS = 60_000

export interface StoredFile {
  bytes: Uint8Array
  mimeType: string
  fileName: string
}

interface StorageFailure {
  status?: number
  statusCode?: string
  code?: string
  message?: string
}

/** A missing file will stay missing (permanent); anything else about Storage may pass (transient). */
function storageFailure(error: StorageFailure, path: string): DeliveryError {
  const status = error.status ?? Number(error.statusCode)
  const missing = error.code === 'NoSuchKey' || error.statusCode === '404' || status === 404
  const detail = `storage download of ${path} failed: ${error.message ?? 'unknown error'} (${status || 'no status'})`
  if (missing) return new DeliveryError(localFailure('permanent', 'media_error', REASONS.mediaMissing, detail))
  const clientError = Number.isInteger(status) && status >= 400 && status < 500
  return new DeliveryError(clientError
    ? localFailure('permanent', 'media_error', REASONS.mediaMissing, detail)
    : localFailure('transient', 'provider_unavailable', REASONS.mediaUnavailable, detail))
}

/** The message's file (service role: agents' uploads are private to them and to the messages' readers). */
export async function downloadMessageFile(service: SupabaseClient, item: ClaimedOutboxItem): Promise<StoredFile> {
  const path = item.mediaPath
  if (path === null) throw new DeliveryError(localFailure('permanent', 'media_error', REASONS.mediaMissing, 'message has no media_path'))
  const { data, error } = await service.storage.from(MEDIA_BUCKET).download(path)
  if (error || !data) throw storageFailure((error ?? {}) as StorageFailure, path)
  return {
    bytes: new Uint8Array(await data.arrayBuffer()),
    mimeType: item.mediaMime ?? (data.type || 'application/octet-stream'),
    fileName: item.mediaName ?? path.slice(path.lastIndexOf('/') + 1),
  }
}

/** Plain base64 (no `data:` prefix), in chunks so large files do not overflow the argument list. */
export function toBase64(bytes: Uint8Array): string {
  const CHUNK = 0x8000
  let binary = ''
  for (let offset = 0; offset < bytes.length; offset += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + CHUNK))
  }
  return btoa(binary)
}

export function evolutionMedia(file: StoredFile): OutboundMedia {
  return { source: { type: 'base64', base64: toBase64(file.bytes) }, mimeType: file.mimeType, fileName: file.fileName }
}

/** Uploads the file to the Graph API and returns it as a media-id source. */
export async function uploadCloudMedia(
  cloud: CloudCredentials,
  file: StoredFile,
  options: { fetch?: FetchLike, timeoutMs?: number } = {},
): Promise<OutboundMedia> {
  const form = new FormData()
  form.append('messaging_product', 'whatsapp')
  form.append('type', file.mimeType)
  form.append('file', new Blob([file.bytes as BlobPart], { type: file.mimeType }), file.fileName)
  const response = await callProvider(cloud.graphBaseUrl, {
    method: 'POST',
    path: `/${encodeURIComponent(cloud.graphVersion)}/${encodeURIComponent(cloud.phoneNumberId)}/media`,
    headers: { Authorization: `Bearer ${cloud.accessToken}` },
    body: form,
  }, { fetch: options.fetch, timeoutMs: options.timeoutMs ?? MEDIA_UPLOAD_TIMEOUT_MS })
  if (response.status !== null && response.status >= 200 && response.status < 300) {
    const mediaId = optionalString(optionalRecord(response.body)?.id)
    // Nothing reached the customer yet, so trying the upload again is harmless.
    if (mediaId === null) throw new DeliveryError(localFailure('transient', 'media_error', REASONS.uploadUnconfirmed, 'Cloud media upload answered without an id'))
    return { source: { type: 'media_id', mediaId }, mimeType: file.mimeType, fileName: file.fileName }
  }
  const failure = classifyCloudFailure(response.status, response.body)
  throw new DeliveryError({ ...failure, providerMessage: failure.providerMessage ?? response.networkError })
}
