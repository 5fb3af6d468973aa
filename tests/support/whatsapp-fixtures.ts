/**
 * The shared WhatsApp provider fixtures (real-shaped webhook bodies and API responses). CI checks out
 * `shared/` beside the repository, so they live in ../shared/fixtures/whatsapp.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export type FixtureProvider = 'evolution' | 'cloud'

export function fixturesDir(provider: FixtureProvider): string {
  return resolve(import.meta.dirname, '../../../shared/fixtures/whatsapp', provider)
}

export function readFixture<T = Record<string, unknown>>(provider: FixtureProvider, name: string): T {
  return JSON.parse(readFileSync(join(fixturesDir(provider), name), 'utf8')) as T
}

/** Webhook bodies only (files prefixed `api-` are HTTP responses of the providers' APIs). */
export function webhookFixtureNames(provider: FixtureProvider): string[] {
  return readdirSync(fixturesDir(provider)).filter(name => name.endsWith('.json') && !name.startsWith('api-'))
}
