/**
 * The outbox's SQL (migration *_whatsapp_pipeline.sql) as the sender uses it: claim_outbox_batch,
 * complete_outbox_send and fail_outbox_send (service role), and retry_failed_message for agents. Most
 * cases run in one rolled-back transaction that switches roles the way requests would (the agent
 * queues with send_message, the sender claims as the service role); the concurrency case uses two
 * committed connections. The local stack's cron sweeps the outbox too, so assertions look only at this
 * test's own rows, and committed rows are removed at the end.
 */
import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { type Actor, DEMO, anon, asUser, closeOwnerPool, ownerPool, runAs, serviceRole, sqlErrorCode } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, type TicketRow, uniqueDigits } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

type Row = Record<string, unknown>

interface Claimed {
  outbox_id: number
  attempts: number
  channel_id: string
  provider: string
  message_id: string
  ticket_id: string
  kind: string
  body: string | null
  to: string | null
  quoted: { provider_message_id: string, from_me: boolean, body: string | null } | null
}

const carla = asUser(DEMO.carla.id)

/** Switches the open transaction to `actor`, as PostgREST does per request. */
async function become(db: pg.ClientBase, actor: Actor): Promise<void> {
  const claims = actor.role === 'authenticated' ? { sub: actor.userId, role: 'authenticated', aud: 'authenticated' } : { role: actor.role }
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [actor.role, JSON.stringify(claims)])
}

async function one(db: pg.ClientBase, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query(sql, params)
  return rows[0]!
}

/** Carla queues a text in her ticket with send_message; returns the message and outbox ids. */
async function queueText(db: pg.ClientBase, ticket: TicketRow, body: string, quotedId: string | null = null): Promise<{ messageId: string, outboxId: number }> {
  await become(db, carla)
  const message = await one(db, 'select (public.send_message($1, $2, $3, p_quoted_message_id => $4)).id', [ticket.id, 'text', body, quotedId])
  await become(db, serviceRole)
  const outbox = await one(db, 'select id from public.outbox where message_id = $1', [message.id])
  return { messageId: String(message.id), outboxId: Number(outbox.id) }
}

/** Claims as the service role and keeps only the rows of `ticketIds` (other tests' rows may be due too). */
async function claim(db: pg.ClientBase, ticketIds: string[], leaseSeconds = 60): Promise<Claimed[]> {
  await become(db, serviceRole)
  const { rows } = await db.query<{ item: Claimed }>('select item from public.claim_outbox_batch(100, $1) as item', [leaseSeconds])
  return rows.map(row => row.item).filter(item => ticketIds.includes(item.ticket_id))
}

const bodiesOf = (items: Claimed[]) => items.map(item => item.body)

async function outboxRow(db: pg.ClientBase, outboxId: number): Promise<Row> {
  return one(db, 'select status, attempts, last_error, next_attempt_at, locked_until, sent_at from public.outbox where id = $1', [outboxId])
}

async function messageRow(db: pg.ClientBase, messageId: string): Promise<Row> {
  return one(db, 'select status, status_error, provider_message_id from public.messages where id = $1', [messageId])
}

const complete = (db: pg.ClientBase, outboxId: number, providerId: string) =>
  db.query('select public.complete_outbox_send($1, $2) as ok', [outboxId, providerId]).then(result => result.rows[0]!.ok as boolean)

const fail = (db: pg.ClientBase, outboxId: number, permanent: boolean, reason: string, retryAt: string | null = null) =>
  db.query('select public.fail_outbox_send($1, $2, $3, $4::timestamptz) as ok', [outboxId, permanent, reason, retryAt]).then(result => result.rows[0]!.ok as boolean)

