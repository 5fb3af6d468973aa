/**
 * The WhatsApp simulator of the local stack answers like the real providers: Evolution API 2.3.7 and the
 * Meta Graph (Cloud) API, compared field by field with the shared fixtures. A local receiver stands in
 * for Atende's webhook; every test uses its own instance, number and customer, and scopes its faults.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto'
import { jwtVerify } from 'jose'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeModulesPng } from '../../local-stack/simulator/png.ts'
import { startSimulator } from '../../local-stack/simulator/index.ts'
import { registerSimulatorChannels } from '../../local-stack/simulator/register-channels.ts'
import { normalizeCloudWebhook } from '../../supabase/functions/_shared/providers/cloud.ts'
import { normalizeEvolutionWebhook } from '../../supabase/functions/_shared/providers/evolution.ts'
import { verifyCloudSignature } from '../../supabase/functions/_shared/webhook-auth.ts'
import { eventually, getStack } from '../support/stack.ts'
import { type ReceivedWebhook, type WebhookReceiver, shapeDifferences, simulator, startWebhookReceiver } from '../support/simulator.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are explored freely in assertions; their structure is checked against the fixtures
type Json = Record<string, any>

const sim = simulator()
let receiver: WebhookReceiver

beforeAll(async () => {
  receiver = await startWebhookReceiver()
})

afterAll(async () => {
  await receiver?.close()
})

const EVENTS = ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'MESSAGES_DELETE', 'SEND_MESSAGE']
const evolutionFixture = (name: string) => readFixture<Json>('evolution', name)
const cloudFixture = (name: string) => readFixture<Json>('cloud', name)

const uniqueName = (label: string) => `contrato-${label}-${randomUUID().slice(0, 8)}`
const customerPhone = () => `5511${randomInt(900_000_000, 999_999_999)}`
const digits = (length: number) => String(randomInt(1, 10)) + Array.from({ length: length - 1 }, () => randomInt(0, 10)).join('')

/** A real PNG (a 10×10 checkerboard), a minimal one-page PDF and OGG/Opus-looking bytes. */
const PNG = encodeModulesPng(Array.from({ length: 10 }, (_, y) => Array.from({ length: 10 }, (_, x) => (x + y) % 2 === 0)), 3, 1)
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const OGG = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), randomBytes(200)])

async function evolution(path: string, init: { method?: string, body?: unknown, apikey?: string | null } = {}): Promise<{ status: number, body: Json }> {
  const headers: Record<string, string> = {}
  if (init.apikey !== null) headers.apikey = init.apikey ?? sim.evolutionApiKey
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${sim.evolutionUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  })
  return { status: response.status, body: await response.json().catch(() => null) }
}

