/**
 * The simulator's file store: what customers send (served to the business through each provider's own
 * download path) and what the business sends or uploads (shown on the customer phone page). Ids are long
 * decimal numbers, the form Cloud API media ids take, so one store serves both providers.
 */
import { createHash } from 'node:crypto'
import { graphId } from './ids.ts'

export interface StoredMedia {
  id: string
  bytes: Buffer
  /** As declared by whoever stored it (e.g. `audio/ogg; codecs=opus`). */
  mimeType: string
  fileName: string | null
  /** Base64 SHA-256, the form the Cloud API uses. */
  sha256: string
  size: number
  width: number | null
  height: number | null
  /** Playback length of audio and video, when known. */
  seconds: number | null
  /** Who may fetch it through a provider API: `evolution:<instance>`, `cloud:<phone number id>`. */
  owner: string
  createdAt: number
}

export interface MediaInput {
  bytes: Buffer
  mimeType: string
  fileName?: string | null
  seconds?: number | null
  owner: string
}

export class MediaStore {
  private readonly items = new Map<string, StoredMedia>()

  put(input: MediaInput): StoredMedia {
    const dimensions = imageDimensions(input.bytes)
    const media: StoredMedia = {
      id: graphId(),
      bytes: input.bytes,
      mimeType: input.mimeType,
      fileName: input.fileName ?? null,
      sha256: createHash('sha256').update(input.bytes).digest('base64'),
      size: input.bytes.length,
      width: dimensions?.width ?? null,
      height: dimensions?.height ?? null,
      seconds: input.seconds ?? null,
      owner: input.owner,
      createdAt: Date.now(),
    }
    this.items.set(media.id, media)
    return media
  }

  get(id: string): StoredMedia | undefined {
    return this.items.get(id)
  }

  delete(id: string): boolean {
    return this.items.delete(id)
  }

  clear(): void {
    this.items.clear()
  }
}

/** Width and height from a PNG, JPEG or WebP header; null for anything else. */
export function imageDimensions(bytes: Buffer): { width: number, height: number } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504E47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }
  }
  if (bytes.length > 4 && bytes[0] === 0xFF && bytes[1] === 0xD8) return jpegDimensions(bytes)
  if (bytes.length >= 30 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
    const format = bytes.toString('ascii', 12, 16)
    if (format === 'VP8X') return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) }
    if (format === 'VP8 ') return { width: bytes.readUInt16LE(26) & 0x3FFF, height: bytes.readUInt16LE(28) & 0x3FFF }
    if (format === 'VP8L') {
      const bits = bytes.readUInt32LE(21)
      return { width: (bits & 0x3FFF) + 1, height: ((bits >> 14) & 0x3FFF) + 1 }
    }
  }
  return null
}

function jpegDimensions(bytes: Buffer): { width: number, height: number } | null {
  let offset = 2
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xFF) return null
    const marker = bytes[offset + 1]!
    const length = bytes.readUInt16BE(offset + 2)
    // SOF0–SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xC0 && marker <= 0xCF && ![0xC4, 0xC8, 0xCC].includes(marker)) {
      return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) }
    }
    offset += 2 + length
  }
  return null
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'audio/ogg': 'oga',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/webm': 'weba',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
}

/** `audio/ogg; codecs=opus` → `oga`, as Evolution names files it has no name for. */
export function extensionFor(mimeType: string): string {
  return EXTENSIONS[baseMimeType(mimeType)] ?? 'bin'
}

/** The MIME type a file name implies (Evolution re-derives it from `fileName`), or null. */
export function mimeTypeForFileName(fileName: string): string | null {
  const extension = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase()
  if (!extension) return null
  if (extension === 'jpg') return 'image/jpeg'
  if (extension === 'ogg' || extension === 'opus') return 'audio/ogg'
  return Object.entries(EXTENSIONS).find(([, candidate]) => candidate === extension)?.[0] ?? null
}

export function baseMimeType(mimeType: string): string {
  return mimeType.split(';')[0]!.trim().toLowerCase()
}

/** The MIME type the bytes themselves show (magic numbers), or null. */
export function sniffMimeType(bytes: Buffer): string | null {
  const ascii = (start: number, end: number) => bytes.toString('latin1', start, end)
  if (bytes.length < 12) return null
  if (ascii(0, 4) === 'OggS') return ascii(28, 36) === 'OpusHead' ? 'audio/ogg; codecs=opus' : 'audio/ogg'
  if (bytes.readUInt32BE(0) === 0x1A45DFA3) return 'audio/webm'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav'
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  if (ascii(0, 3) === 'ID3' || (bytes[0] === 0xFF && (bytes[1]! & 0xE0) === 0xE0)) return 'audio/mpeg'
  if (ascii(4, 8) === 'ftyp') return ascii(8, 11) === 'M4A' ? 'audio/mp4' : 'video/mp4'
  if (bytes.readUInt32BE(0) === 0x89504E47) return 'image/png'
  if (bytes[0] === 0xFF && bytes[1] === 0xD8) return 'image/jpeg'
  if (ascii(0, 5) === '%PDF-') return 'application/pdf'
  return null
}
