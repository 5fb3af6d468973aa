import type { Ref } from 'vue'
import type { Message } from '~/types/domain'
import { isLocalMessage } from '~/utils/messages'

export interface KeyboardRow {
  key: string
  message: Message
}

/**
 * Keyboard use of the message list (a roving tab stop over the messages): ↑/↓ move between messages,
 * Home/End jump to the first/last loaded one, R replies to the focused message.
 */
export function useMessageListKeyboard(options: {
  rows: Ref<KeyboardRow[]>
  container: Ref<HTMLElement | null>
  scrollToKey: (key: string, align?: 'center' | 'start') => boolean
  readOnly: Ref<boolean>
  onReply: (message: Message) => void
}) {
  const activeKey = ref<string | null>(null)

  function focusRow(key: string): void {
    activeKey.value = key
    options.scrollToKey(key, 'center')
    // The row may only exist after the window moved there.
    void nextTick(() => options.container.value?.querySelector<HTMLElement>(`[data-row-key="${CSS.escape(key)}"]`)?.focus())
  }

  function onKeydown(event: KeyboardEvent): void {
    // Keys typed in a control inside a message (the audio seek bar, a link) are theirs.
    if ((event.target as HTMLElement).closest('input, textarea, button, a, [contenteditable]')) return
    if (event.altKey || event.ctrlKey || event.metaKey) return
    const rows = options.rows.value
    if (!rows.length) return
    const index = activeKey.value ? rows.findIndex(row => row.key === activeKey.value) : -1
    const last = rows.length - 1
    let next: number | undefined
    switch (event.key) {
      case 'ArrowUp': next = index === -1 ? last : Math.max(0, index - 1)
        break
      case 'ArrowDown': next = index === -1 ? last : Math.min(last, index + 1)
        break
      case 'Home': next = 0
        break
      case 'End': next = last
        break
      case 'r':
      case 'R': {
        const row = rows[index]
        if (!row || options.readOnly.value || row.message.is_private || isLocalMessage(row.message)) return
        event.preventDefault()
        options.onReply(row.message)
        return
      }
      default: return
    }
    event.preventDefault()
    const key = rows[next]?.key
    if (key) focusRow(key)
  }

  return { activeKey, onKeydown }
}
