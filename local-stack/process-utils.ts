/** Child-process and port helpers shared by the stack's services. */
import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process'
import { createServer } from 'node:net'

/** An error meant for the person running the stack: printed without a stack trace. */
export class StackError extends Error {}

export function assertPortFree(port: number, service: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new StackError(error.code === 'EADDRINUSE'
        ? `A porta ${port} (${service}) já está em uso. Pare o outro processo ou escolha outra porta.`
        : `Não foi possível usar a porta ${port} (${service}): ${error.message}`))
    })
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()))
  })
}

export interface ManagedProcess {
  child: ChildProcess
  /** Resolves once the process has exited. */
  exited: Promise<number | null>
  stop(): Promise<void>
}

export interface ManagedProcessOptions extends SpawnOptions {
  log?: (line: string) => void
  onUnexpectedExit?: (error: StackError) => void
  /** Signal that asks the process to finish (PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals
}

/**
 * Spawns a long-running child. Its output is kept (last lines) for error messages and optionally
 * forwarded; an unexpected exit calls onUnexpectedExit so the stack can fail loudly instead of hanging.
 *
 * Children run in their own process group: a Ctrl-C in the terminal reaches only our Node process,
 * which then stops them in order (database last) instead of every child dying at once.
 */
export function startManagedProcess(
  name: string,
  command: string,
  args: string[],
  options: ManagedProcessOptions,
): ManagedProcess & { recentOutput: () => string } {
  const { log, onUnexpectedExit, stopSignal = 'SIGTERM', ...spawnOptions } = options
  const child = spawn(command, args, { detached: true, ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] })
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal)
    }
    catch {
      child.kill(signal)
    }
  }
  // Our own exit (even a crash) must not leave the group running.
  const killOnExit = () => signalGroup('SIGKILL')
  process.once('exit', killOnExit)
  const recent: string[] = []
  let stopping = false
  const record = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    recent.push(text)
    if (recent.length > 40) recent.shift()
    log?.(text)
  }
  child.stdout?.on('data', record)
  child.stderr?.on('data', record)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      process.removeListener('exit', killOnExit)
      if (!stopping) {
        onUnexpectedExit?.(new StackError(`${name} terminou inesperadamente (código ${code}).\n${recent.join('').slice(-2000)}`))
      }
      resolve(code)
    })
    child.once('error', (error) => {
      process.removeListener('exit', killOnExit)
      onUnexpectedExit?.(new StackError(`${name} não pôde ser iniciado: ${error.message}`))
      resolve(null)
    })
  })
  return {
    child,
    exited,
    recentOutput: () => recent.join(''),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      stopping = true
      signalGroup(stopSignal)
      const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Polls until `check` resolves true or the timeout passes; a StackError thrown by `check` ends the wait. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const ready = await check().catch((error: unknown) => {
      if (error instanceof StackError) throw error
      return false
    })
    if (ready) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new StackError(`${what} não respondeu em ${Math.round(timeoutMs / 1000)} s.`)
}
