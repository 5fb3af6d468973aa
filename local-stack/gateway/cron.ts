/**
 * The local stand-in for production's pg_cron job (docs/agendamentos.md): the gateway POSTs
 * /functions/v1/scheduler with the service role key every LOCAL_STACK_SCHEDULER_INTERVAL_MS (default
 * 15 s; 0 turns it off). Runs never overlap: the next one is timed from the start of the previous and
 * waits for it to end. A failing run is logged once per streak (and the recovery once), so a stopped
 * function does not flood the stack's log every tick.
 */

export const SCHEDULER_INTERVAL_ENV = 'LOCAL_STACK_SCHEDULER_INTERVAL_MS'
export const DEFAULT_SCHEDULER_INTERVAL_MS = 15_000
/** A run sends what is due for up to about a minute; past this something is stuck. */
const RUN_TIMEOUT_MS = 120_000

/** The interval from the environment: a whole number of milliseconds, 0 = off. */
export function schedulerIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[SCHEDULER_INTERVAL_ENV]?.trim()
  if (raw === undefined || raw === '') return DEFAULT_SCHEDULER_INTERVAL_MS
  if (!/^\d+$/.test(raw)) throw new Error(`${SCHEDULER_INTERVAL_ENV} must be a whole number of milliseconds (0 turns the scheduler off), got "${raw}"`)
  return Number(raw)
}

export interface SchedulerCronOptions {
  /** The scheduler function's full URL (`<gateway>/functions/v1/scheduler`). */
  url: string
  serviceRoleKey: string
  intervalMs: number
  log: (line: string) => void
  fetch?: typeof fetch
  runTimeoutMs?: number
}

export interface SchedulerCron {
  /** Cancels the next run and aborts one under way. */
  stop(): Promise<void>
}

export function startSchedulerCron(options: SchedulerCronOptions): SchedulerCron {
  const doFetch = options.fetch ?? fetch
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  let failing = false

  async function runOnce(): Promise<void> {
    try {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers: {
          'Authorization': `Bearer ${options.serviceRoleKey}`,
          'apikey': options.serviceRoleKey,
          'Content-Type': 'application/json',
        },
        body: '{}',
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(options.runTimeoutMs ?? RUN_TIMEOUT_MS)]),
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 300)}`.trimEnd())
      if (failing) options.log('[scheduler] running again')
      failing = false
    }
    catch (error) {
      if (stopping.signal.aborted) return
      if (!failing) options.log(`[scheduler] run failed: ${(error as Error).message} (further failures in a row are not logged)`)
      failing = true
    }
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      const startedAt = Date.now()
      running = runOnce().finally(() => {
        running = undefined
        if (!stopping.signal.aborted) schedule(Math.max(0, options.intervalMs - (Date.now() - startedAt)))
      })
    }, delayMs)
    // The cron alone must not keep a finished process alive.
    timer.unref()
  }

  schedule(options.intervalMs)
  return {
    async stop() {
      stopping.abort()
      clearTimeout(timer)
      await running
    },
  }
}
