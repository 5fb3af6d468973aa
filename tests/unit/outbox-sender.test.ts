/**
 * The outbox sender end to end against fakes: a scripted service client (claim batches, channel rows,
 * Storage files, the RPCs it records) and a fake fetch standing in for the providers. Checks what is
 * sent where, and which of complete / fail (transient with a retry time, or permanent with a pt-BR
 * reason) each provider answer leads to.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { describe, expect, it } from 'vitest'
import { sendDueMessages, type SenderLog } from '../../supabase/functions/_shared/outbox/sender.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const EVOLUTION_CHANNEL = '00000000-0000-4000-d000-0000000000e1'
const CLOUD_CHANNEL = '00000000-0000-4000-d000-0000000000c1'
const NOW = new Date('2026-03-10T12:00:00Z')

type Row = Record<string, unknown>

function channelRow(id: string, provider: 'evolution' | 'cloud', overrides: { channel?: Row, secrets?: Row } = {}): Row {
  return {
    webhook_secret: 'segredo',
    evolution_base_url: provider === 'evolution' ? 'http://evolution.test/' : null,
    evolution_api_key: provider === 'evolution' ? 'chave-global' : null,
    evolution_instance_name: provider === 'evolution' ? 'loja centro' : null,
    evolution_instance_token: null,
    cloud_access_token: provider === 'cloud' ? 'EAAG-token' : null,
    cloud_app_secret: provider === 'cloud' ? 'app-secret' : null,
    cloud_verify_token: provider === 'cloud' ? 'verify' : null,
    cloud_phone_number_id: provider === 'cloud' ? '106540352242922' : null,
    cloud_waba_id: null,
    cloud_graph_base_url: 'http://graph.test',
    cloud_graph_version: 'v23.0',
    ...overrides.secrets,
    channels: {
      id, name: provider === 'cloud' ? 'Loja (Meta)' : 'Loja', provider, active: true, connection_state: 'connected',
      phone_number: null, accept_group_messages: false, allowed_phones: null, ...overrides.channel,
    },
  }
}

let nextOutboxId = 1

function claimed(overrides: Row = {}): Row {
  const outboxId = nextOutboxId++
  return {
    outbox_id: outboxId, attempts: 1, channel_id: EVOLUTION_CHANNEL, provider: 'evolution', message_id: `message-${outboxId}`,
    ticket_id: `ticket-${outboxId}`, kind: 'text', body: 'Olá! Como posso ajudar?', media_path: null, media_mime: null,
    media_name: null, is_voice_note: false, to: '5511987654321', quoted: null, ...overrides,
  }
}

interface RpcCall { name: string, args: Row }

interface FakeServiceOptions {
  batches: Row[][]
  channels?: Record<string, Row | null | Error>
  files?: Record<string, Uint8Array>
  /** Storage errors by path, as storage-js reports them. */
  storageErrors?: Record<string, { status?: number, statusCode?: string, message: string }>
  /** outbox.created_at / messages.status_updated_at of every claimed row. */
  queuedAt?: string
}

function fakeService(options: FakeServiceOptions) {
  const rpcs: RpcCall[] = []
  const channelLoads: string[] = []
  const batches = [...options.batches]
  const service = {
    async rpc(name: string, args: Row) {
      rpcs.push({ name, args })
      if (name === 'claim_outbox_batch') return { data: batches.shift() ?? [], error: null }
      return { data: true, error: null }
    },
    from(table: string) {
      const filters: Row = {}
      const builder = {
        select: () => builder,
        eq: (column: string, value: unknown) => {
          filters[column] = value
          return builder
        },
        async maybeSingle() {
          if (table === 'channel_secrets') {
            const id = String(filters.channel_id)
            channelLoads.push(id)
            const row = options.channels?.[id]
            if (row instanceof Error) return { data: null, error: { message: row.message } }
            return { data: row ?? null, error: null }
          }
          if (table === 'outbox') {
            const at = options.queuedAt ?? NOW.toISOString()
            return { data: { created_at: at, message: { status_updated_at: null } }, error: null }
          }
          throw new Error(`unexpected table ${table}`)
        },
      }
      return builder
    },
    storage: {
      from: (bucket: string) => ({
        async download(path: string) {
          expect(bucket).toBe('media')
          const error = options.storageErrors?.[path]
          if (error) return { data: null, error }
          const bytes = options.files?.[path]
          if (!bytes) return { data: null, error: { status: 400, statusCode: '404', message: 'Object not found' } }
          return { data: new Blob([bytes as BlobPart], { type: 'application/octet-stream' }), error: null }
        },
      }),
    },
  }
  return { service: service as unknown as SupabaseClient, rpcs, channelLoads }
}

