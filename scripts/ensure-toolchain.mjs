// Makes sure the Rust pieces the tests need are present: the wasm32 target and the
// wasm-bindgen CLI of the locked version (the edge build). Idempotent and quiet when
// everything is there.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

function run(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
}

try {
  run('cargo', ['--version'])
} catch {
  console.error('cargo is not installed: install Rust with rustup (https://rustup.rs) first.')
  process.exit(1)
}

const installed = run('rustup', ['target', 'list', '--installed'])
if (!installed.split('\n').includes('wasm32-unknown-unknown')) {
  console.log('Adding the wasm32-unknown-unknown Rust target ...')
  execFileSync('rustup', ['target', 'add', 'wasm32-unknown-unknown'], { stdio: 'inherit' })
}

// wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock
// (the glue and the schema in the .wasm have to agree).
const lock = readFileSync(new URL('../Cargo.lock', import.meta.url), 'utf8')
const locked = /\[\[package\]\]\nname = "wasm-bindgen"\nversion = "([^"]+)"/.exec(lock)?.[1]
if (!locked) {
  console.error('Cargo.lock does not pin wasm-bindgen')
  process.exit(1)
}
let installedBindgen = null
try {
  installedBindgen = /wasm-bindgen (\S+)/.exec(run('wasm-bindgen', ['--version']))?.[1] ?? null
} catch {
  // not installed
}
if (installedBindgen !== locked) {
  console.log(`Installing wasm-bindgen-cli ${locked} (found ${installedBindgen ?? 'none'}); this takes a few minutes ...`)
  execFileSync('cargo', ['install', 'wasm-bindgen-cli', '--version', locked, '--force'], {
    stdio: 'inherit',
  })
}
