/**
 * The conversation (issue #6, item 2, and its live updates): the seeded ticket #1002, every bubble kind
 * received through the WhatsApp simulator (plus rows only the service client can write), the audio
 * player, quotes that jump to the original, a customer message arriving live, a sent text that shows at
 * once and gets its ticks, a failed send with its reason and "Tentar novamente", and a 2,000-message
 * conversation of which only a window is ever in the DOM.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, serviceClient, signedInClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const INSTANCE = 'atende-principal'
const MARIA_TICKET = '00000000-0000-4000-f000-000000000002'
const service = serviceClient()
const sim = simulator()

let browser: Browser
let current: AppPage | undefined

beforeAll(async () => {
  // The checks below read #1002 exactly as seeded (its last message, the note before it); earlier files
  // may have written into it or transferred it.
  await restoreDemoTickets()
  browser = await launchBrowser()
})

afterEach(async () => {
  await current?.context.close()
  current = undefined
})

afterAll(async () => {
  await browser?.close()
})

async function signedInPage(email: string, options: { height?: number, colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  current = await openApp(browser, { colorScheme: options.colorScheme })
  if (options.height) await current.page.setViewportSize({ width: 1280, height: options.height })
  await signIn(current.page, email, DEMO.password)
  return current.page
}

function carlaPage(options: { height?: number, colorScheme?: 'light' | 'dark' } = {}): Promise<Page> {
  return signedInPage(DEMO.carla.email, options)
}

async function openConversation(page: Page, ticketId: string, query = ''): Promise<void> {
  await page.goto(appUrl(`/atendimento/${ticketId}${query}`))
  await page.getByTestId('conversation-pane').waitFor()
  await page.getByTestId('message').first().waitFor()
}

/** The message row holding this text. */
function messageWith(page: Page, text: string) {
  return page.getByTestId('message').filter({ hasText: text })
}

/** Whether the element's box is inside the message list's viewport. */
async function inListViewport(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((target) => {
    const element = document.querySelector(target)
    const list = document.querySelector('[data-testid="message-list"]')
    if (!element || !list) return false
    const box = element.getBoundingClientRect()
    const viewport = list.getBoundingClientRect()
    return box.bottom > viewport.top && box.top < viewport.bottom
  }, selector)
}

/** Where Pinia keeps the stores in the built app: the Vue app on the mount element. */
interface PiniaHost {
  __vue_app__: { config: { globalProperties: { $pinia: { _s: Map<string, unknown> } } } }
}

/** Sends a text through the messages store, as the composer does (without waiting for the server). */
function messagesStoreSend(page: Page, ticketId: string, body: string): Promise<void> {
  return page.evaluate(({ ticketId, body }) => {
    const pinia = (document.querySelector('#__nuxt') as unknown as PiniaHost).__vue_app__.config.globalProperties.$pinia
    const store = pinia._s.get('messages') as { send: (id: string, draft: unknown) => Promise<string> } | undefined
    if (!store) throw new Error('messages store not created')
    void store.send(ticketId, { kind: 'text', body, file: null, fileName: null, isVoiceNote: false, quotedMessageId: null })
  }, { ticketId, body })
}

/** The ids the messages store holds for a ticket, oldest first. */
function loadedIds(page: Page, ticketId: string): Promise<string[]> {
  return page.evaluate((ticketId) => {
    const pinia = (document.querySelector('#__nuxt') as unknown as PiniaHost).__vue_app__.config.globalProperties.$pinia
    const store = pinia._s.get('messages') as { byTicket: Record<string, Array<{ id: string }>> } | undefined
    return (store?.byTicket[ticketId] ?? []).map(message => message.id)
  }, ticketId)
}

