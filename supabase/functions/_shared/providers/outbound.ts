/**
 * The provider-neutral model of a message we send, the HTTP request a provider builder produces for it and
 * the outcome of a send (accepted with the provider's message id, or a classified failure with a pt-BR
 * reason for the agent). Evolution (`evolution-send.ts`) and Cloud (`cloud-send.ts`) translate to and from
 * these shapes; nothing here does I/O.
 */
import { UserError } from '../errors.ts'

export type OutboundKind = 'text' | 'image' | 'video' | 'document' | 'audio' | 'sticker'

/** Where the provider gets the file from. Only the Cloud API accepts media ids; only Evolution accepts base64. */
export type OutboundMediaSource
  /** An http(s) URL the provider's servers can fetch (e.g. a signed Storage URL). */
  = | { type: 'url', url: string }
  /** The file itself, plain base64 without a `data:` prefix (Evolution rejects the prefix). */
    | { type: 'base64', base64: string }
  /** A Cloud API media id from `POST /<version>/<phone_number_id>/media`. */
    | { type: 'media_id', mediaId: string }

export interface OutboundMedia {
  source: OutboundMediaSource
  mimeType: string | null
  /** Shown to the customer for documents; Evolution also derives the MIME type from its extension. */
  fileName: string | null
}

/** The message being replied to. Only the id is required; the rest lets Evolution quote without its own DB. */
export interface OutboundQuote {
  providerMessageId: string
  /** Whether the quoted message was ours; Evolution `quoted.key.fromMe`. */
  fromMe: boolean | null
  /** The quoted message's chat JID; Evolution `quoted.key.remoteJid`. */
  remoteJid: string | null
  /** The quoted text. Without it Evolution must find the original in its DB or silently drops the quote. */
  text: string | null
}

export interface OutboundMessage {
  /** Phone digits with country code, or the inbound `ChatIdentity.replyTo` (a JID for Evolution, `wa_id` for Cloud). */
  to: string
  kind: OutboundKind
  /** The body of a `text`, or the caption of an image, video or document; must be null for audio and stickers. */
  text: string | null
  /** Required for every kind but `text`, which must not have it. */
  media: OutboundMedia | null
  /** A recorded voice note (push-to-talk) rather than an audio file; `audio` only. */
  voiceNote: boolean
  replyTo: OutboundQuote | null
}

/** A provider HTTP call, relative to the provider's base URL. Headers carry only the credential passed in. */
export interface ProviderRequest {
  method: 'POST'
  path: string
  headers: Record<string, string>
  body: Record<string, unknown>
}

export type OutboundProblem
  = | 'invalid_recipient'
    | 'text_required'
    | 'text_too_long'
    | 'caption_not_allowed'
    | 'media_required'
    | 'media_not_allowed'
    | 'voice_note_not_audio'
    | 'unsupported_media_source'
    | 'invalid_media'
    | 'file_name_required'
    | 'invalid_reply_to'
    | 'invalid_channel_config'

/** A message that cannot be sent as asked; a 400 in the functions' error model, `details.problem` says why. */
export class OutboundMessageError extends UserError {
  constructor(readonly problem: OutboundProblem, message: string) {
    super(400, 'invalid_outbound_message', message, { problem })
    this.name = 'OutboundMessageError'
  }
}

/**
 * The checks both providers share: the kind decides whether text and media are required, allowed or
 * forbidden. WhatsApp shows no caption on audio or stickers (Cloud: "Do not use it with audio or sticker
 * media"), so one is refused rather than silently dropped.
 */
