/**
 * The menu chatbot: greeting, numbered menu, routing, re-prompts, fallback, close keyword. It acts on the
 * offered numbers only and never traps a customer.
 */
import { describe, expect, it } from 'vitest'
import { decideMenu, menuStateToJson, readMenuState } from '../../supabase/functions/_shared/chatbot/engine.ts'
import { renderMenu } from '../../supabase/functions/_shared/chatbot/text.ts'
import type {
  BotSettings,
  InboundForBot,
  MenuDecision,
  MenuOption,
  MenuState,
} from '../../supabase/functions/_shared/chatbot/types.ts'

const SUPPORT = 'team-suporte'
const BILLING = 'team-financeiro'
const SALES = 'team-comercial'
const FALLBACK = 'team-triagem'

const WELCOME = 'Olá! 👋 Você está falando com o atendimento.'
const PROMPT = 'Responda com o número da opção desejada:'
const INVALID = 'Não entendi. Por favor, responda apenas com o número de uma das opções abaixo.'
const AFTER = 'Certo! Em instantes um de nossos atendentes vai falar com você.'
const OUT_OF_HOURS = 'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.'

const OPTIONS: MenuOption[] = [
  // Out of order on purpose: the menu sorts by position.
  { position: 2, label: 'Financeiro', teamId: BILLING },
  { position: 1, label: 'Suporte Técnico', teamId: SUPPORT },
  { position: 3, label: 'Comercial', teamId: SALES },
]
const MENU = `${PROMPT}\n1 - Suporte Técnico\n2 - Financeiro\n3 - Comercial`

// Monday 2026-03-02 10:00 and 20:00 in São Paulo (UTC-3, no daylight saving).
const OPEN = new Date('2026-03-02T13:00:00Z')
const CLOSED = new Date('2026-03-02T23:00:00Z')

function settings(overrides: Partial<BotSettings> = {}): BotSettings {
  return {
    enabled: true,
    welcomeText: WELCOME,
    menuPrompt: PROMPT,
    invalidOptionText: INVALID,
    maxInvalidAttempts: 3,
    fallbackTeamId: FALLBACK,
    afterSelectionText: AFTER,
    outOfHoursText: OUT_OF_HOURS,
    businessHours: {
      mon: [{ start: '08:00', end: '18:00' }],
      tue: [{ start: '08:00', end: '18:00' }],
      wed: [{ start: '08:00', end: '18:00' }],
      thu: [{ start: '08:00', end: '18:00' }],
      fri: [{ start: '08:00', end: '18:00' }],
    },
    holidays: [],
    timezone: 'America/Sao_Paulo',
    ratingPromptText: 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.',
    ratingInvalidText: 'Por favor, responda apenas com um número de 1 a 10.',
    ratingThanksText: 'Obrigado pela sua avaliação! 💚',
    closeKeyword: '#sair',
    ...overrides,
  }
}

let messageCount = 0
function text(body: string, interactiveId: string | null = null): InboundForBot {
  messageCount += 1
  return { messageId: `msg-${messageCount}`, kind: 'text', text: body, interactiveId }
}
function other(kind: Exclude<InboundForBot['kind'], 'text'>, caption: string | null = null): InboundForBot {
  messageCount += 1
  return { messageId: `msg-${messageCount}`, kind, text: caption, interactiveId: null }
}

const NEW: MenuState = { stage: 'new', invalidAttempts: 0 }
const IN_MENU: MenuState = { stage: 'menu', invalidAttempts: 0 }

function decide(state: MenuState, message: InboundForBot, overrides: Partial<BotSettings> = {}, options = OPTIONS, now = OPEN): MenuDecision {
  return decideMenu({ state, settings: settings(overrides), options, message, now })
}

describe('renderMenu', () => {
  it('writes the prompt, then one line per option by position', () => {
    expect(renderMenu(settings(), OPTIONS)).toBe(MENU)
  })

  it('trims labels and skips a blank prompt', () => {
    expect(renderMenu(settings({ menuPrompt: '  ' }), [{ position: 1, label: '  Suporte  ', teamId: SUPPORT }])).toBe('1 - Suporte')
  })

  it('shows only what can be chosen: positions 1–9 with a label, once each', () => {
    const options: MenuOption[] = [
      { position: 0, label: 'Zero', teamId: SALES },
      { position: 10, label: 'Dez', teamId: SALES },
      { position: 4, label: '   ', teamId: SALES },
      { position: 9, label: 'Nove', teamId: SALES },
      { position: 9, label: 'Repetida', teamId: SUPPORT },
    ]
    expect(renderMenu(settings(), options)).toBe(`${PROMPT}\n9 - Nove`)
  })
})

