/**
 * A chat message → the contact, the file in Storage, and the message row. From the customer it goes
 * through ingest_inbound_message (their active ticket, or a new one in `bot`); typed on the company's own
 * phone (Evolution fromMe) through ingest_business_message. A message already stored is a duplicate and
 * costs one lookup: no contact resolution, no second download.
 *
 * Then the chatbot answers the customer's message (menu, rating). It also runs on a duplicate: if a run
 * died between storing the message and the bot, the ledger's retry finds the message stored and the bot
 * still owes it an answer (the bot's RPCs remember the messages they handled, so nothing is answered
 * twice). A bot failure fails the event, so the ledger retries it.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import type { ChannelConfig } from '../channels.ts'
import { type BotRun, runBotForMessage, runBotForStoredMessage } from '../chatbot/run-bot.ts'
import type { InboundForBot } from '../chatbot/types.ts'
import { fetchInboundMedia, type FetchedMedia } from '../providers/media.ts'
import type { MessageEvent } from '../providers/types.ts'
import type { ApplyContext } from './context.ts'
import { inboundMediaPath } from './media-path.ts'
import { MEDIA_MAX_ATTEMPTS } from './outcome.ts'
import { groupAuthorLabel, messagePolicy, type Party } from './policy.ts'
import { callRpc, DatabaseError, findStoredMessage } from './rpc.ts'
import type { EventOutcome, IngestResult } from './types.ts'

interface MediaFields {
  media_path: string | null
  media_mime: string | null
  media_size: number | null
  media_name: string | null
}

/** The outcome of a message event, with what the chatbot did about it (null when it did not run). */
export type MessageOutcome = EventOutcome & { bot?: BotRun | null }

export async function applyMessage(ctx: ApplyContext, channel: ChannelConfig, event: MessageEvent): Promise<MessageOutcome> {
  if (!channel.active) return { result: 'ignored', event, reason: 'the channel is deactivated' }
  const policy = messagePolicy(channel, event)
  if (!policy.accept) return { result: 'ignored', event, reason: policy.reason }
  const { service } = ctx.deps

  const stored = await findStoredMessage(service, channel.id, event.providerMessageId)
  if (stored) return withBot(ctx, event, { result: 'duplicate', event, messageId: stored }, deps => runBotForStoredMessage(deps, inboundForBot(event, stored)))

  let media: MediaFields = { media_path: null, media_mime: event.media?.mimeType ?? null, media_size: event.media?.sizeBytes ?? null, media_name: event.media?.fileName ?? null }
  let unavailable: string | null = null
  if (event.media) {
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

  const contactId = await resolveParty(service, policy.party)
  const message = messageFields(event, media, unavailable, policy.party)
  const ingest = await callRpc<IngestResult>(service, event.fromMe ? 'ingest_business_message' : 'ingest_inbound_message', {
    p_channel_id: channel.id,
    p_contact_id: contactId,
    p_message: message,
  })
  if (ingest.duplicate) {
    return withBot(ctx, event, { result: 'duplicate', event, messageId: ingest.message_id }, deps => runBotForStoredMessage(deps, inboundForBot(event, ingest.message_id)))
  }
  return withBot(ctx, event, { result: 'applied', event, ingest, mediaPath: media.media_path }, deps => runBotForMessage(deps, ingest, inboundForBot(event, ingest.message_id)))
}

/** Runs the bot on a customer's message (never on the business's own); its failure fails the event. */
async function withBot(
  ctx: ApplyContext,
  event: MessageEvent,
  outcome: EventOutcome,
  run: (deps: { service: SupabaseClient, now: () => Date }) => Promise<BotRun>,
): Promise<MessageOutcome> {
  if (event.fromMe) return outcome
  try {
    return { ...outcome, bot: await run({ service: ctx.deps.service, now: () => ctx.now }) }
  }
  catch (error) {
    const permanent = (error as { permanent?: unknown }).permanent === true
    return { result: 'failed', event, reason: `Mensagem gravada, mas o robô de atendimento falhou: ${(error as Error).message ?? String(error)}`, permanent }
  }
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

async function resolveParty(service: SupabaseClient, party: Party): Promise<string> {
  const contactId = party.kind === 'group'
    ? await callRpc<string>(service, 'resolve_group_contact', { p_group_jid: party.groupJid, p_name: null })
    : await callRpc<string>(service, 'resolve_contact', { p_identities: party.identities, p_whatsapp_name: party.name })
  if (typeof contactId !== 'string') throw new DatabaseError('resolve contact', null, 'no contact id returned')
  return contactId
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
