/**
 * Managing an Evolution API 2.3.x instance for a channel (whatsapp-connect): request builders for create,
 * connect (QR / pairing code), connection state, logout, delete and the per-instance webhook, parsers for
 * their answers, and the pt-BR reading of their failures for the admin (see the WhatsApp reference,
 * A.1–A.3 and A.7). Pure: the caller sends the requests with `callProvider`.
 */
import type { ProviderCall } from '../provider-http.ts'
import { EVOLUTION_SECRET_HEADER } from '../webhook-auth.ts'
import { isRecord, type JsonObject, optionalRecord, optionalString } from './guards.ts'
import type { ConnectionState } from './types.ts'

/**
 * What the webhook acts on. UPPER_SNAKE names: Evolution compares them with the emitted event converted to
 * upper snake case, so dotted names (`messages.upsert`) silently never match (reference A.2.1).
 */
export const EVOLUTION_WEBHOOK_EVENTS = ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED'] as const

/** Each QR lives 45 s (Baileys `qrTimeout` set by Evolution, reference A.2.5). */
export const EVOLUTION_QR_LIFETIME_MS = 45_000

const MAX_SLUG_LENGTH = 32

/**
 * `atende-<slug of the channel name>-<first 8 characters of its id>`: readable in the Evolution manager,
 * unique per channel (the id part), and only `[a-z0-9-]` so it is safe in URL paths. Computed once; the
 * caller keeps the saved name even if the channel is renamed, since webhooks find the channel by it.
 */
export function deriveInstanceName(channelName: string, channelId: string): string {
  const slug = channelName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '')
  const idPart = channelId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 8).toLowerCase()
  return ['atende', slug, idPart].filter(part => part !== '').join('-')
}

export interface EvolutionServer {
  /** The server's global key: the only one `/instance/create` accepts (reference A.1). */
  apiKey: string
}

export interface EvolutionWebhookTarget {
  url: string
  /** Sent back by Evolution in `x-atende-webhook-secret` with every webhook. */
  secret: string
}

function call(method: ProviderCall['method'], path: string, server: EvolutionServer, body?: JsonObject): ProviderCall {
  const request: ProviderCall = { method, path, headers: { apikey: server.apiKey } }
  if (body !== undefined) request.body = body
  return request
}

const instancePath = (route: string, instance: string) => `/instance/${route}/${encodeURIComponent(instance)}`

/**
 * The webhook settings as 2.3.x reads them: a nested object (the flat `webhookUrl` keys of the docs are
 * ignored), `events` always an array (a missing one crashes the server and deletes the new instance),
 * `base64: true` so media arrive inline and the webhook rarely has to fetch them.
 */
function webhookSettings(target: EvolutionWebhookTarget): JsonObject {
  return {
    url: target.url,
    byEvents: false,
    base64: true,
    headers: { [EVOLUTION_SECRET_HEADER]: target.secret },
    events: [...EVOLUTION_WEBHOOK_EVENTS],
  }
}

/**
 * `POST /instance/create` with its webhook, asking for a QR at once. Settings are explicit so a server
 * with other defaults behaves the same: no automatic read receipts (the customer would see "read" before
 * an agent did), groups still delivered (the webhook filters them per channel).
 */
export function buildCreateInstanceRequest(server: EvolutionServer, instance: string, webhook: EvolutionWebhookTarget): ProviderCall {
  return call('POST', '/instance/create', server, {
    instanceName: instance,
    integration: 'WHATSAPP-BAILEYS',
    qrcode: true,
    rejectCall: false,
    groupsIgnore: false,
    alwaysOnline: false,
    readMessages: false,
    readStatus: false,
    syncFullHistory: false,
    webhook: webhookSettings(webhook),
  })
}

/** `POST /webhook/set/{instance}`: the same webhook for an instance that already exists. */
export function buildSetWebhookRequest(server: EvolutionServer, instance: string, webhook: EvolutionWebhookTarget): ProviderCall {
  return call('POST', `/webhook/set/${encodeURIComponent(instance)}`, server, { webhook: { enabled: true, ...webhookSettings(webhook) } })
}

/** `GET /instance/connect/{instance}`; with a phone number Evolution also answers a pairing code. */
export function buildConnectRequest(server: EvolutionServer, instance: string, phoneNumber: string | null = null): ProviderCall {
  const query = phoneNumber === null ? '' : `?number=${encodeURIComponent(phoneNumber)}`
  return call('GET', `${instancePath('connect', instance)}${query}`, server)
}

export function buildConnectionStateRequest(server: EvolutionServer, instance: string): ProviderCall {
  return call('GET', instancePath('connectionState', instance), server)
}

/** Drops the WhatsApp session but keeps the instance (a new QR can connect it again). */
export function buildLogoutRequest(server: EvolutionServer, instance: string): ProviderCall {
  return call('DELETE', instancePath('logout', instance), server)
}

