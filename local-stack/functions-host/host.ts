/**
 * The local edge runtime: one Deno process serving every function in supabase/functions, started by the
 * gateway (local-stack/gateway/functions.ts), which checks JWTs and forwards `/functions/v1/<name>/...`
 * here as `/<name>/...` — the path functions see on Supabase.
 *
 *   deno run --allow-net --allow-env --allow-read --config supabase/functions/deno.json \
 *     local-stack/functions-host/host.ts --port=54324 --functions-dir=$PWD/supabase/functions
 *
 * Unlike edge-runtime there is no isolation between functions (shared globals, env and permissions) and
 * no CPU or memory limits. Errors keep edge-runtime's codes: BOOT_ERROR 503, WORKER_ERROR 500.
 */
import { discoverFunctions, loadFunctions, type LoadedFunction } from './loader.ts'

const HEALTH_PATH = '/_internal/health'

function jsonResponse(status: number, body: unknown): Response {
  return Response.json(body, { status })
}

const bootError = () => jsonResponse(503, { code: 'BOOT_ERROR', message: 'Worker failed to boot (please check logs)' })
const workerError = () => jsonResponse(500, { code: 'WORKER_ERROR', message: 'Function exited due to an error (please check logs)' })
const notFound = () => jsonResponse(404, { code: 'NOT_FOUND', message: 'Requested function was not found' })

/** `EdgeRuntime.waitUntil(promise)`: here the process outlives every request, so only failures need handling. */
function installEdgeRuntime(): void {
  const edgeRuntime = {
    waitUntil<T>(promise: Promise<T>): Promise<T> {
      promise.catch(error => console.error('EdgeRuntime.waitUntil task failed:', error))
      return promise
    },
  }
  Object.defineProperty(globalThis, 'EdgeRuntime', { value: edgeRuntime, configurable: true, writable: true })
}

/** A stray rejection or timer exception in one function must not stop the host serving the others. */
function survivePerFunctionFailures(): void {
  globalThis.addEventListener('unhandledrejection', (event) => {
    event.preventDefault()
    console.error('Unhandled promise rejection in a function:', event.reason)
  })
  globalThis.addEventListener('error', (event) => {
    event.preventDefault()
    console.error('Uncaught exception in a function:', event.error)
  })
}

async function invoke(name: string, fn: LoadedFunction, request: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>): Promise<Response> {
  if (fn.status === 'boot-error') return bootError()
  try {
    const response = await fn.handler(request, info)
    if (!(response instanceof Response)) throw new TypeError('the handler did not return a Response')
    return response
  }
  catch (error) {
    console.error(`[${name}] request failed:`, error)
    if (!fn.onError) return workerError()
    try {
      return await fn.onError(error)
    }
    catch (onErrorFailure) {
      console.error(`[${name}] onError failed:`, onErrorFailure)
      return workerError()
    }
  }
}

/** `--port=<port> --functions-dir=<absolute path>`, as the gateway passes them. */
function parseOptions(args: string[]): { port: number, functionsDir: URL } {
  const values = new Map(args.map((arg) => {
    const [name = '', ...value] = arg.replace(/^--/, '').split('=')
    return [name, value.join('=')]
  }))
  const port = Number(values.get('port'))
  const dir = values.get('functions-dir') ?? ''
  if (!Number.isInteger(port) || !dir.startsWith('/')) {
    throw new Error('usage: host.ts --port=<port> --functions-dir=<absolute path>')
  }
  return { port, functionsDir: new URL(dir.endsWith('/') ? dir : `${dir}/`, 'file:///') }
}

async function main(): Promise<void> {
  const { port, functionsDir } = parseOptions(Deno.args)
  const hostname = '127.0.0.1'
  // Captured before the loader replaces Deno.serve with its recorder.
  const serve = Deno.serve.bind(Deno)

  installEdgeRuntime()
  survivePerFunctionFailures()
  const names = await discoverFunctions(functionsDir)
  const functions = await loadFunctions(functionsDir, names, { transport: 'tcp', hostname, port })

  serve({
    hostname,
    port,
    onListen: () => console.log(`Serving ${names.length} function(s) on http://${hostname}:${port}: ${names.join(', ')}`),
  }, (request, info) => {
    const { pathname } = new URL(request.url)
    if (pathname === HEALTH_PATH) {
      return jsonResponse(200, { functions: Object.fromEntries([...functions].map(([name, fn]) => [name, fn.status])) })
    }
    const name = pathname.split('/')[1] ?? ''
    const fn = functions.get(name)
    return fn ? invoke(name, fn, request, info) : notFound()
  })
}

await main()