describe('the seeded conversation (#1002, Maria with Carla)', () => {
  it('shows days, authors, ticks, the private note and the quoted reply, and jumps to the original', async () => {
    const page = await carlaPage()
    await openConversation(page, MARIA_TICKET)

    await expect(page.getByTestId('conversation-contact').textContent()).resolves.toContain('Maria')
    await messageWith(page, 'Tá bom, fico aguardando.').waitFor()
    expect(await page.getByTestId('day-separator').first().textContent()).toMatch(/Hoje|Ontem/)

    const note = messageWith(page, 'Sinal da ONU oscilando')
    expect(await note.getAttribute('class')).toContain('note')
    expect(await note.textContent()).toContain('Nota interna')
    expect(await note.getByTestId('message-ticks').count()).toBe(0)

    const carla = messageWith(page, 'Sou a Carla, do Suporte Técnico')
    expect(await carla.textContent()).toContain('Você')
    expect(await carla.getByTestId('message-ticks').getAttribute('data-status')).toBe('read')
    expect(await messageWith(page, 'Vamos te direcionar').first().textContent()).toContain('Chatbot')

    // The reply quotes the customer's message; clicking the quote scrolls there and flashes it.
    const reply = messageWith(page, 'Vou verificar o sinal da sua conexão')
    await expect(reply.getByTestId('message-quote').textContent()).resolves.toContain('Minha internet está caindo')
    await page.mouse.move(10, 10)
    await screenshot(page, 'atendimento-conversa')

    await page.getByTestId('message-list').evaluate((list) => {
      list.scrollTop = list.scrollHeight
    })
    await reply.getByTestId('message-quote').click()
    const original = '[data-message-id="00000000-0000-4000-f100-000000000205"]'
    await page.locator(`${original}.highlighted`).waitFor()
    expect(await inListViewport(page, original)).toBe(true)

    // "Responder" on hover fills the composer's reply preview.
    const target = messageWith(page, 'Fiz isso agora, mas continua caindo.')
    await target.hover()
    await target.getByTestId('message-reply').click()
    await expect(page.getByTestId('composer-reply-preview').textContent()).resolves.toContain('Fiz isso agora')
  })

  it('can be read and answered with the keyboard: arrows move between messages, R replies', async () => {
    const page = await carlaPage()
    await openConversation(page, MARIA_TICKET)
    await messageWith(page, 'Tá bom, fico aguardando.').waitFor()
    await page.getByTestId('message-list').focus()
    await page.keyboard.press('ArrowUp') // the last message
    await page.keyboard.press('ArrowUp') // the private note (notes are never quoted: R does nothing)
    await page.keyboard.press('r')
    expect(await page.getByTestId('composer-reply-preview').count()).toBe(0)
    await page.keyboard.press('ArrowUp')
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent ?? '')
    expect(focused).toContain('Vou verificar o sinal da sua conexão')
    await page.keyboard.press('r')
    await expect(page.getByTestId('composer-reply-preview').textContent()).resolves.toContain('Vou verificar o sinal')
  })

  it('looks right in the dark theme', async () => {
    const page = await carlaPage({ colorScheme: 'dark' })
    await openConversation(page, MARIA_TICKET)
    await messageWith(page, 'Tá bom, fico aguardando.').waitFor()
    await page.mouse.move(10, 10)
    await screenshot(page, 'atendimento-conversa-escuro')
  })
})

/** A contact with a ticket in `status`, for tests that change it (the seeded tickets stay as seeded). */
async function freshTicket(status: 'queued' | 'open', text: string): Promise<string> {
  const { data: contact, error: contactError } = await service.from('contacts')
    .insert({ whatsapp_name: 'Renata Fila', phone: `5531${randomInt(910_000_000, 989_999_999)}` }).select('id').single()
  expect(contactError).toBeNull()
  const now = new Date().toISOString()
  const { data: ticket, error: ticketError } = await service.from('tickets').insert({
    contact_id: contact?.id, channel_id: CHANNEL_ID, team_id: DEMO.teams.support, status, queued_at: now,
    ...(status === 'open' ? { assignee_id: DEMO.carla.id, accepted_at: now } : {}),
  }).select('id').single()
  expect(ticketError).toBeNull()
  const { error } = await service.from('messages').insert({
    ticket_id: ticket?.id, contact_id: contact?.id, channel_id: CHANNEL_ID, direction: 'inbound', sender_type: 'contact',
    kind: 'text', body: text, provider_message_id: `fresh-${randomUUID()}`, status: 'received',
  })
  expect(error).toBeNull()
  return ticket?.id as string
}

