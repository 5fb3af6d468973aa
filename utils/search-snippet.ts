/**
 * Search snippets come from `search_messages` as HTML: the message text escaped, the hits wrapped in
 * <mark>…</mark>. The app never hands that string to v-html: it splits it into plain-text segments
 * (entities decoded) flagged as marked or not, and Vue renders them as text, so whatever a message
 * contains (or a changed server) can only ever produce text and <mark> elements. Also: grouping the
 * global results by ticket, and the order of one conversation's hits.
 */

import type { MessageSearchHit } from '../types/domain.ts'

export interface SnippetSegment {
  text: string
  marked: boolean
}

const MARK_TAG = /<\s*(\/?)\s*mark\s*>/gi
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|#39|nbsp));/gi
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: '\u00a0' }

function codePointText(codePoint: number): string {
  // Out-of-range and surrogate code points are not characters; show the replacement character instead.
  if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return '\ufffd'
  return String.fromCodePoint(codePoint)
}

/** The text an escaped HTML fragment stands for; any other tag-like text stays literal text. */
export function decodeSnippetText(html: string): string {
  return html.replace(ENTITY, (_, decimal: string | undefined, hex: string | undefined, name: string | undefined) => {
    if (decimal) return codePointText(Number.parseInt(decimal, 10))
    if (hex) return codePointText(Number.parseInt(hex, 16))
    return NAMED_ENTITIES[(name ?? '').toLowerCase()] ?? ''
  })
}

/**
 * Splits a snippet into segments. Only `<mark>` and `</mark>` are structure; a stray `</mark>` is
 * ignored and an unclosed `<mark>` ends with the text. Adjacent segments of the same kind are merged
 * and empty ones dropped.
 */
export function snippetSegments(html: string): SnippetSegment[] {
  const segments: SnippetSegment[] = []
  let marked = false
  let position = 0
  const push = (raw: string) => {
    const text = decodeSnippetText(raw)
    if (!text) return
    const last = segments.at(-1)
    if (last && last.marked === marked) last.text += text
    else segments.push({ text, marked })
  }
  for (const match of html.matchAll(MARK_TAG)) {
    push(html.slice(position, match.index))
    marked = match[1] !== '/'
    position = match.index + match[0].length
  }
  push(html.slice(position))
  return segments
}

/** The snippet as plain text (for titles, aria labels and tests). */
export function snippetText(html: string): string {
  return snippetSegments(html).map(segment => segment.text).join('')
}

export interface TicketHitGroup {
  ticketId: string
  ticketNumber: number
  contactId: string
  contactName: string | null
  hits: MessageSearchHit[]
}

/** Newest first, for walking one conversation's hits (ties by id, so the order is stable). */
export function compareHitsNewestFirst(a: MessageSearchHit, b: MessageSearchHit): number {
  return b.created_at.localeCompare(a.created_at) || b.message_id.localeCompare(a.message_id)
}

/** Hits grouped by ticket, groups in the order their best hit ranked. */
export function groupHitsByTicket(hits: readonly MessageSearchHit[]): TicketHitGroup[] {
  const groups = new Map<string, TicketHitGroup>()
  for (const hit of hits) {
    let group = groups.get(hit.ticket_id)
    if (!group) {
      group = { ticketId: hit.ticket_id, ticketNumber: hit.ticket_number, contactId: hit.contact_id, contactName: hit.contact_name, hits: [] }
      groups.set(hit.ticket_id, group)
    }
    group.hits.push(hit)
  }
  return [...groups.values()]
}
