// `npm run release:pack`: cuts a release. Builds every platform package in release mode on
// this Linux machine (cargo-zigbuild with zig as the linker), checks each file's format,
// architecture and libc / minimum OS, and leaves the tarballs to publish in dist/release/:
// one per platform package and the main package. A table of what was built is printed and
// written to dist/release/summary.json.
//
//   node scripts/release-pack.mjs [--only linux-arm64-gnu,win32-x64-gnu] [--out dist]
//
// Publish with `npm publish <tarball>` for each platform tarball first, the main one last.
import { execFileSync } from 'node:child_process'
import { copyFileSync, chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseTriple } from '@napi-rs/cli'
import { ensureCrossToolchain, ensureWasmToolchain } from './ensure-toolchain.mjs'
import { checkBinary, describeBinary, readBinaryFormat } from './binary-format.mjs'
import { pack, stageMainPackage } from './main-package.mjs'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const rootPackage = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const option = (name) => {
  const at = process.argv.indexOf(name)
  return at < 0 ? undefined : process.argv[at + 1]
}
const out = path.resolve(root, option('--out') ?? 'dist')
const only = option('--only')?.split(',')
const targets = rootPackage.napi.targets.map(parseTriple).filter((t) => !only || only.includes(t.platformArchABI))
if (targets.length === 0) throw new Error(`no napi target matches --only ${only}`)

// What each platform needs of the linker: glibc symbols no newer than Node's own 2.28, musl
// addons linked against the musl that loads Node (not a static copy), and the macOS versions
// Node itself supports.
const MACOS_DEPLOYMENT_TARGET = { 'darwin-arm64': '11.0', 'darwin-x64': '10.13' }
function cargoTarget(target) {
  return target.platform === 'linux' && target.abi === 'gnu' ? `${target.triple}.2.28` : target.triple
}
// Windows (GNU): napi's build script looks for libnode.dll and links `-lnode`, although with
// napi's dyn-symbols feature (Cargo.toml) the addon references no N-API symbol at link time:
// it resolves them from the running node.exe when it loads. An import library with no
// symbols satisfies the link, and the format check proves the DLL imports nothing from Node.
function windowsLinkStub(zigDir) {
  const dir = path.join(root, 'target', 'napi-windows-link-stub')
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, 'node.def'), 'LIBRARY node.exe\nEXPORTS\n')
  execFileSync(path.join(zigDir, 'zig'), ['dlltool', '-m', 'i386:x86-64', '-d', path.join(dir, 'node.def'), '-l', path.join(dir, 'libnode.a')])
  // napi-build checks that this file exists before it adds the folder to the search path.
  writeFileSync(path.join(dir, 'libnode.dll'), '')
  return dir
}
function buildEnv(target, zigDir) {
  const env = { ...process.env, PATH: `${zigDir}${path.delimiter}${process.env.PATH}`, CARGO_TERM_COLOR: 'never' }
  if (target.platform === 'win32') env.LIBNODE_PATH = windowsLinkStub(zigDir)
  const upper = target.triple.toUpperCase().replace(/-/g, '_')
  if (target.abi === 'musl') env[`CARGO_TARGET_${upper}_RUSTFLAGS`] = '-C target-feature=-crt-static'
  if (MACOS_DEPLOYMENT_TARGET[target.platformArchABI]) env.MACOSX_DEPLOYMENT_TARGET = MACOS_DEPLOYMENT_TARGET[target.platformArchABI]
  return env
}
function builtFiles(target) {
  const dir = path.join(root, 'target', target.triple, 'release')
  if (target.platform === 'win32') return { addon: path.join(dir, 'ethora_sdk_node.dll'), mock: path.join(dir, 'ethora-mock.exe') }
  const library = target.platform === 'darwin' ? 'libethora_sdk_node.dylib' : 'libethora_sdk_node.so'
  return { addon: path.join(dir, library), mock: path.join(dir, 'ethora-mock') }
}

ensureWasmToolchain()
const zigDir = ensureCrossToolchain()
// The main package carries the WebAssembly build (edge runtimes and the Node fallback).
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
// ... and the `ethora` command line.
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-cli.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
const releaseDir = path.join(out, 'release')
rmSync(releaseDir, { recursive: true, force: true })
mkdirSync(releaseDir, { recursive: true })

const summary = []
let failed = false
for (const target of targets) {
  const name = target.platformArchABI
  console.log(`\n== ${name}: cargo zigbuild --release --target ${cargoTarget(target)}`)
  const started = Date.now()
  execFileSync('cargo', ['zigbuild', '--release', '--target', cargoTarget(target), '-p', 'ethora-sdk-node', '-p', 'ethora-mock'], {
    cwd: root,
    env: buildEnv(target, zigDir),
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const seconds = (Date.now() - started) / 1000

  const stage = path.join(out, 'npm', name)
  rmSync(stage, { recursive: true, force: true })
  mkdirSync(stage, { recursive: true })
  const manifest = JSON.parse(readFileSync(path.join(root, 'npm', name, 'package.json'), 'utf8'))
  writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  copyFileSync(path.join(root, 'npm', name, 'README.md'), path.join(stage, 'README.md'))
  const built = builtFiles(target)
  const [addonName, mockName] = manifest.files
  const row = { target: name, triple: cargoTarget(target), buildSeconds: Math.round(seconds) }
  for (const [role, from, to] of [['addon', built.addon, addonName], ['mock', built.mock, mockName]]) {
    const file = path.join(stage, to)
    copyFileSync(from, file)
    chmodSync(file, 0o755)
    const info = readBinaryFormat(file)
    const problems = checkBinary(info, target, role)
    row[role] = { file: to, bytes: statSync(file).size, format: describeBinary(info), problems }
    console.log(`   ${to}: ${describeBinary(info)}, ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB${problems.length ? `  PROBLEMS: ${problems.join('; ')}` : ''}`)
    if (problems.length) failed = true
  }
  row.tarball = pack(stage, releaseDir)
  summary.push(row)
}

const mainTarball = pack(stageMainPackage(path.join(out, 'npm', 'main')), releaseDir)
writeFileSync(path.join(releaseDir, 'summary.json'), `${JSON.stringify({ version: rootPackage.version, main: mainTarball, platforms: summary }, null, 2)}\n`)

console.log('\n| platform | built in | addon | mock | format (addon) |')
console.log('|---|---|---|---|---|')
for (const row of summary) {
  const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  console.log(`| ${row.target} | ${row.buildSeconds} s | ${mib(row.addon.bytes)} | ${mib(row.mock.bytes)} | ${row.addon.format} |`)
}
console.log(`\nTarballs to publish (platform packages first): ${releaseDir}`)
if (failed) {
  console.error('\nA platform file has the wrong format: see PROBLEMS above.')
  process.exit(1)
}
