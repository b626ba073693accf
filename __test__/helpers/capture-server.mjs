// A loopback HTTP server that records every request and answers what the test queued.
import http from 'node:http'

export async function startCaptureServer() {
  const requests = []
  const replies = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8')
      let body
      try {
        body = raw ? JSON.parse(raw) : undefined
      } catch {
        body = raw
      }
      requests.push({ method: req.method, url: req.url, headers: req.headers, rawBody: raw, body })
      const reply = replies.shift() ?? { status: 200, json: { ok: true } }
      if (reply.hang) return
      if (reply.text !== undefined) {
        res.writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
        res.end(reply.text)
      } else {
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        res.end(JSON.stringify(reply.json))
      }
    })
  })
  let connections = 0
  let open = 0
  let peakOpen = 0
  server.on('connection', (socket) => {
    connections += 1
    open += 1
    peakOpen = Math.max(peakOpen, open)
    socket.on('close', () => {
      open -= 1
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queue the answer to the next request: `{ status, json }` or `{ status, text }` (with
     * `headers`), or `{ hang: true }` for none. */
    reply(next) {
      replies.push(next)
    },
    /** TCP connections accepted since start. */
    connections() {
      return connections
    },
    /** Most connections open at the same time since the last `resetPeak()`. */
    peakOpenConnections() {
      return peakOpen
    },
    resetPeak() {
      peakOpen = open
    },
    last() {
      return requests[requests.length - 1]
    },
    reset() {
      requests.length = 0
      replies.length = 0
    },
    close() {
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}
