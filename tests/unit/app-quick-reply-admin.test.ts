/** Respostas rápidas (admin): the shortcut rule (the database's), title and text limits, the scope filter. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  QUICK_REPLY_ADMIN_LABELS as LABELS,
  QUICK_REPLY_BODY_MAX,
  QUICK_REPLY_TITLE_MAX,
  SCOPE_FILTER_ANY,
  SCOPE_FILTER_GLOBAL,
  SHORTCUT_PATTERN,
  bodyError,
  bodyLength,
  inScope,
  normalizeShortcut,
  shortcutError,
  titleError,
} from '../../constants/quick-replies.ts'

const CATALOGUES_SQL = readFileSync(join(import.meta.dirname, '../../supabase/migrations/20261121000900_catalogues.sql'), 'utf8')
const SUPPORT = 'team-support'
const FINANCE = 'team-finance'
const EXISTING = [
  { shortcut: 'saudacao', team_id: null },
  { shortcut: 'boleto', team_id: FINANCE },
]

describe('shortcut', () => {
  it('uses the table\'s own pattern and limits', () => {
    const pattern = /shortcut text not null check \(shortcut ~ '([^']+)'\)/.exec(CATALOGUES_SQL)?.[1]
    expect(pattern).toBe(SHORTCUT_PATTERN.source)
    expect(CATALOGUES_SQL).toContain(`length(trim(title)) between 1 and ${QUICK_REPLY_TITLE_MAX}`)
    expect(CATALOGUES_SQL).toContain(`length(body) between 1 and ${QUICK_REPLY_BODY_MAX}`)
  })

  it('is normalised the way people type it: no "/", lower case, no accents, hyphens for spaces', () => {
    expect(normalizeShortcut('/Boas Vindas')).toBe('boas-vindas')
    expect(normalizeShortcut('Saudação')).toBe('saudacao')
    expect(normalizeShortcut('//pix')).toBe('pix')
    expect(normalizeShortcut('2via_boleto')).toBe('2via_boleto')
    // Other characters stay, so the check can say what is wrong.
    expect(normalizeShortcut('olá!')).toBe('ola!')
  })

  it('accepts what the database accepts and refuses the rest with the rule', () => {
    for (const ok of ['a', '2via', 'boas-vindas', 'fim_de_semana', 'a'.repeat(30)]) expect(shortcutError(ok, null, [], 'x')).toBeNull()
    expect(shortcutError('', null, [], 'x')).toBe(LABELS.shortcutRequired)
    expect(shortcutError('a'.repeat(31), null, [], 'x')).toBe(LABELS.shortcutTooLong)
    for (const bad of ['-inicio', '_x', 'ola!', 'com espaço', 'Maiuscula', 'ação']) {
      expect(shortcutError(bad, null, [], 'x')).toBe(LABELS.shortcutInvalid)
      expect(SHORTCUT_PATTERN.test(bad)).toBe(false)
    }
  })

  it('is unique per scope: the same shortcut may exist once globally and once per team', () => {
    expect(shortcutError('saudacao', null, EXISTING, 'Todas as equipes')).toBe(LABELS.shortcutTaken('Todas as equipes'))
    expect(shortcutError('saudacao', SUPPORT, EXISTING, 'Suporte')).toBeNull()
    expect(shortcutError('boleto', FINANCE, EXISTING, 'Financeiro')).toBe(LABELS.shortcutTaken('Financeiro'))
    expect(shortcutError('boleto', SUPPORT, EXISTING, 'Suporte')).toBeNull()
    expect(shortcutError('boleto', null, EXISTING, 'Todas as equipes')).toBeNull()
  })
})

describe('title and text', () => {
  it('title: required, at most 80 once trimmed', () => {
    expect(titleError(' ')).toBe(LABELS.titleRequired)
    expect(titleError('a'.repeat(80))).toBeNull()
    expect(titleError('a'.repeat(81))).toBe(LABELS.titleTooLong)
  })

  it('text: required, at most 4096 characters counted as Postgres counts them', () => {
    expect(bodyError('\n  \n')).toBe(LABELS.bodyRequired)
    expect(bodyError('a'.repeat(4096))).toBeNull()
    expect(bodyError('a'.repeat(4097))).toBe(LABELS.bodyTooLong)
    // An emoji is two UTF-16 units but one character for the database's length().
    expect(bodyLength('😊'.repeat(4096))).toBe(4096)
    expect(bodyError('😊'.repeat(4096))).toBeNull()
    expect(LABELS.bodyCounter(4096)).toBe('4.096 / 4.096')
  })
})

describe('scope filter', () => {
  const replies = [
    { id: 'g', team_id: null },
    { id: 's', team_id: SUPPORT },
    { id: 'f', team_id: FINANCE },
  ]

  it('shows every scope, the global replies only, or exactly one team\'s', () => {
    expect(inScope(replies, SCOPE_FILTER_ANY).map(row => row.id)).toEqual(['g', 's', 'f'])
    expect(inScope(replies, SCOPE_FILTER_GLOBAL).map(row => row.id)).toEqual(['g'])
    expect(inScope(replies, SUPPORT).map(row => row.id)).toEqual(['s'])
  })

  it('counts what is shown against the total', () => {
    expect(LABELS.count(3, 3)).toBe('3 respostas')
    expect(LABELS.count(1, 1)).toBe('1 resposta')
    expect(LABELS.count(1, 8)).toBe('1 de 8 respostas')
  })
})
