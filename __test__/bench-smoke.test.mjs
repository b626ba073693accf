// The benchmark harness cannot rot: every case runs with tiny counts and produces a number.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

test('bench --smoke runs every benchmark case and reports a number for each', () => {
  const script = fileURLToPath(new URL('../bench/run.mjs', import.meta.url))
  const run = spawnSync(process.execPath, [script, '--smoke'], { encoding: 'utf8', timeout: 600_000 })
  assert.equal(run.status, 0, run.stderr)
  const report = fs.readFileSync(new URL('../bench/RESULTS.smoke.md', import.meta.url), 'utf8')
  for (const section of ['## Ratios', '## Token minting', '## Request throughput', '## Sequential latency', '## Memory', '## Bulk', '## Cold start']) {
    assert.ok(report.includes(section), section)
  }
  for (const name of ['ours', '@ethora/sdk-backend', 'jsonwebtoken', 'fast-jwt', '@node-rs/jsonwebtoken', 'Rust core in-process (criterion)', 'undici (bare loopback floor)', 'ours, WebAssembly fallback']) {
    assert.ok(report.includes(`| ${name} |`), name)
  }
  assert.equal((report.match(/^\| (1|16|64) \| (ours|@ethora\/sdk-backend) \| /gm) ?? []).length, 6, 'three concurrencies for two SDKs')
  assert.match(report, /^\| 1 \| [\d,]+ \| [\d,]+ \| \d[\d.,]*× \|$/m, 'a round of ours against the Rust core')
  // Against a bare undici client under sustained load: four kinds x three concurrencies x
  // four clients (with each cell's round size), and the seven goal ratios per kind, each also
  // split at the transport floor.
  const KIND = String.raw`(getUsers \(empty room\)|getUsers \(room, 10 users\)|createUser \(POST\)|getUsers \(100 users\))`
  assert.ok(report.includes('## Ratios against a bare undici client'))
  assert.equal((report.match(new RegExp(String.raw`^\| ${KIND} \| (1|16|64) \| [\d,]+ \| (ours|undici\.Pool \(bare\)|transport floor \(our request, no SDK work\)|ours, WebAssembly fallback) \| [\d,]+ \| \d[\d.,]* \| `, 'gm')) ?? []).length, 48)
  assert.equal((report.match(new RegExp(String.raw`^\| ${KIND} \| [^|]+ \| \d[\d.,]*× \| [≤≥] `, 'gm')) ?? []).length, 28)
  assert.equal((report.match(new RegExp(String.raw`^\| ${KIND} \| [^|]+ \| [≤≥] \d[\d.,]*× \| \d[\d.,]*× \| \d[\d.,]*× \|$`, 'gm')) ?? []).length, 28)
  // CPU per request split by thread (only where Linux reports it), and short rounds against
  // sustained ones.
  const threadRows = (report.match(new RegExp(String.raw`^\| ${KIND} \| (1|16|64) \| (ours|undici\.Pool \(bare\)|transport floor \(our request, no SDK work\)) \| \d[\d.,]* \| \d[\d.,]* \| \d[\d.,]* \| \d[\d.,]* \|$`, 'gm')) ?? []).length
  if (process.platform === 'linux') assert.equal(threadRows, 36)
  else assert.ok(threadRows === 36 || report.includes('This platform does not report CPU per thread'), 'the thread table or why it is missing')
  assert.equal((report.match(new RegExp(String.raw`^\| ${KIND}( \| \d[\d.,]*){4}( \| \d[\d.,]*×){2} \|$`, 'gm')) ?? []).length, 4)
  // The hooked (relayed through Node's stack) and watched paths against the plain native one.
  assert.ok(report.includes('## Hooked and watched calls against the plain native path'))
  assert.equal((report.match(/^\| [^|]+ \| (1|16|64) \| (ours, through Node's stack \(hooked\)|ours, watched \(a response hook\)) \| \d[\d.,]*× \| \d[\d.,]*× \| \d[\d.,]*× \|$/gm) ?? []).length, 24)
  // The floor probe: the round trip to the I/O thread, and the ratio floor it sets per kind.
  assert.match(report, /That trip alone, with no request .*: p50 \d[\d.,]* µs, p99 \d[\d.,]* µs, \d[\d.,]* µs of CPU/)
  assert.equal((report.match(new RegExp(String.raw`^\| ${KIND} \| [\d,]+ \| -?[\d,.]+ \| [\d,.]+ \| (yes|no) \|$`, 'gm')) ?? []).length, 4)
  // The edge build in workerd against a plain fetch (mean times, median ratios of the rounds),
  // with its target in the ratios.
  assert.match(report, /^\| ours, edge build \| \d[\d.,]* \| \d[\d.,]*× \|$/m)
  assert.match(report, /^\| fetch\(\) with the same request, `response\.json\(\)` \| \d[\d.,]* \| 1× \|$/m)
  assert.match(report, /^\| the same fetch\(\) under a time limit \(AbortController \+ setTimeout, cleared after the body\) \| \d[\d.,]* \| \d[\d.,]*× \|$/m)
  // Each caller's own cost with fetch answered inside the Worker.
  assert.equal((report.match(/^\| (ours, edge build|fetch\(\) \+ `response\.json\(\)`|the same under a time limit|the same, the answer checked as ours checks it|the same after the fixed loop) \| \d[\d.,]* \|$/gm) ?? []).length, 5)
  assert.match(report, /^With the network in the loop, work on the call path costs more than in the warm loop: the fixed loop takes -?\d[\d.,]* µs warm/m)
  // The bulk import against the reference's README loop.
  assert.match(report, /^## Bulk import: 300 users into an empty app$/m)
  assert.match(report, /^\| Importing 300 users: importUsers vs the reference's README loop \(time\) \| \d[\d.,]*× \| \(faster is better\) \| (yes|\*\*no\*\*) \|$/m)
  assert.match(report, /^\| Edge build in workerd: time per getUsers call vs a plain fetch of the same request \(median of the paired rounds\) \| \d[\d.,]*× \| ≤ 1\.1× \| (yes|\*\*no\*\*) \|$/m)
})
