// Test interceptors see every request of both builds with the SDK created as usual: nock 13
// (it replaces http.request), the current nock and MSW (they replace fetch and more) and
// undici's MockAgent (a global dispatcher), each with network access disabled, in a child
// process per interceptor and build (interceptors/child.mjs). A capture server stands in for
// the API: no request may reach it. The current nock and MSW need Node 22.12 or later; where
// this Node is older they run on the registry's Node 22 (as the install test does).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { runNode } from './helpers/child.mjs'
import { NETWORK_CASES } from './helpers/network-cases.mjs'
import { otherNodeVersions } from '../scripts/emulators.mjs'

const CHILD = fileURLToPath(new URL('./interceptors/child.mjs', import.meta.url))
const [major, minor] = process.versions.node.split('.').map(Number)
const recentNode = major > 22 || (major === 22 && minor >= 12) ? process.execPath : otherNodeVersions()[0]

const INTERCEPTORS = {
  nock13: { node: process.execPath, hooks: 'http' },
  mockagent: { node: process.execPath, hooks: 'fetch' },
  nock: { node: recentNode, hooks: 'fetch' },
  msw: { node: recentNode, hooks: 'fetch' },
}
const EXPECTED = [...NETWORK_CASES.map(([name, , method, path, body]) => ({ name, method, path, body })),
  { name: 'createUser', method: 'POST', path: '/v2/users/batch' }]

for (const build of ['native', 'wasm']) {
  for (const [interceptor, { node, hooks }] of Object.entries(INTERCEPTORS)) {
    test(`${interceptor} answers every method of the ${build} build; nothing reaches the server`, { skip: node === undefined && 'no Node 22.12+ here' }, async () => {
      const env = { ...process.env, ETHORA_SDK_BUILD: build }
      delete env.ETHORA_SDK_TRANSPORT
      const { code, stdout, stderr } = await runNode([CHILD, interceptor], { env, node })
      assert.equal(code, 0, stderr)
      const report = JSON.parse(stdout.trim().split('\n').at(-1))
      assert.equal(report.serverRequestsWhileIntercepted, 0)
      assert.deepEqual(report.local, ['app123_room-1', 'string'])
      assert.equal(report.calls.length, EXPECTED.length)
      report.calls.forEach((call, index) => {
        const expected = EXPECTED[index]
        assert.equal(call.name, expected.name)
        assert.equal(call.error, undefined, `${call.name}: ${call.error}`)
        assert.equal(call.count, index + 1, `${call.name} was not seen once`)
        assert.equal(call.result.via, interceptor, call.name)
        assert.equal(call.seen.method, expected.method, call.name)
        assert.equal(call.seen.path, expected.path, call.name)
        if (expected.body !== undefined) assert.deepEqual(call.seen.body, expected.body, call.name)
        assert.match(call.seen.token, /^eyJ/, `${call.name} went without its server token`)
      })
      // `transport: 'native'`: the native addon's own transport passes every hook by; the edge
      // build's own is the runtime's fetch, which passes only an http.request hook by.
      const bypassed = build === 'native' || hooks === 'http'
      assert.deepEqual(report.forced, bypassed ? { via: 'server', intercepted: 0, reachedServer: 1 } : { via: interceptor, intercepted: 1, reachedServer: 0 })
    })
  }
}
