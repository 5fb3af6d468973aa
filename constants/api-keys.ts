/**
 * Chaves de API (admin screen): the limits the database enforces (supabase/migrations/*_analytics_api.sql),
 * the key's status, the datasets' pt-BR names, the ready-to-copy examples shown with a new key, and every
 * pt-BR text of the screen. The API itself: supabase/functions/analytics-api, docs/powerbi.md.
 */

/** `create_api_key`: name 1–80 characters, 1–10000 requests per minute (default 60). */
export const API_KEY_NAME_MAX = 80
export const API_KEY_RATE_MIN = 1
export const API_KEY_RATE_MAX = 10_000
export const API_KEY_RATE_DEFAULT = 60
/** The scope that lets a key read every dataset, those added later included. */
export const ALL_DATASETS = '*'
/** Path of the function under the Supabase URL. */
export const ANALYTICS_API_PATH = '/functions/v1/analytics-api'

export type ApiKeyStatus = 'active' | 'expired' | 'revoked'

export const API_KEY_STATUS_LABELS = {
  active: { label: 'Ativa', type: 'success' },
  expired: { label: 'Expirada', type: 'warning' },
  revoked: { label: 'Revogada', type: 'error' },
} as const satisfies Record<ApiKeyStatus, { label: string, type: 'success' | 'warning' | 'error' }>

/** Short pt-BR names for the datasets (the API names stay visible beside them). */
export const DATASET_LABELS: Record<string, string> = {
  tickets: 'Atendimentos',
  messages: 'Mensagens',
  transfers: 'Transferências',
  ratings: 'Avaliações',
  queue_waits: 'Esperas na fila',
  daily: 'Indicadores por dia',
  agents_daily: 'Atendentes por dia',
  agents: 'Atendentes',
  teams: 'Equipes',
  channels: 'Conexões',
  classifications: 'Classificações',
}

/** Facts first, then aggregates, then dimensions (the order of DATASET_LABELS); unknown names last. */
export function datasetOrder(a: string, b: string): number {
  const known = Object.keys(DATASET_LABELS)
  const rank = (name: string) => (known.includes(name) ? known.indexOf(name) : known.length)
  return rank(a) - rank(b) || a.localeCompare(b)
}

export function datasetLabel(name: string): string {
  return name === ALL_DATASETS ? API_KEY_LABELS.allDatasets : DATASET_LABELS[name] ?? name
}

/** Revoked beats expired: a revoked key stays revoked whatever its date. */
export function apiKeyStatus(key: { revoked_at: string | null, expires_at: string | null }, now: number): ApiKeyStatus {
  if (key.revoked_at) return 'revoked'
  if (key.expires_at && Date.parse(key.expires_at) <= now) return 'expired'
  return 'active'
}

/** The end of the picked day in the browser's time zone: a key "valid until 31/12" works all that day. */
export function endOfDay(dayStart: number): Date {
  const date = new Date(dayStart)
  date.setHours(23, 59, 59, 999)
  return date
}

export interface ApiKeyExample {
  id: 'curl-json' | 'curl-csv' | 'powerbi'
  title: string
  hint: string
  text: string
}

/**
 * What a new key's dialog offers to copy: the curl lines of docs/powerbi.md with this key and address
 * (a dataset the key can read), and the address Power BI's Web.Contents starts from.
 */
export function apiKeyExamples(apiUrl: string, key: string, scopes: readonly string[]): ApiKeyExample[] {
  const dataset = scopes.includes(ALL_DATASETS) || scopes.includes('tickets') ? 'tickets' : scopes[0] ?? 'tickets'
  return [
    {
      id: 'curl-json',
      title: 'Uma página em JSON (curl)',
      hint: 'A resposta traz next_url: chame-o para a página seguinte, até vir null.',
      text: `curl -H "x-api-key: ${key}" "${apiUrl}/${dataset}?limit=100"`,
    },
    {
      id: 'curl-csv',
      title: 'Os mesmos dados em CSV (curl)',
      hint: 'UTF-8 com BOM, separado por vírgulas.',
      text: `curl -H "x-api-key: ${key}" -o ${dataset}.csv "${apiUrl}/${dataset}?format=csv&limit=1000"`,
    },
    {
      id: 'powerbi',
      title: 'Endereço para o Power BI',
      hint: 'Use em Web.Contents com ApiKeyName = "api_key" e, na credencial, escolha "API Web" e cole a chave (docs/powerbi.md).',
      text: apiUrl,
    },
  ]
}

