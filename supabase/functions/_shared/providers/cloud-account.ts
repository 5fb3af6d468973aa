/**
 * Checking a Meta Cloud API number before a channel uses it (whatsapp-connect): the Graph request that
 * proves the access token reaches the phone number id, its parser, the pt-BR reading of Graph errors for
 * the admin, and the validation of what the admin types (see the WhatsApp reference, B.1 and B.5). Pure:
 * the caller sends the request with `callProvider`.
 */
import type { ProviderCall } from '../provider-http.ts'
import type { AdminFailure } from './evolution-instance.ts'
import { optionalInteger, optionalRecord, optionalString } from './guards.ts'

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.facebook.com'
export const DEFAULT_GRAPH_VERSION = 'v23.0'

/** Same rules as the `channel_secrets` checks: an http(s) URL without spaces, a `vNN.N` version. */
const GRAPH_BASE_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/
const GRAPH_VERSION = /^v\d+\.\d+$/
/** Graph object ids are numeric. */
const GRAPH_ID = /^\d{5,30}$/

export function isGraphBaseUrl(value: string): boolean {
  if (!GRAPH_BASE_URL.test(value)) return false
  try {
    const url = new URL(value)
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === ''
  }
  catch {
    return false
  }
}

export const isGraphVersion = (value: string): boolean => GRAPH_VERSION.test(value)
export const isGraphId = (value: string): boolean => GRAPH_ID.test(value)

export interface GraphAccount {
  /** Graph root without the version, no trailing slash. */
  graphBaseUrl: string
  graphVersion: string
  phoneNumberId: string
  accessToken: string
}

/**
 * `GET /<version>/<phone_number_id>?fields=…` with the token: answers only when the token is valid and
 * can manage that number, and gives the number and the name customers see.
 */
export function buildPhoneNumberLookupRequest(account: GraphAccount): ProviderCall {
  return {
    method: 'GET',
    path: `/${account.graphVersion}/${encodeURIComponent(account.phoneNumberId)}?fields=display_phone_number,verified_name,quality_rating`,
    headers: { Authorization: `Bearer ${account.accessToken}` },
  }
}

export interface PhoneNumberDetails {
  id: string
  /** As Meta shows it (`+55 11 91234-5678`). */
  displayPhoneNumber: string
  /** Digits only, 8–15 (the `channels.phone_number` format); null when the display form has no such number. */
  phoneDigits: string | null
  verifiedName: string | null
  /** GREEN, YELLOW, RED or UNKNOWN. */
  qualityRating: string | null
}

export class UnexpectedGraphResponse extends Error {
  constructor(what: string) {
    super(`unexpected Graph API response: ${what}`)
    this.name = 'UnexpectedGraphResponse'
  }
}

export function parsePhoneNumberLookup(body: unknown): PhoneNumberDetails {
  const payload = optionalRecord(body)
  const id = optionalString(payload?.id)
  const displayPhoneNumber = optionalString(payload?.display_phone_number)
  if (id === null || displayPhoneNumber === null) throw new UnexpectedGraphResponse('phone number has no id or display_phone_number')
  const digits = displayPhoneNumber.replace(/\D/g, '')
  return {
    id,
    displayPhoneNumber,
    phoneDigits: /^\d{8,15}$/.test(digits) ? digits : null,
    verifiedName: optionalString(payload?.verified_name),
    qualityRating: optionalString(payload?.quality_rating),
  }
}

const MAX_PROVIDER_MESSAGE = 300

/**
 * Graph errors `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }` → what the
 * admin should do. Codes: 190 token invalid or expired; 100 bad parameter, which for this call means the
 * id does not exist or the token cannot see it; 10 / 200 / 3 missing permission; 4 / 80007 / 130429
 * throttled; 1 / 2 / 5xx Meta trouble.
 */
export function classifyCloudAccountFailure(
  httpStatus: number | null,
  body: unknown,
  context: { phoneNumberId: string, networkError?: string | null },
): AdminFailure {
  const error = optionalRecord(optionalRecord(body)?.error)
  const code = optionalInteger(error?.code)
  const details = optionalString(optionalRecord(error?.error_data)?.details)
  const text = [optionalString(error?.message), details].filter(part => part !== null).join(' — ')
  const providerMessage = text === '' ? (typeof body === 'string' ? body.trim().slice(0, MAX_PROVIDER_MESSAGE) || null : null) : text.slice(0, MAX_PROVIDER_MESSAGE)
  const rejected = (reason: string): AdminFailure => ({ status: 400, code: 'provider_rejected', reason, httpStatus, providerMessage })
  const unreachable = (reason: string): AdminFailure => ({ status: 502, code: 'provider_unreachable', reason, httpStatus, providerMessage })
  const said = providerMessage === null ? '' : `: ${providerMessage}`

  if (httpStatus === null) {
    return unreachable(context.networkError === 'timeout'
      ? 'A API da Meta não respondeu a tempo. Tente de novo em instantes.'
      : `Não foi possível conectar à API da Meta (${context.networkError ?? 'sem resposta'}). Verifique o endereço da Graph API e a rede.`)
  }
  switch (code) {
    case 190:
      return rejected('O token de acesso da Meta é inválido ou expirou: gere um token permanente de usuário do sistema e cole-o de novo.')
    case 100:
    case 803:
      return rejected(`O identificador do número (Phone number ID) ${context.phoneNumberId} não existe ou o token não tem acesso a ele: copie-o de WhatsApp → Configuração da API no painel da Meta.`)
    case 3:
    case 10:
    case 200:
      return rejected('O token não tem permissão para este número: ao gerar o token, marque whatsapp_business_management e whatsapp_business_messaging e atribua a conta do WhatsApp ao usuário do sistema.')
    case 4:
    case 80007:
    case 130429:
      return unreachable('A Meta limitou as chamadas desta conta por alguns minutos. Tente de novo mais tarde.')
    case 1:
    case 2:
      return unreachable(`A API da Meta está instável no momento${said}. Tente de novo em instantes.`)
  }
  if (httpStatus === 401) return rejected('O token de acesso da Meta foi recusado: confira o token.')
  if (httpStatus === 404) return rejected('Esse endereço não respondeu como a Graph API da Meta (HTTP 404): confira o endereço e a versão.')
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    return unreachable(`A API da Meta está com problemas (HTTP ${httpStatus})${said}. Tente de novo em instantes.`)
  }
  return rejected(`A Meta recusou os dados (HTTP ${httpStatus})${said}.`)
}

/** A 2xx without the number: the base URL or version points at something that is not the Graph API. */
export function unexpectedGraphAnswer(httpStatus: number | null): AdminFailure {
  return {
    status: 502,
    code: 'provider_unreachable',
    reason: 'O endereço respondeu, mas não como a Graph API da Meta: confira o endereço e a versão.',
    httpStatus,
    providerMessage: null,
  }
}

/** Random, URL-safe (base64url, 32 bytes): typed into Meta's dashboard and compared on the GET handshake. */
export function newVerifyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
