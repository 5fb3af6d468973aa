/** What the ledger keeps of a webhook request: capped body, parsed JSON, no secrets, no megabytes of base64. */
import { describe, expect, it } from 'vitest'
import { stripInlineMedia } from '../../supabase/functions/_shared/ingest/ledger.ts'
import {
  MAX_RAW_BODY_CHARS, parseBody, readCappedBody, redactEnvelope, redactHeaders, REDACTED,
} from '../../supabase/functions/_shared/ingest/request.ts'
import { readFixture } from '../support/whatsapp-fixtures.ts'

const encode = (text: string) => new TextEncoder().encode(text)

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encode(chunk))
      controller.close()
    },
  })
}

describe('readCappedBody', () => {
  it('returns the exact bytes under the cap', async () => {
    const body = '{"object":"whatsapp_business_account","acentuação":"é"}'
    const result = await readCappedBody(new Request('http://x/', { method: 'POST', body }), 1000)
    expect(result).toEqual({ ok: true, bytes: encode(body) })
  })

  it('refuses a declared Content-Length over the cap without reading', async () => {
    const request = new Request('http://x/', { method: 'POST', body: 'x'.repeat(50), headers: { 'content-length': '50' } })
    expect(await readCappedBody(request, 10)).toEqual({ ok: false, bytesSeen: 50 })
  })

  it('stops a streamed body as soon as it passes the cap', async () => {
    const request = new Request('http://x/', { method: 'POST', body: streamOf(['12345', '12345', '12345', '12345']), duplex: 'half' } as RequestInit)
    expect(await readCappedBody(request, 12)).toEqual({ ok: false, bytesSeen: 15 })
  })

  it('reads an empty body as empty', async () => {
    expect(await readCappedBody(new Request('http://x/', { method: 'POST' }), 10)).toEqual({ ok: true, bytes: new Uint8Array(0) })
  })
})

describe('redactHeaders', () => {
  it('keeps which credential headers came, never their values', () => {
    const headers = new Headers({
      'Content-Type': 'application/json',
      'X-Atende-Webhook-Secret': 'the-channel-secret',
      'apikey': 'global-key',
      'Authorization': 'Bearer abc',
      'X-Custom-Token': 't',
      'X-Hub-Signature-256': 'sha256=00ff',
      'User-Agent': 'axios/1.7.9',
    })
    const kept = redactHeaders(headers)
    expect(kept).toEqual({
      'content-type': 'application/json',
      'x-atende-webhook-secret': REDACTED,
      'apikey': REDACTED,
      'authorization': REDACTED,
      'x-custom-token': REDACTED,
      'x-hub-signature-256': 'sha256=00ff',
      'user-agent': 'axios/1.7.9',
    })
    expect(JSON.stringify(kept)).not.toMatch(/the-channel-secret|global-key|abc/)
  })
})

describe('parseBody', () => {
  it('parses JSON and keeps anything else as (bounded) text', () => {
    expect(parseBody(encode('{"a":[1,"ç"]}'))).toEqual({ json: true, payload: { a: [1, 'ç'] } })
    expect(parseBody(encode('event=messages.upsert&x=1'))).toEqual({ json: false, text: 'event=messages.upsert&x=1' })
    const huge = parseBody(encode(`<${'x'.repeat(MAX_RAW_BODY_CHARS + 10)}`))
    expect(huge.json === false && huge.text.length).toBe(MAX_RAW_BODY_CHARS)
  })

  it('replaces NUL, which Postgres text and jsonb cannot hold', () => {
    expect(parseBody(encode('{"text":"a\\u0000b"}'))).toEqual({ json: true, payload: { text: 'a\uFFFDb' } })
    expect(parseBody(encode('a\u0000b'))).toEqual({ json: false, text: 'a\uFFFDb' })
  })
})

describe('redactEnvelope', () => {
  it('drops the instance token Evolution puts in the envelope', () => {
    const envelope = readFixture('evolution', 'messages-upsert-text.json')
    const redacted = redactEnvelope(envelope) as Record<string, unknown>
    expect(redacted.apikey).toBe(REDACTED)
    expect(redacted.data).toBe(envelope.data)
    expect(envelope.apikey).toBe('B6D711FC-DE4D-4FD5-9365-44120E713976')
    expect(redactEnvelope({ apikey: null, instance: 'x' })).toEqual({ apikey: null, instance: 'x' })
    expect(redactEnvelope([1])).toEqual([1])
  })
})

interface InlineImageBody { data: { message: { base64: string, imageMessage: unknown } } }

describe('stripInlineMedia', () => {
  it('replaces Evolution inline base64 by a marker naming the stored file', () => {
    const payload = readFixture<InlineImageBody>('evolution', 'messages-upsert-image-base64.json')
    const stripped = stripInlineMedia(payload, new Map([['3A7C2E9F1B3D5A7C9E1F', 'inbound/c/2025-10/3A7C2E9F1B3D5A7C9E1F.jpg']])) as InlineImageBody
    expect(stripped.data.message.base64).toBe('[base64 removido: arquivo em media/inbound/c/2025-10/3A7C2E9F1B3D5A7C9E1F.jpg]')
    expect(stripped.data.message.imageMessage).toEqual(payload.data.message.imageMessage)
    expect(payload.data.message.base64).toMatch(/^\/9j\//)
    const batch = stripInlineMedia({ data: [payload.data] }, new Map()) as { data: InlineImageBody['data'][] }
    expect(batch.data[0]!.message.base64).toBe('[base64 removido após o processamento]')
  })

  it('leaves payloads without inline files alone', () => {
    expect(stripInlineMedia(readFixture('evolution', 'messages-upsert-image.json'), new Map())).toBeNull()
    expect(stripInlineMedia(readFixture('cloud', 'image.json'), new Map())).toBeNull()
  })
})