describe('claim_outbox_batch', () => {
  it('hands out a ticket\'s messages one at a time, in order, whatever happens to the earlier one', async () => {
    const ticket = await createTicket({ status: 'open' })
    const other = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const first = await queueText(db, ticket, 'primeira')
      const second = await queueText(db, ticket, 'segunda')
      await queueText(db, ticket, 'terceira')
      await queueText(db, other, 'de outra conversa')
      const mine = [ticket.id, other.id]

      // One per ticket: the first of each conversation.
      expect(bodiesOf(await claim(db, mine)).sort()).toEqual(['de outra conversa', 'primeira'])
      // While the first is being sent, nothing overtakes it.
      expect(await claim(db, mine)).toEqual([])

      expect(await complete(db, first.outboxId, `3EB0${randomUUID()}`)).toBe(true)
      expect(bodiesOf(await claim(db, mine))).toEqual(['segunda'])

      // Waiting for a retry later on, it still holds the third back.
      expect(await fail(db, second.outboxId, false, 'Sem resposta do provedor', new Date(Date.now() + 3600_000).toISOString())).toBe(true)
      expect(await claim(db, mine)).toEqual([])
      await db.query(`update public.outbox set next_attempt_at = now() where id = $1`, [second.outboxId])
      expect(await claim(db, mine)).toEqual([expect.objectContaining({ body: 'segunda', attempts: 2 })])

      // Failed for good, it lets the next one go.
      await fail(db, second.outboxId, true, 'Este número não tem WhatsApp.')
      expect(bodiesOf(await claim(db, mine))).toEqual(['terceira'])
    })
  })

  it('returns what the sender needs: address, kind, body and the quoted message', async () => {
    const phone = uniqueDigits(13)
    const contact = await createContact({ phone })
    const ticket = await createTicket({ status: 'open', contactId: contact.id })
    const inbound = await createMessage(ticket, { body: 'Cadê meu pedido?', provider_message_id: 'wamid.QUOTED-' + randomUUID() })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Já saiu para entrega.', inbound.id)
      const [item] = await claim(db, [ticket.id])
      expect(item).toEqual({
        outbox_id: queued.outboxId,
        attempts: 1,
        channel_id: ticket.channel_id,
        provider: 'evolution',
        message_id: queued.messageId,
        ticket_id: ticket.id,
        kind: 'text',
        body: 'Já saiu para entrega.',
        media_path: null,
        media_mime: null,
        media_name: null,
        is_voice_note: false,
        to: phone,
        quoted: { provider_message_id: inbound.provider_message_id, from_me: false, body: 'Cadê meu pedido?' },
      })
    })
  })

  it('addresses Cloud API messages to the contact\'s wa_id', async () => {
    const channel = await createChannel({ provider: 'cloud' })
    const contact = await createContact({ phone: '5511987650000' })
    const waId = uniqueDigits(12)
    await ownerPool().query(`insert into public.contact_identities (contact_id, kind, value) values ($1, 'wa_id', $2)`, [contact.id, waId])
    const ticket = await createTicket({ status: 'open', channelId: channel.id, contactId: contact.id })
    await runAs(serviceRole, async (db) => {
      await queueText(db, ticket, 'Olá')
      expect(await claim(db, [ticket.id])).toEqual([expect.objectContaining({ provider: 'cloud', to: waId })])
    })
  })

  it('hands a message out again once its lease has run out (the sender died)', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Olá')
      expect(await claim(db, [ticket.id])).toEqual([expect.objectContaining({ attempts: 1 })])
      expect(await outboxRow(db, queued.outboxId)).toMatchObject({ status: 'sending' })
      expect(await claim(db, [ticket.id])).toEqual([])

      await db.query(`update public.outbox set locked_until = now() - interval '1 second' where id = $1`, [queued.outboxId])
      expect(await claim(db, [ticket.id])).toEqual([expect.objectContaining({ outbox_id: queued.outboxId, attempts: 2 })])
    })
  })

  it('lets two senders split the work: locked rows are skipped, not waited for', async () => {
    const tickets = [await createTicket({ status: 'open' }), await createTicket({ status: 'open' })]
    const ids = tickets.map(ticket => ticket.id)
    const first = await ownerPool().connect()
    const second = await ownerPool().connect()
    try {
      // Committed, so both connections see the two messages.
      await first.query('begin')
      for (const ticket of tickets) await queueText(first, ticket, `para ${ticket.number}`)
      await first.query('commit')

      await first.query('begin')
      await second.query('begin')
      // A wait on a lock would fail the test instead of hanging it.
      await second.query(`set local lock_timeout = '3s'`)
      expect(await claim(first, ids)).toHaveLength(2)
      expect(await claim(second, ids)).toEqual([])

      // The first sender dies before recording anything: its claims roll back and the rows are free.
      await first.query('rollback')
      expect(await claim(second, ids)).toHaveLength(2)
      await second.query('rollback')
    }
    finally {
      await first.query('rollback').catch(() => {})
      await second.query('rollback').catch(() => {})
      first.release()
      second.release()
      await ownerPool().query('delete from public.tickets where id = any($1::uuid[])', [ids])
    }
  })

  it('is for the service role only', async () => {
    for (const actor of [anon, carla, asUser(DEMO.admin.id)]) {
      expect(await sqlErrorCode(runAs(actor, db => db.query('select * from public.claim_outbox_batch(1)')))).toBe('42501')
    }
  })
})

