/**
 * The chatbot's wiring (supabase/functions/_shared/chatbot/{context,run-bot}.ts) against a scripted
 * service client: which ticket it reads, what it decides with the real engine, the exact JSON it hands
 * to apply_bot_decision / apply_rating_answer, the retry on `state_changed`, the rating that turns into
 * a new ticket, and when it stays out of a conversation. The settings reader is checked on its own.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import {
  botContextFromJson,
  DEFAULT_TIMEZONE,
  MissingBotSettingsError,
  readBotSettings,
  readBusinessHours,
  readMenuOptions,
  validTimezone,
} from '../../supabase/functions/_shared/chatbot/context.ts'
import {
  BotContentionError,
  botStateVersion,
  MAX_DECISION_ATTEMPTS,
  menuDecisionToJson,
  ratingDecisionToJson,
  type KnownForBot,
  runBotForMessage,
  runBotForStoredMessage,
  ticketFromRow,
} from '../../supabase/functions/_shared/chatbot/run-bot.ts'
import type { InboundForBot } from '../../supabase/functions/_shared/chatbot/types.ts'
import { DatabaseError } from '../../supabase/functions/_shared/ingest/rpc.ts'

type Row = Record<string, unknown>

const CHANNEL = '00000000-0000-4000-d000-0000000000b1'
const TICKET = '00000000-0000-4000-f000-000000000001'
const NEW_TICKET = '00000000-0000-4000-f000-000000000002'
const MESSAGE = '00000000-0000-4000-f100-000000000001'
const SUPPORT = '00000000-0000-4000-b000-000000000001'
const FINANCE = '00000000-0000-4000-b000-000000000002'
const FALLBACK = '00000000-0000-4000-b000-000000000009'
// A Tuesday, 14:00 in São Paulo.
const NOW = new Date('2026-03-10T17:00:00Z')

const SETTINGS_ROW: Row = {
  channel_id: CHANNEL,
  enabled: true,
  welcome_text: 'Olá! Bem-vindo.',
  menu_prompt: 'Escolha uma opção:',
  invalid_option_text: 'Não entendi.',
  max_invalid_attempts: 2,
  fallback_team_id: FALLBACK,
  after_selection_text: 'Já vamos te atender.',
  out_of_hours_text: 'Estamos fora do horário.',
  business_hours: {},
  holidays: [],
  timezone: null,
  farewell_text: 'Até logo!',
  rating_prompt_text: 'Dê uma nota de 1 a 10.',
  rating_invalid_text: 'Responda só com um número de 1 a 10.',
  rating_thanks_text: 'Obrigado pela nota!',
  close_keyword: '#sair',
}

const OPTION_ROWS: Row[] = [
  { channel_id: CHANNEL, position: 2, label: 'Financeiro', team_id: FINANCE },
  { channel_id: CHANNEL, position: 1, label: 'Suporte Técnico', team_id: SUPPORT },
]

const MENU_TEXT = 'Escolha uma opção:\n1 - Suporte Técnico\n2 - Financeiro'

interface RpcCall { name: string, args: Row }
type RpcAnswer = { data: unknown, error: null } | { data: null, error: { code: string, message: string } }

/**
 * A service client over in-memory tables: `from(t).select().eq().maybeSingle()`, `.order()` awaited as a
 * list, and `rpc()` answered by the test (which may change the tables, as the real functions do).
 */
function fakeService(tables: Record<string, Row[]>, answer: (call: RpcCall, tables: Record<string, Row[]>) => RpcAnswer) {
  const rpcs: RpcCall[] = []
  const reads: string[] = []
  const service = {
    from(table: string) {
      const filters: [string, unknown][] = []
      const rows = () => (tables[table] ?? []).filter(row => filters.every(([column, value]) => row[column] === value))
      const builder = {
        select: () => builder,
        eq: (column: string, value: unknown) => {
          filters.push([column, value])
          return builder
        },
        order: (column: string) => ({
          then: (resolve: (value: unknown) => void) => {
            reads.push(table)
            resolve({ data: [...rows()].sort((a, b) => Number(a[column]) - Number(b[column])), error: null })
          },
        }),
        maybeSingle: async () => {
          reads.push(table)
          const found = rows()
          return { data: found[0] ? structuredClone(found[0]) : null, error: null }
        },
      }
      return builder
    },
    async rpc(name: string, args: Row) {
      const call = { name, args: structuredClone(args) }
      rpcs.push(call)
      return answer(call, tables)
    },
  }
  return { service: service as unknown as SupabaseClient, rpcs, reads }
}

