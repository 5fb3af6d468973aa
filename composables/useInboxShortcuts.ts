import { INBOX_TABS, type InboxTab } from '~/constants/tickets'

export interface InboxShortcutHandlers {
  selectTab: (tab: InboxTab) => void
  /** Alt+↑ (-1) / Alt+↓ (+1): the neighbouring ticket of the current list. */
  step: (direction: 1 | -1) => void
  toggleDetails: () => void
}

const TAB_KEYS: Record<string, InboxTab> = { Digit1: INBOX_TABS[0], Digit2: INBOX_TABS[1], Digit3: INBOX_TABS[2] }

/**
 * The workspace's keyboard shortcuts, on the window while the page is mounted: Alt+1/2/3 tabs,
 * Alt+↑/↓ previous/next ticket, Alt+I details. Keys are read by physical position (`code`), since
 * Alt+digit types other characters on some layouts (macOS).
 */
export function useInboxShortcuts(handlers: InboxShortcutHandlers): void {
  function onKeydown(event: KeyboardEvent): void {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.isComposing) return
    const tab = TAB_KEYS[event.code]
    if (tab) handlers.selectTab(tab)
    else if (event.code === 'ArrowUp') handlers.step(-1)
    else if (event.code === 'ArrowDown') handlers.step(1)
    else if (event.code === 'KeyI') handlers.toggleDetails()
    else return
    event.preventDefault()
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
