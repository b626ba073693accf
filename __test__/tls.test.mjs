// Trust and proxies, on loopback, for this SDK and for @ethora/sdk-backend side by side.
// Certificates are made with openssl in the test (helpers/tls.mjs). Each case runs in a fresh
// process, because Node reads NODE_EXTRA_CA_CERTS when it starts; the environment of every
// case is built from scratch (no proxy or CA variable leaks in from the machine).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runNode } from './helpers/child.mjs'
import { makeCertificates, startHttpsApi, startProxy } from './helpers/tls.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const SECRET = 'tls-test-app-secret'
const PROXY_PASSWORD = 'proxy-pass-4d1f'
const VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'all_proxy', 'no_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'ETHORA_SDK_BUILD']

let work
let certs
const apis = {}
let proxy

before(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ethora-tls-'))
  certs = makeCertificates(path.join(work, 'certs'))
  for (const [name, files] of Object.entries(certs.servers)) apis[name] = await startHttpsApi(files)
  proxy = await startProxy()
})
after(async () => {
  await Promise.all(Object.values(apis).map((api) => api.close()))
  await proxy?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const OURS = `
const fs = require('fs')
const util = require('util')
const { EthoraSDKService } = require(${JSON.stringify(path.join(root, 'sdk.js'))})
const extra = JSON.parse(process.env.CASE_CONFIG)
if (extra.caFile) { extra.ca = fs.readFileSync(extra.caFile, 'utf8'); delete extra.caFile }
const report = (result) => process.stdout.write(JSON.stringify(result) + '\\n')
const failure = (e) => ({ ok: false, code: e.code, tlsReason: e.tlsReason, retryable: e.retryable, attempts: e.attempts, message: e.message, seen: util.inspect(e) + e.stack + JSON.stringify(e) })
try {
  const chat = new EthoraSDKService({ chatApiUrl: process.env.API_URL, chatAppId: 'app', chatAppSecret: ${JSON.stringify(SECRET)}, timeoutMs: 5000, ...extra })
  chat.getUsers().then((reply) => report({ ok: true, total: reply.total }), (e) => report(failure(e)))
} catch (e) { report(failure(e)) }
`
const REFERENCE = `
const { getEthoraSDKService } = require('@ethora/sdk-backend')
const report = (result) => process.stdout.write(JSON.stringify(result) + '\\n')
getEthoraSDKService().getUsers().then(
  (reply) => report({ ok: true, total: reply.total }),
  (e) => report({ ok: false, code: e.code ?? e.cause?.code ?? null, message: String(e.message) }),
)
`

/** Runs one SDK's script against `api` with exactly `env` (plus what Node needs to run). */
async function runCase(sdk, api, { env = {}, config = {} } = {}) {
  const base = { ...process.env }
  for (const name of VARIABLES) delete base[name]
  const child = await runNode(['-e', sdk === 'ours' ? OURS : REFERENCE], {
    cwd: root,
    env: {
      ...base,
      NODE_ENV: 'production',
      API_URL: api.url,
      CASE_CONFIG: JSON.stringify(config),
      ETHORA_CHAT_API_URL: api.url,
      ETHORA_CHAT_APP_ID: 'app',
      ETHORA_CHAT_APP_SECRET: SECRET,
      ...env,
    },
  })
  const line = child.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop()
  assert.ok(line, `${sdk} printed no result: ${child.stderr}`)
  return { ...JSON.parse(line), stderr: child.stderr }
}

function assertRefused(result, reason) {
  assert.equal(result.ok, false, JSON.stringify(result))
  assert.equal(result.code, 'ETHORA_TLS', result.message)
  assert.equal(result.tlsReason, reason)
  assert.equal(result.retryable, false)
  assert.equal(result.attempts, 1, 'a refused certificate is not retried')
  assert.doesNotMatch(result.message, /connection failed/)
}

test('a private CA is trusted through NODE_EXTRA_CA_CERTS, as Node does for the reference', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa }
  assert.deepEqual((await runCase('ours', apis.good, { env })).ok, true)
  assert.equal((await runCase('reference', apis.good, { env })).ok, true)
})

