/**
 * Quick replies in the composer, as pure functions: which replies a ticket may use, the "/" trigger
 * under the caret, forgiving search (accents, case, typos in order) and the {nome} placeholder.
 */
import { QUICK_REPLY_TRIGGER } from '../constants/composer.ts'
import type { QuickReply } from '../types/domain.ts'

/** The "/query" being typed: replace text[start, end) with the chosen reply. */
export interface SlashQuery {
  start: number
  end: number
  query: string
}

/** Global replies plus those of the ticket's team (a ticket without a team sees only the global ones). */
export function quickRepliesForTeam(replies: readonly QuickReply[], teamId: string | null): QuickReply[] {
  return replies.filter(reply => reply.team_id === null || reply.team_id === teamId)
}

/**
 * The "/" query the caret is in, if any. The trigger counts only at the start of a word (start of the
 * text or after whitespace), so URLs (`https://`) and dates (`12/05`) never open the list.
 */
export function findSlashQuery(text: string, caret: number): SlashQuery | null {
  let start = caret
  while (start > 0 && !/\s/.test(text[start - 1] ?? '')) start--
  if (text[start] !== QUICK_REPLY_TRIGGER) return null
  let end = caret
  while (end < text.length && !/\s/.test(text[end] ?? '')) end++
  return { start, end, query: text.slice(start + 1, caret) }
}

/** Lower case without accents: "Saudação" and "saudacao" match. */
export function foldQuickReplyText(value: string): string {
  return value.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase().trim()
}

/** True when the letters of `needle` appear in `haystack` in order ("encmto" in "encerramento"). */
function isSubsequence(needle: string, haystack: string): boolean {
  let index = 0
  for (const char of haystack) {
    if (char === needle[index]) index++
    if (index === needle.length) return true
  }
  return needle.length === 0
}

/** How well one search term matches a reply; null when it does not match at all. */
function termScore(term: string, shortcut: string, title: string, body: string): number | null {
  if (shortcut === term) return 100
  if (shortcut.startsWith(term)) return 80
  if (title.split(/\s+/).some(word => word.startsWith(term))) return 60
  if (shortcut.includes(term)) return 50
  if (title.includes(term)) return 40
  if (isSubsequence(term, shortcut)) return 30
  if (body.includes(term)) return 20
  return null
}

/**
 * Replies matching every term of `query` (by shortcut, title or body), best first; ties by shortcut.
 * An empty query lists them all alphabetically.
 */
export function searchQuickReplies(replies: readonly QuickReply[], query: string, limit = Number.POSITIVE_INFINITY): QuickReply[] {
  const terms = foldQuickReplyText(query.startsWith(QUICK_REPLY_TRIGGER) ? query.slice(1) : query).split(/\s+/).filter(Boolean)
  const scored: Array<{ reply: QuickReply, score: number }> = []
  for (const reply of replies) {
    const shortcut = foldQuickReplyText(reply.shortcut)
    const title = foldQuickReplyText(reply.title)
    const body = foldQuickReplyText(reply.body)
    let score = 0
    for (const term of terms) {
      const points = termScore(term, shortcut, title, body)
      if (points === null) {
        score = -1
        break
      }
      score += points
    }
    if (score >= 0) scored.push({ reply, score })
  }
  return scored
    .sort((a, b) => b.score - a.score || a.reply.shortcut.localeCompare(b.reply.shortcut, 'pt-BR'))
    .slice(0, limit)
    .map(entry => entry.reply)
}

/**
 * The first name to greet a contact by: the first word with a letter (WhatsApp names often start with
 * an emoji), capitalised when the whole name was typed in one case ("MARIA", "maria" → "Maria").
 */
export function contactFirstName(fullName: string | null | undefined): string | null {
  const word = (fullName ?? '').split(/\s+/).find(part => /\p{L}/u.test(part))
  if (!word) return null
  const oneCase = word === word.toLocaleLowerCase('pt-BR') || word === word.toLocaleUpperCase('pt-BR')
  if (!oneCase) return word
  const lower = word.toLocaleLowerCase('pt-BR')
  return lower.charAt(0).toLocaleUpperCase('pt-BR') + lower.slice(1)
}

/** `{nome}` or `{{nome}}`, any case and spacing. */
const NAME_PLACEHOLDER = /\{\{?\s*nome\s*\}\}?/giu

/**
 * A reply's text ready to insert: `{nome}` becomes the contact's first name. Without a name the
 * placeholder goes away with the space and comma around it ("Olá, {nome}!" → "Olá!").
 */
export function fillQuickReply(body: string, contactName: string | null | undefined): string {
  const name = contactFirstName(contactName)
  if (name) return body.replace(NAME_PLACEHOLDER, name)
  return body
    .replace(/[ \t]*,?[ \t]*\{\{?\s*nome\s*\}\}?/giu, '')
    .replace(/,(?=[!?.])/g, '')
    .replace(/^[ \t]*[,;]?[ \t]*/gm, '')
}

/** True when a reply's text mentions the contact's name placeholder (the list shows a hint). */
export function hasNamePlaceholder(body: string): boolean {
  return new RegExp(NAME_PLACEHOLDER.source, 'iu').test(body)
}
