import type { Role } from './roles.ts'

/**
 * The app's sections: navigation, page titles and access rules come from this one list. A section
 * with `roles` is reserved to them, and so is every route under its path (the route middleware
 * enforces it; the database enforces it again through RLS).
 */
export interface AppSection {
  key: string
  label: string
  path: string
  icon: 'chat' | 'contacts' | 'reports' | 'admin'
  roles?: readonly Role[]
}

export const SECTIONS = [
  {
    key: 'atendimento',
    label: 'Atendimento',
    path: '/atendimento',
    icon: 'chat',
  },
  {
    key: 'contatos',
    label: 'Contatos',
    path: '/contatos',
    icon: 'contacts',
  },
  {
    key: 'relatorios',
    label: 'Relatórios',
    path: '/relatorios',
    icon: 'reports',
  },
  {
    key: 'admin',
    label: 'Administração',
    path: '/admin',
    icon: 'admin',
    roles: ['admin'],
  },
] as const satisfies readonly AppSection[]

export type SectionKey = typeof SECTIONS[number]['key']

/** Where signed-in users land. */
export const HOME_PATH = '/atendimento'
export const LOGIN_PATH = '/login'
