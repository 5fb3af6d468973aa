import { Marked, type Tokens } from 'marked'

/**
 * The pt-BR guides (docs/*.md) as HTML for the in-app help page. Our own files, bundled at build time,
 * but rendered defensively all the same: raw HTML is shown as text, only http(s)/mailto links leave
 * the app (in a new tab), links between guides become app routes, links to other repository files
 * become plain text (they are not in the app), and images resolve only to the bundled screenshots.
 */

export interface GuideHeading {
  id: string
  text: string
  depth: number
}

export interface RenderedGuide {
  html: string
  /** The first level-1 heading. */
  title: string
  /** Level-2 headings, for the table of contents. */
  sections: GuideHeading[]
}

export interface GuideRenderOptions {
  /** Markdown file name → the guide's app path and title (`whatsapp-cloud-api.md` → `/ajuda/whatsapp-cloud-api`). */
  guideLinks: Record<string, { path: string, title: string }>
  /** Image path as written in the Markdown (`screenshots/x.png`) → bundled URL. */
  images: Record<string, string>
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, char => ESCAPES[char]!)
}

/** GitHub's heading anchors: lower case, punctuation dropped (accents kept), spaces as hyphens. */
export function headingSlug(text: string): string {
  return text.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-')
}

type InlineToken = { type: string, text?: string, raw?: string, tokens?: InlineToken[] }

function plainText(tokens: readonly InlineToken[]): string {
  return tokens.map(token => (token.tokens ? plainText(token.tokens) : token.type === 'escape' || token.type === 'codespan' || token.type === 'text' ? token.text ?? '' : '')).join('')
}

/** Where a Markdown link goes in the app: an external URL, an in-app route, an anchor, or nowhere. */
export function resolveGuideHref(href: string, guideLinks: GuideRenderOptions['guideLinks']): { kind: 'external' | 'internal' | 'anchor', href: string, title?: string } | null {
  const target = href.trim()
  if (/^(?:https?:|mailto:)/i.test(target)) return { kind: 'external', href: target }
  if (target.startsWith('#')) return { kind: 'anchor', href: target }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) return null
  const [path = '', hash] = target.split('#', 2)
  const file = path.replace(/^\.\//, '')
  const guide = guideLinks[file]
  if (!guide) return null
  return { kind: 'internal', href: hash ? `${guide.path}#${hash}` : guide.path, title: guide.title }
}

export function renderGuide(markdown: string, options: GuideRenderOptions): RenderedGuide {
  let title = ''
  const sections: GuideHeading[] = []
  const seen = new Map<string, number>()

  const marked = new Marked({ gfm: true, async: false })
  marked.use({
    renderer: {
      heading({ tokens, depth }: Tokens.Heading) {
        const text = plainText(tokens as InlineToken[])
        const base = headingSlug(text)
        const count = seen.get(base) ?? 0
        seen.set(base, count + 1)
        const id = count ? `${base}-${count}` : base
        if (depth === 1 && !title) title = text
        if (depth === 2) sections.push({ id, text, depth })
        return `<h${depth} id="${escapeHtml(id)}">${this.parser.parseInline(tokens)}</h${depth}>\n`
      },
      link({ href, title: linkTitle, tokens }: Tokens.Link) {
        const target = resolveGuideHref(href, options.guideLinks)
        // A link written as the file name ("whatsapp-cloud-api.md") reads better as the guide's title.
        const inner = target?.title && plainText(tokens as InlineToken[]).trim() === href.trim() ? escapeHtml(target.title) : this.parser.parseInline(tokens)
        if (!target) return `<span class="guide-doc-ref">${inner}</span>`
        const titleAttribute = linkTitle ? ` title="${escapeHtml(linkTitle)}"` : ''
        const external = target.kind === 'external' ? ' target="_blank" rel="noopener noreferrer"' : ''
        return `<a href="${escapeHtml(target.href)}" data-link="${target.kind}"${titleAttribute}${external}>${inner}</a>`
      },
      image({ href, title: imageTitle, text }: Tokens.Image) {
        const source = options.images[href.replace(/^\.\//, '')]
        if (!source) return escapeHtml(text)
        const titleAttribute = imageTitle ? ` title="${escapeHtml(imageTitle)}"` : ''
        return `<img src="${escapeHtml(source)}" alt="${escapeHtml(text)}"${titleAttribute} loading="lazy">`
      },
      // No raw HTML passthrough: whatever HTML the Markdown holds is shown as text.
      html({ text }: Tokens.HTML | Tokens.Tag) {
        return escapeHtml(text)
      },
    },
    hooks: {
      // Wide tables scroll inside the column instead of widening the page.
      postprocess: html => html.replaceAll('<table>', '<div class="guide-table"><table>').replaceAll('</table>', '</table></div>'),
    },
  })
  const html = marked.parse(markdown, { async: false })
  return { html, title, sections }
}
