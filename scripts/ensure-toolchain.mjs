// Makes sure the Rust pieces the builds need are present, at pinned versions, installing
// only what is missing or at another version. Quiet when everything is there.
//
//   node scripts/ensure-toolchain.mjs           the tests: wasm32 target, wasm-bindgen-cli
//   node scripts/ensure-toolchain.mjs --cross   the release: also zig (PyPI's ziglang, in a
//                                               virtual environment), cargo-zigbuild and the
//                                               Rust targets of every platform package
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ZIG_VERSION = '0.15.2'
const CARGO_ZIGBUILD_VERSION = '0.24.1'
const CROSS_TARGETS = [
  'x86_64-unknown-linux-gnu',
  'x86_64-unknown-linux-musl',
  'aarch64-unknown-linux-gnu',
  'aarch64-unknown-linux-musl',
  'aarch64-apple-darwin',
  'x86_64-apple-darwin',
  'x86_64-pc-windows-gnu',
]

/** Where the project keeps tools it installs itself (outside the checkout). */
export const toolCache = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'ethora-rs')

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
}

function tryVersion(cmd, args, pattern) {
  try {
    return pattern.exec(run(cmd, args))?.[1] ?? null
  } catch {
    return null
  }
}

function ensureTargets(targets) {
  const installed = run('rustup', ['target', 'list', '--installed']).split('\n')
  const missing = targets.filter((t) => !installed.includes(t))
  if (missing.length > 0) {
    console.log(`Adding Rust targets: ${missing.join(', ')} ...`)
    execFileSync('rustup', ['target', 'add', ...missing], { stdio: 'inherit' })
  }
}

export function ensureWasmToolchain() {
  try {
    run('cargo', ['--version'])
  } catch {
    console.error('cargo is not installed: install Rust with rustup (https://rustup.rs) first.')
    process.exit(1)
  }
  ensureTargets(['wasm32-unknown-unknown'])
  // wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock
  // (the glue and the schema in the .wasm have to agree).
  const lock = readFileSync(new URL('../Cargo.lock', import.meta.url), 'utf8')
  const locked = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1]
  if (!locked) {
    console.error('Cargo.lock does not pin wasm-bindgen')
    process.exit(1)
  }
  const installed = tryVersion('wasm-bindgen', ['--version'], /wasm-bindgen (\S+)/)
  if (installed !== locked) {
    console.log(`Installing wasm-bindgen-cli ${locked} (found ${installed ?? 'none'}); this takes a few minutes ...`)
    execFileSync('cargo', ['install', 'wasm-bindgen-cli', '--version', locked, '--force'], { stdio: 'inherit' })
  }
}

/** Installs zig, cargo-zigbuild and the targets; returns the folder holding `zig` (for PATH). */
export function ensureCrossToolchain() {
  ensureTargets(CROSS_TARGETS)
  const venv = path.join(toolCache, `zig-${ZIG_VERSION}`)
  const python = path.join(venv, 'bin', 'python')
  if (!existsSync(python)) {
    console.log(`Installing zig ${ZIG_VERSION} (PyPI ziglang) into ${venv} ...`)
    execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' })
  }
  const zigDir = () => run(python, ['-c', 'import ziglang, os; print(os.path.dirname(ziglang.__file__))']).trim()
  let zigVersion = null
  try {
    zigVersion = run(path.join(zigDir(), 'zig'), ['version']).trim()
  } catch {
    // not installed yet
  }
  if (zigVersion !== ZIG_VERSION) {
    execFileSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `ziglang==${ZIG_VERSION}`], { stdio: 'inherit' })
  }
  const zigbuild = tryVersion('cargo-zigbuild', ['--version'], /cargo-zigbuild (\S+)/)
  if (zigbuild !== CARGO_ZIGBUILD_VERSION) {
    console.log(`Installing cargo-zigbuild ${CARGO_ZIGBUILD_VERSION} (found ${zigbuild ?? 'none'}) ...`)
    execFileSync('cargo', ['install', 'cargo-zigbuild', '--version', CARGO_ZIGBUILD_VERSION, '--locked', '--force'], { stdio: 'inherit' })
  }
  return zigDir()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureWasmToolchain()
  if (process.argv.includes('--cross')) ensureCrossToolchain()
}
