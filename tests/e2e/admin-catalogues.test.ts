/**
 * Issue #7, Classificações and Respostas rápidas in a real browser, as the demo admin: create, edit,
 * reorder (buttons and dragging), deactivate and delete a classification, checked in the database; a
 * classification a closed ticket uses cannot be deleted and the page offers to deactivate it; a
 * team-scoped quick reply with {nome} that an agent of that team finds with "/" in the composer and an
 * agent of another team does not; duplicate shortcuts and deletes that ask first. Everything created
 * here is removed, and the demo classifications get their positions back.
 */
import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { closeOwnerPool, DEMO } from '../support/db.ts'
import { createContact, createTicket } from '../support/fixtures.ts'
import { serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'

const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const RUN = randomUUID().slice(0, 6)
/** Every classification made here has this in its name, every quick reply in its shortcut. */
const TAG = `e2e-${RUN}`

const service = serviceClient()
let browser: Browser
const opened: AppPage[] = []
const createdTickets: string[] = []
const createdContacts: string[] = []
let demoPositions: Array<{ id: string, position: number }> = []

beforeAll(async () => {
  browser = await launchBrowser()
  const { data, error } = await service.from('classifications').select('id, position')
  expect(error).toBeNull()
  demoPositions = data as Array<{ id: string, position: number }>
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  await browser?.close()
  // Tickets first: a classification they use cannot be deleted.
  const results = [
    await service.from('tickets').delete().in('id', createdTickets),
    await service.from('contacts').delete().in('id', createdContacts),
    await service.from('classifications').delete().like('name', `%${TAG}%`),
    await service.from('quick_replies').delete().like('shortcut', `${TAG}%`),
    ...await Promise.all(demoPositions.map(row => service.from('classifications').update({ position: row.position }).eq('id', row.id))),
  ]
  await closeOwnerPool()
  expect(results.map(result => result.error)).toEqual(results.map(() => null))
  const { data: positions } = await service.from('classifications').select('id, position')
  expect(positions).toEqual(expect.arrayContaining(demoPositions))
  expect(positions).toHaveLength(demoPositions.length)
})

async function pageAs(email: string): Promise<Page> {
  const app = await openApp(browser)
  opened.push(app)
  await signIn(app.page, email, DEMO.password)
  return app.page
}

interface ClassificationRow { id: string, name: string, description: string | null, active: boolean, position: number }

async function classificationsInDb(): Promise<ClassificationRow[]> {
  const { data, error } = await service.from('classifications').select('id, name, description, active, position').order('position').order('name')
  expect(error).toBeNull()
  return data as ClassificationRow[]
}

async function classificationNamed(name: string): Promise<ClassificationRow | undefined> {
  return (await classificationsInDb()).find(row => row.name === name)
}

const rowNames = (page: Page) => page.getByTestId('classification-name').allTextContents()
const classificationRow = (page: Page, name: string) => page.getByTestId('classification-row').filter({ has: page.getByText(name, { exact: true }) })

async function fillClassification(page: Page, name: string, description?: string): Promise<void> {
  const dialog = page.getByTestId('classification-dialog')
  await dialog.getByTestId('classification-name-input').locator('input').fill(name)
  if (description !== undefined) await dialog.getByTestId('classification-description-input').locator('textarea').fill(description)
}

/** The app scrolls inside its shell, so a full-page picture needs a window tall enough for the page. */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const height = await page.evaluate(() => Math.max(...[...document.querySelectorAll('*')].map(node => node.scrollHeight)))
  await page.setViewportSize({ width: 1280, height: Math.min(Math.max(height, 800), 1600) })
  await page.waitForTimeout(200)
  await screenshot(page, name)
  await page.setViewportSize({ width: 1280, height: 800 })
}

async function saveDialog(page: Page, testId: string): Promise<void> {
  await page.getByTestId(`${testId}-save`).click()
  await page.getByTestId(`${testId}-dialog`).waitFor({ state: 'detached' })
}

