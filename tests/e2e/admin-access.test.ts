/**
 * Administração is for admins only: every admin page, typed straight into the address bar by a
 * supervisor, an agent or an observer, sends them back to Atendimento with the pt-BR notice; the admin
 * reaches each page from the sub-navigation. (The database refuses the same people through RLS and the
 * functions' role checks: tests/database/rls-matrix.test.ts and administration.test.ts.)
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PAGES } from '../../constants/admin.ts'
import { DEMO } from '../support/db.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn } from './support/browser.ts'

const RESTRICTED = 'Acesso restrito: esta área é exclusiva para administradores.'

let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

describe('who reaches Administração', () => {
  for (const person of [DEMO.supervisor, DEMO.carla, DEMO.observer]) {
    it(`keeps ${person.email} out of every admin page`, async () => {
      const { context, page } = await openApp(browser)
      try {
        await signIn(page, person.email, DEMO.password)
        for (const adminPage of [{ path: '/admin' }, ...ADMIN_PAGES]) {
          await page.goto(appUrl(adminPage.path))
          await page.getByText(RESTRICTED).first().waitFor()
          await page.waitForURL(url => url.pathname === '/atendimento')
        }
        expect(await page.locator('[data-admin-page]').count()).toBe(0)
      }
      finally {
        await context.close()
      }
    })
  }

  it('takes the admin to every admin page from the sub-navigation and the overview', async () => {
    const { context, page } = await openApp(browser)
    try {
      await signIn(page, DEMO.admin.email, DEMO.password)
      await page.goto(appUrl('/admin'))
      for (const adminPage of ADMIN_PAGES) {
        await page.locator(`[data-admin-card="${adminPage.key}"]`).waitFor()
      }
      await screenshot(page, 'admin-overview')
      for (const adminPage of ADMIN_PAGES) {
        await page.locator(`[data-admin-page="${adminPage.key}"]`).click()
        await page.waitForURL(url => url.pathname === adminPage.path)
        await page.locator('#conteudo').getByRole('heading', { level: 1, name: adminPage.label, exact: true }).waitFor()
        await page.waitForFunction(title => document.title === `${title} · Atende`, adminPage.label)
        expect(await page.locator(`[data-admin-page="${adminPage.key}"]`).getAttribute('aria-current')).toBe('page')
      }
    }
    finally {
      await context.close()
    }
  })
})
