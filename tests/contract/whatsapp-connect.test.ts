/**
 * whatsapp-connect against the real stack and the WhatsApp simulator: an admin creates a channel through
 * REST, then connects it through the function, exactly as the connection screen does — Evolution
 * (instance with our webhook, QR, scan, pairing code, state, logout, delete) and the Cloud API (token and
 * number checked on the fake Graph API, webhook URL and verify token). Also: who may call it, the admin's
 * Realtime view of the QR and the state, and the pt-BR errors for wrong credentials.
 */
import { randomInt, randomUUID } from 'node:crypto'
import { FunctionsHttpError, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SIMULATOR_EVOLUTION_API_KEY } from '../../local-stack/config.ts'
import { DEMO, ownerPool } from '../support/db.ts'
import { anonClient, eventually, getStack, serviceClient, signedInClient } from '../support/stack.ts'
import { simulator } from '../support/simulator.ts'

type Json = Record<string, unknown>

interface ChannelRow {
  id: string
  name: string
  provider: string
  connection_state: string
  state_reason: string | null
  phone_number: string | null
}

interface SecretsRow {
  webhook_secret: string
  evolution_base_url: string | null
  evolution_api_key: string | null
  evolution_instance_name: string | null
  evolution_instance_token: string | null
  cloud_access_token: string | null
  cloud_app_secret: string | null
  cloud_verify_token: string | null
  cloud_phone_number_id: string | null
  cloud_waba_id: string | null
  cloud_graph_base_url: string
}

let admin: SupabaseClient
let carla: SupabaseClient
let observer: SupabaseClient
let supervisor: SupabaseClient
const createdChannels: string[] = []
const realtimeChannels: Array<{ client: SupabaseClient, channel: RealtimeChannel }> = []

const evolutionUrl = () => `${getStack().simulatorUrl}/evolution`
const graphUrl = () => `${getStack().simulatorUrl}/graph`
const webhookUrl = (provider: string) => `${getStack().url}/functions/v1/whatsapp-webhook/${provider}`

/** Calls the function as `client`; any status comes back (supabase-js turns non-2xx into an error). */
async function connect(client: SupabaseClient, body: Json): Promise<{ status: number, body: Json }> {
  const { data, error } = await client.functions.invoke('whatsapp-connect', { body })
  if (!error) return { status: 200, body: data as Json }
  if (error instanceof FunctionsHttpError) {
    const response = error.context as Response
    return { status: response.status, body: await response.json() as Json }
  }
  throw error
}

/** The admin creates the channel row through REST, as the connection screen does. */
async function createChannel(provider: 'evolution' | 'cloud', name = `Teste ${provider} ${randomUUID().slice(0, 6)}`): Promise<ChannelRow> {
  const { data, error } = await admin.from('channels').insert({ name, provider }).select().single()
  if (error) throw new Error(`creating a channel failed: ${error.message}`)
  createdChannels.push((data as ChannelRow).id)
  return data as ChannelRow
}

async function channelRow(id: string): Promise<ChannelRow> {
  const { rows } = await ownerPool().query<ChannelRow>('select * from public.channels where id = $1', [id])
  return rows[0]!
}

async function secretsRow(id: string): Promise<SecretsRow | undefined> {
  const { rows } = await ownerPool().query<SecretsRow>('select * from public.channel_secrets where channel_id = $1', [id])
  return rows[0]
}

/** Subscribes and resolves once joined. */
function subscribed(client: SupabaseClient, channel: RealtimeChannel): Promise<RealtimeChannel> {
  realtimeChannels.push({ client, channel })
  return new Promise((resolve, reject) => {
    channel.subscribe((status, error) => {
      if (status === 'SUBSCRIBED') resolve(channel)
      if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') reject(error ?? new Error(status))
    })
  })
}