describe('Classificações', () => {
  it('creates, edits, reorders, deactivates and deletes a classification', async () => {
    const page = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin'))
    await page.locator('[data-admin-page="classificacoes"]').first().click()
    await page.waitForURL(url => url.pathname === '/admin/classificacoes')
    await page.getByTestId('classification-row').first().waitFor()
    // The demo rows, in the database's order.
    expect(await rowNames(page)).toEqual((await classificationsInDb()).map(row => row.name))

    // The form checks before sending: a name is required, and must not repeat another one.
    await page.getByTestId('classification-create').click()
    await page.getByTestId('classification-save').click()
    await page.getByText('Informe o nome.').waitFor()
    await fillClassification(page, 'duvida RESOLVIDA')
    await page.getByText('Já existe uma classificação com este nome.').waitFor()

    const name = `Retorno agendado ${TAG}`
    await fillClassification(page, name, 'O cliente pediu para retornar depois.')
    await screenshot(page, 'admin-classificacoes-formulario')
    await saveDialog(page, 'classification')
    await page.getByText('Classificação criada.').waitFor()
    const created = await classificationNamed(name)
    expect(created).toMatchObject({ description: 'O cliente pediu para retornar depois.', active: true })
    // New ones go last.
    expect(created!.position).toBe(Math.max(...demoPositions.map(row => row.position)) + 1)
    expect((await rowNames(page)).at(-1)).toBe(name)

    // Another admin takes a name meanwhile: the server's refusal is shown in pt-BR and the form stays open.
    const taken = `Taken ${TAG}`
    expect((await service.from('classifications').insert({ name: taken, position: 99 })).error).toBeNull()
    await page.getByTestId('classification-create').click()
    await fillClassification(page, taken)
    await page.getByTestId('classification-save').click()
    expect(await page.getByTestId('classification-form-error').textContent()).toContain('Já existe uma classificação com este nome.')
    // Leaving with typed text asks first.
    await page.keyboard.press('Escape')
    await page.getByRole('button', { name: 'Descartar', exact: true }).click()
    await page.getByTestId('classification-dialog').waitFor({ state: 'detached' })
    await service.from('classifications').delete().eq('name', taken)

    // Edit.
    const renamed = `Retorno combinado ${TAG}`
    await classificationRow(page, name).getByTestId('classification-edit').click()
    expect(await page.getByTestId('classification-name-input').locator('input').inputValue()).toBe(name)
    await fillClassification(page, renamed, 'Cliente e técnico combinaram um novo contato.')
    await saveDialog(page, 'classification')
    await page.getByText('Classificação salva.').waitFor()
    expect(await classificationNamed(renamed)).toMatchObject({ id: created!.id, description: 'Cliente e técnico combinaram um novo contato.' })
    expect(await classificationNamed(name)).toBeUndefined()

    // Up one place with the button: the rows and the stored positions follow.
    const before = await rowNames(page)
    await classificationRow(page, renamed).getByTestId('classification-up').click()
    const expectedUp = [...before.slice(0, -2), renamed, before.at(-2)!]
    await expect.poll(() => rowNames(page)).toEqual(expectedUp)
    await expect.poll(async () => (await classificationsInDb()).map(row => row.name)).toEqual(expectedUp)
    const positions = (await classificationsInDb()).map(row => row.position)
    expect(positions).toEqual(positions.map((_, index) => index + 1))

    // Back down by dragging its handle onto the last row.
    await classificationRow(page, renamed).getByTestId('classification-grip').dragTo(classificationRow(page, before.at(-2)!))
    await expect.poll(() => rowNames(page)).toEqual(before)
    await expect.poll(async () => (await classificationsInDb()).map(row => row.name)).toEqual(before)

    // Deactivate: it stays in the list, marked, and no longer offered at closing.
    await classificationRow(page, renamed).getByTestId('classification-active').click()
    await page.getByText('Classificação desativada: não aparece mais no encerramento.').waitFor()
    await classificationRow(page, renamed).and(page.locator('[data-active="false"]')).waitFor()
    await expect.poll(async () => (await classificationNamed(renamed))?.active).toBe(false)
    // As read again from the server (no toasts), tall enough for the whole table.
    await page.reload()
    await classificationRow(page, renamed).and(page.locator('[data-active="false"]')).waitFor()
    await fullScreenshot(page, 'admin-classificacoes')

    // Delete asks first; "Manter" keeps it.
    await classificationRow(page, renamed).getByTestId('classification-delete').click()
    await page.getByText(`"${renamed}" será excluída definitivamente.`, { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Manter', exact: true }).click()
    expect(await classificationNamed(renamed)).toBeDefined()
    await classificationRow(page, renamed).getByTestId('classification-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    await page.getByText('Classificação excluída.').waitFor()
    await classificationRow(page, renamed).waitFor({ state: 'detached' })
    expect(await classificationNamed(renamed)).toBeUndefined()
    expect(await rowNames(page)).toEqual(before.slice(0, -1))
  })

  it('refuses to delete a classification a ticket uses and offers to deactivate it', async () => {
    const name = `Em uso ${TAG}`
    const { data, error } = await service.from('classifications').insert({ name, position: 50 }).select('id').single()
    expect(error).toBeNull()
    const classificationId = (data as { id: string }).id
    const ticket = await createTicket({ status: 'closed', channelId: DEMO_CHANNEL_ID, assigneeId: DEMO.carla.id, values: { classification_id: classificationId, closed_reason: 'agent' } })
    createdTickets.push(ticket.id)
    createdContacts.push(ticket.contact_id)

    const page = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/classificacoes'))
    const row = classificationRow(page, name)
    await row.waitFor()
    expect((await row.getByTestId('classification-usage').textContent())?.trim()).toBe('1')

    await row.getByTestId('classification-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    // The database's own sentence, in pt-BR, and the way out.
    await page.getByText(`A classificação "${name}" está em 1 atendimento(s) e não pode ser excluída.`, { exact: false }).waitFor()
    await screenshot(page, 'admin-classificacoes-em-uso')
    await page.getByRole('button', { name: 'Desativar', exact: true }).click()
    await row.and(page.locator('[data-active="false"]')).waitFor()
    await expect.poll(async () => (await classificationNamed(name))?.active).toBe(false)
    expect((await classificationNamed(name))?.id).toBe(classificationId)
    const { data: kept } = await service.from('tickets').select('classification_id').eq('id', ticket.id).single()
    expect((kept as { classification_id: string }).classification_id).toBe(classificationId)
  })
})

const replyRows = (page: Page) => page.getByTestId('quick-reply-row')
const replyRow = (page: Page, shortcut: string) => page.locator(`[data-testid="quick-reply-row"][data-shortcut="${shortcut}"]`)
const shownShortcuts = (page: Page) => replyRows(page).evaluateAll(rows => rows.map(row => (row as HTMLElement).dataset.shortcut))

async function chooseScope(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click()
  await page.locator('.n-base-select-option').filter({ visible: true, has: page.getByText(label, { exact: true }) }).click()
  await expect.poll(() => page.locator('.n-base-select-menu').filter({ visible: true }).count()).toBe(0)
}

async function fillReply(page: Page, values: { shortcut?: string, title?: string, body?: string }): Promise<void> {
  const dialog = page.getByTestId('quick-reply-dialog')
  if (values.shortcut !== undefined) await dialog.getByTestId('quick-reply-shortcut-input').locator('input').fill(values.shortcut)
  if (values.title !== undefined) await dialog.getByTestId('quick-reply-title-input').locator('input').fill(values.title)
  if (values.body !== undefined) await dialog.getByTestId('quick-reply-body-input').locator('textarea').fill(values.body)
}

/** Opens a ticket as its agent and types "/" and a query in the composer; returns the shortcuts offered. */
async function composerShortcuts(page: Page, ticketId: string, query: string): Promise<string[]> {
  await page.goto(appUrl(`/atendimento/${ticketId}`))
  const input = page.getByTestId('composer-input')
  await input.waitFor()
  await input.pressSequentially(`/${query}`)
  const list = page.getByTestId('composer-quick-replies')
  await list.waitFor()
  // The list filters as the query arrives; give it the time of one render.
  await page.waitForTimeout(300)
  return list.locator('[role="option"]').evaluateAll(items => items.map(item => (item as HTMLElement).dataset.shortcut ?? ''))
}

describe('Respostas rápidas', () => {
  it('searches and filters the list, creates a team reply with {nome} that only that team\'s agents get', async () => {
    const page = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/respostas-rapidas'))
    await replyRows(page).first().waitFor()
    const { data: all } = await service.from('quick_replies').select('shortcut, team_id')
    expect(await replyRows(page).count()).toBe(all!.length)

    // Search by shortcut, title or text (accents ignored), and filter by scope.
    await page.getByTestId('quick-reply-search').locator('input').fill('segunda via')
    await expect.poll(() => shownShortcuts(page)).toEqual(['boleto'])
    await page.getByTestId('quick-reply-search').locator('input').fill('')
    await chooseScope(page, 'quick-reply-scope-filter', 'Suporte Técnico')
    const support = all!.filter(row => row.team_id === DEMO.teams.support).map(row => row.shortcut as string).sort()
    await expect.poll(async () => (await shownShortcuts(page)).sort()).toEqual(support)
    await chooseScope(page, 'quick-reply-scope-filter', 'Todos os escopos')

    // The form: the shortcut rule, the {nome} preview, the scope.
    const shortcut = `${TAG}-suporte`
    await page.getByTestId('quick-reply-create').click()
    await fillReply(page, { shortcut: 'olá!' })
    // Accents are dropped as people type; what remains outside the rule is refused with the rule.
    expect(await page.getByTestId('quick-reply-shortcut-input').locator('input').inputValue()).toBe('ola!')
    await page.getByText('Atalho inválido: use só letras minúsculas sem acento', { exact: false }).waitFor()
    await fillReply(page, { shortcut: `/${shortcut.toUpperCase()}`, title: 'Retorno do suporte', body: 'Olá, {nome}! Aqui é do *suporte técnico*. Já verifiquei seu caso.' })
    expect(await page.getByTestId('quick-reply-shortcut-input').locator('input').inputValue()).toBe(shortcut)
    expect((await page.getByTestId('quick-reply-preview-named').textContent())?.trim()).toBe('Olá, Maria! Aqui é do suporte técnico. Já verifiquei seu caso.')
    expect((await page.getByTestId('quick-reply-preview-unnamed').textContent())?.trim()).toBe('Olá! Aqui é do suporte técnico. Já verifiquei seu caso.')
    expect(await page.getByTestId('quick-reply-body-counter').textContent()).toContain('65 / 4.096')
    await chooseScope(page, 'quick-reply-scope-input', 'Suporte Técnico')
    await screenshot(page, 'admin-respostas-rapidas-formulario')
    await saveDialog(page, 'quick-reply')
    await page.getByText('Resposta rápida criada.').waitFor()

    const row = replyRow(page, shortcut)
    await row.waitFor()
    expect((await row.getByTestId('quick-reply-scope').textContent())?.trim()).toBe('Suporte Técnico')
    const { data: stored } = await service.from('quick_replies').select('*').eq('shortcut', shortcut).single()
    expect(stored).toMatchObject({
      title: 'Retorno do suporte',
      body: 'Olá, {nome}! Aqui é do *suporte técnico*. Já verifiquei seu caso.',
      team_id: DEMO.teams.support,
      created_by: DEMO.admin.id,
    })
    await page.getByTestId('quick-reply-search').locator('input').fill(TAG)
    await expect.poll(() => shownShortcuts(page)).toEqual([shortcut])
    await page.reload()
    await replyRow(page, shortcut).waitFor()
    await fullScreenshot(page, 'admin-respostas-rapidas')

    // Carla (Suporte Técnico) finds it with "/" and gets her customer's first name.
    const joana = await createContact({ display_name: 'joana da silva', whatsapp_name: 'Jo' })
    createdContacts.push(joana.id)
    const carlaTicket = await createTicket({ status: 'open', channelId: DEMO_CHANNEL_ID, contactId: joana.id, teamId: DEMO.teams.support, assigneeId: DEMO.carla.id })
    createdTickets.push(carlaTicket.id)
    const carla = await pageAs(DEMO.carla.email)
    expect(await composerShortcuts(carla, carlaTicket.id, TAG)).toEqual([shortcut])
    await carla.getByTestId('composer-input').press('Enter')
    await carla.getByTestId('composer-quick-replies').waitFor({ state: 'detached' })
    expect(await carla.getByTestId('composer-input').inputValue()).toBe('Olá, Joana! Aqui é do *suporte técnico*. Já verifiquei seu caso.')
    await carla.getByTestId('composer-input').fill('')

    // Diego (Financeiro) does not see it at all.
    const diegoTicket = await createTicket({ status: 'open', channelId: DEMO_CHANNEL_ID, teamId: DEMO.teams.finance, assigneeId: DEMO.diego.id })
    createdTickets.push(diegoTicket.id)
    createdContacts.push(diegoTicket.contact_id)
    const diego = await pageAs(DEMO.diego.email)
    expect(await composerShortcuts(diego, diegoTicket.id, TAG)).toEqual([])
    await diego.getByTestId('composer-quick-replies').getByText('Nenhuma resposta rápida encontrada.').waitFor()
    // …while a global reply is offered to him (the list works for his team).
    await diego.getByTestId('composer-input').fill('')
    expect(await composerShortcuts(diego, diegoTicket.id, 'saudacao')).toContain('saudacao')
  })

  it('refuses a duplicate shortcut in pt-BR, edits, and asks before deleting', async () => {
    const shortcut = `${TAG}-dup`
    const page = await pageAs(DEMO.admin.email)
    await page.goto(appUrl('/admin/respostas-rapidas'))
    await replyRows(page).first().waitFor()

    await page.getByTestId('quick-reply-create').click()
    await fillReply(page, { shortcut, title: 'Primeira', body: 'Texto da primeira.' })
    await saveDialog(page, 'quick-reply')
    await replyRow(page, shortcut).waitFor()

    // Same shortcut, same scope: the form says so before sending.
    await page.getByTestId('quick-reply-create').click()
    await fillReply(page, { shortcut, title: 'Segunda', body: 'Texto da segunda.' })
    await page.getByText('Já existe uma resposta com este atalho em "Todas as equipes".').waitFor()
    // In another scope the same shortcut is fine…
    await chooseScope(page, 'quick-reply-scope-input', 'Financeiro')
    await page.getByText('Já existe uma resposta com este atalho em "Todas as equipes".').waitFor({ state: 'detached' })
    // …unless someone else just took it there: the database refuses and the message is in pt-BR.
    expect((await service.from('quick_replies').insert({ shortcut, title: 'Outra pessoa', body: 'x', team_id: DEMO.teams.finance })).error).toBeNull()
    await page.getByTestId('quick-reply-save').click()
    expect(await page.getByTestId('quick-reply-form-error').textContent()).toContain('Já existe uma resposta com este atalho em "Financeiro".')
    // The list was read again, so the form now knows it too.
    await page.getByTestId('quick-reply-dialog').getByText('Já existe uma resposta com este atalho em "Financeiro".').nth(1).waitFor()
    await screenshot(page, 'admin-respostas-rapidas-duplicada')
    // Nothing typed is lost: the dialog is still open with the values.
    expect(await page.getByTestId('quick-reply-title-input').locator('input').inputValue()).toBe('Segunda')
    await page.getByRole('button', { name: 'Cancelar', exact: true }).click()
    await page.getByRole('button', { name: 'Descartar', exact: true }).click()
    await page.getByTestId('quick-reply-dialog').waitFor({ state: 'detached' })

    // Edit the first one.
    const { data: first } = await service.from('quick_replies').select('id').eq('shortcut', shortcut).is('team_id', null).single()
    const globalRow = page.locator(`[data-quick-reply-id="${(first as { id: string }).id}"]`)
    // Both scopes are listed now (the list was read again after the refusal).
    await expect.poll(() => replyRow(page, shortcut).count()).toBe(2)
    await globalRow.getByTestId('quick-reply-edit').click()
    await fillReply(page, { title: 'Primeira, revisada' })
    await saveDialog(page, 'quick-reply')
    await page.getByText('Resposta rápida salva.').waitFor()
    const { data: edited } = await service.from('quick_replies').select('id, title').eq('id', (first as { id: string }).id).single()
    expect(edited).toMatchObject({ title: 'Primeira, revisada' })

    // Delete asks first; "Manter" keeps it, "Sim, excluir" removes it.
    await globalRow.getByTestId('quick-reply-delete').click()
    await page.getByText(`/${shortcut} — "Primeira, revisada" deixa de aparecer para os atendentes.`, { exact: false }).waitFor()
    await page.getByRole('button', { name: 'Manter', exact: true }).click()
    expect((await service.from('quick_replies').select('id').eq('id', (first as { id: string }).id)).data).toHaveLength(1)
    await globalRow.getByTestId('quick-reply-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    await page.getByText('Resposta rápida excluída.').waitFor()
    await globalRow.waitFor({ state: 'detached' })
    expect((await service.from('quick_replies').select('id').eq('id', (first as { id: string }).id)).data).toHaveLength(0)
  })
})
