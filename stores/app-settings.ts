import * as appSettingsService from '~/services/app-settings'
import type { AppSettings, AppSettingsChanges } from '~/services/app-settings'

/**
 * The company's settings row (app_settings), as the last read or save left it. Configurações edits a
 * copy and saves it here; other screens (Relatórios, the close dialog) can read it once and follow saves.
 */
export const useAppSettingsStore = defineStore('app-settings', () => {
  const supabase = useSupabase()
  const session = useSessionStore()

  const settings = ref<AppSettings | null>(null)
  const loading = ref(false)
  const saving = ref(false)
  /** The last load's failure; the screen turns it into pt-BR with errorText. */
  const loadError = ref<unknown>(null)

  /** Bumped by reset(): a read that started for another user is dropped when it returns. */
  let generation = 0

  async function load(): Promise<AppSettings> {
    const started = generation
    loading.value = true
    loadError.value = null
    try {
      const row = await appSettingsService.fetchAppSettings(supabase)
      if (started === generation) settings.value = row
      return row
    }
    catch (error) {
      if (started === generation) loadError.value = error
      throw error
    }
    finally {
      if (started === generation) loading.value = false
    }
  }

  /** Saves against the version this store holds; on success the store holds the saved row. */
  async function save(changes: AppSettingsChanges): Promise<AppSettings> {
    if (!settings.value) throw new Error('app settings not loaded')
    saving.value = true
    try {
      const row = await appSettingsService.updateAppSettings(supabase, changes, settings.value.updated_at)
      settings.value = row
      return row
    }
    finally {
      saving.value = false
    }
  }

  function reset(): void {
    generation += 1
    settings.value = null
    loading.value = false
    loadError.value = null
  }

  watch(() => session.user?.id, (next, previous) => {
    if (next !== previous) reset()
  })

  return { settings, loading, saving, loadError, load, save }
})
