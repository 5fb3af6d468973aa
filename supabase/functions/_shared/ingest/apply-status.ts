/**
 * Delivery statuses of our own messages → apply_message_status, which only moves a status forward. A
 * status for a message not stored yet waits (its ack can beat the sender recording the provider id).
 */
import type { ChannelConfig } from '../channels.ts'
import { classifyCloudStatusError } from '../providers/cloud-send.ts'
import type { StatusEvent } from '../providers/types.ts'
import type { ApplyContext } from './context.ts'
import { callRpc } from './rpc.ts'
import type { EventOutcome } from './types.ts'

/** Evolution's ERROR ack says nothing about why. */
export const EVOLUTION_FAILURE_REASON = 'O WhatsApp informou uma falha na entrega desta mensagem.'

/** The pt-BR reason an agent sees on a failed message. */
export function statusFailureReason(event: StatusEvent): string {
  if (event.provider !== 'cloud') return EVOLUTION_FAILURE_REASON
  const error = event.error ?? { code: null, message: 'Falha sem detalhes do provedor.', details: null }
  const { reason } = classifyCloudStatusError(error)
  return error.code === null ? reason : `${reason} (erro ${error.code})`
}

export async function applyStatus(ctx: ApplyContext, channel: ChannelConfig, event: StatusEvent): Promise<EventOutcome> {
  if (!event.fromMe) return { result: 'ignored', event, reason: 'receipt of a customer\'s message (only our messages track delivery)' }
  const known = await callRpc<boolean>(ctx.deps.service, 'apply_message_status', {
    p_channel_id: channel.id,
    p_provider_message_id: event.providerMessageId,
    p_status: event.status,
    p_error: event.status === 'failed' ? statusFailureReason(event) : null,
    p_at: (event.timestamp ?? ctx.now).toISOString(),
  })
  if (known) return { result: 'applied', event }
  return { result: 'waiting', event, reason: `status ${event.status} for message ${event.providerMessageId}, which is not stored yet` }
}
