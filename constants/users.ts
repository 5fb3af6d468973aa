/** pt-BR texts, limits and role explanations of the Usuários admin screen. */
import type { Role } from './roles.ts'

/** The same rules as the admin-users function (supabase/functions/admin-users/request.ts). */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 72
/** profiles.full_name's check constraint. */
export const USER_NAME_MAX_LENGTH = 120
/** Generated passwords: long enough to be safe, short enough to dictate. */
export const GENERATED_PASSWORD_LENGTH = 12

/** One line per role, under its name in the role picker. */
export const ROLE_DESCRIPTIONS = {
  admin: 'Configura tudo: conexões, chatbot, equipes, usuários e ajustes. Também pode atender.',
  supervisor: 'Vê e atende os chamados de todas as equipes e acompanha os relatórios.',
  agent: 'Atende os chamados das filas das suas equipes.',
  observer: 'Apenas consulta conversas e relatórios; não responde nem altera nada.',
} as const satisfies Record<Role, string>

export const USER_STATUSES = ['active', 'inactive'] as const
export type UserStatus = typeof USER_STATUSES[number]

export const USER_STATUS_LABELS = {
  active: 'Ativo',
  inactive: 'Desativado',
} as const satisfies Record<UserStatus, string>

export const USER_LABELS = {
  create: 'Novo usuário',
  createTitle: 'Novo usuário',
  editTitle: 'Editar usuário',
  columnName: 'Usuário',
  columnRoleStatus: 'Perfil e situação',
  columnTeams: 'Equipes',
  you: 'você',
  noTeams: 'Nenhuma',
  searchPlaceholder: 'Buscar por nome ou e-mail',
  search: 'Buscar usuário',
  filterRole: 'Filtrar por perfil',
  filterStatus: 'Filtrar por situação',
  allRoles: 'Todos os perfis',
  allStatuses: 'Todas as situações',
  count: (shown: number, total: number) => (shown === total ? `${total} ${total === 1 ? 'usuário' : 'usuários'}` : `${shown} de ${total} usuários`),
  empty: 'Nenhum usuário ainda.',
  emptyFiltered: 'Nenhum usuário encontrado com estes filtros.',
  clearFilters: 'Limpar filtros',
  name: 'Nome completo',
  namePlaceholder: 'Ex.: Maria da Silva',
  nameRequired: 'Informe o nome.',
  nameTooLong: `O nome pode ter no máximo ${USER_NAME_MAX_LENGTH} caracteres.`,
  email: 'E-mail',
  emailPlaceholder: 'nome@empresa.com.br',
  emailRequired: 'Informe o e-mail.',
  emailInvalid: 'Informe um e-mail válido, como nome@empresa.com.br.',
  emailReadOnly: 'O e-mail é o login da pessoa e não muda aqui.',
  initialPassword: 'Senha inicial',
  newPassword: 'Nova senha',
  passwordPlaceholder: `Pelo menos ${PASSWORD_MIN_LENGTH} caracteres`,
  passwordRequired: 'Informe a senha.',
  passwordTooShort: `A senha deve ter pelo menos ${PASSWORD_MIN_LENGTH} caracteres.`,
  passwordTooLong: `A senha pode ter no máximo ${PASSWORD_MAX_LENGTH} caracteres.`,
  passwordSpaces: 'A senha não pode começar nem terminar com espaço.',
  passwordHint: 'Entregue a senha à pessoa por um canal seguro; ela pode ser trocada depois.',
  generatePassword: 'Gerar senha',
  showPassword: 'Mostrar senha',
  hidePassword: 'Ocultar senha',
  copyPassword: 'Copiar senha',
  role: 'Perfil',
  teams: 'Equipes',
  teamsPlaceholder: 'Escolha as equipes',
  teamsHint: 'Técnicos atendem as filas das suas equipes.',
  teamsEmpty: 'Nenhuma equipe cadastrada.',
  selfDemoteWarning: 'Você está tirando o seu próprio perfil de administrador: ao salvar, perderá o acesso à Administração.',
  created: 'Usuário criado.',
  saved: 'Usuário salvo.',
  createSubmit: 'Criar usuário',
  resetPassword: 'Redefinir senha',
  resetTitle: 'Redefinir senha',
  resetIntro: (name: string) => `Defina uma nova senha para ${name}. A pessoa será desconectada de todos os dispositivos e entrará com a nova senha.`,
  resetSubmit: 'Redefinir senha',
  resetDone: 'Senha redefinida.',
  credentialsTitle: 'Envie estes dados de acesso à pessoa',
  credentialsHint: 'Por segurança, a senha não aparece de novo depois que esta janela fechar.',
  credentialsCopy: 'Copiar e-mail e senha',
  credentialsText: (email: string, password: string) => `E-mail: ${email}\nSenha: ${password}`,
  done: 'Concluir',
  deactivate: 'Desativar',
  reactivate: 'Reativar',
  cannotDeactivateSelf: 'Você não pode desativar a sua própria conta.',
  deactivateTitle: 'Desativar usuário?',
  deactivateContent: (name: string) => `${name} não conseguirá mais entrar no Atende e será desconectado. Os chamados em andamento dessa pessoa voltam para a fila da equipe. O histórico de conversas é mantido.`,
  deactivateYes: 'Sim, desativar',
  reactivateTitle: 'Reativar usuário?',
  reactivateContent: (name: string) => `${name} poderá entrar no Atende de novo com a senha atual.`,
  reactivateYes: 'Reativar',
  deactivated: 'Usuário desativado. Os chamados em andamento voltaram para a fila.',
  reactivated: 'Usuário reativado.',
  actionsFor: (name: string) => `Ações de ${name}`,
} as const
