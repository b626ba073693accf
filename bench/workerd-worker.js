// `npm run bench`: the edge build's cost per call inside workerd against a plain fetch() of
// the same request (same URL and the same six headers, a fresh request id each time, the
// body parsed), and against the same fetch under a time limit as the SDK sets one
// (AbortController + setTimeout, cleared at the end), and against fetch after a fixed amount
// of JavaScript work, in alternating rounds; then the same with fetch answered inside the
// Worker, to show each one's own cost per call.
import * as sdk from '@ethora-rs/sdk-backend'

async function timed(call, calls) {
  const started = Date.now()
  for (let i = 0; i < calls; i++) await call()
  return (Date.now() - started) / calls
}

export default {
  async fetch(request) {
    const { config, params, url, userAgent, timeoutMs, calls, rounds } = await request.json()
    const client = new sdk.EthoraSDKService(config)
    const token = sdk.createServerToken(config)
    const headers = () => ({
      'Content-Type': 'application/json',
      Accept: 'application/json, text/plain, */*',
      'User-Agent': userAgent,
      'X-Request-Id': crypto.randomUUID(),
      Authorization: `Bearer ${token}`,
      'x-custom-token': token,
    })
    const check = (response) => {
      if (!response.ok) throw new Error(`fetch: ${response.status}`)
      return response
    }
    // A fixed amount of plain JavaScript work (no allocation, no memory), as a yardstick:
    // how much wall time a microsecond of work on the call path costs with the network in
    // the loop, against its cost in a warm loop.
    let spun = 0
    const spin = () => {
      let x = spun
      for (let i = 0; i < 20_000; i++) x = (x * 31 + i) | 0
      spun = x
    }
    // The same request as ours through the global fetch (which the second phase replaces).
    const plainFetch = async (init) => check(await fetch(url, { headers: headers(), ...init })).json()
    const contenders = {
      ours: () => client.getUsers(params),
      fetch: () => plainFetch(),
      fetchAfterFixedWork: () => {
        spin()
        return plainFetch()
      },
      fetchWithTimeLimit: async () => {
        const controller = new AbortController()
        const timer = setTimeout(() => controller.abort(), timeoutMs)
        try {
          return await plainFetch({ signal: controller.signal })
        } finally {
          clearTimeout(timer)
        }
      },
    }
    const names = Object.keys(contenders)
    const taken = Object.fromEntries(names.map((name) => [name, []]))
    for (const call of Object.values(contenders)) await timed(call, Math.ceil(calls / 4))
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...names].reverse() : names
      for (const name of order) taken[name].push(await timed(contenders[name], calls))
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length

    // The same calls with fetch answered inside the Worker (the same body, no network): what
    // each caller costs on its own. workerd's clock moves only at I/O, so each run is framed
    // by real requests and one such request's time is taken off.
    const realFetch = globalThis.fetch
    const bodyText = await (await realFetch(url, { headers: headers() })).text()
    const answer = async () => new Response(bodyText, { headers: { 'content-type': 'application/json' } })
    const io = () => realFetch(url, { headers: headers() }).then((response) => response.arrayBuffer())
    async function timedInWorker(call, count) {
      await io()
      const started = Date.now()
      globalThis.fetch = answer
      try {
        for (let i = 0; i < count; i++) await call()
      } finally {
        globalThis.fetch = realFetch
      }
      await io()
      const ended = Date.now()
      await io()
      const oneRequest = Date.now() - ended
      return ((ended - started - oneRequest) * 1000) / count
    }
    const inWorker = Object.fromEntries(names.map((name) => [name, []]))
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? [...names].reverse() : names
      for (const name of order) inWorker[name].push(await timedInWorker(contenders[name], Math.max(calls * 5, 2000)))
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

    return Response.json({
      calls,
      rounds,
      oursMsPerCall: mean(taken.ours),
      fetchMsPerCall: mean(taken.fetch),
      fetchWithTimeLimitMsPerCall: mean(taken.fetchWithTimeLimit),
      fetchAfterFixedWorkMsPerCall: mean(taken.fetchAfterFixedWork),
      inWorkerUsPerCall: Object.fromEntries(names.map((name) => [name, median(inWorker[name])])),
    })
  },
}
