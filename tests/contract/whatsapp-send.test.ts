/**
 * Sending through both providers, end to end: an agent queues messages with send_message, the app's
 * call to whatsapp-send delivers them to the WhatsApp simulator (fake Evolution API and fake Graph API),
 * and the simulator's customer inbox shows what arrived. Also: order under concurrent senders, an outage
 * that loses nothing (messages wait, then go once and in order through the scheduler), permanent
 * provider errors with the agent's pt-BR reason, and who may call the two functions.
 *
 * Each test has its own channel (instance / phone number id) and customer, and scopes simulator faults
 * to its own target. The local stack's cron also sweeps the outbox every 15 s, so assertions look at
 * final states (the customer's inbox, the rows), never at which sender did the work.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeModulesPng } from '../../local-stack/simulator/png.ts'
import { EVOLUTION_WEBHOOK_EVENTS } from '../../local-stack/simulator/register-channels.ts'
import type { ChatMessageView } from '../../local-stack/simulator/types.ts'
import { EVOLUTION_SECRET_HEADER } from '../../supabase/functions/_shared/webhook-auth.ts'
import { DEMO, closeOwnerPool } from '../support/db.ts'
import { type TicketRow, createChannel, createTicket, uniqueDigits } from '../support/fixtures.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, getStack, serviceClient, signedInClient } from '../support/stack.ts'

type Row = Record<string, unknown>

const sim = simulator()
const service = serviceClient()
let carla: SupabaseClient

beforeAll(async () => {
  carla = await signedInClient(DEMO.carla.email, DEMO.password)
})

afterAll(closeOwnerPool)

const PNG = encodeModulesPng(Array.from({ length: 8 }, (_, y) => Array.from({ length: 8 }, (_, x) => (x + y) % 2 === 0)), 3, 1)
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(200, 7)])

// Channels on the simulator ------------------------------------------------------------------------------

interface Channel {
  id: string
  provider: 'evolution' | 'cloud'
  /** The simulator's target: instance name or phone number id. */
  target: string
}

/** A connected Evolution channel on the simulator, its webhooks going to this stack's whatsapp-webhook. */
async function evolutionChannel(): Promise<Channel> {
  const ownNumber = `55119${randomInt(10_000_000, 99_999_999)}`
  const channel = await createChannel({ provider: 'evolution', connection_state: 'connected', phone_number: ownNumber })
  const instance = `envio-${randomUUID().slice(0, 8)}`
  const secret = `segredo-${randomUUID()}`
  const { error } = await service.from('channel_secrets').insert({
    channel_id: channel.id, webhook_secret: secret, evolution_base_url: sim.evolutionUrl, evolution_api_key: sim.evolutionApiKey, evolution_instance_name: instance,
  })
  expect(error).toBeNull()
  await sim.registerInstance({
    name: instance,
    state: 'open',
    ownNumber,
    profileName: 'Loja',
    webhook: { url: `${getStack().url}/functions/v1/whatsapp-webhook/evolution`, headers: { [EVOLUTION_SECRET_HEADER]: secret }, events: EVOLUTION_WEBHOOK_EVENTS, base64: true },
  })
  return { id: channel.id, provider: 'evolution', target: instance }
}

/** A Cloud API channel whose Graph base URL is the simulator's. */
async function cloudChannel(): Promise<Channel> {
  const displayNumber = `55119${randomInt(10_000_000, 99_999_999)}`
  const channel = await createChannel({ provider: 'cloud', connection_state: 'connected', phone_number: displayNumber })
  const phoneNumberId = uniqueDigits(15)
  const secrets = { accessToken: `EAAG${randomUUID().replaceAll('-', '')}`, appSecret: `app-${randomUUID()}`, verifyToken: `verificar-${randomUUID()}`, wabaId: uniqueDigits(15) }
  const { error } = await service.from('channel_secrets').insert({
    channel_id: channel.id, cloud_access_token: secrets.accessToken, cloud_app_secret: secrets.appSecret, cloud_verify_token: secrets.verifyToken,
    cloud_phone_number_id: phoneNumberId, cloud_waba_id: secrets.wabaId, cloud_graph_base_url: sim.graphUrl, cloud_graph_version: 'v23.0',
  })
  expect(error).toBeNull()
  await sim.registerNumber({
    phoneNumberId, displayPhoneNumber: displayNumber, verifiedName: 'Loja', ...secrets,
    webhookUrl: `${getStack().url}/functions/v1/whatsapp-webhook/cloud`, skipVerification: true,
  })
  return { id: channel.id, provider: 'cloud', target: phoneNumberId }
}