function baseTables(ticket: Row): Record<string, Row[]> {
  return {
    tickets: [{ id: TICKET, channel_id: CHANNEL, status: 'bot', bot_state: {}, rating_status: null, rating_requested_at: null, ...ticket }],
    bot_settings: [{ ...SETTINGS_ROW }],
    bot_menu_options: OPTION_ROWS.map(row => ({ ...row })),
    app_settings: [{ timezone: 'America/Sao_Paulo' }],
    messages: [],
  }
}

const text = (body: string, overrides: Partial<InboundForBot> = {}): InboundForBot =>
  ({ messageId: MESSAGE, kind: 'text', text: body, interactiveId: null, ...overrides })

const applied = (data: Row = {}): RpcAnswer => ({ data: { applied: true, ...data }, error: null })
const notApplied = (reason: string): RpcAnswer => ({ data: { applied: false, reason }, error: null })

describe('runBotForMessage on a ticket with the bot', () => {
  it('greets a new conversation with the menu and applies it against the version it read', async () => {
    const { service, rpcs } = fakeService(baseTables({ bot_state: {} }), () => applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('Oi, boa tarde'))

    expect(rpcs).toEqual([{
      name: 'apply_bot_decision',
      args: {
        p_ticket_id: TICKET,
        p_message_id: MESSAGE,
        p_expected_version: 0,
        p_decision: { replies: ['Olá! Bem-vindo.', MENU_TEXT], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: null },
      },
    }])
    expect(run).toEqual({ steps: [{ flow: 'menu', ticketId: TICKET, applied: true, reason: null, replies: 2 }], answered: 1, eventFinished: false })
  })

  it('routes a valid option to its team with the after-selection text', async () => {
    const { service, rpcs } = fakeService(baseTables({ bot_state: { stage: 'menu', invalid_attempts: 0, version: 4 } }), () => applied())
    await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text(' 2 '))
    expect(rpcs[0]!.args).toMatchObject({
      p_expected_version: 4,
      p_decision: { replies: ['Já vamos te atender.'], route: { team_id: FINANCE, reason: 'option', position: 2 }, close: null },
    })
  })

  it('the close keyword: no reply of its own, but it counts as answered (the database queues the farewell, which must go out now)', async () => {
    const { service, rpcs } = fakeService(baseTables({ bot_state: { stage: 'menu', invalid_attempts: 0, version: 1 } }), () => applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('#SAIR'))
    expect(rpcs[0]!.args.p_decision).toEqual({ replies: [], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: { reason: 'customer_keyword' } })
    expect(run).toEqual({ steps: [{ flow: 'menu', ticketId: TICKET, applied: true, reason: null, replies: 0 }], answered: 1, eventFinished: false })
  })

  it('adds the out-of-hours text to the greeting in the channel\'s timezone', async () => {
    const tables = baseTables({})
    // Open only on Mondays; NOW is a Tuesday.
    tables.bot_settings![0]!.business_hours = { mon: [{ start: '08:00', end: '18:00' }] }
    const { service, rpcs } = fakeService(tables, () => applied())
    await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('Olá'))
    expect((rpcs[0]!.args.p_decision as Row).replies).toEqual(['Olá! Bem-vindo.', 'Estamos fora do horário.', MENU_TEXT])
  })

  it('decides again on the fresh state when another message changed it meanwhile', async () => {
    const tables = baseTables({ bot_state: {} })
    const { service, rpcs, reads } = fakeService(tables, (call, current) => {
      if (call.name !== 'apply_bot_decision') throw new Error(call.name)
      if (rpcs.length === 1) {
        // The customer's previous message was answered first: the welcome is out, the menu is up.
        current.tickets![0]!.bot_state = { stage: 'menu', invalid_attempts: 0, version: 1 }
        return notApplied('state_changed')
      }
      return applied()
    })
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'))

    expect(rpcs.map(call => call.args.p_expected_version)).toEqual([0, 1])
    // First try: a new conversation (greeting). Second: "1" answers the menu the customer now has.
    expect((rpcs[0]!.args.p_decision as Row).route).toBeNull()
    expect((rpcs[1]!.args.p_decision as Row).route).toEqual({ team_id: SUPPORT, reason: 'option', position: 1 })
    expect(run.answered).toBe(1)
    expect(run.steps[0]!.replies).toBe(1)
    // The channel's settings are read once per message, the ticket once per try.
    expect(reads.filter(table => table === 'tickets')).toHaveLength(2)
    expect(reads.filter(table => table === 'bot_settings')).toHaveLength(1)
  })

  it('gives up after a few state changes in a row with an error the ledger retries', async () => {
    const { service, rpcs } = fakeService(baseTables({}), () => notApplied('state_changed'))
    const running = runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'))
    await expect(running).rejects.toBeInstanceOf(BotContentionError)
    await expect(running).rejects.toMatchObject({ permanent: false })
    expect(rpcs).toHaveLength(MAX_DECISION_ATTEMPTS)
  })

  it('reports a message already handled (a re-delivery) without queuing anything', async () => {
    const { service } = fakeService(baseTables({}), () => notApplied('already_handled'))
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'))
    expect(run).toEqual({ steps: [{ flow: 'menu', ticketId: TICKET, applied: false, reason: 'already_handled', replies: 0 }], answered: 0, eventFinished: false })
  })

  it('stays out when the ticket left the bot before it could read it', async () => {
    const { service, rpcs } = fakeService(baseTables({ status: 'queued', team_id: SUPPORT }), () => applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'))
    expect(rpcs).toEqual([])
    expect(run.steps).toEqual([{ flow: 'menu', ticketId: TICKET, applied: false, reason: 'not_with_bot', replies: 0 }])
  })

  it('turns a database refusal into an error that says whether retrying helps', async () => {
    const { service } = fakeService(baseTables({}), () => ({ data: null, error: { code: 'P0001', message: 'decision_invalid' } }))
    await expect(runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1')))
      .rejects.toMatchObject({ name: 'DatabaseError', permanent: true })
    const flaky = fakeService(baseTables({}), () => ({ data: null, error: { code: '57014', message: 'canceling statement due to statement timeout' } }))
    const error = await runBotForMessage({ service: flaky.service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1')).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(DatabaseError)
    expect((error as DatabaseError).permanent).toBe(false)
  })
})

describe('runBotForMessage leaves other conversations alone', () => {
  it.each([
    ['queued (waiting for an agent)', { ticket_status: 'queued' }],
    ['open (with an agent)', { ticket_status: 'open' }],
    ['closed without a pending rating', { ticket_status: 'closed' }],
    ['a blocked contact (no ticket)', { ticket_id: null, ticket_status: null }],
  ])('%s', async (_case, ingest) => {
    const { service, rpcs, reads } = fakeService(baseTables({}), () => applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ...ingest }, text('#sair'))
    expect(run).toEqual({ steps: [], answered: 0, eventFinished: false })
    expect(rpcs).toEqual([])
    expect(reads).toEqual([])
  })
})

describe('runBotForMessage on a rating answer', () => {
  const pending = { status: 'closed', team_id: SUPPORT, rating_status: 'requested', rating_requested_at: '2026-03-10T16:00:00Z', bot_state: { stage: 'menu', invalid_attempts: 0, version: 3 } }

  it('records a valid score with the thanks', async () => {
    const { service, rpcs } = fakeService(baseTables(pending), () => applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('nota 9'))
    expect(rpcs).toEqual([{
      name: 'apply_rating_answer',
      args: { p_ticket_id: TICKET, p_message_id: MESSAGE, p_decision: { outcome: 'rated', score: 9, replies: ['Obrigado pela nota!'] } },
    }])
    expect(run).toEqual({ steps: [{ flow: 'rating', ticketId: TICKET, applied: true, reason: null, replies: 1 }], answered: 1, eventFinished: false })
  })

  it('re-prompts the first answer that is not a score', async () => {
    const { service, rpcs } = fakeService(baseTables(pending), () => applied())
    await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('foi ótimo'))
    expect(rpcs[0]!.args.p_decision).toEqual({ outcome: 'reprompt', replies: ['Responda só com um número de 1 a 10.'], state: { invalid_attempts: 1 } })
  })

  it('after the re-prompt, the text opens a new ticket and the menu greets it there', async () => {
    const tables = baseTables({ ...pending, bot_state: { ...pending.bot_state, rating_invalid_attempts: 1 } })
    const { service, rpcs } = fakeService(tables, (call, current) => {
      if (call.name === 'apply_rating_answer') {
        current.tickets!.push({ id: NEW_TICKET, channel_id: CHANNEL, status: 'bot', bot_state: {}, rating_status: null, rating_requested_at: null })
        return applied({ new_ticket_id: NEW_TICKET })
      }
      return applied()
    })
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('minha internet caiu de novo'))

    expect(rpcs.map(call => call.name)).toEqual(['apply_rating_answer', 'apply_bot_decision'])
    expect(rpcs[0]!.args.p_decision).toEqual({ outcome: 'new_ticket', replies: [] })
    expect(rpcs[1]!.args).toMatchObject({ p_ticket_id: NEW_TICKET, p_message_id: MESSAGE, p_expected_version: 0, p_decision: { replies: ['Olá! Bem-vindo.', MENU_TEXT] } })
    expect(run.steps.map(step => [step.flow, step.ticketId, step.applied])).toEqual([['rating', TICKET, true], ['menu', NEW_TICKET, true]])
    expect(run.answered).toBe(2)
    expect(run.steps.map(step => step.replies)).toEqual([0, 2])
  })

  it('a rating that expired meanwhile still hands the text over: it moves to a live conversation, where the menu answers it', async () => {
    const { service, rpcs } = fakeService(baseTables({ ...pending, rating_status: 'expired' }), (call, current) => {
      if (call.name === 'apply_rating_answer') {
        current.tickets!.push({ id: NEW_TICKET, channel_id: CHANNEL, status: 'bot', bot_state: {}, rating_status: null, rating_requested_at: null })
        return { data: { applied: false, reason: 'rating_not_pending', ticket_id: TICKET, new_ticket_id: NEW_TICKET, ticket_created: true }, error: null }
      }
      return applied()
    })
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('10'))
    expect(rpcs.map(call => [call.name, call.args.p_ticket_id])).toEqual([['apply_rating_answer', TICKET], ['apply_bot_decision', NEW_TICKET]])
    expect(run.steps.map(step => [step.flow, step.applied, step.reason])).toEqual([['rating', false, 'rating_not_pending'], ['menu', true, null]])
  })

  it('a retry after the text already moved runs the menu where it went (which knows if it answered)', async () => {
    const tables = baseTables(pending)
    tables.tickets!.push({ id: NEW_TICKET, channel_id: CHANNEL, status: 'bot', bot_state: { stage: 'menu', invalid_attempts: 0, version: 1, handled_message_ids: [MESSAGE] }, rating_status: null, rating_requested_at: null })
    const { service, rpcs } = fakeService(tables, call => call.name === 'apply_rating_answer'
      ? { data: { applied: false, reason: 'already_handled', message_ticket_id: NEW_TICKET }, error: null }
      : notApplied('already_handled'))
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('minha internet caiu'))
    expect(rpcs.map(call => [call.name, call.args.p_ticket_id])).toEqual([['apply_rating_answer', TICKET], ['apply_bot_decision', NEW_TICKET]])
    expect(run.answered).toBe(0)
  })

  it('a rating answered with a score on a retry: nothing more happens', async () => {
    const { service, rpcs } = fakeService(baseTables({ ...pending, rating_status: 'rated' }), () => ({ data: { applied: false, reason: 'already_handled', message_ticket_id: TICKET }, error: null }))
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'closed', rating_pending: true }, text('10'))
    expect(rpcs.map(call => call.name)).toEqual(['apply_rating_answer'])
    expect(run).toEqual({ steps: [{ flow: 'rating', ticketId: TICKET, applied: false, reason: 'already_handled', replies: 0 }], answered: 0, eventFinished: false })
  })
})

