/** `?redirect=` after login only ever leads to a page of this app. */
import { describe, expect, it } from 'vitest'
import { redirectQuery, safeRedirect } from '../../utils/redirect.ts'

describe('safeRedirect', () => {
  it('keeps in-app paths with their query and hash', () => {
    expect(safeRedirect('/contatos')).toBe('/contatos')
    expect(safeRedirect('/admin/usuarios?pagina=2#lista')).toBe('/admin/usuarios?pagina=2#lista')
    expect(safeRedirect(['/relatorios', '/contatos'])).toBe('/relatorios')
  })

  it('sends everything else home', () => {
    for (const value of [undefined, null, '', 'contatos', 'https://evil.example/', '//evil.example/x', '/\\evil.example', 42, ['https://x.y']]) {
      expect(safeRedirect(value)).toBe('/atendimento')
    }
  })

  it('never loops back to the login page', () => {
    expect(safeRedirect('/login')).toBe('/atendimento')
    expect(safeRedirect('/login?redirect=/contatos')).toBe('/atendimento')
  })
})

describe('redirectQuery', () => {
  it('remembers the wanted page, except home', () => {
    expect(redirectQuery('/contatos?busca=ana')).toEqual({ redirect: '/contatos?busca=ana' })
    expect(redirectQuery('/')).toEqual({})
    expect(redirectQuery('/atendimento')).toEqual({})
  })
})
