/**
 * The menu chatbot and the rating, end to end through the WhatsApp simulator: the customer writes from
 * the simulator's phone, the fake Evolution API posts the real webhook to whatsapp-webhook, the bot's
 * decision is applied in the database, and its replies go through the outbox back to the customer's
 * phone — where each test reads them. Agents act through their own signed-in clients, timed rules
 * through the scheduler (time travel by moving the ticket's timestamps back, never by sleeping).
 *
 * Every test has its own Evolution channel on the simulator, with its own bot settings and menu, and its
 * own customers, so the tests never see each other's conversations. Faults are scoped to the channel's
 * instance. The stack's periodic scheduler is off in tests: the tests call it when a sweep is the point.
 */
import { randomInt, randomUUID } from 'node:crypto'
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EVOLUTION_WEBHOOK_EVENTS } from '../../local-stack/simulator/register-channels.ts'
import { EVOLUTION_SECRET_HEADER } from '../../supabase/functions/_shared/webhook-auth.ts'
import { closeOwnerPool, DEMO, ownerPool } from '../support/db.ts'
import { createChannel } from '../support/fixtures.ts'
import { simulator } from '../support/simulator.ts'
import { eventually, getStack, serviceClient, signedInClient } from '../support/stack.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

type Row = Record<string, unknown>

const sim = simulator()
const service = serviceClient()
let carla: SupabaseClient
let bruno: SupabaseClient

beforeAll(async () => {
  carla = await signedInClient(DEMO.carla.email, DEMO.password)
  bruno = await signedInClient(DEMO.bruno.email, DEMO.password)
})

afterAll(async () => {
  await carla?.auth.signOut()
  await bruno?.auth.signOut()
  await closeOwnerPool()
})

const TEXTS = {
  welcome: 'Olá! Aqui é o atendimento da Loja do Teste.',
  menuPrompt: 'Digite o número da opção:',
  invalid: 'Não entendi: responda só com o número de uma opção.',
  after: 'Anotado! Um atendente já vai falar com você.',
  outOfHours: 'Estamos fora do horário agora, mas sua mensagem fica registrada.',
  farewell: 'Atendimento encerrado. Até mais!',
  ratingPrompt: 'De 1 a 10, que nota você dá para este atendimento?',
  ratingInvalid: 'Responda com um número de 1 a 10, por favor.',
  thanks: 'Obrigado pela avaliação!',
  warning: 'Você ainda está aí? Sem resposta, o atendimento será encerrado.',
}
const MENU = `${TEXTS.menuPrompt}\n1 - Suporte Técnico\n2 - Financeiro`
const CLASSIFICATIONS = {
  solved: '00000000-0000-4000-c000-000000000002',
  inactivity: '00000000-0000-4000-c000-000000000006',
}
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

// The channel ----------------------------------------------------------------------------------------------

interface BotChannel { id: string, instance: string }

/**
 * A connected Evolution channel on the simulator with this test's bot: options 1 Suporte Técnico and
 * 2 Financeiro, Financeiro also the fallback (so a fallback is told apart from option 1), two invalid
 * answers allowed, always open unless `settings` say otherwise.
 */
