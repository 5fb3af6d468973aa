/** Input checks for the control API: every field read from a request goes through one of these. */

export class InvalidInput extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'InvalidInput'
  }
}

export type Json = Record<string, unknown>

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function objectAt(value: unknown, path: string): Json {
  if (!isObject(value)) throw new InvalidInput(`${path} deve ser um objeto`)
  return value
}

export function optionalObject(value: unknown, path: string): Json | undefined {
  return value === undefined || value === null ? undefined : objectAt(value, path)
}

export function stringAt(object: Json, key: string, path = key): string {
  const value = object[key]
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidInput(`${path} deve ser um texto não vazio`)
  return value
}

export function optionalStringAt(object: Json, key: string, path = key): string | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'string') throw new InvalidInput(`${path} deve ser um texto`)
  return value
}

export function numberAt(object: Json, key: string, path = key): number {
  const value = object[key]
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidInput(`${path} deve ser um número`)
  return value
}

export function optionalIntegerAt(object: Json, key: string, min: number, max: number, path = key): number | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInput(`${path} deve ser um inteiro entre ${min} e ${max}`)
  }
  return value
}

export function optionalBooleanAt(object: Json, key: string, path = key): boolean | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') throw new InvalidInput(`${path} deve ser true ou false`)
  return value
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new InvalidInput(`${path} deve ser um de: ${allowed.join(', ')}`)
  return value as T
}

export function stringRecordAt(object: Json, key: string, path = key): Record<string, string> | undefined {
  const value = object[key]
  if (value === undefined || value === null) return undefined
  if (!isObject(value) || Object.values(value).some(item => typeof item !== 'string')) {
    throw new InvalidInput(`${path} deve ser um objeto de textos`)
  }
  return value as Record<string, string>
}

/** Plain base64 (no `data:` prefix), decoded; refuses anything else. */
export function base64Bytes(value: unknown, path: string): Buffer {
  if (typeof value !== 'string' || value === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw new InvalidInput(`${path} deve ser base64 puro (sem prefixo data:)`)
  }
  return Buffer.from(value, 'base64')
}

export function httpUrlAt(object: Json, key: string, path = key): string {
  const value = stringAt(object, key, path)
  let url: URL
  try {
    url = new URL(value)
  }
  catch {
    throw new InvalidInput(`${path} deve ser uma URL http(s)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidInput(`${path} deve ser uma URL http(s)`)
  return value
}
