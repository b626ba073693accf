// The platform packages npm installs through optionalDependencies: napi.targets, the npm/
// folders and optionalDependencies must name the same set, at the package's version, with
// the os/cpu/libc fields that let npm pick exactly one of them. And the package entry
// (sdk.js) must export every name the generated loader (index.js) exports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTriple } from '@napi-rs/cli'
import { publishedManifest } from '../scripts/main-package.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const rootPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const targets = rootPackage.napi.targets.map(parseTriple)
// What users' npm reads: the manifest as published (scripts/main-package.mjs).
const published = publishedManifest(rootPackage)
const folders = fs.readdirSync(path.join(root, 'npm')).filter((name) => fs.statSync(path.join(root, 'npm', name)).isDirectory())

test('napi.targets, npm/* and optionalDependencies name the same platforms', () => {
  const fromTargets = targets.map((t) => t.platformArchABI).sort()
  assert.deepEqual(folders.sort(), fromTargets, 'one npm/ folder per napi target')
  const optional = Object.keys(published.optionalDependencies ?? {}).sort()
  assert.deepEqual(optional, fromTargets.map((p) => `${rootPackage.name}-${p}`).sort(), 'one optional dependency per napi target')
  for (const [name, version] of Object.entries(published.optionalDependencies)) {
    assert.equal(version, rootPackage.version, `${name} is pinned at the package's version`)
  }
})

test('the published manifest keeps what users need and drops what only this checkout needs', () => {
  for (const field of ['name', 'version', 'main', 'types', 'exports', 'files', 'engines', 'license', 'napi']) {
    assert.deepEqual(published[field], rootPackage[field], field)
  }
  for (const field of ['devDependencies', 'overrides', 'scripts']) assert.equal(published[field], undefined, field)
  // This checkout's own package.json has none: npm ci would need them in the lock file.
  assert.equal(rootPackage.optionalDependencies, undefined)
})

test('the seven platforms users run are all prebuilt', () => {
  assert.deepEqual(targets.map((t) => t.platformArchABI).sort(), [
    'darwin-arm64',
    'darwin-x64',
    'linux-arm64-gnu',
    'linux-arm64-musl',
    'linux-x64-gnu',
    'linux-x64-musl',
    'win32-x64-gnu',
  ])
})

for (const target of targets) {
  test(`npm/${target.platformArchABI}/package.json lets npm pick it on ${target.triple} only`, () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'npm', target.platformArchABI, 'package.json'), 'utf8'))
    const addon = `${rootPackage.napi.binaryName}.${target.platformArchABI}.node`
    const mock = target.platform === 'win32' ? 'ethora-mock.exe' : 'ethora-mock'
    assert.equal(manifest.name, `${rootPackage.name}-${target.platformArchABI}`)
    assert.equal(manifest.version, rootPackage.version)
    assert.equal(manifest.main, addon)
    assert.deepEqual(manifest.files, [addon, mock])
    assert.deepEqual(manifest.os, [target.platform])
    assert.deepEqual(manifest.cpu, [target.arch])
    assert.deepEqual(manifest.engines, rootPackage.engines)
    assert.equal(manifest.license, rootPackage.license)
    if (target.platform === 'linux') {
      assert.deepEqual(manifest.libc, [target.abi === 'musl' ? 'musl' : 'glibc'])
    } else {
      // npm refuses a package with a libc field wherever it cannot read the libc (every
      // system but Linux), so a Windows or macOS package must not have one.
      assert.equal(manifest.libc, undefined)
    }
  })
}

test('the package entry exports every name of the generated loader', () => {
  const exported = (file) => [...fs.readFileSync(path.join(root, file), 'utf8').matchAll(/^module\.exports\.(\w+) =/gm)].map((m) => m[1]).sort()
  const loader = exported('index.js').filter((name) => name !== '__napiBindingTarget')
  assert.ok(loader.length >= 8)
  assert.deepEqual(exported('sdk.js'), loader)
})
