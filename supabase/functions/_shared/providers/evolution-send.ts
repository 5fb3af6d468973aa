/**
 * Sending through Evolution API 2.3.x: request builders for `sendText`, `sendMedia`, `sendWhatsAppAudio`
 * (voice notes) and `sendSticker`, and parsers for what comes back (see the WhatsApp reference, A.8).
 * Every call authenticates with the `apikey` header (global key or the instance token).
 */
import { isRecord, type JsonObject, optionalRecord, optionalString } from './guards.ts'
import {
  assertSendable,
  classifyHttpStatus,
  type FailureRule,
  type OutboundMedia,
  type OutboundMessage,
  OutboundMessageError,
  type OutboundQuote,
  type ProviderRequest,
  type SendAccepted,
  type SendFailure,
} from './outbound.ts'
import { digitsOnly, parseJid } from './phone.ts'

export interface EvolutionChannel {
  instance: string
  apiKey: string
}

export function buildEvolutionSendRequest(channel: EvolutionChannel, message: OutboundMessage): ProviderRequest {
  assertSendable(message)
  if (channel.instance.trim() === '' || channel.apiKey === '') {
    throw new OutboundMessageError('invalid_channel_config', 'The Evolution channel needs an instance name and an API key.')
  }
  const common: JsonObject = { number: evolutionNumber(message.to) }
  if (message.replyTo) common.quoted = evolutionQuoted(message.replyTo)
  const request = (endpoint: string, body: JsonObject): ProviderRequest => ({
    method: 'POST',
    path: `/message/${endpoint}/${encodeURIComponent(channel.instance)}`,
    headers: { 'Content-Type': 'application/json', 'apikey': channel.apiKey },
    body: { ...common, ...body },
  })
  const media = message.media
  if (message.kind === 'text' || media === null) return request('sendText', { text: message.text })
  const file = evolutionMedia(media)
  // sendMedia's `audio` is a plain audio file; a voice note (ptt) has its own endpoint, transcoded to OGG/Opus.
  if (message.voiceNote) return request('sendWhatsAppAudio', { audio: file })
  if (message.kind === 'sticker') return request('sendSticker', { sticker: file })
  if (message.kind === 'document' && media.source.type === 'base64' && !media.fileName) {
    throw new OutboundMessageError('file_name_required', 'Evolution needs a file name to send a base64 document.')
  }
  const body: JsonObject = { mediatype: message.kind, media: file }
  if (media.mimeType) body.mimetype = media.mimeType
  if (message.text !== null) body.caption = message.text
  if (media.fileName) body.fileName = media.fileName
  return request('sendMedia', body)
}

/**
 * Evolution takes bare digits (it resolves the Brazilian 9th digit itself) or a full JID; a LID or group
 * JID is kept as is, since there may be no phone number to send to.
 */
function evolutionNumber(to: string): string {
  if (to.includes('@')) {
    const jid = parseJid(to)
    if (jid.kind === 'phone') return jid.user
    if (jid.kind === 'lid' || jid.kind === 'group') return jid.jid
    throw new OutboundMessageError('invalid_recipient', 'Messages can only be sent to a phone number, a LID or a group.')
  }
  const digits = digitsOnly(to)
  if (!/^\d{8,15}$/.test(digits) || /[^\d\s()+-]/.test(to)) {
    throw new OutboundMessageError('invalid_recipient', 'The recipient must be a phone number with country code.')
  }
  return digits
}

function evolutionQuoted(quote: OutboundQuote): JsonObject {
  const key: JsonObject = { id: quote.providerMessageId }
  if (quote.remoteJid !== null) key.remoteJid = quote.remoteJid
  if (quote.fromMe !== null) key.fromMe = quote.fromMe
  return quote.text === null ? { key } : { key, message: { conversation: quote.text } }
}

function evolutionMedia(media: OutboundMedia): string {
  switch (media.source.type) {
    case 'url':
      return media.source.url
    case 'base64':
      return media.source.base64
    case 'media_id':
      throw new OutboundMessageError('unsupported_media_source', 'Evolution cannot send a Cloud API media id; pass a URL or base64.')
  }
}

