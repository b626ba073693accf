// Expiring client tokens (issue 13, item 1), on the native addon and the WebAssembly build:
// `expiresIn` puts `exp = iat + expiresIn` after `iat` (where jsonwebtoken puts it); without
// options the token is the reference's, byte for byte; verifyJwtToken refuses a token past its
// `exp` or before its `nbf`, forgiving `clockTolerance` seconds; bad options are
// ETHORA_VALIDATION; the mock answers 401 to an expired server token.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import crypto from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'

import { scopedKey, verifyHs256 } from './helpers/jwt.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const builds = { native: require('../index.js'), wasm: require('../edge/node.cjs') }
const reference = require('@ethora/sdk-backend')

const secrets = { chatAppId: 'app123', chatAppSecret: 'secret123' }
const clientKey = scopedKey(secrets.chatAppSecret, 'client')
const now = () => Math.floor(Date.now() / 1000)
const sign = (claims, purpose = 'client') => jsonwebtoken.sign(claims, scopedKey(secrets.chatAppSecret, purpose), { noTimestamp: true })
/** Signs any claims (jsonwebtoken refuses a non-numeric exp). */
function signRaw(claims) {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url')
  return `${head}.${body}.${crypto.createHmac('sha256', clientKey).update(`${head}.${body}`).digest('base64url')}`
}

let mock
before(async () => {
  mock = await startMockServer()
})
after(() => mock.close())

for (const [name, sdk] of Object.entries(builds)) {
  test(`${name}: expiresIn adds exp = iat + expiresIn; no options is the reference's token`, () => {
    const service = new sdk.EthoraSDKService({ ...secrets, chatApiUrl: 'http://127.0.0.1:1' })
    for (const token of [
      service.createChatUserJwtToken('user-1', { expiresIn: 600 }),
      sdk.createClientToken('user-1', secrets, { expiresIn: 600.9 }),
    ]) {
      const claims = verifyHs256(token, clientKey)
      assert.deepEqual(Object.keys(claims), ['data', 'iat', 'exp'])
      assert.equal(claims.exp, claims.iat + 600)
      assert.ok(Math.abs(claims.iat - now()) <= 2)
      assert.deepEqual(sdk.verifyJwtToken(token, secrets, 'client').data, { type: 'client', userId: 'user-1', appId: 'app123' })
    }
    // Without options (or with empty ones): what the reference mints in the same second.
    for (let attempt = 0; attempt < 3; attempt++) {
      const ours = [service.createChatUserJwtToken('user-1'), service.createChatUserJwtToken('user-1', {}), sdk.createClientToken('user-1', secrets)]
      const theirs = reference.createClientToken('user-1', secrets)
      if (ours.every((token) => verifyHs256(token, clientKey).iat === verifyHs256(theirs, clientKey).iat)) {
        for (const token of ours) assert.equal(token, theirs)
        return
      }
    }
    assert.fail('could not mint within one second three times')
  })

  test(`${name}: verifyJwtToken refuses expired and not-yet-valid tokens, with a clock tolerance`, () => {
    const data = { type: 'client', userId: 'u', appId: 'app123' }
    const expired = sign({ data, iat: now() - 100, exp: now() - 30 })
    assert.throws(() => sdk.verifyJwtToken(expired, secrets), (error) => {
      assert.equal(error.code, 'ETHORA_VALIDATION')
      assert.equal(error.argument, 'token')
      assert.match(error.message, /expired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/)
      assert.ok(!error.message.includes(expired), 'the token is not echoed')
      return true
    })
    assert.equal(sdk.verifyJwtToken(expired, secrets, 'client', { clockTolerance: 60 }).data.userId, 'u')
    // The default tolerance is 5 seconds.
    assert.ok(sdk.verifyJwtToken(sign({ data, iat: now() - 10, exp: now() - 2 }), secrets))
    const early = sign({ data, iat: now(), nbf: now() + 120 })
    assert.throws(() => sdk.verifyJwtToken(early, secrets), /not valid before/)
    assert.ok(sdk.verifyJwtToken(early, secrets, undefined, { clockTolerance: 300 }))
    assert.throws(() => sdk.verifyJwtToken(signRaw({ data, iat: now(), exp: 'later' }), secrets), /`exp` is not a number/)
  })

  test(`${name}: invalid expiresIn and clockTolerance are ETHORA_VALIDATION`, () => {
    const service = new sdk.EthoraSDKService({ ...secrets, chatApiUrl: 'http://127.0.0.1:1' })
    for (const expiresIn of [0, -1, 0.5, Infinity, NaN, 1e10, '60', true, null]) {
      for (const mint of [() => service.createChatUserJwtToken('u', { expiresIn }), () => sdk.createClientToken('u', secrets, { expiresIn })]) {
        // NaN and Infinity are not JSON: both builds read options as JSON.stringify does,
        // which makes them null, and an explicit null expiry is refused.
        assert.throws(mint, (error) => error.code === 'ETHORA_VALIDATION' && error.argument === 'options.expiresIn', String(expiresIn))
      }
    }
    assert.throws(() => service.createChatUserJwtToken('u', 'soon'), (error) => error.argument === 'options')
    const token = service.createChatUserJwtToken('u', { expiresIn: 60 })
    for (const clockTolerance of [-1, 301, '5']) {
      assert.throws(() => sdk.verifyJwtToken(token, secrets, 'client', { clockTolerance }), (error) => error.argument === 'options.clockTolerance')
    }
  })
}

test('the mock answers 401 to an expired server token and 200 to a valid one', async () => {
  const serverKey = scopedKey(mock.appSecret, 'server')
  const data = { appId: mock.appId, type: 'server' }
  const call = (token) => fetch(`${mock.url}/v2/apps/${mock.appId}`, { headers: { authorization: `Bearer ${token}`, 'x-custom-token': token } })
  const expired = jsonwebtoken.sign({ data, iat: now() - 600, exp: now() - 60 }, serverKey, { noTimestamp: true })
  const refused = await call(expired)
  assert.equal(refused.status, 401)
  assert.match(await refused.text(), /expired/)
  const valid = jsonwebtoken.sign({ data, iat: now(), exp: now() + 60 }, serverKey, { noTimestamp: true })
  assert.equal((await call(valid)).status, 200)
})
