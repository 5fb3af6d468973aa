/** Meta Cloud API webhooks → provider-neutral events, over every shared fixture plus hand-made edge cases. */
import { describe, expect, it } from 'vitest'
import { normalizeCloudWebhook } from '../../supabase/functions/_shared/providers/cloud.ts'
import { InvalidPayloadError } from '../../supabase/functions/_shared/providers/guards.ts'
import type { MessageEvent, NormalizedEvent, StatusEvent } from '../../supabase/functions/_shared/providers/types.ts'
import { readFixture, webhookFixtureNames } from '../support/whatsapp-fixtures.ts'

const webhookFixtures = webhookFixtureNames('cloud')
const fixture = (name: string) => readFixture('cloud', name)

function only(events: NormalizedEvent[]): NormalizedEvent {
  expect(events).toHaveLength(1)
  return events[0] as NormalizedEvent
}

function message(events: NormalizedEvent[]): MessageEvent {
  const event = only(events)
  if (event.type !== 'message') throw new Error(`gave ${event.type}`)
  return event
}

function status(events: NormalizedEvent[]): StatusEvent {
  const event = only(events)
  if (event.type !== 'status') throw new Error(`gave ${event.type}`)
  return event
}

const maria = { phone: '5511987654321', lid: null, waId: '5511987654321', userId: null, groupJid: null, replyTo: '5511987654321' }
const source = { provider: 'cloud', channelKey: '106540352242922' }
const ourMessageId = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QTdCOUMxRDNFNUY3QTlCMQA='

