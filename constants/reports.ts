/**
 * Relatórios (pages/relatorios, components/report): tabs, periods, filters, timings and every pt-BR word
 * of the page — the live dashboard, the ticket report with its CSV export, and the Power BI report.
 */
import type { TicketStatus } from '../types/domain.ts'
import type { PeriodPreset } from '../utils/report-period.ts'

export const REPORT_TABS = ['painel', 'relatorio', 'powerbi'] as const
export type ReportTab = typeof REPORT_TABS[number]

export const REPORT_TAB_LABELS = {
  painel: 'Painel',
  relatorio: 'Relatório',
  powerbi: 'Power BI',
} as const satisfies Record<ReportTab, string>

export const PERIOD_PRESET_LABELS = {
  today: 'Hoje',
  last7: '7 dias',
  last30: '30 dias',
  month: 'Mês atual',
  custom: 'Personalizado',
} as const satisfies Record<PeriodPreset, string>

/**
 * The dashboard is re-read every 30 s while it is on screen (and at once when the tab comes back into
 * view). A poll, not Realtime: each refresh re-aggregates the period, so following every message of a
 * busy day would run the aggregation many times a second per open dashboard; 30 s bounds that load.
 */
export const DASHBOARD_REFRESH_MS = 30_000

/** Rows per page of the report list, and per request of the CSV export. */
export const REPORT_PAGE_SIZE = 50
export const REPORT_EXPORT_PAGE_SIZE = 500

/** Wait after the last keystroke before the contact search runs. */
export const REPORT_SEARCH_DEBOUNCE_MS = 350
export const REPORT_SEARCH_MIN_LENGTH = 2

/** The rating filter of the list: any, rated or not, or a bucket of the 1–10 scale. */
export const RATING_FILTERS = ['all', 'rated', 'not_rated', 'promoters', 'passives', 'detractors'] as const
export type RatingFilter = typeof RATING_FILTERS[number]

export const RATING_FILTER_LABELS = {
  all: 'Todas',
  rated: 'Avaliados',
  not_rated: 'Sem avaliação',
  promoters: 'Notas 9 e 10',
  passives: 'Notas 7 e 8',
  detractors: 'Notas de 1 a 6',
} as const satisfies Record<RatingFilter, string>

/** What each rating filter sends to report_tickets. */
export const RATING_FILTER_VALUES = {
  all: {},
  rated: { rated: true },
  not_rated: { rated: false },
  promoters: { rated: true, rating_min: 9, rating_max: 10 },
  passives: { rated: true, rating_min: 7, rating_max: 8 },
  detractors: { rated: true, rating_min: 1, rating_max: 6 },
} as const satisfies Record<RatingFilter, { rated?: boolean, rating_min?: number, rating_max?: number }>

/** The statuses the list can filter by, in the order of a ticket's life. */
export const REPORT_STATUSES = ['bot', 'queued', 'open', 'closed'] as const satisfies readonly TicketStatus[]

