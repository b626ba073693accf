// `npm run bench`: the edge build's cost per call inside workerd against a plain fetch() of
// the same request (same URL and the same six headers, a fresh request id each time, the
// body parsed), and against the same fetch under a time limit as the SDK sets one
// (AbortController + setTimeout, cleared at the end), against that with the checks ours makes
// on the answer in JavaScript, and against fetch after a fixed amount of JavaScript work; then the same with fetch answered inside the Worker, to show each one's
// own cost per call.
//
// Many short rounds, each running every caller once in its own shuffled order (a fixed seed,
// so every run shuffles alike): a caller's ratio to fetch is taken within each round and the
// median of those is the figure; drifts of the machine's speed over the run and a slow round
// then move it far less than they move the means, which are reported beside it.
import * as sdk from '@ethora-rs/sdk-backend'

async function timed(call, calls) {
  const started = Date.now()
  for (let i = 0; i < calls; i++) await call()
  return (Date.now() - started) / calls
}

export default {
  async fetch(request) {
    const { config, params, url, userAgent, timeoutMs, calls, rounds, inWorkerCalls, inWorkerRounds } = await request.json()
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
    const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
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
      // The same under the time limit, with the checks ours makes on the answer in JavaScript
      // (crates/ethora-wasm/js/fetch.js): the body read whole as bytes, strict UTF-8, JSON.parse, `url` added.
      // What is left between it and ours is the core's work in WebAssembly.
      fetchChecked: async () => {
        const controller = new AbortController()
        const timer = setTimeout(() => controller.abort(), timeoutMs)
        try {
          const response = check(await fetch(url, { headers: headers(), signal: controller.signal }))
          const value = JSON.parse(strictUtf8.decode(new Uint8Array(await response.arrayBuffer())))
          if (!Object.hasOwn(value, 'url')) value.url = url
          return value
        } finally {
          clearTimeout(timer)
        }
      },
    }
    const names = Object.keys(contenders)
    const taken = Object.fromEntries(names.map((name) => [name, []]))
    let seed = 12345
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
    const shuffled = (list) => {
      const order = [...list]
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[order[i], order[j]] = [order[j], order[i]]
      }
      return order
    }
    for (const call of Object.values(contenders)) await timed(call, calls)
    for (let round = 0; round < rounds; round++) {
      for (const name of shuffled(names)) taken[name].push(await timed(contenders[name], calls))
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
    const median = (values) => {
      const sorted = [...values].sort((a, b) => a - b)
      const middle = Math.floor(sorted.length / 2)
      return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
    // One caller's time over another's, taken within each round; the median of the rounds.
    const medianRatio = (name, to) => median(taken[name].map((time, round) => time / taken[to][round]))

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
      // workerd's clock moves only at I/O: a round shorter than one tick reads 0, never less.
      return Math.max(0, ((ended - started - oneRequest) * 1000) / count)
    }
    const inWorker = Object.fromEntries(names.map((name) => [name, []]))
    for (let round = 0; round < inWorkerRounds; round++) {
      const order = round % 2 ? [...names].reverse() : names
      for (const name of order) inWorker[name].push(await timedInWorker(contenders[name], inWorkerCalls))
    }

    return Response.json({
      calls,
      rounds,
      inWorkerCalls,
      inWorkerRounds,
      oursMsPerCall: mean(taken.ours),
      fetchMsPerCall: mean(taken.fetch),
      fetchWithTimeLimitMsPerCall: mean(taken.fetchWithTimeLimit),
      fetchAfterFixedWorkMsPerCall: mean(taken.fetchAfterFixedWork),
      fetchCheckedMsPerCall: mean(taken.fetchChecked),
      // Medians of the per-round ratios.
      medianRatioToFetch: {
        ours: medianRatio('ours', 'fetch'),
        fetchWithTimeLimit: medianRatio('fetchWithTimeLimit', 'fetch'),
        fetchAfterFixedWork: medianRatio('fetchAfterFixedWork', 'fetch'),
        fetchChecked: medianRatio('fetchChecked', 'fetch'),
      },
      medianRatioOursToTimeLimited: medianRatio('ours', 'fetchWithTimeLimit'),
      medianRatioOursToChecked: medianRatio('ours', 'fetchChecked'),
      inWorkerUsPerCall: Object.fromEntries(names.map((name) => [name, median(inWorker[name])])),
    })
  },
}
