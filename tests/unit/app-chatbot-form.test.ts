/** The chatbot editor's form: rows → form, form → save_chatbot arguments, dirtiness, and the pt-BR checks. */
import { describe, expect, it } from 'vitest'
import {
  formFieldOfServerField,
  formFromRows,
  formSnapshot,
  hoursFromJson,
  hoursToJson,
  minutesText,
  moveItem,
  newOption,
  normalizeTimeInput,
  optionsPayload,
  settingsPayload,
  type BotSettingsRow,
  type ChatbotForm,
} from '../../utils/chatbot-form.ts'
import { errorUnder, everyDayClosed, isCalendarDate, validateChatbotForm } from '../../utils/chatbot-validation.ts'

const SUPPORT = '00000000-0000-4000-b000-000000000001'
const FINANCE = '00000000-0000-4000-b000-000000000002'

/** The demo channel's row as supabase/seed.sql leaves it (Sunday absent from the hours). */
function demoSettings(patch: Partial<BotSettingsRow> = {}): BotSettingsRow {
  return {
    channel_id: 'channel-1',
    enabled: true,
    welcome_text: 'Olá! 👋 Você está falando com o atendimento.',
    menu_prompt: 'Responda com o número da opção desejada:',
    invalid_option_text: 'Não entendi. Por favor, responda apenas com o número de uma das opções abaixo.',
    max_invalid_attempts: 3,
    fallback_team_id: SUPPORT,
    after_selection_text: 'Certo! Em instantes um de nossos atendentes vai falar com você.',
    out_of_hours_text: 'Nosso horário é de segunda a sexta, das 8h às 18h.',
    business_hours: {
      mon: [{ start: '08:00', end: '18:00' }],
      tue: [{ start: '08:00', end: '18:00' }],
      wed: [{ start: '08:00', end: '18:00' }],
      thu: [{ start: '08:00', end: '18:00' }],
      fri: [{ start: '08:00', end: '18:00' }],
      sat: [{ start: '08:00', end: '12:00' }],
    },
    holidays: ['2027-01-01', '2026-12-25'],
    timezone: null,
    farewell_text: 'Seu atendimento foi encerrado. Obrigado pelo contato!',
    rating_prompt_text: 'Como você avalia este atendimento? Responda com uma nota de 1 a 10.',
    rating_invalid_text: 'Por favor, responda apenas com um número de 1 a 10.',
    rating_thanks_text: 'Obrigado pela sua avaliação! 💚',
    rating_timeout_minutes: 1440,
    low_rating_threshold: 6,
    close_keyword: '#sair',
    inactivity_warning_minutes: 30,
    inactivity_close_minutes: 60,
    inactivity_warning_text: 'Ainda está por aí?',
    inactivity_classification_id: 'classification-6',
    updated_at: '2026-11-21T12:00:00.123456+00:00',
    ...patch,
  }
}

const demoOptions = [
  { position: 2, label: 'Financeiro', team_id: FINANCE },
  { position: 1, label: 'Suporte Técnico', team_id: SUPPORT },
]

