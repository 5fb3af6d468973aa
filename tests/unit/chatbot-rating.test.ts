/**
 * The rating after closing: a 1–10 score from a few fixed shapes, one re-prompt, then the customer's
 * message starts a new ticket (never swallowed).
 */
import { describe, expect, it } from 'vitest'
import { decideRating, parseRating, ratingStateToJson, readRatingState } from '../../supabase/functions/_shared/chatbot/rating.ts'
import type { BotSettings, InboundForBot, RatingDecision, RatingState } from '../../supabase/functions/_shared/chatbot/types.ts'

const PROMPT = 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.'
const INVALID = 'Por favor, responda apenas com um número de 1 a 10.'
const THANKS = 'Obrigado pela sua avaliação! 💚'

function settings(overrides: Partial<BotSettings> = {}): BotSettings {
  return {
    enabled: true,
    welcomeText: 'Olá!',
    menuPrompt: 'Responda com o número da opção desejada:',
    invalidOptionText: 'Não entendi.',
    maxInvalidAttempts: 3,
    fallbackTeamId: 'team-triagem',
    afterSelectionText: 'Certo!',
    outOfHoursText: 'Fora do horário.',
    businessHours: {},
    holidays: [],
    timezone: 'America/Sao_Paulo',
    ratingPromptText: PROMPT,
    ratingInvalidText: INVALID,
    ratingThanksText: THANKS,
    closeKeyword: '#sair',
    ...overrides,
  }
}

function text(body: string): InboundForBot {
  return { messageId: 'msg-1', kind: 'text', text: body, interactiveId: null }
}
function other(kind: Exclude<InboundForBot['kind'], 'text'>, caption: string | null = null): InboundForBot {
  return { messageId: 'msg-1', kind, text: caption, interactiveId: null }
}

const FIRST: RatingState = { invalidAttempts: 0 }
const REPROMPTED: RatingState = { invalidAttempts: 1 }

function decide(state: RatingState, message: InboundForBot, overrides: Partial<BotSettings> = {}): RatingDecision {
  return decideRating({ state, settings: settings(overrides), message })
}

describe('parseRating', () => {
  it.each<[string, number]>([
    ['10', 10],
    ['1', 1],
    [' 7 ', 7],
    ['nota 8', 8],
    ['Nota: 9', 9],
    ['NOTA 10', 10],
    ['nota:6', 6],
    ['8/10', 8],
    ['8 / 10', 8],
    ['10/10', 10],
    ['nota 8/10', 8],
    ['9!', 9],
    ['10!!!', 10],
    ['5.', 5],
    ['🔟', 10],
    ['7️⃣', 7],
    ['7\u20E3', 7],
    ['1️⃣0️⃣', 10],
    ['nota 🔟', 10],
    // Spelled-out pt-BR numbers, accent-insensitive: as unambiguous as the digits when they are all there is.
    ['dez', 10],
    ['Dez!', 10],
    ['nota dez', 10],
    ['três', 3],
    ['tres', 3],
    ['um', 1],
    ['oito/10', 8],
  ])('reads %j as %d', (answer, score) => {
    expect(parseRating(answer)).toBe(score)
  })

  it.each([
    ['0'],
    ['11'],
    ['100'],
    ['07'],
    ['-5'],
    ['7 ou 8'],
    ['7,5'],
    ['7.5'],
    ['nota 7, mas demorou'],
    ['10 👍'],
    ['1O'],
    ['nota'],
    ['zero'],
    ['onze'],
    ['uma'],
    ['dez reais'],
    ['8/9'],
    ['8/100'],
    ['9?'],
    ['0️⃣'],
    ['obrigado'],
    [''],
    ['   '],
  ])('rejects %j', (answer) => {
    expect(parseRating(answer)).toBeNull()
  })

  it('rejects no text at all', () => {
    expect(parseRating(null)).toBeNull()
  })
})

describe('readRatingState / ratingStateToJson', () => {
  it.each<[string, unknown, number]>([
    ['an empty object', {}, 0],
    ['null', null, 0],
    ['a string', 'x', 0],
    ['an array', [1], 0],
    ['the menu state left on the ticket', { stage: 'menu', invalid_attempts: 2 }, 0],
    ['one re-prompt', { rating_invalid_attempts: 1 }, 1],
    ['a negative count', { rating_invalid_attempts: -1 }, 0],
    ['a count as text', { rating_invalid_attempts: '1' }, 0],
  ])('reads %s', (_, json, invalidAttempts) => {
    expect(readRatingState(json)).toEqual({ invalidAttempts })
  })

  it('writes the JSON it reads back', () => {
    expect(ratingStateToJson(REPROMPTED)).toEqual({ rating_invalid_attempts: 1 })
    expect(readRatingState(ratingStateToJson(REPROMPTED))).toEqual(REPROMPTED)
  })
})

