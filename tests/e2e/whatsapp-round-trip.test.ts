/**
 * Issue #4's "tried as a new user would": on the demo connection (Evolution instance `atende-principal`,
 * served by the simulator), a message typed on the customer phone page reaches the database through the
 * real whatsapp-webhook function, and an agent's reply goes through the outbox and whatsapp-send back to
 * the phone page, where it is read (the read receipt comes back as a status).
 */
import { randomInt } from 'node:crypto'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO } from '../support/db.ts'
import { eventually, serviceClient, signedInClient } from '../support/stack.ts'
import { simulator } from '../support/simulator.ts'
import { launchBrowser, screenshot } from './support/browser.ts'

const DEMO_CHANNEL_ID = '00000000-0000-4000-d000-000000000001'
const sim = simulator()
const service = serviceClient()
let browser: Browser

beforeAll(async () => {
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
})

async function openPhone(phone: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 940 }, locale: 'pt-BR' })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  await page.goto(sim.url)
  await page.getByTestId('target-select').locator('option[value="evolution:atende-principal"]').waitFor({ state: 'attached' })
  await page.getByTestId('target-select').selectOption('evolution:atende-principal')
  await page.getByLabel('Telefone do cliente').fill(phone)
  await page.getByLabel('Telefone do cliente').press('Tab')
  await page.getByLabel('Nome no WhatsApp').fill(name)
  await page.getByLabel('Nome no WhatsApp').press('Tab')
  await page.getByTestId('chat-title').getByText('Atendimento Principal').waitFor()
  return page
}

describe('WhatsApp round trip on the demo connection', () => {
  it('a customer\'s message reaches the database and an agent\'s reply reaches the customer\'s phone', async () => {
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    const page = await openPhone(phone, 'Joana Cliente')

    await page.getByTestId('message-input').fill('Boa tarde! Minha internet caiu.')
    await page.getByTestId('message-input').press('Enter')

    // In the database: one contact with the phone and push name, a new conversation with the message
    // (the bot's replies join it at once: only the customer's message is looked for).
    const inbound = await eventually(async () => {
      const { data } = await service.from('messages')
        .select('id, ticket_id, contact_id, body, direction, status, contacts!inner(phone, whatsapp_name), tickets!inner(status, channel_id)')
        .eq('channel_id', DEMO_CHANNEL_ID).eq('contacts.phone', phone).eq('direction', 'inbound').maybeSingle()
      return data ?? undefined
    }, 15_000, 'the customer\'s message in public.messages')
    expect(inbound).toMatchObject({
      body: 'Boa tarde! Minha internet caiu.', direction: 'inbound', status: 'received',
      contacts: { phone, whatsapp_name: 'Joana Cliente' }, tickets: { status: 'bot', channel_id: DEMO_CHANNEL_ID },
    })
    // The ledger row is finished after the message is stored and the chatbot has answered it.
    const ledger = await eventually(async () => {
      const { data } = await service.from('provider_events').select('status').eq('channel_id', DEMO_CHANNEL_ID)
        .eq('event_type', 'messages.upsert').order('id', { ascending: false }).limit(1).single()
      return data?.status === 'pending' ? undefined : data
    }, 15_000, 'the webhook event processed')
    expect(ledger).toEqual({ status: 'processed' })

    // The chatbot greeted the customer with its menu; here the ticket is put in Suporte Técnico's queue
    // directly (tests/e2e/chatbot-phone.test.ts goes through the menu).
    const { error: routeError } = await service.from('tickets')
      .update({ status: 'queued', team_id: DEMO.teams.support, queued_at: new Date().toISOString() })
      .eq('id', inbound.ticket_id)
    expect(routeError).toBeNull()

    // Carla accepts it and answers; the app asks whatsapp-send to deliver at once.
    const carla = await signedInClient(DEMO.carla.email, DEMO.password)
    const accepted = await carla.rpc('accept_ticket', { p_ticket_id: inbound.ticket_id })
    expect(accepted.error).toBeNull()
    const sent = await carla.rpc('send_message', { p_ticket_id: inbound.ticket_id, p_body: 'Oi, Joana! Vou verificar sua conexão agora.' })
    expect(sent.error).toBeNull()
    const delivery = await carla.functions.invoke('whatsapp-send', { method: 'POST' })
    expect(delivery.error).toBeNull()
    // At least Carla's reply (the bot's own replies may still be leaving in the same sweep).
    expect((delivery.data as { sent: number }).sent).toBeGreaterThanOrEqual(1)

    // On the phone page: the answer appears live; the page sends its read receipt, which comes back as a status.
    await page.getByTestId('message').getByText('Oi, Joana! Vou verificar sua conexão agora.').waitFor()
    const reply = await eventually(async () => {
      const { data } = await service.from('messages').select('status, provider_message_id').eq('id', sent.data.id).single()
      return data?.status === 'read' ? data : undefined
    }, 15_000, 'the reply read by the customer')
    expect(reply.provider_message_id).toBeTruthy()
    const inbox = await sim.inbox('atende-principal', phone)
    expect(inbox.filter(message => message.text === 'Oi, Joana! Vou verificar sua conexão agora.')).toHaveLength(1)

    await page.mouse.move(0, 0)
    await screenshot(page, 'whatsapp-ida-e-volta')
    await page.context().close()
    await carla.auth.signOut()
  })
})
