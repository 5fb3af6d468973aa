/** The pt-BR sentences of the ticket history, for every event type the database writes. */
import { describe, expect, it } from 'vitest'
import { describeTicketEvent, ticketEventLine, type TicketEventNames } from '../../constants/ticket-events.ts'
import type { TicketEvent } from '../../types/domain.ts'

const STAFF: Record<string, string> = { carla: 'Carla Técnica', bruno: 'Bruno Técnico', diego: 'Diego Financeiro' }
const TEAMS: Record<string, string> = { support: 'Suporte Técnico', finance: 'Financeiro' }
const CLASSIFICATIONS: Record<string, string> = { billing: 'Financeiro / cobrança' }

const names: TicketEventNames = {
  staff: id => STAFF[id] ?? null,
  team: id => TEAMS[id] ?? null,
  classification: id => CLASSIFICATIONS[id] ?? null,
}

function event(partial: Partial<TicketEvent> & Pick<TicketEvent, 'type'>): TicketEvent {
  return {
    id: 1,
    ticket_id: 't',
    actor_id: null,
    from_team_id: null,
    to_team_id: null,
    from_agent_id: null,
    to_agent_id: null,
    note: null,
    data: {},
    created_at: '2026-11-21T10:00:00Z',
    ...partial,
  }
}