describe('runBotForStoredMessage (a duplicate, or the ledger retrying after a crash)', () => {
  const storedAt = (createdAt: string, direction = 'inbound', kind = 'text'): Row => ({ id: MESSAGE, ticket_id: TICKET, direction, kind, created_at: createdAt })

  it('answers a message on a ticket still with the bot (the database knows whether it was handled)', async () => {
    const tables = baseTables({})
    tables.messages = [storedAt('2026-03-10T16:59:00Z')]
    const { service, rpcs } = fakeService(tables, () => applied())
    const run = await runBotForStoredMessage({ service, now: () => NOW }, text('Oi'))
    expect(rpcs.map(call => [call.name, call.args.p_ticket_id, call.args.p_message_id])).toEqual([['apply_bot_decision', TICKET, MESSAGE]])
    expect(run).toMatchObject({ answered: 1, steps: [{ replies: 2 }] })
  })

  it('reads a message after the rating prompt as the rating answer', async () => {
    const tables = baseTables({ status: 'closed', team_id: SUPPORT, rating_status: 'requested', rating_requested_at: '2026-03-10T16:00:00Z' })
    tables.messages = [storedAt('2026-03-10T16:30:00Z')]
    const { service, rpcs } = fakeService(tables, () => applied())
    await runBotForStoredMessage({ service, now: () => NOW }, text('8/10'))
    expect(rpcs.map(call => [call.name, call.args.p_decision])).toEqual([['apply_rating_answer', { outcome: 'rated', score: 8, replies: ['Obrigado pela nota!'] }]])
  })

  it('retries the rating even if it expired since: the database moves the text on rather than leave it on a closed ticket', async () => {
    const tables = baseTables({ status: 'closed', team_id: SUPPORT, rating_status: 'expired', rating_requested_at: '2026-03-10T16:00:00Z' })
    tables.messages = [storedAt('2026-03-10T16:30:00Z')]
    const { service, rpcs } = fakeService(tables, () => ({ data: { applied: false, reason: 'rating_not_pending', ticket_id: TICKET, new_ticket_id: null }, error: null }))
    await runBotForStoredMessage({ service, now: () => NOW }, text('meu boleto'))
    expect(rpcs.map(call => call.name)).toEqual(['apply_rating_answer'])
  })

  it('never reads an old message delivered again, nor a reaction, as a rating', async () => {
    for (const message of [storedAt('2026-03-10T15:00:00Z'), storedAt('2026-03-10T16:30:00Z', 'inbound', 'reaction')]) {
      const tables = baseTables({ status: 'closed', team_id: SUPPORT, rating_status: 'requested', rating_requested_at: '2026-03-10T16:00:00Z' })
      tables.messages = [message]
      const { service, rpcs } = fakeService(tables, () => applied())
      expect(await runBotForStoredMessage({ service, now: () => NOW }, text('10'))).toEqual({ steps: [], answered: 0, eventFinished: false })
      expect(rpcs).toEqual([])
    }
  })

  it('ignores the business\'s own messages and messages without a ticket', async () => {
    for (const message of [storedAt('2026-03-10T16:59:00Z', 'outbound'), { ...storedAt('2026-03-10T16:59:00Z'), ticket_id: null }]) {
      const tables = baseTables({})
      tables.messages = [message]
      const { service, rpcs } = fakeService(tables, () => applied())
      expect(await runBotForStoredMessage({ service, now: () => NOW }, text('1'))).toEqual({ steps: [], answered: 0, eventFinished: false })
      expect(rpcs).toEqual([])
    }
  })
})

