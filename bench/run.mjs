// `npm run bench`: every figure for us and for what users would otherwise pick, measured
// side by side in one run on this machine, printed as markdown and written to
// bench/RESULTS.md (ratios first, absolute numbers beside them); a full run also writes the
// headline ratios into README.md. bench/README.md says what each part measures.
//
//   node bench/run.mjs            full run (release builds; minutes)
//   node bench/run.mjs --smoke    every case with tiny counts, numbers not meaningful (npm test)
import { createRequire } from 'node:module'
import { execFileSync, spawnSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Bench } from 'tinybench'

const require = createRequire(import.meta.url)
const root = fileURLToPath(new URL('..', import.meta.url))
const smoke = process.argv.includes('--smoke')
const out = (line = '') => process.stdout.write(`${line}\n`)

// The reference logs through console unless NODE_ENV=production, and some lines even then:
// silence console so that its signing and HTTP are measured, not its logging.
process.env.NODE_ENV = 'production'
for (const level of ['log', 'info', 'debug', 'warn', 'error']) console[level] = () => {}

const SCALE = smoke
  ? { benchMs: 20, requests: 60, sequential: 20, memoryRequests: 200, bulkUsers: 300, importUsers: 300, coldRuns: 1, floorRounds: 2, floorRequests: 40, sustainedMs: 30, shortRequests: 40, criterion: ['--warm-up-time', '0.1', '--measurement-time', '0.2'] }
  : { benchMs: 2_000, requests: 6_000, sequential: 2_000, memoryRequests: 10_000, bulkUsers: 10_000, importUsers: 100_000, coldRuns: 7, floorRounds: 4, floorRequests: 1_500, sustainedMs: 1_000, shortRequests: 1_500, criterion: ['--warm-up-time', '2', '--measurement-time', '5'] }

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })

const { startMockServer } = require('../mock.js')
const ours = require('../index.js')
// The WebAssembly build as the package entry loads it where no native addon does.
const fallback = require('../edge/node.cjs')
const FALLBACK = 'ours, WebAssembly fallback'
const reference = require('@ethora/sdk-backend')
const jsonwebtoken = require('jsonwebtoken')
const { createSigner } = require('fast-jwt')
// The @node-rs/jsonwebtoken wrapper only loads its platform package; the registry mirror
// here lacks its other platforms, so the Linux build is loaded directly (same functions).
const nodeRsJwt = require('@node-rs/jsonwebtoken-linux-x64-gnu')
const undici = require('undici')

const mockBinary = smoke ? undefined : path.join(root, 'target', 'release', 'ethora-mock')
const mock = await startMockServer({ binary: mockBinary })
process.env.ETHORA_CHAT_API_URL = mock.url
process.env.ETHORA_CHAT_APP_ID = mock.appId
process.env.ETHORA_CHAT_APP_SECRET = mock.appSecret
const oursClient = new ours.EthoraSDKService(mock.config)
const referenceClient = new reference.EthoraSDKService()
const fallbackClient = new fallback.EthoraSDKService(mock.config)
const results = { minting: {}, throughput: {}, latency: {}, memory: {}, bulk: {}, import: {}, coldStart: {}, floor: {}, roundTrip: {}, workerd: {} }

// ----- token minting --------------------------------------------------------------------
async function tokenMinting() {
  const clientKey = crypto.createHmac('sha256', mock.appSecret).update('ethora:client:v1').digest('hex')
  const claims = (userId) => ({ data: { type: 'client', userId, appId: mock.appId } })
  const fastSign = createSigner({ key: clientKey, algorithm: 'HS256' })
  const nodeRsHeader = { algorithm: nodeRsJwt.Algorithm.HS256 }
  let counter = 0
  // Each measured iteration mints MINTS_PER_ITERATION tokens, so the harness's own timer
  // reads (two per iteration) do not dominate sub-microsecond calls; criterion batches its
  // iterations the same way. Every contender gets the same treatment.
  const MINTS_PER_ITERATION = 32
  const batch = (mint) => () => {
    for (let i = 0; i < MINTS_PER_ITERATION; i++) mint(`user-${counter++}`)
  }
  const bench = new Bench({ time: SCALE.benchMs, warmupTime: Math.min(500, SCALE.benchMs) })
  bench
    .add('ours', batch((id) => oursClient.createChatUserJwtToken(id)))
    .add(FALLBACK, batch((id) => fallbackClient.createChatUserJwtToken(id)))
    .add('@ethora/sdk-backend', batch((id) => referenceClient.createChatUserJwtToken(id)))
    .add('jsonwebtoken', batch((id) => jsonwebtoken.sign(claims(id), clientKey, { algorithm: 'HS256' })))
    .add('fast-jwt', batch((id) => fastSign(claims(id))))
    .add('@node-rs/jsonwebtoken', batch((id) => nodeRsJwt.signSync({ ...claims(id), iat: Math.floor(Date.now() / 1000) }, clientKey, nodeRsHeader)))
  await bench.run()
  for (const task of bench.tasks) {
    results.minting[task.name] = { opsPerSec: task.result.throughput.p50 * MINTS_PER_ITERATION, rme: task.result.throughput.rme }
  }
  // The limit: the Rust core minting in-process (criterion), measured in rounds that
  // alternate with `ours` so that the drift of a shared machine between the two (seen at
  // ±40% over a minute here) falls on both; the ratio is the median of the rounds' ratios.
  const cargoArgs = ['bench', '-p', 'ethora-core', '--bench', 'token_minting']
  if (smoke) cargoArgs.push('--profile', 'dev')
  const rustOpsPerSec = () => {
    execFileSync('cargo', [...cargoArgs, '--', ...SCALE.criterion, '--noplot'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
    const estimates = JSON.parse(fs.readFileSync(path.join(root, 'target', 'criterion', 'client_token', 'new', 'estimates.json'), 'utf8'))
    const ns = estimates.median.point_estimate
    const spread = (estimates.median.confidence_interval.upper_bound - estimates.median.confidence_interval.lower_bound) / 2 / ns
    return { opsPerSec: 1e9 / ns, rme: spread * 100 }
  }
  const rounds = []
  for (let round = 0; round < (smoke ? 1 : 3); round++) {
    const rust = rustOpsPerSec()
    const alone = new Bench({ time: SCALE.benchMs, warmupTime: Math.min(500, SCALE.benchMs) })
    alone.add('ours', batch((id) => oursClient.createChatUserJwtToken(id)))
    await alone.run()
    const oursOps = alone.tasks[0].result.throughput.p50 * MINTS_PER_ITERATION
    rounds.push({ rust, ours: oursOps, ratio: oursOps / rust.opsPerSec })
  }
  const middle = [...rounds].sort((x, y) => x.ratio - y.ratio)[Math.floor(rounds.length / 2)]
  results.minting['Rust core in-process (criterion)'] = middle.rust
  results.mintingLimit = { rounds, ratio: middle.ratio }
}

// ----- request throughput -----------------------------------------------------------------
const ROOM = 'bench-room'
const MEMBERS = Array.from({ length: 20 }, (_, i) => `bench-member-${i}`)

async function prepareMockData(client = oursClient) {
  await client.createChatRoom(ROOM)
  for (const member of MEMBERS) await client.createUser(member, { firstName: 'Bench', lastName: 'Member' })
}

/** The mix: createUser, grantUserAccessToChatRoom, getUsers, in turn. */
function mix(client, tag) {
  let i = 0
  const chatName = `${mock.appId}_${ROOM}`
  return () => {
    const n = i++
    switch (n % 3) {
      case 0: return client.createUser(`${tag}-${n}`, { firstName: 'Load', lastName: 'Tester' })
      case 1: return client.grantUserAccessToChatRoom(ROOM, MEMBERS[n % MEMBERS.length])
      default: return client.getUsers({ chatName, limit: 10 })
    }
  }
}

async function drive(call, total, concurrency) {
  let issued = 0
  const cpu = process.cpuUsage()
  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued < total) {
      issued++
      await call()
    }
  }))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const used = process.cpuUsage(cpu)
  return { rps: total / seconds, cpuMsPer1k: (used.user + used.system) / 1000 / (total / 1000) }
}

