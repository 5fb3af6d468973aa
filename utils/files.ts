/** File helpers for attachments: human sizes in pt-BR, an icon and a label by MIME type, safe names. */

const SIZE_UNITS = ['B', 'KB', 'MB', 'GB'] as const

/** `1536` → `1,5 KB`; decimal comma, one decimal under 10 units, none above; `null` → ''. */
export function formatFileSize(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return ''
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024
    unit++
  }
  if (unit === 0) return `${bytes} B`
  const digits = value < 10 ? 1 : 0
  const text = value.toLocaleString('pt-BR', { minimumFractionDigits: 0, maximumFractionDigits: digits })
  return `${text} ${SIZE_UNITS[unit]}`
}

/** The icon family of a file, for documents and attachment previews. */
export type FileIcon = 'pdf' | 'image' | 'audio' | 'video' | 'sheet' | 'slides' | 'text' | 'archive' | 'file'

const MIME_ICONS: Array<[RegExp, FileIcon]> = [
  [/^application\/pdf$/, 'pdf'],
  [/^image\//, 'image'],
  [/^audio\//, 'audio'],
  [/^video\//, 'video'],
  [/(spreadsheet|excel|csv)/, 'sheet'],
  [/(presentation|powerpoint)/, 'slides'],
  [/^text\/|(msword|wordprocessing|opendocument\.text|rtf)/, 'text'],
  [/(zip|rar|7z|tar|gzip|compressed)/, 'archive'],
]

const EXTENSION_ICONS: Record<string, FileIcon> = {
  'pdf': 'pdf',
  'xls': 'sheet',
  'xlsx': 'sheet',
  'csv': 'sheet',
  'ods': 'sheet',
  'ppt': 'slides',
  'pptx': 'slides',
  'doc': 'text',
  'docx': 'text',
  'txt': 'text',
  'odt': 'text',
  'zip': 'archive',
  'rar': 'archive',
  '7z': 'archive',
}

export function fileExtension(name: string | null | undefined): string {
  const match = /\.([a-z0-9]{1,8})$/i.exec(name ?? '')
  return match?.[1]?.toLowerCase() ?? ''
}

export function fileIcon(mime: string | null | undefined, name?: string | null): FileIcon {
  const type = (mime ?? '').toLowerCase()
  for (const [pattern, icon] of MIME_ICONS) if (pattern.test(type)) return icon
  return EXTENSION_ICONS[fileExtension(name)] ?? 'file'
}

/** A short badge for the file type: the extension (`PDF`, `XLSX`) or the MIME subtype. */
export function fileTypeLabel(mime: string | null | undefined, name?: string | null): string {
  const extension = fileExtension(name)
  if (extension) return extension.toUpperCase()
  const subtype = (mime ?? '').split('/')[1]?.split(/[;+.-]/)[0]
  return subtype ? subtype.toUpperCase().slice(0, 5) : 'ARQUIVO'
}

/**
 * A name safe for a storage key: accents dropped, anything but letters, digits, `.`, `-` and `_`
 * turned into `-`, at most 100 characters, the extension kept.
 */
export function safeFileName(name: string | null | undefined): string {
  const base = (name ?? '').normalize('NFD').replace(/[\u0300-\u036F]/g, '')
  const cleaned = base.replace(/[^\w.-]+/g, '-').replace(/-{2,}/g, '-').replace(/^[-.]+|[-.]+$/g, '')
  if (!cleaned) return 'arquivo'
  if (cleaned.length <= 100) return cleaned
  const extension = fileExtension(cleaned)
  const keep = extension ? 100 - extension.length - 1 : 100
  return extension ? `${cleaned.slice(0, keep)}.${extension}` : cleaned.slice(0, keep)
}

/** `m:ss` (or `h:mm:ss`) for audio and video durations; unknown → `0:00`. */
export function formatPlaybackTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '0:00'
  const total = Math.floor(seconds)
  const hours = Math.floor(total / 3600)
  const minutes = Math.floor((total % 3600) / 60)
  const secs = String(total % 60).padStart(2, '0')
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${secs}` : `${minutes}:${secs}`
}
