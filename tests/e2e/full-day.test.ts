/**
 * Issue #6's "Done when", tried as new users would, in one scenario on the demo connection
 * (`atende-principal`, served by the WhatsApp simulator): a new customer writes on the simulator's phone
 * page, the chatbot greets with its menu and routes "1" to Suporte Técnico; the ticket appears live in
 * Carla's Fila; she accepts it and answers with a quick reply, an emoji, a photo with a caption, a voice
 * note and a reply to the customer's first message (each one reaches the phone), writes a private note,
 * searches the conversation (Ctrl+F) and everything (Ctrl+K), and transfers to Financeiro with a note;
 * it leaves her list and appears live in Diego's Fila; Diego accepts, reads the history, closes with a
 * classification and a comment; the customer gets the farewell and the rating prompt, answers
 * "nota 9" and is thanked.
 *
 * Everything is asserted through what the customer and the agents see, plus a few database checks for
 * what no screen shows. With UPDATE_DOCS_SCREENSHOTS=1 the main screens are also saved to
 * docs/screenshots/ (viewport only, 1440×900, light theme) for docs/tela-de-atendimento.md.
 */
import { randomInt } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_ROOT } from '../../local-stack/config.ts'
import { readBotSettings, readMenuOptions } from '../../supabase/functions/_shared/chatbot/context.ts'
import { isWithinBusinessHours } from '../../supabase/functions/_shared/chatbot/hours.ts'
import { renderMenu } from '../../supabase/functions/_shared/chatbot/text.ts'
import type { BotSettings } from '../../supabase/functions/_shared/chatbot/types.ts'
import { DEMO } from '../support/db.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, serviceClient } from '../support/stack.ts'
import { appUrl, screenshot, signIn } from './support/browser.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const BILLING_CLASSIFICATION = '00000000-0000-4000-c000-000000000004'
const VIEWPORT = { width: 1440, height: 900 }
/** Generous per-step waits: the machine running this has two cores and runs the whole stack. */
const STEP_TIMEOUT = 30_000
const DOCS_SCREENSHOTS = process.env.UPDATE_DOCS_SCREENSHOTS === '1'
const DOCS_DIR = join(PROJECT_ROOT, 'docs/screenshots')

const CUSTOMER = 'Luana Ribeiro'
const FIRST_MESSAGE = 'Oi! Minha internet está muito lenta desde ontem e a fatura deste mês veio com uma cobrança a mais.'
const QUICK_REPLY_BODY = 'Desligue o roteador da tomada, aguarde 30 segundos e ligue novamente. Depois me conte se a conexão voltou.'
const EMOJI_TEXT = 'Enquanto isso, estou acompanhando por aqui'
const IMAGE_CAPTION = 'Confira se a luz PON do roteador está verde, como nesta foto'
const REPLY_TEXT = 'Sobre a cobrança a mais: vou passar você para o Financeiro, que resolve isso.'
const PRIVATE_NOTE = 'Internet normalizada após reiniciar o roteador. Falta ver a cobrança em dobro.'
const TRANSFER_NOTE = 'Internet resolvida. Cliente relata cobrança a mais na fatura deste mês.'
const CLOSING_COMMENT = 'Cobrança duplicada estornada; crédito na próxima fatura.'

const sim = simulator()
const service = serviceClient()
let browser: Browser
const contexts: BrowserContext[] = []

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // The standard flags (tests/e2e/support/browser.ts) plus a fake microphone that needs no prompt.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
  })
})

afterAll(async () => {
  for (const context of contexts.splice(0)) await context.close()
  await browser?.close()
})

// Screens ------------------------------------------------------------------------------------------------

async function newPage(): Promise<Page> {
  // São Paulo time, as the app shows it, so the phone's clock agrees with the agents' screens.
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light', locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' })
  contexts.push(context)
  context.setDefaultTimeout(STEP_TIMEOUT)
  return context.newPage()
}

