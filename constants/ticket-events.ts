/**
 * pt-BR texts of the ticket actions (transfer, close), the details panel and the event history. The
 * history sentences are built here from a `ticket_events` row and a name lookup, so every screen (and
 * the tests) phrase an event the same way.
 */
import type { TicketEvent } from '../types/domain.ts'

export const TICKET_ACTION_LABELS = {
  transfer: 'Transferir',
  transferShortcut: 'Alt+T',
  close: 'Encerrar',
  closeShortcut: 'Alt+E',
  editContact: 'Editar contato',
  editContactShortcut: 'Alt+C',
  details: 'Detalhes',
  actionsGroup: 'Ações do atendimento',
  readOnly: 'Somente leitura',
} as const

export const TRANSFER_LABELS = {
  title: 'Transferir atendimento',
  team: 'Equipe de destino',
  teamPlaceholder: 'Manter a equipe atual',
  agent: 'Atendente',
  agentPlaceholder: 'Qualquer atendente da equipe (volta para a fila)',
  agentHint: 'Sem atendente, o atendimento volta para a fila da equipe.',
  noAgents: 'Nenhum atendente ativo nesta equipe.',
  note: 'Observação para quem recebe',
  notePlaceholder: 'Contexto para o próximo atendente (opcional)',
  submit: 'Transferir',
  cancel: 'Cancelar',
  targetRequired: 'Escolha a equipe e/ou o atendente de destino.',
  sameTarget: 'O atendimento já está com esse destino.',
  success: (target: string) => `Atendimento transferido para ${target}.`,
} as const

export const CLOSE_LABELS = {
  title: 'Encerrar atendimento',
  classification: 'Classificação',
  classificationPlaceholder: 'Escolha a classificação',
  classificationRequired: 'Escolha uma classificação para encerrar o atendimento.',
  noClassifications: 'Nenhuma classificação cadastrada. Peça a um administrador.',
  comment: 'Comentário de encerramento',
  commentPlaceholder: 'O que foi feito, combinado ou pendente (fica no histórico)',
  submit: 'Encerrar',
  cancel: 'Cancelar',
  confirmTitle: 'Encerrar o atendimento?',
  confirm: (number: number) =>
    `O atendimento #${number} será encerrado e o cliente receberá a mensagem de despedida e o pedido de avaliação.`,
  confirmYes: 'Sim, encerrar',
  confirmNo: 'Voltar',
  success: (number: number) => `Atendimento #${number} encerrado.`,
} as const

export const DETAILS_LABELS = {
  title: 'Detalhes do atendimento',
  number: 'Número',
  contact: 'Contato',
  phone: 'Telefone',
  status: 'Situação',
  channel: 'Conexão',
  team: 'Equipe',
  agent: 'Atendente',
  noAgent: 'Ninguém ainda',
  noTeam: 'Sem equipe',
  timestamps: 'Linha do tempo',
  created: 'Criado',
  queued: 'Última entrada na fila',
  accepted: 'Aceito',
  firstResponse: 'Primeira resposta',
  closed: 'Encerrado',
  closing: 'Encerramento',
  classification: 'Classificação',
  closingComment: 'Comentário',
  rating: 'Avaliação',
  ratingValue: (rating: number) => `${rating} de 10`,
  ratingRequested: 'Aguardando a nota do cliente',
  ratingExpired: 'O cliente não avaliou',
  lowRating: 'Nota baixa',
  lowRatingHint: 'Sinalizada aos supervisores',
  none: '—',
  history: 'Histórico',
  historyEmpty: 'Nenhum evento registrado.',
  historyError: 'Não foi possível carregar o histórico.',
  loadError: 'Não foi possível carregar o atendimento.',
  retry: 'Tentar novamente',
  loading: 'Carregando…',
} as const

/** Generic texts when an action fails without a message from the server. */
export const ACTION_ERROR_LABELS = {
  network: 'Não foi possível conectar ao servidor. Verifique sua conexão e tente novamente.',
  notAllowed: 'Você não tem permissão para fazer isso.',
  unknown: 'Algo deu errado. Tente novamente.',
} as const

/** Who and what an event refers to, by id (staff, teams, classifications); null when unknown. */
export interface TicketEventNames {
  staff: (id: string) => string | null
  team: (id: string) => string | null
  classification: (id: string) => string | null
}

export type TicketEventTone = 'default' | 'info' | 'success' | 'warning' | 'error'

export interface TicketEventSentence {
  /** The sentence, without the note. */
  text: string
  /** The transfer note, shown after a colon. */
  note: string | null
  tone: TicketEventTone
}

const SOMEONE = 'Alguém'
const SYSTEM = 'O sistema'
const A_TEAM = 'outra equipe'

function dataString(data: Record<string, unknown>, key: string): string | null {
  const value = data[key]
  return typeof value === 'string' && value ? value : null
}

