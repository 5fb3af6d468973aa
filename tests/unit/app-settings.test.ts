/** Configurações' pure helpers: time zones as people read them, and the checks on the Power BI address. */
import { describe, expect, it } from 'vitest'
import {
  BRAZIL_TIMEZONES, isPublishToWebUrl, matchesTimezone, powerBiUrlProblem, timezoneGroups, timezoneLabel, utcOffsetLabel,
} from '../../utils/settings.ts'

const JANUARY = new Date('2026-01-15T12:00:00Z')
const JULY = new Date('2026-07-15T12:00:00Z')

describe('time zone labels', () => {
  it('writes the zone in Portuguese with its offset and a real minus sign', () => {
    expect(timezoneLabel('America/Sao_Paulo', JANUARY)).toBe('América/São Paulo (UTC−03:00)')
    expect(timezoneLabel('America/Noronha', JANUARY)).toBe('América/Fernando de Noronha (UTC−02:00)')
    expect(timezoneLabel('America/Argentina/Buenos_Aires', JANUARY)).toBe('América/Argentina/Buenos Aires (UTC−03:00)')
    expect(timezoneLabel('Asia/Kolkata', JANUARY)).toBe('Ásia/Kolkata (UTC+05:30)')
    expect(timezoneLabel('UTC', JANUARY)).toBe('UTC (UTC+00:00)')
  })

  it('follows daylight saving time on the given day', () => {
    expect(utcOffsetLabel('Europe/Lisbon', JANUARY)).toBe('UTC+00:00')
    expect(utcOffsetLabel('Europe/Lisbon', JULY)).toBe('UTC+01:00')
    expect(utcOffsetLabel('America/New_York', JULY)).toBe('UTC−04:00')
  })
})

describe('time zone list', () => {
  it('lists Brazil\'s zones first, São Paulo on top, and every other zone once, alphabetically', () => {
    const groups = timezoneGroups('America/Sao_Paulo', JANUARY, ['Europe/Lisbon', 'America/Sao_Paulo', 'Africa/Luanda', 'America/Manaus'])
    expect(groups.brazil.map(option => option.value)).toEqual([...BRAZIL_TIMEZONES])
    expect(groups.brazil[0]!.label).toBe('América/São Paulo (UTC−03:00)')
    expect(groups.others.map(option => option.value)).toEqual(['Africa/Luanda', 'Europe/Lisbon', 'UTC'])
  })

  it('keeps a saved zone the browser lists under another name', () => {
    const groups = timezoneGroups('Asia/Kolkata', JANUARY, ['Asia/Calcutta'])
    expect(groups.others.map(option => option.value)).toEqual(expect.arrayContaining(['Asia/Calcutta', 'Asia/Kolkata']))
  })

  it('finds zones without accents, by state, by "Brasília" and by offset', () => {
    const { brazil, others } = timezoneGroups(null, JANUARY, ['Europe/Lisbon', 'Asia/Tokyo'])
    const all = [...brazil, ...others]
    const found = (pattern: string) => all.filter(option => matchesTimezone(pattern, option)).map(option => option.value)
    expect(found('sao paulo')).toEqual(['America/Sao_Paulo'])
    expect(found('brasilia')).toEqual(['America/Sao_Paulo'])
    expect(found('Mato Grosso do Sul')).toEqual(['America/Campo_Grande'])
    expect(found('lisboa')).toEqual(['Europe/Lisbon'])
    expect(found('utc+9')).toEqual(['Asia/Tokyo'])
    expect(found('utc-2')).toEqual(['America/Noronha'])
    expect(found('nada disso')).toEqual([])
  })
})

describe('Power BI address', () => {
  it('accepts https addresses and an empty field (no report)', () => {
    expect(powerBiUrlProblem('', 2000)).toBeNull()
    expect(powerBiUrlProblem('   ', 2000)).toBeNull()
    expect(powerBiUrlProblem('https://app.powerbi.com/reportEmbed?reportId=abc&autoAuth=true', 2000)).toBeNull()
  })

  it('refuses http, other schemes, text that is not an address and very long ones', () => {
    expect(powerBiUrlProblem('http://app.powerbi.com/view?r=abc', 2000)).toBe('not_https')
    expect(powerBiUrlProblem('app.powerbi.com/view', 2000)).toBe('invalid')
    expect(powerBiUrlProblem('javascript:alert(1)', 2000)).toBe('invalid')
    expect(powerBiUrlProblem('https://intranet', 2000)).toBe('invalid')
    expect(powerBiUrlProblem(`https://app.powerbi.com/${'a'.repeat(2000)}`, 2000)).toBe('too_long')
  })

  it('recognises a "Publicar na Web" link, not the secure embed', () => {
    expect(isPublishToWebUrl('https://app.powerbi.com/view?r=eyJrIjoiYWJj')).toBe(true)
    expect(isPublishToWebUrl('https://app.powerbi.com/reportEmbed?reportId=1&autoAuth=true')).toBe(false)
    expect(isPublishToWebUrl('https://example.com/view?r=1')).toBe(false)
    expect(isPublishToWebUrl('não é endereço')).toBe(false)
  })
})