async function graph(path: string, init: { method?: string, body?: unknown, token?: string | null, form?: FormData } = {}): Promise<{ status: number, body: Json }> {
  const headers: Record<string, string> = {}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${sim.graphUrl}${path}`, {
    method: init.method ?? (init.body === undefined && !init.form ? 'GET' : 'POST'),
    headers,
    body: init.form ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  })
  return { status: response.status, body: await response.json().catch(() => null) }
}

function webhook(what: string, match: (received: ReceivedWebhook) => boolean, timeoutMs = 10_000): Promise<ReceivedWebhook> {
  return eventually(() => receiver.received.find(match), timeoutMs, what)
}

function evolutionEvents(instance: string, event: string): ReceivedWebhook[] {
  return receiver.received.filter(received => received.body?.instance === instance && received.body?.event === event)
}

const evolutionEvent = (instance: string, event: string, match: (data: Json) => boolean = () => true) =>
  webhook(`${event} of ${instance}`, received => received.body?.instance === instance && received.body?.event === event && match(received.body.data as Json))

/** The one change of a Cloud webhook body. */
const cloudValue = (received: ReceivedWebhook): Json => (received.body as Json).entry[0].changes[0].value
const cloudWebhook = (phoneNumberId: string, what: string, match: (value: Json) => boolean) =>
  webhook(what, received => received.body?.object === 'whatsapp_business_account' && cloudValue(received).metadata.phone_number_id === phoneNumberId && match(cloudValue(received)))

/** The fixture's structure with the customer's file inline removed when the fixture has none (`webhook.base64`). */
function withoutInlineFile(body: Json): Json {
  const copy = structuredClone(body)
  delete copy.data.message.base64
  return copy
}

async function createInstance(name: string, webhook: Json = {}): Promise<{ status: number, body: Json }> {
  return evolution('/instance/create', {
    body: {
      instanceName: name,
      integration: 'WHATSAPP-BAILEYS',
      qrcode: true,
      webhook: { url: `${receiver.url}/evolution`, byEvents: false, base64: true, headers: { 'x-atende-webhook-secret': `segredo-${name}` }, events: EVENTS, ...webhook },
    },
  })
}

/** An instance whose QR was scanned by `business`: open, ready to send and receive. */
async function connectedInstance(label: string, business = `5511${randomInt(30_000_000, 39_999_999)}`): Promise<{ name: string, business: string }> {
  const name = uniqueName(label)
  expect((await createInstance(name)).status).toBe(201)
  await sim.scan(name, { phone: business, profileName: 'Loja Contrato' })
  await evolutionEvent(name, 'connection.update', data => data.state === 'open')
  return { name, business }
}

describe('fake Evolution API: authentication and errors', () => {
  it('answers 401/403/404 with Evolution\'s error envelope', async () => {
    const name = uniqueName('auth')
    const unauthorized = { status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } }
    expect(await evolution('/instance/create', { apikey: null, body: { instanceName: name, integration: 'WHATSAPP-BAILEYS' } })).toEqual(unauthorized)
    expect(await evolution('/instance/create', { apikey: 'chave-errada', body: { instanceName: name, integration: 'WHATSAPP-BAILEYS' } })).toEqual(unauthorized)

    const created = await createInstance(name)
    expect(created.status).toBe(201)
    const token = created.body.hash as string
    expect(token).toMatch(/^[0-9A-F-]{36}$/)
    // The instance token opens its own instance, not another one, and cannot create instances.
    expect((await evolution(`/instance/connectionState/${name}`, { apikey: token })).status).toBe(200)
    const other = uniqueName('auth-outra')
    expect((await createInstance(other)).status).toBe(201)
    expect(await evolution(`/instance/connectionState/${other}`, { apikey: token })).toEqual(unauthorized)
    expect(await evolution('/instance/create', { apikey: token, body: { instanceName: uniqueName('x'), integration: 'WHATSAPP-BAILEYS' } })).toEqual(unauthorized)

    expect(await createInstance(name)).toEqual({ status: 403, body: { status: 403, error: 'Forbidden', response: { message: [`This name "${name}" is already in use.`] } } })
    expect(await evolution('/instance/connectionState/nao-existe-contrato')).toEqual({
      status: 404, body: { status: 404, error: 'Not Found', response: { message: ['The "nao-existe-contrato" instance does not exist'] } },
    })
    expect(await evolution('/instance/create', { body: { instanceName: uniqueName('x'), integration: 'WHATSAPP-WEB' } })).toMatchObject({ status: 400, body: { response: { message: ['Invalid integration'] } } })
  })

  it('refuses a webhook without events on create, as 2.3.7 crashes on it, and keeps no instance', async () => {
    const name = uniqueName('sem-eventos')
    const answer = await evolution('/instance/create', { body: { instanceName: name, integration: 'WHATSAPP-BAILEYS', webhook: { url: `${receiver.url}/evolution` } } })
    expect(answer).toMatchObject({ status: 400, body: { status: 400, error: 'Bad Request' } })
    expect(await sim.findInstance(name)).toBeNull()
  })
})

describe('fake Evolution API: instance lifecycle', () => {
  it('creates, shows rotating QR codes, gives up after the limit, connects on a scan, logs out and deletes', async () => {
    const name = uniqueName('ciclo')
    const created = await createInstance(name)
    expect(created.status).toBe(201)
    expect(shapeDifferences(created.body, evolutionFixture('api-instance-create-response.json'), ['$.webhook.webhookHeaders'])).toEqual([])
    expect(created.body).toMatchObject({ instance: { instanceName: name, integration: 'WHATSAPP-BAILEYS', status: 'connecting' }, qrcode: { count: 1, pairingCode: null } })

    const connecting = await evolutionEvent(name, 'connection.update', data => data.state === 'connecting')
    expect(shapeDifferences(connecting.body, evolutionFixture('connection-update-connecting.json'))).toEqual([])
    expect(connecting.headers['x-atende-webhook-secret']).toBe(`segredo-${name}`)
    const firstQr = await evolutionEvent(name, 'qrcode.updated')
    expect(shapeDifferences(firstQr.body, evolutionFixture('qrcode-updated.json'))).toEqual([])
    expect(firstQr.body!.data).toMatchObject({ qrcode: { instance: name, code: created.body.qrcode.code } })
    const png = Buffer.from((created.body.qrcode.base64 as string).replace(/^data:image\/png;base64,/, ''), 'base64')
    expect(png.subarray(1, 4).toString()).toBe('PNG')

    const connect = await evolution(`/instance/connect/${name}`)
    expect(shapeDifferences(connect.body, evolutionFixture('api-instance-connect-response.json'))).toEqual([])
    expect(connect.body.code).toBe(created.body.qrcode.code)

    // Short QR lifetimes for the test: three codes, then Evolution's QRCODE_LIMIT end.
    await sim.configureInstance(name, { qrIntervalMs: 120, qrLimit: 3 })
    const refused = await evolutionEvent(name, 'connection.update', data => data.state === 'refused')
    expect(shapeDifferences(refused.body, evolutionFixture('connection-update-refused.json'))).toEqual([])
    const codes = evolutionEvents(name, 'qrcode.updated').map(received => (received.body!.data as Json).qrcode?.code).filter(Boolean)
    expect(new Set(codes).size).toBe(3)
    expect(evolutionEvents(name, 'qrcode.updated').at(-1)!.body!.data).toEqual({ message: 'QR code limit reached, please login again', statusCode: 500 })
    expect((await evolution(`/instance/connectionState/${name}`)).body).toEqual({ instance: { instanceName: name, state: 'refused' } })

    // connect starts over; the scan opens the session as the phone that read the QR.
    await sim.configureInstance(name, { qrIntervalMs: 60_000, qrLimit: 30 })
    const again = await evolution(`/instance/connect/${name}`)
    expect(again.body).toMatchObject({ count: 1, code: expect.stringMatching(/^2@/) })
    expect(codes).not.toContain(again.body.code)
    const business = `5511${randomInt(30_000_000, 39_999_999)}`
    await sim.scan(name, { phone: business, profileName: 'Loja Contrato' })
    const open = await evolutionEvent(name, 'connection.update', data => data.state === 'open')
    expect(shapeDifferences(open.body, evolutionFixture('connection-update-open.json'))).toEqual([])
    expect(open.body).toMatchObject({ sender: `${business}@s.whatsapp.net`, data: { wuid: `${business}@s.whatsapp.net`, profileName: 'Loja Contrato', statusReason: 200 } })

    const state = await evolution(`/instance/connectionState/${name}`)
    expect(shapeDifferences(state.body, evolutionFixture('api-connection-state-response.json'))).toEqual([])
    expect(state.body.instance.state).toBe('open')
    expect((await evolution(`/instance/connect/${name}`)).body).toEqual({ instance: { instanceName: name, state: 'open' } })
    const listed = await evolution(`/instance/fetchInstances?instanceName=${name}`)
    expect(listed.body).toEqual([expect.objectContaining({ name, connectionStatus: 'open', ownerJid: `${business}@s.whatsapp.net`, token: created.body.hash })])

    expect(await evolution(`/instance/logout/${name}`, { method: 'DELETE' })).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } } })
    const close = await evolutionEvent(name, 'connection.update', data => data.state === 'close')
    expect(shapeDifferences(close.body, evolutionFixture('connection-update-close.json'))).toEqual([])
    expect(close.body!.data).toMatchObject({ statusReason: 401 })
    expect(await evolution(`/instance/logout/${name}`, { method: 'DELETE' })).toMatchObject({ status: 400, body: { response: { message: [`The "${name}" instance is not connected`] } } })

    expect(await evolution(`/instance/delete/${name}`, { method: 'DELETE' })).toEqual({ status: 200, body: { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } } })
    expect((await evolution(`/instance/connectionState/${name}`)).status).toBe(404)
    expect(await sim.findInstance(name)).toBeNull()
  })

  it('gives a pairing code for ?number= and keeps the webhook config in webhook/set and webhook/find', async () => {
    const name = uniqueName('pareamento')
    expect((await evolution('/instance/create', { body: { instanceName: name, integration: 'WHATSAPP-BAILEYS' } })).status).toBe(201)
    expect((await evolution(`/webhook/find/${name}`)).body).toBeNull()
    const connect = await evolution(`/instance/connect/${name}?number=5511912345678`)
    expect(connect.body).toMatchObject({ pairingCode: expect.stringMatching(/^[A-Z0-9]{8}$/), count: 1 })
    expect((await sim.instance(name)).pairingNumber).toBe('5511912345678')

    const set = await evolution(`/webhook/set/${name}`, { body: { webhook: { enabled: true, url: `${receiver.url}/por-evento`, byEvents: true, base64: false, headers: { jwt_key: 'segredo-jwt' }, events: ['CONNECTION_UPDATE'] } } })
    expect(set.status).toBe(201)
    expect(set.body).toMatchObject({ url: `${receiver.url}/por-evento`, enabled: true, events: ['CONNECTION_UPDATE'], webhookByEvents: true, webhookBase64: false, instanceId: expect.any(String) })
    expect((await evolution(`/webhook/find/${name}`)).body).toEqual(set.body)
    expect((await evolution(`/webhook/set/${name}`, { body: { webhook: { enabled: true, url: `${receiver.url}/x` } } })).status).toBe(500)

    // byEvents appends the event; jwt_key becomes a short-lived HS256 bearer token.
    await sim.scan(name, { phone: '5511912345678' })
    const open = await webhook('connection.update by event', received => received.url === '/por-evento/connection-update' && received.body?.instance === name)
    const token = String(open.headers.authorization).replace(/^Bearer /, '')
    const { payload } = await jwtVerify(token, new TextEncoder().encode('segredo-jwt'))
    expect(payload).toMatchObject({ app: 'evolution', action: 'webhook' })
    expect(open.headers.jwt_key).toBeUndefined()
  })
})

describe('fake Evolution API: sending', () => {
  it('sends text with the real response, the send.message echo and SERVER_ACK → DELIVERY_ACK → READ', async () => {
    const { name } = await connectedInstance('texto')
    const phone = customerPhone()
    const sent = await evolution(`/message/sendText/${name}`, { body: { number: phone, text: 'Podemos agendar a entrega para amanhã?' } })
    expect(sent.status).toBe(201)
    expect(shapeDifferences(sent.body, evolutionFixture('api-send-text-response.json'))).toEqual([])
    const id = sent.body.key.id as string
    expect(id).toMatch(/^3EB0[0-9A-F]{18}$/)
    expect(sent.body).toMatchObject({ key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: true }, status: 'PENDING', pushName: 'Você', source: 'web' })

    const echo = await evolutionEvent(name, 'send.message', data => data.key.id === id)
    expect(shapeDifferences(echo.body, evolutionFixture('send-message-api-echo.json'))).toEqual([])
    expect(normalizeEvolutionWebhook(echo.body)).toMatchObject([{ type: 'message', viaApi: true, fromMe: true, providerMessageId: id, text: 'Podemos agendar a entrega para amanhã?' }])
    const serverAck = await evolutionEvent(name, 'messages.update', data => data.keyId === id && data.status === 'SERVER_ACK')
    const deliveryAck = await evolutionEvent(name, 'messages.update', data => data.keyId === id && data.status === 'DELIVERY_ACK')
    expect(shapeDifferences(deliveryAck.body, evolutionFixture('messages-update-delivery-ack.json'))).toEqual([])
    expect(receiver.received.indexOf(serverAck)).toBeLessThan(receiver.received.indexOf(deliveryAck))
    expect(normalizeEvolutionWebhook(deliveryAck.body)).toMatchObject([{ type: 'status', status: 'delivered', providerMessageId: id }])

    expect(await sim.inbox(name, phone)).toEqual([expect.objectContaining({ id, from: 'business', kind: 'text', text: 'Podemos agendar a entrega para amanhã?', status: 'delivered' })])
    expect(await sim.markRead(name, phone)).toBe(1)
    const read = await evolutionEvent(name, 'messages.update', data => data.keyId === id && data.status === 'READ')
    expect(shapeDifferences(read.body, evolutionFixture('messages-update-read.json'))).toEqual([])
    expect((await sim.inbox(name, phone))[0]!.status).toBe('read')
  })

  it('quotes a customer message, refuses numbers without WhatsApp and invalid bodies like Evolution', async () => {
    const { name } = await connectedInstance('citacao')
    const phone = customerPhone()
    const question = await sim.customerSends(name, phone, { kind: 'text', text: 'Vocês entregam no sábado?' })
    const answer = await evolution(`/message/sendText/${name}`, { body: { number: phone, text: 'Entregamos sim!', quoted: { key: { id: question.id } } } })
    expect(answer.body.contextInfo).toMatchObject({ stanzaId: question.id, participant: `${phone}@s.whatsapp.net`, quotedMessage: { conversation: 'Vocês entregam no sábado?' } })
    expect((await sim.inbox(name, phone))[0]).toMatchObject({ id: answer.body.key.id, quotedId: question.id })

    const notOnWhatsApp = await evolution(`/message/sendText/${name}`, { body: { number: '12345', text: 'oi' } })
    expect(notOnWhatsApp.status).toBe(400)
    expect(shapeDifferences(notOnWhatsApp.body, evolutionFixture('api-error-number-not-on-whatsapp.json'))).toEqual([])
    expect(notOnWhatsApp.body.response.message[0]).toMatchObject({ exists: false, number: '12345' })

    expect(await evolution(`/message/sendText/${name}`, { body: { number: phone, text: '' } })).toMatchObject({ status: 400, body: { response: { message: ['Text is required'] } } })
    expect(await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'image', media: `data:image/png;base64,${PNG.toString('base64')}` } }))
      .toMatchObject({ status: 400, body: { response: { message: ['Owned media must be a url or base64'] } } })
    expect(await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'document', media: PDF.toString('base64') } }))
      .toMatchObject({ status: 400, body: { response: { message: ['For base64 the file name must be informed.'] } } })
    expect((await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'gif', media: PNG.toString('base64') } })).status).toBe(400)
  })

  it('sends images (base64 or URL), documents and voice notes, which the customer receives and plays', async () => {
    const { name } = await connectedInstance('midia')
    const phone = customerPhone()
    const image = await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'image', media: PNG.toString('base64'), caption: 'Segue a foto' } })
    expect(image.status).toBe(201)
    expect(image.body).toMatchObject({ messageType: 'imageMessage', message: { imageMessage: { caption: 'Segue a foto', mimetype: 'image/jpeg', height: 36, width: 36 } } })
    const document = await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'document', media: PDF.toString('base64'), fileName: 'boleto.pdf' } })
    expect(document.body).toMatchObject({ messageType: 'documentMessage', message: { documentMessage: { fileName: 'boleto.pdf', mimetype: 'application/pdf', pageCount: 1 } } })
    const voice = await evolution(`/message/sendWhatsAppAudio/${name}`, { body: { number: phone, audio: OGG.toString('base64') } })
    expect(voice.body).toMatchObject({ messageType: 'audioMessage', message: { audioMessage: { ptt: true, mimetype: 'audio/ogg; codecs=opus' } } })
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), randomBytes(40)])
    const sticker = await evolution(`/message/sendSticker/${name}`, { body: { number: phone, sticker: webp.toString('base64') } })
    expect(sticker.body).toMatchObject({ messageType: 'stickerMessage', message: { stickerMessage: { mimetype: 'image/webp', isAnimated: false } } })

    const inbox = await eventually(async () => {
      const messages = await sim.inbox(name, phone)
      return messages.length === 4 && messages.every(message => message.status === 'delivered') ? messages : undefined
    }, 10_000, 'four delivered messages')
    expect(inbox.map(message => [message.kind, message.voiceNote])).toEqual([['image', false], ['document', false], ['audio', true], ['sticker', false]])
    expect((await sim.media(inbox[0]!.media!.id)).bytes.equals(PNG)).toBe(true)
    expect((await sim.media(inbox[1]!.media!.id)).bytes.equals(PDF)).toBe(true)
    expect(inbox[1]!.media!.fileName).toBe('boleto.pdf')

    // The simulator fetches URL media like Evolution does (here: the image it already holds).
    const byUrl = await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'image', media: `${sim.url}/api/media/${inbox[0]!.media!.id}` } })
    expect(byUrl.status).toBe(201)
    const forwarded = await eventually(async () => (await sim.inbox(name, phone)).find(message => message.id === byUrl.body.key.id && message.media), 5000, 'the forwarded image')
    expect((await sim.media(forwarded.media!.id)).bytes.equals(PNG)).toBe(true)
    expect(await evolution(`/message/sendMedia/${name}`, { body: { number: phone, mediatype: 'image', media: `${sim.url}/api/media/0` } }))
      .toMatchObject({ status: 400, body: { response: { message: ['Error: Request failed with status code 404'] } } })

    await sim.markPlayed(name, phone, voice.body.key.id)
    await evolutionEvent(name, 'messages.update', data => data.keyId === voice.body.key.id && data.status === 'READ')
    const played = await evolutionEvent(name, 'messages.update', data => data.keyId === voice.body.key.id && data.status === 'PLAYED')
    expect(normalizeEvolutionWebhook(played.body)).toMatchObject([{ type: 'status', status: 'played' }])
  })

  it('refuses to send while the WhatsApp session is closed (Connection Closed)', async () => {
    const name = uniqueName('fechada')
    await sim.registerInstance({ name, state: 'close', webhook: { url: `${receiver.url}/evolution`, events: EVENTS } })
    expect(await evolution(`/message/sendText/${name}`, { body: { number: customerPhone(), text: 'oi' } }))
      .toMatchObject({ status: 400, body: { response: { message: ['Error: Connection Closed'] } } })
  })
})

describe('fake Evolution API: what customers send', () => {
  it('delivers text, replies, images with base64, voice notes, documents, locations and reactions in 2.3.7 shapes', async () => {
    const { name, business } = await connectedInstance('cliente')
    const phone = customerPhone()
    const upsert = (id: string) => evolutionEvent(name, 'messages.upsert', data => data.key.id === id)

    const text = await sim.customerSends(name, phone, { kind: 'text', text: 'Olá, preciso de ajuda com meu pedido #4521', name: 'Maria Contrato' })
    expect(text).toMatchObject({ id: expect.stringMatching(/^3A[0-9A-F]{18}$/), message: { status: 'delivered', from: 'customer' } })
    const textHook = await upsert(text.id)
    expect(shapeDifferences(textHook.body, evolutionFixture('messages-upsert-text.json'))).toEqual([])
    expect(textHook.body).toMatchObject({ sender: `${business}@s.whatsapp.net`, data: { pushName: 'Maria Contrato', key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false } } })
    expect(normalizeEvolutionWebhook(textHook.body)).toMatchObject([{ type: 'message', kind: 'text', chat: { phone }, pushName: 'Maria Contrato', fromMe: false }])

    const ours = await evolution(`/message/sendText/${name}`, { body: { number: phone, text: 'Podemos agendar a entrega para amanhã?' } })
    const reply = await sim.customerSends(name, phone, { kind: 'text', text: 'Sim, pode ser amanhã à tarde', replyTo: ours.body.key.id })
    const replyHook = await upsert(reply.id)
    expect(shapeDifferences(replyHook.body, evolutionFixture('messages-upsert-reply.json'))).toEqual([])
    expect(replyHook.body!.data).toMatchObject({ contextInfo: { stanzaId: ours.body.key.id, participant: `${business}@s.whatsapp.net`, quotedMessage: { conversation: 'Podemos agendar a entrega para amanhã?' } } })
    expect(normalizeEvolutionWebhook(replyHook.body)).toMatchObject([{ quotedProviderMessageId: ours.body.key.id }])

    const image = await sim.customerSends(name, phone, { kind: 'image', text: 'Foto do produto com defeito', media: { base64: PNG.toString('base64'), mimeType: 'image/png' } })
    const imageHook = await upsert(image.id)
    expect(shapeDifferences(imageHook.body, evolutionFixture('messages-upsert-image-base64.json'))).toEqual([])
    expect(imageHook.body!.data).toMatchObject({ message: { base64: PNG.toString('base64'), imageMessage: { width: 36, height: 36, caption: 'Foto do produto com defeito' } } })
    expect(normalizeEvolutionWebhook(imageHook.body)).toMatchObject([{ kind: 'image', media: { sources: [{ type: 'inline_base64', base64: PNG.toString('base64') }, { type: 'evolution_message' }] } }])

    const voice = await sim.customerSends(name, phone, { kind: 'audio', media: { base64: OGG.toString('base64'), mimeType: 'audio/ogg; codecs=opus', seconds: 7 } })
    const voiceHook = await upsert(voice.id)
    expect(shapeDifferences(withoutInlineFile(voiceHook.body!), evolutionFixture('messages-upsert-audio-ptt.json'))).toEqual([])
    expect(normalizeEvolutionWebhook(voiceHook.body)).toMatchObject([{ kind: 'audio', media: { isVoiceNote: true, durationSeconds: 7 } }])
    // getBase64FromMediaMessage hands the file back, as for any media message the instance has.
    const file = await evolution(`/chat/getBase64FromMediaMessage/${name}`, { body: { message: { key: { id: voice.id } }, convertToMp4: false } })
    expect(file.status).toBe(201)
    expect(shapeDifferences(file.body, evolutionFixture('api-get-base64-response.json'))).toEqual([])
    expect(file.body).toMatchObject({ mediaType: 'audioMessage', mimetype: 'audio/ogg; codecs=opus', fileName: `${voice.id}.oga`, base64: OGG.toString('base64') })
    expect(await evolution(`/chat/getBase64FromMediaMessage/${name}`, { body: { message: { key: { id: text.id } } } }))
      .toMatchObject({ status: 400, body: { response: { message: ['The message is not of the media type'] } } })

    const document = await sim.customerSends(name, phone, { kind: 'document', text: 'Segue a nota', media: { base64: PDF.toString('base64'), mimeType: 'application/pdf', fileName: 'nota-fiscal-4521.pdf' } })
    const documentHook = await upsert(document.id)
    expect(shapeDifferences(withoutInlineFile(documentHook.body!), evolutionFixture('messages-upsert-document.json'))).toEqual([])

    const location = await sim.customerSends(name, phone, { kind: 'location', location: { latitude: -23.561414, longitude: -46.655881, name: 'Av. Paulista, 1578', address: 'Bela Vista, São Paulo - SP' } })
    const locationHook = await upsert(location.id)
    expect(shapeDifferences(locationHook.body, evolutionFixture('messages-upsert-location.json'))).toEqual([])
    expect(normalizeEvolutionWebhook(locationHook.body)).toMatchObject([{ kind: 'location', location: { latitude: -23.561414, name: 'Av. Paulista, 1578' } }])

    const reaction = await sim.customerSends(name, phone, { kind: 'reaction', reaction: { messageId: ours.body.key.id, emoji: '👍' } })
    const reactionHook = await upsert(reaction.id)
    expect(reactionHook.body!.data).toMatchObject({ messageType: 'reactionMessage', message: { reactionMessage: { key: { id: ours.body.key.id, fromMe: true }, text: '👍' } } })
    expect(normalizeEvolutionWebhook(reactionHook.body)).toMatchObject([{ kind: 'reaction', reaction: { emoji: '👍', targetProviderMessageId: ours.body.key.id } }])
  })

  it('addresses chats by LID as 2.3.6 and 2.3.7 do, and uses the Brazilian id without the 9th digit', async () => {
    const { name } = await connectedInstance('lid')
    const phone = customerPhone()
    const raw = await sim.customerSends(name, phone, { kind: 'text', text: 'Oi, vocês entregam no sábado?', addressing: 'lid-raw' })
    const rawHook = await evolutionEvent(name, 'messages.upsert', data => data.key.id === raw.id)
    expect(shapeDifferences(rawHook.body, evolutionFixture('messages-upsert-text-lid-2.3.6.json'))).toEqual([])
    expect(rawHook.body!.data).toMatchObject({ key: { remoteJid: expect.stringMatching(/^\d{15}@lid$/), remoteJidAlt: `${phone}@s.whatsapp.net`, addressingMode: 'lid' } })
    const rewritten = await sim.customerSends(name, phone, { kind: 'text', text: 'Oi de novo', addressing: 'lid' })
    const rewrittenHook = await evolutionEvent(name, 'messages.upsert', data => data.key.id === rewritten.id)
    expect(shapeDifferences(rewrittenHook.body, evolutionFixture('messages-upsert-text-lid-2.3.7.json'))).toEqual([])
    expect(normalizeEvolutionWebhook(rawHook.body)).toMatchObject([{ chat: { phone, lid: (rawHook.body!.data as Json).key.remoteJid } }])

    // Belo Horizonte mobile, old account: WhatsApp knows it without the 9; sends to either form reach it.
    const typed = `55319${randomInt(70_000_000, 99_999_999)}`
    const registered = `5531${typed.slice(5)}`
    const toTyped = await evolution(`/message/sendText/${name}`, { body: { number: typed, text: 'Olá, BH!' } })
    expect(toTyped.body.key.remoteJid).toBe(`${registered}@s.whatsapp.net`)
    const fromCustomer = await sim.customerSends(name, typed, { kind: 'text', text: 'Oi' })
    const hook = await evolutionEvent(name, 'messages.upsert', data => data.key.id === fromCustomer.id)
    expect((hook.body!.data as Json).key.remoteJid).toBe(`${registered}@s.whatsapp.net`)
    expect((await sim.conversation(name, registered)).messages.map(message => message.id)).toEqual([toTyped.body.key.id, fromCustomer.id])
  })

  it('holds customer messages while the business is offline and delivers them after the scan', async () => {
    const name = uniqueName('offline')
    await sim.registerInstance({ name, state: 'close', webhook: { url: `${receiver.url}/evolution`, events: EVENTS, base64: true } })
    const phone = customerPhone()
    const waiting = await sim.customerSends(name, phone, { kind: 'text', text: 'Tem alguém aí?' })
    expect(waiting.message.status).toBe('queued')
    expect(evolutionEvents(name, 'messages.upsert')).toEqual([])

    expect((await evolution(`/instance/connect/${name}`)).body).toMatchObject({ count: 1 })
    await sim.scan(name, { phone: '5511955554444' })
    const open = await evolutionEvent(name, 'connection.update', data => data.state === 'open')
    const delivered = await evolutionEvent(name, 'messages.upsert', data => data.key.id === waiting.id)
    expect(receiver.received.indexOf(open)).toBeLessThan(receiver.received.indexOf(delivered))
    expect((await sim.conversation(name, phone)).messages[0]!.status).toBe('delivered')
  })

  it('retries a webhook the receiver failed, logs every attempt, and does not retry a 400', async () => {
    const { name } = await connectedInstance('retentativa')
    const phone = customerPhone()
    let failed = 0
    receiver.respondWith(request => (request.body?.instance === name && request.body?.event === 'messages.upsert' && failed++ === 0 ? { status: 503 } : undefined))
    const first = await sim.customerSends(name, phone, { kind: 'text', text: 'primeira' })
    const attempts = await eventually(async () => {
      const log = (await sim.log({ kind: 'webhook', target: name })).filter(entry => entry.event === 'messages.upsert')
      return log.length >= 2 ? log : undefined
    }, 10_000, 'the retried webhook')
    expect(attempts.map(entry => [entry.attempt, entry.status])).toEqual([[1, 503], [2, 200]])
    expect(attempts[0]!.deliveryId).toBe(attempts[1]!.deliveryId)
    expect(evolutionEvents(name, 'messages.upsert').filter(received => (received.body!.data as Json).key.id === first.id)).toHaveLength(2)

    receiver.respondWith(request => (request.body?.instance === name && request.body?.event === 'messages.upsert' ? { status: 400 } : undefined))
    const second = await sim.customerSends(name, phone, { kind: 'text', text: 'segunda' })
    const rejected = await eventually(async () => (await sim.log({ kind: 'webhook', target: name })).find(entry => (entry.body as Json).data?.key?.id === second.id), 5000, 'the rejected webhook')
    expect(rejected).toMatchObject({ attempt: 1, status: 400, error: 'erro definitivo; sem nova tentativa' })
    receiver.respondWith(null)
  })
})

describe('fake Graph API (Cloud)', () => {
  interface Number { phoneNumberId: string, display: string, wabaId: string, token: string, secret: string }

  async function registeredNumber(): Promise<Number> {
    const number = { phoneNumberId: digits(15), display: `5511${randomInt(930_000_000, 939_999_999)}`, wabaId: digits(15), token: `EAAG${randomBytes(24).toString('hex')}`, secret: randomBytes(16).toString('hex') }
    const { verification } = await sim.registerNumber({
      phoneNumberId: number.phoneNumberId,
      displayPhoneNumber: number.display,
      verifiedName: 'Loja Contrato',
      wabaId: number.wabaId,
      accessToken: number.token,
      appSecret: number.secret,
      verifyToken: 'token-de-verificacao',
      webhookUrl: `${receiver.url}/cloud`,
    })
    expect(verification).toMatchObject({ ok: true, status: 200 })
    return number
  }

  const status = (number: Number, id: string, state: string) =>
    cloudWebhook(number.phoneNumberId, `${state} status of ${id}`, value => value.statuses?.[0]?.id === id && value.statuses[0].status === state)
  const customerMessage = (number: Number, id: string) =>
    cloudWebhook(number.phoneNumberId, `message ${id}`, value => value.messages?.[0]?.id === id)

  it('runs Meta\'s verification handshake on registration and only then sends webhooks', async () => {
    const number = await registeredNumber()
    const handshake = await webhook('the GET handshake', received => received.method === 'GET' && received.url.includes('hub.verify_token=token-de-verificacao'))
    const params = new URL(handshake.url, 'http://x').searchParams
    expect(params.get('hub.mode')).toBe('subscribe')
    expect(params.get('hub.challenge')).toMatch(/^\d+$/)
    expect((await sim.number(number.phoneNumberId)).webhookVerified).toBe(true)

    const strict = await startWebhookReceiver({ verifyToken: 'o-certo' })
    try {
      const phoneNumberId = digits(15)
      const { verification, number: refused } = await sim.registerNumber({ phoneNumberId, displayPhoneNumber: '5511933330000', wabaId: digits(15), accessToken: 'x', appSecret: 'y', verifyToken: 'o-errado', webhookUrl: strict.url })
      expect(verification).toMatchObject({ ok: false, status: 403 })
      expect(refused.webhookVerified).toBe(false)
      const held = await sim.customerSends(phoneNumberId, customerPhone(), { kind: 'text', text: 'alguém?' })
      expect(held.message.status).toBe('queued')
      expect(strict.received.filter(received => received.method === 'POST')).toEqual([])
    }
    finally {
      await strict.close()
    }
  })

  it('answers number lookups and Graph errors: 190 bad token, 100 unknown object, 2500 bad path', async () => {
    const number = await registeredNumber()
    const other = await registeredNumber()
    const lookup = await graph(`/v23.0/${number.phoneNumberId}`, { token: number.token })
    expect(lookup).toMatchObject({ status: 200, body: { verified_name: 'Loja Contrato', id: number.phoneNumberId, quality_rating: 'GREEN', display_phone_number: expect.stringMatching(/^\+55 11 9\d{4}-\d{4}$/) } })
    const badToken = await graph(`/v21.0/${number.phoneNumberId}`, { token: 'EAAGerrado' })
    expect(badToken).toMatchObject({ status: 401, body: { error: { code: 190, type: 'OAuthException', fbtrace_id: expect.any(String) } } })
    expect(shapeDifferences(badToken.body, { error: { message: '', type: '', code: 0, fbtrace_id: '' } })).toEqual([])
    expect(await graph(`/v23.0/${number.phoneNumberId}`, { token: other.token })).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 33 } } })
    expect(await graph(`/v23.0/${number.phoneNumberId}`)).toMatchObject({ status: 400, body: { error: { code: 2500 } } })
    expect(await graph(`/latest/${number.phoneNumberId}`, { token: number.token })).toMatchObject({ status: 400, body: { error: { code: 2500 } } })
    const invalid = await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { to: customerPhone(), type: 'text', text: { body: 'oi' } } })
    expect(invalid.status).toBe(400)
    expect(shapeDifferences(invalid.body, cloudFixture('api-error-response.json'))).toEqual([])
  })

  it('sends text, then signed sent → delivered → read statuses; quotes with context', async () => {
    const number = await registeredNumber()
    const phone = customerPhone()
    const question = await sim.customerSends(number.phoneNumberId, phone, { kind: 'text', text: 'Olá, preciso de ajuda com meu pedido #4521', name: 'Maria Contrato' })
    const questionHook = await customerMessage(number, question.id)
    expect(shapeDifferences(questionHook.body, cloudFixture('text.json'))).toEqual([])
    expect(question.id).toMatch(/^wamid\./)
    // Meta escapes non-ASCII: re-serializing the parsed body changes the bytes, so only the raw body verifies.
    expect(questionHook.raw).toContain('Ol\\u00e1')
    expect(await verifyCloudSignature(questionHook.raw, String(questionHook.headers['x-hub-signature-256']), number.secret)).toBe(true)
    expect(await verifyCloudSignature(JSON.stringify(questionHook.body), String(questionHook.headers['x-hub-signature-256']), number.secret)).toBe(false)
    expect(normalizeCloudWebhook(questionHook.body)).toMatchObject([{ type: 'message', kind: 'text', channelKey: number.phoneNumberId, chat: { waId: phone }, pushName: 'Maria Contrato' }])

    const sent = await graph(`/v23.0/${number.phoneNumberId}/messages`, {
      token: number.token,
      body: { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${phone}`, type: 'text', text: { body: 'Podemos agendar?' }, context: { message_id: question.id } },
    })
    expect(sent.status).toBe(200)
    expect(shapeDifferences(sent.body, cloudFixture('api-send-response.json'))).toEqual([])
    expect(sent.body.contacts).toEqual([{ input: `+${phone}`, wa_id: phone }])
    const id = sent.body.messages[0].id as string

    const sentStatus = await status(number, id, 'sent')
    expect(shapeDifferences(sentStatus.body, cloudFixture('status-sent.json'))).toEqual([])
    expect(await verifyCloudSignature(sentStatus.raw, String(sentStatus.headers['x-hub-signature-256']), number.secret)).toBe(true)
    const delivered = await status(number, id, 'delivered')
    expect(shapeDifferences(delivered.body, cloudFixture('status-delivered.json'))).toEqual([])
    expect(normalizeCloudWebhook(delivered.body)).toMatchObject([{ type: 'status', status: 'delivered', providerMessageId: id }])
    expect((await sim.inbox(number.phoneNumberId, phone))[0]).toMatchObject({ id, text: 'Podemos agendar?', quotedId: question.id })

    await sim.markRead(number.phoneNumberId, phone)
    const read = await status(number, id, 'read')
    expect(shapeDifferences(read.body, cloudFixture('status-read.json'))).toEqual([])

    const reply = await sim.customerSends(number.phoneNumberId, phone, { kind: 'text', text: 'Sim, pode ser amanhã à tarde', replyTo: id })
    const replyHook = await customerMessage(number, reply.id)
    expect(shapeDifferences(replyHook.body, cloudFixture('reply-text.json'))).toEqual([])
    expect(cloudValue(replyHook).messages[0].context).toEqual({ from: number.display, id })

    // The business marks the customer's message read: blue ticks on the phone.
    expect(await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { messaging_product: 'whatsapp', status: 'read', message_id: reply.id } }))
      .toEqual({ status: 200, body: { success: true } })
    expect((await sim.conversation(number.phoneNumberId, phone)).messages.find(message => message.id === reply.id)!.status).toBe('read')
  })

  it('round-trips media both ways: upload, send by id, customer media by id, URL download with the token', async () => {
    const number = await registeredNumber()
    const other = await registeredNumber()
    const phone = customerPhone()
    await sim.customerSends(number.phoneNumberId, phone, { kind: 'text', text: 'oi' })

    const form = new FormData()
    form.append('messaging_product', 'whatsapp')
    form.append('type', 'image/png')
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'foto.png')
    const upload = await graph(`/v23.0/${number.phoneNumberId}/media`, { token: number.token, form })
    expect(upload).toMatchObject({ status: 200, body: { id: expect.stringMatching(/^\d+$/) } })
    const sent = await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { messaging_product: 'whatsapp', to: phone, type: 'image', image: { id: upload.body.id, caption: 'Nossa loja' } } })
    await status(number, sent.body.messages[0].id, 'delivered')
    const received = (await sim.inbox(number.phoneNumberId, phone)).find(message => message.id === sent.body.messages[0].id)!
    expect(received).toMatchObject({ kind: 'image', text: 'Nossa loja' })
    expect((await sim.media(received.media!.id)).bytes.equals(PNG)).toBe(true)

    const webm = new FormData()
    webm.append('messaging_product', 'whatsapp')
    webm.append('type', 'audio/webm')
    webm.append('file', new Blob([new Uint8Array(randomBytes(50))]), 'audio.webm')
    expect(await graph(`/v23.0/${number.phoneNumberId}/media`, { token: number.token, form: webm })).toMatchObject({ status: 400, body: { error: { code: 100, error_data: { details: expect.stringContaining('audio/webm') } } } })

    const image = await sim.customerSends(number.phoneNumberId, phone, { kind: 'image', text: 'Foto do produto com defeito', media: { base64: PNG.toString('base64'), mimeType: 'image/jpeg' } })
    const imageHook = await customerMessage(number, image.id)
    expect(shapeDifferences(imageHook.body, cloudFixture('image.json'))).toEqual([])
    const mediaId = cloudValue(imageHook).messages[0].image.id as string
    const info = await graph(`/v23.0/${mediaId}`, { token: number.token })
    expect(shapeDifferences(info.body, cloudFixture('api-media-url-response.json'))).toEqual([])
    expect(info.body).toMatchObject({ id: mediaId, mime_type: 'image/jpeg', file_size: String(PNG.length), url: expect.stringMatching(new RegExp(`^${sim.graphUrl}/download/`)) })
    expect((await graph(`/v23.0/${mediaId}`, { token: other.token })).status).toBe(400)

    expect((await fetch(info.body.url)).status).toBe(400)
    expect((await fetch(info.body.url, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(401)
    const download = await fetch(info.body.url, { headers: { authorization: `Bearer ${number.token}` } })
    expect(download.status).toBe(200)
    expect(download.headers.get('content-type')).toBe('image/jpeg')
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true)
    expect(normalizeCloudWebhook(imageHook.body)).toMatchObject([{ kind: 'image', media: { sources: [{ type: 'cloud_media_id', mediaId }] } }])
  })

  it('delivers every kind a customer sends in the Cloud shapes', async () => {
    const number = await registeredNumber()
    const phone = customerPhone()
    const cases: Array<[string, Parameters<typeof sim.customerSends>[2], string]> = [
      ['audio-voice.json', { kind: 'audio', media: { base64: OGG.toString('base64'), mimeType: 'audio/ogg; codecs=opus' } }, 'audio'],
      ['document.json', { kind: 'document', text: 'Segue a nota', media: { base64: PDF.toString('base64'), mimeType: 'application/pdf', fileName: 'nota-fiscal-4521.pdf' } }, 'document'],
      ['video.json', { kind: 'video', text: 'Vídeo mostrando o problema', media: { base64: randomBytes(64).toString('base64'), mimeType: 'video/mp4' } }, 'video'],
      ['sticker.json', { kind: 'sticker', media: { base64: randomBytes(64).toString('base64'), mimeType: 'image/webp' } }, 'sticker'],
      ['location.json', { kind: 'location', location: { latitude: -23.561414, longitude: -46.655881, name: 'MASP', address: 'Av. Paulista, 1578 - Bela Vista, São Paulo - SP' } }, 'location'],
      ['contacts.json', { kind: 'contact', contact: { name: 'Carlos Lima', phone: '5521998877665' } }, 'contact'],
    ]
    for (const [fixture, input, kind] of cases) {
      const sent = await sim.customerSends(number.phoneNumberId, phone, input)
      const hook = await customerMessage(number, sent.id)
      expect(shapeDifferences(hook.body, cloudFixture(fixture)), fixture).toEqual([])
      expect(normalizeCloudWebhook(hook.body), fixture).toMatchObject([{ type: 'message', kind }])
    }
    const voice = (await sim.conversation(number.phoneNumberId, phone)).messages[0]!
    expect(voice).toMatchObject({ kind: 'audio', voiceNote: true })
    const reaction = await sim.customerSends(number.phoneNumberId, phone, { kind: 'reaction', reaction: { messageId: voice.id, emoji: '❤️' } })
    const reactionHook = await customerMessage(number, reaction.id)
    expect(cloudValue(reactionHook).messages[0]).toMatchObject({ type: 'reaction', reaction: { message_id: voice.id, emoji: '❤️' } })
    expect(normalizeCloudWebhook(reactionHook.body)).toMatchObject([{ kind: 'reaction', reaction: { emoji: '❤️', targetProviderMessageId: voice.id } }])
  })

  it('reports late failures as failed statuses: 131047 outside the 24 h window, 131014 for a broken media link', async () => {
    const number = await registeredNumber()
    const phone = customerPhone()
    await sim.setFaults({ failSends: { count: 1, mode: 'cloud_131047' } }, number.phoneNumberId)
    const refused = await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { messaging_product: 'whatsapp', to: phone, type: 'text', text: { body: 'Oi?' } } })
    expect(refused.status).toBe(200)
    const failed = await status(number, refused.body.messages[0].id, 'failed')
    expect(cloudValue(failed).statuses[0].errors[0]).toMatchObject({ code: 131047, title: 'Re-engagement message' })
    expect(normalizeCloudWebhook(failed.body)).toMatchObject([{ type: 'status', status: 'failed', error: { code: 131047 } }])
    expect((await sim.inbox(number.phoneNumberId, phone))[0]).toMatchObject({ status: 'failed', error: { code: 131047 } })

    const link = `${sim.url}/api/media/0`
    const broken = await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { messaging_product: 'whatsapp', to: phone, type: 'image', image: { link } } })
    const brokenStatus = await status(number, broken.body.messages[0].id, 'failed')
    expect(shapeDifferences(brokenStatus.body, cloudFixture('status-failed-media-url.json'))).toEqual([])
    expect(cloudValue(brokenStatus).statuses[0].errors[0].title).toBe(`Request for url ${link} failed with error: 404 (Not Found)`)

    // With the window enforced, a customer who never wrote gets only templates.
    await sim.setFaults({ enforceCloudWindow: true }, number.phoneNumberId)
    const stranger = customerPhone()
    const freeForm = await graph(`/v23.0/${number.phoneNumberId}/messages`, { token: number.token, body: { messaging_product: 'whatsapp', to: stranger, type: 'text', text: { body: 'Oi' } } })
    await status(number, freeForm.body.messages[0].id, 'failed')
    const template = await graph(`/v23.0/${number.phoneNumberId}/messages`, {
      token: number.token,
      body: { messaging_product: 'whatsapp', to: stranger, type: 'template', template: { name: 'retomada_atendimento', language: { code: 'pt_BR' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }] } },
    })
    await status(number, template.body.messages[0].id, 'delivered')
    expect((await sim.inbox(number.phoneNumberId, stranger)).at(-1)).toMatchObject({ kind: 'template', text: '[modelo retomada_atendimento] Maria' })
    await sim.clearFaults(number.phoneNumberId)
  })
})

