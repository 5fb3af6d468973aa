/**
 * Issue #6, item 5 in a real browser: Carla transfers #1002 to Financeiro with a note (it leaves her
 * list, Diego sees it in his queue), Diego accepts and closes it with a classification and a comment
 * after a confirmation (farewell and rating prompt queued), the details panel tells the story in
 * pt-BR, and a contact is edited from the conversation (name, extra field, block after confirming).
 */
import { randomInt } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const TICKET_1002 = '00000000-0000-4000-f000-000000000002'
const BILLING_CLASSIFICATION = '00000000-0000-4000-c000-000000000004'
const NOTE = 'Cliente pediu a segunda via do boleto; conexão já normalizada.'
const COMMENT = 'Segunda via enviada por e-mail; cliente confirmou o recebimento.'

const service = serviceClient()
let browser: Browser
const opened: AppPage[] = []

beforeAll(async () => {
  // #1002 open with Carla, with no transfer in its history yet, whatever earlier files did to it.
  await restoreDemoTickets()
  browser = await launchBrowser()
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  await browser?.close()
  // #1002 was transferred and closed here: the files after this one find it as seeded.
  await restoreDemoTickets()
})

async function pageAs(email: string): Promise<Page> {
  const app = await openApp(browser)
  opened.push(app)
  await signIn(app.page, email, DEMO.password)
  return app.page
}

