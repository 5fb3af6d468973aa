/**
 * CSV as Power BI and Excel read it without a wizard: RFC 4180 (comma separator, CRLF line ends, fields
 * with a comma, quote or line break in double quotes, quotes doubled), UTF-8 with a byte order mark so
 * accents survive Excel's double click. Numbers keep the dot decimal; dates stay ISO 8601; null is empty.
 * The separator is a comma, not the semicolon of pt-BR Excel: docs/powerbi.md says how to open it.
 */

export const CSV_BOM = '\uFEFF'

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

/** The columns of a page: the known ones in order, then any a row adds (rows of one view share them). */
export function csvColumns(rows: readonly Record<string, unknown>[], known: readonly string[] = []): string[] {
  const columns = new Set<string>(known)
  for (const row of rows) for (const name of Object.keys(row)) columns.add(name)
  return [...columns]
}

/** Header and rows, BOM first. No rows and no known columns → only the BOM. */
export function toCsv(rows: readonly Record<string, unknown>[], known: readonly string[] = []): string {
  const columns = csvColumns(rows, known)
  if (columns.length === 0) return CSV_BOM
  const lines = [columns.map(csvField).join(',')]
  for (const row of rows) lines.push(columns.map(column => csvField(row[column])).join(','))
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`
}