describe('with what the webhook already read (ingest_webhook_message)', () => {
  const context = () => botContextFromJson(CHANNEL, { settings: SETTINGS_ROW, options: OPTION_ROWS, company_timezone: 'America/Sao_Paulo' })
  const botTicket = (state: Row = {}) => ticketFromRow({ id: TICKET, channel_id: CHANNEL, status: 'bot', bot_state: state, rating_status: null, rating_requested_at: null })!
  const finish = { event_id: 42, attempts: 1, status: 'processed' as const }

  it('reads nothing, and closes the ledger event with the decision in one call', async () => {
    const { service, rpcs, reads } = fakeService({}, () => applied({ event_finished: true }))
    const known: KnownForBot = { ticket: botTicket(), context: context(), finish }
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('Oi'), known)
    expect(reads).toEqual([])
    expect(rpcs).toEqual([{
      name: 'apply_webhook_bot_decision',
      args: {
        p_ticket_id: TICKET,
        p_message_id: MESSAGE,
        p_expected_version: 0,
        p_decision: { replies: ['Olá! Bem-vindo.', MENU_TEXT], state: { stage: 'menu', invalid_attempts: 0 }, route: null, close: null },
        p_finish: finish,
      },
    }])
    expect(run).toEqual({ steps: [{ flow: 'menu', ticketId: TICKET, applied: true, reason: null, replies: 2 }], answered: 1, eventFinished: true })
  })

  it('on a stale state decides again on the ticket the refusal carries, still without reading', async () => {
    const fresh = { id: TICKET, channel_id: CHANNEL, status: 'bot', bot_state: { stage: 'menu', invalid_attempts: 0, version: 1 }, rating_status: null, rating_requested_at: null }
    const { service, rpcs, reads } = fakeService({}, () => rpcs.length === 1 ? { data: { applied: false, reason: 'state_changed', version: 1, ticket: fresh }, error: null } : applied())
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'), { ticket: botTicket(), context: context() })
    expect(reads).toEqual([])
    expect(rpcs.map(call => [call.name, call.args.p_expected_version])).toEqual([['apply_bot_decision', 0], ['apply_bot_decision', 1]])
    expect((rpcs[1]!.args.p_decision as Row).route).toEqual({ team_id: SUPPORT, reason: 'option', position: 1 })
    expect(run).toMatchObject({ answered: 1, eventFinished: false })
  })

  it('a decision the database does not close the event with leaves it to the caller', async () => {
    const { service } = fakeService({}, () => notApplied('already_handled'))
    const run = await runBotForMessage({ service, now: () => NOW }, { message_id: MESSAGE, ticket_id: TICKET, ticket_status: 'bot' }, text('1'), { ticket: botTicket(), context: context(), finish })
    expect(run.eventFinished).toBe(false)
  })

  it('a stored message: the rating from the known ticket and message; the menu on the new ticket carries the event to close', async () => {
    const tables = baseTables({})
    tables.tickets!.push({ id: NEW_TICKET, channel_id: CHANNEL, status: 'bot', bot_state: {}, rating_status: null, rating_requested_at: null })
    const { service, rpcs, reads } = fakeService(tables, call => call.name === 'apply_rating_answer'
      ? applied({ new_ticket_id: NEW_TICKET })
      : applied({ event_finished: true }))
    const closed = ticketFromRow({ id: TICKET, channel_id: CHANNEL, status: 'closed', bot_state: { rating_invalid_attempts: 1 }, rating_status: 'requested', rating_requested_at: '2026-03-10T16:00:00Z' })!
    const run = await runBotForStoredMessage({ service, now: () => NOW }, text('minha internet caiu'), {
      stored: { ticket_id: TICKET, direction: 'inbound', kind: 'text', created_at: '2026-03-10T16:30:00Z' },
      ticket: closed,
      context: context(),
      finish: { ...finish, status: 'duplicate' },
    })
    // Only the new ticket, which nobody had read yet.
    expect(reads).toEqual(['tickets'])
    expect(rpcs.map(call => [call.name, call.args.p_ticket_id, call.args.p_finish ?? null])).toEqual([
      ['apply_rating_answer', TICKET, null],
      ['apply_webhook_bot_decision', NEW_TICKET, { ...finish, status: 'duplicate' }],
    ])
    expect(run).toMatchObject({ answered: 2, eventFinished: true })
  })

  it('the context JSON is read with the same checks as the tables; a channel without settings is a permanent error', () => {
    expect(context()).toEqual({
      channelId: CHANNEL,
      settings: readBotSettings(SETTINGS_ROW, 'America/Sao_Paulo'),
      options: [{ position: 1, label: 'Suporte Técnico', teamId: SUPPORT }, { position: 2, label: 'Financeiro', teamId: FINANCE }],
    })
    expect(botContextFromJson(CHANNEL, { settings: SETTINGS_ROW, options: null, company_timezone: 'Mars/Olympus' }).settings.timezone).toBe(DEFAULT_TIMEZONE)
    expect(() => botContextFromJson(CHANNEL, { settings: null })).toThrow(MissingBotSettingsError)
    expect(ticketFromRow(null)).toBeNull()
    expect(ticketFromRow({ id: 7 })).toBeNull()
  })
})

