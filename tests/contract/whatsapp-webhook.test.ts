/**
 * The whatsapp-webhook function end to end: every shared webhook fixture posted through the gateway (as
 * Evolution and Meta would) lands in the right rows — ledger, contact and identities, ticket, message,
 * file in Storage, delivery status, channel state. Plus duplicates (in a row and at once), reordered
 * deliveries, rejected requests, the Meta handshake, and a processing failure retried by
 * processLedgerEvent on the claimed row, as the scheduler does.
 *
 * Each case gets its own channel, and the fixture's instance, phone number id, customer phone and @lid
 * are replaced by fresh values, so cases (and other suites sharing the stack) never see each other's
 * contacts. Media that must be fetched comes from a small fake of Evolution's getBase64 and the Graph
 * media endpoints started here; the channels point their provider URLs at it.
 */
import { createHmac, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { QueryResultRow } from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { processLedgerEvent } from '../../supabase/functions/_shared/ingest/process-event.ts'
import { MEDIA_MAX_ATTEMPTS, STATUS_MAX_ATTEMPTS } from '../../supabase/functions/_shared/ingest/outcome.ts'
import type { LedgerRow } from '../../supabase/functions/_shared/ingest/types.ts'
import { createWhatsappWebhookHandler, type WebhookDeps } from '../../supabase/functions/whatsapp-webhook/handler.ts'
import { closeOwnerPool, ownerPool } from '../support/db.ts'
import { createChannel, createMessage, createTicket, uniqueDigits } from '../support/fixtures.ts'
import { eventually, getStack, serviceClient } from '../support/stack.ts'
import { fixturesDir, type FixtureProvider, webhookFixtureNames } from '../support/whatsapp-fixtures.ts'

/** Rows and JSON bodies read loosely in assertions (pg's own row type). */
type Row = QueryResultRow

const webhookUrl = (path: string) => `${getStack().url}/functions/v1/whatsapp-webhook/${path}`

// Fake provider endpoints ----------------------------------------------------------------------------

const EVOLUTION_KEY = 'fake-evolution-global-key'
const GRAPH_TOKEN = 'EAAG-fake-graph-token'

/** What the fake serves for a media id / message id: deterministic bytes the test can compare. */
const fileBytes = (id: string) => Buffer.from(`conteúdo do arquivo ${id}`)

/** Cloud fixtures' media ids → MIME type, as Graph's media endpoint reports it. */
const CLOUD_MEDIA_MIME: Record<string, string> = {
  1003383421387256: 'image/jpeg',
  1219430229870145: 'audio/ogg; codecs=opus',
  789012345678901: 'application/pdf',
  456789012345678: 'video/mp4',
  987654321098765: 'image/webp',
}

/** Evolution getBase64FromMediaMessage and Graph `GET /{media id}` + download, with an outage switch. */
class FakeProviders {
  private server: Server | undefined
  url = ''
  down = false
  /** Media ids Graph answers 400 for (expired). */
  readonly expired = new Set<string>()
  readonly requests: { method: string, path: string, headers: IncomingMessage['headers'], body: Row | null }[] = []

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: Error) => {
        res.writeHead(500).end(error.message)
      })
    })
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  stop(): Promise<void> {
    return new Promise(resolve => this.server ? this.server.close(() => resolve()) : resolve())
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const text = Buffer.concat(chunks).toString('utf8')
    const path = new URL(req.url ?? '/', this.url).pathname
    this.requests.push({ method: req.method ?? '', path, headers: req.headers, body: text ? JSON.parse(text) : null })
    if (this.down) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"fora do ar"}')
      return
    }
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    }

    const evolution = /^\/evolution\/chat\/getBase64FromMediaMessage\/([^/]+)$/.exec(path)
    if (evolution && req.method === 'POST') {
      if (req.headers.apikey !== EVOLUTION_KEY) return json(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } })
      const body = JSON.parse(text) as { message: { key: { id: string }, message: Row } }
      const [mediaType, content] = Object.entries(body.message.message).find(([name]) => name.endsWith('Message')) ?? []
      if (!mediaType) return json(400, { status: 400, error: 'Bad Request', response: { message: ['The message is not of the media type'] } })
      const bytes = fileBytes(body.message.key.id)
      return json(201, { mediaType, fileName: `${body.message.key.id}.bin`, size: { fileLength: { low: bytes.length, high: 0, unsigned: true } }, mimetype: (content as Row).mimetype, base64: bytes.toString('base64'), buffer: null })
    }

    const authorized = req.headers.authorization === `Bearer ${GRAPH_TOKEN}`
    const mediaUrl = /^\/graph\/v23\.0\/(\d+)$/.exec(path)
    if (mediaUrl && req.method === 'GET') {
      if (!authorized) return json(401, { error: { code: 190, message: 'Invalid OAuth access token' } })
      const id = mediaUrl[1]!
      if (this.expired.has(id)) return json(400, { error: { code: 100, message: 'Unsupported get request. Object does not exist' } })
      return json(200, { url: `${this.url}/graph/files/${id}?hash=x`, mime_type: CLOUD_MEDIA_MIME[id] ?? 'application/octet-stream', sha256: 'x', file_size: String(fileBytes(id).length), id, messaging_product: 'whatsapp' })
    }
    const download = /^\/graph\/files\/(\d+)$/.exec(path)
    if (download && req.method === 'GET') {
      if (!authorized) return json(401, { error: { code: 190, message: 'Invalid OAuth access token' } })
      res.writeHead(200, { 'content-type': CLOUD_MEDIA_MIME[download[1]!] ?? 'application/octet-stream' }).end(fileBytes(download[1]!))
      return
    }
    json(404, { error: 'not found' })
  }
}

const fake = new FakeProviders()

beforeAll(() => fake.start())
afterAll(async () => {
  await fake.stop()
  await closeOwnerPool()
})

// Channels, personas and fixtures ---------------------------------------------------------------------

/** A fresh customer: a Brazilian mobile (with and without the 9th digit) and a @lid. */
interface Persona { phone: string, phoneWithoutNine: string, lid: string }

function persona(): Persona {
  const subscriber = `${6 + Math.floor(Math.random() * 4)}${uniqueDigits(9).slice(2)}`
  return { phone: `55119${subscriber}`, phoneWithoutNine: `5511${subscriber}`, lid: `${uniqueDigits(15)}@lid` }
}

interface EvolutionChannel { id: string, instance: string, secret: string }
interface CloudChannel { id: string, phoneNumberId: string, appSecret: string, verifyToken: string }

async function evolutionChannel(values: Row = {}): Promise<EvolutionChannel> {
  const channel = await createChannel({ provider: 'evolution', ...values })
  const instance = `wh-${randomUUID().slice(0, 12)}`
  const secret = `segredo-${randomUUID()}`
  await ownerPool().query(
    `insert into public.channel_secrets (channel_id, webhook_secret, evolution_base_url, evolution_api_key, evolution_instance_name)
     values ($1, $2, $3, $4, $5)`,
    [channel.id, secret, `${fake.url}/evolution`, EVOLUTION_KEY, instance],
  )
  return { id: channel.id, instance, secret }
}

