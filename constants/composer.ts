/** Limits, formats and pt-BR strings of the conversation composer (components/composer). */

/** WhatsApp refuses text messages longer than this. */
export const WHATSAPP_TEXT_LIMIT = 4096

/** The counter appears once the text gets this close to the limit (it is noise before that). */
export const TEXT_COUNTER_FROM = 3500

/** Same as the `media` bucket's file_size_limit (supabase/migrations/*_media_storage.sql). */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024

/** How many files one message batch may carry (WhatsApp Web allows 30 at once). */
export const MAX_ATTACHMENTS = 10

/** Typed at the start of a word, opens the quick replies. */
export const QUICK_REPLY_TRIGGER = '/'

/** Quick replies shown at once in the "/" list. */
export const QUICK_REPLY_RESULTS = 8

/**
 * Recording formats, best first. WhatsApp plays OGG/Opus as a voice note; Chromium records only
 * WebM/Opus, which Evolution API transcodes on its way out.
 */
export const VOICE_NOTE_MIME_TYPES = ['audio/ogg;codecs=opus', 'audio/webm;codecs=opus', 'audio/webm'] as const

/** Recordings longer than this stop on their own (WhatsApp voice notes are short by nature). */
export const VOICE_NOTE_MAX_SECONDS = 15 * 60

/** sessionStorage key prefix of a draft (`<prefix><user id>:<ticket id>`), kept across tickets and reloads of the tab. */
export const DRAFT_STORAGE_PREFIX = 'atende:composer-draft:'

/** The kinds an attached file can be sent as (types/domain.ts OutgoingDraft, minus text and note). */
export const ATTACHMENT_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const

export type AttachmentKind = typeof ATTACHMENT_KINDS[number]

/** Kinds whose WhatsApp message can carry a caption. */
export const CAPTIONED_KINDS: readonly AttachmentKind[] = ['image', 'video', 'document']

export const ATTACHMENT_KIND_LABELS = {
  image: 'Imagem',
  video: 'Vídeo',
  audio: 'Áudio',
  document: 'Documento',
  sticker: 'Figurinha',
} as const satisfies Record<AttachmentKind, string>

/** Why the composer is read-only, from the ticket and the user's role (see `composerBlockReason`). */
export type ComposerBlockReason = 'closed' | 'queued' | 'bot' | 'observer' | 'not_assignee' | 'read_only'

export const COMPOSER_BLOCK_REASONS = {
  closed: 'Este atendimento foi encerrado. Para falar com o cliente de novo, reabra a conversa em Contatos.',
  queued: 'Você está espiando um atendimento da fila. Clique em Atender para responder.',
  bot: 'O cliente está falando com o chatbot. Você poderá responder quando ele entrar na fila.',
  observer: 'Seu perfil é de observador: você acompanha as conversas, mas não envia mensagens.',
  not_assignee: 'Este atendimento está com outro técnico. Só quem está com ele pode responder.',
  read_only: 'Este atendimento está aberto apenas para leitura.',
} as const satisfies Record<ComposerBlockReason, string>

export const COMPOSER_LABELS = {
  region: 'Escrever mensagem',
  modeReply: 'Responder',
  modeNote: 'Nota interna',
  modeGroup: 'Tipo de mensagem',
  noteBanner: 'Nota interna — o cliente não vê',
  placeholderReply: 'Digite uma mensagem ou / para respostas rápidas',
  placeholderNote: 'Escreva uma nota para a equipe… (o cliente não vê)',
  placeholderCaptioned: 'Mensagem opcional, enviada depois dos anexos',
  input: 'Mensagem',
  send: 'Enviar',
  sendNote: 'Salvar nota',
  sending: 'Enviando…',
  sendHint: 'Enter envia · Shift+Enter quebra a linha',
  sendFailed: 'Não foi possível enviar. Sua mensagem continua aqui para tentar de novo.',
  tooLong: (limit: number) => `A mensagem passou do limite de ${limit.toLocaleString('pt-BR')} caracteres do WhatsApp.`,
  counter: (used: number, limit: number) => `${used.toLocaleString('pt-BR')} de ${limit.toLocaleString('pt-BR')} caracteres`,
  readOnlyTitle: 'Respostas desativadas',
  noteNoAttachments: 'Notas internas são só texto: anexos e áudios ficam para as mensagens ao cliente.',
} as const

