/**
 * WhatsApp addresses (JIDs) and Brazilian phone numbers, for resolving one person to one contact.
 *
 * JIDs look like `<user>[:device][_agent]@<server>`: `5511987654321@s.whatsapp.net` (or the older `@c.us`)
 * is a phone number, `274398732198423@lid` a linked id that hides it, `…@g.us` a group,
 * `status@broadcast` WhatsApp Status posts, `…@newsletter` a channel.
 */

export type JidKind = 'phone' | 'lid' | 'group' | 'status_broadcast' | 'broadcast' | 'newsletter' | 'unknown'

export interface ParsedJid {
  kind: JidKind
  /** The user part without device/agent suffix: phone digits, LID digits, group id. */
  user: string
  /** The canonical JID: device suffix removed, `@c.us` written as `@s.whatsapp.net`. */
  jid: string
}

const SERVER_KINDS: Record<string, JidKind> = {
  's.whatsapp.net': 'phone',
  'c.us': 'phone',
  'lid': 'lid',
  'g.us': 'group',
  'broadcast': 'broadcast',
  'newsletter': 'newsletter',
}

const CANONICAL_SERVER: Partial<Record<JidKind, string>> = { phone: 's.whatsapp.net', lid: 'lid', group: 'g.us' }

export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '')
}

export function parseJid(raw: string): ParsedJid {
  const value = raw.trim()
  const at = value.lastIndexOf('@')
  // Evolution 2.4's device-suffix stripping can drop the `@server` too, leaving bare digits: a phone.
  const server = at === -1 ? (/^\+?\d+(?::\d+)?$/.test(value) ? 's.whatsapp.net' : '') : value.slice(at + 1).toLowerCase()
  const user = (at === -1 ? value.replace(/^\+/, '') : value.slice(0, at)).replace(/[:_].*$/, '')
  if (value.toLowerCase() === 'status@broadcast') return { kind: 'status_broadcast', user: 'status', jid: 'status@broadcast' }
  let kind = SERVER_KINDS[server] ?? 'unknown'
  if ((kind === 'phone' || kind === 'lid') && !/^\d+$/.test(user)) kind = 'unknown'
  const canonicalServer = CANONICAL_SERVER[kind] ?? server
  return { kind, user, jid: canonicalServer ? `${user}@${canonicalServer}` : user }
}

/** The phone digits of a phone-number JID (or bare number); null for LIDs, groups and the rest. */
export function phoneFromJid(jid: string): string | null {
  const parsed = parseJid(jid)
  return parsed.kind === 'phone' ? parsed.user : null
}

/** The canonical `<digits>@lid` of a LID JID; null for anything else. */
export function lidFromJid(jid: string): string | null {
  const parsed = parseJid(jid)
  return parsed.kind === 'lid' ? parsed.jid : null
}

export function isLidJid(jid: string): boolean {
  return parseJid(jid).kind === 'lid'
}

export function isGroupJid(jid: string): boolean {
  return parseJid(jid).kind === 'group'
}

export function isStatusBroadcastJid(jid: string): boolean {
  return parseJid(jid).kind === 'status_broadcast'
}

/**
 * The forms under which a Brazilian mobile number may exist on WhatsApp: with the 9th digit
 * (`55 DD 9XXXX-XXXX`, 13 digits) and without it (`55 DD XXXX-XXXX`, 12 digits). Mobiles got the extra 9
 * in 2012–2016 but many WhatsApp accounts are still registered under the old 8-digit form (Evolution and
 * the Cloud API's `wa_id` may give either), so ingestion must match a contact under both.
 *
 * Only mobiles have two forms. A 13-digit number (`55`, area code, `9`, 8 digits) is a mobile by
 * construction; a 12-digit one is an old-form mobile only when its 8-digit subscriber number starts with
 * 6–9 (landlines start with 2–5 and never took the 9). Returns `[withNine, withoutNine]` for a Brazilian
 * mobile and `[digits]` for anything else (other countries, landlines, malformed input). Non-digits are
 * ignored, so `+55 (11) 98765-4321` works.
 */
export function brazilianVariants(phone: string): string[] {
  const digits = digitsOnly(phone)
  const withNine = /^55([1-9][1-9])9(\d{8})$/.exec(digits)
  const withoutNine = withNine ? null : /^55([1-9][1-9])([6-9]\d{7})$/.exec(digits)
  const parts = withNine ?? withoutNine
  if (!parts) return [digits]
  const [, areaCode, subscriber] = parts
  return [`55${areaCode}9${subscriber}`, `55${areaCode}${subscriber}`]
}
