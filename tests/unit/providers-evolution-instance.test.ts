/** Evolution API 2.3.x instance management: request builders, response parsers, failures for the admin. */
import { describe, expect, it } from 'vitest'
import {
  buildConnectionStateRequest,
  buildConnectRequest,
  buildCreateInstanceRequest,
  buildDeleteInstanceRequest,
  buildLogoutRequest,
  buildSetWebhookRequest,
  channelStateOf,
  classifyEvolutionAdminFailure,
  deriveInstanceName,
  EVOLUTION_WEBHOOK_EVENTS,
  evolutionErrorText,
  isInstanceMissing,
  isInstanceNameTaken,
  isNotConnected,
  parseConnectionStateResponse,
  parseConnectResponse,
  parseCreateInstanceResponse,
  readQr,
  UnexpectedEvolutionResponse,
  unexpectedEvolutionAnswer,
} from '../../supabase/functions/_shared/providers/evolution-instance.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const fixture = (name: string): Record<string, unknown> => readFixture('evolution', name)

const server = { apiKey: 'GLOBAL-KEY' }
const webhook = { url: 'https://ref.supabase.co/functions/v1/whatsapp-webhook/evolution', secret: 'segredo-123' }
const expectedWebhook = {
  url: webhook.url,
  byEvents: false,
  base64: true,
  headers: { 'x-atende-webhook-secret': 'segredo-123' },
  events: ['MESSAGES_UPSERT', 'MESSAGES_UPDATE', 'SEND_MESSAGE', 'CONNECTION_UPDATE', 'QRCODE_UPDATED'],
}
const evolutionError = (status: number, error: string, message: unknown) => ({ status, error, response: { message } })