/** Picks an option of a naive-ui select by its visible text. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click()
  await page.locator('.n-base-select-option', { hasText: option }).first().click()
}

function cardOf(page: Page, list: 'mine' | 'queue', number: number) {
  return page.getByTestId(`ticket-list-${list}`).locator(`[data-ticket-number="${number}"]`)
}

describe('transfer, close and the details panel', () => {
  it('Carla transfers #1002 to Financeiro with a note; it leaves her list and reaches Diego\'s queue', async () => {
    const carla = await pageAs(DEMO.carla.email)
    await carla.goto(appUrl(`/atendimento/${TICKET_1002}`))
    await cardOf(carla, 'mine', 1002).waitFor()

    await carla.getByTestId('action-transfer').click()
    const dialog = carla.getByTestId('transfer-dialog')
    await dialog.waitFor()
    await choose(carla, 'transfer-team', 'Financeiro')
    await dialog.getByTestId('transfer-note').locator('textarea').fill(NOTE)
    await screenshot(carla, 'atendimento-transferir')
    await dialog.getByTestId('transfer-submit').click()
    await carla.getByText('Atendimento transferido para Financeiro.').waitFor()

    // Off Carla's list at once (the RPC result goes straight into the store), and she is back at the inbox.
    await cardOf(carla, 'mine', 1002).waitFor({ state: 'detached' })
    await carla.waitForURL(url => url.pathname === '/atendimento')
    const { data: ticket } = await service.from('tickets').select('status, team_id, assignee_id').eq('id', TICKET_1002).single()
    expect(ticket).toEqual({ status: 'queued', team_id: DEMO.teams.finance, assignee_id: null })
    const { data: event } = await service.from('ticket_events').select('actor_id, note, from_team_id, to_team_id')
      .eq('ticket_id', TICKET_1002).eq('type', 'transferred').single()
    expect(event).toEqual({ actor_id: DEMO.carla.id, note: NOTE, from_team_id: DEMO.teams.support, to_team_id: DEMO.teams.finance })

    const diego = await pageAs(DEMO.diego.email)
    await diego.getByTestId('inbox-tab-queue').click()
    await cardOf(diego, 'queue', 1002).waitFor()
  })

  it('Diego accepts #1002 and closes it with a classification and a comment, after confirming', async () => {
    const diego = await pageAs(DEMO.diego.email)
    await diego.getByTestId('inbox-tab-queue').click()
    await cardOf(diego, 'queue', 1002).getByTestId('queue-accept').click()
    await diego.waitForURL(url => url.pathname === `/atendimento/${TICKET_1002}`)
    await diego.getByTestId('inbox-tab-mine').click()
    await cardOf(diego, 'mine', 1002).waitFor()

    await diego.getByTestId('action-close').click()
    const dialog = diego.getByTestId('close-dialog')
    await dialog.waitFor()
    await choose(diego, 'close-classification', 'Financeiro / cobrança')
    await dialog.getByTestId('close-comment').locator('textarea').fill(COMMENT)
    await screenshot(diego, 'atendimento-encerrar')
    await dialog.getByTestId('close-submit').click()

    // A confirmation first: the customer will get the farewell and the rating prompt.
    const confirmation = diego.locator('.n-dialog', { hasText: 'Encerrar o atendimento?' })
    await confirmation.waitFor()
    expect(await confirmation.textContent()).toContain('#1002')
    await screenshot(diego, 'atendimento-encerrar-confirmacao')
    await confirmation.getByRole('button', { name: 'Sim, encerrar' }).click()
    await diego.getByText('Atendimento #1002 encerrado.').waitFor()
    await cardOf(diego, 'mine', 1002).waitFor({ state: 'detached' })

    const { data: ticket } = await service.from('tickets')
      .select('status, classification_id, closing_comment, closed_by, rating_status, closed_at').eq('id', TICKET_1002).single()
    expect(ticket).toMatchObject({
      status: 'closed', classification_id: BILLING_CLASSIFICATION, closing_comment: COMMENT, closed_by: DEMO.diego.id, rating_status: 'requested',
    })
    // The farewell and the rating prompt were queued as bot messages by close_ticket.
    const { data: queued } = await service.from('messages').select('body, sender_type, direction, status')
      .eq('ticket_id', TICKET_1002).eq('sender_type', 'bot').gte('created_at', ticket!.closed_at).order('created_at')
    expect(queued!.length).toBeGreaterThanOrEqual(1)
    expect(queued!.every(message => message.direction === 'outbound')).toBe(true)
    expect(queued!.at(-1)!.body).toMatch(/nota|avali/i)

    // The details panel tells the story, newest first.
    if (!(await diego.getByTestId('ticket-details').isVisible())) await diego.getByTestId('details-toggle').click()
    const details = diego.getByTestId('ticket-details')
    await details.getByTestId('details-status').getByText('Encerrado').waitFor()
    await details.getByText('Diego Financeiro encerrou o atendimento como “Financeiro / cobrança”').waitFor()
    await screenshot(diego, 'atendimento-detalhes')
    const history = await details.getByTestId('ticket-history-item').allInnerTexts()
    const lines = history.map(line => line.replace(/\s+/g, ' ').trim())
    expect(lines.some(line => line.includes(`Carla Técnica transferiu para Financeiro: ${NOTE}`))).toBe(true)
    expect(lines.some(line => line.includes('Diego Financeiro aceitou o atendimento'))).toBe(true)
    expect(lines.some(line => line.includes('Pedido de avaliação enviado ao cliente'))).toBe(true)
    expect(await details.getByTestId('details-classification').textContent()).toContain('Financeiro / cobrança')
    expect(await details.getByTestId('details-comment').textContent()).toContain(COMMENT)
  })
})

describe('editing the contact from the conversation', () => {
  it('renames, adds an extra field and blocks the contact after confirming', async () => {
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    await simulator().customerSends('atende-principal', phone, { kind: 'text', text: 'Oi, preciso de ajuda', name: 'Paulo' })
    const ticket = await eventually(async () => {
      const { data } = await service.from('tickets').select('id, contact_id, contacts!inner(phone)').eq('contacts.phone', phone).maybeSingle()
      return data ?? undefined
    }, 15_000, 'the new conversation')
    // The chatbot routes conversations; here the ticket is put in Suporte Técnico's queue directly.
    await service.from('tickets').update({ status: 'queued', team_id: DEMO.teams.support, queued_at: new Date().toISOString() }).eq('id', ticket.id)

    const carla = await pageAs(DEMO.carla.email)
    await carla.goto(appUrl(`/atendimento/${ticket.id}`))
    await carla.getByTestId('action-edit-contact').click()
    const dialog = carla.getByTestId('contact-edit-dialog')
    await dialog.waitFor()
    await dialog.getByTestId('contact-name').locator('input').fill('Paulo Henrique Teste')
    await dialog.getByRole('button', { name: 'Adicionar campo' }).click()
    await dialog.getByPlaceholder('Campo (ex.: plano)').fill('plano')
    await dialog.getByPlaceholder('Valor').fill('Fibra 200 Mega')
    // A wrong CPF is caught before saving.
    await dialog.getByTestId('contact-cpf').locator('input').fill('123.456.789-00')
    await dialog.getByTestId('contact-save').click()
    await dialog.getByText('CPF inválido: confira os números.').waitFor()
    await dialog.getByTestId('contact-cpf').locator('input').fill('12345678909')
    expect(await dialog.getByTestId('contact-cpf').locator('input').inputValue()).toBe('123.456.789-09')

    await dialog.getByTestId('contact-blocked').click()
    const confirmation = carla.locator('.n-dialog', { hasText: 'Bloquear este contato?' })
    await confirmation.waitFor()
    await screenshot(carla, 'atendimento-editar-contato-bloqueio')
    await confirmation.getByRole('button', { name: 'Bloquear' }).click()
    await confirmation.waitFor({ state: 'detached' })
    expect(await dialog.getByTestId('contact-blocked').getAttribute('aria-checked')).toBe('true')
    await screenshot(carla, 'atendimento-editar-contato')
    await dialog.getByTestId('contact-save').click()
    await carla.getByText('Contato atualizado.').waitFor()

    const { data: contact } = await service.from('contacts').select('display_name, extra_fields, cpf, blocked').eq('id', ticket.contact_id).single()
    expect(contact).toEqual({ display_name: 'Paulo Henrique Teste', extra_fields: { plano: 'Fibra 200 Mega' }, cpf: '12345678909', blocked: true })
  })
})