beforeAll(async () => {
  expect(getStack().simulatorUrl, 'these tests need the WhatsApp simulator').not.toBe('')
  ;[admin, carla, observer, supervisor] = await Promise.all([
    signedInClient(DEMO.admin.email, DEMO.password),
    signedInClient(DEMO.carla.email, DEMO.password),
    signedInClient(DEMO.observer.email, DEMO.password),
    signedInClient(DEMO.supervisor.email, DEMO.password),
  ])
})

afterAll(async () => {
  for (const { client, channel } of realtimeChannels.splice(0)) await client.removeChannel(channel)
  if (createdChannels.length > 0) await serviceClient().from('channels').delete().in('id', createdChannels)
})

describe('who may call it', () => {
  it('refuses anonymous callers (401) and every role but admin (403), before reading the body', async () => {
    const channel = await createChannel('evolution')
    const body = { action: 'evolution.state', channel_id: channel.id }
    expect(await connect(anonClient(), body)).toEqual({ status: 401, body: { code: 'not_authenticated', message: expect.any(String) } })
    for (const client of [carla, observer, supervisor]) {
      expect(await connect(client, body)).toEqual({ status: 403, body: { code: 'not_allowed', message: 'Só administradores podem configurar as conexões do WhatsApp.' } })
      expect(await connect(client, { action: 'nonsense' })).toMatchObject({ status: 403 })
    }
  })

  it('refuses other methods', async () => {
    const { data } = await admin.auth.getSession()
    const response = await fetch(`${getStack().url}/functions/v1/whatsapp-connect`, {
      method: 'GET',
      headers: { Authorization: `Bearer ${data.session!.access_token}`, apikey: getStack().anonKey },
    })
    expect(response.status).toBe(405)
  })
})

describe('requests', () => {
  it('lists the valid actions for an unknown one', async () => {
    const channel = await createChannel('evolution')
    const answer = await connect(admin, { action: 'evolution.reboot', channel_id: channel.id })
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ code: 'unknown_action', details: { valid_actions: expect.arrayContaining(['evolution.setup', 'cloud.setup', 'cloud.details']) } })
  })

  it('answers 404 for a channel that does not exist and 400 for the other provider\'s action', async () => {
    expect(await connect(admin, { action: 'evolution.state', channel_id: randomUUID() })).toEqual({ status: 404, body: { code: 'channel_not_found', message: 'Conexão não encontrada.' } })
    const cloud = await createChannel('cloud')
    const wrong = await connect(admin, { action: 'evolution.setup', channel_id: cloud.id, base_url: evolutionUrl(), api_key: 'x' })
    expect(wrong).toMatchObject({ status: 400, body: { code: 'wrong_provider', message: expect.stringContaining('Cloud API') } })
  })

  it('validates what the admin typed, naming the field', async () => {
    const channel = await createChannel('evolution')
    expect(await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: 'evolution.example.com', api_key: 'k' }))
      .toMatchObject({ status: 400, body: { code: 'invalid_request', details: { field: 'base_url' }, message: expect.stringContaining('http') } })
    expect(await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: evolutionUrl(), api_key: '' }))
      .toMatchObject({ status: 400, body: { details: { field: 'api_key' } } })
    expect(await connect(admin, { action: 'evolution.state', channel_id: channel.id }))
      .toMatchObject({ status: 400, body: { code: 'not_configured' } })
    expect(await secretsRow(channel.id)).toBeUndefined()
  })
})

