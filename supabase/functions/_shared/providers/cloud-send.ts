/**
 * Sending through the Meta WhatsApp Cloud API: `POST /<version>/<phone_number_id>/messages` bodies, and
 * parsers for the response and for error codes (see the WhatsApp reference, B.3). Errors arrive
 * synchronously as `{ error: { code, message, error_data.details } }` or later as a failed status webhook
 * with the same codes, so one table classifies both.
 */
import type { ProviderError } from './types.ts'
import { type JsonObject, optionalInteger, optionalRecord, optionalString } from './guards.ts'
import {
  assertSendable,
  classifyHttpStatus,
  type FailureRule,
  type OutboundMedia,
  type OutboundMessage,
  OutboundMessageError,
  type ProviderRequest,
  type SendAccepted,
  type SendFailure,
} from './outbound.ts'
import { parseJid } from './phone.ts'

export interface CloudChannel {
  /** Graph API version, e.g. `v23.0`. */
  graphVersion: string
  phoneNumberId: string
  accessToken: string
}

/** Meta's limits (`TextMessage.body`, `MediaObject.caption`); longer ones are refused with error 100. */
const MAX_TEXT_LENGTH = 4096
const MAX_CAPTION_LENGTH = 1024

export function buildCloudSendRequest(channel: CloudChannel, message: OutboundMessage): ProviderRequest {
  assertSendable(message)
  if (!/^v\d+\.\d+$/.test(channel.graphVersion) || !/^\d+$/.test(channel.phoneNumberId) || channel.accessToken === '') {
    throw new OutboundMessageError('invalid_channel_config', 'The Cloud API channel needs a Graph version like v23.0, a numeric phone number id and an access token.')
  }
  const body: JsonObject = { messaging_product: 'whatsapp', recipient_type: 'individual', to: cloudRecipient(message.to), type: message.kind }
  if (message.replyTo) body.context = { message_id: message.replyTo.providerMessageId }
  if (message.kind === 'text' || message.media === null) {
    const text = message.text ?? ''
    if (text.length > MAX_TEXT_LENGTH) throw new OutboundMessageError('text_too_long', `A text can have at most ${MAX_TEXT_LENGTH} characters.`)
    body.text = { body: text }
  }
  else {
    body[message.kind] = cloudMediaObject(message, message.media)
  }
  return {
    method: 'POST',
    path: `/${channel.graphVersion}/${channel.phoneNumberId}/messages`,
    headers: { 'Content-Type': 'application/json', 'Authorization': `Bearer ${channel.accessToken}` },
    body,
  }
}

/** Cloud addresses people by `wa_id` digits; a phone JID (from an Evolution-shaped identity) is reduced to them. */
function cloudRecipient(to: string): string {
  const candidate = to.includes('@') ? (parseJid(to).kind === 'phone' ? parseJid(to).user : '') : to.replace(/[\s()+-]/g, '')
  if (!/^\d{8,15}$/.test(candidate)) throw new OutboundMessageError('invalid_recipient', 'The Cloud API sends only to a phone number (wa_id).')
  return candidate
}

/**
 * `{ link }` or `{ id }`, plus `caption` (image, video, document) and `filename` (document). Voice notes
 * need no flag here: an OGG/Opus `audio` is played as one (the `voice: true` flag is not in Meta's
 * OpenAPI v23.0).
 */
function cloudMediaObject(message: OutboundMessage, media: OutboundMedia): JsonObject {
  const object: JsonObject = {}
  switch (media.source.type) {
    case 'url':
      object.link = media.source.url
      break
    case 'media_id':
      object.id = media.source.mediaId
      break
    case 'base64':
      throw new OutboundMessageError('unsupported_media_source', 'The Cloud API cannot send base64: upload the file first and send its media id, or a URL.')
  }
  if (message.text !== null) {
    if (message.text.length > MAX_CAPTION_LENGTH) throw new OutboundMessageError('text_too_long', `A caption can have at most ${MAX_CAPTION_LENGTH} characters.`)
    object.caption = message.text
  }
  if (message.kind === 'document' && media.fileName) object.filename = media.fileName
  return object
}

/** A 200 means accepted, not delivered: `messages[0].id` is the wamid later statuses refer to. */
export function parseCloudSendResponse(body: unknown): SendAccepted {
  const payload = optionalRecord(body)
  const messages = Array.isArray(payload?.messages) ? payload.messages : []
  const contacts = Array.isArray(payload?.contacts) ? payload.contacts : []
  const providerMessageId = optionalString(optionalRecord(messages[0])?.id)
  if (providerMessageId === null) throw new Error('Cloud API send response has no messages[0].id')
  return { providerMessageId, recipient: optionalString(optionalRecord(contacts[0])?.wa_id) }
}

