/** Fetching inbound media from each source a provider offers, against fake provider endpoints. */
import { describe, expect, it } from 'vitest'
import type { CloudCredentials, EvolutionCredentials } from '../../supabase/functions/_shared/channels.ts'
import {
  decodeBase64, downloadMedia, fetchInboundMedia, isTransientHttpStatus, MediaFetchError,
} from '../../supabase/functions/_shared/providers/media.ts'
import type { MediaDescriptor, MediaSource } from '../../supabase/functions/_shared/providers/types.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const evolution: EvolutionCredentials = { baseUrl: 'http://evo.test', apiKey: 'global-key', instance: 'loja centro', instanceToken: null }
const cloud: CloudCredentials = {
  graphBaseUrl: 'http://graph.test', graphVersion: 'v23.0', phoneNumberId: '106540352242922', accessToken: 'EAAG-token',
  appSecret: 'secret', verifyToken: 'verify', wabaId: null,
}

interface Call { url: string, method: string, headers: Record<string, string>, body: unknown }

/** A fetch that answers from `routes` (by "METHOD url") and records every call. */
function fakeFetch(routes: Record<string, (call: Call) => Response>) {
  const calls: Call[] = []
  const fetch = (input: string, init: RequestInit): Promise<Response> => {
    const call: Call = {
      url: input,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers).entries()),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : null,
    }
    calls.push(call)
    const route = routes[`${call.method} ${input}`]
    if (!route) return Promise.reject(new TypeError('fetch failed: connection refused'))
    return Promise.resolve(route(call))
  }
  return { fetch, calls }
}

function descriptor(sources: MediaSource[], mimeType: string | null = 'image/jpeg'): MediaDescriptor {
  return { mimeType, fileName: null, sizeBytes: null, durationSeconds: null, isVoiceNote: false, sha256: null, sources }
}

const bytesOf = (text: string) => new TextEncoder().encode(text)
const base64Of = (text: string) => Buffer.from(text).toString('base64')

async function rejection(promise: Promise<unknown>): Promise<MediaFetchError> {
  try {
    await promise
  }
  catch (error) {
    expect(error).toBeInstanceOf(MediaFetchError)
    return error as MediaFetchError
  }
  throw new Error('expected the fetch to fail')
}

const evolutionKey = { id: '3A2B4C6D8E0F1A3B5C7D', remoteJid: '5511987654321@s.whatsapp.net', fromMe: false, participant: null }

describe('decodeBase64', () => {
  it('decodes plain base64 and tolerates a data: URL prefix and line breaks', () => {
    expect(decodeBase64(base64Of('olá mundo'))).toEqual(bytesOf('olá mundo'))
    expect(decodeBase64(`data:image/jpeg;base64,${base64Of('abc')}`)).toEqual(bytesOf('abc'))
    expect(decodeBase64('YWJj\nZGVm')).toEqual(bytesOf('abcdef'))
  })

  it('refuses malformed or oversized input for good', () => {
    for (const bad of ['', 'not base64!', 'A']) expect(() => decodeBase64(bad)).toThrow(MediaFetchError)
    try {
      decodeBase64(base64Of('x'.repeat(100)), 10)
      expect.unreachable()
    }
    catch (error) {
      expect(error).toMatchObject({ permanent: true, message: expect.stringContaining('grande demais') })
    }
  })
})

describe('isTransientHttpStatus', () => {
  it.each([
    [null, true], [500, true], [503, true], [429, true], [408, true], [401, true], [403, true],
    [400, false], [404, false], [410, false], [413, false],
  ])('%s → %s', (status, transient) => {
    expect(isTransientHttpStatus(status)).toBe(transient)
  })
})

