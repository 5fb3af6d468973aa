/**
 * The webhook's work after the answer, per isolate: at most `concurrency` tasks at once, and tasks of one
 * lane (one conversation) one after the other in arrival order, so a customer's second message is never
 * applied before the first, even though both were acknowledged at once. Lanes take turns, so one busy
 * conversation does not hold the others back. Pure (no I/O).
 *
 * Bounded: past `maxQueued` waiting tasks `push` refuses the task. The caller then leaves the stored event
 * to its ledger lease (the scheduler picks it up), rather than holding an unbounded backlog in memory.
 */
export type Task = () => Promise<void>

export class WorkQueue {
  private readonly lanes = new Map<string, Array<{ task: Task, done: () => void }>>()
  /** Lanes with waiting tasks and none running, in the order they became ready. */
  private readonly ready: string[] = []
  private running = 0
  private waiting = 0

  constructor(private readonly concurrency: number, private readonly maxQueued: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError('concurrency must be a positive integer')
  }

  /** Tasks waiting for their turn (not counting the ones running). */
  get queued(): number {
    return this.waiting
  }

  get active(): number {
    return this.running
  }

  /**
   * Queues `task` on `lane`. Returns a promise settled when the task has run (it never rejects: a task's
   * failure is its own to report), or null when the queue is full.
   */
  push(lane: string, task: Task): Promise<void> | null {
    if (this.waiting >= this.maxQueued) return null
    return new Promise<void>((resolve) => {
      const entries = this.lanes.get(lane)
      if (entries) {
        entries.push({ task, done: resolve })
      }
      else {
        this.lanes.set(lane, [{ task, done: resolve }])
        this.ready.push(lane)
      }
      this.waiting++
      this.pump()
    })
  }

  private pump(): void {
    while (this.running < this.concurrency && this.ready.length > 0) {
      const lane = this.ready.shift()!
      const entry = this.lanes.get(lane)?.shift()
      if (!entry) {
        this.lanes.delete(lane)
        continue
      }
      this.waiting--
      this.running++
      void this.run(lane, entry)
    }
  }

  private async run(lane: string, entry: { task: Task, done: () => void }): Promise<void> {
    try {
      await entry.task()
    }
    catch (error) {
      console.error(`[work-queue] a task of lane ${lane} failed:`, error)
    }
    finally {
      this.running--
      entry.done()
      // The lane's next task goes to the back of the line: lanes take turns.
      if ((this.lanes.get(lane)?.length ?? 0) > 0) this.ready.push(lane)
      else this.lanes.delete(lane)
      this.pump()
    }
  }
}

/**
 * One job run at a time, however often it is asked for: a request during a run asks for one more run
 * after it (all such requests together make one), so work queued meanwhile is not missed. Every caller
 * gets the promise of the run that will cover its request. At most `maxRounds` runs back to back; a
 * request after that starts afresh, so no single promise stays open for ever under a steady stream.
 */
export class Coalescer {
  private current: Promise<void> | null = null
  private again = false

  constructor(private readonly job: () => Promise<void>, private readonly maxRounds = 20) {}

  get busy(): boolean {
    return this.current !== null
  }

  request(): Promise<void> {
    if (this.current) {
      this.again = true
      return this.current
    }
    this.current = this.loop()
    return this.current
  }

  private async loop(): Promise<void> {
    try {
      let rounds = 0
      do {
        this.again = false
        rounds++
        try {
          await this.job()
        }
        catch (error) {
          console.error('[coalescer] the job failed:', error)
        }
      } while (this.again && rounds < this.maxRounds)
    }
    finally {
      const pending = this.again
      this.current = null
      this.again = false
      if (pending) void this.request()
    }
  }
}
