/** Conversation and message strings (pt-BR) and the few numbers the conversation screen is tuned by. */
import type { MessageKind, MessageStatus } from '../types/domain.ts'

/** The company's time zone (app_settings.timezone's default): days and times are shown in it. */
export const CONVERSATION_TIME_ZONE = 'America/Sao_Paulo'

/** Messages per page: the newest page on open, then older pages as the agent scrolls up. */
export const MESSAGE_PAGE_SIZE = 50

/** Signed media URLs live this long; the cache renews them a minute before they expire. */
export const MEDIA_URL_TTL_SECONDS = 60 * 60

/** Audio playback speeds offered by the player, in the order the button cycles through them. */
export const AUDIO_SPEEDS = [1, 1.5, 2] as const

export const MESSAGE_KIND_LABELS = {
  text: 'Texto',
  image: 'Imagem',
  audio: 'Áudio',
  video: 'Vídeo',
  document: 'Documento',
  sticker: 'Figurinha',
  location: 'Localização',
  contact: 'Contato',
  reaction: 'Reação',
  unsupported: 'Mensagem não suportada',
  note: 'Nota interna',
} as const satisfies Record<MessageKind, string>

/** What each tick means, for the tooltip and screen readers. */
export const MESSAGE_STATUS_LABELS = {
  received: 'Recebida',
  pending: 'Enviando…',
  sent: 'Enviada',
  delivered: 'Entregue',
  read: 'Lida',
  played: 'Ouvida',
  failed: 'Falha no envio',
} as const satisfies Record<MessageStatus, string>

export const MESSAGE_LABELS = {
  list: 'Mensagens da conversa',
  loading: 'Carregando mensagens…',
  loadingOlder: 'Carregando mensagens anteriores…',
  loadOlder: 'Carregar mensagens anteriores',
  loadError: 'Não foi possível carregar as mensagens.',
  olderError: 'Não foi possível carregar as mensagens anteriores.',
  tryAgain: 'Tentar novamente',
  empty: 'Nenhuma mensagem neste atendimento ainda.',
  beginning: 'Início da conversa',
  newMessages: 'Novas mensagens',
  newMessagesCount: (count: number) => (count === 1 ? '1 nova mensagem' : `${count} novas mensagens`),
  reply: 'Responder',
  replyShortcut: 'Responder (R)',
  privateNote: 'Nota interna',
  privateNoteHint: 'Visível só para a equipe',
  you: 'Você',
  bot: 'Chatbot',
  system: 'Sistema',
  companyPhone: 'Celular da empresa',
  unknownAgent: 'Técnico',
  quotedUnavailable: 'Mensagem original indisponível',
  quotedNotHere: 'A mensagem original é de outro atendimento deste contato.',
  quotedNotFound: 'A mensagem original não foi encontrada.',
  retry: 'Tentar novamente',
  retrying: 'Reenviando…',
  retryFailed: 'Não foi possível reenviar a mensagem.',
  sendFailedNetwork: 'Sem conexão com o servidor: a mensagem não foi enviada.',
  sendFailedUpload: 'Não foi possível enviar o arquivo.',
  sendFailedGeneric: 'A mensagem não foi enviada.',
  timeAt: (date: string, time: string) => `${date} às ${time}`,
  today: 'Hoje',
  yesterday: 'Ontem',
} as const

export const MEDIA_LABELS = {
  loading: 'Carregando mídia…',
  unavailable: 'Arquivo indisponível',
  unavailableHint: 'O arquivo não pôde ser baixado do WhatsApp.',
  retryLoad: 'Tentar carregar de novo',
  openImage: 'Ampliar imagem',
  closeImage: 'Fechar',
  download: 'Baixar',
  downloadFile: (name: string) => `Baixar ${name}`,
  document: 'Documento',
  videoUnsupported: 'Seu navegador não reproduz este vídeo.',
  sticker: 'Figurinha',
} as const

export const AUDIO_LABELS = {
  player: 'Reprodutor de áudio',
  voiceNote: 'Mensagem de voz',
  audio: 'Áudio',
  play: 'Reproduzir',
  pause: 'Pausar',
  seek: 'Posição do áudio',
  speed: (speed: number) => `Velocidade ${String(speed).replace('.', ',')}×`,
  cannotPlay: 'Não foi possível reproduzir este áudio.',
} as const

export const LOCATION_LABELS = {
  title: 'Localização',
  openMap: 'Abrir no mapa',
  coordinates: (lat: number, lng: number) => `${lat.toFixed(5)}, ${lng.toFixed(5)}`,
} as const

export const CONTACT_CARD_LABELS = {
  title: 'Contato compartilhado',
  noPhone: 'Sem telefone',
  copy: 'Copiar número',
  copied: 'Número copiado.',
} as const

export const REACTION_LABELS = {
  reacted: (emoji: string) => `Reagiu com ${emoji}`,
  removed: 'Removeu a reação',
  toMessage: 'a uma mensagem',
  reactions: 'Reações',
  fromContact: 'Cliente',
  fromAgent: 'Equipe',
} as const

export const UNSUPPORTED_LABELS = {
  title: 'Mensagem não suportada',
  hint: 'Este tipo de mensagem não pode ser exibido aqui. Veja no celular do cliente.',
} as const

export const CONVERSATION_LABELS = {
  loadingTicket: 'Carregando atendimento…',
  ticketNotFound: 'Atendimento não encontrado ou sem permissão para vê-lo.',
  ticketNumber: (number: number) => `#${number}`,
  contactFallback: 'Contato',
  accept: 'Atender',
  accepting: 'Atendendo…',
  readOnlyQueued: 'Você está espiando esta conversa na fila. Atenda para responder.',
  readOnlyObserver: 'Observadores apenas acompanham as conversas; não enviam mensagens.',
  readOnlyClosed: 'Este atendimento foi encerrado. O histórico fica disponível para consulta.',
  readOnlyBot: 'O cliente ainda está conversando com o chatbot.',
  readOnlyOtherAgent: 'Este atendimento está com outro técnico; você pode acompanhar, mas não responder.',
  headerActions: 'Ações do atendimento',
  assignee: 'Responsável',
  team: 'Equipe',
  noTeam: 'Sem equipe',
  noAssignee: 'Sem responsável',
  live: 'Atualizando em tempo real',
  interrupted: 'Conexão em tempo real interrompida; reconectando…',
} as const
