// A real npm registry on loopback for the install tests: Verdaccio with a throwaway
// storage folder, no uplinks (nothing is fetched from elsewhere), and one user to publish as.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts Verdaccio in `dir` and registers a user. Resolves with the registry URL, an npmrc
 * file that publishes and installs through it, and `close()`.
 */
export async function startRegistry(dir) {
  fs.mkdirSync(dir, { recursive: true })
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  const config = path.join(dir, 'config.yaml')
  fs.writeFileSync(config, `storage: ${path.join(dir, 'storage')}
auth:
  htpasswd:
    file: ${path.join(dir, 'htpasswd')}
    max_users: 10
max_body_size: 1gb
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
web:
  enable: false
middlewares:
  audit:
    enabled: false
log: { type: stdout, format: json, level: warn }
`)
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let log = ''
  child.stdout.on('data', (chunk) => (log += chunk))
  child.stderr.on('data', (chunk) => (log += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))

  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited: ${log}`)
    try {
      const response = await fetch(`${url}-/ping`)
      if (response.ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill()
      throw new Error(`verdaccio did not start within 60 s: ${log}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }

  const user = await fetch(`${url}-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password-for-a-loopback-registry', type: 'user' }),
  })
  const { token } = await user.json()
  if (!token) throw new Error(`verdaccio refused the user: ${user.status}`)
  const npmrc = path.join(dir, 'npmrc')
  const host = url.replace(/^http:/, '')
  fs.writeFileSync(npmrc, `registry=${url}\n${host}:_authToken=${token}\ncache=${path.join(dir, 'npm-cache')}\naudit=false\nfund=false\nupdate-notifier=false\n`)

  return {
    url,
    npmrc,
    /** What npm needs to talk only to this registry. */
    env: { ...process.env, npm_config_userconfig: npmrc, npm_config_registry: url },
    log: () => log,
    close() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
