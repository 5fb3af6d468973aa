/** Storage keys of inbound media: deterministic per message, safe characters, extension from the MIME type. */
import { describe, expect, it } from 'vitest'
import {
  baseMimeType, extensionFor, inboundMediaPath, safeProviderId,
} from '../../supabase/functions/_shared/ingest/media-path.ts'

const channelId = '00000000-0000-4000-d000-000000000001'

describe('extensionFor', () => {
  it.each([
    ['image/jpeg', null, 'jpg'],
    ['audio/ogg; codecs=opus', null, 'ogg'],
    ['AUDIO/MP4', null, 'm4a'],
    ['video/mp4', null, 'mp4'],
    ['image/webp', null, 'webp'],
    ['application/pdf', 'nota.pdf', 'pdf'],
    ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', null, 'xlsx'],
    ['application/x-unknown', 'planilha.ODS', 'ods'],
    ['application/x-unknown', 'sem-extensao', 'bin'],
    [null, null, 'bin'],
    ['not a mime', 'arquivo.tar.gz', 'gz'],
    ['application/octet-stream', 'evil.ph/p', 'bin'],
  ])('%s (%s) → %s', (mime, name, extension) => {
    expect(extensionFor(mime, name)).toBe(extension)
  })

  it('strips MIME parameters and rejects junk', () => {
    expect(baseMimeType('audio/ogg; codecs=opus')).toBe('audio/ogg')
    expect(baseMimeType('../../etc')).toBeNull()
    expect(baseMimeType(null)).toBeNull()
  })
})

describe('safeProviderId', () => {
  it('keeps Evolution ids as they are', async () => {
    expect(await safeProviderId('3A7C2E9F1B3D5A7C9E1F')).toBe('3A7C2E9F1B3D5A7C9E1F')
  })

  it('maps base64 wamids the base64url way and adds a hash of the original', async () => {
    const id = 'wamid.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MyRTlGMUIzRDVBN0M5RTFGAA=='
    expect(await safeProviderId(id)).toMatch(/^wamid\.HBgNNTUxMTk4NzY1NDMyMRUCABIYFDNBN0MyRTlGMUIzRDVBN0M5RTFGAA-[0-9a-f]{8}$/)
  })

  it('keeps ids that differ only in + and / apart, and never lets a path through', async () => {
    const plus = await safeProviderId('wamid.AB+CD')
    const slash = await safeProviderId('wamid.AB/CD')
    expect(plus).not.toBe(slash)
    expect(await safeProviderId('../../other/channel')).not.toContain('/')
  })
})

describe('inboundMediaPath', () => {
  it('is inbound/<channel>/<yyyy-mm of the message, UTC>/<id>.<ext>', async () => {
    const timestamp = new Date(1761057900 * 1000)
    expect(await inboundMediaPath(channelId, '3A7C2E9F1B3D5A7C9E1F', timestamp, 'image/jpeg', null))
      .toBe(`inbound/${channelId}/2025-10/3A7C2E9F1B3D5A7C9E1F.jpg`)
    // 23:30 on 31 December in São Paulo is already January in UTC: one rule, the same path on every run.
    expect(await inboundMediaPath(channelId, 'X', new Date('2026-01-01T02:30:00Z'), 'audio/ogg; codecs=opus', null))
      .toBe(`inbound/${channelId}/2026-01/X.ogg`)
  })
})
