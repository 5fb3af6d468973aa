/**
 * The provider-neutral model of what a WhatsApp provider tells us in a webhook. Evolution API (Baileys) and
 * the Meta Cloud API are normalized into the same `NormalizedEvent` union so ingestion (ledger, contacts,
 * conversations, media, statuses, channel state) is written once.
 *
 * Conventions: fields that a provider may leave out are `null` (never `undefined`), so a stored or
 * compared event has one shape; provider message ids are kept verbatim (Evolution `key.id`, Cloud `wamid.…`).
 */

export type ProviderName = 'evolution' | 'cloud'

/** Fields every event carries: which provider and which of our channels it belongs to. */
export interface EventSource {
  provider: ProviderName
  /**
   * Routes the event to a channel: the Evolution instance name (envelope `instance`) or the Cloud API
   * `metadata.phone_number_id` of the number that received it.
   */
  channelKey: string
}

/**
 * Who a chat (or a group author) is, in every form the provider revealed. One person can show up under a
 * phone number, a WhatsApp LID and (Brazil) a number with or without the 9th digit, so ingestion matches
 * a contact on any of these and stores all of them.
 */
export interface ChatIdentity {
  /** Phone digits with country code, no `+` (`5511987654321`), when known. */
  phone: string | null
  /** WhatsApp linked id without device suffix (`274398732198423@lid`); Evolution only. */
  lid: string | null
  /** Cloud API `wa_id` (may differ from the number the customer typed, e.g. the Brazilian 9th digit). */
  waId: string | null
  /** Cloud API business-scoped user id (`user_id`, rolled out 2026; the phone may then be withheld). */
  userId: string | null
  /** Group JID (`…@g.us`) when the chat is a group. */
  groupJid: string | null
  /** The address to send replies to: a JID for Evolution, the `wa_id` for the Cloud API. */
  replyTo: string
}

export type MessageKind
  = | 'text'
    | 'image'
    | 'audio'
    | 'video'
    | 'document'
    | 'sticker'
    | 'location'
    | 'contact'
    | 'reaction'
    | 'unsupported'

/** The Baileys message key Evolution needs to find a message again. */
export interface EvolutionMessageKey {
  id: string
  remoteJid: string
  fromMe: boolean
  participant: string | null
}

/**
 * Where the bytes of a media message can be fetched, in the order ingestion should try them
 * (`MediaDescriptor.sources`).
 */
export type MediaSource
  /** Evolution with `webhook.base64: true`: the decrypted file inline (plain base64, no data-URL prefix). */
  = | { type: 'inline_base64', base64: string }
  /** Evolution with S3/MinIO enabled: `data.message.mediaUrl`, fetched directly. */
    | { type: 'url', url: string }
  /**
   * Evolution `POST /chat/getBase64FromMediaMessage/{instance}` with body `{ message: { key, message } }`.
   * `message` is the received proto content (minus inline base64) so Evolution does not need its own DB copy.
   */
    | { type: 'evolution_message', key: EvolutionMessageKey, message: Record<string, unknown> }
  /** Cloud API media id: `GET /<version>/<mediaId>` for a 5-minute URL; ids from webhooks expire in 7 days. */
    | { type: 'cloud_media_id', mediaId: string }

export interface MediaDescriptor {
  mimeType: string | null
  fileName: string | null
  sizeBytes: number | null
  durationSeconds: number | null
  /** True for a recorded voice note (Evolution `ptt`, Cloud `audio.voice`). */
  isVoiceNote: boolean
  /** Base64 SHA-256 of the file when the provider gives it as text (Cloud). */
  sha256: string | null
  /** Never empty. */
  sources: MediaSource[]
}

export interface LocationInfo {
  latitude: number
  longitude: number
  name: string | null
  address: string | null
  url: string | null
}

export interface ContactCardPhone {
  phone: string
  /** WhatsApp id of that number, when the card says it is on WhatsApp. */
  waId: string | null
  type: string | null
}

export interface ContactCard {
  displayName: string
  phones: ContactCardPhone[]
  /** The raw vCard (Evolution); null for Cloud, which sends structured fields instead. */
  vcard: string | null
}

export interface ReactionInfo {
  /** The emoji; an empty string means the reaction was removed. */
  emoji: string
  targetProviderMessageId: string
}

