/**
 * `POST /message/sendText|sendMedia|sendWhatsAppAudio|sendSticker/{instance}` as Evolution 2.3.7 answers
 * them (reference A.8): schema checks, "Connection Closed" when the session is not open, the 400 with
 * `exists: false` for numbers not on WhatsApp, 201 with the prepared message, then the `send.message`
 * echo and `messages.update` SERVER_ACK → DELIVERY_ACK as the customer's phone receives it.
 */
import type { SimulatorContext } from '../context.ts'
import type { ChatMessage, Conversation } from '../customers.ts'
import { cuid, evolutionApiMessageId } from '../ids.ts'
import { extensionFor, mimeTypeForFileName, sniffMimeType, type StoredMedia } from '../media.ts'
import { asWhatsAppVoiceNote } from '../ogg.ts'
import { digitsOnly, isPhoneDigits, lidFor, phoneJid, whatsappId } from '../phones.ts'
import type { ChatKind, SendFailureMode } from '../types.ts'
import { isObject } from '../validate.ts'
import type { EvolutionCustomerSide } from './customer.ts'
import { quoteOf, statusData } from './customer.ts'
import { EvolutionError, badRequest, notOnWhatsApp } from './errors.ts'
import type { EvolutionInstance } from './instances.ts'
import { CONTENT_KEYS, type EvolutionMediaKind, type Json, type Quote, mediaContent, messageData, sendContextInfo } from './payloads.ts'
import { emitEvolutionEvent } from './webhooks.ts'

export type SendEndpoint = 'sendText' | 'sendMedia' | 'sendWhatsAppAudio' | 'sendSticker'

export type SendOutcome = { status: number, body: unknown } | { fault: 'timeout' | 'outage' }

const MEDIA_TYPES = ['image', 'document', 'video', 'audio'] as const

export class EvolutionSender {
  constructor(private readonly ctx: SimulatorContext, private readonly customers: EvolutionCustomerSide) {}

  async send(instance: EvolutionInstance, endpoint: SendEndpoint, body: unknown): Promise<SendOutcome> {
    if (!isObject(body)) throw badRequest('instance is not of a type(s) object')
    if (typeof body.number !== 'string' || body.number.trim() === '') throw badRequest('instance requires property "number"')
    const request = parseRequest(endpoint, body)
    if (instance.state !== 'open') throw badRequest('Error: Connection Closed')

    const fault = this.ctx.faults.takeSendFailure(`evolution:${instance.name}`, 'evolution')
    const failure = fault ? faultOutcome(fault, body.number) : null
    if (failure) return failure

    const waId = this.recipient(instance, body.number)
    const media = request.media ? await this.loadMedia(instance, request.media, request) : null
    const conversation = this.ctx.conversations.open({ provider: 'evolution', id: instance.name }, waId)
    // 2.3.7 ignores `quoted` on sendWhatsAppAudio (fixed in 2.4.0-rc2), so the voice note goes out unquoted.
    const quote = endpoint === 'sendWhatsAppAudio' ? null : this.quote(instance, conversation, body.quoted)
    const message = this.record(instance, conversation, request, media, quote)
    emitEvolutionEvent(this.ctx, instance, 'send.message', message.evolution!.data)
    this.scheduleAcks(instance, conversation, message)
    return { status: 201, body: message.evolution!.data }
  }

  /** Digits (Evolution fixes the Brazilian 9th digit itself) or a JID; unknown LIDs and groups are not on WhatsApp. */
  private recipient(instance: EvolutionInstance, number: string): string {
    const cleaned = number.replace(/[\s()+-]/g, '').replace(/:\d+@/, '@')
    const [user = '', server] = cleaned.split('@')
    if (server === 'lid') {
      const known = this.ctx.conversations.list().find(conversation => conversation.target.id === instance.name
        && conversation.target.provider === 'evolution' && lidFor(conversation.waId) === cleaned)
      if (known) return known.waId
      throw notOnWhatsApp(user, cleaned)
    }
    const digits = digitsOnly(user)
    if ((server !== undefined && server !== 's.whatsapp.net') || !isPhoneDigits(digits) || digits !== user) {
      throw notOnWhatsApp(user, server ? cleaned : `${user}@s.whatsapp.net`)
    }
    return whatsappId(digits)
  }

