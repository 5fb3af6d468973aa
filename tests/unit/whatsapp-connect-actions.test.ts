/**
 * whatsapp-connect's actions and request parsing without a stack: a fake provider (fetch) and an
 * in-memory store with the RPCs' rules (a QR is ignored once connected; connected/disconnected drop it).
 * The contract test runs the same actions against the real database and the simulator.
 */
import { describe, expect, it } from 'vitest'
import { UserError } from '../../supabase/functions/_shared/errors.ts'
import type { FetchLike } from '../../supabase/functions/_shared/provider-http.ts'
import type { ChannelConnectionState } from '../../supabase/functions/_shared/providers/evolution-instance.ts'
import { cloudDetails, cloudSetup } from '../../supabase/functions/whatsapp-connect/cloud-actions.ts'
import type { ActionContext } from '../../supabase/functions/whatsapp-connect/context.ts'
import { evolutionConnect, evolutionDelete, evolutionLogout, evolutionSetup, evolutionState } from '../../supabase/functions/whatsapp-connect/evolution-actions.ts'
import { ACTIONS, parseConnectRequest } from '../../supabase/functions/whatsapp-connect/request.ts'
import type { ChannelRecord, ConnectStore, SecretsRow, SecretsUpdate, ShownQr } from '../../supabase/functions/whatsapp-connect/store.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const CHANNEL_ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7'
const INSTANCE = 'atende-loja-centro-7c9e6679'
const BASE = 'https://evo.example.com'
const NOW = new Date('2026-01-10T12:00:00Z')

class MemoryStore implements ConnectStore {
  secrets: SecretsRow | null = null
  qr: { code: string | null, pairingCode: string | null, expiresAt: Date } | null = null
  constructor(public channel: ChannelRecord) {}

  async loadChannel(): Promise<ChannelRecord | null> {
    return { ...this.channel }
  }

  async loadSecrets(): Promise<SecretsRow | null> {
    return this.secrets ? { ...this.secrets } : null
  }

  async saveSecrets(_channelId: string, values: SecretsUpdate): Promise<SecretsRow> {
    this.secrets = {
      webhook_secret: 'segredo-do-webhook',
      evolution_base_url: null,
      evolution_api_key: null,
      evolution_instance_name: null,
      evolution_instance_token: null,
      cloud_access_token: null,
      cloud_app_secret: null,
      cloud_verify_token: null,
      cloud_phone_number_id: null,
      cloud_waba_id: null,
      cloud_graph_base_url: 'https://graph.facebook.com',
      cloud_graph_version: 'v23.0',
      ...this.secrets,
      ...values,
    }
    return { ...this.secrets }
  }

  async recordConnection(_channelId: string, state: ChannelConnectionState, reason: string | null = null, phoneNumber: string | null = null): Promise<ChannelRecord> {
    this.channel = { ...this.channel, connectionState: state, stateReason: reason, phoneNumber: phoneNumber?.replace(/\D/g, '') || this.channel.phoneNumber }
    if (state === 'connected' || state === 'disconnected') this.qr = null
    return { ...this.channel }
  }

  async loadQr(): Promise<ShownQr | null> {
    return this.qr ? { qrCode: this.qr.code, pairingCode: this.qr.pairingCode, expiresAt: this.qr.expiresAt } : null
  }

  async recordQr(_channelId: string, code: string | null, pairingCode: string | null, expiresAt: Date): Promise<boolean> {
    if (this.channel.connectionState === 'connected') return false
    this.qr = { code, pairingCode: pairingCode ?? this.qr?.pairingCode ?? null, expiresAt }
    this.channel = { ...this.channel, connectionState: 'qr', stateReason: null }
    return true
  }
}

interface Call { method: string, url: string, headers: Record<string, string>, body: unknown }
type Route = (call: Call) => { status: number, body?: unknown } | 'network-error'

