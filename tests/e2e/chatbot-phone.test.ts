/**
 * Issue #5's "tried as a new user would": on the demo connection (Evolution instance `atende-principal`,
 * served by the simulator), a customer chats from the simulator's phone page in Chromium — greeted with
 * the menu (and the out-of-hours notice when the demo's business hours say so), picks Suporte Técnico,
 * Carla takes and closes the conversation, and the customer rates it from the phone and is thanked.
 * The expected texts are the demo channel's own settings, read from the database.
 */
import { randomInt } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBotSettings, readMenuOptions } from '../../supabase/functions/_shared/chatbot/context.ts'
import { isWithinBusinessHours } from '../../supabase/functions/_shared/chatbot/hours.ts'
import { renderMenu } from '../../supabase/functions/_shared/chatbot/text.ts'
import type { BotSettings } from '../../supabase/functions/_shared/chatbot/types.ts'
import { DEMO } from '../support/db.ts'
import { eventually, serviceClient, signedInClient } from '../support/stack.ts'
import { simulator } from '../support/simulator.ts'
import { launchBrowser, screenshot } from './support/browser.ts'

const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const SOLVED = '00000000-0000-4000-c000-000000000002'
const sim = simulator()
const service = serviceClient()
let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

interface DemoBot { settings: BotSettings, menu: string }

async function demoBot(): Promise<DemoBot> {
  const [settings, options, company] = await Promise.all([
    service.from('bot_settings').select('*').eq('channel_id', DEMO_CHANNEL_ID).single(),
    service.from('bot_menu_options').select('position, label, team_id').eq('channel_id', DEMO_CHANNEL_ID),
    service.from('app_settings').select('timezone').single(),
  ])
  expect(settings.error ?? options.error ?? company.error).toBeNull()
  const bot = readBotSettings(settings.data!, (company.data as { timezone: string }).timezone)
  return { settings: bot, menu: renderMenu(bot, readMenuOptions(options.data!)) }
}

const isOpen = (bot: BotSettings, at: Date) => isWithinBusinessHours(bot.businessHours, bot.holidays, bot.timezone, at)

/** Each bubble's text begins with the expected message (the bubble adds its time after it). */
function startsWithEach(bubbles: string[], texts: string[]): boolean {
  return bubbles.length === texts.length && texts.every((text, index) => bubbles[index]!.startsWith(text))
}

async function openPhone(phone: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 940 }, locale: 'pt-BR' })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  await page.goto(sim.url)
  await page.getByTestId('target-select').locator('option[value="evolution:atende-principal"]').waitFor({ state: 'attached' })
  await page.getByTestId('target-select').selectOption('evolution:atende-principal')
  await page.getByLabel('Telefone do cliente').fill(phone)
  await page.getByLabel('Telefone do cliente').press('Tab')
  await page.getByLabel('Nome no WhatsApp').fill(name)
  await page.getByLabel('Nome no WhatsApp').press('Tab')
  await page.getByTestId('chat-title').getByText('Atendimento Principal').waitFor()
  return page
}

async function type(page: Page, text: string): Promise<void> {
  await page.getByTestId('message-input').fill(text)
  await page.getByTestId('message-input').press('Enter')
}

/** The business's bubbles on the phone page, in order, once there are `count` of them. */
async function businessBubbles(page: Page, count: number): Promise<string[]> {
  const bubbles = page.locator('[data-testid="message"][data-from="business"]')
  await bubbles.nth(count - 1).waitFor()
  return bubbles.allInnerTexts()
}

/** The phone shows messages it has not received yet faded: wait until every one arrived, for the picture. */
async function settledScreenshot(page: Page, name: string): Promise<void> {
  await page.waitForFunction(() => document.querySelector('[data-testid="message"] .in-flight') === null)
  await page.mouse.move(0, 0)
  await screenshot(page, name)
}

