/**
 * Pure helpers of the Configurações screen: time zones as people read them ("América/São Paulo
 * (UTC−03:00)") and the checks on the Power BI address. No Vue, no Nuxt: unit-tested directly.
 */

/** Brazil's zones, first in the list (most companies using Atende are here), São Paulo (Brasília time) first. */
export const BRAZIL_TIMEZONES = [
  'America/Sao_Paulo',
  'America/Bahia',
  'America/Fortaleza',
  'America/Recife',
  'America/Maceio',
  'America/Belem',
  'America/Araguaina',
  'America/Santarem',
  'America/Manaus',
  'America/Cuiaba',
  'America/Campo_Grande',
  'America/Porto_Velho',
  'America/Boa_Vista',
  'America/Rio_Branco',
  'America/Eirunepe',
  'America/Noronha',
] as const

const REGION_LABELS: Record<string, string> = {
  Africa: 'África',
  America: 'América',
  Antarctica: 'Antártida',
  Arctic: 'Ártico',
  Asia: 'Ásia',
  Atlantic: 'Atlântico',
  Australia: 'Austrália',
  Europe: 'Europa',
  Indian: 'Índico',
  Pacific: 'Pacífico',
}

/** Places whose Portuguese name differs from the IANA spelling beyond underscores. */
const PLACE_LABELS: Record<string, string> = {
  Sao_Paulo: 'São Paulo',
  Belem: 'Belém',
  Maceio: 'Maceió',
  Araguaina: 'Araguaína',
  Santarem: 'Santarém',
  Cuiaba: 'Cuiabá',
  Eirunepe: 'Eirunepé',
  Noronha: 'Fernando de Noronha',
  Asuncion: 'Assunção',
  Bogota: 'Bogotá',
  Mexico_City: 'Cidade do México',
  New_York: 'Nova York',
  Los_Angeles: 'Los Angeles',
  Lisbon: 'Lisboa',
  London: 'Londres',
  Madrid: 'Madri',
  Rome: 'Roma',
  Berlin: 'Berlim',
  Luanda: 'Luanda',
  Maputo: 'Maputo',
  Tokyo: 'Tóquio',
  Shanghai: 'Xangai',
  Azores: 'Açores',
  Madeira: 'Madeira',
  Cape_Verde: 'Cabo Verde',
}

/** Extra words a search should find a zone by (São Paulo is "horário de Brasília" to everyone). */
const SEARCH_ALIASES: Record<string, string> = {
  'America/Sao_Paulo': 'Brasília BRT SP RJ MG ES PR SC RS GO DF',
  'America/Bahia': 'Salvador BA',
  'America/Fortaleza': 'CE RN PB PI MA',
  'America/Recife': 'PE',
  'America/Maceio': 'AL SE',
  'America/Belem': 'PA AP',
  'America/Araguaina': 'TO Tocantins',
  'America/Manaus': 'AM Amazonas',
  'America/Cuiaba': 'MT Mato Grosso',
  'America/Campo_Grande': 'MS Mato Grosso do Sul',
  'America/Porto_Velho': 'RO Rondônia',
  'America/Boa_Vista': 'RR Roraima',
  'America/Rio_Branco': 'AC Acre',
  'America/Noronha': 'PE ilha',
}

/** "UTC−03:00" (with a real minus sign) for the zone's offset at `at`. */
export function utcOffsetLabel(zone: string, at: Date = new Date()): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find(part => part.type === 'timeZoneName')?.value ?? ''
  const match = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name)
  if (!match) return 'UTC+00:00'
  const hours = match[2]!.padStart(2, '0')
  return `UTC${match[1] === '-' ? '−' : '+'}${hours}:${match[3] ?? '00'}`
}

/** "America/Argentina/Buenos_Aires" → "América/Argentina/Buenos Aires". */
export function timezoneName(zone: string): string {
  return zone.split('/').map((part, index) => {
    if (index === 0 && REGION_LABELS[part]) return REGION_LABELS[part]
    return PLACE_LABELS[part] ?? part.replace(/_/g, ' ')
  }).join('/')
}