describe('complete_outbox_send', () => {
  it('records the provider id, marks the message sent and removes the provider\'s echo of it', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Seu pedido saiu.')
      const providerId = `3EB0${randomUUID().replaceAll('-', '').toUpperCase()}`
      // Evolution's send.message echo arrived before the send answered: stored like a phone-typed message.
      const echo = await one(db, `
        insert into public.messages (ticket_id, contact_id, channel_id, direction, sender_type, kind, body, provider_message_id, status)
        values ($1, $2, $3, 'outbound', 'agent', 'text', 'Seu pedido saiu.', $4, 'sent') returning id`,
      [ticket.id, ticket.contact_id, ticket.channel_id, providerId])
      await claim(db, [ticket.id])

      expect(await complete(db, queued.outboxId, providerId)).toBe(true)
      expect(await messageRow(db, queued.messageId)).toEqual({ status: 'sent', status_error: null, provider_message_id: providerId })
      expect(await outboxRow(db, queued.outboxId)).toMatchObject({ status: 'sent', locked_until: null, last_error: null, sent_at: expect.any(Date) })
      expect((await db.query('select 1 from public.messages where id = $1', [echo.id])).rowCount).toBe(0)
      expect((await one(db, 'select count(*)::int as n from public.messages where provider_message_id = $1', [providerId])).n).toBe(1)
    })
  })

  it('refuses an empty provider id, and answers false for an unknown outbox row', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Olá')
      await db.query('savepoint empty_id')
      await expect(complete(db, queued.outboxId, ' ')).rejects.toMatchObject({ code: 'P0001', message: 'provider_message_id_required' })
      await db.query('rollback to savepoint empty_id')
      expect(await complete(db, -1, 'wamid.X')).toBe(false)
    })
  })

  it('is for the service role only', async () => {
    for (const actor of [anon, carla]) {
      expect(await sqlErrorCode(runAs(actor, db => complete(db, 1, 'wamid.X')))).toBe('42501')
    }
  })
})

describe('fail_outbox_send', () => {
  it('keeps a transient failure queued for its retry time, the message still pending', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Olá')
      await claim(db, [ticket.id])
      const retryAt = new Date(Date.now() + 45_000)

      expect(await fail(db, queued.outboxId, false, 'O provedor do WhatsApp está indisponível no momento.', retryAt.toISOString())).toBe(true)
      expect(await outboxRow(db, queued.outboxId)).toMatchObject({
        status: 'queued', locked_until: null, last_error: 'O provedor do WhatsApp está indisponível no momento.', next_attempt_at: retryAt,
      })
      expect(await messageRow(db, queued.messageId)).toEqual({ status: 'pending', status_error: null, provider_message_id: null })
    })
  })

  it('marks a permanent failure failed with the reason the agent reads', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Olá')
      await claim(db, [ticket.id])
      const reason = 'Fora da janela de 24 horas do WhatsApp: o cliente precisa escrever primeiro, ou envie um modelo aprovado.'

      expect(await fail(db, queued.outboxId, true, reason)).toBe(true)
      expect(await outboxRow(db, queued.outboxId)).toMatchObject({ status: 'failed', locked_until: null, last_error: reason })
      expect(await messageRow(db, queued.messageId)).toEqual({ status: 'failed', status_error: reason, provider_message_id: null })
    })
  })

  it('changes nothing once the message was sent', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const queued = await queueText(db, ticket, 'Olá')
      await claim(db, [ticket.id])
      await complete(db, queued.outboxId, 'wamid.SENT-' + randomUUID())

      expect(await fail(db, queued.outboxId, true, 'tarde demais')).toBe(false)
      expect(await outboxRow(db, queued.outboxId)).toMatchObject({ status: 'sent' })
      expect(await messageRow(db, queued.messageId)).toMatchObject({ status: 'sent', status_error: null })
    })
  })

  it('is for the service role only', async () => {
    for (const actor of [anon, carla]) {
      expect(await sqlErrorCode(runAs(actor, db => fail(db, 1, true, 'x')))).toBe('42501')
    }
  })
})