describe('Evolution API', () => {
  let channel: ChannelRow
  let instance: string
  const qrEvents: Json[] = []
  const channelEvents: Json[] = []

  beforeAll(async () => {
    channel = await createChannel('evolution', `Loja São João ${randomUUID().slice(0, 4)}`)
    // What the connection screen does: follow the QR and the state live.
    await Promise.all([
      subscribed(admin, admin.channel(`qr-${channel.id}`).on('postgres_changes',
        { event: '*', schema: 'public', table: 'channel_qr_codes', filter: `channel_id=eq.${channel.id}` }, payload => qrEvents.push(payload as unknown as Json))),
      subscribed(admin, admin.channel(`state-${channel.id}`).on('postgres_changes',
        { event: 'UPDATE', schema: 'public', table: 'channels', filter: `id=eq.${channel.id}` }, payload => channelEvents.push(payload.new))),
    ])
  })

  it('setup creates the instance with our webhook and secret, and shows its first QR', async () => {
    const answer = await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: `${evolutionUrl()}/`, api_key: SIMULATOR_EVOLUTION_API_KEY })
    expect(answer.status).toBe(200)
    instance = answer.body.instance as string
    expect(instance).toBe(`atende-loja-sao-joao-${channel.name.slice(-4).toLowerCase()}-${channel.id.slice(0, 8)}`)
    expect(answer.body).toMatchObject({ state: 'qr', qr_code: expect.stringMatching(/^2@/), qr_image: expect.stringMatching(/^data:image\/png;base64,/), pairing_code: null })

    const secrets = (await secretsRow(channel.id))!
    expect(secrets).toMatchObject({ evolution_base_url: evolutionUrl(), evolution_api_key: SIMULATOR_EVOLUTION_API_KEY, evolution_instance_name: instance })
    const onServer = await simulator().instance(instance)
    expect(onServer.token).toBe(secrets.evolution_instance_token)
    expect(onServer.webhook).toEqual({
      enabled: true,
      url: webhookUrl('evolution'),
      headers: { 'x-atende-webhook-secret': secrets.webhook_secret },
      byEvents: false,
      base64: true,
      events: ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED'],
    })
    expect(onServer.state).toBe('connecting')
    expect(answer.body.qr_code).toBe(onServer.qr?.code)
  })

  it('keeps the QR on the channel: the admin reads it through REST, an agent cannot', async () => {
    const current = (await simulator().instance(instance)).qr!.code
    const { data, error } = await admin.from('channel_qr_codes').select('qr_code, pairing_code, expires_at').eq('channel_id', channel.id).single()
    expect(error).toBeNull()
    expect(data).toMatchObject({ qr_code: current, pairing_code: null })
    const expiresIn = Date.parse(data!.expires_at as string) - Date.now()
    expect(expiresIn).toBeGreaterThan(0)
    expect(expiresIn).toBeLessThanOrEqual(45_000)
    // Eventually: the instance's `connecting` webhook may still come in before its QR webhook.
    await eventually(async () => (await channelRow(channel.id)).connection_state === 'qr' ? true : undefined, 10_000, 'the channel to show the QR')

    for (const client of [carla, observer]) {
      const denied = await client.from('channel_qr_codes').select('qr_code').eq('channel_id', channel.id)
      expect(denied).toMatchObject({ error: null, data: [] })
    }
    // The credentials are no browser role's business, not even the admin's.
    expect((await admin.from('channel_secrets').select('*').eq('channel_id', channel.id)).error).not.toBeNull()
  })

  it('the admin\'s screen got the QR and the state through Realtime', async () => {
    const { data } = await admin.from('channel_qr_codes').select('qr_code').eq('channel_id', channel.id).single()
    await eventually(() => qrEvents.some(event => (event.new as Json | undefined)?.qr_code === data?.qr_code) ? true : undefined, 10_000, 'the QR by Realtime')
    await eventually(() => channelEvents.some(row => row.connection_state === 'qr') ? true : undefined, 10_000, 'state qr by Realtime')
  })

  it('scanning the QR connects the channel (webhook), and evolution.state agrees', async () => {
    const phone = `5511${randomInt(900_000_000, 999_999_999)}`
    await simulator().scan(instance, { phone, profileName: 'Loja São João' })
    const connected = await eventually(async () => {
      const row = await channelRow(channel.id)
      return row.connection_state === 'connected' ? row : undefined
    }, 15_000, 'the connection.update webhook to connect the channel')
    expect(connected.phone_number).toBe(phone)
    await eventually(() => channelEvents.some(row => row.connection_state === 'connected') ? true : undefined, 10_000, 'state connected by Realtime')
    // Connected drops the QR, for the screen too.
    expect((await admin.from('channel_qr_codes').select('qr_code').eq('channel_id', channel.id)).data).toEqual([])
    await eventually(() => qrEvents.some(event => event.eventType === 'DELETE') ? true : undefined, 10_000, 'the QR removal by Realtime')

    expect(await connect(admin, { action: 'evolution.state', channel_id: channel.id })).toMatchObject({ status: 200, body: { state: 'connected', instance } })
  })

  it('setup again on a connected channel (instance exists): re-points the webhook and stays connected', async () => {
    const answer = await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: evolutionUrl(), api_key: SIMULATOR_EVOLUTION_API_KEY })
    expect(answer).toMatchObject({ status: 200, body: { state: 'connected', instance, qr_code: null } })
    const calls = (await simulator().log({ provider: 'evolution', target: instance, kind: 'request' })).map(entry => `${entry.method} ${entry.status}`)
    expect(calls).toContain('POST 201')
    expect((await simulator().instance(instance)).webhook?.headers['x-atende-webhook-secret']).toBe((await secretsRow(channel.id))!.webhook_secret)
  })

  it('logout ends the session: disconnected on the channel and on the server', async () => {
    expect(await connect(admin, { action: 'evolution.logout', channel_id: channel.id })).toMatchObject({ status: 200, body: { state: 'disconnected' } })
    expect((await simulator().instance(instance)).state).toBe('close')
    expect((await channelRow(channel.id)).connection_state).toBe('disconnected')
    // Logging out twice is not an error.
    expect(await connect(admin, { action: 'evolution.logout', channel_id: channel.id })).toMatchObject({ status: 200, body: { state: 'disconnected' } })
  })

  it('connect with the company number gives a pairing code (and a QR)', async () => {
    const answer = await connect(admin, { action: 'evolution.connect', channel_id: channel.id, phone_number: '+55 (11) 91234-5678' })
    expect(answer).toMatchObject({ status: 200, body: { state: 'qr', pairing_code: expect.stringMatching(/^[A-Z0-9]{8}$/), qr_code: expect.stringMatching(/^2@/) } })
    const onServer = await simulator().instance(instance)
    expect(onServer.pairingNumber).toBe('5511912345678')
    expect(onServer.qr?.pairingCode).toBe(answer.body.pairing_code)
    const { data } = await admin.from('channel_qr_codes').select('pairing_code').eq('channel_id', channel.id).single()
    expect(data?.pairing_code).toBe(answer.body.pairing_code)
  })

  it('state while the QR waits for a scan is qr, with the QR to show', async () => {
    const current = (await simulator().instance(instance)).qr!
    expect(await connect(admin, { action: 'evolution.state', channel_id: channel.id }))
      .toMatchObject({ status: 200, body: { state: 'qr', pairing_code: current.pairingCode, qr_code: expect.stringMatching(/^2@/) } })
  })

  it('delete removes the instance from the server and forgets it; a second delete is fine', async () => {
    expect(await connect(admin, { action: 'evolution.delete', channel_id: channel.id })).toMatchObject({ status: 200, body: { state: 'disconnected', instance: null } })
    expect(await simulator().findInstance(instance)).toBeNull()
    expect(await secretsRow(channel.id)).toMatchObject({ evolution_instance_name: null, evolution_instance_token: null, evolution_base_url: evolutionUrl() })
    expect((await channelRow(channel.id)).connection_state).toBe('disconnected')
    expect(await connect(admin, { action: 'evolution.delete', channel_id: channel.id })).toMatchObject({ status: 200 })
    // The admin can now delete the channel row itself.
    const { error } = await admin.from('channels').delete().eq('id', channel.id)
    expect(error).toBeNull()
  })

  it('a wrong API key: 400 with the pt-BR reason, shown on the channel; nothing created', async () => {
    const fresh = await createChannel('evolution')
    const answer = await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: evolutionUrl(), api_key: 'chave-errada' })
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 'provider_rejected', message: expect.stringContaining('A chave da API do Evolution foi recusada'), details: { provider_status: 401 } },
    })
    const row = await channelRow(fresh.id)
    expect(row).toMatchObject({ connection_state: 'error', state_reason: answer.body.message })
    const name = (await secretsRow(fresh.id))!.evolution_instance_name!
    expect(await simulator().findInstance(name)).toBeNull()
  })

  it('a server that does not answer: 502 provider_unreachable', async () => {
    const fresh = await createChannel('evolution')
    const answer = await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: 'http://127.0.0.1:9/evolution', api_key: 'x' })
    expect(answer).toMatchObject({ status: 502, body: { code: 'provider_unreachable', message: expect.stringContaining('servidor da Evolution API') } })
  })

  it('an address that is not an Evolution server says so', async () => {
    const fresh = await createChannel('evolution')
    const answer = await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: `${getStack().simulatorUrl}/nada`, api_key: 'x' })
    expect(answer).toMatchObject({ status: 400, body: { code: 'provider_rejected', message: expect.stringContaining('não parece ser um servidor da Evolution API') } })
  })
})

