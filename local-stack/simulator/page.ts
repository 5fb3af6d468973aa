/**
 * The customer phone page: `web/main.ts` bundled in memory with esbuild when the simulator starts (no
 * build step, no files written), served with its HTML and CSS.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { build } from 'esbuild'

const WEB_DIR = join(import.meta.dirname, 'web')

export interface PageAssets {
  html: string
  css: string
  js: string
}

export async function buildPage(): Promise<PageAssets> {
  const result = await build({
    entryPoints: [join(WEB_DIR, 'main.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: false,
    sourcemap: 'inline',
    logLevel: 'silent',
  })
  return {
    html: readFileSync(join(WEB_DIR, 'index.html'), 'utf8'),
    css: readFileSync(join(WEB_DIR, 'styles.css'), 'utf8'),
    js: result.outputFiles[0]!.text,
  }
}