describe('decision JSON for the database', () => {
  it('menu decisions in snake_case, nulls kept', () => {
    expect(menuDecisionToJson({ replies: [], state: { stage: 'menu', invalidAttempts: 2 }, route: { teamId: null, reason: 'fallback', position: null }, close: null }))
      .toEqual({ replies: [], state: { stage: 'menu', invalid_attempts: 2 }, route: { team_id: null, reason: 'fallback', position: null }, close: null })
    expect(menuDecisionToJson({ replies: [], state: { stage: 'new', invalidAttempts: 0 }, route: null, close: { reason: 'customer_keyword' } }))
      .toEqual({ replies: [], state: { stage: 'new', invalid_attempts: 0 }, route: null, close: { reason: 'customer_keyword' } })
  })

  it('rating decisions in snake_case', () => {
    expect(ratingDecisionToJson({ outcome: 'reprompt', replies: ['De 1 a 10, por favor.'], state: { invalidAttempts: 1 } }))
      .toEqual({ outcome: 'reprompt', replies: ['De 1 a 10, por favor.'], state: { invalid_attempts: 1 } })
    expect(ratingDecisionToJson({ outcome: 'new_ticket', replies: [] })).toEqual({ outcome: 'new_ticket', replies: [] })
  })

  it('the bot state version: 0 unless a whole number is stored', () => {
    expect(botStateVersion({})).toBe(0)
    expect(botStateVersion(null)).toBe(0)
    expect(botStateVersion({ version: 7 })).toBe(7)
    expect(botStateVersion({ version: '7' })).toBe(7)
    expect(botStateVersion({ version: 'x' })).toBe(0)
  })
})

