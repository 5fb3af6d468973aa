/**
 * WebM/Opus → Ogg/Opus, without re-encoding. Chromium's MediaRecorder only records WebM, but WhatsApp
 * plays a voice note from OGG/Opus (the Cloud API refuses WebM audio outright, and WebM recordings
 * carry no duration, so players cannot seek them). The Opus packets are the same in both containers:
 * this reads them out of the WebM blocks and writes them into Ogg pages (RFC 7845), with granule
 * positions counted from each packet's TOC byte.
 */

// Matroska/WebM element ids, with their length marker bits (as written in the file).
const ID = {
  segment: 0x18538067,
  cluster: 0x1F43B675,
  tracks: 0x1654AE6B,
  trackEntry: 0xAE,
  trackNumber: 0xD7,
  codecId: 0x86,
  codecPrivate: 0x63A2,
  audio: 0xE1,
  channels: 0x9F,
  blockGroup: 0xA0,
  block: 0xA1,
  simpleBlock: 0xA3,
} as const

/** Containers whose children are read in line (their size may be "unknown" in live recordings). */
const MASTERS = new Set<number>([ID.segment, ID.cluster, ID.tracks, ID.trackEntry, ID.audio, ID.blockGroup])

class Reader {
  offset = 0
  constructor(readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length
  }

  /** An EBML variable-length integer; `keepMarker` for element ids. Null past the end or if malformed. */
  vint(keepMarker: boolean): { value: number, unknown: boolean } | null {
    const first = this.bytes[this.offset]
    if (first === undefined || first === 0) return null
    const length = Math.clz32(first) - 23 // 0x80 → 1 … 0x01 → 8
    if (this.offset + length > this.bytes.length) return null
    let value = keepMarker ? first : first & (0xFF >> length)
    let allOnes = value === (0xFF >> length)
    for (let index = 1; index < length; index++) {
      const byte = this.bytes[this.offset + index]!
      value = value * 256 + byte
      allOnes &&= byte === 0xFF
    }
    this.offset += length
    return { value, unknown: !keepMarker && allOnes }
  }

  uint(length: number): number {
    let value = 0
    for (let index = 0; index < length; index++) value = value * 256 + this.bytes[this.offset + index]!
    return value
  }
}

interface OpusTrack {
  number: number
  codecPrivate: Uint8Array | null
  channels: number
}

/** Opus samples (at 48 kHz) in one packet, from its TOC byte (RFC 6716, 3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0]
  if (toc === undefined) return 0
  const config = toc >> 3
  let frameSamples: number
  if (config < 12) frameSamples = [480, 960, 1920, 2880][config % 4]!
  else if (config < 16) frameSamples = [480, 960][config % 2]!
  else frameSamples = [120, 240, 480, 960][config % 4]!
  const code = toc & 0x03
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3F : 2
  return frameSamples * frames
}

/** The Opus packets of the first Opus track of a WebM file, and its OpusHead; null if it is not one. */
export function readWebmOpus(bytes: Uint8Array): { head: Uint8Array, packets: Uint8Array[] } | null {
  const reader = new Reader(bytes)
  let current: OpusTrack | null = null
  let opusTrack: OpusTrack | null = null
  const blocks: Array<{ track: number, data: Uint8Array }> = []

  while (!reader.done) {
    const id = reader.vint(true)
    const size = reader.vint(false)
    if (!id || !size) break
    if (MASTERS.has(id.value)) {
      if (id.value === ID.trackEntry) current = { number: 0, codecPrivate: null, channels: 1 }
      continue // read the children in line
    }
    if (size.unknown) return null
    const end = reader.offset + size.value
    if (end > bytes.length) break // a truncated last block: keep what came before it
    const data = bytes.subarray(reader.offset, end)
    switch (id.value) {
      case ID.trackNumber:
        if (current) current.number = reader.uint(size.value)
        break
      case ID.codecId:
        if (current && !opusTrack && new TextDecoder().decode(data) === 'A_OPUS') opusTrack = current
        break
      case ID.codecPrivate:
        if (current) current.codecPrivate = data
        break
      case ID.channels:
        if (current) current.channels = reader.uint(size.value)
        break
      case ID.simpleBlock:
      case ID.block: {
        const block = new Reader(data)
        const track = block.vint(false)
        if (!track) return null
        const flags = data[block.offset + 2] ?? 0
        if (flags & 0x06) return null // laced frames: never produced for Opus by browsers
        blocks.push({ track: track.value, data: data.subarray(block.offset + 3) })
        break
      }
    }
    reader.offset = end
  }

  const track: OpusTrack | null = opusTrack
  if (!track) return null
  const packets = blocks.filter(block => block.track === track.number && block.data.length > 0).map(block => block.data)
  if (!packets.length) return null
  return { head: track.codecPrivate ?? opusHead(track.channels), packets }
}