async function botChannel(settings: Row = {}): Promise<BotChannel> {
  const ownNumber = `55119${randomInt(10_000_000, 99_999_999)}`
  const channel = await createChannel({ provider: 'evolution', connection_state: 'connected', phone_number: ownNumber })
  const instance = `robo-${randomUUID().slice(0, 8)}`
  const secret = `segredo-${randomUUID()}`
  const secrets = await service.from('channel_secrets').insert({
    channel_id: channel.id, webhook_secret: secret, evolution_base_url: sim.evolutionUrl, evolution_api_key: sim.evolutionApiKey, evolution_instance_name: instance,
  })
  expect(secrets.error).toBeNull()
  const configured = await service.from('bot_settings').update({
    enabled: true,
    welcome_text: TEXTS.welcome,
    menu_prompt: TEXTS.menuPrompt,
    invalid_option_text: TEXTS.invalid,
    max_invalid_attempts: 2,
    fallback_team_id: DEMO.teams.finance,
    after_selection_text: TEXTS.after,
    out_of_hours_text: TEXTS.outOfHours,
    business_hours: {},
    holidays: [],
    farewell_text: TEXTS.farewell,
    rating_prompt_text: TEXTS.ratingPrompt,
    rating_invalid_text: TEXTS.ratingInvalid,
    rating_thanks_text: TEXTS.thanks,
    low_rating_threshold: 6,
    close_keyword: '#sair',
    ...settings,
  }).eq('channel_id', channel.id).select('channel_id')
  expect(configured.error).toBeNull()
  expect(configured.data).toHaveLength(1)
  const options = await service.from('bot_menu_options').insert([
    { channel_id: channel.id, position: 1, label: 'Suporte Técnico', team_id: DEMO.teams.support },
    { channel_id: channel.id, position: 2, label: 'Financeiro', team_id: DEMO.teams.finance },
  ])
  expect(options.error).toBeNull()
  await sim.registerInstance({
    name: instance,
    state: 'open',
    ownNumber,
    profileName: 'Loja do Teste',
    webhook: { url: `${getStack().url}/functions/v1/whatsapp-webhook/evolution`, headers: { [EVOLUTION_SECRET_HEADER]: secret }, events: EVOLUTION_WEBHOOK_EVENTS, base64: true },
  })
  return { id: channel.id, instance }
}

// The customer ---------------------------------------------------------------------------------------------

interface TicketState extends Row {
  id: string
  status: string
  team_id: string | null
  bot_state: Row
  closed_reason: string | null
  classification_id: string | null
  rating_status: string | null
  rating: number | null
  low_rating_flag: boolean
}

/** A São Paulo mobile (WhatsApp keeps its 9th digit) chatting with the channel from the simulator's phone. */
class Customer {
  readonly phone = `55119${randomInt(10_000_000, 99_999_999)}`

  constructor(readonly channel: BotChannel) {}

  says(text: string): Promise<unknown> {
    return sim.customerSends(this.channel.instance, this.phone, { kind: 'text', text, name: 'Cliente do Teste' })
  }

  sendsVoiceNote(): Promise<unknown> {
    const ogg = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(200, 7)])
    return sim.customerSends(this.channel.instance, this.phone, { kind: 'audio', voiceNote: true, media: { base64: ogg.toString('base64'), mimeType: 'audio/ogg; codecs=opus', seconds: 3 } })
  }

  /** Everything the business sent to this phone, oldest first. */
  async inbox(): Promise<string[]> {
    return (await sim.inbox(this.channel.instance, this.phone)).map(message => message.text ?? `[${message.kind}]`)
  }

  /** Waits until the phone shows exactly these business messages (a duplicate or a missing one fails). */
  async receives(expected: string[]): Promise<void> {
    try {
      await eventually(async () => {
        const texts = await this.inbox()
        return JSON.stringify(texts) === JSON.stringify(expected) ? texts : undefined
      }, 15_000, `the phone to show ${expected.length} business messages`)
    }
    catch {
      expect(await this.inbox()).toEqual(expected)
    }
  }

  /** The contact's latest ticket on the channel. */
  async ticket(): Promise<TicketState> {
    const { data, error } = await service.from('tickets')
      .select('id, status, team_id, bot_state, closed_reason, classification_id, rating_status, rating, low_rating_flag, contacts!inner(phone)')
      .eq('channel_id', this.channel.id).eq('contacts.phone', this.phone)
      .order('created_at', { ascending: false }).limit(1).maybeSingle()
    expect(error).toBeNull()
    expect(data).not.toBeNull()
    return data as unknown as TicketState
  }

  async ticketWhen(condition: (ticket: TicketState) => boolean, what: string): Promise<TicketState> {
    return eventually(async () => {
      const ticket = await this.ticket()
      return condition(ticket) ? ticket : undefined
    }, 15_000, what)
  }
}

