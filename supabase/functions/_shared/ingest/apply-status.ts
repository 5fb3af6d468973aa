/**
 * Delivery statuses of our own messages → apply_message_status, which only moves a status forward. A
 * status for a message not stored yet waits (its ack can beat the sender recording the provider id).
 * When the status is the ledger row's only work, apply_webhook_status closes the row in the same call.
 */
import type { ChannelConfig } from '../channels.ts'
import { classifyCloudStatusError } from '../providers/cloud-send.ts'
import type { StatusEvent } from '../providers/types.ts'
import type { ApplyContext } from './context.ts'
import { callRpc } from './rpc.ts'
import type { EventOutcome } from './types.ts'

/** Evolution's ERROR ack says nothing about why. */
export const EVOLUTION_FAILURE_REASON = 'O WhatsApp informou uma falha na entrega desta mensagem.'

/** Why a customer's own read receipt is not applied (ledger reason). */
export const CUSTOMER_RECEIPT_REASON = 'receipt of a customer\'s message (only our messages track delivery)'

/** The pt-BR reason an agent sees on a failed message. */
export function statusFailureReason(event: StatusEvent): string {
  if (event.provider !== 'cloud') return EVOLUTION_FAILURE_REASON
  const error = event.error ?? { code: null, message: 'Falha sem detalhes do provedor.', details: null }
  const { reason } = classifyCloudStatusError(error)
  return error.code === null ? reason : `${reason} (erro ${error.code})`
}

/**
 * The outcome carries `eventFinished` when the database closed the ledger row with the status
 * (apply_webhook_status, when the row's only work is this event: ApplyContext.finish).
 */
export async function applyStatus(ctx: ApplyContext, channel: ChannelConfig, event: StatusEvent): Promise<EventOutcome & { eventFinished?: boolean }> {
  if (!event.fromMe) return { result: 'ignored', event, reason: CUSTOMER_RECEIPT_REASON }
  const args = {
    p_channel_id: channel.id,
    p_provider_message_id: event.providerMessageId,
    p_status: event.status,
    p_error: event.status === 'failed' ? statusFailureReason(event) : null,
    p_at: (event.timestamp ?? ctx.now).toISOString(),
  }
  let known: boolean
  let eventFinished = false
  if (ctx.finish) {
    const result = await callRpc<{ known?: unknown, event_finished?: unknown }>(ctx.deps.service, 'apply_webhook_status', { ...args, p_finish: ctx.finish })
    known = result?.known === true
    eventFinished = result?.event_finished === true
  }
  else {
    known = await callRpc<boolean>(ctx.deps.service, 'apply_message_status', args)
  }
  if (known) return { result: 'applied', event, eventFinished }
  return { result: 'waiting', event, reason: `status ${event.status} for message ${event.providerMessageId}, which is not stored yet` }
}
