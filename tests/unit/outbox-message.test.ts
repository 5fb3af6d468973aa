/** The outbox sender's pure parts: reading a claimed row, building the outbound message, the backoff. */
import { describe, expect, it } from 'vitest'
import { GIVE_UP_AFTER_MS, RETRY_DELAYS_MS, retryDelayMs, shouldGiveUp } from '../../supabase/functions/_shared/outbox/backoff.ts'
import { readClaimedItem, type ClaimedOutboxItem } from '../../supabase/functions/_shared/outbox/claimed.ts'
import { DeliveryError } from '../../supabase/functions/_shared/outbox/failures.ts'
import { toBase64 } from '../../supabase/functions/_shared/outbox/media.ts'
import { buildOutboundMessage, evolutionChatJid } from '../../supabase/functions/_shared/outbox/message.ts'
import type { OutboundMedia } from '../../supabase/functions/_shared/providers/outbound.ts'

/** A row as claim_outbox_batch builds it (jsonb), with the given fields replaced. */
function claimedRow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    outbox_id: 41,
    attempts: 1,
    channel_id: '00000000-0000-4000-d000-000000000001',
    provider: 'evolution',
    message_id: '6f1c0a52-9a36-4a0e-8f4b-1d2c3b4a5e6f',
    ticket_id: '7a2b1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    kind: 'text',
    body: 'Seu pedido saiu para entrega.',
    media_path: null,
    media_mime: null,
    media_name: null,
    is_voice_note: false,
    to: '5511987654321',
    quoted: null,
    ...overrides,
  }
}

function item(overrides: Record<string, unknown> = {}): ClaimedOutboxItem {
  const read = readClaimedItem(claimedRow(overrides))
  if (!read) throw new Error('fixture row has no outbox id')
  return read
}

const file: OutboundMedia = { source: { type: 'base64', base64: 'aGVsbG8=' }, mimeType: 'image/jpeg', fileName: 'foto.jpg' }

/** The pt-BR reason of the permanent failure `action` throws. */
function failureOf(action: () => unknown): { kind: string, reason: string } {
  try {
    action()
  }
  catch (error) {
    if (error instanceof DeliveryError) return { kind: error.failure.kind, reason: error.failure.reason }
    throw error
  }
  throw new Error('did not throw')
}

describe('readClaimedItem', () => {
  it('reads every field of a claimed row, the quote included', () => {
    const quoted = { provider_message_id: '3EB0ABC', from_me: false, body: 'Cadê meu pedido?' }
    expect(readClaimedItem(claimedRow({ outbox_id: '41', quoted, ticket_id: null }))).toEqual({
      outboxId: 41,
      attempts: 1,
      channelId: '00000000-0000-4000-d000-000000000001',
      provider: 'evolution',
      messageId: '6f1c0a52-9a36-4a0e-8f4b-1d2c3b4a5e6f',
      ticketId: null,
      kind: 'text',
      body: 'Seu pedido saiu para entrega.',
      mediaPath: null,
      mediaMime: null,
      mediaName: null,
      isVoiceNote: false,
      to: '5511987654321',
      quoted: { providerMessageId: '3EB0ABC', fromMe: false, body: 'Cadê meu pedido?' },
    })
  })

  it('reads a wrongly typed field as absent and refuses a row without an outbox id', () => {
    expect(readClaimedItem(claimedRow({ to: 5511987654321, provider: 'telegram', quoted: { from_me: true } }))).toMatchObject({ to: null, provider: null, quoted: null })
    expect(readClaimedItem(claimedRow({ outbox_id: null }))).toBeNull()
    expect(readClaimedItem('not a row')).toBeNull()
  })
})