/** Greets, then picks an option: the ticket waits in that option's queue. */
async function routed(customer: Customer, option: '1' | '2'): Promise<TicketState> {
  await customer.says('Olá, boa tarde!')
  await customer.receives([TEXTS.welcome, MENU])
  await customer.says(option)
  await customer.receives([TEXTS.welcome, MENU, TEXTS.after])
  return customer.ticketWhen(ticket => ticket.status === 'queued', 'the ticket in the queue')
}

// Agents, events and the scheduler -------------------------------------------------------------------------

async function rpc(client: SupabaseClient, name: string, args: Row): Promise<Row> {
  const { data, error } = await client.rpc(name, args)
  expect(error).toBeNull()
  return data as Row
}

/** The app's call right after an agent sends or closes. */
async function deliverNow(client: SupabaseClient): Promise<void> {
  const { error } = await client.functions.invoke('whatsapp-send', { body: {} })
  expect(error).toBeNull()
}

async function runScheduler(): Promise<Row> {
  const { serviceRoleKey, url } = getStack()
  const response = await fetch(`${url}/functions/v1/scheduler`, {
    method: 'POST', headers: { 'authorization': `Bearer ${serviceRoleKey}`, 'apikey': serviceRoleKey, 'content-type': 'application/json' }, body: '{}',
  })
  expect(response.status).toBe(200)
  return await response.json() as Row
}

async function eventsOf(ticketId: string, type: string): Promise<Row[]> {
  const { data, error } = await service.from('ticket_events').select('type, to_team_id, data').eq('ticket_id', ticketId).eq('type', type).order('id')
  expect(error).toBeNull()
  return data as Row[]
}

async function outboundOf(ticketId: string): Promise<Row[]> {
  const { data, error } = await service.from('messages').select('sender_type, body, status, provider_message_id')
    .eq('ticket_id', ticketId).eq('direction', 'outbound').order('created_at')
  expect(error).toBeNull()
  return data as Row[]
}

/** Moves a ticket's clock back, as if `minutes` had passed since its last messages (and its warning). */
async function travel(ticketId: string, minutes: number): Promise<void> {
  await ownerPool().query(
    `update public.tickets
     set last_message_at = last_message_at - make_interval(mins => $2),
         last_inbound_at = last_inbound_at - make_interval(mins => $2),
         bot_state = case when bot_state ? 'inactivity_warned_at'
           then jsonb_set(bot_state, '{inactivity_warned_at}', to_jsonb((bot_state ->> 'inactivity_warned_at')::timestamptz - make_interval(mins => $2)))
           else bot_state end
     where id = $1`,
    [ticketId, minutes],
  )
}

// The menu -------------------------------------------------------------------------------------------------

