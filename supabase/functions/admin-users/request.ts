/**
 * The body of an admin-users call, validated into one typed action: `{ action, … }`. Anything the admin
 * typed wrongly is a 400 with a pt-BR message naming the field (`details.field`), so the form can show it
 * next to that field.
 */
import { UserError } from '../_shared/errors.ts'
import { isRecord, type JsonObject } from '../_shared/providers/guards.ts'

export const ACTIONS = ['create', 'set_password', 'set_active'] as const
export type ActionName = typeof ACTIONS[number]

export const ROLES = ['admin', 'supervisor', 'agent', 'observer'] as const
export type Role = typeof ROLES[number]

/** The same bounds as the app's forms (constants/users.ts) and the profiles check constraint. */
export const PASSWORD_MIN_LENGTH = 8
/** bcrypt reads only the first 72 bytes; GoTrue refuses longer passwords. */
export const PASSWORD_MAX_BYTES = 72
export const FULL_NAME_MAX_LENGTH = 120
const EMAIL_MAX_LENGTH = 254
const MAX_TEAMS = 100

export type AdminUsersRequest
  = | { action: 'create', email: string, fullName: string, password: string, role: Role, teamIds: string[] }
    | { action: 'set_password', userId: string, password: string }
    | { action: 'set_active', userId: string, active: boolean }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/

const invalid = (field: string, message: string) => new UserError(400, 'invalid_request', message, { field })

export function parseAdminUsersRequest(body: unknown): AdminUsersRequest {
  if (!isRecord(body)) throw new UserError(400, 'invalid_request', 'Envie um objeto JSON com o campo action.')
  const action = body.action
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new UserError(400, 'unknown_action', `Ação desconhecida. Use uma destas: ${ACTIONS.join(', ')}.`, { valid_actions: ACTIONS })
  }
  switch (action as ActionName) {
    case 'create':
      return {
        action: 'create',
        email: email(body.email),
        fullName: fullName(body.full_name),
        password: password(body.password),
        role: role(body.role),
        teamIds: teamIds(body.team_ids),
      }
    case 'set_password':
      return { action: 'set_password', userId: userId(body), password: password(body.password) }
    case 'set_active':
      if (typeof body.active !== 'boolean') throw invalid('active', 'Informe active: true para reativar ou false para desativar.')
      return { action: 'set_active', userId: userId(body), active: body.active }
  }
}

/** Stored lower-case: GoTrue compares e-mails that way, and the duplicate check must too. */
function email(value: unknown): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : ''
  if (text === '') throw invalid('email', 'Informe o e-mail.')
  if (text.length > EMAIL_MAX_LENGTH || !EMAIL.test(text)) throw invalid('email', 'Informe um e-mail válido, como nome@empresa.com.br.')
  return text
}

function fullName(value: unknown): string {
  const text = typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : ''
  if (text === '') throw invalid('full_name', 'Informe o nome.')
  if (text.length > FULL_NAME_MAX_LENGTH) throw invalid('full_name', `O nome pode ter no máximo ${FULL_NAME_MAX_LENGTH} caracteres.`)
  return text
}

/** The problem with a password, in pt-BR, or null when it is acceptable. Kept as typed (no trimming). */
export function passwordProblem(value: string): string | null {
  if ([...value].length < PASSWORD_MIN_LENGTH) return `A senha deve ter pelo menos ${PASSWORD_MIN_LENGTH} caracteres.`
  if (new TextEncoder().encode(value).length > PASSWORD_MAX_BYTES) return `A senha pode ter no máximo ${PASSWORD_MAX_BYTES} caracteres.`
  if (value.trim() !== value) return 'A senha não pode começar nem terminar com espaço.'
  return null
}

function password(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalid('password', 'Informe a senha.')
  const problem = passwordProblem(value)
  if (problem) throw invalid('password', problem)
  return value
}

function role(value: unknown): Role {
  if (typeof value !== 'string' || !(ROLES as readonly string[]).includes(value)) {
    throw invalid('role', 'Escolha o perfil: administrador, supervisor, técnico ou observador.')
  }
  return value as Role
}

function teamIds(value: unknown): string[] {
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.length > MAX_TEAMS || !value.every(id => typeof id === 'string' && UUID.test(id))) {
    throw invalid('team_ids', 'As equipes devem ser uma lista de ids (uuid).')
  }
  return [...new Set(value.map(id => (id as string).toLowerCase()))]
}

function userId(body: JsonObject): string {
  const value = body.user_id
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid('user_id', 'Informe o id (uuid) do usuário em user_id.')
  return value.toLowerCase()
}
