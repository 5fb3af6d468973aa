/**
 * Pure helpers of the Usuários screen: the filters, password rules and generator, e-mail check. No Vue,
 * no Supabase: unit-tested in tests/unit/app-users.test.ts.
 */
import { GENERATED_PASSWORD_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USER_LABELS, type UserStatus } from '../constants/users.ts'
import type { Role } from '../constants/roles.ts'

export interface UserFilters {
  query: string
  role: Role | null
  status: UserStatus | null
}

export interface FilterableUser {
  full_name: string
  email: string | null
  role: Role
  active: boolean
}

/** Lower case without accents, so "joao" finds "João". */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()
}

/** The users matching every typed word (name or e-mail), the role and the status; sorted by name. */
export function filterUsers<T extends FilterableUser>(users: readonly T[], filters: UserFilters): T[] {
  const words = foldText(filters.query).split(/\s+/).filter(Boolean)
  return users
    .filter((user) => {
      if (filters.role && user.role !== filters.role) return false
      if (filters.status && (filters.status === 'active') !== user.active) return false
      const haystack = foldText(`${user.full_name} ${user.email ?? ''}`)
      return words.every(word => haystack.includes(word))
    })
    .sort((a, b) => a.full_name.localeCompare(b.full_name, 'pt-BR'))
}

export function hasActiveFilters(filters: UserFilters): boolean {
  return filters.query.trim() !== '' || filters.role !== null || filters.status !== null
}

/** What is wrong with a password, in pt-BR, or null. The admin-users function checks the same. */
export function passwordProblem(password: string): string | null {
  if (password === '') return USER_LABELS.passwordRequired
  if ([...password].length < PASSWORD_MIN_LENGTH) return USER_LABELS.passwordTooShort
  if (new TextEncoder().encode(password).length > PASSWORD_MAX_LENGTH) return USER_LABELS.passwordTooLong
  if (password.trim() !== password) return USER_LABELS.passwordSpaces
  return null
}

/**
 * The form field a refusal names, if any: the admin-users function's `details.field` (kept by
 * `FunctionCallError`), so the message can show under that field.
 */
export function refusedField(error: unknown): string | null {
  const details = typeof error === 'object' && error !== null ? (error as { details?: unknown }).details : null
  const field = typeof details === 'object' && details !== null ? (details as { field?: unknown }).field : null
  return typeof field === 'string' ? field : null
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

export function isValidEmail(email: string): boolean {
  return email.trim().length <= 254 && EMAIL.test(email.trim())
}

/** The name as it will be saved: trimmed, inner runs of spaces collapsed. */
export function normalizeName(name: string): string {
  return name.trim().replace(/\s+/g, ' ')
}

// No look-alikes (0/O, 1/l/I), so a password read aloud or copied by hand comes out right.
const LOWER = 'abcdefghijkmnpqrstuvwxyz'
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ'
const DIGITS = '23456789'
const SYMBOLS = '!@#$%*-_'
const ALL = LOWER + UPPER + DIGITS + SYMBOLS

export type RandomFill = (buffer: Uint32Array) => Uint32Array

const cryptoFill: RandomFill = buffer => crypto.getRandomValues(buffer)

/** A uniform index below `size` (rejection sampling: no modulo bias). */
function randomIndex(size: number, fill: RandomFill): number {
  const limit = Math.floor(0x1_0000_0000 / size) * size
  const buffer = new Uint32Array(1)
  for (;;) {
    const value = fill(buffer)[0]!
    if (value < limit) return value % size
  }
}

/**
 * A random password with at least one lower-case letter, upper-case letter, digit and symbol, from the
 * browser's cryptographic generator.
 */
export function generatePassword(length = GENERATED_PASSWORD_LENGTH, fill: RandomFill = cryptoFill): string {
  const size = Math.max(length, PASSWORD_MIN_LENGTH)
  const chars = [LOWER, UPPER, DIGITS, SYMBOLS].map(set => set[randomIndex(set.length, fill)]!)
  while (chars.length < size) chars.push(ALL[randomIndex(ALL.length, fill)]!)
  // Fisher–Yates, so the guaranteed characters are not always first.
  for (let index = chars.length - 1; index > 0; index--) {
    const other = randomIndex(index + 1, fill)
    ;[chars[index], chars[other]] = [chars[other]!, chars[index]!]
  }
  return chars.join('')
}
