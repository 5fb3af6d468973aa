/**
 * The body of `POST /first-admin`, validated into the first administrator's account. Every refusal is a
 * 400 `invalid_request` with a pt-BR message and the field it is about (`details.field`), so the page can
 * show it next to that field.
 */
import { UserError } from '../_shared/errors.ts'
import { isRecord } from '../_shared/providers/guards.ts'

export interface FirstAdminRequest {
  companyName: string
  fullName: string
  /** Trimmed and lower-cased, as the auth server stores it. */
  email: string
  password: string
}

export type FirstAdminField = 'company_name' | 'full_name' | 'email' | 'password'

export const FIRST_ADMIN_LIMITS = {
  companyName: 80,
  /** profiles.full_name's check constraint. */
  fullName: 120,
  email: 254,
  passwordMin: 8,
  /** bcrypt ignores what comes after 72 bytes, so the auth server refuses longer passwords. */
  passwordMaxBytes: 72,
} as const

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

const invalid = (field: FirstAdminField, message: string) => new UserError(400, 'invalid_request', message, { field })

function text(body: Record<string, unknown>, field: FirstAdminField): string {
  const value = body[field]
  return typeof value === 'string' ? value.trim() : ''
}

export function parseFirstAdminRequest(body: unknown): FirstAdminRequest {
  if (!isRecord(body)) {
    throw new UserError(400, 'invalid_request', 'Envie um objeto JSON com company_name, full_name, email e password.')
  }

  const companyName = text(body, 'company_name')
  if (!companyName) throw invalid('company_name', 'Informe o nome da empresa.')
  if (companyName.length > FIRST_ADMIN_LIMITS.companyName) {
    throw invalid('company_name', `O nome da empresa pode ter até ${FIRST_ADMIN_LIMITS.companyName} caracteres.`)
  }

  const fullName = text(body, 'full_name')
  if (!fullName) throw invalid('full_name', 'Informe seu nome.')
  if (fullName.length > FIRST_ADMIN_LIMITS.fullName) {
    throw invalid('full_name', `O nome pode ter até ${FIRST_ADMIN_LIMITS.fullName} caracteres.`)
  }

  const email = text(body, 'email').toLowerCase()
  if (!email) throw invalid('email', 'Informe seu e-mail.')
  if (email.length > FIRST_ADMIN_LIMITS.email || !EMAIL.test(email)) throw invalid('email', 'Informe um e-mail válido.')

  // Not trimmed: spaces are allowed in a password and must match at sign-in.
  const password = typeof body.password === 'string' ? body.password : ''
  if (!password) throw invalid('password', 'Informe uma senha.')
  if (password.length < FIRST_ADMIN_LIMITS.passwordMin) {
    throw invalid('password', `A senha precisa ter pelo menos ${FIRST_ADMIN_LIMITS.passwordMin} caracteres.`)
  }
  if (new TextEncoder().encode(password).length > FIRST_ADMIN_LIMITS.passwordMaxBytes) {
    throw invalid('password', 'A senha é longa demais: use no máximo 72 caracteres (letras acentuadas contam como dois).')
  }

  return { companyName, fullName, email, password }
}
