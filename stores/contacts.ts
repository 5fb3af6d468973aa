import * as contactsService from '~/services/contacts'
import { errorText } from '~/services/errors'
import { SEARCH_MIN_LENGTH } from '~/services/search'
import type { Contact, Ticket } from '~/types/domain'

/** Rows per page of the Contatos list, and the most `search_contacts` returns at once. */
const PAGE_SIZE = 30
const SEARCH_MAX_ROWS = 100

/** "+55 (11) 98765-4321" searches the stored digits; anything with letters is searched as typed. */
function searchableQuery(query: string): string {
  const trimmed = query.trim().replace(/\s+/g, ' ')
  return /^[\d\s()+.-]+$/.test(trimmed) && /\d/.test(trimmed) ? trimmed.replace(/\D/g, '') : trimmed
}

/**
 * Contacts: records by id, the Contatos list (every contact, newest conversation first, or the
 * `search_contacts` results for a query), each contact's ticket history, and edits (optimistic,
 * rolled back on failure). Every request that a newer one supersedes is dropped on arrival, so fast
 * typing never shows an older query's results.
 */
export const useContactsStore = defineStore('contacts', () => {
  const supabase = useSupabase()
  const tickets = useTicketsStore()

  const byId = ref<Record<string, Contact>>({})

  // The list -----------------------------------------------------------------------------------------
  const listIds = ref<string[]>([])
  /** The query the list shows (trimmed; shorter than 2 characters = every contact). */
  const listQuery = ref('')
  const listLoading = ref(false)
  const listLoadingMore = ref(false)
  const listError = ref<string | null>(null)
  const listHasMore = ref(false)
  const listLoaded = ref(false)
  let searchLimit = PAGE_SIZE
  let listRequest = 0

  const listContacts = computed(() => listIds.value.map(id => byId.value[id]).filter((row): row is Contact => Boolean(row)))
  const isSearching = computed(() => listQuery.value.length >= SEARCH_MIN_LENGTH)

  function remember(rows: Contact[]): string[] {
    for (const row of rows) byId.value[row.id] = row
    return rows.map(row => row.id)
  }

  async function fetchListPage(more: boolean): Promise<void> {
    const request = ++listRequest
    const query = listQuery.value
    if (more) listLoadingMore.value = true
    else listLoading.value = true
    listError.value = null
    try {
      if (query.length >= SEARCH_MIN_LENGTH) {
        // search_contacts has no cursor: a longer page replaces the list (up to its 100-row cap).
        searchLimit = more ? Math.min(searchLimit + PAGE_SIZE, SEARCH_MAX_ROWS) : PAGE_SIZE
        const rows = await contactsService.searchContacts(supabase, searchableQuery(query), searchLimit)
        if (request !== listRequest) return
        listIds.value = remember(rows)
        listHasMore.value = rows.length === searchLimit && searchLimit < SEARCH_MAX_ROWS
      }
      else {
        const last = more ? byId.value[listIds.value.at(-1) ?? ''] : undefined
        const rows = await contactsService.fetchContactsPage(supabase, last ? contactsService.contactCursor(last) : null, PAGE_SIZE)
        if (request !== listRequest) return
        const ids = remember(rows)
        listIds.value = more ? [...listIds.value, ...ids.filter(id => !listIds.value.includes(id))] : ids
        listHasMore.value = rows.length === PAGE_SIZE
      }
      listLoaded.value = true
    }
    catch (error) {
      if (request === listRequest) listError.value = errorText(error)
    }
    finally {
      if (request === listRequest) {
        listLoading.value = false
        listLoadingMore.value = false
      }
    }
  }

  /** Shows every contact (query shorter than 2 characters) or the contacts matching the query. */
  function loadList(query = listQuery.value): Promise<void> {
    const normalized = query.trim()
    // One character is not searched: keep showing every contact.
    listQuery.value = normalized.length >= SEARCH_MIN_LENGTH ? normalized : ''
    return fetchListPage(false)
  }

  /** The next page (infinite scroll); a no-op while a page is loading or at the end. */
  function loadMore(): Promise<void> {
    if (!listHasMore.value || listLoading.value || listLoadingMore.value) return Promise.resolve()
    return fetchListPage(true)
  }

  // One contact ---------------------------------------------------------------------------------------
  const loadingContact = ref<Record<string, boolean>>({})
  const contactErrors = ref<Record<string, string | null>>({})

  async function ensureContact(contactId: string, options: { force?: boolean } = {}): Promise<Contact | null> {
    if (!options.force && byId.value[contactId]) return byId.value[contactId]
    loadingContact.value[contactId] = true
    contactErrors.value[contactId] = null
    try {
      const row = await contactsService.fetchContact(supabase, contactId)
      if (row) byId.value[row.id] = row
      return row
    }
    catch (error) {
      contactErrors.value[contactId] = errorText(error)
      return null
    }
    finally {
      loadingContact.value[contactId] = false
    }
  }

  // Edits ---------------------------------------------------------------------------------------------
  const saving = ref<Record<string, boolean>>({})

  /** Applies the patch at once and keeps it if the server accepts it; otherwise restores and rethrows. */
  async function update(contactId: string, patch: contactsService.ContactPatch): Promise<Contact> {
    const before = byId.value[contactId]
    if (before) byId.value[contactId] = { ...before, ...patch }
    saving.value[contactId] = true
    try {
      const saved = await contactsService.updateContact(supabase, contactId, patch)
      byId.value[contactId] = saved
      // Inbox cards and the conversation header show the new name (and the block) at once.
      tickets.upsertContact(saved)
      return saved
    }
    catch (error) {
      if (before) byId.value[contactId] = before
      throw error
    }
    finally {
      saving.value[contactId] = false
    }
  }

  // History -------------------------------------------------------------------------------------------
  const historyByContact = ref<Record<string, Ticket[]>>({})
  const historyLoading = ref<Record<string, boolean>>({})
  const historyErrors = ref<Record<string, string | null>>({})

  async function loadHistory(contactId: string): Promise<void> {
    historyLoading.value[contactId] = true
    historyErrors.value[contactId] = null
    try {
      historyByContact.value[contactId] = await contactsService.fetchContactTickets(supabase, contactId)
    }
    catch (error) {
      historyErrors.value[contactId] = errorText(error)
    }
    finally {
      historyLoading.value[contactId] = false
    }
  }

  /** A ticket created or changed elsewhere (reopen) shows in the contact's history at once. */
  function rememberTicket(ticket: Ticket): void {
    const history = historyByContact.value[ticket.contact_id]
    if (!history) return
    const rest = history.filter(row => row.id !== ticket.id)
    historyByContact.value[ticket.contact_id] = [ticket, ...rest].sort((a, b) => b.created_at.localeCompare(a.created_at))
  }

  return {
    byId,
    listIds,
    listQuery,
    listLoading,
    listLoadingMore,
    listError,
    listHasMore,
    listLoaded,
    listContacts,
    isSearching,
    loadList,
    loadMore,
    loadingContact,
    contactErrors,
    ensureContact,
    saving,
    update,
    historyByContact,
    historyLoading,
    historyErrors,
    loadHistory,
    rememberTicket,
  }
})