async function throughput() {
  for (const concurrency of [1, 16, 64]) {
    const row = {}
    for (const [name, client] of [['ours', oursClient], ['@ethora/sdk-backend', referenceClient]]) {
      const call = mix(client, `${name === 'ours' ? 'o' : 'r'}${concurrency}-${crypto.randomBytes(3).toString('hex')}`)
      await drive(call, Math.ceil(SCALE.requests / 10), concurrency) // warm-up
      const runs = []
      for (let r = 0; r < 3; r++) runs.push(await drive(call, SCALE.requests, concurrency))
      row[name] = { rps: median(runs.map((x) => x.rps)), cpuMsPer1k: median(runs.map((x) => x.cpuMsPer1k)), rpsRuns: runs.map((x) => x.rps) }
    }
    results.throughput[concurrency] = row
  }
}

async function latency() {
  const token = ours.createServerToken(mock.config)
  const dispatcher = new undici.Pool(mock.url, { connections: 1 })
  const chatName = `${mock.appId}_${ROOM}`
  const path_ = `/v2/chats/users?chatName=${encodeURIComponent(chatName)}&limit=10`
  const calls = {
    'undici (bare loopback floor)': async () => {
      const response = await dispatcher.request({ path: path_, method: 'GET', headers: { authorization: `Bearer ${token}`, 'x-custom-token': token, 'content-type': 'application/json' } })
      await response.body.json()
    },
    ours: () => oursClient.getUsers({ chatName, limit: 10 }),
    [FALLBACK]: () => fallbackClient.getUsers({ chatName, limit: 10 }),
    '@ethora/sdk-backend': () => referenceClient.getUsers({ chatName, limit: 10 }),
  }
  // Interleaved: every client runs a slice in each round, so that the drift of a shared
  // machine over the seconds of the measurement falls on all of them alike; the percentiles
  // are taken over the pooled samples of all rounds.
  const rounds = smoke ? 2 : 10
  const perRound = Math.ceil(SCALE.sequential / rounds)
  const samples = Object.fromEntries(Object.keys(calls).map((name) => [name, []]))
  for (const call of Object.values(calls)) {
    for (let i = 0; i < Math.ceil(SCALE.sequential / 5); i++) await call()
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < perRound; i++) {
        const started = process.hrtime.bigint()
        await call()
        samples[name].push(Number(process.hrtime.bigint() - started) / 1000)
      }
    }
  }
  for (const [name, taken] of Object.entries(samples)) {
    taken.sort((a, b) => a - b)
    results.latency[name] = { p50: median(taken), p90: taken[Math.floor(taken.length * 0.9)] }
  }
  await dispatcher.close()
}

// ----- against a bare undici.Pool, under sustained load ----------------------------------------
// What a user would otherwise pick for speed: Node's own HTTP client with a pooled connection
// (64 connections), sending the very request ours sends (read back from the mock's request
// log) with the same headers and a valid server token, and parsing the body with its own
// JSON.parse. Four kinds of request, because body size changes where the time goes. Each cell
// (kind, concurrency) first warms every contender for SCALE.sustainedMs, then runs rounds of a
// fixed count: as many requests as undici completed in 1.25 warm-up periods, so that every
// round lasts about a second (short rounds can hide JIT and garbage-collector work that
// settles only under sustained load: bench/README.md). Every contender runs one round in each
// pass, order rotated per pass, so that the drift of a shared machine falls on all alike;
// requests/s and CPU are the median of the rounds, the latency percentiles are over the pooled
// requests of all rounds. CPU is split per thread where Linux tells it. The rounds run against
// a mock of their own that holds only what they create, so that a listing's time is the
// clients' and not the filtering of the thousands of users the benchmarks before them created.
const FLOOR_USERS = 120
const BARE = 'undici.Pool (bare)'
const TRANSPORT_FLOOR = 'transport floor (our request, no SDK work)'
// The same calls when something hooked Node's HTTP stack (a test interceptor or an APM agent
// makes the addon relay them through it: `transport: 'node'` forces that here), and when a
// per-client hook watches every attempt.
const NODE_STACK = "ours, through Node's stack (hooked)"
const WATCHED = 'ours, watched (a response hook)'
const EMPTY_ROOM = 'bench-empty-room'
const CONCURRENCIES = [1, 16, 64]

async function floorKinds(server, client) {
  await prepareMockData(client)
  await client.createChatRoom(EMPTY_ROOM)
  for (const member of MEMBERS) await client.grantUserAccessToChatRoom(ROOM, member)
  for (let i = 0; i < FLOOR_USERS; i++) await client.createUser(`floor-user-${i}`, { firstName: 'Floor', lastName: 'User' })
  const kinds = {
    'getUsers (empty room)': { method: 'getUsers', args: () => [{ chatName: `${server.appId}_${EMPTY_ROOM}`, limit: 10 }] },
    'getUsers (room, 10 users)': { method: 'getUsers', args: () => [{ chatName: `${server.appId}_${ROOM}`, limit: 10 }] },
    'getUsers (100 users)': { method: 'getUsers', args: () => [{ limit: 100 }] },
    'createUser (POST)': { method: 'createUser', args: (n) => [`floor-${n}`, { firstName: 'Load', lastName: 'Tester' }], unique: 'floor-' },
  }
  for (const kind of Object.values(kinds)) kind.call = (caller, n) => caller[kind.method](...kind.args(n))
  // The wire request of each kind, as ours sent it, and how many items a listing answers.
  for (const kind of Object.values(kinds)) {
    const reply = await kind.call(client, 'probe')
    const [sent] = (await server.requests()).slice(-1)
    kind.wire = { method: sent.method, path: sent.query ? `${sent.path}?${sent.query}` : sent.path, body: sent.body }
    if (Array.isArray(reply.results)) kind.resultCount = reply.results.length
  }
  return kinds
}

// The request body of call `n` as JSON text: the wire body with a fresh name per POST, as
// ours gets (the mock refuses a repeated one).
function wireBody(wire, unique, n) {
  if (wire.body === undefined || wire.body === null) return undefined
  return JSON.stringify(unique ? JSON.parse(JSON.stringify(wire.body).replaceAll(`${unique}probe`, `${unique}${n}`)) : wire.body)
}

