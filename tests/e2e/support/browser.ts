/**
 * Browser helpers for the e2e suite: Debian's Chromium driven by playwright-core, one isolated
 * context (own localStorage, so its own session) per scenario, and screenshots for a human to look at.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { inject } from 'vitest'
import { PROJECT_ROOT } from '../../../local-stack/config.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'test-results/screenshots')

export function appUrl(path = '/'): string {
  const base = inject('appUrl')
  if (!base) throw new Error('The app was not started: run the e2e project through vitest (tests/setup/global.ts).')
  return new URL(path, base).toString()
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
}

export interface AppPage {
  context: BrowserContext
  page: Page
}

/** A fresh context at the width the app must support (1280 by default; the shell targets ≥ 1024). */
export async function openApp(browser: Browser, options: { width?: number, colorScheme?: 'light' | 'dark' } = {}): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    locale: 'pt-BR',
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  return { context, page }
}

/** Fills the login form and submits it with Enter, as people do. */
export async function submitLogin(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email)
  await page.getByLabel('Senha', { exact: true }).fill(password)
  await page.getByLabel('Senha', { exact: true }).press('Enter')
}

/** Opens the login page and signs in, waiting for the shell to show the user's name. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(appUrl('/login'))
  await submitLogin(page, email, password)
  await page.getByTestId('user-name').waitFor()
}

/** The text of the first element matching, once it is visible. */
export async function visibleText(page: Page, selector: string): Promise<string> {
  const locator = page.locator(selector).first()
  await locator.waitFor({ state: 'visible' })
  return (await locator.textContent())?.trim() ?? ''
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true })
  // Transitions (theme colours, toasts) are fast-forwarded, so the picture shows the settled state.
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true, animations: 'disabled' })
}
