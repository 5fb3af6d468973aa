/**
 * Issue #8, Administração → Chaves de API in a real browser, as the demo admin: the form's pt-BR
 * validation; a key created in the UI and read from the dialog that shows it once (warning, copy button,
 * a confirmation before closing uncopied); that key fetching a JSON page and a CSV from Node exactly as
 * docs/powerbi.md's curl lines and the dialog's own examples say; the list (prefix, datasets, limit,
 * creator, last use, status); and a revoke in the UI after which the same request gets 401. Keys made
 * here are deleted at the end.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { docCurlCommands, runDocCurl } from '../support/powerbi-doc.ts'
import { getStack, serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

const TAG = `e2e-${randomUUID().slice(0, 6)}`
const service = serviceClient()
let browser: Browser
const opened: AppPage[] = []

beforeAll(async () => {
  browser = await launchBrowser()
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  await browser?.close()
  await service.from('api_keys').delete().like('name', `%${TAG}%`)
})

async function adminPage(): Promise<Page> {
  const app = await openApp(browser)
  opened.push(app)
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(appUrl('/')).origin })
  await signIn(app.page, DEMO.admin.email, DEMO.password)
  return app.page
}

/** The app scrolls inside its shell, so a full-page picture needs a window tall enough for the page. */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => Math.max(...[...document.querySelectorAll('*')].map(node => node.scrollHeight)))
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 800), 1600) })
  await page.waitForTimeout(200)
  await screenshot(page, name)
  await page.setViewportSize({ width: 1280, height: 800 })
}

/** A curl line shown in the dialog, run as it is (it already holds the stack's address and the key). */
async function runShownCurl(line: string): Promise<Response> {
  const [command] = docCurlCommands(`\`\`\`bash\n${line}\n\`\`\``)
  return fetch(command!.url, { headers: command!.headers })
}

const keyRow = (page: Page, name: string) => page.getByTestId('api-key-row').filter({ has: page.getByText(name, { exact: true }) })

