// The README's demo command line: the workspace flow against the embedded mock.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

test('the demo runs the whole flow against the embedded mock when no ETHORA_CHAT_* is set', () => {
  const env = { ...process.env }
  for (const name of ['ETHORA_CHAT_API_URL', 'ETHORA_CHAT_APP_ID', 'ETHORA_CHAT_APP_SECRET']) delete env[name]
  const output = execFileSync(process.execPath, [fileURLToPath(new URL('../demo/demo.mjs', import.meta.url))], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  })
  assert.match(output, /embedded local Ethora at http:\/\/127\.0\.0\.1:\d+/)
  for (const step of ['1. Create the workspace room', '2. Create three users', '3. Grant them access', "4. List the room's members",
    '5. Update a user', '6. Mint a client token', '7. Clean up']) {
    assert.ok(output.includes(step), step)
  }
  assert.match(output, /_demo-\w+-ada: Ada Lovelace/)
  assert.match(output, /paginated #3: \S+_demo-\w+-grace/)
  assert.match(output, /result: \S+_demo-\w+-ada: updated/)
  assert.match(output, /claims: \{"data":\{"type":"client","userId":"demo-\w+-ada","appId":"mock-app-\w+"\},"iat":\d+\}/)
  assert.match(output, /expiring claims: \{"data":\{"type":"client","userId":"demo-\w+-ada","appId":"mock-app-\w+"\},"iat":\d+,"exp":\d+\}/)
  assert.match(output, /valid for: 3600 s/)
  assert.match(output, /delete room again \(already gone\): \{"ok":false,"reason":"Chat room not found"\}/)
  assert.match(output, /Done\.\n$/)
})
