/**
 * One row of `claim_outbox_batch` (migration 20261121001900): the leased outbox entry with what the
 * sender needs of its message. The SQL builds it as jsonb, so it is read field by field here; a field of
 * the wrong type reads as absent and the message then fails with a reason instead of crashing the run.
 */
import type { ProviderName } from '../providers/types.ts'
import { isRecord, optionalInteger, optionalRecord, optionalString } from '../providers/guards.ts'

export interface ClaimedQuote {
  providerMessageId: string
  /** The quoted message was ours (outbound). */
  fromMe: boolean
  body: string | null
}

export interface ClaimedOutboxItem {
  outboxId: number
  /** Including this one: 1 on the first try. */
  attempts: number
  channelId: string
  provider: ProviderName | null
  messageId: string
  ticketId: string | null
  /** As stored; only the sendable kinds (text and media) get past `buildOutboundMessage`. */
  kind: string
  body: string | null
  mediaPath: string | null
  mediaMime: string | null
  mediaName: string | null
  isVoiceNote: boolean
  /** The contact's address for this provider (phone, wa_id, or an Evolution JID); null when unknown. */
  to: string | null
  quoted: ClaimedQuote | null
}

/** The claimed row, or null when it has no outbox id (nothing can be done with such a row but log it). */
export function readClaimedItem(row: unknown): ClaimedOutboxItem | null {
  if (!isRecord(row)) return null
  const outboxId = optionalInteger(row.outbox_id)
  if (outboxId === null) return null
  const provider = row.provider === 'evolution' || row.provider === 'cloud' ? row.provider : null
  const quoted = optionalRecord(row.quoted)
  const quotedId = optionalString(quoted?.provider_message_id)
  return {
    outboxId,
    attempts: optionalInteger(row.attempts) ?? 1,
    channelId: optionalString(row.channel_id) ?? '',
    provider,
    messageId: optionalString(row.message_id) ?? '',
    ticketId: optionalString(row.ticket_id),
    kind: optionalString(row.kind) ?? '',
    body: optionalString(row.body),
    mediaPath: optionalString(row.media_path),
    mediaMime: optionalString(row.media_mime),
    mediaName: optionalString(row.media_name),
    isVoiceNote: row.is_voice_note === true,
    to: optionalString(row.to),
    quoted: quotedId === null ? null : { providerMessageId: quotedId, fromMe: quoted?.from_me === true, body: optionalString(quoted?.body) },
  }
}
