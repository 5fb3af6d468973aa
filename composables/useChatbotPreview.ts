import type { Ref } from 'vue'
import { CHATBOT_PREVIEW_LABELS } from '~/constants/chatbot'
import { DEFAULT_TIMEZONE } from '~/supabase/functions/_shared/chatbot/context'
import type { ChatbotForm } from '~/utils/chatbot-form'
import {
  buildPreviewConversation,
  previewBotFromForm,
  previewMoment,
  type PreviewClock,
  type PreviewConversation,
  type PreviewStep,
} from '~/utils/chatbot-preview'

/**
 * The phone preview's state: the steps the admin played (the customer's "Olá" first), the simulated
 * moment (now, or the next moment inside/outside business hours), and the conversation rebuilt from
 * them on every change of the form, so what the admin types shows at once, even mid-conversation.
 */
export function useChatbotPreview(form: Ref<ChatbotForm | null>, companyTimezone: Ref<string | null>) {
  const catalogues = useCataloguesStore()

  const firstStep: PreviewStep = { kind: 'customer', text: CHATBOT_PREVIEW_LABELS.customerFirstMessage }
  const steps = ref<PreviewStep[]>([firstStep])
  const clock = ref<PreviewClock>('now')
  const now = ref(new Date())

  // "Agora" follows the clock (a minute is the finest the business hours care about).
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(() => {
      now.value = new Date()
    }, 60_000)
  })
  onBeforeUnmount(() => clearInterval(timer))

  const bot = computed(() => form.value ? previewBotFromForm(form.value, companyTimezone.value ?? DEFAULT_TIMEZONE) : null)

  const moment = computed(() => {
    if (!bot.value) return null
    try {
      return previewMoment(bot.value.settings, clock.value, now.value)
    }
    catch {
      return null
    }
  })

  const conversation = computed<PreviewConversation | null>(() => {
    if (!bot.value) return null
    try {
      return buildPreviewConversation({
        bot: bot.value,
        steps: steps.value,
        now: moment.value?.at ?? now.value,
        teamName: teamId => catalogues.teamById(teamId)?.name ?? null,
      })
    }
    catch {
      // The readers keep the engine's inputs valid; this is only a guard against a surprise.
      return null
    }
  })

  /** The option numbers the customer can answer now (quick answers under the phone). */
  const offeredPositions = computed(() => bot.value?.options.map(option => option.position) ?? [])

  function send(text: string): void {
    const trimmed = text.trim()
    if (trimmed) steps.value = [...steps.value, { kind: 'customer', text: trimmed }]
  }

  function agentClose(): void {
    steps.value = [...steps.value, { kind: 'agentClose' }]
  }

  function goQuiet(): void {
    steps.value = [...steps.value, { kind: 'inactivity' }]
  }

  function restart(): void {
    steps.value = [firstStep]
  }

  return { bot, clock, moment, conversation, offeredPositions, send, agentClose, goQuiet, restart }
}
