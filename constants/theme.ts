export const THEME_PREFERENCES = ['light', 'dark', 'system'] as const

export type ThemePreference = typeof THEME_PREFERENCES[number]

export const THEME_LABELS = {
  light: 'Claro',
  dark: 'Escuro',
  system: 'Sistema',
} as const satisfies Record<ThemePreference, string>

/** localStorage key of the theme preference (read before sign-in, so the login page follows it). */
export const THEME_STORAGE_KEY = 'atende:theme'
