/**
 * Business hours in the channel's timezone: weekday, date and time are the zone's, not UTC's; ranges
 * exclude their end; holidays close the whole day; daylight saving follows the zone.
 */
import { describe, expect, it } from 'vitest'
import { isWithinBusinessHours, zonedMoment } from '../../supabase/functions/_shared/chatbot/hours.ts'
import type { BusinessHours } from '../../supabase/functions/_shared/chatbot/types.ts'

const SAO_PAULO = 'America/Sao_Paulo'
const NEW_YORK = 'America/New_York'

const WORKDAY = [{ start: '08:00', end: '12:00' }, { start: '13:00', end: '18:00' }]
const OFFICE: BusinessHours = {
  mon: WORKDAY,
  tue: WORKDAY,
  wed: WORKDAY,
  thu: WORKDAY,
  fri: WORKDAY,
  sat: [{ start: '08:00', end: '12:00' }],
}

describe('isWithinBusinessHours in São Paulo (UTC-3 all year)', () => {
  it.each<[string, string, boolean]>([
    // Monday 2026-03-02.
    ['2026-03-02T10:59:59Z', 'Mon 07:59:59, before opening', false],
    ['2026-03-02T11:00:00Z', 'Mon 08:00, the start is included', true],
    ['2026-03-02T14:59:59Z', 'Mon 11:59:59', true],
    ['2026-03-02T15:00:00Z', 'Mon 12:00, lunch (end excluded)', false],
    ['2026-03-02T16:00:00Z', 'Mon 13:00, back from lunch', true],
    ['2026-03-02T20:59:59Z', 'Mon 17:59:59', true],
    ['2026-03-02T21:00:00Z', 'Mon 18:00, the end is excluded', false],
    ['2026-03-07T14:59:00Z', 'Sat 11:59', true],
    ['2026-03-07T15:00:00Z', 'Sat 12:00', false],
    ['2026-03-08T14:00:00Z', 'Sun 11:00, a day not listed', false],
    // 2026-01-15 falls where São Paulo used to have daylight saving (abolished in 2019): still UTC-3.
    ['2026-01-15T10:59:00Z', 'Thu 07:59 in January', false],
    ['2026-01-15T11:00:00Z', 'Thu 08:00 in January', true],
  ])('%s (%s) → %s', (instant, _, open) => {
    expect(isWithinBusinessHours(OFFICE, [], SAO_PAULO, new Date(instant))).toBe(open)
  })
})

describe('weekday and date in the zone, not in UTC', () => {
  const evenings: BusinessHours = { fri: [{ start: '20:00', end: '24:00' }], sat: [{ start: '08:00', end: '12:00' }] }

  it.each<[string, string, boolean]>([
    // Saturday in UTC, still Friday evening in São Paulo.
    ['2026-03-07T01:30:00Z', 'Fri 22:30 local', true],
    ['2026-03-07T02:59:59Z', 'Fri 23:59:59 local, a range may end at 24:00', true],
    ['2026-03-07T03:00:00Z', 'Sat 00:00 local: 24:00 is excluded', false],
    // Friday in UTC, still Thursday in São Paulo.
    ['2026-03-06T02:00:00Z', 'Thu 23:00 local', false],
  ])('%s (%s) → %s', (instant, _, open) => {
    expect(isWithinBusinessHours(evenings, [], SAO_PAULO, new Date(instant))).toBe(open)
  })

  it('reads the wall clock of the zone', () => {
    expect(zonedMoment(new Date('2026-03-07T01:30:00Z'), SAO_PAULO)).toEqual({ date: '2026-03-06', weekday: 'fri', minutes: 22 * 60 + 30 })
    expect(zonedMoment(new Date('2026-03-07T01:30:00Z'), 'UTC')).toEqual({ date: '2026-03-07', weekday: 'sat', minutes: 90 })
  })
})

describe('midnight', () => {
  const lateNight: BusinessHours = { sat: [{ start: '00:00', end: '02:00' }], fri: [{ start: '22:00', end: '24:00' }] }

  it.each<[string, string, boolean]>([
    ['2026-03-07T00:59:00Z', 'Fri 21:59', false],
    ['2026-03-07T01:00:00Z', 'Fri 22:00', true],
    ['2026-03-07T03:00:00Z', 'Sat 00:00, the start of the day is included', true],
    ['2026-03-07T04:59:00Z', 'Sat 01:59', true],
    ['2026-03-07T05:00:00Z', 'Sat 02:00', false],
  ])('%s (%s) → %s', (instant, _, open) => {
    expect(isWithinBusinessHours(lateNight, [], SAO_PAULO, new Date(instant))).toBe(open)
  })
})

