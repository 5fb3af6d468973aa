/**
 * The composer's rules as pure functions: what an attached file is sent as and whether it may be,
 * which keys send, where a draft is kept, why a ticket cannot be answered, and what a send becomes
 * (the drafts handed to the messages store).
 */
import {
  CAPTIONED_KINDS,
  DRAFT_STORAGE_PREFIX,
  MAX_ATTACHMENT_BYTES,
  ATTACHMENT_LABELS,
  type AttachmentKind,
  type ComposerBlockReason,
} from '../constants/composer.ts'
import type { Role } from '../constants/roles.ts'
import type { OutgoingDraft, Ticket } from '../types/domain.ts'

/** The parts of a `File` the rules look at (so tests need no DOM). */
export interface FileFacts {
  name: string
  size: number
  type: string
}

/** A file waiting in the composer to be sent. */
export interface PendingAttachment {
  /** Local id for lists and removal; not the message's client id. */
  id: string
  file: File
  name: string
  mime: string
  size: number
  kind: AttachmentKind
  caption: string
  /** Object URL for the image/video thumbnail; revoked when the attachment leaves the composer. */
  previewUrl: string | null
}

/** Browsers leave `type` empty for files they do not know; WhatsApp needs a real one. */
const MIME_BY_EXTENSION: Record<string, string> = {
  'jpg': 'image/jpeg',
  'jpeg': 'image/jpeg',
  'png': 'image/png',
  'gif': 'image/gif',
  'webp': 'image/webp',
  'heic': 'image/heic',
  'mp4': 'video/mp4',
  'm4v': 'video/mp4',
  'mov': 'video/quicktime',
  '3gp': 'video/3gpp',
  'webm': 'video/webm',
  'mp3': 'audio/mpeg',
  'ogg': 'audio/ogg',
  'opus': 'audio/ogg',
  'oga': 'audio/ogg',
  'm4a': 'audio/mp4',
  'aac': 'audio/aac',
  'amr': 'audio/amr',
  'wav': 'audio/wav',
  'pdf': 'application/pdf',
  'txt': 'text/plain',
  'csv': 'text/csv',
  'doc': 'application/msword',
  'docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'xls': 'application/vnd.ms-excel',
  'xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'ppt': 'application/vnd.ms-powerpoint',
  'pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'zip': 'application/zip',
}

export function fileMime(file: FileFacts): string {
  if (file.type) return file.type
  const extension = file.name.includes('.') ? file.name.split('.').pop()?.toLowerCase() : undefined
  return (extension && MIME_BY_EXTENSION[extension]) || 'application/octet-stream'
}

/**
 * What a file is sent as. Pictures WhatsApp cannot show inline (SVG, HEIC, TIFF…) go as documents,
 * so they arrive intact; WebP goes as a picture (stickers are the customer's thing, not the agent's).
 */
export function attachmentKind(mime: string): AttachmentKind {
  const type = mime.toLowerCase().split(';')[0]?.trim() ?? ''
  if (['image/jpeg', 'image/png', 'image/gif', 'image/webp'].includes(type)) return 'image'
  if (type.startsWith('video/')) return 'video'
  if (type.startsWith('audio/')) return 'audio'
  return 'document'
}

/** Why a file cannot be attached (pt-BR, for a toast), or null when it can. */
export function attachmentProblem(file: FileFacts): string | null {
  if (file.size > MAX_ATTACHMENT_BYTES) return ATTACHMENT_LABELS.tooLarge(file.name)
  if (file.size === 0) return ATTACHMENT_LABELS.empty(file.name)
  return null
}

export function canCaption(kind: AttachmentKind): boolean {
  return CAPTIONED_KINDS.includes(kind)
}

/** "820 KB", "1,5 MB": sizes the way people read them. */
export function fileSizeLabel(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KB', 'MB', 'GB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  const digits = value < 10 ? 1 : 0
  return `${value.toLocaleString('pt-BR', { maximumFractionDigits: digits })} ${units[unit]}`
}

