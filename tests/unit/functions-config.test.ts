import { describe, expect, it } from 'vitest'
import { PATHS } from '../../local-stack/config.ts'
import { loadFunctionsConfig, parseFunctionsConfig, readTomlEntries, TomlSyntaxError } from '../../local-stack/gateway/functions/config.ts'

describe('config.toml reader', () => {
  it('reads verify_jwt per function and defaults to true like the Supabase CLI', () => {
    const config = parseFunctionsConfig(`
      [functions.public-probe]
      verify_jwt = false

      [functions.private]
      verify_jwt = true
    `)
    expect(config.verifyJwt('public-probe')).toBe(false)
    expect(config.verifyJwt('private')).toBe(true)
    expect(config.verifyJwt('not-configured')).toBe(true)
  })

  it('reads the project config: health is open, whoami needs a JWT', () => {
    const config = loadFunctionsConfig(PATHS.supabaseConfig)
    expect(config.verifyJwt('health')).toBe(false)
    expect(config.verifyJwt('whoami')).toBe(true)
  })

  it('treats a missing config file as all defaults', () => {
    expect(loadFunctionsConfig('/nonexistent/config.toml').verifyJwt('anything')).toBe(true)
  })

  it('understands quoted table names, dotted keys and comments', () => {
    const config = parseFunctionsConfig(`
      # a comment line
      [functions."with.dot"] # comment after a header
      verify_jwt = false # comment after a value
      [functions]
      dotted.verify_jwt = false
      [functions.'literal']
      "verify_jwt" = false
    `)
    expect(config.verifyJwt('with.dot')).toBe(false)
    expect(config.verifyJwt('dotted')).toBe(false)
    expect(config.verifyJwt('literal')).toBe(false)
  })

  it('reads strings, numbers and booleans, keeping # inside strings', () => {
    const entries = readTomlEntries(`
      project_id = "atende"
      [api]
      port = 54_321
      note = "tag #1 \\"quoted\\"\\n"
      path = 'C:\\raw # not a comment'
      enabled = true
    `)
    const values = Object.fromEntries(entries.map(entry => [entry.path.join('.'), entry.value]))
    expect(values).toEqual({
      'project_id': 'atende',
      'api.port': 54321,
      'api.note': 'tag #1 "quoted"\n',
      'api.path': 'C:\\raw # not a comment',
      'api.enabled': true,
    })
  })

  it('steps over multi-line arrays and strings without reading keys inside them', () => {
    const entries = readTomlEntries(`
      [db.seed]
      sql_paths = [
        "./seed.sql", # trailing comment
        "verify_jwt = false",
      ]
      template = """
      [functions.fake]
      verify_jwt = false
      """
      [functions.real]
      verify_jwt = false
    `)
    expect(entries.map(entry => entry.path.join('.'))).toEqual(['db.seed.sql_paths', 'db.seed.template', 'functions.real.verify_jwt'])
    expect(entries[0]?.value).toBeUndefined()
  })

  it('rejects a verify_jwt that is not a boolean, with its line', () => {
    expect(() => parseFunctionsConfig('[functions.x]\nverify_jwt = "no"')).toThrow(TomlSyntaxError)
    expect(() => parseFunctionsConfig('[functions.x]\nverify_jwt = "no"')).toThrow(/line 2/)
  })

  it('rejects lines that are not TOML', () => {
    expect(() => readTomlEntries('[functions.x\nverify_jwt = false')).toThrow(TomlSyntaxError)
    expect(() => readTomlEntries('just words')).toThrow(/line 1/)
  })
})
