/**
 * Issue #6, item 1 — the agent inbox in a real browser against the stack: my open tickets and my
 * team's queue (team colour, waiting time), a customer's new conversation arriving live in the queue
 * (count, chime, browser notification), "Espiar" read-only, "Atender", two agents racing for the same
 * ticket, and the mute toggle that survives a reload.
 *
 * New conversations are real: the customer writes on the WhatsApp simulator, the webhook stores them.
 * Until the chatbot routes conversations, the test moves the ticket to Suporte Técnico's queue with
 * the service client, as the bot would.
 */
import { randomInt } from 'node:crypto'
import type { Browser, Page, WebSocketRoute } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, serviceClient } from '../support/stack.ts'
import { appUrl, launchBrowser, openApp, screenshot, signIn, type AppPage } from './support/browser.ts'
import { restoreDemoTickets } from './support/demo-state.ts'

const SUPPORT_COLOR = '#2080f0'
const RACE_MESSAGE = 'Outro técnico já atendeu este chamado'
const TICKET_1002 = '00000000-0000-4000-f000-000000000002'
const TICKET_1003 = '00000000-0000-4000-f000-000000000003'

const sim = simulator()
const service = serviceClient()
let browser: Browser
const opened: AppPage[] = []

beforeAll(async () => {
  // #1002 and #1003 as seeded (unread badge, preview, waiting time), and no tickets left open or queued
  // by earlier files.
  await restoreDemoTickets()
  browser = await launchBrowser()
})

afterEach(async () => {
  await Promise.all(opened.splice(0).map(app => app.context.close()))
})

afterAll(async () => {
  await browser?.close()
})

interface AlertsProbe {
  chimes: number
  notifications: Array<{ title: string, body: string }>
}

/**
 * A signed-in agent on the inbox. The page's WebAudio and Notification are observed (headless
 * Chromium has no speakers and no notification centre): every oscillator started and every
 * notification shown is counted, and the page reports itself as not focused, as a tab in the
 * background would, so notifications are due.
 */
async function agentPage(email: string, options: { colorScheme?: 'light' | 'dark', prepare?: (page: Page) => Promise<void> } = {}): Promise<Page> {
  const app = await openApp(browser, options)
  opened.push(app)
  await options.prepare?.(app.page)
  await app.context.addInitScript(() => {
    const probe: AlertsProbe = { chimes: 0, notifications: [] }
    Object.assign(window, { __alerts: probe })
    const NativeAudioContext = window.AudioContext
    window.AudioContext = class extends NativeAudioContext {
      override createOscillator(): OscillatorNode {
        probe.chimes += 1
        return super.createOscillator()
      }
    }
    class ProbeNotification {
      static permission: NotificationPermission = 'granted'
      static requestPermission = async () => 'granted' as const
      onclick: (() => void) | null = null
      constructor(title: string, init?: NotificationOptions) {
        probe.notifications.push({ title, body: init?.body ?? '' })
      }

      close(): void {}
    }
    Object.assign(window, { Notification: ProbeNotification })
    document.hasFocus = () => false
  })
  await signIn(app.page, email, DEMO.password)
  await app.page.waitForURL(url => url.pathname === '/atendimento')
  await waitForLiveInbox(app.page)
  return app.page
}

/** The lists were read and the realtime subscription joined: changes from now on arrive live. */
async function waitForLiveInbox(page: Page): Promise<void> {
  await page.locator('[data-testid="inbox-panel"][data-live="live"]').waitFor()
  await page.getByTestId('inbox-count-mine').waitFor()
  await page.locator('[data-testid="ticket-list-loading"]').waitFor({ state: 'detached' })
}

/** Moves the pointer away and lets tooltips fade, so screenshots show the screen as it rests. */
async function restPointer(page: Page): Promise<void> {
  await page.mouse.move(0, 0)
  await page.waitForTimeout(400)
}

function alertsOf(page: Page): Promise<AlertsProbe> {
  return page.evaluate(() => (window as unknown as { __alerts: AlertsProbe }).__alerts)
}