async function cloudChannel(values: Row = {}): Promise<CloudChannel> {
  const channel = await createChannel({ provider: 'cloud', ...values })
  const phoneNumberId = uniqueDigits(15)
  const appSecret = `app-secret-${randomUUID()}`
  const verifyToken = `verificar-${randomUUID()}`
  await ownerPool().query(
    `insert into public.channel_secrets (channel_id, cloud_access_token, cloud_app_secret, cloud_verify_token, cloud_phone_number_id, cloud_graph_base_url, cloud_graph_version)
     values ($1, $2, $3, $4, $5, $6, 'v23.0')`,
    [channel.id, GRAPH_TOKEN, appSecret, verifyToken, phoneNumberId, `${fake.url}/graph`],
  )
  return { id: channel.id, phoneNumberId, appSecret, verifyToken }
}

const FIXTURE_PHONE = '5511987654321'
const FIXTURE_LID = '274398732198423'

function rawFixture(provider: FixtureProvider, name: string): string {
  return readFileSync(join(fixturesDir(provider), name), 'utf8')
}

/** The fixture's text with this test's instance, customer phone and @lid (exact bytes are what gets signed). */
function evolutionBody(name: string, channel: EvolutionChannel, who: Persona, phone = who.phone): string {
  return rawFixture('evolution', name).replaceAll('loja-centro', channel.instance).replaceAll(FIXTURE_PHONE, phone).replaceAll(FIXTURE_LID, who.lid.replace('@lid', ''))
}

function cloudBody(name: string, channel: CloudChannel, who: Persona): string {
  return rawFixture('cloud', name).replaceAll('106540352242922', channel.phoneNumberId).replaceAll(FIXTURE_PHONE, who.phone)
}

function edit(body: string, change: (json: Row) => void): string {
  const json = JSON.parse(body) as Row
  change(json)
  return JSON.stringify(json)
}

interface Answer { status: number, body: Row }

async function answerOf(response: Response): Promise<Answer> {
  return { status: response.status, body: await response.json() as Row }
}

async function postEvolution(channel: EvolutionChannel, body: string, secret: string | null = channel.secret): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (secret !== null) headers['x-atende-webhook-secret'] = secret
  return answerOf(await fetch(webhookUrl('evolution'), { method: 'POST', headers, body }))
}

