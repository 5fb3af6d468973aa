/**
 * Issue #7, the chatbot tab in a real browser, on the demo connection: the admin watches the live
 * preview follow the welcome text as it is typed, reorders the menu by dragging, renames an option and
 * points it at another team, saves with Ctrl+S; then a customer on the simulator's phone page gets the
 * NEW welcome and menu, and choosing the moved option puts the ticket in that team's queue. Also: a
 * validation error blocks the save, leaving with unsaved changes asks first, and a save over someone
 * else's offers to reload.
 *
 * The demo bot is read before and written back exactly afterwards (settings and menu rows, same ids):
 * chatbot-phone.test.ts and others run after this file and depend on it.
 */
import { randomInt } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readBotSettings, readMenuOptions } from '../../supabase/functions/_shared/chatbot/context.ts'
import { isWithinBusinessHours } from '../../supabase/functions/_shared/chatbot/hours.ts'
import { renderMenu } from '../../supabase/functions/_shared/chatbot/text.ts'
import { DEMO } from '../support/db.ts'
import { eventually, serviceClient } from '../support/stack.ts'
import { simulator } from '../support/simulator.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const CHATBOT_PATH = `/admin/conexoes/${DEMO_CHANNEL_ID}/chatbot`
const service = serviceClient()
const sim = simulator()
const suffix = randomInt(100_000, 999_999)
const NEW_TEAM = `Cobranças E2E ${suffix}`

type Row = Record<string, unknown>
let browser: Browser
let admin: AppPage
let originalSettings: Row
let originalOptions: Row[]
let newTeamId: string
const customerPhones: string[] = []

beforeAll(async () => {
  browser = await launchBrowser()
  const [settings, options] = await Promise.all([
    service.from('bot_settings').select('*').eq('channel_id', DEMO_CHANNEL_ID).single(),
    service.from('bot_menu_options').select('*').eq('channel_id', DEMO_CHANNEL_ID).order('position'),
  ])
  expect(settings.error ?? options.error).toBeNull()
  originalSettings = settings.data as Row
  originalOptions = options.data as Row[]
  const team = await service.from('teams').insert({ name: NEW_TEAM, color: '#d97706' }).select('id').single()
  expect(team.error).toBeNull()
  newTeamId = (team.data as { id: string }).id
})

afterAll(async () => {
  await admin?.context.close()
  await browser?.close()
  // The demo bot exactly as it was: every column but the key and the touch timestamp, and the menu rows
  // with their ids.
  const { channel_id: _channel, updated_at: _updated, ...settings } = originalSettings
  const restored = await service.from('bot_settings').update(settings).eq('channel_id', DEMO_CHANNEL_ID)
  const cleared = await service.from('bot_menu_options').delete().eq('channel_id', DEMO_CHANNEL_ID)
  const menu = await service.from('bot_menu_options').insert(originalOptions)
  // This file's customers leave no queue behind, so the team can go.
  for (const phone of customerPhones) {
    const contact = await service.from('contacts').select('id').eq('phone', phone).maybeSingle()
    const contactId = (contact.data as { id: string } | null)?.id
    if (contactId) {
      await service.from('tickets').update({ status: 'closed', closed_at: new Date().toISOString(), closed_reason: 'supervisor', unread_count: 0 })
        .eq('contact_id', contactId).neq('status', 'closed')
    }
  }
  const team = await service.from('teams').delete().eq('id', newTeamId)
  expect(restored.error ?? cleared.error ?? menu.error ?? team.error).toBeNull()
})

async function adminPage(): Promise<Page> {
  if (!admin) {
    admin = await openApp(browser, { width: 1440 })
    await admin.page.setViewportSize({ width: 1440, height: 960 })
    await signIn(admin.page, DEMO.admin.email, DEMO.password)
  }
  return admin.page
}