describe('daylight saving (New York) against none (São Paulo)', () => {
  const nineToFive: BusinessHours = {
    mon: [{ start: '09:00', end: '17:00' }],
    fri: [{ start: '09:00', end: '17:00' }],
  }

  // The same UTC time of day, 13:30, before and after the US clock changes (2026-03-08 and 2026-11-01).
  it.each<[string, string, boolean, boolean]>([
    ['2026-03-06T13:30:00Z', 'Fri before the spring change: 08:30 EST', false, true],
    ['2026-03-09T13:30:00Z', 'Mon after the spring change: 09:30 EDT', true, true],
    ['2026-10-30T13:30:00Z', 'Fri before the autumn change: 09:30 EDT', true, true],
    ['2026-11-02T13:30:00Z', 'Mon after the autumn change: 08:30 EST', false, true],
    ['2026-03-09T20:59:00Z', 'Mon 16:59 EDT (17:59 in São Paulo)', true, true],
    ['2026-03-09T21:00:00Z', 'Mon 17:00 EDT (18:00 in São Paulo)', false, false],
  ])('%s (%s): New York %s, São Paulo %s', (instant, _, newYork, saoPaulo) => {
    const now = new Date(instant)
    expect(isWithinBusinessHours(nineToFive, [], NEW_YORK, now)).toBe(newYork)
    const saoPauloHours: BusinessHours = { mon: [{ start: '08:00', end: '18:00' }], fri: [{ start: '08:00', end: '18:00' }] }
    expect(isWithinBusinessHours(saoPauloHours, [], SAO_PAULO, now)).toBe(saoPaulo)
  })
})

describe('holidays', () => {
  const allDay: BusinessHours = {
    mon: [{ start: '00:00', end: '24:00' }],
    tue: [{ start: '00:00', end: '24:00' }],
    wed: [{ start: '00:00', end: '24:00' }],
  }
  // Tiradentes, Tuesday 2026-04-21.
  const holidays = ['2026-04-21']

  it.each<[string, string, boolean]>([
    ['2026-04-21T13:00:00Z', 'Tue 10:00 on the holiday', false],
    ['2026-04-21T03:00:00Z', 'Tue 00:00, the whole day', false],
    ['2026-04-22T02:59:59Z', 'Tue 23:59:59 local (Wednesday in UTC)', false],
    ['2026-04-21T02:00:00Z', 'Mon 23:00 local (the holiday already in UTC)', true],
    ['2026-04-22T03:00:00Z', 'Wed 00:00 local, the day after', true],
  ])('%s (%s) → %s', (instant, _, open) => {
    expect(isWithinBusinessHours(allDay, holidays, SAO_PAULO, new Date(instant))).toBe(open)
  })

  it('closes a holiday even when no hours are set', () => {
    expect(isWithinBusinessHours({}, holidays, SAO_PAULO, new Date('2026-04-21T13:00:00Z'))).toBe(false)
    expect(isWithinBusinessHours({}, holidays, SAO_PAULO, new Date('2026-04-22T13:00:00Z'))).toBe(true)
  })
})

describe('hours not set, or set to nothing', () => {
  it.each([['2026-03-08T14:00:00Z'], ['2026-03-02T03:00:00Z'], ['2026-12-25T12:00:00Z']])('an empty object is always open (%s)', (instant) => {
    expect(isWithinBusinessHours({}, [], SAO_PAULO, new Date(instant))).toBe(true)
  })

  it('closes the days left out once any day is set', () => {
    const mondaysOnly: BusinessHours = { mon: [] }
    expect(isWithinBusinessHours(mondaysOnly, [], SAO_PAULO, new Date('2026-03-02T13:00:00Z'))).toBe(false)
    expect(isWithinBusinessHours(mondaysOnly, [], SAO_PAULO, new Date('2026-03-03T13:00:00Z'))).toBe(false)
  })
})

describe('settings that should never have been saved', () => {
  const now = new Date('2026-03-02T13:00:00Z')

  it.each<[string, BusinessHours]>([
    ['an hour without a leading zero', { mon: [{ start: '8:00', end: '18:00' }] }],
    ['24:00 as a start', { mon: [{ start: '24:00', end: '24:00' }] }],
    ['a start after the end', { mon: [{ start: '18:00', end: '08:00' }] }],
    ['an empty range', { mon: [{ start: '08:00', end: '08:00' }] }],
    ['minutes out of range', { mon: [{ start: '08:60', end: '18:00' }] }],
    ['a bad range on another day', { tue: [{ start: 'x', end: '18:00' }], mon: [{ start: '08:00', end: '18:00' }] }],
    ['a weekday that does not exist', { monday: [{ start: '08:00', end: '18:00' }] } as unknown as BusinessHours],
    ['ranges that are not a list', { mon: { start: '08:00', end: '18:00' } } as unknown as BusinessHours],
  ])('throws on %s', (_, hours) => {
    expect(() => isWithinBusinessHours(hours, [], SAO_PAULO, now)).toThrow(/business hours/)
  })

  it.each([['America/Atlantida'], [''], ['GMT-3:00x']])('throws on the timezone %j', (timezone) => {
    expect(() => isWithinBusinessHours({}, [], timezone, now)).toThrow(/Invalid timezone/)
  })

  it('throws on an invalid date', () => {
    expect(() => isWithinBusinessHours({}, [], SAO_PAULO, new Date('not a date'))).toThrow(/Invalid date/)
  })
})
