/**
 * The Evolution API side of whatsapp-connect: set a channel up (instance + webhook), get its QR or
 * pairing code, read its state, log out, delete. Every answer is also written to the channel (state,
 * QR), so the admin's screen follows through Realtime whichever way the news arrives (this answer or
 * the webhook).
 */
import { webhookUrl } from '../_shared/channels.ts'
import { callProvider, type ProviderCall, type ProviderResponse } from '../_shared/provider-http.ts'
import {
  type AdminFailure,
  buildConnectionStateRequest,
  buildConnectRequest,
  buildCreateInstanceRequest,
  buildDeleteInstanceRequest,
  buildLogoutRequest,
  buildSetWebhookRequest,
  type ChannelConnectionState,
  channelStateOf,
  classifyEvolutionAdminFailure,
  type ConnectAnswer,
  deriveInstanceName,
  EVOLUTION_QR_LIFETIME_MS,
  isInstanceMissing,
  isInstanceNameTaken,
  isNotConnected,
  parseConnectionStateResponse,
  parseConnectResponse,
  parseCreateInstanceResponse,
  unexpectedEvolutionAnswer,
} from '../_shared/providers/evolution-instance.ts'
import { type ActionContext, failureError, notConfigured } from './context.ts'
import type { SecretsRow } from './store.ts'

/** Create waits about 5 s for the first QR before answering (reference A.2.1); leave it room. */
const CREATE_TIMEOUT_MS = 30_000

export interface EvolutionAnswer {
  state: ChannelConnectionState
  reason: string | null
  instance: string | null
  /** The raw QR string (render it as a QR code); null when there is none to show. */
  qr_code: string | null
  /** The same QR as a PNG data URL, when Evolution sent one. */
  qr_image: string | null
  pairing_code: string | null
  qr_expires_at: string | null
}

interface EvolutionTarget {
  baseUrl: string
  apiKey: string
  instance: string
}

/** Connect's 200 errors are turned into failures by requestConnect. */
type UsableConnectAnswer = Exclude<ConnectAnswer, { kind: 'error' }>

const isOk = (response: ProviderResponse) => response.status !== null && response.status >= 200 && response.status < 300

function answer(state: ChannelConnectionState, instance: string | null, extra: Partial<EvolutionAnswer> = {}): EvolutionAnswer {
  return { state, reason: null, instance, qr_code: null, qr_image: null, pairing_code: null, qr_expires_at: null, ...extra }
}

function send(context: ActionContext, target: EvolutionTarget, call: ProviderCall, timeoutMs = context.timeoutMs): Promise<ProviderResponse> {
  return callProvider(target.baseUrl, call, { fetch: context.fetch, timeoutMs })
}

function classify(target: EvolutionTarget, response: ProviderResponse): AdminFailure {
  return classifyEvolutionAdminFailure(response.status, response.body, { instance: target.instance, networkError: response.networkError })
}

/** Shows the failure on the channel (state `error` with the reason) when asked to, then throws it. */
async function fail(context: ActionContext, failure: AdminFailure, options: { recordOnChannel: boolean }): Promise<never> {
  if (options.recordOnChannel) await context.store.recordConnection(context.channel.id, 'error', failure.reason)
  throw failureError(failure)
}

function targetOf(secrets: SecretsRow | null): EvolutionTarget | null {
  if (!secrets?.evolution_base_url || !secrets.evolution_api_key || !secrets.evolution_instance_name) return null
  return { baseUrl: secrets.evolution_base_url, apiKey: secrets.evolution_api_key, instance: secrets.evolution_instance_name }
}

const notConfiguredYet = () => notConfigured('Esta conexão ainda não tem servidor da Evolution API: informe o endereço e a chave nas configurações da conexão e salve.')

async function requireTarget(context: ActionContext): Promise<EvolutionTarget> {
  const target = targetOf(await context.store.loadSecrets(context.channel.id))
  if (!target) throw notConfiguredYet()
  return target
}

/**
 * Saves the server and key, creates the instance with our webhook (or, when it already exists, e.g. a
 * setup repeated after a lost answer, points its webhook at us), then shows its first QR.
 */