describe('Cloud API', () => {
  const accessToken = `EAAG${randomUUID().replaceAll('-', '')}`
  const appSecret = randomUUID().replaceAll('-', '')
  const phoneNumberId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
  const wabaId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
  const display = `5511${randomInt(900_000_000, 999_999_999)}`
  let channel: ChannelRow

  beforeAll(async () => {
    // The number as it exists at Meta; its callback is configured in Meta's dashboard after the setup.
    await simulator().registerNumber({ phoneNumberId, displayPhoneNumber: display, wabaId, accessToken, appSecret, verifiedName: 'Loja Centro', verifyToken: 'ainda-nao-configurado', webhookUrl: webhookUrl('cloud'), skipVerification: true })
    channel = await createChannel('cloud')
  })

  it('a bad token: 400 with the pt-BR reason, channel in error, nothing saved', async () => {
    const answer = await connect(admin, { action: 'cloud.setup', channel_id: channel.id, access_token: 'EAAG-errado', phone_number_id: phoneNumberId, app_secret: appSecret, graph_base_url: graphUrl() })
    expect(answer).toMatchObject({ status: 400, body: { code: 'provider_rejected', message: expect.stringContaining('token de acesso da Meta é inválido'), details: { provider_status: 401 } } })
    expect((await channelRow(channel.id)).connection_state).toBe('error')
    expect(await secretsRow(channel.id)).toBeUndefined()
  })

  it('a phone number id the token cannot see: 400 naming it', async () => {
    const answer = await connect(admin, { action: 'cloud.setup', channel_id: channel.id, access_token: accessToken, phone_number_id: '123456789012345', app_secret: appSecret, graph_base_url: graphUrl() })
    expect(answer).toMatchObject({ status: 400, body: { code: 'provider_rejected', message: expect.stringContaining('123456789012345') } })
  })

  it('setup checks the number, connects the channel and hands back the webhook URL and verify token', async () => {
    const answer = await connect(admin, { action: 'cloud.setup', channel_id: channel.id, access_token: accessToken, phone_number_id: phoneNumberId, waba_id: wabaId, app_secret: appSecret, graph_base_url: graphUrl() })
    expect(answer).toEqual({
      status: 200,
      body: {
        state: 'connected',
        phone_number: display,
        display_phone_number: expect.any(String),
        verified_name: 'Loja Centro',
        quality_rating: 'GREEN',
        webhook_url: webhookUrl('cloud'),
        verify_token: expect.stringMatching(/^[\w-]{43}$/),
        phone_number_id: phoneNumberId,
        waba_id: wabaId,
      },
    })
    expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'connected', state_reason: null, phone_number: display })
    expect(await secretsRow(channel.id)).toMatchObject({
      cloud_access_token: accessToken,
      cloud_app_secret: appSecret,
      cloud_phone_number_id: phoneNumberId,
      cloud_waba_id: wabaId,
      cloud_graph_base_url: graphUrl(),
      cloud_verify_token: answer.body.verify_token,
    })

    // The admin pastes both into Meta's dashboard, which verifies the callback with the token.
    const { verification } = await simulator().registerNumber({ phoneNumberId, displayPhoneNumber: display, wabaId, accessToken, appSecret, verifiedName: 'Loja Centro', verifyToken: answer.body.verify_token as string, webhookUrl: answer.body.webhook_url as string })
    expect(verification).toMatchObject({ ok: true, status: 200 })
  })

  it('details give the screen what to copy, never the token or the app secret', async () => {
    const answer = await connect(admin, { action: 'cloud.details', channel_id: channel.id })
    const secrets = (await secretsRow(channel.id))!
    expect(answer).toEqual({ status: 200, body: { webhook_url: webhookUrl('cloud'), verify_token: secrets.cloud_verify_token, phone_number_id: phoneNumberId, waba_id: wabaId } })
    expect(JSON.stringify(answer.body)).not.toContain(accessToken)
    expect(JSON.stringify(answer.body)).not.toContain(appSecret)
  })

  it('the same number cannot serve two channels', async () => {
    const other = await createChannel('cloud')
    const answer = await connect(admin, { action: 'cloud.setup', channel_id: other.id, access_token: accessToken, phone_number_id: phoneNumberId, app_secret: appSecret, graph_base_url: graphUrl() })
    expect(answer).toMatchObject({ status: 409, body: { code: 'phone_number_in_use' } })
  })
})

