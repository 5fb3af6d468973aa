/** Which messages a channel serves (groups, Status, API echoes, allow-list) and the p_message sent to SQL. */
import { describe, expect, it } from 'vitest'
import { messageFields } from '../../supabase/functions/_shared/ingest/apply-message.ts'
import {
  identitiesOf, isPhoneAllowed, messagePolicy, type MessagePolicy,
} from '../../supabase/functions/_shared/ingest/policy.ts'
import { normalizeCloudWebhook } from '../../supabase/functions/_shared/providers/cloud.ts'
import { normalizeEvolutionWebhook } from '../../supabase/functions/_shared/providers/evolution.ts'
import type { MessageEvent } from '../../supabase/functions/_shared/providers/types.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const everyone = { acceptGroupMessages: false, allowedPhones: null }
const withGroups = { acceptGroupMessages: true, allowedPhones: null }

interface EvolutionBody { data: { key: Record<string, unknown> } }

function evolutionMessage(name: string, change: (body: EvolutionBody) => void = () => {}): MessageEvent {
  const body = readFixture<EvolutionBody>('evolution', name)
  change(body)
  const [event] = normalizeEvolutionWebhook(body)
  if (event?.type !== 'message') throw new Error(`${name} is not a message`)
  return event
}

function cloudMessage(name: string): MessageEvent {
  const [event] = normalizeCloudWebhook(readFixture('cloud', name))
  if (event?.type !== 'message') throw new Error(`${name} is not a message`)
  return event
}

function groupMessage(): MessageEvent {
  return evolutionMessage('messages-upsert-text.json', (body) => {
    body.data.key = { remoteJid: '120363025246125486@g.us', fromMe: false, id: 'GROUP1', participant: '274398732198423@lid', participantAlt: '5511987654321@s.whatsapp.net' }
  })
}

function rejected(policy: MessagePolicy): string {
  if (policy.accept) throw new Error('expected the message to be refused')
  return policy.reason
}

describe('isPhoneAllowed', () => {
  it('serves everyone without a list (null or emptied)', () => {
    expect(isPhoneAllowed(null, '5511987654321')).toBe(true)
    expect(isPhoneAllowed([], null)).toBe(true)
  })

  it('matches a Brazilian mobile with or without the 9th digit, whatever form the list has', () => {
    expect(isPhoneAllowed(['5511987654321'], '551187654321')).toBe(true)
    expect(isPhoneAllowed(['+55 (11) 8765-4321'], '5511987654321')).toBe(true)
    expect(isPhoneAllowed(['5511987654321'], '5511987654322')).toBe(false)
    expect(isPhoneAllowed(['14155550123'], '14155550123')).toBe(true)
    expect(isPhoneAllowed(['5511987654321'], null)).toBe(false)
  })
})

describe('identitiesOf', () => {
  it('gives every valid form: phone, wa_id and @lid', () => {
    expect(identitiesOf(evolutionMessage('messages-upsert-text.json').chat)).toEqual([
      { kind: 'phone', value: '5511987654321' },
      { kind: 'lid', value: '274398732198423@lid' },
    ])
    expect(identitiesOf(cloudMessage('text.json').chat)).toEqual([
      { kind: 'phone', value: '5511987654321' },
      { kind: 'wa_id', value: '5511987654321' },
    ])
  })

  it('leaves out a phone resolve_contact would refuse', () => {
    expect(identitiesOf({ phone: '123', lid: null, waId: null, userId: null, groupJid: null, replyTo: '' })).toEqual([])
  })
})

