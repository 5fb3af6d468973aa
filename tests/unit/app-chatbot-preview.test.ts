/**
 * The editor's phone preview: the real engine run on the form's values, walked through the steps an
 * admin plays (first contact, options, invalid answers, keyword, agent close and rating, inactivity).
 */
import { describe, expect, it } from 'vitest'
import { formFromRows, newOption, type BotSettingsRow, type ChatbotForm } from '../../utils/chatbot-form.ts'
import {
  buildPreviewConversation,
  previewBotFromForm,
  previewMoment,
  type PreviewItem,
  type PreviewStep,
} from '../../utils/chatbot-preview.ts'

const SUPPORT = 'team-support'
const FINANCE = 'team-finance'
const TEAMS: Record<string, string> = { [SUPPORT]: 'Suporte Técnico', [FINANCE]: 'Financeiro' }
/** Monday 11:00 and 20:00 in São Paulo (UTC−3), and Christmas at 11:00. */
const OPEN = new Date('2026-11-23T14:00:00Z')
const CLOSED = new Date('2026-11-23T23:00:00Z')
const CHRISTMAS = new Date('2026-12-25T14:00:00Z')

const WELCOME = 'Olá! Você está falando com o *atendimento*.'
const MENU = 'Responda com o número da opção desejada:\n1 - Suporte Técnico\n2 - Financeiro'
const AFTER = 'Certo! Em instantes um atendente fala com você.'
const INVALID = 'Não entendi. Responda com o número de uma das opções.'
const OUT_OF_HOURS = 'Estamos fora do horário.'
const FAREWELL = 'Atendimento encerrado. Obrigado!'
const RATING = 'Dê uma nota de 1 a 10.'
const RATING_INVALID = 'Responda apenas com um número de 1 a 10.'
const THANKS = 'Obrigado pela avaliação!'

function settings(patch: Partial<BotSettingsRow> = {}): BotSettingsRow {
  return {
    channel_id: 'channel-1',
    enabled: true,
    welcome_text: WELCOME,
    menu_prompt: 'Responda com o número da opção desejada:',
    invalid_option_text: INVALID,
    max_invalid_attempts: 2,
    fallback_team_id: SUPPORT,
    after_selection_text: AFTER,
    out_of_hours_text: OUT_OF_HOURS,
    business_hours: { mon: [{ start: '08:00', end: '18:00' }], tue: [{ start: '08:00', end: '18:00' }] },
    holidays: ['2026-12-25'],
    timezone: null,
    farewell_text: FAREWELL,
    rating_prompt_text: RATING,
    rating_invalid_text: RATING_INVALID,
    rating_thanks_text: THANKS,
    rating_timeout_minutes: 1440,
    low_rating_threshold: 6,
    close_keyword: '#sair',
    inactivity_warning_minutes: 30,
    inactivity_close_minutes: 60,
    inactivity_warning_text: 'Ainda está por aí?',
    inactivity_classification_id: null,
    updated_at: '2026-11-21T12:00:00Z',
    ...patch,
  }
}

const OPTIONS = [
  { position: 1, label: 'Suporte Técnico', team_id: SUPPORT },
  { position: 2, label: 'Financeiro', team_id: FINANCE },
]

function form(patch: Partial<BotSettingsRow> = {}): ChatbotForm {
  return formFromRows(settings(patch), OPTIONS)
}

const customer = (text: string): PreviewStep => ({ kind: 'customer', text })

function talk(bot: ChatbotForm, steps: PreviewStep[], now = OPEN) {
  return buildPreviewConversation({
    bot: previewBotFromForm(bot, 'America/Sao_Paulo'),
    steps,
    now,
    teamName: id => TEAMS[id] ?? null,
  })
}

/** Items as `kind: text`, easy to read in a failure. */
const lines = (items: PreviewItem[]) => items.map(item => `${item.kind}: ${item.text}`)

