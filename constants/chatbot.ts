import type { Weekday } from '../supabase/functions/_shared/chatbot/types.ts'

/**
 * The chatbot editor (Administração → Conexões → Chatbot): limits that mirror the database's checks
 * (save_chatbot and the bot_settings constraints) and every pt-BR word of the editor and its preview.
 */

export const CHATBOT_LIMITS = {
  /** The customer answers with one digit. */
  maxOptions: 9,
  optionLabelMax: 60,
  textMax: 4096,
  attemptsMin: 1,
  attemptsMax: 10,
  ratingTimeoutMin: 5,
  /** 7 days. */
  ratingTimeoutMax: 10080,
  thresholdMin: 1,
  thresholdMax: 10,
  keywordMin: 2,
  keywordMax: 30,
} as const

/** Monday first, as people in Brazil read a week; the engine's keys. */
export const WEEKDAY_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

export const WEEKDAY_LABELS: Record<Weekday, string> = {
  sun: 'Domingo',
  mon: 'Segunda-feira',
  tue: 'Terça-feira',
  wed: 'Quarta-feira',
  thu: 'Quinta-feira',
  fri: 'Sexta-feira',
  sat: 'Sábado',
}

/** Lower-case names for sentences ("Em segunda, …"). */
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  sun: 'domingo',
  mon: 'segunda',
  tue: 'terça',
  wed: 'quarta',
  thu: 'quinta',
  fri: 'sexta',
  sat: 'sábado',
}

export const DAY_MODES = ['ranges', 'allDay', 'closed'] as const
export type DayMode = typeof DAY_MODES[number]

export const DAY_MODE_LABELS: Record<DayMode, string> = {
  ranges: 'Horários',
  allDay: '24 horas',
  closed: 'Fechado',
}

/** The ranges a day gets when the admin switches it to "Horários" (or leaves "sempre aberto"). */
export const DEFAULT_DAY_RANGE = { start: '08:00', end: '18:00' } as const

