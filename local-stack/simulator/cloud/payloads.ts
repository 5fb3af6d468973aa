/** Cloud API webhook bodies (reference B.2, the `cloud/` fixtures): envelope, `messages[]` and `statuses[]`. */
import type { ChatMessage, Conversation } from '../customers.ts'
import type { CloudNumber } from './numbers.ts'

export type Json = Record<string, unknown>

/** `object/entry[].id (WABA)/changes[].value{messaging_product, metadata, …}/field`. */
export function webhookEnvelope(number: CloudNumber, value: Json): Json {
  return {
    object: 'whatsapp_business_account',
    entry: [{
      id: number.wabaId,
      changes: [{
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: number.displayPhoneNumber, phone_number_id: number.phoneNumberId },
          ...value,
        },
        field: 'messages',
      }],
    }],
  }
}

export function messagesValue(conversation: Conversation, message: ChatMessage): Json {
  return {
    contacts: [{ profile: { name: conversation.name }, wa_id: conversation.waId }],
    messages: [message.cloud!.message],
  }
}

export type CloudStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed'

export interface StatusError {
  code: number
  title: string
  message?: string
  details?: string
}

export function statusValue(conversation: Conversation, message: ChatMessage, status: CloudStatus, error: StatusError | null): Json {
  const entry: Json = {
    id: message.id,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: conversation.waId,
  }
  const pricingConversation = conversation.cloudConversation
  if ((status === 'sent' || status === 'delivered') && pricingConversation) {
    const billable = message.kind === 'template'
    entry.conversation = {
      id: pricingConversation.id,
      ...(status === 'sent' ? { expiration_timestamp: String(Math.floor(pricingConversation.expiresAt / 1000)) } : {}),
      origin: { type: billable ? 'utility' : 'service' },
    }
    entry.pricing = { billable, pricing_model: 'PMP', category: billable ? 'utility' : 'service' }
  }
  if (error) {
    entry.errors = [{
      code: error.code,
      title: error.title,
      ...(error.message ? { message: error.message } : {}),
      ...(error.details ? { error_data: { details: error.details } } : {}),
      ...(error.message ? { href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' } : {}),
    }]
  }
  return { statuses: [entry] }
}

/** Errors a status webhook reports, as Meta words them (reference B.3.3). */
export const STATUS_ERRORS = {
  reEngagement: {
    code: 131047,
    title: 'Re-engagement message',
    message: 'Re-engagement message',
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  undeliverable: {
    code: 131026,
    title: 'Message undeliverable',
    message: 'Message undeliverable',
    details: 'Message failed to send because of an unknown error with your request parameters.',
  },
  mediaUpload: {
    code: 131053,
    title: 'Media upload error',
    message: 'Media upload error',
    details: 'Unable to retrieve the media: the media id is invalid or expired.',
  },
} satisfies Record<string, StatusError>

export function mediaUrlError(url: string, detail: string): StatusError {
  return { code: 131014, title: `Request for url ${url} failed with error: ${detail}` }
}
