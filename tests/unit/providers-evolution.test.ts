/** Evolution API 2.3.x webhooks → provider-neutral events, over every shared fixture plus hand-made edge cases. */
import { describe, expect, it } from 'vitest'
import { normalizeEvolutionWebhook } from '../../supabase/functions/_shared/providers/evolution.ts'
import { InvalidPayloadError } from '../../supabase/functions/_shared/providers/guards.ts'
import type { MessageEvent, NormalizedEvent, StatusEvent } from '../../supabase/functions/_shared/providers/types.ts'
import { readFixture, webhookFixtureNames } from '../support/whatsapp-fixtures.ts'

const webhookFixtures = webhookFixtureNames('evolution')
const fixture = (name: string) => readFixture('evolution', name)

function only(events: NormalizedEvent[]): NormalizedEvent {
  expect(events).toHaveLength(1)
  return events[0] as NormalizedEvent
}

function message(name: string): MessageEvent {
  const event = only(normalizeEvolutionWebhook(fixture(name)))
  if (event.type !== 'message') throw new Error(`${name} gave ${event.type}`)
  return event
}

function status(name: string): StatusEvent {
  const event = only(normalizeEvolutionWebhook(fixture(name)))
  if (event.type !== 'status') throw new Error(`${name} gave ${event.type}`)
  return event
}

const maria = { phone: '5511987654321', lid: '274398732198423@lid', waId: null, userId: null, groupJid: null, replyTo: '5511987654321@s.whatsapp.net' }
const source = { provider: 'evolution', channelKey: 'loja-centro' }