export const CHATBOT_LABELS = {
  title: 'Chatbot',
  description: 'O menu numérico que recebe o cliente no WhatsApp e o encaminha para a fila da equipe certa. Nunca interpreta texto livre: só os números que ofereceu.',
  loading: 'Carregando o chatbot…',
  notFound: 'Conexão não encontrada. Ela pode ter sido excluída.',
  backToConnections: 'Voltar para as conexões',

  // Sections
  sectionGeneral: 'Funcionamento',
  sectionMenu: 'Boas-vindas e menu',
  sectionOptions: 'Opções do menu',
  sectionInvalid: 'Respostas inválidas',
  sectionHours: 'Horário de atendimento',
  sectionClosing: 'Encerramento e avaliação',
  sectionInactivity: 'Inatividade do cliente',

  enabled: 'Chatbot ligado',
  enabledOn: 'Ligado: o cliente recebe as boas-vindas e escolhe uma opção do menu.',
  enabledOff: 'Desligado: toda conversa nova vai direto para a equipe padrão, sem boas-vindas nem menu (só o texto após a escolha, se houver).',
  fallbackTeam: 'Equipe padrão',
  fallbackTeamHint: 'Recebe o cliente quando o chatbot está desligado, quando o menu não tem opções ou depois das tentativas inválidas.',
  fallbackTeamMissing: 'Sem equipe padrão, esses clientes entram numa fila sem equipe, que só supervisores veem.',
  teamPlaceholder: 'Escolha a equipe',

  welcomeText: 'Mensagem de boas-vindas',
  welcomeTextHint: 'A primeira mensagem de toda conversa nova.',
  menuPrompt: 'Texto do menu',
  menuPromptHint: 'Aparece acima das opções numeradas, na mesma mensagem.',
  afterSelectionText: 'Mensagem após a escolha',
  afterSelectionHint: 'Enviada quando o cliente entra na fila. Deixe em branco para não enviar nada.',
  textPlaceholderOptional: 'Em branco: não enviar',
  formattingHint: 'Formatação do WhatsApp: *negrito*, _itálico_, ~riscado~.',

  optionsHint: 'O cliente responde com o número. Arraste pela alça (ou use as setas) para mudar a ordem: a posição é o número.',
  optionLabel: (position: number) => `Texto da opção ${position}`,
  optionTeam: (position: number) => `Equipe da opção ${position}`,
  optionLabelPlaceholder: 'Ex.: Suporte técnico',
  optionDrag: (position: number) => `Arrastar a opção ${position} (Alt + seta para cima ou para baixo move pelo teclado)`,
  optionMoveUp: 'Mover para cima',
  optionMoveDown: 'Mover para baixo',
  optionRemove: 'Remover opção',
  optionAdd: 'Adicionar opção',
  optionsFull: 'O menu já tem 9 opções, o máximo (o cliente responde com um único dígito).',
  optionsEmpty: 'Sem opções, o cliente recebe as boas-vindas e vai direto para a equipe padrão.',
  optionMoved: (label: string, position: number) => `"${label}" agora é a opção ${position}.`,
  optionUntitled: 'Opção sem texto',

  invalidOptionText: 'Mensagem de resposta inválida',
  invalidOptionHint: 'Enviada com o menu de novo quando o cliente escreve algo que não é uma das opções.',
  maxInvalidAttempts: 'Tentativas antes da equipe padrão',
  maxInvalidAttemptsHint: (attempts: number) => `Depois de ${attempts} ${attempts === 1 ? 'resposta inválida' : 'respostas inválidas'}, o cliente vai para a equipe padrão: ninguém fica preso no menu.`,

  alwaysOpen: 'Atendimento 24 horas',
  alwaysOpenOn: 'Sempre aberto: o texto de fora do horário nunca é enviado (exceto nos feriados).',
  alwaysOpenOff: 'Fora dos horários abaixo, as boas-vindas vêm com o texto de fora do horário. O menu e as filas continuam funcionando.',
  dayMode: (day: string) => `Funcionamento de ${day}`,
  rangeStart: (day: string, index: number) => `Início do ${index}º horário de ${day}`,
  rangeEnd: (day: string, index: number) => `Fim do ${index}º horário de ${day}`,
  rangeTo: 'às',
  rangeAdd: 'Adicionar horário',
  rangeRemove: 'Remover horário',
  timePlaceholder: 'HH:MM',
  outOfHoursText: 'Mensagem fora do horário',
  outOfHoursHint: 'Enviada logo após as boas-vindas quando o cliente escreve fora do horário ou num feriado.',
  holidays: 'Feriados',
  holidaysHint: 'Dias fechados o dia todo, no fuso do chatbot.',
  holidayAdd: 'Adicionar feriado',
  holidayPick: 'Escolha a data',
  holidaysEmpty: 'Nenhum feriado cadastrado.',
  holidayRemove: (date: string) => `Remover o feriado de ${date}`,
  timezone: 'Fuso horário',
  timezoneCompany: (zone: string) => `O da empresa (${zone})`,
  timezoneHint: 'Os horários e feriados valem neste fuso.',

  closeKeyword: 'Palavra para encerrar',
  closeKeywordHint: 'Se o cliente enviar só esta palavra enquanto está no menu, a conversa termina com a despedida. Em branco: sem palavra.',
  closeKeywordPlaceholder: '#sair',
  farewellText: 'Mensagem de despedida',
  farewellHint: 'Enviada ao encerrar o atendimento (um atendente pode ter a sua própria).',
  ratingPromptText: 'Pedido de avaliação',
  ratingPromptHint: 'Enviado depois da despedida quando um atendente encerra.',
  ratingInvalidText: 'Avaliação inválida',
  ratingInvalidHint: 'Se a resposta não for uma nota de 1 a 10, o cliente recebe este texto uma vez; a mensagem seguinte que não for nota abre um novo atendimento.',
  ratingThanksText: 'Agradecimento pela avaliação',
  ratingTimeoutMinutes: 'Prazo para avaliar (minutos)',
  ratingTimeoutHint: (text: string) => `Depois de ${text} sem nota, a avaliação expira.`,
  lowRatingThreshold: 'Nota baixa (até)',
  lowRatingHint: (score: number) => `Notas de 1 a ${score} marcam o atendimento para os supervisores.`,

  inactivityHint: 'Vale para atendimentos em andamento em que o cliente parou de responder depois da nossa última mensagem.',
  inactivityWarningMinutes: 'Aviso após (minutos)',
  inactivityWarningText: 'Mensagem de aviso',
  inactivityCloseMinutes: 'Encerrar após (minutos)',
  inactivityCloseHint: 'Contados a partir do aviso (ou da nossa última mensagem, sem aviso). Também encerra conversas paradas no menu.',
  inactivityClassification: 'Classificação do encerramento por inatividade',
  inactivityClassificationPlaceholder: 'Sem classificação',
  minutesPlaceholder: 'Desligado',
  minutes: 'min',
  inactive: '(inativa)',

  // Save bar
  unsaved: 'Alterações não salvas',
  allSaved: 'Tudo salvo',
  invalidCount: (count: number) => count === 1 ? '1 campo precisa de correção' : `${count} campos precisam de correção`,
  fixBeforeSaving: 'Corrija os campos destacados antes de salvar.',
  discard: 'Descartar',
  discardTitle: 'Descartar as alterações?',
  discardContent: 'O chatbot volta a ser como está salvo.',
  save: 'Salvar',
  saving: 'Salvando…',
  saveShortcut: 'Ctrl+S',
  saved: 'Chatbot salvo. As próximas mensagens dos clientes já seguem as novas configurações.',
  conflictTitle: 'Outra pessoa salvou o chatbot',
  conflictContent: 'Enquanto você editava, outra pessoa salvou o chatbot desta conexão. Recarregue para ver a versão atual (suas alterações serão descartadas).',
  conflictReload: 'Recarregar a versão salva',
  conflictReloadConfirm: 'Suas alterações serão descartadas e o formulário mostrará a versão salva pela outra pessoa.',
  conflictReloadYes: 'Recarregar',
  leaveTitle: 'Sair sem salvar?',
  leaveContent: 'As alterações no chatbot ainda não foram salvas e serão perdidas.',
  leaveYes: 'Sair sem salvar',
  leaveNo: 'Continuar editando',
} as const