test('a private CA is trusted through the `ca` option (PEM text); the reference has no such option', async () => {
  const ours = await runCase('ours', apis.good, { config: { caFile: certs.trustedCa } })
  assert.equal(ours.ok, true, ours.message)
  const listed = await runCase('ours', apis.good, { config: { ca: [fs.readFileSync(certs.trustedCa, 'utf8')] } })
  assert.equal(listed.ok, true, listed.message)
})

test('the system certificate store is trusted (on Linux, the file SSL_CERT_FILE names); Node, and so the reference, ignores it', async () => {
  const env = { SSL_CERT_FILE: certs.trustedCa }
  const ours = await runCase('ours', apis.good, { env })
  assert.equal(ours.ok, true, ours.message)
  assert.equal((await runCase('reference', apis.good, { env })).ok, false)
})

test('without the CA the certificate is refused as untrusted, by both', async () => {
  assertRefused(await runCase('ours', apis.good), 'CERT_UNTRUSTED')
  assert.equal((await runCase('reference', apis.good)).ok, false)
})

test('a certificate from another CA is refused as untrusted', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa }
  const ours = await runCase('ours', apis.untrusted, { env })
  assertRefused(ours, 'CERT_UNTRUSTED')
  assert.match(ours.message, /NODE_EXTRA_CA_CERTS or the `ca` option/)
  assert.equal((await runCase('reference', apis.untrusted, { env })).ok, false)
})

test('an expired certificate is refused as expired', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa }
  assertRefused(await runCase('ours', apis.expired, { env }), 'CERT_EXPIRED')
  const reference = await runCase('reference', apis.expired, { env })
  assert.equal(reference.ok, false)
})

test('a certificate for another host name is refused as a host name mismatch', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa }
  assertRefused(await runCase('ours', apis['other-host'], { env }), 'CERT_HOSTNAME_MISMATCH')
  assert.equal((await runCase('reference', apis['other-host'], { env })).ok, false)
})

test('a NODE_EXTRA_CA_CERTS file that cannot be read is an ETHORA_CONFIG error naming it (Node only warns)', async () => {
  const missing = path.join(work, 'no-such-ca.pem')
  const ours = await runCase('ours', apis.good, { env: { NODE_EXTRA_CA_CERTS: missing } })
  assert.equal(ours.code, 'ETHORA_CONFIG')
  assert.ok(ours.message.includes(missing), ours.message)
  const reference = await runCase('reference', apis.good, { env: { NODE_EXTRA_CA_CERTS: missing } })
  assert.equal(reference.ok, false)
  assert.match(reference.stderr, /Ignoring extra certs/)
})

test('a `ca` that is not PEM is an ETHORA_CONFIG error', async () => {
  const ours = await runCase('ours', apis.good, { config: { ca: 'not a certificate' } })
  assert.equal(ours.code, 'ETHORA_CONFIG')
  assert.match(ours.message, /`ca`/)
})

const proxyUrl = () => `http://ethora:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`

/** Runs `fn` and returns what the proxy saw meanwhile. */
async function through(fn) {
  const before = proxy.seen.length
  const result = await fn()
  return { result, seen: proxy.seen.slice(before) }
}

test('HTTPS_PROXY: an https:// API is reached through the proxy with CONNECT and the proxy credentials, as by the reference', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa, HTTPS_PROXY: proxyUrl() }
  const { result, seen } = await through(() => runCase('ours', apis.good, { env }))
  assert.equal(result.ok, true, result.message)
  assert.equal(seen.length, 1)
  assert.equal(seen[0].method, 'CONNECT')
  assert.equal(seen[0].target, new URL(apis.good.url).host)
  assert.equal(seen[0].proxyAuthorization, `Basic ${Buffer.from(`ethora:${PROXY_PASSWORD}`).toString('base64')}`)
  // The reference (axios) does the same: CONNECT, with the credentials from the URL.
  const reference = await through(() => runCase('reference', apis.good, { env }))
  assert.equal(reference.result.ok, true, reference.result.message)
  assert.deepEqual(reference.seen, seen.map((s) => ({ ...s, target: new URL(apis.good.url).host })))
})

