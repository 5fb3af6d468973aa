/**
 * Where an inbound file goes in the `media` bucket: `inbound/<channel id>/<yyyy-mm>/<provider id>.<ext>`.
 * Everything in the path comes from the message itself (channel, provider timestamp, provider id), so a
 * retried or re-delivered event writes the same object again instead of a second copy.
 */

/** MIME type (without parameters) → file extension; the common WhatsApp types first. */
const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/heic': 'heic',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/amr': 'amr',
  'audio/wav': 'wav',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/vcard': 'vcf',
  'application/zip': 'zip',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.ms-powerpoint': 'ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
}

/** `audio/ogg; codecs=opus` → `audio/ogg`; null for anything that is not `type/subtype`. */
export function baseMimeType(mime: string | null): string | null {
  const base = mime?.split(';')[0]?.trim().toLowerCase() ?? ''
  return /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(base) ? base : null
}

/** The extension for a MIME type, else the file name's own (when it looks like one), else `bin`. */
export function extensionFor(mime: string | null, fileName: string | null = null): string {
  const base = baseMimeType(mime)
  const known = base ? EXTENSIONS[base] : undefined
  if (known) return known
  const fromName = /\.([a-z0-9]{1,8})$/i.exec(fileName ?? '')?.[1]
  return fromName ? fromName.toLowerCase() : 'bin'
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text))
  return [...new Uint8Array(digest).slice(0, 4)].map(byte => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * A provider id made safe for a Storage key. Cloud ids are base64 (`wamid.HBg…A==`), so `+ / =` are
 * mapped the base64url way; when anything had to change, a short hash of the original keeps two ids
 * that map to the same text apart.
 */
export async function safeProviderId(providerMessageId: string): Promise<string> {
  const mapped = providerMessageId.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '').replace(/[^\w.-]/g, '_').slice(0, 120)
  return mapped === providerMessageId ? mapped : `${mapped}-${await shortHash(providerMessageId)}`
}

export async function inboundMediaPath(channelId: string, providerMessageId: string, timestamp: Date, mime: string | null, fileName: string | null): Promise<string> {
  const month = `${timestamp.getUTCFullYear()}-${String(timestamp.getUTCMonth() + 1).padStart(2, '0')}`
  return `inbound/${channelId}/${month}/${await safeProviderId(providerMessageId)}.${extensionFor(mime, fileName)}`
}
