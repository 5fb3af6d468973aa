import type { Ref } from 'vue'
import type { Message } from '~/types/domain'

/**
 * The URL to show a message's file: the local preview while it is being sent, else a signed URL of
 * the private `media` bucket (cached by the data layer). `error` when the file could not be signed
 * (missing, or not allowed); `reload` tries again, e.g. after a signed URL expired mid-session.
 */
export function useMessageMedia(message: Ref<Message>) {
  const messages = useMessagesStore()
  const url = ref<string | null>(null)
  const loading = ref(false)
  const error = ref(false)
  let request = 0

  async function load(): Promise<void> {
    const current = ++request
    const local = messages.localMediaUrl(message.value)
    if (local) {
      url.value = local
      error.value = false
      return
    }
    const path = message.value.media_path
    if (!path) {
      url.value = null
      // A sent file always has a path; a received one without it could not be downloaded.
      error.value = message.value.direction === 'inbound'
      return
    }
    loading.value = true
    error.value = false
    try {
      const signed = await messages.mediaUrl(path)
      if (current === request) url.value = signed
    }
    catch {
      if (current === request) error.value = true
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  watch(() => [message.value.media_path, message.value.client_id], () => void load(), { immediate: true })

  async function download(): Promise<void> {
    const path = message.value.media_path
    const local = messages.localMediaUrl(message.value)
    const name = message.value.media_name ?? path?.split('/').pop() ?? 'arquivo'
    const href = path ? await messages.mediaDownloadUrl(path, name) : local
    if (!href) return
    const anchor = document.createElement('a')
    anchor.href = href
    anchor.download = name
    anchor.rel = 'noopener'
    anchor.click()
  }

  return { url, loading, error, reload: load, download }
}