// The transport floor: our request of this kind, built once by the addon and sent again
// and again as built through the same transport and I/O thread (the trip there and back,
// hyper, the body read whole, JSON.parse of it here), with none of a call's own work:
// reading the arguments, building the request, checking the answer, adding `url`, retry
// bookkeeping. Floor / undici is the least this design can reach; ours / floor is what the
// SDK's own work adds.
function transportFloorCall(client, kind) {
  const binding = nativeBinding()
  const floorRequest = binding.__transportFloor(client, kind.method, ...kind.args('probe'))
  return (n) => binding.__transportFloorSend(floorRequest, wireBody(kind.wire, kind.unique, n))
}

function nativeBinding() {
  return require(path.join(root, fs.readdirSync(root).find((f) => /^ethora-sdk-backend\..+\.node$/.test(f))))
}

function bareCall(server, pool, wire, unique) {
  const token = ours.createServerToken(server.config)
  const headers = { authorization: `Bearer ${token}`, 'x-custom-token': token, 'content-type': 'application/json', accept: 'application/json, text/plain, */*' }
  return async (n) => {
    const body = wireBody(wire, unique, n)
    const response = await pool.request({ method: wire.method, path: wire.path, headers, body })
    const parsed = await response.body.json()
    if (response.statusCode >= 300) throw new Error(`undici ${wire.method} ${wire.path}: ${response.statusCode} ${JSON.stringify(parsed).slice(0, 200)}`)
    return parsed
  }
}

// CPU nanoseconds so far of this process's threads, by role: the JavaScript thread, the
// SDK's I/O thread, and every other (V8's compiler and garbage-collector helpers, libuv's
// pool). Linux only (/proc/self/task/*/schedstat); null elsewhere.
function threadCpuNs() {
  let tasks
  try {
    tasks = fs.readdirSync('/proc/self/task')
  } catch {
    return null
  }
  const ns = { js: 0, io: 0, other: 0 }
  for (const tid of tasks) {
    try {
      const spent = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])
      const role = Number(tid) === process.pid ? 'js' : fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').startsWith('ethora-sdk-io') ? 'io' : 'other'
      ns[role] += spent
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns
}

async function timedRun(call, total, concurrency, tag, samples) {
  let issued = 0
  const threads = threadCpuNs()
  const cpu = process.cpuUsage()
  const started = process.hrtime.bigint()
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (issued < total) {
      const n = `${tag}-${issued++}`
      const t0 = process.hrtime.bigint()
      await call(n)
      samples.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
  }))
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  const used = process.cpuUsage(cpu)
  const after = threadCpuNs()
  // A thread that ended during the round takes its time with it: a role's figure is at least 0,
  // and the roles need not add up to the process's CPU.
  const perThread = threads && after ? Object.fromEntries(Object.keys(threads).map((role) => [role, Math.max(0, after[role] - threads[role]) / 1000 / total])) : null
  return { rps: total / seconds, cpuUsPerRequest: (used.user + used.system) / total, perThread, seconds }
}

// Calls `call` at `concurrency` for `ms` milliseconds; how many completed.
async function runFor(call, ms, concurrency, tag) {
  let issued = 0
  let done = 0
  const until = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6))
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (process.hrtime.bigint() < until) {
      await call(`${tag}-${issued++}`)
      done++
    }
  }))
  return done
}

function cellOf(runs, samples) {
  const taken = samples.sort((a, b) => a - b)
  const perThread = runs[0].perThread && Object.fromEntries(Object.keys(runs[0].perThread).map((role) => [role, median(runs.map((r) => r.perThread[role]))]))
  return {
    rps: median(runs.map((r) => r.rps)),
    cpuUs: median(runs.map((r) => r.cpuUsPerRequest)),
    perThread,
    p50: median(taken),
    p99: taken[Math.min(taken.length - 1, Math.floor(taken.length * 0.99))],
    seconds: median(runs.map((r) => r.seconds)),
  }
}

async function floor() {
  const server = await startMockServer({ binary: mockBinary })
  const client = new ours.EthoraSDKService(server.config)
  const fallbackCaller = new fallback.EthoraSDKService(server.config)
  const relayed = new ours.EthoraSDKService({ ...server.config, transport: 'node' })
  const watched = new ours.EthoraSDKService(server.config).on('response', () => {})
  const kinds = await floorKinds(server, client)
  for (const [kindName, kind] of Object.entries(kinds)) {
    results.floor[kindName] = {}
    for (const concurrency of CONCURRENCIES) {
      const pool = new undici.Pool(server.url, { connections: 64 })
      const contenders = {
        ours: (n) => kind.call(client, n),
        [BARE]: bareCall(server, pool, kind.wire, kind.unique),
        [TRANSPORT_FLOOR]: transportFloorCall(client, kind),
        [FALLBACK]: (n) => kind.call(fallbackCaller, n),
        [NODE_STACK]: (n) => kind.call(relayed, n),
        [WATCHED]: (n) => kind.call(watched, n),
      }
      const names = Object.keys(contenders)
      const runs = Object.fromEntries(names.map((name) => [name, []]))
      const samples = Object.fromEntries(names.map((name) => [name, []]))
      let bareWarm = 0
      for (const name of names) {
        const done = await runFor(contenders[name], SCALE.sustainedMs, concurrency, `w${concurrency}${names.indexOf(name)}`)
        if (name === BARE) bareWarm = done
      }
      const perRound = Math.max(concurrency * 4, Math.ceil(bareWarm * 1.25))
      // At concurrency 64, ours and undici also run short rounds (as the bench ran before),
      // beside the long ones, to show how CPU per request moves with a round's length.
      const short = concurrency === 64 ? { ours: [], [BARE]: [] } : null
      for (let round = 0; round < SCALE.floorRounds; round++) {
        const order = names.map((_, i) => names[(i + round) % names.length])
        for (const name of order) {
          const tag = `r${round}c${concurrency}${names.indexOf(name)}${crypto.randomBytes(2).toString('hex')}`
          runs[name].push(await timedRun(contenders[name], perRound, concurrency, tag, samples[name]))
          if (short?.[name]) short[name].push(await timedRun(contenders[name], SCALE.shortRequests, concurrency, `s${tag}`, []))
        }
      }
      await pool.close()
      const row = { perRound }
      for (const name of names) row[name] = cellOf(runs[name], samples[name])
      if (short) row.short = Object.fromEntries(Object.entries(short).map(([name, taken]) => [name, cellOf(taken, [0])]))
      results.floor[kindName][concurrency] = row
    }
    if (kind.resultCount !== undefined) results.floor[kindName].resultCount = kind.resultCount
  }
  await server.close()
}

