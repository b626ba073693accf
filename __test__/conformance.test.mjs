// The conformance table (__test__/conformance/cases.mjs) run through the official SDK and both
// of our builds, in this one process, against one capture server: each case's request (or
// result, for the local functions) is compared as the case says. Every deliberate difference
// a case relies on must be a row of the README's table.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { APP_ID, APP_SECRET, claimsOf, quietly } from './helpers/sdk.mjs'
import { cases } from './conformance/cases.mjs'

const require = createRequire(import.meta.url)
const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8')
/** The README's table of deliberate differences: the only place a case's `row` may come from. */
const differences = readme.slice(readme.indexOf('### Deliberate differences'), readme.indexOf('\n## ', readme.indexOf('### Deliberate differences')))
const BUILDS = ['native', 'wasm']
/** The service's methods that send nothing: compared by their results. */
const LOCAL_METHODS = new Set(['createChatName', 'createChatUserJwtToken'])

let server
let builds

before(async () => {
  server = await startCaptureServer()
  Object.assign(process.env, { ETHORA_CHAT_API_URL: server.url, ETHORA_CHAT_APP_ID: APP_ID, ETHORA_CHAT_APP_SECRET: APP_SECRET })
  const official = require('@ethora/sdk-backend')
  const native = require('../index.js')
  const wasm = await import('@ethora-rs/sdk-backend/edge')
  builds = {
    official: { module: official, service: await quietly(() => new official.EthoraSDKService()) },
    native: { module: native, service: new native.EthoraSDKService({ maxRetries: 0 }) },
    wasm: { module: wasm, service: new wasm.EthoraSDKService({ maxRetries: 0 }) },
  }
})
after(() => server.close())

function withEnv(changes, fn) {
  const saved = {}
  for (const [name, value] of Object.entries(changes ?? {})) {
    saved[name] = process.env[name]
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
  const restore = () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  return fn().finally(restore)
}

/** What one build did with the case: its value or error, and the request it sent. */
async function run(build, testCase) {
  server.reset()
  const target = testCase.fn ? build.module : build.service
  const name = testCase.fn ?? testCase.call
  return withEnv(testCase.env, async () => {
    const outcome = await quietly(async () => target[name](...testCase.args())).then(
      (value) => ({ value }),
      (error) => ({ error }),
    )
    assert.ok(server.requests.length <= 1, `${name} sent ${server.requests.length} requests`)
    return { ...outcome, request: server.requests[0] }
  })
}

const RANDOM_EMAIL = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}@example\.com/g

/** The request as the server saw it; the random default email is the only thing masked. */
function wire(request, { raw = true } = {}) {
  if (!request) return request
  const rawBody = request.rawBody.replace(RANDOM_EMAIL, '<random>@example.com')
  return {
    method: request.method,
    url: request.url,
    body: rawBody ? JSON.parse(rawBody) : undefined,
    ...(raw ? { rawBody } : {}),
    contentType: request.headers['content-type'],
  }
}

/** A local function's result, tokens by their claims but `iat`; with `ours`, an error's code and argument too. */
function result(outcome, { ours = false } = {}) {
  const { error, value } = outcome
  if (error) return ours ? { threw: true, code: error.code, argument: error.argument, message: error.message } : { threw: true }
  if (typeof value === 'string' && value.startsWith('eyJ')) return { claims: { ...claimsOf(value), iat: 0 } }
  return { value }
}

function describe(outcome) {
  if (outcome.error) return `threw ${outcome.error.code ?? outcome.error.name}: ${outcome.error.message}`
  return `sent ${outcome.request ? `${outcome.request.method} ${outcome.request.url} ${outcome.request.rawBody}` : 'nothing'}`
}

const counts = { wire: 0, same: 0, refused: 0, differs: 0 }

for (const [index, testCase] of cases.entries()) {
  const name = testCase.fn ?? testCase.call
  test(`conformance ${index}: ${name} ${testCase.expect}${testCase.row ? ` (${testCase.row})` : ''}`, async () => {
    const official = await run(builds.official, testCase)
    const ours = {}
    for (const build of BUILDS) ours[build] = await run(builds[build], testCase)
    counts[testCase.expect] += 1
    if (testCase.row) assert.ok(differences.includes(testCase.row), `the README's deliberate differences have no row "${testCase.row}"`)
    if (testCase.fn || LOCAL_METHODS.has(testCase.call)) {
      assert.deepEqual(result(ours.native, { ours: true }), result(ours.wasm, { ours: true }), 'the same answer on both builds')
    }
    switch (testCase.expect) {
      case 'wire':
        assert.ok(official.request, `the official SDK ${describe(official)}`)
        for (const build of BUILDS) {
          assert.ok(!ours[build].error, `${build}: ${describe(ours[build])}`)
          assert.deepEqual(wire(ours[build].request), wire(official.request), build)
        }
        break
      case 'same':
        for (const build of BUILDS) {
          assert.deepEqual(result(ours[build]), result(official), `${build}: ${describe(ours[build])}; official ${describe(official)}`)
          if (testCase.sameMessage) assert.equal(ours[build].error.message, official.error.message)
        }
        break
      case 'refused':
        for (const build of BUILDS) {
          const { error, request } = ours[build]
          assert.ok(error instanceof builds[build].module.EthoraError, `${build}: ${describe(ours[build])}`)
          assert.equal(error.code, 'ETHORA_VALIDATION', build)
          assert.equal(error.argument, testCase.argument, build)
          assert.equal(request, undefined, `${build} sent nothing`)
        }
        assert.equal(ours.native.error.message, ours.wasm.error.message, 'the same answer on both builds')
        if (!testCase.row) assert.equal(official.request, undefined, `the official SDK ${describe(official)}: a row must allow the difference`)
        break
      case 'differs':
        if (testCase.fn || LOCAL_METHODS.has(testCase.call)) {
          assert.deepEqual(result(ours.native), result(ours.wasm))
          assert.notDeepEqual(result(ours.native), result(official))
        } else {
          for (const build of BUILDS) assert.ok(ours[build].request, `${build}: ${describe(ours[build])}`)
          assert.deepEqual(wire(ours.native.request), wire(ours.wasm.request))
          assert.notDeepEqual(wire(ours.native.request, { raw: false }), wire(official.request, { raw: false }))
        }
        break
      default:
        assert.fail(`unknown expectation ${testCase.expect}`)
    }
  })
}

test('a process.env replaced by the program is read by both builds as by the official SDK', async () => {
  const saved = process.env
  process.env = { ...saved, ETHORA_CHAT_APP_ID: 'replaced-app', ETHORA_CHAT_APP_SECRET: 'replaced-secret' }
  try {
    const seen = {}
    for (const [name, { module }] of Object.entries(builds)) {
      const service = await quietly(() => new module.EthoraSDKService({ maxRetries: 0 }))
      seen[name] = { secrets: module.getSecretsSync(), chatName: await quietly(() => service.createChatName('x', false)) }
    }
    assert.equal(seen.official.secrets.chatAppId, 'replaced-app')
    assert.equal(seen.official.chatName, 'replaced-app_x')
    for (const build of BUILDS) {
      assert.deepEqual(seen[build], seen.official, build)
      // (The official SDK's tokens keep the secrets it cached first: a README row.)
      assert.equal(claimsOf(builds[build].module.createClientToken('u1')).data.appId, 'replaced-app', build)
    }
  } finally {
    process.env = saved
  }
})

after(() => {
  const total = Object.values(counts).reduce((a, b) => a + b, 0)
  console.log(`# conformance: ${total} cases on each of ${BUILDS.join(' and ')} against the official SDK: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}`)
})
