/**
 * Normalizes Meta WhatsApp Cloud API webhook bodies (field `messages`) into provider-neutral events.
 * One POST can carry several entries, changes, messages and statuses: every one becomes an event.
 * Shapes: Meta's OpenAPI `WebhookPayload` (Graph v23.0) and the official Postman collection.
 */
import type {
  ChatIdentity,
  ContactCard,
  ContactCardPhone,
  DeliveryStatus,
  EventSource,
  IgnoredEvent,
  InteractiveReply,
  MediaDescriptor,
  MessageEvent,
  MessageKind,
  NormalizedEvent,
  ProviderError,
  StatusEvent,
} from './types.ts'
import {
  InvalidPayloadError,
  type JsonObject,
  optionalInteger,
  optionalNumber,
  optionalRecord,
  optionalString,
  requireArray,
  requireEpochSeconds,
  requireRecord,
  requireString,
} from './guards.ts'

export function normalizeCloudWebhook(body: unknown): NormalizedEvent[] {
  const payload = requireRecord(body, 'body')
  if (payload.object !== 'whatsapp_business_account') {
    throw new InvalidPayloadError('body.object', 'must be "whatsapp_business_account"')
  }
  return requireArray(payload.entry, 'body.entry').flatMap((entryValue, entryIndex) => {
    const entryPath = `body.entry[${entryIndex}]`
    const entry = requireRecord(entryValue, entryPath)
    return requireArray(entry.changes, `${entryPath}.changes`).flatMap((changeValue, changeIndex) =>
      normalizeChange(requireRecord(changeValue, `${entryPath}.changes[${changeIndex}]`), `${entryPath}.changes[${changeIndex}]`),
    )
  })
}

function normalizeChange(change: JsonObject, path: string): NormalizedEvent[] {
  const field = requireString(change, 'field', path)
  const value = requireRecord(change.value, `${path}.value`)
  const metadata = requireRecord(value.metadata, `${path}.value.metadata`)
  const source: EventSource = { provider: 'cloud', channelKey: requireString(metadata, 'phone_number_id', `${path}.value.metadata`) }
  if (field !== 'messages') return [ignored(source, field, 'webhook field not used by the helpdesk', null)]
  const profiles = contactProfiles(value.contacts)
  const messages = value.messages === undefined ? [] : requireArray(value.messages, `${path}.value.messages`)
  const statuses = value.statuses === undefined ? [] : requireArray(value.statuses, `${path}.value.statuses`)
  const events: NormalizedEvent[] = [
    ...messages.map((message, index) => normalizeMessage(requireRecord(message, `${path}.value.messages[${index}]`), `${path}.value.messages[${index}]`, source, profiles)),
    ...statuses.map((status, index) => normalizeStatus(requireRecord(status, `${path}.value.statuses[${index}]`), `${path}.value.statuses[${index}]`, source)),
  ]
  // A change with neither (e.g. only `errors` about the webhook itself) is kept visible, not dropped.
  return events.length > 0 ? events : [ignored(source, field, 'change without messages or statuses', null)]
}

function ignored(source: EventSource, event: string, reason: string, providerMessageId: string | null): IgnoredEvent {
  return { ...source, type: 'ignored', event, reason, providerMessageId }
}

interface Profile {
  name: string | null
  userId: string | null
}

/** `value.contacts[]`: the sender's profile name (and 2026 business-scoped user id) by `wa_id`. */
function contactProfiles(value: unknown): Map<string, Profile> {
  const profiles = new Map<string, Profile>()
  if (!Array.isArray(value)) return profiles
  for (const item of value) {
    const contact = optionalRecord(item)
    const waId = optionalString(contact?.wa_id) ?? optionalString(contact?.user_id)
    if (!contact || !waId) continue
    profiles.set(waId, { name: optionalString(optionalRecord(contact.profile)?.name), userId: optionalString(contact.user_id) })
  }
  return profiles
}