interface SeenRequest { url: string, method: string, headers: Record<string, string>, json: Row | null, form: FormData | null }

/** A fetch that records requests and answers with `answer(request)`: a Response, or an Error to throw. */
function fakeFetch(answer: (request: SeenRequest) => Response | Error | Promise<Response | Error>) {
  const requests: SeenRequest[] = []
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const form = init.body instanceof FormData ? init.body : null
    const request: SeenRequest = {
      url,
      method: String(init.method),
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      json: typeof init.body === 'string' ? JSON.parse(init.body) as Row : null,
      form,
    }
    requests.push(request)
    const result = await answer(request)
    if (result instanceof Error) throw result
    return result
  }
  return { fetch, requests }
}

const json = (body: unknown, status = 200) => Response.json(body, { status })
const evolutionAccepted = () => json(readFixture('evolution', 'api-send-text-response.json'), 201)
const cloudAccepted = () => json(readFixture('cloud', 'api-send-response.json'))

function run(service: SupabaseClient, fetch: ReturnType<typeof fakeFetch>['fetch'], extra: { logs?: unknown[][], budgetMs?: number } = {}) {
  const log: SenderLog = (...entry) => extra.logs?.push(entry)
  return sendDueMessages(
    { service, fetch, now: () => NOW, random: () => 0.5, log },
    { budgetMs: extra.budgetMs ?? 10_000 },
  )
}

const failCalls = (rpcs: RpcCall[]) => rpcs.filter(call => call.name === 'fail_outbox_send').map(call => call.args)
const completeCalls = (rpcs: RpcCall[]) => rpcs.filter(call => call.name === 'complete_outbox_send').map(call => call.args)

