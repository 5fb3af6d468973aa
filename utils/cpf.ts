/**
 * CPF (Brazilian taxpayer number): the database stores 11 digits; people type it with or without the
 * 000.000.000-00 punctuation. Validation checks both verifier digits, so a typo is caught before saving.
 */

/** Only the digits of what was typed, at most 11. */
export function cpfDigits(input: string): string {
  return input.replace(/\D/g, '').slice(0, 11)
}

/** The verifier digit for the first `length` digits (9 for the first, 10 for the second). */
function verifierDigit(digits: string, length: number): number {
  let sum = 0
  for (let index = 0; index < length; index++) sum += Number(digits[index]) * (length + 1 - index)
  const rest = (sum * 10) % 11
  return rest === 10 ? 0 : rest
}

/** Whether the input (punctuated or not) is a valid CPF: 11 digits, not all equal, both verifiers right. */
export function isValidCpf(input: string): boolean {
  const digits = input.replace(/\D/g, '')
  if (digits.length !== 11 || /^(\d)\1{10}$/.test(digits)) return false
  return verifierDigit(digits, 9) === Number(digits[9]) && verifierDigit(digits, 10) === Number(digits[10])
}

/** 000.000.000-00, also for a CPF still being typed ("1234" → "123.4"). */
export function formatCpf(input: string): string {
  const digits = cpfDigits(input)
  const parts = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6, 9)].filter(Boolean)
  const check = digits.slice(9)
  return parts.join('.') + (check ? `-${check}` : '')
}
