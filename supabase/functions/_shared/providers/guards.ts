/**
 * Small readers that narrow untrusted webhook JSON. Required fields throw `InvalidPayloadError` naming the
 * path; optional fields of the wrong type read as absent, because providers change shapes between versions
 * and a stray field must not make us reject (and lose) a message.
 */
import { UserError } from '../errors.ts'

export type JsonObject = Record<string, unknown>

/** A webhook body that is not what the provider sends. A 400 in the functions' error model. */
export class InvalidPayloadError extends UserError {
  constructor(readonly path: string, problem: string) {
    super(400, 'invalid_payload', `Invalid webhook payload: ${path} ${problem}.`, { path })
    this.name = 'InvalidPayloadError'
  }
}

export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function requireRecord(value: unknown, path: string): JsonObject {
  if (!isRecord(value)) throw new InvalidPayloadError(path, 'must be an object')
  return value
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new InvalidPayloadError(path, 'must be an array')
  return value
}

export function requireString(object: JsonObject, key: string, path: string): string {
  const value = object[key]
  if (typeof value !== 'string' || value === '') throw new InvalidPayloadError(`${path}.${key}`, 'must be a non-empty string')
  return value
}

/** A non-empty string, or null. */
export function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

export function optionalRecord(value: unknown): JsonObject | null {
  return isRecord(value) ? value : null
}

/**
 * A number from any of the forms providers use for integers: a JSON number, a numeric string (Cloud
 * timestamps, Evolution ≤ 2.2 sizes) or a protobuf Long object `{ low, high, unsigned }` (Evolution ≥ 2.3.6).
 */
export function optionalInteger(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number(value)
  if (isRecord(value) && typeof value.low === 'number' && typeof value.high === 'number') {
    // long.js keeps both halves as signed 32-bit ints; the low half is always read unsigned.
    return value.high * 2 ** 32 + (value.low >>> 0)
  }
  return null
}

export function optionalNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return null
}

/** A Date from epoch seconds in any integer form; throws when missing, since ordering depends on it. */
export function requireEpochSeconds(value: unknown, path: string): Date {
  const seconds = optionalInteger(value)
  if (seconds === null || seconds <= 0) throw new InvalidPayloadError(path, 'must be epoch seconds')
  return new Date(seconds * 1000)
}
