import { errorText } from '~/services/errors'
import * as actionsService from '~/services/ticket-actions'
import * as messagesService from '~/services/messages'
import type { Ticket, TicketEvent } from '~/types/domain'

/**
 * Actions on a ticket (transfer, close, reopen a conversation) and its event history. Each RPC returns
 * the changed ticket, which goes straight into the tickets store, so the inbox lists and the header
 * move at once instead of waiting for the realtime echo (which then merges as a no-op). Failures are
 * rethrown as `RpcError`, whose pt-BR detail the dialogs show.
 */
export interface TicketPermissions {
  transfer: boolean
  close: boolean
  editContact: boolean
}

export const useTicketActionsStore = defineStore('ticket-actions', () => {
  const supabase = useSupabase()
  const tickets = useTicketsStore()
  const session = useSessionStore()
  const catalogues = useCataloguesStore()

  /**
   * What the signed-in user may do with a ticket, mirroring the RPCs' checks so buttons are only
   * offered when they can work (the database still decides).
   */
  function permissions(ticketId: string): TicketPermissions {
    const ticket = tickets.byId[ticketId]
    const role = session.role
    const worker = role === 'admin' || role === 'supervisor' || role === 'agent'
    if (!ticket || !worker) return { transfer: false, close: false, editContact: worker }
    const lead = role === 'admin' || role === 'supervisor'
    const mine = ticket.assignee_id !== null && ticket.assignee_id === session.user?.id
    const inMyQueue = ticket.status === 'queued' && ticket.team_id !== null && catalogues.myTeamIds.includes(ticket.team_id)
    const active = ticket.status === 'open' || ticket.status === 'queued'
    return {
      transfer: active && (lead || mine || inMyQueue),
      close: lead ? active : ticket.status === 'open' && mine,
      editContact: true,
    }
  }

  const transferring = ref<Record<string, boolean>>({})
  const closing = ref<Record<string, boolean>>({})
  const reopening = ref<Record<string, boolean>>({})

  // Event history (ticket_events is not in the realtime publication: re-read when the ticket changes).
  const eventsByTicket = ref<Record<string, TicketEvent[]>>({})
  const eventsLoading = ref<Record<string, boolean>>({})
  const eventsErrors = ref<Record<string, string | null>>({})
  const eventRequests: Record<string, number> = {}

  async function loadEvents(ticketId: string): Promise<void> {
    const request = (eventRequests[ticketId] = (eventRequests[ticketId] ?? 0) + 1)
    eventsLoading.value[ticketId] = true
    eventsErrors.value[ticketId] = null
    try {
      const rows = await actionsService.fetchTicketEvents(supabase, ticketId)
      if (request === eventRequests[ticketId]) eventsByTicket.value[ticketId] = rows
    }
    catch (error) {
      if (request === eventRequests[ticketId]) eventsErrors.value[ticketId] = errorText(error)
    }
    finally {
      if (request === eventRequests[ticketId]) eventsLoading.value[ticketId] = false
    }
  }

  // Settings the close dialog needs.
  const classificationRequired = ref(false)

  /**
   * Reads app_settings.classification_required each time the close dialog opens (one small row): an admin
   * may have changed the rule since. A failure keeps the last value; the server enforces the rule anyway
   * (classification_required) and the dialog then shows its text.
   */
  function ensureSettings(): Promise<void> {
    return actionsService.fetchClassificationRequired(supabase)
      .then((required) => {
        classificationRequired.value = required
      })
      .catch(() => {})
  }

  function applied(ticket: Ticket): Ticket {
    tickets.upsert(ticket)
    if (eventsByTicket.value[ticket.id]) void loadEvents(ticket.id)
    return ticket
  }

  async function transfer(input: actionsService.TransferInput): Promise<Ticket> {
    transferring.value[input.ticketId] = true
    try {
      return applied(await actionsService.transferTicket(supabase, input))
    }
    finally {
      transferring.value[input.ticketId] = false
    }
  }

  async function close(input: actionsService.CloseInput): Promise<Ticket> {
    closing.value[input.ticketId] = true
    try {
      const closed = applied(await actionsService.closeTicket(supabase, input))
      // close_ticket queues the farewell and the rating prompt; deliver them now rather than at the
      // scheduler's next sweep (a failure here only leaves them to that sweep).
      void messagesService.nudgeSender(supabase)
      return closed
    }
    finally {
      closing.value[input.ticketId] = false
    }
  }

  /** Opens a new ticket with the contact; the caller navigates to it. */
  async function reopen(input: actionsService.ReopenInput): Promise<Ticket> {
    reopening.value[input.contactId] = true
    try {
      return applied(await actionsService.reopenConversation(supabase, input))
    }
    finally {
      reopening.value[input.contactId] = false
    }
  }

  return {
    permissions,
    transferring,
    closing,
    reopening,
    eventsByTicket,
    eventsLoading,
    eventsErrors,
    loadEvents,
    classificationRequired,
    ensureSettings,
    transfer,
    close,
    reopen,
  }
})