describe('faults on demand', () => {
  it('duplicates the next webhooks byte for byte', async () => {
    const { name } = await connectedInstance('duplicados')
    await sim.setFaults({ duplicateWebhooks: 1 }, name)
    const message = await sim.customerSends(name, customerPhone(), { kind: 'text', text: 'duas vezes' })
    const copies = await eventually(() => {
      const found = evolutionEvents(name, 'messages.upsert').filter(received => (received.body!.data as Json).key.id === message.id)
      return found.length === 2 ? found : undefined
    }, 10_000, 'the duplicated webhook')
    expect(copies[0]!.raw).toBe(copies[1]!.raw)
    expect((await sim.faults()).targets[`evolution:${name}`]).toMatchObject({ duplicateWebhooks: 0 })
  })

  it('delivers a held batch in reverse order', async () => {
    const { name } = await connectedInstance('ordem')
    const phone = customerPhone()
    await sim.setFaults({ reorderWebhooks: true }, name)
    const sent = []
    for (const text of ['um', 'dois', 'três']) sent.push((await sim.customerSends(name, phone, { kind: 'text', text })).id)
    expect((await sim.faults()).heldWebhooks).toBeGreaterThanOrEqual(3)
    expect(evolutionEvents(name, 'messages.upsert')).toEqual([])
    expect(await sim.flushWebhooks()).toBeGreaterThanOrEqual(3)
    const arrived = await eventually(() => {
      const ids = evolutionEvents(name, 'messages.upsert').map(received => (received.body!.data as Json).key.id as string)
      return ids.length === 3 ? ids : undefined
    }, 10_000, 'the released batch')
    expect(arrived).toEqual([...sent].reverse())
    await sim.clearFaults(name)
  })

  it('fails the next sends as asked (500, refused connection, no answer, not on WhatsApp), then sends again', async () => {
    const { name } = await connectedInstance('falhas')
    const phone = customerPhone()
    const send = (signal?: AbortSignal) => fetch(`${sim.evolutionUrl}/message/sendText/${name}`, {
      method: 'POST', headers: { 'apikey': sim.evolutionApiKey, 'content-type': 'application/json' }, body: JSON.stringify({ number: phone, text: 'oi' }), signal,
    })

    await sim.setFaults({ failSends: { count: 1, mode: 'http500' } }, name)
    const error500 = await send()
    expect(error500.status).toBe(500)
    expect(await error500.json()).toMatchObject({ status: 500, error: 'Internal Server Error' })

    await sim.setFaults({ failSends: { count: 1, mode: 'outage' } }, name)
    await expect(send()).rejects.toThrow(TypeError)

    await sim.setFaults({ failSends: { count: 1, mode: 'timeout' } }, name)
    await expect(send(AbortSignal.timeout(400))).rejects.toThrow(/aborted|timeout/i)
    const hung = await eventually(async () => (await sim.log({ kind: 'request', target: name })).find(entry => entry.status === null), 5000, 'the unanswered request in the log')
    expect(hung).toMatchObject({ method: 'POST', error: 'conexão encerrada sem resposta' })

    await sim.setFaults({ failSends: { count: 1, mode: 'not_on_whatsapp' } }, name)
    const missing = await send()
    expect(missing.status).toBe(400)
    expect(shapeDifferences(await missing.json(), evolutionFixture('api-error-number-not-on-whatsapp.json'))).toEqual([])

    const ok = await send()
    expect(ok.status).toBe(201)
    expect((await sim.faults()).targets[`evolution:${name}`]!.failSends).toBeNull()
    // Only the successful send reached the customer.
    expect(await sim.inbox(name, phone)).toHaveLength(1)
    const requests = (await sim.log({ kind: 'request', provider: 'evolution', target: name })).filter(entry => entry.url === `/evolution/message/sendText/${name}`)
    expect(requests.map(entry => entry.status)).toEqual([500, null, null, 400, 201])
    expect(requests.at(-1)!.body).toEqual({ number: phone, text: 'oi' })
  })

  it('takes a provider down and back up', async () => {
    const { name } = await connectedInstance('queda')
    await sim.setFaults({ outage: true }, name)
    await expect(evolution(`/instance/connectionState/${name}`)).rejects.toThrow(TypeError)
    await sim.setFaults({ outage: false }, name)
    expect((await evolution(`/instance/connectionState/${name}`)).body).toEqual({ instance: { instanceName: name, state: 'open' } })

    const phoneNumberId = digits(15)
    await sim.registerNumber({ phoneNumberId, displayPhoneNumber: '5511933331111', wabaId: digits(15), accessToken: 'tok', appSecret: 'sec', verifyToken: 'v', webhookUrl: `${receiver.url}/cloud`, skipVerification: true })
    await sim.setFaults({ failSends: { count: 1, mode: 'http500' } }, phoneNumberId)
    const error = await graph(`/v23.0/${phoneNumberId}/messages`, { token: 'tok', body: { messaging_product: 'whatsapp', to: customerPhone(), type: 'text', text: { body: 'oi' } } })
    expect(error).toMatchObject({ status: 500, body: { error: { code: 1, type: 'OAuthException' } } })
  })
})

