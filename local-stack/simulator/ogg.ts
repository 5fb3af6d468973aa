/**
 * WebM/Opus → Ogg/Opus remuxing (no re-encoding). Browsers record voice notes as WebM (Chromium) while
 * WhatsApp voice notes are always `audio/ogg; codecs=opus`; the Opus packets are the same, only the
 * container differs. Returns null for anything it does not understand (other codecs, laced blocks), so
 * the caller keeps the original file.
 */

const EBML_MASTER_IDS = new Set([
  0x18538067, // Segment
  0x1654AE6B, // Tracks
  0xAE, // TrackEntry
  0x1F43B675, // Cluster
  0xA0, // BlockGroup
])
const CODEC_ID = 0x86
const CODEC_PRIVATE = 0x63A2
const SIMPLE_BLOCK = 0xA3
const BLOCK = 0xA1

interface Vint {
  value: number
  length: number
  /** All value bits set: an "unknown size" master element (live recordings). */
  unknown: boolean
}

function readVint(bytes: Buffer, offset: number, keepMarker: boolean): Vint | null {
  const first = bytes[offset]
  if (first === undefined || first === 0) return null
  const length = Math.clz32(first) - 23
  if (offset + length > bytes.length) return null
  let value = keepMarker ? first : first & (0xFF >> length)
  let allOnes = value === (0xFF >> length)
  for (let index = 1; index < length; index++) {
    value = value * 256 + bytes[offset + index]!
    if (bytes[offset + index] !== 0xFF) allOnes = false
  }
  return { value, length, unknown: !keepMarker && allOnes }
}

/** The Opus packets of a WebM file and its OpusHead, or null. */
function readWebmOpus(bytes: Buffer): { head: Buffer | null, packets: Buffer[] } | null {
  let offset = 0
  let codec: string | null = null
  let head: Buffer | null = null
  const packets: Buffer[] = []
  while (offset < bytes.length) {
    const id = readVint(bytes, offset, true)
    if (!id) break
    const size = readVint(bytes, offset + id.length, false)
    if (!size) break
    const start = offset + id.length + size.length
    if (EBML_MASTER_IDS.has(id.value)) {
      // Descend: children follow directly (also for unknown sizes).
      offset = start
      continue
    }
    if (size.unknown || start + size.value > bytes.length) break
    const payload = bytes.subarray(start, start + size.value)
    if (id.value === CODEC_ID) codec = payload.toString('ascii')
    else if (id.value === CODEC_PRIVATE) head = Buffer.from(payload)
    else if (id.value === SIMPLE_BLOCK || id.value === BLOCK) {
      const track = readVint(payload, 0, false)
      if (!track) return null
      const flags = payload[track.length + 2]!
      if ((flags & 0x06) !== 0) return null
      packets.push(Buffer.from(payload.subarray(track.length + 3)))
    }
    offset = start + size.value
  }
  if (codec !== 'A_OPUS' || packets.length === 0) return null
  return { head, packets }
}

/** Samples (at 48 kHz) in one Opus packet, from its TOC byte (RFC 6716 §3.1). */
function opusSamples(packet: Buffer): number {
  const toc = packet[0] ?? 0
  const config = toc >> 3
  const durations = config < 12 ? [10, 20, 40, 60] : config < 16 ? [10, 20] : [2.5, 5, 10, 20]
  const milliseconds = durations[config < 12 ? config % 4 : config < 16 ? config % 2 : config % 4]!
  const code = toc & 0x03
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3F : 2
  return frames * milliseconds * 48
}

const OGG_CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let index = 0; index < 256; index++) {
    let crc = index << 24
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04C11DB7 : crc << 1
    table[index] = crc >>> 0
  }
  return table
})()

function oggCrc(page: Buffer): number {
  let crc = 0
  for (const byte of page) crc = ((crc << 8) ^ OGG_CRC_TABLE[((crc >>> 24) ^ byte) & 0xFF]!) >>> 0
  return crc
}

function oggPage(packets: Buffer[], granule: bigint, serial: number, sequence: number, headerType: number): Buffer {
  const lacing: number[] = []
  for (const packet of packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255))
      if (left < 255) break
    }
  }
  const header = Buffer.alloc(27 + lacing.length)
  header.write('OggS', 0, 'ascii')
  header[5] = headerType
  header.writeBigInt64LE(granule, 6)
  header.writeUInt32LE(serial, 14)
  header.writeUInt32LE(sequence, 18)
  header[26] = lacing.length
  Buffer.from(lacing).copy(header, 27)
  const page = Buffer.concat([header, ...packets])
  page.writeUInt32LE(oggCrc(page), 22)
  return page
}

function opusTags(): Buffer {
  const vendor = Buffer.from('simulador-atende')
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4)
  tags.write('OpusTags', 0, 'ascii')
  tags.writeUInt32LE(vendor.length, 8)
  vendor.copy(tags, 12)
  return tags
}

function defaultOpusHead(): Buffer {
  const head = Buffer.alloc(19)
  head.write('OpusHead', 0, 'ascii')
  head[8] = 1 // version
  head[9] = 1 // mono
  head.writeUInt16LE(312, 10) // pre-skip
  head.writeUInt32LE(48_000, 12)
  return head
}

export function webmOpusToOgg(webm: Buffer): Buffer | null {
  const parsed = readWebmOpus(webm)
  if (!parsed) return null
  const head = parsed.head?.subarray(0, 8).toString('ascii') === 'OpusHead' ? parsed.head : defaultOpusHead()
  const serial = (webm.length * 2654435761) >>> 0
  const pages = [oggPage([head], 0n, serial, 0, 0x02), oggPage([opusTags()], 0n, serial, 1, 0)]
  let granule = 0n
  let batch: Buffer[] = []
  let segments = 0
  const flush = (last: boolean) => {
    pages.push(oggPage(batch, granule, serial, pages.length, last ? 0x04 : 0))
    batch = []
    segments = 0
  }
  for (const [index, packet] of parsed.packets.entries()) {
    const needed = Math.floor(packet.length / 255) + 1
    if (segments + needed > 255) flush(false)
    batch.push(packet)
    segments += needed
    granule += BigInt(opusSamples(packet))
    if (index === parsed.packets.length - 1) flush(true)
  }
  return Buffer.concat(pages)
}

/** A voice note as WhatsApp carries it: WebM/Opus is remuxed to Ogg/Opus; anything else is kept as is. */
export function asWhatsAppVoiceNote(bytes: Buffer, mimeType: string): { bytes: Buffer, mimeType: string } {
  if (!/webm/i.test(mimeType)) return { bytes, mimeType }
  const ogg = webmOpusToOgg(bytes)
  return ogg ? { bytes: ogg, mimeType: 'audio/ogg; codecs=opus' } : { bytes, mimeType }
}