describe('the menu', () => {
  it('greets a new customer with the menu; an option puts the ticket in that team\'s queue with the after-selection text', async () => {
    const customer = new Customer(await botChannel())
    await customer.says('Olá, boa tarde!')
    await customer.receives([TEXTS.welcome, MENU])
    const waiting = await customer.ticket()
    expect(waiting).toMatchObject({ status: 'bot', team_id: null, bot_state: { stage: 'menu', invalid_attempts: 0 } })

    await customer.says('1')
    await customer.receives([TEXTS.welcome, MENU, TEXTS.after])
    const ticket = await customer.ticketWhen(row => row.status === 'queued', 'the ticket in the queue')
    expect(ticket).toMatchObject({ id: waiting.id, team_id: DEMO.teams.support })
    expect(await eventsOf(ticket.id, 'queued')).toEqual([{ type: 'queued', to_team_id: DEMO.teams.support, data: expect.objectContaining({ reason: 'option', position: 1 }) }])

    // Every reply is a bot message of the conversation, sent through the outbox (so it has its provider id).
    const replies = await eventually(async () => {
      const rows = await outboundOf(ticket.id)
      return rows.every(row => row.provider_message_id) ? rows : undefined
    }, 15_000, 'the replies recorded as sent')
    expect(replies.map(row => [row.sender_type, row.body])).toEqual([['bot', TEXTS.welcome], ['bot', MENU], ['bot', TEXTS.after]])
  })

  it('re-prompts invalid answers with an explanation, then hands the customer to the fallback team', async () => {
    const customer = new Customer(await botChannel())
    await customer.says('oi')
    await customer.receives([TEXTS.welcome, MENU])
    await customer.says('quero falar com alguém')
    await customer.receives([TEXTS.welcome, MENU, TEXTS.invalid, MENU])
    expect((await customer.ticket()).bot_state).toMatchObject({ stage: 'menu', invalid_attempts: 1 })

    await customer.says('7')
    await customer.receives([TEXTS.welcome, MENU, TEXTS.invalid, MENU, TEXTS.after])
    const ticket = await customer.ticketWhen(row => row.status === 'queued', 'the ticket in the fallback queue')
    expect(ticket.team_id).toBe(DEMO.teams.finance)
    expect((await eventsOf(ticket.id, 'queued'))[0]!.data).toMatchObject({ reason: 'fallback', position: null })
  })

  it('answers a voice note during the menu with the menu again, and still takes the option after it', async () => {
    const customer = new Customer(await botChannel())
    await customer.says('Bom dia')
    await customer.receives([TEXTS.welcome, MENU])
    await customer.sendsVoiceNote()
    await customer.receives([TEXTS.welcome, MENU, MENU])
    await customer.says('2')
    await customer.receives([TEXTS.welcome, MENU, MENU, TEXTS.after])
    expect((await customer.ticketWhen(row => row.status === 'queued', 'the ticket in the queue')).team_id).toBe(DEMO.teams.finance)
  })

  it('out of hours: the out-of-hours text with the welcome, and the menu still routes', async () => {
    // Every day listed without a range: closed all week, whatever the time of the test run.
    const customer = new Customer(await botChannel({ business_hours: Object.fromEntries(WEEKDAYS.map(day => [day, []])) }))
    await customer.says('Alguém aí?')
    await customer.receives([TEXTS.welcome, TEXTS.outOfHours, MENU])
    await customer.says('1')
    await customer.receives([TEXTS.welcome, TEXTS.outOfHours, MENU, TEXTS.after])
    expect((await customer.ticketWhen(row => row.status === 'queued', 'the ticket in the queue')).team_id).toBe(DEMO.teams.support)
  })

  it('with the bot off, the first message goes straight to the fallback team', async () => {
    const customer = new Customer(await botChannel({ enabled: false }))
    await customer.says('Preciso de ajuda com meu boleto')
    await customer.receives([TEXTS.after])
    const ticket = await customer.ticketWhen(row => row.status === 'queued', 'the ticket in the queue')
    expect(ticket.team_id).toBe(DEMO.teams.finance)
    expect((await eventsOf(ticket.id, 'queued'))[0]!.data).toMatchObject({ reason: 'bot_disabled' })
  })

  it('the close keyword ends the menu conversation with the farewell and no rating; writing again starts over', async () => {
    const customer = new Customer(await botChannel())
    await customer.says('oi')
    await customer.receives([TEXTS.welcome, MENU])
    const first = await customer.ticket()
    await customer.says('  #SAIR ')
    await customer.receives([TEXTS.welcome, MENU, TEXTS.farewell])
    expect(await customer.ticketWhen(row => row.status === 'closed', 'the ticket closed')).toMatchObject({ id: first.id, closed_reason: 'customer_keyword', rating_status: null })

    await customer.says('Voltei!')
    await customer.receives([TEXTS.welcome, MENU, TEXTS.farewell, TEXTS.welcome, MENU])
    const second = await customer.ticket()
    expect(second.id).not.toBe(first.id)
    expect(second.status).toBe('bot')
  })

  it('in a queue the bot is done: the close keyword is kept as a message for the agent, and nothing is sent', async () => {
    const customer = new Customer(await botChannel())
    const ticket = await routed(customer, '1')
    const sent = await customer.says('#sair') as { id: string }
    const ledger = await eventually(async () => {
      const { data } = await service.from('provider_events').select('status').eq('channel_id', customer.channel.id).eq('provider_message_id', sent.id).maybeSingle()
      return data && data.status !== 'pending' ? data : undefined
    }, 15_000, 'the webhook processed')
    expect(ledger).toEqual({ status: 'processed' })
    const { data: stored } = await service.from('messages').select('ticket_id, body').eq('channel_id', customer.channel.id).eq('provider_message_id', sent.id).single()
    expect(stored).toEqual({ ticket_id: ticket.id, body: '#sair' })
    expect(await customer.ticket()).toMatchObject({ id: ticket.id, status: 'queued' })
    expect(await outboundOf(ticket.id)).toHaveLength(3)
    expect(await customer.inbox()).toEqual([TEXTS.welcome, MENU, TEXTS.after])
  })
})

