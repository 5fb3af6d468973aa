/**
 * From a claimed outbox row to the provider-neutral `OutboundMessage` the providers' builders take. Pure:
 * the file itself is resolved beforehand (`media.ts`) and passed in as an `OutboundMedia`.
 */
import type { ProviderName } from '../providers/types.ts'
import type { OutboundKind, OutboundMedia, OutboundMessage, OutboundQuote } from '../providers/outbound.ts'
import { parseJid } from '../providers/phone.ts'
import type { ClaimedOutboxItem } from './claimed.ts'
import { DeliveryError, localFailure, REASONS } from './failures.ts'

const SENDABLE_KINDS: readonly OutboundKind[] = ['text', 'image', 'video', 'document', 'audio', 'sticker']

/** The message's kind when WhatsApp can send it; a permanent failure otherwise. */
export function sendableKind(item: ClaimedOutboxItem): OutboundKind {
  const kind = SENDABLE_KINDS.find(candidate => candidate === item.kind)
  if (!kind) throw new DeliveryError(localFailure('permanent', 'invalid_request', REASONS.unsendableKind(item.kind)))
  return kind
}

export function recipientOf(item: ClaimedOutboxItem): string {
  if (item.to === null || item.to.trim() === '') throw new DeliveryError(localFailure('permanent', 'invalid_request', REASONS.noRecipient))
  return item.to
}

/**
 * The chat JID Evolution needs in `quoted.key.remoteJid`: without it Baileys cannot tell whose message is
 * quoted when it is the customer's. A bare phone becomes a phone JID; Evolution still resolves the
 * Brazilian 9th digit of the recipient itself.
 */
export function evolutionChatJid(to: string): string | null {
  const parsed = parseJid(to.includes('@') ? to : to.replace(/\D/g, ''))
  return parsed.kind === 'phone' || parsed.kind === 'lid' || parsed.kind === 'group' ? parsed.jid : null
}

function quoteOf(item: ClaimedOutboxItem, provider: ProviderName, to: string): OutboundQuote | null {
  if (item.quoted === null) return null
  return {
    providerMessageId: item.quoted.providerMessageId,
    fromMe: item.quoted.fromMe,
    remoteJid: provider === 'evolution' ? evolutionChatJid(to) : null,
    text: item.quoted.body,
  }
}

/**
 * The message as the provider builders want it. WhatsApp shows no caption on audio or stickers, so a
 * text stored with one (the composer never sends it, but the RPC allows it) stays in Atende's history
 * only; refusing the whole voice note for it would be worse.
 */
export function buildOutboundMessage(item: ClaimedOutboxItem, provider: ProviderName, media: OutboundMedia | null): OutboundMessage {
  const kind = sendableKind(item)
  const to = recipientOf(item)
  const captionless = kind === 'audio' || kind === 'sticker'
  return {
    to,
    kind,
    text: captionless ? null : item.body,
    media: kind === 'text' ? null : media,
    voiceNote: kind === 'audio' && item.isVoiceNote,
    replyTo: quoteOf(item, provider, to),
  }
}
