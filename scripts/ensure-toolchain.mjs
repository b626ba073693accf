// Makes sure the Rust pieces the tests need are present: the wasm32 target (the core is
// checked for it). Idempotent and quiet when everything is there.
import { execFileSync } from 'node:child_process'

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
