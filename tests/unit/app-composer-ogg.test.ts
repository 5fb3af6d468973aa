/**
 * Voice notes recorded as WebM/Opus (Chromium) are rewritten as Ogg/Opus for WhatsApp: the same
 * packets, in valid Ogg pages with correct CRCs, lacing, flags and granule positions.
 */
import { describe, expect, it } from 'vitest'
import { oggCrc, opusPacketSamples, readWebmOpus, webmOpusToOgg, writeOggOpus } from '../../utils/ogg-opus.ts'

const UNKNOWN_SIZE = [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]

/** An EBML element: id bytes, an 8-byte size (or "unknown"), payload. */
function element(id: number[], payload: number[] | Uint8Array, unknownSize = false): number[] {
  const bytes = [...payload]
  const size = unknownSize ? UNKNOWN_SIZE : [0x01, 0, 0, 0, ...[24, 16, 8, 0].map(shift => (bytes.length >>> shift) & 0xFF)]
  return [...id, ...size, ...bytes]
}

const text = (value: string) => [...new TextEncoder().encode(value)]

function opusHead(preSkip: number): number[] {
  return [...text('OpusHead'), 1, 1, preSkip & 0xFF, preSkip >> 8, 0x80, 0xBB, 0, 0, 0, 0, 0]
}

function simpleBlock(track: number, packet: number[]): number[] {
  return element([0xA3], [0x80 | track, 0x00, 0x00, 0x80, ...packet])
}

/** A CELT 20 ms packet (TOC config 31, one frame) of `length` bytes. */
function packet20ms(length: number, fill: number): number[] {
  return [0xF8, ...Array.from({ length: length - 1 }, () => fill)]
}

function webm(options: { codec?: string, packets: number[][], unknownClusters?: boolean }): Uint8Array {
  const track = element([0xAE], [
    ...element([0xD7], [1]),
    ...element([0x86], text(options.codec ?? 'A_OPUS')),
    ...element([0x63, 0xA2], opusHead(312)),
    ...element([0xE1], element([0x9F], [1])),
  ])
  const [first, ...rest] = options.packets
  const clusters = [
    ...element([0x1F, 0x43, 0xB6, 0x75], [...element([0xE7], [0]), ...simpleBlock(1, first!)], options.unknownClusters),
    ...element([0x1F, 0x43, 0xB6, 0x75], [...element([0xE7], [20]), ...rest.flatMap(packet => simpleBlock(1, packet)), ...simpleBlock(2, [0xF8, 9, 9])]),
  ]
  return new Uint8Array([
    ...element([0x1A, 0x45, 0xDF, 0xA3], element([0x42, 0x82], text('webm'))),
    ...element([0x18, 0x53, 0x80, 0x67], [...element([0x16, 0x54, 0xAE, 0x6B], track), ...clusters], true),
  ])
}

interface Page {
  flags: number
  granule: number
  sequence: number
  packets: Uint8Array[]
  crcOk: boolean
}

/** Reads Ogg pages back, rebuilding packets from the lacing values and checking each CRC. */
function readOgg(bytes: Uint8Array): Page[] {
  const pages: Page[] = []
  let offset = 0
  while (offset < bytes.length) {
    expect(new TextDecoder().decode(bytes.subarray(offset, offset + 4))).toBe('OggS')
    const view = new DataView(bytes.buffer, bytes.byteOffset + offset)
    const segments = view.getUint8(26)
    const lacing = [...bytes.subarray(offset + 27, offset + 27 + segments)]
    const length = 27 + segments + lacing.reduce((sum, value) => sum + value, 0)
    const page = bytes.slice(offset, offset + length)
    const stored = new DataView(page.buffer).getUint32(22, true)
    new DataView(page.buffer).setUint32(22, 0, true)
    const packets: Uint8Array[] = []
    let start = 27 + segments
    let size = 0
    for (const value of lacing) {
      size += value
      if (value < 255) {
        packets.push(page.slice(start, start + size))
        start += size
        size = 0
      }
    }
    pages.push({ flags: view.getUint8(5), granule: Number(view.getBigUint64(6, true)), sequence: view.getUint32(18, true), packets, crcOk: oggCrc(page) === stored })
    offset += length
  }
  return pages
}