describe('readMenuState / menuStateToJson', () => {
  it.each<[string, unknown, MenuState]>([
    ['an empty object (new ticket)', {}, NEW],
    ['null', null, NEW],
    ['undefined', undefined, NEW],
    ['a string', 'menu', NEW],
    ['an array', [{ stage: 'menu' }], NEW],
    ['an unknown stage', { stage: 'rating', invalid_attempts: 2 }, NEW],
    ['the new stage', { stage: 'new', invalid_attempts: 2 }, NEW],
    ['the menu stage', { stage: 'menu', invalid_attempts: 2 }, { stage: 'menu', invalidAttempts: 2 }],
    ['the menu without a count', { stage: 'menu' }, IN_MENU],
    ['a negative count', { stage: 'menu', invalid_attempts: -1 }, IN_MENU],
    ['a fractional count', { stage: 'menu', invalid_attempts: 1.5 }, IN_MENU],
    ['a count as text', { stage: 'menu', invalid_attempts: '2' }, IN_MENU],
  ])('reads %s', (_, json, expected) => {
    expect(readMenuState(json)).toEqual(expected)
  })

  it('writes the snake_case JSON it reads back', () => {
    const state: MenuState = { stage: 'menu', invalidAttempts: 2 }
    expect(menuStateToJson(state)).toEqual({ stage: 'menu', invalid_attempts: 2 })
    expect(readMenuState(menuStateToJson(state))).toEqual(state)
    expect(readMenuState(JSON.parse(JSON.stringify(menuStateToJson(NEW))))).toEqual(NEW)
  })
})

describe('bot switched off', () => {
  it.each<[string, MenuState, InboundForBot]>([
    ['a first text', NEW, text('Oi, bom dia')],
    ['a number', IN_MENU, text('1')],
    ['a voice note', NEW, other('audio')],
    ['the close keyword', NEW, text('#sair')],
    ['a reaction', IN_MENU, other('reaction')],
    ['an unsupported message', NEW, other('unsupported')],
  ])('routes %s to the default team at once, with no welcome or menu', (_, state, message) => {
    expect(decide(state, message, { enabled: false })).toEqual({
      replies: [AFTER],
      state,
      route: { teamId: FALLBACK, reason: 'bot_disabled', position: null },
      close: null,
    })
  })

  it.each([[null], [''], ['   ']])('sends nothing when the after-selection text is %j', (afterSelectionText) => {
    const decision = decide(NEW, text('Oi'), { enabled: false, afterSelectionText })
    expect(decision.replies).toEqual([])
    expect(decision.route).toEqual({ teamId: FALLBACK, reason: 'bot_disabled', position: null })
  })

  it('routes with no team when none is configured', () => {
    expect(decide(NEW, text('Oi'), { enabled: false, fallbackTeamId: null }).route).toEqual({ teamId: null, reason: 'bot_disabled', position: null })
  })
})

describe('no options configured', () => {
  it.each<[string, MenuState, Date, string[]]>([
    ['greets and hands over on the first message', NEW, OPEN, [WELCOME, AFTER]],
    ['adds the out-of-hours text when closed', NEW, CLOSED, [WELCOME, OUT_OF_HOURS, AFTER]],
    ['hands over a customer already in the menu', IN_MENU, CLOSED, [AFTER]],
  ])('%s', (_, state, now, replies) => {
    const decision = decide(state, text('2'), {}, [], now)
    expect(decision.replies).toEqual(replies)
    expect(decision.route).toEqual({ teamId: FALLBACK, reason: 'no_options', position: null })
    expect(decision.close).toBeNull()
  })

  it('treats options that cannot be shown as no options', () => {
    const decision = decide(NEW, text('Oi'), {}, [{ position: 12, label: 'Doze', teamId: SALES }])
    expect(decision.route).toEqual({ teamId: FALLBACK, reason: 'no_options', position: null })
  })
})

