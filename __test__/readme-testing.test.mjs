// The README's testing examples (the embedded mock, nock, MSW, MockAgent), extracted from
// README.md and run as they are on both builds, in child processes, with the API's URL pointed
// at a capture server that must receive nothing: each example's own assertions prove the
// interceptor (or the mock) answered.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { runNode } from './helpers/child.mjs'
import { otherNodeVersions } from '../scripts/emulators.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
// Inside the package, so that `@ethora-rs/sdk-backend` resolves to it.
const dir = fileURLToPath(new URL('./.readme-testing/', import.meta.url))
const [major, minor] = process.versions.node.split('.').map(Number)
// The current nock and MSW need Node 22.12 or later.
const recentNode = major > 22 || (major === 22 && minor >= 12) ? process.execPath : otherNodeVersions()[0]

let server
before(async () => {
  server = await startCaptureServer()
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
})
after(() => {
  rmSync(dir, { recursive: true, force: true })
  return server.close()
})

function example(name) {
  const match = new RegExp(`<!-- testing: ${name} -->\\n\`\`\`js\\n([\\s\\S]*?)\\n\`\`\``).exec(readme)
  assert.ok(match, `README has the ${name} example`)
  return match[1]
}

for (const name of ['mock', 'nock', 'msw', 'mockagent']) {
  for (const build of ['native', 'wasm']) {
    test(`README ${name} example runs on the ${build} build`, { skip: recentNode === undefined && 'no Node 22.12+ here' }, async () => {
      const file = `${dir}${name}-${build}.mjs`
      writeFileSync(file, example(name).replaceAll('https://api.chat.ethora.com', server.url))
      server.reset()
      const env = { ...process.env, ETHORA_SDK_BUILD: build }
      delete env.ETHORA_SDK_TRANSPORT
      const { code, stderr } = await runNode([file], { env, node: recentNode, cwd: root })
      assert.equal(code, 0, stderr)
      assert.equal(server.requests.length, 0)
    })
  }
}
