import type { Ref } from 'vue'
import { CHATBOT_LABELS } from '~/constants/chatbot'

/**
 * Unsaved chatbot changes are never lost silently: leaving the page inside the app (another tab of the
 * connection, the menu) asks first, and closing or reloading the browser tab gets the browser's own
 * warning.
 */
export function useChatbotLeaveGuard(dirty: Ref<boolean>): void {
  const confirm = useConfirm()

  async function mayLeave(): Promise<boolean> {
    if (!dirty.value) return true
    return await confirm({
      title: CHATBOT_LABELS.leaveTitle,
      content: CHATBOT_LABELS.leaveContent,
      positiveText: CHATBOT_LABELS.leaveYes,
      negativeText: CHATBOT_LABELS.leaveNo,
      destructive: true,
    })
  }

  onBeforeRouteLeave(mayLeave)
  // Another connection's chatbot reuses this page: that is a route update, not a leave.
  onBeforeRouteUpdate((to, from) => (to.params.id === from.params.id ? true : mayLeave()))

  function onBeforeUnload(event: BeforeUnloadEvent): void {
    if (!dirty.value) return
    event.preventDefault()
    // Older browsers show the prompt only when returnValue is set.
    event.returnValue = ''
  }

  onMounted(() => window.addEventListener('beforeunload', onBeforeUnload))
  onBeforeUnmount(() => window.removeEventListener('beforeunload', onBeforeUnload))
}
