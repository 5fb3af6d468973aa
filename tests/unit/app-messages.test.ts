/**
 * The conversation's pure logic: optimistic sends merged with the RPC result and realtime events in
 * any order, ticks, reactions, day grouping in America/Sao_Paulo, file sizes and names.
 */
import { describe, expect, it } from 'vitest'
import type { Message } from '../../types/domain.ts'
import { fileIcon, fileTypeLabel, formatFileSize, formatPlaybackTime, safeFileName } from '../../utils/files.ts'
import {
  buildConversationRows,
  dayKey,
  dayLabel,
  messageKey,
  messagePreview,
  messageTick,
  messageTime,
  oldestStored,
  reactionsByTarget,
  toMessage,
  upsertMessage,
  upsertMessages,
} from '../../utils/messages.ts'

let sequence = 0
function message(patch: Partial<Message> = {}): Message {
  sequence++
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    ticket_id: 'ticket-1',
    contact_id: 'contact-1',
    channel_id: 'channel-1',
    direction: 'inbound',
    sender_type: 'contact',
    sender_id: null,
    kind: 'text',
    body: 'oi',
    media_path: null,
    media_mime: null,
    media_size: null,
    media_name: null,
    media_duration_seconds: null,
    is_voice_note: false,
    location: null,
    contact_cards: null,
    reaction_emoji: null,
    reaction_to_message_id: null,
    quoted_message_id: null,
    quoted_provider_message_id: null,
    provider_message_id: null,
    status: 'received',
    status_error: null,
    status_updated_at: null,
    is_private: false,
    client_id: null,
    provider_timestamp: null,
    created_at: '2026-11-20T15:00:00.000Z',
    ...patch,
  }
}

const CLIENT_ID = 'c0ffee00-0000-4000-8000-000000000001'
const SERVER_ID = '5e7e7000-0000-4000-8000-000000000001'
const AGENT = 'agent-1'

/** The optimistic copy the store shows at once, and the server's versions of it. */
function sendScenario() {
  const optimistic = message({
    id: CLIENT_ID, client_id: CLIENT_ID, direction: 'outbound', sender_type: 'agent', sender_id: AGENT,
    body: 'Olá!', status: 'pending', created_at: '2026-11-20T15:00:05.000Z',
  })
  const server = (patch: Partial<Message>) => message({
    ...optimistic, id: SERVER_ID, created_at: '2026-11-20T15:00:04.900Z', ...patch,
  })
  return {
    optimistic,
    inserted: server({ status: 'pending' }),
    sent: server({ status: 'sent', provider_message_id: 'wamid.1', status_updated_at: '2026-11-20T15:00:06.000Z' }),
    delivered: server({ status: 'delivered', provider_message_id: 'wamid.1', status_updated_at: '2026-11-20T15:00:07.000Z' }),
    read: server({ status: 'read', provider_message_id: 'wamid.1', status_updated_at: '2026-11-20T15:00:08.000Z' }),
  }
}

