/** Conexões: the forms' pt-BR validation, the test-mode allow-list, relative times and the QR countdown. */
import { describe, expect, it } from 'vitest'
import { CHANNEL_FORM_LABELS } from '../../constants/channels.ts'
import {
  formatCountdown,
  formatRelativeTime,
  parseAllowedPhones,
  phoneDigits,
  secondsLeft,
  validateAllowedPhones,
  validateColor,
  validateGraphBaseUrl,
  validateGraphId,
  validateName,
  validateSecret,
  validateServerUrl,
} from '../../utils/channels.ts'

const errors = CHANNEL_FORM_LABELS.errors

describe('connection form validation', () => {
  it('name: required, at most 80 characters once trimmed', () => {
    expect(validateName('   ')).toBe(errors.nameRequired)
    expect(validateName('Suporte')).toBeNull()
    expect(validateName(`  ${'a'.repeat(80)}  `)).toBeNull()
    expect(validateName('a'.repeat(81))).toBe(errors.nameTooLong)
  })

  it('colour: #rrggbb only (the database check)', () => {
    expect(validateColor('#25D366')).toBeNull()
    expect(validateColor('#25d36')).toBe(errors.color)
    expect(validateColor('green')).toBe(errors.color)
  })

  it('Evolution server URL: http(s), no credentials, query or fragment (as whatsapp-connect requires)', () => {
    expect(validateServerUrl('')).toBe(errors.serverUrlRequired)
    expect(validateServerUrl('evolution.example.com')).toBe(errors.serverUrl)
    expect(validateServerUrl('ftp://evo.example.com')).toBe(errors.serverUrl)
    expect(validateServerUrl('https://user:pw@evo.example.com')).toBe(errors.serverUrlExtras)
    expect(validateServerUrl('https://evo.example.com/?x=1')).toBe(errors.serverUrlExtras)
    expect(validateServerUrl(' https://evo.example.com/base/ ')).toBeNull()
    expect(validateServerUrl('http://127.0.0.1:26025/evolution')).toBeNull()
  })

  it('secrets: required until one is saved; never with spaces inside', () => {
    expect(validateSecret('', { saved: false, required: errors.apiKeyRequired })).toBe(errors.apiKeyRequired)
    expect(validateSecret('', { saved: true, required: errors.apiKeyRequired })).toBeNull()
    expect(validateSecret('  KEY\n', { saved: false, required: errors.apiKeyRequired })).toBeNull()
    expect(validateSecret('a b', { saved: true, required: errors.apiKeyRequired })).toBe(errors.secretFormat)
    expect(validateSecret('x'.repeat(1025), { saved: false, required: errors.apiKeyRequired })).toBe(errors.secretFormat)
  })

  it('Meta ids: digits only; the WABA id may be left empty', () => {
    expect(validateGraphId('', { required: true, message: errors.phoneNumberId })).toBe(errors.phoneNumberId)
    expect(validateGraphId('106540352242922', { required: true, message: errors.phoneNumberId })).toBeNull()
    expect(validateGraphId('1065-4035', { required: true, message: errors.phoneNumberId })).toBe(errors.phoneNumberId)
    expect(validateGraphId('', { required: false, message: errors.wabaId })).toBeNull()
    expect(validateGraphId('abc', { required: false, message: errors.wabaId })).toBe(errors.wabaId)
  })

  it('Graph base URL: optional, http(s) without query', () => {
    expect(validateGraphBaseUrl('')).toBeNull()
    expect(validateGraphBaseUrl('http://127.0.0.1:26025/graph')).toBeNull()
    expect(validateGraphBaseUrl('graph.facebook.com')).toBe(errors.graphBaseUrl)
    expect(validateGraphBaseUrl('https://graph.facebook.com?x=1')).toBe(errors.graphBaseUrl)
  })
})

describe('test-mode allow-list', () => {
  it('reads one number per line, comma or semicolon, as digits, without repeats', () => {
    expect(parseAllowedPhones('+55 (11) 98765-4321\n5511987654321, 5521912345678;  \n')).toEqual({ phones: ['5511987654321', '5521912345678'], invalid: [] })
  })

  it('names the first entry it cannot read', () => {
    expect(parseAllowedPhones('5511987654321\n1234\nabc')).toEqual({ phones: ['5511987654321'], invalid: ['1234', 'abc'] })
    expect(validateAllowedPhones('5511987654321\n1234', true)).toBe(errors.allowedPhonesInvalid('1234'))
  })

  it('needs at least one number while test mode is on, and nothing while it is off', () => {
    expect(validateAllowedPhones('  ', true)).toBe(errors.allowedPhonesRequired)
    expect(validateAllowedPhones('garbage', false)).toBeNull()
    const many = Array.from({ length: 501 }, (_, index) => `55119${String(index).padStart(8, '0')}`).join('\n')
    expect(validateAllowedPhones(many, true)).toBe(errors.allowedPhonesTooMany)
  })

  it('phone digits: country and area code, 10 to 15 digits', () => {
    expect(phoneDigits('+55 11 91234-5678')).toBe('5511912345678')
    expect(phoneDigits('11 9123')).toBeNull()
    expect(phoneDigits('55119abc45678')).toBeNull()
  })
})

describe('times', () => {
  const now = Date.parse('2026-11-21T12:00:00Z')

  it('last activity in pt-BR, relative up to a month, then the date', () => {
    expect(formatRelativeTime(null, now)).toBeNull()
    expect(formatRelativeTime('2026-11-21T11:59:30Z', now)).toBe('agora mesmo')
    expect(formatRelativeTime('2026-11-21T11:55:00Z', now)).toBe('há 5 minutos')
    expect(formatRelativeTime('2026-11-21T09:00:00Z', now)).toBe('há 3 horas')
    expect(formatRelativeTime('2026-11-20T10:00:00Z', now)).toBe('ontem')
    expect(formatRelativeTime('2026-11-09T12:00:00Z', now)).toBe('há 12 dias')
    expect(formatRelativeTime('2026-01-02T12:00:00Z', now)).toBe('02/01/2026')
    // A clock slightly ahead of ours is "now", not the future.
    expect(formatRelativeTime('2026-11-21T12:00:05Z', now)).toBe('agora mesmo')
  })

  it('QR countdown: whole seconds left, never negative', () => {
    expect(secondsLeft(null, now)).toBeNull()
    expect(secondsLeft('2026-11-21T12:00:38.200Z', now)).toBe(39)
    expect(secondsLeft('2026-11-21T11:59:00Z', now)).toBe(0)
    expect(formatCountdown(39)).toBe('0:39')
    expect(formatCountdown(65)).toBe('1:05')
  })
})
