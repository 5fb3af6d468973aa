/**
 * Why a sign-in (or a restored session) was refused. Derived from the auth error `code`, never from
 * the message text, so a server upgrade that rewords messages changes nothing here.
 */
export const AUTH_FAILURE_REASONS = [
  'invalid_credentials',
  'account_disabled',
  'email_not_confirmed',
  'rate_limited',
  'no_profile',
  'network',
  'unknown',
] as const

export type AuthFailureReason = typeof AUTH_FAILURE_REASONS[number]

export const AUTH_FAILURE_MESSAGES = {
  invalid_credentials: 'E-mail ou senha incorretos.',
  account_disabled: 'Usuário desativado. Fale com o administrador.',
  email_not_confirmed: 'Seu e-mail ainda não foi confirmado. Fale com o administrador.',
  rate_limited: 'Muitas tentativas seguidas. Aguarde um instante e tente novamente.',
  no_profile: 'Seu usuário não tem um perfil no Atende. Fale com o administrador.',
  network: 'Não foi possível conectar ao servidor. Verifique sua conexão e tente novamente.',
  unknown: 'Não foi possível entrar agora. Tente novamente em instantes.',
} as const satisfies Record<AuthFailureReason, string>

export const LOGIN_LABELS = {
  pageTitle: 'Entrar',
  heading: 'Entre na sua conta',
  subheading: 'Atendimento ao cliente pelo WhatsApp',
  email: 'E-mail',
  emailPlaceholder: 'voce@empresa.com.br',
  password: 'Senha',
  passwordPlaceholder: 'Sua senha',
  submit: 'Entrar',
  submitting: 'Entrando…',
  emailRequired: 'Informe seu e-mail.',
  emailInvalid: 'Informe um e-mail válido.',
  passwordRequired: 'Informe sua senha.',
  forgotPassword: 'Esqueceu a senha? Peça ao administrador para redefini-la.',
} as const