const sign = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`

async function postCloud(channel: CloudChannel, body: string, signature: string | null = sign(channel.appSecret, body)): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (signature !== null) headers['x-hub-signature-256'] = signature
  return answerOf(await fetch(webhookUrl('cloud'), { method: 'POST', headers, body }))
}

// Reading rows ------------------------------------------------------------------------------------------

async function first(sql: string, params: unknown[]): Promise<Row | undefined> {
  return (await ownerPool().query(sql, params)).rows[0]
}

async function ledger(eventId: number): Promise<Row> {
  return (await first('select * from public.provider_events where id = $1', [eventId]))!
}

async function messageOf(channelId: string, providerMessageId: string): Promise<Row> {
  const row = await first('select * from public.messages where channel_id = $1 and provider_message_id = $2', [channelId, providerMessageId])
  if (!row) throw new Error(`no message ${providerMessageId} on channel ${channelId}`)
  return row
}

async function countMessages(channelId: string, providerMessageId: string): Promise<number> {
  return (await first('select count(*)::int as n from public.messages where channel_id = $1 and provider_message_id = $2', [channelId, providerMessageId]))!.n
}

async function contactOf(message: Row): Promise<Row> {
  return (await first('select * from public.contacts where id = $1', [message.contact_id]))!
}

async function identitiesOf(contactId: string): Promise<string[]> {
  const { rows } = await ownerPool().query('select kind, value from public.contact_identities where contact_id = $1 order by kind, value', [contactId])
  return rows.map(row => `${row.kind}:${row.value}`)
}

async function ticketOf(message: Row): Promise<Row> {
  return (await first('select * from public.tickets where id = $1', [message.ticket_id]))!
}

/**
 * The inbox line ingestion wrote for the message. The ticket's own preview has moved on by the time the
 * test reads it: the chatbot answered (these channels have no menu, so it hands the ticket to a queue).
 */
async function previewOf(message: Row): Promise<string> {
  return (await first('select private.message_preview(kind, body, media_name, is_voice_note) as preview from public.messages where id = $1', [message.id]))!.preview as string
}

async function channelRow(channelId: string): Promise<Row> {
  return (await first('select * from public.channels where id = $1', [channelId]))!
}

async function storedFile(path: string): Promise<Buffer> {
  const { data, error } = await serviceClient().storage.from('media').download(path)
  if (error || !data) throw new Error(`media/${path} not in Storage: ${error?.message}`)
  return Buffer.from(await data.arrayBuffer())
}

/** An agent's message already sent through the provider, with its provider id (as the outbox records it). */
async function outboundMessage(channelId: string, providerMessageId: string, status = 'sent'): Promise<Row> {
  const ticket = await createTicket({ status: 'open', channelId })
  return createMessage(ticket, { direction: 'outbound', sender_type: 'agent', status, provider_message_id: providerMessageId, body: 'Podemos agendar a entrega para amanhã?' })
}

/**
 * The webhook's answer (200, received, the event id), then the ledger row once the webhook's own run has
 * processed it (after the answer: the answer says `pending`, or already `ignored` for events with nothing
 * to apply), in `status`. Returns the event id.
 */
async function expectProcessed(answer: Answer, status = 'processed'): Promise<number> {
  expect(answer).toEqual({ status: 200, body: { received: true, event_id: expect.any(Number), status: expect.any(String) } })
  expect(['pending', status]).toContain(answer.body.status)
  const eventId = answer.body.event_id as number
  const row = await settled(eventId)
  expect({ status: row.status, last_error: row.last_error }).toEqual({ status, last_error: status === 'processed' || status === 'duplicate' ? null : expect.anything() })
  return eventId
}

/** The ledger row once the webhook's run (or any run) has recorded its outcome: attempts counted. */
function settled(eventId: number): Promise<Row> {
  return eventually(async () => {
    const row = await ledger(eventId)
    return row.attempts >= 1 ? row : undefined
  }, 10_000, `event ${eventId} to be processed`)
}

/**
 * Leases this event as the scheduler would (claim_provider_events) and returns the row. Made due since
 * 2000, it is the first in claim order, so a one-row claim takes it and no other suite's event.
 */
async function claim(eventId: number): Promise<LedgerRow> {
  await ownerPool().query(`update public.provider_events set next_attempt_at = '2000-01-01' where id = $1`, [eventId])
  return eventually(async () => {
    const { data, error } = await serviceClient().rpc('claim_provider_events', { p_limit: 1, p_lease_seconds: 30 })
    if (error) throw new Error(error.message)
    return (data as LedgerRow[]).find(row => row.id === eventId)
  }, 5000, `event ${eventId} to be claimed`)
}

// Every fixture -----------------------------------------------------------------------------------------

interface EvolutionCase {
  channel: EvolutionChannel
  who: Persona
  body: string
  outbound?: Row
}

const STATUS_TARGET = '3EB07F687BA29993B52BA3'

/** Every Evolution webhook fixture has an entry; a new fixture without one fails `covers every fixture`. */
const evolutionCases: Record<string, { arrange?: (c: EvolutionCase) => Promise<void>, check: (c: EvolutionCase, answer: Answer) => Promise<void> }> = {
  'messages-upsert-text.json': {
    check: async ({ channel, who }, answer) => {
      const eventId = await expectProcessed(answer)
      const message = await messageOf(channel.id, '3A5D1C0E2F4B6A8C9D0E')
      expect(message).toMatchObject({
        direction: 'inbound', sender_type: 'contact', kind: 'text', body: 'Olá, preciso de ajuda com meu pedido #4521',
        status: 'received', provider_timestamp: new Date(1761057612 * 1000), media_path: null,
      })
      expect(await contactOf(message)).toMatchObject({ phone: who.phone, whatsapp_name: 'Maria Souza' })
      expect(await identitiesOf(message.contact_id)).toEqual([`lid:${who.lid}`, `phone:${who.phoneWithoutNine}`, `phone:${who.phone}`])
      expect(await ticketOf(message)).toMatchObject({ channel_id: channel.id, contact_id: message.contact_id, unread_count: 1 })
      const row = await ledger(eventId)
      expect(row).toMatchObject({ status: 'processed', channel_id: channel.id, event_type: 'messages.upsert', provider_message_id: '3A5D1C0E2F4B6A8C9D0E', attempts: 1, last_error: null, next_attempt_at: null })
      expect(row.processed_at).toBeInstanceOf(Date)
      expect(row.headers['x-atende-webhook-secret']).toBe('[redacted]')
      expect(row.payload.apikey).toBe('[redacted]')
      expect(JSON.stringify(row)).not.toContain(channel.secret)
    },
  },
  'messages-upsert-text-lid-2.3.6.json': {
    check: async ({ channel, who }, answer) => {
      await expectProcessed(answer)
      const message = await messageOf(channel.id, '3A9F00C1D2E3F4A5B6C7')
      expect(message).toMatchObject({ kind: 'text', body: 'Oi, vocês entregam no sábado?' })
      expect(await identitiesOf(message.contact_id)).toEqual([`lid:${who.lid}`, `phone:${who.phoneWithoutNine}`, `phone:${who.phone}`])
    },
  },
  'messages-upsert-text-lid-2.3.7.json': {
    check: async ({ channel, who }, answer) => {
      await expectProcessed(answer)
      const message = await messageOf(channel.id, '3A9F00C1D2E3F4A5B6C7')
      expect(await contactOf(message)).toMatchObject({ phone: who.phone })
      expect(await identitiesOf(message.contact_id)).toEqual([`phone:${who.phoneWithoutNine}`, `phone:${who.phone}`])
    },
  },
  'messages-upsert-reply.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, STATUS_TARGET)
    },
    check: async ({ channel, outbound }, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(channel.id, '3A11B2C3D4E5F6A7B8C9')).toMatchObject({
        kind: 'text', body: 'Sim, pode ser amanhã à tarde', quoted_provider_message_id: STATUS_TARGET, quoted_message_id: outbound!.id,
      })
    },
  },
  'messages-upsert-image.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      const message = await messageOf(channel.id, '3A7C2E9F1B3D5A7C9E1F')
      const path = `inbound/${channel.id}/2025-10/3A7C2E9F1B3D5A7C9E1F.jpg`
      expect(message).toMatchObject({ kind: 'image', body: 'Foto do produto com defeito', media_path: path, media_mime: 'image/jpeg', media_size: String(fileBytes('3A7C2E9F1B3D5A7C9E1F').length) })
      expect(await storedFile(path)).toEqual(fileBytes('3A7C2E9F1B3D5A7C9E1F'))
      const request = fake.requests.findLast(r => r.path === `/evolution/chat/getBase64FromMediaMessage/${channel.instance}`)
      expect(request?.body).toMatchObject({ message: { key: { id: '3A7C2E9F1B3D5A7C9E1F', fromMe: false }, message: { imageMessage: { mimetype: 'image/jpeg' } } } })
    },
  },
  'messages-upsert-image-base64.json': {
    check: async ({ channel, body }, answer) => {
      const eventId = await expectProcessed(answer)
      const path = `inbound/${channel.id}/2025-10/3A7C2E9F1B3D5A7C9E1F.jpg`
      expect(await messageOf(channel.id, '3A7C2E9F1B3D5A7C9E1F')).toMatchObject({ kind: 'image', media_path: path, media_mime: 'image/jpeg' })
      const inline = (JSON.parse(body) as Row).data.message.base64 as string
      expect(await storedFile(path)).toEqual(Buffer.from(inline, 'base64'))
      // (The chatbot's reply goes to /message/sendText/<instance>: only the download would be a mistake.)
      expect(fake.requests.some(r => r.path === `/evolution/chat/getBase64FromMediaMessage/${channel.instance}`)).toBe(false)
      expect((await ledger(eventId)).payload.data.message.base64).toBe(`[base64 removido: arquivo em media/${path}]`)
    },
  },
  'messages-upsert-audio-ptt.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      const path = `inbound/${channel.id}/2025-10/3A2B4C6D8E0F1A3B5C7D.ogg`
      expect(await messageOf(channel.id, '3A2B4C6D8E0F1A3B5C7D')).toMatchObject({
        kind: 'audio', body: null, is_voice_note: true, media_duration_seconds: '7.00', media_mime: 'audio/ogg; codecs=opus', media_path: path,
      })
      expect(await storedFile(path)).toEqual(fileBytes('3A2B4C6D8E0F1A3B5C7D'))
    },
  },
  'messages-upsert-document.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      const id = 'AB12CD34EF56AB78CD90EF12AB34CD56'
      const message = await messageOf(channel.id, id)
      expect(message).toMatchObject({ kind: 'document', body: 'Segue a nota', media_name: 'nota-fiscal-4521.pdf', media_mime: 'application/pdf', media_path: `inbound/${channel.id}/2025-10/${id}.pdf` })
      expect(await previewOf(message)).toBe('📄 nota-fiscal-4521.pdf')
    },
  },
  'messages-upsert-location.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(channel.id, '3A66C0FFEE1234567890')).toMatchObject({
        kind: 'location', body: null, location: { latitude: -23.561414, longitude: -46.655881, name: 'Av. Paulista, 1578', address: 'Bela Vista, São Paulo - SP', url: null },
      })
    },
  },
  'messages-upsert-fromme-phone.json': {
    arrange: async ({ channel, who }) => {
      await expectProcessed(await postEvolution(channel, evolutionBody('messages-upsert-text.json', channel, who)))
    },
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      const customerMessage = await messageOf(channel.id, '3A5D1C0E2F4B6A8C9D0E')
      const typed = await messageOf(channel.id, '3AF0E1D2C3B4A5968778')
      expect(typed).toMatchObject({
        direction: 'outbound', sender_type: 'agent', sender_id: null, status: 'sent', kind: 'text',
        body: 'Oi Maria, aqui é a Ana da Loja Centro. Já verifiquei seu pedido.', ticket_id: customerMessage.ticket_id, contact_id: customerMessage.contact_id,
      })
      // The company's own push name is not taken as the customer's.
      expect((await contactOf(typed)).whatsapp_name).toBe('Maria Souza')
    },
  },
  'send-message-api-echo.json': {
    check: async ({ channel }, answer) => {
      const eventId = await expectProcessed(answer, 'ignored')
      expect(await ledger(eventId)).toMatchObject({ status: 'ignored', event_type: 'send.message', provider_message_id: STATUS_TARGET, last_error: expect.stringContaining('echo') })
      expect(await countMessages(channel.id, STATUS_TARGET)).toBe(0)
    },
  },
  'messages-update-delivery-ack.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, STATUS_TARGET)
    },
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(channel.id, STATUS_TARGET)).toMatchObject({ status: 'delivered', status_error: null })
    },
  },
  'messages-update-read.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, STATUS_TARGET, 'delivered')
    },
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect((await messageOf(channel.id, STATUS_TARGET)).status).toBe('read')
    },
  },
  'messages-delete.json': {
    check: async (_c, answer) => {
      const eventId = await expectProcessed(answer, 'ignored')
      expect((await ledger(eventId)).last_error).toContain('deletions are not applied')
    },
  },
  'connection-update-open.json': {
    arrange: async ({ channel }) => {
      await ownerPool().query(`update public.channels set connection_state = 'qr', state_changed_at = now() where id = $1`, [channel.id])
      await ownerPool().query('insert into public.channel_qr_codes (channel_id, qr_code) values ($1, $2)', [channel.id, '2@old'])
    },
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'connected', state_reason: null, phone_number: '5511912345678' })
      expect(await first('select 1 from public.channel_qr_codes where channel_id = $1', [channel.id])).toBeUndefined()
    },
  },
  'connection-update-connecting.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect((await channelRow(channel.id)).connection_state).toBe('connecting')
    },
  },
  'connection-update-close.json': {
    arrange: async ({ channel }) => {
      await ownerPool().query(`update public.channels set connection_state = 'connected', phone_number = '5511912345678' where id = $1`, [channel.id])
    },
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'disconnected', state_reason: 'Sessão encerrada no celular (desconectado)', phone_number: '5511912345678' })
    },
  },
  'connection-update-refused.json': {
    check: async ({ channel }, answer) => {
      await expectProcessed(answer)
      expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'error', state_reason: expect.stringContaining('Reconectar') })
    },
  },
  'qrcode-updated.json': {
    check: async ({ channel, body }, answer) => {
      const eventId = await expectProcessed(answer)
      const qr = (await first('select * from public.channel_qr_codes where channel_id = $1', [channel.id]))!
      expect(qr.qr_code).toBe((JSON.parse(body) as Row).data.qrcode.code)
      expect(qr.expires_at.getTime() - (await ledger(eventId)).received_at.getTime()).toBe(45_000)
      expect((await channelRow(channel.id)).connection_state).toBe('qr')
    },
  },
}

interface CloudCase {
  channel: CloudChannel
  who: Persona
  outbound?: Row
}

const CLOUD_SENT = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEjQ1QTdCOUMxRDNFNUY3QTlCMQA='
const cloudId = (name: string) => (JSON.parse(rawFixture('cloud', name)) as Row).entry[0].changes[0].value.messages[0].id as string

async function cloudMedia(c: CloudCase, name: string, mediaId: string, extension: string): Promise<Row> {
  const message = await messageOf(c.channel.id, cloudId(name))
  expect(message.media_path).toMatch(new RegExp(`^inbound/${c.channel.id}/2025-10/wamid\\.[\\w.-]+-[0-9a-f]{8}\\.${extension}$`))
  expect(await storedFile(message.media_path)).toEqual(fileBytes(mediaId))
  expect(Number(message.media_size)).toBe(fileBytes(mediaId).length)
  return message
}

/** Every Cloud webhook fixture has an entry; a new fixture without one fails `covers every fixture`. */
const cloudCases: Record<string, { arrange?: (c: CloudCase) => Promise<void>, check: (c: CloudCase, answer: Answer) => Promise<void> }> = {
  'text.json': {
    check: async (c, answer) => {
      const eventId = await expectProcessed(answer)
      const message = await messageOf(c.channel.id, cloudId('text.json'))
      expect(message).toMatchObject({ direction: 'inbound', kind: 'text', body: 'Olá, preciso de ajuda com meu pedido #4521', provider_timestamp: new Date(1761057612 * 1000) })
      expect(await contactOf(message)).toMatchObject({ phone: c.who.phone, whatsapp_name: 'Maria Souza' })
      expect(await identitiesOf(message.contact_id)).toEqual([`phone:${c.who.phoneWithoutNine}`, `phone:${c.who.phone}`, `wa_id:${c.who.phone}`])
      expect(await ticketOf(message)).toMatchObject({ channel_id: c.channel.id, contact_id: message.contact_id })
      expect(await ledger(eventId)).toMatchObject({ channel_id: c.channel.id, event_type: 'message', provider_message_id: cloudId('text.json') })
    },
  },
  'reply-text.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, CLOUD_SENT)
    },
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, cloudId('reply-text.json'))).toMatchObject({ body: 'Sim, pode ser amanhã à tarde', quoted_message_id: c.outbound!.id, quoted_provider_message_id: CLOUD_SENT })
    },
  },
  'image.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await cloudMedia(c, 'image.json', '1003383421387256', 'jpg')).toMatchObject({ kind: 'image', body: 'Foto do produto com defeito', media_mime: 'image/jpeg' })
    },
  },
  'audio-voice.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await cloudMedia(c, 'audio-voice.json', '1219430229870145', 'ogg')).toMatchObject({ kind: 'audio', is_voice_note: true, media_mime: 'audio/ogg; codecs=opus' })
    },
  },
  'document.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await cloudMedia(c, 'document.json', '789012345678901', 'pdf')).toMatchObject({ kind: 'document', body: 'Segue a nota', media_name: 'nota-fiscal-4521.pdf', media_mime: 'application/pdf' })
    },
  },
  'video.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await cloudMedia(c, 'video.json', '456789012345678', 'mp4')).toMatchObject({ kind: 'video', body: 'Vídeo mostrando o problema', media_mime: 'video/mp4' })
    },
  },
  'sticker.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await cloudMedia(c, 'sticker.json', '987654321098765', 'webp')).toMatchObject({ kind: 'sticker', body: null, media_mime: 'image/webp' })
    },
  },
  'location.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, cloudId('location.json'))).toMatchObject({
        kind: 'location', location: { latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP', url: null },
      })
    },
  },
  'contacts.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      const message = await messageOf(c.channel.id, cloudId('contacts.json'))
      expect(message).toMatchObject({ kind: 'contact', contact_cards: [{ display_name: 'Carlos Lima', phones: [{ phone: '+55 21 99887-7665', wa_id: '5521998877665', type: 'CELL' }], vcard: null }] })
      expect(await previewOf(message)).toBe('👤 Contato')
    },
  },
  'interactive-button-reply.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, cloudId('interactive-button-reply.json'))).toMatchObject({
        kind: 'text', body: 'Sim, resolvido', quoted_provider_message_id: 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEkJVVFRPTlNfTVNHXzAwMDAxAA==', quoted_message_id: null,
      })
    },
  },
  'interactive-list-reply.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, cloudId('interactive-list-reply.json'))).toMatchObject({ kind: 'text', body: 'Financeiro' })
    },
  },
  'template-button-reply.json': {
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, cloudId('template-button-reply.json'))).toMatchObject({ kind: 'text', body: 'Reabrir atendimento' })
    },
  },
  'status-sent.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, CLOUD_SENT, 'pending')
    },
    check: async (c, answer) => {
      const eventId = await expectProcessed(answer)
      expect(await messageOf(c.channel.id, CLOUD_SENT)).toMatchObject({ status: 'sent', status_updated_at: new Date(1761057991 * 1000) })
      expect((await ledger(eventId)).event_type).toBe('status')
    },
  },
  'status-delivered.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, CLOUD_SENT)
    },
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, CLOUD_SENT)).toMatchObject({ status: 'delivered', status_updated_at: new Date(1761057993 * 1000) })
    },
  },
  'status-read.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, CLOUD_SENT, 'delivered')
    },
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect((await messageOf(c.channel.id, CLOUD_SENT)).status).toBe('read')
    },
  },
  'status-failed-media-url.json': {
    arrange: async (c) => {
      c.outbound = await outboundMessage(c.channel.id, 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEk1FRElBX1VSTF80MDRfX18A')
    },
    check: async (c, answer) => {
      await expectProcessed(answer)
      expect(await messageOf(c.channel.id, 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABEYEk1FRElBX1VSTF80MDRfX18A')).toMatchObject({
        status: 'failed', status_error: 'A Meta não conseguiu usar o arquivo: verifique o link, o formato e o tamanho da mídia. (erro 131014)',
      })
    },
  },
}

describe('every Evolution webhook fixture', () => {
  it('covers every fixture', () => {
    expect(Object.keys(evolutionCases).sort()).toEqual(webhookFixtureNames('evolution').sort())
  })

  it.each(Object.keys(evolutionCases))('%s', async (name) => {
    const channel = await evolutionChannel()
    const c: EvolutionCase = { channel, who: persona(), body: '' }
    c.body = evolutionBody(name, channel, c.who)
    await evolutionCases[name]!.arrange?.(c)
    await evolutionCases[name]!.check(c, await postEvolution(channel, c.body))
  })
})

describe('every Cloud API webhook fixture', () => {
  it('covers every fixture', () => {
    expect(Object.keys(cloudCases).sort()).toEqual(webhookFixtureNames('cloud').sort())
  })

  it.each(Object.keys(cloudCases))('%s', async (name) => {
    const c: CloudCase = { channel: await cloudChannel(), who: persona() }
    await cloudCases[name]!.arrange?.(c)
    await cloudCases[name]!.check(c, await postCloud(c.channel, cloudBody(name, c.channel, c.who)))
  })
})

// One person, one contact ------------------------------------------------------------------------------

describe('contact identity', () => {
  it('@lid: the 2.3.6 shape, the 2.3.7 re-delivery of the same message and a later @lid-only message are one contact', async () => {
    const channel = await evolutionChannel()
    const who = persona()
    await expectProcessed(await postEvolution(channel, evolutionBody('messages-upsert-text-lid-2.3.6.json', channel, who)))
    await expectProcessed(await postEvolution(channel, evolutionBody('messages-upsert-text-lid-2.3.7.json', channel, who)), 'duplicate')
    const lidOnly = edit(evolutionBody('messages-upsert-text-lid-2.3.6.json', channel, who), (json) => {
      json.data.key = { remoteJid: who.lid, fromMe: false, id: '3A00LIDONLY000000001', addressingMode: 'lid' }
      json.data.message.conversation = 'Alguém aí?'
    })
    await expectProcessed(await postEvolution(channel, lidOnly))

    const original = await messageOf(channel.id, '3A9F00C1D2E3F4A5B6C7')
    const later = await messageOf(channel.id, '3A00LIDONLY000000001')
    expect(later.contact_id).toBe(original.contact_id)
    expect(later.ticket_id).toBe(original.ticket_id)
    expect(await countMessages(channel.id, '3A9F00C1D2E3F4A5B6C7')).toBe(1)
  })

  it('9th digit: the same customer writing as the 12-digit form, then the 13-digit one, then through the Cloud API, is one contact', async () => {
    const evolution = await evolutionChannel()
    const cloud = await cloudChannel()
    const who = persona()
    await expectProcessed(await postEvolution(evolution, evolutionBody('messages-upsert-text.json', evolution, who, who.phoneWithoutNine)))
    await expectProcessed(await postEvolution(evolution, evolutionBody('messages-upsert-location.json', evolution, who)))
    await expectProcessed(await postCloud(cloud, cloudBody('text.json', cloud, who)))

    const oldForm = await messageOf(evolution.id, '3A5D1C0E2F4B6A8C9D0E')
    const newForm = await messageOf(evolution.id, '3A66C0FFEE1234567890')
    const viaCloud = await messageOf(cloud.id, cloudId('text.json'))
    expect(newForm.contact_id).toBe(oldForm.contact_id)
    expect(viaCloud.contact_id).toBe(oldForm.contact_id)
    expect(await contactOf(oldForm)).toMatchObject({ phone: who.phoneWithoutNine })
    expect(await identitiesOf(oldForm.contact_id)).toEqual([`lid:${who.lid}`, `phone:${who.phoneWithoutNine}`, `phone:${who.phone}`, `wa_id:${who.phone}`])
  })
})

// Duplicates and reordering -----------------------------------------------------------------------------

describe('duplicated and reordered deliveries', () => {
  it('the same body twice: stored once, the second delivery recorded as a duplicate', async () => {
    const channel = await evolutionChannel()
    const body = evolutionBody('messages-upsert-image-base64.json', channel, persona())
    await expectProcessed(await postEvolution(channel, body))
    const again = await expectProcessed(await postEvolution(channel, body), 'duplicate')
    expect(await countMessages(channel.id, '3A7C2E9F1B3D5A7C9E1F')).toBe(1)
    // The duplicate's copy of the file is not kept in the ledger either.
    expect((await ledger(again)).payload.data.message.base64).toBe('[base64 removido após o processamento]')
  })

  it('the same body five times at once: one message, one ticket, one file, one delivery counted as processed', async () => {
    const channel = await cloudChannel()
    const body = cloudBody('image.json', channel, persona())
    const answers = await Promise.all(Array.from({ length: 5 }, () => postCloud(channel, body)))
    expect(answers.map(answer => answer.status)).toEqual([200, 200, 200, 200, 200])
    const rows = await Promise.all(answers.map(answer => settled(answer.body.event_id as number)))
    expect(rows.map(row => row.status).sort()).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'processed'])
    expect(await countMessages(channel.id, cloudId('image.json'))).toBe(1)
    const message = await messageOf(channel.id, cloudId('image.json'))
    expect((await first('select count(*)::int as n from public.tickets where channel_id = $1', [channel.id]))!.n).toBe(1)
    expect(await storedFile(message.media_path)).toEqual(fileBytes('1003383421387256'))
  })

  it('a reply before the message it quotes: linked once the original arrives', async () => {
    const channel = await cloudChannel()
    const who = persona()
    const original = cloudBody('text.json', channel, who)
    const reply = edit(cloudBody('reply-text.json', channel, who), (json) => {
      json.entry[0].changes[0].value.messages[0].context = { from: who.phone, id: cloudId('text.json') }
    })
    await expectProcessed(await postCloud(channel, reply))
    expect((await messageOf(channel.id, cloudId('reply-text.json'))).quoted_message_id).toBeNull()
    await expectProcessed(await postCloud(channel, original))
    const [replyRow, originalRow] = [await messageOf(channel.id, cloudId('reply-text.json')), await messageOf(channel.id, cloudId('text.json'))]
    expect(replyRow.quoted_message_id).toBe(originalRow.id)
    expect(replyRow.ticket_id).toBe(originalRow.ticket_id)
  })

  it('a reaction before the message it reacts to: linked once the target arrives', async () => {
    const channel = await cloudChannel()
    const who = persona()
    const reaction = edit(cloudBody('text.json', channel, who), (json) => {
      const message = json.entry[0].changes[0].value.messages[0]
      message.id = 'wamid.REACTION-1'
      message.type = 'reaction'
      delete message.text
      message.reaction = { message_id: cloudId('location.json'), emoji: '👍' }
    })
    await expectProcessed(await postCloud(channel, cloudBody('text.json', channel, who)))
    await expectProcessed(await postCloud(channel, reaction))
    await expectProcessed(await postCloud(channel, cloudBody('location.json', channel, who)))
    expect(await messageOf(channel.id, 'wamid.REACTION-1')).toMatchObject({
      kind: 'reaction', reaction_emoji: '👍', reaction_to_message_id: (await messageOf(channel.id, cloudId('location.json'))).id,
    })
  })

  it('a status before the send is recorded: waits (pending), then applies when the scheduler re-runs it', async () => {
    const channel = await evolutionChannel()
    const answer = await postEvolution(channel, evolutionBody('messages-update-read.json', channel, persona()))
    const eventId = await expectProcessed(answer, 'pending')
    const waiting = await ledger(eventId)
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('not stored yet'), processed_at: null })
    expect(waiting.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(5_000)

    const outbound = await outboundMessage(channel.id, STATUS_TARGET)
    const result = await processLedgerEvent({ service: serviceClient() }, await claim(eventId))
    expect(result.status).toBe('processed')
    expect(await ledger(eventId)).toMatchObject({ status: 'processed', attempts: 2, next_attempt_at: null })
    expect((await first('select status from public.messages where id = $1', [outbound.id]))!.status).toBe('read')
  })

  it('a status for a message that never shows up is ignored, with the reason, after its last attempt', async () => {
    const channel = await cloudChannel()
    const eventId = await expectProcessed(await postCloud(channel, cloudBody('status-delivered.json', channel, persona())), 'pending')
    await ownerPool().query('update public.provider_events set attempts = $2 where id = $1', [eventId, STATUS_MAX_ATTEMPTS - 1])
    const result = await processLedgerEvent({ service: serviceClient() }, await claim(eventId))
    expect(result.status).toBe('ignored')
    expect(await ledger(eventId)).toMatchObject({ status: 'ignored', next_attempt_at: null, last_error: expect.stringContaining('desistimos') })
  })
})

describe('channel state from events the scheduler runs late', () => {
  /** A stored, authenticated event whose first run never finished, received `secondsAgo` ago. */
  async function lateEvent(channel: EvolutionChannel, body: string, secondsAgo: number): Promise<number> {
    const { rows } = await ownerPool().query(
      `insert into public.provider_events (provider, channel_id, payload, status, received_at, next_attempt_at)
       values ('evolution', $1, $2::jsonb, 'pending', now() - make_interval(secs => $3), now()) returning id`,
      [channel.id, body, secondsAgo],
    )
    return Number(rows[0]!.id)
  }

  it('applies a late connection event unless the channel changed state after it was received', async () => {
    const channel = await evolutionChannel({ state_changed_at: new Date(Date.now() - 3_600_000) })
    const connecting = await lateEvent(channel, evolutionBody('connection-update-connecting.json', channel, persona()), 60)
    expect((await processLedgerEvent({ service: serviceClient() }, await claim(connecting))).status).toBe('processed')
    expect((await channelRow(channel.id)).connection_state).toBe('connecting')

    await expectProcessed(await postEvolution(channel, evolutionBody('connection-update-open.json', channel, persona())))
    const close = await lateEvent(channel, evolutionBody('connection-update-close.json', channel, persona()), 30)
    expect((await processLedgerEvent({ service: serviceClient() }, await claim(close))).status).toBe('ignored')
    expect((await ledger(close)).last_error).toContain('stale disconnected state')
    expect((await channelRow(channel.id)).connection_state).toBe('connected')
  })

  it('does not show a QR code that expired before it could be processed', async () => {
    const channel = await evolutionChannel()
    const qr = await lateEvent(channel, evolutionBody('qrcode-updated.json', channel, persona()), 60)
    expect((await processLedgerEvent({ service: serviceClient() }, await claim(qr))).status).toBe('ignored')
    expect((await ledger(qr)).last_error).toContain('expired')
    expect(await first('select 1 from public.channel_qr_codes where channel_id = $1', [channel.id])).toBeUndefined()
  })

  it('a QR limit event tells the admin to reconnect', async () => {
    const channel = await evolutionChannel({ connection_state: 'qr' })
    const body = edit(evolutionBody('qrcode-updated.json', channel, persona()), (json) => {
      json.data = { message: 'QR code limit reached, please login again', statusCode: 500 }
    })
    await expectProcessed(await postEvolution(channel, body))
    expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'disconnected', state_reason: 'O QR Code expirou sem ser lido; clique em Reconectar.' })
  })
})

// Which messages a channel serves -----------------------------------------------------------------------

describe('groups and the allow-list', () => {
  function groupBody(channel: EvolutionChannel, who: Persona, group: string): string {
    return edit(evolutionBody('messages-upsert-text.json', channel, who), (json) => {
      json.data.key = { remoteJid: group, fromMe: false, id: '3AGROUP0000000000001', participant: who.lid, participantAlt: `${who.phone}@s.whatsapp.net` }
    })
  }

  it('ignores group messages unless the channel accepts them; then the group is the contact', async () => {
    const group = `1203630${uniqueDigits(11)}@g.us`
    const who = persona()
    const closed = await evolutionChannel()
    const eventId = await expectProcessed(await postEvolution(closed, groupBody(closed, who, group)), 'ignored')
    expect((await ledger(eventId)).last_error).toContain('group')
    expect(await countMessages(closed.id, '3AGROUP0000000000001')).toBe(0)

    const open = await evolutionChannel({ accept_group_messages: true })
    await expectProcessed(await postEvolution(open, groupBody(open, who, group)))
    const message = await messageOf(open.id, '3AGROUP0000000000001')
    expect(message.body).toBe('Maria Souza: Olá, preciso de ajuda com meu pedido #4521')
    expect(await identitiesOf(message.contact_id)).toEqual([`group:${group}`])
    expect(await ticketOf(message)).toMatchObject({ channel_id: open.id, contact_id: message.contact_id })
  })

  it('ignores WhatsApp Status posts by default', async () => {
    const channel = await evolutionChannel()
    const body = edit(evolutionBody('messages-upsert-text.json', channel, persona()), (json) => {
      json.data.key = { remoteJid: 'status@broadcast', fromMe: false, id: '3ASTATUS000000000001', participant: `${FIXTURE_PHONE}@s.whatsapp.net` }
    })
    const eventId = await expectProcessed(await postEvolution(channel, body), 'ignored')
    expect((await ledger(eventId)).last_error).toContain('Status')
  })

  it('in test mode serves only allowed numbers, matching the 9th digit either way', async () => {
    const allowed = persona()
    const channel = await cloudChannel({ allowed_phones: [allowed.phoneWithoutNine] })
    await expectProcessed(await postCloud(channel, cloudBody('text.json', channel, allowed)))
    const stranger = persona()
    const eventId = await expectProcessed(await postCloud(channel, cloudBody('location.json', channel, stranger)), 'ignored')
    expect((await ledger(eventId)).last_error).toContain(`phone ${stranger.phone} is not in the channel's allow-list`)
    expect(await countMessages(channel.id, cloudId('location.json'))).toBe(0)
    expect(await first('select 1 from public.contact_identities where kind = $1 and value = $2', ['phone', stranger.phone])).toBeUndefined()
  })
})

