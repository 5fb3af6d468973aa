/** A tiny element builder for the page (no framework). */

type Child = Node | string | number | null | undefined | false
type Props = Record<string, string | number | boolean | EventListener | undefined | null>

/** `h('button', { class: 'x', onclick: fn, disabled: true }, 'Texto')`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value)
    else if (key === 'value' && 'value' in element) (element as HTMLInputElement).value = String(value)
    else if (key === 'checked' && element instanceof HTMLInputElement) element.checked = Boolean(value)
    else element.setAttribute(key, value === true ? '' : String(value))
  }
  append(element, children)
  return element
}

export function append(parent: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.append(child instanceof Node ? child : String(child))
  }
}

export function replaceChildren(parent: Element, ...children: Child[]): void {
  parent.replaceChildren()
  append(parent, children)
}