/** An agent signed in on the inbox, with its lists read and the realtime subscription joined. */
async function agentPage(email: string): Promise<Page> {
  const page = await newPage()
  // The microphone for the voice note; notifications so the inbox does not ask for them in the pictures.
  await page.context().grantPermissions(['microphone', 'notifications'], { origin: new URL(appUrl('/')).origin })
  await signIn(page, email, DEMO.password)
  await page.waitForURL(url => url.pathname === '/atendimento')
  await page.locator('[data-testid="inbox-panel"][data-live="live"]').waitFor()
  await page.getByTestId('ticket-list-loading').waitFor({ state: 'detached' })
  return page
}

/** The customer's phone on the simulator page, talking to the demo connection. */
async function phonePage(phone: string): Promise<Page> {
  const page = await newPage()
  await page.goto(sim.url)
  await page.getByTestId('target-select').locator('option[value="evolution:atende-principal"]').waitFor({ state: 'attached' })
  await page.getByTestId('target-select').selectOption('evolution:atende-principal')
  await page.getByLabel('Telefone do cliente').fill(phone)
  await page.getByLabel('Telefone do cliente').press('Tab')
  await page.getByLabel('Nome no WhatsApp').fill(CUSTOMER)
  await page.getByLabel('Nome no WhatsApp').press('Tab')
  await page.getByTestId('chat-title').getByText('Atendimento Principal').waitFor()
  return page
}

/** Moves the pointer away and waits for tooltips to go, so pictures show the screen at rest. */
async function restPointer(page: Page): Promise<void> {
  await page.mouse.move(0, 0)
  await page.waitForFunction(() => [...document.querySelectorAll('.n-tooltip')].every(tooltip => tooltip.getClientRects().length === 0))
}

/** Always a test artifact (test-results/screenshots); also the docs' picture when asked for. */
async function capture(page: Page, name: string, docsName?: string): Promise<void> {
  await screenshot(page, `dia-completo-${name}`)
  if (!DOCS_SCREENSHOTS || !docsName) return
  mkdirSync(DOCS_DIR, { recursive: true })
  await page.screenshot({ path: join(DOCS_DIR, `${docsName}.png`), animations: 'disabled' })
}

// The phone -------------------------------------------------------------------------------------------------

async function customerTypes(phone: Page, text: string): Promise<void> {
  await phone.getByTestId('message-input').fill(text)
  await phone.getByTestId('message-input').press('Enter')
}

const businessBubbles = (phone: Page) => phone.locator('[data-testid="message"][data-from="business"]')

/** The business's bubbles' texts once there are `count` of them. */
async function businessTexts(phone: Page, count: number): Promise<string[]> {
  await businessBubbles(phone).nth(count - 1).waitFor()
  return businessBubbles(phone).allInnerTexts()
}

/** The business's bubble holding this text, once it arrived. */
async function arrivedOnPhone(phone: Page, text: string): Promise<Locator> {
  const bubble = businessBubbles(phone).filter({ hasText: text })
  await bubble.waitFor()
  return bubble
}

/**
 * The phone shows what it has not received yet faded: wait until everything arrived, and show the
 * latest messages (a photo that loads after its bubble was placed leaves the chat scrolled above them).
 */
async function phoneSettled(phone: Page): Promise<void> {
  await phone.waitForFunction(() => document.querySelector('[data-testid="message"] .in-flight') === null)
  await phone.getByTestId('chat').evaluate((chat) => {
    chat.scrollTop = chat.scrollHeight
  })
  await phone.mouse.move(0, 0)
}

// The chatbot's texts, from the demo channel's own settings --------------------------------------------------

interface DemoBot { settings: BotSettings, menu: string, farewell: string }

async function demoBot(): Promise<DemoBot> {
  const [settings, options, company] = await Promise.all([
    service.from('bot_settings').select('*').eq('channel_id', DEMO_CHANNEL_ID).single(),
    service.from('bot_menu_options').select('position, label, team_id').eq('channel_id', DEMO_CHANNEL_ID),
    service.from('app_settings').select('timezone').single(),
  ])
  expect(settings.error ?? options.error ?? company.error).toBeNull()
  const bot = readBotSettings(settings.data!, (company.data as { timezone: string }).timezone)
  return { settings: bot, menu: renderMenu(bot, readMenuOptions(options.data!)), farewell: (settings.data as { farewell_text: string }).farewell_text }
}

// The app ---------------------------------------------------------------------------------------------------

