import { darkTheme, datePtBR, ptBR, type ConfigProviderProps } from 'naive-ui'
import { BRAND_THEME_OVERRIDES } from '~/constants/brand'

/**
 * Props for naive-ui's config provider: pt-BR locale and the current theme with the brand colour.
 * Shared by the root provider and the discrete API, so toasts outside components look the same.
 */
export function useNaiveConfig() {
  const theme = useThemeStore()
  return computed<ConfigProviderProps>(() => ({
    theme: theme.resolved === 'dark' ? darkTheme : null,
    themeOverrides: BRAND_THEME_OVERRIDES[theme.resolved],
    locale: ptBR,
    dateLocale: datePtBR,
  }))
}
