// Type parity of the two builds: the Node `index.d.ts` (napi-rs) and the edge build's
// declarations (wasm-bindgen + tsify, edge/pkg/ethora_wasm.d.ts) are generated from the same
// Rust sources; this compares every shared declaration member by member and fails on any
// difference. It also compiles a consumer of the `./edge` entry with `tsc --strict`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { root } from './edge/runtimes.mjs'

const nodeDts = readFileSync(join(root, 'index.d.ts'), 'utf8')
const edgeDts = readFileSync(join(root, 'edge', 'pkg', 'ethora_wasm.d.ts'), 'utf8')

/** Members of a `{ ... }` body or the text of a statement, normalised for comparison. */
function normalise(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/[^\n]*/g, '')
    .replace(/Array<([^<>]+)>/g, '$1[]')
    .replace(/\s+/g, ' ')
    .replace(/\s*([;,:(){}<>|?=[\]])\s*/g, '$1')
    .trim()
}

function splitMembers(body) {
  return normalise(body)
    .split(/[;\n]/)
    .map((member) => member.trim())
    .filter(Boolean)
}

/** Every top-level declaration: kind, name, and its members (interfaces and classes merged). */
function declarations(dts) {
  const found = new Map()
  const pattern = /^export (?:declare )?(interface|class|function|const|type) ([A-Za-z_$][\w$]*)/gm
  let match
  while ((match = pattern.exec(dts))) {
    const [, kind, name] = match
    let members
    if (kind === 'interface' || kind === 'class') {
      const open = dts.indexOf('{', match.index)
      let depth = 0
      let end = open
      for (; end < dts.length; end++) {
        if (dts[end] === '{') depth++
        else if (dts[end] === '}' && --depth === 0) break
      }
      const body = dts.slice(open + 1, end).replace(/\n/g, ';')
      members = splitMembers(body)
    } else {
      const rest = dts.slice(match.index + match[0].length)
      const stop = rest.search(/\n(?=export |\/\*\*|\n)/)
      members = [normalise(rest.slice(0, stop === -1 ? undefined : stop)).replace(/;$/, '')]
    }
    const key = `${kind === 'class' ? 'class' : kind} ${name}`
    const merged = found.get(key) ?? new Set()
    for (const member of members) merged.add(member)
    found.set(key, merged)
  }
  return found
}

// Members only the edge build has: the wasm-bindgen handle's early release, and the private
// constructor it declares for a class JavaScript cannot construct (napi-rs declares none;
// `new ListingIterator()` throws in both).
const EDGE_ONLY_MEMBERS = new Set(['free():void', 'private constructor()'])
// Node-only: napi-rs's loader marker (which binary was loaded), not part of the SDK's API.
const NODE_ONLY = new Set(['const __napiBindingTarget'])

test('every declaration of the Node build exists in the edge build with identical members', () => {
  const node = declarations(nodeDts)
  const edge = declarations(edgeDts)
  assert.ok(node.size > 40, `parsed ${node.size} Node declarations`)
  const differences = []
  for (const [key, members] of node) {
    if (NODE_ONLY.has(key)) continue
    const other = edge.get(key)
    if (!other) {
      differences.push(`${key}: missing from the edge build`)
      continue
    }
    const edgeMembers = [...other].filter((m) => !EDGE_ONLY_MEMBERS.has(m))
    const onlyNode = [...members].filter((m) => !other.has(m))
    const onlyEdge = edgeMembers.filter((m) => !members.has(m))
    if (onlyNode.length || onlyEdge.length) {
      differences.push(`${key}:\n  node only: ${onlyNode.join(' | ')}\n  edge only: ${onlyEdge.join(' | ')}`)
    }
  }
  assert.deepEqual(differences, [], differences.join('\n'))
})

test('the parity check sees the generated interfaces, the class and the functions', () => {
  const edge = declarations(edgeDts)
  const config = edge.get('interface EthoraSDKConfig')
  assert.ok(config.has('chatApiUrl?:string'), [...config].join(' | '))
  assert.ok(edge.get('interface UpdateUserData').has('__v?:number'))
  assert.ok(edge.get('interface CreateAppBroadcastRequest').has('chatNames?:string[]'))
  assert.ok(edge.get('class EthoraSDKService').has('createUser(userId:UUID,userData?:Partial<CreateUserData>):Promise<JobReply>'))
  assert.ok(edge.has('function verifyJwtToken'))
  assert.ok(edge.get('interface UsersPage').has('results:ListedUser[]'), [...edge.get('interface UsersPage')].join(' | '))
  // A changed member would be caught: the normaliser keeps optionality and types apart.
  assert.notEqual(normalise('a?: string'), normalise('a: string'))
  assert.notEqual(normalise('a: Array<string>'), normalise('a: number[]'))
})

test('a TypeScript consumer of `@ethora-rs/sdk-backend/edge` type-checks with --strict', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ethora-edge-types-'))
  try {
    writeFileSync(
      join(dir, 'consumer.ts'),
      `import * as edge from '${join(root, 'edge', 'index.js').replace(/\\/g, '/')}'
import type * as native from '${join(root, 'index.js').replace(/\\/g, '/')}'

const config: edge.EthoraSDKConfig = edge.configFromEnv({ ETHORA_CHAT_APP_ID: 'a' })
const service: edge.EthoraSDKService = new edge.EthoraSDKService(config)
const same: native.EthoraSDKConfig = config
const back: edge.EthoraSDKConfig = same
const user: Partial<edge.CreateUserData> = { firstName: 'A', profileImage: 'x' }
const pending: Promise<edge.ApiResponse> = service.createUser('u1', user)
const repository: edge.ChatRepository = service
const token: string = edge.createClientToken('u1', config)
const domain: string = edge.ETHORA_JID_DOMAIN
pending.catch((error: unknown) => {
  if (error instanceof edge.EthoraError) {
    const code: edge.EthoraErrorCode = error.code
    const status: number | undefined = error.status
    void code; void status
  }
})
// @ts-expect-error limit is a number
edge.getEthoraSDKService().getUsers({ limit: '10' })
// Results are typed on the edge build too, and are the Node build's types.
edge.getEthoraSDKService().getUsers().then((page) => {
  const xmpp: string | undefined = page.results[0].xmppUsername
  const asNode: native.UsersPage = page
  void xmpp; void asNode
})
edge.getEthoraSDKService().ensureChatRoomMembers('room', ['u1']).then(({ added }: { added: string[] }) => void added)
void back; void repository; void token; void domain
`,
    )
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          skipLibCheck: false,
          types: [],
        },
        files: ['consumer.ts'],
      }),
    )
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], {
      encoding: 'utf8',
      stdio: 'pipe',
    })
  } catch (error) {
    assert.fail(`tsc failed:\n${error.stdout ?? ''}${error.stderr ?? error.message}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
