/**
 * Relatórios in a real browser on the demo stack (issue #8): the admin's Painel shows the same numbers as
 * the database (the analytics views and the tickets table) for the demo data; the Relatório list follows
 * its filters (contact, status, rating) and its CSV export holds exactly the listed tickets; the Power BI
 * tab embeds the report, offers a new-tab button or explains how to set one up, as app_settings says; an
 * agent sees only their teams' numbers. The demo app_settings row is put back afterwards.
 */
import { readFileSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, ownerPool } from '../support/db.ts'
import { serviceClient } from '../support/stack.ts'
import { formatCount, formatDecimal, formatDuration, formatNps } from '../../utils/report-format.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const SECURE_REPORT = 'https://app.powerbi.com/reportEmbed?reportId=5b0a1c2e-0000-4000-8000-000000000002&autoAuth=true'
const PUBLIC_REPORT = 'https://app.powerbi.com/view?r=eyJrIjoicmVsYXRvcmlvcyJ9'

interface PowerBiSettings { powerbi_report_url: string | null, powerbi_display_mode: string }

const service = serviceClient()
let browser: Browser
let demoPowerBi: PowerBiSettings
const opened: AppPage[] = []

async function setPowerBi(values: PowerBiSettings): Promise<void> {
  const { error } = await service.from('app_settings').update(values).eq('id', true)
  if (error) throw new Error(`app_settings update failed: ${error.message}`)
}

beforeAll(async () => {
  // Earlier files leave test tickets open or queued: the demo's live counts start from the seed again.
  await restoreDemoTickets()
  const { data, error } = await service.from('app_settings').select('powerbi_report_url, powerbi_display_mode').single()
  if (error || !data) throw new Error(`app_settings read failed: ${error?.message}`)
  demoPowerBi = data
  browser = await launchBrowser()
})

afterEach(async () => {
  for (const app of opened.splice(0)) await app.context.close()
})

afterAll(async () => {
  if (demoPowerBi) await setPowerBi(demoPowerBi)
  await browser?.close()
})

async function pageAs(email: string, path: string, options?: Parameters<typeof openApp>[1]): Promise<Page> {
  const app = await openApp(browser, options)
  opened.push(app)
  // No Power BI on the test machine: its pages answer with a stand-in.
  await app.page.route('https://app.powerbi.com/**', route => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: '<html><body style="font-family:sans-serif;display:grid;place-items:center;height:90vh;background:#f3f2f1">Relatório do Power BI (simulado)</body></html>',
  }))
  await signIn(app.page, email, DEMO.password)
  await app.page.goto(appUrl(path))
  return app.page
}

/** The shell scrolls inside its main column: a tall window shows the whole page in one picture. */
async function fullHeightScreenshot(page: Page, name: string): Promise<void> {
  const height = await page.locator('#conteudo').evaluate(main => main.scrollHeight)
  await page.setViewportSize({ width: 1280, height: Math.max(800, height) })
  await screenshot(page, name)
  await page.setViewportSize({ width: 1280, height: 800 })
}

// Painel -----------------------------------------------------------------------------------------------

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"] [data-metric-value]`).first()

/** Chooses a period preset and waits for the numbers of that period. */
async function choosePeriod(page: Page, preset: string): Promise<void> {
  const dashboard = page.getByTestId('report-dashboard')
  await dashboard.waitFor()
  const before = await dashboard.getAttribute('data-loaded-at')
  await page.locator(`[data-period="${preset}"]`).click()
  await page.waitForFunction(previous => document.querySelector('[data-testid="report-dashboard"]')?.getAttribute('data-loaded-at') !== previous, before)
}

interface Expected {
  open: number
  waiting: number
  withBot: number
  created: number
  closed: number
  closedByBot: number
  messagesIn: number
  messagesOut: number
  newContacts: number
  activeAgents: number
  wait: number | null
  firstResponse: number | null
  handle: number | null
  ratings: number
  average: number | null
  nps: number | null
}