/** pt-BR validation messages (the database says the same when a request gets past the form). */
export const CHATBOT_ERRORS = {
  required: 'Campo obrigatório.',
  textTooLong: `Use no máximo ${CHATBOT_LIMITS.textMax} caracteres.`,
  menuPromptRequired: 'Escreva o texto que apresenta o menu (ex.: "Responda com o número da opção desejada:").',
  optionLabel: `Escreva o texto da opção (1 a ${CHATBOT_LIMITS.optionLabelMax} caracteres).`,
  optionTeam: 'Escolha a equipe desta opção.',
  optionDuplicate: 'Já existe uma opção com este texto.',
  tooManyOptions: `O menu pode ter no máximo ${CHATBOT_LIMITS.maxOptions} opções.`,
  attempts: `Informe de ${CHATBOT_LIMITS.attemptsMin} a ${CHATBOT_LIMITS.attemptsMax} tentativas.`,
  ratingTimeout: `Informe de ${CHATBOT_LIMITS.ratingTimeoutMin} a ${CHATBOT_LIMITS.ratingTimeoutMax} minutos (7 dias).`,
  threshold: `Informe uma nota de ${CHATBOT_LIMITS.thresholdMin} a ${CHATBOT_LIMITS.thresholdMax}.`,
  keyword: `Use de ${CHATBOT_LIMITS.keywordMin} a ${CHATBOT_LIMITS.keywordMax} caracteres (ex.: #sair), ou deixe em branco.`,
  time: 'Use HH:MM (ex.: 08:00).',
  endTime: 'Use HH:MM (ex.: 18:00; 24:00 para meia-noite).',
  rangeOrder: (start: string, end: string) => `O início (${start}) deve ser antes do fim (${end}).`,
  rangeOverlap: 'Este horário se sobrepõe a outro do mesmo dia.',
  dayWithoutRanges: 'Adicione um horário ou marque o dia como fechado.',
  allClosed: 'Todos os dias estão fechados: o cliente sempre receberia o texto de fora do horário. Abra algum dia ou ligue o atendimento 24 horas.',
  holiday: 'Data inválida.',
  timezone: 'Escolha um fuso horário válido.',
  positiveMinutes: 'Informe um número inteiro de minutos maior que zero, ou deixe em branco para desligar.',
  warningTextRequired: 'Escreva a mensagem de aviso, ou deixe os minutos do aviso em branco.',
} as const