export const DASHBOARD_LABELS = {
  filtersAria: 'Filtros do painel',
  period: 'Período',
  customPeriod: 'Escolha as datas',
  channel: 'Conexão',
  allChannels: 'Todas as conexões',
  team: 'Equipe',
  allTeams: 'Todas as equipes',
  refresh: 'Atualizar',
  refreshing: 'Atualizando…',
  updated: (elapsed: string) => `Atualizado ${elapsed}`,
  autoRefresh: 'Os números se atualizam sozinhos a cada 30 segundos.',
  timezone: (zone: string) => `Horários no fuso da empresa (${zone}).`,
  loading: 'Calculando os indicadores…',
  loadFailed: 'Não foi possível carregar os indicadores.',
  retry: 'Tentar novamente',
  agentScope: 'Você vê os números das suas equipes e dos chamados atribuídos a você.',

  nowTitle: 'Agora',
  nowDescription: 'Situação neste momento, independente do período.',
  open: 'Em atendimento',
  openHint: 'Com um técnico',
  waiting: 'Na fila',
  waitingOldest: (elapsed: string) => `O mais antigo espera há ${elapsed}`,
  waitingNone: 'Ninguém esperando',
  withBot: 'No chatbot',
  withBotHint: 'Escolhendo uma opção do menu',

  periodTitle: 'No período',
  created: 'Chamados abertos',
  closed: 'Encerrados',
  closedByBot: 'Encerrados pelo chatbot',
  closedByBotHint: (share: string) => `${share} dos encerrados, sem chegar a um técnico`,
  messagesIn: 'Mensagens recebidas',
  messagesInHint: 'Enviadas pelos clientes',
  messagesOut: 'Mensagens enviadas',
  messagesOutHint: 'Pelos técnicos e pelo chatbot (sem notas internas)',
  activeAgents: 'Técnicos ativos',
  activeAgentsHint: 'Enviaram ao menos uma mensagem',
  newContacts: 'Novos contatos',
  newContactsHint: 'Escreveram pela primeira vez',

  timesTitle: 'Tempos',
  timesDescription: 'Médias dos chamados encerrados no período.',
  wait: 'Espera na fila',
  waitHint: 'Da entrada na fila até um técnico assumir',
  firstResponse: 'Primeira resposta',
  firstResponseHint: 'Do técnico assumir até a primeira mensagem dele',
  handle: 'Tempo de atendimento',
  handleHint: 'Do técnico assumir até o encerramento',
  median: (value: string) => `Mediana ${value}`,
  sample: (count: string) => `${count} chamados`,
  sampleOne: '1 chamado',

  activityTitle: 'Atividade',
  activityDescription: (unit: string) => `Por ${unit}, no fuso da empresa.`,
  ticketsChart: 'Chamados',
  ticketsChartDescription: (unit: string) => `Chamados abertos e encerrados por ${unit}.`,
  messagesChart: 'Mensagens',
  messagesChartDescription: (unit: string) => `Mensagens recebidas e enviadas por ${unit}.`,
  perHour: 'hora',
  perDay: 'dia',
  seriesCreated: 'Abertos',
  seriesClosed: 'Encerrados',
  seriesIn: 'Recebidas',
  seriesOut: 'Enviadas',
  chartEmpty: 'Nenhuma atividade no período.',
  chartTableCaption: (title: string) => `${title}: os números do gráfico`,
  chartWhen: 'Quando',

  ratingsTitle: 'Avaliações',
  ratingsDescription: 'Notas de 1 a 10 dadas pelos clientes no período.',
  ratingsAverage: 'Nota média',
  ratingsCount: (count: string) => `${count} avaliações`,
  ratingsCountOne: '1 avaliação',
  ratingsTop: 'Notas 9 e 10',
  nps: 'NPS',
  npsHint: '% de notas 9–10 menos % de notas 1–6',
  promoters: 'Promotores (9–10)',
  passives: 'Neutros (7–8)',
  detractors: 'Detratores (1–6)',
  ratingsChart: 'Distribuição das notas',
  ratingsEmpty: 'Nenhuma avaliação no período.',
  ratingScore: 'Nota',
  ratingVotes: 'Avaliações',
} as const

export const REPORT_LIST_LABELS = {
  filtersAria: 'Filtros do relatório',
  search: 'Contato ou telefone',
  searchPlaceholder: 'Nome ou parte do número',
  searchTooShort: `Digite pelo menos ${REPORT_SEARCH_MIN_LENGTH} caracteres.`,
  channel: 'Conexão',
  allChannels: 'Todas',
  status: 'Status',
  allStatuses: 'Todos',
  agent: 'Técnico',
  allAgents: 'Todos',
  team: 'Fila (equipe)',
  allTeams: 'Todas',
  period: 'Aberto entre',
  periodPlaceholder: ['Início', 'Fim'] as [string, string],
  rating: 'Avaliação',
  clear: 'Limpar filtros',
  export: 'Exportar CSV',
  count: (count: string) => `${count} chamados`,
  countOne: '1 chamado',
  showing: (shown: string, total: string) => `Mostrando ${shown} de ${total}`,
  loadMore: 'Carregar mais',
  loading: 'Carregando chamados…',
  loadFailed: 'Não foi possível carregar o relatório.',
  retry: 'Tentar novamente',
  empty: 'Nenhum chamado com esses filtros.',
  emptyHint: 'Mude ou limpe os filtros para ver outros chamados.',
  openTicket: (number: number) => `Abrir o chamado #${number}`,

  colNumber: 'Nº',
  colContact: 'Contato / conexão',
  colTeam: 'Equipe / técnico',
  colStatus: 'Status',
  colDates: 'Aberto / encerrado',
  colWait: 'Espera',
  colHandle: 'Atendimento',
  colClassification: 'Classificação',
  colRating: 'Nota',
  byBot: 'Pelo chatbot',
  noTeam: 'Sem equipe',
  noAgent: 'Sem técnico',
  noContactName: 'Sem nome',
} as const

