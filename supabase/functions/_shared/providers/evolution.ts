/**
 * Normalizes Evolution API 2.3.x webhook bodies (`{ event, instance, data, … }`, one POST per event) into
 * provider-neutral events. Tolerates the shapes of 2.3.1 – 2.4.0-rc (see the WhatsApp reference, A.0):
 * `@lid` chats with the phone in `remoteJidAlt`/`senderPn`/`previousRemoteJid`, quoted ids at
 * `data.contextInfo` or inside the content, protobuf Long numbers, ack numbers or status names, and
 * UPPER_SNAKE event names.
 */
import type {
  ChatIdentity,
  ConnectionState,
  ContactCard,
  ContactCardPhone,
  DeliveryStatus,
  EventSource,
  EvolutionMessageKey,
  IgnoredEvent,
  InteractiveReply,
  MediaDescriptor,
  MediaSource,
  MessageEvent,
  MessageKind,
  NormalizedEvent,
  QrEvent,
  StatusEvent,
} from './types.ts'
import {
  InvalidPayloadError,
  isRecord,
  type JsonObject,
  optionalInteger,
  optionalNumber,
  optionalRecord,
  optionalString,
  requireEpochSeconds,
  requireRecord,
  requireString,
} from './guards.ts'
import { lidFromJid, parseJid, phoneFromJid } from './phone.ts'

export function normalizeEvolutionWebhook(body: unknown): NormalizedEvent[] {
  const envelope = requireRecord(body, 'body')
  const event = requireString(envelope, 'event', 'body').toLowerCase().replaceAll('_', '.')
  const source: EventSource = { provider: 'evolution', channelKey: requireString(envelope, 'instance', 'body') }
  const ownPhone = phoneOf(optionalString(envelope.sender))
  switch (event) {
    case 'messages.upsert':
      return eachItem(envelope.data, (data, path) => normalizeMessage(data, path, source, { viaApi: false, ownPhone }))
    case 'send.message':
      return eachItem(envelope.data, (data, path) => normalizeMessage(data, path, source, { viaApi: true, ownPhone }))
    case 'messages.update':
      return eachItem(envelope.data, (data, path) => normalizeStatus(data, path, source))
    case 'connection.update':
      return [normalizeConnection(requireRecord(envelope.data, 'body.data'), source)]
    case 'qrcode.updated':
      return [normalizeQr(requireRecord(envelope.data, 'body.data'), source)]
    case 'messages.delete':
      // Deleted-for-everyone messages stay in the helpdesk history: agents must still see what was said.
      return eachItem(envelope.data, data => ignored(source, event, 'message deletions are not applied', messageIdOf(data)))
    default:
      return [ignored(source, event, 'event not used by the helpdesk', null)]
  }
}

/** `data` is one object per webhook in 2.3.x; older servers and batches send arrays. */
function eachItem(data: unknown, normalize: (item: JsonObject, path: string) => NormalizedEvent): NormalizedEvent[] {
  if (Array.isArray(data)) return data.map((item, index) => normalize(requireRecord(item, `body.data[${index}]`), `body.data[${index}]`))
  return [normalize(requireRecord(data, 'body.data'), 'body.data')]
}

function ignored(source: EventSource, event: string, reason: string, providerMessageId: string | null): IgnoredEvent {
  return { ...source, type: 'ignored', event, reason, providerMessageId }
}

function messageIdOf(data: JsonObject): string | null {
  return optionalString(data.id) ?? optionalString(optionalRecord(data.key)?.id) ?? optionalString(data.keyId)
}

function phoneOf(jid: string | null): string | null {
  return jid ? phoneFromJid(jid) : null
}

function lidOf(jid: string | null): string | null {
  return jid ? lidFromJid(jid) : null
}

function firstOf<T>(candidates: (string | null)[], pick: (jid: string | null) => T | null): T | null {
  for (const candidate of candidates) {
    const value = pick(candidate)
    if (value !== null) return value
  }
  return null
}

function personIdentity(phone: string | null, lid: string | null, fallbackJid: string): ChatIdentity {
  // Reply to the phone when known (LID sends work in 2.3.7, but the PN is the stable address).
  const replyTo = phone ? `${phone}@s.whatsapp.net` : lid ?? fallbackJid
  return { phone, lid, waId: null, userId: null, groupJid: null, replyTo }
}