/** "América/São Paulo (UTC−03:00)". */
export function timezoneLabel(zone: string, at: Date = new Date()): string {
  return `${timezoneName(zone)} (${utcOffsetLabel(zone, at)})`
}

/** Lower case without accents, so "sao paulo" finds "São Paulo" and "utc-3" finds "UTC−03:00". */
export function searchableText(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036F]/g, '').replace(/−/g, '-').toLowerCase()
}

export function isKnownTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  }
  catch {
    return false
  }
}

// A type, not an interface: naive-ui's options carry an index signature only type literals satisfy.
export type TimezoneOption = {
  label: string
  value: string
  /** What the filter matches against: label, IANA id, aliases and the short offset ("utc-3"). */
  search: string
}

export interface TimezoneGroups {
  brazil: TimezoneOption[]
  others: TimezoneOption[]
}

function option(zone: string, at: Date): TimezoneOption {
  const label = timezoneLabel(zone, at)
  const offset = utcOffsetLabel(zone, at)
  const shortOffset = offset.replace(/([+−])0?(\d+):00$/, '$1$2')
  return { label, value: zone, search: searchableText(`${label} ${zone} ${SEARCH_ALIASES[zone] ?? ''} ${shortOffset}`) }
}

/**
 * Every zone the browser knows (`Intl.supportedValuesOf`), Brazil's first and the rest alphabetically.
 * `current` is kept even when this browser lists it under another name (ICU still says Asia/Calcutta,
 * the database may hold Asia/Kolkata), so the saved value always shows.
 */
export function timezoneGroups(current: string | null, at: Date = new Date(), supported: readonly string[] = Intl.supportedValuesOf('timeZone')): TimezoneGroups {
  const brazilSet = new Set<string>(BRAZIL_TIMEZONES)
  const brazil = BRAZIL_TIMEZONES.filter(isKnownTimezone).map(zone => option(zone, at))
  // Browsers leave plain UTC out of the list; servers and some companies use it.
  const otherZones = new Set([...supported.filter(zone => !brazilSet.has(zone)), 'UTC'])
  if (current && !brazilSet.has(current) && isKnownTimezone(current)) otherZones.add(current)
  const others = [...otherZones].map(zone => option(zone, at)).sort((a, b) => a.label.localeCompare(b.label, 'pt-BR'))
  return { brazil, others }
}

export function matchesTimezone(pattern: string, candidate: TimezoneOption): boolean {
  const words = searchableText(pattern).split(/\s+/).filter(Boolean)
  return words.every(word => candidate.search.includes(word))
}

export type PowerBiUrlProblem = 'invalid' | 'not_https' | 'too_long'

/** Why a typed Power BI address cannot be saved (empty is fine: no report), or null. */
export function powerBiUrlProblem(value: string, maxLength: number): PowerBiUrlProblem | null {
  const text = value.trim()
  if (!text) return null
  if (text.length > maxLength) return 'too_long'
  let url: URL
  try {
    url = new URL(text)
  }
  catch {
    return 'invalid'
  }
  if (url.protocol === 'http:') return 'not_https'
  if (url.protocol !== 'https:' || !url.hostname.includes('.')) return 'invalid'
  return null
}

/**
 * Whether the address is a "Publicar na Web" link (app.powerbi.com/view?r=…): public, no sign-in. The
 * secure embed ("Site ou portal") is /reportEmbed?reportId=… and requires signing in to Power BI.
 */
export function isPublishToWebUrl(value: string): boolean {
  try {
    const url = new URL(value.trim())
    return /(^|\.)powerbi\.com$/i.test(url.hostname) && /^\/view\/?$/i.test(url.pathname) && url.searchParams.has('r')
  }
  catch {
    return false
  }
}