export function assertSendable(message: OutboundMessage): void {
  if (message.to.trim() === '') throw new OutboundMessageError('invalid_recipient', 'The recipient is empty.')
  const hasText = message.text !== null && message.text.trim() !== ''
  if (message.kind === 'text') {
    if (!hasText) throw new OutboundMessageError('text_required', 'A text message needs a non-empty text.')
    if (message.media !== null) throw new OutboundMessageError('media_not_allowed', 'A text message cannot carry media.')
  }
  else {
    if (message.media === null) throw new OutboundMessageError('media_required', `A ${message.kind} message needs media.`)
    if (message.text !== null && (message.kind === 'audio' || message.kind === 'sticker')) {
      throw new OutboundMessageError('caption_not_allowed', `A ${message.kind} message cannot have a caption.`)
    }
    assertMediaSource(message.media.source)
  }
  if (message.voiceNote && message.kind !== 'audio') {
    throw new OutboundMessageError('voice_note_not_audio', 'Only an audio message can be a voice note.')
  }
  if (message.replyTo !== null && message.replyTo.providerMessageId.trim() === '') {
    throw new OutboundMessageError('invalid_reply_to', 'The quoted message id is empty.')
  }
}

function assertMediaSource(source: OutboundMediaSource): void {
  switch (source.type) {
    case 'url':
      if (!/^https?:\/\/\S+$/i.test(source.url)) throw new OutboundMessageError('invalid_media', 'The media URL must be http(s).')
      return
    case 'base64':
      // Evolution validates with isBase64, which a `data:` URL fails ("Owned media must be a url or base64").
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(source.base64)) throw new OutboundMessageError('invalid_media', 'The media must be plain base64 without a data: prefix.')
      return
    case 'media_id':
      if (source.mediaId.trim() === '') throw new OutboundMessageError('invalid_media', 'The media id is empty.')
  }
}

/** The provider took the message. Delivery (or a late failure such as 131047) arrives later as a status. */
export interface SendAccepted {
  providerMessageId: string
  /** Where the provider says it sent it (Evolution `key.remoteJid`, Cloud `contacts[0].wa_id`): may differ from `to`. */
  recipient: string | null
}

/**
 * What the caller does with a failure: retry with backoff (`transient`) or stop and tell the agent
 * (`permanent`).
 */
export type FailureKind = 'transient' | 'permanent'

export type FailureCategory
  = | 'network'
    | 'rate_limited'
    | 'provider_unavailable'
    | 'disconnected'
    | 'not_on_whatsapp'
    | 'outside_window'
    | 'undeliverable'
    | 'recipient_not_allowed'
    | 'auth'
    | 'channel_not_found'
    | 'media_error'
    | 'policy_blocked'
    | 'invalid_request'
    | 'unknown'

export interface SendFailure {
  kind: FailureKind
  /** Stable, for code and metrics. */
  category: FailureCategory
  /** For the agent, in pt-BR. */
  reason: string
  /** Null when no HTTP response arrived (timeout, connection refused, DNS). */
  httpStatus: number | null
  /** The provider's raw error code for logs (Cloud `131047`, Evolution `LICENSE_REQUIRED`), when it gave one. */
  providerCode: string | null
  /** The provider's own error text for logs. */
  providerMessage: string | null
}

export interface FailureRule {
  kind: FailureKind
  category: FailureCategory
  reason: string
}

/**
 * What an HTTP status alone says, for errors no provider-specific rule recognizes: no response, 408, 429
 * and 5xx are worth retrying; any other 4xx will fail the same way again.
 */
export function classifyHttpStatus(httpStatus: number | null): FailureRule {
  if (httpStatus === null) return { kind: 'transient', category: 'network', reason: 'Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.' }
  if (httpStatus === 429) return { kind: 'transient', category: 'rate_limited', reason: 'Limite de envio do WhatsApp atingido; o envio será repetido em instantes.' }
  if (httpStatus === 408 || httpStatus >= 500) return { kind: 'transient', category: 'provider_unavailable', reason: 'O provedor do WhatsApp está indisponível no momento; o envio será repetido em instantes.' }
  if (httpStatus === 401 || httpStatus === 403) return { kind: 'permanent', category: 'auth', reason: 'Credenciais do canal de WhatsApp recusadas: verifique a configuração do canal.' }
  return { kind: 'permanent', category: 'unknown', reason: `O WhatsApp não aceitou a mensagem (erro ${httpStatus}).` }
}
