/**
 * A new installation, tried as its first user would: a stack of its own started WITHOUT the demo seed
 * (no users, no teams, no connections) and the built app pointed at it. The login page offers the first
 * access, the visitor creates the first administrator, is signed in and lands in Administração with the
 * next steps; from then on the first-access page only points to the login.
 *
 * The setup is kept in small helpers (installation, browser page, first admin) so this file can grow into
 * the whole "empty database → teams, users, QR connection, bot, customer" journey.
 * Ports: TEST_STACK_PORT_BASE + 100 (+21…25 for the stack, +30 for the app), beside the shared stack.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startStack, type RunningStack } from '../../local-stack/stack.ts'
import { startAppServer, type AppServer } from '../setup/app-server.ts'
import { launchBrowser, openApp, screenshot, submitLogin, type AppPage } from './support/browser.ts'

const BASE = Number(process.env.TEST_STACK_PORT_BASE ?? 25000) + 100

/** The person installing Atende. */
const FIRST_ADMIN = {
  company: 'Loja Exemplo Ltda.',
  name: 'Paula Fundadora',
  email: 'paula@lojaexemplo.com.br',
  password: 'comeco-do-zero-1',
}

interface Installation {
  stack: RunningStack
  app: AppServer
  /** Superuser access to this installation's database, to check what the UI did. */
  db: pg.Pool
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

/** A fresh browser context (own session) on this installation's app. */
async function newPage(options?: Parameters<typeof openApp>[1]): Promise<Page> {
  const opened = await openApp(browser, options)
  pages.push(opened)
  return opened.page
}

const pathOf = (page: Page) => new URL(page.url()).pathname

/** Fills /primeiro-acesso as a person would and submits it. */
async function fillFirstAdminForm(page: Page, admin: typeof FIRST_ADMIN, confirmation = admin.password): Promise<void> {
  await page.getByLabel('Empresa').fill(admin.company)
  await page.getByLabel('Seu nome').fill(admin.name)
  await page.getByLabel('E-mail').fill(admin.email)
  await page.getByLabel('Senha', { exact: true }).fill(admin.password)
  await page.getByLabel('Confirme a senha').fill(confirmation)
  await page.getByRole('button', { name: 'Criar administrador e entrar' }).click()
}

async function adminProfiles(): Promise<Array<{ full_name: string, email: string, role: string, active: boolean }>> {
  const { rows } = await installation.db.query(`select full_name, email, role, active from public.profiles order by created_at`)
  return rows
}

describe('first run from an empty database', () => {
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
    const { rows } = await installation.db.query<{ company_name: string }>('select company_name from public.app_settings')
    expect(rows[0]!.company_name).toBe(FIRST_ADMIN.company)

    // The first step of the checklist leads where it says.
    await steps.getByRole('link', { name: 'Equipes' }).click()
    await page.waitForURL(url => url.pathname === '/admin/equipes')
    await steps.waitFor({ state: 'detached' })
  })

  it('afterwards, the first access only points to the login, where the new admin signs in', async () => {
    const page = await newPage()
    await page.goto(installation.url('/primeiro-acesso'))
    await page.getByTestId('first-admin-done').getByText('O Atende já está configurado').waitFor()
    expect(await page.getByTestId('first-admin-form').count()).toBe(0)
    await screenshot(page, 'primeiro-acesso-ja-configurado')

    const answered = page.waitForResponse(response => response.url().includes('/functions/v1/first-admin'))
    await page.getByRole('button', { name: 'Ir para o login' }).click()
    await page.waitForURL(url => url.pathname === '/login')
    expect(await (await answered).json()).toEqual({ needed: false })
    await page.getByLabel('E-mail').waitFor()
    expect(await page.getByTestId('first-admin-login-notice').count()).toBe(0)
    await submitLogin(page, FIRST_ADMIN.email, FIRST_ADMIN.password)
    await page.getByTestId('user-name').getByText(FIRST_ADMIN.name).waitFor()
    expect(pathOf(page)).toBe('/atendimento')
  })
})