/** What the database holds for Carla right now: her open tickets and Suporte Técnico's queue (her team). */
async function carlaTotals(): Promise<{ mine: number, queue: number }> {
  const [mine, queue] = await Promise.all([
    service.from('tickets').select('id', { count: 'exact', head: true }).eq('status', 'open').eq('assignee_id', DEMO.carla.id),
    service.from('tickets').select('id', { count: 'exact', head: true }).eq('status', 'queued').eq('team_id', DEMO.teams.support),
  ])
  expect(mine.error).toBeNull()
  expect(queue.error).toBeNull()
  return { mine: mine.count ?? 0, queue: queue.count ?? 0 }
}

async function count(page: Page, list: 'mine' | 'queue'): Promise<number> {
  return Number((await page.getByTestId(`inbox-count-${list}`).textContent())?.trim())
}

function card(page: Page, list: 'mine' | 'queue', ticketNumber: number) {
  return page.getByTestId(`ticket-list-${list}`).locator(`[data-ticket-number="${ticketNumber}"]`)
}

async function openTab(page: Page, tab: 'mine' | 'queue' | 'contacts'): Promise<void> {
  await page.getByTestId(`inbox-tab-${tab}`).click()
  if (tab !== 'contacts') await page.getByTestId(`ticket-list-${tab}`).waitFor()
}

/**
 * Routes a page's realtime WebSocket through the test so the messages from the server can be held
 * for a moment (as a slow network would) and then delivered in order.
 */
function holdableRealtime() {
  let holding = false
  const held: Array<() => void> = []
  return {
    prepare: (page: Page) => page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
      const server = socket.connectToServer()
      server.onMessage((message) => {
        if (holding) held.push(() => socket.send(message))
        else socket.send(message)
      })
    }),
    hold: () => {
      holding = true
    },
    release: () => {
      holding = false
      for (const deliver of held.splice(0)) deliver()
    },
  }
}

interface QueuedTicket {
  id: string
  number: number
  name: string
}

/** A customer writes on WhatsApp (simulator → webhook); the ticket is then put in Suporte Técnico's queue. */
async function customerWaitingInSupportQueue(name: string, text: string): Promise<QueuedTicket> {
  const phone = `5511${randomInt(900_000_000, 999_999_999)}`
  await sim.customerSends('atende-principal', phone, { kind: 'text', name, text })
  const ticketId = await eventually(async () => {
    const { data } = await service.from('messages').select('ticket_id, contacts!inner(phone)')
      .eq('contacts.phone', phone).not('ticket_id', 'is', null).limit(1).maybeSingle()
    return (data?.ticket_id as string | undefined) ?? undefined
  }, 15_000, `the conversation of ${phone}`)
  const { data, error } = await service.from('tickets')
    .update({ status: 'queued', team_id: DEMO.teams.support, assignee_id: null, queued_at: new Date().toISOString() })
    .eq('id', ticketId).select('id, number').single()
  expect(error).toBeNull()
  return { id: data!.id as string, number: data!.number as number, name }
}

