/**
 * Text helpers of the chatbot: what the customer reads (the menu) and how their answers are read.
 * Answers are matched against a few fixed shapes only, never guessed: the bot acts on the numbers it
 * offered and nothing else.
 */
import type { BotSettings, MenuOption } from './types.ts'

/** A configured text ready to send, or null when it is blank (never sent as an empty message). */
export function sendable(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? ''
  return trimmed === '' ? null : trimmed
}

/** The texts that are worth sending, trimmed, in order. */
export function replies(...texts: Array<string | null | undefined>): string[] {
  return texts.map(sendable).filter((text): text is string => text !== null)
}

/**
 * Lower case, accents and surrounding blanks removed, inner blanks collapsed: "  Opção   2 " → "opcao 2".
 * Only the combining diacritics block is stripped, so emoji modifiers (keycaps) survive.
 */
export function foldForMatch(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/\s+/g, ' ').trim()
}

const KEYCAP_TEN = '\u{1F51F}'

/** Keycap emoji as digits: "2️⃣" (with or without the variation selector) → "2", "🔟" → "10". */
export function keycapsToDigits(text: string): string {
  return text.replace(/([0-9])\uFE0F?\u20E3/g, '$1').replaceAll(KEYCAP_TEN, '10')
}

/** The whole message is the close keyword (trimmed, case- and accent-insensitive); null keyword = none. */
export function isCloseKeyword(text: string | null, keyword: string | null): boolean {
  if (text === null || keyword === null) return false
  const wanted = foldForMatch(keyword)
  return wanted !== '' && foldForMatch(text) === wanted
}

/**
 * The options the customer is shown, by position: positions 1–9 with a label, the first of a repeated
 * position. What is shown is exactly what is accepted.
 */
export function offeredOptions(options: MenuOption[]): MenuOption[] {
  const seen = new Set<number>()
  return [...options]
    .filter(option => Number.isInteger(option.position) && option.position >= 1 && option.position <= 9 && option.label.trim() !== '')
    .sort((a, b) => a.position - b.position)
    .filter((option) => {
      if (seen.has(option.position)) return false
      seen.add(option.position)
      return true
    })
}

/** The menu message: the prompt, then one `1 - Suporte Técnico` line per option. */
export function renderMenu(settings: Pick<BotSettings, 'menuPrompt'>, options: MenuOption[]): string {
  const lines = offeredOptions(options).map(option => `${option.position} - ${option.label.trim()}`)
  return replies(settings.menuPrompt, ...lines).join('\n')
}

// "2", "2.", "2)", "opção 2", "opcao: 2" (after folding and keycaps → digits). One digit: "12" is not 1.
const MENU_ANSWER = /^(?:opcao\s*:?\s*)?([1-9])\s*[.)]?$/

/** The position the customer typed, if it is one of `positions`; null for anything else. */
export function parseMenuAnswer(text: string | null, positions: ReadonlySet<number>): number | null {
  if (text === null) return null
  const match = MENU_ANSWER.exec(foldForMatch(keycapsToDigits(text)))
  const position = match?.[1] === undefined ? null : Number(match[1])
  return position !== null && positions.has(position) ? position : null
}

/** A tapped button/list row whose id is an offered position ("2"); null for any other id. */
export function parseInteractiveAnswer(id: string | null, positions: ReadonlySet<number>): number | null {
  const trimmed = id?.trim() ?? ''
  if (!/^[1-9]$/.test(trimmed)) return null
  const position = Number(trimmed)
  return positions.has(position) ? position : null
}