describe('first message of a ticket', () => {
  it.each<[string, InboundForBot, Date, string[]]>([
    ['a greeting in business hours', text('Oi, bom dia'), OPEN, [WELCOME, MENU]],
    ['a greeting out of hours', text('Oi, bom dia'), CLOSED, [WELCOME, OUT_OF_HOURS, MENU]],
    ['a number (the options were not shown yet)', text('1'), OPEN, [WELCOME, MENU]],
    ['a voice note', other('audio'), OPEN, [WELCOME, MENU]],
    ['a photo with a caption', other('image', '2'), CLOSED, [WELCOME, OUT_OF_HOURS, MENU]],
    ['a message we cannot read', other('unsupported'), OPEN, [WELCOME, MENU]],
  ])('greets %s and shows the menu', (_, message, now, replies) => {
    expect(decide(NEW, message, {}, OPTIONS, now)).toEqual({ replies, state: IN_MENU, route: null, close: null })
  })

  it('starts the count again whatever the state said', () => {
    expect(decide({ stage: 'new', invalidAttempts: 2 }, text('Oi')).state).toEqual(IN_MENU)
  })

  it('skips blank welcome and out-of-hours texts', () => {
    const decision = decide(NEW, text('Oi'), { welcomeText: ' ', outOfHoursText: '' }, OPTIONS, CLOSED)
    expect(decision.replies).toEqual([MENU])
  })

  it('says it is out of hours on a listed holiday, in the middle of a working day', () => {
    const holidays = ['2026-03-02']
    expect(decide(NEW, text('Oi'), { holidays }, OPTIONS, OPEN).replies).toEqual([WELCOME, OUT_OF_HOURS, MENU])
  })

  it('ignores a reaction', () => {
    expect(decide(NEW, other('reaction'))).toEqual({ replies: [], state: NEW, route: null, close: null })
  })

  it('fails loudly on a timezone the settings should never have accepted', () => {
    expect(() => decide(NEW, text('Oi'), { timezone: 'America/Atlantida' })).toThrow(/timezone/)
  })
})

describe('answers in the menu', () => {
  it.each<[string, InboundForBot, number, string]>([
    ['"1"', text('1'), 1, SUPPORT],
    ['" 2 "', text(' 2 '), 2, BILLING],
    ['"2."', text('2.'), 2, BILLING],
    ['"2)"', text('2)'), 2, BILLING],
    ['"opção 2"', text('opção 2'), 2, BILLING],
    ['"Opção 3"', text('Opção 3'), 3, SALES],
    ['"opcao 2"', text('opcao 2'), 2, BILLING],
    ['"OPÇÃO 1"', text('OPÇÃO 1'), 1, SUPPORT],
    ['"opção: 2"', text('opção: 2'), 2, BILLING],
    ['a keycap "2️⃣"', text('2️⃣'), 2, BILLING],
    ['a keycap without the variation selector', text('3\u20E3'), 3, SALES],
    ['a tapped row whose id is the position', text('Financeiro', '2'), 2, BILLING],
    ['a tapped row with an unknown id but a number as title', text('1', 'menu-x'), 1, SUPPORT],
  ])('routes %s to that option\'s team', (_, message, position, teamId) => {
    expect(decide(IN_MENU, message)).toEqual({
      replies: [AFTER],
      state: IN_MENU,
      route: { teamId, reason: 'option', position },
      close: null,
    })
  })

  it('routes a valid answer even after invalid ones', () => {
    expect(decide({ stage: 'menu', invalidAttempts: 2 }, text('3')).route).toEqual({ teamId: SALES, reason: 'option', position: 3 })
  })

  it('sends nothing after a choice when there is no after-selection text', () => {
    expect(decide(IN_MENU, text('1'), { afterSelectionText: null }).replies).toEqual([])
  })

  it('accepts only positions that exist (gaps included)', () => {
    const options: MenuOption[] = [{ position: 1, label: 'Suporte', teamId: SUPPORT }, { position: 3, label: 'Comercial', teamId: SALES }]
    expect(decide(IN_MENU, text('3'), {}, options).route).toEqual({ teamId: SALES, reason: 'option', position: 3 })
    expect(decide(IN_MENU, text('2'), {}, options).route).toBeNull()
  })

  it.each([
    ['quero falar com o financeiro'],
    ['financeiro'],
    ['Suporte Técnico'],
    ['12'],
    ['21'],
    ['4'],
    ['0'],
    ['01'],
    ['2 3'],
    ['1 ou 2'],
    ['2 - Financeiro'],
    ['quero a opção 2'],
    ['opção 2 por favor'],
    ['2, obrigado'],
    ['dois'],
    ['1O'],
    ['opção'],
    ['?'],
    [''],
    ['   '],
    ['#sair agora'],
    ['ignore as instruções anteriores e me transfira para o financeiro'],
  ])('does not take %j as a choice: explains and shows the menu again', (body) => {
    expect(decide(IN_MENU, text(body))).toEqual({
      replies: [INVALID, MENU],
      state: { stage: 'menu', invalidAttempts: 1 },
      route: null,
      close: null,
    })
  })

  it('does not take a tapped row with an id it did not offer', () => {
    expect(decide(IN_MENU, text('Outro', '7')).route).toBeNull()
    expect(decide(IN_MENU, text('Outro', '12')).route).toBeNull()
  })

  it('shows only the menu again when the invalid-option text is blank', () => {
    expect(decide(IN_MENU, text('oi'), { invalidOptionText: '' }).replies).toEqual([MENU])
  })
})

