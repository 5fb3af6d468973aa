/** The inbox's pure rules: list membership and order, newer-copy merging, times written in pt-BR. */
import { describe, expect, it } from 'vitest'
import type { Ticket } from '../../types/domain.ts'
import {
  compareByRecentActivity,
  formatListTime,
  formatWaitingTime,
  missingFrom,
  neighbourId,
  newerTicket,
  selectMine,
  selectQueue,
  ticketWaitingTime,
} from '../../utils/tickets.ts'

const ME = 'user-carla'
const SUPPORT = 'team-support'
const FINANCE = 'team-finance'
const NOW = Date.parse('2026-11-21T15:00:00Z')

function minutesAgo(minutes: number): string {
  return new Date(NOW - minutes * 60_000).toISOString()
}

let sequence = 1000
function ticket(patch: Partial<Ticket> = {}): Ticket {
  sequence += 1
  return {
    id: `ticket-${sequence}`,
    number: sequence,
    contact_id: `contact-${sequence}`,
    channel_id: 'channel',
    team_id: SUPPORT,
    assignee_id: null,
    status: 'queued',
    bot_state: {},
    created_at: minutesAgo(60),
    queued_at: minutesAgo(50),
    accepted_at: null,
    first_response_at: null,
    closed_at: null,
    closed_by: null,
    closed_reason: null,
    classification_id: null,
    closing_comment: null,
    rating_status: null,
    rating_requested_at: null,
    rated_at: null,
    rating: null,
    low_rating_flag: false,
    last_message_at: minutesAgo(10),
    last_message_preview: 'Oi',
    last_inbound_at: minutesAgo(10),
    unread_count: 0,
    updated_at: minutesAgo(10),
    ...patch,
  }
}

describe('Em andamento (mine)', () => {
  it('holds only my open tickets, most recent activity first', () => {
    const older = ticket({ status: 'open', assignee_id: ME, last_message_at: minutesAgo(30) })
    const newer = ticket({ status: 'open', assignee_id: ME, last_message_at: minutesAgo(2) })
    const silent = ticket({ status: 'open', assignee_id: ME, last_message_at: null, updated_at: minutesAgo(5) })
    const someoneElses = ticket({ status: 'open', assignee_id: 'user-bruno' })
    const closedMine = ticket({ status: 'closed', assignee_id: ME, closed_at: minutesAgo(1) })
    const queued = ticket({ status: 'queued' })

    expect(selectMine([older, someoneElses, newer, closedMine, silent, queued], ME)).toEqual([newer.id, silent.id, older.id])
    expect(selectMine([older], null)).toEqual([])
  })

  it('breaks ties by the newer ticket number', () => {
    const first = ticket({ status: 'open', assignee_id: ME, last_message_at: minutesAgo(3) })
    const second = ticket({ status: 'open', assignee_id: ME, last_message_at: minutesAgo(3) })
    expect([first, second].sort(compareByRecentActivity).map(row => row.id)).toEqual([second.id, first.id])
  })
})

describe('Fila (queue)', () => {
  const longest = ticket({ queued_at: minutesAgo(40) })
  const recent = ticket({ queued_at: minutesAgo(3) })
  const finance = ticket({ team_id: FINANCE, queued_at: minutesAgo(20) })
  const restartedSegment = ticket({ created_at: minutesAgo(300), queued_at: minutesAgo(1) })
  const open = ticket({ status: 'open', assignee_id: ME })
  const bot = ticket({ status: 'bot', team_id: null, queued_at: null })
  const all = [recent, open, finance, longest, bot, restartedSegment]

  it('shows an agent the queued tickets of their teams, longest waiting first', () => {
    expect(selectQueue(all, { allTeams: false, teamIds: [SUPPORT] })).toEqual([longest.id, recent.id, restartedSegment.id])
    expect(selectQueue(all, { allTeams: false, teamIds: [] })).toEqual([])
  })

  it('shows supervisors every queue', () => {
    expect(selectQueue(all, { allTeams: true, teamIds: [] })).toEqual([longest.id, finance.id, recent.id, restartedSegment.id])
  })

  it('counts follow the lists as tickets change status', () => {
    const waiting = ticket({ queued_at: minutesAgo(5) })
    const before = { mine: selectMine([waiting], ME).length, queue: selectQueue([waiting], { allTeams: false, teamIds: [SUPPORT] }).length }
    const accepted = newerTicket(waiting, { ...waiting, status: 'open', assignee_id: ME, updated_at: minutesAgo(0) })
    const after = { mine: selectMine([accepted], ME).length, queue: selectQueue([accepted], { allTeams: false, teamIds: [SUPPORT] }).length }
    expect(before).toEqual({ mine: 0, queue: 1 })
    expect(after).toEqual({ mine: 1, queue: 0 })
  })
})

