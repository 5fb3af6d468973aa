/**
 * Issue #7's "Done when", as one journey in a real browser: starting from an EMPTY database, an admin
 * sets Atende up through the UI alone and a customer's conversation follows the new settings.
 *
 * A stack of its own is started WITHOUT the demo seed (no users, no teams, no connections) with its own
 * WhatsApp simulator, and the built app is pointed at it. In order, sharing state:
 * 1. the login page offers the first access; the visitor creates the first administrator (validated in
 *    pt-BR), lands in Administração with the next steps; afterwards the first access only points to the
 *    login, where the new admin signs in;
 * 2. Equipes: "Vendas" (round-robin on) and "Suporte";
 * 3. Usuários: an agent in Vendas with a generated initial password, read from the screen;
 * 4. Conexões: an Evolution connection to this stack's simulator; the QR shows, the company's phone
 *    "scans" it on the simulator's page, and the connection shows "Conectado" with the number;
 * 5. its Chatbot tab: our own welcome, menu "1 - Comprar" → Vendas and "2 - Ajuda" → Suporte, open at
 *    all hours (so nothing depends on the clock), saved;
 * 6. a new customer writes "Oi" on the simulator's phone page, gets that welcome and menu, answers "1";
 *    the round robin hands the ticket to the agent, who signs in with the initial password, finds the
 *    conversation in Atendimento and answers — and the customer's phone shows the answer.
 *
 * Every write goes through the browser; the database (superuser pool) and the simulator's control API
 * are only read, to check what the screens did. Pictures: primeiro-acesso-*.png and jornada-*.png.
 * Ports: TEST_STACK_PORT_BASE + 100 (+21…25 for the stack, +30 for the app), beside the shared stack.
 */
import { randomInt } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIMULATOR_EVOLUTION_API_KEY } from '../../local-stack/config.ts'
import { startStack, type RunningStack } from '../../local-stack/stack.ts'
import { readBotSettings, readMenuOptions } from '../../supabase/functions/_shared/chatbot/context.ts'
import { renderMenu } from '../../supabase/functions/_shared/chatbot/text.ts'
import { ROLE_LABELS } from '../../constants/roles.ts'
import { formatPhone } from '../../utils/contact-display.ts'
import { startAppServer, type AppServer } from '../setup/app-server.ts'
import { simulator, type SimulatorClient } from '../support/simulator.ts'
import { launchBrowser, openApp, screenshot, submitLogin, type AppPage } from './support/browser.ts'

const BASE = Number(process.env.TEST_STACK_PORT_BASE ?? 25000) + 100
/** Waits that depend on Realtime, webhooks and the edge runtime (a two-core machine running it all). */
const LIVE_TIMEOUT = 30_000
/** One journey step: several screens and round trips through the stack. */
const STEP_TIMEOUT = 150_000

/** The person installing Atende. */
const FIRST_ADMIN = {
  company: 'Loja Exemplo Ltda.',
  name: 'Paula Fundadora',
  email: 'paula@lojaexemplo.com.br',
  password: 'comeco-do-zero-1',
}

/** What the admin sets up, and who writes in. */
const SALES = 'Vendas'
const SALES_COLOR = '#16a34a'
const SUPPORT = 'Suporte'
const AGENT = { name: 'Marcos Vendedor', email: 'marcos@lojaexemplo.com.br', password: '' }
const CONNECTION = 'WhatsApp da Loja'
const COMPANY_PHONE = `5511${randomInt(900_000_000, 999_999_999)}`
const WELCOME = 'Olá! Você está falando com a Loja Exemplo. Estamos aqui para ajudar.'
const MENU = [{ label: 'Comprar', team: SALES }, { label: 'Ajuda', team: SUPPORT }] as const
const CUSTOMER = { name: 'Renata Cliente', phone: `5511${randomInt(900_000_000, 999_999_999)}` }
const ANSWER = 'Oi, Renata! Aqui é o Marcos, de Vendas. Qual produto você procura?'

interface Installation {
  stack: RunningStack
  app: AppServer
  /** Superuser access to this installation's database, to check what the UI did. */
  db: pg.Pool
  /** This installation's WhatsApp simulator (its control API, read only here). */
  simulator: SimulatorClient
  url(path: string): string
  stop(): Promise<void>
}

