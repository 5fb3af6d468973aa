/** Provider-neutral outbound rules: which kind may carry text and media, and the HTTP-status fallback. */
import { describe, expect, it } from 'vitest'
import { assertSendable, classifyHttpStatus, type OutboundMessage, OutboundMessageError, type OutboundProblem } from '../../supabase/functions/_shared/providers/outbound.ts'

const image = { source: { type: 'url', url: 'https://cdn.example.com/p.jpg' }, mimeType: null, fileName: null } as const

function message(overrides: Partial<OutboundMessage>): OutboundMessage {
  return { to: '5511987654321', kind: 'text', text: 'Olá', media: null, voiceNote: false, replyTo: null, ...overrides }
}

function problemOf(action: () => void): OutboundProblem {
  try {
    action()
  }
  catch (error) {
    if (error instanceof OutboundMessageError) {
      expect(error).toMatchObject({ status: 400, code: 'invalid_outbound_message', details: { problem: error.problem } })
      return error.problem
    }
    throw error
  }
  throw new Error('did not throw')
}

describe('assertSendable', () => {
  it('accepts every valid kind', () => {
    for (const valid of [
      message({}),
      message({ kind: 'image', text: 'Legenda', media: image }),
      message({ kind: 'video', text: null, media: image }),
      message({ kind: 'document', text: 'Boleto', media: image }),
      message({ kind: 'audio', text: null, media: image, voiceNote: true }),
      message({ kind: 'sticker', text: null, media: { ...image, source: { type: 'base64', base64: 'UklGRg==' } } }),
    ]) {
      expect(() => assertSendable(valid)).not.toThrow()
    }
  })

  it.each<[string, Partial<OutboundMessage>, OutboundProblem]>([
    ['empty recipient', { to: '  ' }, 'invalid_recipient'],
    ['text without text', { text: '   ' }, 'text_required'],
    ['text with media', { media: image }, 'media_not_allowed'],
    ['image without media', { kind: 'image', text: null }, 'media_required'],
    ['caption on audio', { kind: 'audio', text: 'ouça', media: image }, 'caption_not_allowed'],
    ['caption on sticker', { kind: 'sticker', text: '', media: image }, 'caption_not_allowed'],
    ['voice note on video', { kind: 'video', text: null, media: image, voiceNote: true }, 'voice_note_not_audio'],
    ['ftp URL', { kind: 'image', text: null, media: { ...image, source: { type: 'url', url: 'ftp://x/p.jpg' } } }, 'invalid_media'],
    ['data URL as base64', { kind: 'image', text: null, media: { ...image, source: { type: 'base64', base64: 'data:image/png;base64,iVBOR' } } }, 'invalid_media'],
    ['empty media id', { kind: 'image', text: null, media: { ...image, source: { type: 'media_id', mediaId: '' } } }, 'invalid_media'],
    ['empty quoted id', { replyTo: { providerMessageId: '', fromMe: null, remoteJid: null, text: null } }, 'invalid_reply_to'],
  ])('rejects %s', (_name, overrides, problem) => {
    expect(problemOf(() => assertSendable(message(overrides)))).toBe(problem)
  })
})

describe('classifyHttpStatus (fallback for unknown errors)', () => {
  it.each<[number | null, string, string]>([
    [null, 'transient', 'network'],
    [408, 'transient', 'provider_unavailable'],
    [429, 'transient', 'rate_limited'],
    [500, 'transient', 'provider_unavailable'],
    [503, 'transient', 'provider_unavailable'],
    [401, 'permanent', 'auth'],
    [403, 'permanent', 'auth'],
    [400, 'permanent', 'unknown'],
    [422, 'permanent', 'unknown'],
  ])('status %s → %s %s', (status, kind, category) => {
    expect(classifyHttpStatus(status)).toMatchObject({ kind, category })
  })

  it('gives a generic pt-BR reason naming the status', () => {
    expect(classifyHttpStatus(422).reason).toBe('O WhatsApp não aceitou a mensagem (erro 422).')
    expect(classifyHttpStatus(null).reason).toBe('Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.')
  })
})
