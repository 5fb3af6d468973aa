import { moveItem, nextPosition, positionChanges } from '~/constants/classifications'
import * as classificationsService from '~/services/classifications'
import type { ClassificationInput, ClassificationWithUsage } from '~/services/classifications'
import { errorText } from '~/services/errors'

/**
 * Classificações (admin): every classification with its ticket count, by id; the list in the admins'
 * order; and the edits, each with its own flag. Activation and reordering show at once and roll back
 * if the server refuses. `dirty` tells the page that the workspace's copy (stores/catalogues.ts) is stale.
 */
export const useAdminClassificationsStore = defineStore('admin-classifications', () => {
  const supabase = useSupabase()

  const byId = ref<Record<string, ClassificationWithUsage>>({})
  const loading = ref(false)
  const loaded = ref(false)
  /** pt-BR, for the page's error state. */
  const error = ref<string | null>(null)
  const saving = ref(false)
  const toggling = ref<Record<string, boolean>>({})
  const deleting = ref<Record<string, boolean>>({})
  const reordering = ref(false)
  const dirty = ref(false)

  const list = computed(() => Object.values(byId.value)
    .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name, 'pt-BR')))

  let request = 0
  async function load(): Promise<void> {
    const current = ++request
    loading.value = true
    error.value = null
    try {
      const rows = await classificationsService.fetchClassificationsWithUsage(supabase)
      if (current !== request) return
      byId.value = Object.fromEntries(rows.map(row => [row.id, row]))
      loaded.value = true
    }
    catch (cause) {
      if (current === request) error.value = errorText(cause)
    }
    finally {
      if (current === request) loading.value = false
    }
  }

  function remember(row: Omit<ClassificationWithUsage, 'ticketCount'>): ClassificationWithUsage {
    const saved = { ...row, ticketCount: byId.value[row.id]?.ticketCount ?? 0 }
    byId.value = { ...byId.value, [row.id]: saved }
    dirty.value = true
    return saved
  }

  function forget(id: string): void {
    const { [id]: _removed, ...rest } = byId.value
    byId.value = rest
    dirty.value = true
  }

  /** A row someone else deleted is dropped from the list as the error is shown. */
  function dropIfGone(id: string, cause: unknown): void {
    if (classificationsService.isClassificationGone(cause)) forget(id)
  }

  async function create(input: ClassificationInput): Promise<ClassificationWithUsage> {
    saving.value = true
    try {
      return remember(await classificationsService.createClassification(supabase, { ...input, position: nextPosition(list.value) }))
    }
    finally {
      saving.value = false
    }
  }

  async function update(id: string, input: ClassificationInput): Promise<ClassificationWithUsage> {
    saving.value = true
    try {
      return remember(await classificationsService.updateClassification(supabase, id, input))
    }
    catch (cause) {
      dropIfGone(id, cause)
      throw cause
    }
    finally {
      saving.value = false
    }
  }

  async function setActive(id: string, active: boolean): Promise<void> {
    const before = byId.value[id]
    if (!before || toggling.value[id]) return
    byId.value = { ...byId.value, [id]: { ...before, active } }
    toggling.value = { ...toggling.value, [id]: true }
    try {
      remember(await classificationsService.updateClassification(supabase, id, { active }))
    }
    catch (cause) {
      if (byId.value[id]) byId.value = { ...byId.value, [id]: before }
      dropIfGone(id, cause)
      throw cause
    }
    finally {
      toggling.value = { ...toggling.value, [id]: false }
    }
  }

  /** Moves a classification to `toIndex` of the list and renumbers positions 1..n. */
  async function move(id: string, toIndex: number): Promise<void> {
    const rows = list.value
    const from = rows.findIndex(row => row.id === id)
    if (from < 0 || from === toIndex || reordering.value) return
    const ordered = moveItem(rows, from, toIndex)
    const changes = positionChanges(ordered)
    if (changes.length === 0) return
    const before = byId.value
    const next = { ...before }
    for (const change of changes) next[change.id] = { ...next[change.id]!, position: change.position }
    byId.value = next
    reordering.value = true
    try {
      await classificationsService.updatePositions(supabase, changes)
      dirty.value = true
    }
    catch (cause) {
      // Some of the rows may have been written: the server's order is the truth.
      byId.value = before
      void load()
      throw cause
    }
    finally {
      reordering.value = false
    }
  }

  async function remove(id: string): Promise<void> {
    deleting.value = { ...deleting.value, [id]: true }
    try {
      await classificationsService.deleteClassification(supabase, id)
      forget(id)
    }
    finally {
      deleting.value = { ...deleting.value, [id]: false }
    }
  }

  /** Called once the workspace's copy has been refreshed. */
  function markClean(): void {
    dirty.value = false
  }

  return {
    byId,
    list,
    loading,
    loaded,
    error,
    saving,
    toggling,
    deleting,
    reordering,
    dirty,
    load,
    create,
    update,
    setActive,
    move,
    remove,
    markClean,
  }
})
