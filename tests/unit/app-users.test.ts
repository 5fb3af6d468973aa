/** Usuários' pure helpers: filters, password rules and generator, e-mail check, the refused field. */
import { describe, expect, it } from 'vitest'
import { PASSWORD_MIN_LENGTH, USER_LABELS } from '../../constants/users.ts'
import { filterUsers, generatePassword, hasActiveFilters, isValidEmail, normalizeName, passwordProblem, refusedField, type FilterableUser } from '../../utils/users.ts'

const people: FilterableUser[] = [
  { full_name: 'Carla Souza', email: 'carla@atende.local', role: 'agent', active: true },
  { full_name: 'João Araújo', email: 'joao@empresa.com.br', role: 'supervisor', active: true },
  { full_name: 'Bruno Lima', email: 'bruno@atende.local', role: 'agent', active: false },
  { full_name: 'Ana Admin', email: 'admin@atende.local', role: 'admin', active: true },
]
const names = (rows: FilterableUser[]) => rows.map(row => row.full_name)

describe('filterUsers', () => {
  it('lists everyone by name when no filter is set', () => {
    expect(names(filterUsers(people, { query: '', role: null, status: null }))).toEqual(['Ana Admin', 'Bruno Lima', 'Carla Souza', 'João Araújo'])
  })

  it('matches every word in the name or e-mail, ignoring case and accents', () => {
    expect(names(filterUsers(people, { query: 'joao araujo', role: null, status: null }))).toEqual(['João Araújo'])
    expect(names(filterUsers(people, { query: 'ATENDE.local', role: null, status: null }))).toEqual(['Ana Admin', 'Bruno Lima', 'Carla Souza'])
    expect(names(filterUsers(people, { query: 'carla empresa', role: null, status: null }))).toEqual([])
  })

  it('filters by role and by status, combined with the search', () => {
    expect(names(filterUsers(people, { query: '', role: 'agent', status: null }))).toEqual(['Bruno Lima', 'Carla Souza'])
    expect(names(filterUsers(people, { query: '', role: 'agent', status: 'active' }))).toEqual(['Carla Souza'])
    expect(names(filterUsers(people, { query: '', role: null, status: 'inactive' }))).toEqual(['Bruno Lima'])
    expect(names(filterUsers(people, { query: 'bruno', role: null, status: 'active' }))).toEqual([])
  })

  it('knows when a filter is on', () => {
    expect(hasActiveFilters({ query: '  ', role: null, status: null })).toBe(false)
    expect(hasActiveFilters({ query: 'x', role: null, status: null })).toBe(true)
    expect(hasActiveFilters({ query: '', role: 'admin', status: null })).toBe(true)
    expect(hasActiveFilters({ query: '', role: null, status: 'inactive' })).toBe(true)
  })
})

describe('passwords', () => {
  it('explains what is wrong in Portuguese, with the same rules as the function', () => {
    expect(passwordProblem('')).toBe(USER_LABELS.passwordRequired)
    expect(passwordProblem('1234567')).toBe('A senha deve ter pelo menos 8 caracteres.')
    expect(passwordProblem('12345678')).toBeNull()
    expect(passwordProblem(' 12345678')).toBe(USER_LABELS.passwordSpaces)
    expect(passwordProblem('é'.repeat(37))).toBe(USER_LABELS.passwordTooLong)
    expect(passwordProblem('a'.repeat(72))).toBeNull()
  })

  it('generates passwords that pass the rules and mix every kind of character', () => {
    const seen = new Set<string>()
    for (let run = 0; run < 200; run++) {
      const password = generatePassword()
      seen.add(password)
      expect(password).toHaveLength(12)
      expect(passwordProblem(password)).toBeNull()
      expect(password).toMatch(/[a-z]/)
      expect(password).toMatch(/[A-Z]/)
      expect(password).toMatch(/[2-9]/)
      expect(password).toMatch(/[!@#$%*_-]/)
      expect(password).not.toMatch(/[0O1lI]/)
    }
    expect(seen.size).toBe(200)
  })

  it('never goes below the minimum length and uses the given random source', () => {
    expect(generatePassword(4)).toHaveLength(PASSWORD_MIN_LENGTH)
    let counter = 0
    const fixed = (buffer: Uint32Array) => {
      buffer[0] = counter++
      return buffer
    }
    const again = () => {
      counter = 0
      return generatePassword(12, fixed)
    }
    expect(again()).toBe(again())
  })
})

describe('form helpers', () => {
  it('checks e-mails and tidies names', () => {
    expect(isValidEmail('maria@empresa.com.br')).toBe(true)
    expect(isValidEmail(' maria@empresa.com.br ')).toBe(true)
    expect(isValidEmail('maria@empresa')).toBe(false)
    expect(isValidEmail('maria empresa.com')).toBe(false)
    expect(normalizeName('  Maria   da  Silva ')).toBe('Maria da Silva')
  })

  it('reads the field a refusal names', () => {
    expect(refusedField({ details: { field: 'email' } })).toBe('email')
    expect(refusedField({ details: null })).toBeNull()
    expect(refusedField(new Error('x'))).toBeNull()
    expect(refusedField(null)).toBeNull()
  })
})