describe('messagePolicy', () => {
  it('accepts a 1:1 message with the customer\'s identities and push name', () => {
    expect(messagePolicy(everyone, evolutionMessage('messages-upsert-text.json'))).toEqual({
      accept: true,
      party: { kind: 'person', identities: [{ kind: 'phone', value: '5511987654321' }, { kind: 'lid', value: '274398732198423@lid' }], name: 'Maria Souza' },
    })
  })

  it('does not take the business\'s own name for the customer on fromMe messages', () => {
    const policy = messagePolicy(everyone, evolutionMessage('messages-upsert-fromme-phone.json'))
    expect(policy).toMatchObject({ accept: true, party: { kind: 'person', name: null } })
  })

  it('ignores API echoes', () => {
    expect(rejected(messagePolicy(everyone, evolutionMessage('send-message-api-echo.json')))).toContain('echo')
  })

  it('ignores groups and Status posts unless the channel accepts them; then a group is one contact', () => {
    expect(rejected(messagePolicy(everyone, groupMessage()))).toContain('group')
    expect(messagePolicy(withGroups, groupMessage())).toEqual({ accept: true, party: { kind: 'group', groupJid: '120363025246125486@g.us' } })

    const status = evolutionMessage('messages-upsert-text.json', (body) => {
      body.data.key = { remoteJid: 'status@broadcast', fromMe: false, id: 'STATUS1', participant: '5511987654321@s.whatsapp.net' }
    })
    expect(rejected(messagePolicy(everyone, status))).toContain('Status')
    expect(messagePolicy(withGroups, status)).toMatchObject({ accept: true, party: { kind: 'person', identities: [{ kind: 'phone', value: '5511987654321' }] } })
  })

  it('honours the allow-list by the customer\'s number (9th digit either way), refusing an unknown number', () => {
    const allowed = { acceptGroupMessages: true, allowedPhones: ['551187654321'] }
    expect(messagePolicy(allowed, evolutionMessage('messages-upsert-text.json')).accept).toBe(true)
    expect(messagePolicy(allowed, cloudMessage('text.json')).accept).toBe(true)
    expect(messagePolicy(allowed, groupMessage()).accept).toBe(true)
    expect(rejected(messagePolicy({ ...allowed, allowedPhones: ['5521999990000'] }, cloudMessage('text.json')))).toContain('allow-list')

    const lidOnly = evolutionMessage('messages-upsert-text-lid-2.3.6.json', (body) => {
      delete body.data.key.remoteJidAlt
    })
    expect(rejected(messagePolicy(allowed, lidOnly))).toContain('unknown')
    expect(messagePolicy(everyone, lidOnly)).toMatchObject({ accept: true, party: { identities: [{ kind: 'lid', value: '274398732198423@lid' }] } })
  })
})

describe('messageFields', () => {
  const none = { media_path: null, media_mime: null, media_size: null, media_name: null }
  const person = { kind: 'person' as const, identities: [], name: null }

  it('maps a location, a contact card, a reply and a reaction to ingest_inbound_message keys', () => {
    expect(messageFields(cloudMessage('location.json'), none, null, person)).toMatchObject({
      kind: 'location', body: null, location: { latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP', url: null },
      provider_timestamp: new Date(1761058200 * 1000).toISOString(),
    })
    expect(messageFields(cloudMessage('contacts.json'), none, null, person).contact_cards).toEqual([
      { display_name: 'Carlos Lima', phones: [{ phone: '+55 21 99887-7665', wa_id: '5521998877665', type: 'CELL' }], vcard: null },
    ])
    expect(messageFields(cloudMessage('reply-text.json'), none, null, person)).toMatchObject({
      kind: 'text', body: 'Sim, pode ser amanhã à tarde', quoted_provider_message_id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QTdCOUMxRDNFNUY3QTlCMQA=',
    })
    const reaction = cloudMessage('text.json')
    reaction.kind = 'reaction'
    reaction.text = null
    reaction.reaction = { emoji: '👍', targetProviderMessageId: 'wamid.TARGET' }
    expect(messageFields(reaction, none, null, person)).toMatchObject({ kind: 'reaction', reaction_emoji: '👍', reaction_to_provider_message_id: 'wamid.TARGET' })
  })

  it('keeps the caption and says why the file is missing', () => {
    const image = evolutionMessage('messages-upsert-image.json')
    expect(messageFields(image, none, '[arquivo indisponível: HTTP 404]', person)).toMatchObject({
      kind: 'image', body: 'Foto do produto com defeito\n\n[arquivo indisponível: HTTP 404]', media_path: null,
    })
    const voice = evolutionMessage('messages-upsert-audio-ptt.json')
    expect(messageFields(voice, { ...none, media_path: 'inbound/x/2025-10/a.ogg' }, null, person)).toMatchObject({
      kind: 'audio', body: null, is_voice_note: true, media_duration_seconds: 7, media_path: 'inbound/x/2025-10/a.ogg',
    })
  })

  it('names the author of a group message in its body', () => {
    expect(messageFields(groupMessage(), none, null, { kind: 'group', groupJid: '120363025246125486@g.us' }).body)
      .toBe('Maria Souza: Olá, preciso de ajuda com meu pedido #4521')
  })
})