/**
 * The customer of a 1:1 chat. The phone may be in `remoteJid` (PN-addressed, or 2.3.7's rewrite),
 * `remoteJidAlt` (2.3.5+), or `senderPn` (2.3.1–2.3.2); the LID in `remoteJid` (2.3.5–2.3.6),
 * `remoteJidAlt`, `previousRemoteJid` or `senderLid`.
 * For our own messages Baileys fills `remoteJidAlt` from the *sender* side, i.e. possibly our own number or
 * LID: there a LID is only taken from `remoteJid`, and a phone that is our own number is dropped.
 */
function chatPartyIdentity(key: JsonObject, remoteJid: string, fromMe: boolean, ownPhone: string | null): ChatIdentity {
  const alt = optionalString(key.remoteJidAlt)
  const previous = optionalString(key.previousRemoteJid)
  if (fromMe) {
    const phone = firstOf([remoteJid, alt], phoneOf)
    return personIdentity(phone !== ownPhone ? phone : null, firstOf([remoteJid, previous], lidOf), remoteJid)
  }
  const phone = firstOf([remoteJid, alt, optionalString(key.senderPn)], phoneOf)
  const lid = firstOf([remoteJid, alt, previous, optionalString(key.senderLid)], lidOf)
  return personIdentity(phone, lid, remoteJid)
}

/** The author of a group message or status post (`participant` is often a LID in Baileys v7 groups). */
function authorIdentity(key: JsonObject): ChatIdentity | null {
  const participant = optionalString(key.participant)
  const alt = optionalString(key.participantAlt)
  const phone = firstOf([participant, alt, optionalString(key.participantPn)], phoneOf)
  const lid = firstOf([participant, alt, optionalString(key.participantLid)], lidOf)
  if (!participant && !phone && !lid) return null
  return personIdentity(phone, lid, participant ?? '')
}

function groupIdentity(groupJid: string): ChatIdentity {
  return { phone: null, lid: null, waId: null, userId: null, groupJid, replyTo: groupJid }
}

interface MessageOptions {
  /** `send.message`: the echo of our own API send. */
  viaApi: boolean
  ownPhone: string | null
}

function normalizeMessage(data: JsonObject, path: string, source: EventSource, options: MessageOptions): MessageEvent | IgnoredEvent {
  const key = requireRecord(data.key, `${path}.key`)
  const providerMessageId = requireString(key, 'id', `${path}.key`)
  const remoteJid = requireString(key, 'remoteJid', `${path}.key`)
  const fromMe = key.fromMe === true || options.viaApi
  const chatJid = parseJid(remoteJid)
  const eventName = options.viaApi ? 'send.message' : 'messages.upsert'
  if (chatJid.kind === 'newsletter' || chatJid.kind === 'broadcast') {
    return ignored(source, eventName, `${chatJid.kind} messages are not handled`, providerMessageId)
  }
  const isGroup = chatJid.kind === 'group'
  const isStatusBroadcast = chatJid.kind === 'status_broadcast'
  const timestamp = requireEpochSeconds(data.messageTimestamp, `${path}.messageTimestamp`)
  const message = optionalRecord(data.message)
  const content = message ? unwrap(message) : null
  if (content && isRecord(content.protocolMessage)) {
    return ignored(source, eventName, 'protocol messages (edits, revokes) are not applied', providerMessageId)
  }
  const messageKey: EvolutionMessageKey = {
    id: providerMessageId,
    remoteJid,
    fromMe: key.fromMe === true,
    participant: optionalString(key.participant),
  }
  const parsed = parseContent(content, optionalString(data.messageType))
  return {
    ...source,
    type: 'message',
    providerMessageId,
    chat: isGroup || isStatusBroadcast ? groupIdentity(chatJid.jid) : chatPartyIdentity(key, remoteJid, fromMe, options.ownPhone),
    author: isGroup || isStatusBroadcast ? authorIdentity(key) : null,
    pushName: optionalString(data.pushName),
    fromMe,
    viaApi: options.viaApi,
    timestamp,
    ...parsed,
    media: parsed.mediaKind && message ? mediaDescriptor(parsed.mediaKind, parsed.mediaContent, message, messageKey) : null,
    quotedProviderMessageId: quotedIdOf(data, parsed.mediaContent ?? parsed.contentObject),
    isGroup,
    isStatusBroadcast,
  }
}

