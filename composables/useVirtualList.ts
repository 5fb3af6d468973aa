import type { ComponentPublicInstance, Ref } from 'vue'

export interface VirtualListOptions<T> {
  items: Ref<readonly T[]>
  key: (item: T) => string
  /** Height to assume until the row is measured. */
  estimate: (item: T) => number
  /** Pixels rendered beyond each edge of the viewport. */
  overscan?: number
  /** Within this distance of the bottom, the list counts as "at the bottom" and sticks there. */
  bottomThreshold?: number
  /** Called when the user scrolls within `topThreshold` of the top (load the previous page). */
  onNearTop?: () => void
  topThreshold?: number
  /**
   * Rows that may anchor the scroll position. Rows whose place depends on what is loaded (a header at
   * index 0, a day separator that moves above a prepended page of the same day) should not.
   */
  canAnchor?: (item: T) => boolean
}

export interface VirtualRow<T> {
  item: T
  key: string
  index: number
}

/**
 * Windowing for a chat: only the rows near the viewport are in the DOM, between two spacers sized
 * from measured heights (estimates until a row has been seen). Variable heights are measured with a
 * ResizeObserver. Two behaviours a chat needs:
 * - anchoring: the row at the top of the viewport stays put when rows above it change (an older page
 *   prepended, an image above finishing loading), so reading is never interrupted;
 * - sticking: while at the bottom, new rows and growing rows keep the view at the bottom.
 * The browser's own scroll anchoring is turned off on the container (`overflow-anchor: none`).
 */
