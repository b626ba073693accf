// Loopback TLS fixtures for the trust and proxy tests: a private CA and server certificates
// made with openssl in a throwaway folder, HTTPS servers that answer like the Ethora API and
// record what they received, and an HTTP proxy that tunnels with CONNECT and records what
// passed through it.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'

function openssl(dir, args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
}

function makeCa(dir, name) {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`,
    '-days', '2', '-subj', `/CN=Ethora test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
}

/**
 * A server certificate signed by `ca`, for `altNames`, valid from `start` to `end`
 * (openssl `ca` dates, YYYYMMDDHHMMSSZ) so that an expired one can be made too.
 */
function makeServerCert(dir, name, ca, altNames, start, end) {
  const db = path.join(dir, `${name}-db`)
  fs.mkdirSync(db)
  fs.writeFileSync(path.join(db, 'index.txt'), '')
  fs.writeFileSync(path.join(db, 'serial'), `${Date.now().toString(16).padStart(16, '0')}\n`)
  fs.writeFileSync(path.join(db, 'ca.cnf'), `[ca]
default_ca = test
[test]
dir = ${db}
database = $dir/index.txt
serial = $dir/serial
new_certs_dir = $dir
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${altNames}
`)
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`])
  openssl(dir, ['ca', '-batch', '-config', path.join(db, 'ca.cnf'), '-extensions', 'server', '-cert', `${ca}.pem`, '-keyfile', `${ca}.key`,
    '-startdate', start, '-enddate', end, '-in', `${name}.csr`, '-out', `${name}.pem`, '-notext'])
}

function stamp(date) {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'
}

/** Makes every certificate the tests need in `dir`; returns their file paths. */
export function makeCertificates(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const day = 86_400_000
  const now = Date.now()
  makeCa(dir, 'trusted-ca')
  makeCa(dir, 'other-ca')
  const loopback = 'IP:127.0.0.1,DNS:localhost'
  makeServerCert(dir, 'good', 'trusted-ca', loopback, stamp(new Date(now - day)), stamp(new Date(now + day)))
  makeServerCert(dir, 'expired', 'trusted-ca', loopback, stamp(new Date(now - 3 * day)), stamp(new Date(now - 2 * day)))
  makeServerCert(dir, 'other-host', 'trusted-ca', 'DNS:api.example.org', stamp(new Date(now - day)), stamp(new Date(now + day)))
  makeServerCert(dir, 'untrusted', 'other-ca', loopback, stamp(new Date(now - day)), stamp(new Date(now + day)))
  const file = (name) => path.join(dir, name)
  return {
    trustedCa: file('trusted-ca.pem'),
    servers: Object.fromEntries(['good', 'expired', 'other-host', 'untrusted'].map((n) => [n, { key: file(`${n}.key`), cert: file(`${n}.pem`) }])),
  }
}

/** An HTTPS server on 127.0.0.1 answering every request like `getUsers`; records requests. */
export function startHttpsApi({ key, cert }) {
  const received = []
  const server = https.createServer({ key: fs.readFileSync(key), cert: fs.readFileSync(cert) }, (request, response) => {
    received.push({ method: request.method, url: request.url, authorization: Boolean(request.headers.authorization) })
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ results: [{ xmppUsername: 'app_u1' }], total: 1 }))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `https://127.0.0.1:${server.address().port}`,
        received,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()) }),
      })
    })
  })
}

/**
 * An HTTP proxy on 127.0.0.1: tunnels CONNECT to the target and forwards plain requests;
 * records each request line and whether (and which) Proxy-Authorization came with it.
 */
export function startProxy() {
  const seen = []
  const sockets = new Set()
  const server = http.createServer((request, response) => {
    seen.push({ method: request.method, target: request.url, proxyAuthorization: request.headers['proxy-authorization'] ?? null })
    response.writeHead(502, { 'content-type': 'text/plain' })
    response.end('this test proxy only tunnels (CONNECT)')
  })
  server.on('connect', (request, client, head) => {
    seen.push({ method: 'CONNECT', target: request.url, proxyAuthorization: request.headers['proxy-authorization'] ?? null })
    const [host, port] = request.url.split(':')
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length) upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {})
    }
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        seen,
        close: () => new Promise((done) => { for (const s of sockets) s.destroy(); server.close(() => done()) }),
      })
    })
  })
}
