import type { ConnectionState } from '../types/domain.ts'

/**
 * pt-BR texts of Administração → Conexões (list, forms, QR code screen) and the fixed facts behind
 * them (providers, states, colours, where each provider's guide lives).
 */

export type ChannelProvider = 'evolution' | 'cloud'

export const CHANNEL_PROVIDERS = {
  evolution: {
    label: 'Evolution API',
    short: 'Evolution',
    description: 'Gratuita e não oficial: o número é conectado lendo um QR code no celular.',
    guide: 'whatsapp-evolution',
  },
  cloud: {
    label: 'API oficial da Meta',
    short: 'Meta',
    description: 'Paga e oficial (WhatsApp Cloud API): o número é conectado com as chaves do painel da Meta.',
    guide: 'whatsapp-cloud-api',
  },
} as const satisfies Record<ChannelProvider, { label: string, short: string, description: string, guide: string }>

/** naive-ui tag types per state: one colour language on the list and the connection page. */
export const CONNECTION_STATES = {
  connected: { label: 'Conectado', tag: 'success' },
  qr: { label: 'Aguardando leitura do QR code', tag: 'warning' },
  connecting: { label: 'Conectando', tag: 'info' },
  disconnected: { label: 'Desconectado', tag: 'default' },
  error: { label: 'Erro', tag: 'error' },
} as const satisfies Record<ConnectionState, { label: string, tag: 'success' | 'warning' | 'info' | 'default' | 'error' }>

/** The colour picker's swatches (the database takes any #rrggbb). */
export const CHANNEL_COLOR_SWATCHES = ['#25d366', '#128c7e', '#2563eb', '#7c3aed', '#db2777', '#ea580c', '#ca8a04', '#475569'] as const
export const DEFAULT_CHANNEL_COLOR = '#25d366'

export const CHANNEL_NAME_MAX = 80
/** channels.allowed_phones holds at most this many numbers (check constraint). */
export const ALLOWED_PHONES_MAX = 500

export const CHANNEL_PATHS = {
  list: '/admin/conexoes',
  create: '/admin/conexoes/nova',
  connection: (id: string) => `/admin/conexoes/${id}`,
  chatbot: (id: string) => `/admin/conexoes/${id}/chatbot`,
} as const

export const CHANNEL_TABS = [
  { key: 'connection', label: 'Conexão', path: CHANNEL_PATHS.connection },
  { key: 'chatbot', label: 'Chatbot', path: CHANNEL_PATHS.chatbot },
] as const

export const CHANNEL_LIST_LABELS = {
  create: 'Nova conexão',
  name: 'Conexão',
  state: 'Situação',
  lastActivity: 'Atividade',
  never: 'Nenhuma',
  noNumber: 'Sem número',
  default: 'Padrão',
  inactive: 'Inativa',
  groups: 'Aceita grupos',
  testMode: 'Modo de teste',
  open: 'Abrir',
  emptyTitle: 'Nenhuma conexão ainda',
  emptyText: 'Conecte o primeiro número de WhatsApp da empresa para começar a receber os clientes.',
  loadError: 'Não foi possível carregar as conexões.',
  liveInterrupted: 'Reconectando às atualizações ao vivo…',
} as const

export const CHANNEL_PAGE_LABELS = {
  back: 'Conexões',
  tabs: 'Páginas da conexão',
  notFound: 'Conexão não encontrada. Ela pode ter sido excluída.',
  loadError: 'Não foi possível carregar a conexão.',
} as const

export const CHANNEL_FORM_LABELS = {
  createTitle: 'Nova conexão',
  createDescription: 'Escolha a API, dê um nome ao número e informe as credenciais. O Atende cria a instância e mostra o QR code.',
  editTitle: 'Configurações da conexão',
  provider: 'API do WhatsApp',
  general: 'Identificação',
  name: 'Nome',
  namePlaceholder: 'Ex.: Suporte, Vendas, Financeiro',
  color: 'Cor',
  colorHint: 'Aparece nos chamados para identificar o número.',
  credentials: 'Credenciais',
  serverUrl: 'URL do servidor da Evolution API',
  serverUrlPlaceholder: 'https://evolution.suaempresa.com.br',
  apiKey: 'Chave de API global (AUTHENTICATION_API_KEY)',
  accessToken: 'Token de acesso',
  phoneNumberId: 'Identificador do número (Phone number ID)',
  wabaId: 'Identificador da conta do WhatsApp Business (WABA ID)',
  wabaIdHint: 'Opcional; usado para conferir a conta.',
  appSecret: 'Chave secreta do aplicativo (App Secret)',
  savedSecret: '•••• salvo',
  secretPlaceholder: 'Cole aqui',
  savedSecretHint: 'Deixe em branco para manter o valor salvo; digite um novo para substituí-lo.',
  advanced: 'Avançado',
  graphBaseUrl: 'Endereço da Graph API',
  graphBaseUrlHint: 'Só mude para testes; o padrão é https://graph.facebook.com.',
  behaviour: 'Funcionamento',
  isDefault: 'Conexão padrão',
  isDefaultHint: 'Usada quando um atendente inicia uma conversa sem escolher o número.',
  active: 'Ativa',
  activeHint: 'Desativada, a conexão deixa de abrir atendimentos; o histórico continua disponível.',
  acceptGroups: 'Aceitar mensagens de grupos',
  acceptGroupsHint: 'Desligado, mensagens de grupos e de status são ignoradas. Ligado, cada grupo vira um contato.',
  testMode: 'Modo de teste',
  testModeHint: 'Só os números abaixo são atendidos; os demais são ignorados.',
  allowedPhones: 'Números liberados no modo de teste',
  allowedPhonesPlaceholder: 'Um por linha, com DDI e DDD. Ex.: 5511987654321',
  guide: (provider: string) => `Passo a passo: como configurar a ${provider}`,
  create: 'Criar conexão',
  creating: 'Criando…',
  save: 'Salvar alterações',
  saving: 'Salvando…',
  saved: 'Alterações salvas.',
  created: 'Conexão criada.',
  setupFailed: 'A conexão foi salva, mas a configuração da API falhou:',
  setupFailedHint: 'Corrija os dados e salve de novo para tentar outra vez.',
  fixErrors: 'Confira os campos destacados.',
  cancel: 'Cancelar',
  errors: {
    nameRequired: 'Informe um nome para a conexão.',
    nameTooLong: `O nome pode ter até ${CHANNEL_NAME_MAX} caracteres.`,
    color: 'Escolha uma cor no formato #RRGGBB.',
    serverUrlRequired: 'Informe o endereço do servidor da Evolution API.',
    serverUrl: 'Informe um endereço que comece com http:// ou https:// (ex.: https://evolution.suaempresa.com.br).',
    serverUrlExtras: 'O endereço não pode ter usuário, senha, ? ou #.',
    apiKeyRequired: 'Informe a chave de API global do servidor (AUTHENTICATION_API_KEY).',
    accessTokenRequired: 'Informe o token de acesso da Meta.',
    appSecretRequired: 'Informe a chave secreta do aplicativo (App Secret).',
    secretFormat: 'Confira o valor colado: não pode ter espaços nem passar de 1024 caracteres.',
    phoneNumberId: 'Informe o Phone number ID: só números, como aparece no painel da Meta.',
    wabaId: 'O WABA ID tem só números, como aparece no painel da Meta.',
    graphBaseUrl: 'O endereço da Graph API deve começar com http:// ou https://.',
    allowedPhonesRequired: 'Informe ao menos um número, ou desligue o modo de teste.',
    allowedPhonesInvalid: (entry: string) => `“${entry}” não é um número válido: use DDI e DDD, só números (ex.: 5511987654321).`,
    allowedPhonesTooMany: `O modo de teste aceita até ${ALLOWED_PHONES_MAX} números.`,
    phoneNumber: 'Informe o número do WhatsApp com DDI e DDD, por exemplo 5511912345678.',
  },
} as const

