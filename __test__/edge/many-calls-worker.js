// A Worker that makes more sequential calls in one request than workerd lets a request keep
// timers pending (10,000): each call's time limit must be cleared when it ends. `fetch` is
// replaced by an in-worker answer so that the 10,100 calls take a second, not a minute.
import { EthoraSDKService } from '@ethora-rs/sdk-backend'

export default {
  async fetch(request) {
    const { config, calls } = await request.json()
    const realFetch = globalThis.fetch
    let sent = 0
    globalThis.fetch = async () => {
      sent += 1
      return new Response('{"ok":true}', { headers: { 'content-type': 'application/json' } })
    }
    try {
      const client = new EthoraSDKService(config)
      let resolved = 0
      for (let i = 0; i < calls; i++) {
        const app = await client.getApp(`app-${i}`)
        if (app.ok === true && app.url === `${config.chatApiUrl}/v2/apps/app-${i}`) resolved += 1
      }
      return Response.json({ sent, resolved })
    } catch (error) {
      return Response.json({ sent, error: `${error.name}: ${error.message}` })
    } finally {
      globalThis.fetch = realFetch
    }
  },
}