describe('decideRating', () => {
  it.each<[string, RatingState]>([['first answer', FIRST], ['after the re-prompt', REPROMPTED]])('records a valid score and thanks (%s)', (_, state) => {
    expect(decide(state, text('nota 9'))).toEqual({ outcome: 'rated', score: 9, replies: [THANKS] })
  })

  it('thanks nobody when the thanks text is blank', () => {
    expect(decide(FIRST, text('10'), { ratingThanksText: '  ' })).toEqual({ outcome: 'rated', score: 10, replies: [] })
  })

  it.each<[string, InboundForBot]>([
    ['free text', text('o atendente foi ótimo')],
    ['a guess-worthy text', text('nota 7, mas demorou')],
    ['an out-of-range number', text('0')],
    ['a voice note', other('audio')],
    ['a photo captioned with a score', other('image', '10')],
    ['a sticker', other('sticker')],
    ['a location', other('location')],
    ['a message we cannot read', other('unsupported')],
  ])('re-prompts once on %s, then lets it start a new ticket', (_, message) => {
    expect(decide(FIRST, message)).toEqual({ outcome: 'reprompt', replies: [INVALID], state: REPROMPTED })
    expect(decide(REPROMPTED, message)).toEqual({ outcome: 'new_ticket', replies: [] })
  })

  it('repeats the prompt when the invalid text is blank, and sends nothing when both are', () => {
    expect(decide(FIRST, text('hein?'), { ratingInvalidText: '' })).toEqual({ outcome: 'reprompt', replies: [PROMPT], state: REPROMPTED })
    expect(decide(FIRST, text('hein?'), { ratingInvalidText: '', ratingPromptText: ' ' })).toEqual({ outcome: 'reprompt', replies: [], state: REPROMPTED })
  })

  it('moves on to a new ticket from a stale count too', () => {
    expect(decide({ invalidAttempts: 5 }, text('oi'))).toEqual({ outcome: 'new_ticket', replies: [] })
  })

  it.each<[string, RatingState]>([['first', FIRST], ['after the re-prompt', REPROMPTED]])('ignores a reaction (%s): nothing sent, nothing changes', (_, state) => {
    expect(decide(state, other('reaction'))).toEqual({ outcome: 'reprompt', replies: [], state })
  })

  describe('close keyword', () => {
    it.each<[string]>([['#sair'], [' #SAIR ']])('%j declines quietly and spends the re-prompt', (body) => {
      expect(decide(FIRST, text(body))).toEqual({ outcome: 'reprompt', replies: [], state: REPROMPTED })
      expect(decide(REPROMPTED, text(body))).toEqual({ outcome: 'reprompt', replies: [], state: REPROMPTED })
    })

    it('lets the next message start a new ticket at once, or still be a score', () => {
      const declined = decide(FIRST, text('#sair'))
      expect(declined.outcome).toBe('reprompt')
      const state = declined.outcome === 'reprompt' ? declined.state : FIRST
      expect(decide(state, text('preciso de outra coisa'))).toEqual({ outcome: 'new_ticket', replies: [] })
      expect(decide(state, text('8'))).toEqual({ outcome: 'rated', score: 8, replies: [THANKS] })
    })

    it('is free text when no keyword is configured', () => {
      expect(decide(FIRST, text('#sair'), { closeKeyword: null })).toEqual({ outcome: 'reprompt', replies: [INVALID], state: REPROMPTED })
    })
  })
})

describe('properties', () => {
  const messages: InboundForBot[] = [
    text('10'),
    text('nota 3'),
    text('🔟'),
    text('adorei'),
    text('11'),
    text(''),
    text('#sair'),
    other('audio'),
    other('image', '9'),
    other('document'),
    other('unsupported'),
    other('reaction'),
  ]
  const variants: Array<Partial<BotSettings>> = [
    {},
    { ratingInvalidText: '', ratingThanksText: '' },
    { ratingInvalidText: ' ', ratingPromptText: '', ratingThanksText: ' ', closeKeyword: null },
  ]

  it('never sends an empty or untrimmed message', () => {
    for (const overrides of variants) {
      for (const state of [FIRST, REPROMPTED]) {
        for (const message of messages) {
          for (const reply of decide(state, message, overrides).replies) {
            expect(reply).not.toBe('')
            expect(reply).toBe(reply.trim())
          }
        }
      }
    }
  })

  // The close keyword is left out as a second message: repeating it keeps the bot quiet, as asked.
  it('ends within two answered messages, whatever they are (reactions are not answers)', () => {
    const answered = messages.filter(message => message.kind !== 'reaction')
    for (const first of answered) {
      for (const second of answered.filter(message => message.text !== '#sair')) {
        const one = decide(FIRST, first)
        if (one.outcome !== 'reprompt') continue
        const two = decide(one.state, second)
        expect(two.outcome, `${first.text ?? first.kind} → ${second.text ?? second.kind}`).not.toBe('reprompt')
      }
    }
  })
})
