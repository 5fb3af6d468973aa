/** Global search results grouped by ticket, and the order one conversation's hits are walked in. */
import { describe, expect, it } from 'vitest'
import type { MessageSearchHit } from '../../types/domain.ts'
import { compareHitsNewestFirst, groupHitsByTicket } from '../../utils/search-snippet.ts'

function hit(messageId: string, ticketNumber: number, createdAt: string, rank = 2): MessageSearchHit {
  return {
    message_id: messageId,
    ticket_id: `t${ticketNumber}`,
    ticket_number: ticketNumber,
    contact_id: `c${ticketNumber}`,
    contact_name: `Contato ${ticketNumber}`,
    created_at: createdAt,
    kind: 'text',
    direction: 'inbound',
    snippet: `<mark>x</mark> ${messageId}`,
    rank,
    next_cursor: null,
  }
}

describe('search results', () => {
  it('groups hits by ticket, keeping the rank order of each group\'s first hit and of the hits inside', () => {
    const hits = [
      hit('a', 1003, '2026-11-21T10:00:00Z'),
      hit('b', 1002, '2026-11-21T09:00:00Z'),
      hit('c', 1003, '2026-11-20T10:00:00Z'),
      hit('d', 1001, '2026-11-19T10:00:00Z', 1),
      hit('e', 1002, '2026-11-18T10:00:00Z', 1),
    ]
    const groups = groupHitsByTicket(hits)
    expect(groups.map(group => group.ticketNumber)).toEqual([1003, 1002, 1001])
    expect(groups.map(group => group.hits.map(row => row.message_id))).toEqual([['a', 'c'], ['b', 'e'], ['d']])
    expect(groups[0]).toMatchObject({ ticketId: 't1003', contactId: 'c1003', contactName: 'Contato 1003' })
    expect(groupHitsByTicket([])).toEqual([])
  })

  it('walks one conversation from the newest hit back, whatever the rank', () => {
    const hits = [
      hit('old-full-word', 1, '2026-11-19T10:00:00.000001Z', 2),
      hit('new-partial', 1, '2026-11-21T10:00:00Z', 1),
      hit('tie-b', 1, '2026-11-20T10:00:00Z'),
      hit('tie-a', 1, '2026-11-20T10:00:00Z'),
    ]
    expect([...hits].sort(compareHitsNewestFirst).map(row => row.message_id)).toEqual(['new-partial', 'tie-b', 'tie-a', 'old-full-word'])
  })
})
