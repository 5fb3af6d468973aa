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
  /** What the section will hold; shown while the section is still being built. */
  upcoming: string
  roles?: readonly Role[]
}

export const SECTIONS = [
  {
    key: 'atendimento',
    label: 'Atendimento',
    path: '/atendimento',
    icon: 'chat',
    upcoming: 'seus chamados em andamento, a fila das suas equipes e o chat com os clientes, com respostas rápidas, emojis, mídia, áudio, transferência e encerramento com classificação.',
  },
  {
    key: 'contatos',
    label: 'Contatos',
    path: '/contatos',
    icon: 'contacts',
    upcoming: 'todos que já escreveram para a empresa, com o histórico das conversas, edição do nome e dos dados do contato, e a opção de reabrir uma conversa.',
  },
  {
    key: 'relatorios',
    label: 'Relatórios',
    path: '/relatorios',
    icon: 'reports',
    upcoming: 'o painel ao vivo (chamados abertos, em espera, tempos médios e avaliações), relatórios com filtros e exportação em CSV, e o relatório do Power BI dentro do app.',
  },
  {
    key: 'admin',
    label: 'Administração',
    path: '/admin',
    icon: 'admin',
    upcoming: 'as conexões de WhatsApp (QR code da Evolution API ou a API oficial da Meta), o chatbot e seu menu, classificações, respostas rápidas, equipes, usuários e as chaves de acesso do Power BI.',
    roles: ['admin'],
  },
] as const satisfies readonly AppSection[]

export type SectionKey = typeof SECTIONS[number]['key']

/** Where signed-in users land. */
export const HOME_PATH = '/atendimento'
export const LOGIN_PATH = '/login'