describe('buildOutboundMessage', () => {
  it('sends a text to the claimed address', () => {
    expect(buildOutboundMessage(item(), 'evolution', null)).toEqual({
      to: '5511987654321', kind: 'text', text: 'Seu pedido saiu para entrega.', media: null, voiceNote: false, replyTo: null,
    })
  })

  it('captions an image with the body', () => {
    const message = buildOutboundMessage(item({ kind: 'image', body: 'Foto do produto', media_path: 'uploads/u/foto.jpg' }), 'cloud', file)
    expect(message).toMatchObject({ kind: 'image', text: 'Foto do produto', media: file, voiceNote: false })
  })

  it('sends a voice note as audio without a caption, even if a text was stored with it', () => {
    const message = buildOutboundMessage(item({ kind: 'audio', body: 'ouça', is_voice_note: true }), 'evolution', file)
    expect(message).toMatchObject({ kind: 'audio', text: null, voiceNote: true, media: file })
  })

  it('quotes the replied message; Evolution also gets the chat JID and the quoted text', () => {
    const quoted = { provider_message_id: '3EB0ABC', from_me: false, body: 'Cadê meu pedido?' }
    expect(buildOutboundMessage(item({ quoted }), 'evolution', null).replyTo).toEqual({
      providerMessageId: '3EB0ABC', fromMe: false, remoteJid: '5511987654321@s.whatsapp.net', text: 'Cadê meu pedido?',
    })
    expect(buildOutboundMessage(item({ quoted: { ...quoted, from_me: true }, provider: 'cloud' }), 'cloud', null).replyTo).toEqual({
      providerMessageId: '3EB0ABC', fromMe: true, remoteJid: null, text: 'Cadê meu pedido?',
    })
  })

  it('fails for good, with a reason for the agent, when there is no address or the kind cannot be sent', () => {
    expect(failureOf(() => buildOutboundMessage(item({ to: null }), 'evolution', null))).toEqual({
      kind: 'permanent', reason: 'O contato não tem um número de WhatsApp conhecido para receber a mensagem.',
    })
    expect(failureOf(() => buildOutboundMessage(item({ kind: 'location' }), 'cloud', null))).toEqual({
      kind: 'permanent', reason: 'Mensagens do tipo “location” não podem ser enviadas pelo WhatsApp.',
    })
  })
})

describe('evolutionChatJid', () => {
  it('turns a phone into a phone JID and keeps LIDs and groups', () => {
    expect(evolutionChatJid('+55 (11) 98765-4321')).toBe('5511987654321@s.whatsapp.net')
    expect(evolutionChatJid('123456789012345@lid')).toBe('123456789012345@lid')
    expect(evolutionChatJid('120363025246125486@g.us')).toBe('120363025246125486@g.us')
    expect(evolutionChatJid('status@broadcast')).toBeNull()
  })
})

describe('toBase64', () => {
  it('encodes plain base64, also past one chunk', () => {
    expect(toBase64(new TextEncoder().encode('olá'))).toBe(Buffer.from('olá').toString('base64'))
    const large = Uint8Array.from({ length: 100_000 }, (_, index) => index % 251)
    expect(toBase64(large)).toBe(Buffer.from(large).toString('base64'))
  })
})

describe('backoff', () => {
  it('follows the schedule, then stays at the last step', () => {
    const middle = () => 0.5
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40].map(attempts => retryDelayMs(attempts, middle))).toEqual([
      5_000, 15_000, 45_000, 120_000, 300_000, 900_000, 1_800_000, 1_800_000, 1_800_000,
    ])
    expect(RETRY_DELAYS_MS.at(-1)).toBe(30 * 60 * 1000)
  })

  it('spreads retries by ±20 %', () => {
    expect(retryDelayMs(1, () => 0)).toBe(4_000)
    expect(retryDelayMs(1, () => 1)).toBe(6_000)
    expect(retryDelayMs(7, () => 0)).toBe(1_440_000)
  })

  it('gives up a day after the message was queued', () => {
    const queuedAt = new Date('2026-03-10T12:00:00Z')
    expect(shouldGiveUp(queuedAt, new Date(queuedAt.getTime() + GIVE_UP_AFTER_MS - 1))).toBe(false)
    expect(shouldGiveUp(queuedAt, new Date(queuedAt.getTime() + GIVE_UP_AFTER_MS))).toBe(true)
  })
})
