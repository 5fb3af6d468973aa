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

/**
 * Spawns a long-running child. Its output is kept (last lines) for error messages and optionally
 * forwarded; an unexpected exit calls onUnexpectedExit so the stack can fail loudly instead of hanging.
 */
export function startManagedProcess(
  name: string,
  command: string,
  args: string[],
  options: SpawnOptions & { log?: (line: string) => void, onUnexpectedExit?: (error: StackError) => void },
): ManagedProcess & { recentOutput: () => string } {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] })
  const recent: string[] = []
  let stopping = false
  const record = (chunk: Buffer) => {
    const text = chunk.toString('utf8')
    recent.push(text)
    if (recent.length > 40) recent.shift()
    options.log?.(text)
  }
  child.stdout?.on('data', record)
  child.stderr?.on('data', record)
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      if (!stopping) {
        options.onUnexpectedExit?.(new StackError(`${name} terminou inesperadamente (código ${code}).\n${recent.join('').slice(-2000)}`))
      }
      resolve(code)
    })
    child.once('error', (error) => {
      options.onUnexpectedExit?.(new StackError(`${name} não pôde ser iniciado: ${error.message}`))
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
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** Polls until `check` resolves true or the timeout passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new StackError(`${what} não respondeu em ${Math.round(timeoutMs / 1000)} s.`)
}