// The piece that cannot shrink at concurrency 1: every call of ours goes from the JavaScript
// thread to the SDK's I/O thread and back (the addon's floor probe does exactly that trip with
// no request), which a client that does its I/O on the JavaScript thread does not pay.
async function roundTrip() {
  const binding = nativeBinding()
  const trip = () => binding.__dispatchRoundTrip()
  const rounds = SCALE.floorRounds
  const perRound = Math.ceil(SCALE.floorRequests * 0.4)
  await timedRun(trip, perRound, 1, 'warm', [])
  const runs = []
  const samples = []
  for (let round = 0; round < rounds; round++) runs.push(await timedRun(trip, perRound, 1, `trip${round}`, samples))
  samples.sort((a, b) => a - b)
  results.roundTrip = { p50: median(samples), p99: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.99))], cpuUs: median(runs.map((r) => r.cpuUsPerRequest)) }
}

// ----- the edge build in workerd: per-call cost against a plain fetch ---------------------------
// A Worker (bundled like wrangler does, run by miniflare's workerd) times sequential getUsers
// calls through the edge build against fetch() sending the same request with the same headers
// and parsing the body, and against that fetch under a time limit as the SDK sets one, in
// alternating rounds; workerd's clock advances at each I/O, which every call does.
async function workerdOverhead() {
  const { bundleForWorkerd, consumerProject, fetchFromWorkerd } = await import('../__test__/edge/runtimes.mjs')
  const project = consumerProject({ 'worker.js': { path: path.join(root, 'bench', 'workerd-worker.js') } })
  try {
    const worker = await bundleForWorkerd(path.join(project.dir, 'worker.js'), project.dir)
    const chatName = `${mock.appId}_${ROOM}`
    await oursClient.getUsers({ chatName, limit: 10 })
    const [sent] = (await mock.requests()).slice(-1)
    const request = {
      method: 'POST',
      body: JSON.stringify({
        config: mock.config,
        params: { chatName, limit: 10 },
        url: `${mock.url}${sent.path}?${sent.query}`,
        // The User-Agent the core sends (crates/ethora-core: its package version) and its
        // default time limit.
        userAgent: `ethora-rs-sdk-backend/${fs.readFileSync(path.join(root, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1]}`,
        timeoutMs: 30_000,
        calls: smoke ? 10 : 100,
        rounds: smoke ? 2 : 30,
        inWorkerCalls: smoke ? 50 : 2_000,
        inWorkerRounds: smoke ? 2 : 6,
      }),
    }
    const response = await fetchFromWorkerd(worker, { request })
    if (response.status !== 200) throw new Error(`workerd bench: ${response.status} ${response.text.slice(0, 300)}`)
    results.workerd = JSON.parse(response.text)
  } finally {
    project.cleanup()
  }
}

// ----- bulk -------------------------------------------------------------------------------------
async function bulk() {
  const ids = Array.from({ length: SCALE.bulkUsers }, (_, i) => `bulk-${i}`)
  for (let i = 0; i < ids.length; i += 100) {
    const usersList = ids.slice(i, i + 100).map((uuid) => ({ uuid, email: `${uuid}@example.com`, firstName: 'Bulk', lastName: 'User' }))
    await oursClient.createUsersInApp(mock.appId, { usersList })
  }
  const chunks = []
  for (let i = 0; i < ids.length; i += 100) {
    chunks.push(ids.slice(i, i + 100).map((id) => ({ xmppUsername: `${mock.appId}_${id}`, firstName: `Renamed${i}` })))
  }
  let started = process.hrtime.bigint()
  await Promise.all(chunks.map((chunk) => oursClient.updateUsers(chunk)))
  results.bulk.ours = Number(process.hrtime.bigint() - started) / 1e6
  started = process.hrtime.bigint()
  for (const chunk of chunks) await referenceClient.updateUsers(chunk) // as its README advises
  results.bulk['@ethora/sdk-backend'] = Number(process.hrtime.bigint() - started) / 1e6
}

// ----- bulk import ------------------------------------------------------------------------------
// The same users into two fresh child apps of the mock: importUsers (default concurrency 4,
// job reads at once, then after 20 ms, doubling) against the official SDK used as its README
// advises: 100-user createUsersInApp batches one after another, each job read until it has
// completed, 20 ms apart.
const IMPORT_POLL_MS = 20
async function bulkImport() {
  const users = (prefix) =>
    Array.from({ length: SCALE.importUsers }, (_, i) => ({ uuid: `${prefix}-${i}`, email: `${prefix}-${i}@example.com`, firstName: 'Imported', lastName: 'User' }))
  const oursApp = (await oursClient.createApp({ displayName: 'Import (ours)' })).app._id
  const referenceApp = (await oursClient.createApp({ displayName: 'Import (reference)' })).app._id

  const oursUsers = users('ours')
  let started = process.hrtime.bigint()
  const report = await oursClient.importUsers(oursUsers, { appId: oursApp, pollIntervalMs: IMPORT_POLL_MS })
  results.import.ours = Number(process.hrtime.bigint() - started) / 1e6
  if (report.created !== SCALE.importUsers) throw new Error(`importUsers created ${report.created} users`)

  const referenceUsers = users('reference')
  started = process.hrtime.bigint()
  for (let i = 0; i < referenceUsers.length; i += 100) {
    const { jobId } = await referenceClient.createUsersInApp(referenceApp, { usersList: referenceUsers.slice(i, i + 100) })
    for (;;) {
      const job = await referenceClient.getUsersBatchJob(referenceApp, jobId)
      if (job.state === 'completed' || job.state === 'failed') break
      await new Promise((resolve) => setTimeout(resolve, IMPORT_POLL_MS))
    }
  }
  results.import['@ethora/sdk-backend'] = Number(process.hrtime.bigint() - started) / 1e6
  const held = (await mock.state()).apps
  if (held[referenceApp].users.length !== SCALE.importUsers || held[oursApp].users.length !== SCALE.importUsers) {
    throw new Error('an import did not create every user')
  }
}

// ----- memory and cold start (fresh processes) -------------------------------------------------
function child(script, args) {
  const run = spawnSync(process.execPath, [path.join(root, 'bench', script), ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
    timeout: 300_000,
  })
  if (run.status !== 0) throw new Error(`${script} ${args[0]} failed: ${run.stderr}`)
  return JSON.parse(run.stdout.trim().split('\n').pop())
}

function memoryAndColdStart() {
  for (const sdk of ['ours', 'reference', 'edge']) {
    if (sdk !== 'edge') results.memory[sdk] = child('memory-child.mjs', [sdk, String(SCALE.memoryRequests)])
    const runs = Array.from({ length: SCALE.coldRuns }, () => child('cold-start-child.mjs', [sdk]))
    results.coldStart[sdk] = { requireMs: median(runs.map((r) => r.requireMs)), firstCallMs: median(runs.map((r) => r.firstCallMs)), totalMs: median(runs.map((r) => r.totalMs)) }
  }
}

// ----- run and report -------------------------------------------------------------------------------
try {
  await prepareMockData()
  await tokenMinting()
  await throughput()
  await latency()
  await floor()
  await roundTrip()
  await workerdOverhead()
  await bulk()
  await bulkImport()
  memoryAndColdStart()
} finally {
  await mock.close()
}