export function buildDeleteInstanceRequest(server: EvolutionServer, instance: string): ProviderCall {
  return call('DELETE', instancePath('delete', instance), server)
}

// Responses ---------------------------------------------------------------------------------------------

/** An Evolution answer that is not what the API returns: most often the URL points at another server. */
export class UnexpectedEvolutionResponse extends Error {
  constructor(what: string) {
    super(`unexpected Evolution API response: ${what}`)
    this.name = 'UnexpectedEvolutionResponse'
  }
}

export interface EvolutionQr {
  /** The raw string the screen renders as a QR code; null while only a pairing code exists. */
  code: string | null
  /** The same QR as a PNG data URL. */
  imageDataUrl: string | null
  /** 8 characters to type on the phone, when the connection was started with a number. */
  pairingCode: string | null
}

/** A QR object `{ pairingCode, code, base64, count }`; null when none is ready yet (`{ count: 0 }`, issue #1541). */
export function readQr(value: unknown): EvolutionQr | null {
  const qr = optionalRecord(value)
  if (!qr) return null
  const code = optionalString(qr.code)
  const imageDataUrl = optionalString(qr.base64)
  const pairingCode = optionalString(qr.pairingCode)
  if (code === null && imageDataUrl === null && pairingCode === null) return null
  return { code, imageDataUrl, pairingCode }
}

export interface CreatedInstance {
  /** The instance's own API key (`hash`, a plain string in v2). */
  instanceToken: string | null
  qr: EvolutionQr | null
}

/** The 201 of `/instance/create`. */
export function parseCreateInstanceResponse(body: unknown): CreatedInstance {
  const payload = optionalRecord(body)
  if (!payload || !isRecord(payload.instance)) throw new UnexpectedEvolutionResponse('create has no instance object')
  // v1 servers answered `hash: { apikey }`; accept it rather than lose the token.
  const hash = payload.hash
  const instanceToken = optionalString(hash) ?? optionalString(optionalRecord(hash)?.apikey)
  return { instanceToken, qr: readQr(payload.qrcode) }
}

const CONNECTION_STATES: readonly ConnectionState[] = ['open', 'connecting', 'close', 'refused']

function readState(value: unknown): ConnectionState | null {
  return typeof value === 'string' && (CONNECTION_STATES as readonly string[]).includes(value) ? value as ConnectionState : null
}

/** `{ instance: { instanceName, state } }` from `/instance/connectionState` (and `connect` once open). */
export function parseConnectionStateResponse(body: unknown): ConnectionState {
  const instance = optionalRecord(optionalRecord(body)?.instance)
  const state = readState(instance?.state)
  if (state === null) throw new UnexpectedEvolutionResponse('connection state missing or unknown')
  return state
}

export type ConnectAnswer
  = | { kind: 'qr', qr: EvolutionQr }
  /** Already connected (`open`) or another state instead of a QR. */
    | { kind: 'state', state: ConnectionState }
  /** Connecting, but the QR is not ready yet: it will come by the `qrcode.updated` webhook. */
    | { kind: 'pending' }
  /** Evolution catches connect errors and answers them with HTTP 200 (reference A.2.2). */
    | { kind: 'error', message: string }

export function parseConnectResponse(body: unknown): ConnectAnswer {
  const payload = optionalRecord(body)
  if (!payload) throw new UnexpectedEvolutionResponse('connect answer is not an object')
  if (payload.error === true) return { kind: 'error', message: optionalString(payload.message) ?? 'erro sem descrição' }
  if (isRecord(payload.instance)) return { kind: 'state', state: parseConnectionStateResponse(payload) }
  const qr = readQr(payload)
  if (qr) return { kind: 'qr', qr }
  if ('count' in payload) return { kind: 'pending' }
  throw new UnexpectedEvolutionResponse('connect answer has neither a QR nor a state')
}

/** The channel states of Atende (`channels.connection_state`). */
export type ChannelConnectionState = 'disconnected' | 'connecting' | 'qr' | 'connected' | 'error'

export interface ChannelStateChange {
  state: ChannelConnectionState
  /** pt-BR, shown on the connection screen; null when the state speaks for itself. */
  reason: string | null
}

/** Evolution's session state as the channel's. `refused` = the QR series ran out (QRCODE_LIMIT). */
export function channelStateOf(state: ConnectionState): ChannelStateChange {
  switch (state) {
    case 'open':
      return { state: 'connected', reason: null }
    case 'connecting':
      return { state: 'connecting', reason: null }
    case 'close':
      return { state: 'disconnected', reason: null }
    case 'refused':
      return { state: 'error', reason: 'Nenhum QR Code foi lido a tempo e o servidor parou de gerar novos; clique em Reconectar.' }
  }
}

// Failures ----------------------------------------------------------------------------------------------