function customerIdentity(waId: string | null, userId: string | null): ChatIdentity {
  return {
    // wa_id is the number's digits today; usernames (2026) may withhold it and leave only the user id.
    phone: waId && /^\d+$/.test(waId) ? waId : null,
    lid: null,
    waId,
    userId,
    groupJid: null,
    replyTo: waId ?? userId ?? '',
  }
}

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker'])

function normalizeMessage(message: JsonObject, path: string, source: EventSource, profiles: Map<string, Profile>): MessageEvent {
  const providerMessageId = requireString(message, 'id', path)
  const providerType = requireString(message, 'type', path)
  const from = optionalString(message.from)
  const profile = (from ? profiles.get(from) : undefined) ?? (profiles.size === 1 ? [...profiles.values()][0] : undefined)
  const userId = optionalString(message.user_id) ?? profile?.userId ?? null
  if (!from && !userId) throw new InvalidPayloadError(`${path}.from`, 'must be a non-empty string')
  const groupId = optionalString(message.group_id)
  const customer = customerIdentity(from, userId)
  return {
    ...source,
    type: 'message',
    providerMessageId,
    chat: groupId ? { phone: null, lid: null, waId: null, userId: null, groupJid: groupId, replyTo: groupId } : customer,
    author: groupId ? customer : null,
    pushName: profile?.name ?? null,
    fromMe: false,
    viaApi: false,
    timestamp: requireEpochSeconds(message.timestamp, `${path}.timestamp`),
    providerType,
    ...messageContent(providerType, message),
    quotedProviderMessageId: optionalString(optionalRecord(message.context)?.id),
    isGroup: groupId !== null,
    isStatusBroadcast: false,
  }
}

type Content = Pick<MessageEvent, 'kind' | 'text' | 'media' | 'location' | 'contacts' | 'reaction' | 'interactiveReply'>

const UNSUPPORTED: Content = { kind: 'unsupported', text: null, media: null, location: null, contacts: [], reaction: null, interactiveReply: null }

function messageContent(type: string, message: JsonObject): Content {
  const payload = optionalRecord(message[type])
  if (MEDIA_TYPES.has(type)) {
    const media = payload ? mediaDescriptor(type, payload) : null
    return media ? { ...UNSUPPORTED, kind: type as MessageKind, text: optionalString(payload?.caption), media } : UNSUPPORTED
  }
  switch (type) {
    case 'text': {
      const text = optionalString(payload?.body)
      return text === null ? UNSUPPORTED : { ...UNSUPPORTED, kind: 'text', text }
    }
    case 'location': {
      const latitude = optionalNumber(payload?.latitude)
      const longitude = optionalNumber(payload?.longitude)
      if (!payload || latitude === null || longitude === null) return UNSUPPORTED
      const location = { latitude, longitude, name: optionalString(payload.name), address: optionalString(payload.address), url: optionalString(payload.url) }
      return { ...UNSUPPORTED, kind: 'location', location }
    }
    case 'contacts': {
      const contacts = (Array.isArray(message.contacts) ? message.contacts : []).flatMap(contactCard)
      return contacts.length > 0 ? { ...UNSUPPORTED, kind: 'contact', contacts } : UNSUPPORTED
    }
    case 'reaction': {
      const target = optionalString(payload?.message_id)
      // An empty or missing emoji means the customer removed the reaction.
      return target ? { ...UNSUPPORTED, kind: 'reaction', reaction: { emoji: optionalString(payload?.emoji) ?? '', targetProviderMessageId: target } } : UNSUPPORTED
    }
    case 'interactive':
    case 'button': {
      const reply = payload ? interactiveReply(type, payload) : null
      return reply ? { ...UNSUPPORTED, kind: 'text', text: reply.title, interactiveReply: reply } : UNSUPPORTED
    }
    default:
      // order, system, unsupported (incl. messages deleted by the user), and types Meta adds later.
      return UNSUPPORTED
  }
}

