// Runs Node on a script in a child process (asynchronously: the servers it talks to may live
// in the test's process) and collects what it printed.
import { spawn } from 'node:child_process'

/** `{ code, stdout, stderr }` of `node ...args` (`node`: another Node binary); the child is killed after `timeoutMs`. */
export async function runNode(args, { env = process.env, cwd, timeoutMs = 60_000, node = process.execPath } = {}) {
  const child = spawn(node, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const timer = setTimeout(() => child.kill(), timeoutMs)
  const code = await new Promise((resolve) => child.once('close', resolve))
  clearTimeout(timer)
  return { code, stdout, stderr }
}
