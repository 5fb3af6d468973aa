/**
 * Ctrl+S (⌘S on a Mac) saves the chatbot instead of the browser's "save page", from anywhere on the
 * page, inputs included.
 */
export function useChatbotSaveShortcut(save: () => unknown): void {
  function onKeydown(event: KeyboardEvent): void {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== 's') return
    event.preventDefault()
    if (!event.repeat) void save()
  }

  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
