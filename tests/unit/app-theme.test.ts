/** Theme preference: what is stored, and what it resolves to. */
import { describe, expect, it } from 'vitest'
import { parseThemePreference, resolveTheme } from '../../utils/theme.ts'

describe('theme', () => {
  it('reads stored preferences and falls back to the OS for anything else', () => {
    expect(parseThemePreference('dark')).toBe('dark')
    expect(parseThemePreference('light')).toBe('light')
    expect(parseThemePreference('system')).toBe('system')
    expect(parseThemePreference('purple')).toBe('system')
    expect(parseThemePreference(null)).toBe('system')
  })

  it('follows the OS only when set to system', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })
})
