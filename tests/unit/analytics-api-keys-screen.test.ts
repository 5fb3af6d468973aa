/**
 * The pure side of Administração → Chaves de API (constants/api-keys.ts): a key's status, the order and
 * names of datasets, the expiry day, and the examples the new-key dialog offers, which must be the
 * curl lines of docs/powerbi.md with this key and address (so the dialog and the guide never disagree).
 */
import { describe, expect, it } from 'vitest'
import { ALL_DATASETS, apiKeyExamples, apiKeyStatus, datasetLabel, datasetOrder, endOfDay } from '../../constants/api-keys.ts'
import { DOC_KEY_PLACEHOLDER, docCurlCommands } from '../support/powerbi-doc.ts'

const NOW = Date.parse('2026-06-15T12:00:00Z')

describe('API key screen helpers', () => {
  it('tells active, expired and revoked keys apart (revoked wins)', () => {
    expect(apiKeyStatus({ revoked_at: null, expires_at: null }, NOW)).toBe('active')
    expect(apiKeyStatus({ revoked_at: null, expires_at: '2026-06-16T00:00:00Z' }, NOW)).toBe('active')
    expect(apiKeyStatus({ revoked_at: null, expires_at: '2026-06-15T12:00:00Z' }, NOW)).toBe('expired')
    expect(apiKeyStatus({ revoked_at: '2026-06-01T00:00:00Z', expires_at: '2026-06-01T00:00:00Z' }, NOW)).toBe('revoked')
  })

  it('names and orders datasets: facts, aggregates, dimensions, unknown last', () => {
    expect(['teams', 'zeta', 'daily', 'tickets', 'messages'].sort(datasetOrder)).toEqual(['tickets', 'messages', 'daily', 'teams', 'zeta'])
    expect(datasetLabel('agents_daily')).toBe('Atendentes por dia')
    expect(datasetLabel(ALL_DATASETS)).toBe('Todos')
    expect(datasetLabel('novo_conjunto')).toBe('novo_conjunto')
  })

  it('makes an expiry day last until its end', () => {
    const end = endOfDay(new Date(2026, 11, 31).getTime())
    expect([end.getFullYear(), end.getMonth(), end.getDate(), end.getHours(), end.getMinutes(), end.getSeconds()]).toEqual([2026, 11, 31, 23, 59, 59])
  })

  it('offers exactly the guide\'s curl lines, with the key and address put in', () => {
    const local = 'http://127.0.0.1:54321/functions/v1/analytics-api'
    const examples = apiKeyExamples(local, DOC_KEY_PLACEHOLDER, [ALL_DATASETS])
    const docLines = docCurlCommands().map(command => command.line)
    for (const example of examples.filter(candidate => candidate.id.startsWith('curl'))) expect(docLines).toContain(example.text)
    expect(examples.find(example => example.id === 'powerbi')!.text).toBe(local)
  })

  it('uses a dataset the key can read in its examples', () => {
    const [json] = apiKeyExamples('https://ref.supabase.co/functions/v1/analytics-api', 'atd_x', ['daily', 'agents'])
    expect(json!.text).toBe('curl -H "x-api-key: atd_x" "https://ref.supabase.co/functions/v1/analytics-api/daily?limit=100"')
  })
})
