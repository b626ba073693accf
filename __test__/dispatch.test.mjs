// How calls cross to the SDK's I/O thread and back (src/raw/dispatch.rs): a pending call keeps
// the process alive and an idle client does not; worker threads each settle their own calls,
// and a worker that ends with calls in flight takes nothing down with it; results that finish
// together are all delivered, each to its own promise, with the server's body as it came.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

import { runNode } from './helpers/child.mjs'

const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const sdkPath = fileURLToPath(new URL('../sdk.js', import.meta.url))

let mock
before(async () => {
  mock = await startMockServer()
})
after(() => mock.close())

/** Runs an ES module given as text in a fresh Node process. */
function runModule(source) {
  return runNode(['--input-type=module', '-e', source], { timeoutMs: 30_000 })
}

test('a call in flight keeps the process alive until it settles; an idle client lets it exit', async () => {
  await mock.reset()
  await mock.fault({ type: 'hang', ms: 400 }, { times: 1, method: 'GET', path: '/v2/apps' })
  const started = Date.now()
  const run = await runModule(`
    import { createRequire } from 'node:module'
    const sdk = createRequire(import.meta.url)(${JSON.stringify(sdkPath)})
    const client = new sdk.EthoraSDKService(${JSON.stringify(mock.config)})
    // Nothing awaits this: only the pending call keeps the event loop going.
    client.listApps().then((reply) => console.log('settled', typeof reply))
  `)
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'settled object')
  assert.ok(Date.now() - started >= 400, 'the process waited for the call')
  const idle = await runModule(`
    import { createRequire } from 'node:module'
    const sdk = createRequire(import.meta.url)(${JSON.stringify(sdkPath)})
    const client = new sdk.EthoraSDKService(${JSON.stringify(mock.config)})
    await client.getUsers({ limit: 1 })
    console.log('done')
  `)
  assert.equal(idle.code, 0, idle.stderr)
  assert.equal(idle.stdout.trim(), 'done')
})

test('worker threads settle their own calls; a worker ending mid-call harms no one', async () => {
  await mock.reset()
  await mock.fault({ type: 'hang', ms: 2000 }, { times: 1, method: 'GET', path: '/v2/apps' })
  const run = await runModule(`
    import { Worker } from 'node:worker_threads'
    const body = (work) => \`(async () => {
      const { parentPort } = await import('node:worker_threads')
      const { createRequire } = await import('node:module')
      const sdk = createRequire(${JSON.stringify(sdkPath)})(${JSON.stringify(sdkPath)})
      const client = new sdk.EthoraSDKService(${JSON.stringify(mock.config)})
      \${work}
    })()\`
    const finished = (source) => new Promise((resolve, reject) => {
      const worker = new Worker(body(source), { eval: true })
      worker.on('message', resolve)
      worker.on('error', reject)
    })
    // One worker terminated while its call hangs on the server.
    const doomed = new Worker(body("client.listApps().then(() => parentPort.postMessage('late')); parentPort.postMessage('sent')"), { eval: true })
    await new Promise((resolve) => doomed.once('message', resolve))
    await doomed.terminate()
    // Two workers and the main thread calling at once.
    const sdk = (await import('node:module')).createRequire(import.meta.url)(${JSON.stringify(sdkPath)})
    const client = new sdk.EthoraSDKService(${JSON.stringify(mock.config)})
    const count = "Promise.all(Array.from({ length: 50 }, () => client.getUsers({ limit: 1 }))).then((r) => parentPort.postMessage(r.map((x) => x.url)))"
    const [a, b, mine] = await Promise.all([finished(count), finished(count), Promise.all(Array.from({ length: 50 }, () => client.getUsers({ limit: 2 })))])
    const urls = new Set([...a, ...b, ...mine.map((x) => x.url)])
    console.log(JSON.stringify({ a: a.length, b: b.length, mine: mine.length, urls: [...urls] }))
  `)
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual(JSON.parse(run.stdout.trim()), {
    a: 50,
    b: 50,
    mine: 50,
    urls: [`${mock.url}/v2/chats/users?limit=1`, `${mock.url}/v2/chats/users?limit=2`],
  })
})

test('results finishing together each reach their own promise, with the body as the server sent it', async () => {
  const client = new (require(sdkPath).EthoraSDKService)(mock.config)
  await mock.reset()
  const ids = Array.from({ length: 200 }, (_, i) => `together-${i}`)
  const created = await Promise.all(ids.map((id) => client.createUser(id, { firstName: `F${id}`, lastName: 'L' })))
  assert.equal(created.length, 200)
  const fetched = await Promise.all(ids.map((id) => client.getAppUserByXmppUsername(`${mock.appId}_${id}`)))
  for (const [i, reply] of fetched.entries()) {
    const user = reply.user ?? reply.result ?? reply
    assert.equal(JSON.stringify(user).includes(`"F${ids[i]}"`), true, JSON.stringify(reply).slice(0, 200))
    assert.equal(reply.url, `${mock.url}/v1/apps/users/${encodeURIComponent(`${mock.appId}_${ids[i]}`)}`)
  }
})
