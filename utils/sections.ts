import { SECTIONS, type AppSection, type SectionKey } from '../constants/sections.ts'
import type { Role } from '../constants/roles.ts'

function isAllowed(section: AppSection, role: Role | null): boolean {
  return !section.roles || (role !== null && section.roles.includes(role))
}

/** The sections a role sees in the navigation, in menu order. */
export function visibleSections(role: Role | null): AppSection[] {
  return SECTIONS.filter(section => isAllowed(section, role))
}

/** The section a path belongs to (`/admin/usuarios` → Administração), if any. */
export function sectionForPath(path: string): AppSection | undefined {
  return SECTIONS.find(section => path === section.path || path.startsWith(`${section.path}/`))
}

/** Whether a role may open a path: paths under a restricted section need one of its roles. */
export function canAccessPath(path: string, role: Role | null): boolean {
  const section = sectionForPath(path)
  return !section || isAllowed(section, role)
}

/** A section by key, for pages that render one. */
export function sectionByKey(key: SectionKey): AppSection {
  const section = SECTIONS.find(candidate => candidate.key === key)
  if (!section) throw new Error(`unknown section ${key}`)
  return section
}
