import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  answerCloudVerification, hmacSha256Hex, timingSafeEqual, verifyCloudSignature, verifyEvolutionSecret,
} from '../../supabase/functions/_shared/webhook-auth.ts'

const APP_SECRET = 'app-secret-from-meta'
const body = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}]}'
const signature = `sha256=${createHmac('sha256', APP_SECRET).update(body).digest('hex')}`

describe('timingSafeEqual', () => {
  it.each([
    ['abc', 'abc', true],
    ['abc', 'abd', false],
    ['abc', 'abcd', false],
    ['', '', true],
    ['', 'a', false],
    ['ção', 'ção', true],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(timingSafeEqual(a, b)).toBe(expected)
  })
})

describe('Evolution webhook secret', () => {
  it('accepts only the channel secret', () => {
    expect(verifyEvolutionSecret('s3cr3t', 's3cr3t')).toBe(true)
    expect(verifyEvolutionSecret('s3cr3T', 's3cr3t')).toBe(false)
    expect(verifyEvolutionSecret(null, 's3cr3t')).toBe(false)
    expect(verifyEvolutionSecret('', '')).toBe(false)
  })
})

describe('Cloud API signature (X-Hub-Signature-256)', () => {
  it('computes the same HMAC as Node', async () => {
    expect(`sha256=${await hmacSha256Hex(APP_SECRET, body)}`).toBe(signature)
  })

  it('accepts the signature of the raw body, as string or bytes, in any hex case', async () => {
    expect(await verifyCloudSignature(body, signature, APP_SECRET)).toBe(true)
    expect(await verifyCloudSignature(new TextEncoder().encode(body), signature, APP_SECRET)).toBe(true)
    expect(await verifyCloudSignature(body, signature.toUpperCase().replace('SHA256', 'sha256'), APP_SECRET)).toBe(true)
  })

  it('rejects a changed body, another secret, a malformed or missing header', async () => {
    expect(await verifyCloudSignature(`${body} `, signature, APP_SECRET)).toBe(false)
    expect(await verifyCloudSignature(JSON.stringify(JSON.parse(body), null, 1), signature, APP_SECRET)).toBe(false)
    expect(await verifyCloudSignature(body, signature, 'other-secret')).toBe(false)
    expect(await verifyCloudSignature(body, signature.replace('sha256=', 'sha1='), APP_SECRET)).toBe(false)
    expect(await verifyCloudSignature(body, 'sha256=1234', APP_SECRET)).toBe(false)
    expect(await verifyCloudSignature(body, null, APP_SECRET)).toBe(false)
    expect(await verifyCloudSignature(body, signature, '')).toBe(false)
  })
})

describe('Cloud API verification handshake', () => {
  const params = (query: string) => new URLSearchParams(query)

  it('answers the challenge when the verify token matches', () => {
    expect(answerCloudVerification(params('hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1158201444'), 'tok'))
      .toEqual({ ok: true, challenge: '1158201444' })
  })

  it('refuses a wrong token with 403 and an incomplete request with 400', () => {
    expect(answerCloudVerification(params('hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1'), 'tok'))
      .toEqual({ ok: false, status: 403, code: 'verify_token_mismatch' })
    expect(answerCloudVerification(params('hub.mode=unsubscribe&hub.verify_token=tok&hub.challenge=1'), 'tok'))
      .toMatchObject({ ok: false, status: 400 })
    expect(answerCloudVerification(params('hub.mode=subscribe&hub.verify_token=tok'), 'tok'))
      .toMatchObject({ ok: false, status: 400 })
    expect(answerCloudVerification(params('hub.mode=subscribe&hub.verify_token=tok&hub.challenge=1'), ''))
      .toMatchObject({ ok: false, status: 403 })
  })
})