describe('the first contact', () => {
  it('greets and shows the menu, as the customer will see it', () => {
    const conversation = talk(form(), [customer('Olá')])
    expect(lines(conversation.items)).toEqual(['customer: Olá', `bot: ${WELCOME}`, `bot: ${MENU}`])
    expect(conversation.phase).toBe('bot')
  })

  it('adds the out-of-hours text outside business hours and on holidays', () => {
    expect(lines(talk(form(), [customer('Olá')], CLOSED).items)).toEqual(['customer: Olá', `bot: ${WELCOME}`, `bot: ${OUT_OF_HOURS}`, `bot: ${MENU}`])
    expect(lines(talk(form(), [customer('Olá')], CHRISTMAS).items)).toContain(`bot: ${OUT_OF_HOURS}`)
  })

  it('follows the form as it is edited: texts, order, labels', () => {
    const edited = form({ welcome_text: 'Bem-vindo à *Loja*!' })
    edited.options = [edited.options[1]!, edited.options[0]!]
    edited.options[0]!.label = 'Cobranças'
    expect(lines(talk(edited, [customer('Olá')]).items)).toEqual([
      'customer: Olá',
      'bot: Bem-vindo à *Loja*!',
      'bot: Responda com o número da opção desejada:\n1 - Cobranças\n2 - Suporte Técnico',
    ])
  })

  it('shows an option still without a team (the save is blocked until it has one)', () => {
    const edited = form()
    edited.options.push({ ...newOption(), label: 'Comercial' })
    const conversation = talk(edited, [customer('Olá'), customer('3')])
    expect(conversation.items[2]).toMatchObject({ kind: 'bot', text: `${MENU}\n3 - Comercial` })
    expect(conversation.items.at(-1)).toMatchObject({ kind: 'note', text: 'Esta opção ainda não tem equipe: escolha uma no formulário.', tone: 'warning' })
  })

  it('with the bot off, sends everyone to the default team with only the after-selection text', () => {
    const conversation = talk(form({ enabled: false }), [customer('Olá')])
    expect(lines(conversation.items)).toEqual(['customer: Olá', `bot: ${AFTER}`, 'note: Cliente na fila de Suporte Técnico (chatbot desligado)'])
    expect(conversation.phase).toBe('withAgent')
  })
})

describe('answers to the menu', () => {
  it('an option number routes to its team', () => {
    const conversation = talk(form(), [customer('Olá'), customer('2')])
    expect(lines(conversation.items).slice(3)).toEqual(['customer: 2', `bot: ${AFTER}`, 'note: Cliente na fila de Financeiro'])
    expect(conversation.phase).toBe('withAgent')
  })

  it('an invalid answer gets the invalid text and the menu; the last allowed one goes to the default team', () => {
    const conversation = talk(form(), [customer('Olá'), customer('quero um boleto'), customer('boleto!!')])
    expect(lines(conversation.items).slice(3)).toEqual([
      'customer: quero um boleto',
      `bot: ${INVALID}`,
      `bot: ${MENU}`,
      'customer: boleto!!',
      `bot: ${AFTER}`,
      'note: Cliente na fila de Suporte Técnico (após 2 respostas inválidas)',
    ])
  })

  it('the close keyword ends the conversation with the farewell; the next message is a new ticket', () => {
    const conversation = talk(form(), [customer('Olá'), customer('#SAIR'), customer('Oi de novo')])
    expect(lines(conversation.items).slice(3)).toEqual([
      'customer: #SAIR',
      `bot: ${FAREWELL}`,
      'note: O cliente encerrou com a palavra-chave',
      'customer: Oi de novo',
      'note: Novo atendimento',
      `bot: ${WELCOME}`,
      `bot: ${MENU}`,
    ])
  })

  it('while an agent has the conversation, the bot stays quiet', () => {
    const conversation = talk(form(), [customer('Olá'), customer('1'), customer('Minha internet caiu')])
    expect(conversation.items.at(-1)).toMatchObject({ kind: 'customer', text: 'Minha internet caiu' })
  })
})

