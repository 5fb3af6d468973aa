/**
 * Issue #7, Administração → Conexões in a real browser, against the WhatsApp simulator: an admin
 * creates an Evolution connection (a wrong key first: the row stays, fixed and retried), sees the QR,
 * sees it rotate, "scans" it and sees "Conectado" with the number; the list follows the state live;
 * disconnects (confirmed) and reconnects (new QR); edits the connection (secrets stay saved); creates a
 * Cloud API connection against the simulator's Graph API and copies the webhook URL and verify token; a
 * connection with history cannot be deleted (deactivate instead); one without is deleted with its
 * instance. Also: per-field validation, the guides, and agents kept out.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SIMULATOR_EVOLUTION_API_KEY } from '../../local-stack/config.ts'
import { createContact, createTicket } from '../support/fixtures.ts'
import { DEMO, ownerPool } from '../support/db.ts'
import { eventually, getStack } from '../support/stack.ts'
import { simulator } from '../support/simulator.ts'
import { formatPhone } from '../../utils/contact-display.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

interface ChannelState {
  id: string
  name: string
  color: string
  connection_state: string
  state_reason: string | null
  phone_number: string | null
  active: boolean
  allowed_phones: string[] | null
  accept_group_messages: boolean
}

const suffix = randomUUID().slice(0, 6)
const EVOLUTION_NAME = `Loja Teste ${suffix}`
const CLOUD_NAME = `Meta Teste ${suffix}`
const createdChannels = new Set<string>()
const createdTickets: string[] = []
const createdContacts: string[] = []

let browser: Browser
const opened: AppPage[] = []

beforeAll(async () => {
  expect(getStack().simulatorUrl, 'these tests need the WhatsApp simulator').not.toBe('')
  browser = await launchBrowser()
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  await browser?.close()
  // What this file created, and only that: the demo channel is never touched.
  const pool = ownerPool()
  if (createdTickets.length) await pool.query('delete from public.tickets where id = any($1)', [createdTickets])
  if (createdContacts.length) await pool.query('delete from public.contacts where id = any($1)', [createdContacts])
  for (const id of createdChannels) {
    const instance = await instanceOf(id).catch(() => null)
    if (instance) await fetch(`${simulator().evolutionUrl}/instance/delete/${instance}`, { method: 'DELETE', headers: { apikey: SIMULATOR_EVOLUTION_API_KEY } })
  }
  if (createdChannels.size) await pool.query('delete from public.channels where id = any($1)', [[...createdChannels]])
})

async function pageAs(email: string): Promise<AppPage> {
  const app = await openApp(browser)
  opened.push(app)
  await signIn(app.page, email, DEMO.password)
  return app
}

async function channelByName(name: string): Promise<ChannelState | undefined> {
  const { rows } = await ownerPool().query<ChannelState>('select * from public.channels where name = $1', [name])
  if (rows[0]) createdChannels.add(rows[0].id)
  return rows[0]
}

async function channelRow(id: string): Promise<ChannelState> {
  const { rows } = await ownerPool().query<ChannelState>('select * from public.channels where id = $1', [id])
  return rows[0]!
}

async function instanceOf(channelId: string): Promise<string | null> {
  const { rows } = await ownerPool().query<{ evolution_instance_name: string | null }>('select evolution_instance_name from public.channel_secrets where channel_id = $1', [channelId])
  return rows[0]?.evolution_instance_name ?? null
}

async function secretsOf(channelId: string): Promise<Record<string, string | null>> {
  const { rows } = await ownerPool().query<Record<string, string | null>>('select * from public.channel_secrets where channel_id = $1', [channelId])
  return rows[0] ?? {}
}

/** The input inside a form field wrapper (naive-ui renders the real <input> inside). */
function field(page: Page, id: string) {
  return page.locator(`#${id}`)
}

/** The pt-BR error shown under a field ('' when none). */
async function fieldError(page: Page, name: string): Promise<string> {
  return (await page.locator(`[data-field="${name}"]`).getAttribute('data-error')) ?? ''
}

/** Screenshots show the top of the page: the shell's <main> scrolls, not the window. */
async function atTop(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelector('main')?.scrollTo(0, 0))
}

/** The QR code on screen (its raw string, as rendered). */
async function shownQr(page: Page): Promise<string> {
  const qr = page.getByTestId('channel-qr')
  await qr.waitFor()
  return (await qr.getAttribute('data-qr')) ?? ''
}

