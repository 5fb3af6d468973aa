/**
 * A chat message → the file in Storage, then one database call (ingest_webhook_message) for the contact
 * and the message row: from the customer through ingest_inbound_message (their active ticket, or a new
 * one in `bot`), typed on the company's own phone (Evolution fromMe) through ingest_business_message. A
 * message already stored is a duplicate: with a file, one lookup first spares the second download; the
 * database call finds it too and resolves nothing.
 *
 * Then the chatbot answers the customer's message (menu, rating), with the ticket and settings that same
 * call returned. It also runs on a duplicate: if a run died between storing the message and the bot, the
 * ledger's retry finds the message stored and the bot still owes it an answer (the bot's RPCs remember the
 * messages they handled, so nothing is answered twice). A bot failure fails the event, so the ledger
 * retries it. When the event is the ledger row's only work, the last of these calls closes the row too
 * (`eventFinished`), so the usual message costs one call, or two when the bot answers.
 */
import type { ChannelConfig } from '../channels.ts'
import { botContextFromJson } from '../chatbot/context.ts'
import {
  type BotRun,
  type KnownForBot,
  runBotForMessage,
  runBotForStoredMessage,
  type StoredForBot,
  ticketFromRow,
} from '../chatbot/run-bot.ts'
import type { InboundForBot } from '../chatbot/types.ts'
import { fetchInboundMedia, type FetchedMedia } from '../providers/media.ts'
import type { MessageEvent } from '../providers/types.ts'
import type { ApplyContext } from './context.ts'
import { inboundMediaPath } from './media-path.ts'
import { MEDIA_MAX_ATTEMPTS } from './outcome.ts'
import { groupAuthorLabel, messagePolicy, type MessagePolicy, type Party } from './policy.ts'
import { callRpc, DatabaseError, findStoredMessage } from './rpc.ts'
import type { EventOutcome, IngestResult } from './types.ts'

interface MediaFields {
  media_path: string | null
  media_mime: string | null
  media_size: number | null
  media_name: string | null
}

/**
 * The outcome of a message event, with what the chatbot did about it (null when it did not run), and
 * whether the ledger row was closed by the same database call (`ApplyContext.finish`).
 */
export type MessageOutcome = EventOutcome & { bot?: BotRun | null, eventFinished?: boolean }

/** What ingest_webhook_message answers: the ingest result, the stored message on a duplicate, the bot's inputs. */
interface WebhookIngestResult extends IngestResult {
  rating_pending?: boolean
  stored?: StoredForBot
  bot?: { ticket?: unknown, settings?: unknown, options?: unknown, company_timezone?: unknown } | null
  event_finished?: boolean
}

/** Whether the channel takes this message at all, decided without the database (deactivated channel, policy). */
export function messageTriage(channel: ChannelConfig, event: MessageEvent): MessagePolicy {
  if (!channel.active) return { accept: false, reason: 'the channel is deactivated' }
  return messagePolicy(channel, event)
}

export async function applyMessage(ctx: ApplyContext, channel: ChannelConfig, event: MessageEvent): Promise<MessageOutcome> {
  const policy = messageTriage(channel, event)
  if (!policy.accept) return { result: 'ignored', event, reason: policy.reason }
  const { service } = ctx.deps

  let media: MediaFields = { media_path: null, media_mime: event.media?.mimeType ?? null, media_size: event.media?.sizeBytes ?? null, media_name: event.media?.fileName ?? null }
  let unavailable: string | null = null
  // A file is only fetched for a message not stored yet (ingest_webhook_message would spot the duplicate
  // only after the download).
  const storedBefore = event.media ? await findStoredMessage(service, channel.id, event.providerMessageId) : null
  if (event.media && !storedBefore) {
    try {
      media = await storeMedia(ctx, channel, event)
    }
    catch (error) {
      const permanent = (error as { permanent?: boolean }).permanent === true
      const reason = (error as Error).message
      // Transient: retry the event (the file may come later); on the last attempt, or when it can never
      // come, the message is stored without it rather than lost.
      if (!permanent && ctx.attempt < MEDIA_MAX_ATTEMPTS) {
        return { result: 'failed', event, reason: `Falha ao obter a mídia: ${reason}`, permanent: false }
      }
      unavailable = `[arquivo indisponível: ${reason}]`
    }
  }

  const ingest = await callRpc<WebhookIngestResult>(service, 'ingest_webhook_message', {
    p_channel_id: channel.id,
    p_party: partyJson(policy.party),
    p_message: messageFields(event, media, unavailable, policy.party),
    p_from_me: event.fromMe,
    p_finish: ctx.finish ?? null,
  })
  if (typeof ingest?.message_id !== 'string') throw new DatabaseError('ingest_webhook_message', null, 'no message id returned')
  const eventFinished = ingest.event_finished === true
  const outcome: EventOutcome = ingest.duplicate
    ? { result: 'duplicate', event, messageId: ingest.message_id }
    : { result: 'applied', event, ingest, mediaPath: media.media_path }
  // The business's own message, or nothing for the bot to do (the database said so, and closed the row).
  if (event.fromMe || !ingest.bot) return { ...outcome, eventFinished }
  return withBot(ctx, event, outcome, ingest)
}

