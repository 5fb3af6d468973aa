import { INBOX_LABELS, INBOX_RECONCILE_MS, TICKET_ERROR_MESSAGES, type TicketListKey } from '~/constants/tickets'
import { subscribeToTable, type LiveStatus, type RowChange } from '~/services/realtime'
import * as ticketsService from '~/services/tickets'
import type { TicketContact, TicketWithContact } from '~/services/tickets'
import type { Tables } from '~/types/database'
import type { Contact, Ticket } from '~/types/domain'
import { missingFrom, newerTicket, selectMine, selectQueue } from '~/utils/tickets'

export type AcceptResult = { ok: true, ticket: Ticket } | { ok: false, message: string }

/** A re-read triggered by the tab coming back is skipped if the lists were read this recently. */
const REFRESH_ON_FOCUS_AFTER_MS = 10_000
/** Contacts of tickets that arrive through realtime are fetched together, after this pause. */
const CONTACT_BATCH_DELAY_MS = 50

/**
 * The tickets the workspace shows, by id, and the two inbox lists derived from them: `mine` (my open
 * tickets, latest activity first) and `queue` (the queues I work, longest waiting first). Everything
 * that learns a newer copy of a ticket (list reads, realtime, RPC results from other stores) goes
 * through `upsert`, and the lists follow, so a ticket accepted by someone else leaves the queue and
 * one transferred to me shows up in my list without further bookkeeping.
 */
