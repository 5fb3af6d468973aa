/** pt-BR texts and limits of the Equipes admin screen. */

/** The teams table's check constraint (1–80 characters after trimming). */
export const TEAM_NAME_MAX_LENGTH = 80

/** The database default; new teams start with it. */
export const TEAM_DEFAULT_COLOR = '#2080f0'

/** Ready-made colours in the picker: distinct on queue badges, readable in light and dark themes. */
export const TEAM_COLOR_SWATCHES = [
  '#2080f0', '#18a058', '#f0a020', '#d03050', '#8a4fd8', '#0e9aa7', '#e5652e', '#5c6b7a',
] as const

/** How many member avatars a row shows before "+N". */
export const TEAM_AVATARS_SHOWN = 5

export const TEAM_LABELS = {
  create: 'Nova equipe',
  createTitle: 'Nova equipe',
  editTitle: 'Editar equipe',
  columnTeam: 'Equipe',
  columnMembers: 'Membros',
  columnDistribution: 'Distribuição',
  name: 'Nome',
  namePlaceholder: 'Ex.: Suporte Técnico',
  nameRequired: 'Informe o nome da equipe.',
  nameTooLong: `O nome pode ter no máximo ${TEAM_NAME_MAX_LENGTH} caracteres.`,
  nameTaken: 'Já existe uma equipe com este nome.',
  color: 'Cor',
  colorHint: 'Aparece nas etiquetas da fila e nos chamados da equipe.',
  colorInvalid: 'Escolha uma cor no formato #rrggbb.',
  members: 'Membros',
  membersPlaceholder: 'Escolha quem atende nesta equipe',
  membersHint: 'Só pessoas ativas aparecem aqui. Técnicos veem apenas as filas das suas equipes.',
  membersEmpty: 'Nenhum usuário ativo.',
  noMembers: 'Sem membros',
  memberCount: (count: number) => (count === 1 ? '1 membro' : `${count} membros`),
  moreMembers: (count: number) => `+${count}`,
  autoAssign: 'Distribuição automática (rodízio)',
  autoAssignHelp: 'Cada novo chamado que entra na fila desta equipe vai direto para o próximo membro, um de cada vez; usuários desativados e observadores são pulados. Sem ninguém disponível, o chamado espera na fila.',
  autoAssignOn: 'Rodízio automático',
  autoAssignOff: 'Fila manual',
  autoAssignOffHint: 'Os técnicos pegam os chamados da fila.',
  saved: 'Equipe salva.',
  created: 'Equipe criada.',
  deleted: 'Equipe excluída.',
  createdMembersFailed: 'A equipe foi criada, mas os membros não foram salvos. Tente salvar de novo.',
  deleteTitle: 'Excluir equipe?',
  deleteContent: (name: string) => `A equipe “${name}” será excluída e seus membros deixarão de fazer parte dela. Equipes com chamados na fila ou em andamento, ou usadas no menu do chatbot, não podem ser excluídas.`,
  empty: 'Nenhuma equipe ainda.',
  emptyHint: 'Crie a primeira equipe para o chatbot encaminhar os clientes para a fila dela.',
  notFound: 'Esta equipe não existe mais. Recarregue a página.',
} as const