interface Conversation { ticket: TicketRow, phone: string }

/** A new customer (São Paulo mobile: WhatsApp keeps its 9th digit) with an open ticket of Carla's. */
async function conversationOn(channel: Channel): Promise<Conversation> {
  const phone = `55119${randomInt(10_000_000, 99_999_999)}`
  const { data: contactId, error } = await service.rpc('resolve_contact', { p_identities: [{ kind: 'phone', value: phone }], p_whatsapp_name: 'Cliente' })
  expect(error).toBeNull()
  const ticket = await createTicket({ status: 'open', channelId: channel.id, contactId: contactId as string })
  return { ticket, phone }
}

// Agent actions --------------------------------------------------------------------------------------------

interface SendArgs {
  kind?: string
  body?: string | null
  mediaPath?: string
  mediaMime?: string
  mediaName?: string
  voiceNote?: boolean
  quotedId?: string
}

/** Carla queues a message with send_message (the composer's call); returns the message id. */
async function queue(conversation: Conversation, args: SendArgs): Promise<string> {
  const { data, error } = await carla.rpc('send_message', {
    p_ticket_id: conversation.ticket.id,
    p_kind: args.kind ?? 'text',
    p_body: args.body ?? null,
    p_media_path: args.mediaPath ?? null,
    p_media_mime: args.mediaMime ?? null,
    p_media_name: args.mediaName ?? null,
    p_is_voice_note: args.voiceNote ?? false,
    p_quoted_message_id: args.quotedId ?? null,
    p_client_id: randomUUID(),
  })
  expect(error).toBeNull()
  return (data as { id: string }).id
}

/** Carla attaches a file: uploaded to her own folder, as the composer does. */
async function upload(bytes: Buffer, extension: string, contentType: string): Promise<string> {
  const path = `uploads/${DEMO.carla.id}/${randomUUID()}.${extension}`
  const { error } = await carla.storage.from('media').upload(path, bytes, { contentType })
  expect(error).toBeNull()
  return path
}

interface SendSummary { sent: number, failed: number, retried: number }

/** The app's call right after sending. */
async function triggerSend(client: SupabaseClient = carla): Promise<SendSummary> {
  const { data, error } = await client.functions.invoke<SendSummary>('whatsapp-send', { body: {} })
  expect(error).toBeNull()
  expect(data).toEqual({ sent: expect.any(Number), failed: expect.any(Number), retried: expect.any(Number) })
  return data!
}

/** POST /functions/v1/scheduler with `token` as the bearer (and as the apikey, like pg_net's call); null sends neither. */
async function callScheduler(token: string | null): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) Object.assign(headers, { authorization: `Bearer ${token}`, apikey: token })
  return fetch(`${getStack().url}/functions/v1/scheduler`, { method: 'POST', headers, body: '{}' })
}

// Reading the outcome --------------------------------------------------------------------------------------

interface MessageState { status: string, status_error: string | null, provider_message_id: string | null }

async function messageState(id: string): Promise<MessageState> {
  const { data, error } = await service.from('messages').select('status, status_error, provider_message_id').eq('id', id).single()
  expect(error).toBeNull()
  return data as MessageState
}

async function outboxOf(messageId: string): Promise<Row> {
  const { data, error } = await service.from('outbox').select('status, attempts, last_error, next_attempt_at').eq('message_id', messageId).single()
  expect(error).toBeNull()
  return data as Row
}

