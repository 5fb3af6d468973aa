/**
 * Message and contact search (supabase/migrations/*_search.sql): Portuguese stemming, accents, partial
 * words, file names and captions, grading and recency, snippets, cursor pagination, the two-step scan,
 * and who may see what. Fixtures commit their own tickets; each query runs as a user in a rolled-back
 * transaction. A random word tags this run's messages, so the seed's conversations never interfere.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO, anon, asUser, closeOwnerPool, queryAs, runAs, serviceRole, sqlErrorCode, type Actor } from '../support/db.ts'
import { createChannel, createContact, createMessage, createTicket, type ContactRow, type MessageRow, type TicketRow } from '../support/fixtures.ts'

afterAll(closeOwnerPool)

interface Hit {
  message_id: string
  ticket_id: string
  ticket_number: string
  contact_id: string
  contact_name: string
  created_at: Date
  kind: string
  direction: string
  snippet: string
  rank: number
  next_cursor: string | null
}

const carla = asUser(DEMO.carla.id)
const bruno = asUser(DEMO.bruno.id)
const diego = asUser(DEMO.diego.id)
const supervisor = asUser(DEMO.supervisor.id)
const observer = asUser(DEMO.observer.id)
const admin = asUser(DEMO.admin.id)

/** Letters only, ending in a consonant the Portuguese stemmer leaves alone: a word no seed message has. */
const newTag = () => `zq${Array.from(randomBytes(8), byte => 'bcdfghjklmnpqrstvwxz'[byte % 20]).join('')}k`
const tag = newTag()

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000)

function search(actor: Actor, query: string, options: { ticketId?: string, limit?: number, cursor?: string | null } = {}): Promise<Hit[]> {
  return queryAs<Hit>(actor, 'select * from public.search_messages($1, $2, $3, $4)',
    [query, options.ticketId ?? null, options.limit ?? 20, options.cursor ?? null])
}

const ids = (hits: Hit[]) => hits.map(hit => hit.message_id)

let channelId: string
let contact: ContactRow

beforeAll(async () => {
  channelId = (await createChannel()).id
  contact = await createContact({ display_name: 'Joaquina Conceição', whatsapp_name: `Quina ${tag}` })
})