/** Every webhook fixture has an entry here; a new fixture without one fails `covers every fixture`. */
const expectations: Record<string, (events: NormalizedEvent[]) => void> = {
  'messages-upsert-text.json': () => {
    const event = message('messages-upsert-text.json')
    expect(event).toMatchObject({ ...source, providerMessageId: '3A5D1C0E2F4B6A8C9D0E', kind: 'text', providerType: 'conversation', text: 'Olá, preciso de ajuda com meu pedido #4521', pushName: 'Maria Souza', fromMe: false, viaApi: false, isGroup: false, isStatusBroadcast: false, media: null, quotedProviderMessageId: null, author: null })
    expect(event.chat).toEqual(maria)
    expect(event.timestamp.toISOString()).toBe(new Date(1761057612 * 1000).toISOString())
  },
  'messages-upsert-text-lid-2.3.6.json': () => {
    const event = message('messages-upsert-text-lid-2.3.6.json')
    expect(event.providerMessageId).toBe('3A9F00C1D2E3F4A5B6C7')
    expect(event.chat).toEqual(maria)
    expect(event.text).toBe('Oi, vocês entregam no sábado?')
  },
  'messages-upsert-text-lid-2.3.7.json': () => {
    const event = message('messages-upsert-text-lid-2.3.7.json')
    // 2.3.7 overwrote the LID with the phone: the phone still resolves, the LID is simply unknown here.
    expect(event.chat).toEqual({ ...maria, lid: null })
    expect(event.providerMessageId).toBe('3A9F00C1D2E3F4A5B6C7')
  },
  'messages-upsert-reply.json': () => {
    const event = message('messages-upsert-reply.json')
    expect(event).toMatchObject({ kind: 'text', text: 'Sim, pode ser amanhã à tarde', quotedProviderMessageId: '3EB07F687BA29993B52BA3' })
  },
  'messages-upsert-image.json': () => {
    const event = message('messages-upsert-image.json')
    expect(event).toMatchObject({ providerMessageId: '3A7C2E9F1B3D5A7C9E1F', kind: 'image', providerType: 'imageMessage', text: 'Foto do produto com defeito' })
    expect(event.media).toMatchObject({ mimeType: 'image/jpeg', sizeBytes: 262748, fileName: null, isVoiceNote: false, durationSeconds: null })
    expect(event.media?.sources).toHaveLength(1)
    const [download] = event.media?.sources ?? []
    expect(download).toMatchObject({ type: 'evolution_message', key: { id: '3A7C2E9F1B3D5A7C9E1F', remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, participant: null } })
    expect(download?.type === 'evolution_message' && download.message.imageMessage).toBeTruthy()
  },
  'messages-upsert-image-base64.json': () => {
    const event = message('messages-upsert-image-base64.json')
    expect(event.kind).toBe('image')
    const [inline, fallback] = event.media?.sources ?? []
    expect(inline).toEqual({ type: 'inline_base64', base64: expect.stringMatching(/^\/9j\/4AAQ/) as string })
    expect(fallback?.type).toBe('evolution_message')
    // The copy sent back to Evolution must not carry the (possibly huge) inline file again.
    expect(fallback?.type === 'evolution_message' && 'base64' in fallback.message).toBe(false)
  },
  'messages-upsert-audio-ptt.json': () => {
    const event = message('messages-upsert-audio-ptt.json')
    expect(event).toMatchObject({ providerMessageId: '3A2B4C6D8E0F1A3B5C7D', kind: 'audio', text: null })
    expect(event.media).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', sizeBytes: 18234, durationSeconds: 7, isVoiceNote: true })
  },
  'messages-upsert-document.json': () => {
    const event = message('messages-upsert-document.json')
    expect(event).toMatchObject({ providerMessageId: 'AB12CD34EF56AB78CD90EF12AB34CD56', kind: 'document', text: 'Segue a nota' })
    expect(event.media).toMatchObject({ mimeType: 'application/pdf', fileName: 'nota-fiscal-4521.pdf', sizeBytes: 148210, isVoiceNote: false })
  },
  'messages-upsert-location.json': () => {
    const event = message('messages-upsert-location.json')
    expect(event).toMatchObject({ providerMessageId: '3A66C0FFEE1234567890', kind: 'location', media: null })
    expect(event.location).toEqual({ latitude: -23.561414, longitude: -46.655881, name: 'Av. Paulista, 1578', address: 'Bela Vista, São Paulo - SP', url: null })
  },
  'messages-upsert-fromme-phone.json': () => {
    const event = message('messages-upsert-fromme-phone.json')
    expect(event).toMatchObject({ providerMessageId: '3AF0E1D2C3B4A5968778', fromMe: true, viaApi: false, kind: 'text', pushName: 'Loja Centro' })
    // The alternate of a fromMe key describes the sender side, so no LID is taken from it.
    expect(event.chat).toEqual({ ...maria, lid: null })
  },
  'send-message-api-echo.json': () => {
    const event = message('send-message-api-echo.json')
    expect(event).toMatchObject({ providerMessageId: '3EB07F687BA29993B52BA3', fromMe: true, viaApi: true, kind: 'text', text: 'Podemos agendar a entrega para amanhã?', quotedProviderMessageId: null })
    expect(event.chat.phone).toBe('5511987654321')
  },
  'messages-update-delivery-ack.json': () => {
    expect(status('messages-update-delivery-ack.json')).toEqual({ ...source, type: 'status', providerMessageId: '3EB07F687BA29993B52BA3', status: 'delivered', fromMe: true, recipient: { ...maria, lid: null }, error: null, timestamp: null })
  },
  'messages-update-read.json': () => {
    expect(status('messages-update-read.json')).toMatchObject({ providerMessageId: '3EB07F687BA29993B52BA3', status: 'read', fromMe: true })
  },
  'messages-delete.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'ignored', event: 'messages.delete', reason: expect.any(String) as string, providerMessageId: '3A5D1C0E2F4B6A8C9D0E' }])
  },
  'connection-update-connecting.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'connection', state: 'connecting', reasonCode: 200, ownPhone: null, profileName: null }])
  },
  'connection-update-open.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'connection', state: 'open', reasonCode: 200, ownPhone: '5511912345678', profileName: 'Loja Centro' }])
  },
  'connection-update-close.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'connection', state: 'close', reasonCode: 401, ownPhone: null, profileName: null }])
  },
  'connection-update-refused.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'connection', state: 'refused', reasonCode: 428, ownPhone: null, profileName: null }])
  },
  'qrcode-updated.json': (events) => {
    expect(events).toEqual([{ ...source, type: 'qr', code: expect.stringMatching(/^2@y8eK/) as string, imageDataUrl: expect.stringMatching(/^data:image\/png;base64,/) as string, pairingCode: null, limitReached: false }])
  },
}