export const REPORT_EXPORT_LABELS = {
  title: 'Exportar CSV',
  progress: (done: string, total: string) => `${done} de ${total} chamados`,
  preparing: 'Preparando…',
  cancel: 'Cancelar',
  done: (count: string) => `CSV exportado com ${count} chamados.`,
  empty: 'Nenhum chamado para exportar com esses filtros.',
  failed: 'A exportação falhou. Nada foi baixado; tente de novo.',
  cancelled: 'Exportação cancelada.',
  hint: 'Arquivo CSV separado por ponto e vírgula, em UTF-8, que o Excel abre direto.',
  fileName: (day: string) => `atendimentos-${day}.csv`,
} as const

/** The CSV's columns, in order, with their pt-BR headers. */
export const REPORT_CSV_COLUMNS = [
  { key: 'number', header: 'Número' },
  { key: 'contact', header: 'Contato' },
  { key: 'phone', header: 'Telefone' },
  { key: 'channel', header: 'Conexão' },
  { key: 'team', header: 'Equipe' },
  { key: 'agent', header: 'Técnico' },
  { key: 'status', header: 'Status' },
  { key: 'created', header: 'Aberto em' },
  { key: 'closed', header: 'Encerrado em' },
  { key: 'wait', header: 'Espera (s)' },
  { key: 'firstResponse', header: 'Primeira resposta (s)' },
  { key: 'handle', header: 'Atendimento (s)' },
  { key: 'closedByBot', header: 'Encerrado pelo chatbot' },
  { key: 'classification', header: 'Classificação' },
  { key: 'comment', header: 'Comentário de encerramento' },
  { key: 'rating', header: 'Nota' },
] as const

export type ReportCsvColumn = typeof REPORT_CSV_COLUMNS[number]['key']

export const REPORT_PAGE_LABELS = {
  subtitle: 'Indicadores ao vivo, o relatório de atendimentos com exportação em CSV e o relatório do Power BI.',
  tabsAria: 'Seções de Relatórios',
} as const

export const POWERBI_LABELS = {
  title: 'Relatório do Power BI',
  openNewTab: 'Abrir relatório no Power BI',
  newTabHint: 'O relatório abre em uma nova aba, no Power BI. Se pedir, entre com a sua conta da empresa.',
  iframeTitle: 'Relatório do Power BI',
  embedHint: 'Se o relatório pedir para entrar, use a sua conta do Power BI. Não carregou?',
  embedFallback: 'Abrir em uma nova aba',
  notConfiguredTitle: 'Nenhum relatório do Power BI configurado',
  notConfigured: 'Quando um administrador informar o endereço do relatório em Configurações, ele aparece aqui — dentro do Atende ou em um botão que abre o Power BI.',
  notConfiguredAdmin: 'Informe o endereço do relatório e escolha como mostrá-lo em Administração → Configurações.',
  configure: 'Configurar o Power BI',
  publicLinkTitle: 'Este relatório está público',
  publicLink: 'O endereço configurado é de "Publicar na Web": qualquer pessoa que tenha o link vê os dados, sem entrar no Power BI. Peça a um administrador para trocá-lo pelo link de "Inserir relatório → Site ou portal".',
  loading: 'Carregando a configuração do Power BI…',
  loadFailed: 'Não foi possível ler a configuração do Power BI.',
} as const

/** Where admins set the Power BI report. */
export const POWERBI_SETTINGS_PATH = '/admin/configuracoes'