/** The last 7 local days (today included) as the analytics views count them, and the live counts now. */
async function expectedLast7Days(): Promise<Expected> {
  const { rows: [row] } = await ownerPool().query(`
    with days as (
      select (now() at time zone s.timezone)::date - 6 as first, (now() at time zone s.timezone)::date as last from public.app_settings s
    )
    select
      (select count(*) filter (where status = 'open') from public.tickets)::int as open,
      (select count(*) filter (where status = 'queued') from public.tickets)::int as waiting,
      (select count(*) filter (where status = 'bot') from public.tickets)::int as with_bot,
      (select coalesce(sum(tickets_created), 0) from analytics.daily, days where day between first and last)::int as created,
      (select coalesce(sum(tickets_closed), 0) from analytics.daily, days where day between first and last)::int as closed,
      (select coalesce(sum(tickets_closed_by_bot), 0) from analytics.daily, days where day between first and last)::int as closed_by_bot,
      (select coalesce(sum(messages_in), 0) from analytics.daily, days where day between first and last)::int as messages_in,
      (select coalesce(sum(messages_out), 0) from analytics.daily, days where day between first and last)::int as messages_out,
      (select coalesce(sum(new_contacts), 0) from analytics.daily, days where day between first and last)::int as new_contacts,
      (select count(distinct agent_id) from analytics.agents_daily, days where day between first and last and messages_sent > 0)::int as active_agents,
      (select avg(wait_seconds) from analytics.tickets, days where closed_date between first and last)::float as wait,
      (select avg(first_response_seconds) from analytics.tickets, days where closed_date between first and last)::float as first_response,
      (select avg(handle_seconds) from analytics.tickets, days where closed_date between first and last)::float as handle,
      (select count(rating) from analytics.ratings, days where rated_date between first and last)::int as ratings,
      (select avg(rating) from analytics.ratings, days where rated_date between first and last)::float as average,
      (select 100.0 * (count(*) filter (where rating_bucket = 'promoter') - count(*) filter (where rating_bucket = 'detractor')) / nullif(count(rating), 0)
         from analytics.ratings, days where rated_date between first and last and rating is not null)::float as nps`)
  return {
    open: row.open, waiting: row.waiting, withBot: row.with_bot, created: row.created, closed: row.closed, closedByBot: row.closed_by_bot,
    messagesIn: row.messages_in, messagesOut: row.messages_out, newContacts: row.new_contacts, activeAgents: row.active_agents,
    wait: row.wait, firstResponse: row.first_response, handle: row.handle, ratings: row.ratings, average: row.average, nps: row.nps,
  }
}