describe('Evolution fixtures', () => {
  it('covers every webhook fixture', () => {
    expect(webhookFixtures.length).toBeGreaterThan(0)
    expect(webhookFixtures.filter(name => !(name in expectations))).toEqual([])
  })

  it.each(webhookFixtures)('normalizes %s', (name) => {
    const check = expectations[name]
    if (!check) throw new Error(`no expectation for ${name}`)
    check(normalizeEvolutionWebhook(fixture(name)))
  })

  it('resolves both @lid variants of one message to the same person', () => {
    const raw = message('messages-upsert-text-lid-2.3.6.json')
    const rewritten = message('messages-upsert-text-lid-2.3.7.json')
    expect(raw.chat.phone).toBe('5511987654321')
    expect(rewritten.chat.phone).toBe(raw.chat.phone)
    expect(rewritten.chat.replyTo).toBe(raw.chat.replyTo)
    expect(raw.chat.lid).toBe('274398732198423@lid')
  })
})

/** A messages.upsert envelope around hand-written `data`, for shapes the fixtures do not show. */
function upsert(data: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { event: 'messages.upsert', instance: 'loja-centro', sender: '5511912345678@s.whatsapp.net', ...extra, data: { messageTimestamp: 1761057612, pushName: 'Maria Souza', ...data } }
}

function upsertMessage(data: Record<string, unknown>): MessageEvent {
  const event = only(normalizeEvolutionWebhook(upsert(data)))
  if (event.type !== 'message') throw new Error(`gave ${event.type}`)
  return event
}

const inboundKey = { remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, id: 'MSG1' }