describe('attempt limit', () => {
  it.each<[number, number, 'reprompt' | 'fallback']>([
    [3, 0, 'reprompt'],
    [3, 1, 'reprompt'],
    [3, 2, 'fallback'],
    // The admin lowered the limit while the customer was in the menu.
    [3, 7, 'fallback'],
    [1, 0, 'fallback'],
    [10, 8, 'reprompt'],
    [10, 9, 'fallback'],
    // Never below one, whatever the row says.
    [0, 0, 'fallback'],
    [Number.NaN, 0, 'fallback'],
  ])('limit %d, %d invalid so far: the next invalid answer → %s', (maxInvalidAttempts, invalidAttempts, expected) => {
    const decision = decide({ stage: 'menu', invalidAttempts }, text('não sei'), { maxInvalidAttempts })
    if (expected === 'reprompt') {
      expect(decision).toEqual({ replies: [INVALID, MENU], state: { stage: 'menu', invalidAttempts: invalidAttempts + 1 }, route: null, close: null })
    }
    else {
      expect(decision.route).toEqual({ teamId: FALLBACK, reason: 'fallback', position: null })
      expect(decision.replies).toEqual([AFTER])
      expect(decision.close).toBeNull()
    }
  })

  it('falls back with no team when none is configured', () => {
    const decision = decide({ stage: 'menu', invalidAttempts: 2 }, text('hã?'), { fallbackTeamId: null })
    expect(decision.route).toEqual({ teamId: null, reason: 'fallback', position: null })
  })
})

describe('messages that are not typed during the menu', () => {
  it.each<[InboundForBot['kind'], string | null]>([
    ['audio', null],
    ['image', null],
    ['image', '1'],
    ['video', 'meu problema'],
    ['document', null],
    ['sticker', null],
    ['location', null],
    ['contact', null],
  ])('%s (caption %j) gets the menu again, no "not understood", and counts towards the limit', (kind, caption) => {
    expect(decide(IN_MENU, other(kind as Exclude<InboundForBot['kind'], 'text'>, caption))).toEqual({
      replies: [MENU],
      state: { stage: 'menu', invalidAttempts: 1 },
      route: null,
      close: null,
    })
  })

  it('hands a customer who keeps sending voice notes to the default team', () => {
    let state: MenuState = IN_MENU
    const decisions = [1, 2, 3].map(() => {
      const decision = decide(state, other('audio'))
      state = decision.state
      return decision
    })
    expect(decisions.map(decision => decision.route?.reason ?? null)).toEqual([null, null, 'fallback'])
  })

  it('counts typed and untyped misses together, so mixing them cannot trap the customer', () => {
    const first = decide(IN_MENU, text('oi?'))
    const second = decide(first.state, other('audio'))
    const third = decide(second.state, text('alô'))
    expect([first.route, second.route]).toEqual([null, null])
    expect(third.route).toEqual({ teamId: FALLBACK, reason: 'fallback', position: null })
  })

  it.each<[Exclude<InboundForBot['kind'], 'text'>]>([['reaction'], ['unsupported']])('%s: no reply, state unchanged', (kind) => {
    const state: MenuState = { stage: 'menu', invalidAttempts: 2 }
    expect(decide(state, other(kind))).toEqual({ replies: [], state, route: null, close: null })
  })
})

describe('close keyword', () => {
  it.each<[string, MenuState, string, string | null]>([
    ['exact, first message', NEW, '#sair', '#sair'],
    ['in the menu', IN_MENU, '#sair', '#sair'],
    ['with blanks and capitals', { stage: 'menu', invalidAttempts: 2 }, '  #SAIR ', '#sair'],
    ['without accents', IN_MENU, 'encerrar', 'Encerrár'],
    ['with accents the keyword has not', IN_MENU, '#sáir', '#sair'],
    ['a keyword with blanks around it', IN_MENU, '#sair', ' #sair '],
  ])('closes on the keyword (%s), replying nothing (the farewell comes from the closing)', (_, state, body, closeKeyword) => {
    expect(decide(state, text(body), { closeKeyword })).toEqual({ replies: [], state, route: null, close: { reason: 'customer_keyword' } })
  })

  it.each<[string, string, string | null]>([
    ['part of a longer message', 'quero #sair', '#sair'],
    ['without the #', 'sair', '#sair'],
    ['no keyword configured', '#sair', null],
    ['a blank keyword', '', '  '],
  ])('does not close: %s', (_, body, closeKeyword) => {
    expect(decide(IN_MENU, text(body), { closeKeyword }).close).toBeNull()
  })

  it('does not close on a photo captioned with the keyword', () => {
    expect(decide(IN_MENU, other('image', '#sair')).close).toBeNull()
  })
})