/** A provider that answers by `METHOD path` (path without the base URL); unknown routes are a test failure. */
function fakeProvider(routes: Record<string, Route>, base = BASE): { fetch: FetchLike, calls: Call[] } {
  const calls: Call[] = []
  const fetch: FetchLike = async (url, init) => {
    const call: Call = {
      method: init.method ?? 'GET',
      url,
      headers: init.headers as Record<string, string>,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    calls.push(call)
    const key = `${call.method} ${url.slice(base.length)}`
    const route = routes[key]
    if (!route) throw new Error(`unexpected provider call ${key}`)
    const result = route(call)
    if (result === 'network-error') throw new TypeError('fetch failed: connect ECONNREFUSED')
    return Response.json(result.body ?? null, { status: result.status })
  }
  return { fetch, calls }
}

function setup(channel: Partial<ChannelRecord> = {}, fetch?: FetchLike): { store: MemoryStore, context: ActionContext } {
  const store = new MemoryStore({ id: CHANNEL_ID, name: 'Loja Centro', provider: 'evolution', connectionState: 'disconnected', stateReason: null, phoneNumber: null, ...channel })
  return { store, context: { store, channel: store.channel, supabaseUrl: 'https://ref.supabase.co', now: () => NOW, fetch } }
}

async function userErrorOf(promise: Promise<unknown>): Promise<UserError> {
  try {
    await promise
  }
  catch (error) {
    if (error instanceof UserError) return error
    throw error
  }
  throw new Error('expected a UserError')
}

const createFixture = readFixture('evolution', 'api-instance-create-response.json')
const connectFixture = readFixture('evolution', 'api-instance-connect-response.json')
const evolutionError = (status: number, message: string) => ({ status, body: { status, error: 'x', response: { message: [message] } } })

describe('evolution.setup', () => {
  it('saves the server before creating the instance with our webhook, keeps the token and shows the first QR', async () => {
    let savedAtCreate: SecretsRow | null = null
    const provider = fakeProvider({
      'POST /instance/create': () => {
        savedAtCreate = { ...store.secrets! }
        return { status: 201, body: createFixture }
      },
    })
    const { store, context } = setup({}, provider.fetch)
    const answer = await evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' })

    expect(savedAtCreate).toMatchObject({ evolution_base_url: BASE, evolution_api_key: 'GLOBAL', evolution_instance_name: INSTANCE })
    expect(provider.calls[0]!.headers).toEqual({ 'apikey': 'GLOBAL', 'Content-Type': 'application/json' })
    expect(provider.calls[0]!.body).toMatchObject({
      instanceName: INSTANCE,
      webhook: { url: 'https://ref.supabase.co/functions/v1/whatsapp-webhook/evolution', headers: { 'x-atende-webhook-secret': 'segredo-do-webhook' } },
    })
    expect(store.secrets?.evolution_instance_token).toBe('B6D711FC-DE4D-4FD5-9365-44120E713976')
    const qr = createFixture.qrcode as Record<string, string>
    expect(answer).toEqual({
      state: 'qr',
      reason: null,
      instance: INSTANCE,
      qr_code: qr.code,
      qr_image: qr.base64,
      pairing_code: null,
      qr_expires_at: new Date(NOW.getTime() + 45_000).toISOString(),
    })
    expect(store.qr).toEqual({ code: qr.code, pairingCode: null, expiresAt: new Date(NOW.getTime() + 45_000) })
    expect(store.channel.connectionState).toBe('qr')
  })

  it('keeps an instance name once saved, even after the channel is renamed', async () => {
    const provider = fakeProvider({ 'POST /instance/create': () => ({ status: 201, body: createFixture }) })
    const { store, context } = setup({ name: 'Outro nome' }, provider.fetch)
    await store.saveSecrets(CHANNEL_ID, { evolution_instance_name: 'atende-principal' })
    await evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' })
    expect(provider.calls[0]!.body).toMatchObject({ instanceName: 'atende-principal' })
  })

  it('points the webhook of an instance that already exists at us, then asks for its QR', async () => {
    const provider = fakeProvider({
      'POST /instance/create': () => evolutionError(403, `This name "${INSTANCE}" is already in use.`),
      [`POST /webhook/set/${INSTANCE}`]: () => ({ status: 201, body: { id: 'w1', enabled: true } }),
      [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 200, body: connectFixture }),
    })
    const { store, context } = setup({}, provider.fetch)
    const answer = await evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' })
    expect(provider.calls.map(call => call.method + ' ' + call.url)).toEqual([
      `POST ${BASE}/instance/create`,
      `POST ${BASE}/webhook/set/${INSTANCE}`,
      `GET ${BASE}/instance/connect/${INSTANCE}`,
    ])
    expect(provider.calls[1]!.body).toMatchObject({ webhook: { enabled: true, headers: { 'x-atende-webhook-secret': 'segredo-do-webhook' } } })
    expect(answer).toMatchObject({ state: 'qr', qr_code: connectFixture.code })
    expect(store.channel.connectionState).toBe('qr')
  })

  it('connects at once when the existing instance is already open', async () => {
    const provider = fakeProvider({
      'POST /instance/create': () => ({ status: 201, body: { ...createFixture, qrcode: { count: 0 } } }),
      [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 200, body: readFixture('evolution', 'api-connection-state-response.json') }),
    })
    const { store, context } = setup({}, provider.fetch)
    expect(await evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' })).toMatchObject({ state: 'connected', qr_code: null })
    expect(store.channel.connectionState).toBe('connected')
  })

  it('a refused key: pt-BR error, channel in error, the previous server and key restored', async () => {
    const provider = fakeProvider({ 'POST /instance/create': () => ({ status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } }) })
    const { store, context } = setup({}, provider.fetch)
    await store.saveSecrets(CHANNEL_ID, { evolution_base_url: 'https://old.example.com', evolution_api_key: 'OLD', evolution_instance_name: INSTANCE })
    const error = await userErrorOf(evolutionSetup(context, { baseUrl: BASE, apiKey: 'WRONG' }))
    expect(error).toMatchObject({ status: 400, code: 'provider_rejected', details: { provider_status: 401, provider_message: 'Unauthorized' } })
    expect(error.message).toContain('A chave da API do Evolution foi recusada')
    expect(store.channel).toMatchObject({ connectionState: 'error', stateReason: error.message })
    expect(store.secrets).toMatchObject({ evolution_base_url: 'https://old.example.com', evolution_api_key: 'OLD', evolution_instance_name: INSTANCE })
  })

  it('an unreachable server is a 502, and does not mark a connected channel as broken', async () => {
    const provider = fakeProvider({ 'POST /instance/create': () => 'network-error' })
    const { store, context } = setup({ connectionState: 'connected' }, provider.fetch)
    const error = await userErrorOf(evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' }))
    expect(error).toMatchObject({ status: 502, code: 'provider_unreachable' })
    expect(error.message).toContain('ECONNREFUSED')
    expect(store.channel.connectionState).toBe('connected')
  })

  it('a connect failure after the instance was created keeps the proven server and key', async () => {
    const provider = fakeProvider({
      'POST /instance/create': () => ({ status: 201, body: { ...createFixture, qrcode: { count: 0 } } }),
      [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 500, body: null }),
    })
    const { store, context } = setup({}, provider.fetch)
    expect(await userErrorOf(evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' }))).toMatchObject({ status: 502, code: 'provider_unreachable' })
    expect(store.secrets).toMatchObject({ evolution_base_url: BASE, evolution_api_key: 'GLOBAL', evolution_instance_token: 'B6D711FC-DE4D-4FD5-9365-44120E713976' })
    expect(store.channel.connectionState).toBe('error')
  })

  it('a wrong key on an existing instance (403 name taken, then 401) restores the previous credentials', async () => {
    const provider = fakeProvider({
      'POST /instance/create': () => evolutionError(403, `This name "${INSTANCE}" is already in use.`),
      [`POST /webhook/set/${INSTANCE}`]: () => ({ status: 401, body: { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } } }),
    })
    const { store, context } = setup({ connectionState: 'connected' }, provider.fetch)
    await store.saveSecrets(CHANNEL_ID, { evolution_base_url: BASE, evolution_api_key: 'GOOD', evolution_instance_name: INSTANCE })
    expect((await userErrorOf(evolutionSetup(context, { baseUrl: BASE, apiKey: 'WRONG' }))).message).toContain('A chave da API do Evolution foi recusada')
    expect(store.secrets?.evolution_api_key).toBe('GOOD')
    expect(store.channel.connectionState).toBe('connected')
  })

  it('a server that is not Evolution is reported as such', async () => {
    const provider = fakeProvider({ 'POST /instance/create': () => ({ status: 200, body: { hello: 'world' } }) })
    const { context } = setup({}, provider.fetch)
    expect((await userErrorOf(evolutionSetup(context, { baseUrl: BASE, apiKey: 'GLOBAL' }))).message).toContain('não como a Evolution API')
  })
})

