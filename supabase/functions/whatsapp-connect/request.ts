/**
 * The body of a whatsapp-connect call, validated into one typed action: `{ action, channel_id, … }`.
 * Anything the admin typed wrongly is a 400 with a pt-BR message naming the field.
 */
import { UserError } from '../_shared/errors.ts'
import { isGraphBaseUrl, isGraphId, isGraphVersion } from '../_shared/providers/cloud-account.ts'
import { isRecord, type JsonObject } from '../_shared/providers/guards.ts'
import type { ProviderName } from '../_shared/providers/types.ts'

export const ACTIONS = [
  'evolution.setup',
  'evolution.details',
  'evolution.connect',
  'evolution.state',
  'evolution.logout',
  'evolution.delete',
  'cloud.setup',
  'cloud.details',
] as const

export type ActionName = typeof ACTIONS[number]

export type ConnectRequest
  /** A null credential (only with `keep_saved: true`) means: the one saved on the channel. */
  = | { action: 'evolution.setup', channelId: string, baseUrl: string | null, apiKey: string | null }
    | { action: 'evolution.connect', channelId: string, phoneNumber: string | null }
    | { action: 'evolution.state' | 'evolution.logout' | 'evolution.delete' | 'evolution.details', channelId: string }
    | {
      action: 'cloud.setup'
      channelId: string
      accessToken: string | null
      phoneNumberId: string
      wabaId: string | null
      appSecret: string | null
      graphBaseUrl: string | null
      graphVersion: string | null
    }
    | { action: 'cloud.details', channelId: string }

export function providerOf(action: ActionName): ProviderName {
  return action.startsWith('cloud.') ? 'cloud' : 'evolution'
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const MAX_SECRET_LENGTH = 1024
const MAX_URL_LENGTH = 500

const invalid = (field: string, message: string) => new UserError(400, 'invalid_request', message, { field })

export function parseConnectRequest(body: unknown): ConnectRequest {
  if (!isRecord(body)) throw new UserError(400, 'invalid_request', 'Envie um objeto JSON com action e channel_id.')
  const action = body.action
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw new UserError(400, 'unknown_action', `Ação desconhecida. Use uma destas: ${ACTIONS.join(', ')}.`, { valid_actions: ACTIONS })
  }
  const channelId = body.channel_id
  if (typeof channelId !== 'string' || !UUID.test(channelId)) throw invalid('channel_id', 'Informe o id (uuid) da conexão em channel_id.')
  // An edit form never reads the saved secrets back, so it sends only what the admin typed anew and
  // says so explicitly: without the flag a missing credential is still the admin's mistake.
  const keepSaved = body.keep_saved === true
  const saved = (field: string) => keepSaved && (body[field] === undefined || body[field] === null || body[field] === '')
  switch (action as ActionName) {
    case 'evolution.setup':
      return {
        action: 'evolution.setup',
        channelId,
        baseUrl: saved('base_url') ? null : evolutionBaseUrl(body.base_url),
        apiKey: saved('api_key') ? null : secret(body, 'api_key', 'a chave da API (apikey) do Evolution'),
      }
    case 'evolution.connect':
      return { action: 'evolution.connect', channelId, phoneNumber: optionalPhone(body.phone_number) }
    case 'evolution.state':
    case 'evolution.logout':
    case 'evolution.delete':
    case 'evolution.details':
      return { action: action as 'evolution.state' | 'evolution.logout' | 'evolution.delete' | 'evolution.details', channelId }
    case 'cloud.setup':
      return {
        action: 'cloud.setup',
        channelId,
        accessToken: saved('access_token') ? null : secret(body, 'access_token', 'o token de acesso da Meta'),
        phoneNumberId: graphId(body, 'phone_number_id', 'o identificador do número (Phone number ID)', true)!,
        wabaId: graphId(body, 'waba_id', 'o identificador da conta do WhatsApp Business (WABA ID)', false),
        appSecret: saved('app_secret') ? null : secret(body, 'app_secret', 'a chave secreta do aplicativo (App Secret) da Meta'),
        graphBaseUrl: optionalGraphBaseUrl(body.graph_base_url),
        graphVersion: optionalGraphVersion(body.graph_version),
      }
    case 'cloud.details':
      return { action: 'cloud.details', channelId }
  }
}

/** The Evolution server root as the admin typed it, normalised: http(s), no query or fragment, no trailing slash. */
function evolutionBaseUrl(value: unknown): string {
  const message = 'Informe o endereço do servidor da Evolution API, começando com http:// ou https:// (ex.: https://evolution.suaempresa.com.br).'
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_URL_LENGTH) throw invalid('base_url', message)
  let url: URL
  try {
    url = new URL(value.trim())
  }
  catch {
    throw invalid('base_url', message)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid('base_url', message)
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw invalid('base_url', 'O endereço do servidor da Evolution API não pode ter usuário, senha, ? ou #.')
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

/** A key or token: required, no spaces (a pasted one often carries a stray space or line break: trimmed). */
function secret(body: JsonObject, field: string, what: string): string {
  const value = body[field]
  const text = typeof value === 'string' ? value.trim() : ''
  if (text === '') throw invalid(field, `Informe ${what}.`)
  if (text.length > MAX_SECRET_LENGTH || /\s/.test(text)) throw invalid(field, `Confira ${what}: não pode ter espaços nem passar de ${MAX_SECRET_LENGTH} caracteres.`)
  return text
}

function graphId(body: JsonObject, field: string, what: string, required: boolean): string | null {
  const value = body[field]
  if ((value === undefined || value === null || value === '') && !required) return null
  const text = typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : ''
  if (!isGraphId(text)) throw invalid(field, `Informe ${what}: só números, como aparece no painel da Meta.`)
  return text
}

/** For a pairing code: the company number with country code, digits only. */
function optionalPhone(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  const message = 'Informe o número do WhatsApp da empresa com DDI e DDD, por exemplo 5511912345678.'
  if (typeof value !== 'string' || /[^\d\s()+-]/.test(value)) throw invalid('phone_number', message)
  const digits = value.replace(/\D/g, '')
  if (!/^\d{10,15}$/.test(digits)) throw invalid('phone_number', message)
  return digits
}

function optionalGraphBaseUrl(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH || !isGraphBaseUrl(value.trim())) {
    throw invalid('graph_base_url', 'O endereço da Graph API deve começar com http:// ou https:// (padrão: https://graph.facebook.com).')
  }
  return value.trim().replace(/\/+$/, '')
}

function optionalGraphVersion(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || !isGraphVersion(value.trim())) throw invalid('graph_version', 'A versão da Graph API deve ser como v23.0.')
  return value.trim()
}