export const API_KEY_LABELS = {
  create: 'Nova chave',
  createTitle: 'Nova chave de API',
  createSubmit: 'Criar chave',
  creating: 'Criando…',
  name: 'Nome',
  namePlaceholder: 'Ex.: Power BI da diretoria',
  nameRequired: 'Dê um nome à chave.',
  nameTooLong: `Use no máximo ${API_KEY_NAME_MAX} caracteres.`,
  datasets: 'Conjuntos de dados que a chave pode ler',
  allDatasets: 'Todos',
  allDatasetsOption: 'Todos os conjuntos de dados',
  allDatasetsHelp: 'Inclusive os que forem criados no futuro.',
  datasetsRequired: 'Escolha ao menos um conjunto de dados.',
  datasetsLoading: 'Carregando os conjuntos de dados…',
  datasetsFailed: 'Não foi possível carregar os conjuntos de dados.',
  expiresAt: 'Expira em',
  expiresAtPlaceholder: 'Sem data de expiração',
  expiresAtHelp: 'Opcional. A chave funciona até o fim do dia escolhido.',
  expiresAtPast: 'Escolha hoje ou uma data futura.',
  rateLimit: 'Limite de requisições por minuto',
  rateLimitHelp: 'Cada página buscada é uma requisição. Acima do limite, a API responde 429 e pede para esperar.',
  rateLimitInvalid: `Use um número inteiro de ${API_KEY_RATE_MIN} a ${API_KEY_RATE_MAX.toLocaleString('pt-BR')}.`,
  perMinute: (count: number) => `${count.toLocaleString('pt-BR')} requisições/min`,

  createdTitle: 'Chave criada',
  createdWarningTitle: 'Copie a chave agora',
  createdWarning: 'Por segurança, ela não será mostrada de novo: o Atende guarda apenas uma impressão digital (hash) dela. Guarde-a num cofre de senhas. Se ela se perder, crie outra e revogue esta.',
  keyLabel: 'Chave de API',
  examplesTitle: 'Exemplos prontos para copiar',
  done: 'Já copiei, fechar',
  closeUncopiedTitle: 'Fechar sem copiar a chave?',
  closeUncopiedContent: 'Ela não poderá ser vista de novo. Se fechar agora, será preciso criar outra chave.',
  closeUncopiedYes: 'Fechar mesmo assim',
  closeUncopiedNo: 'Voltar e copiar',
  created: 'Chave criada.',

  columnKey: 'Chave',
  columnDatasets: 'Conjuntos de dados',
  columnCreated: 'Criada',
  columnUsage: 'Validade e uso',
  createdBy: (name: string | null) => (name ? `por ${name}` : 'por uma pessoa removida'),
  expires: (date: string) => `Expira em ${date}`,
  expired: (date: string) => `Expirou em ${date}`,
  noExpiry: 'Sem expiração',
  revokedOn: (date: string) => `Revogada em ${date}`,
  lastUsed: (when: string) => `Último uso ${when}`,
  neverUsed: 'Nunca usada',

  revoke: 'Revogar',
  revokeRow: (name: string) => `Revogar a chave "${name}"`,
  revokeTitle: 'Revogar esta chave?',
  revokeContent: (name: string) => `A chave "${name}" deixa de funcionar na hora: relatórios e programas que a usam passam a receber "Esta chave de API foi revogada." Não é possível desfazer.`,
  revokeYes: 'Sim, revogar',
  revoked: 'Chave revogada.',

  introTitle: 'Para que servem',
  intro: 'Cada chave dá a um programa externo — o Power BI, uma planilha, um script — acesso somente leitura aos dados de atendimento pela API, nos conjuntos de dados escolhidos. O guia completo está em docs/powerbi.md.',
  emptyTitle: 'Nenhuma chave de API criada',
  emptyText: 'Crie uma chave para buscar os dados de atendimento no Power BI ou em outra ferramenta pela API.',
  count: (active: number, total: number) => `${active === 1 ? '1 chave ativa' : `${active} chaves ativas`} de ${total}`,
} as const
