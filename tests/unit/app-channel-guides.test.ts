/**
 * The in-app guides: the real docs render with working links between them and to their own headings,
 * raw HTML never passes through, and only safe links and bundled images come out.
 */
import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GUIDES, guidePath } from '../../constants/help.ts'
import { headingSlug, renderGuide, resolveGuideHref, type GuideRenderOptions } from '../../utils/guide-markdown.ts'

const options: GuideRenderOptions = {
  guideLinks: Object.fromEntries(GUIDES.map(guide => [guide.file, { path: guidePath(guide.slug), title: guide.title }])),
  images: { 'screenshots/conexao-qr.png': '/_nuxt/conexao-qr.abc123.png' },
}

const ids = (html: string) => new Set([...html.matchAll(/ id="([^"]+)"/g)].map(match => match[1]))
const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]+)" data-link="(\w+)"/g)].map(match => ({ href: match[1]!, kind: match[2]! }))

describe('the real guides', () => {
  const rendered = Object.fromEntries(GUIDES.map(guide => [guide.slug, renderGuide(readFileSync(`docs/${guide.file}`, 'utf8'), options)]))

  it.each(GUIDES.map(guide => guide.slug))('%s: title, sections and every in-page anchor resolves', (slug) => {
    const guide = rendered[slug]!
    if (slug.startsWith('whatsapp-')) expect(guide.title).toMatch(/^Conectando um número/)
    else expect(guide.title.length).toBeGreaterThan(5)
    expect(guide.sections.length).toBeGreaterThan(3)
    const anchors = hrefs(guide.html).filter(link => link.kind === 'anchor').map(link => decodeURIComponent(link.href.slice(1)))
    for (const anchor of anchors) expect(ids(guide.html), `#${anchor}`).toContain(anchor)
  })

  it('every screenshot a guide shows exists in docs/screenshots (the page bundles that folder)', () => {
    for (const guide of GUIDES) {
      for (const [, src] of readFileSync(`docs/${guide.file}`, 'utf8').matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
        expect(src, guide.slug).toMatch(/^screenshots\//)
        expect(existsSync(`docs/${src}`), `${guide.slug}: ${src}`).toBe(true)
      }
    }
  })

  it('the guides link to each other as app routes that exist', () => {
    const paths = GUIDES.map(guide => guidePath(guide.slug))
    for (const guide of GUIDES) {
      const internal = hrefs(rendered[guide.slug]!.html).filter(link => link.kind === 'internal')
      if (guide.slug.startsWith('whatsapp-')) expect(internal.length, guide.slug).toBeGreaterThan(0)
      for (const link of internal) {
        const [path, hash] = link.href.split('#')
        expect(paths).toContain(path)
        if (hash) expect(ids(rendered[path!.split('/').pop()!]!.html)).toContain(decodeURIComponent(hash))
      }
    }
    // A link written as the file name reads as the other guide's title.
    expect(rendered['whatsapp-evolution']!.html).toContain('<a href="/ajuda/whatsapp-cloud-api" data-link="internal">API oficial da Meta (Cloud API)</a>')
  })

  it('links to repository files that are not in the app become plain text', () => {
    const html = rendered['whatsapp-evolution']!.html
    expect(html).not.toContain('modelo-de-dados.md')
    expect(html).not.toContain('README.md')
    expect(html).toContain('<span class="guide-doc-ref">Onde ficam os segredos</span>')
  })
})

describe('rendering rules', () => {
  it('shows raw HTML as text, block and inline', () => {
    const { html } = renderGuide('<script>alert(1)</script>\n\nTexto <img src=x onerror=alert(1)> fim', options)
    expect(html).not.toMatch(/<script|<img src=x/)
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
  })

  it('opens external links in a new tab and drops unsafe schemes', () => {
    const { html } = renderGuide('[Meta](https://developers.facebook.com) [x](javascript:alert(1)) [y](data:text/html,hi) https://docs.docker.com/', options)
    expect(html).toContain('<a href="https://developers.facebook.com" data-link="external" target="_blank" rel="noopener noreferrer">Meta</a>')
    expect(html).not.toContain('javascript:')
    expect(html).not.toContain('data:text')
    expect(html).toContain('data-link="external" target="_blank" rel="noopener noreferrer">https://docs.docker.com/</a>')
  })

  it('shows only bundled screenshots; others become their alt text', () => {
    const { html } = renderGuide('![QR na tela](screenshots/conexao-qr.png) ![fora](https://evil.example/x.png)', options)
    expect(html).toContain('<img src="/_nuxt/conexao-qr.abc123.png" alt="QR na tela" loading="lazy">')
    expect(html).not.toContain('evil.example')
    expect(html).toContain('fora')
  })

  it('heading ids follow GitHub (accents kept, punctuation dropped, repeats numbered)', () => {
    expect(headingSlug('Riscos de usar uma API não oficial')).toBe('riscos-de-usar-uma-api-não-oficial')
    expect(headingSlug('1. Subir a Evolution API 2.3.x')).toBe('1-subir-a-evolution-api-23x')
    const { html } = renderGuide('## Problemas\n\n## Problemas', options)
    expect(html).toContain('id="problemas"')
    expect(html).toContain('id="problemas-1"')
  })

  it('resolves guide links with anchors, and nothing else', () => {
    expect(resolveGuideHref('whatsapp-cloud-api.md#quanto-custa', options.guideLinks)).toMatchObject({ kind: 'internal', href: '/ajuda/whatsapp-cloud-api#quanto-custa' })
    expect(resolveGuideHref('./whatsapp-evolution.md', options.guideLinks)).toMatchObject({ kind: 'internal', href: '/ajuda/whatsapp-evolution' })
    expect(resolveGuideHref('../README.md', options.guideLinks)).toBeNull()
    expect(resolveGuideHref('//evil.example', options.guideLinks)).toBeNull()
  })
})