describe('optimistic sends merged with the server', () => {
  const earlier = message({ created_at: '2026-11-20T14:59:00.000Z' })

  it('replaces the optimistic copy by client id, keeping one row and its render key', () => {
    const { optimistic, inserted } = sendScenario()
    let list = upsertMessage([earlier], optimistic)
    expect(list.map(item => item.id)).toEqual([earlier.id, CLIENT_ID])
    list = upsertMessage(list, inserted)
    expect(list).toHaveLength(2)
    expect(list[1]).toMatchObject({ id: SERVER_ID, client_id: CLIENT_ID, status: 'pending' })
    expect(messageKey(list[1] as Message)).toBe(messageKey(optimistic))
    expect(oldestStored(list)?.id).toBe(earlier.id)
  })

  it('never regresses ticks when the RPC result arrives after the realtime updates', () => {
    const { optimistic, inserted, sent, delivered, read } = sendScenario()
    const orders = [
      [inserted, sent, delivered, read],
      [sent, inserted, read, delivered],
      [read, delivered, sent, inserted],
      [delivered, inserted, read, sent],
    ]
    for (const events of orders) {
      const list = upsertMessages([earlier, optimistic], events)
      expect(list).toHaveLength(2)
      expect(list[1]).toMatchObject({ id: SERVER_ID, status: 'read', provider_message_id: 'wamid.1' })
    }
  })

  it('shows a failure, lets a retry take it back to pending, and ignores the stale failure afterwards', () => {
    const { inserted, sent } = sendScenario()
    const failed = { ...sent, status: 'failed' as const, status_error: 'Número não está no WhatsApp.', status_updated_at: '2026-11-20T15:00:09.000Z' }
    let list = upsertMessages([], [inserted, sent, failed])
    expect(list[0]).toMatchObject({ status: 'failed', status_error: 'Número não está no WhatsApp.' })
    // A late "sent" event does not hide the failure.
    list = upsertMessage(list, sent)
    expect(list[0]?.status).toBe('failed')

    const retried = { ...failed, status: 'pending' as const, status_error: null, status_updated_at: '2026-11-20T15:01:00.000Z' }
    list = upsertMessage(list, retried)
    expect(list[0]).toMatchObject({ status: 'pending', status_error: null })
    list = upsertMessage(list, failed)
    expect(list[0]?.status).toBe('pending')
    list = upsertMessage(list, { ...retried, status: 'delivered', status_updated_at: '2026-11-20T15:01:02.000Z' })
    expect(list[0]?.status).toBe('delivered')
  })

  it('lets the server copy win over a local failure (the request failed but the message went through)', () => {
    const { optimistic, inserted } = sendScenario()
    const locallyFailed = { ...optimistic, status: 'failed' as const, status_error: 'Sem conexão' }
    const list = upsertMessages([locallyFailed], [inserted])
    expect(list).toEqual([inserted])
  })

  it('matches the echo of a private note (no client id) by author and text', () => {
    const local = message({ id: CLIENT_ID, client_id: CLIENT_ID, kind: 'note', is_private: true, direction: 'outbound', sender_type: 'agent', sender_id: AGENT, body: 'Verificar ONU', status: 'pending' })
    const echo = message({ id: SERVER_ID, kind: 'note', is_private: true, direction: 'outbound', sender_type: 'agent', sender_id: AGENT, body: 'Verificar ONU', status: 'sent' })
    let list = upsertMessages([earlier, local], [echo])
    expect(list.map(item => item.id)).toEqual([earlier.id, SERVER_ID])
    list = upsertMessage(list, echo) // the RPC result, later
    expect(list).toHaveLength(2)
  })

  it('keeps chronological order with ties broken by id, whatever the arrival order', () => {
    const a = message({ id: 'a', created_at: '2026-11-20T10:00:00.000Z' })
    const b = message({ id: 'b', created_at: '2026-11-20T10:00:00.000Z' })
    const c = message({ id: 'c', created_at: '2026-11-20T09:00:00.000Z' })
    expect(upsertMessages([], [b, a, c]).map(item => item.id)).toEqual(['c', 'a', 'b'])
    expect(upsertMessages([], [c, b, a, b]).map(item => item.id)).toEqual(['c', 'a', 'b'])
  })
})

describe('ticks', () => {
  it('maps statuses to ticks for outbound messages only', () => {
    const outbound = (status: Message['status']) => messageTick({ direction: 'outbound', status, is_private: false })
    expect(outbound('pending')).toBe('pending')
    expect(outbound('sent')).toBe('sent')
    expect(outbound('delivered')).toBe('delivered')
    expect(outbound('read')).toBe('read')
    expect(outbound('played')).toBe('read')
    expect(outbound('failed')).toBe('failed')
    expect(messageTick({ direction: 'inbound', status: 'received', is_private: false })).toBeNull()
    expect(messageTick({ direction: 'outbound', status: 'sent', is_private: true })).toBeNull()
  })
})

describe('reactions', () => {
  it('folds each person\'s latest reaction onto its target; an empty emoji removes it', () => {
    const target = message()
    const thumbs = message({ kind: 'reaction', reaction_emoji: '👍', reaction_to_message_id: target.id, created_at: '2026-11-20T15:01:00.000Z' })
    const heart = message({ kind: 'reaction', reaction_emoji: '❤️', reaction_to_message_id: target.id, created_at: '2026-11-20T15:02:00.000Z' })
    expect(reactionsByTarget([target, thumbs, heart])[target.id]?.map(reaction => reaction.emoji)).toEqual(['❤️'])
    const removed = message({ kind: 'reaction', reaction_emoji: '', reaction_to_message_id: target.id, created_at: '2026-11-20T15:03:00.000Z' })
    expect(reactionsByTarget([target, thumbs, heart, removed])[target.id]).toBeUndefined()
    const agent = message({ kind: 'reaction', direction: 'outbound', sender_type: 'agent', sender_id: AGENT, reaction_emoji: '🙏', reaction_to_message_id: target.id })
    expect(reactionsByTarget([target, thumbs, agent])[target.id]).toHaveLength(2)

    // In the rows, a reaction to a loaded message is not a row of its own; one to an unloaded message is.
    const rows = buildConversationRows([target, thumbs, message({ kind: 'reaction', reaction_emoji: '😂', reaction_to_message_id: 'not-loaded' })])
    expect(rows.filter(row => row.type === 'message')).toHaveLength(2)
  })
})