export function useVirtualList<T>(options: VirtualListOptions<T>) {
  const overscan = options.overscan ?? 800
  const bottomThreshold = options.bottomThreshold ?? 48
  const topThreshold = options.topThreshold ?? 600

  const container = ref<HTMLElement | null>(null)
  const scrollTop = ref(0)
  const viewportHeight = ref(0)
  const atBottom = ref(true)

  const heights = new Map<string, number>()
  const measuredVersion = ref(0)

  const keys = computed(() => options.items.value.map(options.key))
  const indexByKey = computed(() => new Map(keys.value.map((key, index) => [key, index])))

  /** offsets[i] = top of row i; offsets[n] = total height. */
  const offsets = computed(() => {
    void measuredVersion.value
    const items = options.items.value
    const result = Array.from<number>({ length: items.length + 1 })
    result[0] = 0
    for (let index = 0; index < items.length; index++) {
      const item = items[index] as T
      const height = heights.get(keys.value[index] as string) ?? options.estimate(item)
      result[index + 1] = (result[index] as number) + height
    }
    return result
  })
  const totalHeight = computed(() => offsets.value[offsets.value.length - 1] ?? 0)

  /** First index whose bottom is below `y`. */
  function indexAt(y: number): number {
    const list = offsets.value
    let low = 0
    let high = list.length - 2
    while (low < high) {
      const middle = (low + high) >>> 1
      if ((list[middle + 1] as number) <= y) low = middle + 1
      else high = middle
    }
    return Math.max(0, low)
  }

  const range = computed(() => {
    const count = options.items.value.length
    if (count === 0) return { start: 0, end: 0 }
    const start = indexAt(scrollTop.value - overscan)
    const bottom = scrollTop.value + viewportHeight.value + overscan
    let end = indexAt(bottom) + 1
    end = Math.min(count, Math.max(end, start + 1))
    return { start, end }
  })

  const visible = computed<VirtualRow<T>[]>(() => {
    const { start, end } = range.value
    return options.items.value.slice(start, end).map((item, offset) => ({ item, key: keys.value[start + offset] as string, index: start + offset }))
  })
  const paddingTop = computed(() => offsets.value[range.value.start] ?? 0)
  const paddingBottom = computed(() => totalHeight.value - (offsets.value[range.value.end] ?? totalHeight.value))

  // Anchoring -----------------------------------------------------------------------------------------
  /** The row that stays put, and how far into it the viewport's top is. */
  let anchor: { key: string, delta: number } | null = null
  /** A scrollTop we set ourselves: its scroll event must not move the anchor. */
  let programmaticTop: number | null = null

  function setScrollTop(element: HTMLElement, value: number): void {
    const max = Math.max(0, element.scrollHeight - element.clientHeight)
    const clamped = Math.min(max, Math.max(0, value))
    if (Math.abs(element.scrollTop - clamped) < 1) return
    programmaticTop = clamped
    element.scrollTop = clamped
    scrollTop.value = element.scrollTop
  }

  function updateAnchor(): void {
    const items = options.items.value
    let index = indexAt(scrollTop.value)
    while (options.canAnchor && index < items.length - 1 && !options.canAnchor(items[index] as T)) index++
    const key = keys.value[index]
    anchor = key === undefined ? null : { key, delta: scrollTop.value - (offsets.value[index] ?? 0) }
  }

  function restore(): void {
    const element = container.value
    if (!element) return
    if (atBottom.value) {
      setScrollTop(element, element.scrollHeight)
      return
    }
    if (!anchor) return
    const index = indexByKey.value.get(anchor.key)
    if (index === undefined) return
    setScrollTop(element, (offsets.value[index] ?? 0) + anchor.delta)
  }

  // After any layout change has reached the DOM: keep the anchor (or the bottom) in place.
  watch([totalHeight, keys], restore, { flush: 'post' })

  function onScroll(): void {
    const element = container.value
    if (!element) return
    scrollTop.value = element.scrollTop
    viewportHeight.value = element.clientHeight
    const ours = programmaticTop !== null && Math.abs(element.scrollTop - programmaticTop) < 2
    programmaticTop = null
    if (ours) return
    atBottom.value = element.scrollHeight - element.scrollTop - element.clientHeight <= bottomThreshold
    updateAnchor()
    if (element.scrollTop <= topThreshold) options.onNearTop?.()
  }

  // Measuring -----------------------------------------------------------------------------------------
  const elements = new Map<string, Element>()
  const keyOfElement = new WeakMap<Element, string>()
  let observer: ResizeObserver | null = null
  let containerObserver: ResizeObserver | null = null

  function handleResize(entries: ResizeObserverEntry[]): void {
    let changed = false
    for (const entry of entries) {
      const key = keyOfElement.get(entry.target)
      if (key === undefined || elements.get(key) !== entry.target) continue
      const height = entry.borderBoxSize?.[0]?.blockSize ?? (entry.target as HTMLElement).offsetHeight
      if (Math.abs((heights.get(key) ?? -1) - height) > 0.5) {
        heights.set(key, height)
        changed = true
      }
    }
    if (changed) measuredVersion.value++
  }

  type RowRef = (target: Element | ComponentPublicInstance | null) => void
  const rowRefs = new Map<string, RowRef>()

  /** Function ref for a row: `:ref="measure(row.key)"` (one function per key, so re-renders do not re-observe). */
  function measure(key: string): RowRef {
    let rowRef = rowRefs.get(key)
    if (!rowRef) {
      rowRef = target => track(key, target)
      rowRefs.set(key, rowRef)
    }
    return rowRef
  }

  function track(key: string, target: Element | ComponentPublicInstance | null): void {
    const element = target instanceof Element ? target : (target?.$el as Element | undefined) ?? null
    const previous = elements.get(key)
    if (previous === element) return
    if (previous) observer?.unobserve(previous)
    if (!element) {
      elements.delete(key)
      rowRefs.delete(key)
      return
    }
    elements.set(key, element)
    keyOfElement.set(element, key)
    observer?.observe(element)
  }

  onMounted(() => {
    observer = new ResizeObserver(handleResize)
    for (const element of elements.values()) observer.observe(element)
    containerObserver = new ResizeObserver(() => {
      const element = container.value
      if (!element) return
      viewportHeight.value = element.clientHeight
      restore()
    })
    if (container.value) {
      containerObserver.observe(container.value)
      viewportHeight.value = container.value.clientHeight
    }
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    containerObserver?.disconnect()
  })

  // Commands ------------------------------------------------------------------------------------------
  function scrollToBottom(): void {
    atBottom.value = true
    anchor = null
    const element = container.value
    if (element) setScrollTop(element, element.scrollHeight)
  }

  /** Brings a row into view (centred by default) and keeps it there while rows around it get measured. */
  function scrollToKey(key: string, align: 'center' | 'start' = 'center'): boolean {
    const element = container.value
    const index = indexByKey.value.get(key)
    if (!element || index === undefined) return false
    const top = offsets.value[index] ?? 0
    const height = (offsets.value[index + 1] ?? top) - top
    const target = align === 'center' ? top - Math.max(0, (element.clientHeight - height) / 2) : top
    atBottom.value = false
    anchor = { key, delta: target - top }
    const max = Math.max(0, totalHeight.value - element.clientHeight)
    if (target >= max - 1) atBottom.value = true
    setScrollTop(element, target)
    return true
  }

  /** Whether a row is (at least partly) inside the viewport. */
  function isKeyVisible(key: string): boolean {
    const index = indexByKey.value.get(key)
    if (index === undefined) return false
    const top = offsets.value[index] ?? 0
    const bottom = offsets.value[index + 1] ?? top
    return bottom > scrollTop.value && top < scrollTop.value + viewportHeight.value
  }

  return {
    container,
    visible,
    paddingTop,
    paddingBottom,
    totalHeight,
    atBottom,
    onScroll,
    measure,
    scrollToBottom,
    scrollToKey,
    isKeyVisible,
  }
}