/** A minimal OpusHead (mono or stereo, no pre-skip) when the WebM did not carry one. */
function opusHead(channels: number): Uint8Array {
  const head = new Uint8Array(19)
  head.set(new TextEncoder().encode('OpusHead'))
  const view = new DataView(head.buffer)
  view.setUint8(8, 1)
  view.setUint8(9, channels)
  view.setUint32(12, 48_000, true)
  return head
}

function opusTags(vendor: string): Uint8Array {
  const vendorBytes = new TextEncoder().encode(vendor)
  const tags = new Uint8Array(8 + 4 + vendorBytes.length + 4)
  tags.set(new TextEncoder().encode('OpusTags'))
  new DataView(tags.buffer).setUint32(8, vendorBytes.length, true)
  tags.set(vendorBytes, 12)
  return tags // zero user comments
}

let crcTable: Uint32Array | undefined

/** Ogg's CRC-32: polynomial 0x04C11DB7, no reflection, initial value 0. */
export function oggCrc(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, index) => {
    let value = index << 24
    for (let bit = 0; bit < 8; bit++) value = value & 0x80000000 ? (value << 1) ^ 0x04C11DB7 : value << 1
    return value >>> 0
  })
  let crc = 0
  for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xFF]!) >>> 0
  return crc
}

function oggPage(packets: Uint8Array[], options: { granule: number, serial: number, sequence: number, flags: number }): Uint8Array {
  const lacing: number[] = []
  for (const packet of packets) {
    for (let left = packet.length; ; left -= 255) {
      lacing.push(Math.min(left, 255))
      if (left < 255) break
    }
  }
  const bodyLength = packets.reduce((sum, packet) => sum + packet.length, 0)
  const page = new Uint8Array(27 + lacing.length + bodyLength)
  const view = new DataView(page.buffer)
  page.set([0x4F, 0x67, 0x67, 0x53]) // "OggS"
  view.setUint8(5, options.flags)
  view.setBigUint64(6, BigInt(options.granule), true)
  view.setUint32(14, options.serial, true)
  view.setUint32(18, options.sequence, true)
  view.setUint8(26, lacing.length)
  page.set(lacing, 27)
  let offset = 27 + lacing.length
  for (const packet of packets) {
    page.set(packet, offset)
    offset += packet.length
  }
  view.setUint32(22, oggCrc(page), true)
  return page
}

/** Most packets per Ogg page (one second of 20 ms packets), well under the 255 lacing values. */
const PACKETS_PER_PAGE = 50

/** Opus packets in an Ogg stream: OpusHead page, OpusTags page, then audio pages. */
export function writeOggOpus(head: Uint8Array, packets: Uint8Array[], serial: number = 0x41544E44): Uint8Array<ArrayBuffer> {
  const pages: Uint8Array[] = [
    oggPage([head], { granule: 0, serial, sequence: 0, flags: 0x02 }),
    oggPage([opusTags('Atende')], { granule: 0, serial, sequence: 1, flags: 0 }),
  ]
  let granule = 0
  let batch: Uint8Array[] = []
  let lacingCount = 0
  const flush = (last: boolean) => {
    pages.push(oggPage(batch, { granule, serial, sequence: pages.length, flags: last ? 0x04 : 0 }))
    batch = []
    lacingCount = 0
  }
  packets.forEach((packet, index) => {
    const lacing = Math.floor(packet.length / 255) + 1
    if (batch.length && (batch.length >= PACKETS_PER_PAGE || lacingCount + lacing > 255)) flush(false)
    batch.push(packet)
    lacingCount += lacing
    granule += opusPacketSamples(packet)
    if (index === packets.length - 1) flush(true)
  })
  const total = pages.reduce((sum, page) => sum + page.length, 0)
  const ogg = new Uint8Array(total)
  let offset = 0
  for (const page of pages) {
    ogg.set(page, offset)
    offset += page.length
  }
  return ogg
}

/** The same recording as Ogg/Opus, or null when the bytes are not a WebM with an Opus track. */
export function webmOpusToOgg(bytes: Uint8Array): Uint8Array<ArrayBuffer> | null {
  try {
    const opus = readWebmOpus(bytes)
    return opus ? writeOggOpus(opus.head, opus.packets) : null
  }
  catch {
    return null // an unexpected layout: the caller keeps the WebM
  }
}
