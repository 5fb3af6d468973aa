import { REPORT_EXPORT_PAGE_SIZE, REPORT_PAGE_SIZE } from '~/constants/reports'
import * as reportsService from '~/services/reports'
import type { DashboardParams } from '~/services/reports'
import { reportCsvHeader, reportCsvLines } from '~/utils/report-csv'
import type { DashboardReport, ReportCursor, ReportFilterPayload, ReportTicketRow } from '~/utils/report-types'

export interface ExportProgress {
  done: number
  total: number
}

export interface ExportResult {
  csv: string
  rows: number
}

/**
 * Relatórios: the dashboard last read (and with which period and filters), the report list (rows by
 * id in the list's order, its total and paging), and the CSV export's progress. A newer request makes an
 * older one's answer irrelevant: each read carries a number and only the latest may write.
 */
export const useReportsStore = defineStore('reports', () => {
  const supabase = useSupabase()
  const session = useSessionStore()

  // Dashboard ------------------------------------------------------------------------------------------

  const dashboard = ref<DashboardReport | null>(null)
  /** The period and filters `dashboard` answers. */
  const dashboardParams = ref<DashboardParams | null>(null)
  /** Date.now() when `dashboard` arrived ("atualizado há…"). */
  const dashboardLoadedAt = ref<number | null>(null)
  const dashboardLoading = ref(false)
  const dashboardError = ref<unknown>(null)
  let dashboardRequest = 0

  async function loadDashboard(params: DashboardParams): Promise<void> {
    const request = ++dashboardRequest
    dashboardLoading.value = true
    try {
      const report = await reportsService.fetchDashboard(supabase, params)
      if (request !== dashboardRequest) return
      dashboard.value = report
      dashboardParams.value = params
      dashboardLoadedAt.value = Date.now()
      dashboardError.value = null
    }
    catch (error) {
      if (request === dashboardRequest) dashboardError.value = error
    }
    finally {
      if (request === dashboardRequest) dashboardLoading.value = false
    }
  }

  // Report list -----------------------------------------------------------------------------------------

  const rowsById = ref<Record<string, ReportTicketRow>>({})
  const order = ref<string[]>([])
  const total = ref<number | null>(null)
  const listFilters = ref<ReportFilterPayload | null>(null)
  const listLoading = ref(false)
  const listLoadingMore = ref(false)
  const listError = ref<unknown>(null)
  let listRequest = 0

  const rows = computed(() => order.value.flatMap(id => rowsById.value[id] ?? []))
  const hasMore = computed(() => total.value !== null && order.value.length < total.value)

  function putRows(page: ReportTicketRow[], append: boolean): void {
    const byId = append ? { ...rowsById.value } : {}
    const ids = append ? [...order.value] : []
    for (const row of page) {
      if (!(row.ticket_id in byId)) ids.push(row.ticket_id)
      byId[row.ticket_id] = row
    }
    rowsById.value = byId
    order.value = ids
  }

  /** The first page and the total for new filters (replaces the list). */
  async function loadList(filters: ReportFilterPayload): Promise<void> {
    const request = ++listRequest
    listFilters.value = filters
    listLoading.value = true
    listLoadingMore.value = false
    try {
      const [page, count] = await Promise.all([
        reportsService.fetchReportPage(supabase, filters, null, REPORT_PAGE_SIZE),
        reportsService.countReportTickets(supabase, filters),
      ])
      if (request !== listRequest) return
      putRows(page, false)
      total.value = Math.max(count, page.length)
      listError.value = null
    }
    catch (error) {
      if (request !== listRequest) return
      listError.value = error
      putRows([], false)
      total.value = null
    }
    finally {
      if (request === listRequest) listLoading.value = false
    }
  }

  /** The next page after the last row shown. */
  async function loadMore(): Promise<void> {
    const filters = listFilters.value
    const lastId = order.value[order.value.length - 1]
    const last = lastId ? rowsById.value[lastId] : undefined
    if (!filters || !last || listLoading.value || listLoadingMore.value) return
    const request = listRequest
    listLoadingMore.value = true
    try {
      const page = await reportsService.fetchReportPage(supabase, filters, reportsService.reportCursor(last), REPORT_PAGE_SIZE)
      if (request !== listRequest) return
      putRows(page, true)
      // The list grew while it was open: the total follows; a short page means there is nothing more.
      if (page.length < REPORT_PAGE_SIZE) total.value = order.value.length
      else if (total.value !== null && order.value.length > total.value) total.value = order.value.length
      listError.value = null
    }
    catch (error) {
      if (request === listRequest) listError.value = error
    }
    finally {
      if (request === listRequest) listLoadingMore.value = false
    }
  }

  // CSV export ------------------------------------------------------------------------------------------

  const exportProgress = ref<ExportProgress | null>(null)
  let exportCancelled = false

  /**
   * Every row matching the filters as one CSV (utils/report-csv), read page by page so a large export
   * shows its progress and can be cancelled; null when cancelled. Throws when a page fails (nothing is
   * half-downloaded).
   */
  async function exportCsv(filters: ReportFilterPayload, timeZone: string): Promise<ExportResult | null> {
    exportCancelled = false
    exportProgress.value = { done: 0, total: 0 }
    try {
      const expected = await reportsService.countReportTickets(supabase, filters)
      exportProgress.value = { done: 0, total: expected }
      let csv = reportCsvHeader()
      let done = 0
      let after: ReportCursor | null = null
      for (;;) {
        if (exportCancelled) return null
        const page = await reportsService.fetchReportPage(supabase, filters, after, REPORT_EXPORT_PAGE_SIZE)
        if (exportCancelled) return null
        csv += reportCsvLines(page, timeZone)
        done += page.length
        exportProgress.value = { done, total: Math.max(expected, done) }
        const last = page[page.length - 1]
        if (page.length < REPORT_EXPORT_PAGE_SIZE || !last) break
        after = reportsService.reportCursor(last)
      }
      return { csv, rows: done }
    }
    finally {
      exportProgress.value = null
    }
  }

  function cancelExport(): void {
    exportCancelled = true
  }

  function reset(): void {
    dashboardRequest += 1
    listRequest += 1
    exportCancelled = true
    dashboard.value = null
    dashboardParams.value = null
    dashboardLoadedAt.value = null
    dashboardLoading.value = false
    dashboardError.value = null
    rowsById.value = {}
    order.value = []
    total.value = null
    listFilters.value = null
    listLoading.value = false
    listLoadingMore.value = false
    listError.value = null
    exportProgress.value = null
  }

  // Another user signing in must not see the previous user's numbers (RLS gave them another view).
  watch(() => session.user?.id, (next, previous) => {
    if (next !== previous) reset()
  })

  return {
    dashboard,
    dashboardParams,
    dashboardLoadedAt,
    dashboardLoading,
    dashboardError,
    loadDashboard,
    rows,
    total,
    hasMore,
    listFilters,
    listLoading,
    listLoadingMore,
    listError,
    loadList,
    loadMore,
    exportProgress,
    exportCsv,
    cancelExport,
  }
})
