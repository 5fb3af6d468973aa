/**
 * Pure message logic shared by the messages store and the conversation list: ordering, merging the
 * optimistic copy with the server's rows (RPC result and realtime events, in any order), the tick a
 * status shows, reactions folded onto their target, and day grouping in the company's time zone.
 */
import { AUDIO_LABELS, CONVERSATION_TIME_ZONE, MESSAGE_KIND_LABELS, MESSAGE_LABELS } from '../constants/messages.ts'
import type { Message, MessageContactCard, MessageKind, MessageLocation, MessageStatus } from '../types/domain.ts'
import { parseWhatsAppFormat, plainWhatsAppText } from './whatsapp-format.ts'

/** Chronological order: created_at, then id (the pagination cursor uses the same pair). */
export function compareMessages(a: Pick<Message, 'created_at' | 'id'>, b: Pick<Message, 'created_at' | 'id'>): number {
  const byTime = Date.parse(a.created_at) - Date.parse(b.created_at)
  if (byTime !== 0) return byTime
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** An optimistic message the server has not confirmed yet: its id is still the client id. */
export function isLocalMessage(message: Pick<Message, 'id' | 'client_id'>): boolean {
  return message.client_id !== null && message.id === message.client_id
}

/** A stable key for rendering: the optimistic row and its server copy share it (no remount). */
export function messageKey(message: Pick<Message, 'id' | 'client_id'>): string {
  return message.client_id ?? message.id
}

// Delivery only moves forward (the database guarantees it); events may still arrive out of order.
const STATUS_RANK: Record<MessageStatus, number> = {
  received: 0,
  pending: 1,
  sent: 2,
  failed: 2.5, // replaces pending/sent, never delivered/read
  delivered: 3,
  read: 4,
  played: 5,
}

function timeOf(value: string | null): number {
  return value ? Date.parse(value) : Number.NEGATIVE_INFINITY
}

/** Whether the incoming status is at least as recent as the one we hold. */
function statusIsNewer(existing: Message, incoming: Message): boolean {
  // "Tentar novamente" moves failed back to pending, stamped later than the failure.
  if (existing.status === 'failed' && incoming.status === 'pending') {
    return timeOf(incoming.status_updated_at) > timeOf(existing.status_updated_at)
  }
  // …and a late event of the failure that retry cleared must not bring it back.
  if (incoming.status === 'failed' && existing.status === 'pending' && existing.status_updated_at) {
    return timeOf(incoming.status_updated_at) > timeOf(existing.status_updated_at)
  }
  return STATUS_RANK[incoming.status] >= STATUS_RANK[existing.status]
}

/**
 * Combines what we hold with a newer copy of the same message. A local (optimistic) copy yields to
 * the server entirely; otherwise the content is the incoming one's, but the status never regresses
 * and ids learned earlier (provider id) are kept.
 */
export function mergeMessage(existing: Message, incoming: Message): Message {
  if (isLocalMessage(existing) && !isLocalMessage(incoming)) return incoming
  const merged: Message = { ...existing, ...incoming }
  merged.provider_message_id = incoming.provider_message_id ?? existing.provider_message_id
  merged.media_path = incoming.media_path ?? existing.media_path
  if (!statusIsNewer(existing, incoming)) {
    merged.status = existing.status
    merged.status_error = existing.status_error
    merged.status_updated_at = existing.status_updated_at
  }
  return merged
}

function findIndexFor(list: readonly Message[], incoming: Message): number {
  const byId = list.findIndex(message => message.id === incoming.id)
  if (byId !== -1) return byId
  if (incoming.client_id) {
    const byClient = list.findIndex(message => message.client_id === incoming.client_id)
    if (byClient !== -1) return byClient
  }
  // Private notes have no client id (add_private_note takes none): the echo of a note we are still
  // adding is recognised by its author and text.
  if (incoming.is_private && !incoming.client_id) {
    return list.findIndex(message => isLocalMessage(message) && message.is_private
      && message.sender_id === incoming.sender_id && message.body === incoming.body)
  }
  return -1
}

/** Inserts keeping the order; binary search from the end, where new messages land. */
function insertSorted(list: Message[], message: Message): void {
  let low = 0
  let high = list.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (compareMessages(list[middle] as Message, message) <= 0) low = middle + 1
    else high = middle
  }
  list.splice(low, 0, message)
}

/** The list with `incoming` added or merged into its copy (by id, client id, or pending note); never duplicated. */
export function upsertMessage(list: readonly Message[], incoming: Message): Message[] {
  const next = list.slice()
  const index = findIndexFor(next, incoming)
  if (index === -1) {
    insertSorted(next, incoming)
    return next
  }
  const merged = mergeMessage(next[index] as Message, incoming)
  next.splice(index, 1)
  insertSorted(next, merged)
  return next
}