// Closing and the rating -----------------------------------------------------------------------------------

describe('closing and the rating', () => {
  /** The agent accepts the queued ticket, answers, and closes it with a classification; the app sends at once. */
  async function agentCloses(agent: SupabaseClient, ticket: TicketState): Promise<void> {
    await rpc(agent, 'accept_ticket', { p_ticket_id: ticket.id })
    await rpc(agent, 'close_ticket', { p_ticket_id: ticket.id, p_classification_id: CLASSIFICATIONS.solved, p_comment: 'Resolvido no primeiro contato.' })
    await deliverNow(agent)
  }

  it('the agent closes: farewell and rating prompt on the phone; "nota 9" is thanked and stored', async () => {
    const customer = new Customer(await botChannel())
    const ticket = await routed(customer, '1')
    await agentCloses(carla, ticket)
    const before = [TEXTS.welcome, MENU, TEXTS.after, TEXTS.farewell, TEXTS.ratingPrompt]
    await customer.receives(before)
    expect(await customer.ticket()).toMatchObject({ id: ticket.id, status: 'closed', closed_reason: 'agent', classification_id: CLASSIFICATIONS.solved, rating_status: 'requested' })

    await customer.says('nota 9')
    await customer.receives([...before, TEXTS.thanks])
    expect(await customer.ticketWhen(row => row.rating_status === 'rated', 'the rating stored')).toMatchObject({ id: ticket.id, rating: 9, low_rating_flag: false })
    expect((await eventsOf(ticket.id, 'rated'))[0]!.data).toMatchObject({ rating: 9, raw_answer: 'nota 9' })
    expect(await eventsOf(ticket.id, 'low_rating_flagged')).toEqual([])
  })

  it('a score at or below the threshold flags the ticket; the closing agent\'s own farewell goes first', async () => {
    const { data: profile } = await service.from('profiles').select('farewell_text').eq('id', DEMO.bruno.id).single()
    const brunoFarewell = (profile as { farewell_text: string | null }).farewell_text
    expect(brunoFarewell).toBeTruthy()
    const customer = new Customer(await botChannel())
    const ticket = await routed(customer, '1')
    await agentCloses(bruno, ticket)
    const before = [TEXTS.welcome, MENU, TEXTS.after, brunoFarewell!, TEXTS.ratingPrompt]
    await customer.receives(before)

    await customer.says('3/10')
    await customer.receives([...before, TEXTS.thanks])
    expect(await customer.ticketWhen(row => row.rating_status === 'rated', 'the rating stored')).toMatchObject({ rating: 3, low_rating_flag: true })
    expect((await eventsOf(ticket.id, 'low_rating_flagged'))[0]!.data).toMatchObject({ rating: 3, threshold: 6 })
  })

  it('an answer that is not a score is re-prompted once; the next one opens a new ticket with that text, never swallowed', async () => {
    const customer = new Customer(await botChannel())
    const ticket = await routed(customer, '1')
    await agentCloses(carla, ticket)
    const before = [TEXTS.welcome, MENU, TEXTS.after, TEXTS.farewell, TEXTS.ratingPrompt]
    await customer.receives(before)

    await customer.says('foi bom')
    await customer.receives([...before, TEXTS.ratingInvalid])
    expect(await customer.ticket()).toMatchObject({ id: ticket.id, rating_status: 'requested', bot_state: expect.objectContaining({ rating_invalid_attempts: 1 }) })

    const text = 'Na verdade minha fatura deste mês veio com valor errado'
    await customer.says(text)
    await customer.receives([...before, TEXTS.ratingInvalid, TEXTS.welcome, MENU])
    const fresh = await customer.ticket()
    expect(fresh.id).not.toBe(ticket.id)
    expect(fresh).toMatchObject({ status: 'bot', bot_state: expect.objectContaining({ stage: 'menu' }) })
    const { data: moved } = await service.from('messages').select('ticket_id').eq('channel_id', customer.channel.id).eq('body', text).single()
    expect(moved).toEqual({ ticket_id: fresh.id })
    const { data: old } = await service.from('tickets').select('rating_status, rating').eq('id', ticket.id).single()
    expect(old).toEqual({ rating_status: 'expired', rating: null })
  })
})

