// startMockServer(): runs the local Ethora API (the `ethora-mock` binary) on a free
// loopback port for tests, demos and benchmarks, and stops it again.
'use strict'

const { spawn } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')
const crypto = require('node:crypto')

const { platformName, platformPackage, hasPrebuild } = require('./js/platform.js')

const BINARY = process.platform === 'win32' ? 'ethora-mock.exe' : 'ethora-mock'

/** Where the binary is: explicit option, ETHORA_MOCK_BIN, the platform package, a local build. */
function findMockBinary(explicit) {
  if (explicit) return explicit
  if (process.env.ETHORA_MOCK_BIN) return process.env.ETHORA_MOCK_BIN
  const candidates = []
  try {
    candidates.push(path.join(path.dirname(require.resolve(`${platformPackage()}/package.json`)), BINARY))
  } catch {
    // not installed: a checkout of this repository
  }
  const builds = ['release', 'debug']
    .map((profile) => path.join(__dirname, 'target', profile, BINARY))
    .filter((file) => fs.existsSync(file))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
  candidates.push(...builds)
  const found = candidates.find((file) => fs.existsSync(file))
  if (!found) {
    const install = hasPrebuild()
      ? `install ${platformPackage()} (npm installs it with @ethora-rs/sdk-backend unless optional dependencies are omitted)`
      : `no prebuilt ethora-mock exists for ${platformName()}: build it from the repository with \`cargo build --release -p ethora-mock\``
    throw new Error(`ethora-mock binary not found for ${platformName()}: ${install}, or set ETHORA_MOCK_BIN (or the \`binary\` option) to its path`)
  }
  return found
}

/**
 * Starts a mock Ethora API on 127.0.0.1 and resolves once it accepts requests.
 * @param {{ appId?: string, appSecret?: string, port?: number, binary?: string }} [options]
 */
function startMockServer(options = {}) {
  const appId = options.appId || `mock-app-${crypto.randomBytes(3).toString('hex')}`
  const appSecret = options.appSecret || crypto.randomBytes(24).toString('hex')
  let binary
  try {
    binary = findMockBinary(options.binary)
  } catch (error) {
    return Promise.reject(error)
  }
  const child = spawn(binary, ['--host', '127.0.0.1', '--port', String(options.port ?? 0), '--app-id', appId, '--app-secret', appSecret], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ETHORA_CHAT_APP_SECRET: '' },
  })
  return new Promise((resolve, reject) => {
    let output = ''
    const onExit = (code) => reject(new Error(`ethora-mock exited with code ${code} before it was ready`))
    child.once('error', reject)
    child.once('exit', onExit)
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', function firstLine(chunk) {
      output += chunk
      const newline = output.indexOf('\n')
      if (newline < 0) return
      child.stdout.off('data', firstLine)
      child.off('exit', onExit)
      const url = output.slice(0, newline).trim()
      const exited = new Promise((done) => child.once('exit', done))
      const admin = async (method, route, body) => {
        const init = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        const response = await fetch(`${url}/__mock/${route}`, init)
        const reply = await response.json()
        if (!response.ok) throw new Error(`ethora-mock: ${reply.error ?? response.status}`)
        return reply
      }
      resolve({
        url,
        appId,
        appSecret,
        /** The config object for `new EthoraSDKService(...)`. */
        config: { chatApiUrl: url, chatAppId: appId, chatAppSecret: appSecret },
        /** Everything the mock stores. */
        state: () => admin('GET', 'state'),
        /** The last 1000 requests as received (method, raw path, query, body, atMs after the start). */
        requests: () => admin('GET', 'requests'),
        /** Forgets the requests seen so far (data and faults stay). */
        clearRequests: () => admin('DELETE', 'requests'),
        /** Forgets all data, requests and queued faults. */
        reset: () => admin('POST', 'reset'),
        /** Connections accepted and open, requests served, faults still queued. */
        stats: () => admin('GET', 'stats'),
        /**
         * Makes the next `times` requests (matching `method` / raw `path` prefix when given)
         * answer with a fault instead: `{ type: 'status', status }`, `{ type: 'rateLimit', retryAfter }`,
         * `{ type: 'hang', ms }`, `{ type: 'reset' }`, `{ type: 'malformedJson' }`,
         * `{ type: 'html', status? }`, `{ type: 'empty', status? }`, `{ type: 'large', bytes? }`.
         */
        fault: (fault, { times = 1, method, path } = {}) => admin('POST', 'faults', { fault, times, method, path }),
        /** Drops all queued faults. */
        clearFaults: () => admin('DELETE', 'faults'),
        /** Stops the server; resolves when the process has exited. */
        close() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
          return exited.then(() => undefined)
        },
      })
    })
  })
}

module.exports = { startMockServer, findMockBinary }
