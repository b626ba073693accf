// The README's edge examples (Cloudflare Worker, Vercel Edge route, Deno script), extracted
// from README.md and run in their runtimes against the local mock, configured through each
// runtime's own environment mechanism (Worker bindings, process.env, Deno.env).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { sdk as nativeSdk } from './helpers/sdk.mjs'
import {
  bundleForEdgeLight,
  bundleForWorkerd,
  consumerProject,
  fetchFromEdgeRuntime,
  fetchFromWorkerd,
  root,
  runInDeno,
} from './edge/runtimes.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const readme = readFileSync(join(root, 'README.md'), 'utf8')

function example(name) {
  const match = new RegExp(`<!-- edge-example:${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\``).exec(readme)
  assert.ok(match, `README has the ${name} example`)
  return match[1]
}

let mock
let env

before(async () => {
  mock = await startMockServer()
  env = {
    ETHORA_CHAT_API_URL: mock.url,
    ETHORA_CHAT_APP_ID: mock.appId,
    ETHORA_CHAT_APP_SECRET: mock.appSecret,
  }
})
after(() => mock.close())

function verifiedUser(token) {
  const claims = nativeSdk.verifyJwtToken(token, { chatAppId: mock.appId, chatAppSecret: mock.appSecret }, 'client')
  return claims.data.userId
}

async function stored() {
  return JSON.stringify((await mock.state()).apps[mock.appId])
}

test('README Cloudflare Worker example runs in workerd', async () => {
  const project = consumerProject({ 'worker.js': { text: example('workerd') } })
  try {
    const worker = await bundleForWorkerd(join(project.dir, 'worker.js'), project.dir)
    const response = await fetchFromWorkerd(worker, {
      bindings: env,
      request: { method: 'POST', body: JSON.stringify({ userId: 'cf-user', chatId: 'cf-room' }) },
    })
    assert.equal(response.status, 200, response.text)
    assert.equal(verifiedUser(JSON.parse(response.text).token), 'cf-user')
    const state = await stored()
    assert.ok(state.includes(`${mock.appId}_cf-user`) && state.includes(`${mock.appId}_cf-room`), state)
  } finally {
    project.cleanup()
  }
})

test('README Vercel Edge route example runs in edge-runtime (and handles the 422 of an existing user)', async () => {
  const project = consumerProject({ 'route.js': { text: example('edge-light') } })
  try {
    const code = await bundleForEdgeLight(join(project.dir, 'route.js'), { handler: 'POST' })
    for (let round = 0; round < 2; round++) {
      const response = await fetchFromEdgeRuntime(code, {
        env,
        request: { method: 'POST', body: JSON.stringify({ userId: 'vercel-user' }) },
      })
      assert.equal(response.status, 200, response.text)
      assert.equal(verifiedUser(JSON.parse(response.text).token), 'vercel-user')
    }
    const creates = (await mock.requests()).filter((r) => r.method === 'POST' && r.path === '/v2/users/batch')
    assert.ok(creates.length >= 2)
  } finally {
    project.cleanup()
  }
})

test('README Deno example runs in deno', async () => {
  const project = consumerProject({ 'setup-room.js': { text: example('deno') } })
  try {
    const output = await runInDeno(join(project.dir, 'setup-room.js'), {
      args: ['deno-room', 'deno-alice', 'deno-bob'],
      env,
      permissions: ['--allow-env', '--allow-net=127.0.0.1', '--allow-read'],
    })
    const members = JSON.stringify(JSON.parse(output))
    assert.ok(members.includes(`${mock.appId}_deno-alice`) && members.includes(`${mock.appId}_deno-bob`), members)
  } finally {
    project.cleanup()
  }
})