export function upsertMessages(list: readonly Message[], incoming: readonly Message[]): Message[] {
  let next = list.slice()
  for (const message of incoming) next = upsertMessage(next, message)
  return next
}

/** The oldest server-stored message: the cursor for the previous page. */
export function oldestStored(list: readonly Message[]): Pick<Message, 'created_at' | 'id'> | null {
  return list.find(message => !isLocalMessage(message)) ?? null
}

/** One line describing a message (quotes, toasts): its text without markers, or its kind and caption. */
export function messagePreview(message: Pick<Message, 'kind' | 'body' | 'media_name' | 'is_voice_note' | 'location' | 'contact_cards' | 'reaction_emoji'>): string {
  const text = message.body ? plainWhatsAppText(parseWhatsAppFormat(message.body)).replace(/\s+/g, ' ').trim() : ''
  if (message.kind === 'text' || message.kind === 'note') return text
  const kind = message.kind === 'audio' && message.is_voice_note ? AUDIO_LABELS.voiceNote : MESSAGE_KIND_LABELS[message.kind]
  const detail = text
    || (message.kind === 'document' ? message.media_name : null)
    || (message.kind === 'location' ? message.location?.name ?? message.location?.address : null)
    || (message.kind === 'contact' ? message.contact_cards?.[0]?.display_name : null)
    || (message.kind === 'reaction' ? message.reaction_emoji : null)
  return detail ? `${kind}: ${detail}` : kind
}

// Ticks ---------------------------------------------------------------------------------------------

export type MessageTick = 'pending' | 'sent' | 'delivered' | 'read' | 'failed'

/** The tick an outbound message shows; none for received messages and private notes. */
export function messageTick(message: Pick<Message, 'direction' | 'status' | 'is_private'>): MessageTick | null {
  if (message.direction !== 'outbound' || message.is_private) return null
  switch (message.status) {
    case 'pending': return 'pending'
    case 'sent': return 'sent'
    case 'delivered': return 'delivered'
    case 'read':
    case 'played': return 'read'
    case 'failed': return 'failed'
    default: return null
  }
}

// Reactions -----------------------------------------------------------------------------------------

export interface MessageReaction {
  emoji: string
  direction: Message['direction']
  senderId: string | null
  at: string
}

/**
 * Reactions folded onto the message they react to: each person's latest reaction counts, and an
 * empty emoji (the customer removed it) removes theirs. Input in chronological order.
 */
export function reactionsByTarget(messages: readonly Message[]): Record<string, MessageReaction[]> {
  const latest = new Map<string, Map<string, MessageReaction>>()
  for (const message of messages) {
    if (message.kind !== 'reaction' || !message.reaction_to_message_id) continue
    const who = `${message.direction}:${message.sender_id ?? ''}`
    const perTarget = latest.get(message.reaction_to_message_id) ?? new Map<string, MessageReaction>()
    perTarget.set(who, { emoji: message.reaction_emoji ?? '', direction: message.direction, senderId: message.sender_id, at: message.created_at })
    latest.set(message.reaction_to_message_id, perTarget)
  }
  const result: Record<string, MessageReaction[]> = {}
  for (const [target, perTarget] of latest) {
    const shown = [...perTarget.values()].filter(reaction => reaction.emoji !== '')
    if (shown.length) result[target] = shown
  }
  return result
}

// Days and rows -------------------------------------------------------------------------------------

const dayKeyFormats = new Map<string, Intl.DateTimeFormat>()

/** `YYYY-MM-DD` of an instant in a time zone. */
export function dayKey(iso: string | Date, timeZone = CONVERSATION_TIME_ZONE): string {
  let format = dayKeyFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    dayKeyFormats.set(timeZone, format)
  }
  return format.format(typeof iso === 'string' ? new Date(iso) : iso)
}

function shiftDay(key: string, days: number): string {
  const [year, month, day] = key.split('-').map(Number) as [number, number, number]
  const date = new Date(Date.UTC(year, month - 1, day + days))
  return date.toISOString().slice(0, 10)
}

/** "Hoje", "Ontem", "segunda-feira, 18 de novembro" (with the year when not the current one). */
export function dayLabel(key: string, now: Date = new Date(), timeZone = CONVERSATION_TIME_ZONE): string {
  const today = dayKey(now, timeZone)
  if (key === today) return MESSAGE_LABELS.today
  if (key === shiftDay(today, -1)) return MESSAGE_LABELS.yesterday
  const [year, month, day] = key.split('-').map(Number) as [number, number, number]
  // Noon UTC of that calendar day is the same day in every Brazilian zone.
  const date = new Date(Date.UTC(year, month - 1, day, 12))
  const sameYear = key.slice(0, 4) === today.slice(0, 4)
  return new Intl.DateTimeFormat('pt-BR', {
    timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', ...(sameYear ? {} : { year: 'numeric' }),
  }).format(date)
}

