/** Connection events → channel state and reason; failed statuses → the pt-BR reason agents read. */
import { describe, expect, it } from 'vitest'
import { connectionChange } from '../../supabase/functions/_shared/ingest/apply-channel-state.ts'
import { EVOLUTION_FAILURE_REASON, statusFailureReason } from '../../supabase/functions/_shared/ingest/apply-status.ts'
import { normalizeCloudWebhook } from '../../supabase/functions/_shared/providers/cloud.ts'
import { normalizeEvolutionWebhook } from '../../supabase/functions/_shared/providers/evolution.ts'
import type { ConnectionEvent, StatusEvent } from '../../supabase/functions/_shared/providers/types.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

function connection(name: string): ConnectionEvent {
  const [event] = normalizeEvolutionWebhook(readFixture('evolution', name))
  if (event?.type !== 'connection') throw new Error(`${name} is not a connection event`)
  return event
}

describe('connectionChange', () => {
  it.each([
    ['connection-update-open.json', { state: 'connected', reason: null, phone: '5511912345678' }],
    ['connection-update-connecting.json', { state: 'connecting', reason: null, phone: null }],
    ['connection-update-close.json', { state: 'disconnected', reason: 'Sessão encerrada no celular (desconectado)', phone: null }],
    ['connection-update-refused.json', { state: 'error', reason: expect.stringContaining('Reconectar'), phone: null }],
  ])('%s', (name, change) => {
    expect(connectionChange(connection(name))).toEqual(change)
  })

  it('explains other close codes, and unknown ones by their number', () => {
    const close = connection('connection-update-close.json')
    expect(connectionChange({ ...close, reasonCode: 440 }).reason).toContain('substituída')
    expect(connectionChange({ ...close, reasonCode: 499 }).reason).toBe('Conexão encerrada (código 499).')
    expect(connectionChange({ ...close, reasonCode: null }).reason).toBe('Conexão encerrada.')
  })
})

describe('statusFailureReason', () => {
  function cloudFailed(code: number | null): StatusEvent {
    const [event] = normalizeCloudWebhook(readFixture('cloud', 'status-failed-media-url.json'))
    if (event?.type !== 'status') throw new Error('not a status')
    return { ...event, error: code === null ? null : { code, message: 'x', details: null } }
  }

  it('uses the Cloud error table, with the code for support', () => {
    const [fixture] = normalizeCloudWebhook(readFixture('cloud', 'status-failed-media-url.json')) as StatusEvent[]
    expect(statusFailureReason(fixture!)).toBe('A Meta não conseguiu usar o arquivo: verifique o link, o formato e o tamanho da mídia. (erro 131014)')
    expect(statusFailureReason(cloudFailed(131047))).toMatch(/^Fora da janela de 24 horas.*\(erro 131047\)$/)
    expect(statusFailureReason(cloudFailed(987654))).toBe('O WhatsApp não entregou a mensagem. (erro 987654)')
    expect(statusFailureReason(cloudFailed(null))).toBe('O WhatsApp não entregou a mensagem.')
  })

  it('says the same generic thing for Evolution\'s ERROR ack, which has no details', () => {
    const [event] = normalizeEvolutionWebhook({ ...readFixture<Record<string, unknown>>('evolution', 'messages-update-read.json'), data: { keyId: 'K', remoteJid: '5511987654321@s.whatsapp.net', fromMe: true, status: 'ERROR' } })
    expect(statusFailureReason(event as StatusEvent)).toBe(EVOLUTION_FAILURE_REASON)
  })
})
