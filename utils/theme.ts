import { THEME_PREFERENCES, type ThemePreference } from '../constants/theme.ts'

export type ResolvedTheme = 'light' | 'dark'

/** Reads a stored preference, falling back to following the OS for anything unknown. */
export function parseThemePreference(stored: string | null | undefined): ThemePreference {
  return THEME_PREFERENCES.find(preference => preference === stored) ?? 'system'
}

export function resolveTheme(preference: ThemePreference, systemPrefersDark: boolean): ResolvedTheme {
  if (preference === 'system') return systemPrefersDark ? 'dark' : 'light'
  return preference
}