function card(page: Page, list: 'mine' | 'queue', ticketNumber: number): Locator {
  return page.getByTestId(`ticket-list-${list}`).locator(`[data-ticket-number="${ticketNumber}"]`)
}

/** Picks an option of a naive-ui select by its visible text. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click()
  await page.locator('.n-base-select-option', { hasText: option }).first().click()
}

/** A picture drawn in the page, as PNG bytes: a router with its lights, worth a look in the docs. */
async function drawRouterPhoto(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas')
    canvas.width = 640
    canvas.height = 400
    const g = canvas.getContext('2d')!
    const sky = g.createLinearGradient(0, 0, 640, 400)
    sky.addColorStop(0, '#e0f2fe')
    sky.addColorStop(1, '#bae6fd')
    g.fillStyle = sky
    g.fillRect(0, 0, 640, 400)
    g.fillStyle = '#1f2937'
    g.beginPath()
    g.roundRect(110, 150, 420, 140, 22)
    g.fill()
    const lights = [['POWER', '#22c55e'], ['PON', '#22c55e'], ['LOS', '#475569'], ['LAN', '#22c55e'], ['WI-FI', '#22c55e']] as const
    lights.forEach(([label, color], index) => {
      const x = 170 + index * 75
      g.fillStyle = color
      g.beginPath()
      g.arc(x, 205, 11, 0, Math.PI * 2)
      g.fill()
      g.fillStyle = '#e5e7eb'
      g.font = 'bold 15px sans-serif'
      g.textAlign = 'center'
      g.fillText(label, x, 245)
    })
    g.fillStyle = '#0f172a'
    g.font = 'bold 30px sans-serif'
    g.textAlign = 'center'
    g.fillText('Roteador Fibra', 320, 110)
    return canvas.toDataURL('image/png').split(',')[1]!
  })
  return Buffer.from(base64, 'base64')
}

interface TicketRow {
  id: string
  number: number
  status: string
  team_id: string | null
  assignee_id: string | null
  classification_id: string | null
  closing_comment: string | null
  closed_by: string | null
  rating: number | null
  rating_status: string | null
}

async function ticketRow(ticketId: string): Promise<TicketRow> {
  const { data, error } = await service.from('tickets')
    .select('id, number, status, team_id, assignee_id, classification_id, closing_comment, closed_by, rating, rating_status')
    .eq('id', ticketId).single()
  expect(error).toBeNull()
  return data as TicketRow
}

