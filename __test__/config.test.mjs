// Configuration: explicit values over ETHORA_CHAT_* variables, normalised URLs, timeouts,
// errors that name what is missing and never echo the secret, and the singleton.
import { test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import util from 'node:util'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { sdk, APP_ID, APP_SECRET } from './helpers/sdk.mjs'
import { scopedKey, verifyHs256 } from './helpers/jwt.mjs'

const ENV_NAMES = ['ETHORA_CHAT_API_URL', 'ETHORA_CHAT_APP_ID', 'ETHORA_CHAT_APP_SECRET']
let server

before(async () => {
  server = await startCaptureServer()
})
after(() => server.close())
beforeEach(() => {
  for (const name of ENV_NAMES) delete process.env[name]
  server.reset()
})

function configError(fn) {
  try {
    fn()
  } catch (error) {
    return error
  }
  assert.fail('expected a configuration error')
}

test('missing settings are named, the secret never echoed', () => {
  const error = configError(() => new sdk.EthoraSDKService({ chatAppSecret: 'do-not-echo-me' }))
  assert.equal(error.code, 'ETHORA_CONFIG')
  assert.match(error.message, /ETHORA_CHAT_API_URL/)
  assert.match(error.message, /ETHORA_CHAT_APP_ID/)
  assert.doesNotMatch(error.message, /ETHORA_CHAT_APP_SECRET/)
  for (const text of [error.message, error.stack, util.inspect(error)]) {
    assert.ok(!text.includes('do-not-echo-me'))
  }
  const all = configError(() => new sdk.EthoraSDKService())
  for (const name of ENV_NAMES) assert.match(all.message, new RegExp(name))
})

test('environment variables configure the client; explicit values win', async () => {
  process.env.ETHORA_CHAT_API_URL = 'http://127.0.0.1:1'
  process.env.ETHORA_CHAT_APP_ID = 'env-app'
  process.env.ETHORA_CHAT_APP_SECRET = 'env-secret'
  const fromEnv = new sdk.EthoraSDKService({ chatApiUrl: `${server.url}/` })
  await fromEnv.getApp('x')
  assert.equal(server.last().url, '/v2/apps/x', 'trailing slash normalised')
  const claims = verifyHs256(server.last().headers['x-custom-token'], scopedKey('env-secret', 'server'))
  assert.equal(claims.data.appId, 'env-app')

  const explicit = new sdk.EthoraSDKService({ chatApiUrl: server.url, chatAppId: APP_ID, chatAppSecret: APP_SECRET })
  await explicit.getApp('y')
  const explicitClaims = verifyHs256(server.last().headers['x-custom-token'], scopedKey(APP_SECRET, 'server'))
  assert.equal(explicitClaims.data.appId, APP_ID)
})

test('invalid URLs and timeouts are configuration errors', () => {
  for (const config of [
    { chatApiUrl: 'ftp://host' },
    { chatApiUrl: 'not a url' },
    { chatApiUrl: 'https://user:pw@host' },
    { chatApiUrl: 'https://host', timeoutMs: 0 },
    { chatApiUrl: 'https://host', connectTimeoutMs: -5 },
  ]) {
    const error = configError(() => new sdk.EthoraSDKService({ chatAppId: 'a', chatAppSecret: 's', ...config }))
    assert.equal(error.code, 'ETHORA_CONFIG', JSON.stringify(config))
    assert.ok(!error.message.includes('pw@'))
  }
})

test('a client never shows its secret in inspect or JSON', () => {
  const service = new sdk.EthoraSDKService({ chatApiUrl: server.url, chatAppId: APP_ID, chatAppSecret: 'hidden-secret-123' })
  for (const text of [util.inspect(service, { showHidden: true, depth: 5 }), JSON.stringify(service), String(service)]) {
    assert.ok(!text.includes('hidden-secret-123'), text)
  }
  assert.deepEqual(JSON.parse(JSON.stringify(service)), { chatApiUrl: server.url, chatAppId: APP_ID })
})

test('getEthoraSDKService: one shared instance without config, a new one with config', async () => {
  process.env.ETHORA_CHAT_API_URL = server.url
  process.env.ETHORA_CHAT_APP_ID = APP_ID
  process.env.ETHORA_CHAT_APP_SECRET = APP_SECRET
  const first = sdk.getEthoraSDKService()
  assert.ok(first instanceof sdk.EthoraSDKService)
  assert.equal(sdk.getEthoraSDKService(), first)
  const custom = sdk.getEthoraSDKService({ chatAppId: 'other-app' })
  assert.notEqual(custom, first)
  assert.notEqual(sdk.getEthoraSDKService({ chatAppId: 'other-app' }), custom)
  assert.equal(sdk.getEthoraSDKService(), first, 'a config call does not replace the shared instance')
  await custom.getApp('z')
  assert.equal(verifyHs256(server.last().headers['x-custom-token'], scopedKey(APP_SECRET, 'server')).data.appId, 'other-app')
})

test('token helpers read the environment or the given secrets', () => {
  const error = configError(() => sdk.createClientToken('u1'))
  assert.equal(error.code, 'ETHORA_CONFIG')
  const token = sdk.createClientToken('u1', { chatAppId: 'a1', chatAppSecret: 's1' })
  assert.deepEqual(verifyHs256(token, scopedKey('s1', 'client')).data, { type: 'client', userId: 'u1', appId: 'a1' })
  const server = sdk.createServerToken({ chatAppId: 'a1', chatAppSecret: 's1' }, { appId: 'child', tenantId: 't9' })
  assert.deepEqual(verifyHs256(server, scopedKey('s1', 'server')).data, { appId: 'child', type: 'server', tenantId: 't9' })
  assert.equal(sdk.verifyJwtToken(token, { chatAppId: 'a1', chatAppSecret: 's1' }, 'client').data.userId, 'u1')
  const wrongType = configError(() => sdk.verifyJwtToken(token, { chatAppId: 'a1', chatAppSecret: 's1' }, 'server'))
  assert.match(wrongType.message, /expected a server token/)
  const wrongSecret = configError(() => sdk.verifyJwtToken(token, { chatAppId: 'a1', chatAppSecret: 'nope' }))
  assert.match(wrongSecret.message, /Invalid JWT token/)
  assert.ok(!wrongSecret.message.includes(token))
})

test('configFromEnv reads the ETHORA_CHAT_* names from an env object or process.env, on both builds', async () => {
  const edge = await import('../edge/node.js')
  const env = {
    ETHORA_CHAT_API_URL: server.url,
    ETHORA_CHAT_APP_ID: APP_ID,
    ETHORA_CHAT_APP_SECRET: APP_SECRET,
    ETHORA_LOG: 'warn',
    UNRELATED: 'x',
    KV_BINDING: { get() {} },
  }
  const expected = { chatApiUrl: server.url, chatAppId: APP_ID, chatAppSecret: APP_SECRET, logLevel: 'warn' }
  for (const face of [sdk, edge]) {
    assert.deepEqual(face.configFromEnv(env), expected)
    // A missing name is left out, so the constructor reports it like a missing variable.
    const partial = face.configFromEnv({ ETHORA_CHAT_APP_ID: APP_ID })
    assert.deepEqual(partial, { chatAppId: APP_ID })
    const error = configError(() => new face.EthoraSDKService(partial))
    assert.equal(error.code, 'ETHORA_CONFIG')
    assert.match(error.message, /ETHORA_CHAT_API_URL \(config: chatApiUrl\)\n- ETHORA_CHAT_APP_SECRET/)
    assert.doesNotMatch(error.message, /ETHORA_CHAT_APP_ID/)
    process.env.ETHORA_CHAT_APP_ID = 'from-process'
    try {
      assert.deepEqual(face.configFromEnv(), { chatAppId: 'from-process' })
    } finally {
      delete process.env.ETHORA_CHAT_APP_ID
    }
  }
  // Both builds fail the same way for the same missing settings.
  assert.equal(
    configError(() => new sdk.EthoraSDKService({})).message,
    configError(() => new edge.EthoraSDKService({})).message,
  )
})
