/**
 * `POST /<version>/<phone_number_id>/messages` as Meta answers it (reference B.3): parameter errors
 * (code 100) synchronously; otherwise 200 "accepted" and the outcome later as status webhooks — sent →
 * delivered, or failed with 131047 (24-hour window), 131026 (undeliverable), 131053 (bad media id) or
 * 131014 (media link unreachable). `status: "read"` bodies mark a customer message read.
 */
import type { SimulatorContext } from '../context.ts'
import type { ChatMessage, Conversation } from '../customers.ts'
import { graphId, wamid } from '../ids.ts'
import { baseMimeType, sniffMimeType } from '../media.ts'
import { digitsOnly, isPhoneDigits, whatsappId } from '../phones.ts'
import type { ChatKind, SendFailureMode } from '../types.ts'
import { isObject } from '../validate.ts'
import type { CloudCustomerSide } from './customer.ts'
import { GraphError, invalidParameter } from './errors.ts'
import type { CloudNumber, CloudNumbers } from './numbers.ts'
import { type Json, type StatusError, STATUS_ERRORS, mediaUrlError, statusValue } from './payloads.ts'

export type CloudSendOutcome = { status: number, body: unknown } | { fault: 'timeout' | 'outage' }

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const
type MediaType = typeof MEDIA_TYPES[number]
const SUPPORTED_TYPES = ['text', ...MEDIA_TYPES, 'reaction', 'template', 'interactive', 'location'] as const
const DAY_MS = 24 * 3600_000

interface ParsedSend {
  type: typeof SUPPORTED_TYPES[number]
  kind: ChatKind
  text: string | null
  media: { id: string } | { link: string } | null
  fileName: string | null
  reaction: { messageId: string, emoji: string } | null
  location: ChatMessage['location']
}

export class CloudSender {
  constructor(private readonly ctx: SimulatorContext, private readonly numbers: CloudNumbers, private readonly customers: CloudCustomerSide) {}

  send(number: CloudNumber, body: unknown): CloudSendOutcome {
    if (!isObject(body) || body.messaging_product !== 'whatsapp') throw parameterError('The parameter messaging_product is required.')
    if (body.status === 'read') return this.markRead(number, body)
    if (typeof body.to !== 'string' || body.to.trim() === '') throw parameterError('The parameter to is required.')
    const parsed = parseSend(body)

    const fault = this.ctx.faults.takeSendFailure(`cloud:${number.phoneNumberId}`, 'cloud')
    if (fault === 'http500') return { status: 500, body: new GraphError(500, 'An unknown error has occurred.', 1).body() }
    if (fault === 'timeout' || fault === 'outage') return { fault }

    const typed = digitsOnly(body.to)
    const waId = isPhoneDigits(typed) ? whatsappId(typed) : typed
    const conversation = this.ctx.conversations.open({ provider: 'cloud', id: number.phoneNumberId }, waId)
    const quotedId = isObject(body.context) && typeof body.context.message_id === 'string' ? body.context.message_id : null
    const message = this.record(conversation, parsed, quotedId)
    if (!conversation.cloudConversation || conversation.cloudConversation.expiresAt < Date.now()) {
      conversation.cloudConversation = { id: graphId().slice(0, 16), expiresAt: Date.now() + DAY_MS }
    }
    void this.complete(number, conversation, message, parsed, this.failureFor(number, conversation, parsed, fault, typed))
    return {
      status: 200,
      body: { messaging_product: 'whatsapp', contacts: [{ input: body.to, wa_id: waId }], messages: [{ id: message.id, message_status: 'accepted' }] },
    }
  }

  /** Failures Meta only reports later, in a `failed` status. */
  private failureFor(number: CloudNumber, conversation: Conversation, parsed: ParsedSend, fault: SendFailureMode | null, typed: string): StatusError | null {
    if (fault === 'cloud_131047') return STATUS_ERRORS.reEngagement
    if (fault === 'not_on_whatsapp' || !isPhoneDigits(typed)) return STATUS_ERRORS.undeliverable
    const windowClosed = conversation.lastCustomerMessageAt === null || Date.now() - conversation.lastCustomerMessageAt > DAY_MS
    if (parsed.type !== 'template' && windowClosed && this.ctx.faults.enforcesCloudWindow(`cloud:${number.phoneNumberId}`)) return STATUS_ERRORS.reEngagement
    return null
  }

