/** Meta Cloud API send requests, send responses and error classification. */
import { describe, expect, it } from 'vitest'
import { buildCloudSendRequest, classifyCloudFailure, classifyCloudStatusError, CLOUD_ERROR_RULES, parseCloudSendResponse } from '../../supabase/functions/_shared/providers/cloud-send.ts'
import type { OutboundMedia, OutboundMessage, OutboundProblem } from '../../supabase/functions/_shared/providers/outbound.ts'
import { outboundMessage, problemOf } from '../support/outbound.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const fixture = (name: string): unknown => readFixture('cloud', name)

const channel = { graphVersion: 'v23.0', phoneNumberId: '106540352242922', accessToken: 'EAAG-token' }
const path = '/v23.0/106540352242922/messages'
const headers = { 'Content-Type': 'application/json', 'Authorization': 'Bearer EAAG-token' }
const base = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321' }
const wamid = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBNUQxQzBFMkY0QjZBOEM5RDBFAA=='
const quote = { providerMessageId: wamid, fromMe: false, remoteJid: null, text: 'Cadê meu pedido?' }
const url = (file: string, extra: Partial<OutboundMedia> = {}): OutboundMedia => ({ source: { type: 'url', url: `https://cdn.example.com/${file}` }, mimeType: null, fileName: null, ...extra })
const mediaId = (id: string): OutboundMedia => ({ source: { type: 'media_id', mediaId: id }, mimeType: 'image/jpeg', fileName: null })

describe('buildCloudSendRequest', () => {
  it('sends text with the bearer token', () => {
    expect(buildCloudSendRequest(channel, outboundMessage({ text: 'Olá! Como posso ajudar?' }))).toEqual({
      method: 'POST',
      path,
      headers,
      body: { ...base, type: 'text', text: { body: 'Olá! Como posso ajudar?' } },
    })
  })

  it('replies with context.message_id', () => {
    expect(buildCloudSendRequest(channel, outboundMessage({ replyTo: quote })).body).toEqual({ ...base, type: 'text', context: { message_id: wamid }, text: { body: 'Olá' } })
  })

  it.each<[string, Partial<OutboundMessage>, Record<string, unknown>]>([
    ['image by link with caption', { kind: 'image', text: 'Foto', media: url('p.jpg') }, { image: { link: 'https://cdn.example.com/p.jpg', caption: 'Foto' } }],
    ['image by media id', { kind: 'image', text: null, media: mediaId('4490709327384033') }, { image: { id: '4490709327384033' } }],
    ['video', { kind: 'video', text: 'Tutorial', media: url('v.mp4') }, { video: { link: 'https://cdn.example.com/v.mp4', caption: 'Tutorial' } }],
    ['document with file name', { kind: 'document', text: 'Boleto', media: url('b.pdf', { fileName: 'boleto.pdf', mimeType: 'application/pdf' }) }, { document: { link: 'https://cdn.example.com/b.pdf', caption: 'Boleto', filename: 'boleto.pdf' } }],
    ['audio', { kind: 'audio', text: null, media: url('a.mp3') }, { audio: { link: 'https://cdn.example.com/a.mp3' } }],
    ['voice note', { kind: 'audio', text: null, voiceNote: true, media: url('v.ogg', { mimeType: 'audio/ogg; codecs=opus' }) }, { audio: { link: 'https://cdn.example.com/v.ogg' } }],
    ['sticker', { kind: 'sticker', text: null, media: url('s.webp', { fileName: 's.webp' }) }, { sticker: { link: 'https://cdn.example.com/s.webp' } }],
  ])('sends %s, also as a reply', (_name, overrides, object) => {
    const type = overrides.kind
    expect(buildCloudSendRequest(channel, outboundMessage(overrides))).toEqual({ method: 'POST', path, headers, body: { ...base, type, ...object } })
    expect(buildCloudSendRequest(channel, outboundMessage({ ...overrides, replyTo: quote })).body).toEqual({ ...base, type, context: { message_id: wamid }, ...object })
  })

  it.each([
    ['+55 (11) 98765-4321', '5511987654321'],
    ['551187654321', '551187654321'],
    ['5511987654321@s.whatsapp.net', '5511987654321'],
  ])('addresses %s as %s', (to, expected) => {
    expect(buildCloudSendRequest(channel, outboundMessage({ to })).body.to).toBe(expected)
  })

  it.each<[string, Partial<OutboundMessage>, OutboundProblem]>([
    ['a LID', { to: '274398732198423@lid' }, 'invalid_recipient'],
    ['a group', { to: '120363025246125888@g.us' }, 'invalid_recipient'],
    ['letters', { to: 'maria' }, 'invalid_recipient'],
    ['base64 media', { kind: 'image', text: null, media: { source: { type: 'base64', base64: 'iVBORw0K' }, mimeType: 'image/png', fileName: null } }, 'unsupported_media_source'],
    ['a caption on audio', { kind: 'audio', text: 'ouça', media: url('a.ogg') }, 'caption_not_allowed'],
    ['a caption on a sticker', { kind: 'sticker', text: 'oi', media: url('s.webp') }, 'caption_not_allowed'],
    ['a voice-note flag on a document', { kind: 'document', text: null, voiceNote: true, media: url('b.pdf') }, 'voice_note_not_audio'],
    ['text over 4096 characters', { text: 'a'.repeat(4097) }, 'text_too_long'],
    ['a caption over 1024 characters', { kind: 'image', text: 'a'.repeat(1025), media: url('p.jpg') }, 'text_too_long'],
  ])('rejects %s', (_name, overrides, problem) => {
    expect(problemOf(() => buildCloudSendRequest(channel, outboundMessage(overrides)))).toBe(problem)
  })

  it('accepts text of exactly 4096 characters', () => {
    expect(buildCloudSendRequest(channel, outboundMessage({ text: 'a'.repeat(4096) })).body.text).toEqual({ body: 'a'.repeat(4096) })
  })

  it.each([
    ['a version without v', { ...channel, graphVersion: '23' }],
    ['a version with a path', { ...channel, graphVersion: 'v23.0/../x' }],
    ['a non-numeric phone number id', { ...channel, phoneNumberId: 'abc' }],
    ['no token', { ...channel, accessToken: '' }],
  ])('rejects a channel with %s', (_name, bad) => {
    expect(problemOf(() => buildCloudSendRequest(bad, outboundMessage({})))).toBe('invalid_channel_config')
  })
})