describe('closing and rating', () => {
  const routed = [customer('Olá'), customer('1')]

  it('an agent closing sends the farewell and the rating prompt; a score is thanked', () => {
    const conversation = talk(form(), [...routed, { kind: 'agentClose' }, customer('ótimo'), customer('10')])
    expect(lines(conversation.items).slice(6)).toEqual([
      'note: O atendente encerrou o atendimento',
      `bot: ${FAREWELL}`,
      `bot: ${RATING}`,
      'note: Sem resposta em 24 horas, a avaliação expira',
      'customer: ótimo',
      `bot: ${RATING_INVALID}`,
      'customer: 10',
      `bot: ${THANKS}`,
      'note: Nota 10 registrada',
    ])
    expect(conversation.phase).toBe('closed')
  })

  it('a low score is flagged', () => {
    const conversation = talk(form(), [...routed, { kind: 'agentClose' }, customer('nota 4')])
    expect(conversation.items.at(-1)).toMatchObject({ kind: 'note', text: 'Nota 4 registrada (nota baixa: sinalizada para os supervisores)', tone: 'warning' })
  })

  it('a second answer that is no score starts a new ticket with it (never swallowed)', () => {
    const conversation = talk(form(), [...routed, { kind: 'agentClose' }, customer('hã?'), customer('preciso de outra coisa')])
    expect(lines(conversation.items).slice(-4)).toEqual([
      'customer: preciso de outra coisa',
      'note: Não era uma nota: a avaliação fica sem nota e a mensagem abre um novo atendimento',
      `bot: ${WELCOME}`,
      `bot: ${MENU}`,
    ])
    expect(conversation.phase).toBe('bot')
  })

  it('a customer who goes quiet is warned, then the conversation closes with the farewell', () => {
    const conversation = talk(form(), [...routed, { kind: 'inactivity' }])
    expect(lines(conversation.items).slice(6)).toEqual([
      'note: Cliente sem responder há 30 min',
      'bot: Ainda está por aí?',
      'note: Encerrado por inatividade após mais 60 min',
      `bot: ${FAREWELL}`,
    ])
  })

  it('agent steps mean nothing while the bot still has the conversation', () => {
    const conversation = talk(form(), [customer('Olá'), { kind: 'agentClose' }])
    expect(conversation.items).toHaveLength(3)
  })
})

describe('the simulated moment', () => {
  it('finds the next moment outside (or inside) business hours', () => {
    const bot = previewBotFromForm(form(), 'America/Sao_Paulo').settings
    const closed = previewMoment(bot, 'closed', OPEN)!
    expect(closed.open).toBe(false)
    expect(closed.at.toISOString()).toBe('2026-11-23T21:00:00.000Z')
    const open = previewMoment(bot, 'open', CLOSED)!
    expect(open.open).toBe(true)
    expect(open.at.toISOString()).toBe('2026-11-24T11:00:00.000Z')
    expect(previewMoment(bot, 'now', CHRISTMAS)).toMatchObject({ open: false, holiday: true })
  })

  it('says when there is no such moment', () => {
    const alwaysOpen = previewBotFromForm(form({ business_hours: {}, holidays: [] }), 'America/Sao_Paulo').settings
    expect(previewMoment(alwaysOpen, 'closed', OPEN)).toBeNull()
    expect(previewMoment(alwaysOpen, 'open', OPEN)?.at).toEqual(OPEN)
  })

  it('reads the hours in the bot\'s timezone when it names one', () => {
    const manaus = previewBotFromForm(form({ timezone: 'America/Manaus' }), 'America/Sao_Paulo').settings
    expect(manaus.timezone).toBe('America/Manaus')
    // 18:30 in São Paulo is 17:30 in Manaus: still open there.
    expect(previewMoment(manaus, 'now', new Date('2026-11-23T21:30:00Z'))?.open).toBe(true)
  })
})