export const QUICK_REPLY_LABELS = {
  button: 'Respostas rápidas',
  title: 'Respostas rápidas',
  search: 'Buscar por atalho, título ou texto',
  empty: 'Nenhuma resposta rápida encontrada.',
  none: 'Ainda não há respostas rápidas. Um administrador pode cadastrá-las em Administração.',
  loading: 'Carregando respostas rápidas…',
  loadFailed: 'Não foi possível carregar as respostas rápidas.',
  retry: 'Tentar de novo',
  teamTag: 'Equipe',
  globalTag: 'Todas as equipes',
  hint: '↑↓ para escolher · Enter ou Tab insere · Esc fecha',
  listLabel: 'Respostas rápidas encontradas',
} as const

export const EMOJI_LABELS = {
  button: 'Emojis',
  search: 'Buscar emoji (em inglês)',
  skinTone: 'Tom de pele',
  groups: {
    recent: 'Usados recentemente',
    smileys_people: 'Carinhas e pessoas',
    animals_nature: 'Animais e natureza',
    food_drink: 'Comidas e bebidas',
    activities: 'Atividades',
    travel_places: 'Viagens e lugares',
    objects: 'Objetos',
    symbols: 'Símbolos',
    flags: 'Bandeiras',
  },
} as const

export const ATTACHMENT_LABELS = {
  button: 'Anexar arquivo',
  dropHere: 'Solte os arquivos para anexar',
  dropHint: 'Imagens, vídeos, áudios e documentos de até 100 MB',
  remove: (name: string) => `Remover ${name}`,
  caption: 'Legenda (opcional)',
  captionLabel: (name: string) => `Legenda de ${name}`,
  tooLarge: (name: string) => `"${name}" tem mais de 100 MB, o limite do WhatsApp. Envie um arquivo menor.`,
  empty: (name: string) => `"${name}" está vazio e não pode ser enviado.`,
  tooMany: (max: number) => `Envie no máximo ${max} arquivos de uma vez.`,
  listLabel: 'Arquivos a enviar',
  removeAll: 'Remover todos',
} as const

export const VOICE_LABELS = {
  record: 'Gravar áudio',
  recording: 'Gravando',
  starting: 'Pedindo o microfone…',
  cancel: 'Cancelar gravação',
  send: 'Enviar áudio',
  stop: 'Parar',
  noMicrophone: 'Nenhum microfone encontrado. Conecte um microfone e tente de novo.',
  denied: 'O navegador não tem permissão para usar o microfone. Libere o acesso nas configurações do site e tente de novo.',
  busy: 'O microfone está em uso por outro programa. Feche-o e tente de novo.',
  unsupported: 'Este navegador não grava áudio. Use uma versão recente do Chrome, Edge ou Firefox.',
  insecure: 'A gravação de áudio só funciona em conexão segura (https).',
  failed: 'Não foi possível gravar o áudio. Tente de novo.',
  tooShort: 'O áudio ficou curto demais para enviar.',
  fileName: (stamp: string, extension: string) => `audio-${stamp}.${extension}`,
} as const

export const REPLY_PREVIEW_LABELS = {
  replyingTo: 'Respondendo a',
  customer: 'Cliente',
  you: 'Você',
  agent: 'Técnico',
  bot: 'Chatbot',
  system: 'Sistema',
  close: 'Cancelar resposta',
  kinds: {
    text: 'Mensagem',
    image: '📷 Foto',
    audio: '🎤 Áudio',
    video: '🎬 Vídeo',
    document: '📄 Documento',
    sticker: 'Figurinha',
    location: '📍 Localização',
    contact: '👤 Contato',
    reaction: 'Reação',
    unsupported: 'Mensagem não suportada',
    note: 'Nota interna',
  },
} as const