describe('answered once stored and authenticated, processed after the answer', () => {
  /** The handler as index.ts wires it, with the work after the answer captured instead of left running. */
  function handlerWithBackground(deps: Partial<WebhookDeps> = {}) {
    const tasks: Promise<void>[] = []
    const handler = createWhatsappWebhookHandler({ service: serviceClient(), background: task => void tasks.push(task), ...deps })
    const post = async (channel: EvolutionChannel, body: string, secret = channel.secret) => answerOf(await handler(new Request('http://localhost/whatsapp-webhook/evolution', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-atende-webhook-secret': secret }, body,
    })))
    return { post, tasks }
  }

  it('the answer comes with the event stored and leased, before the message is; the queued work then stores it', async () => {
    const channel = await evolutionChannel()
    const { post, tasks } = handlerWithBackground()
    const answer = await post(channel, evolutionBody('messages-upsert-text.json', channel, persona()))
    expect(answer).toEqual({ status: 200, body: { received: true, event_id: expect.any(Number), status: 'pending' } })
    const eventId = answer.body.event_id as number
    // Leased: if this run died now, the scheduler would take the event when the lease ends.
    const stored = await ledger(eventId)
    expect(stored).toMatchObject({ status: 'pending', channel_id: channel.id, event_type: 'messages.upsert', provider_message_id: '3A5D1C0E2F4B6A8C9D0E' })
    expect(stored.next_attempt_at.getTime() - Date.now()).toBeGreaterThan(30_000)
    expect(tasks).toHaveLength(1)
    await Promise.all(tasks)
    expect(await ledger(eventId)).toMatchObject({ status: 'processed', attempts: 1, next_attempt_at: null })
    expect((await messageOf(channel.id, '3A5D1C0E2F4B6A8C9D0E')).body).toBe('Olá, preciso de ajuda com meu pedido #4521')
  })

  it('with the queue full the answer still comes, and the event is left to the scheduler by its lease', async () => {
    const channel = await evolutionChannel()
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    try {
      const { post, tasks } = handlerWithBackground({ queue: { concurrency: 1, maxQueued: 0 } })
      const eventId = (await post(channel, evolutionBody('messages-upsert-text.json', channel, persona()))).body.event_id as number
      expect(tasks).toHaveLength(0)
      expect(warn).toHaveBeenCalledWith(expect.stringContaining(`event ${eventId} is left to the scheduler`))
      expect((await ledger(eventId)).status).toBe('pending')
      expect((await processLedgerEvent({ service: serviceClient() }, await claim(eventId))).status).toBe('processed')
      expect(await countMessages(channel.id, '3A5D1C0E2F4B6A8C9D0E')).toBe(1)
    }
    finally {
      warn.mockRestore()
    }
  })

  it('a rotated secret works at once; the old one works at most until the isolate\'s copy of the credentials expires', async () => {
    const channel = await evolutionChannel()
    let now = Date.now()
    const { post } = handlerWithBackground({ now: () => new Date(now), channelCacheTtlMs: 5_000 })
    let serial = 0
    const body = () => edit(evolutionBody('messages-upsert-text.json', channel, persona()), (json) => {
      json.data.key.id = `3AROTATE${String(++serial).padStart(12, '0')}`
    })
    const rotate = (secret: string) => ownerPool().query('update public.channel_secrets set webhook_secret = $2 where channel_id = $1', [channel.id, secret])

    expect((await post(channel, body())).status).toBe(200)
    await rotate('segredo-2')
    // The old secret within the copy's lifetime: still accepted (the documented window)…
    expect((await post(channel, body())).status).toBe(200)
    now += 5_000
    // …and refused once the copy expired, judged on fresh credentials (and recorded as rejected).
    const refused = await post(channel, body())
    expect(refused).toMatchObject({ status: 401, body: { code: 'invalid_webhook_secret' } })
    expect(await ledger(refused.body.details.event_id as number)).toMatchObject({ status: 'rejected', channel_id: channel.id })
    expect((await post(channel, body(), 'segredo-2')).status).toBe(200)

    // A request with the new secret reloads the copy at once: from then on the old one is refused.
    await rotate('segredo-3')
    expect((await post(channel, body(), 'segredo-3')).status).toBe(200)
    expect((await post(channel, body(), 'segredo-2')).status).toBe(401)
  })
})

