// Runs code that imports `@ethora-rs/sdk-backend` in the real edge runtimes, each loading
// the package the way that platform does:
// - workerd (Cloudflare, through miniflare): bundled like wrangler (esbuild, conditions
//   `workerd`/`worker`/`browser`), the .wasm kept as a CompiledWasm module beside the bundle;
// - edge-runtime (Vercel): bundled like Vercel (`edge-light`), the `.wasm?module` import
//   becoming a WebAssembly.Module compiled from the bytes by the host and handed in as a global;
// - Deno: the file is run as it is, the package resolved from node_modules (`deno` condition).
// The package is installed into a throwaway consumer project as a symlink, so resolution
// goes through its package.json `exports` exactly as for a user.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import * as esbuild from 'esbuild'

const here = dirname(fileURLToPath(import.meta.url))
export const root = join(here, '..', '..')
export const wasmPath = join(root, 'edge', 'pkg', 'ethora_wasm_bg.wasm')
const run = promisify(execFile)

/** A consumer project with the package linked into node_modules and `files` copied in. */
export function consumerProject(files) {
  const dir = mkdtempSync(join(tmpdir(), 'ethora-edge-'))
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'edge-consumer', private: true, type: 'module' }))
  mkdirSync(join(dir, 'node_modules', '@ethora-rs'), { recursive: true })
  symlinkSync(root, join(dir, 'node_modules', '@ethora-rs', 'sdk-backend'), 'dir')
  for (const [name, source] of Object.entries(files)) {
    if (source.path) cpSync(source.path, join(dir, name))
    else writeFileSync(join(dir, name), source.text)
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Bundles `entry` (inside a consumer project) as wrangler would for Workers. */
export async function bundleForWorkerd(entry, outDir) {
  await esbuild.build({
    entryPoints: [entry],
    outfile: join(outDir, 'worker.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'wasm-modules',
        setup(build) {
          build.onResolve({ filter: /\.wasm$/ }, (args) => ({ path: `./${basename(args.path)}`, external: true }))
        },
      },
    ],
  })
  cpSync(wasmPath, join(outDir, basename(wasmPath)))
  return join(outDir, 'worker.mjs')
}

/** Runs a bundled Worker in workerd and sends it one request; returns the Response text. */
export async function fetchFromWorkerd(workerPath, { bindings = {}, request }) {
  const { Miniflare } = await import('miniflare')
  const dir = dirname(workerPath)
  const mf = new Miniflare({
    modules: [
      { type: 'ESModule', path: workerPath, contents: readFileSync(workerPath, 'utf8') },
      { type: 'CompiledWasm', path: join(dir, basename(wasmPath)), contents: readFileSync(wasmPath) },
    ],
    modulesRoot: dir,
    compatibilityDate: '2025-01-01',
    bindings,
  })
  try {
    const response = await mf.dispatchFetch('http://worker.test/', request)
    return { status: response.status, text: await response.text() }
  } finally {
    await mf.dispose()
  }
}

/** Bundles a Vercel Edge route (the export `handler` takes the request) for edge-runtime. */
export async function bundleForEdgeLight(entry, { handler = 'default' } = {}) {
  const result = await esbuild.build({
    entryPoints: [entry],
    write: false,
    bundle: true,
    format: 'iife',
    globalName: '__route',
    platform: 'neutral',
    conditions: ['edge-light', 'worker', 'browser'],
    mainFields: ['module', 'main'],
    logLevel: 'silent',
    footer: { js: `addEventListener("fetch", (event) => event.respondWith(__route[${JSON.stringify(handler)}](event.request)));` },
    plugins: [
      {
        name: 'wasm-module-imports',
        setup(build) {
          build.onResolve({ filter: /\.wasm\?module$/ }, () => ({ path: 'wasm', namespace: 'vercel-wasm' }))
          build.onLoad({ filter: /.*/, namespace: 'vercel-wasm' }, () => ({
            contents: 'export default globalThis.__VERCEL_WASM_ethora_wasm_bg',
            loader: 'js',
          }))
        },
      },
    ],
  })
  return result.outputFiles[0].text
}

/** Runs a bundled route in Vercel's edge-runtime and sends it one request. */
export async function fetchFromEdgeRuntime(code, { env = {}, request }) {
  const { EdgeRuntime } = await import('edge-runtime')
  const runtime = new EdgeRuntime({
    extend(context) {
      context.process = { env }
      return context
    },
  })
  // Compiled by the host with the runtime realm's own constructor (code inside may not
  // compile WebAssembly from bytes), as Vercel hands `?module` imports to a function.
  const RealmModule = runtime.evaluate('WebAssembly.Module')
  runtime.context.__VERCEL_WASM_ethora_wasm_bg = new RealmModule(readFileSync(wasmPath))
  runtime.evaluate(code)
  const response = await runtime.dispatchFetch('http://edge.test/', request)
  return { status: response.status, text: await response.text() }
}

/** Runs `file` (inside a consumer project) with deno; returns stdout. */
export async function runInDeno(file, { args = [], env = {}, permissions = [] } = {}) {
  const deno = join(root, 'node_modules', '.bin', 'deno')
  const { stdout } = await run(
    deno,
    ['run', '--quiet', '--no-prompt', '--node-modules-dir=manual', ...permissions, file, ...args],
    {
      cwd: dirname(file),
      env: { ...process.env, ...env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  )
  return stdout
}
