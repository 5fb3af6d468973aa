/**
 * Evolution connection and QR events → the channel row (record_channel_connection / record_channel_qr),
 * which the connection screen follows through Realtime. Webhooks can arrive out of order and a failed one
 * is re-run later, so an event received before the channel's last state change is stale and skipped, and
 * a QR is only shown while it can still be scanned.
 */
import type { ChannelConfig } from '../channels.ts'
import type { ConnectionEvent, QrEvent } from '../providers/types.ts'
import type { ApplyContext } from './context.ts'
import { callRpc, DatabaseError } from './rpc.ts'
import type { EventOutcome } from './types.ts'

export type ChannelState = 'disconnected' | 'connecting' | 'qr' | 'connected' | 'error'

/** Evolution sets Baileys' qrTimeout to 45 s: each QR can be scanned for that long. */
export const QR_LIFETIME_MS = 45_000

export const QR_EXPIRED_REASON = 'O QR Code expirou sem ser lido; clique em Reconectar.'

/** Baileys `DisconnectReason` codes (`statusReason`) → what the admin reads on the connection screen. */
const CLOSE_REASONS: Record<number, string> = {
  401: 'Sessão encerrada no celular (desconectado)',
  403: 'O WhatsApp bloqueou o acesso deste número (código 403).',
  408: 'A conexão com o WhatsApp expirou por falta de resposta.',
  411: 'O WhatsApp recusou a sessão (multiaparelho incompatível); conecte de novo.',
  428: 'A conexão com o WhatsApp foi fechada.',
  440: 'A sessão foi aberta em outro lugar e esta foi substituída.',
  500: 'A sessão ficou inválida; desconecte e leia o QR Code de novo.',
  503: 'O serviço do WhatsApp está indisponível no momento.',
  515: 'O WhatsApp pediu para reiniciar a conexão.',
}

export interface ConnectionChange {
  state: ChannelState
  reason: string | null
  phone: string | null
}

export function connectionChange(event: ConnectionEvent): ConnectionChange {
  switch (event.state) {
    case 'open':
      return { state: 'connected', reason: null, phone: event.ownPhone }
    case 'connecting':
      return { state: 'connecting', reason: null, phone: null }
    case 'refused':
      // Evolution gives up after QRCODE_LIMIT codes nobody scanned (statusReason 428).
      return { state: 'error', reason: 'Nenhum QR Code foi lido a tempo e o servidor parou de gerar novos; clique em Reconectar.', phone: null }
    case 'close': {
      const known = event.reasonCode === null ? undefined : CLOSE_REASONS[event.reasonCode]
      const reason = known ?? (event.reasonCode === null ? 'Conexão encerrada.' : `Conexão encerrada (código ${event.reasonCode}).`)
      return { state: 'disconnected', reason, phone: null }
    }
  }
}

/** True when the channel's state changed after this event was received (a later event already won). */
async function isStale(ctx: ApplyContext, channelId: string): Promise<boolean> {
  const { data, error } = await ctx.deps.service.from('channels').select('state_changed_at').eq('id', channelId).maybeSingle()
  if (error) throw new DatabaseError('channel lookup', error.code || null, error.message)
  const changedAt = (data as { state_changed_at: string } | null)?.state_changed_at
  return changedAt !== undefined && Date.parse(changedAt) > Date.parse(ctx.row.received_at)
}

async function recordChange(ctx: ApplyContext, channel: ChannelConfig, event: ConnectionEvent | QrEvent, change: ConnectionChange): Promise<EventOutcome> {
  if (await isStale(ctx, channel.id)) {
    return { result: 'ignored', event, reason: `stale ${change.state} state: the channel changed after this event was received` }
  }
  await callRpc(ctx.deps.service, 'record_channel_connection', {
    p_channel_id: channel.id,
    p_state: change.state,
    p_reason: change.reason,
    p_phone_number: change.phone,
  })
  return { result: 'applied', event }
}

export function applyConnection(ctx: ApplyContext, channel: ChannelConfig, event: ConnectionEvent): Promise<EventOutcome> {
  return recordChange(ctx, channel, event, connectionChange(event))
}

export async function applyQr(ctx: ApplyContext, channel: ChannelConfig, event: QrEvent): Promise<EventOutcome> {
  if (event.limitReached) return recordChange(ctx, channel, event, { state: 'disconnected', reason: QR_EXPIRED_REASON, phone: null })
  const expiresAt = Date.parse(ctx.row.received_at) + QR_LIFETIME_MS
  if (ctx.now.getTime() >= expiresAt) return { result: 'ignored', event, reason: 'QR code expired before it could be shown' }
  const applied = await callRpc<boolean>(ctx.deps.service, 'record_channel_qr', {
    p_channel_id: channel.id,
    // The raw string is what the screen renders; the PNG data URL only when Evolution sent no string.
    p_qr_code: event.code ?? event.imageDataUrl,
    p_pairing_code: event.pairingCode,
    p_expires_at: new Date(expiresAt).toISOString(),
  })
  return applied ? { result: 'applied', event } : { result: 'ignored', event, reason: 'stale QR code: the channel is already connected' }
}