export async function evolutionSetup(context: ActionContext, input: { baseUrl: string | null, apiKey: string | null }): Promise<EvolutionAnswer> {
  const channelId = context.channel.id
  const previous = await context.store.loadSecrets(channelId)
  // Null = keep the saved one (an edit that retyped only some fields).
  const baseUrl = input.baseUrl ?? previous?.evolution_base_url ?? null
  const apiKey = input.apiKey ?? previous?.evolution_api_key ?? null
  if (!baseUrl) throw notConfigured('Esta conexão ainda não tem servidor da Evolution API salvo: informe o endereço.', 'base_url')
  if (!apiKey) throw notConfigured('Esta conexão ainda não tem chave da API da Evolution salva: informe a chave.', 'api_key')
  const instance = previous?.evolution_instance_name ?? deriveInstanceName(context.channel.name, channelId)
  // Saved before Evolution is called: its first QR webhook arrives while create is still waiting for
  // that QR, and the webhook finds (and authenticates) the channel by the instance name and secret.
  const secrets = await context.store.saveSecrets(channelId, {
    evolution_base_url: baseUrl,
    evolution_api_key: apiKey,
    evolution_instance_name: instance,
  })
  const target: EvolutionTarget = { baseUrl, apiKey, instance }
  const webhook = { url: webhookUrl(context.supabaseUrl, 'evolution'), secret: secrets.webhook_secret }

  // New credentials that do not work must not replace ones that did, nor mark a working channel as broken.
  const setupFailed = async (failure: AdminFailure): Promise<never> => {
    await context.store.saveSecrets(channelId, {
      evolution_base_url: previous?.evolution_base_url ?? null,
      evolution_api_key: previous?.evolution_api_key ?? null,
    })
    return fail(context, failure, { recordOnChannel: context.channel.connectionState !== 'connected' })
  }

  const created = await send(context, target, buildCreateInstanceRequest(target, instance, webhook), CREATE_TIMEOUT_MS)
  let connectAnswer: UsableConnectAnswer | null = null
  if (isOk(created)) {
    let parsed: ReturnType<typeof parseCreateInstanceResponse>
    try {
      parsed = parseCreateInstanceResponse(created.body)
    }
    catch {
      return setupFailed(unexpectedEvolutionAnswer(created.status, created.body))
    }
    if (parsed.instanceToken) await context.store.saveSecrets(channelId, { evolution_instance_token: parsed.instanceToken })
    if (parsed.qr) connectAnswer = { kind: 'qr', qr: parsed.qr }
  }
  else if (isInstanceNameTaken(created.status, created.body)) {
    const updated = await send(context, target, buildSetWebhookRequest(target, instance, webhook))
    if (!isOk(updated)) return setupFailed(classify(target, updated))
  }
  else {
    return setupFailed(classify(target, created))
  }

  // Create often answers before the QR exists (`{ count: 0 }`, issue #1541); connect returns the current one.
  // The server and key are proven by now: a failure here keeps them and shows on the channel.
  connectAnswer ??= await requestConnect(context, target, null, failure => fail(context, failure, { recordOnChannel: true }))
  return applyConnectAnswer(context, target, connectAnswer)
}

/**
 * A (new) QR, or a pairing code when the company number is given. An instance that no longer exists
 * (removed with evolution.delete, or by hand on the server) is created again with the saved server and
 * key, so "Reconectar" always ends with a QR to scan.
 */
export async function evolutionConnect(context: ActionContext, phoneNumber: string | null): Promise<EvolutionAnswer> {
  const secrets = await context.store.loadSecrets(context.channel.id)
  const target = targetOf(secrets)
  if (!target) {
    if (!secrets?.evolution_base_url || !secrets.evolution_api_key) throw notConfiguredYet()
    return recreateInstance(context, secrets.evolution_base_url, secrets.evolution_api_key, phoneNumber)
  }
  const connectFailed = (failure: AdminFailure) => fail(context, failure, { recordOnChannel: true })
  const response = await send(context, target, buildConnectRequest(target, target.instance, phoneNumber))
  if (isInstanceMissing(response.status, response.body)) return recreateInstance(context, target.baseUrl, target.apiKey, phoneNumber)
  return applyConnectAnswer(context, target, await readConnectAnswer(target, response, connectFailed))
}

async function recreateInstance(context: ActionContext, baseUrl: string, apiKey: string, phoneNumber: string | null): Promise<EvolutionAnswer> {
  const created = await evolutionSetup(context, { baseUrl, apiKey })
  if (!phoneNumber || created.state === 'connected' || !created.instance) return created
  // The pairing code is asked of the instance that now exists (no second re-creation if it vanished again).
  const target: EvolutionTarget = { baseUrl, apiKey, instance: created.instance }
  const connectFailed = (failure: AdminFailure) => fail(context, failure, { recordOnChannel: true })
  return applyConnectAnswer(context, target, await requestConnect(context, target, phoneNumber, connectFailed))
}

/** The saved server, key and instance name as the edit form shows them; never the key itself. */
export async function evolutionDetails(context: ActionContext): Promise<{ base_url: string | null, instance: string | null, has_api_key: boolean }> {
  const secrets = await context.store.loadSecrets(context.channel.id)
  return {
    base_url: secrets?.evolution_base_url ?? null,
    instance: secrets?.evolution_instance_name ?? null,
    has_api_key: Boolean(secrets?.evolution_api_key),
  }
}

async function requestConnect(
  context: ActionContext,
  target: EvolutionTarget,
  phoneNumber: string | null,
  onFailure: (failure: AdminFailure) => Promise<never>,
): Promise<UsableConnectAnswer> {
  return readConnectAnswer(target, await send(context, target, buildConnectRequest(target, target.instance, phoneNumber)), onFailure)
}