describe('Relatórios → Painel', () => {
  it('shows the admin the demo data\'s indicators, the same as the database', async () => {
    const page = await pageAs(DEMO.admin.email, '/relatorios')
    await page.getByRole('heading', { level: 1, name: 'Relatórios' }).waitFor()
    await page.getByTestId('report-dashboard').waitFor()
    await choosePeriod(page, 'last7')
    const expected = await expectedLast7Days()
    // The seed's conversations: #1002 with Carla, #1003 in the queue, #1001 closed and rated 9 two days ago.
    expect(expected).toMatchObject({ open: 1, waiting: 1, withBot: 0 })
    expect(expected.ratings).toBeGreaterThan(0)

    const shown = async (name: string) => (await metric(page, name).textContent())?.trim()
    expect(await shown('open')).toBe(formatCount(expected.open))
    expect(await shown('waiting')).toBe(formatCount(expected.waiting))
    expect(await shown('with-bot')).toBe(formatCount(expected.withBot))
    expect(await shown('created')).toBe(formatCount(expected.created))
    expect(await shown('closed')).toBe(formatCount(expected.closed))
    expect(await shown('closed-by-bot')).toBe(formatCount(expected.closedByBot))
    expect(await shown('messages-in')).toBe(formatCount(expected.messagesIn))
    expect(await shown('messages-out')).toBe(formatCount(expected.messagesOut))
    expect(await shown('new-contacts')).toBe(formatCount(expected.newContacts))
    expect(await shown('active-agents')).toBe(formatCount(expected.activeAgents))
    expect(await shown('wait-time')).toBe(formatDuration(expected.wait))
    expect(await shown('first-response-time')).toBe(formatDuration(expected.firstResponse))
    expect(await shown('handle-time')).toBe(formatDuration(expected.handle))
    expect(await shown('rating-average')).toBe(formatDecimal(expected.average))
    expect(await shown('nps')).toBe(formatNps(expected.nps))
    await page.getByText('O mais antigo espera há').waitFor()
    expect(await page.getByTestId('report-updated').textContent()).toMatch(/^Atualizado (agora|há \d+ s)$/)

    // Charts: a day per bar, described for screen readers.
    const ticketsChart = page.locator('[data-chart="grafico-chamados"]')
    expect(await ticketsChart.locator('svg[role="img"] > title').textContent()).toBe('Chamados')
    expect(await ticketsChart.locator('g.report-chart-group').count()).toBe(7)
    expect(await ticketsChart.locator('desc').textContent()).toContain(`Abertos ${formatCount(expected.created)}`)
    await fullHeightScreenshot(page, 'relatorios-painel')

    // "Hoje" switches the charts to hours.
    await choosePeriod(page, 'today')
    expect(await ticketsChart.locator('g.report-chart-group').count()).toBe(24)
  })

  it('looks right in the dark theme', async () => {
    const page = await pageAs(DEMO.admin.email, '/relatorios', { colorScheme: 'dark' })
    await choosePeriod(page, 'last7')
    await metric(page, 'created').waitFor()
    await fullHeightScreenshot(page, 'relatorios-painel-escuro')
  })

  it('shows an agent only their teams\' numbers', async () => {
    const page = await pageAs(DEMO.carla.email, '/relatorios')
    await choosePeriod(page, 'last7')
    const { rows: [expected] } = await ownerPool().query(`
      with mine as (
        select t.* from public.tickets t
        where t.status <> 'bot'
          and (t.assignee_id = $1 or t.team_id in (select team_id from public.team_members where user_id = $1))
      ), days as (
        select (now() at time zone s.timezone)::date - 6 as first, (now() at time zone s.timezone)::date as last, s.timezone as tz from public.app_settings s
      )
      select
        (select count(*) filter (where status = 'open') from mine)::int as open,
        (select count(*) filter (where status = 'queued') from mine)::int as waiting,
        (select count(*) from mine, days where (created_at at time zone tz)::date between first and last)::int as created,
        (select count(*) from mine, days where status = 'closed' and (closed_at at time zone tz)::date between first and last)::int as closed,
        (select count(*) from public.tickets t, days where (t.created_at at time zone tz)::date between first and last)::int as everyone_created`,
    [DEMO.carla.id])
    expect((await metric(page, 'open').textContent())?.trim()).toBe(formatCount(expected.open))
    expect((await metric(page, 'waiting').textContent())?.trim()).toBe(formatCount(expected.waiting))
    expect((await metric(page, 'created').textContent())?.trim()).toBe(formatCount(expected.created))
    expect((await metric(page, 'closed').textContent())?.trim()).toBe(formatCount(expected.closed))
    // #1001 (Financeiro) and the bot's tickets are not hers: fewer tickets than the company's.
    expect(expected.created).toBeLessThan(expected.everyone_created)
    await page.getByText('Você vê os números das suas equipes').waitFor()
    await screenshot(page, 'relatorios-painel-tecnico')
  })
})

// Relatório ----------------------------------------------------------------------------------------------

/** Ticket numbers the database lists for a condition on tickets `t` / contacts `c`, newest first. */
async function ticketNumbers(condition: string, params: unknown[] = []): Promise<number[]> {
  const { rows } = await ownerPool().query(
    `select t.number from public.tickets t join public.contacts c on c.id = t.contact_id where ${condition} order by t.created_at desc, t.id desc`, params)
  return rows.map(row => Number(row.number))
}

async function listedNumbers(page: Page): Promise<number[]> {
  return (await page.getByTestId('report-row').evaluateAll(rows => rows.map(row => row.getAttribute('data-ticket-number')))).map(Number)
}

const countText = (count: number) => (count === 1 ? '1 chamado' : `${formatCount(count)} chamados`)

async function waitForCount(page: Page, count: number): Promise<void> {
  await page.getByTestId('report-count').getByText(countText(count), { exact: true }).waitFor()
  await page.locator('.report-list .n-spin-container .n-spin-body').waitFor({ state: 'detached' }).catch(() => {})
}