describe('agent inbox', () => {
  it('shows Carla her open ticket and her team\'s queue with team colour and waiting time', async () => {
    const page = await agentPage(DEMO.carla.email)
    await page.locator('#conteudo').getByRole('heading', { level: 1, name: 'Atendimento' }).waitFor()

    // Em andamento: #1002 (Maria), hers, with its unread message.
    const mine = card(page, 'mine', 1002)
    await mine.waitFor()
    const totals = await carlaTotals()
    expect(await page.getByTestId('ticket-list-mine').locator('[data-testid="ticket-card"]').count()).toBe(totals.mine)
    expect(await mine.getByTestId('ticket-card-link').textContent()).toContain('Maria Aparecida Souza')
    expect(await mine.getByTestId('ticket-card-preview').textContent()).toContain('Tá bom, fico aguardando.')
    expect(await mine.getByTestId('ticket-card-unread').textContent()).toBe('1')
    expect(await mine.getByTestId('ticket-card-status').textContent()).toBe('Em andamento')
    expect(await count(page, 'mine')).toBe(totals.mine)
    expect(await count(page, 'queue')).toBe(totals.queue)
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-em-andamento')

    // Fila: #1003 (Fernanda) waiting in Suporte Técnico, in the team's colour, for about 11 minutes.
    await openTab(page, 'queue')
    const queued = card(page, 'queue', 1003)
    await queued.waitFor()
    expect(await queued.getByTestId('ticket-card-link').textContent()).toContain('Fernanda Lima 🌻')
    const team = queued.getByTestId('ticket-card-team')
    expect(await team.textContent()).toBe('Suporte Técnico')
    expect(await team.evaluate(element => (element as HTMLElement).style.getPropertyValue('--team-color'))).toBe(SUPPORT_COLOR)
    expect(await queued.getByTestId('ticket-card-waiting').textContent()).toMatch(/Aguardando há\s+1\d min/)
    await queued.getByTestId('queue-peek').waitFor()
    await queued.getByTestId('queue-accept').waitFor()
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-fila')

    // Keyboard: Alt+1 back to Em andamento, Alt+↓ opens its first ticket, Alt+2 the queue.
    await page.keyboard.press('Alt+1')
    await page.getByTestId('ticket-list-mine').waitFor()
    await page.keyboard.press('Alt+ArrowDown')
    await page.waitForURL(url => url.pathname === `/atendimento/${TICKET_1002}`)
    await page.getByTestId('conversation-pane').waitFor()
    // Opening my ticket reads it: the unread badge goes, in the database too.
    await mine.getByTestId('ticket-card-unread').waitFor({ state: 'detached' })
    await eventually(async () => {
      const { data } = await service.from('tickets').select('unread_count').eq('id', TICKET_1002).single()
      return data?.unread_count === 0 ? true : undefined
    }, 10_000, '#1002 read')
    await page.keyboard.press('Alt+2')
    await page.getByTestId('ticket-list-queue').waitFor()
    await page.keyboard.press('Alt+ArrowDown')
    await page.waitForURL(url => url.pathname === `/atendimento/${TICKET_1003}`)
    await page.locator('[data-testid="conversation-read-only"][data-reason="queued"]').waitFor()
    // Somebody else's queued ticket is not Carla's to mark as read.
    const { data: stillUnread } = await service.from('tickets').select('unread_count').eq('id', TICKET_1003).single()
    expect(stillUnread?.unread_count).toBe(1)
    // Alt+I shows and hides the details (at 1280 px they float over the conversation, closed at first).
    const toggle = page.getByTestId('details-toggle')
    const expanded = await toggle.getAttribute('aria-expanded')
    await page.keyboard.press('Alt+i')
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe(expanded === 'true' ? 'false' : 'true')
    await page.keyboard.press('Alt+i')
    await expect.poll(() => toggle.getAttribute('aria-expanded')).toBe(expanded)

    // Alt+3: everyone who ever wrote, inside the same column.
    await page.keyboard.press('Alt+3')
    await page.getByTestId('inbox-panel').getByText('Roberto Almeida').first().waitFor()
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-contatos')
  })

  it('lays out inbox, conversation and details side by side on a wide screen, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const app = await openApp(browser, { width: 1600, colorScheme })
      opened.push(app)
      await signIn(app.page, DEMO.carla.email, DEMO.password)
      await app.page.goto(appUrl(`/atendimento/${TICKET_1002}`))
      await waitForLiveInbox(app.page)
      await app.page.getByTestId('conversation-pane').waitFor()
      await app.page.getByTestId('ticket-details').waitFor()
      expect(await card(app.page, 'mine', 1002).getByTestId('ticket-card-link').getAttribute('aria-current')).toBe('page')
      // Three columns, none overlapping: inbox | conversation | details.
      const boxes = await Promise.all(['inbox-panel', 'conversation-column', 'details-column']
        .map(testId => app.page.getByTestId(testId).boundingBox()))
      const [inbox, conversation, detailsColumn] = boxes.map(box => box!)
      expect(inbox!.x + inbox!.width).toBeLessThanOrEqual(conversation!.x + 1)
      expect(conversation!.x + conversation!.width).toBeLessThanOrEqual(detailsColumn!.x + 1)
      await restPointer(app.page)
      await screenshot(app.page, `atendimento-inbox-tres-colunas-${colorScheme === 'light' ? 'claro' : 'escuro'}`)
    }
  })

  it('shows a new customer in the queue live, with the count and an alert; Espiar is read-only and Atender takes it', async () => {
    const page = await agentPage(DEMO.carla.email)
    await openTab(page, 'queue')
    await card(page, 'queue', 1003).waitFor()
    const queueBefore = await count(page, 'queue')
    const mineBefore = await count(page, 'mine')

    const waiting = await customerWaitingInSupportQueue('Paula Cliente', 'Boa tarde, minha fatura veio errada.')

    // Live: the card appears, after #1003 (it has waited less), with the count updated; no reload.
    const arrived = card(page, 'queue', waiting.number)
    await arrived.waitFor()
    expect(await arrived.getByTestId('ticket-card-link').textContent()).toContain('Paula Cliente')
    await expect.poll(() => count(page, 'queue')).toBe(queueBefore + 1)
    const order = await page.getByTestId('ticket-list-queue').locator('[data-testid="ticket-card"]')
      .evaluateAll(cards => cards.map(element => Number(element.getAttribute('data-ticket-number'))))
    expect(order.indexOf(1003)).toBeLessThan(order.indexOf(waiting.number))
    expect(await arrived.getByTestId('ticket-card-waiting').textContent()).toMatch(/Aguardando há\s+(< 1|1) min/)
    // The alert: a chime and a browser notification naming the ticket, the customer and the team.
    const alerts = await eventually(async () => {
      const probe = await alertsOf(page)
      return probe.notifications.length > 0 ? probe : undefined
    }, 5_000, 'the new-ticket notification')
    expect(alerts.chimes).toBeGreaterThan(0)
    expect(alerts.notifications).toEqual([{ title: `Novo chamado na fila: #${waiting.number}`, body: 'Paula Cliente · Suporte Técnico' }])
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-novo-na-fila')

    // Espiar: the conversation opens without accepting, marked read-only.
    await arrived.getByTestId('queue-peek').click()
    await page.waitForURL(url => url.pathname === `/atendimento/${waiting.id}`)
    await page.locator('[data-testid="conversation-read-only"][data-reason="queued"]').waitFor()
    expect(await page.getByTestId('composer').count()).toBe(0)
    expect(await arrived.getByTestId('ticket-card-link').getAttribute('aria-current')).toBe('page')
    const { data: peeked } = await service.from('tickets').select('status, assignee_id').eq('id', waiting.id).single()
    expect(peeked).toEqual({ status: 'queued', assignee_id: null })
    await screenshot(page, 'atendimento-inbox-espiar')

    // Atender: it is Carla's now, in Em andamento, and the queue shrinks.
    await arrived.getByTestId('queue-accept').click()
    const taken = card(page, 'mine', waiting.number)
    await taken.waitFor()
    await page.getByTestId('conversation-read-only').waitFor({ state: 'detached' })
    await page.getByTestId('composer').waitFor()
    expect(await count(page, 'mine')).toBe(mineBefore + 1)
    expect(await count(page, 'queue')).toBe(queueBefore)
    expect(new URL(page.url()).pathname).toBe(`/atendimento/${waiting.id}`)
    const { data: accepted } = await service.from('tickets').select('status, assignee_id').eq('id', waiting.id).single()
    expect(accepted).toEqual({ status: 'open', assignee_id: DEMO.carla.id })
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-atendido')
  })

  it('when Carla and Bruno click Atender on the same ticket, one gets it and the other is told', async () => {
    // Both see the ticket and click before either screen hears of the other's click: realtime
    // messages to both pages are held while they click, then delivered.
    const carlaLive = holdableRealtime()
    const brunoLive = holdableRealtime()
    const [carla, bruno] = await Promise.all([
      agentPage(DEMO.carla.email, { prepare: carlaLive.prepare }),
      agentPage(DEMO.bruno.email, { prepare: brunoLive.prepare }),
    ])
    await Promise.all([openTab(carla, 'queue'), openTab(bruno, 'queue')])
    const waiting = await customerWaitingInSupportQueue('Rita Cliente', 'Oi, preciso de ajuda com o modem.')
    await Promise.all([card(carla, 'queue', waiting.number).waitFor(), card(bruno, 'queue', waiting.number).waitFor()])

    carlaLive.hold()
    brunoLive.hold()
    await Promise.all([
      card(carla, 'queue', waiting.number).getByTestId('queue-accept').click(),
      card(bruno, 'queue', waiting.number).getByTestId('queue-accept').click(),
    ])
    carlaLive.release()
    brunoLive.release()

    await eventually(async () => {
      const { data } = await service.from('tickets').select('status').eq('id', waiting.id).single()
      return data?.status === 'open' ? true : undefined
    }, 10_000, 'the ticket accepted')
    const { data: row } = await service.from('tickets').select('status, assignee_id').eq('id', waiting.id).single()
    expect(row?.status).toBe('open')
    expect([DEMO.carla.id, DEMO.bruno.id]).toContain(row?.assignee_id)
    const [winner, loser] = row?.assignee_id === DEMO.carla.id ? [carla, bruno] : [bruno, carla]

    await card(winner, 'mine', waiting.number).waitFor()
    await winner.waitForURL(url => url.pathname === `/atendimento/${waiting.id}`)
    await loser.getByText(RACE_MESSAGE).waitFor()
    // The loser's queue follows: the ticket left it, and it never entered their Em andamento.
    await card(loser, 'queue', waiting.number).waitFor({ state: 'detached' })
    expect(await card(loser, 'mine', waiting.number).count()).toBe(0)
    expect(new URL(loser.url()).pathname).toBe('/atendimento')
    await restPointer(loser)
    await screenshot(loser, 'atendimento-inbox-corrida')
  })

  it('says when the live connection drops, and catches up with what happened meanwhile once it is back', async () => {
    // The realtime WebSocket goes through the test, which can cut it and refuse reconnections.
    let refusing = false
    const sockets: WebSocketRoute[] = []
    const page = await agentPage(DEMO.carla.email, {
      prepare: page => page.routeWebSocket(/\/realtime\/v1\/websocket/, (socket) => {
        if (refusing) {
          void socket.close({ code: 4000, reason: 'test: offline' })
          return
        }
        socket.connectToServer()
        sockets.push(socket)
      }),
    })
    await openTab(page, 'queue')
    const queueBefore = await count(page, 'queue')

    refusing = true
    await Promise.all(sockets.splice(0).map(socket => socket.close({ code: 4000, reason: 'test: offline' })))
    await page.getByTestId('inbox-live-interrupted').waitFor()
    const missed = await customerWaitingInSupportQueue('Teresa Cliente', 'Alguém aí? Estou sem sinal desde cedo.')
    await page.waitForTimeout(1_000)
    expect(await card(page, 'queue', missed.number).count()).toBe(0)
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-reconectando')

    // Back online: the channel rejoins, the inbox re-reads what it missed.
    refusing = false
    await page.getByTestId('inbox-live-interrupted').waitFor({ state: 'detached', timeout: 30_000 })
    await card(page, 'queue', missed.number).waitFor()
    expect(await count(page, 'queue')).toBe(queueBefore + 1)
  })

  it('keeps the alerts muted after a reload, and a muted inbox stays silent', async () => {
    const page = await agentPage(DEMO.bruno.email, { colorScheme: 'dark' })
    const bell = page.getByTestId('inbox-alerts-button')
    expect(await bell.getAttribute('data-muted')).toBe('false')
    await bell.click()
    expect(await bell.getAttribute('data-muted')).toBe('true')
    expect(await bell.getAttribute('aria-pressed')).toBe('true')

    await page.reload()
    await waitForLiveInbox(page)
    expect(await page.getByTestId('inbox-alerts-button').getAttribute('data-muted')).toBe('true')

    await openTab(page, 'queue')
    const waiting = await customerWaitingInSupportQueue('Sílvia Cliente', 'Olá! O sinal da internet sumiu.')
    await card(page, 'queue', waiting.number).waitFor()
    await page.waitForTimeout(500)
    expect(await alertsOf(page)).toEqual({ chimes: 0, notifications: [] })
    await restPointer(page)
    await screenshot(page, 'atendimento-inbox-silenciado-escuro')

    // And back on: the preference is per browser, so a new page of the same context hears it again.
    await page.getByTestId('inbox-alerts-button').click()
    await page.goto(appUrl('/atendimento'))
    await waitForLiveInbox(page)
    expect(await page.getByTestId('inbox-alerts-button').getAttribute('data-muted')).toBe('false')
  })
})