describe('Evolution version differences', () => {
  it('reads the phone from senderPn and the LID from previousRemoteJid (2.3.1–2.3.2)', () => {
    const event = upsertMessage({ key: { ...inboundKey, previousRemoteJid: '274398732198423@lid', senderPn: '5511987654321@s.whatsapp.net' }, message: { conversation: 'oi' } })
    expect(event.chat).toEqual(maria)
  })

  it('keeps an unresolved @lid sender as the reply address', () => {
    const event = upsertMessage({ key: { remoteJid: '274398732198423@lid', fromMe: false, id: 'MSG2', addressingMode: 'lid' }, message: { conversation: 'oi' } })
    expect(event.chat).toEqual({ phone: null, lid: '274398732198423@lid', waId: null, userId: null, groupJid: null, replyTo: '274398732198423@lid' })
  })

  it('never takes the business number as the customer of a fromMe message', () => {
    const event = upsertMessage({ key: { remoteJid: '274398732198423@lid', remoteJidAlt: '5511912345678@s.whatsapp.net', fromMe: true, id: 'MSG3' }, message: { conversation: 'oi' } })
    expect(event.chat.phone).toBeNull()
    expect(event.chat.lid).toBe('274398732198423@lid')
  })

  it('finds the quoted id inside extendedTextMessage and media contextInfo (2.4 / raw shapes)', () => {
    const text = upsertMessage({ key: inboundKey, messageType: 'extendedTextMessage', message: { extendedTextMessage: { text: 'sim', contextInfo: { stanzaId: 'QUOTED1' } } } })
    expect(text).toMatchObject({ kind: 'text', text: 'sim', quotedProviderMessageId: 'QUOTED1' })
    const image = upsertMessage({ key: inboundKey, messageType: 'imageMessage', contextInfo: { expiration: 0 }, message: { imageMessage: { mimetype: 'image/jpeg', contextInfo: { stanzaId: 'QUOTED2' } } } })
    expect(image.quotedProviderMessageId).toBe('QUOTED2')
  })

  it('reads sizes given as strings (≤ 2.2) and Longs with a high word', () => {
    const old = upsertMessage({ key: inboundKey, messageType: 'documentMessage', message: { documentMessage: { fileLength: '442704', mimetype: 'application/pdf', title: 'a.pdf' } } })
    expect(old.media).toMatchObject({ sizeBytes: 442704, fileName: 'a.pdf' })
    const big = upsertMessage({ key: inboundKey, messageType: 'videoMessage', message: { videoMessage: { fileLength: { low: -1, high: 1, unsigned: true }, seconds: 12 } } })
    expect(big.media).toMatchObject({ sizeBytes: 2 ** 33 - 1, durationSeconds: 12 })
  })

  it('unwraps view-once and ephemeral messages and offers the S3 url first', () => {
    const event = upsertMessage({ key: inboundKey, messageType: 'viewOnceMessageV2', message: { viewOnceMessageV2: { message: { imageMessage: { caption: 'uma vez' } } }, mediaUrl: 'https://s3.local/x.jpg' } })
    expect(event).toMatchObject({ kind: 'image', text: 'uma vez' })
    expect(event.media?.sources.map(found => found.type)).toEqual(['url', 'evolution_message'])
    const ephemeral = upsertMessage({ key: inboundKey, message: { ephemeralMessage: { message: { conversation: 'some' } } } })
    expect(ephemeral).toMatchObject({ kind: 'text', text: 'some' })
  })

  it('normalizes stickers, reactions, contact cards and button replies', () => {
    expect(upsertMessage({ key: inboundKey, messageType: 'stickerMessage', message: { stickerMessage: { mimetype: 'image/webp' } } }).kind).toBe('sticker')
    const reaction = upsertMessage({ key: inboundKey, messageType: 'reactionMessage', message: { reactionMessage: { key: { remoteJid: inboundKey.remoteJid, fromMe: true, id: '3EB0TARGET' }, text: '👍' } } })
    expect(reaction).toMatchObject({ kind: 'reaction', reaction: { emoji: '👍', targetProviderMessageId: '3EB0TARGET' }, media: null })
    const removed = upsertMessage({ key: inboundKey, messageType: 'reactionMessage', message: { reactionMessage: { key: { id: '3EB0TARGET' }, text: '' } } })
    expect(removed.reaction).toEqual({ emoji: '', targetProviderMessageId: '3EB0TARGET' })
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Carlos Lima\nitem1.TEL;waid=5521998877665:+55 21 99887-7665\nitem1.X-ABLabel:Celular\nEND:VCARD'
    const contact = upsertMessage({ key: inboundKey, messageType: 'contactMessage', message: { contactMessage: { displayName: 'Carlos Lima', vcard } } })
    expect(contact.contacts).toEqual([{ displayName: 'Carlos Lima', phones: [{ phone: '+55 21 99887-7665', waId: '5521998877665', type: null }], vcard }])
    const many = upsertMessage({ key: inboundKey, messageType: 'contactsArrayMessage', message: { contactsArrayMessage: { contacts: [{ vcard: 'BEGIN:VCARD\nFN:Ana\nTEL;type=CELL:+5511999990000\nEND:VCARD' }, { displayName: 'Bia' }] } } })
    expect(many.contacts.map(card => [card.displayName, card.phones[0]?.type ?? null])).toEqual([['Ana', 'CELL'], ['Bia', null]])
    const button = upsertMessage({ key: inboundKey, messageType: 'buttonsResponseMessage', message: { buttonsResponseMessage: { selectedButtonId: 'sim', selectedDisplayText: 'Sim' } } })
    expect(button).toMatchObject({ kind: 'text', text: 'Sim', interactiveReply: { type: 'button', id: 'sim', title: 'Sim' } })
  })

  it('marks polls and empty messages as unsupported, keeping the provider type', () => {
    const poll = upsertMessage({ key: inboundKey, messageType: 'pollCreationMessageV3', message: { pollCreationMessageV3: { name: 'Enquete' } } })
    expect(poll).toMatchObject({ kind: 'unsupported', providerType: 'pollCreationMessageV3', text: null })
    expect(upsertMessage({ key: inboundKey }).kind).toBe('unsupported')
  })

  it('flags group messages with their author and status posts', () => {
    const group = upsertMessage({ key: { remoteJid: '120363025246125486@g.us', participant: '99887766554433@lid', participantAlt: '5511987654321@s.whatsapp.net', fromMe: false, id: 'G1' }, message: { conversation: 'oi grupo' } })
    expect(group).toMatchObject({ isGroup: true, chat: { groupJid: '120363025246125486@g.us', replyTo: '120363025246125486@g.us', phone: null } })
    expect(group.author).toMatchObject({ phone: '5511987654321', lid: '99887766554433@lid' })
    const story = upsertMessage({ key: { remoteJid: 'status@broadcast', participant: '5511987654321@s.whatsapp.net', fromMe: false, id: 'S1' }, message: { conversation: 'story' } })
    expect(story).toMatchObject({ isStatusBroadcast: true, isGroup: false, author: { phone: '5511987654321' } })
  })

  it('ignores channel (newsletter) posts and protocol messages', () => {
    const [channel] = normalizeEvolutionWebhook(upsert({ key: { remoteJid: '120363000000000000@newsletter', fromMe: false, id: 'N1' }, message: { conversation: 'x' } }))
    expect(channel).toMatchObject({ type: 'ignored', providerMessageId: 'N1' })
    const [revoke] = normalizeEvolutionWebhook(upsert({ key: inboundKey, message: { protocolMessage: { type: 0, key: { id: 'OLD' } } } }))
    expect(revoke).toMatchObject({ type: 'ignored', providerMessageId: 'MSG1' })
  })

  it('accepts UPPER_SNAKE event names and batched data', () => {
    const events = normalizeEvolutionWebhook({ event: 'MESSAGES_UPSERT', instance: 'loja-centro', data: [{ key: inboundKey, messageTimestamp: 1, message: { conversation: 'a' } }, { key: { ...inboundKey, id: 'MSG9' }, messageTimestamp: 2, message: { conversation: 'b' } }] })
    expect(events.map(event => event.type === 'message' && event.providerMessageId)).toEqual(['MSG1', 'MSG9'])
  })

  it('maps ack numbers and status names, strips device suffixes, and ignores non-delivery statuses', () => {
    const update = (data: Record<string, unknown>) => only(normalizeEvolutionWebhook({ event: 'messages.update', instance: 'loja-centro', data: { keyId: 'K1', remoteJid: '5511987654321:75@s.whatsapp.net', fromMe: true, ...data } }))
    expect([0, 2, 3, 4, 5].map((ack) => {
      const event = update({ status: ack })
      return event.type === 'status' ? event.status : event.type
    })).toEqual(['failed', 'sent', 'delivered', 'read', 'played'])
    const failed = update({ status: 'ERROR' })
    expect(failed).toMatchObject({ status: 'failed', error: { code: null }, recipient: { phone: '5511987654321' } })
    expect(update({ status: 'PENDING' }).type).toBe('ignored')
    expect(update({ status: 'DELETED' }).type).toBe('ignored')
  })

  it('reports the end of the QR series and ignores other events', () => {
    const [limit] = normalizeEvolutionWebhook({ event: 'qrcode.updated', instance: 'loja-centro', data: { message: 'QR code limit reached, please login again', statusCode: 500 } })
    expect(limit).toMatchObject({ type: 'qr', limitReached: true, code: null })
    const [other] = normalizeEvolutionWebhook({ event: 'contacts.update', instance: 'loja-centro', data: [] })
    expect(other).toMatchObject({ type: 'ignored', event: 'contacts.update' })
  })
})

