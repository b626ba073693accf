// Copies the Express, NestJS and Fastify snippets out of @ethora/sdk-backend's README into
// generated/, changing only the import path to ours, so that `tsc --strict` checks them
// against our package. The NestJS and Fastify snippets use SDK types they never import
// (a defect of that README); for those two, one `import type` line is added on top.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = path.dirname(fileURLToPath(import.meta.url))
const readmePath = path.join(path.dirname(require.resolve('@ethora/sdk-backend/package.json')), 'README.md')
const readme = fs.readFileSync(readmePath, 'utf8')

/** The first ```typescript block after `heading`. */
function snippetAfter(heading) {
  const start = readme.indexOf(heading)
  if (start < 0) throw new Error(`heading not found in the reference README: ${heading}`)
  const open = readme.indexOf('```typescript\n', start)
  const close = readme.indexOf('\n```', open + 14)
  return readme.slice(open + 14, close + 1)
}

const ourImport = (code) => code.replaceAll("'@ethora/sdk-backend'", "'@ethora-rs/sdk-backend'")
const missingTypes = "import type { ApiResponse, ChatRepository, CreateChatRoomRequest, CreateUserData } from '@ethora-rs/sdk-backend';\n"

const outDir = path.join(here, 'generated')
fs.rmSync(outDir, { recursive: true, force: true })
fs.mkdirSync(path.join(outDir, 'chat'), { recursive: true })

fs.writeFileSync(path.join(outDir, 'express-routes.ts'), ourImport(snippetAfter('### Pattern 1: Express.js Integration')))

// The NestJS snippet holds two files: chat/chat.service.ts and chat/chat.controller.ts.
const nest = ourImport(snippetAfter('### Pattern 2: NestJS Integration'))
const controllerAt = nest.indexOf('// chat/chat.controller.ts')
fs.writeFileSync(path.join(outDir, 'chat', 'chat.service.ts'), missingTypes + nest.slice(0, controllerAt))
fs.writeFileSync(path.join(outDir, 'chat', 'chat.controller.ts'), missingTypes + nest.slice(controllerAt))

fs.writeFileSync(path.join(outDir, 'fastify-routes.ts'), missingTypes + ourImport(snippetAfter('### Pattern 3: Fastify Integration')))
console.log(`README snippets written to ${path.relative(process.cwd(), outDir)}`)

// Our own README's `ensure*` examples, each a module of its own.
const ours = fs.readFileSync(path.join(here, '..', '..', 'README.md'), 'utf8')
const ensureStart = ours.indexOf('### Provisioning that can run again')
const ensureSection = ours.slice(ensureStart, ours.indexOf('\n### ', ensureStart + 1))
const ensureBlocks = [...ensureSection.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((m) => m[1])
if (ensureStart < 0 || ensureBlocks.length !== 2) throw new Error('the README has not the two `ensure*` examples')
ensureBlocks.forEach((code, i) => fs.writeFileSync(path.join(outDir, `readme-ensure-${i + 1}.ts`), `${code}\nexport {}\n`))
