import { ALLOWED_PHONES_MAX, CHANNEL_NAME_MAX, CHANNEL_FORM_LABELS } from '../constants/channels.ts'

/**
 * Pure helpers of the Conexões screens: relative times, the QR countdown, and the forms' field
 * validation (pt-BR messages). No Vue, no Supabase: unit-tested in tests/unit/app-channel*.test.ts.
 */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const relative = new Intl.RelativeTimeFormat('pt-BR', { numeric: 'auto' })

/** "agora mesmo", "há 5 minutos", "há 3 horas", "ontem", "há 12 dias"; older: the date. */
export function formatRelativeTime(iso: string | null | undefined, now: number): string | null {
  if (!iso) return null
  const at = Date.parse(iso)
  if (Number.isNaN(at)) return null
  const elapsed = Math.max(0, now - at)
  if (elapsed < MINUTE) return 'agora mesmo'
  if (elapsed < HOUR) return relative.format(-Math.floor(elapsed / MINUTE), 'minute')
  if (elapsed < DAY) return relative.format(-Math.floor(elapsed / HOUR), 'hour')
  if (elapsed < 30 * DAY) return relative.format(-Math.floor(elapsed / DAY), 'day')
  return new Intl.DateTimeFormat('pt-BR', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(at))
}

/** Whole seconds left until `expiresAt` (0 once past; null when there is no expiry). */
export function secondsLeft(expiresAt: string | null | undefined, now: number): number | null {
  if (!expiresAt) return null
  const at = Date.parse(expiresAt)
  if (Number.isNaN(at)) return null
  return Math.max(0, Math.ceil((at - now) / 1000))
}

/** "0:38" */
export function formatCountdown(seconds: number): string {
  const minutes = Math.floor(seconds / 60)
  return `${minutes}:${String(seconds % 60).padStart(2, '0')}`
}

// Validation ---------------------------------------------------------------------------------------

const messages = CHANNEL_FORM_LABELS.errors

export function validateName(value: string): string | null {
  const name = value.trim()
  if (!name) return messages.nameRequired
  if (name.length > CHANNEL_NAME_MAX) return messages.nameTooLong
  return null
}

export function validateColor(value: string): string | null {
  return /^#[0-9a-f]{6}$/i.test(value) ? null : messages.color
}

/** The Evolution server root: http(s), no user, password, query or fragment (the edge function's rule). */
export function validateServerUrl(value: string): string | null {
  const text = value.trim()
  if (!text) return messages.serverUrlRequired
  let url: URL
  try {
    url = new URL(text)
  }
  catch {
    return messages.serverUrl
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return messages.serverUrl
  if (url.username || url.password || url.search || url.hash) return messages.serverUrlExtras
  return null
}

/** A key or token as pasted: required unless one is saved already, and never with spaces inside. */
export function validateSecret(value: string, options: { saved: boolean, required: string }): string | null {
  const text = value.trim()
  if (!text) return options.saved ? null : options.required
  if (/\s/.test(text) || text.length > 1024) return messages.secretFormat
  return null
}

/** Meta's ids are digits only. */
export function validateGraphId(value: string, options: { required: boolean, message: string }): string | null {
  const text = value.trim()
  if (!text) return options.required ? options.message : null
  return /^\d{1,30}$/.test(text) ? null : options.message
}

export function validateGraphBaseUrl(value: string): string | null {
  const text = value.trim()
  if (!text) return null
  return /^https?:\/\/[^\s?#]+$/i.test(text) ? null : messages.graphBaseUrl
}

/** A phone with country and area code, as digits (what WhatsApp and the database store). */
export function phoneDigits(value: string): string | null {
  if (/[^\d\s()+.-]/.test(value)) return null
  const digits = value.replace(/\D/g, '')
  return /^\d{10,15}$/.test(digits) ? digits : null
}

/**
 * The test-mode allow-list as typed (one per line, or separated by commas/semicolons) into digits,
 * deduplicated. `invalid` lists what could not be read as a phone number.
 */
export function parseAllowedPhones(text: string): { phones: string[], invalid: string[] } {
  const phones: string[] = []
  const invalid: string[] = []
  for (const entry of text.split(/[\n,;]+/).map(part => part.trim()).filter(Boolean)) {
    const digits = phoneDigits(entry)
    if (!digits) invalid.push(entry)
    else if (!phones.includes(digits)) phones.push(digits)
  }
  return { phones, invalid }
}

export function validateAllowedPhones(text: string, testMode: boolean): string | null {
  if (!testMode) return null
  const { phones, invalid } = parseAllowedPhones(text)
  if (invalid.length) return messages.allowedPhonesInvalid(invalid[0]!)
  if (!phones.length) return messages.allowedPhonesRequired
  if (phones.length > ALLOWED_PHONES_MAX) return messages.allowedPhonesTooMany
  return null
}