describe('deriveInstanceName', () => {
  it('joins a URL-safe slug of the name and the first 8 characters of the id', () => {
    expect(deriveInstanceName('Atendimento Principal', '0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('atende-atendimento-principal-0f8fad5b')
  })

  it('drops accents, symbols and repeated separators', () => {
    expect(deriveInstanceName('  Loja São João — Café & Cia!! ', 'ABCDEF12-0000-4000-a000-000000000000')).toBe('atende-loja-sao-joao-cafe-cia-abcdef12')
  })

  it('keeps long names short and never ends a part with a dash', () => {
    const name = deriveInstanceName('Central de relacionamento com clientes corporativos da região sul', '7c9e6679-7425-40de-944b-e07fc1f90ae7')
    expect(name).toMatch(/^atende-[a-z0-9]+(-[a-z0-9]+)*-7c9e6679$/)
    expect(name.length).toBeLessThanOrEqual('atende-'.length + 32 + '-7c9e6679'.length)
  })

  it('falls back to the id alone when the name has nothing usable', () => {
    expect(deriveInstanceName('😀 ✨', '7c9e6679-7425-40de-944b-e07fc1f90ae7')).toBe('atende-7c9e6679')
  })
})

describe('request builders', () => {
  it('creates a Baileys instance with a QR and the nested webhook object 2.3.x reads, with the global key', () => {
    expect(buildCreateInstanceRequest(server, 'atende-loja-7c9e6679', webhook)).toEqual({
      method: 'POST',
      path: '/instance/create',
      headers: { apikey: 'GLOBAL-KEY' },
      body: {
        instanceName: 'atende-loja-7c9e6679',
        integration: 'WHATSAPP-BAILEYS',
        qrcode: true,
        rejectCall: false,
        groupsIgnore: false,
        alwaysOnline: false,
        readMessages: false,
        readStatus: false,
        syncFullHistory: false,
        webhook: expectedWebhook,
      },
    })
  })

  it('subscribes only to UPPER_SNAKE event names, which is what Evolution matches', () => {
    for (const event of EVOLUTION_WEBHOOK_EVENTS) expect(event).toMatch(/^[A-Z]+(_[A-Z]+)*$/)
  })

  it('sets the same webhook, enabled, on an existing instance', () => {
    expect(buildSetWebhookRequest(server, 'loja centro', webhook)).toEqual({
      method: 'POST',
      path: '/webhook/set/loja%20centro',
      headers: { apikey: 'GLOBAL-KEY' },
      body: { webhook: { enabled: true, ...expectedWebhook } },
    })
  })

  it('connects with or without a number for a pairing code', () => {
    expect(buildConnectRequest(server, 'loja-centro')).toEqual({ method: 'GET', path: '/instance/connect/loja-centro', headers: { apikey: 'GLOBAL-KEY' } })
    expect(buildConnectRequest(server, 'loja-centro', '5511912345678').path).toBe('/instance/connect/loja-centro?number=5511912345678')
  })

  it('reads the state, logs out and deletes by instance, encoded in the path', () => {
    expect(buildConnectionStateRequest(server, 'a/b')).toEqual({ method: 'GET', path: '/instance/connectionState/a%2Fb', headers: { apikey: 'GLOBAL-KEY' } })
    expect(buildLogoutRequest(server, 'loja-centro')).toEqual({ method: 'DELETE', path: '/instance/logout/loja-centro', headers: { apikey: 'GLOBAL-KEY' } })
    expect(buildDeleteInstanceRequest(server, 'loja-centro')).toEqual({ method: 'DELETE', path: '/instance/delete/loja-centro', headers: { apikey: 'GLOBAL-KEY' } })
  })
})

describe('parseCreateInstanceResponse', () => {
  it('takes the instance token (hash) and the first QR from the fixture', () => {
    const body = fixture('api-instance-create-response.json')
    const qrcode = body.qrcode as Record<string, string>
    expect(parseCreateInstanceResponse(body)).toEqual({
      instanceToken: 'B6D711FC-DE4D-4FD5-9365-44120E713976',
      qr: { code: qrcode.code, imageDataUrl: qrcode.base64, pairingCode: null },
    })
  })

  it('has no QR yet when create answered before it existed ({ count: 0 })', () => {
    expect(parseCreateInstanceResponse({ ...fixture('api-instance-create-response.json'), qrcode: { count: 0 } }).qr).toBeNull()
  })

  it('reads a v1-style hash object rather than lose the token', () => {
    expect(parseCreateInstanceResponse({ instance: { instanceName: 'x' }, hash: { apikey: 'TOKEN' } }).instanceToken).toBe('TOKEN')
  })

  it('refuses an answer that is not Evolution\'s', () => {
    expect(() => parseCreateInstanceResponse('<html>nginx</html>')).toThrow(UnexpectedEvolutionResponse)
    expect(() => parseCreateInstanceResponse({ ok: true })).toThrow(UnexpectedEvolutionResponse)
  })
})

describe('parseConnectResponse', () => {
  it('returns the QR of the fixture', () => {
    const body = fixture('api-instance-connect-response.json')
    expect(parseConnectResponse(body)).toEqual({ kind: 'qr', qr: { code: body.code, imageDataUrl: body.base64, pairingCode: null } })
  })

  it('returns the pairing code when started with a number', () => {
    const body = { ...fixture('api-instance-connect-response.json'), pairingCode: 'WZYEH1YY' }
    expect(parseConnectResponse(body)).toMatchObject({ kind: 'qr', qr: { pairingCode: 'WZYEH1YY' } })
  })

  it('returns the state when the instance is already open (connectionState shape)', () => {
    expect(parseConnectResponse(fixture('api-connection-state-response.json'))).toEqual({ kind: 'state', state: 'open' })
  })

  it('waits for the webhook when no QR is ready yet', () => {
    expect(parseConnectResponse({ count: 0 })).toEqual({ kind: 'pending' })
  })

  it('surfaces errors Evolution answers with HTTP 200', () => {
    expect(parseConnectResponse({ error: true, message: 'The "x" instance is not connected' })).toEqual({ kind: 'error', message: 'The "x" instance is not connected' })
  })

  it('refuses anything else', () => {
    expect(() => parseConnectResponse([])).toThrow(UnexpectedEvolutionResponse)
    expect(() => parseConnectResponse({ hello: 'world' })).toThrow(UnexpectedEvolutionResponse)
  })
})

describe('readQr', () => {
  it('accepts a pairing code alone and rejects an empty object', () => {
    expect(readQr({ pairingCode: 'ABCD1234', count: 1 })).toEqual({ code: null, imageDataUrl: null, pairingCode: 'ABCD1234' })
    expect(readQr({ count: 3 })).toBeNull()
    expect(readQr(null)).toBeNull()
  })
})

describe('connection state', () => {
  it('parses the fixture and every state Evolution reports', () => {
    expect(parseConnectionStateResponse(fixture('api-connection-state-response.json'))).toBe('open')
    for (const state of ['connecting', 'close', 'refused']) {
      expect(parseConnectionStateResponse({ instance: { instanceName: 'x', state } })).toBe(state)
    }
    expect(() => parseConnectionStateResponse({ instance: { state: 'sleeping' } })).toThrow(UnexpectedEvolutionResponse)
  })

  it('maps to the channel states, with a reason when the QR series ran out', () => {
    expect(channelStateOf('open')).toEqual({ state: 'connected', reason: null })
    expect(channelStateOf('connecting')).toEqual({ state: 'connecting', reason: null })
    expect(channelStateOf('close')).toEqual({ state: 'disconnected', reason: null })
    expect(channelStateOf('refused')).toEqual({ state: 'error', reason: expect.stringContaining('QR') })
  })
})

describe('failures', () => {
  const context = { instance: 'atende-loja-7c9e6679' }

  it('flattens Evolution\'s error envelope', () => {
    expect(evolutionErrorText(evolutionError(400, 'Bad Request', ['a', 'b']))).toBe('a; b')
    expect(evolutionErrorText(evolutionError(401, 'Unauthorized', 'Unauthorized'))).toBe('Unauthorized')
    expect(evolutionErrorText({ error: 'service not activated', code: 'LICENSE_REQUIRED' })).toBe('service not activated')
    expect(evolutionErrorText(null)).toBeNull()
  })

  it('recognises a taken name, a missing instance and a session already closed', () => {
    expect(isInstanceNameTaken(403, evolutionError(403, 'Forbidden', ['This name "x" is already in use.']))).toBe(true)
    expect(isInstanceNameTaken(403, evolutionError(403, 'Forbidden', ['Forbidden']))).toBe(false)
    expect(isInstanceMissing(404, evolutionError(404, 'Not Found', ['The "x" instance does not exist']))).toBe(true)
    expect(isInstanceMissing(404, 'Cannot GET /instance/connect/x')).toBe(false)
    expect(isNotConnected(400, evolutionError(400, 'Bad Request', ['The "x" instance is not connected']))).toBe(true)
  })

  it('a refused key is the admin\'s to fix (400) and says so in pt-BR', () => {
    expect(classifyEvolutionAdminFailure(401, evolutionError(401, 'Unauthorized', 'Unauthorized'), context)).toEqual({
      status: 400,
      code: 'provider_rejected',
      reason: expect.stringContaining('A chave da API do Evolution foi recusada'),
      httpStatus: 401,
      providerMessage: 'Unauthorized',
    })
  })

  it('no answer is 502, with a specific message for timeouts', () => {
    expect(classifyEvolutionAdminFailure(null, null, { ...context, networkError: 'timeout' })).toMatchObject({ status: 502, code: 'provider_unreachable', reason: expect.stringContaining('não respondeu a tempo') })
    expect(classifyEvolutionAdminFailure(null, null, { ...context, networkError: 'connect ECONNREFUSED' })).toMatchObject({ status: 502, reason: expect.stringContaining('ECONNREFUSED') })
  })

  it.each<[string, number, unknown, RegExp, number]>([
    ['a taken name', 403, evolutionError(403, 'Forbidden', ['This name "x" is already in use.']), /já está em uso/, 400],
    ['a missing instance', 404, evolutionError(404, 'Not Found', ['The "x" instance does not exist']), /não existe/, 400],
    ['a URL that is not Evolution', 404, 'Cannot POST /instance/create', /não parece ser um servidor da Evolution/, 400],
    ['the 2.4 license gate', 503, { error: 'service not activated', code: 'LICENSE_REQUIRED' }, /licença/, 400],
    ['a server error', 500, evolutionError(500, 'Internal Server Error', ['boom']), /HTTP 500\): boom/, 502],
    ['another refusal with the provider\'s reason', 400, evolutionError(400, 'Bad Request', ['Invalid integration']), /HTTP 400\): Invalid integration/, 400],
  ])('reads %s', (_what, status, body, reason, expectedStatus) => {
    const failure = classifyEvolutionAdminFailure(status, body, context)
    expect(failure.reason).toMatch(reason)
    expect(failure.status).toBe(expectedStatus)
    expect(failure.code).toBe(expectedStatus === 502 ? 'provider_unreachable' : 'provider_rejected')
  })

  it('names the instance in its messages', () => {
    expect(classifyEvolutionAdminFailure(404, evolutionError(404, 'Not Found', ['The "x" instance does not exist']), context).reason).toContain('atende-loja-7c9e6679')
  })

  it('a 2xx that is not Evolution\'s points at the URL', () => {
    expect(unexpectedEvolutionAnswer(200, '<html>Welcome to nginx</html>')).toMatchObject({ status: 502, reason: expect.stringContaining('confira a URL'), providerMessage: '<html>Welcome to nginx</html>' })
  })
})