/** Wrappers whose `.message` holds the real content (Evolution only unwraps some of them itself). */
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage', 'editedMessage']

function unwrap(message: JsonObject): JsonObject {
  let current = message
  for (let depth = 0; depth < 4; depth++) {
    const inner = WRAPPERS.map(name => optionalRecord(optionalRecord(current[name])?.message)).find(found => found !== null)
    if (!inner) break
    current = inner
  }
  return current
}

/** Baileys content keys and what they are to us, in lookup order. */
const CONTENT_KINDS: Record<string, MessageKind> = {
  conversation: 'text',
  extendedTextMessage: 'text',
  imageMessage: 'image',
  videoMessage: 'video',
  ptvMessage: 'video',
  audioMessage: 'audio',
  documentMessage: 'document',
  stickerMessage: 'sticker',
  locationMessage: 'location',
  liveLocationMessage: 'location',
  contactMessage: 'contact',
  contactsArrayMessage: 'contact',
  reactionMessage: 'reaction',
  buttonsResponseMessage: 'text',
  listResponseMessage: 'text',
  templateButtonReplyMessage: 'text',
}

/** Keys Evolution adds next to the content that are not content. */
const NON_CONTENT_KEYS = new Set(['messageContextInfo', 'base64', 'mediaUrl'])

type MediaKind = 'image' | 'audio' | 'video' | 'document' | 'sticker'

interface ParsedContent extends Pick<MessageEvent, 'kind' | 'providerType' | 'text' | 'location' | 'contacts' | 'reaction' | 'interactiveReply'> {
  mediaKind: MediaKind | null
  mediaContent: JsonObject | null
  /** The content object (for its `contextInfo`), null for plain `conversation` strings. */
  contentObject: JsonObject | null
}

function parseContent(content: JsonObject | null, messageType: string | null): ParsedContent {
  const contentType = findContentType(content, messageType)
  const base: ParsedContent = {
    kind: 'unsupported',
    providerType: contentType ?? messageType ?? firstContentKey(content) ?? 'unknown',
    text: null,
    location: null,
    contacts: [],
    reaction: null,
    interactiveReply: null,
    mediaKind: null,
    mediaContent: null,
    contentObject: null,
  }
  if (!content || !contentType) return base
  const kind = CONTENT_KINDS[contentType] ?? 'unsupported'
  const value = content[contentType]
  const object = optionalRecord(value)
  const parsed: ParsedContent = { ...base, kind, contentObject: object }
  switch (kind) {
    case 'text':
      return textContent(contentType, value, parsed)
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker':
      return object ? { ...parsed, text: optionalString(object.caption), mediaKind: kind, mediaContent: object } : base
    case 'location': {
      const latitude = optionalNumber(object?.degreesLatitude)
      const longitude = optionalNumber(object?.degreesLongitude)
      if (!object || latitude === null || longitude === null) return base
      const location = { latitude, longitude, name: optionalString(object.name), address: optionalString(object.address), url: optionalString(object.url) }
      return { ...parsed, location }
    }
    case 'contact': {
      const contacts = contentType === 'contactsArrayMessage'
        ? (Array.isArray(object?.contacts) ? object.contacts : []).flatMap(card => contactCard(card))
        : contactCard(object)
      return contacts.length > 0 ? { ...parsed, contacts } : base
    }
    case 'reaction': {
      const target = optionalString(optionalRecord(object?.key)?.id)
      if (!target) return base
      return { ...parsed, reaction: { emoji: typeof object?.text === 'string' ? object.text : '', targetProviderMessageId: target } }
    }
    default:
      return base
  }
}

function findContentType(content: JsonObject | null, messageType: string | null): string | null {
  if (!content) return null
  // `messageType` names the content unless it was a wrapper we just unwrapped.
  if (messageType && messageType in CONTENT_KINDS && content[messageType] !== undefined && content[messageType] !== null) return messageType
  return Object.keys(CONTENT_KINDS).find(name => content[name] !== undefined && content[name] !== null) ?? null
}

function firstContentKey(content: JsonObject | null): string | null {
  return content ? Object.keys(content).find(name => !NON_CONTENT_KEYS.has(name)) ?? null : null
}

