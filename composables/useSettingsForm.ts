import type { FormItemRule, FormRules } from 'naive-ui'
import { SETTINGS_LABELS, SETTINGS_LIMITS } from '~/constants/settings'
import type { AppSettings, AppSettingsChanges } from '~/services/app-settings'
import { RpcError } from '~/services/errors'
import { powerBiUrlProblem } from '~/utils/settings'

const FIELDS = ['company_name', 'timezone', 'classification_required', 'powerbi_report_url', 'powerbi_display_mode'] as const satisfies readonly (keyof AppSettingsChanges)[]

/** The editable copy of a settings row; the URL is '' while empty, as the input holds it. */
export interface SettingsDraft {
  company_name: string
  timezone: string
  classification_required: boolean
  powerbi_report_url: string
  powerbi_display_mode: AppSettingsChanges['powerbi_display_mode']
}

function toDraft(settings: AppSettings): SettingsDraft {
  return {
    company_name: settings.company_name,
    timezone: settings.timezone,
    classification_required: settings.classification_required,
    powerbi_report_url: settings.powerbi_report_url ?? '',
    powerbi_display_mode: settings.powerbi_display_mode,
  }
}

/** What goes to the database: trimmed text, an empty address as null (no report). */
function toChanges(draft: SettingsDraft): AppSettingsChanges {
  const url = draft.powerbi_report_url.trim()
  return {
    company_name: draft.company_name.trim(),
    timezone: draft.timezone,
    classification_required: draft.classification_required,
    powerbi_report_url: url || null,
    powerbi_display_mode: draft.powerbi_display_mode,
  }
}

const POWERBI_URL_MESSAGES = {
  invalid: SETTINGS_LABELS.powerBiUrlInvalid,
  not_https: SETTINGS_LABELS.powerBiUrlNotHttps,
  too_long: SETTINGS_LABELS.powerBiUrlTooLong,
} as const

const SETTINGS_RULES: FormRules = {
  company_name: [
    { required: true, whitespace: true, message: SETTINGS_LABELS.companyNameRequired, trigger: ['blur', 'input'] },
    { max: SETTINGS_LIMITS.companyName, message: SETTINGS_LABELS.companyNameTooLong, trigger: ['input'] },
  ],
  timezone: [{ required: true, message: SETTINGS_LABELS.timezoneRequired, trigger: ['change', 'blur'] }],
  powerbi_report_url: [{
    trigger: ['blur', 'input'],
    validator: (_rule: FormItemRule, value: string) => {
      const problem = powerBiUrlProblem(value ?? '', SETTINGS_LIMITS.powerBiUrl)
      return problem ? new Error(POWERBI_URL_MESSAGES[problem]) : true
    },
  }],
}

/**
 * Configurações' form state: a draft of the settings row, whether it differs from what is saved, save
 * and discard. A save that finds a newer version (another admin saved) keeps the admin's own edits and
 * takes the other admin's values for the fields this admin did not touch.
 */
export function useSettingsForm() {
  const store = useAppSettingsStore()
  const draft = reactive<SettingsDraft>({
    company_name: '',
    timezone: '',
    classification_required: false,
    powerbi_report_url: '',
    powerbi_display_mode: 'new_tab',
  })

  const dirty = computed(() => {
    if (!store.settings) return false
    const saved = toChanges(toDraft(store.settings))
    const edited = toChanges(draft)
    return FIELDS.some(field => saved[field] !== edited[field])
  })

  function reset(settings: AppSettings): void {
    Object.assign(draft, toDraft(settings))
  }

  async function load(): Promise<void> {
    reset(await store.load())
  }

  function discard(): void {
    if (store.settings) reset(store.settings)
  }

  async function save(): Promise<AppSettings> {
    const base = store.settings ? toDraft(store.settings) : null
    try {
      const saved = await store.save(toChanges(draft))
      reset(saved)
      return saved
    }
    catch (error) {
      if (base && error instanceof RpcError && error.reason === 'stale_settings') await adoptNewer(base)
      throw error
    }
  }

  /** Reloads the row; fields still equal to the version the admin started from take the newer value. */
  async function adoptNewer(base: SettingsDraft): Promise<void> {
    const newer = toDraft(await store.load())
    const untouched = FIELDS.filter(field => draft[field] === base[field])
    Object.assign(draft, Object.fromEntries(untouched.map(field => [field, newer[field]])))
  }

  return { draft, dirty, rules: SETTINGS_RULES, load, save, discard }
}
