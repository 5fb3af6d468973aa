/** Equipes' pure helpers: colours as the database stores them and the name rules. */
import { describe, expect, it } from 'vitest'
import { TEAM_LABELS } from '../../constants/teams.ts'
import { normalizeHexColor, teamNameProblem } from '../../utils/teams.ts'

describe('normalizeHexColor', () => {
  it('returns #rrggbb in lower case, expanding #rgb', () => {
    expect(normalizeHexColor('#2080F0')).toBe('#2080f0')
    expect(normalizeHexColor(' #abc ')).toBe('#aabbcc')
  })

  it('refuses anything the teams check constraint would refuse', () => {
    for (const value of ['', '2080f0', '#2080f', '#2080f0ff', 'red', 'rgb(1,2,3)', '#gggggg']) expect(normalizeHexColor(value)).toBeNull()
  })
})

describe('teamNameProblem', () => {
  const others = ['Suporte Técnico', 'Financeiro']

  it('requires 1 to 80 characters after trimming', () => {
    expect(teamNameProblem('   ', others)).toBe(TEAM_LABELS.nameRequired)
    expect(teamNameProblem('x'.repeat(81), others)).toBe(TEAM_LABELS.nameTooLong)
    expect(teamNameProblem(` ${'x'.repeat(80)} `, others)).toBeNull()
  })

  it('refuses a name another team has, whatever the case or accents', () => {
    expect(teamNameProblem('suporte tecnico', others)).toBe('Já existe uma equipe com este nome.')
    expect(teamNameProblem(' FINANCEIRO', others)).toBe(TEAM_LABELS.nameTaken)
    expect(teamNameProblem('Comercial', others)).toBeNull()
  })
})
