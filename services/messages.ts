/**
 * Messages data layer: pages of a ticket's (or a contact's) messages by a (created_at, id) cursor,
 * signed URLs for media in the private `media` bucket (cached), uploads of a draft's file, the send /
 * note / retry RPCs, the nudge to the sender function, and realtime changes of a ticket's messages.
 */
import { MEDIA_URL_TTL_SECONDS } from '~/constants/messages'
import { subscribeToTable, type LiveStatus } from '~/services/realtime'
import type { Message } from '~/types/domain'
import type { AppSupabaseClient } from '~/types/supabase'
import { DataRequestError } from '~/utils/errors'
import { safeFileName } from '~/utils/files'
import { MESSAGE_COLUMNS, toMessage } from '~/utils/messages'

const MEDIA_BUCKET = 'media'

/** A failed request; `detail` is the database's pt-BR explanation when it gave one. */
export class MessageRequestError extends DataRequestError {
  constructor(message: string, code: string, status: number, readonly detail: string | null) {
    super(message, code, status)
    this.name = 'MessageRequestError'
  }
}

interface PostgrestLikeError {
  message: string
  code?: string
  details?: string | null
}

function requestError(error: PostgrestLikeError, status: number): MessageRequestError {
  // Only the database's own errors carry a pt-BR detail; a network failure puts a stack trace there.
  const fromDatabase = status > 0 && Boolean(error.code)
  return new MessageRequestError(error.message, error.code ?? '', status, fromDatabase ? error.details || null : null)
}

export type MessageScope = { ticketId: string } | { contactId: string }

export interface MessageCursor {
  created_at: string
  id: string
}

/**
 * A page of messages, oldest first: the newest `limit` without a cursor, else the `limit` just before
 * it. `hasOlder` is whether a further page may exist.
 */
export async function fetchMessagesPage(
  client: AppSupabaseClient,
  scope: MessageScope,
  options: { before?: MessageCursor | null, limit: number },
): Promise<{ messages: Message[], hasOlder: boolean }> {
  let query = client.from('messages').select(MESSAGE_COLUMNS)
  query = 'ticketId' in scope ? query.eq('ticket_id', scope.ticketId) : query.eq('contact_id', scope.contactId)
  if (options.before) {
    const { created_at: at, id } = options.before
    // Row comparison (created_at, id) < cursor, spelled for PostgREST; the index is (ticket_id, created_at, id).
    query = query.or(`created_at.lt."${at}",and(created_at.eq."${at}",id.lt.${id})`)
  }
  const { data, error, status } = await query
    .order('created_at', { ascending: false })
    .order('id', { ascending: false })
    .limit(options.limit + 1)
  if (error) throw requestError(error, status)
  const rows = (data ?? []) as unknown as Array<Record<string, unknown>>
  return {
    messages: rows.slice(0, options.limit).map(toMessage).reverse(),
    hasOlder: rows.length > options.limit,
  }
}

/** Specific messages by id (quoted originals outside the loaded pages); those the caller may not see are absent. */
export async function fetchMessagesByIds(client: AppSupabaseClient, ids: string[]): Promise<Message[]> {
  if (!ids.length) return []
  const { data, error, status } = await client.from('messages').select(MESSAGE_COLUMNS).in('id', ids)
  if (error) throw requestError(error, status)
  return ((data ?? []) as unknown as Array<Record<string, unknown>>).map(toMessage)
}

// Media ----------------------------------------------------------------------------------------------

/** Signed URLs by path, least recently used first (a Map keeps insertion order). */
const signedUrls = new Map<string, { url: string, expiresAt: number }>()
const SIGNED_URL_CACHE_SIZE = 300
const signing = new Map<string, Promise<string>>()

/** A temporary URL for a file in the `media` bucket; cached until a minute before it expires. */
export function mediaUrl(client: AppSupabaseClient, path: string): Promise<string> {
  const cached = signedUrls.get(path)
  if (cached && cached.expiresAt - 60_000 > Date.now()) {
    signedUrls.delete(path)
    signedUrls.set(path, cached)
    return Promise.resolve(cached.url)
  }
  const inFlight = signing.get(path)
  if (inFlight) return inFlight
  const request = (async () => {
    const { data, error } = await client.storage.from(MEDIA_BUCKET).createSignedUrl(path, MEDIA_URL_TTL_SECONDS)
    if (error || !data?.signedUrl) throw new MessageRequestError(error?.message ?? 'no signed url', 'storage', 0, null)
    signedUrls.set(path, { url: data.signedUrl, expiresAt: Date.now() + MEDIA_URL_TTL_SECONDS * 1000 })
    for (const oldest of signedUrls.keys()) {
      if (signedUrls.size <= SIGNED_URL_CACHE_SIZE) break
      signedUrls.delete(oldest)
    }
    return data.signedUrl
  })().finally(() => signing.delete(path))
  signing.set(path, request)
  return request
}

