import { fileURLToPath } from 'node:url'

const appDir = fileURLToPath(new URL('./app/', import.meta.url))

export default defineNuxtConfig({
  modules: ['@pinia/nuxt', '@nuxt/eslint'],

  // A signed-in single-page app: the Supabase session lives in the browser (localStorage), every
  // screen needs it, and nothing is public or indexable, so server rendering would only add a second
  // session store (cookies) to keep in sync. The Node server just serves the shell and runtime config.
  ssr: false,
  devtools: { enabled: false },

  app: {
    head: {
      htmlAttrs: { lang: 'pt-BR' },
      titleTemplate: '%s · Atende',
      title: 'Atende',
      meta: [
        { name: 'description', content: 'Atende: atendimento via WhatsApp' },
        { name: 'color-scheme', content: 'light dark' },
      ],
      link: [{ rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }],
    },
  },

  css: ['~/app/assets/css/main.css'],
  spaLoadingTemplate: 'app/spa-loading-template.html',

  runtimeConfig: {
    public: {
      // Overridden at run time by NUXT_PUBLIC_SUPABASE_URL / NUXT_PUBLIC_SUPABASE_KEY. The defaults
      // are the local stack's URL and its anon key (the Supabase CLI's well-known demo key).
      supabaseUrl: 'http://127.0.0.1:54321',
      supabaseKey: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0',
    },
  },

  // The client asked for top-level `app/`, `components/` and `pages/`: the source root is the
  // repository root, and only the app-wide pieces (root component, layouts, middleware, plugins,
  // assets) live in `app/`. Domain folders (components, composables, stores, ...) stay at the top.
  dir: {
    layouts: 'app/layouts',
    middleware: 'app/middleware',
    plugins: 'app/plugins',
  },
  srcDir: '.',
  // Keep Nuxt's scanners and watcher out of the parts of the repository that are not the app.
  ignore: ['local-stack/**', 'supabase/**', 'tests/**', 'scripts/**', 'docs/**', '.data/**', 'test-results/**'],

  devServer: { port: 3000 },
  compatibilityDate: '2026-11-01',

  typescript: {
    strict: true,
    tsConfig: {
      compilerOptions: { noUncheckedIndexedAccess: true },
      // The stack, scripts and tests are Node code (tsconfig.tools.json); functions are Deno code.
      exclude: ['../local-stack', '../supabase', '../scripts', '../tests', '../docs', '../test-results', '../vitest.config.ts'],
    },
  },
  telemetry: false,

  hooks: {
    // With the source root at the repository root, Nuxt looks for `./app.vue` and `./error.vue`;
    // ours are in `app/`.
    'app:resolve'(app) {
      app.mainComponent = `${appDir}app.vue`
      app.errorComponent = `${appDir}error.vue`
    },
  },

  eslint: {
    // @stylistic defaults (no semicolons, single quotes, 2 spaces): one style, fixable with --fix.
    config: { stylistic: true },
  },
})