describe('a full day at the agent workspace', () => {
  it('customer → bot → Carla (quick reply, emoji, photo, voice note, reply-to, search) → transfer → Diego closes → rating 9', async () => {
    const bot = await demoBot()
    const [{ data: support }, { data: finance }] = await Promise.all([
      service.from('teams').select('color').eq('id', DEMO.teams.support).single(),
      service.from('teams').select('color').eq('id', DEMO.teams.finance).single(),
    ])
    // A new customer each run, with a number that looks made up in the pictures (+55 11 90000-xxxx).
    const phoneNumber = `551190000${String(randomInt(0, 10_000)).padStart(4, '0')}`

    // Carla starts her day on the queue, before the customer writes: what arrives must arrive live.
    const carla = await agentPage(DEMO.carla.email)
    await carla.getByTestId('inbox-tab-queue').click()
    await carla.getByTestId('ticket-list-queue').waitFor()

    // 1. A new customer writes; the bot greets with the menu (and the out-of-hours notice when due).
    const phone = await phonePage(phoneNumber)
    const openNow = isWithinBusinessHours(bot.settings.businessHours, bot.settings.holidays, bot.settings.timezone, new Date())
    await customerTypes(phone, FIRST_MESSAGE)
    const greeting = openNow ? [bot.settings.welcomeText, bot.menu] : [bot.settings.welcomeText, bot.settings.outOfHoursText, bot.menu]
    const greeted = await businessTexts(phone, greeting.length)
    expect(greeted.length, JSON.stringify(greeted)).toBe(greeting.length)
    greeting.forEach((text, index) => expect(greeted[index]!.startsWith(text!), JSON.stringify(greeted)).toBe(true))
    expect(greeted.at(-1)).toContain('1 - Suporte Técnico')
    expect(greeted.at(-1)).toContain('2 - Financeiro')
    await phoneSettled(phone)
    await capture(phone, 'celular-menu', 'celular-do-cliente-menu')

    // 2. "1": the bot confirms, and the ticket enters Suporte Técnico's queue — live on Carla's screen.
    await customerTypes(phone, '1')
    await arrivedOnPhone(phone, bot.settings.afterSelectionText!)
    const queued = carla.getByTestId('ticket-list-queue').getByTestId('ticket-card').filter({ hasText: CUSTOMER })
    await queued.waitFor()
    const ticketNumber = Number(await queued.getAttribute('data-ticket-number'))
    const ticketId = (await queued.getAttribute('data-ticket-id'))!
    const teamChip = queued.getByTestId('ticket-card-team')
    expect(await teamChip.textContent()).toBe('Suporte Técnico')
    expect(await teamChip.evaluate(element => (element as HTMLElement).style.getPropertyValue('--team-color'))).toBe(support!.color)
    await queued.getByTestId('ticket-card-waiting').waitFor()
    expect((await ticketRow(ticketId))).toMatchObject({ status: 'queued', team_id: DEMO.teams.support, assignee_id: null })
    await restPointer(carla)
    await capture(carla, 'fila-carla', 'inbox-fila')

    // 3. Atender: the conversation opens with the composer, the ticket is in Em andamento.
    await queued.getByTestId('queue-accept').click()
    await carla.waitForURL(url => url.pathname === `/atendimento/${ticketId}`)
    await card(carla, 'mine', ticketNumber).waitFor()
    const input = carla.getByTestId('composer-input')
    await input.waitFor()
    await carla.getByTestId('message').filter({ hasText: FIRST_MESSAGE }).waitFor()

    // 4. A quick reply through "/": the list filters as she types, Enter inserts, Enter sends.
    const quickReplies = carla.getByTestId('composer-quick-replies')
    await input.click()
    await input.pressSequentially('/rei')
    await quickReplies.waitFor()
    await expect.poll(() => quickReplies.locator('[role="option"]').evaluateAll(items => items.map(item => (item as HTMLElement).dataset.shortcut))).toEqual(['reiniciar'])
    await restPointer(carla)
    await capture(carla, 'respostas-rapidas', 'composer-respostas-rapidas')
    await input.press('Enter')
    await quickReplies.waitFor({ state: 'detached' })
    expect(await input.inputValue()).toBe(QUICK_REPLY_BODY)
    await input.press('Enter')
    await expect.poll(() => input.inputValue()).toBe('')
    await arrivedOnPhone(phone, QUICK_REPLY_BODY)

    // 5. An emoji from the picker, at the end of her text.
    await input.fill(`${EMOJI_TEXT} `)
    await input.press('End')
    await carla.getByTestId('composer-emoji').click()
    const picker = carla.getByTestId('composer-emoji-picker')
    await picker.waitFor()
    const emoji = picker.locator('.v3-emojis button').first()
    const glyph = (await emoji.textContent())!.trim()
    expect(glyph.length).toBeGreaterThan(0)
    await emoji.click()
    await picker.waitFor({ state: 'detached' })
    expect(await input.inputValue()).toBe(`${EMOJI_TEXT} ${glyph}`)
    await input.press('Enter')
    const emojiBubble = await arrivedOnPhone(phone, EMOJI_TEXT)
    expect(await emojiBubble.innerText()).toContain(`${EMOJI_TEXT} ${glyph}`)

    // 6. A photo from the file chooser, with a caption.
    const chooser = carla.waitForEvent('filechooser')
    await carla.getByTestId('composer-attach').click()
    await (await chooser).setFiles({ name: 'roteador-luzes.png', mimeType: 'image/png', buffer: await drawRouterPhoto(carla) })
    await carla.getByTestId('composer-attachment').waitFor()
    await carla.getByLabel('Legenda de roteador-luzes.png').fill(IMAGE_CAPTION)
    await carla.getByTestId('composer-send').click()
    await carla.getByTestId('composer-attachment').waitFor({ state: 'detached' })
    const photo = await arrivedOnPhone(phone, IMAGE_CAPTION)
    expect(await photo.getAttribute('data-kind')).toBe('image')
    await photo.locator('img').waitFor()
    await phone.waitForFunction(caption => [...document.querySelectorAll<HTMLImageElement>('[data-testid="message"][data-from="business"] img')]
      .some(image => image.alt === caption && image.naturalWidth === 640), IMAGE_CAPTION)
    // And Carla sees her own photo in the conversation.
    await carla.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="message-image"] img')].some(image => image.naturalWidth > 0))

    // 7. A voice note recorded with the (fake) microphone: about two seconds, then send.
    await carla.getByTestId('composer-record').click()
    await carla.getByTestId('composer-recording').waitFor()
    await carla.getByTestId('composer-recording-timer').filter({ hasText: /^0:0[2-9]$/ }).waitFor()
    await carla.getByTestId('composer-recording-send').click()
    await carla.getByTestId('composer-recording').waitFor({ state: 'detached' })
    const voice = businessBubbles(phone).and(phone.locator('[data-kind="audio"]'))
    await voice.locator('.voice[data-voice-note] audio[src]').waitFor()
    await carla.locator('[data-testid="message"][data-kind="audio"] [data-testid="audio-player"]').waitFor()

    // 8. "Responder" on the customer's first message: the phone shows the quote of it.
    const first = carla.getByTestId('message').filter({ hasText: FIRST_MESSAGE })
    await first.hover()
    await first.getByTestId('message-reply').click()
    const preview = carla.getByTestId('composer-reply-preview')
    await preview.waitFor()
    expect(await preview.textContent()).toContain('cobrança a mais')
    await expect.poll(() => input.evaluate(element => element === document.activeElement)).toBe(true)
    await carla.keyboard.type(REPLY_TEXT)
    await carla.keyboard.press('Enter')
    await preview.waitFor({ state: 'detached' })
    const reply = await arrivedOnPhone(phone, REPLY_TEXT)
    const quote = reply.getByTestId('quote')
    await quote.waitFor()
    expect(await quote.textContent()).toContain('Você')
    expect(await quote.textContent()).toContain(FIRST_MESSAGE)
    // In Carla's conversation the reply carries the quote too.
    await carla.getByTestId('message').filter({ hasText: REPLY_TEXT }).getByTestId('message-quote').filter({ hasText: 'cobrança a mais' }).waitFor()
    await phoneSettled(phone)
    await capture(phone, 'celular-respostas')

    // 9. A private note for whoever comes next: styled apart, never sent to the phone (checked at the end).
    await carla.getByTestId('composer-mode-note').click()
    await carla.getByTestId('composer-note-banner').waitFor()
    await input.fill(PRIVATE_NOTE)
    await input.press('Enter')
    const note = carla.getByTestId('message').filter({ hasText: PRIVATE_NOTE })
    await note.waitFor()
    expect(await note.getAttribute('class')).toContain('note')
    await carla.getByTestId('composer-mode-reply').click()
    await input.focus()
    // Every send made it: each of Carla's five messages to the customer has its ticks, none failed.
    const delivered = '[data-testid="message-ticks"]:is([data-status="delivered"], [data-status="read"])'
    for (const text of [QUICK_REPLY_BODY, EMOJI_TEXT, IMAGE_CAPTION, REPLY_TEXT]) {
      await carla.getByTestId('message').filter({ hasText: text }).locator(delivered).waitFor()
    }
    await carla.locator(`[data-testid="message"][data-kind="audio"].outbound ${delivered}`).waitFor()
    expect(await carla.getByTestId('message-failure').count()).toBe(0)
    await restPointer(carla)
    await capture(carla, 'conversa', 'conversa-midias-e-nota')

    // What the UI cannot show: the kinds and flags stored for what Carla sent, in order.
    const { data: sent } = await service.from('messages')
      .select('kind, body, is_voice_note, is_private, quoted_message_id, media_mime, status')
      .eq('ticket_id', ticketId).eq('sender_id', DEMO.carla.id).order('created_at')
    const { data: firstMessage } = await service.from('messages').select('id').eq('ticket_id', ticketId).eq('body', FIRST_MESSAGE).single()
    expect(sent!.map(row => [row.kind, row.is_voice_note, row.is_private])).toEqual([
      ['text', false, false], ['text', false, false], ['image', false, false], ['audio', true, false], ['text', false, false], ['note', false, true],
    ])
    expect(sent![2]).toMatchObject({ body: IMAGE_CAPTION, media_mime: 'image/png' })
    expect(sent![3]!.media_mime).toBe('audio/ogg')
    expect(sent![4]).toMatchObject({ body: REPLY_TEXT, quoted_message_id: firstMessage!.id })

    // 10. Ctrl+F: searching inside the conversation highlights the hit.
    await carla.keyboard.press('Control+f')
    const searchInput = carla.getByTestId('conversation-search-input').locator('input')
    await searchInput.waitFor()
    await expect.poll(() => searchInput.evaluate(element => element === document.activeElement)).toBe(true)
    await searchInput.fill('lenta')
    await carla.getByTestId('conversation-search-counter').getByText('1 de 1').waitFor()
    await carla.locator('[data-testid="message"].highlighted').filter({ hasText: FIRST_MESSAGE }).waitFor()
    await restPointer(carla)
    await capture(carla, 'busca-na-conversa')
    await searchInput.press('Escape')
    await carla.getByTestId('conversation-search-open').waitFor()

    // 11. Ctrl+K: searching everything groups hits by ticket; this ticket's hit opens highlighted.
    await carla.keyboard.press('Control+k')
    const globalInput = carla.getByTestId('global-search-input').locator('input')
    await globalInput.waitFor()
    await globalInput.fill('roteador')
    const group = carla.getByTestId('global-search-group').filter({ hasText: `#${ticketNumber}` })
    await group.waitFor()
    expect(await carla.getByTestId('global-search-group').count()).toBeGreaterThan(1)
    await restPointer(carla)
    await capture(carla, 'busca-global', 'busca-global')
    const hit = group.getByTestId('global-search-hit').filter({ hasText: 'da tomada' })
    expect(await hit.locator('mark').first().textContent()).toMatch(/roteador/i)
    await hit.click()
    await carla.waitForURL(url => url.pathname === `/atendimento/${ticketId}` && url.searchParams.has('message'))
    await carla.locator('[data-testid="message"].highlighted').filter({ hasText: QUICK_REPLY_BODY }).waitFor()

    // Diego starts his shift on Financeiro's queue before the transfer: the ticket must arrive live.
    const diego = await agentPage(DEMO.diego.email)
    await diego.getByTestId('inbox-tab-queue').click()
    await diego.getByTestId('ticket-list-queue').waitFor()
    expect(await card(diego, 'queue', ticketNumber).count()).toBe(0)

    // 12. Transfer to Financeiro with a note: off Carla's list, into Diego's queue.
    await carla.getByTestId('action-transfer').click()
    const transfer = carla.getByTestId('transfer-dialog')
    await transfer.waitFor()
    await choose(carla, 'transfer-team', 'Financeiro')
    await transfer.getByTestId('transfer-note').locator('textarea').fill(TRANSFER_NOTE)
    await restPointer(carla)
    await capture(carla, 'transferir', 'transferir')
    await transfer.getByTestId('transfer-submit').click()
    await carla.getByText('Atendimento transferido para Financeiro.').waitFor()
    await card(carla, 'mine', ticketNumber).waitFor({ state: 'detached' })
    await carla.waitForURL(url => url.pathname === '/atendimento')

    const arrived = card(diego, 'queue', ticketNumber)
    await arrived.waitFor()
    expect(await arrived.getByTestId('ticket-card-team').textContent()).toBe('Financeiro')
    expect(await arrived.getByTestId('ticket-card-team').evaluate(element => (element as HTMLElement).style.getPropertyValue('--team-color'))).toBe(finance!.color)
    expect(await ticketRow(ticketId)).toMatchObject({ status: 'queued', team_id: DEMO.teams.finance, assignee_id: null })

    // 13. Diego accepts and reads the story in the details panel: the transfer note is there.
    await arrived.getByTestId('queue-accept').click()
    await diego.waitForURL(url => url.pathname === `/atendimento/${ticketId}`)
    await diego.getByTestId('composer').waitFor()
    const details = diego.getByTestId('ticket-details')
    await details.waitFor()
    await details.getByTestId('details-team').getByText('Financeiro').waitFor()
    const history = details.getByTestId('ticket-history-item')
    await history.filter({ hasText: 'Diego Financeiro aceitou o atendimento' }).waitFor()
    const lines = (await history.allInnerTexts()).map(line => line.replace(/\s+/g, ' ').trim())
    expect(lines.some(line => line.includes(`Carla Técnica transferiu para Financeiro: ${TRANSFER_NOTE}`)), JSON.stringify(lines)).toBe(true)
    expect(lines.some(line => line.includes('Carla Técnica aceitou o atendimento')), JSON.stringify(lines)).toBe(true)
    expect(lines.some(line => line.includes('O menu encaminhou para a fila de Suporte Técnico')), JSON.stringify(lines)).toBe(true)
    // The history from before the transfer is on his screen too: media, the reply, and Carla's note.
    await diego.getByTestId('message').filter({ hasText: PRIVATE_NOTE }).waitFor()
    await diego.getByTestId('message').filter({ hasText: IMAGE_CAPTION }).waitFor()
    await restPointer(diego)
    await capture(diego, 'detalhes-diego')

    // 14. Close with a classification and a comment, after confirming.
    await diego.getByTestId('action-close').click()
    const closing = diego.getByTestId('close-dialog')
    await closing.waitFor()
    await choose(diego, 'close-classification', 'Financeiro / cobrança')
    await closing.getByTestId('close-comment').locator('textarea').fill(CLOSING_COMMENT)
    await restPointer(diego)
    await capture(diego, 'encerrar', 'encerrar')
    await closing.getByTestId('close-submit').click()
    const confirmation = diego.locator('.n-dialog', { hasText: 'Encerrar o atendimento?' })
    await confirmation.waitFor()
    expect(await confirmation.textContent()).toContain(`#${ticketNumber}`)
    await confirmation.getByRole('button', { name: 'Sim, encerrar' }).click()
    await diego.getByText(`Atendimento #${ticketNumber} encerrado.`).waitFor()
    await card(diego, 'mine', ticketNumber).waitFor({ state: 'detached' })
    await details.getByTestId('details-status').getByText('Encerrado').waitFor()
    await details.getByText('Diego Financeiro encerrou o atendimento como “Financeiro / cobrança”').waitFor()
    expect(await details.getByTestId('details-comment').textContent()).toContain(CLOSING_COMMENT)

    // 15. The farewell and the rating prompt reach the phone: the app asks whatsapp-send to deliver what
    // close_ticket queued (the test stack's scheduler is off, so nothing else would send them).
    await arrivedOnPhone(phone, bot.farewell)
    await arrivedOnPhone(phone, bot.settings.ratingPromptText)
    await phoneSettled(phone)
    await capture(phone, 'celular-avaliacao')

    // 16. The customer rates "nota 9" and is thanked.
    await customerTypes(phone, 'nota 9')
    await arrivedOnPhone(phone, bot.settings.ratingThanksText)
    const rated = await eventually(async () => {
      const row = await ticketRow(ticketId)
      return row.rating_status === 'rated' ? row : undefined
    }, STEP_TIMEOUT, 'the rating stored')
    expect(rated).toMatchObject({
      status: 'closed', team_id: DEMO.teams.finance, assignee_id: DEMO.diego.id, closed_by: DEMO.diego.id,
      classification_id: BILLING_CLASSIFICATION, closing_comment: CLOSING_COMMENT, rating: 9,
    })
    // Diego's details panel follows: the rating and its history line.
    await details.getByTestId('details-rating').getByText('9 de 10').waitFor()
    await history.filter({ hasText: 'O cliente avaliou com nota 9' }).waitFor()
    await diego.getByText(`Atendimento #${ticketNumber} encerrado.`).waitFor({ state: 'detached' })
    // The picture shows how it ended and the history below it (the transfer note included).
    await details.getByTestId('details-classification').evaluate(element => element.scrollIntoView({ block: 'start' }))
    await restPointer(diego)
    await capture(diego, 'detalhes-encerrado', 'detalhes-historico')

    // The private note never left the company.
    await phoneSettled(phone)
    expect(await phone.getByTestId('message').filter({ hasText: PRIVATE_NOTE }).count()).toBe(0)
    await capture(phone, 'celular-obrigado')
  }, 240_000)
})