export const CHANNEL_CONNECTION_LABELS = {
  sectionTitle: 'Conexão com o WhatsApp',
  qrTitle: 'Leia o QR code com o WhatsApp',
  qrSteps: [
    'No celular do número, abra o WhatsApp.',
    'Toque em Aparelhos conectados (no Android, pelo menu ⋮; no iPhone, em Configurações).',
    'Toque em Conectar um aparelho e aponte a câmera para este código.',
  ],
  qrAlt: 'QR code para conectar o WhatsApp',
  qrExpiresIn: (time: string) => `O código muda em ${time}`,
  qrRenewing: 'Aguardando um novo código…',
  qrExpired: 'Este QR code expirou.',
  qrWaiting: 'Gerando o QR code…',
  newQr: 'Gerar novo QR code',
  pairingTitle: 'Conectar com código de pareamento',
  pairingHint: 'A câmera não lê o código? Informe o número do celular e digite no WhatsApp, em Conectar um aparelho → Conectar com número de telefone, o código de 8 caracteres.',
  pairingPhone: 'Número do WhatsApp da empresa',
  pairingRequest: 'Pedir código',
  pairingCode: 'Código de pareamento',
  connectedTitle: 'WhatsApp conectado',
  connectedNumber: 'Número',
  connectedSince: 'Desde',
  disconnectedTitle: 'WhatsApp desconectado',
  disconnectedText: 'Gere um QR code para conectar o número de novo.',
  connectingTitle: 'Conectando…',
  connectingText: 'Aguardando a resposta do servidor da Evolution API.',
  errorTitle: 'Falha na conexão',
  notConfiguredTitle: 'Configuração incompleta',
  notConfiguredText: 'Informe o servidor e a chave da Evolution API nas configurações abaixo e salve.',
  connect: 'Conectar',
  reconnect: 'Reconectar',
  disconnect: 'Desconectar',
  disconnectTitle: 'Desconectar este número?',
  disconnectContent: 'O WhatsApp deixa de receber e enviar mensagens por esta conexão até que o QR code seja lido de novo.',
  disconnectYes: 'Sim, desconectar',
  disconnected: 'Número desconectado.',
  refreshState: 'Atualizar situação',
  cloudTitle: 'Webhook da Meta',
  cloudText: 'Cole estes dados no painel da Meta em WhatsApp → Configuração → Webhook e assine o campo messages.',
  webhookUrl: 'URL de retorno (Callback URL)',
  verifyToken: 'Token de verificação (Verify token)',
  verifyTokenPending: 'Gerado na primeira configuração com sucesso.',
  cloudConnectedText: 'As mensagens chegam pelo webhook da Meta; não há QR code nesta API.',
} as const

export const CHANNEL_DANGER_LABELS = {
  title: 'Zona de perigo',
  deleteText: 'Excluir remove a conexão e, na Evolution API, a instância do servidor. Só é possível enquanto ela não tiver atendimentos.',
  delete: 'Excluir conexão',
  deleteTitle: 'Excluir esta conexão?',
  deleteContent: (name: string) => `A conexão “${name}” e sua instância serão removidas. Esta ação não pode ser desfeita.`,
  deleted: 'Conexão excluída.',
  hasHistoryTitle: 'Esta conexão tem atendimentos',
  deactivateOffer: 'Você pode desativá-la: ela deixa de abrir atendimentos e o histórico continua disponível.',
  deactivate: 'Desativar',
  deactivated: 'Conexão desativada.',
  activate: 'Reativar',
  activated: 'Conexão reativada.',
} as const
