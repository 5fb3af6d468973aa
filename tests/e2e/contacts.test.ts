/**
 * Issue #6, Contatos in a real browser: everyone who ever wrote, searched by a piece of the name or of
 * the phone number; a contact's history opening a past ticket; "Reabrir conversa" opening a new ticket
 * with the caller; and the Contatos tab of the inbox.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

const JOAO = '00000000-0000-4000-e000-000000000002'
const TICKET_1001 = '00000000-0000-4000-f000-000000000001'

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
})

async function pageAs(email: string, options?: Parameters<typeof openApp>[1]): Promise<Page> {
  const app = await openApp(browser, options)
  opened.push(app)
  await signIn(app.page, email, DEMO.password)
  return app.page
}

async function listedNames(page: Page): Promise<string[]> {
  const names = page.getByTestId('contact-item').locator('.contact-name')
  return (await names.allTextContents()).map(name => name.trim())
}

async function search(page: Page, query: string, expected: string): Promise<string[]> {
  await page.getByTestId('contact-search').locator('input').fill(query)
  // Wait for the debounced search to replace the list.
  await page.waitForFunction(({ name }) => {
    const names = [...document.querySelectorAll('[data-testid="contact-item"] .contact-name')].map(node => node.textContent?.trim())
    return names.length > 0 && names.includes(name)
  }, { name: expected })
  await page.waitForTimeout(400)
  return listedNames(page)
}

describe('Contatos', () => {
  it('lists everyone who wrote and finds contacts by part of the name or of the phone', async () => {
    const page = await pageAs(DEMO.carla.email)
    await page.getByRole('link', { name: 'Contatos' }).click()
    await page.waitForURL(url => url.pathname === '/contatos')
    await page.getByTestId('contact-item').first().waitFor()
    const everyone = await listedNames(page)
    expect(everyone).toEqual(expect.arrayContaining(['Maria Aparecida Souza', 'João Pedro Oliveira', 'Fernanda Lima 🌻', 'Roberto Almeida']))
    // Whoever wrote last comes first; a contact who never wrote comes after everyone who did.
    expect(everyone.indexOf('Maria Aparecida Souza')).toBeLessThan(everyone.indexOf('João Pedro Oliveira'))
    expect(everyone.indexOf('João Pedro Oliveira')).toBeLessThan(everyone.indexOf('Roberto Almeida'))
    await screenshot(page, 'contatos')

    // Accents and case ignored, a piece of a word is enough.
    expect(await search(page, 'aparec', 'Maria Aparecida Souza')).toEqual(['Maria Aparecida Souza'])
    expect(await search(page, 'joao ped', 'João Pedro Oliveira')).toEqual(['João Pedro Oliveira'])
    // Part of the phone number, typed the way people write it.
    expect(await search(page, '99123-4567', 'Fernanda Lima 🌻')).toEqual(['Fernanda Lima 🌻'])
    await screenshot(page, 'contatos-busca')

    await page.getByTestId('contact-search').locator('input').fill('zzzz-ninguem')
    await page.getByTestId('contact-empty').waitFor()
    expect(await page.getByTestId('contact-empty').textContent()).toContain('Nenhum contato encontrado')
  })

  it('shows a contact\'s data and history, and opens a past ticket from it', async () => {
    const page = await pageAs(DEMO.diego.email)
    await page.goto(appUrl('/contatos'))
    await search(page, 'joão', 'João Pedro Oliveira')
    await page.getByTestId('contact-item').first().click()
    await page.waitForURL(url => url.searchParams.get('contato') === JOAO)

    const profile = page.getByTestId('contact-profile')
    await profile.getByTestId('profile-name').getByText('João Pedro Oliveira').waitFor()
    expect(await profile.getByTestId('profile-phone').textContent()).toContain('+55 21 99876-5432')
    expect(await profile.getByTestId('profile-extra-plano').textContent()).toContain('Fibra 500 Mega')
    const past = profile.getByTestId('contact-history-item').filter({ hasText: '#1001' })
    await past.waitFor()
    expect(await past.textContent()).toContain('Encerrado')
    expect(await past.textContent()).toContain('Nota 9')
    await screenshot(page, 'contatos-historico')

    await past.click()
    await page.waitForURL(url => url.pathname === `/atendimento/${TICKET_1001}`)
  })

  it('"Reabrir conversa" opens a new ticket with the caller', async () => {
    const page = await pageAs(DEMO.carla.email)
    await page.goto(appUrl(`/contatos?contato=${JOAO}`))
    // João's only ticket (#1001) was Financeiro's: Carla does not see it, but she may talk to him.
    const profile = page.getByTestId('contact-profile')
    await profile.getByTestId('contact-history').getByText('Nenhum atendimento com este contato.').waitFor()
    await profile.getByTestId('profile-reopen').click()

    const dialog = page.getByTestId('reopen-dialog')
    await dialog.waitFor()
    // Carla has one team, and the company's default number is the one to use: both are filled in.
    await dialog.getByTestId('reopen-team').getByText('Suporte Técnico').waitFor()
    await dialog.getByTestId('reopen-channel').getByText('Atendimento Principal').waitFor()
    await screenshot(page, 'contatos-reabrir')
    await dialog.getByTestId('reopen-submit').click()

    await page.waitForURL(url => /^\/atendimento\/[0-9a-f-]{36}$/.test(url.pathname) && url.pathname !== `/atendimento/${TICKET_1001}`)
    const ticketId = new URL(page.url()).pathname.split('/').at(-1)!
    const { data: ticket } = await service.from('tickets').select('contact_id, status, assignee_id, team_id, number').eq('id', ticketId).single()
    expect(ticket).toMatchObject({ contact_id: JOAO, status: 'open', assignee_id: DEMO.carla.id, team_id: DEMO.teams.support })
    const { data: events } = await service.from('ticket_events').select('type, data').eq('ticket_id', ticketId).order('id')
    expect(events!.map(event => event.type)).toEqual(['created', 'reopened'])
    expect(events![1]!.data).toEqual({ previous_ticket_id: TICKET_1001 })
    // The new ticket is in Carla's list right away.
    await page.getByTestId('ticket-list-mine').locator(`[data-ticket-number="${ticket!.number}"]`).waitFor()

    // Asking again says there is a ticket going on, and offers to open it.
    await page.goto(appUrl(`/contatos?contato=${JOAO}`))
    await page.getByTestId('contact-profile').getByTestId('profile-reopen').click()
    await page.getByTestId('reopen-dialog').waitFor()
    await page.getByTestId('reopen-team').getByText('Suporte Técnico').waitFor()
    await page.getByTestId('reopen-submit').click()
    await page.getByTestId('reopen-error').getByText(`#${ticket!.number}`).first().waitFor()
    await page.getByTestId('reopen-open-active').click()
    await page.waitForURL(url => url.pathname === `/atendimento/${ticketId}`)
  })

  it('the inbox has a Contatos tab with the same search, opening the contact beside the inbox', async () => {
    const page = await pageAs(DEMO.carla.email, { colorScheme: 'dark' })
    await page.goto(appUrl('/atendimento'))
    await page.getByTestId('inbox-tab-contacts').click()
    await page.getByTestId('contact-list').waitFor()
    await search(page, 'roberto', 'Roberto Almeida')
    await page.getByTestId('contact-item').first().click()
    const drawer = page.locator('.n-drawer').getByTestId('contact-profile')
    await drawer.getByTestId('profile-name').getByText('Roberto Almeida').waitFor()
    await drawer.getByTestId('contact-history').getByText('Nenhum atendimento com este contato.').waitFor()
    await screenshot(page, 'contatos-aba-inbox')
  })
})
