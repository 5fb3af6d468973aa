/**
 * The command lines of docs/powerbi.md, read from the document itself so tests run exactly what a
 * reader copies (the doc cannot drift from the API): the `curl` lines of the analytics API and the
 * `psql` lines that create the Power BI login on the local stack. Tests swap the documented addresses
 * (local `http://127.0.0.1:54321`, hosted `https://<ref>.supabase.co`, the local database) and the key
 * placeholder for their own.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

export const DOC_PATH = resolve(import.meta.dirname, '../../docs/powerbi.md')
export const DOC_KEY_PLACEHOLDER = 'SUA_CHAVE'
const DOC_BASES = ['http://127.0.0.1:54321', 'https://<ref>.supabase.co']
const DOC_DB_HOST = '127.0.0.1:54322'

export interface DocCurl {
  line: string
  url: string
  headers: Record<string, string>
  /** `-o <file>`: the reader saves the answer (the CSV examples). */
  output: string | null
}

export interface DocPsql {
  line: string
  url: string
  sql: string
}

/** Shell words of one line: double-quoted strings kept whole, nothing else interpreted. */
export function shellWords(line: string): string[] {
  const words: string[] = []
  const pattern = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (const match of line.matchAll(pattern)) words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!)
  return words
}

/** Lines of the document's ```bash blocks. */
function bashLines(markdown: string): string[] {
  const lines: string[] = []
  for (const block of markdown.matchAll(/```bash\n([\s\S]*?)```/g)) {
    for (const line of block[1]!.split('\n')) if (line.trim()) lines.push(line.trim())
  }
  return lines
}

export function readDoc(): string {
  return readFileSync(DOC_PATH, 'utf8')
}

export function docCurlCommands(markdown = readDoc()): DocCurl[] {
  return bashLines(markdown).filter(line => line.startsWith('curl ')).map((line) => {
    const words = shellWords(line).slice(1)
    const command: DocCurl = { line, url: '', headers: {}, output: null }
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!
      if (word === '-H') {
        const header = words[++index] ?? ''
        const colon = header.indexOf(':')
        command.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim()
      }
      else if (word === '-o') {
        command.output = words[++index] ?? null
      }
      else if (/^https?:\/\//.test(word)) {
        command.url = word
      }
      else {
        throw new Error(`docs/powerbi.md: the tests do not know the curl option ${word} in: ${line}`)
      }
    }
    if (!command.url) throw new Error(`docs/powerbi.md: no URL in: ${line}`)
    return command
  })
}

export function docPsqlCommands(markdown = readDoc()): DocPsql[] {
  return bashLines(markdown).filter(line => line.startsWith('psql ')).map((line) => {
    const [, url, flag, sql] = shellWords(line)
    if (!url || flag !== '-c' || !sql) throw new Error(`docs/powerbi.md: expected psql "<url>" -c "<sql>" in: ${line}`)
    return { line, url, sql }
  })
}

/** The documented API address moved to `supabaseUrl` (local and hosted forms alike). */
export function localizeApiUrl(url: string, supabaseUrl: string): string {
  const base = DOC_BASES.find(candidate => url.startsWith(candidate))
  if (!base) throw new Error(`docs/powerbi.md: unexpected address ${url}`)
  return `${supabaseUrl.replace(/\/+$/, '')}${url.slice(base.length)}`
}

/** The documented local database URL moved to the test database's host and port (user and password kept). */
export function localizeDbUrl(url: string, testDbUrl: string): string {
  const documented = new URL(url)
  if (documented.host !== DOC_DB_HOST) throw new Error(`docs/powerbi.md: unexpected database ${documented.host}`)
  const target = new URL(testDbUrl)
  documented.host = target.host
  documented.pathname = target.pathname
  return documented.toString()
}

/** Runs a documented curl line with fetch: same method, URL and headers, the key put in place. */
export function runDocCurl(command: DocCurl, supabaseUrl: string, key: string): Promise<Response> {
  const headers = Object.fromEntries(Object.entries(command.headers).map(([name, value]) => [name, value.replace(DOC_KEY_PLACEHOLDER, key)]))
  return fetch(localizeApiUrl(command.url, supabaseUrl), { headers })
}
