import { MAX_ATTACHMENTS, ATTACHMENT_LABELS } from '~/constants/composer'
import type { Message, OutgoingDraft } from '~/types/domain'
import {
  attachmentKind,
  attachmentProblem,
  buildOutgoingDrafts,
  fileMime,
  forgetDrafts,
  readDraft,
  voiceNoteDraft,
  writeDraft,
  type DraftStorage,
  type PendingAttachment,
} from '~/utils/composer'

/** What adding files did: how many joined the composer, and why the others did not (pt-BR). */
export interface AddFilesResult {
  added: number
  problems: string[]
}

/**
 * What each ticket's composer holds while the agent moves between tickets: the draft text (also in
 * sessionStorage, so a reload keeps it), attached files, the message being replied to and the note
 * mode. `setReplyTarget` is how the "Responder" action on a message reaches the composer; it bumps
 * `focusRequests[ticketId]`, which the composer watches to take the focus.
 */
export const useComposerStore = defineStore('composer', () => {
  const drafts = ref<Record<string, string>>({})
  const attachmentsByTicket = ref<Record<string, PendingAttachment[]>>({})
  const replyTargets = ref<Record<string, Message | null>>({})
  const noteModes = ref<Record<string, boolean>>({})
  /** Bumped to ask the composer of a ticket to focus its input. */
  const focusRequests = ref<Record<string, number>>({})
  const messages = useMessagesStore()
  const session = useSessionStore()

  function storage(): DraftStorage | null {
    try {
      return import.meta.client ? window.sessionStorage : null
    }
    catch {
      return null // storage blocked by the browser's settings
    }
  }

  // Draft text ----------------------------------------------------------------------------------------
  function draft(ticketId: string): string {
    const userId = session.user?.id
    return drafts.value[ticketId] ?? (userId ? readDraft(storage(), userId, ticketId) : '')
  }

  function setDraft(ticketId: string, text: string): void {
    drafts.value[ticketId] = text
    const userId = session.user?.id
    if (userId) writeDraft(storage(), userId, ticketId, text)
  }

  // Attachments ---------------------------------------------------------------------------------------
  function attachments(ticketId: string): PendingAttachment[] {
    return attachmentsByTicket.value[ticketId] ?? []
  }

  /** Adds the files that may be sent; the others come back with the reason, for a toast. */
  function addFiles(ticketId: string, files: readonly File[]): AddFilesResult {
    const current = attachments(ticketId)
    const problems: string[] = []
    const accepted: PendingAttachment[] = []
    for (const file of files) {
      const problem = attachmentProblem(file)
      if (problem) {
        problems.push(problem)
        continue
      }
      if (current.length + accepted.length >= MAX_ATTACHMENTS) {
        problems.push(ATTACHMENT_LABELS.tooMany(MAX_ATTACHMENTS))
        break
      }
      const mime = fileMime(file)
      const kind = attachmentKind(mime)
      accepted.push({
        id: crypto.randomUUID(),
        file: markRaw(file),
        name: file.name || `arquivo-${accepted.length + 1}`,
        mime,
        size: file.size,
        kind,
        caption: '',
        previewUrl: kind === 'image' || kind === 'video' ? URL.createObjectURL(file) : null,
      })
    }
    if (accepted.length) attachmentsByTicket.value[ticketId] = [...current, ...accepted]
    return { added: accepted.length, problems }
  }

  function setCaption(ticketId: string, attachmentId: string, caption: string): void {
    const found = attachments(ticketId).find(item => item.id === attachmentId)
    if (found) found.caption = caption
  }

  function removeAttachment(ticketId: string, attachmentId: string): void {
    const list = attachments(ticketId)
    const removed = list.find(item => item.id === attachmentId)
    if (removed?.previewUrl) URL.revokeObjectURL(removed.previewUrl)
    attachmentsByTicket.value[ticketId] = list.filter(item => item.id !== attachmentId)
  }

  function clearAttachments(ticketId: string, options: { keepPreviews?: boolean } = {}): void {
    if (!options.keepPreviews) {
      for (const item of attachments(ticketId)) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl)
    }
    attachmentsByTicket.value[ticketId] = []
  }

  // Reply target, note mode, focus --------------------------------------------------------------------
  function replyTarget(ticketId: string): Message | null {
    return replyTargets.value[ticketId] ?? null
  }

  /** The "Responder" action: quote this message in the next reply (and switch notes off: notes never quote). */
  function setReplyTarget(ticketId: string, message: Message | null): void {
    replyTargets.value[ticketId] = message
    if (message) {
      noteModes.value[ticketId] = false
      requestFocus(ticketId)
    }
  }

  function requestFocus(ticketId: string): void {
    focusRequests.value[ticketId] = (focusRequests.value[ticketId] ?? 0) + 1
  }

  function isNoteMode(ticketId: string): boolean {
    return noteModes.value[ticketId] ?? false
  }

  function setNoteMode(ticketId: string, on: boolean): void {
    noteModes.value[ticketId] = on
  }

  // Sending --------------------------------------------------------------------------------------------
  /** Per ticket, the sends still going out: a new batch waits for the previous one, so order holds. */
  const queues = new Map<string, Promise<void>>()

  function enqueue(ticketId: string, outgoing: OutgoingDraft[]): Promise<void> {
    const previous = queues.get(ticketId) ?? Promise.resolve()
    // messages.send shows each message at once and never rejects: a failure stays in the conversation,
    // marked failed with "Tentar novamente", so nothing typed or attached is lost.
    const next = previous.then(async () => {
      for (const draftToSend of outgoing) await messages.send(ticketId, draftToSend)
    })
    queues.set(ticketId, next)
    void next.finally(() => {
      if (queues.get(ticketId) === next) queues.delete(ticketId)
    })
    return next
  }

  /**
   * Sends what the composer holds (files with their captions, then the text; or the note) and empties
   * it at once: the messages appear in the conversation immediately.
   */
  function send(ticketId: string): Promise<void> {
    const noteMode = isNoteMode(ticketId)
    const outgoing = buildOutgoingDrafts({
      text: draft(ticketId),
      attachments: attachments(ticketId),
      noteMode,
      quotedMessageId: replyTarget(ticketId)?.id ?? null,
    })
    if (!outgoing.length) return Promise.resolve()
    setDraft(ticketId, '')
    if (!noteMode) {
      clearAttachments(ticketId)
      replyTargets.value[ticketId] = null
    }
    return enqueue(ticketId, outgoing)
  }

  /** A voice note recorded in the browser, quoting the reply target if there is one. */
  function sendVoiceNote(ticketId: string, file: File): Promise<void> {
    const outgoing = voiceNoteDraft(file, replyTarget(ticketId)?.id ?? null)
    replyTargets.value[ticketId] = null
    return enqueue(ticketId, [outgoing])
  }

  // Another user signing in (or signing out) in this tab starts with an empty composer, and the
  // previous user's drafts leave the tab's storage.
  watch(() => session.user?.id, (next, previous) => {
    if (next === previous) return
    for (const list of Object.values(attachmentsByTicket.value)) {
      for (const item of list) if (item.previewUrl) URL.revokeObjectURL(item.previewUrl)
    }
    drafts.value = {}
    attachmentsByTicket.value = {}
    replyTargets.value = {}
    noteModes.value = {}
    if (previous) forgetDrafts(storage(), previous)
  })

  return {
    drafts,
    attachmentsByTicket,
    replyTargets,
    noteModes,
    focusRequests,
    draft,
    setDraft,
    attachments,
    addFiles,
    setCaption,
    removeAttachment,
    clearAttachments,
    replyTarget,
    setReplyTarget,
    requestFocus,
    isNoteMode,
    setNoteMode,
    send,
    sendVoiceNote,
  }
})