describe('read-only conversations', () => {
  it('peeks at a queued ticket with a banner instead of the composer; Atender opens the composer', async () => {
    const ticketId = await freshTicket('queued', 'Meu boleto não chegou')
    const page = await carlaPage()
    await openConversation(page, ticketId)
    const banner = page.getByTestId('conversation-read-only')
    await expect(banner.textContent()).resolves.toContain('espiando')
    expect(await page.getByTestId('composer').count()).toBe(0)
    const message = messageWith(page, 'Meu boleto não chegou')
    await message.hover()
    expect(await message.getByTestId('message-reply').count()).toBe(0)
    await screenshot(page, 'atendimento-conversa-espiar')

    await page.getByTestId('conversation-accept').click()
    await page.getByTestId('composer').waitFor()
    expect(await banner.count()).toBe(0)
    await message.hover()
    await message.getByTestId('message-reply').waitFor()
  })

  it('tells an observer that conversations are only followed', async () => {
    const page = await signedInPage(DEMO.observer.email)
    await openConversation(page, MARIA_TICKET)
    expect(await page.getByTestId('conversation-read-only').getAttribute('data-reason')).toBe('observer')
    expect(await page.getByTestId('conversation-accept').count()).toBe(0)
    expect(await page.getByTestId('composer').count()).toBe(0)
  })

  it('shows a closed ticket\'s history read-only', async () => {
    const page = await signedInPage(DEMO.admin.email)
    await openConversation(page, '00000000-0000-4000-f000-000000000001')
    expect(await page.getByTestId('conversation-read-only').getAttribute('data-reason')).toBe('closed')
    await messageWith(page, 'Obrigado pela sua avaliação!').waitFor()
  })
})

/** Real media made by Chromium itself: a photo, a WebP sticker, a WebM video and a WebM/Opus recording. */
async function makeMedia(): Promise<{ png: string, webp: string, video: string, voice: string }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  const media = await page.evaluate(async () => {
    const toBase64 = async (blob: Blob) => {
      const bytes = new Uint8Array(await blob.arrayBuffer())
      let binary = ''
      for (const byte of bytes) binary += String.fromCharCode(byte)
      return btoa(binary)
    }
    const record = (stream: MediaStream, mimeType: string, ms: number) => new Promise<Blob>((resolve) => {
      const recorder = new MediaRecorder(stream, { mimeType })
      const chunks: Blob[] = []
      recorder.ondataavailable = event => chunks.push(event.data)
      recorder.onstop = () => resolve(new Blob(chunks, { type: mimeType }))
      recorder.start()
      setTimeout(() => recorder.stop(), ms)
    })
    const canvas = document.createElement('canvas')
    canvas.width = 480
    canvas.height = 320
    const g = canvas.getContext('2d') as CanvasRenderingContext2D
    const gradient = g.createLinearGradient(0, 0, 480, 320)
    gradient.addColorStop(0, '#0f766e')
    gradient.addColorStop(1, '#f0a020')
    g.fillStyle = gradient
    g.fillRect(0, 0, 480, 320)
    g.fillStyle = '#fff'
    g.font = 'bold 44px sans-serif'
    g.fillText('Roteador', 140, 175)
    const png = await new Promise<Blob>(resolve => canvas.toBlob(blob => resolve(blob as Blob), 'image/png'))

    const sticker = document.createElement('canvas')
    sticker.width = 256
    sticker.height = 256
    const s = sticker.getContext('2d') as CanvasRenderingContext2D
    s.font = '200px sans-serif'
    s.fillStyle = '#f0a020'
    s.beginPath()
    s.arc(128, 128, 110, 0, Math.PI * 2)
    s.fill()
    s.fillStyle = '#111'
    s.font = 'bold 90px sans-serif'
    s.fillText(':)', 80, 160)
    const webp = await new Promise<Blob>(resolve => sticker.toBlob(blob => resolve(blob as Blob), 'image/webp'))

    let frame = 0
    const timer = setInterval(() => {
      g.fillStyle = `hsl(${(frame * 9) % 360} 60% 45%)`
      g.fillRect(0, 0, 480, 320)
      g.fillStyle = '#fff'
      g.fillText(`Vídeo ${frame++}`, 120, 175)
    }, 40)
    const video = await record(canvas.captureStream(25), 'video/webm;codecs=vp8', 2000)
    clearInterval(timer)

    const audio = new AudioContext()
    await audio.resume()
    const tone = audio.createOscillator()
    tone.frequency.value = 330
    const destination = audio.createMediaStreamDestination()
    tone.connect(destination)
    tone.start()
    const voice = await record(destination.stream, 'audio/webm;codecs=opus', 2600)
    tone.stop()
    return { png: await toBase64(png), webp: await toBase64(webp), video: await toBase64(video), voice: await toBase64(voice) }
  })
  await context.close()
  return media
}