describe('parseCloudSendResponse', () => {
  it('reads the wamid and wa_id from the fixture', () => {
    expect(parseCloudSendResponse(fixture('api-send-response.json'))).toEqual({ providerMessageId: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QTdCOUMxRDNFNUY3QTlCMQA=', recipient: '5511987654321' })
  })

  it('throws when there is no message id', () => {
    expect(() => parseCloudSendResponse({ messaging_product: 'whatsapp', messages: [] })).toThrow('messages[0].id')
    expect(() => parseCloudSendResponse({ success: true })).toThrow('messages[0].id')
  })
})

const window24h = 'Fora da janela de 24 horas do WhatsApp: o cliente precisa escrever primeiro, ou envie um modelo aprovado.'
const cloudError = (code: number, message = 'x') => ({ error: { message, type: 'OAuthException', code, fbtrace_id: 'Abc' } })

describe('classifyCloudFailure', () => {
  it('reads the allow-list error from the fixture', () => {
    expect(classifyCloudFailure(400, fixture('api-error-response.json'))).toEqual({
      kind: 'permanent',
      category: 'recipient_not_allowed',
      reason: 'Número fora da lista de destinatários de teste: adicione-o em WhatsApp → Configuração da API no painel da Meta.',
      httpStatus: 400,
      providerCode: '131030',
      providerMessage: '(#131030) Recipient phone number not in allowed list — Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
    })
  })

  it('explains 131047 in pt-BR', () => {
    expect(classifyCloudFailure(400, cloudError(131047, 'Re-engagement message'))).toEqual({
      kind: 'permanent',
      category: 'outside_window',
      reason: window24h,
      httpStatus: 400,
      providerCode: '131047',
      providerMessage: 'Re-engagement message',
    })
  })

  /** status, code → kind, category; every code of CLOUD_ERROR_RULES appears here at least once. */
  const table: [number | null, number | null, string, string][] = [
    [400, 131047, 'permanent', 'outside_window'],
    [400, 131026, 'permanent', 'undeliverable'],
    [400, 131030, 'permanent', 'recipient_not_allowed'],
    [400, 131049, 'permanent', 'policy_blocked'],
    [400, 131048, 'permanent', 'policy_blocked'],
    [403, 368, 'permanent', 'policy_blocked'],
    [400, 131051, 'permanent', 'invalid_request'],
    [400, 100, 'permanent', 'invalid_request'],
    [400, 131053, 'permanent', 'media_error'],
    [400, 131014, 'permanent', 'media_error'],
    [400, 132000, 'permanent', 'invalid_request'],
    [404, 132001, 'permanent', 'invalid_request'],
    [401, 190, 'permanent', 'auth'],
    [403, 10, 'permanent', 'auth'],
    [400, 4, 'transient', 'rate_limited'],
    [400, 80007, 'transient', 'rate_limited'],
    [400, 130429, 'transient', 'rate_limited'],
    [400, 131056, 'transient', 'rate_limited'],
    [500, 1, 'transient', 'provider_unavailable'],
    [500, 2, 'transient', 'provider_unavailable'],
    [500, 131000, 'transient', 'provider_unavailable'],
    [503, 131016, 'transient', 'provider_unavailable'],
    [503, 133004, 'transient', 'provider_unavailable'],
    // A known code wins over the HTTP status.
    [500, 131047, 'permanent', 'outside_window'],
    // Unknown codes: the HTTP status decides.
    [400, 999999, 'permanent', 'unknown'],
    [500, 999999, 'transient', 'provider_unavailable'],
    [429, null, 'transient', 'rate_limited'],
    [401, null, 'permanent', 'auth'],
    [null, null, 'transient', 'network'],
  ]

  it.each(table)('status %s, code %s → %s %s', (status, code, kind, category) => {
    expect(classifyCloudFailure(status, code === null ? null : cloudError(code)))
      .toMatchObject({ kind, category, httpStatus: status, providerCode: code === null ? null : String(code) })
  })

  it('covers every rule in the table above', () => {
    const tested = new Set(table.map(([, code]) => code))
    expect(Object.keys(CLOUD_ERROR_RULES).map(Number).filter(code => !tested.has(code))).toEqual([])
  })

  it.each<[number | null, number | null, string]>([
    [400, 131026, 'Mensagem não entregue: o número pode não ter WhatsApp ou estar com o aplicativo desatualizado.'],
    [401, 190, 'O token de acesso da Meta é inválido, expirou ou não tem permissão: atualize as credenciais do canal.'],
    [400, 130429, 'Limite de envio da Meta atingido; o envio será repetido em instantes.'],
    [500, 131000, 'A API do WhatsApp da Meta está instável no momento; o envio será repetido em instantes.'],
    [400, 999999, 'O WhatsApp não aceitou a mensagem (erro 400).'],
    [502, null, 'O provedor do WhatsApp está indisponível no momento; o envio será repetido em instantes.'],
  ])('status %s, code %s → reason %s', (status, code, reason) => {
    expect(classifyCloudFailure(status, code === null ? '<html>Bad Gateway</html>' : cloudError(code)).reason).toBe(reason)
  })
})

describe('classifyCloudStatusError', () => {
  it('classifies a failed status with 131047 like a synchronous one', () => {
    expect(classifyCloudStatusError({ code: 131047, message: 'Re-engagement message', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' }))
      .toEqual({
        kind: 'permanent',
        category: 'outside_window',
        reason: window24h,
        httpStatus: null,
        providerCode: '131047',
        providerMessage: 'Re-engagement message — Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
      })
  })

  it('treats an unknown status error as permanent (WhatsApp already gave up)', () => {
    expect(classifyCloudStatusError({ code: 135999, message: 'Something new', details: null }))
      .toEqual({ kind: 'permanent', category: 'unknown', reason: 'O WhatsApp não entregou a mensagem.', httpStatus: null, providerCode: '135999', providerMessage: 'Something new' })
    expect(classifyCloudStatusError({ code: null, message: '', details: null })).toMatchObject({ kind: 'permanent', category: 'unknown', providerCode: null, providerMessage: null })
  })

  it('keeps a throttling status transient', () => {
    expect(classifyCloudStatusError({ code: 130429, message: 'Rate limit hit', details: null })).toMatchObject({ kind: 'transient', category: 'rate_limited' })
  })
})
