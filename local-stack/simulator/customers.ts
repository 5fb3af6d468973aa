/**
 * The customers' side: one conversation per (provider target, customer WhatsApp id), holding what the
 * customer sent and what the business sent them, with delivery statuses. Both providers share it.
 */
import type { ChangeBus } from './runtime.ts'
import type { MediaStore } from './media.ts'
import type { ChatKind, ChatMessageView, ChatStatus, ConversationSummary, ConversationView, ProviderName, TargetView } from './types.ts'
import { whatsappId } from './phones.ts'

export interface TargetRef {
  provider: ProviderName
  id: string
}

export function targetKey(target: TargetRef): string {
  return `${target.provider}:${target.id}`
}

export interface ChatMessage {
  id: string
  from: 'customer' | 'business'
  kind: ChatKind
  text: string | null
  mediaId: string | null
  voiceNote: boolean
  quotedId: string | null
  location: ChatMessageView['location']
  contact: ChatMessageView['contact']
  reaction: ChatMessageView['reaction']
  status: ChatStatus
  error: ChatMessageView['error']
  timestamp: number
  /**
   * Evolution: the message `data` as webhooks and send responses carry it (without inline `base64`), kept
   * to deliver it later, to quote it and to answer getBase64FromMediaMessage; `dbId` is Evolution's own
   * row id (`messages.update.messageId`).
   */
  evolution?: { data: Record<string, unknown>, dbId: string }
  /** A receipt the customer gave before the message was even delivered; applied right after delivery. */
  pendingReceipt?: 'read' | 'played'
  /** Cloud: the `messages[]` entry of a customer message, kept to deliver it later. */
  cloud?: { message: Record<string, unknown> }
}

export interface Conversation {
  target: TargetRef
  waId: string
  name: string
  messages: ChatMessage[]
  lastCustomerMessageAt: number | null
  /** Cloud pricing conversation (24 h), opened by the first business message. */
  cloudConversation: { id: string, expiresAt: number } | null
}

const STATUS_RANK: Record<ChatStatus, number> = { queued: 0, pending: 1, sent: 2, delivered: 3, read: 4, played: 5, failed: 6 }

/** Statuses only move forward; `failed` is final. */
export function isStatusAdvance(current: ChatStatus, next: ChatStatus): boolean {
  if (current === 'failed') return false
  return STATUS_RANK[next] > STATUS_RANK[current]
}

export class Conversations {
  private readonly byKey = new Map<string, Conversation>()

  constructor(private readonly bus: ChangeBus, private readonly media: MediaStore, private readonly labelOf: (target: TargetRef) => string) {}

  private key(target: TargetRef, phone: string): string {
    return `${targetKey(target)}|${whatsappId(phone)}`
  }

  get(target: TargetRef, phone: string): Conversation | undefined {
    return this.byKey.get(this.key(target, phone))
  }

  open(target: TargetRef, phone: string, name?: string): Conversation {
    const existing = this.get(target, phone)
    if (existing) {
      if (name && name.trim() !== '') existing.name = name.trim()
      return existing
    }
    const waId = whatsappId(phone)
    const conversation: Conversation = { target, waId, name: name?.trim() || waId, messages: [], lastCustomerMessageAt: null, cloudConversation: null }
    this.byKey.set(this.key(target, phone), conversation)
    return conversation
  }

  list(): Conversation[] {
    return [...this.byKey.values()]
  }

  /** A message of any conversation of this target (ids are unique per provider). */
  find(target: TargetRef, messageId: string): { conversation: Conversation, message: ChatMessage } | undefined {
    const prefix = `${targetKey(target)}|`
    for (const [key, conversation] of this.byKey) {
      if (!key.startsWith(prefix)) continue
      const message = conversation.messages.find(candidate => candidate.id === messageId)
      if (message) return { conversation, message }
    }
    return undefined
  }

  add(conversation: Conversation, message: ChatMessage): void {
    conversation.messages.push(message)
    if (message.from === 'customer') conversation.lastCustomerMessageAt = message.timestamp
    this.changed(conversation)
  }

  /** Applies a status if it moves the message forward; returns whether it did. */
  advance(conversation: Conversation, message: ChatMessage, status: ChatStatus, error: ChatMessage['error'] = null): boolean {
    if (!isStatusAdvance(message.status, status)) return false
    message.status = status
    if (error) message.error = error
    this.changed(conversation)
    return true
  }

  changed(conversation: Conversation): void {
    this.bus.emit({ type: 'conversation', target: targetKey(conversation.target), phone: conversation.waId })
  }

  removeTarget(target: TargetRef): void {
    const prefix = `${targetKey(target)}|`
    for (const key of [...this.byKey.keys()]) if (key.startsWith(prefix)) this.byKey.delete(key)
  }

  clear(): void {
    this.byKey.clear()
  }

  targetView(target: TargetRef): TargetView {
    return { provider: target.provider, id: target.id, label: this.labelOf(target) }
  }

  messageView(message: ChatMessage): ChatMessageView {
    const media = message.mediaId ? this.media.get(message.mediaId) : undefined
    return {
      id: message.id,
      from: message.from,
      kind: message.kind,
      text: message.text,
      media: media
        ? { id: media.id, url: `/api/media/${media.id}`, mimeType: media.mimeType, fileName: media.fileName, size: media.size, width: media.width, height: media.height, seconds: media.seconds }
        : null,
      voiceNote: message.voiceNote,
      quotedId: message.quotedId,
      location: message.location,
      contact: message.contact,
      reaction: message.reaction,
      status: message.status,
      error: message.error,
      timestamp: new Date(message.timestamp).toISOString(),
    }
  }

  view(conversation: Conversation): ConversationView {
    return {
      target: this.targetView(conversation.target),
      phone: conversation.waId,
      name: conversation.name,
      messages: conversation.messages.map(message => this.messageView(message)),
    }
  }

  summary(conversation: Conversation): ConversationSummary {
    const last = conversation.messages.at(-1)
    return {
      target: this.targetView(conversation.target),
      phone: conversation.waId,
      name: conversation.name,
      messageCount: conversation.messages.length,
      lastMessage: last ? this.messageView(last) : null,
    }
  }
}
