/** Strings of the authenticated shell (navigation, user area, theme, access control). */
export const SHELL_LABELS = {
  brand: 'Atende',
  navigation: 'Navegação principal',
  skipToContent: 'Pular para o conteúdo',
  signOut: 'Sair',
  signingOut: 'Saindo…',
  signOutFailed: 'Não foi possível sair agora. Verifique sua conexão e tente novamente.',
  theme: 'Tema',
  userArea: 'Sua conta',
  accessRestricted: 'Acesso restrito: esta área é exclusiva para administradores.',
} as const