const m = results.minting
const t64 = results.throughput[64]
const lat = results.latency
const ratios = [
  ['Token minting vs @ethora/sdk-backend', m.ours.opsPerSec / m['@ethora/sdk-backend'].opsPerSec, '≥ 100×', (r) => r >= 100],
  ['Token minting vs fast-jwt', m.ours.opsPerSec / m['fast-jwt'].opsPerSec, '≥ 2×', (r) => r >= 2],
  ['Token minting vs Rust core in-process (median of alternating rounds)', results.mintingLimit.ratio, '≥ 0.5× (within 2×)', (r) => r >= 0.5],
  ['Throughput at concurrency 64 vs reference', t64.ours.rps / t64['@ethora/sdk-backend'].rps, '≥ 3×', (r) => r >= 3],
  ['Client CPU per request at c=64 vs reference', t64.ours.cpuMsPer1k / t64['@ethora/sdk-backend'].cpuMsPer1k, '≤ 0.33×', (r) => r <= 1 / 3],
  ['Sequential latency (p50) vs bare undici (short interleaved rounds; sustained: the undici tables)', lat.ours.p50 / lat['undici (bare loopback floor)'].p50, '≤ 1.2×', (r) => r <= 1.2],
  ['RSS after 10k requests vs reference', results.memory.ours.rssAfterMb / results.memory.reference.rssAfterMb, '≤ 1×', (r) => r <= 1],
  ['Cold start (require + first call) vs reference', results.coldStart.ours.totalMs / results.coldStart.reference.totalMs, '≤ 1×', (r) => r <= 1],
  ['Cold start of the edge build (import incl. wasm instantiate + first call) vs reference', results.coldStart.edge.totalMs / results.coldStart.reference.totalMs, '≤ 1× (no target; for information)', (r) => r <= 1],
  ['Bulk update of users vs reference loop', results.bulk.ours / results.bulk['@ethora/sdk-backend'], '(faster is better)', (r) => r < 1],
  [`Importing ${fmt(SCALE.importUsers)} users: importUsers vs the reference's README loop (time)`, results.import.ours / results.import['@ethora/sdk-backend'], '(faster is better)', (r) => r < 1],
  ['Edge build in workerd: time per getUsers call vs a plain fetch of the same request (median of the paired rounds)', results.workerd.medianRatioToFetch.ours, '≤ 1.1×', (r) => r <= 1.1],
  ['Edge build in workerd: the same, as the ratio of the mean times', results.workerd.oursMsPerCall / results.workerd.fetchMsPerCall, '(for information)', null],
  ['Edge build in workerd: time per getUsers call vs that fetch under a time limit (as the SDK sets one; median of the paired rounds)', results.workerd.medianRatioOursToTimeLimited, '(no target; for information)', null],
  ['Edge build in workerd: time per getUsers call vs that fetch with the checks ours makes in JavaScript (what is left is the core in WebAssembly; median of the paired rounds)', results.workerd.medianRatioOursToChecked, '(no target; for information)', null],
  ['WebAssembly fallback: sequential latency (p50) vs the native addon', lat[FALLBACK].p50 / lat.ours.p50, '(no target; the cost of the fallback per call)', null],
  ['WebAssembly fallback: token minting vs the native addon', m[FALLBACK].opsPerSec / m.ours.opsPerSec, '(no target; the cost of the fallback per call)', null],
]

// Against the bare undici client: the issue-12 goals, per kind of request (figure,
// concurrency, field of a row, target), each kept with its row so that the transport floor's
// table splits the same cells.
const FLOOR_GOALS = [
  ['requests/s at c=16', 16, 'rps', '≥ 1.0×', (x) => x >= 1],
  ['requests/s at c=64', 64, 'rps', '≥ 1.0×', (x) => x >= 1],
  ['CPU per request at c=16', 16, 'cpuUs', '≤ 1.0×', (x) => x <= 1],
  ['CPU per request at c=64', 64, 'cpuUs', '≤ 1.0×', (x) => x <= 1],
  ['p50 latency at c=1', 1, 'p50', '≤ 1.05×', (x) => x <= 1.05],
  ['p99 latency at c=1', 1, 'p99', '≤ 1.05×', (x) => x <= 1.05],
  ['CPU per request at c=1', 1, 'cpuUs', '≤ 1.0×', (x) => x <= 1],
]
const floorRatios = Object.entries(results.floor).flatMap(([kindName, row]) =>
  FLOOR_GOALS.map(([name, c, field, target, ok]) => ({ kindName, name, target, ok, cells: row[c], field })))
const cellRatio = (cells, field, contender, baseline) => cells[contender][field] / cells[baseline][field]

// At concurrency 1 what separates ours from undici is set against the round trip to the I/O
// thread measured alone: a gap no larger than the trip is the hop itself, which only doing
// the I/O on the JavaScript thread would remove.
const floorLimits = Object.entries(results.floor).map(([kindName, row]) => {
  const bare = row[1][BARE]
  return { kindName, gapUs: row[1].ours.p50 - bare.p50, ratio: row[1].ours.p50 / bare.p50, bareUs: bare.p50 }
})

const FLOOR_CONTENDERS = ['ours', BARE, TRANSPORT_FLOOR, FALLBACK, NODE_STACK, WATCHED]
const threadSplitAvailable = Object.values(results.floor).every((row) => CONCURRENCIES.every((c) => FLOOR_CONTENDERS.every((name) => row[c][name].perThread !== null)))

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
const lines = []
const w = (line = '') => lines.push(line)
w('# Benchmark results')
w()
const measured = `${smoke ? '**Smoke run: tiny counts, numbers not meaningful.** ' : ''}Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` on ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; all figures from one run, side by side. Mock server: \`ethora-mock\` (${smoke ? 'debug' : 'release'} build) on loopback, in its own process. The reference runs with \`NODE_ENV=production\` and its console output silenced.`
w(measured)
w()
w('## Ratios')
w()
w('| Figure | Ratio | Target | Met |')
w('|---|---|---|---|')
for (const [name, ratio, target, ok] of ratios) w(`| ${name} | ${fmt(ratio, 2)}× | ${target} | ${ok === null ? '—' : ok(ratio) ? 'yes' : '**no**'} |`)
w()
w('## Ratios against a bare undici client')
w()
w(`Ours divided by a bare \`undici.Pool\` (64 connections) sending the same request with the same headers, under sustained load: after a warm-up of ${fmt(SCALE.sustainedMs)} ms per contender, ${SCALE.floorRounds} rounds per cell of as many requests as undici completed in 1.25 warm-ups (each round about a second; the counts and lengths are in the absolute table), contenders interleaved. CPU is this process's, all threads, per request.`)
w()
w('| Request | Figure | Ratio | Target | Met |')
w('|---|---|---|---|---|')
for (const { kindName, name, target, ok, cells, field } of floorRatios) {
  const ratio = cellRatio(cells, field, 'ours', BARE)
  w(`| ${kindName} | ${name} | ${fmt(ratio, 2)}× | ${target} | ${ok(ratio) ? 'yes' : '**no**'} |`)
}
w()
w('### CPU per request, thread by thread')
w()
w(threadSplitAvailable
  ? "Where each client's CPU goes, µs per request (median of the rounds): the JavaScript thread, the SDK's I/O thread (ours only), and every other thread of the process (V8's compiler and garbage-collector helpers, libuv's pool), from \`/proc/self/task/*/schedstat\`."
  : 'This platform does not report CPU per thread (Linux only).')
