/** Quick replies in the composer: team scope, the "/" trigger, search and the {nome} placeholder. */
import { describe, expect, it } from 'vitest'
import type { QuickReply } from '../../types/domain.ts'
import {
  contactFirstName,
  fillQuickReply,
  findSlashQuery,
  hasNamePlaceholder,
  quickRepliesForTeam,
  searchQuickReplies,
} from '../../utils/quick-replies.ts'

const SUPPORT = 'team-support'
const FINANCE = 'team-finance'

function reply(shortcut: string, title: string, body: string, teamId: string | null = null): QuickReply {
  return {
    id: `qr-${shortcut}`, shortcut, title, body, team_id: teamId, created_by: null,
    created_at: '2026-11-21T00:00:00Z', updated_at: '2026-11-21T00:00:00Z',
  }
}

// The seed's replies (supabase/seed.sql).
const SEED = [
  reply('saudacao', 'Saudação', 'Olá! Tudo bem? Sou do atendimento e vou te ajudar. 😊'),
  reply('aguarde', 'Aguarde um momento', 'Só um momento, por favor, enquanto verifico as informações.'),
  reply('encerramento', 'Encerramento', 'Posso ajudar em algo mais? Se estiver tudo certo, vou encerrar o atendimento. Obrigado pelo contato!'),
  reply('horario', 'Horário de atendimento', 'Nosso horário de atendimento é de segunda a sexta, das 8h às 18h.'),
  reply('reiniciar', 'Reiniciar o roteador', 'Desligue o roteador da tomada, aguarde 30 segundos e ligue novamente.', SUPPORT),
  reply('visita', 'Agendar visita técnica', 'Vou agendar uma visita técnica. Qual o melhor período para você?', SUPPORT),
  reply('boleto', 'Segunda via do boleto', 'Vou te enviar a segunda via do boleto. Pode confirmar o CPF do titular?', FINANCE),
  reply('pix', 'Pagamento por Pix', 'Você pode pagar por Pix com a chave CNPJ 12.345.678/0001-90.', FINANCE),
]

const shortcuts = (replies: QuickReply[]) => replies.map(item => item.shortcut)

describe('quickRepliesForTeam', () => {
  it('offers the global replies plus the ticket team\'s own, never another team\'s', () => {
    expect(shortcuts(quickRepliesForTeam(SEED, SUPPORT))).toEqual(['saudacao', 'aguarde', 'encerramento', 'horario', 'reiniciar', 'visita'])
    expect(shortcuts(quickRepliesForTeam(SEED, FINANCE))).toEqual(['saudacao', 'aguarde', 'encerramento', 'horario', 'boleto', 'pix'])
  })

  it('offers only the global replies on a ticket without a team', () => {
    expect(shortcuts(quickRepliesForTeam(SEED, null))).toEqual(['saudacao', 'aguarde', 'encerramento', 'horario'])
  })
})

describe('findSlashQuery', () => {
  it('finds "/" at the start of the text or of a word, with what was typed after it', () => {
    expect(findSlashQuery('/', 1)).toEqual({ start: 0, end: 1, query: '' })
    expect(findSlashQuery('/sau', 4)).toEqual({ start: 0, end: 4, query: 'sau' })
    expect(findSlashQuery('Oi! /agu', 8)).toEqual({ start: 4, end: 8, query: 'agu' })
    expect(findSlashQuery('linha 1\n/hor', 12)).toEqual({ start: 8, end: 12, query: 'hor' })
  })

  it('replaces the whole word when the caret is in its middle', () => {
    expect(findSlashQuery('/saudacao fim', 4)).toEqual({ start: 0, end: 9, query: 'sau' })
  })

  it('ignores slashes inside words: links, dates, fractions', () => {
    expect(findSlashQuery('https://atende.local', 8)).toBeNull()
    expect(findSlashQuery('dia 12/05', 9)).toBeNull()
    expect(findSlashQuery('e/ou', 2)).toBeNull()
  })

  it('closes once a space ends the word', () => {
    expect(findSlashQuery('/sau ', 5)).toBeNull()
    expect(findSlashQuery('sem barra', 9)).toBeNull()
  })
})