describe('ticket event sentences', () => {
  it('phrases a transfer to another team with its note', () => {
    const transfer = event({
      type: 'transferred', actor_id: 'carla', from_team_id: 'support', to_team_id: 'finance', from_agent_id: 'carla',
      note: '  Cliente pediu segunda via do boleto  ', data: { from_status: 'open' },
    })
    expect(ticketEventLine(transfer, names)).toBe('Carla Técnica transferiu para Financeiro: Cliente pediu segunda via do boleto')
    expect(describeTicketEvent(transfer, names)).toMatchObject({ note: 'Cliente pediu segunda via do boleto', tone: 'warning' })
  })

  it('tells transfers to a person, to a person of another team and back to the queue apart', () => {
    const base = { type: 'transferred', actor_id: 'carla', from_team_id: 'support', from_agent_id: 'carla' } as const
    expect(ticketEventLine(event({ ...base, to_team_id: 'support', to_agent_id: 'bruno' }), names))
      .toBe('Carla Técnica transferiu para Bruno Técnico')
    expect(ticketEventLine(event({ ...base, to_team_id: 'finance', to_agent_id: 'diego' }), names))
      .toBe('Carla Técnica transferiu para Diego Financeiro (Financeiro)')
    expect(ticketEventLine(event({ ...base, to_team_id: 'support' }), names))
      .toBe('Carla Técnica transferiu para a fila de Suporte Técnico')
    expect(ticketEventLine(event({ ...base, note: '   ', to_team_id: 'finance' }), names))
      .toBe('Carla Técnica transferiu para Financeiro')
  })

  it('phrases the round robin and tickets handed back when their agent leaves', () => {
    expect(ticketEventLine(event({ type: 'auto_assigned', to_team_id: 'support', to_agent_id: 'bruno', data: { rule: 'round_robin' } }), names))
      .toBe('Distribuído automaticamente para Bruno Técnico (rodízio de Suporte Técnico)')
    expect(ticketEventLine(event({ type: 'queued', actor_id: 'diego', from_agent_id: 'carla', to_team_id: 'support', data: { reason: 'assignee_deactivated' } }), names))
      .toBe('Voltou para a fila de Suporte Técnico: Carla Técnica foi desativado(a) por Diego Financeiro')
    expect(ticketEventLine(event({ type: 'queued', from_agent_id: 'carla', to_team_id: 'support', data: { reason: 'assignee_became_observer' } }), names))
      .toBe('Voltou para a fila de Suporte Técnico: Carla Técnica passou a observador(a)')
  })

  it('phrases the life of a ticket from the menu to the rating', () => {
    const lines = [
      event({ type: 'created' }),
      event({ type: 'queued', to_team_id: 'finance', data: { reason: 'option', position: 2, message_id: 'm' } }),
      event({ type: 'accepted', actor_id: 'diego', to_team_id: 'finance', to_agent_id: 'diego' }),
      event({ type: 'closed', actor_id: 'diego', data: { reason: 'agent', classification_id: 'billing', from_status: 'open' } }),
      event({ type: 'rating_requested', data: { prompt_message_id: 'm' } }),
      event({ type: 'rated', data: { rating: 4, raw_answer: '4' } }),
      event({ type: 'low_rating_flagged', data: { rating: 4, threshold: 6 } }),
    ].map(row => ticketEventLine(row, names))
    expect(lines).toEqual([
      'O cliente iniciou a conversa',
      'O menu encaminhou para a fila de Financeiro (opção 2)',
      'Diego Financeiro aceitou o atendimento',
      'Diego Financeiro encerrou o atendimento como “Financeiro / cobrança”',
      'Pedido de avaliação enviado ao cliente',
      'O cliente avaliou com nota 4',
      'Nota baixa (4) sinalizada aos supervisores',
    ])
  })

  it('phrases automatic closings, reopening and expiry', () => {
    expect(ticketEventLine(event({ type: 'closed', data: { reason: 'inactivity' } }), names))
      .toBe('Encerrado automaticamente por inatividade do cliente')
    expect(ticketEventLine(event({ type: 'closed', data: { reason: 'customer_keyword' } }), names))
      .toBe('O cliente encerrou a conversa pela palavra-chave')
    expect(ticketEventLine(event({ type: 'closed', actor_id: 'diego', data: { reason: 'agent' } }), names))
      .toBe('Diego Financeiro encerrou o atendimento')
    expect(ticketEventLine(event({ type: 'created', actor_id: 'carla', data: { origin: 'reopen' } }), names))
      .toBe('Carla Técnica iniciou uma nova conversa com o cliente')
    expect(ticketEventLine(event({ type: 'reopened', actor_id: 'carla', data: { previous_ticket_id: 'x' } }), names))
      .toBe('Carla Técnica reabriu a conversa a partir de Contatos')
    expect(ticketEventLine(event({ type: 'rating_expired', data: { reason: 'timeout' } }), names)).toBe('O pedido de avaliação expirou sem resposta')
    expect(ticketEventLine(event({ type: 'rating_expired', data: { reason: 'not_a_rating' } }), names))
      .toBe('O cliente seguiu conversando sem avaliar; o pedido de avaliação foi encerrado')
    expect(ticketEventLine(event({ type: 'rating_invalid', data: { invalid_attempts: 1 } }), names))
      .toBe('O cliente respondeu ao pedido de avaliação sem uma nota válida (tentativa 1)')
    expect(ticketEventLine(event({ type: 'inactivity_warned', data: { minutes: 30 } }), names))
      .toBe('Aviso de inatividade enviado ao cliente (após 30 min sem resposta)')
    expect(ticketEventLine(event({ type: 'created', data: { origin: 'rating_fallback' } }), names))
      .toBe('O cliente escreveu em vez de avaliar: nova conversa iniciada')
  })

  it('says how the bot routed: a menu option (old and new rows), the fallback team, or no menu', () => {
    const queued = (data: Record<string, unknown>) => ticketEventLine(event({ type: 'queued', to_team_id: 'support', data }), names)
    expect(queued({ menu_option: 1 })).toBe('O menu encaminhou para a fila de Suporte Técnico (opção 1)')
    expect(queued({ reason: 'fallback', position: null })).toBe('Encaminhado para a fila de Suporte Técnico após respostas inválidas ao menu')
    expect(queued({ reason: 'bot_disabled' })).toBe('Encaminhado direto para a fila de Suporte Técnico (menu automático desligado)')
    expect(queued({ reason: 'no_options' })).toBe('Encaminhado para a fila de Suporte Técnico (menu sem opções)')
  })

  it('still says something when names or the type are unknown', () => {
    expect(ticketEventLine(event({ type: 'accepted', actor_id: 'someone-deleted' }), names)).toBe('Alguém aceitou o atendimento')
    expect(ticketEventLine(event({ type: 'transferred', actor_id: null, from_team_id: 'support', to_team_id: 'gone' }), names))
      .toBe('O sistema transferiu para outra equipe')
    expect(ticketEventLine(event({ type: 'merged' }), names)).toBe('Evento registrado: merged')
  })
})
