import { FORM_LABELS } from './forms.ts'
import type { IconName } from './icons.ts'

/**
 * The pages of Administração, in menu order: the sub-navigation and the overview cards come from
 * this list. Every path is under /admin, so the section's role rule (admins only) covers them all.
 */
export interface AdminPage {
  key: string
  label: string
  path: string
  icon: IconName
  /** One sentence on the overview card and under the page title. */
  description: string
}

export const ADMIN_PAGES = [
  {
    key: 'conexoes',
    label: 'Conexões',
    path: '/admin/conexoes',
    icon: 'link',
    description: 'Números de WhatsApp conectados pela Evolution API (QR code) ou pela API oficial da Meta, e o chatbot de cada um.',
  },
  {
    key: 'equipes',
    label: 'Equipes',
    path: '/admin/equipes',
    icon: 'team',
    description: 'Filas de atendimento, seus membros, cor e distribuição automática dos chamados.',
  },
  {
    key: 'usuarios',
    label: 'Usuários',
    path: '/admin/usuarios',
    icon: 'users',
    description: 'Quem acessa o Atende: perfil, equipes, senha inicial, redefinição de senha e desativação.',
  },
  {
    key: 'classificacoes',
    label: 'Classificações',
    path: '/admin/classificacoes',
    icon: 'tag',
    description: 'Como os atendimentos são classificados no encerramento.',
  },
  {
    key: 'respostas-rapidas',
    label: 'Respostas rápidas',
    path: '/admin/respostas-rapidas',
    icon: 'zap',
    description: 'Mensagens prontas que os atendentes inserem com / e um atalho, para todos ou por equipe.',
  },
  {
    key: 'configuracoes',
    label: 'Configurações',
    path: '/admin/configuracoes',
    icon: 'settings',
    description: 'Fuso horário da empresa, regras de encerramento e o relatório do Power BI.',
  },
  {
    key: 'chaves-de-api',
    label: 'Chaves de API',
    path: '/admin/chaves-de-api',
    icon: 'key',
    description: 'Chaves que dão ao Power BI e a outras ferramentas acesso somente leitura aos dados de atendimento.',
  },
] as const satisfies readonly AdminPage[]

export type AdminPageKey = typeof ADMIN_PAGES[number]['key']

export function adminPage(key: AdminPageKey): AdminPage {
  const page = ADMIN_PAGES.find(candidate => candidate.key === key)
  if (!page) throw new Error(`unknown admin page ${key}`)
  return page
}

/** Words every admin screen shares (buttons, confirmations, empty and loading states). */
export const ADMIN_LABELS = {
  navigation: 'Páginas da administração',
  overviewTitle: 'Administração',
  overviewLink: 'Visão geral',
  overviewSubtitle: 'Tudo o que o Atende precisa para funcionar, sem mexer no banco de dados.',
  create: 'Novo',
  edit: 'Editar',
  save: FORM_LABELS.save,
  saving: 'Salvando…',
  saved: 'Alterações salvas.',
  cancel: FORM_LABELS.cancel,
  delete: 'Excluir',
  deleteConfirmYes: 'Sim, excluir',
  keep: 'Manter',
  loading: 'Carregando…',
  loadFailed: 'Não foi possível carregar. Tente novamente.',
  retry: 'Tentar novamente',
  required: 'Campo obrigatório.',
  actions: 'Ações',
  copy: FORM_LABELS.copy,
  copied: FORM_LABELS.copied,
  copyFailed: FORM_LABELS.copyFailed,
  unsavedTitle: FORM_LABELS.unsavedTitle,
  unsavedContent: FORM_LABELS.unsavedContent,
  unsavedYes: FORM_LABELS.unsavedYes,
  unsavedNo: FORM_LABELS.unsavedNo,
} as const
