/**
 * What a customer sends, checked and provider-neutral (a "draft"), before a provider turns it into its
 * own webhook: text, media, voice notes, replies, location, contact cards and reactions.
 */
import type { Conversation, ChatMessage } from './customers.ts'
import type { MediaStore, StoredMedia } from './media.ts'
import { sniffMimeType } from './media.ts'
import { asWhatsAppVoiceNote } from './ogg.ts'
import type { CustomerMessageKind, CustomerSendInput } from './types.ts'
import {
  type Json,
  InvalidInput,
  base64Bytes,
  isObject,
  numberAt,
  objectAt,
  oneOf,
  optionalBooleanAt,
  optionalIntegerAt,
  optionalStringAt,
  stringAt,
} from './validate.ts'
import { digitsOnly, isPhoneDigits } from './phones.ts'

export const CUSTOMER_KINDS: readonly CustomerMessageKind[] = ['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contact', 'reaction']

const MEDIA_KINDS = new Set<CustomerMessageKind>(['image', 'video', 'audio', 'document', 'sticker'])

export interface CustomerDraft {
  kind: CustomerMessageKind
  name: string | undefined
  text: string | null
  media: StoredMedia | null
  voiceNote: boolean
  quoted: ChatMessage | null
  location: ChatMessage['location']
  contact: ChatMessage['contact']
  reaction: { target: ChatMessage, emoji: string } | null
  addressing: NonNullable<CustomerSendInput['addressing']>
}

/** Default MIME types when the bytes do not tell. */
const DEFAULT_MIME: Record<string, string> = {
  image: 'image/jpeg',
  video: 'video/mp4',
  audio: 'audio/ogg; codecs=opus',
  document: 'application/octet-stream',
  sticker: 'image/webp',
}

export function parseCustomerDraft(body: unknown, conversation: Conversation, media: MediaStore, owner: string): CustomerDraft {
  const input = objectAt(body, 'corpo')
  const kind = oneOf(input.kind, CUSTOMER_KINDS, 'kind')
  const text = optionalStringAt(input, 'text')
  const draft: CustomerDraft = {
    kind,
    name: optionalStringAt(input, 'name'),
    text: text && text.trim() !== '' ? text : null,
    media: null,
    voiceNote: false,
    quoted: null,
    location: null,
    contact: null,
    reaction: null,
    addressing: input.addressing === undefined ? 'pn' : oneOf(input.addressing, ['pn', 'lid', 'lid-raw', 'lid-only'] as const, 'addressing'),
  }
  const replyTo = optionalStringAt(input, 'replyTo')
  if (replyTo) draft.quoted = messageIn(conversation, replyTo, 'replyTo')

  if (kind === 'text' && draft.text === null) throw new InvalidInput('uma mensagem de texto precisa de text')
  if (MEDIA_KINDS.has(kind)) {
    if ((kind === 'audio' || kind === 'sticker') && draft.text !== null) throw new InvalidInput(`${kind} não tem legenda`)
    const file = objectAt(input.media, 'media')
    const seconds = optionalIntegerAt(file, 'seconds', 0, 24 * 3600, 'media.seconds')
    draft.voiceNote = kind === 'audio' && (optionalBooleanAt(input, 'voiceNote') ?? true)
    let bytes = base64Bytes(file.base64, 'media.base64')
    let mimeType = optionalStringAt(file, 'mimeType', 'media.mimeType') ?? sniffMimeType(bytes) ?? DEFAULT_MIME[kind]!
    // A browser records WebM; a phone's voice note is Ogg/Opus.
    if (draft.voiceNote) ({ bytes, mimeType } = asWhatsAppVoiceNote(bytes, mimeType))
    draft.media = media.put({
      bytes,
      mimeType,
      fileName: optionalStringAt(file, 'fileName', 'media.fileName') ?? null,
      seconds: seconds ?? (kind === 'audio' || kind === 'video' ? 1 : null),
      owner,
    })
    if (kind === 'document' && !draft.media.fileName) draft.media.fileName = 'documento'
  }
  if (kind === 'location') {
    const location = objectAt(input.location, 'location')
    const latitude = numberAt(location, 'latitude', 'location.latitude')
    const longitude = numberAt(location, 'longitude', 'location.longitude')
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw new InvalidInput('location fora do intervalo de latitude/longitude')
    draft.location = { latitude, longitude, name: optionalStringAt(location, 'name') ?? null, address: optionalStringAt(location, 'address') ?? null }
  }
  if (kind === 'contact') {
    const contact = objectAt(input.contact, 'contact')
    const phone = digitsOnly(stringAt(contact, 'phone', 'contact.phone'))
    if (!isPhoneDigits(phone)) throw new InvalidInput('contact.phone deve ser um telefone com DDI')
    draft.contact = { name: stringAt(contact, 'name', 'contact.name'), phone }
  }
  if (kind === 'reaction') {
    const reaction = objectAt(input.reaction, 'reaction')
    const emoji = isObject(reaction) && typeof reaction.emoji === 'string' ? reaction.emoji : undefined
    if (emoji === undefined || [...emoji].length > 8) throw new InvalidInput('reaction.emoji deve ser um emoji (ou vazio para remover)')
    draft.reaction = { target: messageIn(conversation, stringAt(reaction, 'messageId', 'reaction.messageId'), 'reaction.messageId'), emoji }
  }
  return draft
}

function messageIn(conversation: Conversation, id: string, path: string): ChatMessage {
  const message = conversation.messages.find(candidate => candidate.id === id)
  if (!message) throw new InvalidInput(`${path}: mensagem ${id} não está nesta conversa`)
  return message
}

/** The provider-neutral record of a draft; the provider fills `id` and its own payload. */
export function draftToMessage(draft: CustomerDraft, id: string): ChatMessage {
  return {
    id,
    from: 'customer',
    kind: draft.kind,
    text: draft.kind === 'contact' ? draft.contact?.name ?? null : draft.text,
    mediaId: draft.media?.id ?? null,
    voiceNote: draft.voiceNote,
    quotedId: draft.quoted?.id ?? null,
    location: draft.location,
    contact: draft.contact,
    reaction: draft.reaction ? { messageId: draft.reaction.target.id, emoji: draft.reaction.emoji } : null,
    status: 'queued',
    error: null,
    timestamp: Date.now(),
  }
}

export type { Json }
