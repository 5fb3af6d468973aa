/**
 * Configurações (company-wide settings, one row of `app_settings`) and the first run of a new
 * installation (/primeiro-acesso): values, limits and every pt-BR word of both screens.
 */

export const POWERBI_DISPLAY_MODES = ['embed', 'new_tab'] as const
export type PowerBiDisplayMode = typeof POWERBI_DISPLAY_MODES[number]

export const POWERBI_DISPLAY_MODE_LABELS = {
  embed: { label: 'Incorporar na página Relatórios', description: 'O relatório aparece dentro do Atende, em Relatórios.' },
  new_tab: { label: 'Abrir em nova aba', description: 'Relatórios mostra um botão que abre o relatório no Power BI.' },
} as const satisfies Record<PowerBiDisplayMode, { label: string, description: string }>

export const SETTINGS_LIMITS = {
  companyName: 80,
  powerBiUrl: 2000,
} as const

/** The company's default zone (app_settings.timezone's default). */
export const DEFAULT_TIMEZONE = 'America/Sao_Paulo'

export const SETTINGS_LABELS = {
  companyTitle: 'Empresa',
  companyDescription: 'Como o Atende chama a sua empresa e em que fuso horário ela trabalha.',
  companyName: 'Nome da empresa',
  companyNamePlaceholder: 'Ex.: Acme Suporte',
  companyNameRequired: 'Informe o nome da empresa.',
  companyNameTooLong: `Use no máximo ${SETTINGS_LIMITS.companyName} caracteres.`,
  timezone: 'Fuso horário',
  timezonePlaceholder: 'Busque por cidade, região ou UTC',
  timezoneHelp: 'Datas e horários do Atende e o horário de atendimento do chatbot (quando a conexão não define outro) seguem este fuso.',
  timezoneRequired: 'Escolha o fuso horário da empresa.',
  timezoneBrazil: 'Brasil',
  timezoneOthers: 'Outros fusos',
  timezoneEmpty: 'Nenhum fuso encontrado.',
  timezoneNow: (time: string) => `Agora neste fuso: ${time}.`,

  closingTitle: 'Encerramento',
  closingDescription: 'O que o técnico precisa informar ao encerrar um atendimento.',
  classificationRequired: 'Exigir classificação ao encerrar',
  classificationRequiredOn: 'Ligado: o técnico só consegue encerrar depois de escolher uma classificação. Os relatórios ficam completos, mas encerrar leva um passo a mais.',
  classificationRequiredOff: 'Desligado: a classificação é opcional. Atendimentos encerrados sem classificação aparecem como "Sem classificação" nos relatórios.',
  classificationLink: 'Gerenciar classificações',

  powerBiTitle: 'Power BI',
  powerBiDescription: 'O relatório da empresa no Power BI, aberto a partir da página Relatórios.',
  powerBiUrl: 'Endereço do relatório',
  powerBiUrlPlaceholder: 'https://app.powerbi.com/reportEmbed?reportId=…',
  powerBiUrlHelp: 'Deixe em branco para não mostrar relatório do Power BI.',
  powerBiUrlInvalid: 'Informe um endereço completo, começando com https://.',
  powerBiUrlNotHttps: 'Use um endereço seguro, que comece com https://.',
  powerBiUrlTooLong: `O endereço pode ter até ${SETTINGS_LIMITS.powerBiUrl} caracteres.`,
  powerBiDisplayMode: 'Como mostrar',
  powerBiPublicLink: 'Este endereço é de "Publicar na Web": qualquer pessoa que o tenha vê os dados do relatório, sem entrar no Power BI.',
  powerBiWarningTitle: 'Cuidado com "Publicar na Web"',
  powerBiWarningPublic: 'Um relatório publicado com "Publicar na Web" fica público: qualquer pessoa com o link — ou que o encontre — vê todos os dados, sem senha. Não use essa opção para dados de atendimento.',
  powerBiWarningSecure: 'Prefira "Arquivo → Inserir relatório → Site ou portal" no Power BI: o link exige entrar com uma conta do Power BI com acesso ao relatório, e as regras de segurança (RLS) continuam valendo.',
  powerBiWarningLicence: 'Quem for ver o relatório precisa de acesso a ele no Power BI (licença Pro ou PPU, ou workspace em capacidade Premium/Fabric).',

  loading: 'Carregando configurações…',
  loadFailed: 'Não foi possível carregar as configurações.',
  unsaved: 'Há alterações não salvas.',
  discard: 'Descartar',
  saved: 'Configurações salvas.',
  saveFailed: 'Não foi possível salvar. Suas alterações continuam na tela.',
  validationFailed: 'Corrija os campos destacados antes de salvar.',
} as const

