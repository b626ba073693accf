// The main package as it is published: what `npm pack` of this checkout holds, with the
// manifest a user's npm reads. Its optionalDependencies name every platform package of
// napi.targets at the package's version (so npm installs the one that fits the machine),
// as `napi prepublish` writes them; they are added here rather than kept in package.json
// because this checkout's own `npm ci` would need them in package-lock.json, which cannot
// hold packages before they are published. Development-only fields are left out.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTriple } from '@napi-rs/cli'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Packs the package folder `dir` into `destination` (no scripts run); returns the tarball's name. */
export function pack(dir, destination) {
  const output = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', destination], { cwd: dir, encoding: 'utf8' })
  return output.trim().split('\n').pop()
}

/** The published manifest for a package.json object of this checkout. */
export function publishedManifest(manifest) {
  const { devDependencies, overrides, scripts, ...published } = manifest
  published.optionalDependencies = Object.fromEntries(
    manifest.napi.targets.map(parseTriple).map((t) => [`${manifest.name}-${t.platformArchABI}`, manifest.version]),
  )
  return published
}

/** Packs this checkout and unpacks it into `dir` with the published manifest; returns `dir`. */
export function stageMainPackage(dir) {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'ethora-main-package-'))
  try {
    const tarball = pack(root, scratch)
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    execFileSync('tar', ['xzf', path.join(scratch, tarball), '--strip-components=1', '-C', dir])
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'))
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`)
  return dir
}
