/** Up to this width (sidebar 256 + inbox 356 + details 320 + a readable chat) the details float. */
const OVERLAY_QUERY = '(max-width: 1320px)'
const DETAILS_OPEN_KEY = 'atende:ticket-details-open'

function readStored(): boolean {
  try {
    return localStorage.getItem(DETAILS_OPEN_KEY) !== 'false'
  }
  catch {
    return true
  }
}

/**
 * Whether the ticket details column is shown. On wide screens it is a column and the choice is
 * remembered; on narrower ones it floats over the conversation, so it starts closed (the
 * conversation comes first) and Escape closes it.
 */
export function useInboxDetailsToggle() {
  const query = window.matchMedia(OVERLAY_QUERY)
  const overlay = ref(query.matches)
  const open = ref(overlay.value ? false : readStored())

  function onQueryChange(event: MediaQueryListEvent): void {
    overlay.value = event.matches
    if (event.matches) open.value = false
    else open.value = readStored()
  }

  function toggle(): void {
    open.value = !open.value
    if (overlay.value) return
    try {
      localStorage.setItem(DETAILS_OPEN_KEY, String(open.value))
    }
    catch {
      // Not remembered across reloads; the toggle still works.
    }
  }

  function onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && overlay.value && open.value && !event.defaultPrevented) open.value = false
  }

  onMounted(() => {
    query.addEventListener('change', onQueryChange)
    window.addEventListener('keydown', onKeydown)
  })
  onBeforeUnmount(() => {
    query.removeEventListener('change', onQueryChange)
    window.removeEventListener('keydown', onKeydown)
  })

  return { open: readonly(open), overlay: readonly(overlay), toggle }
}