/** How a failed admin call reaches the caller: `status`/`code` of the functions' error model, pt-BR reason. */
export interface AdminFailure {
  status: 400 | 502
  code: 'provider_unreachable' | 'provider_rejected'
  reason: string
  httpStatus: number | null
  providerMessage: string | null
}

const MAX_PROVIDER_MESSAGE = 300

/** Evolution errors: `{ status, error, response: { message: string[] | string } }`, flattened to one line. */
export function evolutionErrorText(body: unknown): string | null {
  if (typeof body === 'string') return body.trim().slice(0, MAX_PROVIDER_MESSAGE) || null
  const envelope = optionalRecord(body)
  const message = optionalRecord(envelope?.response)?.message ?? envelope?.message ?? envelope?.error
  const entries = Array.isArray(message) ? message : message === undefined || message === null ? [] : [message]
  const text = entries.map(entry => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join('; ').trim()
  return text === '' ? null : text.slice(0, MAX_PROVIDER_MESSAGE)
}

/** Creating an instance whose name exists: `403 "This name "x" is already in use."`. */
export function isInstanceNameTaken(httpStatus: number | null, body: unknown): boolean {
  return httpStatus === 403 && /already in use/i.test(evolutionErrorText(body) ?? '')
}

/** `404 The "x" instance does not exist` (instance guard). */
export function isInstanceMissing(httpStatus: number | null, body: unknown): boolean {
  return httpStatus === 404 && /does not exist/i.test(evolutionErrorText(body) ?? '')
}

/** Logging out an instance that has no session: `400 The "x" instance is not connected`. */
export function isNotConnected(httpStatus: number | null, body: unknown): boolean {
  return httpStatus === 400 && /not connected/i.test(evolutionErrorText(body) ?? '')
}

/** A 2xx whose body is not Evolution's (a proxy page, another API): almost always a wrong URL. */
export function unexpectedEvolutionAnswer(httpStatus: number | null, body: unknown): AdminFailure {
  return {
    status: 502,
    code: 'provider_unreachable',
    reason: 'O endereço respondeu, mas não como a Evolution API 2.x: confira a URL do servidor.',
    httpStatus,
    providerMessage: typeof body === 'string' ? body.trim().slice(0, MAX_PROVIDER_MESSAGE) || null : null,
  }
}

/**
 * What a failed call means for the admin. `networkError` is `callProvider`'s reason when no answer came;
 * `instance` names the instance in the messages.
 */
export function classifyEvolutionAdminFailure(
  httpStatus: number | null,
  body: unknown,
  context: { instance: string, networkError?: string | null },
): AdminFailure {
  const providerMessage = evolutionErrorText(body)
  const rejected = (reason: string): AdminFailure => ({ status: 400, code: 'provider_rejected', reason, httpStatus, providerMessage })
  const unreachable = (reason: string): AdminFailure => ({ status: 502, code: 'provider_unreachable', reason, httpStatus, providerMessage })
  const said = providerMessage === null ? '' : `: ${providerMessage}`
  if (httpStatus === null) {
    return unreachable(context.networkError === 'timeout'
      ? 'O servidor da Evolution API não respondeu a tempo. Verifique se ele está no ar e tente de novo.'
      : `Não foi possível conectar ao servidor da Evolution API (${context.networkError ?? 'sem resposta'}). Verifique o endereço e se o servidor está no ar.`)
  }
  if (optionalString(optionalRecord(body)?.code) === 'LICENSE_REQUIRED') {
    return rejected('A Evolution API 2.4 exige ativação de licença: ative-a no servidor ou use a versão 2.3.7.')
  }
  if (httpStatus === 401) return rejected('A chave da API do Evolution foi recusada: confira a chave global (AUTHENTICATION_API_KEY) do servidor.')
  if (isInstanceNameTaken(httpStatus, body)) return rejected(`O nome de instância "${context.instance}" já está em uso no servidor da Evolution API.`)
  if (isInstanceMissing(httpStatus, body)) return rejected(`A instância "${context.instance}" não existe no servidor da Evolution API: configure a conexão novamente.`)
  // Any other 404 (e.g. "Cannot POST /instance/create") means the address is not an Evolution API root.
  if (httpStatus === 404) return rejected('Esse endereço não parece ser um servidor da Evolution API (HTTP 404): confira a URL, sem /manager no final.')
  if (httpStatus === 403) return rejected(`O servidor da Evolution API negou o acesso (HTTP 403)${said}.`)
  if (httpStatus === 408 || httpStatus === 429 || httpStatus >= 500) {
    return unreachable(`O servidor da Evolution API está com problemas (HTTP ${httpStatus})${said}. Tente de novo em instantes.`)
  }
  return rejected(`O servidor da Evolution API recusou o pedido (HTTP ${httpStatus})${said}.`)
}