/** A URL that downloads the file under `fileName` instead of opening it. */
export async function mediaDownloadUrl(client: AppSupabaseClient, path: string, fileName: string): Promise<string> {
  const { data, error } = await client.storage.from(MEDIA_BUCKET).createSignedUrl(path, MEDIA_URL_TTL_SECONDS, { download: fileName })
  if (error || !data?.signedUrl) throw new MessageRequestError(error?.message ?? 'no signed url', 'storage', 0, null)
  return data.signedUrl
}

/** Uploads a draft's file to `uploads/<uid>/<uuid>-<safe name>` (the only place send_message accepts). */
export async function uploadDraftFile(client: AppSupabaseClient, userId: string, file: Blob, fileName: string | null): Promise<string> {
  const path = `uploads/${userId}/${crypto.randomUUID()}-${safeFileName(fileName)}`
  const { error } = await client.storage.from(MEDIA_BUCKET).upload(path, file, {
    contentType: file.type || 'application/octet-stream',
    upsert: false,
  })
  if (error) throw new MessageRequestError(error.message, 'storage', 0, null)
  return path
}

// Sending --------------------------------------------------------------------------------------------

export interface SendMessageInput {
  ticketId: string
  kind: 'text' | 'image' | 'audio' | 'video' | 'document' | 'sticker'
  body: string | null
  mediaPath: string | null
  mediaMime: string | null
  mediaName: string | null
  mediaSize: number | null
  isVoiceNote: boolean
  quotedMessageId: string | null
  clientId: string
}

/** Queues a message for the customer (idempotent on the client id: a repeat returns the same row). */
export async function sendMessage(client: AppSupabaseClient, input: SendMessageInput): Promise<Message> {
  const { data, error, status } = await client.rpc('send_message', {
    p_ticket_id: input.ticketId,
    p_kind: input.kind,
    p_body: input.body ?? undefined,
    p_media_path: input.mediaPath ?? undefined,
    p_media_mime: input.mediaMime ?? undefined,
    p_media_name: input.mediaName ?? undefined,
    p_media_size: input.mediaSize ?? undefined,
    p_is_voice_note: input.isVoiceNote,
    p_quoted_message_id: input.quotedMessageId ?? undefined,
    p_client_id: input.clientId,
  })
  if (error) throw requestError(error, status)
  return toMessage(data as unknown as Record<string, unknown>)
}

export async function addPrivateNote(client: AppSupabaseClient, ticketId: string, body: string): Promise<Message> {
  const { data, error, status } = await client.rpc('add_private_note', { p_ticket_id: ticketId, p_body: body })
  if (error) throw requestError(error, status)
  return toMessage(data as unknown as Record<string, unknown>)
}

/** "Tentar novamente" on a message the provider refused: back to the outbox. */
export async function retryFailedMessage(client: AppSupabaseClient, messageId: string): Promise<Message> {
  const { data, error, status } = await client.rpc('retry_failed_message', { p_message_id: messageId })
  if (error) throw requestError(error, status)
  return toMessage(data as unknown as Record<string, unknown>)
}

/**
 * Asks the sender function to deliver now. Best effort: the scheduler sweeps the outbox anyway, so a
 * failure here is logged, never reported as a failed send.
 */
export async function nudgeSender(client: AppSupabaseClient): Promise<void> {
  try {
    const { error } = await client.functions.invoke('whatsapp-send', { method: 'POST' })
    if (error) console.warn('whatsapp-send did not run now; the scheduler will send it', error)
  }
  catch (error) {
    console.warn('whatsapp-send did not run now; the scheduler will send it', error)
  }
}

// Realtime -------------------------------------------------------------------------------------------

export interface MessageChangeHandlers {
  onUpsert: (message: Message) => void
  onDelete: (messageId: string) => void
  /** Back after an interruption: changes made meanwhile were missed, re-read what is shown. */
  onResync: () => void
  onStatus: (status: LiveStatus) => void
}

/** INSERT/UPDATE/DELETE of one ticket's messages, as RLS lets the user see them. Returns the unsubscribe. */
export function subscribeToTicketMessages(client: AppSupabaseClient, ticketId: string, handlers: MessageChangeHandlers): () => void {
  return subscribeToTable<Record<string, unknown>>(client, {
    table: 'messages',
    filter: `ticket_id=eq.${ticketId}`,
    onChange: (change) => {
      if (change.type === 'DELETE') {
        if (typeof change.old.id === 'string') handlers.onDelete(change.old.id)
        return
      }
      handlers.onUpsert(toMessage(change.row))
    },
    onResync: handlers.onResync,
    onStatus: handlers.onStatus,
  })
}
