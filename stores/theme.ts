import { THEME_STORAGE_KEY, type ThemePreference } from '~/constants/theme'
import { parseThemePreference, resolveTheme, type ResolvedTheme } from '~/utils/theme'

/**
 * Light, dark or following the OS. The preference is kept in localStorage, so it applies before
 * sign-in and survives reloads; "system" tracks the OS setting live.
 */
export const useThemeStore = defineStore('theme', () => {
  const preference = ref<ThemePreference>(parseThemePreference(readStored()))
  const systemPrefersDark = ref(false)

  if (import.meta.client) {
    const query = window.matchMedia('(prefers-color-scheme: dark)')
    systemPrefersDark.value = query.matches
    query.addEventListener('change', event => (systemPrefersDark.value = event.matches))
  }

  const resolved = computed<ResolvedTheme>(() => resolveTheme(preference.value, systemPrefersDark.value))

  function setPreference(value: ThemePreference): void {
    preference.value = value
    try {
      localStorage.setItem(THEME_STORAGE_KEY, value)
    }
    catch {
      // Storage can be unavailable (private mode, quota); the choice still holds for this visit.
    }
  }

  return { preference, resolved, setPreference }
})

function readStored(): string | null {
  if (!import.meta.client) return null
  try {
    return localStorage.getItem(THEME_STORAGE_KEY)
  }
  catch {
    return null
  }
}
