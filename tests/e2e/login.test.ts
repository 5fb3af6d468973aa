/**
 * Signing in and the authenticated shell, in a real browser against the built app and the stack:
 * pt-BR errors by auth error code, sections by role, the admin-only area, deactivated accounts,
 * sign-out, the redirect back to the wanted page, and the theme.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { createTestUser, eventually, serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, submitLogin, visibleText, type AppPage } from './support/browser.ts'

const MESSAGES = {
  wrongPassword: 'E-mail ou senha incorretos.',
  disabled: 'Usuário desativado. Fale com o administrador.',
  offline: 'Não foi possível conectar ao servidor. Verifique sua conexão e tente novamente.',
  restricted: 'Acesso restrito',
}

let browser: Browser
let current: AppPage | undefined

beforeAll(async () => {
  browser = await launchBrowser()
})

afterEach(async () => {
  await current?.context.close()
  current = undefined
})

afterAll(async () => {
  await browser?.close()
})

async function freshPage(options?: Parameters<typeof openApp>[1]): Promise<Page> {
  current = await openApp(browser, options)
  return current.page
}

async function navigationLabels(page: Page): Promise<string[]> {
  const links = page.getByRole('navigation', { name: 'Navegação principal' }).getByRole('link')
  await links.first().waitFor()
  return (await links.allTextContents()).map(text => text.trim())
}

/** Waits until the shell shows this page title (the URL changes before the new page renders). */
async function expectPageTitle(page: Page, title: string): Promise<void> {
  await page.locator('#conteudo').getByRole('heading', { level: 1, name: title, exact: true }).waitFor()
  await page.waitForFunction(expected => document.title === expected, `${title} · Atende`)
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname
}

describe('login page', () => {
  it('sends a visitor to the login page and explains a wrong password in Portuguese', async () => {
    const page = await freshPage()
    await page.goto(appUrl('/'))
    await page.waitForURL(url => url.pathname === '/login')
    await screenshot(page, 'login')

    await submitLogin(page, DEMO.admin.email, 'senha-errada')
    expect(await visibleText(page, '[data-testid="login-error"]')).toContain(MESSAGES.wrongPassword)
    expect(pathOf(page)).toBe('/login')
    await screenshot(page, 'login-wrong-password')
  })

  it('validates the fields before calling the server', async () => {
    const page = await freshPage()
    await page.goto(appUrl('/login'))
    await page.getByRole('button', { name: 'Entrar' }).click()
    await page.getByText('Informe seu e-mail.').waitFor()
    await page.getByText('Informe sua senha.').waitFor()
    await page.getByLabel('E-mail').fill('sem-arroba')
    await page.getByLabel('Senha', { exact: true }).fill('x')
    await page.getByRole('button', { name: 'Entrar' }).click()
    await page.getByText('Informe um e-mail válido.').waitFor()
    expect(await page.getByTestId('login-error').count()).toBe(0)
  })

  it('says the server is unreachable when the connection fails', async () => {
    const page = await freshPage()
    await page.route('**/auth/v1/token**', route => route.abort('connectionrefused'))
    await page.goto(appUrl('/login'))
    await submitLogin(page, DEMO.admin.email, DEMO.password)
    expect(await visibleText(page, '[data-testid="login-error"]')).toContain(MESSAGES.offline)
  })
})

describe('authenticated shell', () => {
  it('signs the admin in and shows the four sections, Administração included', async () => {
    const page = await freshPage()
    await signIn(page, DEMO.admin.email, DEMO.password)

    expect(pathOf(page)).toBe('/atendimento')
    expect(await navigationLabels(page)).toEqual(['Atendimento', 'Contatos', 'Relatórios', 'Administração'])
    expect(await visibleText(page, '[data-testid="user-role"]')).toBe('Administrador')
    await expectPageTitle(page, 'Atendimento')
    await screenshot(page, 'shell-admin-atendimento')

    // Each section's own content is covered by its own tests.
    for (const [label, path] of [['Contatos', '/contatos'], ['Relatórios', '/relatorios'], ['Administração', '/admin']] as const) {
      await page.getByRole('link', { name: label }).click()
      await page.waitForURL(url => url.pathname === path)
      await expectPageTitle(page, label)
      expect(await page.getByRole('link', { name: label }).getAttribute('aria-current')).toBe('page')
    }
    await screenshot(page, 'shell-admin-administracao')
  })

  it('hides Administração from an agent and keeps the agent out of /admin', async () => {
    const page = await freshPage()
    await signIn(page, DEMO.carla.email, DEMO.password)

    expect(await navigationLabels(page)).toEqual(['Atendimento', 'Contatos', 'Relatórios'])
    expect(await visibleText(page, '[data-testid="user-role"]')).toBe('Técnico')

    await page.goto(appUrl('/admin'))
    await page.getByText(MESSAGES.restricted).waitFor()
    // The message is shown as the redirect starts; wait for the navigation itself to land.
    await page.waitForURL(url => url.pathname === '/atendimento')
    expect(pathOf(page)).toBe('/atendimento')
    await screenshot(page, 'shell-agent-restricted')
  })

  it('returns to the login page on Sair, and the session is gone after a reload', async () => {
    const page = await freshPage()
    await signIn(page, DEMO.carla.email, DEMO.password)

    await page.getByRole('button', { name: 'Sair' }).click()
    await page.waitForURL(url => url.pathname === '/login')
    await page.reload()
    await page.getByRole('button', { name: 'Entrar' }).waitFor()
    expect(pathOf(page)).toBe('/login')

    await page.goto(appUrl('/contatos'))
    await page.waitForURL(url => url.pathname === '/login')
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/contatos')
  })

  it('answers an unknown address with a Portuguese not-found page and a way home', async () => {
    const page = await freshPage()
    await signIn(page, DEMO.admin.email, DEMO.password)
    await page.goto(appUrl('/nao-existe'))
    await page.getByText('Página não encontrada').waitFor()
    await screenshot(page, 'not-found')
    await page.getByRole('button', { name: 'Voltar ao início' }).click()
    await page.waitForURL(url => url.pathname === '/atendimento')
    await expectPageTitle(page, 'Atendimento')
  })

  it('brings the user back to the page they wanted after signing in', async () => {
    const page = await freshPage()
    await page.goto(appUrl('/relatorios'))
    await page.waitForURL(url => url.pathname === '/login')
    await submitLogin(page, DEMO.admin.email, DEMO.password)
    await page.waitForURL(url => url.pathname === '/relatorios')
    await expectPageTitle(page, 'Relatórios')
  })

  it('can be used with the keyboard alone, at the narrowest supported width', async () => {
    const page = await freshPage({ width: 1024 })
    await signIn(page, DEMO.admin.email, DEMO.password)

    // The first Tab reaches the skip link, which moves focus to the content.
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Pular para o conteúdo')

    // Tab through the brand link to the first section, then on to Contatos, and open it with Enter.
    const focusedSection = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.section)
    for (let presses = 0; presses < 5 && (await focusedSection()) !== 'contatos'; presses++) {
      await page.keyboard.press('Tab')
    }
    expect(await focusedSection()).toBe('contatos')
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement as Element).outlineStyle)
    expect(outline).not.toBe('none')
    await screenshot(page, 'shell-1024-keyboard-focus')
    await page.keyboard.press('Enter')
    await page.waitForURL(url => url.pathname === '/contatos')
  })
})