describe('search_messages: what matches', () => {
  let ticket: TicketRow
  const message: Record<string, MessageRow> = {}

  beforeAll(async () => {
    ticket = await createTicket({ status: 'open', teamId: DEMO.teams.support, assigneeId: DEMO.carla.id, channelId, contactId: contact.id })
    const add = async (name: string, minutes: number, values: Record<string, unknown>) => {
      message[name] = await createMessage(ticket, { created_at: minutesAgo(minutes), ...values })
    }
    await add('boletos', 50, { body: 'Preciso dos Boletos de março' })
    await add('naoConsegui', 49, { body: 'Não consegui fazer a transferência pelo aplicativo' })
    await add('report', 48, { kind: 'document', body: null, media_name: 'relatorio.pdf', media_path: `t/${tag}/1.pdf` })
    await add('contract', 47, { kind: 'document', body: null, media_name: 'contrato-assinado.pdf', media_path: `t/${tag}/2.pdf` })
    await add('caption', 46, { kind: 'image', body: 'Foto do roteador queimado', media_name: 'IMG-0001.jpg', media_path: `t/${tag}/3.jpg` })
    await add('note', 45, {
      kind: 'note', is_private: true, direction: 'outbound', sender_type: 'agent', sender_id: DEMO.carla.id,
      body: 'Cliente pediu estorno, falar com o financeiro', provider_message_id: null,
    })
    await add('payment', 44, { body: 'O pagamento foi feito ontem' })
    await add('prepayment', 10, { body: 'Consta um prepagamento pendente' })
    await add('html', 43, { body: '<script>alert("x")</script> o boleto & a "fatura" d\'água' })
  })

  const inTicket = (query: string) => search(carla, query, { ticketId: ticket.id })

  it('ignores accents and case, both ways', async () => {
    expect(ids(await inTicket('nao'))).toEqual([message.naoConsegui!.id])
    expect(ids(await inTicket('TRANSFERENCIA'))).toEqual([message.naoConsegui!.id])
    expect(ids(await inTicket('março'))).toEqual([message.boletos!.id])
    expect(ids(await inTicket('marco'))).toEqual([message.boletos!.id])
  })

  it('stems Portuguese words: boleto finds Boletos and boletos finds boleto', async () => {
    expect(ids(await inTicket('boleto'))).toEqual([message.html!.id, message.boletos!.id])
    expect(ids(await inTicket('boletos'))).toEqual([message.html!.id, message.boletos!.id])
  })

  it('finds partial words through trigrams, ranked below full words', async () => {
    const hits = await inTicket('transf')
    expect(ids(hits)).toEqual([message.naoConsegui!.id])
    expect(hits[0]!.rank).toBe(1)
    expect(hits[0]!.snippet).toContain('<mark>transf</mark>erência')
    expect(ids(await inTicket('aplicat'))).toEqual([message.naoConsegui!.id])
  })

  it('finds file names, whole or in part', async () => {
    const whole = await inTicket('relatorio.pdf')
    expect(ids(whole)).toEqual([message.report!.id])
    expect(whole[0]).toMatchObject({ kind: 'document', rank: 2, snippet: '<mark>relatorio.pdf</mark>' })
    expect(ids(await inTicket('relatório'))).toEqual([message.report!.id])
    expect(ids(await inTicket('assinado'))).toEqual([message.contract!.id])
  })

  it('finds captions of media messages', async () => {
    const hits = await inTicket('roteador')
    expect(ids(hits)).toEqual([message.caption!.id])
    expect(hits[0]).toMatchObject({ kind: 'image', snippet: 'Foto do <mark>roteador</mark> queimado · IMG-0001.jpg' })
  })

  it('includes private notes for staff', async () => {
    const hits = await inTicket('estorno')
    expect(hits.map(hit => [hit.message_id, hit.kind, hit.direction])).toEqual([[message.note!.id, 'note', 'outbound']])
    expect(ids(await search(observer, 'estorno', { ticketId: ticket.id }))).toEqual([message.note!.id])
  })

  it('puts a full-word match before a newer partial one, and newer before older within a grade', async () => {
    const hits = await inTicket('pagamento')
    expect(ids(hits)).toEqual([message.payment!.id, message.prepayment!.id])
    expect(hits.map(hit => hit.rank)).toEqual([2, 1])
    expect(ids(await inTicket('boleto'))).toEqual([message.html!.id, message.boletos!.id])
  })

  it('requires every word, and honours websearch syntax', async () => {
    expect(ids(await inTicket('boletos março'))).toEqual([message.boletos!.id])
    expect(ids(await inTicket('boleto -março'))).toEqual([message.html!.id])
    expect(ids(await inTicket('"fazer a transferência"'))).toEqual([message.naoConsegui!.id])
    expect(await inTicket('boleto roteador')).toEqual([])
  })

  it('marks matches in an HTML-escaped snippet', async () => {
    const [hit] = await inTicket('boleto')
    expect(hit!.snippet).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; o <mark>boleto</mark> &amp; a &quot;fatura&quot; d&#39;água')
    const withoutMarks = hit!.snippet.replaceAll('<mark>', '').replaceAll('</mark>', '')
    expect(withoutMarks).not.toMatch(/[<>]/)
  })

  it('shows a short message whole, marked, and cuts only a long one', async () => {
    const own = await createTicket({ status: 'open' })
    const word = newTag()
    const short = `Pode desligar o ${word} da tomada, esperar trinta segundos e ligar de novo? Depois me conte se voltou.`
    const long = `${'Primeiro confira os cabos e as luzes do aparelho com calma. '.repeat(4)}Depois o ${word} ${'e então mais texto que não cabe no resumo da busca. '.repeat(4)}`
    await createMessage(own, { body: short, created_at: minutesAgo(2) })
    await createMessage(own, { body: long, created_at: minutesAgo(1) })
    const hits = await search(carla, word, { ticketId: own.id })
    expect(hits.map(hit => hit.snippet)).toEqual([
      expect.stringMatching(/^….*<mark>zq\w+k<\/mark>.*…$/),
      short.replace(word, `<mark>${word}</mark>`),
    ])
  })

  it('returns the ticket and the contact of each hit', async () => {
    const [hit] = await inTicket('roteador')
    expect(hit).toMatchObject({
      ticket_id: ticket.id, ticket_number: ticket.number, contact_id: contact.id, contact_name: 'Joaquina Conceição', direction: 'inbound',
    })
  })

  it('treats special characters as text, never as SQL, LIKE or tsquery syntax', async () => {
    for (const query of ['%%', '__', `a%' or 1=1 --`, 'boleto & | ! :* ( )', '\\\\', '"boleto', '<mark>boleto</mark>']) {
      const hits = await inTicket(query)
      expect(hits.every(hit => hit.ticket_id === ticket.id)).toBe(true)
    }
    expect(await inTicket('%%')).toEqual([])
    expect(ids(await inTicket('boleto & | ! :* ( )'))).toEqual([message.html!.id, message.boletos!.id])
  })

  it('refuses queries shorter than 2 characters and longer than 200', async () => {
    for (const query of ['', 'a', '  b  ']) {
      const error = await queryAs(carla, 'select * from public.search_messages($1)', [query]).catch((e: { code: string, message: string }) => e)
      expect(error).toMatchObject({ code: 'P0001', message: 'search_query_too_short' })
    }
    const long = await queryAs(carla, 'select * from public.search_messages($1)', ['x'.repeat(201)]).catch((e: { code: string, message: string }) => e)
    expect(long).toMatchObject({ code: 'P0001', message: 'search_query_too_long' })
  })
})

