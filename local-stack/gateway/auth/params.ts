/**
 * Request-body reading and validation with GoTrue's rules and messages: JSON fields of the wrong type
 * are `bad_json` (Go's json.Unmarshal fails), e-mails are lower-cased, phones are E.164 digits,
 * passwords need 6 characters and fit bcrypt, ban durations are Go durations.
 */
import type { IncomingMessage } from 'node:http'
import { readJson } from '../http.ts'
import { AuthError, badRequest } from './errors.ts'

export type JsonObject = Record<string, unknown>

export const MIN_PASSWORD_LENGTH = 6
/** bcrypt ignores bytes past 72, so GoTrue refuses longer passwords. */
const MAX_PASSWORD_LENGTH = 72

export class Params {
  private constructor(private readonly body: JsonObject) {}

  static async read(req: IncomingMessage): Promise<Params> {
    const body = await readJson<unknown>(req)
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest('bad_json', 'Could not parse request body as JSON: expected an object')
    }
    return new Params(body as JsonObject)
  }

  private typeError(field: string, expected: string): AuthError {
    return badRequest('bad_json', `Could not parse request body as JSON: json: field "${field}" must be ${expected}`)
  }

  /** A string field; absent and null read as undefined, as Go leaves the zero value. */
  string(field: string): string | undefined {
    const value = this.body[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'string') throw this.typeError(field, 'a string')
    return value
  }

  boolean(field: string): boolean {
    const value = this.body[field]
    if (value === undefined || value === null) return false
    if (typeof value !== 'boolean') throw this.typeError(field, 'a boolean')
    return value
  }

  /** A non-empty string field passed through `validate`; empty reads as absent, as in GoTrue. */
  validated(field: string, validate: (value: string) => string): string | undefined {
    const value = this.string(field)
    return value ? validate(value) : undefined
  }

  object(field: string): JsonObject | undefined {
    const value = this.body[field]
    if (value === undefined || value === null) return undefined
    if (typeof value !== 'object' || Array.isArray(value)) throw this.typeError(field, 'an object')
    return value as JsonObject
  }

  has(field: string): boolean {
    return this.body[field] !== undefined && this.body[field] !== null
  }
}

// The pattern of badoux/checkmail's ValidateFormat, which GoTrue uses.
const EMAIL_PATTERN = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/

export function validateEmail(email: string): string {
  if (email === '') throw badRequest('validation_failed', 'An email address is required')
  if (email.length > 255) throw badRequest('validation_failed', 'An email address is too long')
  if (!EMAIL_PATTERN.test(email)) throw badRequest('validation_failed', 'Unable to validate email address: invalid format')
  return email.toLowerCase()
}

export function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, '').replaceAll(' ', '')
  if (!/^[1-9][0-9]{1,14}$/.test(digits)) throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)')
  return digits
}

/** GoTrue's checkPasswordStrength with the default policy (minimum length only). */
export function checkPasswordStrength(password: string): void {
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw badRequest('validation_failed', `Password cannot be longer than ${MAX_PASSWORD_LENGTH} characters`)
  }
  const weakness = passwordWeakness(password)
  if (weakness) throw new AuthError(422, 'weak_password', weakness.message, { weak_password: { reasons: weakness.reasons } })
}

export function passwordWeakness(password: string): { message: string, reasons: string[] } | undefined {
  if (password.length >= MIN_PASSWORD_LENGTH) return undefined
  return { message: `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`, reasons: ['length'] }
}

/** bcrypt's own limit, which GoTrue reports when hashing (admin create skips the strength check). */
export function checkBcryptLength(password: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_LENGTH) {
    throw badRequest('validation_failed', 'bcrypt: password length exceeds 72 bytes')
  }
}

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6, us: 1e-3, µs: 1e-3, μs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
}

/** Go's time.ParseDuration, in milliseconds ("876000h", "1h30m", "-1.5h", "0"). */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration "${text}"`)
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw invalid()
  let total = 0
  while (rest !== '') {
    const match = /^(\d*(?:\.\d*)?)([^\d.]*)/.exec(rest)
    const [whole = '', number = '', unit = ''] = match ?? []
    if (number === '' || number === '.') throw invalid()
    if (unit === '') throw new Error(`time: missing unit in duration "${text}"`)
    const unitMs = DURATION_UNITS_MS[unit]
    if (unitMs === undefined) throw new Error(`time: unknown unit "${unit}" in duration "${text}"`)
    total += Number(number) * unitMs
    rest = rest.slice(whole.length)
  }
  return sign * total
}

/** `ban_duration` as GoTrue reads it: "" = leave as is, "none" = unban (0), otherwise a Go duration. */
export function parseBanDuration(value: string | undefined): number | undefined {
  if (!value) return undefined
  if (value === 'none') return 0
  try {
    return parseGoDuration(value)
  }
  catch (error) {
    throw badRequest('validation_failed', `invalid format for ban duration: ${(error as Error).message}`)
  }
}
