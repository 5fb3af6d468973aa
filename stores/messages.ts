import { MESSAGE_LABELS, MESSAGE_PAGE_SIZE } from '~/constants/messages'
import type { LiveStatus } from '~/services/realtime'
import * as messagesService from '~/services/messages'
import type { Message, OutgoingDraft } from '~/types/domain'
import { isLocalMessage, oldestStored, upsertMessage, upsertMessages } from '~/utils/messages'

interface TicketPages {
  status: 'idle' | 'loading' | 'ready' | 'error'
  error: string | null
  loadingOlder: boolean
  olderError: string | null
  hasOlder: boolean
}

/** A send the server has not confirmed yet: kept to re-send it with the same client id. */
interface PendingSend {
  ticketId: string
  draft: OutgoingDraft
  /** Set once the file is in Storage, so a retry does not upload it again. */
  uploadedPath: string | null
}

/** Why a send failed, for the agent (the database explains rule violations in pt-BR). */
function failureReason(error: unknown, fallback: string = MESSAGE_LABELS.sendFailedGeneric): string {
  if (error instanceof messagesService.MessageRequestError) {
    if (error.detail) return error.detail
    if (error.status === 0 && error.code !== 'storage') return MESSAGE_LABELS.sendFailedNetwork
    if (error.code === 'storage') return MESSAGE_LABELS.sendFailedUpload
  }
  if (error instanceof TypeError) return MESSAGE_LABELS.sendFailedNetwork
  return fallback
}

/**
 * Messages by ticket, sorted, with the optimistic ones: pages (newest first, older on demand), sends
 * that show at once and are replaced by the server's copy with the same client id (RPC result or
 * realtime echo, whichever comes first, never duplicated), failures with a retry, realtime changes
 * while a conversation is open, and the message to focus (search hits, quotes, `?message=`).
 */