describe('edit and reconnect with the saved credentials (the edit form never reads secrets back)', () => {
  const deleteOnServer = (instance: string) => fetch(`${evolutionUrl()}/instance/delete/${instance}`, { method: 'DELETE', headers: { apikey: SIMULATOR_EVOLUTION_API_KEY } })

  it('evolution.details shows the saved server and instance, never the key', async () => {
    const channel = await createChannel('evolution')
    expect(await connect(admin, { action: 'evolution.details', channel_id: channel.id })).toEqual({ status: 200, body: { base_url: null, instance: null, has_api_key: false } })
    const setup = await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: evolutionUrl(), api_key: SIMULATOR_EVOLUTION_API_KEY })
    expect(setup.status).toBe(200)
    const details = await connect(admin, { action: 'evolution.details', channel_id: channel.id })
    expect(details).toEqual({ status: 200, body: { base_url: evolutionUrl(), instance: setup.body.instance, has_api_key: true } })
    expect(JSON.stringify(details.body)).not.toContain(SIMULATOR_EVOLUTION_API_KEY)
    for (const client of [carla, supervisor]) expect(await connect(client, { action: 'evolution.details', channel_id: channel.id })).toMatchObject({ status: 403 })
  })

  it('evolution.setup with keep_saved reuses the saved key; without a saved one it names the field', async () => {
    const fresh = await createChannel('evolution')
    expect(await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: evolutionUrl(), keep_saved: true }))
      .toMatchObject({ status: 400, body: { code: 'not_configured', details: { field: 'api_key' } } })
    // Without the flag a missing key is still the admin's mistake.
    expect(await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: evolutionUrl() }))
      .toMatchObject({ status: 400, body: { code: 'invalid_request', details: { field: 'api_key' } } })

    expect(await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, base_url: evolutionUrl(), api_key: SIMULATOR_EVOLUTION_API_KEY })).toMatchObject({ status: 200, body: { state: 'qr' } })
    const again = await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, keep_saved: true })
    expect(again).toMatchObject({ status: 200, body: { state: 'qr', qr_code: expect.stringMatching(/^2@/) } })
    expect(await secretsRow(fresh.id)).toMatchObject({ evolution_base_url: evolutionUrl(), evolution_api_key: SIMULATOR_EVOLUTION_API_KEY })
    // A new key typed with keep_saved replaces the saved one only if the server accepts it.
    expect(await connect(admin, { action: 'evolution.setup', channel_id: fresh.id, api_key: 'chave-errada', keep_saved: true }))
      .toMatchObject({ status: 400, body: { code: 'provider_rejected' } })
    expect((await secretsRow(fresh.id))!.evolution_api_key).toBe(SIMULATOR_EVOLUTION_API_KEY)
  })

  it('evolution.connect re-creates an instance removed from the server, with our webhook, and shows a QR', async () => {
    const channel = await createChannel('evolution')
    const setup = await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: evolutionUrl(), api_key: SIMULATOR_EVOLUTION_API_KEY })
    const instance = setup.body.instance as string
    expect((await deleteOnServer(instance)).status).toBe(200)
    expect(await simulator().findInstance(instance)).toBeNull()

    const answer = await connect(admin, { action: 'evolution.connect', channel_id: channel.id })
    expect(answer).toMatchObject({ status: 200, body: { state: 'qr', instance, qr_code: expect.stringMatching(/^2@/) } })
    const onServer = await simulator().instance(instance)
    expect(onServer.webhook?.headers['x-atende-webhook-secret']).toBe((await secretsRow(channel.id))!.webhook_secret)
    expect(onServer.qr?.code).toBe(answer.body.qr_code)
  })

  it('evolution.connect after evolution.delete creates the instance again; with a number also a pairing code', async () => {
    const channel = await createChannel('evolution')
    await connect(admin, { action: 'evolution.setup', channel_id: channel.id, base_url: evolutionUrl(), api_key: SIMULATOR_EVOLUTION_API_KEY })
    expect(await connect(admin, { action: 'evolution.delete', channel_id: channel.id })).toMatchObject({ status: 200, body: { instance: null } })

    const answer = await connect(admin, { action: 'evolution.connect', channel_id: channel.id, phone_number: '5511912345678' })
    expect(answer).toMatchObject({ status: 200, body: { state: 'qr', pairing_code: expect.stringMatching(/^[A-Z0-9]{8}$/) } })
    const instance = answer.body.instance as string
    expect((await secretsRow(channel.id))!.evolution_instance_name).toBe(instance)
    expect((await simulator().instance(instance)).pairingNumber).toBe('5511912345678')
    expect(await channelRow(channel.id)).toMatchObject({ connection_state: 'qr' })
  })

  it('cloud.setup with keep_saved reuses the saved token and app secret', async () => {
    const accessToken = `EAAG${randomUUID().replaceAll('-', '')}`
    const appSecret = randomUUID().replaceAll('-', '')
    const phoneNumberId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
    const wabaId = `1${randomInt(10_000_000_000_000, 99_999_999_999_999)}`
    const display = `5511${randomInt(900_000_000, 999_999_999)}`
    await simulator().registerNumber({ phoneNumberId, displayPhoneNumber: display, wabaId, accessToken, appSecret, verifyToken: 'x', webhookUrl: webhookUrl('cloud'), skipVerification: true })
    const channel = await createChannel('cloud')
    expect(await connect(admin, { action: 'cloud.setup', channel_id: channel.id, phone_number_id: phoneNumberId, graph_base_url: graphUrl(), keep_saved: true }))
      .toMatchObject({ status: 400, body: { code: 'not_configured', details: { field: 'access_token' } } })

    const first = await connect(admin, { action: 'cloud.setup', channel_id: channel.id, access_token: accessToken, phone_number_id: phoneNumberId, app_secret: appSecret, graph_base_url: graphUrl() })
    expect(first.status).toBe(200)
    // An edit that changes only the WABA id: no secrets typed, the Graph base URL kept as saved.
    const edit = await connect(admin, { action: 'cloud.setup', channel_id: channel.id, phone_number_id: phoneNumberId, waba_id: wabaId, keep_saved: true })
    expect(edit).toMatchObject({ status: 200, body: { state: 'connected', phone_number: display, verify_token: first.body.verify_token, waba_id: wabaId } })
    expect(await secretsRow(channel.id)).toMatchObject({ cloud_access_token: accessToken, cloud_app_secret: appSecret, cloud_waba_id: wabaId, cloud_graph_base_url: graphUrl() })
  })
})
