/**
 * Bodies in Evolution API 2.3.7's shapes (see the WhatsApp reference A.4–A.9 and the fixtures): the webhook
 * envelope, Baileys message content as `prepareMessage` emits it (binary fields as index-keyed byte objects,
 * 64-bit numbers as protobuf Longs), send responses and status updates.
 */
import { randomBytes } from 'node:crypto'
import type { StoredMedia } from '../media.ts'
import { displayPhone } from '../phones.ts'

export type Json = Record<string, unknown>

export type EvolutionMediaKind = 'image' | 'video' | 'audio' | 'document' | 'sticker'

export const CONTENT_KEYS: Record<EvolutionMediaKind, string> = {
  image: 'imageMessage',
  video: 'videoMessage',
  audio: 'audioMessage',
  document: 'documentMessage',
  sticker: 'stickerMessage',
}

/**
 * WhatsApp attaches a small JPEG preview to images, videos and locations. The simulator cannot shrink
 * pictures, so every preview is this 24×24 grey gradient (a real, decodable JPEG).
 */
const THUMBNAIL = Buffer.from('/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDABQODxIPDRQSEBIXFRQYHjIhHhwcHj0sLiQySUBMS0dARkVQWnNiUFVtVkVGZIhlbXd7gYKBTmCNl4x9lnN+gXz/2wBDARUXFx4aHjshITt8U0ZTfHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHx8fHz/wAARCAAYABgDASIAAhEBAxEB/8QAFwABAQEBAAAAAAAAAAAAAAAAAAMCBv/EABYQAQEBAAAAAAAAAAAAAAAAAAABAv/EABYBAQEBAAAAAAAAAAAAAAAAAAABAv/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/AOktT1TVYtVktE9UVFLU9UATtAB//9k=', 'base64')

export function jpegThumbnail(): Record<string, number> {
  return byteObject(THUMBNAIL)
}

/** A PDF's page count (its `/Type /Page` objects); null for other files. */
function pdfPageCount(media: StoredMedia): number | null {
  if (!media.bytes.subarray(0, 5).equals(Buffer.from('%PDF-'))) return null
  return media.bytes.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? null
}

/** A Node Buffer as axios serializes a Uint8Array: `{"0":146,"1":129,…}`. */
export function byteObject(bytes: Uint8Array): Record<string, number> {
  return Object.fromEntries([...bytes].map((byte, index) => [String(index), byte]))
}

export function randomByteObject(length: number): Record<string, number> {
  return byteObject(randomBytes(length))
}

/** protobuf.js Long, as uint64/int64 proto fields reach the JSON. */
export function long(value: number, unsigned = true): { low: number, high: number, unsigned: boolean } {
  return { low: value % 2 ** 32 | 0, high: Math.floor(value / 2 ** 32), unsigned }
}

export function epochSeconds(ms = Date.now()): number {
  return Math.floor(ms / 1000)
}

/**
 * Evolution's `date_time`: local wall-clock time with a `Z` suffix. The official image runs with
 * TZ=America/Sao_Paulo, so it is 3 h behind real UTC (the reference's pitfall 10).
 */
export function evolutionDateTime(ms = Date.now()): string {
  return new Date(ms - 3 * 3600_000).toISOString()
}

/** Device metadata WhatsApp attaches to every message a phone sends. */
export function messageContextInfo(): Json {
  const now = epochSeconds()
  return {
    deviceListMetadata: {
      senderKeyHash: randomByteObject(10),
      senderTimestamp: long(now - 86_400),
      recipientKeyHash: randomByteObject(10),
      recipientTimestamp: long(now - 90_000),
    },
    deviceListMetadataVersion: 2,
    messageSecret: randomByteObject(32),
  }
}

function mediaPath(kind: EvolutionMediaKind): string {
  const folder = kind === 'image' ? 't62.7118-24' : kind === 'audio' ? 't62.7117-24' : kind === 'sticker' ? 't62.15575-24' : 't62.7119-24'
  const expiry = (epochSeconds() + 14 * 86_400).toString(16).toUpperCase()
  return `/v/${folder}/${randomBytes(6).readUIntBE(0, 6)}_n.enc?ccb=11-4&oh=01_Q5Aa${randomBytes(12).toString('base64url')}&oe=${expiry}&_nc_sid=5e03e0`
}

export interface MediaContentOptions {
  caption?: string | null
  voiceNote?: boolean
  contextInfo?: Json | null
  /** Overrides the stored MIME type (Evolution re-encodes images to JPEG and voice notes to OGG/Opus). */
  mimeType?: string
}

