// Reads what a built binary is, from its headers: ELF (machine, shared object or executable,
// interpreter, needed libraries, the newest GLIBC symbol version), Mach-O (CPU, file type,
// minimum macOS) or PE (machine, PE32+, DLL or executable, imported DLLs). The release
// (scripts/release-pack.mjs) checks every file of every platform package with it.
import { readFileSync } from 'node:fs'

const ELF_MACHINES = { 0x3e: 'x86-64', 0xb7: 'aarch64' }
const MACHO_CPUS = { 0x01000007: 'x86-64', 0x0100000c: 'arm64' }
const PE_MACHINES = { 0x8664: 'x86-64', 0xaa64: 'arm64' }

function cString(buffer, offset) {
  const end = buffer.indexOf(0, offset)
  return buffer.toString('latin1', offset, end < 0 ? buffer.length : end)
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

function readElf(b) {
  if (b[4] !== 2 || b[5] !== 1) throw new Error('not a 64-bit little-endian ELF file')
  const type = b.readUInt16LE(0x10)
  const machine = ELF_MACHINES[b.readUInt16LE(0x12)] ?? `machine 0x${b.readUInt16LE(0x12).toString(16)}`
  const phoff = Number(b.readBigUInt64LE(0x20))
  const phentsize = b.readUInt16LE(0x36)
  const phnum = b.readUInt16LE(0x38)
  const segments = []
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize
    segments.push({
      type: b.readUInt32LE(at),
      offset: Number(b.readBigUInt64LE(at + 8)),
      vaddr: Number(b.readBigUInt64LE(at + 0x10)),
      filesz: Number(b.readBigUInt64LE(at + 0x20)),
    })
  }
  const fileOffset = (vaddr) => {
    const load = segments.find((s) => s.type === 1 && vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz)
    if (!load) throw new Error(`address 0x${vaddr.toString(16)} is in no loaded segment`)
    return vaddr - load.vaddr + load.offset
  }
  const interpSegment = segments.find((s) => s.type === 3)
  const interpreter = interpSegment ? cString(b, interpSegment.offset) : null
  const needed = []
  const symbolVersions = []
  let flags1 = 0
  const dynamic = segments.find((s) => s.type === 2)
  if (dynamic) {
    const tags = []
    for (let at = dynamic.offset; at < dynamic.offset + dynamic.filesz; at += 16) {
      const tag = Number(b.readBigInt64LE(at))
      if (tag === 0) break
      tags.push([tag, Number(b.readBigUInt64LE(at + 8))])
    }
    const value = (tag) => tags.find(([t]) => t === tag)?.[1]
    flags1 = value(0x6ffffffb) ?? 0 // DT_FLAGS_1
    const strtab = fileOffset(value(5))
    for (const [tag, val] of tags) if (tag === 1) needed.push(cString(b, strtab + val))
    const verneed = value(0x6ffffffe)
    let count = value(0x6fffffff) ?? 0
    if (verneed !== undefined) {
      let entry = fileOffset(verneed)
      while (count-- > 0) {
        const auxCount = b.readUInt16LE(entry + 2)
        let aux = entry + b.readUInt32LE(entry + 8)
        for (let i = 0; i < auxCount; i++) {
          symbolVersions.push(cString(b, strtab + b.readUInt32LE(aux + 8)))
          aux += b.readUInt32LE(aux + 12)
        }
        entry += b.readUInt32LE(entry + 12)
      }
    }
  }
  const glibc = symbolVersions.filter((v) => v.startsWith('GLIBC_') && /^GLIBC_[\d.]+$/.test(v)).map((v) => v.slice(6))
  glibc.sort(compareVersions)
  let libc = 'none (static)'
  if (glibc.length > 0 || needed.includes('libc.so.6')) libc = 'glibc'
  else if (needed.some((n) => n.startsWith('libc.musl-') || n === 'libc.so') || (interpreter ?? '').includes('ld-musl')) libc = 'musl'
  return {
    format: 'ELF',
    machine,
    // ET_DYN is a shared object or a position-independent executable: an interpreter, or the
    // linker's DF_1_PIE flag (a static PIE has no interpreter), tells the executable.
    kind: type === 3 ? (interpreter ? 'executable (PIE)' : flags1 & 0x08000000 ? 'executable (static PIE)' : 'shared object') : type === 2 ? 'executable' : `type ${type}`,
    interpreter,
    needed,
    libc,
    newestGlibc: glibc.at(-1) ?? null,
  }
}

function readMachO(b) {
  const cpu = MACHO_CPUS[b.readUInt32LE(4)] ?? `cpu 0x${b.readUInt32LE(4).toString(16)}`
  const fileType = b.readUInt32LE(12)
  const ncmds = b.readUInt32LE(16)
  let at = 32
  let minimumMacos = null
  for (let i = 0; i < ncmds; i++) {
    const cmd = b.readUInt32LE(at)
    const size = b.readUInt32LE(at + 4)
    let encoded = null
    if (cmd === 0x32 && b.readUInt32LE(at + 8) === 1) encoded = b.readUInt32LE(at + 12) // LC_BUILD_VERSION, platform macOS
    if (cmd === 0x24) encoded = b.readUInt32LE(at + 8) // LC_VERSION_MIN_MACOSX
    if (encoded !== null) minimumMacos = `${encoded >>> 16}.${(encoded >> 8) & 0xff}${encoded & 0xff ? `.${encoded & 0xff}` : ''}`
    at += size
  }
  return { format: 'Mach-O', machine: cpu, kind: fileType === 6 ? 'dynamic library' : fileType === 2 ? 'executable' : `file type ${fileType}`, minimumMacos }
}