describe('Conexões', () => {
  let evolutionId = ''
  let instance = ''
  const phone = `5511${randomInt(900_000_000, 999_999_999)}`

  it('validates each field in pt-BR before saving anything', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/conexoes/nova'))
    await page.getByTestId('channel-submit').click()
    await expect.poll(() => fieldError(page, 'name')).toBe('Informe um nome para a conexão.')
    expect(await fieldError(page, 'serverUrl')).toBe('Informe o endereço do servidor da Evolution API.')
    expect(await fieldError(page, 'apiKey')).toBe('Informe a chave de API global do servidor (AUTHENTICATION_API_KEY).')
    expect(await page.getByTestId('channel-form-error').textContent()).toContain('Confira os campos destacados.')

    // Errors follow the typing once shown.
    await field(page, 'channel-server-url').fill('evolution.suaempresa.com.br')
    await expect.poll(() => fieldError(page, 'serverUrl')).toContain('comece com http:// ou https://')
    await field(page, 'channel-name').fill(EVOLUTION_NAME)
    await expect.poll(() => fieldError(page, 'name')).toBe('')
    await page.getByTestId('channel-test-mode').click()
    await field(page, 'channel-allowed-phones').fill('5511987654321\n12345')
    await expect.poll(() => fieldError(page, 'allowedPhones')).toContain('“12345” não é um número válido')
    await screenshot(page, 'admin-conexoes-validacao')

    // The Cloud form asks for its own fields.
    await page.locator('[data-provider="cloud"]').click()
    await expect.poll(() => fieldError(page, 'phoneNumberId')).toContain('Phone number ID')
    expect(await fieldError(page, 'accessToken')).toBe('Informe o token de acesso da Meta.')
    expect(await fieldError(page, 'appSecret')).toContain('App Secret')
    expect(await channelByName(EVOLUTION_NAME)).toBeUndefined()
  })

  it('creates an Evolution connection: a refused key keeps the row to fix and retry; then the QR shows and rotates', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/conexoes'))
    await page.getByTestId('channel-create').click()
    await page.waitForURL(url => url.pathname === '/admin/conexoes/nova')
    await field(page, 'channel-name').fill(EVOLUTION_NAME)
    await page.getByRole('button', { name: '#2563eb' }).click()
    await field(page, 'channel-server-url').fill(simulator().evolutionUrl)
    await field(page, 'channel-api-key').fill('chave-errada')
    await page.getByTestId('channel-submit').click()

    const alert = page.getByTestId('channel-form-error')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('A conexão foi salva, mas a configuração da API falhou')
    expect(await alert.textContent()).toContain('A chave da API do Evolution foi recusada')
    const failed = await eventually(() => channelByName(EVOLUTION_NAME), 5000, 'the channel row')
    expect(failed).toMatchObject({ connection_state: 'error', color: '#2563eb' })
    evolutionId = failed.id
    // The form brings the reason into view (the button that failed is at the bottom of a long form).
    await expect.poll(() => alert.evaluate((node) => {
      const box = node.getBoundingClientRect()
      return box.top >= 0 && box.bottom <= window.innerHeight
    })).toBe(true)
    // The row exists now: its API can no longer be switched.
    expect(await page.locator('[data-provider="cloud"]').count()).toBe(0)
    await screenshot(page, 'admin-conexoes-erro-de-configuracao')

    // Fixed and saved again: the same row (no duplicate), set up this time.
    await field(page, 'channel-api-key').fill(SIMULATOR_EVOLUTION_API_KEY)
    await page.getByTestId('channel-submit').click()
    await page.waitForURL(url => url.pathname === `/admin/conexoes/${evolutionId}`)
    const { rows } = await ownerPool().query('select id from public.channels where name = $1', [EVOLUTION_NAME])
    expect(rows).toHaveLength(1)

    instance = (await instanceOf(evolutionId))!
    const onServer = await simulator().instance(instance)
    const first = await shownQr(page)
    expect(first).toBe(onServer.qr?.code)
    expect(await page.getByTestId('channel-title').textContent()).toContain(EVOLUTION_NAME)
    expect(await page.getByTestId('channel-state').getAttribute('data-state')).toBe('qr')
    expect(await page.getByTestId('channel-qr-countdown').textContent()).toMatch(/O código muda em \d:\d\d/)
    await atTop(page)
    await screenshot(page, 'admin-conexoes-qr')

    // Evolution rotates the QR: the screen follows through Realtime, without a reload.
    await simulator().configureInstance(instance, { qrIntervalMs: 2500 })
    await page.waitForFunction(previous => document.querySelector('[data-testid="channel-qr"]')?.getAttribute('data-qr') !== previous, first, { timeout: 20_000 })
    await simulator().configureInstance(instance, { qrIntervalMs: 45_000 })
    const rotated = await shownQr(page)
    await expect.poll(async () => (await simulator().instance(instance)).qr?.code, { timeout: 10_000 }).toBe(await shownQr(page))
    expect(rotated).not.toBe(first)

    // The pairing code, for a phone whose camera cannot read the QR.
    await field(page, 'channel-pairing-phone').fill('+55 (11) 91234-5678')
    await page.getByTestId('channel-pairing-request').click()
    const code = page.getByTestId('channel-pairing-code')
    await code.waitFor()
    const pairing = (await simulator().instance(instance)).qr?.pairingCode
    expect(pairing).toMatch(/^[A-Z0-9]{8}$/)
    expect((await code.textContent())?.replace('-', '')).toBe(pairing)

    // The phone scans it: "Conectado" with the number.
    await simulator().scan(instance, { phone, profileName: EVOLUTION_NAME })
    const connected = page.getByTestId('channel-connected')
    await connected.waitFor({ timeout: 20_000 })
    expect(await page.getByTestId('channel-connected-number').textContent()).toContain(formatPhone(phone))
    expect(await page.getByTestId('channel-number').textContent()).toBe(formatPhone(phone))
    expect(await channelRow(evolutionId)).toMatchObject({ connection_state: 'connected', phone_number: phone })
    await atTop(page)
    await screenshot(page, 'admin-conexoes-conectado')
  })

  it('the list shows every connection and follows the state live', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/conexoes'))
    const row = page.locator(`[data-testid="channel-row"][data-channel-id="${evolutionId}"]`)
    await row.waitFor()
    expect(await row.getByTestId('channel-row-number').textContent()).toBe(formatPhone(phone))
    expect(await row.getByTestId('channel-state').getAttribute('data-state')).toBe('connected')
    expect(await row.textContent()).toContain('Evolution API')
    const demo = page.locator('[data-testid="channel-row"]', { hasText: 'Atendimento Principal' })
    expect(await demo.textContent()).toContain('Padrão')
    await screenshot(page, 'admin-conexoes-lista')

    // The phone unlinks the device: the row turns "Desconectado" by itself.
    await simulator().disconnect(instance)
    await expect.poll(() => row.getByTestId('channel-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('disconnected')
    expect(await row.getByTestId('channel-state').textContent()).toContain('Desconectado')
  })

  it('reconnects with a new QR, and disconnects after confirming', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl(`/admin/conexoes/${evolutionId}`))
    await page.getByTestId('channel-disconnected').waitFor()
    await page.getByTestId('channel-reconnect').click()
    const qr = await shownQr(page)
    expect(qr).toBe((await simulator().instance(instance)).qr?.code)
    await simulator().scan(instance, { phone, profileName: EVOLUTION_NAME })
    await page.getByTestId('channel-connected').waitFor({ timeout: 20_000 })

    // Cancelling the confirmation changes nothing.
    await page.getByTestId('channel-disconnect').click()
    await page.getByRole('button', { name: 'Cancelar', exact: true }).click()
    expect((await channelRow(evolutionId)).connection_state).toBe('connected')

    await page.getByTestId('channel-disconnect').click()
    await page.getByRole('button', { name: 'Sim, desconectar', exact: true }).click()
    await page.getByTestId('channel-disconnected').waitFor()
    expect((await channelRow(evolutionId)).connection_state).toBe('disconnected')
    expect((await simulator().instance(instance)).state).toBe('close')

    // Reconnecting after the instance vanished from the server creates it again.
    await fetch(`${simulator().evolutionUrl}/instance/delete/${instance}`, { method: 'DELETE', headers: { apikey: SIMULATOR_EVOLUTION_API_KEY } })
    await page.getByTestId('channel-reconnect').click()
    const again = await shownQr(page)
    expect(again).toBe((await simulator().instance(instance)).qr?.code)
    expect(again).not.toBe(qr)

    // In the dark theme the QR stays dark on white (what phones read).
    const dark = await openApp(browser, { colorScheme: 'dark' })
    opened.push(dark)
    await signIn(dark.page, DEMO.admin.email, DEMO.password)
    await dark.page.goto(appUrl(`/admin/conexoes/${evolutionId}`))
    expect(await shownQr(dark.page)).toBe(again)
    await screenshot(dark.page, 'admin-conexoes-qr-escuro')
  })

  it('edits the connection: secrets show as saved and are kept unless retyped', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl(`/admin/conexoes/${evolutionId}`))
    const settings = page.getByTestId('channel-settings')
    await field(page, 'channel-name').waitFor()
    expect(await field(page, 'channel-server-url').inputValue()).toBe(simulator().evolutionUrl)
    expect(await field(page, 'channel-api-key').inputValue()).toBe('')
    expect(await field(page, 'channel-api-key').getAttribute('placeholder')).toBe('•••• salvo')
    const before = await secretsOf(evolutionId)

    await field(page, 'channel-name').fill(`${EVOLUTION_NAME} editada`)
    await settings.getByRole('button', { name: '#db2777' }).click()
    await page.getByTestId('channel-groups').click()
    await page.getByTestId('channel-test-mode').click()
    await field(page, 'channel-allowed-phones').fill('+55 11 98765-4321\n5521912345678, 5511987654321')
    await page.getByTestId('channel-submit').click()
    await expect.poll(async () => (await channelRow(evolutionId)).name).toBe(`${EVOLUTION_NAME} editada`)
    expect(await channelRow(evolutionId)).toMatchObject({ color: '#db2777', accept_group_messages: true, allowed_phones: ['5511987654321', '5521912345678'] })
    expect(await secretsOf(evolutionId)).toMatchObject({ evolution_api_key: before.evolution_api_key, evolution_base_url: before.evolution_base_url })
    await expect.poll(() => page.getByTestId('channel-title').textContent()).toContain('editada')

    // Test mode off again: everyone is served.
    await page.getByTestId('channel-test-mode').click()
    await page.getByTestId('channel-submit').click()
    await expect.poll(async () => (await channelRow(evolutionId)).allowed_phones).toBeNull()
  })

  it('opens the provider guides in a new tab, and they link to each other', async () => {
    const { page, context } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/conexoes/nova'))
    const [guide] = await Promise.all([context.waitForEvent('page'), page.getByTestId('channel-guide-link').click()])
    await guide.waitForURL(url => url.pathname === '/ajuda/whatsapp-evolution')
    await guide.getByTestId('help-guide').waitFor()
    expect(await guide.locator('h1').first().textContent()).toBe('Conectando um número pela Evolution API')
    await screenshot(guide, 'ajuda-evolution')
    await guide.getByTestId('help-guide').getByRole('link', { name: 'API oficial da Meta (Cloud API)' }).first().click()
    await guide.waitForURL(url => url.pathname === '/ajuda/whatsapp-cloud-api')
    await expect.poll(() => guide.locator('h1').first().textContent()).toBe('Conectando um número pela Cloud API da Meta')
  })

  it('creates a Cloud API connection and shows the webhook URL and verify token to copy', async () => {
    const accessToken = `EAAG${randomUUID().replaceAll('-', '')}`
    const appSecret = randomUUID().replaceAll('-', '')
    const phoneNumberId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
    const wabaId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
    const display = `5511${randomInt(900_000_000, 999_999_999)}`
    await simulator().registerNumber({ phoneNumberId, displayPhoneNumber: display, wabaId, accessToken, appSecret, verifiedName: CLOUD_NAME, verifyToken: 'ainda-nao', webhookUrl: `${getStack().url}/functions/v1/whatsapp-webhook/cloud`, skipVerification: true })

    const { page, context } = await pageAs(DEMO.admin.email)
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(appUrl('/')).origin })
    await page.goto(appUrl('/admin/conexoes/nova'))
    await page.locator('[data-provider="cloud"]').click()
    await field(page, 'channel-name').fill(CLOUD_NAME)
    await field(page, 'channel-access-token').fill(accessToken)
    await field(page, 'channel-phone-number-id').fill(phoneNumberId)
    await field(page, 'channel-waba-id').fill(wabaId)
    await field(page, 'channel-app-secret').fill(appSecret)
    expect(await page.getByTestId('channel-guide-link').getAttribute('href')).toBe('/ajuda/whatsapp-cloud-api')
    await page.getByTestId('channel-advanced').getByText('Avançado').click()
    await field(page, 'channel-graph-base-url').fill(simulator().graphUrl)
    await page.locator('fieldset', { hasText: 'Credenciais' }).evaluate(section => section.scrollIntoView({ block: 'start' }))
    await screenshot(page, 'admin-conexoes-cloud-formulario')
    await page.getByTestId('channel-submit').click()

    const created = await eventually(() => channelByName(CLOUD_NAME), 10_000, 'the Cloud channel row')
    await page.waitForURL(url => url.pathname === `/admin/conexoes/${created.id}`)
    const webhookUrl = page.getByTestId('channel-webhook-url').locator('input')
    await webhookUrl.waitFor()
    expect(await webhookUrl.inputValue()).toBe(`${getStack().url}/functions/v1/whatsapp-webhook/cloud`)
    const secrets = await secretsOf(created.id)
    const verifyToken = page.getByTestId('channel-verify-token').locator('input')
    expect(await verifyToken.inputValue()).toBe(secrets.cloud_verify_token)
    expect(await channelRow(created.id)).toMatchObject({ connection_state: 'connected', phone_number: display })
    await page.getByTestId('channel-connected').waitFor()

    // The secrets never come back to the browser: the edit form shows them as saved.
    expect(await field(page, 'channel-access-token').getAttribute('placeholder')).toBe('•••• salvo')
    expect(await field(page, 'channel-phone-number-id').inputValue()).toBe(phoneNumberId)
    await atTop(page)
    await screenshot(page, 'admin-conexoes-cloud')

    await page.getByTestId('channel-verify-token-copy').click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(secrets.cloud_verify_token)
    await page.getByTestId('channel-webhook-url-copy').click()
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${getStack().url}/functions/v1/whatsapp-webhook/cloud`)

    // The pasted values verify with Meta (the simulator's handshake).
    const { verification } = await simulator().registerNumber({ phoneNumberId, displayPhoneNumber: display, wabaId, accessToken, appSecret, verifiedName: CLOUD_NAME, verifyToken: secrets.cloud_verify_token!, webhookUrl: await webhookUrl.inputValue() })
    expect(verification).toMatchObject({ ok: true })
  })

  it('a connection with history cannot be deleted: the reason is shown and deactivating is offered', async () => {
    const cloud = (await channelByName(CLOUD_NAME))!
    const contact = await createContact({ whatsapp_name: `Cliente ${suffix}` })
    createdContacts.push(contact.id)
    const ticket = await createTicket({ status: 'closed', channelId: cloud.id, contactId: contact.id, assigneeId: DEMO.carla.id })
    createdTickets.push(ticket.id)

    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl(`/admin/conexoes/${cloud.id}`))
    await page.getByTestId('channel-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    const refused = page.getByTestId('channel-delete-refused')
    await refused.waitFor()
    expect(await refused.textContent()).toContain(`A conexão "${CLOUD_NAME}" já tem conversas registradas e não pode ser excluída.`)
    expect(await channelRow(cloud.id)).toMatchObject({ active: true })

    await page.getByTestId('channel-deactivate-offer').click()
    await expect.poll(async () => (await channelRow(cloud.id)).active).toBe(false)
    await page.getByTestId('channel-header').getByTestId('channel-badge-inactive').waitFor()
    await page.getByTestId('channel-activate').click()
    await expect.poll(async () => (await channelRow(cloud.id)).active).toBe(true)
  })

  it('deletes a connection without history, with its instance on the server', async () => {
    const { page } = await pageAs(DEMO.admin.email)
    await page.goto(appUrl(`/admin/conexoes/${evolutionId}`))
    await page.getByTestId('channel-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    await page.waitForURL(url => url.pathname === '/admin/conexoes')
    await expect.poll(() => ownerPool().query('select 1 from public.channels where id = $1', [evolutionId]).then(result => result.rowCount)).toBe(0)
    expect(await simulator().findInstance(instance)).toBeNull()
    expect(await page.locator(`[data-channel-id="${evolutionId}"]`).count()).toBe(0)
    createdChannels.delete(evolutionId)
  })

  it('agents cannot open Conexões, but can read the guides', async () => {
    const { page } = await pageAs(DEMO.carla.email)
    await page.goto(appUrl('/admin/conexoes'))
    await page.waitForURL(url => url.pathname === '/atendimento')
    await page.goto(appUrl('/ajuda/whatsapp-cloud-api'))
    await page.getByTestId('help-guide').waitFor()
    expect(await page.locator('h1').first().textContent()).toBe('Conectando um número pela Cloud API da Meta')
  })
})