w()
if (threadSplitAvailable) {
  w('| Request | Concurrency | Client | JavaScript thread | I/O thread | other threads | process |')
  w('|---|---|---|---|---|---|---|')
  for (const [kindName, row] of Object.entries(results.floor)) {
    for (const c of CONCURRENCIES) {
      for (const name of ['ours', BARE, TRANSPORT_FLOOR]) {
        const r = row[c][name]
        w(`| ${kindName} | ${c} | ${name} | ${fmt(r.perThread.js, 1)} | ${fmt(r.perThread.io, 1)} | ${fmt(r.perThread.other, 1)} | ${fmt(r.cpuUs, 1)} |`)
      }
    }
  }
  w()
}
w('### Short rounds against sustained rounds (concurrency 64)')
w()
w(`The same cells in short rounds of ${fmt(SCALE.shortRequests)} requests, run beside the long ones: CPU µs per request of each client, and ours ÷ undici. In a short round the JIT and the garbage collector's helper threads may still be at work on what the round allocates and compiles; the table shows whether a client's cost per request moves with the round's length. Each short round runs right after the same client's long one.`)
w()
w(`| Request | ours, short | ours, sustained | undici, short | undici, sustained | ratio, short | ratio, sustained |`)
w('|---|---|---|---|---|---|---|')
for (const [kindName, row] of Object.entries(results.floor)) {
  const { short } = row[64]
  const long = row[64]
  w(`| ${kindName} | ${fmt(short.ours.cpuUs, 1)} | ${fmt(long.ours.cpuUs, 1)} | ${fmt(short[BARE].cpuUs, 1)} | ${fmt(long[BARE].cpuUs, 1)} | ${fmt(short.ours.cpuUs / short[BARE].cpuUs, 2)}× | ${fmt(long.ours.cpuUs / long[BARE].cpuUs, 2)}× |`)
}
w()
w('### What cannot shrink at concurrency 1')
w()
w(`Every call of ours crosses from the JavaScript thread to the SDK's I/O thread and back, two thread wake-ups that undici, doing its I/O on the JavaScript thread, does not make. That trip alone, with no request (the addon's floor probe, ${fmt(SCALE.floorRounds)} rounds, one at a time): p50 ${fmt(results.roundTrip.p50, 1)} µs, p99 ${fmt(results.roundTrip.p99, 1)} µs, ${fmt(results.roundTrip.cpuUs, 1)} µs of CPU. In a call part of it overlaps the server's work; where the p50 gap to undici is no larger than the trip, the gap is the hop:`)
w()
w('| Request | undici p50 µs | ours − undici, p50 µs | the trip alone, p50 µs | gap within the trip |')
w('|---|---|---|---|---|')
for (const f of floorLimits) w(`| ${f.kindName} | ${fmt(f.bareUs)} | ${fmt(f.gapUs, 1)} | ${fmt(results.roundTrip.p50, 1)} | ${f.gapUs <= results.roundTrip.p50 ? 'yes' : 'no'} |`)
w()
w('### Ours against the transport alone')
w()
w(`The transport floor sends our request of each kind, built once, again and again as built, through the same transport on the same I/O thread: the trip there and back, the token of the second, hyper, the body read whole, \`JSON.parse\` of it in JavaScript; none of a call's own work (reading the arguments, building the request, checking the answer, adding \`url\`, retry bookkeeping). Floor ÷ undici is the least this design (Rust I/O on its own thread) can reach against the target; ours ÷ floor is what the SDK's own work adds. Same rounds as the table above.`)
w()
w('| Request | Figure | Target (ours ÷ undici) | floor ÷ undici | ours ÷ floor |')
w('|---|---|---|---|---|')
for (const { kindName, name, target, cells, field } of floorRatios) {
  w(`| ${kindName} | ${name} | ${target} | ${fmt(cellRatio(cells, field, TRANSPORT_FLOOR, BARE), 2)}× | ${fmt(cellRatio(cells, field, 'ours', TRANSPORT_FLOOR), 2)}× |`)
}
w()
w("## Hooked and watched calls against the plain native path")
w()
w(`The same rounds: ours through Node's own stack, as when a test interceptor or an APM agent hooked it (\`transport: 'node'\` here; Node's \`fetch\`), and ours with a \`response\` hook on the client (each attempt reported to the JavaScript thread), each divided by ours with nothing hooked or watched.`)
w()
w('| Request | Concurrency | Caller | requests/s | CPU per request | p50 |')
w('|---|---|---|---|---|---|')
for (const [kindName, row] of Object.entries(results.floor)) {
  for (const c of CONCURRENCIES) {
    for (const name of [NODE_STACK, WATCHED]) {
      const r = row[c][name]
      const base = row[c].ours
      w(`| ${kindName} | ${c} | ${name} | ${fmt(r.rps / base.rps, 2)}× | ${fmt(r.cpuUs / base.cpuUs, 2)}× | ${fmt(r.p50 / base.p50, 2)}× |`)
    }
  }
}
w()
w('## Against a bare undici client: absolute figures')
w()
w('| Request | Concurrency | requests per round | Client | requests/s | seconds per round | CPU µs per request | p50 µs | p99 µs |')
w('|---|---|---|---|---|---|---|---|---|')
for (const [kindName, row] of Object.entries(results.floor)) {
  for (const c of CONCURRENCIES) {
    for (const name of FLOOR_CONTENDERS) {
      const r = row[c][name]
      w(`| ${kindName} | ${c} | ${fmt(row[c].perRound)} | ${name} | ${fmt(r.rps)} | ${fmt(r.seconds, 2)} | ${fmt(r.cpuUs, 1)} | ${fmt(r.p50)} | ${fmt(r.p99)} |`)
    }
  }
}
w()
w(Object.entries(results.floor).filter(([, row]) => row.resultCount !== undefined).map(([kindName, row]) => `"${kindName}" answers ${row.resultCount} users per call.`).join(' '))
w()
w('## The edge build in workerd (`getUsers` of a room, one call at a time)')
w()
w(`Inside a Worker run by workerd (miniflare): ${fmt(results.workerd.rounds)} rounds of ${fmt(results.workerd.calls)} calls per caller, each round in its own shuffled order; workerd's clock moves only at I/O, so these are mean times per call. The ratio is taken within each round and its median reported, so that the machine's drifts over the run and a slow round weigh less than in the means.`)
w()
w('| Caller | ms per call (mean) | ratio to fetch (median of rounds) |')
w('|---|---|---|')
w(`| ours, edge build | ${fmt(results.workerd.oursMsPerCall, 3)} | ${fmt(results.workerd.medianRatioToFetch.ours, 2)}× |`)
w(`| fetch() with the same request, \`response.json()\` | ${fmt(results.workerd.fetchMsPerCall, 3)} | 1× |`)
w(`| the same fetch() under a time limit (AbortController + setTimeout, cleared after the body) | ${fmt(results.workerd.fetchWithTimeLimitMsPerCall, 3)} | ${fmt(results.workerd.medianRatioToFetch.fetchWithTimeLimit, 2)}× |`)
w(`| the same, and the answer checked as ours checks it in JavaScript (bytes, strict UTF-8, \`JSON.parse\`, \`url\`) | ${fmt(results.workerd.fetchCheckedMsPerCall, 3)} | ${fmt(results.workerd.medianRatioToFetch.fetchChecked, 2)}× |`)
w(`| the same fetch() after a fixed JavaScript loop (20,000 integer steps) | ${fmt(results.workerd.fetchAfterFixedWorkMsPerCall, 3)} | ${fmt(results.workerd.medianRatioToFetch.fetchAfterFixedWork, 2)}× |`)
w()
w(`Each caller's own cost, with \`fetch\` answered inside the Worker (the same body, no network; median of ${fmt(results.workerd.inWorkerRounds)} rounds, ${fmt(results.workerd.inWorkerCalls)} calls each):`)
w()
w('| Caller | µs per call |')
w('|---|---|')
w(`| ours, edge build | ${fmt(results.workerd.inWorkerUsPerCall.ours, 1)} |`)
w(`| fetch() + \`response.json()\` | ${fmt(results.workerd.inWorkerUsPerCall.fetch, 1)} |`)
w(`| the same under a time limit | ${fmt(results.workerd.inWorkerUsPerCall.fetchWithTimeLimit, 1)} |`)
w(`| the same, the answer checked as ours checks it | ${fmt(results.workerd.inWorkerUsPerCall.fetchChecked, 1)} |`)
w(`| the same after the fixed loop | ${fmt(results.workerd.inWorkerUsPerCall.fetchAfterFixedWork, 1)} |`)
{
  const wd = results.workerd
  const loopWarmUs = wd.inWorkerUsPerCall.fetchAfterFixedWork - wd.inWorkerUsPerCall.fetch
  const loopLiveUs = (wd.fetchAfterFixedWorkMsPerCall - wd.fetchMsPerCall) * 1000
  const oursWarmUs = wd.inWorkerUsPerCall.ours - wd.inWorkerUsPerCall.fetch
  const oursLiveUs = (wd.oursMsPerCall - wd.fetchMsPerCall) * 1000
  w()
  w(`With the network in the loop, work on the call path costs more than in the warm loop: the fixed loop takes ${fmt(loopWarmUs, 1)} µs warm and adds ${fmt(loopLiveUs, 1)} µs per call with the network (${fmt(loopLiveUs / loopWarmUs, 1)}×); ours costs ${fmt(oursWarmUs, 1)} µs more than fetch warm and ${fmt(oursLiveUs, 1)} µs more with the network (${fmt(oursLiveUs / oursWarmUs, 1)}×).`)
}
w()
w('## Token minting (`createChatUserJwtToken`, one thread)')
w()
w('| Implementation | ops/s (median) | ± rme |')
w('|---|---|---|')
for (const [name, r] of Object.entries(m)) w(`| ${name} | ${fmt(r.opsPerSec)} | ${fmt(r.rme, 1)}% |`)
w()
w('All JavaScript contenders run in one tinybench suite, 32 tokens per measured iteration. Against the Rust core, in rounds that alternate a criterion run with a run of ours (the Rust row above is the middle round):')
w()
w('| Round | ours ops/s | Rust core ops/s | ratio |')
w('|---|---|---|---|')
results.mintingLimit.rounds.forEach((r, i) => w(`| ${i + 1} | ${fmt(r.ours)} | ${fmt(r.rust.opsPerSec)} | ${fmt(r.ratio, 2)}× |`))
w()
w('## Request throughput against the mock (mix of createUser / grantUserAccessToChatRoom / getUsers)')
w()
w('| Concurrency | SDK | requests/s (median of 3) | client CPU ms per 1,000 requests |')
w('|---|---|---|---|')
for (const [c, row] of Object.entries(results.throughput)) {
  for (const [name, r] of Object.entries(row)) w(`| ${c} | ${name} | ${fmt(r.rps)} | ${fmt(r.cpuMsPer1k, 1)} |`)
}
w()
w('## Sequential latency (`getUsers` of a room, one at a time)')
w()
w(`${smoke ? 2 : 10} interleaved rounds (each client takes its turn in every round), ${fmt(SCALE.sequential)} calls per client; percentiles over all of them.`)
w()
w('| Client | p50 µs | p90 µs |')
w('|---|---|---|')
for (const [name, r] of Object.entries(lat)) w(`| ${name} | ${fmt(r.p50)} | ${fmt(r.p90)} |`)
w()
w(`## Memory (RSS of a fresh Node process, ${fmt(SCALE.memoryRequests)} requests)`)
w()
w('| SDK | after loading MB | after the requests MB |')
w('|---|---|---|')
for (const [name, r] of Object.entries(results.memory)) w(`| ${name === 'ours' ? 'ours' : '@ethora/sdk-backend'} | ${fmt(r.rssLoadedMb, 1)} | ${fmt(r.rssAfterMb, 1)} |`)
w()
w(`## Bulk: updating ${fmt(SCALE.bulkUsers)} users in 100-user requests`)
w()
w('| SDK | how | ms |')
w('|---|---|---|')
w(`| ours | all chunks at once (the client bounds the connections) | ${fmt(results.bulk.ours)} |`)
w(`| @ethora/sdk-backend | one chunk after another, as its README advises | ${fmt(results.bulk['@ethora/sdk-backend'])} |`)
w()
w(`## Bulk import: ${fmt(SCALE.importUsers)} users into an empty app`)
w()
w('| SDK | how | seconds | users/s |')
w('|---|---|---|---|')
w(`| ours | \`importUsers(users)\`: 100-user batches, 4 in flight, each job read at once, then after ${IMPORT_POLL_MS} ms, doubling | ${fmt(results.import.ours / 1000, 1)} | ${fmt(SCALE.importUsers / (results.import.ours / 1000))} |`)
w(`| @ethora/sdk-backend | \`createUsersInApp\` per 100 users, one after another, \`getUsersBatchJob\` every ${IMPORT_POLL_MS} ms until completed | ${fmt(results.import['@ethora/sdk-backend'] / 1000, 1)} | ${fmt(SCALE.importUsers / (results.import['@ethora/sdk-backend'] / 1000))} |`)
w()
w('The mock completes a job on its third read, whatever the time: on a real server the job\'s own work adds to both.')
w()
w(`## Cold start (fresh process: \`require\`, construct, first call; median of ${SCALE.coldRuns})`)
w()
w('| SDK | require ms | first call ms | total ms |')
w('|---|---|---|---|')
const coldNames = { ours: 'ours (native addon)', reference: '@ethora/sdk-backend', edge: 'ours, edge build (`/edge` in Node: read, compile, instantiate the .wasm)' }
for (const [name, r] of Object.entries(results.coldStart)) w(`| ${coldNames[name]} | ${fmt(r.requireMs, 1)} | ${fmt(r.firstCallMs, 1)} | ${fmt(r.totalMs, 1)} |`)
w()
w(`The edge build's load time is its WebAssembly instantiate time (${fmt(results.coldStart.edge.requireMs, 1)} ms for the ${(fs.statSync(path.join(root, 'edge', 'pkg', 'ethora_wasm_bg.wasm')).size / 1024).toFixed(0)} KiB module); workerd and Vercel compile the module at deploy time, so there only instantiation remains.`)

