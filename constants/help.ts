/**
 * The in-app guides (Ajuda): pt-BR step-by-step setup of each WhatsApp API, rendered from docs/*.md.
 * Any signed-in user may read them (they are not under /admin); the connection forms link here.
 */

export const HELP_BASE_PATH = '/ajuda'

export const GUIDES = [
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
] as const

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