/** "0:07", "12:30" for timers and durations. */
export function timerLabel(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/** Replaces text[start, end) with `inserted`; the caret lands right after it. */
export function replaceTextRange(text: string, start: number, end: number, inserted: string): { text: string, caret: number } {
  const from = Math.max(0, Math.min(start, text.length))
  const to = Math.max(from, Math.min(end, text.length))
  return { text: text.slice(0, from) + inserted + text.slice(to), caret: from + inserted.length }
}

export interface KeyFacts {
  key: string
  shiftKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  /** True while an input method (accents, CJK) is composing: its Enter confirms, never sends. */
  isComposing: boolean
}

/** Enter and Ctrl/Cmd+Enter send; Shift+Enter is a new line; anything else is typing. */
export function composerKeyAction(event: KeyFacts): 'send' | 'newline' | null {
  if (event.key !== 'Enter' || event.isComposing) return null
  if (event.shiftKey || event.altKey) return 'newline'
  return 'send'
}

/** The part of Web Storage the draft persistence needs (sessionStorage in the app). */
export type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>

/** Drafts are kept per user and ticket: whoever signs in next in this tab never sees them. */
export function draftStorageKey(userId: string, ticketId: string): string {
  return `${DRAFT_STORAGE_PREFIX}${userId}:${ticketId}`
}

export function readDraft(storage: DraftStorage | null, userId: string, ticketId: string): string {
  try {
    return storage?.getItem(draftStorageKey(userId, ticketId)) ?? ''
  }
  catch {
    return '' // storage disabled (privacy mode): drafts simply live in memory
  }
}

/** Keeps a non-blank draft, forgets a blank one. A full or blocked storage never breaks typing. */
export function writeDraft(storage: DraftStorage | null, userId: string, ticketId: string, text: string): void {
  try {
    if (text.trim()) storage?.setItem(draftStorageKey(userId, ticketId), text)
    else storage?.removeItem(draftStorageKey(userId, ticketId))
  }
  catch {
    // QuotaExceededError or storage disabled: the draft stays in memory for this page.
  }
}

/** Removes every draft of a user (on sign-out). */
export function forgetDrafts(storage: DraftStorage | null, userId: string): void {
  if (!storage) return
  try {
    const prefix = `${DRAFT_STORAGE_PREFIX}${userId}:`
    const keys: string[] = []
    for (let index = 0; index < storage.length; index++) {
      const key = storage.key(index)
      if (key?.startsWith(prefix)) keys.push(key)
    }
    for (const key of keys) storage.removeItem(key)
  }
  catch {
    // Storage disabled: there is nothing stored to forget.
  }
}

/** Why someone cannot write in this ticket, to explain the disabled composer. */
export function composerBlockReason(
  ticket: Pick<Ticket, 'status' | 'assignee_id'> | null | undefined,
  role: Role | null,
  userId: string | null,
): ComposerBlockReason {
  if (role === 'observer') return 'observer'
  if (!ticket) return 'read_only'
  if (ticket.status === 'closed') return 'closed'
  if (ticket.status === 'queued') return 'queued'
  if (ticket.status === 'bot') return 'bot'
  if (role === 'agent' && ticket.assignee_id !== userId) return 'not_assignee'
  return 'read_only'
}

export interface ComposerContent {
  text: string
  attachments: readonly PendingAttachment[]
  noteMode: boolean
  quotedMessageId: string | null
}

/**
 * What one press of Enviar sends, in order: each file with its caption, then the text. The quote goes
 * on the first message only (WhatsApp quotes once). A note is text only and never quotes (the note
 * RPC stores neither files nor quotes).
 */
export function buildOutgoingDrafts(content: ComposerContent): OutgoingDraft[] {
  const text = content.text.trim()
  if (content.noteMode) {
    return text ? [{ kind: 'note', body: text, file: null, fileName: null, isVoiceNote: false, quotedMessageId: null }] : []
  }
  const drafts: OutgoingDraft[] = content.attachments.map(attachment => ({
    kind: attachment.kind,
    body: canCaption(attachment.kind) ? attachment.caption.trim() || null : null,
    file: attachment.file,
    fileName: attachment.name,
    isVoiceNote: false,
    quotedMessageId: null,
  }))
  if (text) drafts.push({ kind: 'text', body: text, file: null, fileName: null, isVoiceNote: false, quotedMessageId: null })
  const first = drafts[0]
  if (first) first.quotedMessageId = content.quotedMessageId
  return drafts
}

/** A voice note recorded in the browser. */
export function voiceNoteDraft(file: File, quotedMessageId: string | null): OutgoingDraft {
  return { kind: 'audio', body: null, file, fileName: file.name, isVoiceNote: true, quotedMessageId }
}

/** The first recording format the browser supports, or null to let it choose. */
export function pickRecordingMime(candidates: readonly string[], isTypeSupported: (mime: string) => boolean): string | null {
  return candidates.find(mime => isTypeSupported(mime)) ?? null
}

/** File extension for a recording: `audio/ogg;codecs=opus` → `ogg`. */
export function recordingExtension(mime: string): string {
  const subtype = mime.split(';')[0]?.split('/')[1]?.trim().toLowerCase()
  if (subtype === 'mp4' || subtype === 'aac') return 'm4a'
  if (subtype === 'mpeg') return 'mp3'
  return subtype || 'webm'
}
