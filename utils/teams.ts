/** Pure helpers of the Equipes screen (tested in tests/unit/app-teams.test.ts). */
import { TEAM_LABELS, TEAM_NAME_MAX_LENGTH } from '../constants/teams.ts'
import { foldText } from './users.ts'

const HEX_COLOR = /^#[0-9a-f]{6}$/i

/** The colour as the database accepts it (`#rrggbb`, lower case), or null. Accepts `#rgb` shorthands. */
export function normalizeHexColor(value: string): string | null {
  const text = value.trim().toLowerCase()
  if (HEX_COLOR.test(text)) return text
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(text)
  return short ? `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}` : null
}

/**
 * What is wrong with a team name, in pt-BR, or null. Names are compared without case or accents, so
 * "suporte" and "Suporte" cannot both exist (the database only refuses exact duplicates).
 */
export function teamNameProblem(name: string, otherNames: readonly string[]): string | null {
  const trimmed = name.trim()
  if (trimmed === '') return TEAM_LABELS.nameRequired
  if (trimmed.length > TEAM_NAME_MAX_LENGTH) return TEAM_LABELS.nameTooLong
  const folded = foldText(trimmed)
  if (otherNames.some(other => foldText(other.trim()) === folded)) return TEAM_LABELS.nameTaken
  return null
}