describe('Evolution malformed payloads', () => {
  it.each([
    ['null', null],
    ['an array', []],
    ['an empty object', {}],
    ['a number event', { event: 1, instance: 'x', data: {} }],
    ['no instance', { event: 'messages.upsert', data: {} }],
    ['upsert without data', { event: 'messages.upsert', instance: 'x' }],
    ['upsert without key', upsert({ message: { conversation: 'x' } })],
    ['upsert with a numeric id', upsert({ key: { ...inboundKey, id: 42 } })],
    ['upsert without timestamp', { event: 'messages.upsert', instance: 'x', data: { key: inboundKey, message: { conversation: 'x' } } }],
    ['update without keyId', { event: 'messages.update', instance: 'x', data: { status: 'READ' } }],
    ['connection without state', { event: 'connection.update', instance: 'x', data: { statusReason: 200 } }],
    ['qrcode with a string', { event: 'qrcode.updated', instance: 'x', data: 'qr' }],
  ])('rejects %s with InvalidPayloadError', (_label, body) => {
    expect(() => normalizeEvolutionWebhook(body)).toThrow(InvalidPayloadError)
    try {
      normalizeEvolutionWebhook(body)
    }
    catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'invalid_payload', path: expect.stringMatching(/^body/) as string })
    }
  })
})
