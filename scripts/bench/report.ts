/** Latency samples → p50/p95/p99 lines, the one output format of `npm run bench`. */

export interface LatencySummary {
  name: string
  count: number
  p50: number
  p95: number
  p99: number
  targetP95?: number
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

export function summarize(name: string, samples: number[], targetP95?: number): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b)
  return { name, count: samples.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), targetP95 }
}

export function report(name: string, samples: number[], targetP95?: number): LatencySummary {
  const summary = summarize(name, samples, targetP95)
  const verdict = targetP95 === undefined ? '' : summary.p95 <= targetP95 ? `  ✔ p95 ≤ ${targetP95} ms` : `  ✖ p95 > ${targetP95} ms`
  console.log(`${name.padEnd(40)} n=${String(summary.count).padEnd(5)} p50=${summary.p50.toFixed(1)} ms  p95=${summary.p95.toFixed(1)} ms  p99=${summary.p99.toFixed(1)} ms${verdict}`)
  return summary
}

/** Runs `run` `warmup` times unmeasured, then `iterations` times, and returns the wall times in ms. */
export async function measure(iterations: number, run: (iteration: number) => Promise<unknown>, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run(i)
  const samples: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    await run(i)
    samples.push(performance.now() - started)
  }
  return samples
}
