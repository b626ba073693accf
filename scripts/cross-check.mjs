// Runs the release's other platform packages where this machine can (scripts/emulators.mjs):
// Linux arm64 (glibc and musl), Linux x64 musl and Windows x64. The release tarballs
// (dist/release, from `npm run release:pack`) are published to a Verdaccio registry on
// loopback; for each platform a fresh project installs `@ethora-rs/sdk-backend` with npm's
// --os/--cpu/--libc set to that platform (so optionalDependencies pick its package); then,
// under the emulator, that platform's own ethora-mock serves and that platform's Node loads
// the native addon (ETHORA_SDK_BUILD=native: no fallback), mints and verifies a client
// token, and makes calls whose effect is read back from the mock.
//
//   node scripts/cross-check.mjs [--release dist/release]
import { spawn, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, closeSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTriple } from '@napi-rs/cli'
import { ensureCrossToolchain, toolCache } from './ensure-toolchain.mjs'
import { emulatedPlatforms } from './emulators.mjs'
import { startRegistry } from '../__test__/helpers/registry.mjs'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const at = process.argv.indexOf('--release')
const releaseDir = path.resolve(root, at < 0 ? 'dist/release' : process.argv[at + 1])
const summaryFile = path.join(releaseDir, 'summary.json')
if (!existsSync(summaryFile)) {
  console.error(`${summaryFile} is missing: run \`npm run release:pack\` first`)
  process.exit(1)
}
const release = JSON.parse(readFileSync(summaryFile, 'utf8'))
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const targets = Object.fromEntries(rootPackage.napi.targets.map(parseTriple).map((t) => [t.platformArchABI, t]))

const CLIENT = `'use strict'
const fs = require('fs')
const done = (result) => fs.writeFileSync('result.json', JSON.stringify(result))
;(async () => {
  const sdk = require('@ethora-rs/sdk-backend')
  const config = { chatApiUrl: process.env.ETHORA_CHAT_API_URL, chatAppId: process.env.ETHORA_CHAT_APP_ID, chatAppSecret: process.env.ETHORA_CHAT_APP_SECRET }
  const chat = new sdk.EthoraSDKService(config)
  const token = chat.createChatUserJwtToken('cross-user')
  const claims = sdk.verifyJwtToken(token, config, 'client')
  await chat.createChatRoom('cross-room', { title: 'Cross-platform room' })
  await chat.createUser('cross-user', { firstName: 'Ada', lastName: 'Lovelace' })
  await chat.grantUserAccessToChatRoom('cross-room', 'cross-user')
  const members = await chat.getUsers({ chatName: chat.createChatName('cross-room', false) })
  let refused
  try { await chat.createUser('') } catch (error) { refused = error instanceof sdk.EthoraError && error.code }
  done({
    ok: true,
    platform: process.platform,
    arch: process.arch,
    node: process.version,
    build: typeof sdk.EthoraSDKService.prototype.free === 'function' ? 'wasm' : 'native',
    userId: claims.data.userId,
    members: members.results.map((user) => user.xmppUsername),
    refused,
  })
})().catch((error) => { done({ ok: false, error: String((error && error.stack) || error) }); process.exitCode = 1 })
`

function npm(args, cwd, env) {
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
}

/**
 * Spawns `argv` with stdout and stderr in files (Node under Wine cannot write to a pipe).
 * Standard input stays an open pipe: ethora-mock exits when its standard input closes.
 */
function spawnLogged(argv, { cwd, env, name }) {
  const out = path.join(cwd, `${name}.out`)
  const err = path.join(cwd, `${name}.err`)
  const fds = [openSync(out, 'w'), openSync(err, 'w')]
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['pipe', fds[0], fds[1]] })
  fds.forEach(closeSync)
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited, output: () => readFileSync(out, 'utf8'), errors: () => readFileSync(err, 'utf8') }
}

