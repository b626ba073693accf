// What `npm install @ethora-rs/sdk-backend` does for a user, through a real npm registry
// (Verdaccio on loopback): the main package and this machine's platform package are
// published with `npm publish`, then fresh consumer projects install the SDK by name.
// - With optional dependencies, npm picks the platform package through optionalDependencies:
//   CJS require, ESM import, tsc --strict and a flow against the mock run on the native addon.
// - With --omit=optional, the same flows run on the WebAssembly fallback, which says once why.
// Every flow runs on this Node and on each Node in ETHORA_TEST_NODE_BINARIES (.ci/run sets
// Node 22 and 24 there).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { startRegistry } from './helpers/registry.mjs'
import { stageMainPackage } from '../scripts/main-package.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)
const rootPackage = require('../package.json')
const { platformName, platformPackage } = require('../js/platform.js')
// This checkout's newest mock build (the tests' debug build, or a release build).
const { findMockBinary } = require('../mock.js')
const platform = platformPackage().slice('@ethora-rs/sdk-backend-'.length)
const mockFile = process.platform === 'win32' ? 'ethora-mock.exe' : 'ethora-mock'

const nodes = [process.execPath, ...(process.env.ETHORA_TEST_NODE_BINARIES ?? '').split(path.delimiter).filter(Boolean)]
const nodeVersion = (node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()

let work
let registry
let localMock

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, ...options })
}

/** This machine's platform package as a release lays it out: npm/<platform> plus the addon and the mock. */
function stagePlatformPackage(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'npm', platform, 'package.json'), 'utf8'))
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
  fs.copyFileSync(path.join(root, manifest.main), path.join(dir, manifest.main))
  fs.copyFileSync(findMockBinary(), path.join(dir, mockFile))
  fs.chmodSync(path.join(dir, mockFile), 0o755)
}