// Inactivity -----------------------------------------------------------------------------------------------

describe('inactivity', () => {
  const INACTIVITY = {
    inactivity_warning_minutes: 10,
    inactivity_close_minutes: 20,
    inactivity_warning_text: TEXTS.warning,
    inactivity_classification_id: CLASSIFICATIONS.inactivity,
  }

  it('a customer who stops answering gets the warning, then the ticket closes with its classification and the farewell', async () => {
    const customer = new Customer(await botChannel(INACTIVITY))
    const ticket = await routed(customer, '1')
    await rpc(carla, 'accept_ticket', { p_ticket_id: ticket.id })
    const question = 'Consegue me mandar uma foto das luzes do roteador?'
    await rpc(carla, 'send_message', { p_ticket_id: ticket.id, p_body: question })
    await deliverNow(carla)
    await customer.receives([TEXTS.welcome, MENU, TEXTS.after, question])

    // 11 minutes of silence: the scheduler warns (and its outbox sweep delivers the warning).
    await travel(ticket.id, 11)
    const warnedRun = await runScheduler()
    expect(((warnedRun.chatbot as Row).inactivity as Row).warned).toBeGreaterThanOrEqual(1)
    await customer.receives([TEXTS.welcome, MENU, TEXTS.after, question, TEXTS.warning])
    expect(await eventsOf(ticket.id, 'inactivity_warned')).toHaveLength(1)
    expect(await customer.ticket()).toMatchObject({ status: 'open' })

    // 21 more minutes: the close.
    await travel(ticket.id, 21)
    const { data: counts, error } = await service.rpc('run_inactivity_rules', { p_now: new Date().toISOString() })
    expect(error).toBeNull()
    expect((counts as { closed: number }).closed).toBeGreaterThanOrEqual(1)
    expect(await customer.ticket()).toMatchObject({ id: ticket.id, status: 'closed', closed_reason: 'inactivity', classification_id: CLASSIFICATIONS.inactivity, rating_status: null })
    await runScheduler()
    await customer.receives([TEXTS.welcome, MENU, TEXTS.after, question, TEXTS.warning, TEXTS.farewell])
  })

  it('an answer resets the clock: no warning while the customer keeps talking', async () => {
    const customer = new Customer(await botChannel(INACTIVITY))
    const ticket = await routed(customer, '1')
    await rpc(carla, 'accept_ticket', { p_ticket_id: ticket.id })
    await rpc(carla, 'send_message', { p_ticket_id: ticket.id, p_body: 'Qual o modelo do aparelho?' })
    await deliverNow(carla)
    await customer.receives([TEXTS.welcome, MENU, TEXTS.after, 'Qual o modelo do aparelho?'])
    await travel(ticket.id, 11)
    // The customer answers before the sweep: the last word is theirs, so there is nothing to warn about.
    await customer.says('É o modelo X200')
    await eventually(async () => {
      const { data } = await service.from('messages').select('id').eq('ticket_id', ticket.id).eq('body', 'É o modelo X200').maybeSingle()
      return data ?? undefined
    }, 15_000, 'the answer stored')
    await runScheduler()
    expect(await eventsOf(ticket.id, 'inactivity_warned')).toEqual([])
    expect(await customer.inbox()).toEqual([TEXTS.welcome, MENU, TEXTS.after, 'Qual o modelo do aparelho?'])
  })

  it('a customer who leaves the menu unanswered has the conversation closed by the scheduler, without messages', async () => {
    const customer = new Customer(await botChannel(INACTIVITY))
    await customer.says('oi')
    await customer.receives([TEXTS.welcome, MENU])
    const ticket = await customer.ticket()
    await travel(ticket.id, 21)
    const run = await runScheduler()
    expect(((run.chatbot as Row).inactivity as Row).bot_closed).toBeGreaterThanOrEqual(1)
    expect(await customer.ticket()).toMatchObject({ id: ticket.id, status: 'closed', closed_reason: 'bot' })
    expect(await outboundOf(ticket.id)).toHaveLength(2)
    expect(await customer.inbox()).toEqual([TEXTS.welcome, MENU])
  })
})