async function startEmulatedMock(emulator, mockBinary, dir, appId, appSecret) {
  const mock = spawnLogged(emulator.command(mockBinary, ['--host', '127.0.0.1', '--port', '0', '--app-id', appId, '--app-secret', appSecret]), {
    cwd: dir,
    env: { ...emulator.env, ETHORA_CHAT_APP_SECRET: '' },
    name: 'mock',
  })
  const deadline = Date.now() + 120_000
  for (;;) {
    const line = /^(http:\/\/127\.0\.0\.1:\d+)\s*$/m.exec(mock.output())?.[1]
    if (line) return { ...mock, url: line }
    if (mock.child.exitCode !== null || Date.now() > deadline) {
      mock.child.kill()
      throw new Error(`the mock did not start: ${mock.errors()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

function assertEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`)
}

async function checkPlatform(name, emulator, registry, work) {
  const target = targets[name]
  const dir = path.join(work, name)
  mkdirSync(dir)
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `cross-${name}`, version: '1.0.0', private: true }))
  const selection = [`--os=${target.platform}`, `--cpu=${target.arch}`]
  if (target.platform === 'linux') selection.push(`--libc=${target.abi === 'musl' ? 'musl' : 'glibc'}`)
  npm(['install', '--no-audit', '--no-fund', '--loglevel=error', ...selection, rootPackage.name], dir, registry.env)
  assertEqual(readdirSync(path.join(dir, 'node_modules', '@ethora-rs')).sort(), ['sdk-backend', `sdk-backend-${name}`], `${name}: packages npm installed`)

  const packageDir = path.join(dir, 'node_modules', '@ethora-rs', `sdk-backend-${name}`)
  const mockBinary = path.join(packageDir, target.platform === 'win32' ? 'ethora-mock.exe' : 'ethora-mock')
  const appId = `cross-${name}`
  const appSecret = `secret-${Math.random().toString(36).slice(2)}`
  const mock = await startEmulatedMock(emulator, mockBinary, dir, appId, appSecret)
  try {
    writeFileSync(path.join(dir, 'client.cjs'), CLIENT)
    const started = Date.now()
    const client = spawnLogged(emulator.command(emulator.node, ['client.cjs']), {
      cwd: dir,
      env: { ...emulator.env, ETHORA_SDK_BUILD: 'native', ETHORA_CHAT_API_URL: mock.url, ETHORA_CHAT_APP_ID: appId, ETHORA_CHAT_APP_SECRET: appSecret },
      name: 'client',
    })
    const timer = setTimeout(() => client.child.kill(), 300_000)
    const { code } = await client.exited
    clearTimeout(timer)
    const resultFile = path.join(dir, 'result.json')
    if (!existsSync(resultFile)) throw new Error(`${name}: the client wrote no result (exit ${code}): ${client.errors()}`)
    const result = JSON.parse(readFileSync(resultFile, 'utf8'))
    if (!result.ok) throw new Error(`${name}: ${result.error}\n${client.errors()}`)
    assertEqual([result.platform, result.arch], [target.platform, target.arch], `${name}: the Node that ran`)
    assertEqual(result.build, 'native', `${name}: build`)
    assertEqual(result.userId, 'cross-user', `${name}: client token`)
    assertEqual(result.members, [`${appId}_cross-user`], `${name}: room members`)
    assertEqual(result.refused, 'ETHORA_VALIDATION', `${name}: validation`)
    const state = await (await fetch(`${mock.url}/__mock/state`)).json()
    const stored = JSON.stringify(state)
    if (!stored.includes('cross-room') || !stored.includes('cross-user')) throw new Error(`${name}: the mock holds no room or user: ${stored.slice(0, 500)}`)
    return { name, how: emulator.how, node: result.node, seconds: Math.round((Date.now() - started) / 1000) }
  } finally {
    mock.child.kill()
    await mock.exited
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'ethora-cross-'))
const registry = await startRegistry(path.join(work, 'registry'))
let failures = 0
const rows = []
try {
  for (const row of release.platforms) npm(['publish', '--access', 'public', '--loglevel=error', path.join(releaseDir, row.tarball)], work, registry.env)
  npm(['publish', '--access', 'public', '--loglevel=error', path.join(releaseDir, release.main)], work, registry.env)
  const emulators = emulatedPlatforms(ensureCrossToolchain())
  const built = new Set(release.platforms.map((row) => row.target))
  for (const [name, emulator] of Object.entries(emulators)) {
    if (!built.has(name)) {
      console.log(`${name}: not in this release, skipped`)
      continue
    }
    try {
      const row = await checkPlatform(name, emulator, registry, work)
      rows.push(row)
      console.log(`ok ${name}: installed from the registry, addon loaded, token minted and verified, calls made against its own mock (${row.how}, ${row.seconds} s)`)
    } catch (error) {
      failures++
      console.error(`FAILED ${name}: ${error.message}`)
    }
  }
} finally {
  await registry.close()
  try {
    execFileSync('wineserver', ['-k'], { env: { ...process.env, WINEPREFIX: path.join(toolCache, 'wine-prefix') }, stdio: 'ignore' })
  } catch {
    // no Wine, or no server running
  }
  if (failures === 0) rmSync(work, { recursive: true, force: true })
}
console.log(`\ncross-platform check: ${rows.length} of ${rows.length + failures} emulated platforms ran the SDK`)
if (failures > 0) {
  console.error(`work folder kept for inspection: ${work}`)
  process.exit(1)
}
