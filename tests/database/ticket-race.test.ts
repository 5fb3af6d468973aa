/**
 * Two agents pressing "Aceitar" on the same queued ticket at the same moment: two real connections,
 * each in its own transaction with its own user's claims, as PostgREST would run them. Exactly one
 * wins; the other is refused with a stable code, and only one `accepted` event exists.
 */
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO, closeOwnerPool, ownerPool } from '../support/db.ts'
import { createTicket, reloadTicket, ticketEvents } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

const ROUNDS = 20

type Outcome = { ok: true, assigneeId: string } | { ok: false, code: string, message: string }

/** A connection inside a transaction as `userId`, ready to accept. */
async function openSession(userId: string): Promise<pg.PoolClient> {
  const client = await ownerPool().connect()
  await client.query('begin')
  await client.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`, [
    JSON.stringify({ sub: userId, role: 'authenticated', aud: 'authenticated' }),
  ])
  return client
}

/** Accepts and commits (or rolls back on refusal), like one HTTP request would. */
async function accept(client: pg.PoolClient, ticketId: string): Promise<Outcome> {
  try {
    const { rows } = await client.query<{ assignee_id: string }>('select assignee_id from public.accept_ticket($1)', [ticketId])
    await client.query('commit')
    return { ok: true, assigneeId: rows[0]!.assignee_id }
  }
  catch (error) {
    await client.query('rollback')
    const { code, message } = error as { code: string, message: string }
    return { ok: false, code, message }
  }
  finally {
    client.release()
  }
}

describe('accept_ticket race', () => {
  it(`lets exactly one of two simultaneous agents win, ${ROUNDS} times in a row`, async () => {
    const winners = new Set<string>()
    for (let round = 0; round < ROUNDS; round++) {
      const ticket = await createTicket({ status: 'queued' })
      // Both transactions are open before either call is sent, so the calls really overlap.
      const [carla, bruno] = await Promise.all([openSession(DEMO.carla.id), openSession(DEMO.bruno.id)])
      const outcomes = await Promise.all([accept(carla, ticket.id), accept(bruno, ticket.id)])

      const won = outcomes.filter(outcome => outcome.ok)
      const lost = outcomes.filter(outcome => !outcome.ok)
      expect(won).toHaveLength(1)
      expect(lost).toEqual([{ ok: false, code: 'P0001', message: 'ticket_already_accepted' }])

      const winner = (won[0] as { assigneeId: string }).assigneeId
      winners.add(winner)
      expect(await reloadTicket(ticket.id)).toMatchObject({ status: 'open', assignee_id: winner })
      const accepted = (await ticketEvents(ticket.id)).filter(event => event.type === 'accepted')
      expect(accepted).toHaveLength(1)
      expect(accepted[0]).toMatchObject({ actor_id: winner, to_agent_id: winner })
    }
    // Either agent may win a round; what matters is that there is never a second winner.
    expect([...winners].every(id => id === DEMO.carla.id || id === DEMO.bruno.id)).toBe(true)
  })

  it('makes the loser wait for the winner\'s transaction rather than read a stale queued ticket', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const [carla, bruno] = await Promise.all([openSession(DEMO.carla.id), openSession(DEMO.bruno.id)])

    const pid = async (client: pg.PoolClient) => (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid
    const [carlaPid, brunoPid] = [await pid(carla), await pid(bruno)]

    // Carla accepts but has not committed yet; Bruno's call must block on the ticket's row lock.
    await carla.query('select public.accept_ticket($1)', [ticket.id])
    const brunoOutcome = accept(bruno, ticket.id)
    let blockers: number[] = []
    // The wait starts asynchronously: poll the server until Bruno's backend shows it (bounded).
    for (let attempt = 0; blockers.length === 0 && attempt < 500; attempt++) {
      const { rows } = await ownerPool().query<{ blockers: number[] }>('select pg_blocking_pids($1) as blockers', [brunoPid])
      blockers = rows[0]!.blockers
    }
    expect(blockers).toEqual([carlaPid])

    await carla.query('commit')
    carla.release()
    expect(await brunoOutcome).toEqual({ ok: false, code: 'P0001', message: 'ticket_already_accepted' })
    expect(await reloadTicket(ticket.id)).toMatchObject({ status: 'open', assignee_id: DEMO.carla.id })
  })
})
