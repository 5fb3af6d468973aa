/**
 * The report's CSV, built in the browser from the pages of report_tickets, for Brazilian Excel:
 * - UTF-8 with a BOM (without it Excel reads the accents as Latin-1: "ConexÃ£o");
 * - `;` between fields (Excel in pt-BR uses `,` as the decimal separator, so its list separator is `;`)
 *   and CRLF between lines; fields with `;`, quotes or line breaks are quoted (RFC 4180);
 * - pt-BR headers, dates as dd/mm/aaaa hh:mm:ss in the company's time zone, durations in whole seconds
 *   (integers need no decimal separator), ratings and ticket numbers as plain integers;
 * - text that Excel would run as a formula (starting with = + - @, tab or carriage return) gets a leading
 *   apostrophe (OWASP's CSV injection advice): a customer's name must never become a formula;
 * - phones as "55 11 98765-4321" (spaces keep Excel from turning them into 5,51199E+12, and without the
 *   leading "+" Excel does not read them as a formula).
 * Pure functions: unit-tested directly.
 */
import { REPORT_CSV_COLUMNS, type ReportCsvColumn } from '../constants/reports.ts'
import { TICKET_STATUS_LABELS } from '../constants/tickets.ts'
import { formatPhone } from './contact-display.ts'
import { formatDateTime } from './report-format.ts'
import type { ReportTicketRow } from './report-types.ts'

export const CSV_SEPARATOR = ';'
export const CSV_LINE_END = '\r\n'
export const CSV_BOM = '\uFEFF'

type CsvValue = string | number | null | undefined

/** One field: formula guard for text, quotes when needed. Numbers are written as they are. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(CSV_SEPARATOR)
}

/** A phone for Excel: the app's format without the leading "+". */
export function csvPhone(phone: string | null | undefined): string {
  return formatPhone(phone).replace(/^\+/, '')
}

function seconds(value: number | null): number | null {
  return value === null ? null : Math.round(value)
}

/** One report row as the CSV's cells, in REPORT_CSV_COLUMNS order. */
export function reportCsvCells(row: ReportTicketRow, timeZone: string): CsvValue[] {
  const cells: Record<ReportCsvColumn, CsvValue> = {
    number: row.number,
    contact: row.contact_name ?? '',
    phone: csvPhone(row.contact_phone),
    channel: row.channel_name,
    team: row.team_name ?? '',
    agent: row.agent_name ?? '',
    status: TICKET_STATUS_LABELS[row.status] ?? row.status,
    created: formatDateTime(row.created_at, timeZone, true),
    closed: row.closed_at ? formatDateTime(row.closed_at, timeZone, true) : '',
    wait: seconds(row.wait_seconds),
    firstResponse: seconds(row.first_response_seconds),
    handle: seconds(row.handle_seconds),
    closedByBot: row.status === 'closed' ? (row.closed_by_bot ? 'Sim' : 'Não') : '',
    classification: row.classification_name ?? '',
    comment: row.closing_comment ?? '',
    rating: row.rating,
  }
  return REPORT_CSV_COLUMNS.map(column => cells[column.key])
}

/** The header line (with the BOM), to which the rows' lines are appended as pages arrive. */
export function reportCsvHeader(): string {
  return CSV_BOM + csvLine(REPORT_CSV_COLUMNS.map(column => column.header)) + CSV_LINE_END
}

export function reportCsvLines(rows: readonly ReportTicketRow[], timeZone: string): string {
  return rows.map(row => csvLine(reportCsvCells(row, timeZone)) + CSV_LINE_END).join('')
}

/** The whole file, for a list of rows. */
export function reportCsv(rows: readonly ReportTicketRow[], timeZone: string): string {
  return reportCsvHeader() + reportCsvLines(rows, timeZone)
}