describe('Opus packet durations', () => {
  it('reads the frame size and count from the TOC byte', () => {
    expect(opusPacketSamples(new Uint8Array([0xF8]))).toBe(960) // CELT 20 ms, one frame
    expect(opusPacketSamples(new Uint8Array([0xF9]))).toBe(1920) // two frames
    expect(opusPacketSamples(new Uint8Array([0xFB, 0x03]))).toBe(2880) // code 3, three frames
    expect(opusPacketSamples(new Uint8Array([0x08]))).toBe(960) // SILK 20 ms
    expect(opusPacketSamples(new Uint8Array([0x18]))).toBe(2880) // SILK 60 ms
    expect(opusPacketSamples(new Uint8Array([0x68]))).toBe(960) // hybrid 20 ms
    expect(opusPacketSamples(new Uint8Array([]))).toBe(0)
  })
})

describe('Ogg CRC', () => {
  it('matches the reference check value', () => {
    expect(oggCrc(new TextEncoder().encode('123456789'))).toBe(0x89A1897F)
  })
})

describe('webmOpusToOgg', () => {
  const packets = [packet20ms(60, 1), packet20ms(300, 2), packet20ms(255, 3), packet20ms(80, 4)]

  it('finds the Opus track\'s packets and head, in clusters of known or unknown size', () => {
    for (const unknownClusters of [false, true]) {
      const opus = readWebmOpus(webm({ packets, unknownClusters }))
      expect(opus?.packets.map(packet => [...packet])).toEqual(packets)
      expect([...opus!.head]).toEqual(opusHead(312))
    }
  })

  it('writes head, tags and audio pages with valid CRCs, lacing, flags and granules', () => {
    const ogg = webmOpusToOgg(webm({ packets }))!
    const pages = readOgg(ogg)
    expect(pages.every(page => page.crcOk)).toBe(true)
    expect(pages.map(page => page.sequence)).toEqual(pages.map((_, index) => index))
    expect(pages[0]).toMatchObject({ flags: 0x02, granule: 0 })
    expect([...pages[0]!.packets[0]!]).toEqual(opusHead(312))
    expect(new TextDecoder().decode(pages[1]!.packets[0]!.subarray(0, 8))).toBe('OpusTags')
    const audio = pages.slice(2)
    expect(audio.flatMap(page => page.packets).map(packet => [...packet])).toEqual(packets)
    expect(audio.at(-1)).toMatchObject({ flags: 0x04, granule: 4 * 960 })
    expect(audio.slice(0, -1).every(page => page.flags === 0)).toBe(true)
  })

  it('spreads long recordings over pages of at most 50 packets', () => {
    const many = Array.from({ length: 120 }, (_, index) => packet20ms(40, index % 200))
    const pages = readOgg(webmOpusToOgg(webm({ packets: many }))!).slice(2)
    expect(pages.map(page => page.packets.length)).toEqual([50, 50, 20])
    expect(pages.map(page => page.granule)).toEqual([50 * 960, 100 * 960, 120 * 960])
  })

  it('leaves anything that is not WebM/Opus alone', () => {
    expect(webmOpusToOgg(webm({ codec: 'A_VORBIS', packets }))).toBeNull()
    expect(webmOpusToOgg(new TextEncoder().encode('OggS not a webm'))).toBeNull()
    expect(webmOpusToOgg(new Uint8Array())).toBeNull()
  })

  it('writes a single-packet stream with both BOS and EOS pages right', () => {
    const pages = readOgg(writeOggOpus(new Uint8Array(opusHead(0)), [new Uint8Array(packet20ms(10, 7))]))
    expect(pages.map(page => page.flags)).toEqual([0x02, 0, 0x04])
    expect(pages[2]!.granule).toBe(960)
  })
})
