// `ethora`: the SDK's command line (the package's `bin`). Bundled with its CSV library into
// bin/ethora.cjs by scripts/build-cli.mjs; the SDK and the mock are loaded from the package
// at run time. Configured by the same ETHORA_CHAT_* variables as the SDK. Errors print the
// SDK's messages, which never hold the app secret or a token.
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { parseArgs } = require('node:util')
const { parse: parseCsv } = require('csv-parse/sync')
const { stringify: stringifyCsv } = require('csv-stringify/sync')

const EXIT = { ok: 0, failure: 1, usage: 2, rowsFailed: 3, interrupted: 130 }

const HELP = `Usage: ethora <command> [options]

Commands:
  import-users <file>       Create the users of a CSV (header row) or JSON Lines file
  token <userId>            Print a client token for the user
  mock                      Run a local Ethora API for development
  doctor                    Check the configuration and the connection to the API

Configuration: ETHORA_CHAT_API_URL, ETHORA_CHAT_APP_ID, ETHORA_CHAT_APP_SECRET
(and the SDK's other variables, such as HTTPS_PROXY or NODE_EXTRA_CA_CERTS).

import-users <file> options:
  --format <csv|jsonl>      File format (default: from the extension; .csv is CSV)
  --app-id <id>             Import into this app (default: ETHORA_CHAT_APP_ID)
  --concurrency <n>         Batches in flight, 1-16 (default 4)
  --batch-size <n>          Users per batch, 1-100 (default 100)
  --poll-interval-ms <n>    First wait between reads of a batch's job (default 200)
  --report <file>           Where failed rows go as CSV (default: <file>.failed.csv)
  --resume <state-file>     Record finished batches there and skip them when it exists
                            (default: <file>.state.json, removed after a complete run)
  --dry-run                 Check the file and print what would be sent; send nothing
  Rows need uuid, email, firstName and lastName; other columns are sent as they are.
  A bad row is reported with its line number and does not stop the rest.
  Ctrl-C stops after the batches in flight (their state is saved); twice stops at once.

token <userId> options:
  --expires-in <seconds>    The token expires that many seconds from now

mock options:
  --port <n>                Port on 127.0.0.1 (default: a free one)
  --app-id <id>             App id the mock serves (default: a random one)
  --app-secret <secret>     Secret it expects tokens to be signed with (default: random)

Exit codes:
  0    Done (import-users: every row created or already there)
  1    The API or the configuration failed; doctor found a problem
  2    Usage: unknown command or option, missing argument, unreadable file
  3    import-users finished, but some rows failed (see the report file)
  130  Interrupted (Ctrl-C); import-users saved its state for --resume
`

class UsageError extends Error {}

function sdk() {
  return require('../sdk.js')
}

/** The SDK's error message (secret-free by construction), or the error's. */
function describe(error) {
  if (error && typeof error === 'object' && typeof error.code === 'string' && error.code.startsWith('ETHORA_')) {
    return `${error.message} (${error.code})`
  }
  return String(error && error.message ? error.message : error)
}

function number(value, name) {
  if (value === undefined) return undefined
  const parsed = Number(value)
  if (!Number.isFinite(parsed)) throw new UsageError(`${name} must be a number, got ${JSON.stringify(value)}`)
  return parsed
}

function parse(argv, options, positionals) {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...options }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError(error.message)
  }
  if (!parsed.values.help && parsed.positionals.length !== positionals) {
    throw new UsageError(positionals ? 'one argument is required' : 'no argument is expected')
  }
  return parsed
}

// ---------------------------------------------------------------------------- import-users