function consumer(name, installArgs) {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true }))
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...installArgs, rootPackage.name], { cwd: dir, env: registry.env })
  return dir
}

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ethora-registry-'))
  registry = await startRegistry(path.join(work, 'registry'))
  const platformDir = path.join(work, 'platform')
  stagePlatformPackage(platformDir)
  localMock = findMockBinary()
  const publish = (dir) => run('npm', ['publish', '--access', 'public', '--loglevel=error', '--ignore-scripts'], { cwd: dir, env: registry.env })
  publish(platformDir)
  publish(stageMainPackage(path.join(work, 'main')))
})
after(async () => {
  await registry?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

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
    let refused
    try { await chat.createUser('') } catch (error) { refused = error instanceof EthoraError && error.code }
    console.log(JSON.stringify({
      build: typeof EthoraSDKService.prototype.free === 'function' ? 'wasm' : 'native',
      members: members.results.map((u) => u.xmppUsername),
      userId: claims.data.userId,
      refused,
      domain: ETHORA_JID_DOMAIN,
    }))
  } finally {
    await mock.close()
  }
`
const NAMES = 'EthoraSDKService, EthoraError, verifyJwtToken, ETHORA_JID_DOMAIN'
const CJS = `const { ${NAMES} } = require('@ethora-rs/sdk-backend')
const { startMockServer } = require('@ethora-rs/sdk-backend/mock')
;(async () => {${FLOW}})().catch((e) => { console.error(e); process.exit(1) })`
const ESM = `import { ${NAMES} } from '@ethora-rs/sdk-backend'
import { startMockServer } from '@ethora-rs/sdk-backend/mock'
${FLOW}`

/** Runs a flow file with `node` in `dir`; returns its result line and what it wrote to stderr. */
function runFlow(node, dir, file, source, env = {}) {
  fs.writeFileSync(path.join(dir, file), source)
  const child = spawnSync(node, [file], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, ETHORA_SDK_BUILD: '', ...env } })
  assert.equal(child.status, 0, `${file} failed under ${node}:\n${child.stderr}`)
  const result = JSON.parse(child.stdout.trim().split('\n').pop())
  assert.equal(result.members.length, 1)
  assert.match(result.members[0], /^mock-app-\w+_u1$/)
  assert.equal(result.userId, 'u1')
  assert.equal(result.refused, 'ETHORA_VALIDATION')
  assert.equal(result.domain, '@conference.xmpp.chat.ethora.com')
  return { result, stderr: child.stderr }
}

const FALLBACK = /\[ETHORA_SDK_WASM_FALLBACK\]/g

test('the tarball holds only what users need', () => {
  const listing = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root })
  const files = JSON.parse(listing)[0].files.map((f) => f.path).sort()
  assert.deepEqual(files, [
    'README.md',
    'bin/ethora.cjs',
    'edge/api.js',
    'edge/deno.js',
    'edge/edge-light.js',
    'edge/index.d.ts',
    'edge/node.cjs',
    'edge/node.js',
    'edge/package.json',
    'edge/pkg/ethora_wasm.d.ts',
    'edge/pkg/ethora_wasm.js',
    'edge/pkg/ethora_wasm_bg.wasm',
    'edge/pkg/fetch.js',
    'edge/pkg/observe.js',
    'edge/pkg/shared.js',
    'edge/pkg/transport.js',
    'edge/workerd.js',
    'index.d.ts',
    'index.js',
    'js/platform.js',
    'mock.d.ts',
    'mock.js',
    'package.json',
    'sdk.js',
  ])
})

test('npm install from the registry picks this machine\'s platform package through optionalDependencies', async (t) => {
  const dir = consumer('with-optional', [])
  const installed = fs.readdirSync(path.join(dir, 'node_modules', '@ethora-rs')).sort()
  assert.deepEqual(installed, ['sdk-backend', `sdk-backend-${platform}`])

  for (const node of nodes) {
    await t.test(`CommonJS and ESM on the native addon, Node ${nodeVersion(node)}`, () => {
      for (const [file, source] of [['flow.cjs', CJS], ['flow.mjs', ESM]]) {
        const { result, stderr } = runFlow(node, dir, file, source)
        assert.equal(result.build, 'native')
        assert.doesNotMatch(stderr, FALLBACK)
      }
    })
  }

  await t.test('the WebAssembly build (`/edge`) runs the same flow in Node', () => {
    const { result } = runFlow(process.execPath, dir, 'edge.mjs', ESM.replace("from '@ethora-rs/sdk-backend'", "from '@ethora-rs/sdk-backend/edge'"))
    assert.equal(result.build, 'wasm')
  })

  await t.test('the WebAssembly build can be chosen on purpose, without a warning', () => {
    const { result, stderr } = runFlow(process.execPath, dir, 'chosen.cjs', CJS, { ETHORA_SDK_BUILD: 'wasm' })
    assert.equal(result.build, 'wasm')
    assert.doesNotMatch(stderr, FALLBACK)
  })

  await t.test('tsc --strict type-checks a consumer', () => {
    typeCheck(dir)
  })

  await t.test('`npx ethora` runs the command line the package installs', () => {
    const help = run('npx', ['--no-install', 'ethora', '--help'], { cwd: dir, env: { ...process.env, ETHORA_SDK_BUILD: '' } })
    assert.match(help, /^Usage: ethora <command> \[options\]/)
  })

  await t.test('a broken addon falls back too, and the warning says what was wrong with it', () => {
    const addon = path.join(dir, 'node_modules', '@ethora-rs', `sdk-backend-${platform}`, `${rootPackage.napi.binaryName}.${platform}.node`)
    fs.writeFileSync(addon, 'not a shared library')
    const { result, stderr } = runFlow(process.execPath, dir, 'broken.cjs', CJS)
    assert.equal(result.build, 'wasm')
    assert.equal((stderr.match(FALLBACK) ?? []).length, 1, stderr)
    assert.match(stderr, new RegExp(`no native addon for ${platformName()} loaded \\([^)]*${platform}\\.node: (invalid ELF header|file too short)`))
  })
})

test('npm install --omit=optional runs on the WebAssembly fallback and says why, once', async (t) => {
  const dir = consumer('without-optional', ['--omit=optional'])
  assert.deepEqual(fs.readdirSync(path.join(dir, 'node_modules', '@ethora-rs')), ['sdk-backend'])

  for (const node of nodes) {
    await t.test(`CommonJS and ESM on the fallback, Node ${nodeVersion(node)}`, () => {
      for (const [file, source] of [['flow.cjs', CJS], ['flow.mjs', ESM]]) {
        // No platform package means no mock binary either: the flow uses this checkout's build.
        const { result, stderr } = runFlow(node, dir, file, source, { ETHORA_MOCK_BIN: localMock })
        assert.equal(result.build, 'wasm')
        const warnings = stderr.match(FALLBACK) ?? []
        assert.equal(warnings.length, 1, stderr)
        assert.ok(stderr.includes(`no native addon for ${platformName()} loaded`), stderr)
        assert.ok(stderr.includes(`@ethora-rs/sdk-backend-${platform} is not installed`), stderr)
      }
    })
  }

  await t.test('ETHORA_SDK_BUILD=native refuses the fallback with the loader\'s error', () => {
    fs.writeFileSync(path.join(dir, 'native.cjs'), "require('@ethora-rs/sdk-backend')")
    const child = spawnSync(process.execPath, ['native.cjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ETHORA_SDK_BUILD: 'native' } })
    assert.notEqual(child.status, 0)
    assert.match(child.stderr, /Cannot find native binding/)
    assert.doesNotMatch(child.stderr, FALLBACK)
  })

  await t.test('startMockServer() without a mock binary names the package to install', () => {
    fs.writeFileSync(path.join(dir, 'mock.cjs'), `require('@ethora-rs/sdk-backend/mock').startMockServer().then(
  () => { console.log('started'); process.exit(1) },
  (error) => { console.log(error.message) })`)
    const child = spawnSync(process.execPath, ['mock.cjs'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ETHORA_MOCK_BIN: '' } })
    assert.equal(child.status, 0, child.stderr)
    assert.match(child.stdout, new RegExp(`ethora-mock binary not found for ${platformName()}: install @ethora-rs/sdk-backend-${platform}`))
  })

  await t.test('tsc --strict type-checks a consumer', () => {
    typeCheck(dir)
  })
})

function typeCheck(dir) {
  fs.writeFileSync(path.join(dir, 'consumer.ts'), `import { EthoraSDKService, EthoraError, type ApiResponse, type CreateUserData, type ChatRepository } from '@ethora-rs/sdk-backend'
import { startMockServer, type MockServer } from '@ethora-rs/sdk-backend/mock'

export async function onboard(): Promise<ApiResponse> {
  const mock: MockServer = await startMockServer()
  const chat: ChatRepository = new EthoraSDKService(mock.config)
  const user: CreateUserData = { email: 'a@b.c', firstName: 'Ada', lastName: 'Lovelace' }
  await chat.createUser('u1', user)
  // @ts-expect-error a number is not a user id
  await chat.createUser(1)
  const reply = await chat.getUsers({ limit: 10 }).catch((error: unknown) => {
    if (error instanceof EthoraError) throw new Error(error.code)
    throw error
  })
  await mock.close()
  return reply
}
`)
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'nodenext', moduleResolution: 'nodenext', skipLibCheck: false, types: [] },
    files: ['consumer.ts'],
  }))
  run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: dir })
}