describe('evolution.connect / state / logout / delete', () => {
  async function configured(routes: Record<string, Route>, channel: Partial<ChannelRecord> = {}) {
    const provider = fakeProvider(routes)
    const built = setup(channel, provider.fetch)
    await built.store.saveSecrets(CHANNEL_ID, { evolution_base_url: BASE, evolution_api_key: 'GLOBAL', evolution_instance_name: INSTANCE, evolution_instance_token: 'TOKEN' })
    return { ...built, provider }
  }

  it('needs a setup first', async () => {
    const { context } = setup()
    expect(await userErrorOf(evolutionConnect(context, null))).toMatchObject({ status: 400, code: 'not_configured' })
    expect(await userErrorOf(evolutionState(context))).toMatchObject({ code: 'not_configured' })
  })

  it('asks for a pairing code with the company number', async () => {
    const { store, context, provider } = await configured({
      [`GET /instance/connect/${INSTANCE}?number=5511912345678`]: () => ({ status: 200, body: { ...connectFixture, pairingCode: 'WZYEH1YY' } }),
    })
    expect(await evolutionConnect(context, '5511912345678')).toMatchObject({ state: 'qr', pairing_code: 'WZYEH1YY' })
    expect(store.qr?.pairingCode).toBe('WZYEH1YY')
    expect(provider.calls[0]!.headers).toEqual({ apikey: 'GLOBAL' })
  })

  it('waits for the webhook\'s QR when none is ready, without hiding one still valid', async () => {
    const routes = { [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 200, body: { count: 0 } }) }
    const fresh = await configured(routes)
    expect(await evolutionConnect(fresh.context, null)).toMatchObject({ state: 'connecting', qr_code: null })
    expect(fresh.store.channel.connectionState).toBe('connecting')

    // A late `connecting` webhook replaced `qr`, but the webhook's QR is still valid: it is what to scan.
    const showing = await configured(routes, { connectionState: 'connecting' })
    showing.store.qr = { code: '2@webhook', pairingCode: null, expiresAt: new Date(NOW.getTime() + 20_000) }
    expect(await evolutionConnect(showing.context, null)).toMatchObject({ state: 'qr', qr_code: '2@webhook', qr_expires_at: '2026-01-10T12:00:20.000Z' })
    expect(showing.store.channel.connectionState).toBe('qr')

    const expired = await configured(routes, { connectionState: 'qr' })
    expired.store.qr = { code: '2@old', pairingCode: null, expiresAt: new Date(NOW.getTime() - 1) }
    expect(await evolutionConnect(expired.context, null)).toMatchObject({ state: 'connecting' })
  })

  it('reports a connect error Evolution answers with HTTP 200', async () => {
    const { store, context } = await configured({ [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 200, body: { error: true, message: 'boom' } }) })
    expect(await userErrorOf(evolutionConnect(context, null))).toMatchObject({ status: 400, code: 'provider_rejected', message: expect.stringContaining('boom') })
    expect(store.channel.connectionState).toBe('error')
  })

  it('a QR that arrives after the phone connected is not shown', async () => {
    const { store, context } = await configured({ [`GET /instance/connect/${INSTANCE}`]: () => ({ status: 200, body: connectFixture }) }, { connectionState: 'connected' })
    expect(await evolutionConnect(context, null)).toMatchObject({ state: 'connected', qr_code: null })
    expect(store.qr).toBeNull()
  })

  it.each<[string, ChannelConnectionState]>([['open', 'connected'], ['connecting', 'connecting'], ['close', 'disconnected'], ['refused', 'error']])(
    'state %s → %s',
    async (evolution, expected) => {
      const { store, context } = await configured({ [`GET /instance/connectionState/${INSTANCE}`]: () => ({ status: 200, body: { instance: { instanceName: INSTANCE, state: evolution } } }) })
      expect(await evolutionState(context)).toMatchObject({ state: expected })
      expect(store.channel.connectionState).toBe(expected)
    },
  )

  it('state: `connecting` with a valid QR on the channel is `qr`, with that QR', async () => {
    const { store, context } = await configured({ [`GET /instance/connectionState/${INSTANCE}`]: () => ({ status: 200, body: { instance: { instanceName: INSTANCE, state: 'connecting' } } }) }, { connectionState: 'qr' })
    store.qr = { code: '2@shown', pairingCode: 'ABCD1234', expiresAt: new Date(NOW.getTime() + 30_000) }
    expect(await evolutionState(context)).toMatchObject({ state: 'qr', qr_code: '2@shown', pairing_code: 'ABCD1234' })
    expect(store.channel.connectionState).toBe('qr')
  })

  it('state: an instance gone from the server puts the channel in error', async () => {
    const { store, context } = await configured({ [`GET /instance/connectionState/${INSTANCE}`]: () => evolutionError(404, `The "${INSTANCE}" instance does not exist`) }, { connectionState: 'connected' })
    expect(await userErrorOf(evolutionState(context))).toMatchObject({ status: 400, message: expect.stringContaining('não existe') })
    expect(store.channel.connectionState).toBe('error')
  })

  it('logout disconnects, also when the session was already closed', async () => {
    for (const route of [() => ({ status: 200, body: { status: 'SUCCESS', error: false } }), () => evolutionError(400, `The "${INSTANCE}" instance is not connected`)]) {
      const { store, context } = await configured({ [`DELETE /instance/logout/${INSTANCE}`]: route }, { connectionState: 'connected' })
      expect(await evolutionLogout(context)).toMatchObject({ state: 'disconnected' })
      expect(store.channel.connectionState).toBe('disconnected')
    }
  })

  it('logout failing for another reason leaves the channel as it was', async () => {
    const { store, context } = await configured({ [`DELETE /instance/logout/${INSTANCE}`]: () => ({ status: 500, body: null }) }, { connectionState: 'connected' })
    expect(await userErrorOf(evolutionLogout(context))).toMatchObject({ status: 502 })
    expect(store.channel.connectionState).toBe('connected')
  })

  it('delete removes the instance, clears its fields and counts a 404 as done', async () => {
    for (const route of [() => ({ status: 200, body: { status: 'SUCCESS' } }), () => evolutionError(404, `The "${INSTANCE}" instance does not exist`)]) {
      const { store, context, provider } = await configured({ [`DELETE /instance/delete/${INSTANCE}`]: route }, { connectionState: 'qr' })
      expect(await evolutionDelete(context)).toMatchObject({ state: 'disconnected', instance: null })
      expect(provider.calls).toHaveLength(1)
      expect(store.secrets).toMatchObject({ evolution_instance_name: null, evolution_instance_token: null, evolution_base_url: BASE })
      expect(store.channel.connectionState).toBe('disconnected')
    }
  })

  it('delete of a channel never set up only marks it disconnected', async () => {
    const { store, context } = setup({ connectionState: 'error' })
    expect(await evolutionDelete(context)).toMatchObject({ state: 'disconnected' })
    expect(store.secrets).toBeNull()
  })
})

