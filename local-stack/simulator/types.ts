/**
 * The simulator's public shapes: what the control API (`/api/...`) returns and accepts. Shared by the
 * server, the customer phone page and the tests' client (`tests/support/simulator.ts`).
 */

export type ProviderName = 'evolution' | 'cloud'

/** What a customer can send from their phone. */
export type CustomerMessageKind = 'text' | 'image' | 'video' | 'audio' | 'document' | 'sticker' | 'location' | 'contact' | 'reaction'

export type ChatKind = CustomerMessageKind | 'template'

/**
 * Where a message is. Business messages: pending (accepted by the provider) → sent → delivered → read →
 * played (voice notes), or failed. Customer messages: queued (the business's WhatsApp is offline) →
 * delivered (the provider has it) → read (the business marked it read).
 */
export type ChatStatus = 'queued' | 'pending' | 'sent' | 'delivered' | 'read' | 'played' | 'failed'

export interface TargetView {
  provider: ProviderName
  /** Evolution instance name or Cloud API phone number id. */
  id: string
  /** For people: the instance name or the number's verified name. */
  label: string
}

export interface MediaView {
  id: string
  /** Path on the simulator (`/api/media/<id>`) serving the bytes. */
  url: string
  mimeType: string
  fileName: string | null
  size: number
  width: number | null
  height: number | null
  seconds: number | null
}

export interface ChatMessageView {
  /** The provider's message id: Evolution `key.id`, Cloud `wamid.…`. */
  id: string
  from: 'customer' | 'business'
  kind: ChatKind
  /** Text, caption, or a template's rendered text. */
  text: string | null
  media: MediaView | null
  voiceNote: boolean
  /** Provider id of the quoted message. */
  quotedId: string | null
  location: { latitude: number, longitude: number, name: string | null, address: string | null } | null
  contact: { name: string, phone: string } | null
  reaction: { messageId: string, emoji: string } | null
  status: ChatStatus
  error: { code: number | null, title: string } | null
  /** ISO time the message was created on the simulator. */
  timestamp: string
}

export interface ConversationView {
  target: TargetView
  /** The customer's WhatsApp id (digits; Brazilian numbers may lack the 9th digit, as on WhatsApp). */
  phone: string
  name: string
  messages: ChatMessageView[]
}

export interface ConversationSummary {
  target: TargetView
  phone: string
  name: string
  messageCount: number
  lastMessage: ChatMessageView | null
}

export type EvolutionState = 'close' | 'connecting' | 'open' | 'refused'

export interface InstanceView {
  name: string
  id: string
  /** The instance apikey (`hash`). */
  token: string
  integration: string
  state: EvolutionState
  /** The business number once a phone scanned the QR. */
  ownNumber: string | null
  profileName: string | null
  /** Number given to `connect?number=` (pairing code flow). */
  pairingNumber: string | null
  qr: { code: string, base64: string, pairingCode: string | null, count: number, expiresAt: string } | null
  webhook: EvolutionWebhookConfig | null
  qrIntervalMs: number
  qrLimit: number
  createdAt: string
}

export interface EvolutionWebhookConfig {
  enabled: boolean
  url: string
  headers: Record<string, string>
  byEvents: boolean
  base64: boolean
  /** UPPER_SNAKE event names; empty = every event. */
  events: string[]
}

export interface CloudNumberView {
  phoneNumberId: string
  displayPhoneNumber: string
  verifiedName: string
  wabaId: string
  accessToken: string
  appSecret: string
  verifyToken: string
  webhookUrl: string
  /** Webhooks are only sent once Meta's GET handshake passed (or was skipped on registration). */
  webhookVerified: boolean
}

export interface VerificationResult {
  ok: boolean
  status: number | null
  /** What the endpoint answered (or the network error). */
  detail: string
}

export type SendFailureMode = 'http500' | 'timeout' | 'outage' | 'not_on_whatsapp' | 'cloud_131047'

export interface Faults {
  /** The next n webhooks are each delivered twice. */
  duplicateWebhooks: number
  /** Hold webhooks and release the batch in reverse order (on flush, when switched off, or after the window). */
  reorderWebhooks: boolean
  /** The next `count` business sends fail this way. */
  failSends: { count: number, mode: SendFailureMode } | null
  /** The provider API refuses connections. */
  outage: boolean
  /** Cloud: refuse free-form sends more than 24 h after the customer's last message (131047). */
  enforceCloudWindow: boolean
}

export interface FaultsView {
  global: Faults
  /** Faults that apply to one instance or phone number id only. */
  targets: Record<string, Faults>
  heldWebhooks: number
}

export interface LogEntry {
  seq: number
  at: string
  kind: 'request' | 'webhook'
  provider: ProviderName | 'control' | 'page' | null
  /** Instance name or phone number id, when known. */
  target: string | null
  method: string
  /** Request path, or the webhook's destination URL. */
  url: string
  status: number | null
  error: string | null
  durationMs: number
  /** Webhooks: the event (`messages.upsert`, `statuses`, …) and the attempt number (1-based). */
  event?: string
  attempt?: number
  deliveryId?: string
  /** The JSON body (long base64 strings shortened). */
  body?: unknown
  /** Webhooks: the start of what the receiver answered. */
  response?: string
}

export interface CustomerSendInput {
  /** The customer's WhatsApp name (pushName / profile.name). */
  name?: string
  kind: CustomerMessageKind
  /** Text body, or caption of image/video/document. */
  text?: string
  media?: { base64: string, mimeType: string, fileName?: string, seconds?: number }
  /** Audio only: recorded with the microphone button (default true). */
  voiceNote?: boolean
  /** Provider id of the message being replied to. */
  replyTo?: string
  location?: { latitude: number, longitude: number, name?: string, address?: string }
  contact?: { name: string, phone: string }
  reaction?: { messageId: string, emoji: string }
  /**
   * Evolution only: how WhatsApp addressed the chat. `pn` (default): by phone; `lid`: by LID, as 2.3.7
   * rewrites it (both JIDs hold the phone); `lid-raw`: by LID as 2.3.5–2.3.6 send it (`remoteJid` @lid,
   * phone in `remoteJidAlt`); `lid-only`: by LID with no phone anywhere.
   */
  addressing?: 'pn' | 'lid' | 'lid-raw' | 'lid-only'
}

export interface CustomerSendResult {
  id: string
  message: ChatMessageView
}

export interface SimulatorStateView {
  evolutionBaseUrl: string
  graphBaseUrl: string
  evolutionApiKey: string
  instances: InstanceView[]
  numbers: CloudNumberView[]
  conversations: ConversationSummary[]
  faults: FaultsView
}

/** Pushed on `/api/events` (server-sent events) whenever something the page shows changes. */
export interface ChangeEvent {
  type: 'conversation' | 'instances' | 'numbers' | 'faults' | 'reset'
  target?: string
  phone?: string
}
