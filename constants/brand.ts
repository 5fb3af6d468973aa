import type { GlobalThemeOverrides } from 'naive-ui'

/**
 * Atende's one brand colour (a calm teal) on top of naive-ui's defaults. Dark mode uses lighter
 * steps of the same hue so text and focus rings keep their contrast.
 */
export const BRAND_THEME_OVERRIDES = {
  light: {
    common: {
      primaryColor: '#0f766e',
      primaryColorHover: '#0d9488',
      primaryColorPressed: '#115e59',
      primaryColorSuppl: '#0d9488',
      borderRadius: '6px',
    },
  },
  dark: {
    common: {
      primaryColor: '#2dd4bf',
      primaryColorHover: '#5eead4',
      primaryColorPressed: '#14b8a6',
      primaryColorSuppl: '#14b8a6',
      borderRadius: '6px',
    },
  },
} as const satisfies Record<'light' | 'dark', GlobalThemeOverrides>
