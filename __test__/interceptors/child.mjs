// One interceptor, one build (ETHORA_SDK_BUILD), network access disabled: every one of the
// methods is called on a service created as usual, pointed at a capture server standing in
// for the API. Prints one JSON line: what each call resolved with, what the interceptor saw,
// how many requests reached the server, and where a call made with `transport: 'native'` went.
//   node child.mjs <nock13 | nock | msw | mockagent>
import { createRequire } from 'node:module'
import { startCaptureServer } from '../helpers/capture-server.mjs'
import { NETWORK_CASES } from '../helpers/network-cases.mjs'

const require = createRequire(import.meta.url)
const interceptor = process.argv[2]
const server = await startCaptureServer()
const seen = []

function answer(method, path, body, headers) {
  seen.push({ method, path, body: body === '' || body === undefined ? undefined : JSON.parse(body), token: headers['x-custom-token'] ?? null })
  return { via: interceptor }
}

const intercepting = {
  nock13: () => interceptWithNock(require('nock13')),
  nock: () => interceptWithNock(require('nock').default),
  msw() {
    const { setupServer } = require('msw/node')
    const { http, HttpResponse } = require('msw')
    const mswServer = setupServer(
      http.all('*', async ({ request }) => {
        const url = new URL(request.url)
        const headers = Object.fromEntries(request.headers)
        return HttpResponse.json(answer(request.method, url.pathname + url.search, await request.text(), headers))
      }),
    )
    mswServer.listen({ onUnhandledRequest: 'error' })
  },
  mockagent() {
    const { MockAgent, setGlobalDispatcher } = require('undici')
    const agent = new MockAgent()
    agent.disableNetConnect()
    setGlobalDispatcher(agent)
    agent
      .get(server.url)
      .intercept({ path: () => true, method: () => true })
      .reply((options) => {
        const headers = Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
        const body = typeof options.body === 'string' ? options.body : options.body === undefined || options.body === null ? '' : Buffer.from(options.body).toString()
        return { statusCode: 200, data: JSON.stringify(answer(options.method, options.path, body, headers)), responseOptions: { headers: { 'content-type': 'application/json' } } }
      })
      .persist()
  },
}

// The scope's 'request' event carries nock 13's ClientRequest or the current nock's Request.
function interceptWithNock(nock) {
  nock.disableNetConnect()
  const scope = nock(server.url).persist()
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) scope.intercept(() => true, method).reply(200, { via: interceptor })
  scope.on('request', (request, _interceptor, body) => {
    const fetchStyle = typeof request.url === 'string' && request.headers instanceof Headers
    const path = fetchStyle ? new URL(request.url).pathname + new URL(request.url).search : request.path
    const headers = fetchStyle ? Object.fromEntries(request.headers) : request.getHeaders?.() ?? request.headers
    answer(request.method, path, body, headers)
  })
}

intercepting[interceptor]()
const sdk = require('../../sdk.js')
const config = { chatApiUrl: server.url, chatAppId: 'app123', chatAppSecret: 'secret123', maxRetries: 0 }
const service = new sdk.EthoraSDKService(config)

const calls = []
const run = async (name, call) => {
  try {
    const result = await call(service)
    calls.push({ name, result, seen: seen.at(-1) ?? null, count: seen.length })
  } catch (error) {
    calls.push({ name, error: `${error.code}: ${error.message}` })
  }
}
for (const [name, call] of NETWORK_CASES) await run(name, call)
await run('createUser', (s) => s.createUser('user-1', { firstName: 'A' }))
const local = [service.createChatName('room-1', false), typeof service.createChatUserJwtToken('user-7')]
const serverRequestsWhileIntercepted = server.requests.length

// Forced onto the SDK's own transport: the native addon's goes past every hook; the edge
// build's is the runtime's fetch, so only an http.request hook is passed by.
const native = new sdk.EthoraSDKService({ ...config, transport: 'native' })
const before = seen.length
let forced
try {
  const result = await native.getApp('forced')
  forced = { via: result.via ?? 'server', intercepted: seen.length - before, reachedServer: server.requests.length - serverRequestsWhileIntercepted }
} catch (error) {
  forced = { error: error.code, intercepted: seen.length - before, reachedServer: server.requests.length - serverRequestsWhileIntercepted }
}
server.close()
console.log(JSON.stringify({ calls, local, serverRequestsWhileIntercepted, forced }))
process.exit(0)