function mediaDescriptor(type: string, payload: JsonObject): MediaDescriptor | null {
  const mediaId = optionalString(payload.id)
  if (!mediaId) return null
  return {
    mimeType: optionalString(payload.mime_type),
    fileName: type === 'document' ? optionalString(payload.filename) : null,
    sizeBytes: optionalInteger(payload.file_size),
    durationSeconds: null,
    isVoiceNote: type === 'audio' && payload.voice === true,
    sha256: optionalString(payload.sha256),
    sources: [{ type: 'cloud_media_id', mediaId }],
  }
}

/** Button/list replies to our interactive messages, and quick-reply taps on templates (`type: button`). */
function interactiveReply(type: string, payload: JsonObject): InteractiveReply | null {
  if (type === 'button') {
    const id = optionalString(payload.payload)
    const title = optionalString(payload.text)
    return id || title ? { type: 'template_button', id: id ?? title ?? '', title: title ?? id ?? '', description: null } : null
  }
  const replyType = optionalString(payload.type)
  const reply = replyType === 'button_reply' || replyType === 'list_reply' ? optionalRecord(payload[replyType]) : null
  const id = optionalString(reply?.id)
  if (!reply || !id) return null
  return {
    type: replyType === 'button_reply' ? 'button' : 'list',
    id,
    title: optionalString(reply.title) ?? id,
    description: optionalString(reply.description),
  }
}

function contactCard(value: unknown): ContactCard[] {
  const card = optionalRecord(value)
  if (!card) return []
  const name = optionalRecord(card.name)
  const joined = [optionalString(name?.first_name), optionalString(name?.last_name)].filter(part => part !== null).join(' ')
  const phones: ContactCardPhone[] = (Array.isArray(card.phones) ? card.phones : []).flatMap((item) => {
    const phone = optionalRecord(item)
    const number = optionalString(phone?.phone) ?? optionalString(phone?.wa_id)
    return number ? [{ phone: number, waId: optionalString(phone?.wa_id), type: optionalString(phone?.type) }] : []
  })
  const displayName = optionalString(name?.formatted_name) ?? (joined || null) ?? phones[0]?.phone ?? null
  return displayName ? [{ displayName, phones, vcard: null }] : []
}

const STATUSES: Record<string, DeliveryStatus> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  played: 'played',
  failed: 'failed',
}

function normalizeStatus(status: JsonObject, path: string, source: EventSource): StatusEvent | IgnoredEvent {
  const providerMessageId = requireString(status, 'id', path)
  const name = requireString(status, 'status', path)
  const delivery = STATUSES[name]
  if (!delivery) return ignored(source, 'messages', `status ${JSON.stringify(name)} is not a delivery status`, providerMessageId)
  const recipient = optionalString(status.recipient_id)
  const recipientUserId = optionalString(status.recipient_user_id)
  const errors = Array.isArray(status.errors) ? status.errors : []
  return {
    ...source,
    type: 'status',
    providerMessageId,
    status: delivery,
    fromMe: true,
    recipient: recipient || recipientUserId ? customerIdentity(recipient, recipientUserId) : null,
    error: errors.map(providerError).find(error => error !== null) ?? (delivery === 'failed' ? { code: null, message: 'Message failed without an error from the provider.', details: null } : null),
    timestamp: requireEpochSeconds(status.timestamp, `${path}.timestamp`),
  }
}

/** `{ code, title, message?, error_data: { details }? }` from `statuses[].errors[]`. */
function providerError(value: unknown): ProviderError | null {
  const error = optionalRecord(value)
  if (!error) return null
  const code = optionalInteger(error.code)
  const message = optionalString(error.title) ?? optionalString(error.message)
  if (code === null && message === null) return null
  const details = optionalString(optionalRecord(error.error_data)?.details)
  return { code, message: message ?? details ?? `Error ${code}`, details }
}