function textContent(contentType: string, value: unknown, parsed: ParsedContent): ParsedContent {
  const object = optionalRecord(value)
  const reply = object ? interactiveReplyOf(contentType, object) : null
  if (reply) return { ...parsed, text: reply.title, interactiveReply: reply }
  const text = contentType === 'conversation' ? optionalString(value) : optionalString(object?.text)
  return text === null ? { ...parsed, kind: 'unsupported' } : { ...parsed, text }
}

/** Button and list taps on Baileys (unreliable on many clients, but handled when they come). */
function interactiveReplyOf(contentType: string, object: JsonObject): InteractiveReply | null {
  if (contentType === 'buttonsResponseMessage') {
    const id = optionalString(object.selectedButtonId)
    return id ? { type: 'button', id, title: optionalString(object.selectedDisplayText) ?? id, description: null } : null
  }
  if (contentType === 'listResponseMessage') {
    const id = optionalString(optionalRecord(object.singleSelectReply)?.selectedRowId)
    return id ? { type: 'list', id, title: optionalString(object.title) ?? id, description: optionalString(object.description) } : null
  }
  if (contentType === 'templateButtonReplyMessage') {
    const id = optionalString(object.selectedId)
    return id ? { type: 'template_button', id, title: optionalString(object.selectedDisplayText) ?? id, description: null } : null
  }
  return null
}

function contactCard(value: unknown): ContactCard[] {
  const object = optionalRecord(value)
  if (!object) return []
  const vcard = optionalString(object.vcard)
  const displayName = optionalString(object.displayName) ?? (vcard ? vcardField(vcard, 'FN') : null)
  if (!displayName && !vcard) return []
  return [{ displayName: displayName ?? '', phones: vcard ? vcardPhones(vcard) : [], vcard }]
}

/** vCard lines with folded continuations joined (RFC 6350 §3.2). */
function vcardLines(vcard: string): string[] {
  return vcard.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)
}

function vcardField(vcard: string, name: string): string | null {
  const line = vcardLines(vcard).find(candidate => new RegExp(`^(?:[\\w-]+\\.)?${name}[;:]`, 'i').test(candidate))
  return line ? optionalString(line.slice(line.indexOf(':') + 1).trim()) : null
}

/** `item1.TEL;type=CELL;waid=5511987654321:+55 11 98765-4321` → phone, WhatsApp id, type. */
function vcardPhones(vcard: string): ContactCardPhone[] {
  return vcardLines(vcard).flatMap((line) => {
    const match = /^(?:[\w-]+\.)?TEL([^:]*):(.+)$/i.exec(line)
    if (!match) return []
    const params = match[1] ?? ''
    const phone = (match[2] ?? '').trim()
    return phone
      ? [{ phone, waId: /waid=(\d+)/i.exec(params)?.[1] ?? null, type: /type=([^;:]+)/i.exec(params)?.[1] ?? null }]
      : []
  })
}

function mediaDescriptor(kind: MediaKind, content: JsonObject | null, message: JsonObject, key: EvolutionMessageKey): MediaDescriptor {
  const sources: MediaSource[] = []
  const base64 = optionalString(message.base64)
  if (base64) sources.push({ type: 'inline_base64', base64 })
  const url = optionalString(message.mediaUrl)
  if (url) sources.push({ type: 'url', url })
  // Evolution can always decrypt from the original content, even when its own DB has no copy.
  const original = { ...message }
  delete original.base64
  delete original.mediaUrl
  sources.push({ type: 'evolution_message', key, message: original })
  return {
    mimeType: optionalString(content?.mimetype),
    fileName: kind === 'document' ? optionalString(content?.fileName) ?? optionalString(content?.title) : null,
    sizeBytes: optionalInteger(content?.fileLength),
    durationSeconds: optionalInteger(content?.seconds),
    isVoiceNote: kind === 'audio' && content?.ptt === true,
    // ≥ 2.3.6 sends hashes as byte objects; only the older base64 string form is usable as text.
    sha256: optionalString(content?.fileSha256),
    sources,
  }
}

/** The replied-to message id: top-level `contextInfo` (2.3.x) or the content's own (media, 2.4, raw text). */
function quotedIdOf(data: JsonObject, content: JsonObject | null): string | null {
  return optionalString(optionalRecord(data.contextInfo)?.stanzaId)
    ?? optionalString(optionalRecord(content?.contextInfo)?.stanzaId)
}

