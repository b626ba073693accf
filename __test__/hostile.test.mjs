// Hostile values through every method and function of both builds, one child process per
// category and build (__test__/hostile/child.mjs), so that a crash, an abort or a trap fails
// the test as what it is. Every outcome must be a result or an EthoraError (a TypeError for a
// wrong receiver) within a time limit, the same on both builds, requests sent included, and the
// SDK must still answer after every case. The address-space case runs again with `ulimit -v`:
// reserving room for a huge sparse array's length would abort there.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const child = fileURLToPath(new URL('./hostile/child.mjs', import.meta.url))
const CATEGORIES = ['calls', 'proxies', 'getters', 'iterables', 'graphs', 'sizes', 'address', 'strings', 'primitives', 'objects']
// Address space each build needs to start at all: the WebAssembly build (and undici's llhttp,
// which Node's fetch runs as WebAssembly too) reserves guard regions of several GiB.
const ADDRESS_CAP_KB = { native: 4_000_000, wasm: 32_000_000 }

/** Runs the child on `build` and `category`, optionally under `ulimit -v`. */
function runChild(build, category, capKb) {
  const command = capKb ? '/bin/sh' : process.execPath
  const args = capKb ? ['-c', `ulimit -v ${capKb} && exec "$0" "$@"`, process.execPath, child, build, category] : [child, build, category]
  return new Promise((resolve) => {
    const running = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_TEST_CONTEXT: undefined } })
    let stdout = ''
    let stderr = ''
    // Decoded as a stream: a character split between two chunks stays whole.
    running.stdout.setEncoding('utf8')
    running.stderr.setEncoding('utf8')
    running.stdout.on('data', (chunk) => (stdout += chunk))
    running.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => running.kill('SIGKILL'), 600_000)
    running.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

function check(build, category, { code, signal, stdout, stderr }) {
  assert.equal(signal, null, `${build} ${category}: the process ended by ${signal}\n${stderr.slice(-2000)}`)
  assert.equal(code, 0, `${build} ${category}: exit code ${code}\n${stderr.slice(-2000)}`)
  const report = JSON.parse(stdout.trim().split('\n').pop())
  assert.deepEqual(report.failures, [], `${build} ${category}`)
  assert.ok(report.cases > 100, `${build} ${category}: only ${report.cases} cases ran`)
  return report
}

/** The same case gets the same answer on both builds (cases only one build has are skipped). */
function sameAnswers(category, native, wasm) {
  const differ = Object.keys(native.answers)
    .filter((label) => label in wasm.answers && native.answers[label] !== wasm.answers[label])
    .map((label) => `${label}\n  native: ${native.answers[label]}\n  wasm:   ${wasm.answers[label]}`)
  assert.deepEqual(differ, [], `${category}: the builds answer differently`)
}

const totals = { native: 0, wasm: 0 }

for (const category of CATEGORIES) {
  test(`hostile values, ${category}: both builds, each in its own process`, async () => {
    const [native, wasm] = await Promise.all([runChild('native', category), runChild('wasm', category)])
    const reports = [check('native', category, native), check('wasm', category, wasm)]
    sameAnswers(category, ...reports)
    totals.native += reports[0].cases
    totals.wasm += reports[1].cases
  })
}

test('hostile values, address space capped with ulimit -v: both builds', async () => {
  const [native, wasm] = await Promise.all(['native', 'wasm'].map((build) => runChild(build, 'address', ADDRESS_CAP_KB[build])))
  const reports = [check('native', 'address (capped)', native), check('wasm', 'address (capped)', wasm)]
  sameAnswers('address (capped)', ...reports)
  totals.native += reports[0].cases
  totals.wasm += reports[1].cases
  console.log(`# hostile: ${totals.native} cases on the native addon, ${totals.wasm} on the WebAssembly build, ${CATEGORIES.length} categories plus the capped address space`)
})