/** Rows of the file: `{ line, user }`, or `{ line, reason }` for a row that cannot be read. */
function readRows(file, format) {
  let text
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${error.code || error.message}`)
  }
  const kind = format || (path.extname(file).toLowerCase() === '.csv' ? 'csv' : 'jsonl')
  if (kind === 'jsonl') {
    const rows = []
    text.split(/\r?\n/).forEach((raw, index) => {
      if (raw.trim() === '') return
      const line = index + 1
      try {
        const user = JSON.parse(raw)
        if (user === null || typeof user !== 'object' || Array.isArray(user)) rows.push({ line, reason: 'is not a JSON object' })
        else rows.push({ line, user })
      } catch {
        rows.push({ line, reason: 'is not valid JSON' })
      }
    })
    return rows
  }
  if (kind !== 'csv') throw new UsageError(`--format must be csv or jsonl, got ${JSON.stringify(kind)}`)
  const rows = []
  let records
  try {
    records = parseCsv(text, {
      columns: true,
      bom: true,
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      skip_records_with_error: true,
      on_skip: (error) => rows.push({ line: error.lines, reason: `cannot be read as CSV: ${error.message.split(':')[0]}` }),
    })
  } catch (error) {
    throw new UsageError(`cannot read ${file} as CSV: ${error.message}`)
  }
  for (const { record, info } of records) {
    // Empty cells are left out, so optional columns may stay blank.
    const user = Object.fromEntries(Object.entries(record).filter(([, value]) => value !== ''))
    rows.push({ line: info.lines, user })
  }
  return rows.sort((a, b) => a.line - b.line)
}

function loadState(file, input, size) {
  if (!fs.existsSync(file)) return { version: 1, input, size, done: [], failed: [] }
  let state
  try {
    state = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    throw new UsageError(`${file} is not a state file of ethora import-users`)
  }
  if (state.version !== 1 || !Array.isArray(state.done) || !Array.isArray(state.failed)) {
    throw new UsageError(`${file} is not a state file of ethora import-users`)
  }
  if (state.input !== input || state.size !== size) {
    throw new UsageError(`${file} records an import of ${state.input} (${state.size} bytes), not of this file`)
  }
  return state
}

function saveState(file, state) {
  const partial = `${file}.tmp`
  fs.writeFileSync(partial, JSON.stringify(state))
  fs.renameSync(partial, file)
}

/** Progress: a bar on a terminal, a plain line at most twice a second otherwise. */
function progressReporter(total) {
  const stream = process.stderr
  let last = 0
  return (counts, final = false) => {
    const done = counts.created + counts.existed + counts.failed
    if (stream.isTTY) {
      const width = 30
      const share = total ? Math.min(1, done / total) : 1
      const bar = '#'.repeat(Math.round(share * width)).padEnd(width, '.')
      stream.write(`\r[${bar}] ${done}/${total} rows  created ${counts.created}  existed ${counts.existed}  failed ${counts.failed}${final ? '\n' : ''}`)
      return
    }
    const now = Date.now()
    if (!final && now - last < 500) return
    last = now
    stream.write(`progress: ${done}/${total} rows, ${counts.batches} batches; created ${counts.created}, existed ${counts.existed}, failed ${counts.failed}\n`)
  }
}

async function importUsers(argv) {
  const { values, positionals } = parse(
    argv,
    {
      format: { type: 'string' },
      'app-id': { type: 'string' },
      concurrency: { type: 'string' },
      'batch-size': { type: 'string' },
      'poll-interval-ms': { type: 'string' },
      report: { type: 'string' },
      resume: { type: 'string' },
      'dry-run': { type: 'boolean' },
    },
    1,
  )
  if (values.help) return help()
  const file = positionals[0]
  const rows = readRows(file, values.format)
  const input = path.resolve(file)
  const size = fs.statSync(file).size
  const stateFile = values.resume ?? `${file}.state.json`
  const state = loadState(stateFile, input, size)
  const done = new Set(state.done)
  const failedBefore = new Map(state.failed.map((f) => [f.line, f]))
  const unreadable = rows.filter((row) => !row.user).map((row) => ({ line: row.line, uuid: '', reason: `line ${row.reason}` }))
  const pending = rows.filter((row) => row.user && !done.has(row.line))
  const options = {
    appId: values['app-id'],
    concurrency: number(values.concurrency, '--concurrency'),
    batchSize: number(values['batch-size'], '--batch-size'),
    pollIntervalMs: number(values['poll-interval-ms'], '--poll-interval-ms'),
  }

  const { EthoraSDKService } = sdk()
  const chat = new EthoraSDKService()

  if (values['dry-run']) {
    const batches = []
    const report = await chat.importUsers(
      pending.map((row) => row.user),
      { ...options, dryRun: true, onProgress: (p) => batches.push(p.batch.indexes.map((i) => pending[i].line)) },
    )
    const appId = options.appId ?? chat.toJSON().chatAppId
    console.log(`Dry run of ${file}: ${rows.length} rows${done.size ? `, ${done.size} already imported (${stateFile})` : ''}.`)
    console.log(`Would send ${report.batches} batch(es) to POST /v2/apps/${appId}/users/batch:`)
    batches.forEach((lines, number) => console.log(`  batch ${number + 1}: ${lines.length} users, lines ${lines[0]}-${lines.at(-1)}`))
    const invalid = [...unreadable, ...report.failed.map((f) => ({ line: pending[f.index].line, uuid: f.uuid ?? '', reason: f.reason }))]
    invalid.sort((a, b) => a.line - b.line)
    console.log(invalid.length ? `${invalid.length} row(s) would not be sent:` : 'Every row passes the checks.')
    for (const row of invalid) console.log(`  line ${row.line}: ${row.reason}`)
    return invalid.length ? EXIT.rowsFailed : EXIT.ok
  }

  // Ctrl-C: the first stops feeding new rows (the batches in flight finish and are saved),
  // the second aborts at once.
  let stopping = false
  const controller = new AbortController()
  const onInterrupt = () => {
    if (stopping) {
      controller.abort()
      return
    }
    stopping = true
    process.stderr.write('\nStopping after the batches in flight (Ctrl-C again stops at once)...\n')
  }
  process.on('SIGINT', onInterrupt)
  process.on('SIGTERM', onInterrupt)
  async function* users() {
    for (const row of pending) {
      if (stopping) return
      yield row.user
    }
  }

  const counts = { created: 0, existed: 0, failed: 0, batches: 0 }
  const show = progressReporter(pending.length)
  const failedNow = []
  let report
  let failure
  try {
    report = await chat.importUsers(users(), {
      ...options,
      signal: controller.signal,
      onProgress: (p) => {
        for (const index of p.batch.indexes) done.add(pending[index].line)
        for (const f of p.batch.failed) failedNow.push({ line: pending[f.index].line, uuid: f.uuid ?? '', reason: f.reason })
        // Totals of this run, the rows that failed the checks included.
        counts.created = p.created
        counts.existed = p.existed
        counts.failed = p.failed
        counts.batches = p.batchesDone
        state.done = [...done]
        state.failed = [...failedBefore.values(), ...failedNow]
        saveState(stateFile, state)
        show(counts)
      },
    })
  } catch (error) {
    failure = error
  } finally {
    process.off('SIGINT', onInterrupt)
    process.off('SIGTERM', onInterrupt)
  }
  show(counts, true)

  const invalid = report ? report.failed.filter((f) => !done.has(pending[f.index].line)) : []
  const failures = [
    ...unreadable,
    ...failedBefore.values(),
    ...failedNow,
    ...invalid.map((f) => ({ line: pending[f.index].line, uuid: f.uuid ?? '', reason: f.reason })),
  ]
  const byLine = new Map(failures.map((f) => [f.line, f]))
  const reportFile = values.report ?? `${file}.failed.csv`
  if (byLine.size) {
    const sorted = [...byLine.values()].sort((a, b) => a.line - b.line)
    fs.writeFileSync(reportFile, stringifyCsv(sorted, { header: true, columns: ['line', 'uuid', 'reason'] }))
  }
  const left = pending.filter((row) => !done.has(row.line)).length
  if (failure || stopping) {
    const why = failure && failure.code !== 'ETHORA_ABORTED' ? `failed: ${describe(failure)}` : 'was interrupted'
    console.error(`The import ${why}. ${counts.batches} batch(es) finished in this run, ${left} row(s) left.`)
    console.error(`Continue with: ethora import-users ${file} --resume ${stateFile}`)
    return failure && failure.code !== 'ETHORA_ABORTED' ? EXIT.failure : EXIT.interrupted
  }
  console.log(`Imported ${file}: created ${counts.created}, existed ${counts.existed}, failed ${byLine.size}${byLine.size ? ` (rows in ${reportFile})` : ''}.`)
  if (values.resume === undefined) fs.rmSync(stateFile, { force: true })
  return byLine.size ? EXIT.rowsFailed : EXIT.ok
}

// ---------------------------------------------------------------------------- token, mock

function token(argv) {
  const { values, positionals } = parse(argv, { 'expires-in': { type: 'string' } }, 1)
  if (values.help) return help()
  const expiresIn = number(values['expires-in'], '--expires-in')
  const options = expiresIn === undefined ? undefined : { expiresIn }
  console.log(sdk().createClientToken(positionals[0], undefined, options))
  return EXIT.ok
}

async function mock(argv) {
  const { values } = parse(argv, { port: { type: 'string' }, 'app-id': { type: 'string' }, 'app-secret': { type: 'string' } }, 0)
  if (values.help) return help()
  const { startMockServer } = require('../mock.js')
  const server = await startMockServer({ port: number(values.port, '--port'), appId: values['app-id'], appSecret: values['app-secret'] })
  console.log(`Local Ethora API at ${server.url} (Ctrl-C stops it). For your shell:`)
  console.log(`export ETHORA_CHAT_API_URL=${server.url}`)
  console.log(`export ETHORA_CHAT_APP_ID=${server.appId}`)
  console.log(`export ETHORA_CHAT_APP_SECRET=${server.appSecret}`)
  await new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  return EXIT.ok
}

// ---------------------------------------------------------------------------- doctor

const TLS_ADVICE = {
  CERT_UNTRUSTED: 'is not signed by a CA this machine trusts: give your private CA with NODE_EXTRA_CA_CERTS or the `ca` option',
  CERT_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet: check this machine\'s clock',
  CERT_HOSTNAME_MISMATCH: 'was issued for another host name than the one in ETHORA_CHAT_API_URL',
  CERT_INVALID: 'is not a valid certificate',
}

async function doctor(argv) {
  const { values } = parse(argv, {}, 0)
  if (values.help) return help()
  const { EthoraSDKService, configFromEnv } = sdk()
  const config = configFromEnv()
  let chat
  try {
    chat = new EthoraSDKService({ ...config, maxRetries: 0, timeoutMs: 10_000 })
  } catch (error) {
    const missing = /^Missing required/.test(error.message) ? [...new Set(error.message.match(/ETHORA_CHAT_\w+/g))] : []
    console.log(missing.length
      ? `Configuration: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set (ETHORA_CONFIG).`
      : `Configuration: ${describe(error).split('\n')[0]}`)
    return EXIT.failure
  }
  const { chatApiUrl, chatAppId } = chat.toJSON()
  console.log(`Configuration: API ${chatApiUrl}, app ${chatAppId}, secret set.`)
  let problems = 0
  const started = Date.now()
  try {
    await chat.getUsers({ limit: 1 })
    console.log(`API: an authenticated request (GET /v2/chats/users?limit=1) succeeded in ${Date.now() - started} ms.`)
  } catch (error) {
    problems++
    if (error.code === 'ETHORA_TLS') {
      console.log(`TLS: the server's certificate ${TLS_ADVICE[error.tlsReason] ?? 'was refused'} (${error.tlsReason}).`)
    } else if (error.status === 401) {
      console.log('API: the server refused the credentials (401): check ETHORA_CHAT_APP_SECRET and ETHORA_CHAT_APP_ID.')
    } else if (error.status === 403) {
      console.log('API: the server answered 403: these credentials may not list the app\'s users.')
    } else if (typeof error.status === 'number') {
      console.log(`API: the server answered ${error.status} to GET /v2/chats/users: is ETHORA_CHAT_API_URL the API's address?`)
    } else {
      console.log(`API: could not reach ${chatApiUrl}: ${describe(error)}.`)
    }
  }
  try {
    const before = Date.now()
    const response = await fetch(chatApiUrl, { method: 'HEAD', signal: AbortSignal.timeout(10_000) })
    const after = Date.now()
    const date = Date.parse(response.headers.get('date') ?? '')
    if (Number.isNaN(date)) {
      console.log('Clock: the server sent no Date header to compare with.')
    } else {
      // The header has whole seconds: up to a second (plus the round trip) is no skew.
      const skew = Math.round(((before + after) / 2 - date) / 1000)
      if (Math.abs(skew) > 30) {
        problems++
        console.log(`Clock: this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} the server's; tokens with iat/exp may be refused: set the clock right.`)
      } else {
        console.log(`Clock: within ${Math.abs(skew)} s of the server's.`)
      }
    }
  } catch (error) {
    console.log(`Clock: could not read the server's Date header (${describe(error)}).`)
  }
  console.log(problems ? `${problems} problem(s) found.` : 'Everything looks right.')
  return problems ? EXIT.failure : EXIT.ok
}

// ---------------------------------------------------------------------------- main

function help() {
  process.stdout.write(HELP)
  return EXIT.ok
}

async function main(argv) {
  const [command, ...rest] = argv
  switch (command) {
    case 'import-users':
      return importUsers(rest)
    case 'token':
      return token(rest)
    case 'mock':
      return mock(rest)
    case 'doctor':
      return doctor(rest)
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      return help()
    case '--version':
      console.log(require('../package.json').version)
      return EXIT.ok
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error) => {
    if (error instanceof UsageError) {
      console.error(`ethora: ${error.message}\nRun \`ethora --help\` for the commands and options.`)
      process.exitCode = EXIT.usage
    } else {
      console.error(`ethora: ${describe(error)}`)
      process.exitCode = EXIT.failure
    }
  },
)