describe('search_messages: who may see', () => {
  const whoTag = newTag()
  const hit: Record<string, string> = {}
  let supportTicketId: string

  beforeAll(async () => {
    const tickets = {
      support: await createTicket({ status: 'open', teamId: DEMO.teams.support, assigneeId: DEMO.bruno.id, channelId }),
      carlasFinance: await createTicket({ status: 'open', teamId: DEMO.teams.finance, assigneeId: DEMO.carla.id, channelId }),
      finance: await createTicket({ status: 'queued', teamId: DEMO.teams.finance, channelId }),
      bot: await createTicket({ status: 'bot', channelId }),
      closedSupport: await createTicket({ status: 'closed', teamId: DEMO.teams.support, assigneeId: DEMO.bruno.id, channelId }),
    }
    for (const [name, ticket] of Object.entries(tickets)) {
      hit[name] = (await createMessage(ticket, { body: `Mensagem ${whoTag} do atendimento ${name}` })).id
    }
    supportTicketId = tickets.support.id
  })

  const visible = async (actor: Actor, ticketId?: string) => ids(await search(actor, whoTag, { ticketId })).sort()
  const expected = (...names: string[]) => names.map(name => hit[name]!).sort()

  it('carla (Suporte) sees her team\'s tickets and her own, not Financeiro\'s or the bot\'s', async () => {
    expect(await visible(carla)).toEqual(expected('support', 'carlasFinance', 'closedSupport'))
  })

  it('bruno sees Suporte only; diego (Financeiro) the opposite of carla', async () => {
    expect(await visible(bruno)).toEqual(expected('support', 'closedSupport'))
    expect(await visible(diego)).toEqual(expected('carlasFinance', 'finance'))
  })

  it('the supervisor, the observer and admins see every ticket, the bot stage included', async () => {
    const all = expected('support', 'carlasFinance', 'finance', 'bot', 'closedSupport')
    expect(await visible(supervisor)).toEqual(all)
    expect(await visible(observer)).toEqual(all)
    expect(await visible(admin)).toEqual(all)
  })

  it('inside one ticket returns that ticket\'s messages only, and nothing from a ticket the caller may not see', async () => {
    expect(await visible(supervisor, supportTicketId)).toEqual(expected('support'))
    expect(await visible(diego, supportTicketId)).toEqual([])
  })

  it('anon may not call it; a deactivated user finds nothing', async () => {
    expect(await sqlErrorCode(queryAs(anon, 'select * from public.search_messages($1)', [whoTag]))).toBe('42501')
    expect(await sqlErrorCode(queryAs(anon, 'select * from private.search_message_hits(null, null, null, null, null, null, 10)'))).toBe('42501')
    const afterDeactivation = await runAs(serviceRole, async (db) => {
      await db.query('update public.profiles set active = false where id = $1', [DEMO.carla.id])
      await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
        [JSON.stringify({ sub: DEMO.carla.id, role: 'authenticated' })])
      return (await db.query('select * from public.search_messages($1)', [whoTag])).rows
    })
    expect(afterDeactivation).toEqual([])
  })
})