describe('retry_failed_message', () => {
  /** A message of Carla's open ticket that failed for good; the transaction is left as the service role. */
  async function failedMessage(db: pg.ClientBase, ticket: TicketRow): Promise<{ messageId: string, outboxId: number }> {
    const queued = await queueText(db, ticket, 'Olá')
    await claim(db, [ticket.id])
    await fail(db, queued.outboxId, true, 'Este número não tem WhatsApp.')
    return queued
  }

  it('puts the agent\'s failed message back in the queue, due now', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const failed = await failedMessage(db, ticket)
      await become(db, carla)
      const retried = await one(db, 'select * from public.retry_failed_message($1)', [failed.messageId])
      expect(retried).toMatchObject({ id: failed.messageId, status: 'pending', status_error: null })

      await become(db, serviceRole)
      // attempts restarts, so the backoff of the manual retry begins at its first step again.
      expect(await outboxRow(db, failed.outboxId)).toMatchObject({ status: 'queued', attempts: 0, last_error: null, locked_until: null })
      expect(await claim(db, [ticket.id])).toEqual([expect.objectContaining({ message_id: failed.messageId })])
    })
  })

  it('lets a supervisor retry too', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const failed = await failedMessage(db, ticket)
      await become(db, asUser(DEMO.supervisor.id))
      expect(await one(db, 'select (public.retry_failed_message($1)).status', [failed.messageId])).toEqual({ status: 'pending' })
    })
  })

  it.each([
    ['another agent of the team', asUser(DEMO.bruno.id), '42501'],
    ['an agent of another team', asUser(DEMO.diego.id), 'P0001'],
    ['an observer', asUser(DEMO.observer.id), '42501'],
    ['anon', anon, '42501'],
  ])('is refused to %s', async (_who, actor, code) => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const failed = await failedMessage(db, ticket)
      await become(db, actor)
      expect(await sqlErrorCode(db.query('select public.retry_failed_message($1)', [failed.messageId]))).toBe(code)
    })
  })

  it('refuses a message that did not fail, and one in a ticket no longer open', async () => {
    const ticket = await createTicket({ status: 'open' })
    await runAs(serviceRole, async (db) => {
      const pending = await queueText(db, ticket, 'Olá')
      await become(db, carla)
      await db.query('savepoint not_failed')
      await expect(db.query('select public.retry_failed_message($1)', [pending.messageId])).rejects.toMatchObject({ code: 'P0001', message: 'message_not_failed' })
      await db.query('rollback to savepoint not_failed')

      await become(db, serviceRole)
      await db.query(`update public.outbox set status = 'sent' where id = $1`, [pending.outboxId])
      const failed = await failedMessage(db, ticket)
      await db.query(`update public.tickets set status = 'closed', closed_at = now() where id = $1`, [ticket.id])
      await become(db, carla)
      await expect(db.query('select public.retry_failed_message($1)', [failed.messageId])).rejects.toMatchObject({ code: 'P0001', message: 'ticket_not_open' })
    })
  })
})
