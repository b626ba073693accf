// What a call resolves with for the bodies a 2xx answer can carry, on both builds. The
// native addon hands a UTF-8 body that starts with `{` or `[` to the engine's JSON.parse and
// adds `url` to the object (src/raw/dispatch.rs, src/raw/js_values.rs: with_url); any other body,
// and one JSON.parse refuses, is judged in Rust (crates/ethora-core/src/client/call.rs:
// judge_unparsed, response.rs: success_text). The edge build hands the fetched bytes to the
// engine's strict UTF-8 decoder and JSON.parse and adds `url` to the object
// (response::engine). Every body below goes through the mock byte for byte to both, and the
// two must resolve (or fail) alike, with the values the reference's axios would give.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { sdk } from './helpers/sdk.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')

let mock
let native
let edge

before(async () => {
  mock = await startMockServer()
  const config = { ...mock.config, maxRetries: 0 }
  native = new sdk.EthoraSDKService(config)
  edge = new (await import('../edge/node.js')).EthoraSDKService(config)
})
after(() => mock.close())

const JSON_TYPE = 'application/json; charset=utf-8'
const bytes = (text) => [...Buffer.from(text, 'utf8')]

// [label, body bytes, content type, what the call gives (url stands for the call's URL)]
const CASES = [
  ['object', bytes('{"ok":true,"n":1.5e3}'), JSON_TYPE, { ok: true, n: 1500, url: 'URL' }],
  ['object with whitespace around', bytes(' \n{ "a" : [1, {"url": "inner"}] }\r\n '), JSON_TYPE, { a: [1, { url: 'inner' }], url: 'URL' }],
  ['empty object', bytes('{}'), JSON_TYPE, { url: 'URL' }],
  ['object with its own url', bytes('{"url":"server","x":null}'), JSON_TYPE, { url: 'server', x: null }],
  ['url spelt with an escape', bytes('{"\\u0075rl":"escaped"}'), JSON_TYPE, { url: 'escaped' }],
  ['duplicate keys (the last wins)', bytes('{"a":1,"a":2}'), JSON_TYPE, { a: 2, url: 'URL' }],
  ['keys that are Object.prototype names', bytes('{"hasOwnProperty":1,"__proto__":{"x":1}}'), JSON_TYPE, 'PROTO'],
  ['non-ASCII text and escapes', bytes('{"name":"Zoë \\u00e9 \\"q\\" 名前"}'), JSON_TYPE, { name: 'Zoë é "q" 名前', url: 'URL' }],
  ['a number nested beyond a double', bytes('{"big":1e400}'), JSON_TYPE, { big: Infinity, url: 'URL' }],
  ['a lone surrogate escape', bytes('{"a":"\\ud800"}'), JSON_TYPE, { a: '\ud800', url: 'URL' }],
  ['array', bytes('[1,2,{}]'), JSON_TYPE, [1, 2, {}]],
  ['deep nesting', bytes(`${'['.repeat(300)}${']'.repeat(300)}`), JSON_TYPE, 'DEEP'],
  ['bare JSON string', bytes('"ok"'), JSON_TYPE, 'ok'],
  ['bare number', bytes('42'), JSON_TYPE, 42],
  ['null', bytes('null'), JSON_TYPE, null],
  ['a bare number beyond a double', bytes('1e400'), JSON_TYPE, Infinity],
  ['text that is not JSON, as text/plain', bytes('plain words'), 'text/plain', 'plain words'],
  ['text that is not JSON, said to be JSON', bytes('{"ok": tru'), JSON_TYPE, 'ETHORA_DECODE 200'],
  ['text that starts like an object, as text/plain', bytes('{not json}'), 'text/plain', '{not json}'],
  ['a broken array, as text/plain', bytes(' [1,]'), 'text/plain', ' [1,]'],
  ['two JSON values', bytes('{} {}'), JSON_TYPE, 'ETHORA_DECODE 200'],
  ['trailing comma', bytes('[1,]'), JSON_TYPE, 'ETHORA_DECODE 200'],
  ['a raw control character in a string', [...bytes('{"a":"'), 1, ...bytes('"}')], JSON_TYPE, 'ETHORA_DECODE 200'],
  ['a byte-order mark before JSON', [0xef, 0xbb, 0xbf, ...bytes('{"a":1}')], JSON_TYPE, 'ETHORA_DECODE 200'],
  ['a byte-order mark, as text/plain', [0xef, 0xbb, 0xbf, ...bytes('{"a":1}')], 'text/plain', '\ufeff{"a":1}'],
  ['bytes that are not UTF-8, said to be JSON', [...bytes('{"a":"'), 0xff, ...bytes('"}')], JSON_TYPE, 'ETHORA_DECODE 200'],
  ['bytes that are not UTF-8, as text/plain', [...bytes('{"a":"'), 0xff, ...bytes('"}')], 'text/plain', '{"a":"\ufffd"}'],
]

async function outcome(client, body, contentType) {
  await mock.clearFaults()
  await mock.fault({ type: 'status', status: 200, bodyBytes: body, headers: { 'content-type': contentType } }, { times: 1, method: 'GET' })
  try {
    return { value: await client.getUsers({ limit: 3 }) }
  } catch (error) {
    return { error: `${error.code} ${error.status}` }
  }
}

for (const [label, body, contentType, expected] of CASES) {
  test(`2xx body: ${label}`, async () => {
    const fromNative = await outcome(native, body, contentType)
    const fromEdge = await outcome(edge, body, contentType)
    assert.deepEqual(fromEdge, fromNative, 'the edge build resolves as the native addon does')
    const url = `${mock.url}/v2/chats/users?limit=3`
    if (expected === 'PROTO') {
      const value = fromNative.value
      assert.deepEqual(Object.keys(value), ['hasOwnProperty', '__proto__', 'url'])
      assert.equal(value.hasOwnProperty, 1)
      assert.equal(value.url, url)
      assert.equal(Object.getPrototypeOf(value), Object.prototype, 'the __proto__ key stays a key')
    } else if (expected === 'DEEP') {
      let depth = 0
      for (let level = fromNative.value; Array.isArray(level); level = level[0]) depth++
      assert.equal(depth, 300)
    } else if (typeof expected === 'string' && expected.startsWith('ETHORA_')) {
      assert.equal(fromNative.error, expected)
    } else {
      const value = expected !== null && typeof expected === 'object' && !Array.isArray(expected) && expected.url === 'URL' ? { ...expected, url } : expected
      assert.deepEqual(fromNative, { value })
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        assert.equal(Object.keys(fromEdge.value).at(-1), Object.keys(value).at(-1), 'url comes last, as in the text')
      }
    }
  })
}