/**
 * Runs the bot on a customer's message with what ingest_webhook_message read for it; its failure fails
 * the event. The bot's last decision closes the ledger row when the context allows (`ctx.finish`).
 */
async function withBot(ctx: ApplyContext, event: MessageEvent, outcome: EventOutcome, ingest: WebhookIngestResult): Promise<MessageOutcome> {
  const deps = { service: ctx.deps.service, now: () => ctx.now }
  const message = inboundForBot(event, ingest.message_id)
  try {
    const ticket = ticketFromRow(ingest.bot?.ticket) ?? undefined
    const known: KnownForBot = {
      ticket,
      context: ticket && ingest.bot ? botContextFromJson(ticket.channelId, ingest.bot) : undefined,
      stored: ingest.stored,
      finish: ctx.finish && { ...ctx.finish, status: outcome.result === 'duplicate' ? 'duplicate' : 'processed' },
    }
    const bot = outcome.result === 'duplicate'
      ? await runBotForStoredMessage(deps, message, known)
      : await runBotForMessage(deps, ingest, message, known)
    return { ...outcome, bot, eventFinished: bot.eventFinished }
  }
  catch (error) {
    const permanent = (error as { permanent?: unknown }).permanent === true
    return { result: 'failed', event, reason: `Mensagem gravada, mas o robô de atendimento falhou: ${(error as Error).message ?? String(error)}`, permanent }
  }
}

/** p_party of ingest_webhook_message. */
export function partyJson(party: Party): Record<string, unknown> {
  return party.kind === 'group'
    ? { kind: 'group', group_jid: party.groupJid }
    : { kind: 'person', identities: party.identities, name: party.name }
}

/** What the chatbot reads of a customer's message: kind, text or caption, and a tapped button's id. */
export function inboundForBot(event: MessageEvent, messageId: string): InboundForBot {
  return { messageId, kind: event.kind, text: event.text, interactiveId: event.interactiveReply?.id ?? null }
}

async function storeMedia(ctx: ApplyContext, channel: ChannelConfig, event: MessageEvent): Promise<MediaFields> {
  const descriptor = event.media!
  const fetched: FetchedMedia = await fetchInboundMedia(descriptor, channel, { fetch: ctx.deps.fetch })
  const mime = descriptor.mimeType ?? fetched.mimeType ?? 'application/octet-stream'
  const name = descriptor.fileName ?? (event.kind === 'document' ? fetched.fileName : null)
  const path = await inboundMediaPath(channel.id, event.providerMessageId, event.timestamp, mime, name)
  // Upsert: a retried or concurrent delivery of the same message writes the same object.
  const { error } = await ctx.deps.service.storage.from('media').upload(path, fetched.bytes, { contentType: mime, upsert: true })
  if (error) throw new Error(`Storage recusou o arquivo (${error.message})`)
  return { media_path: path, media_mime: mime, media_size: fetched.bytes.byteLength, media_name: name }
}

/** The p_message of ingest_inbound_message / ingest_business_message (keys as those functions read them). */
export function messageFields(event: MessageEvent, media: MediaFields, unavailable: string | null, party: Party): Record<string, unknown> {
  let body = [event.text, unavailable].filter(part => part !== null && part !== '').join('\n\n') || null
  if (party.kind === 'group' && !event.fromMe) body = `${groupAuthorLabel(event)}: ${body ?? ''}`.trimEnd()
  return {
    provider_message_id: event.providerMessageId,
    kind: event.kind,
    body,
    ...media,
    media_duration_seconds: event.media?.durationSeconds ?? null,
    is_voice_note: event.media?.isVoiceNote ?? false,
    location: event.location,
    contact_cards: event.contacts.length > 0
      ? event.contacts.map(card => ({
          display_name: card.displayName,
          phones: card.phones.map(phone => ({ phone: phone.phone, wa_id: phone.waId, type: phone.type })),
          vcard: card.vcard,
        }))
      : null,
    reaction_emoji: event.reaction?.emoji ?? null,
    reaction_to_provider_message_id: event.reaction?.targetProviderMessageId ?? null,
    quoted_provider_message_id: event.quotedProviderMessageId,
    provider_timestamp: event.timestamp.toISOString(),
  }
}