async function pickOption(page: Page, testId: string, option: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'Relatórios' }).click()
  await page.getByTestId(testId).click()
  await page.locator('.n-base-select-option').filter({ hasText: new RegExp(`^${option}$`) }).first().click()
  await page.keyboard.press('Escape')
}

/** A CSV as Brazilian Excel reads it: BOM, `;` separators, quoted fields with "" and line breaks. */
function parseCsv(text: string): string[][] {
  expect(text.charCodeAt(0)).toBe(0xFEFF)
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let index = 1; index < text.length; index++) {
    const char = text[index]!
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index++
      }
      else if (char === '"') quoted = false
      else field += char
    }
    else if (char === '"') quoted = true
    else if (char === ';') {
      row.push(field)
      field = ''
    }
    else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      index++
    }
    else field += char
  }
  return rows
}

describe('Relatórios → Relatório', () => {
  it('filters by contact, status and rating, and exports exactly the listed tickets as CSV', async () => {
    const page = await pageAs(DEMO.admin.email, '/relatorios?aba=relatorio')
    await page.getByTestId('report-table').waitFor()
    const everything = await ticketNumbers('true')
    await waitForCount(page, everything.length)
    expect((await listedNumbers(page))).toEqual(everything.slice(0, 50))
    await screenshot(page, 'relatorios-relatorio-todos')

    // "joao" finds João (accents ignored), by name or phone.
    await page.getByTestId('report-filter-search').locator('input').fill('joao')
    const joao = await ticketNumbers(`private.unaccent_lower(coalesce(c.display_name, '') || ' ' || coalesce(c.whatsapp_name, '') || ' ' || coalesce(c.phone, '')) like '%joao%'`)
    expect(joao).toContain(1001)
    await waitForCount(page, joao.length)
    expect(await listedNumbers(page)).toEqual(joao)
    await page.getByTestId('report-filter-search').locator('input').fill('99876-5432')
    await waitForCount(page, joao.length)
    expect(await listedNumbers(page)).toEqual(joao)
    await page.getByTestId('report-filter-search').locator('input').fill('')

    // Closed and rated tickets only.
    await pickOption(page, 'report-filter-status', 'Encerrado')
    const closed = await ticketNumbers(`t.status = 'closed'`)
    await waitForCount(page, closed.length)
    await pickOption(page, 'report-filter-rating', 'Avaliados')
    const rated = await ticketNumbers(`t.status = 'closed' and t.rating is not null`)
    expect(rated).toContain(1001)
    await waitForCount(page, rated.length)
    expect(await listedNumbers(page)).toEqual(rated.slice(0, 50))
    const ratingCells = await page.locator('[data-testid="report-row"] [data-column="rating"]').allTextContents()
    expect(ratingCells.every(cell => /^\d+$/.test(cell.trim()))).toBe(true)
    await screenshot(page, 'relatorios-relatorio')

    // The CSV: every ticket of the filters, in the list's order, with pt-BR headers.
    const download = page.waitForEvent('download')
    await page.getByTestId('report-export').click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^atendimentos-\d{4}-\d{2}-\d{2}\.csv$/)
    const csv = parseCsv(readFileSync((await file.path())!, 'utf8'))
    expect(csv[0]).toEqual([
      'Número', 'Contato', 'Telefone', 'Conexão', 'Equipe', 'Técnico', 'Status', 'Aberto em', 'Encerrado em', 'Espera (s)',
      'Primeira resposta (s)', 'Atendimento (s)', 'Encerrado pelo chatbot', 'Classificação', 'Comentário de encerramento', 'Nota',
    ])
    expect(csv.slice(1).map(line => Number(line[0]))).toEqual(rated)
    await page.getByText(`CSV exportado com ${formatCount(rated.length)} chamados.`).waitFor()

    const { rows: [ticket] } = await ownerPool().query(
      `select contact_name, channel_name, team_name, agent_name, wait_seconds, handle_seconds, classification_name, closing_comment, rating
       from analytics.tickets where ticket_number = 1001`)
    const line = csv.find(cells => cells[0] === '1001')!
    expect(line).toEqual([
      '1001', ticket.contact_name, '55 21 99876-5432', ticket.channel_name, ticket.team_name, ticket.agent_name, 'Encerrado',
      expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/), expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/),
      String(Math.round(Number(ticket.wait_seconds))), expect.stringMatching(/^\d+$/), String(Math.round(Number(ticket.handle_seconds))),
      'Não', ticket.classification_name, ticket.closing_comment, String(ticket.rating),
    ])

    await page.getByTestId('report-clear').click()
    await waitForCount(page, everything.length)
  })

  it('lists an agent only the tickets of their teams and their own', async () => {
    const page = await pageAs(DEMO.carla.email, '/relatorios?aba=relatorio')
    const theirs = await ticketNumbers(`t.status <> 'bot' and (t.assignee_id = $1 or t.team_id in (select team_id from public.team_members where user_id = $1))`, [DEMO.carla.id])
    await waitForCount(page, theirs.length)
    expect(await listedNumbers(page)).toEqual(theirs.slice(0, 50))
    expect(theirs).not.toContain(1001)
  })
})