const report = lines.join('\n') + '\n'
out(report)
const file = path.join(root, 'bench', smoke ? 'RESULTS.smoke.md' : 'RESULTS.md')
fs.writeFileSync(file, report)
out(`Written to ${path.relative(process.cwd(), file)}`)
// The README's Performance section: the headline ratios of the run, against the official SDK
// and a bare undici client (the full report stays in bench/RESULTS.md; bench/README.md says
// what each figure measures). Built in the smoke run too, so that a row that lost its figure
// fails `npm test`; written to the README only by a full run.
const HEADLINE_SDK = '@ethora/sdk-backend'
const HEADLINE_UNDICI = 'bare `undici.Pool`'
const ratioStarting = (prefix) => {
  const found = ratios.find(([name]) => name.startsWith(prefix))
  if (found === undefined) throw new Error(`bench: no ratio named "${prefix}..."`)
  return found
}
const headline = [
  [HEADLINE_SDK, 'Token minting (`createChatUserJwtToken`), tokens/s', ...ratioStarting('Token minting vs @ethora/sdk-backend').slice(1)],
  [HEADLINE_SDK, 'Requests/s at concurrency 64 (mix of createUser / grant / getUsers)', ...ratioStarting('Throughput at concurrency 64 vs reference').slice(1)],
  [HEADLINE_SDK, 'Client CPU per request at concurrency 64', ...ratioStarting('Client CPU per request at c=64 vs reference').slice(1)],
  [HEADLINE_SDK, `RSS after ${fmt(SCALE.memoryRequests)} requests`, ...ratioStarting('RSS after 10k requests vs reference').slice(1)],
  [HEADLINE_SDK, 'Cold start (`require`, construct, first call)', ...ratioStarting('Cold start (require + first call) vs reference').slice(1)],
  [HEADLINE_SDK, `Importing ${fmt(SCALE.importUsers)} users (time)`, ...ratioStarting('Importing ').slice(1)],
]
for (const kindName of Object.keys(results.floor)) {
  for (const figure of ['requests/s at c=16', 'requests/s at c=64', 'CPU per request at c=64', 'p50 latency at c=1']) {
    const goal = floorRatios.find((g) => g.kindName === kindName && g.name === figure)
    if (goal === undefined) throw new Error(`bench: no undici goal "${figure}" for ${kindName}`)
    headline.push([HEADLINE_UNDICI, `${kindName}: ${figure}`, cellRatio(goal.cells, goal.field, 'ours', BARE), goal.target, goal.ok])
  }
}
headline.push(
  ['a plain `fetch` in workerd', 'The edge build: time per `getUsers` call (median of paired rounds)', ...ratioStarting('Edge build in workerd: time per getUsers call vs a plain fetch').slice(1)],
  ['the native addon', 'The WebAssembly fallback: p50 latency, one call at a time', ...ratioStarting('WebAssembly fallback: sequential latency').slice(1)],
  ['the native addon', 'The WebAssembly fallback: token minting, tokens/s', ...ratioStarting('WebAssembly fallback: token minting').slice(1)],
)
const headlineLines = [
  measured,
  '',
  '| Compared with | Figure | Ours ÷ theirs | Target | Met |',
  '|---|---|---|---|---|',
  ...headline.map(([against, figure, ratio, target, ok]) => {
    if (!Number.isFinite(ratio)) throw new Error(`bench: the headline figure "${figure}" has no number`)
    return `| ${against} | ${figure} | ${fmt(ratio, 2)}× | ${target} | ${ok === null ? '—' : ok(ratio) ? 'yes' : '**no**'} |`
  }),
  '',
  'Rates (tokens/s, requests/s) are better above 1×; times, CPU and memory below 1×. Every table of this run: [bench/RESULTS.md](bench/RESULTS.md).',
]
const headlineText = headlineLines.join('\n')
if (smoke) {
  out('The README headline a full run would write:')
  out(headlineText)
} else {
  const readmePath = path.join(root, 'README.md')
  const readme = fs.readFileSync(readmePath, 'utf8')
  const markers = /<!-- bench-results:start -->[\s\S]*?<!-- bench-results:end -->/
  if (!markers.test(readme)) throw new Error('bench: README.md has no bench-results markers')
  fs.writeFileSync(readmePath, readme.replace(markers, () => `<!-- bench-results:start -->\n${headlineText}\n<!-- bench-results:end -->`))
  out('README.md Performance section updated')
}

