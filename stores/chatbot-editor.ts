import * as chatbotService from '~/services/chatbot'
import type { ChatbotRows, SaveChatbotInput } from '~/services/chatbot'

/**
 * The chatbot of each channel as saved (settings row + menu), with per-channel loading and saving
 * flags, and the company timezone the bot's hours fall back to. The form being edited is the editor's
 * own state (useChatbotEditor); this holds what the database has.
 */
export const useChatbotEditorStore = defineStore('chatbot-editor', () => {
  const supabase = useSupabase()
  const session = useSessionStore()

  const byChannel = ref<Record<string, ChatbotRows | null>>({})
  const companyTimezone = ref<string | null>(null)
  const loading = ref<Record<string, boolean>>({})
  const saving = ref<Record<string, boolean>>({})

  /** Reads the channel's bot again (and the company timezone once); null when the channel does not exist. */
  async function load(channelId: string): Promise<ChatbotRows | null> {
    loading.value = { ...loading.value, [channelId]: true }
    try {
      const [rows, timezone] = await Promise.all([
        chatbotService.fetchChatbot(supabase, channelId),
        companyTimezone.value ? Promise.resolve(companyTimezone.value) : chatbotService.fetchCompanyTimezone(supabase),
      ])
      companyTimezone.value = timezone
      byChannel.value = { ...byChannel.value, [channelId]: rows }
      return rows
    }
    finally {
      loading.value = { ...loading.value, [channelId]: false }
    }
  }

  /** One save_chatbot call; the saved rows replace what was held. Errors (RpcError) go to the caller. */
  async function save(input: SaveChatbotInput): Promise<ChatbotRows> {
    saving.value = { ...saving.value, [input.channelId]: true }
    try {
      const rows = await chatbotService.saveChatbot(supabase, input)
      byChannel.value = { ...byChannel.value, [input.channelId]: rows }
      return rows
    }
    finally {
      saving.value = { ...saving.value, [input.channelId]: false }
    }
  }

  function reset(): void {
    byChannel.value = {}
    companyTimezone.value = null
  }

  watch(() => session.user?.id, (next, previous) => {
    if (next !== previous) reset()
  })

  return { byChannel, companyTimezone, loading, saving, load, save }
})