// Power BI ---------------------------------------------------------------------------------------------

describe('Relatórios → Power BI', () => {
  it('embeds the report when the admins chose so, and warns about "Publicar na Web"', async () => {
    await setPowerBi({ powerbi_report_url: SECURE_REPORT, powerbi_display_mode: 'embed' })
    const page = await pageAs(DEMO.carla.email, '/relatorios?aba=powerbi')
    const frame = page.getByTestId('report-powerbi-iframe')
    await frame.waitFor()
    expect(await frame.getAttribute('src')).toBe(SECURE_REPORT)
    expect(await frame.getAttribute('title')).toBe('Relatório do Power BI')
    await page.frameLocator('[data-testid="report-powerbi-iframe"]').getByText('Relatório do Power BI (simulado)').waitFor()
    await page.getByTestId('settings-powerbi-warning').getByText('Cuidado com "Publicar na Web"').waitFor()
    expect(await page.getByTestId('report-powerbi-open').count()).toBe(0)
    await screenshot(page, 'relatorios-powerbi-incorporado')
  })

  it('offers a button that opens the report in a new tab otherwise', async () => {
    await setPowerBi({ powerbi_report_url: SECURE_REPORT, powerbi_display_mode: 'new_tab' })
    const page = await pageAs(DEMO.carla.email, '/relatorios?aba=powerbi')
    const button = page.getByTestId('report-powerbi-open')
    await button.waitFor()
    expect(await button.getAttribute('href')).toBe(SECURE_REPORT)
    expect(await button.getAttribute('target')).toBe('_blank')
    expect(await button.getAttribute('rel')).toContain('noopener')
    expect(await page.getByTestId('report-powerbi-iframe').count()).toBe(0)
    await screenshot(page, 'relatorios-powerbi-nova-aba')
  })

  it('calls a "Publicar na Web" link public', async () => {
    await setPowerBi({ powerbi_report_url: PUBLIC_REPORT, powerbi_display_mode: 'embed' })
    const page = await pageAs(DEMO.admin.email, '/relatorios?aba=powerbi')
    await page.getByTestId('report-powerbi-public').getByText('Este relatório está público').waitFor()
  })

  it('explains what to do when no report is set, with the way to Configurações for admins', async () => {
    await setPowerBi({ powerbi_report_url: null, powerbi_display_mode: 'new_tab' })
    const admin = await pageAs(DEMO.admin.email, '/relatorios?aba=powerbi')
    await admin.getByTestId('report-powerbi-missing').getByText('Nenhum relatório do Power BI configurado').waitFor()
    await admin.getByTestId('settings-powerbi-warning').waitFor()
    await screenshot(admin, 'relatorios-powerbi-sem-relatorio')
    await admin.getByTestId('report-powerbi-configure').click()
    await admin.waitForURL(url => url.pathname === '/admin/configuracoes')

    const agent = await pageAs(DEMO.carla.email, '/relatorios?aba=powerbi')
    await agent.getByTestId('report-powerbi-missing').waitFor()
    expect(await agent.getByTestId('report-powerbi-configure').count()).toBe(0)
  })
})