export const useTicketsStore = defineStore('tickets', () => {
  const supabase = useSupabase()
  const session = useSessionStore()
  const catalogues = useCataloguesStore()

  const byId = ref<Record<string, Ticket>>({})
  /** Card summaries of the tickets' contacts (name, phone), by contact id. */
  const contactsById = ref<Record<string, TicketContact>>({})
  const loading = reactive<Record<TicketListKey, boolean>>({ mine: false, queue: false })
  /** pt-BR reason the last read of a list failed, or null. */
  const error = reactive<Record<TicketListKey, string | null>>({ mine: null, queue: null })
  /** Whether a list was read at least once (skeletons only before that). */
  const loaded = reactive<Record<TicketListKey, boolean>>({ mine: false, queue: false })
  /** Ticket ids whose accept_ticket call is in flight. */
  const accepting = ref<Record<string, boolean>>({})
  /** State of the realtime subscription; `off` until startRealtime(). */
  const liveStatus = ref<LiveStatus | 'off'>('off')

  const userId = computed(() => session.user?.id ?? null)
  /** Supervisors, admins and observers follow every queue; agents, their teams'. */
  const followsAllQueues = computed(() => session.role === 'admin' || session.role === 'supervisor' || session.role === 'observer')
  /** Observers only read: no Atender. */
  const canAccept = computed(() => session.role === 'admin' || session.role === 'supervisor' || session.role === 'agent')

  const mine = computed(() => selectMine(Object.values(byId.value), userId.value))
  const queue = computed(() => selectQueue(Object.values(byId.value), {
    allTeams: followsAllQueues.value,
    teamIds: catalogues.myTeamIds,
  }))
  const counts = computed(() => ({ mine: mine.value.length, queue: queue.value.length }))

  function contactOf(ticketId: string): TicketContact | undefined {
    const ticket = byId.value[ticketId]
    return ticket ? contactsById.value[ticket.contact_id] : undefined
  }

  // Contacts --------------------------------------------------------------------------------------

  const wantedContacts = new Set<string>()
  let contactBatch: Promise<void> | undefined

  function storeContact(contact: TicketContact): void {
    contactsById.value = { ...contactsById.value, [contact.id]: contact }
  }

  /** A contact edited elsewhere (name, block): cards show the new name at once. */
  function upsertContact(contact: Contact | TicketContact): void {
    const { id, display_name, whatsapp_name, phone, blocked } = contact
    storeContact({ id, display_name, whatsapp_name, phone, blocked })
  }

  /** Reads the contacts asked for within a short pause together; resolves when the read ends. */
  function requestContact(contactId: string): Promise<void> {
    if (contactsById.value[contactId]) return Promise.resolve()
    wantedContacts.add(contactId)
    contactBatch ??= new Promise<void>(resolve => setTimeout(resolve, CONTACT_BATCH_DELAY_MS)).then(flushContacts)
    return contactBatch
  }

  async function flushContacts(): Promise<void> {
    contactBatch = undefined
    const ids = [...wantedContacts]
    wantedContacts.clear()
    try {
      for (const contact of await ticketsService.fetchContactSummaries(supabase, ids)) storeContact(contact)
    }
    catch {
      // The next list read brings the contacts along with the tickets; until then the card waits for the name.
    }
  }

  // Tickets ---------------------------------------------------------------------------------------

  /** Keeps the newer of the known copy and `ticket` (another store's RPC result, a realtime change). */
  function upsert(ticket: Ticket): void {
    const current = byId.value[ticket.id]
    const next = newerTicket(current, ticket)
    if (next !== current) byId.value = { ...byId.value, [ticket.id]: next }
    void requestContact(ticket.contact_id)
  }

  function ingest(rows: TicketWithContact[]): void {
    for (const { contact } of rows) if (contact) storeContact(contact)
    for (const { ticket } of rows) upsert(ticket)
  }

  /** Forgets a ticket the user can no longer see. */
  function remove(id: string): void {
    if (!byId.value[id]) return
    const { [id]: _removed, ...rest } = byId.value
    byId.value = rest
  }

  /**
   * Tickets that left a list without an event reaching us: read them again; those not returned are no
   * longer visible to the user (e.g. transferred to another team) and are forgotten.
   */
  async function settle(ids: string[]): Promise<void> {
    const rows = await ticketsService.fetchTicketsByIds(supabase, ids)
    ingest(rows)
    const returned = new Set(rows.map(row => row.ticket.id))
    for (const id of ids) if (!returned.has(id)) remove(id)
  }

  async function loadList(list: TicketListKey): Promise<void> {
    const uid = userId.value
    if (!uid) return
    loading[list] = true
    error[list] = null
    const before = list === 'mine' ? [...mine.value] : [...queue.value]
    try {
      let rows: TicketWithContact[]
      if (list === 'mine') {
        rows = await ticketsService.fetchMyOpenTickets(supabase, uid)
      }
      else {
        await catalogues.ensureLoaded()
        rows = await ticketsService.fetchQueuedTickets(supabase, followsAllQueues.value ? null : catalogues.myTeamIds)
      }
      if (uid !== userId.value) return
      ingest(rows)
      const missing = missingFrom(before, rows.map(row => row.ticket))
      if (missing.length > 0) await settle(missing)
      loaded[list] = true
    }
    catch {
      error[list] = list === 'mine' ? INBOX_LABELS.loadFailedMine : INBOX_LABELS.loadFailedQueue
    }
    finally {
      loading[list] = false
    }
  }

  let lastLoadAt = 0
  let inboxRequest: Promise<void> | undefined

  /** Reads both lists (again); concurrent calls share one read. Failures land in `error`. */
  function loadInbox(): Promise<void> {
    inboxRequest ??= Promise.all([loadList('mine'), loadList('queue')]).then(() => {
      lastLoadAt = Date.now()
    }).finally(() => {
      inboxRequest = undefined
    })
    return inboxRequest
  }

  const ticketRequests = new Map<string, Promise<Ticket | null>>()

  /**
   * A ticket by id, read from the server when it is not known yet (a link, a search hit) or when
   * `refresh` is set. Null when it does not exist or the user may not see it; throws when the server
   * cannot be reached, so the caller can offer a retry.
   */
  function ensureTicket(id: string, options: { refresh?: boolean } = {}): Promise<Ticket | null> {
    const known = byId.value[id]
    if (known && !options.refresh) return Promise.resolve(known)
    let request = ticketRequests.get(id)
    if (!request) {
      request = ticketsService.fetchTicket(supabase, id)
        .then((row) => {
          if (!row) {
            remove(id)
            return null
          }
          ingest([row])
          return byId.value[id] ?? null
        })
        .finally(() => ticketRequests.delete(id))
      ticketRequests.set(id, request)
    }
    return request
  }

  /**
   * Takes a queued ticket. When someone else was faster (or it left the queue), says so in pt-BR and
   * re-reads the ticket, so the lists show where it went.
   */
  async function accept(id: string): Promise<AcceptResult> {
    if (accepting.value[id]) return { ok: false, message: '' }
    accepting.value = { ...accepting.value, [id]: true }
    try {
      const ticket = await ticketsService.acceptTicket(supabase, id)
      upsert(ticket)
      return { ok: true, ticket }
    }
    catch (cause) {
      const key = ticketsService.ticketErrorKey(cause)
      const message = TICKET_ERROR_MESSAGES[key]
      useAppMessage().warning(message)
      if (key !== 'network' && key !== 'unknown') void ensureTicket(id, { refresh: true }).catch(() => undefined)
      return { ok: false, message }
    }
    finally {
      const { [id]: _done, ...rest } = accepting.value
      accepting.value = rest
    }
  }

  /**
   * Clears the unread badge of a ticket assigned to me (optimistic; restored if the server refuses).
   * Anyone else looking at it (a supervisor, a peek at the queue) leaves the assignee's badge alone.
   */
  async function markRead(id: string): Promise<void> {
    const ticket = byId.value[id]
    if (!ticket || ticket.unread_count === 0 || ticket.assignee_id !== userId.value) return
    const optimistic = { ...toRaw(ticket), unread_count: 0 }
    byId.value = { ...byId.value, [id]: optimistic }
    try {
      upsert(await ticketsService.markTicketRead(supabase, id))
    }
    catch {
      // Restore the badge unless a newer copy arrived meanwhile (the record holds reactive proxies).
      if (toRaw(byId.value[id]) === optimistic) byId.value = { ...byId.value, [id]: toRaw(ticket) }
    }
  }

  // Realtime --------------------------------------------------------------------------------------

  let stopSubscription: (() => void) | null = null
  let reconcileTimer: ReturnType<typeof setInterval> | undefined

  async function onTicketChange(change: RowChange<Tables<'tickets'>>): Promise<void> {
    if (change.type === 'DELETE') {
      if (change.old.id) remove(change.old.id)
      return
    }
    const ticket = ticketsService.toTicket(change.row)
    // A ticket new to this screen (a customer entering the queue) waits for its contact's name, so
    // its card and its notification never show up nameless.
    if (!byId.value[ticket.id]) await requestContact(ticket.contact_id)
    upsert(ticket)
  }

  function onVisibilityChange(): void {
    if (document.visibilityState === 'visible' && Date.now() - lastLoadAt > REFRESH_ON_FOCUS_AFTER_MS) void loadInbox()
  }

  /** Follows ticket changes live (idempotent). Re-reads the lists after a reconnect and periodically. */
  function startRealtime(): void {
    if (stopSubscription || !import.meta.client) return
    stopSubscription = subscribeToTable<Tables<'tickets'>>(supabase, {
      table: 'tickets',
      onChange: change => void onTicketChange(change),
      onResync: () => void loadInbox(),
      onStatus: (status) => {
        liveStatus.value = status
      },
    })
    reconcileTimer = setInterval(() => {
      if (document.visibilityState === 'visible') void loadInbox()
    }, INBOX_RECONCILE_MS)
    document.addEventListener('visibilitychange', onVisibilityChange)
  }

  function stopRealtime(): void {
    stopSubscription?.()
    stopSubscription = null
    clearInterval(reconcileTimer)
    if (import.meta.client) document.removeEventListener('visibilitychange', onVisibilityChange)
    liveStatus.value = 'off'
  }

  function reset(): void {
    byId.value = {}
    contactsById.value = {}
    accepting.value = {}
    for (const list of ['mine', 'queue'] as const) {
      loaded[list] = false
      error[list] = null
    }
  }

  // Signing out (or in as someone else) starts from nothing: lists and contacts are per user.
  watch(userId, (next, previous) => {
    if (next !== previous) reset()
  })

  return {
    byId,
    contactsById,
    mine,
    queue,
    counts,
    loading,
    loaded,
    error,
    accepting,
    liveStatus,
    canAccept,
    followsAllQueues,
    contactOf,
    loadInbox,
    ensureTicket,
    upsert,
    upsertContact,
    accept,
    markRead,
    startRealtime,
    stopRealtime,
  }
})