/**
 * A tap on a button or list row. The message is a `text` whose text is the title; the id/payload is what a
 * chatbot branches on.
 */
export interface InteractiveReply {
  type: 'button' | 'list' | 'template_button'
  id: string
  title: string
  description: string | null
}

/** A message in a chat: from the customer, or typed by an agent on the business phone, or our API echo. */
export interface MessageEvent extends EventSource {
  type: 'message'
  providerMessageId: string
  /** The customer (1:1) or the group the message belongs to. */
  chat: ChatIdentity
  /** Group messages only: who wrote it. */
  author: ChatIdentity | null
  /** The sender's WhatsApp display name (the author's in groups). Evolution says `Você` for API sends. */
  pushName: string | null
  /** Sent by the business (from its phone, WhatsApp Web or through the API), not by the customer. */
  fromMe: boolean
  /** Evolution `send.message`: the echo of a message we sent through the API (dedupe against the outbox). */
  viaApi: boolean
  /** When the provider says the message was sent (its epoch seconds), not when the webhook arrived. */
  timestamp: Date
  kind: MessageKind
  /** The provider's own type name (`conversation`, `imageMessage`, `interactive`, …), for logs and `unsupported`. */
  providerType: string
  /** Text, or the caption of a media message, or the title of an interactive reply. */
  text: string | null
  media: MediaDescriptor | null
  location: LocationInfo | null
  /** Contact cards; empty unless `kind` is `contact`. */
  contacts: ContactCard[]
  reaction: ReactionInfo | null
  interactiveReply: InteractiveReply | null
  /** The provider id of the message this one replies to (quotes). */
  quotedProviderMessageId: string | null
  isGroup: boolean
  /** WhatsApp Status (stories) posts; the helpdesk normally drops them. */
  isStatusBroadcast: boolean
}

/** Delivery progress of a message. Only move forward: sent < delivered < read < played; failed is terminal. */
export type DeliveryStatus = 'sent' | 'delivered' | 'read' | 'played' | 'failed'

export interface ProviderError {
  /** The provider's numeric code (Cloud `131047`, …); null when the provider gives none (Evolution `ERROR`). */
  code: number | null
  message: string
  details: string | null
}

export interface StatusEvent extends EventSource {
  type: 'status'
  providerMessageId: string
  status: DeliveryStatus
  /**
   * Whether the acknowledged message was ours. Evolution also reports acks of customer messages we read
   * (`false`); Cloud statuses are always about our messages.
   */
  fromMe: boolean
  /** The other party, when the provider says it. */
  recipient: ChatIdentity | null
  /** Set when `status` is `failed` and the provider explains why. */
  error: ProviderError | null
  /** Null for Evolution, whose `messages.update` carries no reliable time (`date_time` is not UTC). */
  timestamp: Date | null
}

export type ConnectionState = 'open' | 'connecting' | 'close' | 'refused'

/** Evolution only: the WhatsApp session of an instance changed state. */
export interface ConnectionEvent extends EventSource {
  type: 'connection'
  state: ConnectionState
  /** Baileys disconnect code (`statusReason`): 401 logged out, 428 QR limit, 200 fine, … */
  reasonCode: number | null
  /** The instance's own number once paired (`wuid`). */
  ownPhone: string | null
  profileName: string | null
}

/** Evolution only: a new QR code to show (each lives about 45 s), or the end of the QR series. */
export interface QrEvent extends EventSource {
  type: 'qr'
  /** The raw string to render as a QR code; null when `limitReached`. */
  code: string | null
  /** Ready-made PNG data URL of the same QR. */
  imageDataUrl: string | null
  /** Set when the connection was started with a phone number (pairing instead of scanning). */
  pairingCode: string | null
  /** Evolution stopped generating QRs (QRCODE_LIMIT); connect again to restart. */
  limitReached: boolean
}

/** A well-formed event the helpdesk does not act on, with the reason (kept for the ledger). */
export interface IgnoredEvent extends EventSource {
  type: 'ignored'
  /** The provider's event name (`messages.delete`, `contacts.update`, Cloud change `field`, …). */
  event: string
  reason: string
  providerMessageId: string | null
}

export type NormalizedEvent = MessageEvent | StatusEvent | ConnectionEvent | QrEvent | IgnoredEvent
