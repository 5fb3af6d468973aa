/** User roles, as stored in `public.profiles.role`. */
export const ROLES = ['admin', 'supervisor', 'agent', 'observer'] as const

export type Role = typeof ROLES[number]

export const ROLE_LABELS = {
  admin: 'Administrador',
  supervisor: 'Supervisor',
  agent: 'Técnico',
  observer: 'Observador',
} as const satisfies Record<Role, string>