describe('routes', () => {
  it('Evolution\'s "webhook by events" URLs, with the event name appended, are served too', async () => {
    const channel = await evolutionChannel()
    const response = await fetch(webhookUrl('evolution/messages-upsert'), {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-atende-webhook-secret': channel.secret }, body: evolutionBody('messages-upsert-text.json', channel, persona()),
    })
    await expectProcessed(await answerOf(response))
  })

  it('other paths and methods get the error model\'s 404 / 405 (nothing to keep: no provider sends there)', async () => {
    const notFound = await answerOf(await fetch(webhookUrl('telegram'), { method: 'POST', body: '{}' }))
    expect(notFound).toEqual({ status: 404, body: { code: 'not_found', message: expect.any(String) } })
    const wrongMethod = await answerOf(await fetch(webhookUrl('evolution'), { method: 'GET' }))
    expect(wrongMethod).toEqual({ status: 405, body: { code: 'method_not_allowed', message: expect.any(String) } })
  })
})

// Rejected requests --------------------------------------------------------------------------------------

describe('rejected requests: a clear 4xx, kept in the ledger as rejected, without secrets', () => {
  async function rejected(answer: Answer, status: number, code: string): Promise<Row> {
    expect(answer).toEqual({ status, body: { code, message: expect.any(String), details: { event_id: expect.any(Number) } } })
    const row = await ledger(answer.body.details.event_id)
    expect(row).toMatchObject({ status: 'rejected', last_error: expect.stringContaining(code), next_attempt_at: null })
    return row
  }

  it('Evolution without the secret header, or with a wrong one', async () => {
    const channel = await evolutionChannel()
    const body = evolutionBody('messages-upsert-text.json', channel, persona())
    const missing = await rejected(await postEvolution(channel, body, null), 401, 'invalid_webhook_secret')
    expect(missing).toMatchObject({ channel_id: channel.id, event_type: 'messages.upsert', payload: { instance: channel.instance, apikey: '[redacted]' } })
    const wrong = await rejected(await postEvolution(channel, body, 'palpite-errado'), 401, 'invalid_webhook_secret')
    expect(wrong.headers['x-atende-webhook-secret']).toBe('[redacted]')
    expect(JSON.stringify(wrong)).not.toContain('palpite-errado')
    expect(JSON.stringify(wrong)).not.toContain(channel.secret)
    expect(await countMessages(channel.id, '3A5D1C0E2F4B6A8C9D0E')).toBe(0)
  })

  it('Evolution for an unknown instance, without an instance, or with a body that is not JSON', async () => {
    const channel = await evolutionChannel()
    const unknown = await rejected(await postEvolution(channel, evolutionBody('messages-upsert-text.json', { ...channel, instance: `nao-existe-${randomUUID()}` }, persona())), 404, 'unknown_instance')
    expect(unknown.channel_id).toBeNull()
    await rejected(await postEvolution(channel, '{"event":"messages.upsert","data":{}}'), 400, 'invalid_payload')
    const notJson = await rejected(await postEvolution(channel, '{"event": "messages.upsert", "instance": '), 400, 'invalid_json')
    expect(notJson).toMatchObject({ payload: null, raw_body: '{"event": "messages.upsert", "instance": ' })
  })

  it('Evolution with the right secret but a malformed event', async () => {
    const channel = await evolutionChannel()
    const body = edit(evolutionBody('messages-upsert-text.json', channel, persona()), (json) => {
      delete json.data.key
    })
    const row = await rejected(await postEvolution(channel, body), 400, 'invalid_payload')
    expect(row.channel_id).toBe(channel.id)
    expect(row.last_error).toContain('body.data.key')
  })

  it('Cloud without a signature, with a wrong one, or one over different bytes', async () => {
    const channel = await cloudChannel()
    const body = cloudBody('text.json', channel, persona())
    await rejected(await postCloud(channel, body, null), 401, 'invalid_signature')
    await rejected(await postCloud(channel, body, sign('outro-segredo', body)), 401, 'invalid_signature')
    // Same JSON, re-serialized: the signature covers the exact bytes Meta sent.
    const row = await rejected(await postCloud(channel, JSON.stringify(JSON.parse(body)), sign(channel.appSecret, body)), 401, 'invalid_signature')
    expect(row.channel_id).toBe(channel.id)
    expect(await countMessages(channel.id, cloudId('text.json'))).toBe(0)
  })

  it('Cloud for an unknown phone number id, or without one', async () => {
    const channel = await cloudChannel()
    const body = cloudBody('text.json', { ...channel, phoneNumberId: uniqueDigits(15) }, persona())
    await rejected(await postCloud(channel, body), 404, 'unknown_phone_number')
    await rejected(await postCloud(channel, '{"object":"whatsapp_business_account","entry":[]}'), 400, 'invalid_payload')
  })

  it('a body over the size limit: 413, recorded without the body', async () => {
    // The real limit is 50 MB; the same handler with a small limit, against the real ledger.
    const handler = createWhatsappWebhookHandler({ service: serviceClient(), maxBodyBytes: 1024 })
    const response = await handler(new Request('http://localhost/whatsapp-webhook/evolution', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-atende-webhook-secret': 'x' }, body: JSON.stringify({ padding: 'x'.repeat(4096) }),
    }))
    const answer = await answerOf(response)
    const row = await rejected(answer, 413, 'payload_too_large')
    expect(row).toMatchObject({ payload: null, raw_body: null, provider: 'evolution' })
    expect(row.headers['x-atende-webhook-secret']).toBe('[redacted]')
  })
})

