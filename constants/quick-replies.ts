/**
 * Respostas rápidas (admin screen): the rules the database enforces on a reply
 * (supabase/migrations/*_catalogues.sql), the form's checks, the list's scope filter, and every pt-BR
 * text of the screen. The composer's own texts live in constants/composer.ts.
 */
import type { QuickReply } from '../types/domain.ts'
import { WHATSAPP_TEXT_LIMIT } from './composer.ts'

/** `check (shortcut ~ '^[a-z0-9][a-z0-9_-]{0,29}$')` */
export const SHORTCUT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,29}$/
export const SHORTCUT_MAX = 30
/** `check (length(trim(title)) between 1 and 80)` */
export const QUICK_REPLY_TITLE_MAX = 80
/** `check (length(body) between 1 and 4096)`: what WhatsApp accepts in one text message. */
export const QUICK_REPLY_BODY_MAX = WHATSAPP_TEXT_LIMIT

/** The scope filter's value for "every scope" and for the global replies (a team filter is its id). */
export const SCOPE_FILTER_ANY = 'any'
export const SCOPE_FILTER_GLOBAL = 'global'

/** The first name the form's preview greets (the composer uses the customer's). */
export const PREVIEW_CONTACT_NAME = 'Maria Aparecida'

export const QUICK_REPLY_ADMIN_LABELS = {
  create: 'Nova resposta',
  createTitle: 'Nova resposta rápida',
  editTitle: 'Editar resposta rápida',
  shortcut: 'Atalho',
  shortcutPlaceholder: 'ex.: boas-vindas',
  shortcutRule: `Letras minúsculas sem acento, números, - e _; até ${SHORTCUT_MAX} caracteres, começando com letra ou número. O atendente digita / e o atalho.`,
  title: 'Título',
  titlePlaceholder: 'Ex.: Boas-vindas',
  body: 'Mensagem',
  bodyPlaceholder: 'Olá, {nome}! Em que posso ajudar?',
  bodyCounter: (used: number) => `${used.toLocaleString('pt-BR')} / ${QUICK_REPLY_BODY_MAX.toLocaleString('pt-BR')}`,
  scope: 'Disponível para',
  scopeHelp: 'Uma resposta de equipe só aparece nos atendimentos dessa equipe.',
  global: 'Todas as equipes',
  unknownTeam: 'Equipe removida',
  nameHint: 'Use {nome} para inserir o primeiro nome do cliente; sem nome salvo, ele é omitido.',
  insertName: 'Inserir {nome}',
  preview: 'Como o cliente recebe',
  previewWithName: (name: string) => `Cliente com nome (${name})`,
  previewWithoutName: 'Cliente sem nome salvo',
  previewEmpty: 'A mensagem aparece aqui enquanto você digita.',
  search: 'Buscar por atalho, título ou mensagem',
  scopeFilter: 'Filtrar por escopo',
  scopeAny: 'Todos os escopos',
  columnReply: 'Resposta',
  columnScope: 'Escopo',
  count: (shown: number, total: number) => (shown === total
    ? (total === 1 ? '1 resposta' : `${total} respostas`)
    : `${shown} de ${total} respostas`),
  editRow: (shortcut: string) => `Editar /${shortcut}`,
  deleteRow: (shortcut: string) => `Excluir /${shortcut}`,
  emptyTitle: 'Nenhuma resposta rápida cadastrada',
  emptyText: 'Crie mensagens prontas que os atendentes inserem digitando / no campo de mensagem.',
  noMatchTitle: 'Nenhuma resposta encontrada',
  noMatchText: 'Mude a busca ou o filtro de escopo.',
  clearFilters: 'Limpar filtros',
  shortcutRequired: 'Informe o atalho.',
  shortcutInvalid: 'Atalho inválido: use só letras minúsculas sem acento, números, - e _, começando com letra ou número.',
  shortcutTooLong: `Use no máximo ${SHORTCUT_MAX} caracteres.`,
  shortcutTaken: (scope: string) => `Já existe uma resposta com este atalho em "${scope}".`,
  shortcutTakenServer: 'Já existe uma resposta com este atalho para este escopo.',
  titleRequired: 'Informe o título.',
  titleTooLong: `Use no máximo ${QUICK_REPLY_TITLE_MAX} caracteres.`,
  bodyRequired: 'Escreva a mensagem.',
  bodyTooLong: `A mensagem passou do limite de ${QUICK_REPLY_BODY_MAX.toLocaleString('pt-BR')} caracteres do WhatsApp.`,
  invalid: 'Algum campo está fora das regras. Revise o formulário.',
  notFound: 'Esta resposta não existe mais (outra pessoa a excluiu). A lista foi atualizada.',
  created: 'Resposta rápida criada.',
  saved: 'Resposta rápida salva.',
  deleted: 'Resposta rápida excluída.',
  deleteTitle: 'Excluir resposta rápida?',
  deleteContent: (shortcut: string, title: string) => `/${shortcut} — "${title}" deixa de aparecer para os atendentes. Esta ação não pode ser desfeita.`,
} as const

/**
 * What the admin typed, as a shortcut: without the "/" people type out of habit, lower case, accents
 * dropped and spaces as hyphens ("/Boas Vindas" → "boas-vindas"). Anything else stays for the check.
 */
export function normalizeShortcut(value: string): string {
  return value
    .normalize('NFD').replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/^\/+/, '')
    .replace(/\s+/g, '-')
}

/** Null when the shortcut follows the database's rule and is free in its scope. */
export function shortcutError(
  shortcut: string,
  teamId: string | null,
  others: readonly Pick<QuickReply, 'shortcut' | 'team_id'>[],
  scopeName: string,
): string | null {
  if (!shortcut) return QUICK_REPLY_ADMIN_LABELS.shortcutRequired
  if (shortcut.length > SHORTCUT_MAX) return QUICK_REPLY_ADMIN_LABELS.shortcutTooLong
  if (!SHORTCUT_PATTERN.test(shortcut)) return QUICK_REPLY_ADMIN_LABELS.shortcutInvalid
  if (others.some(other => other.shortcut === shortcut && other.team_id === teamId)) return QUICK_REPLY_ADMIN_LABELS.shortcutTaken(scopeName)
  return null
}

export function titleError(title: string): string | null {
  const trimmed = title.trim()
  if (!trimmed) return QUICK_REPLY_ADMIN_LABELS.titleRequired
  if (trimmed.length > QUICK_REPLY_TITLE_MAX) return QUICK_REPLY_ADMIN_LABELS.titleTooLong
  return null
}

/** Characters as Postgres counts them (code points: an emoji is one), so the counter agrees with the check. */
export function bodyLength(body: string): number {
  return [...body].length
}

export function bodyError(body: string): string | null {
  if (!body.trim()) return QUICK_REPLY_ADMIN_LABELS.bodyRequired
  if (bodyLength(body.trim()) > QUICK_REPLY_BODY_MAX) return QUICK_REPLY_ADMIN_LABELS.bodyTooLong
  return null
}

/** The replies in a scope filter: every scope, the global ones, or one team's (exactly that scope). */
export function inScope<T extends Pick<QuickReply, 'team_id'>>(replies: readonly T[], filter: string): T[] {
  if (filter === SCOPE_FILTER_ANY) return [...replies]
  if (filter === SCOPE_FILTER_GLOBAL) return replies.filter(reply => reply.team_id === null)
  return replies.filter(reply => reply.team_id === filter)
}