/** Refusals of the save, by reason (the database's P0001 codes, PostgREST's check violation, our own). */
export const SETTINGS_ERRORS = {
  invalid_timezone: 'Fuso horário desconhecido. Escolha um fuso da lista.',
  invalid_powerbi_url: 'O endereço do relatório do Power BI precisa começar com https://.',
  stale_settings: 'Outro administrador salvou as configurações enquanto você editava. Os campos que você não mudou foram atualizados; confira e salve de novo.',
  not_allowed: 'Só administradores podem mudar as configurações.',
} as const

export type SettingsErrorReason = keyof typeof SETTINGS_ERRORS

/** The first-run page, reachable without signing in while the database has no active administrator. */
export const FIRST_ADMIN_PATH = '/primeiro-acesso'

export const FIRST_ADMIN_LIMITS = {
  companyName: SETTINGS_LIMITS.companyName,
  /** profiles.full_name's check constraint. */
  fullName: 120,
  passwordMin: 8,
  /** bcrypt ignores what comes after 72 bytes, so the auth server refuses longer passwords. */
  passwordMaxBytes: 72,
} as const

export const FIRST_ADMIN_LABELS = {
  pageTitle: 'Primeiro acesso',
  heading: 'Bem-vindo ao Atende',
  intro: 'Este é o primeiro acesso: ainda não existe nenhum administrador. Crie a sua conta de administrador para configurar equipes, usuários, conexões do WhatsApp e o chatbot.',
  onlyOnce: 'Esta página só funciona uma vez: depois que o primeiro administrador é criado, os demais usuários são cadastrados por ele em Administração → Usuários.',
  companyName: 'Empresa',
  companyNamePlaceholder: 'Nome da sua empresa',
  fullName: 'Seu nome',
  fullNamePlaceholder: 'Nome e sobrenome',
  email: 'E-mail',
  emailPlaceholder: 'voce@empresa.com.br',
  password: 'Senha',
  passwordPlaceholder: `Pelo menos ${FIRST_ADMIN_LIMITS.passwordMin} caracteres`,
  passwordConfirm: 'Confirme a senha',
  passwordConfirmPlaceholder: 'Digite a senha de novo',
  submit: 'Criar administrador e entrar',
  submitting: 'Criando…',
  companyNameRequired: 'Informe o nome da empresa.',
  companyNameTooLong: `Use no máximo ${FIRST_ADMIN_LIMITS.companyName} caracteres.`,
  fullNameRequired: 'Informe seu nome.',
  fullNameTooLong: `Use no máximo ${FIRST_ADMIN_LIMITS.fullName} caracteres.`,
  emailRequired: 'Informe seu e-mail.',
  emailInvalid: 'Informe um e-mail válido.',
  passwordRequired: 'Crie uma senha.',
  passwordTooShort: `A senha precisa ter pelo menos ${FIRST_ADMIN_LIMITS.passwordMin} caracteres.`,
  passwordTooLong: 'A senha é longa demais: use no máximo 72 caracteres (letras acentuadas contam como dois).',
  passwordConfirmRequired: 'Confirme a senha.',
  passwordMismatch: 'As senhas não são iguais.',
  checking: 'Verificando a instalação…',
  checkFailed: 'Não foi possível falar com o servidor para saber se o Atende já foi configurado.',
  retry: 'Tentar novamente',
  doneHeading: 'O Atende já está configurado',
  doneText: 'O primeiro administrador já foi criado. Entre com a sua conta; se ainda não tem uma, peça a um administrador.',
  goToLogin: 'Ir para o login',
  signInFailed: 'Sua conta de administrador foi criada, mas não foi possível entrar automaticamente. Entre com seu e-mail e senha.',
  nextStepsTitle: 'Tudo pronto! Próximos passos',
  nextStepsIntro: 'Configure o Atende nesta ordem:',
  nextSteps: [
    { key: 'equipes', text: 'crie as filas de atendimento (ex.: Suporte, Financeiro).' },
    { key: 'usuarios', text: 'cadastre os técnicos e coloque cada um nas suas equipes.' },
    { key: 'conexoes', text: 'conecte o número do WhatsApp lendo o QR code.' },
    { key: 'chatbot', text: 'na página da conexão, escreva a saudação e o menu que leva o cliente à equipe certa.' },
  ],
  chatbotStep: 'Chatbot',
  loginNoticeTitle: 'Primeiro acesso',
  loginNotice: 'Ainda não há nenhum administrador neste Atende.',
  loginNoticeLink: 'Criar o primeiro administrador',
} as const