describe('fetchInboundMedia: Evolution', () => {
  it('uses the inline base64 without calling anyone', async () => {
    const { fetch, calls } = fakeFetch({})
    const media = await fetchInboundMedia(descriptor([{ type: 'inline_base64', base64: base64Of('jpeg bytes') }]), { evolution, cloud: null }, { fetch })
    expect(media).toEqual({ bytes: bytesOf('jpeg bytes'), mimeType: null, fileName: null })
    expect(calls).toEqual([])
  })

  it('asks getBase64FromMediaMessage with the global key and the received message, and reads its answer', async () => {
    const answer = readFixture('evolution', 'api-get-base64-response.json')
    const { fetch, calls } = fakeFetch({
      'POST http://evo.test/chat/getBase64FromMediaMessage/loja%20centro': () => Response.json(answer, { status: 201 }),
    })
    const message = { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true } }
    const media = await fetchInboundMedia(descriptor([{ type: 'evolution_message', key: evolutionKey, message }], 'audio/ogg; codecs=opus'), { evolution, cloud: null }, { fetch })
    expect(media.mimeType).toBe('audio/ogg; codecs=opus')
    expect(media.fileName).toBe('3A2B4C6D8E0F1A3B5C7D.oga')
    expect(Buffer.from(media.bytes).toString('base64')).toBe(answer.base64)
    expect(calls).toHaveLength(1)
    expect(calls[0]!.headers.apikey).toBe('global-key')
    expect(calls[0]!.body).toEqual({ message: { key: evolutionKey, message }, convertToMp4: false })
  })

  it('falls back from a dead inline/URL source to the next one', async () => {
    const { fetch } = fakeFetch({
      'GET http://s3.test/file.jpg': () => new Response('gone', { status: 404 }),
      'POST http://evo.test/chat/getBase64FromMediaMessage/loja%20centro': () => Response.json({ base64: base64Of('from evolution'), mimetype: 'image/jpeg' }),
    })
    const media = await fetchInboundMedia(descriptor([
      { type: 'inline_base64', base64: '%%%' },
      { type: 'url', url: 'http://s3.test/file.jpg' },
      { type: 'evolution_message', key: evolutionKey, message: {} },
    ]), { evolution, cloud: null }, { fetch })
    expect(media.bytes).toEqual(bytesOf('from evolution'))
  })

  it('is transient when Evolution is down or the channel lacks credentials, permanent when it refuses the message', async () => {
    const source: MediaSource = { type: 'evolution_message', key: evolutionKey, message: {} }
    const down = await rejection(fetchInboundMedia(descriptor([source]), { evolution, cloud: null }, { fetch: fakeFetch({}).fetch }))
    expect(down.permanent).toBe(false)
    expect(down.message).toContain('sem resposta')

    const noCredentials = await rejection(fetchInboundMedia(descriptor([source]), { evolution: null, cloud: null }))
    expect(noCredentials.permanent).toBe(false)

    const { fetch } = fakeFetch({
      'POST http://evo.test/chat/getBase64FromMediaMessage/loja%20centro': () => Response.json({ status: 400, error: 'Bad Request', response: { message: ['The message is not of the media type'] } }, { status: 400 }),
    })
    const refused = await rejection(fetchInboundMedia(descriptor([source]), { evolution, cloud: null }, { fetch }))
    expect(refused).toMatchObject({ permanent: true, message: expect.stringContaining('HTTP 400') })
  })
})

describe('fetchInboundMedia: Cloud API', () => {
  const mediaUrlAnswer = readFixture<{ url: string, mime_type: string }>('cloud', 'api-media-url-response.json')

  it('resolves the media id to its URL, then downloads it, both with the Bearer token', async () => {
    const { fetch, calls } = fakeFetch({
      'GET http://graph.test/v23.0/1003383421387256': () => Response.json(mediaUrlAnswer),
      [`GET ${mediaUrlAnswer.url}`]: () => new Response(bytesOf('the jpeg'), { headers: { 'content-type': 'image/jpeg' } }),
    })
    const media = await fetchInboundMedia(descriptor([{ type: 'cloud_media_id', mediaId: '1003383421387256' }]), { evolution: null, cloud }, { fetch })
    expect(media).toEqual({ bytes: bytesOf('the jpeg'), mimeType: 'image/jpeg', fileName: null })
    expect(calls.map(call => call.headers.authorization)).toEqual(['Bearer EAAG-token', 'Bearer EAAG-token'])
  })

  it('treats an expired media id (400) as permanent and a Graph outage as transient', async () => {
    const source: MediaSource = { type: 'cloud_media_id', mediaId: '42' }
    const expired = fakeFetch({ 'GET http://graph.test/v23.0/42': () => Response.json({ error: { code: 100, message: 'Invalid media id' } }, { status: 400 }) })
    expect((await rejection(fetchInboundMedia(descriptor([source]), { evolution: null, cloud }, { fetch: expired.fetch }))).permanent).toBe(true)
    const outage = fakeFetch({ 'GET http://graph.test/v23.0/42': () => new Response('', { status: 503 }) })
    expect((await rejection(fetchInboundMedia(descriptor([source]), { evolution: null, cloud }, { fetch: outage.fetch }))).permanent).toBe(false)
  })
})

describe('downloadMedia', () => {
  it('stops at the size limit, whether declared or streamed', async () => {
    const declared = fakeFetch({ 'GET http://cdn.test/big': () => new Response('x'.repeat(20), { headers: { 'content-length': '20' } }) })
    expect((await rejection(downloadMedia('http://cdn.test/big', {}, { fetch: declared.fetch, maxBytes: 10 }))).permanent).toBe(true)
    const streamed = fakeFetch({
      'GET http://cdn.test/stream': () => new Response(new ReadableStream({
        start(controller) {
          for (let chunk = 0; chunk < 5; chunk++) controller.enqueue(bytesOf('12345'))
          controller.close()
        },
      })),
    })
    const error = await rejection(downloadMedia('http://cdn.test/stream', {}, { fetch: streamed.fetch, maxBytes: 12 }))
    expect(error.message).toContain('grande demais')
  })

  it('refuses a non-http URL and reports a timeout as transient', async () => {
    expect((await rejection(downloadMedia('file:///etc/passwd', {}))).permanent).toBe(true)
    const slow = (_input: string, init: RequestInit) => new Promise<Response>((_resolve, reject) => {
      init.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'TimeoutError' })))
    })
    const error = await rejection(downloadMedia('http://cdn.test/slow', {}, { fetch: slow, timeoutMs: 20 }))
    expect(error).toMatchObject({ permanent: false, message: expect.stringContaining('tempo esgotado') })
  })
})