// Deliveries that go wrong ---------------------------------------------------------------------------------

describe('deliveries that go wrong', () => {
  it('a webhook delivered twice is answered once', async () => {
    const channel = await botChannel()
    const customer = new Customer(channel)
    await sim.setFaults({ duplicateWebhooks: 1 }, channel.instance)
    try {
      const sent = await customer.says('Olá!') as { id: string }
      // Both deliveries processed: one stored the message, the other found it.
      const rows = await eventually(async () => {
        const { data } = await service.from('provider_events').select('status').eq('channel_id', channel.id).eq('provider_message_id', sent.id)
        const statuses = (data ?? []).map(row => row.status as string).sort()
        return statuses.length === 2 && statuses.every(status => status !== 'pending') ? statuses : undefined
      }, 15_000, 'both deliveries of the webhook processed')
      expect(rows).toEqual(['duplicate', 'processed'])
      await customer.receives([TEXTS.welcome, MENU])
      const ticket = await customer.ticket()
      const outbound = await eventually(async () => {
        const replies = await outboundOf(ticket.id)
        return replies.every(reply => reply.status !== 'pending') ? replies : undefined
      }, 15_000, 'the replies sent')
      expect(outbound.map(reply => reply.body)).toEqual([TEXTS.welcome, MENU])
      expect(await customer.inbox()).toEqual([TEXTS.welcome, MENU])
    }
    finally {
      await sim.clearFaults(channel.instance)
    }
  })

  it('a failing send never changes the webhook\'s answer: the reply waits in the outbox and the scheduler delivers it', async () => {
    const channel = await botChannel()
    const customer = new Customer(channel)
    await sim.setFaults({ failSends: { count: 1, mode: 'http500' } }, channel.instance)
    try {
      const sent = await customer.says('Bom dia!') as { id: string }
      const ledger = await eventually(async () => {
        const { data } = await service.from('provider_events').select('status').eq('channel_id', channel.id).eq('provider_message_id', sent.id).maybeSingle()
        return data && data.status !== 'pending' ? data : undefined
      }, 15_000, 'the webhook processed')
      expect(ledger).toEqual({ status: 'processed' })
      const answers = (await sim.log({ kind: 'webhook', target: channel.instance })).map(entry => entry.status).filter(status => status !== null)
      expect(answers.length).toBeGreaterThan(0)
      expect(answers.every(status => status === 200)).toBe(true)

      // The welcome's send failed and waits for its retry; the menu waits behind it (order per conversation).
      const ticket = await customer.ticket()
      const retrying = await eventually(async () => {
        const { data } = await service.from('outbox').select('status, attempts, last_error').eq('ticket_id', ticket.id).order('id')
        return data?.length === 2 && data[0]!.attempts === 1 && data[0]!.status === 'queued' ? data : undefined
      }, 15_000, 'the failed send back in the queue')
      expect(retrying[0]!.last_error).toBeTruthy()
      expect(retrying[1]).toMatchObject({ status: 'queued', attempts: 0 })
      expect(await customer.inbox()).toEqual([])

      // Its retry time comes (moved forward instead of waiting) and the scheduler's sweep sends both, in order.
      await ownerPool().query('update public.outbox set next_attempt_at = now() where ticket_id = $1 and status = \'queued\'', [ticket.id])
      expect((await runScheduler()).outbox).toMatchObject({ sent: expect.any(Number) })
      await customer.receives([TEXTS.welcome, MENU])
    }
    finally {
      await sim.clearFaults(channel.instance)
    }
  })

  it('a run that died between storing the message and the bot is healed by the ledger retry', async () => {
    const channel = await botChannel()
    const customer = new Customer(channel)
    const providerId = `3EB0${randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase()}`
    const body = readFixture('evolution', 'messages-upsert-text.json') as Row & { data: Row & { key: Row } }
    body.instance = channel.instance
    body.data.key = { ...body.data.key, remoteJid: `${customer.phone}@s.whatsapp.net`, id: providerId }
    delete body.data.key.remoteJidAlt
    const text = (body.data.message as Row).conversation as string

    // The first run stored the message (and its new ticket), then died before the bot.
    const { data: contactId, error: contactError } = await service.rpc('resolve_contact', { p_identities: [{ kind: 'phone', value: customer.phone }], p_whatsapp_name: 'Maria Souza' })
    expect(contactError).toBeNull()
    const { data: ingested, error: ingestError } = await service.rpc('ingest_inbound_message', {
      p_channel_id: channel.id, p_contact_id: contactId, p_message: { provider_message_id: providerId, kind: 'text', body: text, provider_timestamp: new Date().toISOString() },
    })
    expect(ingestError).toBeNull()
    expect(ingested).toMatchObject({ duplicate: false, ticket_status: 'bot', ticket_created: true })
    const { data: event, error: ledgerError } = await service.from('provider_events').insert({
      provider: 'evolution', channel_id: channel.id, event_type: 'messages.upsert', provider_message_id: providerId, payload: body, headers: {},
      status: 'pending', attempts: 1, next_attempt_at: new Date(Date.now() - 1000).toISOString(),
    }).select('id').single()
    expect(ledgerError).toBeNull()

    // The scheduler re-runs the event: the message is a duplicate, and the bot still owes it its answer.
    const run = await runScheduler()
    expect((run.ledger as Row).claimed).toBeGreaterThanOrEqual(1)
    const { data: retried } = await service.from('provider_events').select('status, attempts').eq('id', (event as { id: number }).id).single()
    expect(retried).toEqual({ status: 'duplicate', attempts: 2 })
    await customer.receives([TEXTS.welcome, MENU])
    expect((await customer.ticket()).bot_state).toMatchObject({ stage: 'menu', handled_message_ids: [(ingested as { message_id: string }).message_id] })
  })
})
