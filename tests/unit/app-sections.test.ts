/** Which sections each role sees, and which paths it may open. */
import { describe, expect, it } from 'vitest'
import { ROLES } from '../../constants/roles.ts'
import { canAccessPath, sectionByKey, sectionForPath, visibleSections } from '../../utils/sections.ts'

describe('sections by role', () => {
  it('shows Administração to admins only', () => {
    expect(visibleSections('admin').map(section => section.label)).toEqual(['Atendimento', 'Contatos', 'Relatórios', 'Administração'])
    for (const role of ROLES.filter(role => role !== 'admin')) {
      expect(visibleSections(role).map(section => section.label)).toEqual(['Atendimento', 'Contatos', 'Relatórios'])
    }
    expect(visibleSections(null).map(section => section.key)).not.toContain('admin')
  })

  it('guards every path under /admin, not just the section page', () => {
    for (const path of ['/admin', '/admin/usuarios', '/admin/conexoes/1']) {
      expect(canAccessPath(path, 'admin')).toBe(true)
      expect(canAccessPath(path, 'supervisor')).toBe(false)
      expect(canAccessPath(path, 'agent')).toBe(false)
      expect(canAccessPath(path, 'observer')).toBe(false)
      expect(canAccessPath(path, null)).toBe(false)
    }
    expect(canAccessPath('/administrativo', 'agent')).toBe(true)
    expect(canAccessPath('/contatos/42', 'observer')).toBe(true)
  })

  it('finds the section of a sub-page', () => {
    expect(sectionForPath('/relatorios/agentes')?.key).toBe('relatorios')
    expect(sectionForPath('/')).toBeUndefined()
    expect(sectionByKey('contatos').path).toBe('/contatos')
  })
})