/** An empty database (migrations only), its WhatsApp simulator and the built app in front of it. */
async function startEmptyInstallation(): Promise<Installation> {
  const stack = await startStack({
    ports: { gateway: BASE + 21, postgres: BASE + 22, postgrest: BASE + 23, functions: BASE + 24, simulator: BASE + 25 },
    dataDir: mkdtempSync(join(tmpdir(), 'atende-first-run-')),
    ephemeral: true,
    seed: false,
    log: process.env.TEST_STACK_VERBOSE ? undefined : () => {},
    verbose: Boolean(process.env.TEST_STACK_VERBOSE),
  })
  let app: AppServer
  try {
    if (!stack.simulatorUrl) throw new Error('the first-run journey needs the WhatsApp simulator of its stack')
    app = await startAppServer({ port: BASE + 30, supabaseUrl: stack.url, anonKey: stack.anonKey })
  }
  catch (error) {
    await stack.stop()
    throw error
  }
  const db = new pg.Pool({ connectionString: stack.superuserDbUrl, max: 2 })
  return {
    stack,
    app,
    db,
    simulator: simulator(stack.simulatorUrl),
    url: path => new URL(path, app.url).toString(),
    async stop() {
      await db.end()
      await app.stop()
      await stack.stop()
    },
  }
}

let installation: Installation
let browser: Browser
const pages: AppPage[] = []

beforeAll(async () => {
  installation = await startEmptyInstallation()
  browser = await launchBrowser()
}, 180_000)

afterAll(async () => {
  for (const { context } of pages) await context.close().catch(() => undefined)
  await browser?.close()
  await installation?.stop()
})

// Browser -----------------------------------------------------------------------------------------------

/** A fresh browser context (own session) on this installation's app. */
async function newPage(options?: Parameters<typeof openApp>[1]): Promise<Page> {
  const opened = await openApp(browser, options)
  pages.push(opened)
  return opened.page
}

const pathOf = (page: Page) => new URL(page.url()).pathname

/** Signs in on this installation's login page, waiting for the shell to show the person's name. */
async function signInHere(page: Page, email: string, password: string, name: string): Promise<void> {
  await page.goto(installation.url('/login'))
  await page.getByLabel('E-mail').waitFor()
  await submitLogin(page, email, password)
  await page.getByTestId('user-name').getByText(name).waitFor()
}

/** Fills /primeiro-acesso as a person would and submits it. */
async function fillFirstAdminForm(page: Page, admin: typeof FIRST_ADMIN, confirmation = admin.password): Promise<void> {
  await page.getByLabel('Empresa').fill(admin.company)
  await page.getByLabel('Seu nome').fill(admin.name)
  await page.getByLabel('E-mail').fill(admin.email)
  await page.getByLabel('Senha', { exact: true }).fill(admin.password)
  await page.getByLabel('Confirme a senha').fill(confirmation)
  await page.getByRole('button', { name: 'Criar administrador e entrar' }).click()
}

/** Screenshots show the top of the page (the shell's <main> scrolls, not the window), with no toast over it. */
async function atTop(page: Page): Promise<void> {
  await page.mouse.move(0, 0)
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0))
  await expect.poll(() => page.locator('.n-message').count(), { timeout: LIVE_TIMEOUT }).toBe(0)
}

/** Equipes → "Nova equipe": the name, a colour when given, round-robin when asked, saved. */
async function createTeam(page: Page, name: string, { roundRobin, color }: { roundRobin: boolean, color?: string }): Promise<void> {
  await page.getByTestId('team-create').click()
  const dialog = page.getByTestId('team-dialog')
  await dialog.getByTestId('team-name-input').locator('input').fill(name)
  if (color) {
    await dialog.getByTestId('team-color-input').click()
    const hex = page.locator('.n-color-picker-input input').first()
    await hex.fill(color.toUpperCase())
    await hex.press('Enter')
    await dialog.locator('.n-card-header__main').click()
  }
  const autoAssign = dialog.getByTestId('team-auto-assign-input')
  if ((await autoAssign.getAttribute('aria-checked') === 'true') !== roundRobin) await autoAssign.click()
  expect(await autoAssign.getAttribute('aria-checked')).toBe(String(roundRobin))
  await dialog.getByTestId('team-save').click()
  await dialog.waitFor({ state: 'detached' })
  await teamLine(page, name).waitFor()
}