  private quote(instance: EvolutionInstance, conversation: Conversation, raw: unknown): Quote | null {
    if (raw === undefined || raw === null) return null
    const key = isObject(raw) && isObject(raw.key) ? raw.key : null
    if (!key || typeof key.id !== 'string' || key.id === '') throw badRequest('instance.quoted.key requires property "id"')
    const known = conversation.messages.find(message => message.id === key.id)
    if (known) return quoteOf(instance, conversation, known)
    // Not in "its database": Evolution quotes with what the caller passed, or silently sends no quote.
    const content = isObject(raw) && isObject(raw.message) ? raw.message : null
    if (!content) return null
    const participant = key.fromMe === true ? instance.ownerJid ?? '' : typeof key.remoteJid === 'string' ? key.remoteJid : phoneJid(conversation.waId)
    return { stanzaId: key.id, participant, quotedMessage: content }
  }

  private async loadMedia(instance: EvolutionInstance, source: string, request: ParsedRequest): Promise<StoredMedia> {
    let bytes: Buffer
    if (/^https?:\/\//i.test(source)) {
      let response: Response
      try {
        response = await fetch(source, { signal: AbortSignal.timeout(20_000) })
      }
      catch (error) {
        throw badRequest(`Error: ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`)
      }
      if (!response.ok) throw badRequest(`Error: Request failed with status code ${response.status}`)
      bytes = Buffer.from(await response.arrayBuffer())
    }
    else {
      bytes = Buffer.from(source, 'base64')
    }
    // Evolution transcodes voice notes to Ogg/Opus; remuxing a browser's WebM recording gets the same result.
    if (request.voiceNote) bytes = asWhatsAppVoiceNote(bytes, sniffMimeType(bytes) ?? '').bytes
    const sniffed = sniffMimeType(bytes)
    const declared = request.fileName ? mimeTypeForFileName(request.fileName) : request.mimeType
    return this.ctx.media.put({
      bytes,
      mimeType: sniffed ?? declared ?? request.defaultMime,
      fileName: request.fileName ?? (request.kind === 'document' ? `documento.${extensionFor(declared ?? sniffed ?? 'application/pdf')}` : null),
      seconds: request.kind === 'audio' || request.kind === 'video' ? Math.max(1, Math.round(bytes.length / 16_000)) : null,
      owner: `evolution:${instance.name}`,
    })
  }

  private record(instance: EvolutionInstance, conversation: Conversation, request: ParsedRequest, media: StoredMedia | null, quote: Quote | null): ChatMessage {
    const id = evolutionApiMessageId()
    const contextInfo = sendContextInfo(quote)
    let content: Json
    let messageType: string
    if (!media) {
      content = { conversation: request.text ?? '' }
      messageType = 'conversation'
    }
    else {
      const kind = request.kind as EvolutionMediaKind
      messageType = CONTENT_KEYS[kind]
      content = { [messageType]: mediaContent(kind, media, { caption: request.text, voiceNote: request.voiceNote, contextInfo, mimeType: request.reportedMime(media) }) }
    }
    const message: ChatMessage = {
      id,
      from: 'business',
      kind: request.kind,
      text: request.text,
      mediaId: media?.id ?? null,
      voiceNote: request.voiceNote,
      quotedId: quote?.stanzaId ?? null,
      location: null,
      contact: null,
      reaction: null,
      status: 'pending',
      error: null,
      timestamp: Date.now(),
      evolution: {
        dbId: cuid(),
        data: messageData({
          key: { remoteJid: phoneJid(conversation.waId), fromMe: true, id },
          pushName: 'Você',
          status: 'PENDING',
          message: content,
          contextInfo,
          messageType,
          timestampMs: Date.now(),
          instanceId: instance.id,
          source: 'web',
        }),
      },
    }
    this.ctx.conversations.add(conversation, message)
    return message
  }