describe('Chaves de API', () => {
  it('creates a key shown once, which reads JSON and CSV as the docs say, and revokes it', async () => {
    const page = await adminPage()
    await page.goto(appUrl('/admin'))
    await page.locator('[data-admin-page="chaves-de-api"]').first().click()
    await page.waitForURL(url => url.pathname === '/admin/chaves-de-api')
    const { count } = await service.from('api_keys').select('id', { count: 'exact', head: true })
    if (count === 0) {
      await page.getByTestId('api-key-empty').waitFor()
      await screenshot(page, 'admin-chaves-de-api-vazia')
    }
    else {
      await page.getByTestId('api-key-table').waitFor()
    }

    // The form checks before sending, in pt-BR.
    await page.getByTestId('api-key-create').click()
    const form = page.getByTestId('api-key-form')
    await form.getByTestId('api-key-dataset-tickets').waitFor()
    await page.getByTestId('api-key-submit').click()
    await form.getByText('Dê um nome à chave.').waitFor()
    await form.getByText('Escolha ao menos um conjunto de dados.').waitFor()
    // The descriptions come from the database.
    await form.getByText('Um registro por atendimento, com tempos, equipe, atendente, classificação e avaliação.').waitFor()

    const name = `Power BI da diretoria ${TAG}`
    await form.getByTestId('api-key-name-input').locator('input').fill(name)
    await form.getByTestId('api-key-dataset-tickets').click()
    await form.getByTestId('api-key-dataset-daily').click()
    const rate = form.getByTestId('api-key-rate-input').locator('input')
    await rate.fill('30')
    await rate.blur()
    await screenshot(page, 'admin-chaves-de-api-formulario')
    await page.getByTestId('api-key-submit').click()

    // Shown once, with a warning, a copy button and examples carrying this key and this address.
    const dialog = page.getByTestId('api-key-created')
    await dialog.waitFor()
    const key = await dialog.getByTestId('api-key-value').locator('input').inputValue()
    expect(key).toMatch(/^atd_[A-Za-z0-9_-]{40}$/)
    await dialog.getByText('Copie a chave agora').waitFor()
    await dialog.getByText(/não será mostrada de novo/).waitFor()
    const examples = await dialog.getByTestId('api-key-example-text').allTextContents()
    const apiUrl = `${getStack().url}/functions/v1/analytics-api`
    expect(examples).toEqual([
      `curl -H "x-api-key: ${key}" "${apiUrl}/tickets?limit=100"`,
      `curl -H "x-api-key: ${key}" -o tickets.csv "${apiUrl}/tickets?format=csv&limit=1000"`,
      apiUrl,
    ])
    await screenshot(page, 'admin-chaves-de-api-chave-criada')

    // Closing before copying asks first; copying puts the key on the clipboard; then it closes at once.
    await dialog.getByTestId('api-key-created-close').click()
    await page.getByText('Fechar sem copiar a chave?').waitFor()
    await page.getByRole('button', { name: 'Voltar e copiar' }).click()
    await dialog.getByTestId('api-key-copy').click()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key)
    await dialog.getByTestId('api-key-created-close').click()
    await dialog.waitFor({ state: 'detached' })

    // Stored hashed, with what the form said.
    const { data: stored, error } = await service.from('api_keys').select('*').eq('name', name).single()
    expect(error).toBeNull()
    expect(stored).toMatchObject({
      key_hash: createHash('sha256').update(key).digest('hex'),
      key_prefix: key.slice(0, 12),
      scopes: ['daily', 'tickets'],
      rate_limit_per_minute: 30,
      created_by: DEMO.admin.id,
      expires_at: null,
      revoked_at: null,
      last_used_at: null,
    })

    // From the command line, exactly as docs/powerbi.md says (every curl line: index, JSON, CSV, since).
    for (const command of docCurlCommands()) {
      const response = await runDocCurl(command, getStack().url, key)
      expect(response.status, command.line).toBe(200)
      if (command.output) expect(response.headers.get('content-type'), command.line).toBe('text/csv; charset=utf-8')
    }
    // …and as the dialog's examples say.
    const json = await runShownCurl(examples[0]!)
    expect(json.status).toBe(200)
    const page1 = await json.json() as { dataset: string, data: Array<{ ticket_id: string }> }
    expect(page1.dataset).toBe('tickets')
    const { count: tickets } = await service.from('tickets').select('id', { count: 'exact', head: true })
    expect(page1.data.length).toBe(Math.min(100, tickets ?? 0))
    const csv = await runShownCurl(examples[1]!)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="tickets.csv"')
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await csv.arrayBuffer())
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text.split('\r\n')[0]).toContain('ticket_id')

    // Two more keys (straight into the table) so the list shows every validity: one expired, one expiring.
    const day = 24 * 60 * 60 * 1000
    const expiring = new Date(Date.now() + 30 * day)
    const { error: insertError } = await service.from('api_keys').insert([
      { name: `Planilha antiga ${TAG}`, key_prefix: 'atd_Expirada', key_hash: randomUUID(), scopes: ['daily'], rate_limit_per_minute: 60, created_by: DEMO.admin.id, expires_at: new Date(Date.now() - day).toISOString(), last_used_at: new Date(Date.now() - 3 * day).toISOString() },
      { name: `Integração do ERP ${TAG}`, key_prefix: 'atd_ErpFutur', key_hash: randomUUID(), scopes: ['*'], rate_limit_per_minute: 120, created_by: DEMO.admin.id, expires_at: expiring.toISOString() },
    ])
    expect(insertError).toBeNull()

    // The list: prefix, datasets, limit, creator, last use, status.
    await page.reload()
    const row = keyRow(page, name)
    await row.waitFor()
    expect(await row.getByTestId('api-key-prefix').textContent()).toBe(`${key.slice(0, 12)}…`)
    expect(await row.getByTestId('api-key-scopes').locator('.n-tag').allTextContents()).toEqual(['Atendimentos', 'Indicadores por dia'])
    await row.getByText('30 requisições/min').waitFor()
    await row.getByText(/por Ana Administradora/).waitFor()
    expect(await row.getByTestId('api-key-last-use').textContent()).toBe('Último uso agora mesmo')
    expect(await row.getByTestId('api-key-status').textContent()).toBe('Ativa')
    const expired = keyRow(page, `Planilha antiga ${TAG}`)
    expect(await expired.getByTestId('api-key-status').textContent()).toBe('Expirada')
    await expired.getByText(/^Expirou em \d{2}\/\d{2}\/\d{4}$/).waitFor()
    expect(await expired.getByTestId('api-key-last-use').textContent()).toBe('Último uso há 3 dias')
    const erp = keyRow(page, `Integração do ERP ${TAG}`)
    expect(await erp.getByTestId('api-key-status').textContent()).toBe('Ativa')
    await erp.getByText(`Expira em ${expiring.toLocaleDateString('pt-BR', { day: '2-digit', month: '2-digit', year: 'numeric' })}`).waitFor()
    expect(await erp.getByTestId('api-key-scopes').textContent()).toBe('Todos')
    expect(await erp.getByTestId('api-key-last-use').textContent()).toBe('Nunca usada')
    await fullScreenshot(page, 'admin-chaves-de-api')

    // Revoke, after a confirmation: refused at once.
    await row.getByTestId('api-key-revoke').click()
    await page.getByText('Revogar esta chave?').waitFor()
    await screenshot(page, 'admin-chaves-de-api-revogar')
    await page.getByRole('button', { name: 'Sim, revogar' }).click()
    await page.getByText('Chave revogada.').waitFor()
    expect(await row.getByTestId('api-key-status').textContent()).toBe('Revogada')
    const { data: revoked } = await service.from('api_keys').select('revoked_at').eq('name', name).single()
    expect(revoked!.revoked_at).toBeTruthy()
    const refused = await runShownCurl(examples[0]!)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toEqual({ code: 'revoked_api_key', message: 'Esta chave de API foi revogada.' })
  })
})