describe('days in America/Sao_Paulo', () => {
  it('groups by the São Paulo calendar day, not UTC', () => {
    // 02:30 UTC on the 21st is still 23:30 on the 20th in São Paulo (UTC−3).
    expect(dayKey('2026-11-21T02:30:00.000Z')).toBe('2026-11-20')
    expect(dayKey('2026-11-21T03:00:00.000Z')).toBe('2026-11-21')
    expect(messageTime('2026-11-21T02:30:00.000Z')).toBe('23:30')
  })

  it('labels today, yesterday, and older days in Portuguese', () => {
    const now = new Date('2026-11-21T12:00:00.000Z')
    expect(dayLabel('2026-11-21', now)).toBe('Hoje')
    expect(dayLabel('2026-11-20', now)).toBe('Ontem')
    expect(dayLabel('2026-11-18', now)).toBe('quarta-feira, 18 de novembro')
    expect(dayLabel('2025-12-31', now)).toBe('quarta-feira, 31 de dezembro de 2025')
    // Just after midnight in São Paulo (03:10 UTC), "yesterday" is the 20th.
    expect(dayLabel('2026-11-20', new Date('2026-11-21T03:10:00.000Z'))).toBe('Ontem')
  })

  it('puts a separator when the day changes and groups consecutive messages of one author', () => {
    const now = new Date('2026-11-21T12:00:00.000Z')
    const rows = buildConversationRows([
      message({ created_at: '2026-11-21T02:00:00.000Z' }), // 20th, 23:00
      message({ created_at: '2026-11-21T02:04:00.000Z' }), // 20th, 23:04 (same author, within 5 min)
      message({ created_at: '2026-11-21T03:01:00.000Z' }), // 21st, 00:01
      message({ created_at: '2026-11-21T03:02:00.000Z', direction: 'outbound', sender_type: 'agent', sender_id: AGENT, status: 'sent' }),
      message({ created_at: '2026-11-21T03:03:00.000Z', direction: 'outbound', sender_type: 'agent', sender_id: AGENT, status: 'sent' }),
    ], now)
    expect(rows.map(row => (row.type === 'day' ? row.label : row.startsGroup))).toEqual(['Ontem', true, false, 'Hoje', true, true, false])
  })
})

describe('rows from the API', () => {
  it('normalises a realtime payload (numeric strings, unknown columns, defaults)', () => {
    const row = toMessage({
      id: 'm1', ticket_id: 't1', contact_id: 'c1', channel_id: 'ch1', direction: 'outbound', sender_type: 'agent',
      kind: 'audio', media_size: '2048', media_duration_seconds: '12.50', is_voice_note: true, status: 'played',
      search_vector: '\'oi\':1', created_at: '2026-11-20T15:00:00Z',
    })
    expect(row).toMatchObject({ media_size: 2048, media_duration_seconds: 12.5, is_voice_note: true, status: 'played', body: null, client_id: null })
    expect(row).not.toHaveProperty('search_vector')
  })

  it('previews each kind in one line', () => {
    expect(messagePreview(message({ body: '*Oi*,\nvamos _lá_' }))).toBe('Oi, vamos lá')
    expect(messagePreview(message({ kind: 'audio', body: null, is_voice_note: true }))).toBe('Mensagem de voz')
    expect(messagePreview(message({ kind: 'document', body: null, media_name: 'boleto.pdf' }))).toBe('Documento: boleto.pdf')
    expect(messagePreview(message({ kind: 'image', body: 'foto do roteador' }))).toBe('Imagem: foto do roteador')
    expect(messagePreview(message({ kind: 'location', body: null, location: { latitude: 1, longitude: 2, name: 'Loja', address: null, url: null } }))).toBe('Localização: Loja')
  })
})

describe('files', () => {
  it('formats sizes in pt-BR', () => {
    expect(formatFileSize(0)).toBe('0 B')
    expect(formatFileSize(999)).toBe('999 B')
    expect(formatFileSize(1536)).toBe('1,5 KB')
    expect(formatFileSize(10 * 1024)).toBe('10 KB')
    expect(formatFileSize(5.25 * 1024 * 1024)).toBe('5,3 MB')
    expect(formatFileSize(1.5 * 1024 ** 3)).toBe('1,5 GB')
    expect(formatFileSize(null)).toBe('')
    expect(formatFileSize(-1)).toBe('')
  })

  it('picks icons and labels by MIME type or extension', () => {
    expect(fileIcon('application/pdf')).toBe('pdf')
    expect(fileIcon('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('sheet')
    expect(fileIcon('application/octet-stream', 'planilha.xlsx')).toBe('sheet')
    expect(fileIcon('audio/ogg; codecs=opus')).toBe('audio')
    expect(fileIcon(null, 'x.bin')).toBe('file')
    expect(fileTypeLabel('application/pdf', 'boleto.pdf')).toBe('PDF')
    expect(fileTypeLabel('application/pdf', null)).toBe('PDF')
    expect(fileTypeLabel(null, null)).toBe('ARQUIVO')
  })

  it('makes storage-safe names and durations', () => {
    expect(safeFileName('Relatório de instalação (final).pdf')).toBe('Relatorio-de-instalacao-final-.pdf')
    expect(safeFileName('../../etc/passwd')).toBe('etc-passwd')
    expect(safeFileName('')).toBe('arquivo')
    expect(safeFileName(`${'a'.repeat(300)}.docx`)).toMatch(/^a{95}\.docx$/)
    expect(formatPlaybackTime(65)).toBe('1:05')
    expect(formatPlaybackTime(3725)).toBe('1:02:05')
    expect(formatPlaybackTime(null)).toBe('0:00')
  })
})
