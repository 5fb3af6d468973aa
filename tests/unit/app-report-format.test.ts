/** Relatórios' number, duration, date and chart helpers (utils/report-format.ts, utils/report-chart.ts). */
import { describe, expect, it } from 'vitest'
import { chartTicks, labelStride } from '../../utils/report-chart.ts'
import {
  NO_VALUE, formatBucket, formatBucketLong, formatCount, formatDateTime, formatDecimal, formatDuration, formatElapsed, formatNps, formatPercent,
} from '../../utils/report-format.ts'

describe('durations', () => {
  it('writes seconds, minutes, hours and days with at most two units', () => {
    expect(formatDuration(0)).toBe('0 s')
    expect(formatDuration(45.4)).toBe('45 s')
    expect(formatDuration(59.6)).toBe('1 min')
    expect(formatDuration(270)).toBe('4 min 30 s')
    expect(formatDuration(600)).toBe('10 min')
    expect(formatDuration(3900)).toBe('1 h 05 min')
    expect(formatDuration(7200)).toBe('2 h')
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 59)).toBe('2 d 3 h')
    expect(formatDuration(86_400)).toBe('1 d')
  })

  it('shows a dash when there is nothing to show', () => {
    for (const value of [null, undefined, Number.NaN, -5]) expect(formatDuration(value)).toBe(NO_VALUE)
  })
})

describe('numbers', () => {
  it('formats counts, decimals and percentages the Brazilian way', () => {
    expect(formatCount(1234567)).toBe('1.234.567')
    expect(formatCount(null)).toBe(NO_VALUE)
    expect(formatDecimal(8.333)).toBe('8,3')
    expect(formatDecimal(9)).toBe('9,0')
    expect(formatPercent(1, 3)).toMatch(/^33\s?%$/)
    expect(formatPercent(1, 3, 1)).toMatch(/^33,3\s?%$/)
    expect(formatPercent(3, 0)).toBe(NO_VALUE)
  })

  it('gives the NPS its sign, with a real minus', () => {
    expect(formatNps(25)).toBe('+25')
    expect(formatNps(0)).toBe('0')
    expect(formatNps(-40)).toBe('−40')
    expect(formatNps(-0.4)).toBe('0')
    expect(formatNps(null)).toBe(NO_VALUE)
  })

  it('says how long ago the numbers were read', () => {
    expect(formatElapsed(2)).toBe('agora')
    expect(formatElapsed(12.7)).toBe('há 12 s')
    expect(formatElapsed(185)).toBe('há 3 min')
    expect(formatElapsed(7300)).toBe('há 2 h')
  })
})

describe('dates and chart labels', () => {
  it('writes instants in the company time zone', () => {
    expect(formatDateTime('2019-06-04T12:03:30Z', 'America/Sao_Paulo')).toBe('04/06/2019 09:03')
    expect(formatDateTime('2019-06-04T12:03:30Z', 'America/Sao_Paulo', true)).toBe('04/06/2019 09:03:30')
    // 02:00Z is still the 3rd in São Paulo.
    expect(formatDateTime('2019-06-04T02:00:00Z', 'America/Sao_Paulo')).toBe('03/06/2019 23:00')
    expect(formatDateTime('2019-06-04T02:00:00Z', 'Europe/Lisbon')).toBe('04/06/2019 03:00')
    expect(formatDateTime(null, 'America/Sao_Paulo')).toBe(NO_VALUE)
  })

  it('labels hourly and daily buckets short and long', () => {
    expect(formatBucket('2019-06-04T09:00')).toBe('09h')
    expect(formatBucket('2019-06-04')).toBe('04/06')
    expect(formatBucketLong('2019-06-04T23:00')).toBe('04/06/2019, 23h–00h')
    expect(formatBucketLong('2019-06-04')).toBe('04/06/2019')
  })

  it('picks round axis ticks and how many x labels fit', () => {
    expect(chartTicks(0)).toEqual([0, 1])
    expect(chartTicks(3)).toEqual([0, 1, 2, 3])
    expect(chartTicks(7)).toEqual([0, 2, 4, 6, 8])
    expect(chartTicks(43)).toEqual([0, 20, 40, 60])
    expect(chartTicks(1234)).toEqual([0, 500, 1000, 1500])
    expect(labelStride(24, 420)).toBe(3)
    expect(labelStride(7, 420)).toBe(1)
    expect(labelStride(31, 420)).toBe(3)
  })
})
