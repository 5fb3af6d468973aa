/** Ticket statuses, inbox tabs, timings and the pt-BR strings of the agent inbox (components/inbox). */
import type { TicketStatus } from '../types/domain.ts'

export const TICKET_STATUS_LABELS = {
  bot: 'No chatbot',
  queued: 'Na fila',
  open: 'Em andamento',
  closed: 'Encerrado',
} as const satisfies Record<TicketStatus, string>

/** naive-ui tag types per status (colour of the status chip on cards and headers). */
export const TICKET_STATUS_TAG_TYPES = {
  bot: 'default',
  queued: 'warning',
  open: 'success',
  closed: 'default',
} as const satisfies Record<TicketStatus, 'default' | 'success' | 'warning' | 'info' | 'error'>

/** The inbox tabs, in order; Alt+1/2/3 select them. */
export const INBOX_TABS = ['mine', 'queue', 'contacts'] as const
export type InboxTab = typeof INBOX_TABS[number]

export const INBOX_TAB_LABELS = {
  mine: 'Em andamento',
  queue: 'Fila',
  contacts: 'Contatos',
} as const satisfies Record<InboxTab, string>

/** The two ticket lists the inbox keeps (the Contatos tab has its own store). */
export type TicketListKey = 'mine' | 'queue'

/** How often the waiting times and "há 5 min" labels are recomputed. */
export const INBOX_CLOCK_TICK_MS = 30_000

/**
 * How often the lists are re-read while the inbox is open. Realtime delivers every change the user may
 * still see, but a ticket that moves out of sight (transferred to another team) produces no event for
 * the people who lose it: the periodic re-read is what takes it off their lists.
 */
export const INBOX_RECONCILE_MS = 60_000

/** Upper bound of each list read; an agent with more open tickets than this has bigger problems. */
export const INBOX_LIST_LIMIT = 300

/** localStorage key of the "silence new-ticket alerts" toggle. */
export const INBOX_ALERTS_MUTED_KEY = 'atende:inbox-alerts-muted'

/** Keyboard shortcuts of the inbox, shown in tooltips. */
export const INBOX_SHORTCUTS = {
  tabs: 'Alt+1, Alt+2, Alt+3',
  tab: { mine: 'Alt+1', queue: 'Alt+2', contacts: 'Alt+3' } satisfies Record<InboxTab, string>,
  previous: 'Alt+↑',
  next: 'Alt+↓',
  details: 'Alt+I',
} as const

export const INBOX_LABELS = {
  title: 'Atendimento',
  tabsAria: 'Listas de atendimento',
  emptyMine: 'Nenhum atendimento em andamento',
  emptyMineHint: 'Os chamados que você atender aparecem aqui.',
  emptyQueue: 'Fila vazia',
  emptyQueueHint: 'Nenhum cliente aguardando nas filas das suas equipes.',
  emptyQueueAllHint: 'Nenhum cliente aguardando em nenhuma fila.',
  noTeams: 'Você ainda não participa de nenhuma equipe: peça a um administrador para incluí-lo.',
  loadFailedMine: 'Não foi possível carregar seus atendimentos.',
  loadFailedQueue: 'Não foi possível carregar a fila.',
  retry: 'Tentar novamente',
  peek: 'Espiar',
  peekHint: 'Abrir a conversa só para leitura, sem atender',
  accept: 'Atender',
  acceptHint: 'Assumir este chamado',
  waitingFor: 'Aguardando há',
  unread: (count: number) => (count === 1 ? '1 mensagem não lida' : `${count} mensagens não lidas`),
  ticketNumber: (number: number) => `#${number}`,
  noPreview: 'Sem mensagens ainda',
  unknownContact: 'Contato sem nome',
  noTeam: 'Sem equipe',
  listCount: (count: number) => (count === 1 ? '1 chamado' : `${count} chamados`),
  shortcutsTitle: 'Atalhos do teclado',
  shortcutTabs: 'Trocar de aba',
  shortcutPrevious: 'Chamado anterior da lista',
  shortcutNext: 'Próximo chamado da lista',
  shortcutDetails: 'Mostrar ou esconder os detalhes do chamado',
  liveInterrupted: 'Conexão em tempo real interrompida. Reconectando…',
  // The conversation column before a ticket is chosen.
  pickTicketTitle: 'Selecione um atendimento',
  pickTicketHint: 'Escolha um chamado em andamento ou espie um da fila para ver a conversa.',
  ticketUnavailable: 'Este chamado não existe ou você não tem acesso a ele.',
  ticketLoadFailed: 'Não foi possível abrir este chamado.',
  backToInbox: 'Voltar para a lista',
  conversationArea: 'Conversa',
  detailsArea: 'Detalhes do chamado',
  showDetails: 'Mostrar detalhes do chamado',
  hideDetails: 'Esconder detalhes do chamado',
  globalSearchArea: 'Busca em todas as conversas',
  contactsArea: 'Contatos',
} as const

/** Strings of the new-ticket alerts (sound and browser notification). */
export const ALERT_LABELS = {
  muteButton: 'Silenciar alertas de novos chamados',
  unmuteButton: 'Ativar alertas de novos chamados',
  title: 'Alertas de novos chamados na fila',
  soundAndNotification: 'Som e notificação quando um chamado entra na fila',
  muted: 'Alertas silenciados',
  permissionDefault: 'Permitir notificações do navegador',
  permissionDenied: 'O navegador bloqueou as notificações deste site. Libere-as nas configurações do navegador.',
  permissionUnsupported: 'Este navegador não mostra notificações.',
  permissionGranted: 'Notificações do navegador permitidas.',
  notificationTitle: (number: number) => `Novo chamado na fila: #${number}`,
  notificationBody: (contact: string, team: string) => `${contact} · ${team}`,
} as const

/**
 * What the agent reads when a ticket action is refused. Keys are the stable codes the RPCs raise
 * (docs/modelo-de-dados.md, "As funções RPC").
 */
export const TICKET_ERROR_MESSAGES = {
  ticket_already_accepted: 'Outro técnico já atendeu este chamado.',
  ticket_not_queued: 'Este chamado não está mais na fila.',
  ticket_not_found: 'Este chamado não existe ou você não tem acesso a ele.',
  not_allowed: 'Você não tem permissão para atender este chamado.',
  network: 'Não foi possível falar com o servidor. Verifique sua conexão e tente novamente.',
  unknown: 'Não foi possível concluir a ação. Tente novamente.',
} as const

export type TicketErrorKey = keyof typeof TICKET_ERROR_MESSAGES