const ACCEPTED = ['sent', 'delivered', 'read', 'played']

/** Waits until the message was accepted by the provider; returns its provider id. */
async function providerIdOnceSent(messageId: string): Promise<string> {
  const state = await eventually(async () => {
    const current = await messageState(messageId)
    return ACCEPTED.includes(current.status) && current.provider_message_id ? current : undefined
  }, 10_000, `message ${messageId} sent`)
  return state.provider_message_id!
}

/** What the customer's phone shows from the business, once it holds `count` messages. */
async function inboxWith(channel: Channel, phone: string, count: number): Promise<ChatMessageView[]> {
  return eventually(async () => {
    const inbox = await sim.inbox(channel.target, phone).catch(() => [])
    return inbox.length >= count ? inbox : undefined
  }, 10_000, `${count} messages in the customer's inbox`)
}

/** The customer writes first (through the provider's webhook into Atende); returns Atende's message id. */
async function customerWrites(channel: Channel, conversation: Conversation, text: string): Promise<{ providerId: string, messageId: string }> {
  const sent = await sim.customerSends(channel.target, conversation.phone, { kind: 'text', text, name: 'Cliente' })
  const row = await eventually(async () => {
    const { data } = await service.from('messages').select('id, ticket_id').eq('provider_message_id', sent.id).maybeSingle()
    return data ?? undefined
  }, 10_000, 'the customer\'s message in Atende')
  expect(row.ticket_id).toBe(conversation.ticket.id)
  return { providerId: sent.id, messageId: row.id as string }
}

/** Makes a message waiting for its retry due now, instead of waiting out the backoff. */
async function retryNow(ticketId: string): Promise<void> {
  const { error } = await service.from('outbox').update({ next_attempt_at: new Date().toISOString() }).eq('ticket_id', ticketId).eq('status', 'queued')
  expect(error).toBeNull()
}

// The tests ------------------------------------------------------------------------------------------------

