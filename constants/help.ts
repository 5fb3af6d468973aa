/**
 * The in-app guides (Ajuda), rendered from docs/*.md: how to work in the app, how to configure it, the
 * step-by-step setup of each WhatsApp API and the Power BI guide. Any signed-in user may read them (they
 * are not under /admin); the sidebar opens the first, the connection forms link to theirs.
 */

export const HELP_BASE_PATH = '/ajuda'

export const GUIDES = [
  {
    slug: 'tela-de-atendimento',
    file: 'tela-de-atendimento.md',
    title: 'Tela de atendimento',
    description: 'Caixa de entrada, conversa, respostas rápidas, mídias, transferência, encerramento e atalhos.',
  },
  {
    slug: 'administracao',
    file: 'administracao.md',
    title: 'Administração',
    description: 'Primeiro acesso, equipes, usuários, conexões, chatbot, catálogos e configurações.',
  },
  {
    slug: 'whatsapp-evolution',
    file: 'whatsapp-evolution.md',
    title: 'Evolution API (QR code)',
    description: 'Gratuita e não oficial: instalar o servidor, criar a conexão e ler o QR code.',
  },
  {
    slug: 'whatsapp-cloud-api',
    file: 'whatsapp-cloud-api.md',
    title: 'API oficial da Meta (Cloud API)',
    description: 'Paga e oficial: conta na Meta, token, número, webhook e produção.',
  },
  {
    slug: 'powerbi',
    file: 'powerbi.md',
    title: 'Power BI e relatórios',
    description: 'Os dados disponíveis, o conector PostgreSQL, a API com chave, a atualização agendada e a incorporação.',
  },
] as const

/** Where the sidebar's Ajuda link goes. */
export const HELP_HOME_SLUG = 'tela-de-atendimento'

export type GuideSlug = typeof GUIDES[number]['slug']

export function guidePath(slug: string): string {
  return `${HELP_BASE_PATH}/${slug}`
}

export function guideBySlug(slug: string): typeof GUIDES[number] | undefined {
  return GUIDES.find(guide => guide.slug === slug)
}

export const HELP_LABELS = {
  section: 'Ajuda',
  guides: 'Guias',
  contents: 'Nesta página',
  notFound: 'Guia não encontrado.',
  notFoundHint: 'Escolha um dos guias abaixo.',
  backToTop: 'Voltar ao topo',
  print: 'Imprimir',
} as const