async function readConnectAnswer(
  target: EvolutionTarget,
  response: ProviderResponse,
  onFailure: (failure: AdminFailure) => Promise<never>,
): Promise<UsableConnectAnswer> {
  if (!isOk(response)) return await onFailure(classify(target, response))
  let parsed: ConnectAnswer
  try {
    parsed = parseConnectResponse(response.body)
  }
  catch {
    return await onFailure(unexpectedEvolutionAnswer(response.status, response.body))
  }
  if (parsed.kind === 'error') {
    return await onFailure({ status: 400, code: 'provider_rejected', reason: `A Evolution API não conseguiu iniciar a conexão: ${parsed.message}`, httpStatus: response.status, providerMessage: parsed.message })
  }
  return parsed
}

async function applyConnectAnswer(context: ActionContext, target: EvolutionTarget, connect: UsableConnectAnswer): Promise<EvolutionAnswer> {
  const channelId = context.channel.id
  switch (connect.kind) {
    case 'qr': {
      const expiresAt = new Date(context.now().getTime() + EVOLUTION_QR_LIFETIME_MS)
      // The raw string is what the screen renders (as the webhook stores it); the PNG only without one.
      const shown = await context.store.recordQr(channelId, connect.qr.code ?? connect.qr.imageDataUrl, connect.qr.pairingCode, expiresAt)
      // Not shown: the phone connected in the meantime (the webhook got there first).
      if (!shown) return answer('connected', target.instance)
      return answer('qr', target.instance, {
        qr_code: connect.qr.code,
        qr_image: connect.qr.imageDataUrl,
        pairing_code: connect.qr.pairingCode,
        qr_expires_at: expiresAt.toISOString(),
      })
    }
    case 'state':
      return recordState(context, target, channelStateOf(connect.state))
    case 'pending':
      // The QR will come by webhook; one that already came is still the one to scan.
      return await showingQr(context, target) ?? recordState(context, target, { state: 'connecting', reason: null })
  }
}

/**
 * Evolution says `connecting` both before its first QR and while a QR waits to be scanned; a QR still
 * valid on the channel means the latter. The QR row decides, not the channel's state: webhooks arrive in
 * any order, and a late `connecting` may have replaced `qr`.
 */
async function showingQr(context: ActionContext, target: EvolutionTarget): Promise<EvolutionAnswer | null> {
  const qr = await context.store.loadQr(context.channel.id)
  if (!qr || (qr.expiresAt !== null && qr.expiresAt <= context.now())) return null
  if (context.channel.connectionState !== 'qr') await context.store.recordConnection(context.channel.id, 'qr')
  return answer('qr', target.instance, { qr_code: qr.qrCode, pairing_code: qr.pairingCode, qr_expires_at: qr.expiresAt?.toISOString() ?? null })
}

async function recordState(context: ActionContext, target: EvolutionTarget, change: { state: ChannelConnectionState, reason: string | null }): Promise<EvolutionAnswer> {
  const channel = await context.store.recordConnection(context.channel.id, change.state, change.reason)
  return answer(channel.connectionState, target.instance, { reason: channel.stateReason })
}

/** Asks Evolution for the session state and writes it to the channel. */
export async function evolutionState(context: ActionContext): Promise<EvolutionAnswer> {
  const target = await requireTarget(context)
  const response = await send(context, target, buildConnectionStateRequest(target, target.instance))
  if (!isOk(response)) return fail(context, classify(target, response), { recordOnChannel: true })
  let change: ReturnType<typeof channelStateOf>
  try {
    change = channelStateOf(parseConnectionStateResponse(response.body))
  }
  catch {
    return fail(context, unexpectedEvolutionAnswer(response.status, response.body), { recordOnChannel: true })
  }
  if (change.state === 'connecting') return await showingQr(context, target) ?? recordState(context, target, change)
  return recordState(context, target, change)
}

/** Ends the WhatsApp session; the instance stays, so connecting again needs only a new QR. */
export async function evolutionLogout(context: ActionContext): Promise<EvolutionAnswer> {
  const target = await requireTarget(context)
  const response = await send(context, target, buildLogoutRequest(target, target.instance))
  const alreadyOut = isNotConnected(response.status, response.body) || isInstanceMissing(response.status, response.body)
  if (!isOk(response) && !alreadyOut) return fail(context, classify(target, response), { recordOnChannel: false })
  return recordState(context, target, { state: 'disconnected', reason: null })
}

/**
 * Removes the instance from the Evolution server (before the admin deletes the channel, or to start
 * over). A 404 means it is already gone. The server and key stay saved for a new setup.
 */
export async function evolutionDelete(context: ActionContext): Promise<EvolutionAnswer> {
  const secrets = await context.store.loadSecrets(context.channel.id)
  const target = targetOf(secrets)
  if (target) {
    const response = await send(context, target, buildDeleteInstanceRequest(target, target.instance))
    if (!isOk(response) && response.status !== 404) return fail(context, classify(target, response), { recordOnChannel: false })
  }
  if (secrets?.evolution_instance_name) {
    await context.store.saveSecrets(context.channel.id, { evolution_instance_name: null, evolution_instance_token: null })
  }
  const channel = await context.store.recordConnection(context.channel.id, 'disconnected')
  return answer(channel.connectionState, null)
}