test('https_proxy in lower case works the same', async () => {
  const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa, https_proxy: proxyUrl() }
  const { result, seen } = await through(() => runCase('ours', apis.good, { env }))
  assert.equal(result.ok, true, result.message)
  assert.deepEqual(seen.map((s) => s.method), ['CONNECT'])
})

test('NO_PROXY (either case) sends a listed host direct, for both', async () => {
  for (const noProxy of ['NO_PROXY', 'no_proxy']) {
    const env = { NODE_EXTRA_CA_CERTS: certs.trustedCa, HTTPS_PROXY: proxyUrl(), [noProxy]: '127.0.0.1' }
    const ours = await through(() => runCase('ours', apis.good, { env }))
    assert.equal(ours.result.ok, true, ours.result.message)
    assert.equal(ours.seen.length, 0, `${noProxy}: the proxy saw ${JSON.stringify(ours.seen)}`)
    const reference = await through(() => runCase('reference', apis.good, { env }))
    assert.equal(reference.result.ok, true, reference.result.message)
    assert.equal(reference.seen.length, 0)
  }
})

test('the `proxy` option sets the proxy, and `proxy: false` ignores the environment', async () => {
  const viaOption = await through(() => runCase('ours', apis.good, { env: { NODE_EXTRA_CA_CERTS: certs.trustedCa }, config: { proxy: proxyUrl() } }))
  assert.equal(viaOption.result.ok, true, viaOption.result.message)
  assert.deepEqual(viaOption.seen.map((s) => s.method), ['CONNECT'])
  const off = await through(() => runCase('ours', apis.good, { env: { NODE_EXTRA_CA_CERTS: certs.trustedCa, HTTPS_PROXY: proxyUrl() }, config: { proxy: false } }))
  assert.equal(off.result.ok, true, off.result.message)
  assert.equal(off.seen.length, 0)
})

test('proxy credentials never appear in errors or debug logs', async () => {
  // A proxy that does not answer (a closed port), with credentials in its URL, debug logging on.
  const closed = `http://ethora:${PROXY_PASSWORD}@127.0.0.1:1`
  for (const setup of [{ env: { HTTPS_PROXY: closed } }, { config: { proxy: closed } }]) {
    const result = await runCase('ours', apis.good, { env: setup.env, config: { ...setup.config, logLevel: 'debug', maxRetries: 1, retryBaseDelayMs: 1 } })
    assert.equal(result.ok, false)
    assert.equal(result.code, 'ETHORA_NETWORK')
    for (const text of [result.message, result.seen, result.stderr]) {
      assert.ok(!text.includes(PROXY_PASSWORD), `the proxy password leaked: ${text}`)
      assert.ok(!text.includes(SECRET), 'the app secret leaked')
    }
  }
  const invalid = await runCase('ours', apis.good, { config: { proxy: `socks9://ethora:${PROXY_PASSWORD}@127.0.0.1:1` } })
  assert.equal(invalid.code, 'ETHORA_CONFIG')
  assert.ok(!invalid.seen.includes(PROXY_PASSWORD))
})

test('the edge build refuses `ca` and `proxy` with ETHORA_CONFIG instead of ignoring them', async () => {
  for (const config of [{ caFile: certs.trustedCa }, { proxy: proxyUrl() }, { proxy: false }]) {
    const result = await runCase('ours', apis.good, { env: { ETHORA_SDK_BUILD: 'wasm' }, config })
    assert.equal(result.code, 'ETHORA_CONFIG', JSON.stringify(result))
    assert.match(result.message, /not available in the edge build/)
    assert.ok(!result.seen.includes(PROXY_PASSWORD))
  }
})
