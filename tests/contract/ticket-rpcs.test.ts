/**
 * The ticket RPCs through supabase-js, as the app calls them: results come back as rows, and the
 * database's error model (SQLSTATE + stable snake_case message + pt-BR detail) reaches the client
 * unchanged, so the app can map `error.message` to a text and `status` to the kind of failure.
 */
import type { SupabaseClient } from '@supabase/supabase-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, closeOwnerPool } from '../support/db.ts'
import { createTicket, reloadTicket, ticketEvents } from '../support/fixtures.ts'
import { serviceClient, signedInClient } from '../support/stack.ts'

let carla: SupabaseClient
let bruno: SupabaseClient
let observer: SupabaseClient

beforeAll(async () => {
  [carla, bruno, observer] = await Promise.all([
    signedInClient(DEMO.carla.email, DEMO.password),
    signedInClient(DEMO.bruno.email, DEMO.password),
    signedInClient(DEMO.observer.email, DEMO.password),
  ])
})

afterAll(closeOwnerPool)

describe('ticket RPCs over REST', () => {
  it('accept_ticket returns the updated ticket', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const { data, error } = await carla.rpc('accept_ticket', { p_ticket_id: ticket.id })
    expect(error).toBeNull()
    expect(data).toMatchObject({ id: ticket.id, number: Number(ticket.number), status: 'open', assignee_id: DEMO.carla.id })
  })

  it('a refused transition is HTTP 400 with the stable code and a pt-BR detail', async () => {
    const closed = await createTicket({ status: 'closed' })
    const { data, error, status } = await carla.rpc('accept_ticket', { p_ticket_id: closed.id })
    expect(data).toBeNull()
    expect(status).toBe(400)
    expect(error).toMatchObject({ code: 'P0001', message: 'ticket_not_queued' })
    expect(error!.details).toContain(`#${closed.number}`)
  })

  it('a caller without the right is HTTP 403 not_allowed', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const { error, status } = await observer.rpc('accept_ticket', { p_ticket_id: ticket.id })
    expect(status).toBe(403)
    expect(error).toMatchObject({ code: '42501', message: 'not_allowed' })
    expect((await reloadTicket(ticket.id)).status).toBe('queued')
  })

  it('two agents racing on accept_ticket: one gets the ticket, the other the error', async () => {
    const ticket = await createTicket({ status: 'queued' })
    const results = await Promise.all([
      carla.rpc('accept_ticket', { p_ticket_id: ticket.id }),
      bruno.rpc('accept_ticket', { p_ticket_id: ticket.id }),
    ])
    const winners = results.filter(result => result.data !== null)
    const losers = results.filter(result => result.error !== null)
    expect(winners).toHaveLength(1)
    expect(losers).toHaveLength(1)
    expect(losers[0]!.error).toMatchObject({ code: 'P0001', message: 'ticket_already_accepted' })
    const winnerId = (winners[0]!.data as { assignee_id: string }).assignee_id
    expect(await reloadTicket(ticket.id)).toMatchObject({ status: 'open', assignee_id: winnerId })
    expect((await ticketEvents(ticket.id)).filter(event => event.type === 'accepted')).toHaveLength(1)
  })

  it('send_message with named arguments queues the message; a retry with the client id returns it', async () => {
    const ticket = await createTicket({ status: 'open', assigneeId: DEMO.carla.id })
    const args = { p_ticket_id: ticket.id, p_body: 'Olá! Em que posso ajudar?', p_client_id: crypto.randomUUID() }
    const first = await carla.rpc('send_message', args)
    expect(first.error).toBeNull()
    expect(first.data).toMatchObject({ kind: 'text', status: 'pending', direction: 'outbound', client_id: args.p_client_id })
    const retry = await carla.rpc('send_message', args)
    expect(retry.data).toMatchObject({ id: first.data.id })
  })

  it('record_rating is for the service role only', async () => {
    const ticket = await createTicket({
      status: 'closed', assigneeId: DEMO.carla.id,
      values: { rating_status: 'requested', rating_requested_at: new Date() },
    })
    const denied = await carla.rpc('record_rating', { p_ticket_id: ticket.id, p_rating: 10 })
    expect(denied.error).toMatchObject({ code: '42501' })

    const invalid = await serviceClient().rpc('record_rating', { p_ticket_id: ticket.id, p_rating: 11 })
    expect(invalid.error).toMatchObject({ code: 'P0001', message: 'invalid_rating' })

    const rated = await serviceClient().rpc('record_rating', { p_ticket_id: ticket.id, p_rating: 4, p_raw_answer: '4' })
    expect(rated.error).toBeNull()
    expect(rated.data).toMatchObject({ rating: 4, rating_status: 'rated', low_rating_flag: true })
  })
})
