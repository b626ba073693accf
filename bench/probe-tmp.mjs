import { createRequire } from 'node:module'
const require = createRequire(import.meta.url)
const { startMockServer } = require('../mock.js')
const mock = await startMockServer({ binary: '/work/main/target/release/ethora-mock' })
process.env.NODE_ENV='production'
process.env.ETHORA_CHAT_API_URL=mock.url; process.env.ETHORA_CHAT_APP_ID=mock.appId; process.env.ETHORA_CHAT_APP_SECRET=mock.appSecret
const ours = new (require('../index.js').EthoraSDKService)(mock.config)
const ref = new (require('@ethora/sdk-backend').EthoraSDKService)()
const { Pool } = require('undici')
const pool = new Pool(mock.url, { connections: 64 })
const token = require('../index.js').createServerToken(mock.config)
for (const l of ['log','info','debug','warn','error']) console[l] = () => {}
const out = (...a) => process.stdout.write(a.join(' ') + '\n')
async function seq(name, fn, n) { for (let i=0;i<300;i++) await fn(); const t=process.hrtime.bigint(); for (let i=0;i<n;i++) await fn(); const dt=Number(process.hrtime.bigint()-t)/1e3/n; out(name, 'seq', dt.toFixed(1), 'us/call') }
async function conc(name, fn, n, c) { const cpu0=process.cpuUsage(); const t=process.hrtime.bigint(); let i=0; await Promise.all(Array.from({length:c}, async () => { while (i++ < n) await fn() })); const dt=Number(process.hrtime.bigint()-t)/1e9; const cpu=process.cpuUsage(cpu0); out(name, `c=${c}`, Math.round(n/dt), 'req/s', ((cpu.user+cpu.system)/1e3/(n/1000)).toFixed(1), 'ms CPU/1k') }
const undiciCall = async () => { const r = await pool.request({ path: '/v2/chats/users?limit=5', method: 'GET', headers: { 'x-custom-token': token } }); await r.body.json() }
await seq('undici', undiciCall, 3000)
await seq('ours', () => ours.getUsers({ limit: 5 }), 3000)
await seq('ref', () => ref.getUsers({ limit: 5 }), 3000)
for (const c of [1, 16, 64]) {
  await conc('ours', () => ours.getUsers({ limit: 5 }), 10000, c)
  await conc('ref', () => ref.getUsers({ limit: 5 }), 10000, c)
}
await mock.close(); await pool.close()