function dataNumber(data: Record<string, unknown>, key: string): number | null {
  const value = data[key]
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/** One history line in pt-BR: "Carla Técnica transferiu para Financeiro", with the note apart. */
export function describeTicketEvent(event: TicketEvent, names: TicketEventNames): TicketEventSentence {
  const data = event.data ?? {}
  const actor = event.actor_id ? (names.staff(event.actor_id) ?? SOMEONE) : null
  const team = (id: string | null) => (id ? names.team(id) : null)
  const staff = (id: string | null) => (id ? names.staff(id) : null)
  const sentence = (text: string, tone: TicketEventTone = 'default', note: string | null = null) => ({ text, note, tone })

  switch (event.type) {
    case 'created': {
      const origin = dataString(data, 'origin')
      if (origin === 'reopen') return sentence(`${actor ?? SYSTEM} iniciou uma nova conversa com o cliente`, 'info')
      if (origin === 'rating_fallback') return sentence('O cliente escreveu em vez de avaliar: nova conversa iniciada', 'info')
      return sentence('O cliente iniciou a conversa', 'info')
    }
    case 'queued': {
      const target = team(event.to_team_id) ?? A_TEAM
      const reason = dataString(data, 'reason')
      if (reason === 'fallback') return sentence(`Encaminhado para a fila de ${target} após respostas inválidas ao menu`, 'info')
      if (reason === 'bot_disabled') return sentence(`Encaminhado direto para a fila de ${target} (menu automático desligado)`, 'info')
      if (reason === 'no_options') return sentence(`Encaminhado para a fila de ${target} (menu sem opções)`, 'info')
      if (reason === 'assignee_deactivated' || reason === 'assignee_became_observer') {
        const who = staff(event.from_agent_id) ?? SOMEONE
        const why = reason === 'assignee_deactivated' ? 'foi desativado(a)' : 'passou a observador(a)'
        return sentence(`Voltou para a fila de ${target}: ${who} ${why}${actor ? ` por ${actor}` : ''}`, 'warning')
      }
      // `position` is what the bot writes; `menu_option` came first and may still be in old rows.
      const option = dataNumber(data, 'position') ?? dataNumber(data, 'menu_option')
      return sentence(`O menu encaminhou para a fila de ${target}${option ? ` (opção ${option})` : ''}`, 'info')
    }
    case 'accepted':
      return sentence(`${actor ?? SYSTEM} aceitou o atendimento`, 'success')
    case 'auto_assigned':
      return sentence(`Distribuído automaticamente para ${staff(event.to_agent_id) ?? SOMEONE.toLowerCase()} (rodízio de ${team(event.to_team_id) ?? 'equipe'})`, 'success')
    case 'transferred': {
      const toTeam = team(event.to_team_id)
      const toAgent = staff(event.to_agent_id)
      const teamChanged = event.to_team_id !== null && event.to_team_id !== event.from_team_id
      let target: string
      if (event.to_agent_id) {
        const agentName = toAgent ?? SOMEONE.toLowerCase()
        target = teamChanged && toTeam ? `${agentName} (${toTeam})` : agentName
      }
      else {
        // Back to a queue: another team's name, or "a fila" of the same team.
        target = teamChanged ? (toTeam ?? A_TEAM) : `a fila${toTeam ? ` de ${toTeam}` : ''}`
      }
      return sentence(`${actor ?? SYSTEM} transferiu para ${target}`, 'warning', event.note?.trim() || null)
    }
    case 'closed': {
      const reason = dataString(data, 'reason')
      const classificationId = dataString(data, 'classification_id')
      const classification = classificationId ? names.classification(classificationId) : null
      const as = classification ? ` como “${classification}”` : ''
      if (reason === 'inactivity') return sentence(`Encerrado automaticamente por inatividade do cliente${as}`)
      if (reason === 'customer_keyword') return sentence('O cliente encerrou a conversa pela palavra-chave')
      if (reason === 'bot') return sentence('O menu automático encerrou a conversa')
      return sentence(`${actor ?? SYSTEM} encerrou o atendimento${as}`)
    }
    case 'reopened':
      return sentence(`${actor ?? SYSTEM} reabriu a conversa a partir de Contatos`, 'info')
    case 'rating_requested':
      return sentence('Pedido de avaliação enviado ao cliente')
    case 'rated': {
      const rating = dataNumber(data, 'rating')
      return sentence(rating === null ? 'O cliente avaliou o atendimento' : `O cliente avaliou com nota ${rating}`, 'success')
    }
    case 'rating_invalid': {
      const attempts = dataNumber(data, 'invalid_attempts')
      return sentence(`O cliente respondeu ao pedido de avaliação sem uma nota válida${attempts ? ` (tentativa ${attempts})` : ''}`, 'warning')
    }
    case 'rating_expired':
      if (dataString(data, 'reason') === 'not_a_rating') return sentence('O cliente seguiu conversando sem avaliar; o pedido de avaliação foi encerrado')
      return sentence('O pedido de avaliação expirou sem resposta')
    case 'inactivity_warned': {
      const minutes = dataNumber(data, 'minutes')
      return sentence(`Aviso de inatividade enviado ao cliente${minutes ? ` (após ${minutes} min sem resposta)` : ''}`, 'warning')
    }
    case 'low_rating_flagged': {
      const rating = dataNumber(data, 'rating')
      return sentence(`Nota baixa${rating === null ? '' : ` (${rating})`} sinalizada aos supervisores`, 'error')
    }
    default:
      return sentence(`Evento registrado: ${event.type}`)
  }
}

/** The sentence as one line of text, note included ("…transferiu para Financeiro: nota"). */
export function ticketEventLine(event: TicketEvent, names: TicketEventNames): string {
  const { text, note } = describeTicketEvent(event, names)
  return note ? `${text}: ${note}` : text
}