async function openChatbotTab(page: Page): Promise<void> {
  await page.goto(appUrl(`/admin/conexoes/${DEMO_CHANNEL_ID}`))
  await page.locator('[data-channel-tab="chatbot"]').click()
  await page.waitForURL(url => url.pathname === CHATBOT_PATH)
  await page.getByTestId('chatbot-preview').waitFor()
  await page.getByTestId('preview-message').first().waitFor()
}

/** The preview's bubbles, in order, as `from: text` (the time the bubble adds is cut off). */
async function previewBubbles(page: Page): Promise<string[]> {
  return page.getByTestId('preview-message').evaluateAll(nodes => nodes.map((node) => {
    const text = node.querySelector('[data-testid="message-text"]')?.textContent ?? ''
    return `${node.getAttribute('data-from')}: ${text}`
  }))
}

async function optionLabels(page: Page): Promise<string[]> {
  return page.getByTestId('chatbot-option-label').locator('input').evaluateAll(nodes => nodes.map(node => (node as HTMLInputElement).value))
}

async function savedBot() {
  const [settings, options, company] = await Promise.all([
    service.from('bot_settings').select('*').eq('channel_id', DEMO_CHANNEL_ID).single(),
    service.from('bot_menu_options').select('position, label, team_id').eq('channel_id', DEMO_CHANNEL_ID).order('position'),
    service.from('app_settings').select('timezone').single(),
  ])
  expect(settings.error ?? options.error ?? company.error).toBeNull()
  const bot = readBotSettings(settings.data as Row, (company.data as { timezone: string }).timezone)
  return { row: settings.data as Row, options: options.data as Row[], settings: bot, menu: renderMenu(bot, readMenuOptions(options.data as Row[])) }
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

async function typeOnPhone(page: Page, text: string): Promise<void> {
  await page.getByTestId('message-input').fill(text)
  await page.getByTestId('message-input').press('Enter')
}

async function businessBubbles(page: Page, count: number): Promise<string[]> {
  const bubbles = page.locator('[data-testid="message"][data-from="business"]')
  await bubbles.nth(count - 1).waitFor()
  return bubbles.allInnerTexts()
}

describe('Chatbot tab of a connection', () => {
  it('edits the bot beside a live preview, saves, and the customer\'s phone follows the new menu', async () => {
    const page = await adminPage()
    const before = await savedBot()
    await openChatbotTab(page)

    // The preview is the engine on the saved values: the customer's "Olá", then the greeting and menu.
    const first = await previewBubbles(page)
    expect(first[0]).toBe('customer: Olá')
    expect(first[1]).toBe(`bot: ${before.settings.welcomeText}`)
    expect(first.at(-1)).toBe(`bot: ${before.menu}`)
    await expect(page.getByTestId('chatbot-save-state').textContent()).resolves.toBe('Tudo salvo')

    // The preview follows the welcome text while it is typed, WhatsApp formatting included.
    const welcome = page.getByTestId('chatbot-welcomeText').locator('textarea')
    await welcome.fill('')
    await welcome.pressSequentially('Bem-vindo à Atende', { delay: 15 })
    await page.getByTestId('preview-message').nth(1).getByText('Bem-vindo à Atende', { exact: true }).waitFor()
    await welcome.pressSequentially(' E2E! Escolha *uma opção*.', { delay: 15 })
    const newWelcome = 'Bem-vindo à Atende E2E! Escolha *uma opção*.'
    await page.getByTestId('preview-message').nth(1).locator('strong', { hasText: 'uma opção' }).waitFor()
    expect((await previewBubbles(page))[1]).toBe('bot: Bem-vindo à Atende E2E! Escolha uma opção.')
    await expect(page.getByTestId('chatbot-save-state').textContent()).resolves.toBe('Alterações não salvas')

    // Drag "Financeiro" (2nd) onto "Suporte Técnico" (1st): it becomes option 1.
    expect(await optionLabels(page)).toEqual(['Suporte Técnico', 'Financeiro'])
    const rows = page.getByTestId('chatbot-option')
    await rows.nth(1).getByTestId('chatbot-option-handle').dragTo(rows.nth(0))
    expect(await optionLabels(page)).toEqual(['Financeiro', 'Suporte Técnico'])
    await page.getByTestId('preview-message').last().getByText('1 - Financeiro').waitFor()
    // The keyboard does the same from the grip (Alt+↓/↑), and the focus follows the moved option.
    await rows.nth(0).getByTestId('chatbot-option-handle').focus()
    await page.keyboard.press('Alt+ArrowDown')
    expect(await optionLabels(page)).toEqual(['Suporte Técnico', 'Financeiro'])
    await page.keyboard.press('Alt+ArrowUp')
    expect(await optionLabels(page)).toEqual(['Financeiro', 'Suporte Técnico'])

    // Rename the moved option and point it at the new team.
    await rows.nth(0).getByTestId('chatbot-option-label').locator('input').fill('Cobranças')
    await rows.nth(0).getByTestId('chatbot-option-team').click()
    await page.locator('.n-base-select-option', { hasText: NEW_TEAM }).click()
    const menuPreview = page.getByTestId('preview-message').last()
    await menuPreview.getByText('1 - Cobranças').waitFor()
    expect(await menuPreview.textContent()).toContain('2 - Suporte Técnico')

    // The admin walks the flow in the preview: option 1 lands in the new team's queue.
    await page.getByTestId('preview-input').fill('1')
    await page.getByTestId('preview-input').press('Enter')
    await page.getByTestId('preview-note').getByText(`Cliente na fila de ${NEW_TEAM}`).waitFor()
    // Out of hours, the greeting carries the out-of-hours text.
    await page.getByTestId('preview-restart').click()
    await page.getByTestId('preview-clock').getByText('Fora do horário').click()
    await page.getByTestId('preview-message').nth(2).getByText(before.settings.outOfHoursText.slice(0, 40)).waitFor()
    await page.getByTestId('preview-clock').getByText('Agora').click()
    await page.mouse.move(0, 0)
    await page.locator('#conteudo').evaluate(main => main.scrollTo(0, 0))
    await screenshot(page, 'admin-chatbot-editor')

    // Ctrl+S saves everything in one call.
    await page.keyboard.press('Control+s')
    await page.getByText('Chatbot salvo.', { exact: false }).waitFor()
    await expect(page.getByTestId('chatbot-save-state').textContent()).resolves.toBe('Tudo salvo')
    const after = await savedBot()
    expect(after.row.welcome_text).toBe(newWelcome)
    expect(after.options).toEqual([
      { position: 1, label: 'Cobranças', team_id: newTeamId },
      { position: 2, label: 'Suporte Técnico', team_id: DEMO.teams.support },
    ])
    // Nothing else moved.
    const { updated_at: _a, welcome_text: _b, ...unchanged } = after.row
    const { updated_at: _c, welcome_text: _d, ...original } = originalSettings
    expect(unchanged).toEqual(original)

    // A customer now gets the new welcome and menu on the phone, and option 1 goes to the new team.
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    customerPhones.push(phone)
    const customer = await openPhone(phone, 'Cliente do Editor')
    await typeOnPhone(customer, 'Oi, preciso de ajuda')
    const open = isWithinBusinessHours(after.settings.businessHours, after.settings.holidays, after.settings.timezone, new Date())
    const greeting = open ? [after.settings.welcomeText, after.menu] : [after.settings.welcomeText, after.settings.outOfHoursText, after.menu]
    const shown = await businessBubbles(customer, greeting.length)
    // Each bubble is the message followed by its time.
    expect(shown).toHaveLength(greeting.length)
    greeting.forEach((text, index) => expect(shown[index]!.startsWith(text), JSON.stringify(shown)).toBe(true))
    expect(shown[0]).toContain(newWelcome)
    expect(shown.at(-1)).toContain('1 - Cobranças')
    expect(shown.at(-1)).toContain('2 - Suporte Técnico')
    expect(shown.at(-1)!.indexOf('1 - Cobranças')).toBeLessThan(shown.at(-1)!.indexOf('2 - Suporte Técnico'))
    await typeOnPhone(customer, '1')
    const ticket = await eventually(async () => {
      const { data } = await service.from('tickets')
        .select('id, status, team_id, contacts!inner(phone)')
        .eq('channel_id', DEMO_CHANNEL_ID).eq('contacts.phone', phone)
        .order('created_at', { ascending: false }).limit(1).maybeSingle()
      const row = data as { status: string, team_id: string } | null
      return row && row.status !== 'bot' ? row : undefined
    }, 15_000, 'the customer routed by the new menu')
    expect(ticket).toMatchObject({ status: 'queued', team_id: newTeamId })
    await customer.context().close()
  })

  it('refuses to save an option without a team, with the message on the option', async () => {
    const page = await adminPage()
    await openChatbotTab(page)
    await page.getByTestId('chatbot-option-add').click()
    const added = page.getByTestId('chatbot-option').last()
    await added.getByTestId('chatbot-option-label').locator('input').fill('Sem equipe ainda')
    await page.getByTestId('chatbot-save').click()
    await added.getByTestId('chatbot-option-team-error').getByText('Escolha a equipe desta opção.').waitFor()
    await page.getByText('Corrija os campos destacados antes de salvar.').waitFor()
    await expect(page.getByTestId('chatbot-save-state').textContent()).resolves.toBe('Alterações não salvas')
    const { options } = await savedBot()
    expect(options.map(option => option.label)).toEqual(['Cobranças', 'Suporte Técnico'])
    await screenshot(page, 'admin-chatbot-validacao')
  })

  it('asks before leaving with unsaved changes', async () => {
    const page = await adminPage()
    // Still on the tab with the unsaved option from the previous test.
    expect(new URL(page.url()).pathname).toBe(CHATBOT_PATH)
    await page.locator('[data-channel-tab="connection"]').click()
    const dialog = page.getByRole('dialog').filter({ hasText: 'Sair sem salvar?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Continuar editando' }).click()
    await dialog.waitFor({ state: 'detached' })
    expect(new URL(page.url()).pathname).toBe(CHATBOT_PATH)
    expect(await optionLabels(page)).toEqual(['Cobranças', 'Suporte Técnico', 'Sem equipe ainda'])

    await page.locator('[data-channel-tab="connection"]').click()
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Sair sem salvar' }).click()
    await page.waitForURL(url => url.pathname === `/admin/conexoes/${DEMO_CHANNEL_ID}`)
    await openChatbotTab(page)
    expect(await optionLabels(page)).toEqual(['Cobranças', 'Suporte Técnico'])
  })

  it('offers to reload when someone else saved meanwhile', async () => {
    const page = await adminPage()
    await openChatbotTab(page)
    // Another admin changes the farewell while this form is open.
    const elsewhere = await service.from('bot_settings').update({ farewell_text: 'Despedida salva por outra pessoa.' }).eq('channel_id', DEMO_CHANNEL_ID)
    expect(elsewhere.error).toBeNull()
    await page.getByTestId('chatbot-menuPrompt').locator('textarea').fill('Digite o número:')
    await page.getByTestId('chatbot-save').click()
    await page.getByTestId('chatbot-conflict').waitFor()
    expect((await savedBot()).row.menu_prompt).toBe(originalSettings.menu_prompt)
    await page.getByTestId('chatbot-conflict-reload').click()
    await page.getByRole('dialog').getByRole('button', { name: 'Recarregar' }).click()
    await page.getByTestId('chatbot-farewellText').locator('textarea').waitFor()
    await eventually(async () => (await page.getByTestId('chatbot-farewellText').locator('textarea').inputValue()) === 'Despedida salva por outra pessoa.' || undefined, 5000, 'the other admin\'s farewell')
    expect(await page.getByTestId('chatbot-menuPrompt').locator('textarea').inputValue()).toBe(originalSettings.menu_prompt)
    await expect(page.getByTestId('chatbot-save-state').textContent()).resolves.toBe('Tudo salvo')
  })
})
