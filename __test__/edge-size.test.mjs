// Size budget of the edge build: the optimised .wasm at most 219 KB gzip (200 KB until numbers
// were read exactly: serde_json's float_roundtrip adds 9.5 KiB; 210 KB until calls were
// observed: events, hooks and tracing add 2.2 KiB; 212 KB until the ensure* methods, whose
// async steps inline the call's, add 6.9 KiB), and the figure the README states is the
// current one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

import { root, wasmPath } from './edge/runtimes.mjs'

const BUDGET_GZIP_BYTES = 219 * 1000

test('the .wasm is at most 219 KB gzip after wasm-opt -Oz', () => {
  const bytes = readFileSync(wasmPath)
  const gzip = gzipSync(bytes, { level: 9 }).length
  const built = JSON.parse(readFileSync(join(root, 'edge', 'pkg', 'size.json'), 'utf8'))
  assert.equal(built.raw, bytes.length, 'size.json describes this module')
  assert.ok(built.beforeWasmOpt > bytes.length, 'wasm-opt ran and shrank the module')
  assert.ok(gzip <= BUDGET_GZIP_BYTES, `${gzip} bytes gzip exceed the ${BUDGET_GZIP_BYTES} byte budget`)
})

test('the README states the current size', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const stated = /<!-- wasm-size:start -->\nSize: the `\.wasm` is ([\d.]+) KiB gzip \(([\d.]+) KiB raw\)/.exec(readme)
  assert.ok(stated, 'README has the size line')
  const bytes = readFileSync(wasmPath)
  const gzipKiB = gzipSync(bytes, { level: 9 }).length / 1024
  // Within 2 KiB: a rebuild with the same toolchain gives the same module; a code change
  // that moves the size more than that must update the README (npm run build:wasm prints it).
  assert.ok(Math.abs(Number(stated[1]) - gzipKiB) <= 2, `README says ${stated[1]} KiB gzip, the build is ${gzipKiB.toFixed(1)} KiB`)
  assert.ok(Math.abs(Number(stated[2]) - bytes.length / 1024) <= 4, `README says ${stated[2]} KiB raw`)
})
