/** Relatórios' periods in the company's time zone (utils/report-period.ts) and the list's filters (utils/report-filters.ts). */
import { describe, expect, it } from 'vitest'
import { emptyReportFilters, hasReportFilters, reportFilterPayload } from '../../utils/report-filters.ts'
import { addDays, dayRange, daysToPicker, formatRange, pickerToDays, presetRange, zonedDay, zonedDayStart } from '../../utils/report-period.ts'

const SAO_PAULO = 'America/Sao_Paulo'

describe('days in the company time zone', () => {
  it('knows the company\'s today even when UTC is already tomorrow', () => {
    const lateEvening = new Date('2026-11-22T01:30:00Z') // 22:30 on the 21st in São Paulo
    expect(zonedDay(lateEvening, SAO_PAULO)).toBe('2026-11-21')
    expect(zonedDay(lateEvening, 'UTC')).toBe('2026-11-22')
  })

  it('finds the instant a local day starts, DST included', () => {
    expect(zonedDayStart('2019-06-04', SAO_PAULO).toISOString()).toBe('2019-06-04T03:00:00.000Z')
    expect(zonedDayStart('2026-07-01', 'Europe/Lisbon').toISOString()).toBe('2026-06-30T23:00:00.000Z')
    expect(zonedDayStart('2026-01-01', 'Europe/Lisbon').toISOString()).toBe('2026-01-01T00:00:00.000Z')
    // New York's spring-forward day starts at 05:00Z, the day after at 04:00Z: a 23-hour day.
    expect(zonedDayStart('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z')
    expect(zonedDayStart('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z')
    // 2018: Brazil's DST began at midnight, so the 4th of November started at 01:00 local (03:00Z).
    expect(zonedDayStart('2018-11-04', SAO_PAULO).toISOString()).toBe('2018-11-04T03:00:00.000Z')
  })

  it('moves days across months and years', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })
})

describe('period presets', () => {
  const now = new Date('2026-11-21T13:00:00Z')

  it('covers whole local days up to today', () => {
    expect(presetRange('today', now, SAO_PAULO)).toEqual({
      startDay: '2026-11-21', endDay: '2026-11-21', from: new Date('2026-11-21T03:00:00Z'), to: new Date('2026-11-22T03:00:00Z'),
    })
    expect(presetRange('last7', now, SAO_PAULO)).toMatchObject({ startDay: '2026-11-15', endDay: '2026-11-21' })
    expect(presetRange('last30', now, SAO_PAULO)).toMatchObject({ startDay: '2026-10-23', endDay: '2026-11-21' })
    expect(presetRange('month', now, SAO_PAULO)).toMatchObject({ startDay: '2026-11-01', from: new Date('2026-11-01T03:00:00Z') })
  })

  it('takes custom days in either order, and waits for both', () => {
    expect(presetRange('custom', now, SAO_PAULO)).toBeNull()
    expect(presetRange('custom', now, SAO_PAULO, ['2026-11-10', '2026-11-03'])).toMatchObject({
      startDay: '2026-11-03', endDay: '2026-11-10', from: new Date('2026-11-03T03:00:00Z'), to: new Date('2026-11-11T03:00:00Z'),
    })
    expect(formatRange(dayRange('2026-11-03', '2026-11-10', SAO_PAULO))).toBe('03/11/2026 a 10/11/2026')
    expect(formatRange(dayRange('2026-11-03', '2026-11-03', SAO_PAULO))).toBe('03/11/2026')
  })

  it('reads the date picker\'s browser-local midnights as the days shown', () => {
    const picked = daysToPicker(['2026-11-03', '2026-11-10'])
    expect(picked).not.toBeNull()
    expect(pickerToDays(picked)).toEqual(['2026-11-03', '2026-11-10'])
    expect(pickerToDays(null)).toBeNull()
  })
})

describe('report list filters', () => {
  it('sends nothing for the empty filters', () => {
    expect(hasReportFilters(emptyReportFilters())).toBe(false)
    expect(reportFilterPayload(emptyReportFilters(), SAO_PAULO)).toEqual({})
  })

  it('turns every choice into what report_tickets takes', () => {
    const filters = {
      search: '  Maria   Souza ', channelId: 'c1', statuses: ['open' as const, 'closed' as const], agentId: 'a1', teamId: 't1',
      days: ['2026-11-01', '2026-11-02'] as [string, string], rating: 'detractors' as const,
    }
    expect(hasReportFilters(filters)).toBe(true)
    expect(reportFilterPayload(filters, SAO_PAULO)).toEqual({
      search: 'Maria Souza', channel_id: 'c1', statuses: ['open', 'closed'], agent_id: 'a1', team_id: 't1',
      created_from: '2026-11-01T03:00:00.000Z', created_to: '2026-11-03T03:00:00.000Z', rated: true, rating_min: 1, rating_max: 6,
    })
  })

  it('waits for two characters before searching, and maps the rating choices', () => {
    expect(reportFilterPayload({ ...emptyReportFilters(), search: 'a' }, SAO_PAULO)).toEqual({})
    expect(reportFilterPayload({ ...emptyReportFilters(), rating: 'not_rated' }, SAO_PAULO)).toEqual({ rated: false })
    expect(reportFilterPayload({ ...emptyReportFilters(), rating: 'promoters' }, SAO_PAULO)).toEqual({ rated: true, rating_min: 9, rating_max: 10 })
  })
})
