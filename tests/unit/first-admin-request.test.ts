/** first-admin's body validation: every refusal in pt-BR, naming the field the page marks. */
import { describe, expect, it } from 'vitest'
import { UserError } from '../../supabase/functions/_shared/errors.ts'
import { parseFirstAdminRequest } from '../../supabase/functions/first-admin/request.ts'

const VALID = { company_name: ' Acme Suporte ', full_name: ' Ana Souza ', email: ' Ana@Acme.com.BR ', password: 'segredo123' }

function refusal(body: unknown): { field: unknown, message: string, status: number } {
  try {
    parseFirstAdminRequest(body)
  }
  catch (error) {
    if (!(error instanceof UserError)) throw error
    return { field: (error.details as { field?: unknown } | undefined)?.field, message: error.message, status: error.status }
  }
  throw new Error('expected a refusal')
}

describe('parseFirstAdminRequest', () => {
  it('trims the names and lower-cases the e-mail, but keeps the password as typed', () => {
    expect(parseFirstAdminRequest({ ...VALID, password: ' com espaço ' })).toEqual({
      companyName: 'Acme Suporte', fullName: 'Ana Souza', email: 'ana@acme.com.br', password: ' com espaço ',
    })
  })

  it('names the field at fault', () => {
    expect(refusal({ ...VALID, company_name: '  ' })).toEqual({ field: 'company_name', message: 'Informe o nome da empresa.', status: 400 })
    expect(refusal({ ...VALID, company_name: 'x'.repeat(81) }).field).toBe('company_name')
    expect(refusal({ ...VALID, full_name: undefined })).toEqual({ field: 'full_name', message: 'Informe seu nome.', status: 400 })
    expect(refusal({ ...VALID, full_name: 'x'.repeat(121) }).field).toBe('full_name')
    expect(refusal({ ...VALID, email: 'ana.acme.com' })).toEqual({ field: 'email', message: 'Informe um e-mail válido.', status: 400 })
    expect(refusal({ ...VALID, password: '1234567' })).toEqual({ field: 'password', message: 'A senha precisa ter pelo menos 8 caracteres.', status: 400 })
    expect(refusal({ ...VALID, password: 'é'.repeat(37) }).field).toBe('password')
  })

  it('accepts the longest values the database and the auth server take', () => {
    expect(() => parseFirstAdminRequest({ ...VALID, company_name: 'x'.repeat(80), full_name: 'x'.repeat(120), password: 'a'.repeat(72) })).not.toThrow()
  })

  it('refuses a body that is not an object', () => {
    expect(refusal(null).status).toBe(400)
    expect(refusal(['x']).status).toBe(400)
  })
})