// Every case must have produced a number.
const numbers = [
  ...Object.values(m).map((r) => r.opsPerSec),
  ...Object.values(results.throughput).flatMap((row) => Object.values(row).flatMap((r) => [r.rps, r.cpuMsPer1k])),
  ...Object.values(lat).flatMap((r) => [r.p50, r.p90]),
  ...Object.values(results.memory).flatMap((r) => [r.rssLoadedMb, r.rssAfterMb]),
  ...Object.values(results.bulk),
  ...Object.values(results.import),
  ...Object.values(results.coldStart).flatMap((r) => [r.requireMs, r.firstCallMs, r.totalMs]),
  ...Object.values(results.floor).flatMap((row) => CONCURRENCIES.flatMap((c) => FLOOR_CONTENDERS.flatMap((name) => [row[c][name].rps, row[c][name].cpuUs, row[c][name].p50, row[c][name].p99]))),
  ...Object.values(results.floor).flatMap((row) => Object.values(row[64].short).map((r) => r.cpuUs)),
  results.roundTrip.p50, results.roundTrip.p99, results.roundTrip.cpuUs,
  results.workerd.oursMsPerCall, results.workerd.fetchMsPerCall, results.workerd.fetchWithTimeLimitMsPerCall,
  results.workerd.fetchAfterFixedWorkMsPerCall, results.workerd.fetchCheckedMsPerCall,
  ...Object.values(results.workerd.medianRatioToFetch),
  results.workerd.medianRatioOursToTimeLimited, results.workerd.medianRatioOursToChecked,
]
// 42 figures before, 4 kinds x 3 concurrencies x 6 clients x 4 figures against undici and
// 4 kinds x 2 short-round CPU figures, the round trip's 3, workerd's 5 times, 5 own costs and
// 6 median ratios, and the bulk import's 2.
// The in-Worker costs are read off workerd's clock, which moves only at I/O: a short round
// (as in the smoke run on a loaded machine) can read 0, which is a reading, not a failure.
const clockBound = Object.values(results.workerd.inWorkerUsPerCall)
if (
  numbers.length + clockBound.length !== 42 + 4 * 3 * 6 * 4 + 4 * 2 + 3 + 16 + 2 ||
  !numbers.every((n) => Number.isFinite(n) && n > 0) ||
  !clockBound.every((n) => Number.isFinite(n) && n >= 0)
) {
  process.stderr.write(`bench: a case produced no number: ${JSON.stringify(results)}\n`)
  process.exit(1)
}
