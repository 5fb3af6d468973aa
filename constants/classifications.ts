/**
 * Classificações (admin screen): the limits the database enforces (supabase/migrations/*_catalogues.sql),
 * the form's checks, the new order after a move, and every pt-BR text of the screen.
 */
import type { Classification } from '../types/domain.ts'

/** `check (length(trim(name)) between 1 and 80)` */
export const CLASSIFICATION_NAME_MAX = 80

/** The column is unbounded; a closing-dialog hint longer than this helps nobody. */
export const CLASSIFICATION_DESCRIPTION_MAX = 300

export const CLASSIFICATION_LABELS = {
  create: 'Nova classificação',
  createTitle: 'Nova classificação',
  editTitle: 'Editar classificação',
  name: 'Nome',
  namePlaceholder: 'Ex.: Dúvida resolvida',
  description: 'Descrição',
  descriptionPlaceholder: 'Quando usar esta classificação (aparece para o atendente ao encerrar).',
  active: 'Ativa',
  inactive: 'Inativa',
  activeLabel: 'Disponível no encerramento',
  inactiveHint: 'Inativas não aparecem ao encerrar um atendimento, mas continuam nos atendimentos antigos e nos relatórios.',
  orderHint: 'Os atendentes veem as classificações ativas nesta ordem ao encerrar. Arraste pela alça ou use as setas para reordenar.',
  columnOrder: 'Ordem',
  columnName: 'Nome',
  columnStatus: 'Situação',
  columnUsage: 'Atendimentos',
  usage: (count: number) => count.toLocaleString('pt-BR'),
  usageTitle: (count: number) => (count === 0
    ? 'Ainda não usada em nenhum atendimento'
    : count === 1 ? 'Usada em 1 atendimento' : `Usada em ${count.toLocaleString('pt-BR')} atendimentos`),
  noDescription: 'Sem descrição',
  dragHandle: (name: string) => `Arrastar "${name}" para reordenar`,
  moveUp: (name: string) => `Mover "${name}" para cima`,
  moveDown: (name: string) => `Mover "${name}" para baixo`,
  toggle: (name: string) => `"${name}" disponível no encerramento`,
  editRow: (name: string) => `Editar "${name}"`,
  deleteRow: (name: string) => `Excluir "${name}"`,
  emptyTitle: 'Nenhuma classificação cadastrada',
  emptyText: 'Crie a primeira para que os atendentes classifiquem os atendimentos ao encerrar.',
  count: (count: number) => (count === 1 ? '1 classificação' : `${count} classificações`),
  nameRequired: 'Informe o nome.',
  nameTooLong: `Use no máximo ${CLASSIFICATION_NAME_MAX} caracteres.`,
  nameTaken: 'Já existe uma classificação com este nome.',
  descriptionTooLong: `Use no máximo ${CLASSIFICATION_DESCRIPTION_MAX} caracteres.`,
  notFound: 'Esta classificação não existe mais (outra pessoa a excluiu). A lista foi atualizada.',
  created: 'Classificação criada.',
  saved: 'Classificação salva.',
  deleted: 'Classificação excluída.',
  activated: 'Classificação ativada.',
  deactivated: 'Classificação desativada: não aparece mais no encerramento.',
  reordered: 'Nova ordem salva.',
  deleteTitle: 'Excluir classificação?',
  deleteContent: (name: string) => `"${name}" será excluída definitivamente. Se ela já foi usada em atendimentos, desative-a em vez de excluir.`,
  inUseTitle: 'Esta classificação está em uso',
  /** When the server's own sentence is missing (it normally explains this itself). */
  inUseFallback: 'Ela já foi usada em atendimentos e não pode ser excluída. Desative-a: ela deixa de aparecer no encerramento e continua nos atendimentos antigos.',
  deactivate: 'Desativar',
  inUseInactive: (name: string) => `"${name}" já foi usada em atendimentos e não pode ser excluída. Ela já está inativa: não aparece mais no encerramento.`,
  inUseKeep: 'Manter como está',
} as const

export interface ClassificationDraft {
  name: string
  description: string
}

/** The form's name check; `others` are the other classifications (the name is unique). Null = valid. */
export function classificationNameError(name: string, others: readonly Pick<Classification, 'name'>[]): string | null {
  const trimmed = name.trim()
  if (!trimmed) return CLASSIFICATION_LABELS.nameRequired
  if (trimmed.length > CLASSIFICATION_NAME_MAX) return CLASSIFICATION_LABELS.nameTooLong
  // The database compares exactly; two names differing only in case or accents would confuse agents.
  const folded = foldName(trimmed)
  if (others.some(other => foldName(other.name) === folded)) return CLASSIFICATION_LABELS.nameTaken
  return null
}

function foldName(name: string): string {
  return name.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLocaleLowerCase('pt-BR').trim().replace(/\s+/g, ' ')
}

/** `list` with the item at `from` moved to `to` (both clamped to the list); a new array. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list]
  if (from < 0 || from >= next.length) return next
  const target = Math.max(0, Math.min(to, next.length - 1))
  const [item] = next.splice(from, 1)
  next.splice(target, 0, item as T)
  return next
}

/** Positions 1..n for the rows in their new order, only for the rows whose position changes. */
export function positionChanges(ordered: readonly Pick<Classification, 'id' | 'position'>[]): Array<{ id: string, position: number }> {
  return ordered.flatMap((row, index) => (row.position === index + 1 ? [] : [{ id: row.id, position: index + 1 }]))
}

/** The position of a new classification: after every existing one. */
export function nextPosition(rows: readonly Pick<Classification, 'position'>[]): number {
  return rows.reduce((max, row) => Math.max(max, row.position), 0) + 1
}
