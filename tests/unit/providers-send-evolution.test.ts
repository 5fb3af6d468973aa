/** Evolution API 2.3.x send requests, send responses and error classification. */
import { describe, expect, it } from 'vitest'
import { buildEvolutionSendRequest, classifyEvolutionFailure, parseEvolutionSendResponse } from '../../supabase/functions/_shared/providers/evolution-send.ts'
import type { OutboundMedia, OutboundMessage, OutboundProblem } from '../../supabase/functions/_shared/providers/outbound.ts'
import { outboundMessage, problemOf } from '../support/outbound.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const fixture = (name: string): unknown => readFixture('evolution', name)

const channel = { instance: 'loja centro', apiKey: 'instance-token-123' }
const headers = { 'Content-Type': 'application/json', 'apikey': 'instance-token-123' }
const url = (path: string, extra: Partial<OutboundMedia> = {}): OutboundMedia => ({ source: { type: 'url', url: `https://cdn.example.com/${path}` }, mimeType: null, fileName: null, ...extra })
const quote = { providerMessageId: '3A5D1C0E2F4B6A8C9D0E', fromMe: false, remoteJid: '5511987654321@s.whatsapp.net', text: 'Cadê meu pedido?' }
const quoted = { key: { id: '3A5D1C0E2F4B6A8C9D0E', remoteJid: '5511987654321@s.whatsapp.net', fromMe: false }, message: { conversation: 'Cadê meu pedido?' } }

describe('buildEvolutionSendRequest', () => {
  it('sends text to sendText with the apikey header and an encoded instance', () => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ text: 'Seu pedido saiu para entrega.' }))).toEqual({
      method: 'POST',
      path: '/message/sendText/loja%20centro',
      headers,
      body: { number: '5511987654321', text: 'Seu pedido saiu para entrega.' },
    })
  })

  it('adds the quoted key and original text for a reply', () => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ replyTo: quote })).body).toEqual({ number: '5511987654321', text: 'Olá', quoted })
  })

  it('quotes with just the id when nothing else is known', () => {
    const bare = { providerMessageId: 'ABC', fromMe: null, remoteJid: null, text: null }
    expect(buildEvolutionSendRequest(channel, outboundMessage({ replyTo: bare })).body.quoted).toEqual({ key: { id: 'ABC' } })
  })

  it('sends image, video and document to sendMedia with caption, mimetype and file name', () => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'image', text: 'Foto do produto', media: url('p.jpg', { mimeType: 'image/jpeg' }), replyTo: quote }))).toEqual({
      method: 'POST',
      path: '/message/sendMedia/loja%20centro',
      headers,
      body: { number: '5511987654321', mediatype: 'image', media: 'https://cdn.example.com/p.jpg', mimetype: 'image/jpeg', caption: 'Foto do produto', quoted },
    })
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'video', text: null, media: url('v.mp4') })).body)
      .toEqual({ number: '5511987654321', mediatype: 'video', media: 'https://cdn.example.com/v.mp4' })
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'document', text: 'Segue o boleto', media: { source: { type: 'base64', base64: 'JVBERi0xLjQ=' }, mimeType: 'application/pdf', fileName: 'boleto.pdf' } })).body)
      .toEqual({ number: '5511987654321', mediatype: 'document', media: 'JVBERi0xLjQ=', mimetype: 'application/pdf', caption: 'Segue o boleto', fileName: 'boleto.pdf' })
  })

  it('sends an audio file to sendMedia but a voice note to sendWhatsAppAudio', () => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'audio', text: null, media: url('a.mp3', { mimeType: 'audio/mpeg' }) }))).toMatchObject({
      path: '/message/sendMedia/loja%20centro',
      body: { number: '5511987654321', mediatype: 'audio', media: 'https://cdn.example.com/a.mp3', mimetype: 'audio/mpeg' },
    })
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'audio', text: null, voiceNote: true, media: url('v.ogg'), replyTo: quote }))).toEqual({
      method: 'POST',
      path: '/message/sendWhatsAppAudio/loja%20centro',
      headers,
      body: { number: '5511987654321', audio: 'https://cdn.example.com/v.ogg', quoted },
    })
  })

  it('sends a sticker to sendSticker', () => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ kind: 'sticker', text: null, media: url('s.webp'), replyTo: quote }))).toEqual({
      method: 'POST',
      path: '/message/sendSticker/loja%20centro',
      headers,
      body: { number: '5511987654321', sticker: 'https://cdn.example.com/s.webp', quoted },
    })
  })

  it.each([
    ['+55 (11) 98765-4321', '5511987654321'],
    ['5511987654321@s.whatsapp.net', '5511987654321'],
    ['5511987654321:12@s.whatsapp.net', '5511987654321'],
    ['274398732198423@lid', '274398732198423@lid'],
    ['120363025246125888@g.us', '120363025246125888@g.us'],
  ])('addresses %s as %s', (to, number) => {
    expect(buildEvolutionSendRequest(channel, outboundMessage({ to })).body.number).toBe(number)
  })

  it.each<[string, Partial<OutboundMessage>, OutboundProblem]>([
    ['a newsletter', { to: '123@newsletter' }, 'invalid_recipient'],
    ['letters', { to: 'maria' }, 'invalid_recipient'],
    ['too few digits', { to: '1234' }, 'invalid_recipient'],
    ['a caption on audio', { kind: 'audio', text: 'ouça', media: url('a.ogg') }, 'caption_not_allowed'],
    ['a caption on a sticker', { kind: 'sticker', text: 'oi', media: url('s.webp') }, 'caption_not_allowed'],
    ['a Cloud media id', { kind: 'image', text: null, media: { source: { type: 'media_id', mediaId: '123' }, mimeType: null, fileName: null } }, 'unsupported_media_source'],
    ['a base64 document without file name', { kind: 'document', text: null, media: { source: { type: 'base64', base64: 'JVBERi0xLjQ=' }, mimeType: 'application/pdf', fileName: null } }, 'file_name_required'],
  ])('rejects %s', (_name, overrides, problem) => {
    expect(problemOf(() => buildEvolutionSendRequest(channel, outboundMessage(overrides)))).toBe(problem)
  })

  it('rejects a channel without instance or key', () => {
    expect(problemOf(() => buildEvolutionSendRequest({ instance: ' ', apiKey: 'k' }, outboundMessage({})))).toBe('invalid_channel_config')
    expect(problemOf(() => buildEvolutionSendRequest({ instance: 'x', apiKey: '' }, outboundMessage({})))).toBe('invalid_channel_config')
  })
})