function smallPdf(): string {
  const text = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n${'% manual do roteador\n'.repeat(60)}`
  return Buffer.from(text).toString('base64')
}

describe('a conversation with every kind of message', () => {
  const phone = `5511${randomInt(910_000_000, 989_999_999)}`
  let ticketId = ''
  let contactId = ''
  const ids: Record<string, string> = {}

  async function customer(key: string, input: Parameters<typeof sim.customerSends>[2]): Promise<string> {
    const sent = await sim.customerSends(INSTANCE, phone, { name: 'Paula Mídia', ...input })
    ids[key] = sent.id
    return sent.id
  }

  async function stored(providerId: string): Promise<{ id: string, ticket_id: string, contact_id: string }> {
    return eventually(async () => {
      const { data } = await service.from('messages').select('id, ticket_id, contact_id').eq('channel_id', CHANNEL_ID).eq('provider_message_id', providerId).maybeSingle()
      return data ?? undefined
    }, 20_000, `message ${providerId} stored`)
  }

  beforeAll(async () => {
    const first = await stored(await customer('text', { kind: 'text', text: 'Oi! Meu roteador *parou* de funcionar, veja www.exemplo.com.br/status' }))
    ticketId = first.ticket_id
    contactId = first.contact_id
    // The chatbot routes new conversations; here the ticket goes straight to Carla.
    const now = new Date().toISOString()
    const { error } = await service.from('tickets').update({ status: 'open', team_id: DEMO.teams.support, assignee_id: DEMO.carla.id, queued_at: now, accepted_at: now }).eq('id', ticketId)
    expect(error).toBeNull()

    const media = await makeMedia()
    const image = await customer('image', { kind: 'image', text: 'Foto do roteador', media: { base64: media.png, mimeType: 'image/png', fileName: 'roteador.png' } })
    await customer('voice', { kind: 'audio', voiceNote: true, media: { base64: media.voice, mimeType: 'audio/webm;codecs=opus', seconds: 3 } })
    await customer('document', { kind: 'document', text: 'Segue o manual', media: { base64: smallPdf(), mimeType: 'application/pdf', fileName: 'manual-roteador.pdf' } })
    await customer('video', { kind: 'video', text: 'Vídeo da luz piscando', media: { base64: media.video, mimeType: 'video/webm', fileName: 'luz.webm', seconds: 2 } })
    await customer('sticker', { kind: 'sticker', media: { base64: media.webp, mimeType: 'image/webp' } })
    await customer('location', { kind: 'location', location: { latitude: -23.5614, longitude: -46.6559, name: 'Av. Paulista, 1578', address: 'Bela Vista, São Paulo - SP' } })
    await customer('contact', { kind: 'contact', contact: { name: 'João Eletricista', phone: '5511912345678' } })
    await customer('reaction', { kind: 'reaction', reaction: { messageId: ids.text as string, emoji: '👍' } })
    await customer('reply', { kind: 'text', text: 'Essa foto mostra a luz vermelha', replyTo: image })
    for (const key of Object.keys(ids)) await stored(ids[key] as string)

    // What the simulator cannot send: a message kind WhatsApp has and Atende does not show (a poll).
    const { error: insertError } = await service.from('messages').insert({
      ticket_id: ticketId, contact_id: contactId, channel_id: CHANNEL_ID, direction: 'inbound', sender_type: 'contact',
      kind: 'unsupported', body: 'Enquete: Qual o melhor horário para a visita?', provider_message_id: `poll-${randomUUID()}`, status: 'received',
    })
    expect(insertError).toBeNull()
    const carla = await signedInClient(DEMO.carla.email, DEMO.password)
    const note = await carla.rpc('add_private_note', { p_ticket_id: ticketId, p_body: 'Cliente enviou vídeo: luz *vermelha* piscando.' })
    expect(note.error).toBeNull()
    await carla.auth.signOut()
    // Send whatever the chatbot queued, so the sends below are the outbox's next ones.
    await service.functions.invoke('whatsapp-send', { method: 'POST' })
  }, 120_000)

  it('renders every bubble, plays the voice note, and jumps from a quote to the original', async () => {
    const page = await carlaPage({ height: 1700 })
    await openConversation(page, ticketId)
    await messageWith(page, 'Essa foto mostra a luz vermelha').waitFor()

    // Text with WhatsApp formatting and a link; the reaction sits on the message it reacts to.
    const first = messageWith(page, 'Meu roteador')
    expect(await first.locator('strong').textContent()).toBe('parou')
    expect(await first.locator('a').getAttribute('href')).toBe('https://www.exemplo.com.br/status')
    await expect(first.getByTestId('message-reactions').textContent()).resolves.toContain('👍')
    expect(await page.getByTestId('message-reaction').count()).toBe(0)

    const image = page.locator('[data-testid="message-image"] img')
    await page.waitForFunction(() => ((document.querySelector('[data-testid="message-image"] img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0)
    expect(await image.getAttribute('alt')).toBe('Foto do roteador')
    // The photo opens in a lightbox; Esc closes it.
    await image.click()
    await page.locator('.n-image-preview').waitFor()
    await screenshot(page, 'atendimento-conversa-imagem')
    await page.keyboard.press('Escape')
    await page.locator('.n-image-preview').waitFor({ state: 'detached' })
    await page.waitForFunction(() => ((document.querySelector('[data-testid="message-sticker"]') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0)
    await page.waitForFunction(() => ((document.querySelector('[data-testid="message-video"]') as HTMLVideoElement | null)?.readyState ?? 0) >= 1)

    const documentBubble = page.getByTestId('message-document')
    await expect(documentBubble.textContent()).resolves.toMatch(/manual-roteador\.pdf\s*PDF · \d+(,\d)? (B|KB)/)
    const download = page.waitForEvent('download')
    await page.getByTestId('document-download').click()
    expect((await download).suggestedFilename()).toBe('manual-roteador.pdf')

    await expect(page.getByTestId('message-location').textContent()).resolves.toContain('Av. Paulista, 1578')
    expect(await page.getByTestId('location-link').getAttribute('href')).toMatch(/-23\.5614/)
    await expect(page.getByTestId('message-contact').textContent()).resolves.toMatch(/João Eletricista[\s\S]*\+55 11 91234-5678/)
    await expect(page.getByTestId('message-unsupported').textContent()).resolves.toContain('Enquete')
    const note = messageWith(page, 'Cliente enviou vídeo')
    expect(await note.getAttribute('class')).toContain('note')
    expect(await note.locator('strong').textContent()).toBe('vermelha')

    // The voice note: duration shown, plays (time moves), speed 1× → 1,5× → 2× → 1×.
    const player = page.getByTestId('audio-player')
    await page.waitForFunction(() => /^0:0[23]$/.test(document.querySelector('[data-testid="audio-time"]')?.textContent?.trim() ?? ''))
    await player.getByTestId('audio-toggle').click()
    await page.locator('[data-testid="audio-player"][data-playing="true"]').waitFor()
    await page.waitForFunction(() => Number((document.querySelector('[data-testid="audio-seek"]') as HTMLInputElement).value) > 0.3)
    await player.getByTestId('audio-speed').click()
    await expect(player.getByTestId('audio-speed').textContent()).resolves.toContain('1,5×')
    await player.getByTestId('audio-speed').click()
    await expect(player.getByTestId('audio-speed').textContent()).resolves.toContain('2×')
    expect(await player.locator('audio').evaluate(audio => (audio as HTMLAudioElement).playbackRate)).toBe(2)
    await player.getByTestId('audio-toggle').click()
    await page.locator('[data-testid="audio-player"][data-playing="false"]').waitFor()
    await player.getByTestId('audio-speed').click()
    await expect(player.getByTestId('audio-speed').textContent()).resolves.toContain('1×')

    await page.mouse.move(10, 10)
    await screenshot(page, 'atendimento-conversa-midias')

    // The reply quotes the photo; clicking the quote flashes the photo.
    const reply = messageWith(page, 'Essa foto mostra a luz vermelha')
    await expect(reply.getByTestId('message-quote').textContent()).resolves.toContain('Imagem: Foto do roteador')
    await reply.getByTestId('message-quote').click()
    await page.locator('[data-testid="message"][data-kind="image"].highlighted').waitFor()
  })

  it('shows a customer message live, a sent text at once with its ticks, and a failure that can be retried', async () => {
    const page = await carlaPage()
    await openConversation(page, ticketId)
    await page.locator('[data-testid="conversation-live"][data-live="live"]').waitFor()

    // The customer writes: it appears without a reload.
    await customer('live', { kind: 'text', text: 'Alguém aí? Ainda sem internet.' })
    await messageWith(page, 'Alguém aí? Ainda sem internet.').waitFor({ timeout: 15_000 })

    // Sent through the store: on screen (clock) before the server answers, then ticks.
    await page.route('**/rest/v1/rpc/send_message', async (route) => {
      await new Promise(resolve => setTimeout(resolve, 1500))
      await route.continue()
    })
    await messagesStoreSend(page, ticketId, 'Estou verificando agora mesmo.')
    const sent = messageWith(page, 'Estou verificando agora mesmo.')
    await sent.getByTestId('message-ticks').and(page.locator('[data-status="pending"]')).waitFor({ timeout: 1000 })
    await page.unroute('**/rest/v1/rpc/send_message')
    await sent.locator('[data-testid="message-ticks"]:is([data-status="sent"], [data-status="delivered"], [data-status="read"])').waitFor({ timeout: 15_000 })
    expect(await sent.count()).toBe(1)
    await screenshot(page, 'atendimento-conversa-enviada')

    // No connection: the message stays, marked failed locally; "Tentar novamente" sends the same one.
    await page.route('**/rest/v1/rpc/send_message', route => route.abort('connectionrefused'))
    await messagesStoreSend(page, ticketId, 'Mensagem sem conexão')
    const offline = messageWith(page, 'Mensagem sem conexão')
    await expect(offline.getByTestId('message-failure').textContent()).resolves.toContain('Sem conexão com o servidor')
    await page.unroute('**/rest/v1/rpc/send_message')
    await offline.getByTestId('message-retry').click()
    await offline.locator('[data-testid="message-ticks"]:is([data-status="sent"], [data-status="delivered"], [data-status="read"])').waitFor({ timeout: 15_000 })
    const { data: offlineRows } = await service.from('messages').select('id').eq('ticket_id', ticketId).eq('body', 'Mensagem sem conexão')
    expect(offlineRows).toHaveLength(1)

    // The provider refuses the next send: the reason in Portuguese, and the retry delivers it.
    await sim.setFaults({ failSends: { count: 1, mode: 'not_on_whatsapp' } }, INSTANCE)
    try {
      await messagesStoreSend(page, ticketId, 'Pode reiniciar o roteador?')
      const refused = messageWith(page, 'Pode reiniciar o roteador?')
      await expect(refused.getByTestId('message-failure').textContent({ timeout: 20_000 })).resolves.toContain('Este número não tem WhatsApp.')
      expect(await refused.getByTestId('message-ticks').getAttribute('data-status')).toBe('failed')
      await page.mouse.move(10, 10)
      await screenshot(page, 'atendimento-conversa-falha')
      await refused.getByTestId('message-retry').click()
      await refused.locator('[data-testid="message-ticks"]:is([data-status="sent"], [data-status="delivered"], [data-status="read"])').waitFor({ timeout: 20_000 })
      expect(await refused.getByTestId('message-failure').count()).toBe(0)
    }
    finally {
      await sim.clearFaults(INSTANCE)
    }
    const inbox = await sim.inbox(INSTANCE, phone)
    expect(inbox.filter(message => message.text === 'Pode reiniciar o roteador?')).toHaveLength(1)
  })
})

describe('a long conversation', () => {
  const TOTAL = 2000
  let ticketId = ''
  const messageIds: string[] = []

  beforeAll(async () => {
    const phone = `5521${randomInt(910_000_000, 989_999_999)}`
    const { data: contact, error: contactError } = await service.from('contacts')
      .insert({ whatsapp_name: 'Cliente Antigo', phone }).select('id').single()
    expect(contactError).toBeNull()
    const start = Date.now() - TOTAL * 60_000
    const { data: ticket, error: ticketError } = await service.from('tickets').insert({
      contact_id: contact?.id, channel_id: CHANNEL_ID, team_id: DEMO.teams.support, assignee_id: DEMO.carla.id, status: 'open',
      created_at: new Date(start - 60_000).toISOString(), queued_at: new Date(start).toISOString(), accepted_at: new Date(start).toISOString(),
    }).select('id').single()
    expect(ticketError).toBeNull()
    ticketId = ticket?.id as string
    const rows = Array.from({ length: TOTAL }, (_, index) => {
      const inbound = index % 3 !== 2
      const id = randomUUID()
      messageIds.push(id)
      return {
        id, ticket_id: ticketId, contact_id: contact?.id, channel_id: CHANNEL_ID,
        direction: inbound ? 'inbound' : 'outbound', sender_type: inbound ? 'contact' : 'agent', sender_id: inbound ? null : DEMO.carla.id,
        kind: 'text', body: `Mensagem ${index + 1}${index % 7 === 0 ? `\n${'linha extra '.repeat(12)}` : ''}`,
        provider_message_id: `long-${id}`, status: inbound ? 'received' : 'read', created_at: new Date(start + index * 60_000).toISOString(),
      }
    })
    for (let offset = 0; offset < rows.length; offset += 500) {
      const { error } = await service.from('messages').insert(rows.slice(offset, offset + 500))
      expect(error).toBeNull()
    }
  }, 120_000)

  it('keeps only a window in the DOM while scrolling through older pages, anchored', async () => {
    const page = await carlaPage()
    await openConversation(page, ticketId)
    await messageWith(page, `Mensagem ${TOTAL}`).waitFor()
    expect(await inListViewport(page, `[data-message-id="${messageIds[TOTAL - 1]}"]`)).toBe(true)

    const list = page.getByTestId('message-list')
    const domCount = () => page.getByTestId('message').count()
    const loadedCount = async () => (await loadedIds(page, ticketId)).length

    // Scroll up to the top a few times: each time an older page loads above, and the message that was
    // at the top stays where it was.
    for (let round = 0; round < 6; round++) {
      const before = await loadedCount()
      // The oldest loaded message is the one at the top once scrolled all the way up.
      const topId = (await loadedIds(page, ticketId))[0]
      await list.evaluate((element) => {
        element.scrollTop = 0
      })
      await eventually(async () => ((await loadedCount()) > before ? true : undefined), 10_000, 'an older page')
      await page.waitForTimeout(150)
      expect(topId).toBeDefined()
      expect(await inListViewport(page, `[data-message-id="${topId}"]`)).toBe(true)
      expect(await list.evaluate(element => element.scrollTop)).toBeGreaterThan(500)
    }
    expect(await loadedCount()).toBeGreaterThanOrEqual(350)
    expect(await domCount()).toBeLessThan(60)

    // A smooth sweep through what is loaded: frames stay short and the DOM stays small.
    const sweep = await list.evaluate(async (element) => {
      const frames: number[] = []
      let last = performance.now()
      let maxRows = 0
      for (let step = 0; step < 90; step++) {
        element.scrollTop += 220
        await new Promise(resolve => requestAnimationFrame(resolve))
        const now = performance.now()
        frames.push(now - last)
        last = now
        maxRows = Math.max(maxRows, element.querySelectorAll('[data-testid="message"]').length)
      }
      frames.sort((a, b) => a - b)
      return { median: frames[Math.floor(frames.length / 2)] as number, maxRows }
    })
    expect(sweep.maxRows).toBeLessThan(60)
    expect(sweep.median).toBeLessThan(50)
    await page.mouse.move(10, 10)
    await screenshot(page, 'atendimento-conversa-longa')

    // A link to an old message loads the pages up to it and shows it highlighted.
    const oldId = messageIds[120] as string
    await openConversation(page, ticketId, `?message=${oldId}`)
    await page.locator(`[data-message-id="${oldId}"].highlighted`).waitFor({ timeout: 30_000 })
    expect(await inListViewport(page, `[data-message-id="${oldId}"]`)).toBe(true)
    expect(await domCount()).toBeLessThan(60)

    // Moving to another conversation from the inbox opens that one at its latest message.
    await page.getByTestId('ticket-card').filter({ hasText: 'Maria Aparecida Souza' }).getByTestId('ticket-card-link').click()
    await page.waitForURL(url => url.pathname.endsWith(MARIA_TICKET))
    await messageWith(page, 'Tá bom, fico aguardando.').waitFor()
    await page.waitForTimeout(200)
    expect(await inListViewport(page, '[data-message-id="00000000-0000-4000-f100-000000000211"]')).toBe(true)
  })
})
