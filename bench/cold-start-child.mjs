// Cold start in a fresh process: time to load the SDK, and to make the first call.
// Usage: node bench/cold-start-child.mjs <ours|reference|edge>
// `edge` is the WebAssembly build (`@ethora-rs/sdk-backend/edge`): loading it reads the
// .wasm, compiles and instantiates it.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const sdk = process.argv[2]
for (const level of ['log', 'info', 'debug', 'warn', 'error']) console[level] = () => {}
const { startMockServer } = require('../mock.js')
const mock = await startMockServer()
process.env.ETHORA_CHAT_API_URL = mock.url
process.env.ETHORA_CHAT_APP_ID = mock.appId
process.env.ETHORA_CHAT_APP_SECRET = mock.appSecret

const started = performance.now()
const { EthoraSDKService } =
  sdk === 'edge' ? await import('../edge/node.js') : require(sdk === 'ours' ? '../index.js' : '@ethora/sdk-backend')
const required = performance.now()
const client = new EthoraSDKService()
await client.getUsers({ limit: 1 })
const done = performance.now()
await mock.close()
process.stdout.write(`${JSON.stringify({ requireMs: required - started, firstCallMs: done - required, totalMs: done - started })}\n`)
