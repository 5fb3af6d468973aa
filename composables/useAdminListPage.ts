import type { Ref } from 'vue'

interface AdminListStore {
  load(): Promise<unknown>
  /** Set by stores whose rows the agent workspace also keeps (stores/catalogues.ts). */
  dirty?: boolean
  markClean?(): void
}

/**
 * What the admin list pages share around their table: load on arrival, one create/edit dialog, and —
 * for lists the agent workspace also keeps (teams, staff, classifications) — reading the workspace's
 * copy again on the way out when something changed here.
 */
export function useAdminListPage<Row>(store: AdminListStore) {
  const catalogues = useCataloguesStore()
  const dialogOpen = ref(false)
  const editing = shallowRef<Row | null>(null) as Ref<Row | null>

  onMounted(() => void store.load())

  onBeforeUnmount(() => {
    if (!store.dirty || !store.markClean) return
    store.markClean()
    if (catalogues.loaded) void catalogues.reload().catch(() => undefined)
  })

  function openCreate(): void {
    editing.value = null
    dialogOpen.value = true
  }

  function openEdit(row: Row): void {
    editing.value = row
    dialogOpen.value = true
  }

  return { dialogOpen, editing, openCreate, openEdit }
}
