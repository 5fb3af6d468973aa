/**
 * The part of supabase/config.toml the functions service needs: `[functions.<name>] verify_jwt`
 * (default true, as in the Supabase CLI). A small TOML reader, not a full parser: it understands tables,
 * dotted and quoted keys, strings, booleans and numbers, and steps over arrays, inline tables and
 * multi-line strings without interpreting them.
 */
import { existsSync, readFileSync } from 'node:fs'

export type TomlScalar = string | boolean | number

export interface TomlEntry {
  /** Table path plus key, e.g. ['functions', 'health', 'verify_jwt']. */
  path: string[]
  /** Undefined for values this reader does not interpret (arrays, inline tables, dates). */
  value: TomlScalar | undefined
  line: number
}

export class TomlSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`)
  }
}

/** Splits a dotted key (`functions."my-fn".verify_jwt`) into its unquoted parts. */
function parseKey(text: string, line: number): string[] {
  const parts: string[] = []
  const pattern = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(\.|$)/y
  let position = 0
  while (position < text.length) {
    pattern.lastIndex = position
    const match = pattern.exec(text)
    if (!match) throw new TomlSyntaxError(`invalid key "${text.trim()}"`, line)
    parts.push(match[1] !== undefined ? unescapeBasic(match[1]) : (match[2] ?? match[3] ?? ''))
    position = pattern.lastIndex
    if (match[4] === '') break
  }
  if (parts.length === 0) throw new TomlSyntaxError('empty key', line)
  return parts
}

function unescapeBasic(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)/g, (_, escape: string) => {
    const simple: Record<string, string> = { 'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\' }
    if (escape.length > 1) return String.fromCodePoint(Number.parseInt(escape.slice(1), 16))
    return simple[escape] ?? escape
  })
}

/** Index of the `#` starting a comment, ignoring `#` inside strings; -1 if none. */
function commentStart(text: string): number {
  let quote: string | undefined
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quote) {
      if (char === '\\' && quote === '"') index++
      else if (char === quote) quote = undefined
    }
    else if (char === '"' || char === '\'') {
      quote = char
    }
    else if (char === '#') {
      return index
    }
  }
  return -1
}

function stripComment(text: string): string {
  const start = commentStart(text)
  return (start === -1 ? text : text.slice(0, start)).trim()
}

/** Index of the `=` separating key and value, ignoring `=` inside quoted keys; -1 if none. */
function assignmentIndex(text: string): number {
  let quote: string | undefined
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quote) {
      if (char === quote) quote = undefined
    }
    else if (char === '"' || char === '\'') {
      quote = char
    }
    else if (char === '=') {
      return index
    }
  }
  return -1
}

/** Net `[`/`{` nesting opened by a line, ignoring brackets inside strings. */
function bracketBalance(text: string): number {
  let depth = 0
  let quote: string | undefined
  for (let index = 0; index < text.length; index++) {
    const char = text[index]
    if (quote) {
      if (char === '\\' && quote === '"') index++
      else if (char === quote) quote = undefined
    }
    else if (char === '"' || char === '\'') {
      quote = char
    }
    else if (char === '[' || char === '{') {
      depth++
    }
    else if (char === ']' || char === '}') {
      depth--
    }
  }
  return depth
}

function parseScalar(text: string): TomlScalar | undefined {
  if (text === 'true') return true
  if (text === 'false') return false
  const basic = /^"((?:[^"\\]|\\.)*)"$/.exec(text)
  if (basic) return unescapeBasic(basic[1] ?? '')
  const literal = /^'([^']*)'$/.exec(text)
  if (literal) return literal[1]
  if (/^[+-]?(\d[\d_]*)(\.\d[\d_]*)?([eE][+-]?\d+)?$/.test(text)) return Number(text.replace(/_/g, ''))
  return undefined
}

/** Every `key = value` of a TOML document, with its full path. */
export function readTomlEntries(text: string): TomlEntry[] {
  const lines = text.split(/\r?\n/)
  const entries: TomlEntry[] = []
  let table: string[] = []
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1
    const raw = lines[index] ?? ''
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue

    if (trimmed.startsWith('[')) {
      const header = /^\[\[?([^\]]+)\]\]?$/.exec(stripComment(trimmed))
      if (!header?.[1]) throw new TomlSyntaxError(`invalid table header ${trimmed}`, lineNumber)
      table = parseKey(header[1], lineNumber)
      continue
    }

    const equals = assignmentIndex(raw)
    if (equals === -1) throw new TomlSyntaxError(`expected key = value, got ${trimmed}`, lineNumber)
    const key = parseKey(raw.slice(0, equals), lineNumber)
    const valueText = raw.slice(equals + 1).trim()

    // Multi-line strings and arrays/inline tables spanning lines: skip to their end, value not read.
    const multiLineQuote = ['"""', '\'\'\''].find(quote => valueText.startsWith(quote))
    if (multiLineQuote) {
      let rest = valueText.slice(3)
      while (!rest.includes(multiLineQuote) && index + 1 < lines.length) rest = lines[++index] ?? ''
      entries.push({ path: [...table, ...key], value: undefined, line: lineNumber })
      continue
    }
    let depth = bracketBalance(stripComment(valueText))
    while (depth > 0 && index + 1 < lines.length) depth += bracketBalance(stripComment(lines[++index] ?? ''))
    entries.push({ path: [...table, ...key], value: parseScalar(stripComment(valueText)), line: lineNumber })
  }
  return entries
}

export interface FunctionsConfig {
  /** Whether the gateway requires a valid JWT before calling the function. */
  verifyJwt(functionName: string): boolean
}

/** `[functions.<name>] verify_jwt` settings from a config.toml text. */
export function parseFunctionsConfig(tomlText: string): FunctionsConfig {
  const verifyJwt = new Map<string, boolean>()
  for (const entry of readTomlEntries(tomlText)) {
    const [section, name, key, ...rest] = entry.path
    if (section !== 'functions' || !name || key !== 'verify_jwt' || rest.length > 0) continue
    if (typeof entry.value !== 'boolean') {
      throw new TomlSyntaxError(`functions.${name}.verify_jwt must be true or false`, entry.line)
    }
    verifyJwt.set(name, entry.value)
  }
  return { verifyJwt: name => verifyJwt.get(name) ?? true }
}

/** Reads supabase/config.toml; without the file every function verifies JWTs (the CLI default). */
export function loadFunctionsConfig(configPath: string): FunctionsConfig {
  if (!existsSync(configPath)) return parseFunctionsConfig('')
  try {
    return parseFunctionsConfig(readFileSync(configPath, 'utf8'))
  }
  catch (error) {
    throw new Error(`${configPath}: ${(error as Error).message}`, { cause: error })
  }
}