function readPe(b) {
  const pe = b.readUInt32LE(0x3c)
  if (b.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('MZ file without a PE header')
  const coff = pe + 4
  const machine = PE_MACHINES[b.readUInt16LE(coff)] ?? `machine 0x${b.readUInt16LE(coff).toString(16)}`
  const sectionCount = b.readUInt16LE(coff + 2)
  const optionalSize = b.readUInt16LE(coff + 16)
  const characteristics = b.readUInt16LE(coff + 18)
  const optional = coff + 20
  const magic = b.readUInt16LE(optional)
  const sections = []
  for (let i = 0; i < sectionCount; i++) {
    const at = optional + optionalSize + i * 40
    sections.push({ size: b.readUInt32LE(at + 8), rva: b.readUInt32LE(at + 12), raw: b.readUInt32LE(at + 20) })
  }
  const fileOffset = (rva) => {
    const section = sections.find((s) => rva >= s.rva && rva < s.rva + s.size)
    if (!section) throw new Error(`RVA 0x${rva.toString(16)} is in no section`)
    return rva - section.rva + section.raw
  }
  const imports = []
  if (magic === 0x20b) {
    const importRva = b.readUInt32LE(optional + 120)
    if (importRva) {
      for (let at = fileOffset(importRva); ; at += 20) {
        const nameRva = b.readUInt32LE(at + 12)
        if (nameRva === 0) break
        imports.push(cString(b, fileOffset(nameRva)))
      }
    }
  }
  return {
    format: magic === 0x20b ? 'PE32+' : magic === 0x10b ? 'PE32' : `PE magic 0x${magic.toString(16)}`,
    machine,
    kind: characteristics & 0x2000 ? 'DLL' : 'executable',
    imports,
  }
}

/** What the file at `file` is; throws for anything that is not ELF, Mach-O 64 or PE. */
export function readBinaryFormat(file) {
  const b = readFileSync(file)
  if (b.length < 64) throw new Error(`${file}: too short to be a binary`)
  if (b.readUInt32BE(0) === 0x7f454c46) return readElf(b)
  if (b.readUInt32LE(0) === 0xfeedfacf) return readMachO(b)
  if (b.toString('latin1', 0, 2) === 'MZ') return readPe(b)
  throw new Error(`${file}: neither ELF, 64-bit Mach-O nor PE`)
}

/**
 * What a platform package's files must be: `expected(target)` for a napi target description
 * ({ platform, arch, abi }) and the file's role ('addon' or 'mock'). Returns the problems found.
 */
export function checkBinary(info, target, role) {
  const problems = []
  const machine = target.arch === 'x64' ? 'x86-64' : target.arch === 'arm64' ? (target.platform === 'darwin' ? 'arm64' : 'aarch64') : target.arch
  if (info.machine !== machine) problems.push(`machine ${info.machine}, expected ${machine}`)
  if (target.platform === 'linux') {
    if (info.format !== 'ELF') problems.push(`format ${info.format}, expected ELF`)
    if (role === 'addon' && info.kind !== 'shared object') problems.push(`${info.kind}, expected a shared object`)
    if (role === 'mock' && !info.kind.startsWith('executable')) problems.push(`${info.kind}, expected an executable`)
    if (target.abi === 'musl') {
      if (info.libc === 'glibc') problems.push('links glibc, expected musl')
      if (role === 'addon' && info.libc !== 'musl') problems.push(`libc ${info.libc}: a musl addon must link the musl that Node loaded`)
    } else {
      if (info.libc !== 'glibc') problems.push(`libc ${info.libc}, expected glibc`)
      if (info.newestGlibc && compareVersions(info.newestGlibc, '2.28') > 0) problems.push(`needs GLIBC_${info.newestGlibc}, newer than Node's own 2.28`)
    }
  } else if (target.platform === 'darwin') {
    if (info.format !== 'Mach-O') problems.push(`format ${info.format}, expected Mach-O`)
    const wanted = target.arch === 'arm64' ? '11.0' : '10.13'
    if (info.minimumMacos !== wanted) problems.push(`minimum macOS ${info.minimumMacos}, expected ${wanted}`)
    if (role === 'addon' && info.kind !== 'dynamic library') problems.push(`${info.kind}, expected a dynamic library`)
  } else if (target.platform === 'win32') {
    if (info.format !== 'PE32+') problems.push(`format ${info.format}, expected PE32+`)
    if (role === 'addon' && info.kind !== 'DLL') problems.push(`${info.kind}, expected a DLL`)
    const host = info.imports.filter((dll) => /^(node\.exe|libnode\.dll)$/i.test(dll))
    if (host.length > 0) problems.push(`imports ${host.join(', ')}: N-API must resolve at load time`)
  }
  return problems
}

/** One line for the release table: `ELF aarch64 shared object, glibc (GLIBC_2.17)`. */
export function describeBinary(info) {
  if (info.format === 'ELF') return `ELF ${info.machine} ${info.kind}, ${info.libc}${info.newestGlibc ? ` (GLIBC_${info.newestGlibc})` : ''}`
  if (info.format === 'Mach-O') return `Mach-O ${info.machine} ${info.kind}, macOS >= ${info.minimumMacos}`
  return `${info.format} ${info.machine} ${info.kind}`
}