describe('deactivated accounts', () => {
  it('shows the disabled message to a user whose auth account is banned', async () => {
    const email = `desativado-${Date.now()}@atende.local`
    const id = await createTestUser(email, DEMO.password, { full_name: 'Pessoa Desativada' })
    const { error } = await serviceClient().auth.admin.updateUserById(id, { ban_duration: '876000h' })
    expect(error).toBeNull()

    const page = await freshPage()
    await page.goto(appUrl('/login'))
    await submitLogin(page, email, DEMO.password)
    expect(await visibleText(page, '[data-testid="login-error"]')).toContain(MESSAGES.disabled)
    expect(pathOf(page)).toBe('/login')
    await screenshot(page, 'login-disabled')
  })

  it('signs out a user whose profile is inactive even though the password is right', async () => {
    const email = `inativo-${Date.now()}@atende.local`
    const id = await createTestUser(email, DEMO.password, { full_name: 'Perfil Inativo' })
    const { error } = await serviceClient().from('profiles').update({ active: false }).eq('id', id)
    expect(error).toBeNull()

    const page = await freshPage()
    await page.goto(appUrl('/login'))
    await submitLogin(page, email, DEMO.password)
    expect(await visibleText(page, '[data-testid="login-error"]')).toContain(MESSAGES.disabled)
    // The accepted credentials left no session behind: a protected page still asks for login.
    await page.goto(appUrl('/contatos'))
    await page.waitForURL(url => url.pathname === '/login')
    expect(await page.evaluate(() => Object.keys(localStorage).filter(key => key.includes('auth-token')))).toEqual([])
  })
})

describe('theme', () => {
  it('switches to dark and keeps the choice after a reload', async () => {
    const page = await freshPage({ colorScheme: 'light' })
    await signIn(page, DEMO.admin.email, DEMO.password)
    const htmlTheme = () => page.evaluate(() => document.documentElement.dataset.theme)
    // Sum of the body's RGB channels: ~765 on the light theme, low once the dark theme settled.
    const bodyBrightness = () => page.evaluate(() => {
      const channels = getComputedStyle(document.body).backgroundColor.match(/\d+/g) ?? []
      return channels.slice(0, 3).reduce((sum, channel) => sum + Number(channel), 0)
    })
    expect(await htmlTheme()).toBe('light')
    expect(await bodyBrightness()).toBeGreaterThan(700)

    await page.getByText('Escuro', { exact: true }).click()
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark')
    await eventually(async () => ((await bodyBrightness()) < 100 ? true : undefined), 5000, 'a dark body background')
    await screenshot(page, 'shell-admin-dark')

    await page.reload()
    await page.getByTestId('user-name').waitFor()
    expect(await htmlTheme()).toBe('dark')
  })

  it('follows the operating system when set to Sistema', async () => {
    const page = await freshPage({ colorScheme: 'dark' })
    await signIn(page, DEMO.admin.email, DEMO.password)
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light')
  })
})

describe('Ajuda', () => {
  it('opens the guides from the sidebar for anyone, and moves between them', async () => {
    const page = await freshPage()
    await signIn(page, DEMO.carla.email, DEMO.password)
    await page.getByTestId('help-link').click()
    await page.waitForURL(url => url.pathname === '/ajuda/tela-de-atendimento')
    await page.getByRole('heading', { level: 1, name: 'Tela de atendimento' }).waitFor()
    expect(await page.getByTestId('help-link').getAttribute('aria-current')).toBe('page')

    await page.getByRole('navigation', { name: 'Guias' }).getByRole('link', { name: 'Power BI e relatórios' }).click()
    await page.waitForURL(url => url.pathname === '/ajuda/powerbi')
    await page.getByRole('heading', { level: 1, name: /^Power BI: como levar os dados/ }).waitFor()
    await page.waitForFunction(() => document.title.startsWith('Power BI'))
    await screenshot(page, 'ajuda-powerbi')
  })
})
