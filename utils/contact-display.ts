/**
 * How a contact is named on screen: the name saved in Atende, else the WhatsApp push name, else the
 * phone number written the Brazilian way (+55 11 98765-4321).
 */
import type { Contact } from '../types/domain.ts'

export type ContactNameParts = Pick<Contact, 'display_name' | 'whatsapp_name' | 'phone'>

const BRAZIL = '55'

/**
 * A phone stored as international digits (`5511987654321`) written for people. Brazilian numbers get
 * the area code and the hyphen (mobiles with and without the 9th digit, landlines); other countries
 * keep their digits after the `+`, since their grouping rules differ. Anything that is not digits is
 * returned as it came, so nothing is ever hidden.
 */
export function formatPhone(phone: string | null | undefined): string {
  const raw = (phone ?? '').trim()
  if (!raw) return ''
  const digits = raw.replace(/\D/g, '')
  if (!digits || digits.length < raw.replace(/[\s()+-]/g, '').length) return raw
  if (digits.startsWith(BRAZIL) && (digits.length === 12 || digits.length === 13)) {
    const area = digits.slice(2, 4)
    const local = digits.slice(4)
    const split = local.length - 4
    return `+${BRAZIL} ${area} ${local.slice(0, split)}-${local.slice(split)}`
  }
  return `+${digits}`
}

/** The name to show for a contact; `fallback` when it has no name and no phone at all. */
export function contactDisplayName(contact: Partial<ContactNameParts> | null | undefined, fallback = ''): string {
  const saved = contact?.display_name?.trim()
  if (saved) return saved
  const pushName = contact?.whatsapp_name?.trim()
  if (pushName) return pushName
  return formatPhone(contact?.phone) || fallback
}

/** Up to two initials for an avatar ("Maria Aparecida Souza" → "MS"); digits-only names give "#". */
export function contactInitials(name: string): string {
  const words = name.split(/\s+/).filter(word => /\p{L}/u.test(word))
  if (words.length === 0) return '#'
  const first = words[0]?.match(/\p{L}/u)?.[0] ?? ''
  const last = words.length > 1 ? (words[words.length - 1]?.match(/\p{L}/u)?.[0] ?? '') : ''
  return (first + last).toUpperCase()
}