const timeFormats = new Map<string, Intl.DateTimeFormat>()

/** `14:05` in the company's time zone. */
export function messageTime(iso: string, timeZone = CONVERSATION_TIME_ZONE): string {
  let format = timeFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('pt-BR', { timeZone, hour: '2-digit', minute: '2-digit' })
    timeFormats.set(timeZone, format)
  }
  return format.format(new Date(iso))
}

/** `20/11/2026 14:05:09`, for the time's tooltip. */
export function messageDateTime(iso: string, timeZone = CONVERSATION_TIME_ZONE): string {
  return new Intl.DateTimeFormat('pt-BR', { timeZone, dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso))
}

export type ConversationRow
  = | { type: 'day', key: string, label: string }
    | { type: 'message', key: string, message: Message, startsGroup: boolean }

/** Consecutive messages of the same author within this window share one sender line. */
const GROUP_WINDOW_MS = 5 * 60 * 1000

function authorOf(message: Message): string {
  return `${message.direction}:${message.sender_type}:${message.sender_id ?? ''}:${message.is_private}`
}

/**
 * The rows of the list: a separator when the day changes, then messages. Reactions whose target is
 * in the list are shown on it, not as rows.
 */
export function buildConversationRows(messages: readonly Message[], now: Date = new Date(), timeZone = CONVERSATION_TIME_ZONE): ConversationRow[] {
  const loaded = new Set(messages.map(message => message.id))
  const rows: ConversationRow[] = []
  let currentDay = ''
  let previous: Message | null = null
  for (const message of messages) {
    if (message.kind === 'reaction' && message.reaction_to_message_id && loaded.has(message.reaction_to_message_id)) continue
    const day = dayKey(message.created_at, timeZone)
    if (day !== currentDay) {
      rows.push({ type: 'day', key: `day:${day}`, label: dayLabel(day, now, timeZone) })
      currentDay = day
      previous = null
    }
    const startsGroup = !previous || authorOf(previous) !== authorOf(message)
      || Date.parse(message.created_at) - Date.parse(previous.created_at) > GROUP_WINDOW_MS
    rows.push({ type: 'message', key: messageKey(message), message, startsGroup })
    previous = message
  }
  return rows
}

// Rows from the API and realtime ---------------------------------------------------------------------

type Row = Record<string, unknown>

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null)
const num = (value: unknown): number | null => {
  if (typeof value === 'number') return value
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return null
}

/** A messages row (PostgREST or a realtime payload) as the app's Message; unknown columns dropped. */
export function toMessage(row: Row): Message {
  return {
    id: String(row.id),
    ticket_id: str(row.ticket_id),
    contact_id: String(row.contact_id ?? ''),
    channel_id: String(row.channel_id ?? ''),
    direction: row.direction === 'outbound' ? 'outbound' : 'inbound',
    sender_type: (str(row.sender_type) ?? 'contact') as Message['sender_type'],
    sender_id: str(row.sender_id),
    kind: (str(row.kind) ?? 'unsupported') as MessageKind,
    body: str(row.body),
    media_path: str(row.media_path),
    media_mime: str(row.media_mime),
    media_size: num(row.media_size),
    media_name: str(row.media_name),
    media_duration_seconds: num(row.media_duration_seconds),
    is_voice_note: row.is_voice_note === true,
    location: (row.location ?? null) as MessageLocation | null,
    contact_cards: (row.contact_cards ?? null) as MessageContactCard[] | null,
    reaction_emoji: str(row.reaction_emoji),
    reaction_to_message_id: str(row.reaction_to_message_id),
    quoted_message_id: str(row.quoted_message_id),
    quoted_provider_message_id: str(row.quoted_provider_message_id),
    provider_message_id: str(row.provider_message_id),
    status: (str(row.status) ?? 'received') as MessageStatus,
    status_error: str(row.status_error),
    status_updated_at: str(row.status_updated_at),
    is_private: row.is_private === true,
    client_id: str(row.client_id),
    provider_timestamp: str(row.provider_timestamp),
    created_at: String(row.created_at),
  }
}

/** The columns the app reads (not the search vector). */
export const MESSAGE_COLUMNS = [
  'id', 'ticket_id', 'contact_id', 'channel_id', 'direction', 'sender_type', 'sender_id', 'kind', 'body',
  'media_path', 'media_mime', 'media_size', 'media_name', 'media_duration_seconds', 'is_voice_note', 'location',
  'contact_cards', 'reaction_emoji', 'reaction_to_message_id', 'quoted_message_id', 'quoted_provider_message_id',
  'provider_message_id', 'status', 'status_error', 'status_updated_at', 'is_private', 'client_id',
  'provider_timestamp', 'created_at',
].join(',')
