// What `npm install` in a Node backend exercises: pack the package and its Linux platform
// package, install both tarballs into a fresh project, then require (CommonJS), import (ESM)
// and type-check (tsc --strict) the SDK there, against the mock that ships with it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const platformDir = path.join(root, 'npm', 'linux-x64-gnu')
const addonFile = `${rootPackage.napi.binaryName}.linux-x64-gnu.node`
let work

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 })
}

/** The newest build of the mock binary in target/. */
function mockBinary() {
  const builds = ['release', 'debug'].map((p) => path.join(root, 'target', p, 'ethora-mock')).filter((f) => fs.existsSync(f))
  builds.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
  assert.ok(builds.length > 0, 'build the mock first (npm run build:debug)')
  return builds[0]
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ethora-pack-'))
  // The platform package gets the addon and the mock binary, as a release would.
  const platform = path.join(work, 'platform')
  fs.mkdirSync(platform)
  const manifest = JSON.parse(fs.readFileSync(path.join(platformDir, 'package.json'), 'utf8'))
  manifest.files = [addonFile, 'ethora-mock']
  fs.writeFileSync(path.join(platform, 'package.json'), JSON.stringify(manifest, null, 2))
  fs.copyFileSync(path.join(root, addonFile), path.join(platform, addonFile))
  fs.copyFileSync(mockBinary(), path.join(platform, 'ethora-mock'))
  fs.chmodSync(path.join(platform, 'ethora-mock'), 0o755)
  const platformTarball = run('npm', ['pack', '--silent', '--pack-destination', work], platform).trim().split('\n').pop()
  const mainTarball = run('npm', ['pack', '--silent', '--pack-destination', work], root).trim().split('\n').pop()

  const consumer = path.join(work, 'consumer')
  fs.mkdirSync(consumer)
  fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }))
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', path.join(work, mainTarball), path.join(work, platformTarball)], consumer)
})
after(() => fs.rmSync(work, { recursive: true, force: true }))

const FLOW = `
  const mock = await startMockServer()
  try {
    const chat = new EthoraSDKService(mock.config)
    await chat.createChatRoom('room-1')
    await chat.createUser('u1', { firstName: 'Ada', lastName: 'Lovelace' })
    await chat.grantUserAccessToChatRoom('room-1', 'u1')
    const members = await chat.getUsers({ chatName: chat.createChatName('room-1', false) })
    const token = chat.createChatUserJwtToken('u1')
    const claims = verifyJwtToken(token, mock.config, 'client')
    console.log(JSON.stringify({ members: members.results.map((u) => u.xmppUsername), userId: claims.data.userId, same: getEthoraSDKService === getEthoraSDKService }))
  } finally {
    await mock.close()
  }
`

function expectFlow(output) {
  const result = JSON.parse(output.trim().split('\n').pop())
  assert.equal(result.members.length, 1)
  assert.match(result.members[0], /^mock-app-\w+_u1$/)
  assert.equal(result.userId, 'u1')
}

test('the tarball holds only what users need', () => {
  const listing = run('npm', ['pack', '--dry-run', '--json'], root)
  const files = JSON.parse(listing)[0].files.map((f) => f.path).sort()
  assert.deepEqual(files, [
    'README.md',
    'edge/api.js',
    'edge/deno.js',
    'edge/edge-light.js',
    'edge/index.d.ts',
    'edge/node.js',
    'edge/package.json',
    'edge/pkg/ethora-error.js',
    'edge/pkg/ethora_wasm.d.ts',
    'edge/pkg/ethora_wasm.js',
    'edge/pkg/ethora_wasm_bg.wasm',
    'edge/workerd.js',
    'index.d.ts',
    'index.js',
    'mock.d.ts',
    'mock.js',
    'package.json',
  ])
})

test('CommonJS require works from a fresh project', () => {
  const file = path.join(work, 'consumer', 'flow.cjs')
  fs.writeFileSync(file, `const { EthoraSDKService, getEthoraSDKService, verifyJwtToken } = require('@ethora-rs/sdk-backend')
const { startMockServer } = require('@ethora-rs/sdk-backend/mock')
;(async () => {${FLOW}})().catch((e) => { console.error(e); process.exit(1) })`)
  expectFlow(run(process.execPath, [file], path.join(work, 'consumer')))
})

test('ESM import works from a fresh project', () => {
  const file = path.join(work, 'consumer', 'flow.mjs')
  fs.writeFileSync(file, `import { EthoraSDKService, getEthoraSDKService, verifyJwtToken } from '@ethora-rs/sdk-backend'
import { startMockServer } from '@ethora-rs/sdk-backend/mock'
${FLOW}`)
  expectFlow(run(process.execPath, [file], path.join(work, 'consumer')))
})

test('the WebAssembly build (`/edge`) runs the same flow from the installed package in Node', () => {
  const file = path.join(work, 'consumer', 'edge-flow.mjs')
  fs.writeFileSync(file, `import { EthoraSDKService, getEthoraSDKService, verifyJwtToken } from '@ethora-rs/sdk-backend/edge'
import { startMockServer } from '@ethora-rs/sdk-backend/mock'
${FLOW}`)
  expectFlow(run(process.execPath, [file], path.join(work, 'consumer')))
})

test('tsc --strict type-checks a consumer against the installed package', () => {
  const consumer = path.join(work, 'consumer')
  fs.writeFileSync(path.join(consumer, 'consumer.ts'), `import { EthoraSDKService, type ApiResponse, type CreateUserData, type ChatRepository } from '@ethora-rs/sdk-backend'
import { startMockServer, type MockServer } from '@ethora-rs/sdk-backend/mock'

export async function onboard(): Promise<ApiResponse> {
  const mock: MockServer = await startMockServer()
  const chat: ChatRepository = new EthoraSDKService(mock.config)
  const user: CreateUserData = { email: 'a@b.c', firstName: 'Ada', lastName: 'Lovelace' }
  await chat.createUser('u1', user)
  // @ts-expect-error a number is not a user id
  await chat.createUser(1)
  const reply = await chat.getUsers({ limit: 10 })
  await mock.close()
  return reply
}
`)
  fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false, types: [] },
    files: ['consumer.ts'],
  }))
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], consumer)
})