export const useMessagesStore = defineStore('messages', () => {
  const supabase = useSupabase()
  const session = useSessionStore()

  const byTicket = ref<Record<string, Message[]>>({})
  const pages = ref<Record<string, TicketPages>>({})
  /** Quoted originals outside the loaded pages (older, or from an earlier ticket of the contact). */
  const quotedById = ref<Record<string, Message>>({})
  const focusedMessageId = ref<Record<string, string | null>>({})
  /** Bumped by every focusMessage call, so focusing the same message again scrolls again. */
  const focusRequests = ref<Record<string, number>>({})
  const liveStatus = ref<Record<string, LiveStatus>>({})
  /** Local previews (object URLs) of files being sent, by client id. */
  const localMediaUrls = ref<Record<string, string>>({})
  const retrying = ref<Record<string, boolean>>({})

  const pendingSends = new Map<string, PendingSend>()
  const subscriptions = new Map<string, { count: number, stop: () => void }>()

  function pagesOf(ticketId: string): TicketPages {
    pages.value[ticketId] ??= { status: 'idle', error: null, loadingOlder: false, olderError: null, hasOlder: false }
    return pages.value[ticketId]
  }

  function put(ticketId: string, incoming: Message | Message[]): void {
    const list = byTicket.value[ticketId] ?? []
    byTicket.value[ticketId] = Array.isArray(incoming) ? upsertMessages(list, incoming) : upsertMessage(list, incoming)
  }

  function replaceLocal(ticketId: string, id: string, patch: Partial<Message>): void {
    const list = byTicket.value[ticketId]
    const index = list?.findIndex(message => message.id === id) ?? -1
    if (!list || index === -1) return
    const next = list.slice()
    next[index] = { ...(list[index] as Message), ...patch }
    byTicket.value[ticketId] = next
  }

  function findMessage(messageId: string): { ticketId: string, message: Message } | null {
    for (const [ticketId, list] of Object.entries(byTicket.value)) {
      const message = list.find(item => item.id === messageId)
      if (message) return { ticketId, message }
    }
    return null
  }

  /** A message of the ticket or a quoted original, for quotes. */
  function messageById(ticketId: string, messageId: string): Message | null {
    return byTicket.value[ticketId]?.find(message => message.id === messageId) ?? quotedById.value[messageId] ?? null
  }

  /** Fetches quoted originals that are not loaded, so quotes can show them. */
  async function ensureQuoted(ticketId: string, messages: Message[]): Promise<void> {
    const loaded = new Set((byTicket.value[ticketId] ?? []).map(message => message.id))
    const missing = [...new Set(messages.map(message => message.quoted_message_id).filter((id): id is string => Boolean(id)))]
      .filter(id => !loaded.has(id) && !quotedById.value[id])
    if (!missing.length) return
    try {
      for (const message of await messagesService.fetchMessagesByIds(supabase, missing)) quotedById.value[message.id] = message
    }
    catch (error) {
      console.warn('quoted messages not loaded', error)
    }
  }

  // Pages ------------------------------------------------------------------------------------------------

  /** Requests in flight by ticket: a second caller (the list scrolling, a focus request) joins the first. */
  const latestRequests = new Map<string, Promise<void>>()
  const olderRequests = new Map<string, Promise<void>>()

  /** Bumped by reset(): a read that started for the previous user is dropped when it returns. */
  let generation = 0

  function once(requests: Map<string, Promise<void>>, ticketId: string, run: () => Promise<void>): Promise<void> {
    let request = requests.get(ticketId)
    if (!request) {
      request = run().finally(() => requests.delete(ticketId))
      requests.set(ticketId, request)
    }
    return request
  }

  /** The newest page, merged with what is shown (optimistic sends and realtime arrivals stay). */
  function loadLatest(ticketId: string): Promise<void> {
    return once(latestRequests, ticketId, async () => {
      const meta = pagesOf(ticketId)
      const firstLoad = meta.status !== 'ready'
      const started = generation
      if (firstLoad) meta.status = 'loading'
      meta.error = null
      try {
        const page = await messagesService.fetchMessagesPage(supabase, { ticketId }, { limit: MESSAGE_PAGE_SIZE })
        if (started !== generation) return
        put(ticketId, page.messages)
        if (firstLoad) meta.hasOlder = page.hasOlder
        meta.status = 'ready'
        void ensureQuoted(ticketId, page.messages)
      }
      catch (error) {
        meta.error = failureReason(error, MESSAGE_LABELS.loadError)
        if (firstLoad) meta.status = 'error'
      }
    })
  }

  /** The page before the oldest loaded message. */
  function loadOlder(ticketId: string): Promise<void> {
    const meta = pagesOf(ticketId)
    if (meta.status !== 'ready' || !meta.hasOlder) return Promise.resolve()
    return once(olderRequests, ticketId, async () => {
      const before = oldestStored(byTicket.value[ticketId] ?? [])
      const started = generation
      meta.loadingOlder = true
      meta.olderError = null
      try {
        const page = await messagesService.fetchMessagesPage(supabase, { ticketId }, { before, limit: MESSAGE_PAGE_SIZE })
        if (started !== generation) return
        put(ticketId, page.messages)
        meta.hasOlder = page.hasOlder
        void ensureQuoted(ticketId, page.messages)
      }
      catch (error) {
        meta.olderError = failureReason(error, MESSAGE_LABELS.olderError)
      }
      finally {
        meta.loadingOlder = false
      }
    })
  }

  function hasOlder(ticketId: string): boolean {
    return pages.value[ticketId]?.hasOlder ?? false
  }

  // Sending ----------------------------------------------------------------------------------------------

  function optimisticMessage(ticketId: string, draft: OutgoingDraft, clientId: string): Message {
    const isNote = draft.kind === 'note'
    return {
      id: clientId,
      ticket_id: ticketId,
      contact_id: '',
      channel_id: '',
      direction: 'outbound',
      sender_type: 'agent',
      sender_id: session.user?.id ?? null,
      kind: draft.kind,
      body: draft.body?.trim() || null,
      media_path: null,
      media_mime: draft.file?.type || null,
      media_size: draft.file?.size ?? null,
      media_name: draft.fileName,
      media_duration_seconds: null,
      is_voice_note: draft.kind === 'audio' && draft.isVoiceNote,
      location: null,
      contact_cards: null,
      reaction_emoji: null,
      reaction_to_message_id: null,
      quoted_message_id: isNote ? null : draft.quotedMessageId,
      quoted_provider_message_id: null,
      provider_message_id: null,
      status: 'pending',
      status_error: null,
      status_updated_at: null,
      is_private: isNote,
      client_id: clientId,
      provider_timestamp: null,
      created_at: new Date().toISOString(),
    }
  }

  /** Uploads (once) and calls the RPC; the server's row replaces the optimistic one. */
  async function deliver(clientId: string): Promise<void> {
    const pending = pendingSends.get(clientId)
    if (!pending) return
    const { ticketId, draft } = pending
    try {
      let row: Message
      if (draft.kind === 'note') {
        row = await messagesService.addPrivateNote(supabase, ticketId, draft.body ?? '')
      }
      else {
        if (draft.file && !pending.uploadedPath) {
          const userId = session.user?.id
          if (!userId) throw new TypeError('signed out')
          pending.uploadedPath = await messagesService.uploadDraftFile(supabase, userId, draft.file, draft.fileName)
        }
        row = await messagesService.sendMessage(supabase, {
          ticketId,
          kind: draft.kind,
          body: draft.body?.trim() || null,
          mediaPath: pending.uploadedPath,
          mediaMime: draft.file ? draft.file.type || 'application/octet-stream' : null,
          mediaName: draft.file ? draft.fileName : null,
          mediaSize: draft.file?.size ?? null,
          isVoiceNote: draft.kind === 'audio' && draft.isVoiceNote,
          quotedMessageId: draft.quotedMessageId,
          clientId,
        })
      }
      pendingSends.delete(clientId)
      put(ticketId, row)
      if (draft.kind !== 'note') void messagesService.nudgeSender(supabase)
    }
    catch (error) {
      // Still local (no echo arrived): mark it failed; "Tentar novamente" re-sends the same client id.
      replaceLocal(ticketId, clientId, { status: 'failed', status_error: failureReason(error) })
    }
  }

  /** Shows the message at once and sends it; resolves with its client id once the attempt ended. */
  async function send(ticketId: string, draft: OutgoingDraft): Promise<string> {
    const clientId = crypto.randomUUID()
    if (draft.file && ['image', 'video', 'audio', 'sticker'].includes(draft.kind)) {
      localMediaUrls.value[clientId] = URL.createObjectURL(draft.file)
    }
    put(ticketId, optimisticMessage(ticketId, draft, clientId))
    pendingSends.set(clientId, { ticketId, draft, uploadedPath: null })
    await deliver(clientId)
    return clientId
  }

  /** "Tentar novamente": a local failure re-sends with the same client id; a provider failure goes back to the outbox. */
  async function retry(messageId: string): Promise<void> {
    const found = findMessage(messageId)
    if (!found || found.message.status !== 'failed' || retrying.value[messageId]) return
    const { ticketId, message } = found
    retrying.value[messageId] = true
    try {
      if (isLocalMessage(message)) {
        replaceLocal(ticketId, messageId, { status: 'pending', status_error: null })
        await deliver(messageId)
        return
      }
      const before = { status: message.status, status_error: message.status_error }
      replaceLocal(ticketId, messageId, { status: 'pending', status_error: null })
      try {
        put(ticketId, await messagesService.retryFailedMessage(supabase, messageId))
        void messagesService.nudgeSender(supabase)
      }
      catch (error) {
        // Roll back, with why the retry itself was refused.
        replaceLocal(ticketId, messageId, { ...before, status_error: failureReason(error, before.status_error ?? MESSAGE_LABELS.retryFailed) })
      }
    }
    finally {
      const { [messageId]: _done, ...rest } = retrying.value
      retrying.value = rest
    }
  }

  /** A preview of a file being sent (object URL), until the server's copy has its own. */
  function localMediaUrl(message: Message): string | null {
    return message.client_id ? localMediaUrls.value[message.client_id] ?? null : null
  }

  function mediaUrl(path: string): Promise<string> {
    return messagesService.mediaUrl(supabase, path)
  }

  function mediaDownloadUrl(path: string, fileName: string): Promise<string> {
    return messagesService.mediaDownloadUrl(supabase, path, fileName)
  }

  // Focus ------------------------------------------------------------------------------------------------

  /**
   * Asks the list to scroll to a message and highlight it, loading older pages until it is there.
   * Resolves false when the ticket does not hold it (e.g. a quote from an earlier ticket).
   */
  async function focusMessage(ticketId: string, messageId: string): Promise<boolean> {
    focusedMessageId.value[ticketId] = messageId
    focusRequests.value[ticketId] = (focusRequests.value[ticketId] ?? 0) + 1
    const has = () => byTicket.value[ticketId]?.some(message => message.id === messageId) ?? false
    if (pagesOf(ticketId).status !== 'ready') await loadLatest(ticketId)
    while (!has() && hasOlder(ticketId) && focusedMessageId.value[ticketId] === messageId) {
      await loadOlder(ticketId)
      if (pagesOf(ticketId).olderError) break
    }
    const found = has()
    if (!found && focusedMessageId.value[ticketId] === messageId) focusedMessageId.value[ticketId] = null
    return found
  }

  function clearFocus(ticketId: string): void {
    focusedMessageId.value[ticketId] = null
  }

  // Realtime ---------------------------------------------------------------------------------------------

  /** Live INSERT/UPDATE of the ticket's messages (new messages, ticks, failures). Reference counted. */
  function subscribe(ticketId: string): void {
    const existing = subscriptions.get(ticketId)
    if (existing) {
      existing.count++
      return
    }
    const stop = messagesService.subscribeToTicketMessages(supabase, ticketId, {
      onUpsert: (message) => {
        put(ticketId, message)
        void ensureQuoted(ticketId, [message])
      },
      onDelete: (messageId) => {
        const list = byTicket.value[ticketId]
        if (list?.some(message => message.id === messageId)) byTicket.value[ticketId] = list.filter(message => message.id !== messageId)
      },
      onResync: () => void loadLatest(ticketId),
      onStatus: (status) => {
        liveStatus.value[ticketId] = status
      },
    })
    subscriptions.set(ticketId, { count: 1, stop })
  }

  function unsubscribe(ticketId: string): void {
    const existing = subscriptions.get(ticketId)
    if (!existing) return
    existing.count--
    if (existing.count > 0) return
    existing.stop()
    subscriptions.delete(ticketId)
    const { [ticketId]: _gone, ...rest } = liveStatus.value
    liveStatus.value = rest
  }

  function reset(): void {
    generation++
    latestRequests.clear()
    olderRequests.clear()
    for (const { stop } of subscriptions.values()) stop()
    subscriptions.clear()
    pendingSends.clear()
    for (const url of Object.values(localMediaUrls.value)) URL.revokeObjectURL(url)
    byTicket.value = {}
    pages.value = {}
    quotedById.value = {}
    focusedMessageId.value = {}
    focusRequests.value = {}
    liveStatus.value = {}
    localMediaUrls.value = {}
    retrying.value = {}
  }

  // Another user signing in must not see the previous user's conversations.
  watch(() => session.user?.id, (next, previous) => {
    if (previous && next !== previous) reset()
  })

  return {
    byTicket,
    pages,
    quotedById,
    focusedMessageId,
    focusRequests,
    liveStatus,
    retrying,
    loadLatest,
    loadOlder,
    hasOlder,
    send,
    retry,
    messageById,
    localMediaUrl,
    mediaUrl,
    mediaDownloadUrl,
    focusMessage,
    clearFocus,
    subscribe,
    unsubscribe,
  }
})