/** `imageMessage`, `audioMessage`, … with the fields Baileys fills for a downloaded/uploaded file. */
export function mediaContent(kind: EvolutionMediaKind, media: StoredMedia, options: MediaContentOptions = {}): Json {
  const directPath = mediaPath(kind)
  const mimetype = options.mimeType ?? media.mimeType
  const file = {
    fileSha256: byteObject(Buffer.from(media.sha256, 'base64')),
    fileLength: long(media.size),
  }
  const keys = {
    mediaKey: randomByteObject(32),
    fileEncSha256: randomByteObject(32),
    directPath,
    mediaKeyTimestamp: long(epochSeconds(), false),
  }
  const url = `https://mmg.whatsapp.net${directPath}&mms3=true`
  const caption = options.caption ? { caption: options.caption } : {}
  const size = media.width !== null && media.height !== null ? { height: media.height, width: media.width } : {}
  const context = options.contextInfo ? { contextInfo: options.contextInfo } : {}
  switch (kind) {
    case 'image':
      return { url, mimetype, ...caption, ...file, ...size, ...keys, jpegThumbnail: jpegThumbnail(), viewOnce: false, ...context }
    case 'video':
      return { url, mimetype, ...file, seconds: media.seconds ?? 1, ...keys, ...caption, ...size, jpegThumbnail: jpegThumbnail(), gifPlayback: false, ...context }
    case 'audio':
      return {
        url, mimetype, ...file, seconds: media.seconds ?? 1, ptt: options.voiceNote ?? false, ...keys,
        ...(options.voiceNote ? { waveform: randomByteObject(64) } : {}), ...context,
      }
    case 'document': {
      const pageCount = pdfPageCount(media)
      return {
        url, mimetype, title: media.fileName ?? 'documento', ...file, ...(pageCount ? { pageCount } : {}), mediaKey: keys.mediaKey, fileName: media.fileName ?? 'documento',
        fileEncSha256: keys.fileEncSha256, directPath, mediaKeyTimestamp: keys.mediaKeyTimestamp, ...caption, ...context,
      }
    }
    case 'sticker':
      return {
        url, fileSha256: file.fileSha256, fileEncSha256: keys.fileEncSha256, mediaKey: keys.mediaKey, mimetype,
        ...size, directPath, fileLength: file.fileLength, mediaKeyTimestamp: keys.mediaKeyTimestamp, isAnimated: false, ...context,
      }
  }
}

/** A one-contact vCard as WhatsApp phones share it. */
export function vcardFor(name: string, phone: string): string {
  return ['BEGIN:VCARD', 'VERSION:3.0', `N:;${name};;;`, `FN:${name}`, `item1.TEL;waid=${phone}:${displayPhone(phone)}`, 'item1.X-ABLabel:Celular', 'END:VCARD'].join('\n')
}

export interface Quote {
  /** The quoted message's `key.id`. */
  stanzaId: string
  /** Who wrote the quoted message (JID). */
  participant: string
  /** Its content, as `prepareMessage` normalizes it. */
  quotedMessage: Json
}

/** `contextInfo` of a message a customer sends as a reply. */
export function replyContextInfo(quote: Quote): Json {
  return { stanzaId: quote.stanzaId, participant: quote.participant, quotedMessage: quote.quotedMessage, expiration: 0 }
}

/** `contextInfo` Evolution puts on what it sends (mentions, disappearing-mode defaults, the quote if any). */
export function sendContextInfo(quote: Quote | null): Json {
  return {
    ...(quote ? { stanzaId: quote.stanzaId, participant: quote.participant, quotedMessage: quote.quotedMessage } : {}),
    mentionedJid: [],
    groupMentions: [],
    ephemeralSettingTimestamp: long(epochSeconds() - 172_800, false),
    disappearingMode: { initiator: 0 },
  }
}

export interface MessageDataInput {
  key: Json
  pushName: string
  status: 'DELIVERY_ACK' | 'PENDING' | 'SERVER_ACK'
  message: Json
  contextInfo: Json | null
  messageType: string
  timestampMs: number
  instanceId: string
  source: 'ios' | 'web' | 'android'
}

/** The `data` of `messages.upsert` / `send.message` and the body of a send's 201 (`prepareMessage`). */
export function messageData(input: MessageDataInput): Json {
  return {
    key: input.key,
    pushName: input.pushName,
    status: input.status,
    message: input.message,
    ...(input.contextInfo ? { contextInfo: input.contextInfo } : {}),
    messageType: input.messageType,
    messageTimestamp: epochSeconds(input.timestampMs),
    instanceId: input.instanceId,
    source: input.source,
  }
}

/** Drops what `prepareMessage` would not keep when quoting: inline files and device metadata. */
export function quotableContent(content: Json): Json {
  const copy: Json = { ...content }
  delete copy.base64
  delete copy.mediaUrl
  delete copy.messageContextInfo
  return copy
}
