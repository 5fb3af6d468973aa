/**
 * The simulator's customer phone page in a real browser: a person chats as a customer (text, reply,
 * photo, voice note without a microphone) and the simulator delivers each message as the provider's
 * webhook; the business's answer shows up live with read receipts; an Evolution QR is scanned from the
 * page. A local receiver stands in for Atende's webhook.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeModulesPng } from '../../local-stack/simulator/png.ts'
import { eventually } from '../support/stack.ts'
import { type ReceivedWebhook, type WebhookReceiver, simulator, startWebhookReceiver } from '../support/simulator.ts'
import { launchBrowser, screenshot } from './support/browser.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are explored freely in assertions; their structure is checked against the fixtures
type Json = Record<string, any>

const sim = simulator()
const EVENTS = ['QRCODE_UPDATED', 'CONNECTION_UPDATE', 'MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE']
let browser: Browser
let receiver: WebhookReceiver

beforeAll(async () => {
  browser = await launchBrowser()
  receiver = await startWebhookReceiver()
})

afterAll(async () => {
  await browser?.close()
  await receiver?.close()
})

async function openPhonePage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 940 }, locale: 'pt-BR' })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  await page.goto(sim.url)
  await page.getByRole('heading', { name: 'Simulador WhatsApp' }).waitFor()
  return page
}

/** Points the page at this instance and customer, as a person does in the side panel. */
async function chooseChat(page: Page, instance: string, phone: string, name: string): Promise<void> {
  await page.getByTestId('target-select').locator(`option[value="evolution:${instance}"]`).waitFor({ state: 'attached' })
  await page.getByTestId('target-select').selectOption(`evolution:${instance}`)
  await page.getByLabel('Telefone do cliente').fill(phone)
  await page.getByLabel('Telefone do cliente').press('Tab')
  await page.getByLabel('Nome no WhatsApp').fill(name)
  await page.getByLabel('Nome no WhatsApp').press('Tab')
  await page.getByTestId('chat-title').getByText('Loja do Teste').waitFor()
}

function upsert(instance: string, match: (data: Json) => boolean, what: string): Promise<ReceivedWebhook> {
  return eventually(() => receiver.received.find(received => received.body?.instance === instance && received.body?.event === 'messages.upsert' && match(received.body.data as Json)), 15_000, what)
}