describe('sendDueMessages through Evolution', () => {
  it('sends a text with the channel key and records the provider id', async () => {
    const row = claimed()
    const { service, rpcs } = fakeService({ batches: [[row]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch)).toEqual({ sent: 1, failed: 0, retried: 0 })
    expect(requests).toHaveLength(1)
    expect(requests[0]).toMatchObject({
      url: 'http://evolution.test/message/sendText/loja%20centro',
      method: 'POST',
      headers: { 'apikey': 'chave-global', 'content-type': 'application/json' },
      json: { number: '5511987654321', text: 'Olá! Como posso ajudar?' },
    })
    expect(completeCalls(rpcs)).toEqual([{ p_outbox_id: row.outbox_id, p_provider_message_id: '3EB07F687BA29993B52BA3' }])
    expect(rpcs.map(call => call.name)).toEqual(['claim_outbox_batch', 'complete_outbox_send', 'claim_outbox_batch'])
  })

  it('sends a stored voice note as base64 to sendWhatsAppAudio, quoting the customer', async () => {
    const audio = new Uint8Array([0x4f, 0x67, 0x67, 0x53, 0, 1, 2, 3])
    const row = claimed({
      kind: 'audio', body: null, is_voice_note: true, media_path: 'uploads/u1/nota.ogg', media_mime: 'audio/ogg', media_name: null,
      quoted: { provider_message_id: '3A5D1C0E2F4B6A8C9D0E', from_me: false, body: 'Pode me mandar um áudio?' },
    })
    const { service } = fakeService({
      batches: [[row]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') }, files: { 'uploads/u1/nota.ogg': audio },
    })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch)).toEqual({ sent: 1, failed: 0, retried: 0 })
    expect(requests[0]!.url).toBe('http://evolution.test/message/sendWhatsAppAudio/loja%20centro')
    expect(requests[0]!.json).toEqual({
      number: '5511987654321',
      audio: Buffer.from(audio).toString('base64'),
      quoted: {
        key: { id: '3A5D1C0E2F4B6A8C9D0E', remoteJid: '5511987654321@s.whatsapp.net', fromMe: false },
        message: { conversation: 'Pode me mandar um áudio?' },
      },
    })
  })

  it('sends a document with its file name, and the path\'s last part when it has none', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.4')
    const { service } = fakeService({
      batches: [[claimed({ kind: 'document', body: 'Segue o boleto', media_path: 'uploads/u1/boleto-marco.pdf', media_mime: 'application/pdf' })]],
      channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') },
      files: { 'uploads/u1/boleto-marco.pdf': pdf },
    })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    await run(service, fetch)
    expect(requests[0]!.url).toBe('http://evolution.test/message/sendMedia/loja%20centro')
    expect(requests[0]!.json).toEqual({
      number: '5511987654321', mediatype: 'document', media: Buffer.from(pdf).toString('base64'), mimetype: 'application/pdf',
      caption: 'Segue o boleto', fileName: 'boleto-marco.pdf',
    })
  })

  it('marks a number without WhatsApp failed for good', async () => {
    const row = claimed()
    const { service, rpcs } = fakeService({ batches: [[row]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch } = fakeFetch(() => json(readFixture('evolution', 'api-error-number-not-on-whatsapp.json'), 400))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(failCalls(rpcs)).toEqual([{ p_outbox_id: row.outbox_id, p_permanent: true, p_reason: 'Este número não tem WhatsApp.', p_retry_at: null }])
  })

  it('retries a closed WhatsApp session instead of failing the message', async () => {
    const { service, rpcs } = fakeService({ batches: [[claimed()]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch } = fakeFetch(() => json({ status: 400, error: 'Bad Request', response: { message: ['Connection Closed'] } }, 400))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 0, retried: 1 })
    expect(failCalls(rpcs)[0]).toMatchObject({ p_permanent: false, p_reason: expect.stringContaining('desconectado') })
  })
})

describe('sendDueMessages through the Cloud API', () => {
  it('uploads the image, then sends it by media id with its caption and the reply context', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    const row = claimed({
      channel_id: CLOUD_CHANNEL, provider: 'cloud', kind: 'image', body: 'Foto do produto', media_path: 'uploads/u1/produto.jpg',
      media_mime: 'image/jpeg', media_name: 'produto.jpg', quoted: { provider_message_id: 'wamid.ABC', from_me: false, body: 'Tem foto?' },
    })
    const { service, rpcs } = fakeService({
      batches: [[row]], channels: { [CLOUD_CHANNEL]: channelRow(CLOUD_CHANNEL, 'cloud') }, files: { 'uploads/u1/produto.jpg': jpeg },
    })
    const { fetch, requests } = fakeFetch(request => request.url.endsWith('/media') ? json({ id: '4490709327384033' }) : cloudAccepted())

    expect(await run(service, fetch)).toEqual({ sent: 1, failed: 0, retried: 0 })
    const [upload, send] = requests
    expect(upload).toMatchObject({ url: 'http://graph.test/v23.0/106540352242922/media', headers: { authorization: 'Bearer EAAG-token' } })
    expect(upload!.form?.get('messaging_product')).toBe('whatsapp')
    expect(upload!.form?.get('type')).toBe('image/jpeg')
    const uploaded = upload!.form?.get('file') as File
    expect(uploaded.name).toBe('produto.jpg')
    expect(new Uint8Array(await uploaded.arrayBuffer())).toEqual(jpeg)
    expect(send).toMatchObject({
      url: 'http://graph.test/v23.0/106540352242922/messages',
      json: {
        messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511987654321', type: 'image',
        image: { id: '4490709327384033', caption: 'Foto do produto' }, context: { message_id: 'wamid.ABC' },
      },
    })
    const accepted = readFixture<{ messages: { id: string }[] }>('cloud', 'api-send-response.json')
    expect(completeCalls(rpcs)).toEqual([{ p_outbox_id: row.outbox_id, p_provider_message_id: accepted.messages[0]!.id }])
  })

  it('marks a message outside the 24-hour window failed with the reason', async () => {
    const { service, rpcs } = fakeService({ batches: [[claimed({ channel_id: CLOUD_CHANNEL, provider: 'cloud' })]], channels: { [CLOUD_CHANNEL]: channelRow(CLOUD_CHANNEL, 'cloud') } })
    const { fetch } = fakeFetch(() => json({ error: { message: 'Re-engagement message', type: 'OAuthException', code: 131047, error_data: { details: 'More than 24 hours' } } }, 400))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(failCalls(rpcs)[0]).toMatchObject({
      p_permanent: true,
      p_reason: 'Fora da janela de 24 horas do WhatsApp: o cliente precisa escrever primeiro, ou envie um modelo aprovado.',
    })
  })

  it('retries a failed upload without sending anything', async () => {
    const { service, rpcs } = fakeService({
      batches: [[claimed({ channel_id: CLOUD_CHANNEL, provider: 'cloud', kind: 'image', media_path: 'uploads/u1/a.jpg', media_mime: 'image/jpeg' })]],
      channels: { [CLOUD_CHANNEL]: channelRow(CLOUD_CHANNEL, 'cloud') },
      files: { 'uploads/u1/a.jpg': new Uint8Array([1]) },
    })
    const { fetch, requests } = fakeFetch(() => json({ error: { message: 'Service temporarily unavailable', code: 2 } }, 503))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 0, retried: 1 })
    expect(requests.map(request => request.url)).toEqual(['http://graph.test/v23.0/106540352242922/media'])
    expect(failCalls(rpcs)[0]).toMatchObject({ p_permanent: false })
  })
})