function teamLine(page: Page, name: string): Locator {
  return page.getByTestId('team-row').filter({ has: page.getByTestId('team-name').getByText(name, { exact: true }) })
}

/** Picks a team in the user dialog's multi-select and closes its menu. */
async function chooseTeam(page: Page, team: string): Promise<void> {
  const dialog = page.getByTestId('user-dialog')
  await dialog.getByTestId('user-teams-input').click()
  await page.keyboard.type(team)
  await page.locator('.n-base-select-option').filter({ hasText: team }).click()
  await dialog.locator('.n-card-header__main').click()
}

/**
 * A naive-ui select: opens it, clicks the option with exactly this text, and waits for its menu to be
 * gone (a closing menu stays visible while it fades out, and the next select's options would match too).
 */
async function selectOption(page: Page, select: Locator, option: string): Promise<void> {
  const openMenus = page.locator('.n-base-select-menu:visible')
  await expect.poll(() => openMenus.count()).toBe(0)
  await select.click()
  await openMenus.locator('.n-base-select-option').filter({ hasText: new RegExp(`^${option}$`) }).click()
  await expect.poll(() => select.textContent()).toContain(option)
  await expect.poll(() => openMenus.count()).toBe(0)
}

/** The simulator's page (a phone), in its own context, wide enough for the panel beside the chat. */
async function simulatorPage(): Promise<Page> {
  // São Paulo time, as the app shows it, so the phone's clock agrees with the agents' screens.
  const context = await browser.newContext({ viewport: { width: 1360, height: 940 }, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo' })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  pages.push({ context, page })
  await page.goto(installation.stack.simulatorUrl!)
  return page
}

async function customerTypes(phone: Page, text: string): Promise<void> {
  await phone.getByTestId('message-input').fill(text)
  await phone.getByTestId('message-input').press('Enter')
}

const businessBubbles = (phone: Page) => phone.locator('[data-testid="message"][data-from="business"]')

/** The business's bubbles on the phone page (each is the text followed by its time), once `count` arrived. */
async function businessTexts(phone: Page, count: number): Promise<string[]> {
  await businessBubbles(phone).nth(count - 1).waitFor({ timeout: LIVE_TIMEOUT })
  return businessBubbles(phone).allInnerTexts()
}

/** The phone fades what it has not delivered yet: wait until everything arrived, for the picture. */
async function phoneSettled(phone: Page): Promise<void> {
  await phone.waitForFunction(() => document.querySelector('[data-testid="message"] .in-flight') === null)
  await phone.mouse.move(0, 0)
}

// Database (read only) -----------------------------------------------------------------------------------

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  return (await installation.db.query<T>(sql, values)).rows
}

/** Polls until `read` gives a value `check` accepts (the UI answers before a test can look). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = LIVE_TIMEOUT): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

async function adminProfiles(): Promise<Array<{ full_name: string, email: string, role: string, active: boolean }>> {
  return query(`select full_name, email, role, active from public.profiles order by created_at`)
}

async function teamIdOf(name: string): Promise<string> {
  const [row] = await query<{ id: string }>('select id from public.teams where name = $1', [name])
  expect(row, `team ${name}`).toBeDefined()
  return row!.id
}

interface ChannelRow { id: string, provider: string, connection_state: string, phone_number: string | null, is_default: boolean, active: boolean }

async function channelRow(): Promise<ChannelRow | undefined> {
  return (await query<ChannelRow>('select id, provider, connection_state, phone_number, is_default, active from public.channels where name = $1', [CONNECTION]))[0]
}

interface TicketRow { id: string, status: string, team_id: string | null, assignee_id: string | null }

async function customerTicket(): Promise<TicketRow | undefined> {
  return (await query<TicketRow>(`
    select t.id, t.status, t.team_id, t.assignee_id from public.tickets t join public.contacts c on c.id = t.contact_id
    where c.phone = $1 order by t.created_at desc limit 1`, [CUSTOMER.phone]))[0]
}

/** The greeting the engine builds from what was saved: the same code the webhook runs. */
async function savedGreeting(channelId: string): Promise<{ welcome: string, menu: string, afterSelection: string | null }> {
  const [settings] = await query<Record<string, unknown>>('select * from public.bot_settings where channel_id = $1', [channelId])
  const options = await query('select position, label, team_id from public.bot_menu_options where channel_id = $1 order by position', [channelId])
  const [company] = await query<{ timezone: string }>('select timezone from public.app_settings')
  const bot = readBotSettings(settings!, company!.timezone)
  return { welcome: bot.welcomeText, menu: renderMenu(bot, readMenuOptions(options)), afterSelection: bot.afterSelectionText }
}

// The journey ----------------------------------------------------------------------------------------------

describe('first run from an empty database: through the UI alone to a customer served by the new setup', () => {
  /** The first admin's session, from the sign-in on: every admin screen of the journey. */
  let admin: Page
  let channelId = ''
  let instance = ''

  it('the login page offers the first access while there is no administrator', async () => {
    expect(installation.stack.seeded).toBe(false)
    expect(await adminProfiles()).toEqual([])

    const page = await newPage()
    await page.goto(installation.url('/'))
    await page.waitForURL(url => url.pathname === '/login')
    const notice = page.getByTestId('first-admin-login-notice')
    await notice.getByText('Ainda não há nenhum administrador neste Atende.').waitFor()
    await screenshot(page, 'primeiro-acesso-login')

    await notice.getByRole('link', { name: 'Criar o primeiro administrador' }).click()
    await page.waitForURL(url => url.pathname === '/primeiro-acesso')
    await page.getByRole('heading', { name: 'Bem-vindo ao Atende' }).waitFor()
    await page.getByText('Este é o primeiro acesso', { exact: false }).waitFor()
    await screenshot(page, 'primeiro-acesso')
  })

  it('validates the form in Portuguese before creating anything', async () => {
    const page = await newPage()
    await page.goto(installation.url('/primeiro-acesso'))
    await page.getByTestId('first-admin-form').waitFor()
    await page.getByRole('button', { name: 'Criar administrador e entrar' }).click()
    for (const text of ['Informe o nome da empresa.', 'Informe seu nome.', 'Informe seu e-mail.', 'Crie uma senha.', 'Confirme a senha.']) {
      await page.getByText(text, { exact: true }).waitFor()
    }
    await fillFirstAdminForm(page, { ...FIRST_ADMIN, email: 'paula.sem.arroba', password: 'curta' }, 'outra')
    for (const text of ['Informe um e-mail válido.', 'A senha precisa ter pelo menos 8 caracteres.', 'As senhas não são iguais.']) {
      await page.getByText(text, { exact: true }).waitFor()
    }
    await screenshot(page, 'primeiro-acesso-validacao')
    expect(await adminProfiles()).toEqual([])
  })

  it('creates the first administrator, signs them in and lands in Administração with the next steps', async () => {
    const page = await newPage()
    await page.goto(installation.url('/primeiro-acesso'))
    await page.getByTestId('first-admin-form').waitFor()
    await fillFirstAdminForm(page, FIRST_ADMIN)

    await page.waitForURL(url => url.pathname === '/admin')
    await page.locator('#conteudo').getByRole('heading', { level: 1, name: 'Administração' }).waitFor()
    expect(await page.getByTestId('user-name').textContent()).toContain(FIRST_ADMIN.name)
    const steps = page.getByTestId('first-admin-next-steps')
    await steps.waitFor()
    expect((await steps.getByRole('link').allTextContents()).map(text => text.trim())).toEqual(['Equipes', 'Usuários', 'Conexões', 'Chatbot'])
    await screenshot(page, 'primeiro-acesso-concluido')

    expect(await adminProfiles()).toEqual([{ full_name: FIRST_ADMIN.name, email: FIRST_ADMIN.email, role: 'admin', active: true }])
    const [settings] = await query<{ company_name: string }>('select company_name from public.app_settings')
    expect(settings!.company_name).toBe(FIRST_ADMIN.company)

    // The first step of the checklist leads where it says.
    await steps.getByRole('link', { name: 'Equipes' }).click()
    await page.waitForURL(url => url.pathname === '/admin/equipes')
    await steps.waitFor({ state: 'detached' })
  })

  it('afterwards, the first access only points to the login, where the new admin signs in', async () => {
    // The admin's own browser for the rest of the journey, wide enough for the chatbot's preview.
    admin = await newPage({ width: 1440 })
    await admin.setViewportSize({ width: 1440, height: 960 })
    await admin.goto(installation.url('/primeiro-acesso'))
    await admin.getByTestId('first-admin-done').getByText('O Atende já está configurado').waitFor()
    expect(await admin.getByTestId('first-admin-form').count()).toBe(0)
    await screenshot(admin, 'primeiro-acesso-ja-configurado')

    const answered = admin.waitForResponse(response => response.url().includes('/functions/v1/first-admin'))
    await admin.getByRole('button', { name: 'Ir para o login' }).click()
    await admin.waitForURL(url => url.pathname === '/login')
    expect(await (await answered).json()).toEqual({ needed: false })
    await admin.getByLabel('E-mail').waitFor()
    expect(await admin.getByTestId('first-admin-login-notice').count()).toBe(0)
    await submitLogin(admin, FIRST_ADMIN.email, FIRST_ADMIN.password)
    await admin.getByTestId('user-name').getByText(FIRST_ADMIN.name).waitFor()
    expect(pathOf(admin)).toBe('/atendimento')
  })

  it('Equipes: creates "Vendas" with round-robin and "Suporte" without', async () => {
    await admin.goto(installation.url('/admin/equipes'))
    await admin.getByTestId('team-empty').waitFor()

    await createTeam(admin, SALES, { roundRobin: true, color: SALES_COLOR })
    await createTeam(admin, SUPPORT, { roundRobin: false })

    expect(await teamLine(admin, SALES).getByTestId('team-auto-assign').textContent()).toContain('Rodízio automático')
    expect(await teamLine(admin, SALES).getByTestId('team-color').getAttribute('data-color')).toBe(SALES_COLOR)
    expect(await teamLine(admin, SUPPORT).getByTestId('team-auto-assign').count()).toBe(0)
    expect(await query('select name, color, auto_assign from public.teams order by name')).toEqual([
      { name: SUPPORT, color: expect.stringMatching(/^#[0-9a-f]{6}$/), auto_assign: false },
      { name: SALES, color: SALES_COLOR, auto_assign: true },
    ])
  }, STEP_TIMEOUT)

  it('Usuários: creates an agent in Vendas with a generated initial password, shown once', async () => {
    await admin.goto(installation.url('/admin/usuarios'))
    await admin.getByTestId('user-table').waitFor()
    await admin.getByTestId('user-create').click()
    const dialog = admin.getByTestId('user-dialog')
    await dialog.getByTestId('user-name-input').locator('input').fill(AGENT.name)
    await dialog.getByTestId('user-email-input').locator('input').fill(AGENT.email)
    await dialog.getByTestId('user-password-generate').click()
    const generated = await dialog.getByTestId('user-password-input').locator('input').inputValue()
    expect(generated.length).toBeGreaterThanOrEqual(8)
    await dialog.locator('[data-role="agent"]').click()
    await chooseTeam(admin, SALES)
    await dialog.getByTestId('user-save').click()

    // The password the agent will use is the one the screen hands over.
    await dialog.getByTestId('user-credentials').waitFor({ timeout: LIVE_TIMEOUT })
    expect((await dialog.getByTestId('user-credentials-email').textContent())?.trim()).toBe(AGENT.email)
    AGENT.password = (await dialog.getByTestId('user-credentials-password').textContent())?.trim() ?? ''
    expect(AGENT.password).toBe(generated)
    await screenshot(admin, 'jornada-usuario-senha-inicial')
    await dialog.getByTestId('user-done').click()
    await dialog.waitFor({ state: 'detached' })

    const row = admin.locator(`[data-testid="user-row"][data-user-email="${AGENT.email}"]`)
    await row.waitFor()
    expect(await row.getByTestId('user-row-role').textContent()).toContain(ROLE_LABELS.agent)
    expect(await row.getByTestId('user-row-teams').textContent()).toContain(SALES)

    const people = await until(
      () => query<{ id: string, full_name: string, role: string, active: boolean }>('select id, full_name, role, active from public.profiles where email = $1', [AGENT.email]),
      rows => rows.length === 1, 'the agent\'s profile')
    expect(people[0]).toMatchObject({ full_name: AGENT.name, role: 'agent', active: true })
    const members = await query<{ user_id: string }>('select user_id from public.team_members where team_id = $1', [await teamIdOf(SALES)])
    expect(members.map(member => member.user_id)).toEqual([people[0]!.id])
    expect(await query('select 1 from public.team_members where team_id = $1', [await teamIdOf(SUPPORT)])).toEqual([])

    // Equipes shows the new member in Vendas.
    await admin.getByRole('navigation').getByRole('link', { name: 'Equipes' }).click()
    await admin.waitForURL(url => url.pathname === '/admin/equipes')
    const sales = teamLine(admin, SALES)
    await sales.getByTestId('team-member-names').getByText(AGENT.name).waitFor()
    expect(await sales.getByTestId('team-member-count').textContent()).toContain('1 membro')
    expect(await teamLine(admin, SUPPORT).getByTestId('team-member-count').textContent()).toContain('Sem membros')
    await atTop(admin)
    await screenshot(admin, 'jornada-equipes')
  }, STEP_TIMEOUT)

  it('Conexões: an Evolution connection to the simulator shows the QR; the phone scans it; "Conectado" with the number', async () => {
    await admin.goto(installation.url('/admin/conexoes'))
    await admin.getByTestId('channel-empty').waitFor()
    await admin.getByTestId('channel-create').click()
    await admin.waitForURL(url => url.pathname === '/admin/conexoes/nova')
    await admin.locator('#channel-name').fill(CONNECTION)
    await admin.locator('#channel-server-url').fill(installation.simulator.evolutionUrl)
    await admin.locator('#channel-api-key').fill(SIMULATOR_EVOLUTION_API_KEY)
    await admin.getByTestId('channel-submit').click()

    await admin.waitForURL(url => /^\/admin\/conexoes\/[0-9a-f-]{36}$/.test(url.pathname), { timeout: LIVE_TIMEOUT })
    channelId = pathOf(admin).split('/').at(-1)!
    const qr = admin.getByTestId('channel-qr')
    await qr.waitFor({ timeout: LIVE_TIMEOUT })
    expect(await admin.getByTestId('channel-state').getAttribute('data-state')).toBe('qr')
    expect(await admin.getByTestId('channel-title').textContent()).toContain(CONNECTION)
    await atTop(admin)
    await screenshot(admin, 'jornada-conexao-qr')

    // The company's phone: the simulator's page shows the same instance waiting for its QR to be read.
    const phone = await simulatorPage()
    const waiting = phone.getByTestId('instance')
    await waiting.getByTestId('qr-image').waitFor({ timeout: LIVE_TIMEOUT })
    instance = (await waiting.getAttribute('data-name'))!
    const [secrets] = await query<{ evolution_instance_name: string, evolution_base_url: string }>(
      'select evolution_instance_name, evolution_base_url from public.channel_secrets where channel_id = $1', [channelId])
    expect(secrets).toEqual({ evolution_instance_name: instance, evolution_base_url: installation.simulator.evolutionUrl })
    // The code on the admin's screen is the one the phone is about to read.
    expect(await qr.getAttribute('data-qr')).toBe((await installation.simulator.instance(instance)).qr?.code)
    await waiting.getByTestId('scan-phone').fill(COMPANY_PHONE)
    await screenshot(phone, 'jornada-celular-qr')
    await waiting.getByRole('button', { name: 'Escanear QR' }).click()
    await expect.poll(() => waiting.getByTestId('instance-state').getAttribute('class'), { timeout: LIVE_TIMEOUT }).toContain('open')

    // The admin's screen follows by itself: connected, with the number.
    await admin.getByTestId('channel-connected').waitFor({ timeout: LIVE_TIMEOUT })
    expect(await admin.getByTestId('channel-connected-number').textContent()).toContain(formatPhone(COMPANY_PHONE))
    expect(await admin.getByTestId('channel-state').getAttribute('data-state')).toBe('connected')
    expect(await admin.getByTestId('channel-state').textContent()).toContain('Conectado')
    await atTop(admin)
    await screenshot(admin, 'jornada-conexao-conectada')
    expect(await channelRow()).toMatchObject({ id: channelId, provider: 'evolution', connection_state: 'connected', phone_number: COMPANY_PHONE, active: true })
  }, STEP_TIMEOUT)

  it('Chatbot: our welcome, "1 - Comprar" → Vendas and "2 - Ajuda" → Suporte, open at all hours, saved', async () => {
    await admin.locator('[data-channel-tab="chatbot"]').click()
    await admin.waitForURL(url => url.pathname === `/admin/conexoes/${channelId}/chatbot`)
    await admin.getByTestId('chatbot-preview').waitFor()
    expect(await admin.getByTestId('chatbot-enabled').getAttribute('aria-checked')).toBe('true')

    await admin.getByTestId('chatbot-welcomeText').locator('textarea').fill(WELCOME)
    // A new connection starts without a menu: two options, each pointing at its team.
    const options = admin.getByTestId('chatbot-option')
    expect(await options.count()).toBe(0)
    for (const [index, option] of MENU.entries()) {
      await admin.getByTestId('chatbot-option-add').click()
      await options.nth(index).getByTestId('chatbot-option-label').locator('input').fill(option.label)
      await selectOption(admin, options.nth(index).getByTestId('chatbot-option-team'), option.team)
    }
    // Customers who do not pick an option go to Suporte.
    await selectOption(admin, admin.getByTestId('chatbot-fallback-team'), SUPPORT)
    // Open at all hours, so what the customer gets does not depend on when the test runs.
    const alwaysOpen = admin.getByTestId('chatbot-always-open')
    if (await alwaysOpen.getAttribute('aria-checked') !== 'true') await alwaysOpen.click()
    expect(await alwaysOpen.getAttribute('aria-checked')).toBe('true')

    // The preview already answers with the new welcome and menu.
    const preview = admin.getByTestId('preview-message')
    await preview.nth(1).getByText(WELCOME).waitFor()
    await preview.last().getByText('1 - Comprar').waitFor()
    expect(await preview.last().textContent()).toContain('2 - Ajuda')
    await atTop(admin)
    await screenshot(admin, 'jornada-chatbot')

    await admin.getByTestId('chatbot-save').click()
    await admin.getByText('Chatbot salvo.', { exact: false }).waitFor({ timeout: LIVE_TIMEOUT })
    await expect.poll(() => admin.getByTestId('chatbot-save-state').textContent()).toBe('Tudo salvo')

    const [settings] = await query<{ enabled: boolean, welcome_text: string, business_hours: unknown, fallback_team_id: string }>(
      'select enabled, welcome_text, business_hours, fallback_team_id from public.bot_settings where channel_id = $1', [channelId])
    expect(settings).toEqual({ enabled: true, welcome_text: WELCOME, business_hours: {}, fallback_team_id: await teamIdOf(SUPPORT) })
    expect(await query('select position, label, team_id from public.bot_menu_options where channel_id = $1 order by position', [channelId])).toEqual([
      { position: 1, label: 'Comprar', team_id: await teamIdOf(SALES) },
      { position: 2, label: 'Ajuda', team_id: await teamIdOf(SUPPORT) },
    ])
  }, STEP_TIMEOUT)

  let customerPhone: Page

  it('a new customer writes "Oi", gets that welcome and menu, answers "1": the round robin hands the ticket to the agent', async () => {
    customerPhone = await simulatorPage()
    const target = `evolution:${instance}`
    await customerPhone.getByTestId('target-select').locator(`option[value="${target}"]`).waitFor({ state: 'attached' })
    await customerPhone.getByTestId('target-select').selectOption(target)
    await customerPhone.getByLabel('Telefone do cliente').fill(CUSTOMER.phone)
    await customerPhone.getByLabel('Telefone do cliente').press('Tab')
    await customerPhone.getByLabel('Nome no WhatsApp').fill(CUSTOMER.name)
    await customerPhone.getByLabel('Nome no WhatsApp').press('Tab')
    // Talking to the number the admin connected.
    await customerPhone.getByTestId('chat-subtitle').getByText(`online · ${formatPhone(COMPANY_PHONE)}`).waitFor()

    await customerTypes(customerPhone, 'Oi')
    const expected = await savedGreeting(channelId)
    const greeting = await businessTexts(customerPhone, 2)
    expect(greeting, JSON.stringify(greeting)).toHaveLength(2)
    expect(greeting[0]!.startsWith(WELCOME), JSON.stringify(greeting)).toBe(true)
    expect(greeting[1]!.startsWith(expected.menu), JSON.stringify(greeting)).toBe(true)
    expect(greeting[1]).toContain('1 - Comprar')
    expect(greeting[1]).toContain('2 - Ajuda')
    expect(greeting[1]!.indexOf('1 - Comprar')).toBeLessThan(greeting[1]!.indexOf('2 - Ajuda'))
    await phoneSettled(customerPhone)
    await screenshot(customerPhone, 'jornada-celular-menu')

    await customerTypes(customerPhone, '1')
    if (expected.afterSelection) {
      const confirmed = await businessTexts(customerPhone, 3)
      expect(confirmed[2]!.startsWith(expected.afterSelection), JSON.stringify(confirmed)).toBe(true)
    }
    const [agent] = await query<{ id: string }>('select id from public.profiles where email = $1', [AGENT.email])
    const ticket = await until(customerTicket, row => Boolean(row && row.status !== 'bot'), 'the ticket routed by option 1')
    expect(ticket).toMatchObject({ status: 'open', team_id: await teamIdOf(SALES), assignee_id: agent!.id })
    const events = await query<{ type: string, to_agent_id: string | null }>('select type, to_agent_id from public.ticket_events where ticket_id = $1 order by created_at, id', [ticket!.id])
    expect(events).toContainEqual({ type: 'auto_assigned', to_agent_id: agent!.id })
  }, STEP_TIMEOUT)

  it('the agent signs in with the initial password, finds the conversation in Atendimento and answers; the phone shows it', async () => {
    const agentPage = await newPage({ width: 1440 })
    await signInHere(agentPage, AGENT.email, AGENT.password, AGENT.name)
    expect(pathOf(agentPage)).toBe('/atendimento')
    await agentPage.locator('[data-testid="inbox-panel"][data-live="live"]').waitFor({ timeout: LIVE_TIMEOUT })
    await agentPage.getByTestId('inbox-tab-mine').click()
    const card = agentPage.getByTestId('ticket-list-mine').getByTestId('ticket-card').filter({ hasText: CUSTOMER.name })
    await card.waitFor({ timeout: LIVE_TIMEOUT })
    expect(await card.getByTestId('ticket-card-team').textContent()).toBe(SALES)
    expect(await card.getByTestId('ticket-card-status').textContent()).toBe('Em andamento')
    const ticket = (await customerTicket())!
    expect(await card.getAttribute('data-ticket-id')).toBe(ticket.id)

    await card.getByTestId('ticket-card-link').click()
    await agentPage.waitForURL(url => url.pathname === `/atendimento/${ticket.id}`)
    // The whole conversation: the customer's words and what the bot answered.
    const texts = agentPage.getByTestId('message-text')
    await texts.getByText('Oi', { exact: true }).waitFor()
    await texts.getByText(WELCOME).waitFor()
    // Its history says how it got here: the menu, then Vendas' round robin.
    const details = agentPage.getByTestId('ticket-details')
    await details.getByText('rodízio de Vendas', { exact: false }).waitFor()
    expect(await details.textContent()).toContain(AGENT.name)
    const input = agentPage.getByTestId('composer-input')
    await input.fill(ANSWER)
    await input.press('Enter')
    await expect.poll(() => input.inputValue()).toBe('')
    await texts.getByText(ANSWER).waitFor()
    await agentPage.mouse.move(0, 0)
    await screenshot(agentPage, 'jornada-atendimento-agente')

    const answered = businessBubbles(customerPhone).filter({ hasText: ANSWER })
    await answered.waitFor({ timeout: LIVE_TIMEOUT })
    expect((await answered.innerText()).startsWith(ANSWER)).toBe(true)
    expect((await businessBubbles(customerPhone).allInnerTexts()).at(-1)!.startsWith(ANSWER)).toBe(true)
    await phoneSettled(customerPhone)
    await screenshot(customerPhone, 'jornada-celular-resposta')

    const [agent] = await query<{ id: string }>('select id from public.profiles where email = $1', [AGENT.email])
    const sent = await query<{ sender_id: string, is_private: boolean }>('select sender_id, is_private from public.messages where ticket_id = $1 and body = $2', [ticket.id, ANSWER])
    expect(sent).toEqual([{ sender_id: agent!.id, is_private: false }])
  }, STEP_TIMEOUT)
})