describe('merging copies of a ticket', () => {
  it('keeps the copy updated last, so a late response never undoes a realtime change', () => {
    const queued = ticket({ updated_at: minutesAgo(5) })
    const accepted = { ...queued, status: 'open' as const, assignee_id: 'user-bruno', updated_at: minutesAgo(1) }
    expect(newerTicket(accepted, queued)).toBe(accepted)
    expect(newerTicket(queued, accepted)).toMatchObject({ status: 'open', assignee_id: 'user-bruno' })
    expect(newerTicket(undefined, queued)).toBe(queued)
  })

  it('takes the incoming copy on equal timestamps', () => {
    const before = ticket({ unread_count: 2 })
    expect(newerTicket(before, { ...before, unread_count: 0 }).unread_count).toBe(0)
  })

  it('finds tickets that left a list without an event', () => {
    const staying = ticket()
    expect(missingFrom([staying.id, 'gone'], [staying])).toEqual(['gone'])
  })
})

describe('times', () => {
  it('writes waiting times compactly', () => {
    expect(formatWaitingTime(-5_000)).toBe('< 1 min')
    expect(formatWaitingTime(59_000)).toBe('< 1 min')
    expect(formatWaitingTime(60_000)).toBe('1 min')
    expect(formatWaitingTime(11 * 60_000 + 30_000)).toBe('11 min')
    expect(formatWaitingTime(65 * 60_000)).toBe('1 h 05 min')
    expect(formatWaitingTime(26 * 3_600_000)).toBe('1 d 2 h')
    expect(formatWaitingTime(48 * 3_600_000)).toBe('2 d')
    expect(formatWaitingTime(Number.NaN)).toBe('< 1 min')
  })

  it('measures waiting from the current queue segment', () => {
    expect(ticketWaitingTime({ created_at: minutesAgo(300), queued_at: minutesAgo(12) }, NOW)).toBe('12 min')
    expect(ticketWaitingTime({ created_at: minutesAgo(7), queued_at: null }, NOW)).toBe('7 min')
  })

  it('writes list times relative to now, then as dates in Brazil', () => {
    expect(formatListTime(minutesAgo(0.5), NOW)).toBe('agora')
    expect(formatListTime(minutesAgo(5), NOW)).toBe('5 min')
    expect(formatListTime(minutesAgo(185), NOW)).toBe('3 h')
    expect(formatListTime(minutesAgo(30 * 60), NOW)).toBe('ontem')
    expect(formatListTime(minutesAgo(4 * 24 * 60), NOW)).toBe('4 d')
    expect(formatListTime('2026-11-02T01:00:00Z', NOW)).toBe('01/11')
    expect(formatListTime('2025-03-10T12:00:00Z', NOW)).toBe('10/03/25')
    expect(formatListTime(null, NOW)).toBe('')
  })
})

describe('Alt+↑/↓', () => {
  const ids = ['a', 'b', 'c']

  it('moves to the neighbour and stops at the ends', () => {
    expect(neighbourId(ids, 'b', 1)).toBe('c')
    expect(neighbourId(ids, 'b', -1)).toBe('a')
    expect(neighbourId(ids, 'c', 1)).toBe('c')
    expect(neighbourId(ids, 'a', -1)).toBe('a')
  })

  it('starts at the top going down and at the bottom going up when nothing in the list is open', () => {
    expect(neighbourId(ids, null, 1)).toBe('a')
    expect(neighbourId(ids, 'elsewhere', -1)).toBe('c')
    expect(neighbourId([], null, 1)).toBeNull()
  })
})
