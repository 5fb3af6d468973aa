/**
 * Geometry of the dashboard's small SVG charts (components/report/ReportBarChart.vue): round axis
 * ticks and how many labels fit under the bars. Pure functions: unit-tested directly.
 */

/** The y axis: 0 up to a round top that holds `max`, in 2–5 whole steps (1, 2, 5, 10, 20, 50…). */
export function chartTicks(max: number): number[] {
  const value = Math.max(0, Math.ceil(Number.isFinite(max) ? max : 0))
  if (value === 0) return [0, 1]
  let step = 1
  for (let magnitude = 1; ; magnitude *= 10) {
    const candidate = [1, 2, 5].map(factor => factor * magnitude).find(size => value / size <= 4)
    if (candidate) {
      step = candidate
      break
    }
  }
  const top = Math.ceil(value / step) * step
  return Array.from({ length: top / step + 1 }, (_, index) => index * step)
}

/** Show every n-th x label so labels at least `minSpacing` px apart fit in `width` px. */
export function labelStride(count: number, width: number, minSpacing = 36): number {
  if (count <= 0 || width <= 0) return 1
  return Math.max(1, Math.ceil((count * minSpacing) / width))
}