describe('cloud.setup / details', () => {
  const GRAPH = 'http://sim.local/graph'
  const input = { accessToken: 'EAAG', phoneNumberId: '106540352242922', wabaId: '102290129340398', appSecret: 'app-secret', graphBaseUrl: GRAPH, graphVersion: null }
  const lookup = `GET /v23.0/106540352242922?fields=display_phone_number,verified_name,quality_rating`

  it('checks the number with the token, saves, connects and hands back the webhook URL and verify token', async () => {
    const provider = fakeProvider({ [lookup]: () => ({ status: 200, body: { id: '106540352242922', display_phone_number: '+55 11 91234-5678', verified_name: 'Loja Centro', quality_rating: 'GREEN' } }) }, GRAPH)
    const { store, context } = setup({ provider: 'cloud' }, provider.fetch)
    const answer = await cloudSetup(context, input)
    expect(provider.calls[0]!.headers).toEqual({ Authorization: 'Bearer EAAG' })
    expect(answer).toEqual({
      state: 'connected',
      phone_number: '5511912345678',
      display_phone_number: '+55 11 91234-5678',
      verified_name: 'Loja Centro',
      quality_rating: 'GREEN',
      webhook_url: 'https://ref.supabase.co/functions/v1/whatsapp-webhook/cloud',
      verify_token: expect.stringMatching(/^[\w-]{43}$/),
      phone_number_id: '106540352242922',
      waba_id: '102290129340398',
    })
    expect(store.secrets).toMatchObject({ cloud_access_token: 'EAAG', cloud_app_secret: 'app-secret', cloud_graph_base_url: GRAPH, cloud_graph_version: 'v23.0', cloud_verify_token: answer.verify_token })
    expect(store.channel).toMatchObject({ connectionState: 'connected', phoneNumber: '5511912345678' })

    // A second setup (a new token) keeps the verify token already pasted into Meta.
    const again = await cloudSetup(context, { ...input, accessToken: 'EAAG-2' })
    expect(again.verify_token).toBe(answer.verify_token)
    expect(await cloudDetails(context)).toEqual({ webhook_url: answer.webhook_url, verify_token: answer.verify_token, phone_number_id: '106540352242922', waba_id: '102290129340398' })
  })

  it('a bad token: 400 with the pt-BR reason, nothing saved, channel in error', async () => {
    const provider = fakeProvider({ [lookup]: () => ({ status: 401, body: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 } } }) }, GRAPH)
    const { store, context } = setup({ provider: 'cloud' }, provider.fetch)
    const error = await userErrorOf(cloudSetup(context, input))
    expect(error).toMatchObject({ status: 400, code: 'provider_rejected', details: { provider_status: 401 } })
    expect(error.message).toContain('token de acesso da Meta é inválido')
    expect(store.secrets).toBeNull()
    expect(store.channel.connectionState).toBe('error')
  })

  it('details before any setup: only the webhook URL', async () => {
    const { context } = setup({ provider: 'cloud' })
    expect(await cloudDetails(context)).toEqual({ webhook_url: 'https://ref.supabase.co/functions/v1/whatsapp-webhook/cloud', verify_token: null, phone_number_id: null, waba_id: null })
  })
})

