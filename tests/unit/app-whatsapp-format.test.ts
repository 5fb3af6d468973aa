/** WhatsApp text formatting: markers, nesting, links, and text that must stay as typed. */
import { describe, expect, it } from 'vitest'
import { parseWhatsAppFormat, plainWhatsAppText } from '../../utils/whatsapp-format.ts'

const text = (value: string) => ({ type: 'text', text: value })

describe('WhatsApp formatting', () => {
  it('parses the four markers', () => {
    expect(parseWhatsAppFormat('*negrito* _itálico_ ~riscado~ ```mono```')).toEqual([
      { type: 'bold', children: [text('negrito')] },
      text(' '),
      { type: 'italic', children: [text('itálico')] },
      text(' '),
      { type: 'strike', children: [text('riscado')] },
      text(' '),
      { type: 'mono', text: 'mono' },
    ])
  })

  it('nests markers, and keeps monospace literal', () => {
    expect(parseWhatsAppFormat('*_muito_ importante*')).toEqual([
      { type: 'bold', children: [{ type: 'italic', children: [text('muito')] }, text(' importante')] },
    ])
    expect(parseWhatsAppFormat('~*a*~')).toEqual([{ type: 'strike', children: [{ type: 'bold', children: [text('a')] }] }])
    expect(parseWhatsAppFormat('```*não* _formata_```')).toEqual([{ type: 'mono', text: '*não* _formata_' }])
  })

  it('needs word boundaries outside and non-spaces inside', () => {
    expect(parseWhatsAppFormat('2*3*4')).toEqual([text('2*3*4')])
    expect(parseWhatsAppFormat('nome_de_arquivo_final.txt')).toEqual([text('nome_de_arquivo_final.txt')])
    expect(parseWhatsAppFormat('* não * abre')).toEqual([text('* não * abre')])
    expect(parseWhatsAppFormat('**')).toEqual([text('**')])
    expect(parseWhatsAppFormat('um *só')).toEqual([text('um *só')])
    // Punctuation around markers is fine.
    expect(parseWhatsAppFormat('(*ok*).')).toEqual([text('('), { type: 'bold', children: [text('ok')] }, text(').')])
  })

  it('keeps inline markers on one line, but lets monospace span lines', () => {
    expect(parseWhatsAppFormat('*linha\num*')).toEqual([text('*linha\num*')])
    expect(parseWhatsAppFormat('a\n```x\ny```')).toEqual([text('a\n'), { type: 'mono', text: 'x\ny' }])
    expect(parseWhatsAppFormat('oi\ntudo bem?')).toEqual([text('oi\ntudo bem?')])
  })

  it('turns addresses into links without the punctuation that ends the sentence', () => {
    expect(parseWhatsAppFormat('Veja https://atende.com.br/ajuda.')).toEqual([
      text('Veja '), { type: 'link', href: 'https://atende.com.br/ajuda', text: 'https://atende.com.br/ajuda' }, text('.'),
    ])
    expect(parseWhatsAppFormat('www.exemplo.com, ok')).toEqual([
      { type: 'link', href: 'https://www.exemplo.com', text: 'www.exemplo.com' }, text(', ok'),
    ])
    expect(parseWhatsAppFormat('(https://pt.wikipedia.org/wiki/Fibra_(óptica))')).toEqual([
      text('('), { type: 'link', href: 'https://pt.wikipedia.org/wiki/Fibra_(óptica)', text: 'https://pt.wikipedia.org/wiki/Fibra_(óptica)' }, text(')'),
    ])
  })

  it('keeps links whole: markers inside them neither open nor close', () => {
    expect(parseWhatsAppFormat('https://x.com/_a_b_c')).toEqual([{ type: 'link', href: 'https://x.com/_a_b_c', text: 'https://x.com/_a_b_c' }])
    expect(parseWhatsAppFormat('_https://x.com_')).toEqual([{ type: 'italic', children: [{ type: 'link', href: 'https://x.com', text: 'https://x.com' }] }])
    expect(parseWhatsAppFormat('*veja https://x.com/a*b depois*')).toEqual([
      { type: 'bold', children: [text('veja '), { type: 'link', href: 'https://x.com/a*b', text: 'https://x.com/a*b' }, text(' depois')] },
    ])
    expect(parseWhatsAppFormat('*https://x.com*')).toEqual([
      { type: 'bold', children: [{ type: 'link', href: 'https://x.com', text: 'https://x.com' }] },
    ])
    // Monospace shows addresses as text.
    expect(parseWhatsAppFormat('```https://x.com```')).toEqual([{ type: 'mono', text: 'https://x.com' }])
  })

  it('never links other schemes and leaves markup as plain text (rendered as text nodes)', () => {
    const nodes = parseWhatsAppFormat('<img src=x onerror=alert(1)> javascript:alert(1) <b>oi</b>')
    expect(nodes).toEqual([text('<img src=x onerror=alert(1)> javascript:alert(1) <b>oi</b>')])
    expect(parseWhatsAppFormat('*<script>*')).toEqual([{ type: 'bold', children: [text('<script>')] }])
  })

  it('gives the plain text back for previews', () => {
    expect(plainWhatsAppText(parseWhatsAppFormat('*Oi*, _tudo_ ~bem~? ```x``` https://a.com'))).toBe('Oi, tudo bem? x https://a.com')
    expect(parseWhatsAppFormat('')).toEqual([])
  })
})
