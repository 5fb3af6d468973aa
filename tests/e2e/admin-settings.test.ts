/**
 * Configurações in a real browser on the demo stack: the admin changes the company's time zone (searching
 * the list), makes a classification required at closing, sets the Power BI report and how it shows, sees
 * pt-BR errors (an http address, a "Publicar na Web" link, a time zone the database refuses, another admin
 * saving first), and finds everything saved after a reload. The demo app_settings row is put back
 * afterwards: other files depend on it (e.g. closing without a classification).
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, ownerPool } from '../support/db.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

interface SettingsRow {
  company_name: string
  timezone: string
  classification_required: boolean
  powerbi_report_url: string | null
  powerbi_display_mode: string
}

const SECURE_REPORT = 'https://app.powerbi.com/reportEmbed?reportId=5b0a1c2e-0000-4000-8000-000000000001&autoAuth=true'
const PUBLIC_REPORT = 'https://app.powerbi.com/view?r=eyJrIjoiZGVtbyJ9'

let browser: Browser
let current: AppPage | undefined
let demoSettings: SettingsRow

async function settingsRow(): Promise<SettingsRow> {
  const { rows } = await ownerPool().query<SettingsRow>(
    'select company_name, timezone, classification_required, powerbi_report_url, powerbi_display_mode from public.app_settings',
  )
  return rows[0]!
}

async function writeSettings(values: Partial<SettingsRow>): Promise<void> {
  const columns = Object.keys(values)
  await ownerPool().query(
    `update public.app_settings set ${columns.map((column, index) => `${column} = $${index + 1}`).join(', ')}`,
    Object.values(values),
  )
}

beforeAll(async () => {
  demoSettings = await settingsRow()
  browser = await launchBrowser()
})

afterEach(async () => {
  await current?.context.close()
  current = undefined
})

afterAll(async () => {
  if (demoSettings) await writeSettings({ ...demoSettings })
  await browser?.close()
})

/** Signed in as the demo admin, on Configurações with the form loaded. */
async function openSettings(): Promise<Page> {
  current = await openApp(browser)
  const page = current.page
  await signIn(page, DEMO.admin.email, DEMO.password)
  await page.goto(appUrl('/admin/configuracoes'))
  await page.getByTestId('settings-form').waitFor()
  return page
}

const unsavedBar = (page: Page) => page.getByTestId('settings-unsaved-bar')
const classificationSwitch = (page: Page) => page.getByRole('switch', { name: 'Exigir classificação ao encerrar' })

async function chooseTimezone(page: Page, search: string, label: RegExp): Promise<void> {
  // A click on the still-focused select would close its menu: start from outside it.
  await page.getByRole('heading', { level: 1, name: 'Configurações' }).click()
  await page.getByTestId('settings-timezone').click()
  await page.locator('.n-base-select-menu').waitFor()
  // The search box may still hold the previous search.
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type(search)
  await page.locator('.n-base-select-option').filter({ hasText: label }).first().click()
  await page.getByTestId('settings-timezone').filter({ hasText: label }).waitFor()
}

async function save(page: Page): Promise<void> {
  await unsavedBar(page).getByRole('button', { name: 'Salvar' }).click()
}