  private scheduleAcks(instance: EvolutionInstance, conversation: Conversation, message: ChatMessage): void {
    const delay = this.ctx.options.statusDelayMs
    const ack = (status: 'sent' | 'delivered', name: 'SERVER_ACK' | 'DELIVERY_ACK') => {
      if (!this.ctx.conversations.advance(conversation, message, status)) return
      emitEvolutionEvent(this.ctx, instance, 'messages.update', statusData(instance, conversation, message, name))
    }
    this.ctx.scheduler.after(delay, () => ack('sent', 'SERVER_ACK'))
    this.ctx.scheduler.after(delay * 2, () => {
      ack('delivered', 'DELIVERY_ACK')
      if (message.pendingReceipt) this.customers.receipt(instance, conversation, message, message.pendingReceipt)
    })
  }
}

interface ParsedRequest {
  kind: ChatKind
  text: string | null
  media: string | null
  mimeType: string | null
  fileName: string | null
  voiceNote: boolean
  defaultMime: string
  /** The MIME type Evolution reports after its own conversion (JPEG images, OGG/Opus voice notes, WebP stickers). */
  reportedMime: (media: StoredMedia) => string
}

function mediaSource(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw badRequest('Owned media must be a url or base64')
  if (/^https?:\/\/\S+$/i.test(value) || /^[A-Za-z0-9+/]+={0,2}$/.test(value)) return value
  // A `data:` URL passes neither isURL nor isBase64.
  throw badRequest('Owned media must be a url or base64')
}

function optionalText(body: Json, key: string): string | null {
  const value = body[key]
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw badRequest(`instance.${key} is not of a type(s) string`)
  return value === '' ? null : value
}

function parseRequest(endpoint: SendEndpoint, body: Json): ParsedRequest {
  switch (endpoint) {
    case 'sendText': {
      if (typeof body.text !== 'string' || body.text.trim() === '') throw badRequest('Text is required')
      return { kind: 'text', text: body.text, media: null, mimeType: null, fileName: null, voiceNote: false, defaultMime: '', reportedMime: media => media.mimeType }
    }
    case 'sendMedia': {
      if (!MEDIA_TYPES.includes(body.mediatype as typeof MEDIA_TYPES[number])) {
        throw badRequest(`instance.mediatype is not one of enum values: ${MEDIA_TYPES.join(',')}`)
      }
      const kind = body.mediatype as typeof MEDIA_TYPES[number]
      const media = mediaSource(body.media)
      const fileName = optionalText(body, 'fileName')
      const isBase64 = !/^https?:\/\//i.test(media)
      if (isBase64 && kind === 'document' && !fileName) throw badRequest('For base64 the file name must be informed.')
      const mimeType = optionalText(body, 'mimetype')
      const defaults: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', document: 'application/pdf', audio: 'audio/mpeg' }
      return {
        kind,
        text: kind === 'audio' ? null : optionalText(body, 'caption'),
        media,
        mimeType,
        fileName,
        voiceNote: false,
        defaultMime: defaults[kind]!,
        reportedMime: (stored) => {
          if (kind === 'image') return 'image/jpeg'
          const fromName = fileName ? mimeTypeForFileName(fileName) : null
          return (fromName === 'application/mp4' ? 'video/mp4' : fromName) ?? mimeType ?? stored.mimeType
        },
      }
    }
    case 'sendWhatsAppAudio':
      return {
        kind: 'audio', text: null, media: mediaSource(body.audio), mimeType: null, fileName: null, voiceNote: true,
        defaultMime: 'audio/ogg; codecs=opus', reportedMime: () => 'audio/ogg; codecs=opus',
      }
    case 'sendSticker':
      return {
        kind: 'sticker', text: null, media: mediaSource(body.sticker), mimeType: null, fileName: null, voiceNote: false,
        defaultMime: 'image/webp', reportedMime: () => 'image/webp',
      }
  }
}

function faultOutcome(fault: SendFailureMode, number: string): SendOutcome | null {
  switch (fault) {
    case 'http500':
      return { status: 500, body: new EvolutionError(500, ['Error: Internal Server Error']).body() }
    case 'not_on_whatsapp': {
      const digits = digitsOnly(number)
      return { status: 400, body: notOnWhatsApp(digits, `${digits}@s.whatsapp.net`).body() }
    }
    case 'timeout':
    case 'outage':
      return { fault }
    case 'cloud_131047':
      return null
  }
}
