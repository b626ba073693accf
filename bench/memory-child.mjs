// RSS of a fresh Node process after loading one SDK, and after N requests to the mock.
// Usage: node bench/memory-child.mjs <ours|reference> <requests>
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const [sdk, count] = [process.argv[2], Number(process.argv[3])]
for (const level of ['log', 'info', 'debug', 'warn', 'error']) console[level] = () => {}
const { startMockServer } = require('../mock.js')
const mock = await startMockServer()
process.env.ETHORA_CHAT_API_URL = mock.url
process.env.ETHORA_CHAT_APP_ID = mock.appId
process.env.ETHORA_CHAT_APP_SECRET = mock.appSecret
const mb = () => process.memoryUsage().rss / 2 ** 20

const { EthoraSDKService } = require(sdk === 'ours' ? '../index.js' : '@ethora/sdk-backend')
const client = new EthoraSDKService()
const rssLoadedMb = mb()
let issued = 0
await Promise.all(Array.from({ length: 16 }, async () => {
  while (issued++ < count) await client.getUsers({ limit: 10 })
}))
await new Promise((resolve) => setTimeout(resolve, 200))
const rssAfterMb = mb()
await mock.close()
process.stdout.write(`${JSON.stringify({ rssLoadedMb, rssAfterMb })}\n`)