describe('parseEvolutionSendResponse', () => {
  it('reads key.id and the resolved JID from the fixture', () => {
    expect(parseEvolutionSendResponse(fixture('api-send-text-response.json'))).toEqual({ providerMessageId: '3EB07F687BA29993B52BA3', recipient: '5511987654321@s.whatsapp.net' })
  })

  it('throws when there is no key.id', () => {
    expect(() => parseEvolutionSendResponse({ key: { remoteJid: 'x' } })).toThrow('key.id')
    expect(() => parseEvolutionSendResponse(null)).toThrow('key.id')
  })
})

describe('classifyEvolutionFailure', () => {
  it('reads a number that is not on WhatsApp from the fixture', () => {
    expect(classifyEvolutionFailure(400, fixture('api-error-number-not-on-whatsapp.json'))).toEqual({
      kind: 'permanent',
      category: 'not_on_whatsapp',
      reason: 'Este número não tem WhatsApp.',
      httpStatus: 400,
      providerCode: null,
      providerMessage: '{"jid":"5511900000000@s.whatsapp.net","exists":false,"number":"5511900000000"}',
    })
  })

  const envelope = (status: number, message: unknown, extra: object = {}) => ({ status, error: 'x', response: { message }, ...extra })

  it.each<[string, number | null, unknown, string, string, string]>([
    ['no response', null, null, 'transient', 'network', 'Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.'],
    ['bad apikey', 401, envelope(401, 'Unauthorized'), 'permanent', 'auth', 'A Evolution API recusou a chave de acesso: verifique a apikey do canal.'],
    ['unknown instance', 404, envelope(404, ['The "loja" instance does not exist']), 'permanent', 'channel_not_found', 'A instância da Evolution API não existe: verifique o nome da instância do canal.'],
    ['2.4 license gate', 503, { error: 'service not activated', code: 'LICENSE_REQUIRED' }, 'permanent', 'auth', 'A Evolution API 2.4 exige ativação de licença: ative-a ou use a versão 2.3.7.'],
    ['dropped session', 500, envelope(500, ['Error: Connection Closed']), 'transient', 'disconnected', 'O WhatsApp do canal está desconectado; o envio será repetido em instantes. Se persistir, reconecte o canal.'],
    ['validation error', 400, envelope(400, ['Text is required']), 'permanent', 'unknown', 'O WhatsApp não aceitou a mensagem (erro 400).'],
    ['other 404', 404, envelope(404, ['Not Found']), 'permanent', 'unknown', 'O WhatsApp não aceitou a mensagem (erro 404).'],
    ['rate limited', 429, null, 'transient', 'rate_limited', 'Limite de envio do WhatsApp atingido; o envio será repetido em instantes.'],
    ['server error', 500, envelope(500, ['[object Object]']), 'transient', 'provider_unavailable', 'O provedor do WhatsApp está indisponível no momento; o envio será repetido em instantes.'],
    ['gateway error with HTML', 502, '<html>Bad Gateway</html>', 'transient', 'provider_unavailable', 'O provedor do WhatsApp está indisponível no momento; o envio será repetido em instantes.'],
  ])('%s → %s %s', (_name, status, body, kind, category, reason) => {
    expect(classifyEvolutionFailure(status, body)).toMatchObject({ kind, category, reason, httpStatus: status })
  })

  it('keeps the raw code and text for logs', () => {
    expect(classifyEvolutionFailure(503, { error: 'service not activated', code: 'LICENSE_REQUIRED' }))
      .toMatchObject({ providerCode: 'LICENSE_REQUIRED', providerMessage: 'service not activated' })
    expect(classifyEvolutionFailure(400, envelope(400, ['Text is required', 'Number is required'])))
      .toMatchObject({ providerCode: null, providerMessage: 'Text is required; Number is required', reason: 'O WhatsApp não aceitou a mensagem (erro 400).' })
  })
})