describe('stack wiring', () => {
  it('registers the seeded channel as an open instance whose webhook goes to this stack', async () => {
    const stack = getStack()
    const db = new pg.Client({ connectionString: stack.superuserDbUrl })
    await db.connect()
    try {
      const { rows } = await db.query(`select s.webhook_secret, s.evolution_base_url from public.channel_secrets s where s.evolution_instance_name = 'atende-principal'`)
      expect(rows[0]).toMatchObject({ evolution_base_url: `${sim.url}/evolution` })
      const instance = await sim.instance('atende-principal')
      expect(instance).toMatchObject({
        state: 'open',
        ownNumber: '5511999990000',
        profileName: 'Atendimento Principal',
        webhook: { url: `${stack.url}/functions/v1/whatsapp-webhook/evolution`, headers: { 'x-atende-webhook-secret': rows[0].webhook_secret }, base64: true, enabled: true },
      })
    }
    finally {
      await db.end()
    }
  })

  it('re-registers channels of any simulator address from the database on start', async () => {
    const stack = getStack()
    const own = await startSimulator({ port: 0, log: () => {} })
    const db = new pg.Pool({ connectionString: stack.superuserDbUrl, max: 2 })
    const ids: string[] = []
    try {
      const insertChannel = async (provider: string, state: string, phone: string) => {
        const { rows } = await db.query(`insert into public.channels (name, provider, phone_number, connection_state) values ($1, $2, $3, $4) returning id`, [`Registro ${provider} ${phone}`, provider, phone, state])
        ids.push(rows[0].id)
        return rows[0].id as string
      }
      const evolutionChannel = await insertChannel('evolution', 'disconnected', '5511944443333')
      const instanceName = uniqueName('registro')
      await db.query(`insert into public.channel_secrets (channel_id, evolution_base_url, evolution_instance_name, evolution_instance_token) values ($1, $2, $3, 'TOKEN-REGISTRO')`, [evolutionChannel, `${own.url}/evolution`, instanceName])
      const cloudChannel = await insertChannel('cloud', 'connected', '5511944442222')
      const phoneNumberId = digits(15)
      await db.query(`insert into public.channel_secrets (channel_id, cloud_graph_base_url, cloud_phone_number_id, cloud_access_token, cloud_app_secret, cloud_waba_id, cloud_verify_token) values ($1, $2, $3, 'tok', 'sec', '123456789', 'ver')`, [cloudChannel, `${own.url}/graph`, phoneNumberId])

      const counts = await registerSimulatorChannels(db, own, { stackUrl: stack.url, fresh: false, log: () => {} })
      expect(counts).toEqual({ instances: 1, numbers: 1 })
      const state = await simulator(own.url).state()
      expect(state.instances).toEqual([expect.objectContaining({ name: instanceName, state: 'close', token: 'TOKEN-REGISTRO', webhook: expect.objectContaining({ url: `${stack.url}/functions/v1/whatsapp-webhook/evolution`, events: EVENTS }) })])
      expect(state.numbers).toEqual([expect.objectContaining({ phoneNumberId, webhookVerified: true, webhookUrl: `${stack.url}/functions/v1/whatsapp-webhook/cloud`, displayPhoneNumber: '5511944442222' })])
    }
    finally {
      if (ids.length > 0) await db.query('delete from public.channels where id = any($1)', [ids])
      await db.end()
      await own.stop()
    }
  })
})
