// The `ethora` command line (bin/ethora.cjs, built from cli/ethora.js) against the mock, run
// as users run it: a child process configured by ETHORA_CHAT_* variables. Checks what it
// printed, its exit codes, the files it wrote, and what the mock received and holds.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

import { runNode } from './helpers/child.mjs'
import { sdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'bin', 'ethora.cjs')

let mock
let work
before(async () => {
  mock = await startMockServer()
  work = mkdtempSync(join(tmpdir(), 'ethora-cli-'))
})
after(async () => {
  await mock.close()
  rmSync(work, { recursive: true, force: true })
})

function envFor(config = mock.config) {
  const env = { ...process.env, ETHORA_CHAT_API_URL: config.chatApiUrl, ETHORA_CHAT_APP_ID: config.chatAppId, ETHORA_CHAT_APP_SECRET: config.chatAppSecret }
  delete env.ETHORA_SDK_BUILD
  return env
}

const ethora = (args, options = {}) => runNode([cli, ...args], { env: envFor(), cwd: work, ...options })

/** A CSV of `count` users with a bad row every `badEvery` rows (missing uuid or bad email). */
function writeCsv(name, count, prefix, badEvery = 0) {
  const lines = ['uuid,email,firstName,lastName,password']
  const bad = new Map()
  for (let i = 0; i < count; i++) {
    const line = i + 2
    if (badEvery && i % badEvery === badEvery - 1) {
      const missingUuid = bad.size % 2 === 0
      lines.push(missingUuid ? `,${prefix}-${i}@example.com,Ada,Lovelace,` : `${prefix}-${i},not-an-address,Ada,Lovelace,`)
      bad.set(line, missingUuid ? 'uuid is missing' : 'email is not a valid address')
    } else {
      lines.push(`${prefix}-${i},${prefix}-${i}@example.com,Ada,"Lovelace, Countess",`)
    }
  }
  const file = join(work, name)
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { file, bad }
}

test('--help is what the README shows', async () => {
  const { code, stdout } = await ethora(['--help'])
  assert.equal(code, 0)
  assert.match(stdout, /^Usage: ethora <command> \[options\]/)
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  assert.ok(readme.includes(`\`\`\`text\n${stdout}\`\`\``), 'the README holds the exact --help output in a ```text block')
  for (const code of ['0', '1', '2', '3', '130']) assert.match(stdout, new RegExp(`\\n  ${code} +\\S`))
})

test('usage errors exit 2 and say what is wrong', async () => {
  const unknown = await ethora(['deploy'])
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown command "deploy"/)
  const missing = await ethora(['import-users', 'no-such-file.csv'])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /cannot read no-such-file\.csv: ENOENT/)
  const option = await ethora(['token', 'u1', '--expires', '5'])
  assert.equal(option.code, 2)
  assert.match(option.stderr, /Unknown option '--expires'/)
})

test('import-users --dry-run checks the file and sends nothing', async () => {
  await mock.reset()
  const { file } = writeCsv('dry.csv', 250, 'dry', 100)
  const { code, stdout } = await ethora(['import-users', file, '--dry-run', '--batch-size', '50'])
  assert.equal(code, 3)
  assert.match(stdout, /Dry run of .*dry\.csv: 250 rows\./)
  assert.match(stdout, new RegExp(`Would send 5 batch\\(es\\) to POST /v2/apps/${mock.appId}/users/batch:`))
  assert.match(stdout, /batch 1: 50 users, lines 2-51/)
  assert.match(stdout, /2 row\(s\) would not be sent:\n  line 101: uuid is missing\n  line 201: email is not a valid address/)
  assert.deepEqual(await mock.requests(), [])
})