describe('rows → form → save_chatbot arguments', () => {
  it('reads the row into the form, options by position and holidays sorted', () => {
    const form = formFromRows(demoSettings(), demoOptions)
    expect(form.options.map(option => [option.label, option.teamId])).toEqual([['Suporte Técnico', SUPPORT], ['Financeiro', FINANCE]])
    expect(new Set(form.options.map(option => option.key)).size).toBe(2)
    expect(form.holidays).toEqual(['2026-12-25', '2027-01-01'])
    expect(form.alwaysOpen).toBe(false)
    expect(form.hours.mon).toMatchObject({ mode: 'ranges', ranges: [{ start: '08:00', end: '18:00' }] })
    expect(form.hours.sat).toMatchObject({ mode: 'ranges', ranges: [{ start: '08:00', end: '12:00' }] })
    expect(form.hours.sun.mode).toBe('closed')
    expect(form.closeKeyword).toBe('#sair')
  })

  it('writes every editable column by its name, and the menu in order', () => {
    const form = formFromRows(demoSettings(), demoOptions)
    const settings = settingsPayload(form)
    expect(Object.keys(settings).sort()).toEqual([
      'after_selection_text', 'business_hours', 'close_keyword', 'enabled', 'fallback_team_id', 'farewell_text', 'holidays',
      'inactivity_classification_id', 'inactivity_close_minutes', 'inactivity_warning_minutes', 'inactivity_warning_text',
      'invalid_option_text', 'low_rating_threshold', 'max_invalid_attempts', 'menu_prompt', 'out_of_hours_text',
      'rating_invalid_text', 'rating_prompt_text', 'rating_thanks_text', 'rating_timeout_minutes', 'timezone', 'welcome_text',
    ])
    expect(settings).toMatchObject({ max_invalid_attempts: 3, fallback_team_id: SUPPORT, timezone: null, holidays: ['2026-12-25', '2027-01-01'] })
    // Written as the seed wrote it: closed days left out, so an untouched week is saved unchanged.
    expect(settings.business_hours).toEqual(demoSettings().business_hours)
    expect(settings.business_hours.sat).toEqual([{ start: '08:00', end: '12:00' }])
    expect(optionsPayload(form)).toEqual([{ label: 'Suporte Técnico', team_id: SUPPORT }, { label: 'Financeiro', team_id: FINANCE }])
  })

  it('turns blank optional texts and keyword into null, keeps required texts as typed, trims labels', () => {
    const form = formFromRows(demoSettings(), demoOptions)
    form.afterSelectionText = '   '
    form.farewellText = ''
    form.closeKeyword = '  '
    form.inactivityWarningText = '\n'
    form.welcomeText = '  *Oi*  '
    form.options[0]!.label = '  Suporte  '
    form.timezone = ' '
    const settings = settingsPayload(form)
    expect(settings).toMatchObject({ after_selection_text: null, farewell_text: null, close_keyword: null, inactivity_warning_text: null, timezone: null })
    expect(settings.welcome_text).toBe('  *Oi*  ')
    expect(optionsPayload(form)[0]!.label).toBe('Suporte')
  })

  it('an untouched form is not dirty, even though the stored hours omit Sunday; any edit makes it dirty', () => {
    const loaded = formSnapshot(formFromRows(demoSettings(), demoOptions))
    const form = formFromRows(demoSettings(), demoOptions)
    expect(formSnapshot(form)).toBe(loaded)
    form.options = moveItem(form.options, 1, 0)
    expect(formSnapshot(form)).not.toBe(loaded)
    form.options = moveItem(form.options, 0, 1)
    expect(formSnapshot(form)).toBe(loaded)
    form.welcomeText += '!'
    expect(formSnapshot(form)).not.toBe(loaded)
  })

  it('reads back what it wrote (round trip through the saved row)', () => {
    const form = formFromRows(demoSettings(), demoOptions)
    form.hours.wed = { mode: 'allDay', ranges: [] }
    form.hours.thu = { mode: 'ranges', ranges: [{ key: 'b', start: '13:00', end: '18:00' }, { key: 'a', start: '08:00', end: '12:00' }] }
    form.options.push({ ...newOption(), label: 'Comercial', teamId: FINANCE })
    const saved = settingsPayload(form)
    const options = optionsPayload(form).map((option, index) => ({ position: index + 1, label: option.label, team_id: option.team_id! }))
    const again = formFromRows(demoSettings(saved as unknown as Partial<BotSettingsRow>), options)
    expect(formSnapshot(again)).toBe(formSnapshot(form))
    expect(saved.business_hours.wed).toEqual([{ start: '00:00', end: '24:00' }])
    expect(saved.business_hours.thu).toEqual([{ start: '08:00', end: '12:00' }, { start: '13:00', end: '18:00' }])
  })
})