  private record(conversation: Conversation, parsed: ParsedSend, quotedId: string | null): ChatMessage {
    const message: ChatMessage = {
      id: wamid(conversation.waId, false),
      from: 'business',
      kind: parsed.kind,
      text: parsed.text,
      mediaId: null,
      voiceNote: false,
      quotedId: quotedId && conversation.messages.some(candidate => candidate.id === quotedId) ? quotedId : null,
      location: parsed.location,
      contact: null,
      reaction: parsed.reaction,
      status: 'pending',
      error: null,
      timestamp: Date.now(),
    }
    this.ctx.conversations.add(conversation, message)
    return message
  }

  /** Fetches the media (by id or link), then reports sent → delivered, or the failure. */
  private async complete(number: CloudNumber, conversation: Conversation, message: ChatMessage, parsed: ParsedSend, failure: StatusError | null): Promise<void> {
    let error = failure
    if (!error && parsed.media) {
      const outcome = await this.resolveMedia(number, parsed)
      if ('error' in outcome) {
        error = outcome.error
      }
      else {
        message.mediaId = outcome.mediaId
        // Meta plays an OGG/Opus audio as a voice note.
        message.voiceNote = parsed.kind === 'audio' && baseMimeType(this.ctx.media.get(outcome.mediaId)!.mimeType) === 'audio/ogg'
        this.ctx.conversations.changed(conversation)
      }
    }
    const delay = this.ctx.options.statusDelayMs
    const report = (status: 'sent' | 'delivered' | 'failed', statusError: StatusError | null) => {
      const applied = this.ctx.conversations.advance(conversation, message, status, statusError ? { code: statusError.code, title: statusError.title } : null)
      if (applied) this.numbers.emit(number, statusValue(conversation, message, status, statusError), 'statuses')
    }
    if (error) {
      const failed = error
      this.ctx.scheduler.after(delay, () => report('failed', failed))
      return
    }
    this.ctx.scheduler.after(delay, () => report('sent', null))
    this.ctx.scheduler.after(delay * 2, () => {
      report('delivered', null)
      if (message.pendingReceipt) this.customers.receipt(number, conversation, message, message.pendingReceipt)
    })
  }

  private async resolveMedia(number: CloudNumber, parsed: ParsedSend): Promise<{ mediaId: string } | { error: StatusError }> {
    const media = parsed.media!
    if ('id' in media) {
      const stored = this.ctx.media.get(media.id)
      return stored && stored.owner === `cloud:${number.phoneNumberId}` ? { mediaId: stored.id } : { error: STATUS_ERRORS.mediaUpload }
    }
    try {
      const response = await fetch(media.link, { signal: AbortSignal.timeout(20_000) })
      if (!response.ok) return { error: mediaUrlError(media.link, `${response.status} (${response.statusText || 'Error'})`) }
      const bytes = Buffer.from(await response.arrayBuffer())
      const mimeType = response.headers.get('content-type') ?? sniffMimeType(bytes) ?? 'application/octet-stream'
      const stored = this.ctx.media.put({ bytes, mimeType, fileName: parsed.fileName, owner: `cloud:${number.phoneNumberId}` })
      return { mediaId: stored.id }
    }
    catch (failure) {
      return { error: mediaUrlError(media.link, (failure as { cause?: { code?: string } }).cause?.code ?? (failure as Error).message) }
    }
  }

  /** `{ status: "read", message_id }`: the business read a customer message (blue ticks on the phone). */
  private markRead(number: CloudNumber, body: Json): CloudSendOutcome {
    if (typeof body.message_id !== 'string') throw parameterError('The parameter message_id is required.')
    const found = this.ctx.conversations.find({ provider: 'cloud', id: number.phoneNumberId }, body.message_id)
    if (!found || found.message.from !== 'customer') throw invalidParameter(`Invalid message_id: ${body.message_id}`)
    this.ctx.conversations.advance(found.conversation, found.message, 'read')
    return { status: 200, body: { success: true } }
  }
}

