// `npm run build:wasm`: the edge build. Compiles crates/ethora-wasm for wasm32 with the
// size-first `wasm-release` profile, generates the glue with wasm-bindgen (`--target web`:
// every runtime entry in edge/ hands it the module its own way), shrinks the module with
// binaryen's `wasm-opt -Oz`, and copies the shared error class beside the glue.
//
// Output: edge/pkg/{ethora_wasm.js, ethora_wasm.d.ts, ethora_wasm_bg.wasm, ethora-error.js}
// and edge/pkg/size.json (bytes, raw and gzip).
import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'edge', 'pkg')
const profile = 'wasm-release'
const built = join(root, 'target', 'wasm32-unknown-unknown', profile, 'ethora_wasm.wasm')

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
}

run('cargo', ['build', '-p', 'ethora-wasm', '--target', 'wasm32-unknown-unknown', '--profile', profile])
rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })
run('wasm-bindgen', ['--target', 'web', '--out-dir', out, built])

const wasm = join(out, 'ethora_wasm_bg.wasm')
const before = statSync(wasm).size
// The features rustc's wasm32 target emits by default; wasm-opt must accept them as they are.
const features = [
  '--enable-bulk-memory',
  '--enable-nontrapping-float-to-int',
  '--enable-sign-ext',
  '--enable-mutable-globals',
  '--enable-reference-types',
  '--enable-multivalue',
]
run(join(root, 'node_modules', '.bin', 'wasm-opt'), ['-Oz', ...features, wasm, '-o', wasm])
copyFileSync(join(root, 'js', 'ethora-error.js'), join(out, 'ethora-error.js'))
// wasm-bindgen declares `[Symbol.dispose]()` on classes, which only type-checks with the
// esnext.disposable lib; the method stays at run time where the runtime has the symbol.
const dts = join(out, 'ethora_wasm.d.ts')
writeFileSync(dts, readFileSync(dts, 'utf8').replace(/^ *\[Symbol\.dispose\]\(\): void;\n/gm, ''))
const bytes = readFileSync(wasm)
const size = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, beforeWasmOpt: before }
writeFileSync(join(out, 'size.json'), `${JSON.stringify(size, null, 2)}\n`)
console.log(
  `edge build: ${(size.raw / 1024).toFixed(1)} KiB wasm (${(size.gzip / 1024).toFixed(1)} KiB gzip; ${(before / 1024).toFixed(1)} KiB before wasm-opt)`,
)
