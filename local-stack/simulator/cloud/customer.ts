/**
 * The customer's side of a Cloud API chat: their messages become `messages` webhooks (media as ids the
 * fake Graph API serves), held while the number has no verified callback; their receipts for business
 * messages become `read` / `played` statuses.
 */
import type { SimulatorContext } from '../context.ts'
import type { ChatMessage, Conversation } from '../customers.ts'
import { type CustomerDraft, draftToMessage } from '../drafts.ts'
import { wamid } from '../ids.ts'
import { displayPhone } from '../phones.ts'
import type { CloudNumber, CloudNumbers } from './numbers.ts'
import { type Json, messagesValue, statusValue } from './payloads.ts'

export class CloudCustomerSide {
  constructor(private readonly ctx: SimulatorContext, private readonly numbers: CloudNumbers) {}

  send(number: CloudNumber, conversation: Conversation, draft: CustomerDraft): ChatMessage {
    const message = draftToMessage(draft, wamid(conversation.waId, true))
    const entry: Json = {}
    if (draft.quoted) {
      // `context.from` is whoever wrote the quoted message: the business number when the customer quotes it.
      entry.context = { from: draft.quoted.from === 'business' ? number.displayPhoneNumber : conversation.waId, id: draft.quoted.id }
    }
    Object.assign(entry, { from: conversation.waId, id: message.id, timestamp: String(Math.floor(message.timestamp / 1000)) }, this.content(draft))
    message.cloud = { message: entry }
    this.ctx.conversations.add(conversation, message)
    if (number.webhookVerified) this.deliver(number, conversation, message)
    return message
  }

  private content(draft: CustomerDraft): Json {
    const media = draft.media
    const caption = draft.text ? { caption: draft.text } : {}
    switch (draft.kind) {
      case 'text':
        return { type: 'text', text: { body: draft.text } }
      case 'image':
        return { type: 'image', image: { ...caption, mime_type: media!.mimeType, sha256: media!.sha256, id: media!.id } }
      case 'video':
        return { type: 'video', video: { ...caption, mime_type: media!.mimeType, sha256: media!.sha256, id: media!.id } }
      case 'audio':
        return { type: 'audio', audio: { mime_type: media!.mimeType, sha256: media!.sha256, id: media!.id, voice: draft.voiceNote } }
      case 'document':
        return { type: 'document', document: { ...caption, filename: media!.fileName, mime_type: media!.mimeType, sha256: media!.sha256, id: media!.id } }
      case 'sticker':
        return { type: 'sticker', sticker: { mime_type: media!.mimeType, sha256: media!.sha256, id: media!.id, animated: false } }
      case 'location': {
        const location = draft.location!
        return {
          type: 'location',
          location: { ...(location.address ? { address: location.address } : {}), latitude: location.latitude, longitude: location.longitude, ...(location.name ? { name: location.name } : {}) },
        }
      }
      case 'contact': {
        const contact = draft.contact!
        const [first, ...rest] = contact.name.split(' ')
        return {
          type: 'contacts',
          contacts: [{
            name: { first_name: first, ...(rest.length > 0 ? { last_name: rest.join(' ') } : {}), formatted_name: contact.name },
            phones: [{ phone: displayPhone(contact.phone), wa_id: contact.phone, type: 'CELL' }],
          }],
        }
      }
      case 'reaction':
        return { type: 'reaction', reaction: { message_id: draft.reaction!.target.id, emoji: draft.reaction!.emoji } }
    }
  }

  private deliver(number: CloudNumber, conversation: Conversation, message: ChatMessage): void {
    this.numbers.emit(number, messagesValue(conversation, message), 'messages')
    this.ctx.conversations.advance(conversation, message, 'delivered')
  }

  /** The callback was just verified: what customers sent meanwhile arrives, in order. */
  deliverQueued(number: CloudNumber): void {
    for (const conversation of this.ctx.conversations.list()) {
      if (conversation.target.provider !== 'cloud' || conversation.target.id !== number.phoneNumberId) continue
      for (const message of conversation.messages) {
        if (message.from === 'customer' && message.status === 'queued') this.deliver(number, conversation, message)
      }
    }
  }

  receipt(number: CloudNumber, conversation: Conversation, message: ChatMessage, status: 'read' | 'played'): void {
    if (!this.ctx.conversations.advance(conversation, message, status)) return
    this.numbers.emit(number, statusValue(conversation, message, status, null), 'statuses')
  }
}