describe('search_messages: cursor pagination', () => {
  const pageTag = newTag()
  const grade2: string[] = []
  const grade1: string[] = []
  let ticket: TicketRow

  beforeAll(async () => {
    ticket = await createTicket({ status: 'open', teamId: DEMO.teams.support, assigneeId: DEMO.carla.id, channelId })
    // Three full-word matches share one timestamp (ties broken by id), two more are older; two partial
    // matches ("<tag>zz") are the newest of all but rank below every full match.
    const tie = minutesAgo(30)
    const created: Array<{ id: string, grade: number, at: Date }> = []
    const words = [[pageTag, tie], [pageTag, tie], [pageTag, tie], [pageTag, minutesAgo(40)], [pageTag, minutesAgo(50)],
      [`${pageTag}zz`, minutesAgo(1)], [`${pageTag}zz`, minutesAgo(2)]] as const
    for (const [word, at] of words) {
      const row = await createMessage(ticket, { body: `Texto ${word} da paginação`, created_at: at })
      created.push({ id: row.id, grade: word === pageTag ? 2 : 1, at })
    }
    const order = (a: { id: string, at: Date }, b: { id: string, at: Date }) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : -1)
    grade2.push(...created.filter(row => row.grade === 2).sort(order).map(row => row.id))
    grade1.push(...created.filter(row => row.grade === 1).sort(order).map(row => row.id))
  })

  it('walks every page once, in order, across ties and grades, with no duplicates or gaps', async () => {
    const pages: Hit[][] = []
    let cursor: string | null = null
    do {
      const page: Hit[] = await search(carla, pageTag, { limit: 2, cursor })
      pages.push(page)
      expect(new Set(page.map(hit => hit.next_cursor)).size).toBe(1)
      cursor = page.at(-1)?.next_cursor ?? null
    } while (cursor && pages.length < 10)
    expect(pages.map(page => page.length)).toEqual([2, 2, 2, 1])
    expect(pages.at(-1)!.at(-1)!.next_cursor).toBeNull()
    expect(pages.flat().map(hit => hit.message_id)).toEqual([...grade2, ...grade1])
    expect(pages.flat().map(hit => hit.rank)).toEqual([2, 2, 2, 2, 2, 1, 1])
  })

  it('gives the same order one page at a time as all at once', async () => {
    expect(ids(await search(carla, pageTag, { limit: 100 }))).toEqual([...grade2, ...grade1])
  })

  it('rejects a cursor it did not issue', async () => {
    for (const cursor of ['not-a-cursor', 'MS4xLjE', Buffer.from('3.1.00000000000000000000000000000000').toString('base64url')]) {
      const error = await search(carla, pageTag, { cursor }).catch((e: { code: string, message: string }) => e)
      expect(error).toMatchObject({ code: 'P0001', message: 'search_cursor_invalid' })
    }
  })

  it('finds the same hits whether it walks on or reads the index after its first window', async () => {
    // private.search_message_hits decides after a first window of newest rows (thousands in
    // production); windows of a few rows and short pages take both ways here, with the window's last
    // row a hit (inside the ticket) or not (all tickets).
    const hits = (scanRows: number | null, ticketId: string | null, limit: number) => queryAs<{ message_id: string, grade: number }>(carla, `
      select message_id, grade from private.search_message_hits(
        websearch_to_tsquery('portuguese', $1), private.search_terms($1), $2, null, null, null, $3, $4)`, [pageTag, ticketId, limit, scanRows])
    const everything = await hits(null, null, 50)
    expect(everything.map(hit => hit.message_id)).toEqual([...grade2, ...grade1])
    for (const limit of [3, 50]) {
      for (const scanRows of [1, 2, 3, 4]) {
        expect(await hits(scanRows, ticket.id, limit)).toEqual(everything.slice(0, limit))
        expect(await hits(scanRows, null, limit)).toEqual(everything.slice(0, limit))
      }
    }
  })
})

describe('search_contacts', () => {
  it('finds saved names, WhatsApp names and phone digits, ignoring accents and case, in part', async () => {
    const found = async (query: string) => (await queryAs<{ id: string }>(carla, 'select id from public.search_contacts($1)', [query])).map(row => row.id)
    expect(await found(`conceicao ${tag}`)).toEqual([contact.id])
    expect(await found(`JOAQ ${tag.slice(0, 6)}`)).toContain(contact.id)
    expect(await found(`quina ${tag}`)).toEqual([contact.id])
    expect(await found(contact.phone!.slice(-8))).toContain(contact.id)
    expect(await found(`maria ${tag}`)).toEqual([])
    const shortQuery = await queryAs<{ id: string }>(carla, 'select id from public.search_contacts($1, 100)', ['Jo'])
    expect(shortQuery.map(row => row.id)).toContain(contact.id)
  })

  it('returns whole contact rows, best match first', async () => {
    const close = await createContact({ display_name: `Rafa ${tag}` })
    const far = await createContact({ display_name: `Rafaela Antunes de Souza Meireles ${tag}` })
    const rows = await queryAs<{ id: string, display_name: string }>(carla, 'select * from public.search_contacts($1)', [`rafa ${tag}`])
    expect(rows.map(row => row.id)).toEqual([close.id, far.id])
    expect(rows[0]).toMatchObject({ display_name: `Rafa ${tag}` })
  })

  it('refuses short queries and anon', async () => {
    const error = await queryAs(carla, 'select * from public.search_contacts($1)', ['a']).catch((e: { code: string, message: string }) => e)
    expect(error).toMatchObject({ code: 'P0001', message: 'search_query_too_short' })
    expect(await sqlErrorCode(queryAs(anon, 'select * from public.search_contacts($1)', [tag]))).toBe('42501')
  })
})
