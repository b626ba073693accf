// Thousands of concurrent calls share one client's connection pool: all resolve, the
// event loop stays free, and the number of sockets stays within `maxConnections`.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startCaptureServer } from './helpers/capture-server.mjs'
import { serviceFor } from './helpers/sdk.mjs'

let server
before(async () => {
  server = await startCaptureServer()
})
after(() => server.close())

test('3000 concurrent calls complete over a bounded number of sockets', async () => {
  const service = serviceFor(server.url, { maxConnections: 16 })
  server.resetPeak()
  let ticks = 0
  const timer = setInterval(() => { ticks += 1 }, 1)
  const results = await Promise.all(Array.from({ length: 3000 }, (_, i) => service.getApp(`app-${i}`)))
  clearInterval(timer)
  assert.equal(results.length, 3000)
  for (const [i, result] of results.entries()) {
    assert.equal(result.url, `${server.url}/v2/apps/app-${i}`)
  }
  assert.equal(server.requests.filter((r) => r.url.startsWith('/v2/apps/app-')).length, 3000)
  // At most 16 requests are in flight; a finished connection goes back to the pool a moment
  // after its request settles, so a few extra sockets may open, never hundreds.
  const peak = server.peakOpenConnections()
  assert.ok(peak >= 1 && peak <= 32, `peak of ${peak} open sockets`)
  assert.ok(ticks > 0, 'the event loop kept running while calls were in flight')
})

test('maxConnections is validated', () => {
  assert.throws(() => serviceFor(server.url, { maxConnections: 0 }), (error) => error.code === 'ETHORA_CONFIG')
  assert.throws(() => serviceFor(server.url, { maxConnections: 1.5 }), /maxConnections/)
})
