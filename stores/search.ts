import * as searchService from '~/services/search'
import { errorText } from '~/services/errors'
import type { MessageSearchHit } from '~/types/domain'
import { compareHitsNewestFirst, groupHitsByTicket } from '~/utils/search-snippet'

/** Hits read per request inside one conversation (the server's maximum), and per global page. */
const CONVERSATION_PAGE = 100
const GLOBAL_PAGE = 20

export interface ConversationSearch {
  query: string
  /** Newest first: "next" (Enter) walks back in time, as chat apps do. */
  hits: MessageSearchHit[]
  nextCursor: string | null
  /** The hit on screen, -1 when none. */
  index: number
  loading: boolean
  error: string | null
}

/**
 * Message search: one state per open conversation (Ctrl+F: hits, the current one, next/previous) and
 * the global search (all conversations the user may see, paged by cursor, grouped by ticket). A newer
 * query supersedes a request still on its way.
 */
export const useSearchStore = defineStore('search', () => {
  const supabase = useSupabase()

  // Inside a conversation -------------------------------------------------------------------------------
  const conversations = ref<Record<string, ConversationSearch>>({})
  const conversationRequests: Record<string, number> = {}

  function conversation(ticketId: string): ConversationSearch {
    conversations.value[ticketId] ??= { query: '', hits: [], nextCursor: null, index: -1, loading: false, error: null }
    return conversations.value[ticketId]
  }

  async function searchConversation(ticketId: string, query: string): Promise<void> {
    const state = conversation(ticketId)
    const request = (conversationRequests[ticketId] = (conversationRequests[ticketId] ?? 0) + 1)
    state.query = query.trim()
    state.error = null
    if (state.query.length < searchService.SEARCH_MIN_LENGTH) {
      Object.assign(state, { hits: [], nextCursor: null, index: -1, loading: false })
      return
    }
    state.loading = true
    try {
      const page = await searchService.searchMessages(supabase, { query: state.query, ticketId, limit: CONVERSATION_PAGE })
      if (request !== conversationRequests[ticketId]) return
      Object.assign(state, { hits: [...page.hits].sort(compareHitsNewestFirst), nextCursor: page.nextCursor, index: page.hits.length ? 0 : -1 })
    }
    catch (error) {
      if (request === conversationRequests[ticketId]) Object.assign(state, { hits: [], nextCursor: null, index: -1, error: errorText(error) })
    }
    finally {
      if (request === conversationRequests[ticketId]) state.loading = false
    }
  }

  /** Reads the rest of a very frequent word's hits, when "next" reaches the end of what was read. */
  async function loadMoreInConversation(ticketId: string): Promise<void> {
    const state = conversation(ticketId)
    if (!state.nextCursor || state.loading) return
    const request = conversationRequests[ticketId]
    state.loading = true
    try {
      const page = await searchService.searchMessages(supabase, { query: state.query, ticketId, limit: CONVERSATION_PAGE, cursor: state.nextCursor })
      if (request !== conversationRequests[ticketId]) return
      const current = state.hits[state.index]?.message_id
      const known = new Set(state.hits.map(hit => hit.message_id))
      state.hits = [...state.hits, ...page.hits.filter(hit => !known.has(hit.message_id))].sort(compareHitsNewestFirst)
      state.nextCursor = page.nextCursor
      state.index = Math.max(0, state.hits.findIndex(hit => hit.message_id === current))
    }
    catch (error) {
      if (request === conversationRequests[ticketId]) state.error = errorText(error)
    }
    finally {
      if (request === conversationRequests[ticketId]) state.loading = false
    }
  }

  /** Moves to the next (older, step 1) or previous (newer, step -1) hit, wrapping around. */
  async function step(ticketId: string, direction: 1 | -1): Promise<MessageSearchHit | null> {
    const state = conversation(ticketId)
    if (state.hits.length === 0) return null
    if (direction === 1 && state.index === state.hits.length - 1 && state.nextCursor) {
      await loadMoreInConversation(ticketId)
    }
    const count = state.hits.length
    state.index = (state.index + direction + count) % count
    return state.hits[state.index] ?? null
  }

  function clearConversation(ticketId: string): void {
    conversationRequests[ticketId] = (conversationRequests[ticketId] ?? 0) + 1
    const { [ticketId]: _closed, ...rest } = conversations.value
    conversations.value = rest
  }

  // Global ----------------------------------------------------------------------------------------------
  const globalQuery = ref('')
  const globalHits = ref<MessageSearchHit[]>([])
  const globalCursor = ref<string | null>(null)
  const globalLoading = ref(false)
  const globalLoadingMore = ref(false)
  const globalError = ref<string | null>(null)
  /** True once a query got an answer (to tell "no results" from "not searched yet"). */
  const globalSearched = ref(false)
  let globalRequest = 0

  const globalGroups = computed(() => groupHitsByTicket(globalHits.value))

  async function searchGlobal(query: string): Promise<void> {
    const request = ++globalRequest
    globalQuery.value = query.trim()
    globalError.value = null
    globalLoadingMore.value = false
    if (globalQuery.value.length < searchService.SEARCH_MIN_LENGTH) {
      globalHits.value = []
      globalCursor.value = null
      globalSearched.value = false
      globalLoading.value = false
      return
    }
    globalLoading.value = true
    try {
      const page = await searchService.searchMessages(supabase, { query: globalQuery.value, limit: GLOBAL_PAGE })
      if (request !== globalRequest) return
      globalHits.value = page.hits
      globalCursor.value = page.nextCursor
      globalSearched.value = true
    }
    catch (error) {
      if (request === globalRequest) {
        globalHits.value = []
        globalCursor.value = null
        globalError.value = errorText(error)
      }
    }
    finally {
      if (request === globalRequest) globalLoading.value = false
    }
  }

  async function loadMoreGlobal(): Promise<void> {
    if (!globalCursor.value || globalLoading.value || globalLoadingMore.value) return
    const request = globalRequest
    globalLoadingMore.value = true
    try {
      const page = await searchService.searchMessages(supabase, { query: globalQuery.value, limit: GLOBAL_PAGE, cursor: globalCursor.value })
      if (request !== globalRequest) return
      const known = new Set(globalHits.value.map(hit => hit.message_id))
      globalHits.value = [...globalHits.value, ...page.hits.filter(hit => !known.has(hit.message_id))]
      globalCursor.value = page.nextCursor
    }
    catch (error) {
      if (request === globalRequest) globalError.value = errorText(error)
    }
    finally {
      if (request === globalRequest) globalLoadingMore.value = false
    }
  }

  return {
    conversations,
    conversation,
    searchConversation,
    step,
    clearConversation,
    globalQuery,
    globalHits,
    globalCursor,
    globalLoading,
    globalLoadingMore,
    globalError,
    globalSearched,
    globalGroups,
    searchGlobal,
    loadMoreGlobal,
  }
})
