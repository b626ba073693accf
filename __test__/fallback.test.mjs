// The WebAssembly fallback of the package entry is the same SDK: the suites that prove the
// methods (requests and results), the mock-backed flows and the configuration rules run
// again through sdk.js with ETHORA_SDK_BUILD=wasm, which loads edge/node.cjs instead of the
// native addon. (The registry test proves the fallback is chosen by itself when no addon loads.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const SUITES = ['__test__/methods.test.mjs', '__test__/mock.test.mjs', '__test__/config.test.mjs']

test('the method, mock and config suites pass on the WebAssembly build through the package entry', () => {
  const child = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...SUITES], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ETHORA_SDK_BUILD: 'wasm', NODE_TEST_CONTEXT: undefined },
  })
  const passed = Number(/^# pass (\d+)$/m.exec(child.stdout)?.[1])
  const failed = Number(/^# fail (\d+)$/m.exec(child.stdout)?.[1])
  assert.equal(child.status, 0, `${child.stdout.split('\n').filter((l) => /^\s*not ok|error/.test(l)).join('\n')}\n${child.stderr}`)
  assert.equal(failed, 0)
  assert.ok(passed >= 30, `only ${passed} tests ran`)
})

test('the package entry loads the native addon by default and the WebAssembly build when asked', () => {
  const probe = "const s = require('./sdk.js'); console.log(typeof s.EthoraSDKService.prototype.free === 'function' ? 'wasm' : 'native')"
  const load = (build) => spawnSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', env: { ...process.env, ETHORA_SDK_BUILD: build } })
  assert.equal(load('').stdout.trim(), 'native')
  assert.equal(load('native').stdout.trim(), 'native')
  assert.equal(load('wasm').stdout.trim(), 'wasm')
  const wrong = load('fast')
  assert.notEqual(wrong.status, 0)
  assert.match(wrong.stderr, /ETHORA_SDK_BUILD must be 'native' or 'wasm'/)
})
