// `npm run bench`: the edge build's cost per call inside workerd against a plain fetch() of
// the same request (same URL and headers, the body parsed), in alternating rounds.
import * as sdk from '@ethora-rs/sdk-backend'

async function timed(call, calls) {
  const started = Date.now()
  for (let i = 0; i < calls; i++) await call()
  return (Date.now() - started) / calls
}

export default {
  async fetch(request) {
    const { config, params, url, calls, rounds } = await request.json()
    const client = new sdk.EthoraSDKService(config)
    const token = sdk.createServerToken(config)
    const headers = {
      Authorization: `Bearer ${token}`,
      'x-custom-token': token,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/plain, */*',
    }
    const contenders = {
      ours: () => client.getUsers(params),
      fetch: async () => {
        const response = await fetch(url, { headers })
        if (!response.ok) throw new Error(`fetch: ${response.status}`)
        return response.json()
      },
    }
    const taken = { ours: [], fetch: [] }
    for (const call of Object.values(contenders)) await timed(call, Math.ceil(calls / 4))
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 ? ['fetch', 'ours'] : ['ours', 'fetch']
      for (const name of order) taken[name].push(await timed(contenders[name], calls))
    }
    const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
    return Response.json({ calls, rounds, oursMsPerCall: mean(taken.ours), fetchMsPerCall: mean(taken.fetch) })
  },
}