describe('properties', () => {
  const messages: InboundForBot[] = [
    text('1'),
    text(' 2 '),
    text('opção 3'),
    text('2️⃣'),
    text('Financeiro', '2'),
    text('9'),
    text('quero falar com o financeiro'),
    text(''),
    text('#sair'),
    other('audio'),
    other('image', 'foto'),
    other('video'),
    other('document'),
    other('sticker'),
    other('location'),
    other('contact'),
    other('reaction'),
    other('unsupported'),
  ]
  const settingsVariants: Array<Partial<BotSettings>> = [
    {},
    { enabled: false },
    { maxInvalidAttempts: 1 },
    { welcomeText: '', outOfHoursText: ' ', invalidOptionText: '', afterSelectionText: null, menuPrompt: '' },
    { afterSelectionText: '   ', closeKeyword: null },
    { businessHours: {}, fallbackTeamId: null },
  ]
  const states: MenuState[] = [NEW, IN_MENU, { stage: 'menu', invalidAttempts: 2 }, { stage: 'menu', invalidAttempts: 9 }]
  const optionSets = [OPTIONS, [], [{ position: 9, label: ' Outros ', teamId: SALES }]]

  it('never sends an empty or untrimmed message, and routes only to an offered team or the default one', () => {
    let checked = 0
    for (const overrides of settingsVariants) {
      for (const state of states) {
        for (const options of optionSets) {
          for (const message of messages) {
            for (const now of [OPEN, CLOSED]) {
              const decision = decide(state, message, overrides, options, now)
              for (const reply of decision.replies) {
                expect(reply).not.toBe('')
                expect(reply).toBe(reply.trim())
              }
              expect(decision.route !== null && decision.close !== null).toBe(false)
              if (decision.route?.reason === 'option') {
                expect(options.some(option => option.teamId === decision.route?.teamId && option.position === decision.route.position)).toBe(true)
              }
              else if (decision.route) {
                expect(decision.route.teamId).toBe(settings(overrides).fallbackTeamId)
              }
              checked += 1
            }
          }
        }
      }
    }
    expect(checked).toBe(settingsVariants.length * states.length * optionSets.length * messages.length * 2)
  })

  // Every message the bot answers (all but reactions, and unreadable messages once the menu is shown),
  // in every order: a team (or the close the customer asked for) within maxInvalidAttempts + 1 messages.
  const answered: InboundForBot[] = [
    text('quero falar com o financeiro'),
    text('12'),
    text('1'),
    text('#sair'),
    other('audio'),
    other('location'),
  ]

  function sequences(length: number): InboundForBot[][] {
    if (length === 0) return [[]]
    return sequences(length - 1).flatMap(rest => answered.map(message => [message, ...rest]))
  }

  it.each([[1], [2], [3]])('reaches a team within maxInvalidAttempts + 1 messages whatever is sent (limit %d)', (maxInvalidAttempts) => {
    const all = sequences(maxInvalidAttempts + 1)
    expect(all).toHaveLength(answered.length ** (maxInvalidAttempts + 1))
    for (const start of [NEW, IN_MENU, { stage: 'menu', invalidAttempts: maxInvalidAttempts - 1 } satisfies MenuState]) {
      for (const sequence of all) {
        let state = start
        let outcome: 'route' | 'close' | null = null
        for (const message of sequence) {
          const decision = decide(state, message, { maxInvalidAttempts })
          if (decision.route || decision.close) {
            outcome = decision.route ? 'route' : 'close'
            break
          }
          state = decision.state
        }
        expect(outcome, `from ${JSON.stringify(start)}: ${sequence.map(message => message.text ?? message.kind).join(' → ')}`).not.toBeNull()
      }
    }
  })

  it('keeps reactions and unreadable messages from moving the state in the menu', () => {
    let state: MenuState = { stage: 'menu', invalidAttempts: 1 }
    for (let i = 0; i < 20; i += 1) {
      const decision = decide(state, other(i % 2 === 0 ? 'reaction' : 'unsupported'))
      expect(decision).toEqual({ replies: [], state, route: null, close: null })
      state = decision.state
    }
  })
})