function parameterError(message: string): GraphError {
  return new GraphError(400, `(#100) ${message}`, 100, 'OAuthException', { error_data: { messaging_product: 'whatsapp', details: message } })
}

function parseSend(body: Json): ParsedSend {
  const type = (body.type ?? 'text') as ParsedSend['type']
  if (!SUPPORTED_TYPES.includes(type)) throw parameterError(`Param type must be one of {${SUPPORTED_TYPES.join(', ')}} - got "${String(body.type)}".`)
  const base: ParsedSend = { type, kind: 'text', text: null, media: null, fileName: null, reaction: null, location: null }
  const payload = body[type]
  if (!isObject(payload)) throw parameterError(`The parameter ${type} is required.`)
  switch (type) {
    case 'text': {
      if (typeof payload.body !== 'string' || payload.body === '') throw parameterError('The parameter text[\'body\'] is required.')
      if (payload.body.length > 4096) throw parameterError('Param text[\'body\'] must be at most 4096 characters long.')
      return { ...base, text: payload.body }
    }
    case 'reaction': {
      if (typeof payload.message_id !== 'string' || typeof payload.emoji !== 'string') throw parameterError('The parameters reaction[\'message_id\'] and reaction[\'emoji\'] are required.')
      return { ...base, kind: 'reaction', reaction: { messageId: payload.message_id, emoji: payload.emoji } }
    }
    case 'template': {
      if (typeof payload.name !== 'string' || !isObject(payload.language)) throw parameterError('The parameters template[\'name\'] and template[\'language\'] are required.')
      return { ...base, kind: 'template', text: renderTemplate(payload) }
    }
    case 'interactive': {
      const text = isObject(payload.body) && typeof payload.body.text === 'string' ? payload.body.text : null
      if (!text) throw parameterError('The parameter interactive[\'body\'][\'text\'] is required.')
      return { ...base, text }
    }
    case 'location': {
      if (typeof payload.latitude !== 'number' || typeof payload.longitude !== 'number') throw parameterError('The parameters location[\'latitude\'] and location[\'longitude\'] are required.')
      return {
        ...base,
        kind: 'location',
        location: { latitude: payload.latitude, longitude: payload.longitude, name: typeof payload.name === 'string' ? payload.name : null, address: typeof payload.address === 'string' ? payload.address : null },
      }
    }
    default:
      return parseMedia(type, payload, base)
  }
}

function parseMedia(type: MediaType, payload: Json, base: ParsedSend): ParsedSend {
  const hasId = typeof payload.id === 'string' && payload.id !== ''
  const hasLink = typeof payload.link === 'string' && /^https?:\/\//i.test(payload.link)
  if (hasId === hasLink) throw parameterError(`Param ${type} must contain either 'id' or 'link'.`)
  if ((type === 'audio' || type === 'sticker') && payload.caption !== undefined) throw parameterError(`Param ${type}['caption'] is not a valid parameter.`)
  const caption = typeof payload.caption === 'string' ? payload.caption : null
  if (caption && caption.length > 1024) throw parameterError(`Param ${type}['caption'] must be at most 1024 characters long.`)
  return {
    ...base,
    kind: type,
    text: caption,
    media: hasId ? { id: payload.id as string } : { link: payload.link as string },
    fileName: typeof payload.filename === 'string' ? payload.filename : null,
  }
}

/** A readable stand-in for an approved template: its name and the body parameters. */
function renderTemplate(template: Json): string {
  const components = Array.isArray(template.components) ? template.components : []
  const parameters = components
    .filter((component): component is Json => isObject(component) && component.type === 'body' && Array.isArray(component.parameters))
    .flatMap(component => (component.parameters as unknown[]).map(parameter => (isObject(parameter) && typeof parameter.text === 'string' ? parameter.text : '')))
    .filter(Boolean)
  return `[modelo ${String(template.name)}]${parameters.length > 0 ? ` ${parameters.join(' · ')}` : ''}`
}