describe.each([
  ['Evolution API', evolutionChannel],
  ['Cloud API', cloudChannel],
] as const)('sending through the %s simulator', (_provider, makeChannel) => {
  let channel: Channel

  beforeAll(async () => {
    channel = await makeChannel()
  })

  it('delivers a text and records the provider id on the message', async () => {
    const conversation = await conversationOn(channel)
    const messageId = await queue(conversation, { body: 'Olá! Seu pedido saiu para entrega.' })
    await triggerSend()

    const providerId = await providerIdOnceSent(messageId)
    const [received] = await inboxWith(channel, conversation.phone, 1)
    expect(received).toMatchObject({ id: providerId, from: 'business', kind: 'text', text: 'Olá! Seu pedido saiu para entrega.' })
    expect((await outboxOf(messageId)).status).toBe('sent')

    if (channel.provider === 'evolution') {
      // Evolution echoes our own sends (send.message): once that webhook is through, still one message.
      await eventually(async () => {
        const { data } = await service.from('provider_events').select('status').eq('provider_message_id', providerId).eq('event_type', 'send.message')
        return data?.some(event => event.status !== 'pending') ? true : undefined
      }, 10_000, 'the send.message echo processed')
    }
    const { count } = await service.from('messages').select('id', { count: 'exact', head: true }).eq('channel_id', channel.id).eq('provider_message_id', providerId)
    expect(count).toBe(1)
  })

  it('delivers an image with its caption, a voice note and a reply quoting the customer', async () => {
    const conversation = await conversationOn(channel)
    const question = await customerWrites(channel, conversation, 'Tem foto do produto?')
    const imagePath = await upload(PNG, 'png', 'image/png')
    const audioPath = await upload(OGG, 'ogg', 'audio/ogg')

    const image = await queue(conversation, { kind: 'image', body: 'Aqui está', mediaPath: imagePath, mediaMime: 'image/png', mediaName: 'produto.png' })
    const voice = await queue(conversation, { kind: 'audio', mediaPath: audioPath, mediaMime: 'audio/ogg', voiceNote: true })
    const reply = await queue(conversation, { body: 'Temos sim!', quotedId: question.messageId })
    await triggerSend()

    const ids = [await providerIdOnceSent(image), await providerIdOnceSent(voice), await providerIdOnceSent(reply)]
    const inbox = await inboxWith(channel, conversation.phone, 3)
    expect(inbox.map(message => message.id)).toEqual(ids)
    const [imageSeen, voiceSeen, replySeen] = inbox
    expect(imageSeen).toMatchObject({ kind: 'image', text: 'Aqui está', media: expect.objectContaining({ mimeType: expect.stringMatching(/^image\//) }) })
    expect(voiceSeen).toMatchObject({ kind: 'audio', text: null, voiceNote: true })
    expect(replySeen).toMatchObject({ kind: 'text', text: 'Temos sim!', quotedId: question.providerId })
  })

  it('keeps a conversation\'s order with several senders at once, and sends each message once', async () => {
    const conversation = await conversationOn(channel)
    const ids: string[] = []
    for (let index = 1; index <= 5; index++) ids.push(await queue(conversation, { body: `Mensagem ${index}` }))
    // The app, a second tab and the scheduler may all be sending at the same moment.
    await Promise.all([triggerSend(), triggerSend(), callScheduler(getStack().serviceRoleKey)])

    for (const id of ids) await providerIdOnceSent(id)
    const inbox = await inboxWith(channel, conversation.phone, 5)
    expect(inbox.map(message => message.text)).toEqual(['Mensagem 1', 'Mensagem 2', 'Mensagem 3', 'Mensagem 4', 'Mensagem 5'])
  })

  it('loses nothing in an outage: messages wait, then go once, in order, when the provider is back', async () => {
    const conversation = await conversationOn(channel)
    await sim.setFaults({ outage: true }, channel.target)
    try {
      const ids = [await queue(conversation, { body: 'Primeira' }), await queue(conversation, { body: 'Segunda' }), await queue(conversation, { body: 'Terceira' })]
      await triggerSend()

      const first = await eventually(async () => {
        const row = await outboxOf(ids[0]!)
        return Number(row.attempts) >= 1 && row.status === 'queued' ? row : undefined
      }, 10_000, 'the first message back in the queue')
      expect(first.last_error).toBe('Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.')
      expect(new Date(String(first.next_attempt_at)).getTime()).toBeGreaterThan(Date.now())
      for (const id of ids) expect(await messageState(id)).toEqual({ status: 'pending', status_error: null, provider_message_id: null })
      // Nothing is due during the backoff, and nothing overtook the first message.
      expect(await triggerSend()).toEqual({ sent: 0, failed: 0, retried: 0 })
      expect((await outboxOf(ids[1]!)).attempts).toBe(0)
      expect(await sim.inbox(channel.target, conversation.phone).catch(() => [])).toEqual([])

      await sim.clearFaults(channel.target)
      await retryNow(conversation.ticket.id)
      const answer = await callScheduler(getStack().serviceRoleKey)
      expect(answer.status).toBe(200)
      expect(await answer.json()).toMatchObject({ outbox: { sent: expect.any(Number), failed: 0 }, ledger: expect.any(Object) })

      const providerIds = []
      for (const id of ids) providerIds.push(await providerIdOnceSent(id))
      const inbox = await inboxWith(channel, conversation.phone, 3)
      expect(inbox.map(message => [message.id, message.text])).toEqual([
        [providerIds[0], 'Primeira'], [providerIds[1], 'Segunda'], [providerIds[2], 'Terceira'],
      ])
    }
    finally {
      await sim.clearFaults(channel.target)
    }
  })
})

describe('sending: provider errors', () => {
  it('retries a send that timed out, and delivers it once the provider answers again (Cloud API)', async () => {
    const channel = await cloudChannel()
    const conversation = await conversationOn(channel)
    await sim.setFaults({ failSends: { count: 1, mode: 'timeout' } }, channel.target)
    const messageId = await queue(conversation, { body: 'Chegou?' })
    await triggerSend()

    // The sender gave up waiting (15 s) and put the message back; the simulator never recorded it.
    const row = await eventually(async () => {
      const current = await outboxOf(messageId)
      return current.status === 'queued' && Number(current.attempts) >= 1 ? current : undefined
    }, 25_000, 'the timed-out message back in the queue')
    expect(row.last_error).toBe('Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.')
    expect((await messageState(messageId)).status).toBe('pending')

    await retryNow(conversation.ticket.id)
    expect((await callScheduler(getStack().serviceRoleKey)).status).toBe(200)
    const providerId = await providerIdOnceSent(messageId)
    expect((await inboxWith(channel, conversation.phone, 1)).map(message => message.id)).toEqual([providerId])
  }, 45_000)

  it('fails a message to a number without WhatsApp with the reason, and sends the next one (Evolution API)', async () => {
    const channel = await evolutionChannel()
    const conversation = await conversationOn(channel)
    await sim.setFaults({ failSends: { count: 1, mode: 'not_on_whatsapp' } }, channel.target)
    const refused = await queue(conversation, { body: 'Olá?' })
    const next = await queue(conversation, { body: 'Tudo bem?' })
    await triggerSend()

    expect(await eventually(async () => {
      const state = await messageState(refused)
      return state.status === 'failed' ? state : undefined
    }, 10_000, 'the refused message failed')).toEqual({ status: 'failed', status_error: 'Este número não tem WhatsApp.', provider_message_id: null })
    expect((await outboxOf(refused)).status).toBe('failed')
    // A permanent failure does not hold the conversation back.
    await triggerSend()
    const providerId = await providerIdOnceSent(next)
    expect((await inboxWith(channel, conversation.phone, 1)).map(message => message.id)).toEqual([providerId])
  })

  it('marks a message Meta refuses outside the 24-hour window failed with the reason (Cloud API, 131047)', async () => {
    const channel = await cloudChannel()
    const conversation = await conversationOn(channel)
    await sim.setFaults({ failSends: { count: 1, mode: 'cloud_131047' } }, channel.target)
    const messageId = await queue(conversation, { body: 'Voltando ao seu pedido…' })
    await triggerSend()

    // Meta accepts (200), then reports the failure in a status webhook.
    const failed = await eventually(async () => {
      const state = await messageState(messageId)
      return state.status === 'failed' ? state : undefined
    }, 10_000, 'the 131047 failure applied')
    expect(failed.provider_message_id).toMatch(/^wamid\./)
    expect(failed.status_error).toContain('Fora da janela de 24 horas do WhatsApp')
  })
})

describe('who may call the sender', () => {
  it('the scheduler: only the service role', async () => {
    const carlaToken = (await carla.auth.getSession()).data.session!.access_token
    expect((await callScheduler(null)).status).toBe(401)
    for (const token of [getStack().anonKey, carlaToken]) {
      const answer = await callScheduler(token)
      expect(answer.status).toBe(403)
      expect(await answer.json()).toMatchObject({ code: 'service_role_required' })
    }
  })

  it('whatsapp-send: active staff and the service role; not observers, not anonymous callers', async () => {
    await triggerSend()
    const asService = await fetch(`${getStack().url}/functions/v1/whatsapp-send`, {
      method: 'POST', headers: { authorization: `Bearer ${getStack().serviceRoleKey}`, apikey: getStack().anonKey },
    })
    expect(asService.status).toBe(200)

    const observer = await signedInClient(DEMO.observer.email, DEMO.password)
    const denied = await observer.functions.invoke('whatsapp-send', { body: {} })
    expect((denied.error as { context?: Response } | null)?.context?.status).toBe(403)

    const anonymous = await fetch(`${getStack().url}/functions/v1/whatsapp-send`, {
      method: 'POST', headers: { authorization: `Bearer ${getStack().anonKey}`, apikey: getStack().anonKey },
    })
    expect(anonymous.status).toBe(401)
  })
})
