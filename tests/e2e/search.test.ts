/**
 * Issue #6, item 4 in a real browser: the global search (grouped by ticket, snippets highlighted and
 * rendered as text only, more pages by cursor, a hit opening its ticket at the message) and the search
 * inside a conversation (Ctrl+F, "n de m", Enter / Shift+Enter).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const TICKET_1001 = '00000000-0000-4000-f000-000000000001'
const TICKET_1003 = '00000000-0000-4000-f000-000000000003'
const FERNANDA = '00000000-0000-4000-e000-000000000003'
const CHANNEL = '00000000-0000-4000-d000-000000000001'
/** #1003: "O roteador não liga de jeito nenhum, a luz nem acende." */
const ROUTER_MESSAGE = '00000000-0000-4000-f100-000000000305'
/** #1001: "Recebi duas cobranças…" (older) and "…a segunda cobrança foi duplicada…" (newer). */
const BILLING_OLDER = '00000000-0000-4000-f100-000000000105'
const BILLING_NEWER = '00000000-0000-4000-f100-000000000107'

const service = serviceClient()
let browser: Browser
const opened: AppPage[] = []

beforeAll(async () => {
  // The hits below are the seeded messages of #1002 and #1003.
  await restoreDemoTickets()
  browser = await launchBrowser()
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  await browser?.close()
  // A message was added to #1003 here: the files after this one find it as seeded.
  await restoreDemoTickets()
})

async function pageAs(email: string, options?: Parameters<typeof openApp>[1]): Promise<Page> {
  const app = await openApp(browser, options)
  opened.push(app)
  await signIn(app.page, email, DEMO.password)
  return app.page
}

async function globalSearch(page: Page, query: string): Promise<void> {
  await page.getByTestId('global-search-open').waitFor()
  await page.keyboard.press('Control+k')
  const input = page.getByTestId('global-search-input').locator('input')
  await input.waitFor()
  await input.fill(query)
  await page.getByTestId('global-search-hit').first().waitFor()
}

describe('global search', () => {
  it('groups the hits by ticket and opens a ticket at the hit, highlighted', async () => {
    const page = await pageAs(DEMO.supervisor.email)
    await page.goto(appUrl('/atendimento'))
    await globalSearch(page, 'roteador')

    const groups = page.getByTestId('global-search-group')
    const headers = (await groups.locator('header').allTextContents()).map(text => text.replace(/\s+/g, ' ').trim())
    expect(headers.some(header => header.startsWith('#1003'))).toBe(true)
    expect(headers.some(header => header.startsWith('#1002'))).toBe(true)
    const marks = await page.getByTestId('global-search-results').locator('mark').allTextContents()
    expect(marks.length).toBeGreaterThanOrEqual(2)
    expect(marks.every(mark => mark.toLowerCase() === 'roteador')).toBe(true)
    await screenshot(page, 'busca-global')

    const hit = groups.filter({ hasText: '#1003' }).getByTestId('global-search-hit').filter({ hasText: 'não liga de jeito nenhum' })
    await hit.click()
    await page.waitForURL(url => url.pathname === `/atendimento/${TICKET_1003}` && url.searchParams.get('message') === ROUTER_MESSAGE)
    await page.locator(`[data-testid="message"][data-message-id="${ROUTER_MESSAGE}"].highlighted`).waitFor()
    await screenshot(page, 'busca-global-resultado')
  })

  it('shows message text as text: markup in a message never becomes HTML', async () => {
    // A customer's message full of markup, in #1003 (Suporte Técnico's queue).
    const body = '<img src=x onerror="window.__xss=1"> quero o zarabatana <b>agora</b> &amp; <mark>falso</mark>'
    const { error } = await service.from('messages').insert({
      ticket_id: TICKET_1003, contact_id: FERNANDA, channel_id: CHANNEL, direction: 'inbound', sender_type: 'contact',
      kind: 'text', body, status: 'received', provider_message_id: `XSS-${Date.now()}`,
    })
    expect(error).toBeNull()

    const page = await pageAs(DEMO.carla.email, { colorScheme: 'dark' })
    await page.goto(appUrl('/atendimento'))
    await globalSearch(page, 'zarabatana')
    const results = page.getByTestId('global-search-results')
    // The excerpt may start mid-message; what it shows is the message's text, markup included, as text.
    const hitText = (await results.getByTestId('global-search-hit').first().textContent()) ?? ''
    expect(hitText).toContain('window.__xss=1"> quero o zarabatana <b>agora</b> &amp; <mark>falso</mark>')
    expect(await results.locator('img, b').count()).toBe(0)
    expect(await results.locator('mark').allTextContents()).toEqual(['zarabatana'])
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined()
    await screenshot(page, 'busca-global-escuro')
  })

  it('says so when nothing matches, and explains the minimum length', async () => {
    const page = await pageAs(DEMO.carla.email)
    await page.goto(appUrl('/atendimento'))
    await page.getByTestId('global-search-open').click()
    const input = page.getByTestId('global-search-input').locator('input')
    await input.fill('x')
    await page.getByText('Digite pelo menos 2 caracteres para buscar.').waitFor()
    await input.fill('palavrainexistente')
    await page.getByTestId('global-search-empty').waitFor()
    expect(await page.getByTestId('global-search-empty').textContent()).toContain('palavrainexistente')
  })
})

describe('search inside the conversation', () => {
  it('Ctrl+F finds the hits, counts them and walks them with Enter and Shift+Enter', async () => {
    const page = await pageAs(DEMO.supervisor.email)
    await page.goto(appUrl(`/atendimento/${TICKET_1001}`))
    await page.getByTestId('conversation-search-open').waitFor()
    await page.locator('[data-testid="message"]').first().waitFor()

    await page.keyboard.press('Control+f')
    const input = page.getByTestId('conversation-search-input').locator('input')
    await input.waitFor()
    expect(await input.evaluate(element => element === document.activeElement)).toBe(true)
    await input.fill('cobrança')
    const counter = page.getByTestId('conversation-search-counter')
    await counter.getByText('1 de 2').waitFor()
    // Newest hit first.
    await page.locator(`[data-message-id="${BILLING_NEWER}"].highlighted`).waitFor()
    await screenshot(page, 'busca-conversa')

    await input.press('Enter')
    await counter.getByText('2 de 2').waitFor()
    await page.locator(`[data-message-id="${BILLING_OLDER}"].highlighted`).waitFor()

    await input.press('Shift+Enter')
    await counter.getByText('1 de 2').waitFor()
    await page.locator(`[data-message-id="${BILLING_NEWER}"].highlighted`).waitFor()

    await page.getByTestId('conversation-search-previous').click()
    await counter.getByText('2 de 2').waitFor()

    await input.fill('inexistente')
    await counter.getByText('Nada encontrado').waitFor()
    await input.press('Escape')
    await page.getByTestId('conversation-search-open').waitFor()
  })
})