/** Every webhook fixture has an entry here; a new fixture without one fails `covers every fixture`. */
const expectations: Record<string, (events: NormalizedEvent[]) => void> = {
  'text.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ ...source, providerMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBNUQxQzBFMkY0QjZBOEM5RDBFAA==', kind: 'text', providerType: 'text', text: 'Olá, preciso de ajuda com meu pedido #4521', pushName: 'Maria Souza', fromMe: false, viaApi: false, isGroup: false, quotedProviderMessageId: null, media: null })
    expect(event.chat).toEqual(maria)
    expect(event.timestamp.getTime()).toBe(1761057612 * 1000)
  },
  'reply-text.json': (events) => {
    expect(message(events)).toMatchObject({ kind: 'text', text: 'Sim, pode ser amanhã à tarde', quotedProviderMessageId: ourMessageId })
  },
  'image.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ kind: 'image', text: 'Foto do produto com defeito' })
    expect(event.media).toEqual({ mimeType: 'image/jpeg', fileName: null, sizeBytes: null, durationSeconds: null, isVoiceNote: false, sha256: 'SfInY0gGKTsJlUWbwxC1k+FAD0FZHvzwfpvO0zX0GUI=', sources: [{ type: 'cloud_media_id', mediaId: '1003383421387256' }] })
  },
  'audio-voice.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ kind: 'audio', text: null })
    expect(event.media).toMatchObject({ mimeType: 'audio/ogg; codecs=opus', isVoiceNote: true, sources: [{ type: 'cloud_media_id', mediaId: '1219430229870145' }] })
  },
  'document.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ kind: 'document', text: 'Segue a nota' })
    expect(event.media).toMatchObject({ mimeType: 'application/pdf', fileName: 'nota-fiscal-4521.pdf', sources: [{ type: 'cloud_media_id', mediaId: '789012345678901' }] })
  },
  'video.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ kind: 'video', text: 'Vídeo mostrando o problema' })
    expect(event.media).toMatchObject({ mimeType: 'video/mp4', isVoiceNote: false, sources: [{ type: 'cloud_media_id', mediaId: '456789012345678' }] })
  },
  'sticker.json': (events) => {
    const event = message(events)
    expect(event).toMatchObject({ kind: 'sticker', text: null })
    expect(event.media).toMatchObject({ mimeType: 'image/webp', sources: [{ type: 'cloud_media_id', mediaId: '987654321098765' }] })
  },
  'location.json': (events) => {
    expect(message(events).location).toEqual({ latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP', url: null })
  },
  'contacts.json': (events) => {
    const event = message(events)
    expect(event.kind).toBe('contact')
    expect(event.contacts).toEqual([{ displayName: 'Carlos Lima', phones: [{ phone: '+55 21 99887-7665', waId: '5521998877665', type: 'CELL' }], vcard: null }])
  },
  'interactive-button-reply.json': (events) => {
    expect(message(events)).toMatchObject({ kind: 'text', providerType: 'interactive', text: 'Sim, resolvido', interactiveReply: { type: 'button', id: 'resolvido_sim', title: 'Sim, resolvido', description: null }, quotedProviderMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEkJVVFRPTlNfTVNHXzAwMDAxAA==' })
  },
  'interactive-list-reply.json': (events) => {
    expect(message(events)).toMatchObject({ kind: 'text', text: 'Financeiro', interactiveReply: { type: 'list', id: 'setor_financeiro', title: 'Financeiro', description: 'Boletos, notas e reembolsos' } })
  },
  'template-button-reply.json': (events) => {
    expect(message(events)).toMatchObject({ kind: 'text', providerType: 'button', text: 'Reabrir atendimento', interactiveReply: { type: 'template_button', id: 'REABRIR_4521', title: 'Reabrir atendimento' }, quotedProviderMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYElRFTVBMQVRFX01TR18wMDAwMQA=' })
  },
  'status-sent.json': (events) => {
    expect(status(events)).toEqual({ ...source, type: 'status', providerMessageId: ourMessageId, status: 'sent', fromMe: true, recipient: maria, error: null, timestamp: new Date(1761057991 * 1000) })
  },
  'status-delivered.json': (events) => {
    expect(status(events)).toMatchObject({ providerMessageId: ourMessageId, status: 'delivered', error: null })
  },
  'status-read.json': (events) => {
    expect(status(events)).toMatchObject({ providerMessageId: ourMessageId, status: 'read', timestamp: new Date(1761058005 * 1000) })
  },
  'status-failed-media-url.json': (events) => {
    expect(status(events)).toMatchObject({
      providerMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEk1FRElBX1VSTF80MDRfX18A',
      status: 'failed',
      error: { code: 131014, message: 'Request for url https://cdn.exemplo.com.br/img/produto.jpg failed with error: 404 (Not Found)', details: null },
    })
  },
}

describe('Cloud API fixtures', () => {
  it('covers every webhook fixture', () => {
    expect(webhookFixtures.length).toBeGreaterThan(0)
    expect(webhookFixtures.filter(name => !(name in expectations))).toEqual([])
  })

  it.each(webhookFixtures)('normalizes %s', (name) => {
    const check = expectations[name]
    if (!check) throw new Error(`no expectation for ${name}`)
    check(normalizeCloudWebhook(fixture(name)))
  })
})

/** A webhook body with one `messages` change holding `value` (metadata filled in). */
function webhook(value: Record<string, unknown>, field = 'messages'): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: [{ id: 'WABA', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '5511933334444', phone_number_id: '106540352242922' }, ...value } }] }] }
}

const inbound = { from: '5511987654321', timestamp: '1761057612' }