type AckResult = DeliveryStatus | 'pending' | 'deleted' | null

/** Baileys `WAMessageStatus` numbers and Evolution's names for them (`src/utils/renderStatus.ts`). */
const ACK_NAMES = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED']
const ACK_STATUS: Record<string, AckResult> = {
  ERROR: 'failed',
  PENDING: 'pending',
  SERVER_ACK: 'sent',
  DELIVERY_ACK: 'delivered',
  READ: 'read',
  PLAYED: 'played',
  DELETED: 'deleted',
}

function ackStatus(value: unknown): AckResult {
  const name = typeof value === 'number' ? ACK_NAMES[value] : typeof value === 'string' ? value.toUpperCase() : undefined
  return name ? ACK_STATUS[name] ?? null : null
}

function normalizeStatus(data: JsonObject, path: string, source: EventSource): StatusEvent | IgnoredEvent {
  const key = optionalRecord(data.key)
  // `messageId` is Evolution's database id, not WhatsApp's: never use it here.
  const providerMessageId = optionalString(data.keyId) ?? optionalString(key?.id)
  if (!providerMessageId) throw new InvalidPayloadError(`${path}.keyId`, 'must be a non-empty string')
  const status = ackStatus(data.status ?? optionalRecord(data.update)?.status)
  if (status === null || status === 'pending' || status === 'deleted') {
    // 2.3.5–2.3.6 report edits as DELETED and PENDING is not a delivery step: nothing to apply.
    return ignored(source, 'messages.update', `status ${JSON.stringify(data.status ?? null)} is not a delivery status`, providerMessageId)
  }
  const remoteJid = optionalString(data.remoteJid) ?? optionalString(key?.remoteJid)
  return {
    ...source,
    type: 'status',
    providerMessageId,
    status,
    fromMe: (data.fromMe ?? key?.fromMe) === true,
    recipient: remoteJid ? jidIdentity(remoteJid) : null,
    error: status === 'failed' ? { code: null, message: 'WhatsApp reported an error for this message (ERROR ack).', details: null } : null,
    timestamp: null,
  }
}

/** An identity from a single JID (no alternates: `messages.update` is not LID-normalized). */
function jidIdentity(jid: string): ChatIdentity {
  const parsed = parseJid(jid)
  if (parsed.kind === 'group') return groupIdentity(parsed.jid)
  return personIdentity(parsed.kind === 'phone' ? parsed.user : null, parsed.kind === 'lid' ? parsed.jid : null, parsed.jid)
}

const CONNECTION_STATES: readonly ConnectionState[] = ['open', 'connecting', 'close', 'refused']

function normalizeConnection(data: JsonObject, source: EventSource): NormalizedEvent {
  const state = requireString(data, 'state', 'body.data')
  if (!CONNECTION_STATES.includes(state as ConnectionState)) {
    return ignored(source, 'connection.update', `unknown connection state ${JSON.stringify(state)}`, null)
  }
  return {
    ...source,
    type: 'connection',
    state: state as ConnectionState,
    reasonCode: optionalInteger(data.statusReason),
    ownPhone: phoneOf(optionalString(data.wuid)),
    profileName: optionalString(data.profileName),
  }
}

function normalizeQr(data: JsonObject, source: EventSource): QrEvent {
  const qrcode = optionalRecord(data.qrcode)
  if (qrcode) {
    const code = optionalString(qrcode.code)
    const imageDataUrl = optionalString(qrcode.base64)
    const pairingCode = optionalString(qrcode.pairingCode)
    if (!code && !imageDataUrl && !pairingCode) throw new InvalidPayloadError('body.data.qrcode', 'has no code, image or pairing code')
    return { ...source, type: 'qr', code, imageDataUrl, pairingCode, limitReached: false }
  }
  // QRCODE_LIMIT reached: `{ message: 'QR code limit reached, please login again', statusCode: 500 }`.
  if (typeof data.message === 'string' || data.statusCode !== undefined) {
    return { ...source, type: 'qr', code: null, imageDataUrl: null, pairingCode: null, limitReached: true }
  }
  throw new InvalidPayloadError('body.data.qrcode', 'must be an object')
}
