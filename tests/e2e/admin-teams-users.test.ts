/**
 * Issue #7, Equipes and Usuários in a real browser, as an admin sets up a new team: a team with a colour
 * and round-robin; two people created with initial passwords in it; a role edited; a password reset; the
 * new people signing in on their own browsers; round-robin handing two queued tickets to the two members
 * in turn; a deactivated person kept out (and their ticket handed on); and a team that cannot be deleted
 * while tickets use it. Everything created here has unique names and is removed at the end.
 */
import { randomUUID } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, ownerPool } from '../support/db.ts'
import { createTicket, reloadTicket, ticketEvents, type TicketRow } from '../support/fixtures.ts'
import { serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, submitLogin, visibleText, type AppPage } from './support/browser.ts'

const tag = randomUUID().slice(0, 6)
const TEAM = `Plantão E2E ${tag}`
const TEAM_COLOR = '#7a3cd8'
const AGENT = { name: `Alice Rodízio ${tag}`, email: `e2e-alice-${tag}@atende.local`, password: '' }
const SUPERVISOR = { name: `Bruna Rodízio ${tag}`, email: `e2e-bruna-${tag}@atende.local`, password: 'Senha-Inicial-42' }

let browser: Browser
let admin: AppPage
const others: AppPage[] = []
const tickets: TicketRow[] = []

interface ProfileRow {
  id: string
  full_name: string
  role: string
  active: boolean
}

async function profileByEmail(email: string): Promise<ProfileRow | undefined> {
  const { rows } = await ownerPool().query<ProfileRow>('select id, full_name, role, active from public.profiles where email = $1', [email])
  return rows[0]
}

async function teamRow(): Promise<{ id: string, color: string, auto_assign: boolean } | undefined> {
  const { rows } = await ownerPool().query<{ id: string, color: string, auto_assign: boolean }>('select id, color, auto_assign from public.teams where name = $1', [TEAM])
  return rows[0]
}

async function teamMemberIds(teamId: string): Promise<string[]> {
  const { rows } = await ownerPool().query<{ user_id: string }>('select user_id from public.team_members where team_id = $1', [teamId])
  return rows.map(row => row.user_id).sort()
}

/** Polls the database until `check` holds (the UI answers before a test can look). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`)
    await new Promise(resolve => setTimeout(resolve, 100))
  }
}

async function freshPage(): Promise<Page> {
  const app = await openApp(browser)
  others.push(app)
  return app.page
}

function userRow(page: Page, email: string) {
  return page.locator(`[data-testid="user-row"][data-user-email="${email}"]`)
}

function teamRowIn(page: Page) {
  return page.getByTestId('team-row').filter({ has: page.getByTestId('team-name').getByText(TEAM, { exact: true }) })
}

/** Picks a team in the user dialog's multi-select and closes its menu. */
async function chooseTeam(page: Page, team: string): Promise<void> {
  const dialog = page.getByTestId('user-dialog')
  await dialog.getByTestId('user-teams-input').click()
  await page.keyboard.type(team)
  await page.locator('.n-base-select-option').filter({ hasText: team }).click()
  await dialog.locator('.n-card-header__main').click()
}

beforeAll(async () => {
  browser = await launchBrowser()
  admin = await openApp(browser)
  await signIn(admin.page, DEMO.admin.email, DEMO.password)
})

afterAll(async () => {
  for (const app of others.splice(0)) await app.context.close().catch(() => undefined)
  await admin?.context.close().catch(() => undefined)
  await browser?.close()
  // What this file created, through the owner and service roles; the demo data was never touched.
  const pool = ownerPool()
  if (tickets.length > 0) await pool.query('delete from public.tickets where id = any($1::uuid[])', [tickets.map(ticket => ticket.id)])
  for (const person of [AGENT, SUPERVISOR]) {
    const row = await profileByEmail(person.email)
    if (row) await serviceClient().auth.admin.deleteUser(row.id)
  }
  await pool.query('delete from public.teams where name = $1', [TEAM])
})

