/** CPF input: digits, punctuation while typing, and verifier-digit validation. */
import { describe, expect, it } from 'vitest'
import { cpfDigits, formatCpf, isValidCpf } from '../../utils/cpf.ts'

describe('CPF', () => {
  it('accepts valid numbers with or without punctuation', () => {
    expect(isValidCpf('12345678909')).toBe(true)
    expect(isValidCpf('123.456.789-09')).toBe(true)
    expect(isValidCpf('529.982.247-25')).toBe(true)
    // Second verifier 0 from a remainder of 10.
    expect(isValidCpf('98765432100')).toBe(true)
  })

  it('refuses wrong verifiers, wrong lengths and repeated digits', () => {
    expect(isValidCpf('12345678900')).toBe(false)
    expect(isValidCpf('12345678919')).toBe(false)
    expect(isValidCpf('1234567890')).toBe(false)
    expect(isValidCpf('123456789091')).toBe(false)
    expect(isValidCpf('111.111.111-11')).toBe(false)
    expect(isValidCpf('00000000000')).toBe(false)
    expect(isValidCpf('')).toBe(false)
  })

  it('keeps only up to 11 digits of what was typed', () => {
    expect(cpfDigits('123.456.789-09')).toBe('12345678909')
    expect(cpfDigits(' 123 456 789 09 99')).toBe('12345678909')
    expect(cpfDigits('abc')).toBe('')
  })

  it('punctuates a CPF as it is typed', () => {
    expect(formatCpf('')).toBe('')
    expect(formatCpf('123')).toBe('123')
    expect(formatCpf('1234')).toBe('123.4')
    expect(formatCpf('1234567')).toBe('123.456.7')
    expect(formatCpf('1234567890')).toBe('123.456.789-0')
    expect(formatCpf('12345678909')).toBe('123.456.789-09')
    expect(formatCpf('123.456.789-09')).toBe('123.456.789-09')
  })
})