describe('parseConnectRequest', () => {
  const channel_id = CHANNEL_ID
  const problem = (body: unknown): { code: string, field?: unknown } => {
    try {
      parseConnectRequest(body)
    }
    catch (error) {
      if (error instanceof UserError) return { code: error.code, field: (error.details as { field?: string } | undefined)?.field }
      throw error
    }
    throw new Error('accepted')
  }

  it('lists the valid actions for an unknown one', () => {
    try {
      parseConnectRequest({ action: 'evolution.reboot', channel_id })
      throw new Error('accepted')
    }
    catch (error) {
      expect(error).toMatchObject({ status: 400, code: 'unknown_action', details: { valid_actions: ACTIONS } })
      expect((error as Error).message).toContain('evolution.setup')
    }
  })

  it('normalises the Evolution server URL and trims the key', () => {
    expect(parseConnectRequest({ action: 'evolution.setup', channel_id, base_url: ' https://evo.example.com/base/ ', api_key: ' KEY\n' }))
      .toEqual({ action: 'evolution.setup', channelId: channel_id, baseUrl: 'https://evo.example.com/base', apiKey: 'KEY' })
  })

  it.each<[string, unknown, string]>([
    ['no object', 'x', 'invalid_request'],
    ['no channel id', { action: 'evolution.state' }, 'channel_id'],
    ['a non-http URL', { action: 'evolution.setup', channel_id, base_url: 'ftp://evo', api_key: 'k' }, 'base_url'],
    ['a URL with a query', { action: 'evolution.setup', channel_id, base_url: 'https://evo?x=1', api_key: 'k' }, 'base_url'],
    ['an empty key', { action: 'evolution.setup', channel_id, base_url: 'https://evo', api_key: '  ' }, 'api_key'],
    ['a key with spaces', { action: 'evolution.setup', channel_id, base_url: 'https://evo', api_key: 'a b' }, 'api_key'],
    ['a short phone', { action: 'evolution.connect', channel_id, phone_number: '1234' }, 'phone_number'],
    ['a phone with letters', { action: 'evolution.connect', channel_id, phone_number: '55119abc12345' }, 'phone_number'],
    ['a non-numeric phone number id', { action: 'cloud.setup', channel_id, access_token: 't', phone_number_id: 'abc', app_secret: 's' }, 'phone_number_id'],
    ['no app secret', { action: 'cloud.setup', channel_id, access_token: 't', phone_number_id: '106540352242922' }, 'app_secret'],
    ['a bad Graph URL', { action: 'cloud.setup', channel_id, access_token: 't', phone_number_id: '106540352242922', app_secret: 's', graph_base_url: 'graph' }, 'graph_base_url'],
    ['a bad Graph version', { action: 'cloud.setup', channel_id, access_token: 't', phone_number_id: '106540352242922', app_secret: 's', graph_version: '23' }, 'graph_version'],
  ])('refuses %s', (_what, body, expected) => {
    const found = problem(body)
    expect(expected === 'invalid_request' ? found.code : found.field).toBe(expected)
  })

  it('reads a pairing number and the optional Cloud fields', () => {
    expect(parseConnectRequest({ action: 'evolution.connect', channel_id, phone_number: '+55 (11) 91234-5678' })).toMatchObject({ phoneNumber: '5511912345678' })
    expect(parseConnectRequest({ action: 'cloud.setup', channel_id, access_token: 't', phone_number_id: 106540352242922, app_secret: 's', graph_base_url: 'http://127.0.0.1:1/graph/', graph_version: 'v22.0' }))
      .toEqual({ action: 'cloud.setup', channelId: channel_id, accessToken: 't', phoneNumberId: '106540352242922', wabaId: null, appSecret: 's', graphBaseUrl: 'http://127.0.0.1:1/graph', graphVersion: 'v22.0' })
  })
})