describe('Meta verification handshake (GET /whatsapp-webhook/cloud)', () => {
  const verify = (params: Record<string, string>) => fetch(`${webhookUrl('cloud')}?${new URLSearchParams(params)}`)

  it('answers the raw challenge for a channel\'s verify token', async () => {
    const channel = await cloudChannel()
    const response = await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': channel.verifyToken, 'hub.challenge': '1158201444' })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/plain')
    expect(await response.text()).toBe('1158201444')
  })

  it('refuses a token no channel has (403) and a request that is not a subscription (400)', async () => {
    const channel = await cloudChannel()
    expect(await answerOf(await verify({ 'hub.mode': 'subscribe', 'hub.verify_token': 'errado', 'hub.challenge': '1' })))
      .toEqual({ status: 403, body: { code: 'verify_token_mismatch', message: expect.any(String) } })
    expect((await verify({ 'hub.verify_token': channel.verifyToken, 'hub.challenge': '1' })).status).toBe(400)
  })
})

// Failures while processing ----------------------------------------------------------------------------

describe('a failure while processing is retried, visible, and never loses the message', () => {
  it('media server down: 200 and a failed row with its next attempt; back up: the claimed row is processed', async () => {
    const channel = await evolutionChannel()
    fake.down = true
    let eventId: number
    try {
      eventId = await expectProcessed(await postEvolution(channel, evolutionBody('messages-upsert-document.json', channel, persona())), 'failed')
    }
    finally {
      fake.down = false
    }
    const failed = await ledger(eventId)
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, processed_at: null, last_error: expect.stringContaining('HTTP 503') })
    const wait = failed.next_attempt_at.getTime() - Date.now()
    expect(wait).toBeGreaterThan(20_000)
    expect(wait).toBeLessThanOrEqual(30_000)
    expect(await countMessages(channel.id, 'AB12CD34EF56AB78CD90EF12AB34CD56')).toBe(0)

    const result = await processLedgerEvent({ service: serviceClient() }, await claim(eventId))
    expect(result.status).toBe('processed')
    expect(result.outcomes[0]).toMatchObject({ result: 'applied', ingest: { duplicate: false, ticket_status: 'bot', ticket_created: true } })
    expect(await ledger(eventId)).toMatchObject({ status: 'processed', attempts: 2, last_error: null, next_attempt_at: null })
    const message = await messageOf(channel.id, 'AB12CD34EF56AB78CD90EF12AB34CD56')
    expect(await storedFile(message.media_path)).toEqual(fileBytes('AB12CD34EF56AB78CD90EF12AB34CD56'))
  })

  it('still down on the last media attempt: the message is stored without the file, saying why', async () => {
    const channel = await cloudChannel()
    fake.down = true
    try {
      const eventId = await expectProcessed(await postCloud(channel, cloudBody('image.json', channel, persona())), 'failed')
      await ownerPool().query('update public.provider_events set attempts = $2 where id = $1', [eventId, MEDIA_MAX_ATTEMPTS - 1])
      const result = await processLedgerEvent({ service: serviceClient() }, await claim(eventId))
      expect(result.status).toBe('processed')
    }
    finally {
      fake.down = false
    }
    expect(await messageOf(channel.id, cloudId('image.json'))).toMatchObject({
      kind: 'image', media_path: null, media_mime: 'image/jpeg', body: expect.stringMatching(/^Foto do produto com defeito\n\n\[arquivo indisponível: .*HTTP 503.*\]$/),
    })
  })

  it('a file that can never come (expired media id) is not retried: stored at once without it', async () => {
    const channel = await cloudChannel()
    const body = edit(cloudBody('image.json', channel, persona()), (json) => {
      json.entry[0].changes[0].value.messages[0].image.id = '5550001112223334'
    })
    fake.expired.add('5550001112223334')
    await expectProcessed(await postCloud(channel, body))
    expect((await messageOf(channel.id, cloudId('image.json'))).body).toMatch(/\[arquivo indisponível: .*HTTP 400\]$/)
  })
})