describe('searchQuickReplies', () => {
  it('lists everything alphabetically for an empty query', () => {
    expect(shortcuts(searchQuickReplies(SEED, ''))).toEqual(['aguarde', 'boleto', 'encerramento', 'horario', 'pix', 'reiniciar', 'saudacao', 'visita'])
  })

  it('puts the exact and prefix shortcut matches first', () => {
    expect(shortcuts(searchQuickReplies(SEED, 'sau'))[0]).toBe('saudacao')
    expect(shortcuts(searchQuickReplies(SEED, 'pix'))[0]).toBe('pix')
    expect(shortcuts(searchQuickReplies(SEED, '/hor'))[0]).toBe('horario')
  })

  it('ignores accents and case, in the query and in the replies', () => {
    expect(shortcuts(searchQuickReplies(SEED, 'SAUDAÇÃO'))).toEqual(['saudacao'])
    expect(shortcuts(searchQuickReplies(SEED, 'tecnica'))).toEqual(['visita'])
  })

  it('finds a reply by a word of its title or its text', () => {
    expect(shortcuts(searchQuickReplies(SEED, 'roteador'))).toEqual(['reiniciar'])
    expect(shortcuts(searchQuickReplies(SEED, 'cnpj'))).toEqual(['pix'])
    expect(shortcuts(searchQuickReplies(SEED, 'segunda via'))).toEqual(['boleto'])
  })

  it('forgives skipped letters in a shortcut', () => {
    expect(shortcuts(searchQuickReplies(SEED, 'encmto'))).toEqual(['encerramento'])
    expect(shortcuts(searchQuickReplies(SEED, 'sdc'))).toEqual(['saudacao'])
    expect(shortcuts(searchQuickReplies(SEED, 'oas'))).toEqual([]) // letters out of order
  })

  it('ranks shortcut matches over text matches and honours the limit', () => {
    // "aguarde" is a shortcut; the roteador reply only says "aguarde" in its text.
    expect(shortcuts(searchQuickReplies(SEED, 'aguarde'))).toEqual(['aguarde', 'reiniciar'])
    expect(searchQuickReplies(SEED, '', 3)).toHaveLength(3)
  })

  it('finds nothing for words no reply has', () => {
    expect(searchQuickReplies(SEED, 'xyzzy')).toEqual([])
  })
})

describe('placeholders', () => {
  it('greets the contact by the first name', () => {
    expect(fillQuickReply('Olá, {nome}! Tudo bem?', 'Maria Souza')).toBe('Olá, Maria! Tudo bem?')
    expect(fillQuickReply('Oi {{ nome }}, {NOME}.', 'João')).toBe('Oi João, João.')
  })

  it('leaves a text without placeholders as it is', () => {
    expect(fillQuickReply('Só um momento, por favor.', 'Maria')).toBe('Só um momento, por favor.')
  })

  it('drops the placeholder gracefully when the contact has no name', () => {
    expect(fillQuickReply('Olá, {nome}! Tudo bem?', null)).toBe('Olá! Tudo bem?')
    expect(fillQuickReply('Olá {nome}, tudo bem?', '')).toBe('Olá, tudo bem?')
    expect(fillQuickReply('{nome}, seu boleto chegou.', '🌸')).toBe('seu boleto chegou.')
  })

  it('picks a readable first name from WhatsApp names', () => {
    expect(contactFirstName('🌸 Maria Souza')).toBe('Maria')
    expect(contactFirstName('MARIA SOUZA')).toBe('Maria')
    expect(contactFirstName('joão')).toBe('João')
    expect(contactFirstName('McDonald Silva')).toBe('McDonald')
    expect(contactFirstName('  ')).toBeNull()
    expect(contactFirstName(null)).toBeNull()
  })

  it('tells whether a reply uses the name', () => {
    expect(hasNamePlaceholder('Oi {nome}!')).toBe(true)
    expect(hasNamePlaceholder('Oi!')).toBe(false)
  })
})