describe('Cloud API shapes without a fixture', () => {
  it('normalizes every message and status of a batched body', () => {
    const events = normalizeCloudWebhook(webhook({
      contacts: [{ profile: { name: 'Maria' }, wa_id: '5511987654321' }, { profile: { name: 'João' }, wa_id: '5521998877665' }],
      messages: [{ ...inbound, id: 'wamid.A', type: 'text', text: { body: 'a' } }, { from: '5521998877665', timestamp: '1761057613', id: 'wamid.B', type: 'text', text: { body: 'b' } }],
    }))
    expect(events.map(event => event.type === 'message' && [event.providerMessageId, event.pushName])).toEqual([['wamid.A', 'Maria'], ['wamid.B', 'João']])
  })

  it('normalizes reactions, including a removed one', () => {
    const added = message(normalizeCloudWebhook(webhook({ messages: [{ ...inbound, id: 'wamid.R', type: 'reaction', reaction: { message_id: ourMessageId, emoji: '❤️' } }] })))
    expect(added).toMatchObject({ kind: 'reaction', reaction: { emoji: '❤️', targetProviderMessageId: ourMessageId } })
    const removed = message(normalizeCloudWebhook(webhook({ messages: [{ ...inbound, id: 'wamid.R2', type: 'reaction', reaction: { message_id: ourMessageId } }] })))
    expect(removed.reaction).toEqual({ emoji: '', targetProviderMessageId: ourMessageId })
  })

  it('keeps unsupported, deleted, order and unknown types as unsupported messages', () => {
    for (const type of ['unsupported', 'order', 'system', 'hologram']) {
      const event = message(normalizeCloudWebhook(webhook({ messages: [{ ...inbound, id: `wamid.${type}`, type, errors: [{ code: 131051, title: 'Message type unknown' }] }] })))
      expect(event).toMatchObject({ kind: 'unsupported', providerType: type, text: null, media: null })
    }
  })

  it('reports a 24-hour-window failure with its code and details', () => {
    const event = status(normalizeCloudWebhook(webhook({ statuses: [{ id: 'wamid.F', status: 'failed', timestamp: '1761058400', recipient_id: '5511987654321', errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }] }] })))
    expect(event.error).toEqual({ code: 131047, message: 'Re-engagement message', details: expect.stringContaining('24 hours') as string })
  })

  it('accepts the played status and ignores unknown ones', () => {
    const [played, deleted] = normalizeCloudWebhook(webhook({ statuses: [{ id: 'wamid.P', status: 'played', timestamp: '1761058400', recipient_id: '5511987654321' }, { id: 'wamid.D', status: 'deleted', timestamp: '1761058401', recipient_id: '5511987654321' }] }))
    expect(played).toMatchObject({ type: 'status', status: 'played' })
    expect(deleted).toMatchObject({ type: 'ignored', providerMessageId: 'wamid.D' })
  })

  it('identifies a sender by business-scoped user id when the phone is withheld', () => {
    const event = message(normalizeCloudWebhook(webhook({ contacts: [{ profile: { name: 'Anon' }, user_id: 'BR.1502576394655843' }], messages: [{ user_id: 'BR.1502576394655843', timestamp: '1761057612', id: 'wamid.U', type: 'text', text: { body: 'oi' } }] })))
    expect(event.chat).toMatchObject({ phone: null, waId: null, userId: 'BR.1502576394655843', replyTo: 'BR.1502576394655843' })
    expect(event.pushName).toBe('Anon')
  })

  it('ignores other webhook fields', () => {
    expect(normalizeCloudWebhook(webhook({}, 'account_update'))).toEqual([{ ...source, type: 'ignored', event: 'account_update', reason: expect.any(String) as string, providerMessageId: null }])
  })
})

describe('Cloud API malformed payloads', () => {
  it.each([
    ['null', null],
    ['a string', 'hello'],
    ['an empty object', {}],
    ['another object type', { object: 'page', entry: [] }],
    ['entry not an array', { object: 'whatsapp_business_account', entry: {} }],
    ['a change without value', { object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'messages' }] }] }],
    ['no phone_number_id', { object: 'whatsapp_business_account', entry: [{ id: 'W', changes: [{ field: 'messages', value: { metadata: {} } }] }] }],
    ['messages not an array', webhook({ messages: {} })],
    ['a message without id', webhook({ messages: [{ ...inbound, type: 'text', text: { body: 'x' } }] })],
    ['a message without sender', webhook({ messages: [{ id: 'wamid.X', timestamp: '1', type: 'text', text: { body: 'x' } }] })],
    ['a message with a bad timestamp', webhook({ messages: [{ ...inbound, id: 'wamid.X', timestamp: 'yesterday', type: 'text', text: { body: 'x' } }] })],
    ['a status with a numeric id', webhook({ statuses: [{ id: 7, status: 'read', timestamp: '1' }] })],
  ])('rejects %s with InvalidPayloadError', (_label, body) => {
    let thrown: unknown
    try {
      normalizeCloudWebhook(body)
    }
    catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(InvalidPayloadError)
    expect(thrown).toMatchObject({ status: 400, code: 'invalid_payload', path: expect.stringMatching(/^body/) as string })
  })
})
