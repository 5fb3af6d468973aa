/**
 * Phone numbers as WhatsApp sees them. A customer is known by the id WhatsApp registered them under
 * (`wa_id`, the user part of the JID), which for older Brazilian mobiles outside São Paulo/Rio lacks the
 * 9th digit: Evolution's `createJid` and Meta's `wa_id` both hand back that form, so the simulator does too
 * (the reference's 9th-digit pitfall). Both forms of a number reach the same person.
 */

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '')
}

/** Digits with country code, 8–15 long (E.164 without the `+`). */
export function isPhoneDigits(value: string): boolean {
  return /^\d{8,15}$/.test(value)
}

/**
 * The id WhatsApp knows a number by. Evolution's rule (`formatBRNumber` in `createJid`): a 13-digit
 * Brazilian mobile keeps its 9 when the area code is below 31 or the next digit is below 7; otherwise the
 * account is under the old 12-digit form.
 */
export function whatsappId(phone: string): string {
  const digits = digitsOnly(phone)
  const match = /^55(\d{2})9(\d{8})$/.exec(digits)
  if (!match) return digits
  const areaCode = Number(match[1])
  const nextDigit = Number(match[2]![0])
  return areaCode < 31 || nextDigit < 7 ? digits : `55${match[1]}${match[2]}`
}

export function phoneJid(phone: string): string {
  return `${whatsappId(phone)}@s.whatsapp.net`
}

/**
 * A stable WhatsApp LID for a phone (15 digits, derived from the number so it survives restarts): real
 * LIDs are opaque, and this one must not look like the phone.
 */
export function lidFor(phone: string): string {
  let hash = 1469598103934665603n
  for (const char of whatsappId(phone)) hash = ((hash ^ BigInt(char.charCodeAt(0))) * 1099511628211n) % 10n ** 15n
  return `${(hash % (9n * 10n ** 14n)) + 10n ** 14n}@lid`
}

/** `+55 11 93333-4444` for Brazilian numbers, `+<digits>` otherwise (Graph's display form). */
export function displayPhone(phone: string): string {
  const digits = digitsOnly(phone)
  const brazil = /^55(\d{2})(\d{4,5})(\d{4})$/.exec(digits)
  return brazil ? `+55 ${brazil[1]} ${brazil[2]}-${brazil[3]}` : `+${digits}`
}