/** The phone preview beside the form. */
export const CHATBOT_PREVIEW_LABELS = {
  title: 'Prévia no WhatsApp',
  subtitle: 'Exatamente o que o cliente recebe, com o que está no formulário agora (mesmo antes de salvar).',
  contactStatus: 'online',
  customerFirstMessage: 'Olá',
  inputPlaceholder: 'Responder como o cliente',
  inputLabel: 'Mensagem do cliente na prévia',
  send: 'Enviar na prévia',
  restart: 'Recomeçar',
  quickAnswers: 'Respostas rápidas do cliente',
  invalidAnswer: 'Quero falar com alguém',
  agentClose: 'Atendente encerra',
  inactivity: 'Cliente some',
  clock: 'Momento simulado',
  clockNow: 'Agora',
  clockOpen: 'Em horário',
  clockClosed: 'Fora do horário',
  clockOpenState: 'dentro do horário',
  clockClosedState: 'fora do horário',
  clockHoliday: 'feriado',
  clockNeverClosed: 'Atendimento 24 horas e sem feriados: o cliente nunca está fora do horário.',
  clockNeverOpen: 'Não há nenhum horário aberto nos próximos dias.',
  simulatedAt: (when: string, state: string) => `Simulando ${when} (${state}).`,
  queued: (team: string) => `Cliente na fila de ${team}`,
  queuedNoTeam: 'Cliente numa fila sem equipe (defina a equipe padrão)',
  reasonFallback: (attempts: number) => `após ${attempts} ${attempts === 1 ? 'resposta inválida' : 'respostas inválidas'}`,
  reasonDisabled: 'chatbot desligado',
  reasonNoOptions: 'menu sem opções',
  agentTakes: 'Um atendente assume a conversa',
  closedByAgent: 'O atendente encerrou o atendimento',
  closedByKeyword: 'O cliente encerrou com a palavra-chave',
  inactivityWarned: (minutes: number) => `Cliente sem responder há ${minutes} min`,
  inactivityClosed: (minutes: number) => `Encerrado por inatividade após mais ${minutes} min`,
  inactivityOff: 'Inatividade desligada: defina os minutos para encerrar.',
  rated: (score: number, low: boolean) => low ? `Nota ${score} registrada (nota baixa: sinalizada para os supervisores)` : `Nota ${score} registrada`,
  ratingNewTicket: 'Não era uma nota: a avaliação fica sem nota e a mensagem abre um novo atendimento',
  ratingExpires: (text: string) => `Sem resposta em ${text}, a avaliação expira`,
  newTicket: 'Novo atendimento',
  withAgent: 'Na conversa com o atendente, o chatbot não responde.',
  unknownTeam: 'equipe removida',
  optionWithoutTeam: 'Esta opção ainda não tem equipe: escolha uma no formulário.',
  failed: 'Não foi possível montar a prévia com estes valores.',
  you: 'Você',
} as const