test('import-users: interrupted with Ctrl-C, then resumed; no batch is sent twice', async () => {
  await mock.reset()
  const { file, bad } = writeCsv('big.csv', 5000, 'big', 500)
  const state = join(work, 'big.state.json')
  const report = join(work, 'big.failed.csv')
  const args = [cli, 'import-users', file, '--resume', state, '--report', report, '--concurrency', '2', '--poll-interval-ms', '20']

  // First run: Ctrl-C (SIGINT) once the first batches are done.
  const child = spawn(process.execPath, args, { cwd: work, env: envFor(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  const interrupted = new Promise((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (stderr.includes('progress:') && !child.signalled) {
        child.signalled = true
        child.kill('SIGINT')
      }
    })
    child.once('close', resolve)
  })
  const firstCode = await interrupted
  assert.equal(firstCode, 130, stderr + stdout)
  assert.match(stderr, /Stopping after the batches in flight/)
  assert.match(stderr, /The import was interrupted\. \d+ batch\(es\) finished in this run, \d+ row\(s\) left\./)
  assert.ok(stderr.includes(`Continue with: ethora import-users ${file} --resume ${state}`))
  const saved = JSON.parse(readFileSync(state, 'utf8'))
  const heldAfterFirst = (await mock.state()).apps[mock.appId].users.length
  assert.ok(saved.done.length > 0 && saved.done.length < 5000 - bad.size, `${saved.done.length} rows done`)
  assert.equal(heldAfterFirst, saved.done.length, 'every batch that was sent finished and is in the state file')

  // Second run: the rest.
  const second = await runNode(args.slice(0), { env: envFor(), cwd: work })
  assert.equal(second.code, 3, second.stderr)
  assert.match(second.stdout, new RegExp(`created ${5000 - bad.size - saved.done.length}, existed 0, failed ${bad.size}`))

  // The mock's log: every user in exactly one batch across both runs.
  const posts = (await mock.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/users/batch'))
  const sent = posts.flatMap((p) => p.body.usersList.map((u) => u.uuid))
  assert.equal(sent.length, 5000 - bad.size)
  assert.equal(new Set(sent).size, sent.length, 'no user (and so no batch) was sent twice')
  assert.equal((await mock.state()).apps[mock.appId].users.length, 5000 - bad.size)
  // Quoted CSV fields arrive as one value.
  assert.equal(posts[0].body.usersList[0].lastName, 'Lovelace, Countess')
  assert.ok(!('password' in posts[0].body.usersList[0]), 'an empty cell is left out')

  // The report: the bad rows with their line numbers.
  const lines = readFileSync(report, 'utf8').trim().split('\n')
  assert.equal(lines[0], 'line,uuid,reason')
  assert.deepEqual(lines.slice(1), [...bad].map(([line, reason]) => `${line},${reason === 'uuid is missing' ? '' : `big-${line - 2}`},${reason}`))

  // A third run has nothing left to send.
  await mock.clearRequests()
  const third = await runNode(args, { env: envFor(), cwd: work })
  assert.equal(third.code, 3)
  assert.match(third.stdout, /created 0, existed 0, failed 10/)
  assert.equal((await mock.requests()).length, 0)
})

test('import-users of JSON Lines reports unreadable lines and goes on; the default state file is removed', async () => {
  await mock.reset()
  const file = join(work, 'users.jsonl')
  writeFileSync(file, [
    JSON.stringify({ uuid: 'j1', email: 'j1@example.com', firstName: 'J', lastName: 'One' }),
    '{ not json',
    '',
    JSON.stringify({ uuid: 'j2', email: 'j2@example.com', firstName: 'J', lastName: 'Two' }),
    '[1, 2]',
  ].join('\n'))
  const { code, stdout, stderr } = await ethora(['import-users', file, '--poll-interval-ms', '1'])
  assert.equal(code, 3, stderr)
  assert.match(stdout, /created 2, existed 0, failed 2 \(rows in .*users\.jsonl\.failed\.csv\)/)
  assert.equal(readFileSync(`${file}.failed.csv`, 'utf8'), 'line,uuid,reason\n2,,line is not valid JSON\n5,,line is not a JSON object\n')
  assert.ok(!existsSync(`${file}.state.json`))
  assert.match(stderr, /progress: 2\/2 rows, 1 batches; created 2, existed 0, failed 0/)
})

test('token prints a client token, with --expires-in an expiring one', async () => {
  const plain = await ethora(['token', 'user-7'])
  assert.equal(plain.code, 0)
  const claims = sdk.verifyJwtToken(plain.stdout.trim(), mock.config, 'client')
  assert.deepEqual(claims.data, { type: 'client', userId: 'user-7', appId: mock.appId })
  assert.equal(claims.exp, undefined)
  const expiring = await ethora(['token', 'user-7', '--expires-in', '120'])
  const expiringClaims = sdk.verifyJwtToken(expiring.stdout.trim(), mock.config, 'client')
  assert.equal(expiringClaims.exp - expiringClaims.iat, 120)
  const invalid = await ethora(['token', 'user-7', '--expires-in', '0'])
  assert.equal(invalid.code, 1)
  assert.match(invalid.stderr, /options\.expiresIn/)
  assert.ok(!invalid.stderr.includes(mock.appSecret))
})

test('doctor: a good setup, a wrong secret, an unreachable API, no configuration', async () => {
  const good = await ethora(['doctor'])
  assert.equal(good.code, 0, good.stdout)
  assert.match(good.stdout, /API: an authenticated request \(GET \/v2\/chats\/users\?limit=1\) succeeded/)
  assert.match(good.stdout, /Clock: within \d+ s of the server's\./)
  assert.match(good.stdout, /Everything looks right\./)

  const wrong = await ethora(['doctor'], { env: envFor({ ...mock.config, chatAppSecret: 'wrong-secret-value' }) })
  assert.equal(wrong.code, 1)
  assert.match(wrong.stdout, /the server refused the credentials \(401\): check ETHORA_CHAT_APP_SECRET and ETHORA_CHAT_APP_ID/)
  assert.ok(!(wrong.stdout + wrong.stderr).includes('wrong-secret-value'))

  const down = await ethora(['doctor'], { env: envFor({ ...mock.config, chatApiUrl: 'http://127.0.0.1:9' }) })
  assert.equal(down.code, 1)
  assert.match(down.stdout, /API: could not reach http:\/\/127\.0\.0\.1:9/)
  assert.match(down.stdout, /Clock: could not read the server's Date header/)

  const env = envFor()
  delete env.ETHORA_CHAT_APP_SECRET
  const unconfigured = await ethora(['doctor'], { env })
  assert.equal(unconfigured.code, 1)
  assert.equal(unconfigured.stdout, 'Configuration: ETHORA_CHAT_APP_SECRET is not set (ETHORA_CONFIG).\n')
})

test('mock runs a local Ethora until Ctrl-C', async () => {
  const child = spawn(process.execPath, [cli, 'mock', '--app-id', 'cli-mock-app', '--app-secret', 'cli-mock-secret'], { cwd: work, env: envFor(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  const url = await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const found = /export ETHORA_CHAT_APP_SECRET=/.test(stdout) && /export ETHORA_CHAT_API_URL=(\S+)/.exec(stdout)
      if (found) resolve(found[1])
    })
    child.once('close', () => reject(new Error(`mock exited: ${stdout}`)))
  })
  assert.match(stdout, /export ETHORA_CHAT_APP_ID=cli-mock-app/)
  const chat = new sdk.EthoraSDKService({ chatApiUrl: url, chatAppId: 'cli-mock-app', chatAppSecret: 'cli-mock-secret' })
  assert.deepEqual((await chat.getUsers()).results, [])
  const closed = new Promise((resolve) => child.once('close', resolve))
  child.kill('SIGINT')
  assert.equal(await closed, 0)
})
