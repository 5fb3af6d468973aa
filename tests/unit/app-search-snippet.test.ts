/** Search snippets: only <mark> becomes structure; everything else is text, entities decoded once. */
import { describe, expect, it } from 'vitest'
import { decodeSnippetText, snippetSegments, snippetText } from '../../utils/search-snippet.ts'

describe('search snippet', () => {
  it('splits the server snippet into plain and marked text', () => {
    expect(snippetSegments('…o <mark>roteador</mark> não liga, o <mark>roteador</mark>…')).toEqual([
      { text: '…o ', marked: false },
      { text: 'roteador', marked: true },
      { text: ' não liga, o ', marked: false },
      { text: 'roteador', marked: true },
      { text: '…', marked: false },
    ])
  })

  it('decodes the escaped text exactly once', () => {
    expect(snippetText('a &lt;b&gt; &amp;amp; &quot;c&quot; &#39;d&#39;')).toBe('a <b> &amp; "c" \'d\'')
    expect(decodeSnippetText('&#128578; &#x1F642;')).toBe('🙂 🙂')
    expect(decodeSnippetText('&#xD800;')).toBe('\ufffd')
  })

  it('never turns other markup into structure', () => {
    const hostile = '<img src=x onerror=alert(1)><mark><script>alert(2)</script></mark>&lt;mark&gt;'
    const segments = snippetSegments(hostile)
    expect(segments).toEqual([
      { text: '<img src=x onerror=alert(1)>', marked: false },
      { text: '<script>alert(2)</script>', marked: true },
      // An escaped "<mark>" in a message is the customer's text, not a highlight.
      { text: '<mark>', marked: false },
    ])
  })

  it('tolerates unbalanced or odd-cased marks and drops empty segments', () => {
    expect(snippetSegments('</mark>a<MARK>b')).toEqual([
      { text: 'a', marked: false },
      { text: 'b', marked: true },
    ])
    expect(snippetSegments('<mark></mark>x<mark>y</mark><mark>z</mark>')).toEqual([
      { text: 'x', marked: false },
      { text: 'yz', marked: true },
    ])
    expect(snippetSegments('')).toEqual([])
  })
})
