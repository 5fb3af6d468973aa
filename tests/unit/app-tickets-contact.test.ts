/** How the inbox names a contact: saved name, WhatsApp name, then the phone written the Brazilian way. */
import { describe, expect, it } from 'vitest'
import { contactDisplayName, contactInitials, formatPhone } from '../../utils/contact-display.ts'

describe('formatPhone', () => {
  it('writes Brazilian mobiles and landlines with area code and hyphen', () => {
    expect(formatPhone('5511987654321')).toBe('+55 11 98765-4321')
    expect(formatPhone('551187654321')).toBe('+55 11 8765-4321')
    expect(formatPhone('552133334444')).toBe('+55 21 3333-4444')
    expect(formatPhone('+55 (11) 98765-4321')).toBe('+55 11 98765-4321')
  })

  it('keeps other countries\' digits after the plus', () => {
    expect(formatPhone('14155550123')).toBe('+14155550123')
    expect(formatPhone('351912345678')).toBe('+351912345678')
  })

  it('returns what is not a phone number as it came, and nothing for nothing', () => {
    expect(formatPhone('123456789012345@lid')).toBe('123456789012345@lid')
    expect(formatPhone(null)).toBe('')
    expect(formatPhone('  ')).toBe('')
  })
})

describe('contactDisplayName', () => {
  it('prefers the saved name, then the WhatsApp name, then the phone', () => {
    expect(contactDisplayName({ display_name: 'Maria Aparecida Souza', whatsapp_name: 'Maria', phone: '5511987654321' })).toBe('Maria Aparecida Souza')
    expect(contactDisplayName({ display_name: null, whatsapp_name: 'Fernanda Lima 🌻', phone: '5531991234567' })).toBe('Fernanda Lima 🌻')
    expect(contactDisplayName({ display_name: '  ', whatsapp_name: '', phone: '5531991234567' })).toBe('+55 31 99123-4567')
  })

  it('falls back when nothing names the contact', () => {
    expect(contactDisplayName({ display_name: null, whatsapp_name: null, phone: null }, 'Contato sem nome')).toBe('Contato sem nome')
    expect(contactDisplayName(undefined, 'Contato sem nome')).toBe('Contato sem nome')
  })
})

describe('contactInitials', () => {
  it('takes the first and last words\' initials, skipping emoji and numbers', () => {
    expect(contactInitials('Maria Aparecida Souza')).toBe('MS')
    expect(contactInitials('Fernanda Lima 🌻')).toBe('FL')
    expect(contactInitials('joão')).toBe('J')
    expect(contactInitials('+55 11 98765-4321')).toBe('#')
  })
})