describe('customer phone page', () => {
  it('sends what the customer types as the provider\'s webhook and shows the business\'s answer live', async () => {
    const instance = `pagina-${randomUUID().slice(0, 8)}`
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    await sim.registerInstance({
      name: instance, state: 'open', ownNumber: '5511955550000', profileName: 'Loja do Teste',
      webhook: { url: `${receiver.url}/evolution`, headers: { 'x-atende-webhook-secret': 'segredo-da-pagina' }, events: EVENTS, base64: true },
    })
    const page = await openPhonePage()
    await chooseChat(page, instance, phone, 'Maria do Teste')

    await page.getByTestId('message-input').fill('Olá! Meu pedido #4521 ainda não chegou.')
    await page.getByTestId('message-input').press('Enter')
    const text = await upsert(instance, data => data.message?.conversation === 'Olá! Meu pedido #4521 ainda não chegou.', 'the typed message as messages.upsert')
    expect(text.headers['x-atende-webhook-secret']).toBe('segredo-da-pagina')
    expect(text.body!.data).toMatchObject({ pushName: 'Maria do Teste', key: { remoteJid: `${phone}@s.whatsapp.net`, fromMe: false }, messageType: 'conversation' })
    const bubble = page.locator(`[data-testid="message"][data-id="${(text.body!.data as Json).key.id}"]`)
    await bubble.waitFor()
    expect(await bubble.getAttribute('data-status')).toBe('delivered')

    // The business answers through the (fake) Evolution API: the phone shows it and sends a read receipt.
    const answer = await fetch(`${sim.evolutionUrl}/message/sendText/${instance}`, {
      method: 'POST', headers: { 'apikey': sim.evolutionApiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ number: phone, text: 'Oi, Maria! Já estou verificando.' }),
    }).then(response => response.json()) as Json
    const answerBubble = page.locator(`[data-testid="message"][data-id="${answer.key.id}"]`)
    await answerBubble.getByText('Oi, Maria! Já estou verificando.').waitFor()
    await eventually(() => receiver.received.find(received => received.body?.event === 'messages.update' && (received.body.data as Json).keyId === answer.key.id && (received.body.data as Json).status === 'READ'), 15_000, 'the read receipt')

    // Replying to the business's message quotes it.
    await answerBubble.hover()
    await answerBubble.getByRole('button', { name: 'Responder' }).click()
    await page.getByTestId('reply-bar').getByText('Oi, Maria! Já estou verificando.').waitFor()
    await page.getByTestId('message-input').fill('Obrigada!')
    await page.getByRole('button', { name: 'Enviar', exact: true }).click()
    const reply = await upsert(instance, data => data.message?.conversation === 'Obrigada!', 'the reply')
    expect(reply.body!.data).toMatchObject({ contextInfo: { stanzaId: answer.key.id, participant: '5511955550000@s.whatsapp.net' } })
    await page.locator(`[data-testid="message"][data-id="${(reply.body!.data as Json).key.id}"] [data-testid="quote"]`).getByText('Oi, Maria!', { exact: false }).waitFor()

    // A photo from the file picker, with a caption.
    const png = encodeModulesPng(Array.from({ length: 24 }, (_, y) => Array.from({ length: 24 }, (_, x) => ((x >> 2) + (y >> 2)) % 2 === 0)), 8, 2)
    await page.getByTestId('image-picker').setInputFiles({ name: 'produto.png', mimeType: 'image/png', buffer: png })
    await page.getByTestId('message-input').fill('Foto da caixa')
    await page.getByTestId('message-input').press('Enter')
    const image = await upsert(instance, data => data.messageType === 'imageMessage', 'the photo')
    expect(image.body!.data).toMatchObject({ message: { base64: png.toString('base64'), imageMessage: { caption: 'Foto da caixa', mimetype: 'image/png', width: 224, height: 224 } } })
    await page.locator(`[data-testid="message"][data-id="${(image.body!.data as Json).key.id}"] img`).waitFor()

    // A voice note without a microphone: the sample recorded from generated audio.
    await page.getByRole('button', { name: 'Anexar' }).click()
    await page.getByRole('menuitem', { name: 'Áudio de exemplo' }).click()
    const voice = await upsert(instance, data => data.messageType === 'audioMessage', 'the voice note')
    // Recorded as WebM by the browser, it reaches Atende as WhatsApp's Ogg/Opus, and it still plays.
    expect(voice.body!.data).toMatchObject({ message: { audioMessage: { ptt: true, mimetype: 'audio/ogg; codecs=opus' } } })
    expect(Buffer.from((voice.body!.data as Json).message.base64 as string, 'base64').subarray(0, 4).toString()).toBe('OggS')
    const voiceBubble = page.locator(`[data-testid="message"][data-id="${(voice.body!.data as Json).key.id}"]`)
    const source = await voiceBubble.locator('audio').getAttribute('src')
    const seconds = await page.evaluate(async (url) => {
      const context = new AudioContext()
      const decoded = await context.decodeAudioData(await (await fetch(url!)).arrayBuffer())
      return decoded.duration
    }, source)
    expect(seconds).toBeGreaterThan(1)

    // A location from the attach menu.
    await page.getByRole('button', { name: 'Anexar' }).click()
    await page.getByRole('menuitem', { name: 'Localização de exemplo' }).click()
    const location = await upsert(instance, data => data.messageType === 'locationMessage', 'the location')
    expect(location.body!.data).toMatchObject({ message: { locationMessage: { name: 'MASP', degreesLatitude: -23.561414 } } })
    await page.locator(`[data-testid="message"][data-id="${(location.body!.data as Json).key.id}"]`).getByText('Ver no mapa').waitFor()

    await page.mouse.move(0, 0)
    await page.evaluate(() => window.scrollTo(0, 0))
    await screenshot(page, 'simulador-celular-do-cliente')
    await page.context().close()
  })

  it('shows an Evolution instance\'s QR code and connects it when "Escanear QR" is pressed', async () => {
    const instance = `pagina-qr-${randomUUID().slice(0, 8)}`
    const created = await fetch(`${sim.evolutionUrl}/instance/create`, {
      method: 'POST', headers: { 'apikey': sim.evolutionApiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ instanceName: instance, integration: 'WHATSAPP-BAILEYS', qrcode: true, webhook: { url: `${receiver.url}/evolution`, byEvents: false, base64: true, headers: {}, events: EVENTS } }),
    })
    expect(created.status).toBe(201)
    const page = await openPhonePage()
    const card = page.locator(`[data-testid="instance"][data-name="${instance}"]`)
    await card.getByTestId('qr-image').waitFor()
    expect(await card.getByTestId('qr-image').getAttribute('src')).toBe((await sim.instance(instance)).qr!.base64)
    await card.scrollIntoViewIfNeeded()
    await screenshot(page, 'simulador-qr-code')

    await card.getByTestId('scan-phone').fill('5511944443333')
    await card.getByRole('button', { name: 'Escanear QR' }).click()
    await card.getByTestId('instance-state').getByText('Conectada').waitFor()
    const open = await eventually(() => receiver.received.find(received => received.body?.instance === instance && received.body?.event === 'connection.update' && (received.body.data as Json).state === 'open'), 15_000, 'connection.update open')
    expect(open.body!.data).toMatchObject({ wuid: '5511944443333@s.whatsapp.net' })
    await page.context().close()
  })
})
