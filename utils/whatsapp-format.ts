/**
 * WhatsApp's text formatting as a tree the UI renders with text nodes only (never HTML): *bold*,
 * _italic_, ~strike~, ```monospace``` and bare links. Rules follow WhatsApp's own: a marker opens
 * only at the start or after a space/punctuation and before a non-space, closes only after a
 * non-space and before the end/space/punctuation, and the three inline markers never span lines
 * (so `2*3*4`, `snake_case_name` and stray asterisks stay as typed). Markers nest (`*_a_*`);
 * monospace is literal. Line breaks stay in the text (the bubble uses `white-space: pre-wrap`).
 */

export type FormatNode
  = | { type: 'text', text: string }
    | { type: 'bold' | 'italic' | 'strike', children: FormatNode[] }
    | { type: 'mono', text: string }
    | { type: 'link', href: string, text: string }

const INLINE_MARKERS = { '*': 'bold', '_': 'italic', '~': 'strike' } as const
type InlineMarker = keyof typeof INLINE_MARKERS
const MONO_FENCE = '```'

/** http(s) links and `www.` addresses; backticks and the inline markers around a link are not part of it. */
const URL_PATTERN = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)[^\s<>`"]+/giu
const TRAILING_PUNCTUATION = /[.,;:!?*_~'")\]}]+$/

interface Span {
  start: number
  end: number
  href: string
}

function isSpace(char: string | undefined): boolean {
  return char === undefined || /\s/.test(char)
}

/** Letters and digits (any script): a marker touching one on the outside is part of a word. */
function isWordChar(char: string | undefined): boolean {
  return char !== undefined && /[\p{L}\p{N}]/u.test(char)
}

function findLinks(text: string): Span[] {
  const spans: Span[] = []
  for (const match of text.matchAll(URL_PATTERN)) {
    let raw = match[0]
    // Trailing punctuation belongs to the sentence, except a ")" that closes one inside the link.
    const trailing = TRAILING_PUNCTUATION.exec(raw)
    if (trailing) {
      let cut = trailing[0]
      const opens = (raw.match(/\(/g) ?? []).length
      const closes = (raw.slice(0, raw.length - cut.length).match(/\)/g) ?? []).length
      if (cut.startsWith(')') && opens > closes) cut = cut.slice(1)
      raw = raw.slice(0, raw.length - cut.length)
    }
    if (raw.length < 5 || /^www\.$/i.test(raw)) continue
    const start = match.index ?? 0
    const href = /^https?:\/\//i.test(raw) ? raw : `https://${raw}`
    spans.push({ start, end: start + raw.length, href })
  }
  return spans
}

class Parser {
  private readonly links: Span[]

  constructor(private readonly text: string) {
    this.links = findLinks(text)
  }

  private linkAt(index: number): Span | undefined {
    return this.links.find(span => span.start === index)
  }

  private insideLink(index: number): boolean {
    return this.links.some(span => index > span.start && index < span.end)
  }

  private canOpen(index: number, markerLength: number, end: number): boolean {
    const before = this.text[index - 1]
    const after = index + markerLength < end ? this.text[index + markerLength] : undefined
    return !isWordChar(before) && !isSpace(after) && !this.insideLink(index)
  }

  private canClose(index: number, markerLength: number, end: number): boolean {
    const before = this.text[index - 1]
    const after = index + markerLength < end ? this.text[index + markerLength] : undefined
    return !isSpace(before) && !isWordChar(after) && !this.insideLink(index)
  }

  /** Where the marker opened at `open` closes, or -1. */
  private findClose(marker: string, open: number, end: number): number {
    const multiline = marker === MONO_FENCE
    for (let index = open + marker.length + 1; index <= end - marker.length; index++) {
      const char = this.text[index]
      if (!multiline && char === '\n') return -1
      // Links are atomic: a marker inside one never closes an outer span.
      const link = this.linkAt(index)
      if (link && !multiline) {
        index = link.end - 1
        continue
      }
      if (this.text.startsWith(marker, index) && this.canClose(index, marker.length, end)) return index
    }
    return -1
  }

  parse(start = 0, end = this.text.length): FormatNode[] {
    const nodes: FormatNode[] = []
    let plain = ''
    const flush = () => {
      if (plain) nodes.push({ type: 'text', text: plain })
      plain = ''
    }

    let index = start
    while (index < end) {
      const link = this.linkAt(index)
      if (link && link.end <= end) {
        flush()
        nodes.push({ type: 'link', href: link.href, text: this.text.slice(link.start, link.end) })
        index = link.end
        continue
      }

      if (this.text.startsWith(MONO_FENCE, index) && this.canOpen(index, MONO_FENCE.length, end)) {
        const close = this.findClose(MONO_FENCE, index, end)
        if (close !== -1) {
          flush()
          nodes.push({ type: 'mono', text: this.text.slice(index + MONO_FENCE.length, close) })
          index = close + MONO_FENCE.length
          continue
        }
      }

      const char = this.text[index] as string
      if (char in INLINE_MARKERS && this.canOpen(index, 1, end)) {
        const close = this.findClose(char, index, end)
        if (close !== -1) {
          flush()
          nodes.push({ type: INLINE_MARKERS[char as InlineMarker], children: this.parse(index + 1, close) })
          index = close + 1
          continue
        }
      }

      plain += char
      index++
    }
    flush()
    return nodes
  }
}

/** The formatting tree of a message text. */
export function parseWhatsAppFormat(text: string): FormatNode[] {
  return text ? new Parser(text).parse() : []
}

/** The text without formatting markers (previews, accessible labels, quotes). */
export function plainWhatsAppText(nodes: FormatNode[]): string {
  return nodes.map((node) => {
    if (node.type === 'text' || node.type === 'mono' || node.type === 'link') return node.text
    return plainWhatsAppText(node.children)
  }).join('')
}