describe('Equipes and Usuários', () => {
  it('creates a team with a colour and round-robin', async () => {
    const { page } = admin
    await page.goto(appUrl('/admin/equipes'))
    await page.getByTestId('team-table').waitFor()
    await page.getByTestId('team-create').click()
    const dialog = page.getByTestId('team-dialog')

    // Pt-BR validation before anything is sent: no name, then a name another team has.
    await dialog.getByTestId('team-save').click()
    await dialog.getByText('Informe o nome da equipe.').waitFor()
    await dialog.getByTestId('team-name-input').locator('input').fill('suporte tecnico')
    await dialog.getByText('Já existe uma equipe com este nome.').waitFor()

    await dialog.getByTestId('team-name-input').locator('input').fill(TEAM)
    await dialog.getByTestId('team-color-input').click()
    const hex = page.locator('.n-color-picker-input input').first()
    await hex.fill(TEAM_COLOR.toUpperCase())
    await hex.press('Enter')
    await dialog.locator('.n-card-header__main').click()
    await dialog.getByTestId('team-auto-assign-input').click()
    expect(await dialog.getByTestId('team-auto-assign-input').getAttribute('aria-checked')).toBe('true')
    await expect.poll(() => dialog.textContent()).toContain('vai direto para o próximo membro')
    await screenshot(page, 'admin-team-dialog')
    await dialog.getByTestId('team-save').click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByText('Equipe criada.').waitFor()

    const row = teamRowIn(page)
    await row.waitFor()
    expect(await row.getByTestId('team-color').getAttribute('data-color')).toBe(TEAM_COLOR)
    expect(await row.getByTestId('team-auto-assign').textContent()).toContain('Rodízio automático')
    expect(await row.getByTestId('team-member-count').textContent()).toContain('Sem membros')
    expect(await teamRow()).toMatchObject({ color: TEAM_COLOR, auto_assign: true })
  })

  it('creates two people with initial passwords in that team, one agent and one supervisor', async () => {
    const { page } = admin
    await page.goto(appUrl('/admin/usuarios'))
    await page.getByTestId('user-table').waitFor()

    // The agent, with a generated password read from the field and shown again once created.
    await page.getByTestId('user-create').click()
    let dialog = page.getByTestId('user-dialog')
    await dialog.getByTestId('user-save').click()
    await dialog.getByText('Informe o nome.').waitFor()
    await dialog.getByText('Informe o e-mail.').waitFor()
    await dialog.getByText('Informe a senha.').waitFor()
    await dialog.getByTestId('user-name-input').locator('input').fill(AGENT.name)
    await dialog.getByTestId('user-email-input').locator('input').fill(AGENT.email)
    await dialog.getByTestId('user-password-input').locator('input').fill('curta')
    await dialog.getByText('A senha deve ter pelo menos 8 caracteres.').waitFor()
    await dialog.getByTestId('user-password-generate').click()
    AGENT.password = await dialog.getByTestId('user-password-input').locator('input').inputValue()
    expect(AGENT.password).toMatch(/^\S{12}$/)
    expect(await dialog.getByTestId('user-password-input').locator('input').getAttribute('type')).toBe('text')
    await dialog.locator('[data-role="agent"]').click()
    await chooseTeam(page, TEAM)
    await screenshot(page, 'admin-user-create-dialog')
    await dialog.getByTestId('user-save').click()
    await dialog.getByTestId('user-credentials').waitFor()
    expect(await visibleText(page, '[data-testid="user-credentials-email"]')).toBe(AGENT.email)
    expect(await visibleText(page, '[data-testid="user-credentials-password"]')).toBe(AGENT.password)
    await screenshot(page, 'admin-user-created-credentials')
    await dialog.getByTestId('user-done').click()
    await dialog.waitFor({ state: 'detached' })

    // The supervisor, with a typed password; the same e-mail again is refused under the field.
    await page.getByTestId('user-create').click()
    dialog = page.getByTestId('user-dialog')
    await dialog.getByTestId('user-name-input').locator('input').fill(SUPERVISOR.name)
    await dialog.getByTestId('user-email-input').locator('input').fill(AGENT.email.toUpperCase())
    await dialog.getByTestId('user-password-input').locator('input').fill(SUPERVISOR.password)
    await dialog.locator('[data-role="supervisor"]').click()
    await chooseTeam(page, TEAM)
    await dialog.getByTestId('user-save').click()
    await dialog.getByText('Já existe um usuário com este e-mail.').waitFor()
    await dialog.getByTestId('user-email-input').locator('input').fill(SUPERVISOR.email)
    await dialog.getByTestId('user-save').click()
    await dialog.getByTestId('user-credentials').waitFor()
    await dialog.getByTestId('user-done').click()
    await dialog.waitFor({ state: 'detached' })

    const agent = await until(() => profileByEmail(AGENT.email), row => Boolean(row), 'the agent')
    const supervisor = await until(() => profileByEmail(SUPERVISOR.email), row => Boolean(row), 'the supervisor')
    expect(agent).toMatchObject({ full_name: AGENT.name, role: 'agent', active: true })
    expect(supervisor).toMatchObject({ full_name: SUPERVISOR.name, role: 'supervisor', active: true })
    const team = (await teamRow())!
    expect(await teamMemberIds(team.id)).toEqual([agent!.id, supervisor!.id].sort())

    const row = userRow(page, SUPERVISOR.email)
    expect(await row.getByTestId('user-row-role').textContent()).toContain('Supervisor')
    expect(await row.getByTestId('user-row-teams').textContent()).toContain(TEAM)
    expect(await row.getByTestId('user-row-status').textContent()).toContain('Ativo')

    // The team page shows them as members.
    await page.goto(appUrl('/admin/equipes'))
    const teamLine = teamRowIn(page)
    await teamLine.waitFor()
    expect(await teamLine.getByTestId('team-member-count').textContent()).toContain('2 membros')
    expect(await teamLine.getByTestId('team-member-names').textContent()).toBe(`${AGENT.name}, ${SUPERVISOR.name}`)
    await screenshot(page, 'admin-teams')
  })

  it('filters the list, edits a role and resets a password', async () => {
    const { page } = admin
    await page.goto(appUrl('/admin/usuarios'))
    await page.getByTestId('user-table').waitFor()
    await page.getByTestId('user-search').locator('input').fill(`rodizio ${tag}`)
    await expect.poll(async () => page.getByTestId('user-row').count()).toBe(2)
    const roleFilter = page.getByTestId('user-filter-role')
    await roleFilter.click()
    await page.locator('.n-base-select-option').filter({ hasText: 'Supervisor' }).click()
    await expect.poll(async () => page.getByTestId('user-row-name').allTextContents()).toEqual([SUPERVISOR.name])
    await screenshot(page, 'admin-users-filtered')
    await roleFilter.hover()
    await roleFilter.locator('.n-base-clear').click()
    await expect.poll(async () => page.getByTestId('user-row').count()).toBe(2)

    // The agent becomes a supervisor.
    await userRow(page, AGENT.email).getByTestId('user-edit').click()
    const dialog = page.getByTestId('user-dialog')
    expect(await dialog.getByTestId('user-email-input').locator('input').isDisabled()).toBe(true)
    await dialog.locator('[data-role="supervisor"]').click()
    await dialog.getByTestId('user-save').click()
    await dialog.waitFor({ state: 'detached' })
    await page.getByText('Usuário salvo.').waitFor()
    await expect.poll(async () => userRow(page, AGENT.email).getByTestId('user-row-role').textContent()).toContain('Supervisor')
    expect((await profileByEmail(AGENT.email))?.role).toBe('supervisor')

    // A new password for the agent.
    await userRow(page, AGENT.email).getByTestId('user-reset-password').click()
    const reset = page.getByTestId('user-password-dialog')
    await reset.getByTestId('user-password-generate').click()
    const newPassword = await reset.getByTestId('user-password-input').locator('input').inputValue()
    expect(newPassword).not.toBe(AGENT.password)
    await reset.getByTestId('user-password-save').click()
    await reset.getByTestId('user-credentials').waitFor()
    expect(await visibleText(page, '[data-testid="user-password-dialog"] [data-testid="user-credentials-password"]')).toBe(newPassword)
    await screenshot(page, 'admin-user-password-reset')
    await reset.getByTestId('user-done').click()
    AGENT.password = newPassword
  })

  it('lets the new people sign in with their passwords in their own browsers', async () => {
    for (const person of [AGENT, SUPERVISOR]) {
      const page = await freshPage()
      await signIn(page, person.email, person.password)
      expect(await visibleText(page, '[data-testid="user-name"]')).toBe(person.name)
      expect(await visibleText(page, '[data-testid="user-role"]')).toBe('Supervisor')
    }
  })

  it('hands two tickets entering the team queue to the two members in turn', async () => {
    const team = (await teamRow())!
    const agent = (await profileByEmail(AGENT.email))!
    const supervisor = (await profileByEmail(SUPERVISOR.email))!
    for (let index = 0; index < 2; index++) tickets.push(await createTicket({ status: 'queued', teamId: team.id }))
    const rows = await Promise.all(tickets.map(ticket => reloadTicket(ticket.id)))
    expect(rows.map(row => row.status)).toEqual(['open', 'open'])
    expect(rows.map(row => row.assignee_id).sort()).toEqual([agent.id, supervisor.id].sort())
    for (const row of rows) {
      expect((await ticketEvents(row.id)).map(event => event.type)).toContain('auto_assigned')
    }
  })

  it('refuses to delete the team while it has tickets, with the reason', async () => {
    const { page } = admin
    await page.goto(appUrl('/admin/equipes'))
    await teamRowIn(page).getByTestId('team-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    await page.getByText(`A equipe "${TEAM}" tem 2 atendimento(s) na fila ou em andamento. Transfira-os antes de excluí-la.`).waitFor()
    await screenshot(page, 'admin-team-delete-refused')
    expect(await teamRow()).toBeDefined()
    expect(await teamRowIn(page).count()).toBe(1)
  })

  it('deactivates a person: their ticket goes to the other member and they can no longer sign in', async () => {
    const { page } = admin
    const supervisor = (await profileByEmail(SUPERVISOR.email))!
    const agent = (await profileByEmail(AGENT.email))!
    const supervisorTicket = (await Promise.all(tickets.map(ticket => reloadTicket(ticket.id)))).find(row => row.assignee_id === supervisor.id)!

    await page.goto(appUrl('/admin/usuarios'))
    await page.getByTestId('user-table').waitFor()
    // Nobody can deactivate themselves: the admin's own button is disabled, and its tooltip says why.
    const own = userRow(page, DEMO.admin.email).getByTestId('user-toggle-active')
    expect(await own.isDisabled()).toBe(true)
    await own.locator('..').hover()
    await page.getByText('Você não pode desativar a sua própria conta.').waitFor()
    await userRow(page, SUPERVISOR.email).getByTestId('user-toggle-active').click()
    await page.getByText('Os chamados em andamento dessa pessoa voltam para a fila da equipe.').waitFor()
    await page.mouse.move(0, 0)
    await page.waitForTimeout(400)
    await screenshot(page, 'admin-user-deactivate-confirm')
    await page.getByRole('button', { name: 'Sim, desativar', exact: true }).click()
    await expect.poll(async () => userRow(page, SUPERVISOR.email).getByTestId('user-row-status').textContent()).toContain('Desativado')
    await expect.poll(async () => userRow(page, SUPERVISOR.email).getByTestId('user-toggle-active').getAttribute('data-action')).toBe('reactivate')
    await screenshot(page, 'admin-users')

    expect((await profileByEmail(SUPERVISOR.email))?.active).toBe(false)
    // Back to the queue, and the round robin hands it straight to the member still active.
    const moved = await reloadTicket(supervisorTicket.id)
    expect(moved).toMatchObject({ status: 'open', assignee_id: agent.id })
    // In time order (the round robin's event is written by a trigger inside the requeue, at clock time).
    const { rows: history } = await ownerPool().query('select type, from_agent_id, to_agent_id, data from public.ticket_events where ticket_id = $1 order by created_at, id', [moved.id])
    expect(history.slice(-2)).toMatchObject([
      { type: 'queued', from_agent_id: supervisor.id, data: { reason: 'assignee_deactivated' } },
      { type: 'auto_assigned', to_agent_id: agent.id },
    ])

    const login = await freshPage()
    await login.goto(appUrl('/login'))
    await submitLogin(login, SUPERVISOR.email, SUPERVISOR.password)
    expect(await visibleText(login, '[data-testid="login-error"]')).toContain('Usuário desativado. Fale com o administrador.')
    await screenshot(login, 'login-deactivated-user')
  })

  it('deletes the team once no ticket uses it', async () => {
    await ownerPool().query(`update public.tickets set status = 'closed', closed_at = now(), closed_reason = 'supervisor' where id = any($1::uuid[])`, [tickets.map(ticket => ticket.id)])
    const { page } = admin
    await page.goto(appUrl('/admin/equipes'))
    await teamRowIn(page).getByTestId('team-delete').click()
    await page.getByRole('button', { name: 'Sim, excluir', exact: true }).click()
    await page.getByText('Equipe excluída.').waitFor()
    await teamRowIn(page).waitFor({ state: 'detached' })
    expect(await teamRow()).toBeUndefined()
  })
})
