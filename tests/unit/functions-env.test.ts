import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildFunctionsEnv, loadFunctionSecrets, parseDotenv, type PlatformEnv } from '../../local-stack/gateway/functions/env.ts'

const platform: PlatformEnv = {
  url: 'http://127.0.0.1:54321',
  anonKey: 'anon.jwt',
  serviceRoleKey: 'service.jwt',
  publishableKey: 'sb_publishable_x',
  secretKey: 'sb_secret_y',
  dbUrl: 'postgresql://postgres:postgres@127.0.0.1:54322/postgres',
  jwks: { keys: [{ kty: 'EC', kid: 'k1' }] },
}

describe('function secrets (.env)', () => {
  it('parses plain, quoted, exported and commented entries', () => {
    const values = parseDotenv([
      '# comment',
      'PLAIN=value',
      'export EXPORTED=yes',
      'SPACED = padded   ',
      'INLINE=abc # comment',
      'HASH_IN_VALUE=abc#def',
      'SINGLE=\'literal \\n $HOME\'',
      'DOUBLE="line1\\nline2 \\"q\\""',
      'MULTI="first',
      'second"',
      'EMPTY=',
      '',
    ].join('\n'))
    expect(values).toEqual({
      PLAIN: 'value',
      EXPORTED: 'yes',
      SPACED: 'padded',
      INLINE: 'abc',
      HASH_IN_VALUE: 'abc#def',
      SINGLE: 'literal \\n $HOME',
      DOUBLE: 'line1\nline2 "q"',
      MULTI: 'first\nsecond',
      EMPTY: '',
    })
  })

  it('reports malformed lines and unterminated quotes', () => {
    expect(() => parseDotenv('NOT AN ENTRY')).toThrow(/line 1/)
    expect(() => parseDotenv('A="open')).toThrow(/unterminated/)
  })

  it('reads the file when present and nothing when absent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'functions-env-'))
    writeFileSync(join(dir, '.env'), 'WHATSAPP_TOKEN=abc\n')
    expect(loadFunctionSecrets(join(dir, '.env'))).toEqual({ WHATSAPP_TOKEN: 'abc' })
    expect(loadFunctionSecrets(join(dir, 'missing.env'))).toEqual({})
  })
})

describe('the functions environment', () => {
  it('gives the platform variables in the Supabase CLI formats', () => {
    const { env } = buildFunctionsEnv(platform, {})
    expect(env).toEqual({
      SUPABASE_URL: platform.url,
      SUPABASE_ANON_KEY: 'anon.jwt',
      SUPABASE_SERVICE_ROLE_KEY: 'service.jwt',
      SUPABASE_DB_URL: platform.dbUrl,
      SUPABASE_JWKS: JSON.stringify(platform.jwks),
      SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_x"}',
      SUPABASE_SECRET_KEYS: '{"default":"sb_secret_y"}',
    })
  })

  it('adds project secrets and runtime settings but never lets a secret replace a SUPABASE_ variable', () => {
    const { env, ignoredSecrets } = buildFunctionsEnv(platform, { WHATSAPP_TOKEN: 'abc', SUPABASE_URL: 'http://evil' }, { DENO_DIR: '/cache' })
    expect(env.WHATSAPP_TOKEN).toBe('abc')
    expect(env.DENO_DIR).toBe('/cache')
    expect(env.SUPABASE_URL).toBe(platform.url)
    expect(ignoredSecrets).toEqual(['SUPABASE_URL'])
  })

  it('contains nothing from the Node process environment', () => {
    const { env } = buildFunctionsEnv(platform, {})
    for (const name of ['PATH', 'HOME', 'PWD', 'USER']) expect(env).not.toHaveProperty(name)
  })
})
