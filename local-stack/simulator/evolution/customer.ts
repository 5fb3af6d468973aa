/**
 * The customer's side of an Evolution chat: their messages become `messages.upsert` webhooks (held while
 * the business's WhatsApp is offline and delivered when it reconnects, as WhatsApp does), and their
 * phone's receipts for business messages become `messages.update` READ / PLAYED.
 */
import type { SimulatorContext } from '../context.ts'
import type { ChatMessage, Conversation } from '../customers.ts'
import { type CustomerDraft, draftToMessage } from '../drafts.ts'
import { cuid, evolutionPhoneMessageId } from '../ids.ts'
import { lidFor, phoneJid } from '../phones.ts'
import type { EvolutionInstance } from './instances.ts'
import {
  CONTENT_KEYS,
  type EvolutionMediaKind,
  type Json,
  jpegThumbnail,
  long,
  mediaContent,
  messageContextInfo,
  messageData,
  quotableContent,
  replyContextInfo,
  vcardFor,
} from './payloads.ts'
import { emitEvolutionEvent } from './webhooks.ts'

/** `key` of a customer's message, by how WhatsApp addressed the chat (see `CustomerSendInput.addressing`). */
function customerKey(waId: string, id: string, addressing: CustomerDraft['addressing']): Json {
  const pn = phoneJid(waId)
  const lid = lidFor(waId)
  switch (addressing) {
    case 'pn':
      return { remoteJid: pn, remoteJidAlt: lid, fromMe: false, id, addressingMode: 'pn' }
    case 'lid':
      return { remoteJid: pn, remoteJidAlt: pn, fromMe: false, id, addressingMode: 'lid' }
    case 'lid-raw':
      return { remoteJid: lid, remoteJidAlt: pn, fromMe: false, id, addressingMode: 'lid' }
    case 'lid-only':
      return { remoteJid: lid, fromMe: false, id, addressingMode: 'lid' }
  }
}

/** The quoted message as the replying phone describes it: who wrote it and its normalized content. */
export function quoteOf(instance: EvolutionInstance, conversation: Conversation, quoted: ChatMessage) {
  const content = quoted.evolution?.data.message
  return {
    stanzaId: quoted.id,
    participant: quoted.from === 'business' ? instance.ownerJid ?? '' : phoneJid(conversation.waId),
    quotedMessage: content && typeof content === 'object' ? quotableContent(content as Json) : { conversation: quoted.text ?? '' },
  }
}

export class EvolutionCustomerSide {
  constructor(private readonly ctx: SimulatorContext) {}

  send(instance: EvolutionInstance, conversation: Conversation, draft: CustomerDraft): ChatMessage {
    const message = draftToMessage(draft, evolutionPhoneMessageId())
    const key = customerKey(conversation.waId, message.id, draft.addressing)
    const reply = draft.quoted ? replyContextInfo(quoteOf(instance, conversation, draft.quoted)) : null
    const { content, messageType } = this.content(draft, key, reply)
    message.evolution = {
      dbId: cuid(),
      data: messageData({
        key,
        pushName: conversation.name,
        status: 'DELIVERY_ACK',
        message: { ...content, messageContextInfo: messageContextInfo() },
        // 2.3.x lifts the content's contextInfo to the top (for text replies, the only place it is).
        contextInfo: reply,
        messageType,
        timestampMs: message.timestamp,
        instanceId: instance.id,
        source: 'ios',
      }),
    }
    this.ctx.conversations.add(conversation, message)
    if (instance.state === 'open') this.deliver(instance, conversation, message)
    return message
  }

  private content(draft: CustomerDraft, key: Json, reply: Json | null): { content: Json, messageType: string } {
    const context = reply ? { contextInfo: reply } : {}
    switch (draft.kind) {
      case 'text':
        // WhatsApp sends a reply as extendedTextMessage; Evolution 2.3.x turns it into `conversation`.
        return { content: { conversation: draft.text ?? '' }, messageType: 'conversation' }
      case 'location':
        return {
          content: {
            locationMessage: {
              degreesLatitude: draft.location!.latitude,
              degreesLongitude: draft.location!.longitude,
              ...(draft.location!.name ? { name: draft.location!.name } : {}),
              ...(draft.location!.address ? { address: draft.location!.address } : {}),
              jpegThumbnail: jpegThumbnail(),
              ...context,
            },
          },
          messageType: 'locationMessage',
        }
      case 'contact':
        return {
          content: { contactMessage: { displayName: draft.contact!.name, vcard: vcardFor(draft.contact!.name, draft.contact!.phone), ...context } },
          messageType: 'contactMessage',
        }
      case 'reaction': {
        const target = draft.reaction!.target
        return {
          content: {
            reactionMessage: {
              key: { remoteJid: key.remoteJid, fromMe: target.from === 'business', id: target.id },
              text: draft.reaction!.emoji,
              senderTimestampMs: long(Date.now(), false),
            },
          },
          messageType: 'reactionMessage',
        }
      }
      default: {
        const kind = draft.kind as EvolutionMediaKind
        const contentKey = CONTENT_KEYS[kind]
        return {
          content: { [contentKey]: mediaContent(kind, draft.media!, { caption: draft.text, voiceNote: draft.voiceNote, contextInfo: reply }) },
          messageType: contentKey,
        }
      }
    }
  }

  /** Sends the `messages.upsert` (with the file inline when the webhook asks for base64). */
  private deliver(instance: EvolutionInstance, conversation: Conversation, message: ChatMessage): void {
    const data = structuredClone(message.evolution!.data)
    const media = message.mediaId ? this.ctx.media.get(message.mediaId) : undefined
    if (media && instance.webhook?.base64) (data.message as Json).base64 = media.bytes.toString('base64')
    emitEvolutionEvent(this.ctx, instance, 'messages.upsert', data)
    this.ctx.conversations.advance(conversation, message, 'delivered')
  }

  /** The business's WhatsApp came online: what customers sent meanwhile arrives, in order. */
  deliverQueued(instance: EvolutionInstance): void {
    for (const conversation of this.ctx.conversations.list()) {
      if (conversation.target.provider !== 'evolution' || conversation.target.id !== instance.name) continue
      for (const message of conversation.messages) {
        if (message.from === 'customer' && message.status === 'queued') this.deliver(instance, conversation, message)
      }
    }
  }

  /** The customer's phone read (or played) a business message: `messages.update` with that ack. */
  receipt(instance: EvolutionInstance, conversation: Conversation, message: ChatMessage, status: 'read' | 'played'): void {
    if (!this.ctx.conversations.advance(conversation, message, status)) return
    emitEvolutionEvent(this.ctx, instance, 'messages.update', statusData(instance, conversation, message, status === 'read' ? 'READ' : 'PLAYED'))
  }
}

export type EvolutionAck = 'SERVER_ACK' | 'DELIVERY_ACK' | 'READ' | 'PLAYED'

/** `messages.update` data (`baileys.service.ts` 2.3.7): the WhatsApp id in `keyId`, Evolution's row id in `messageId`. */
export function statusData(instance: EvolutionInstance, conversation: Conversation, message: ChatMessage, status: EvolutionAck): Json {
  const remoteJid = phoneJid(conversation.waId)
  return {
    keyId: message.id,
    remoteJid,
    fromMe: message.from === 'business',
    status,
    instanceId: instance.id,
    messageId: message.evolution?.dbId ?? cuid(),
    ...(status === 'READ' || status === 'PLAYED' ? { participant: remoteJid } : {}),
  }
}