describe('business hours', () => {
  it('{} is always open; switching hours on starts from weekdays 08:00–18:00', () => {
    const { alwaysOpen, hours } = hoursFromJson({})
    expect(alwaysOpen).toBe(true)
    expect(hoursToJson(true, hours)).toEqual({})
    const week = hoursToJson(false, hours)
    expect(week.mon).toEqual([{ start: '08:00', end: '18:00' }])
    expect(Object.keys(week)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri'])
  })

  it('a day with only 00:00–24:00 is "24 horas"; empty or missing days are closed', () => {
    const { hours } = hoursFromJson({ mon: [{ start: '00:00', end: '24:00' }], tue: [] })
    expect(hours.mon.mode).toBe('allDay')
    expect(hours.tue.mode).toBe('closed')
    expect(hours.wed.mode).toBe('closed')
  })

  it('every day closed is still not "always open": all seven written as []', () => {
    const { alwaysOpen, hours } = hoursFromJson({ mon: [] })
    expect(alwaysOpen).toBe(false)
    const json = hoursToJson(false, hours)
    expect(Object.keys(json)).toHaveLength(7)
    expect(Object.values(json).every(ranges => ranges.length === 0)).toBe(true)
    expect(hoursFromJson(json).alwaysOpen).toBe(false)
  })
})

describe('helpers', () => {
  it('moves an item to another index (drag and drop, arrows)', () => {
    expect(moveItem(['a', 'b', 'c'], 0, 2)).toEqual(['b', 'c', 'a'])
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b'])
    expect(moveItem(['a', 'b', 'c'], 1, 5)).toEqual(['a', 'b', 'c'])
  })

  it('maps save_chatbot field hints to the form fields', () => {
    const form = formFromRows(demoSettings(), demoOptions)
    expect(formFieldOfServerField('options.2.team_id', form)).toBe(`options.${form.options[1]!.key}.teamId`)
    expect(formFieldOfServerField('options.1.label', form)).toBe(`options.${form.options[0]!.key}.label`)
    expect(formFieldOfServerField('business_hours', form)).toBe('hours')
    expect(formFieldOfServerField('max_invalid_attempts', form)).toBe('maxInvalidAttempts')
    expect(formFieldOfServerField(null, form)).toBeNull()
  })

  it('writes minutes in hours and days when they read better', () => {
    expect(minutesText(30)).toBe('30 min')
    expect(minutesText(60)).toBe('1 hora')
    expect(minutesText(90)).toBe('1,5 horas')
    expect(minutesText(1440)).toBe('24 horas')
    expect(minutesText(10080)).toBe('7 dias (168 horas)')
  })

  it('completes times typed loosely', () => {
    expect(normalizeTimeInput('8')).toBe('08:00')
    expect(normalizeTimeInput('830')).toBe('08:30')
    expect(normalizeTimeInput('8:30')).toBe('08:30')
    expect(normalizeTimeInput('18h30')).toBe('18:30')
    expect(normalizeTimeInput('abc')).toBe('abc')
  })
})

describe('validation (mirrors save_chatbot)', () => {
  const valid = () => formFromRows(demoSettings(), demoOptions)
  const errorsOf = (change: (form: ChatbotForm) => void) => {
    const form = valid()
    change(form)
    return validateChatbotForm(form)
  }

  it('accepts the demo bot as it is', () => {
    expect(validateChatbotForm(valid())).toEqual({})
  })

  it('checks the numbers at their limits', () => {
    expect(errorsOf(form => (form.maxInvalidAttempts = 0)).maxInvalidAttempts).toBe('Informe de 1 a 10 tentativas.')
    expect(errorsOf(form => (form.maxInvalidAttempts = 11)).maxInvalidAttempts).toBeDefined()
    expect(errorsOf(form => (form.maxInvalidAttempts = null)).maxInvalidAttempts).toBeDefined()
    expect(errorsOf(form => (form.maxInvalidAttempts = 10))).toEqual({})
    expect(errorsOf(form => (form.ratingTimeoutMinutes = 4)).ratingTimeoutMinutes).toMatch(/5 a 10080 minutos/)
    expect(errorsOf(form => (form.ratingTimeoutMinutes = 10081)).ratingTimeoutMinutes).toBeDefined()
    expect(errorsOf(form => (form.ratingTimeoutMinutes = 5))).toEqual({})
    expect(errorsOf(form => (form.lowRatingThreshold = 0)).lowRatingThreshold).toMatch(/de 1 a 10/)
    expect(errorsOf(form => (form.lowRatingThreshold = 2.5)).lowRatingThreshold).toBeDefined()
    expect(errorsOf(form => (form.inactivityCloseMinutes = 0)).inactivityCloseMinutes).toMatch(/maior que zero/)
    expect(errorsOf(form => (form.inactivityCloseMinutes = null))).toEqual({})
  })

  it('checks the close keyword length (blank = no keyword)', () => {
    expect(errorsOf(form => (form.closeKeyword = '#')).closeKeyword).toMatch(/2 a 30 caracteres/)
    expect(errorsOf(form => (form.closeKeyword = 'x'.repeat(31))).closeKeyword).toBeDefined()
    expect(errorsOf(form => (form.closeKeyword = ' '))).toEqual({})
  })

  it('needs a label (1–60) and a team on every option, and at most 9 options', () => {
    const form = valid()
    form.options.push({ ...newOption(), label: 'Comercial' })
    form.options.push({ ...newOption(), label: '   ', teamId: FINANCE })
    const errors = validateChatbotForm(form)
    expect(errors[`options.${form.options[2]!.key}.teamId`]).toBe('Escolha a equipe desta opção.')
    expect(errors[`options.${form.options[3]!.key}.label`]).toMatch(/1 a 60 caracteres/)
    form.options[0]!.label = 'x'.repeat(61)
    form.options[1]!.label = 'x'.repeat(60)
    const lengths = validateChatbotForm(form)
    expect(lengths[`options.${form.options[0]!.key}.label`]).toMatch(/1 a 60 caracteres/)
    expect(lengths[`options.${form.options[1]!.key}.label`]).toBeUndefined()
    const crowded = errorsOf((f) => {
      while (f.options.length < 10) f.options.push({ ...newOption(), label: `Opção ${f.options.length + 1}`, teamId: SUPPORT })
    })
    expect(crowded.options).toBe('O menu pode ter no máximo 9 opções.')
  })

  it('needs the menu text when there are options, and the rating question', () => {
    expect(errorsOf(form => (form.menuPrompt = ' ')).menuPrompt).toMatch(/texto que apresenta o menu/)
    expect(errorsOf((form) => {
      form.menuPrompt = ''
      form.options = []
    })).toEqual({})
    expect(errorsOf(form => (form.ratingPromptText = '')).ratingPromptText).toBe('Campo obrigatório.')
  })

  it('checks business hours: HH:MM, start before end, 24:00 only as an end, no overlaps', () => {
    const at = (change: (form: ChatbotForm) => void) => {
      const form = valid()
      change(form)
      return { errors: validateChatbotForm(form), form }
    }
    const wrongFormat = at(form => (form.hours.mon.ranges[0]!.start = '8h'))
    expect(errorUnder(wrongFormat.errors, 'hours.mon')).toBe('Use HH:MM (ex.: 08:00).')
    const reversed = at(form => (form.hours.mon.ranges[0]!.end = '07:00'))
    expect(errorUnder(reversed.errors, 'hours.mon')).toBe('O início (08:00) deve ser antes do fim (07:00).')
    expect(errorUnder(at(form => (form.hours.mon.ranges[0]!.start = '24:00')).errors, 'hours.mon')).toBeDefined()
    expect(at(form => (form.hours.mon.ranges[0]!.end = '24:00')).errors).toEqual({})
    const overlap = at(form => form.hours.tue.ranges.push({ key: 'extra', start: '17:00', end: '20:00' }))
    expect(overlap.errors['hours.tue.extra.start']).toBe('Este horário se sobrepõe a outro do mesmo dia.')
    expect(at(form => form.hours.tue.ranges.push({ key: 'extra', start: '18:00', end: '20:00' })).errors).toEqual({})
    expect(at(form => (form.hours.wed.ranges = [])).errors['hours.wed']).toMatch(/Adicione um horário/)
    // Always open: the week is not checked (nor saved).
    expect(at((form) => {
      form.hours.mon.ranges[0]!.start = 'x'
      form.alwaysOpen = true
    }).errors).toEqual({})
  })

  it('flags (without blocking) a week closed every day', () => {
    const form = valid()
    expect(everyDayClosed(form)).toBe(false)
    for (const day of Object.keys(form.hours) as Array<keyof ChatbotForm['hours']>) form.hours[day].mode = 'closed'
    expect(everyDayClosed(form)).toBe(true)
    expect(validateChatbotForm(form)).toEqual({})
  })

  it('checks holidays, the timezone and the warning text', () => {
    expect(isCalendarDate('2026-02-29')).toBe(false)
    expect(isCalendarDate('2028-02-29')).toBe(true)
    expect(errorsOf(form => form.holidays.push('2026-13-01')).holidays).toBe('Data inválida.')
    expect(errorsOf(form => (form.timezone = 'America/Nowhere')).timezone).toBe('Escolha um fuso horário válido.')
    expect(errorsOf(form => (form.timezone = 'America/Manaus'))).toEqual({})
    expect(errorsOf(form => (form.inactivityWarningText = ' ')).inactivityWarningText).toMatch(/mensagem de aviso/)
    expect(errorsOf((form) => {
      form.inactivityWarningText = ''
      form.inactivityWarningMinutes = null
    })).toEqual({})
  })

  it('limits every text to 4096 characters', () => {
    expect(errorsOf(form => (form.welcomeText = 'a'.repeat(4097))).welcomeText).toMatch(/4096/)
    expect(errorsOf(form => (form.welcomeText = 'a'.repeat(4096)))).toEqual({})
  })
})
