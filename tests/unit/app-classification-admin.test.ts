/** Classificações (admin): the name check, the order after a move, and the limits the database sets. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  CLASSIFICATION_LABELS,
  CLASSIFICATION_NAME_MAX,
  classificationNameError,
  moveItem,
  nextPosition,
  positionChanges,
} from '../../constants/classifications.ts'

const CATALOGUES_SQL = readFileSync(join(import.meta.dirname, '../../supabase/migrations/20261121000900_catalogues.sql'), 'utf8')
const EXISTING = [{ name: 'Dúvida resolvida' }, { name: 'Financeiro / cobrança' }]

describe('classification name', () => {
  it('follows the table\'s check constraint', () => {
    const check = /name text not null unique check \(length\(trim\(name\)\) between 1 and (\d+)\)/.exec(CATALOGUES_SQL)
    expect(Number(check?.[1])).toBe(CLASSIFICATION_NAME_MAX)
  })

  it('is required, at most 80 characters once trimmed', () => {
    expect(classificationNameError('', EXISTING)).toBe(CLASSIFICATION_LABELS.nameRequired)
    expect(classificationNameError('   ', EXISTING)).toBe(CLASSIFICATION_LABELS.nameRequired)
    expect(classificationNameError('a'.repeat(80), EXISTING)).toBeNull()
    expect(classificationNameError(`  ${'a'.repeat(80)}  `, EXISTING)).toBeNull()
    expect(classificationNameError('a'.repeat(81), EXISTING)).toBe(CLASSIFICATION_LABELS.nameTooLong)
  })

  it('is unique, ignoring case, accents and extra spaces', () => {
    expect(classificationNameError('Dúvida resolvida', EXISTING)).toBe(CLASSIFICATION_LABELS.nameTaken)
    expect(classificationNameError('duvida   RESOLVIDA ', EXISTING)).toBe(CLASSIFICATION_LABELS.nameTaken)
    expect(classificationNameError('Dúvida não resolvida', EXISTING)).toBeNull()
    // Editing a row compares it with the others only (the page leaves the row itself out).
    expect(classificationNameError('Dúvida resolvida', EXISTING.slice(1))).toBeNull()
  })
})

describe('reordering', () => {
  const rows = [
    { id: 'a', position: 1 },
    { id: 'b', position: 2 },
    { id: 'c', position: 3 },
    { id: 'd', position: 4 },
  ]

  it('moves one item, clamping the target to the list', () => {
    expect(moveItem(rows, 3, 0).map(row => row.id)).toEqual(['d', 'a', 'b', 'c'])
    expect(moveItem(rows, 0, 2).map(row => row.id)).toEqual(['b', 'c', 'a', 'd'])
    expect(moveItem(rows, 1, 99).map(row => row.id)).toEqual(['a', 'c', 'd', 'b'])
    expect(moveItem(rows, 1, -5).map(row => row.id)).toEqual(['b', 'a', 'c', 'd'])
    expect(moveItem(rows, 7, 0)).toEqual(rows)
    expect(rows.map(row => row.id)).toEqual(['a', 'b', 'c', 'd'])
  })

  it('writes only the rows whose position changes', () => {
    expect(positionChanges(moveItem(rows, 2, 1))).toEqual([{ id: 'c', position: 2 }, { id: 'b', position: 3 }])
    expect(positionChanges(moveItem(rows, 3, 0))).toEqual([
      { id: 'd', position: 1 }, { id: 'a', position: 2 }, { id: 'b', position: 3 }, { id: 'c', position: 4 },
    ])
    expect(positionChanges(rows)).toEqual([])
  })

  it('renumbers gaps and duplicates left by older data', () => {
    const messy = [{ id: 'x', position: 0 }, { id: 'y', position: 0 }, { id: 'z', position: 10 }]
    expect(positionChanges(messy)).toEqual([{ id: 'x', position: 1 }, { id: 'y', position: 2 }, { id: 'z', position: 3 }])
  })

  it('puts a new classification last', () => {
    expect(nextPosition(rows)).toBe(5)
    expect(nextPosition([{ position: 10 }, { position: 3 }])).toBe(11)
    expect(nextPosition([])).toBe(1)
  })
})