async function ticketOf(phone: string): Promise<{ id: string, status: string, team_id: string | null, rating: number | null, rating_status: string | null }> {
  const { data, error } = await service.from('tickets')
    .select('id, status, team_id, rating, rating_status, contacts!inner(phone)')
    .eq('channel_id', DEMO_CHANNEL_ID).eq('contacts.phone', phone)
    .order('created_at', { ascending: false }).limit(1).single()
  expect(error).toBeNull()
  return data as unknown as { id: string, status: string, team_id: string | null, rating: number | null, rating_status: string | null }
}

describe('the chatbot on the customer\'s phone (demo connection)', () => {
  it('menu → Suporte Técnico → Carla closes → the customer rates 10 and is thanked', async () => {
    const bot = await demoBot()
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    const page = await openPhone(phone, 'Paula Cliente')

    // The demo has business hours: the greeting says so when the test runs outside them.
    const open = isOpen(bot.settings, new Date())
    await type(page, 'Oi! Minha internet está muito lenta desde ontem.')
    const greeting = open ? [bot.settings.welcomeText, bot.menu] : [bot.settings.welcomeText, bot.settings.outOfHoursText, bot.menu]
    const shown = await businessBubbles(page, greeting.length)
    expect(startsWithEach(shown, greeting), JSON.stringify(shown)).toBe(true)
    expect(shown.at(-1)).toContain('1 - Suporte Técnico')
    const greetingCount = shown.length
    await settledScreenshot(page, 'chatbot-menu')

    await type(page, '1')
    const afterChoice = await businessBubbles(page, greetingCount + 1)
    expect(afterChoice.at(-1)).toContain(bot.settings.afterSelectionText!)
    const queued = await eventually(async () => {
      const ticket = await ticketOf(phone)
      return ticket.status === 'queued' ? ticket : undefined
    }, 15_000, 'the ticket in the Suporte Técnico queue')
    expect(queued.team_id).toBe(DEMO.teams.support)

    // Carla takes it, answers, and closes it; the app then asks whatsapp-send to deliver at once.
    const carla = await signedInClient(DEMO.carla.email, DEMO.password)
    for (const [name, args] of [
      ['accept_ticket', { p_ticket_id: queued.id }],
      ['send_message', { p_ticket_id: queued.id, p_body: 'Oi, Paula! Reiniciei sua conexão daqui; pode testar agora?' }],
      ['close_ticket', { p_ticket_id: queued.id, p_classification_id: SOLVED, p_comment: 'Conexão reiniciada remotamente.' }],
    ] as const) {
      const { error } = await carla.rpc(name, args)
      expect(error, name).toBeNull()
    }
    const delivery = await carla.functions.invoke('whatsapp-send', { body: {} })
    expect(delivery.error).toBeNull()
    const { data: closer } = await service.from('bot_settings').select('farewell_text').eq('channel_id', DEMO_CHANNEL_ID).single()
    const closing = await businessBubbles(page, greetingCount + 4)
    const closingTexts = ['Oi, Paula! Reiniciei sua conexão daqui; pode testar agora?', (closer as { farewell_text: string }).farewell_text, bot.settings.ratingPromptText]
    expect(startsWithEach(closing.slice(greetingCount + 1), closingTexts), JSON.stringify(closing)).toBe(true)
    await settledScreenshot(page, 'chatbot-avaliacao')

    await type(page, '10')
    const thanked = await businessBubbles(page, greetingCount + 5)
    expect(thanked.at(-1)).toContain(bot.settings.ratingThanksText)
    const rated = await eventually(async () => {
      const ticket = await ticketOf(phone)
      return ticket.rating_status === 'rated' ? ticket : undefined
    }, 15_000, 'the rating stored')
    expect(rated).toMatchObject({ id: queued.id, status: 'closed', rating: 10 })
    await settledScreenshot(page, 'chatbot-obrigado')
    await page.context().close()
    await carla.auth.signOut()
  })
})