describe('sendDueMessages on transient failures', () => {
  it('requeues with backoff when the provider does not answer', async () => {
    const row = claimed({ attempts: 3 })
    const { service, rpcs } = fakeService({ batches: [[row]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch } = fakeFetch(() => new TypeError('fetch failed: connection refused'))
    const logs: unknown[][] = []

    expect(await run(service, fetch, { logs })).toEqual({ sent: 0, failed: 0, retried: 1 })
    expect(failCalls(rpcs)).toEqual([{
      p_outbox_id: row.outbox_id,
      p_permanent: false,
      p_reason: 'Sem resposta do provedor do WhatsApp; o envio será repetido em instantes.',
      // Third attempt: 45 s (no jitter with random = 0.5).
      p_retry_at: new Date(NOW.getTime() + 45_000).toISOString(),
    }])
    expect(logs[0]).toEqual(['warn', 'send failed, will retry', expect.objectContaining({ outbox_id: row.outbox_id, provider_message: 'fetch failed: connection refused' })])
  })

  it('gives up a day after the message was queued, with the last reason', async () => {
    const { service, rpcs } = fakeService({
      batches: [[claimed({ attempts: 52 })]],
      channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') },
      queuedAt: new Date(NOW.getTime() - 25 * 3600_000).toISOString(),
    })
    const { fetch } = fakeFetch(() => json({ message: 'Internal Server Error' }, 500))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(failCalls(rpcs)[0]).toMatchObject({
      p_permanent: true,
      p_reason: 'Não foi possível enviar após várias tentativas: O provedor do WhatsApp está indisponível no momento; o envio será repetido em instantes.',
      p_retry_at: null,
    })
  })

  it('retries when Storage is unavailable, fails when the file is gone', async () => {
    const unavailable = claimed({ kind: 'image', media_path: 'uploads/u1/a.jpg' })
    const gone = claimed({ kind: 'image', media_path: 'uploads/u1/apagado.jpg' })
    const { service, rpcs } = fakeService({
      batches: [[unavailable, gone]],
      channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') },
      storageErrors: { 'uploads/u1/a.jpg': { status: 503, statusCode: '503', message: 'Service Unavailable' } },
    })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 1 })
    expect(requests).toHaveLength(0)
    // Side by side: the order of the two answers is not fixed.
    expect(failCalls(rpcs).sort((a, b) => Number(a.p_outbox_id) - Number(b.p_outbox_id))).toEqual([
      expect.objectContaining({ p_outbox_id: unavailable.outbox_id, p_permanent: false }),
      expect.objectContaining({ p_outbox_id: gone.outbox_id, p_permanent: true, p_reason: 'O arquivo anexado não foi encontrado no armazenamento; anexe-o de novo.' }),
    ])
  })

  it('retries when the channel cannot be loaded, and asks again next batch', async () => {
    const { service, rpcs, channelLoads } = fakeService({
      batches: [[claimed()], [claimed()]],
      channels: { [EVOLUTION_CHANNEL]: new Error('connection reset') },
    })
    const { fetch } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch, { logs: [] })).toEqual({ sent: 0, failed: 0, retried: 2 })
    expect(channelLoads).toEqual([EVOLUTION_CHANNEL, EVOLUTION_CHANNEL])
    expect(failCalls(rpcs)[0]).toMatchObject({ p_permanent: false, p_reason: 'Erro interno ao enviar; o envio será repetido em instantes.' })
  })
})