describe('Configurações', () => {
  it('shows the saved settings, saves the admin\'s changes in one go and keeps them after a reload', async () => {
    await writeSettings({ company_name: 'Atende Demonstração', timezone: 'America/Sao_Paulo', classification_required: false, powerbi_report_url: null, powerbi_display_mode: 'new_tab' })
    const page = await openSettings()
    expect(await page.getByLabel('Nome da empresa').inputValue()).toBe('Atende Demonstração')
    await page.getByTestId('settings-timezone').getByText('América/São Paulo (UTC−03:00)').waitFor()
    expect(await classificationSwitch(page).getAttribute('aria-checked')).toBe('false')
    await page.getByTestId('settings-powerbi-warning').getByText('Cuidado com "Publicar na Web"').waitFor()
    expect(await unsavedBar(page).count()).toBe(0)
    await screenshot(page, 'admin-configuracoes')

    await chooseTimezone(page, 'manaus', /^América\/Manaus \(UTC−04:00\)$/)
    await classificationSwitch(page).click()
    await page.getByText('Ligado: o técnico só consegue encerrar depois de escolher uma classificação.', { exact: false }).waitFor()
    await page.getByLabel('Endereço do relatório').fill(SECURE_REPORT)
    await page.getByTestId('settings-powerbi-mode-embed').click()
    await unsavedBar(page).getByText('Há alterações não salvas.').waitFor()
    await screenshot(page, 'admin-configuracoes-alteracoes')

    await save(page)
    await page.getByText('Configurações salvas.').waitFor()
    await unsavedBar(page).waitFor({ state: 'detached' })
    expect(await settingsRow()).toEqual({
      company_name: 'Atende Demonstração',
      timezone: 'America/Manaus',
      classification_required: true,
      powerbi_report_url: SECURE_REPORT,
      powerbi_display_mode: 'embed',
    })

    await page.reload()
    await page.getByTestId('settings-form').waitFor()
    await page.getByTestId('settings-timezone').getByText('América/Manaus (UTC−04:00)').waitFor()
    expect(await classificationSwitch(page).getAttribute('aria-checked')).toBe('true')
    expect(await page.getByLabel('Endereço do relatório').inputValue()).toBe(SECURE_REPORT)
    expect(await page.getByTestId('settings-powerbi-mode-embed').locator('input').isChecked()).toBe(true)
  })

  it('finds a time zone by city without accents or by offset, and shows the time there', async () => {
    await writeSettings({ timezone: 'America/Sao_Paulo' })
    const page = await openSettings()
    await chooseTimezone(page, 'lisboa', /^Europa\/Lisboa \(UTC\+0[01]:00\)$/)
    await page.getByTestId('settings-local-time').getByText('Agora neste fuso:').waitFor()
    await chooseTimezone(page, 'utc+9', /^Ásia\/Tóquio \(UTC\+09:00\)$/)
    await save(page)
    await page.getByText('Configurações salvas.').waitFor()
    expect((await settingsRow()).timezone).toBe('Asia/Tokyo')
  })

  it('refuses an address that is not https and warns about a "Publicar na Web" link', async () => {
    await writeSettings({ powerbi_report_url: null })
    const page = await openSettings()
    const url = page.getByLabel('Endereço do relatório')
    await url.fill('http://app.powerbi.com/reportEmbed?reportId=1')
    await url.blur()
    await page.getByText('Use um endereço seguro, que comece com https://.').waitFor()
    await save(page)
    await unsavedBar(page).getByText('Corrija os campos destacados antes de salvar.').waitFor()
    await screenshot(page, 'admin-configuracoes-erro-url')
    await url.fill('relatorio da empresa')
    await page.getByText('Informe um endereço completo, começando com https://.').waitFor()
    expect((await settingsRow()).powerbi_report_url).toBeNull()

    await url.fill(PUBLIC_REPORT)
    await page.getByTestId('settings-powerbi-public-link').getByText('qualquer pessoa que o tenha vê os dados do relatório').waitFor()
    await url.fill(SECURE_REPORT)
    await page.getByTestId('settings-powerbi-public-link').waitFor({ state: 'detached' })

    // Discarding puts the saved values back.
    await unsavedBar(page).getByRole('button', { name: 'Descartar' }).click()
    expect(await url.inputValue()).toBe('')
    await unsavedBar(page).waitFor({ state: 'detached' })
  })

  it('explains a time zone the database refuses and keeps the admin\'s changes', async () => {
    await writeSettings({ timezone: 'America/Sao_Paulo', company_name: 'Atende Demonstração' })
    const page = await openSettings()
    // The list only offers real zones; a request altered on the way proves the database's answer is shown.
    await page.route('**/rest/v1/app_settings**', async (route) => {
      const request = route.request()
      if (request.method() !== 'PATCH') return route.continue()
      const body = { ...JSON.parse(request.postData() ?? '{}'), timezone: 'America/Atlantida' }
      return route.continue({ postData: JSON.stringify(body) })
    })
    await page.getByLabel('Nome da empresa').fill('Empresa Renomeada')
    await save(page)
    await unsavedBar(page).getByText('"America/Atlantida" não é um fuso horário válido.', { exact: false }).waitFor()
    expect(await page.getByLabel('Nome da empresa').inputValue()).toBe('Empresa Renomeada')
    expect(await settingsRow()).toMatchObject({ company_name: 'Atende Demonstração', timezone: 'America/Sao_Paulo' })
  })

  it('when another admin saved first, keeps this admin\'s edits, takes the other fields and saves on the second try', async () => {
    await writeSettings({ company_name: 'Atende Demonstração', classification_required: false, timezone: 'America/Sao_Paulo' })
    const page = await openSettings()
    await classificationSwitch(page).click()
    await writeSettings({ company_name: 'Nome do Outro Admin' })

    await save(page)
    await unsavedBar(page).getByText('Outro administrador salvou as configurações enquanto você editava.', { exact: false }).waitFor()
    expect(await page.getByLabel('Nome da empresa').inputValue()).toBe('Nome do Outro Admin')
    expect(await classificationSwitch(page).getAttribute('aria-checked')).toBe('true')

    await save(page)
    await page.getByText('Configurações salvas.').waitFor()
    expect(await settingsRow()).toMatchObject({ company_name: 'Nome do Outro Admin', classification_required: true })
  })

  it('asks before leaving with unsaved changes', async () => {
    const page = await openSettings()
    await page.getByLabel('Nome da empresa').fill('Nome que não será salvo')
    await page.locator('[data-admin-page="equipes"]').click()
    const dialog = page.getByRole('dialog').filter({ hasText: 'Descartar alterações?' })
    await dialog.waitFor()
    await dialog.getByRole('button', { name: 'Continuar editando' }).click()
    expect(new URL(page.url()).pathname).toBe('/admin/configuracoes')
    expect(await page.getByLabel('Nome da empresa').inputValue()).toBe('Nome que não será salvo')

    await page.locator('[data-admin-page="equipes"]').click()
    await page.getByRole('dialog').filter({ hasText: 'Descartar alterações?' }).getByRole('button', { name: 'Descartar' }).click()
    await page.waitForURL(url => url.pathname === '/admin/equipes')
    expect((await settingsRow()).company_name).not.toBe('Nome que não será salvo')
  })
})