const THROTTLED: FailureRule = { kind: 'transient', category: 'rate_limited', reason: 'Limite de envio da Meta atingido; o envio será repetido em instantes.' }
const META_UNAVAILABLE: FailureRule = { kind: 'transient', category: 'provider_unavailable', reason: 'A API do WhatsApp da Meta está instável no momento; o envio será repetido em instantes.' }
const TOKEN_REJECTED: FailureRule = { kind: 'permanent', category: 'auth', reason: 'O token de acesso da Meta é inválido, expirou ou não tem permissão: atualize as credenciais do canal.' }
const BAD_MEDIA: FailureRule = { kind: 'permanent', category: 'media_error', reason: 'A Meta não conseguiu usar o arquivo: verifique o link, o formato e o tamanho da mídia.' }
const TEMPLATE_ERROR: FailureRule = { kind: 'permanent', category: 'invalid_request', reason: 'O modelo de mensagem não existe, não foi aprovado ou tem parâmetros errados.' }

/**
 * Cloud API error codes → what to do. Sources: the WhatsApp reference B.3.3 (131047, 131026, 131030, 131049,
 * 131048, 130429, 131051, 131053, 131014, 132000/132001, 190, 100, 368) and Meta's "Error codes" page for the
 * throttling (4, 80007, 131056) and server (1, 2, 131000, 131016, 133004) codes. Codes not listed fall back
 * to the HTTP status (`classifyHttpStatus`).
 */
export const CLOUD_ERROR_RULES: Readonly<Record<number, FailureRule>> = {
  131047: { kind: 'permanent', category: 'outside_window', reason: 'Fora da janela de 24 horas do WhatsApp: o cliente precisa escrever primeiro, ou envie um modelo aprovado.' },
  131026: { kind: 'permanent', category: 'undeliverable', reason: 'Mensagem não entregue: o número pode não ter WhatsApp ou estar com o aplicativo desatualizado.' },
  131030: { kind: 'permanent', category: 'recipient_not_allowed', reason: 'Número fora da lista de destinatários de teste: adicione-o em WhatsApp → Configuração da API no painel da Meta.' },
  131049: { kind: 'permanent', category: 'policy_blocked', reason: 'A Meta limitou as mensagens de marketing para este cliente; tente novamente outro dia.' },
  131048: { kind: 'permanent', category: 'policy_blocked', reason: 'Limite antispam da Meta atingido para este número: reduza o volume e verifique a qualidade da conta.' },
  368: { kind: 'permanent', category: 'policy_blocked', reason: 'A conta foi bloqueada temporariamente pela Meta por violação de políticas.' },
  131051: { kind: 'permanent', category: 'invalid_request', reason: 'Tipo de mensagem não suportado pelo WhatsApp.' },
  100: { kind: 'permanent', category: 'invalid_request', reason: 'A Meta recusou a mensagem por um parâmetro inválido.' },
  131053: BAD_MEDIA,
  131014: BAD_MEDIA,
  132000: TEMPLATE_ERROR,
  132001: TEMPLATE_ERROR,
  190: TOKEN_REJECTED,
  10: TOKEN_REJECTED,
  4: THROTTLED,
  80007: THROTTLED,
  130429: THROTTLED,
  131056: { kind: 'transient', category: 'rate_limited', reason: 'Muitas mensagens seguidas para este cliente; o envio será repetido em instantes.' },
  1: META_UNAVAILABLE,
  2: META_UNAVAILABLE,
  131000: META_UNAVAILABLE,
  131016: META_UNAVAILABLE,
  133004: META_UNAVAILABLE,
}

/** `httpStatus` is null when no response arrived; `body` is the parsed JSON error or null. */
export function classifyCloudFailure(httpStatus: number | null, body: unknown): SendFailure {
  const error = optionalRecord(optionalRecord(body)?.error)
  const code = optionalInteger(error?.code)
  const details = optionalString(optionalRecord(error?.error_data)?.details)
  const providerMessage = [optionalString(error?.message), details].filter(part => part !== null).join(' — ')
  return classifyCloudCode(code, httpStatus, providerMessage === '' ? null : providerMessage)
}

const UNKNOWN_STATUS_ERROR: FailureRule = { kind: 'permanent', category: 'unknown', reason: 'O WhatsApp não entregou a mensagem.' }

/** A `failed` status webhook (e.g. 131047 after a 200): same table, no HTTP status. */
export function classifyCloudStatusError(error: ProviderError): SendFailure {
  const providerMessage = [error.message, error.details].filter(part => part !== null && part !== '').join(' — ')
  const failure = classifyCloudCode(error.code, null, providerMessage === '' ? null : providerMessage)
  // Without a table entry there is no HTTP status to judge by, and WhatsApp already gave up: do not resend.
  const known = error.code !== null && CLOUD_ERROR_RULES[error.code] !== undefined
  return known ? failure : { ...failure, ...UNKNOWN_STATUS_ERROR }
}

function classifyCloudCode(code: number | null, httpStatus: number | null, providerMessage: string | null): SendFailure {
  const rule = (code === null ? undefined : CLOUD_ERROR_RULES[code]) ?? classifyHttpStatus(httpStatus)
  return { ...rule, httpStatus, providerCode: code === null ? null : String(code), providerMessage }
}