describe('sendDueMessages without calling the provider', () => {
  it.each([
    ['a deleted channel', null, 'A conexão de WhatsApp desta conversa não existe mais.'],
    ['a deactivated channel', channelRow(EVOLUTION_CHANNEL, 'evolution', { channel: { active: false } }), 'A conexão de WhatsApp “Loja” está desativada: reative-a em Conexões e reenvie a mensagem.'],
    ['a channel without credentials', channelRow(EVOLUTION_CHANNEL, 'evolution', { secrets: { evolution_api_key: null } }), 'A conexão “Loja” não tem os dados da Evolution API (endereço do servidor, chave e instância): complete-os em Conexões.'],
  ])('fails a message on %s for good', async (_case, channel, reason) => {
    const { service, rpcs } = fakeService({ batches: [[claimed()]], channels: { [EVOLUTION_CHANNEL]: channel } })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(requests).toHaveLength(0)
    expect(failCalls(rpcs)).toEqual([expect.objectContaining({ p_permanent: true, p_reason: reason })])
  })

  it('fails a message the builder refuses, with the reason in Portuguese', async () => {
    const { service, rpcs } = fakeService({ batches: [[claimed({ to: 'not-a-number' })]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch, requests } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(requests).toHaveLength(0)
    expect(failCalls(rpcs)[0]).toMatchObject({ p_permanent: true, p_reason: expect.stringContaining('O número do contato não serve') })
  })

  it('stops at an accepted answer without an id instead of risking a second copy', async () => {
    const { service, rpcs } = fakeService({ batches: [[claimed()]], channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution') } })
    const { fetch } = fakeFetch(() => json({ status: 'PENDING' }, 201))

    expect(await run(service, fetch)).toEqual({ sent: 0, failed: 1, retried: 0 })
    expect(failCalls(rpcs)[0]).toMatchObject({ p_permanent: true, p_reason: expect.stringContaining('não devolveu o identificador') })
  })
})

describe('sendDueMessages run', () => {
  it('claims batches until none is left, loading each channel once', async () => {
    const { service, rpcs, channelLoads } = fakeService({
      batches: [[claimed(), claimed({ channel_id: CLOUD_CHANNEL, provider: 'cloud' })], [claimed()], [claimed()]],
      channels: { [EVOLUTION_CHANNEL]: channelRow(EVOLUTION_CHANNEL, 'evolution'), [CLOUD_CHANNEL]: channelRow(CLOUD_CHANNEL, 'cloud') },
    })
    const { fetch } = fakeFetch(request => request.url.startsWith('http://graph.test') ? cloudAccepted() : evolutionAccepted())

    expect(await run(service, fetch)).toEqual({ sent: 4, failed: 0, retried: 0 })
    expect(rpcs.filter(call => call.name === 'claim_outbox_batch')).toHaveLength(4)
    expect(channelLoads.sort()).toEqual([CLOUD_CHANNEL, EVOLUTION_CHANNEL].sort())
  })

  it('claims nothing once the time budget is spent', async () => {
    const { service, rpcs } = fakeService({ batches: [[claimed()]] })
    const { fetch } = fakeFetch(evolutionAccepted)

    expect(await run(service, fetch, { budgetMs: 0 })).toEqual({ sent: 0, failed: 0, retried: 0 })
    expect(rpcs).toHaveLength(0)
  })
})