describe('reading the channel\'s settings', () => {
  it('maps the row to the engine\'s settings, the company timezone when the channel names none', () => {
    expect(readBotSettings(SETTINGS_ROW, 'America/Manaus')).toEqual({
      enabled: true,
      welcomeText: 'Olá! Bem-vindo.',
      menuPrompt: 'Escolha uma opção:',
      invalidOptionText: 'Não entendi.',
      maxInvalidAttempts: 2,
      fallbackTeamId: FALLBACK,
      afterSelectionText: 'Já vamos te atender.',
      outOfHoursText: 'Estamos fora do horário.',
      businessHours: {},
      holidays: [],
      timezone: 'America/Manaus',
      ratingPromptText: 'Dê uma nota de 1 a 10.',
      ratingInvalidText: 'Responda só com um número de 1 a 10.',
      ratingThanksText: 'Obrigado pela nota!',
      closeKeyword: '#sair',
    })
    expect(readBotSettings({ ...SETTINGS_ROW, timezone: 'Europe/Lisbon' }, 'America/Manaus').timezone).toBe('Europe/Lisbon')
    // An unknown zone would stop the hours check: the company's is used instead.
    expect(readBotSettings({ ...SETTINGS_ROW, timezone: 'America/Atlantida' }, 'America/Manaus').timezone).toBe('America/Manaus')
  })

  it('blank optional texts and keyword read as none; odd numbers fall back to safe values', () => {
    const settings = readBotSettings({ ...SETTINGS_ROW, after_selection_text: '  ', close_keyword: null, fallback_team_id: null, max_invalid_attempts: 0, holidays: ['2026-12-25', 'natal'] }, DEFAULT_TIMEZONE)
    expect(settings).toMatchObject({ afterSelectionText: null, closeKeyword: null, fallbackTeamId: null, maxInvalidAttempts: 3, holidays: ['2026-12-25'] })
  })

  it('business hours: valid ranges kept, malformed ones dropped, a damaged day stays closed', () => {
    expect(readBusinessHours({ mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '24:00' }] }))
      .toEqual({ mon: [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '24:00' }] })
    expect(readBusinessHours({ tue: [{ start: '18:00', end: '08:00' }, { start: '8h', end: '18h' }, null], wed: 'sempre', holiday: [] }))
      .toEqual({ tue: [], wed: [] })
    expect(readBusinessHours([])).toEqual({})
    expect(readBusinessHours(null)).toEqual({})
  })

  it('menu options sorted by position; rows without a team or label left out', () => {
    expect(readMenuOptions([
      { position: 3, label: 'Vendas', team_id: FINANCE },
      { position: 1, label: 'Suporte', team_id: SUPPORT },
      { position: 2, label: '', team_id: SUPPORT },
      { position: 12, label: 'Demais', team_id: SUPPORT },
    ])).toEqual([{ position: 1, label: 'Suporte', teamId: SUPPORT }, { position: 3, label: 'Vendas', teamId: FINANCE }])
  })

  it('validTimezone', () => {
    expect(validTimezone('America/Sao_Paulo')).toBe('America/Sao_Paulo')
    expect(validTimezone('')).toBeNull()
    expect(validTimezone(42)).toBeNull()
    expect(validTimezone('Marte/Olimpo')).toBeNull()
  })
})
