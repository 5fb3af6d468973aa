import { useMessage } from 'naive-ui'
import type { InjectionKey, Ref } from 'vue'
import { CHATBOT_LABELS } from '~/constants/chatbot'
import type { ChatbotRows } from '~/services/chatbot'
import { errorText, RpcError } from '~/services/errors'
import { formFieldOfServerField, formFromRows, formSnapshot, optionsPayload, settingsPayload, type ChatbotForm } from '~/utils/chatbot-form'
import { validateChatbotForm, type ChatbotErrors } from '~/utils/chatbot-validation'

export type ChatbotEditorStatus = 'loading' | 'ready' | 'notFound' | 'failed'

/**
 * The chatbot tab's editing session for one channel: the form (loaded from the saved rows), whether it
 * differs from what is saved, its pt-BR errors, and the one save (save_chatbot) with its outcomes:
 * saved (toast), refused with a field (shown on the field), or `stale_settings` (someone else saved:
 * offer to reload). A failed save keeps everything typed.
 */
export function useChatbotEditor(channelId: Ref<string>) {
  const store = useChatbotEditorStore()
  const catalogues = useCataloguesStore()
  const message = useMessage()

  const status = ref<ChatbotEditorStatus>('loading')
  const loadError = ref<string | null>(null)
  const form = ref<ChatbotForm | null>(null)
  /** What the database has, through the form mapping (compared with the form for "unsaved"). */
  const savedSnapshot = ref('')
  const savedUpdatedAt = ref<string | null>(null)
  const conflict = ref(false)
  const serverError = ref<{ message: string, field: string | null } | null>(null)
  /** Set by a save refused by the form's own checks: every error is then shown, not only the edited ones. */
  const attempted = ref(false)

  const saving = computed(() => Boolean(store.saving[channelId.value]))
  const companyTimezone = computed(() => store.companyTimezone)
  const errors = computed<ChatbotErrors>(() => {
    if (!form.value) return {}
    const found = validateChatbotForm(form.value)
    const server = serverError.value
    if (server?.field && !found[server.field]) found[server.field] = server.message
    return found
  })
  const errorCount = computed(() => Object.keys(errors.value).length)
  /** Options added and not touched yet: their empty fields are not flagged until the admin saves. */
  const freshOptions = ref(new Set<string>())
  /** The errors to show: all of them once a save was refused, else all but those of fresh options. */
  const visibleErrors = computed<ChatbotErrors>(() => {
    if (attempted.value || freshOptions.value.size === 0) return errors.value
    return Object.fromEntries(Object.entries(errors.value)
      .filter(([field]) => ![...freshOptions.value].some(key => field.startsWith(`options.${key}.`))))
  })

  function markOptionFresh(key: string, fresh: boolean): void {
    if (freshOptions.value.has(key) === fresh) return
    const next = new Set(freshOptions.value)
    if (fresh) next.add(key)
    else next.delete(key)
    freshOptions.value = next
  }
  const dirty = computed(() => form.value !== null && formSnapshot(form.value) !== savedSnapshot.value)

  function adopt(rows: ChatbotRows, replaceForm: boolean): void {
    const loaded = formFromRows(rows.settings, rows.options)
    savedSnapshot.value = formSnapshot(loaded)
    savedUpdatedAt.value = rows.settings.updated_at
    if (replaceForm) {
      form.value = loaded
      freshOptions.value = new Set()
    }
  }

  /** Scrolls to the first field to fix and focuses its input (the sections mark it `data-invalid`). */
  async function revealFirstError(): Promise<void> {
    await nextTick()
    const field = document.querySelector<HTMLElement>('[data-chatbot-form] [data-invalid="true"]')
    if (!field) return
    field.scrollIntoView({ block: 'center', behavior: 'smooth' })
    field.querySelector<HTMLElement>('input, textarea, [tabindex="0"]')?.focus({ preventScroll: true })
  }

  async function load(): Promise<void> {
    status.value = 'loading'
    loadError.value = null
    conflict.value = false
    serverError.value = null
    attempted.value = false
    try {
      // Teams, classifications and the channel's name come from the catalogues.
      const [rows] = await Promise.all([store.load(channelId.value), catalogues.ensureLoaded()])
      if (!rows) {
        status.value = 'notFound'
        return
      }
      adopt(rows, true)
      status.value = 'ready'
    }
    catch (error) {
      loadError.value = errorText(error)
      status.value = 'failed'
    }
  }

  /** Back to what is saved (no request). */
  function discard(): void {
    const rows = store.byChannel[channelId.value]
    if (rows) adopt(rows, true)
    serverError.value = null
    attempted.value = false
  }

  async function save(): Promise<boolean> {
    if (!form.value || saving.value || status.value !== 'ready' || !dirty.value) return false
    serverError.value = null
    if (errorCount.value > 0) {
      attempted.value = true
      message.error(CHATBOT_LABELS.fixBeforeSaving)
      void revealFirstError()
      return false
    }
    const sent = formSnapshot(form.value)
    try {
      const rows = await store.save({
        channelId: channelId.value,
        settings: settingsPayload(form.value),
        options: optionsPayload(form.value),
        expectedUpdatedAt: savedUpdatedAt.value ?? '',
      })
      // The form stays as it is (keys, focus, anything typed while saving): only "saved" moves, to
      // what was sent (the database stores it as sent), so edits made during the request stay unsaved.
      adopt(rows, false)
      savedSnapshot.value = sent
      attempted.value = false
      conflict.value = false
      message.success(CHATBOT_LABELS.saved)
      return true
    }
    catch (error) {
      if (error instanceof RpcError && error.reason === 'stale_settings') {
        conflict.value = true
        return false
      }
      const text = errorText(error)
      const field = error instanceof RpcError && form.value ? formFieldOfServerField(error.hint, form.value) : null
      serverError.value = { message: text, field }
      attempted.value = true
      message.error(text)
      void revealFirstError()
      return false
    }
  }

  watch(channelId, load, { immediate: true })

  return {
    status,
    loadError,
    form,
    errors,
    visibleErrors,
    errorCount,
    markOptionFresh,
    dirty,
    saving,
    conflict,
    serverError,
    attempted,
    companyTimezone,
    load,
    discard,
    save,
  }
}

export type ChatbotEditor = ReturnType<typeof useChatbotEditor>

const EDITOR_KEY: InjectionKey<ChatbotEditor> = Symbol('chatbot-editor')

/** The page provides its editor to the form sections and the preview beside it. */
export function provideChatbotEditor(editor: ChatbotEditor): void {
  provide(EDITOR_KEY, editor)
}

export function useChatbotEditorContext(): ChatbotEditor {
  const editor = inject(EDITOR_KEY)
  if (!editor) throw new Error('useChatbotEditorContext() outside the chatbot page')
  return editor
}