/** A 201 from any send endpoint is the prepared message; `key.id` is what later acks refer to. */
export function parseEvolutionSendResponse(body: unknown): SendAccepted {
  const key = optionalRecord(optionalRecord(body)?.key)
  const providerMessageId = optionalString(key?.id)
  if (providerMessageId === null) throw new Error('Evolution send response has no key.id')
  return { providerMessageId, recipient: optionalString(key?.remoteJid) }
}

const NOT_ON_WHATSAPP: FailureRule = { kind: 'permanent', category: 'not_on_whatsapp', reason: 'Este número não tem WhatsApp.' }

/**
 * Evolution errors have no numeric codes: `{ status, error, response: { message } }`, where `message` is
 * usually an array of strings or, for unknown numbers, of `{ jid, exists: false, number }`. Rules are
 * tried in order; the first match wins, otherwise the HTTP status decides (`classifyHttpStatus`).
 *
 * | Matches                                       | Kind      | Category          |
 * |-----------------------------------------------|-----------|-------------------|
 * | `message[]` has `exists: false`               | permanent | not_on_whatsapp   |
 * | `code: LICENSE_REQUIRED` (2.4.0, 503)         | permanent | auth              |
 * | 401                                           | permanent | auth              |
 * | 404 "instance does not exist"                 | permanent | channel_not_found |
 * | "Connection Closed" / "not connected" (any)   | transient | disconnected      |
 */
const EVOLUTION_RULES: { matches: (error: EvolutionError) => boolean, rule: FailureRule }[] = [
  { matches: error => error.entries.some(entry => isRecord(entry) && entry.exists === false), rule: NOT_ON_WHATSAPP },
  {
    matches: error => error.code === 'LICENSE_REQUIRED',
    rule: { kind: 'permanent', category: 'auth', reason: 'A Evolution API 2.4 exige ativação de licença: ative-a ou use a versão 2.3.7.' },
  },
  {
    matches: error => error.httpStatus === 401,
    rule: { kind: 'permanent', category: 'auth', reason: 'A Evolution API recusou a chave de acesso: verifique a apikey do canal.' },
  },
  {
    matches: error => error.httpStatus === 404 && /instance does not exist/i.test(error.text),
    rule: { kind: 'permanent', category: 'channel_not_found', reason: 'A instância da Evolution API não existe: verifique o nome da instância do canal.' },
  },
  {
    // A dropped WhatsApp session (#2403) often recovers by itself; if not, the channel shows "reconnect".
    matches: error => /connection closed|not connected/i.test(error.text),
    rule: { kind: 'transient', category: 'disconnected', reason: 'O WhatsApp do canal está desconectado; o envio será repetido em instantes. Se persistir, reconecte o canal.' },
  },
]

interface EvolutionError {
  httpStatus: number | null
  code: string | null
  entries: unknown[]
  /** Every message entry flattened to one string, for matching and logs. */
  text: string
}

/** `httpStatus` is null when no response arrived; `body` is the parsed JSON or null. */
export function classifyEvolutionFailure(httpStatus: number | null, body: unknown): SendFailure {
  const error = readEvolutionError(httpStatus, body)
  const rule = EVOLUTION_RULES.find(candidate => candidate.matches(error))?.rule ?? classifyHttpStatus(httpStatus)
  return { ...rule, httpStatus, providerCode: error.code, providerMessage: error.text === '' ? null : error.text }
}

function readEvolutionError(httpStatus: number | null, body: unknown): EvolutionError {
  const envelope = optionalRecord(body)
  const message = optionalRecord(envelope?.response)?.message ?? envelope?.message ?? envelope?.error
  const entries = Array.isArray(message) ? message : message === undefined ? [] : [message]
  const text = entries.map(entry => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join('; ')
  return { httpStatus, code: optionalString(envelope?.code), entries, text }
}
