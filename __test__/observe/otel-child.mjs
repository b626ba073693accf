// OpenTelemetry around calls of one build (argv[2]: native | wasm), with an in-memory span
// exporter; argv[3] 'none' registers no tracer provider. Prints one JSON line: the finished
// spans, the traceparent headers the capture server received, and the secrets to look for.
import { createRequire } from 'node:module'
import { startCaptureServer } from '../helpers/capture-server.mjs'

const require = createRequire(import.meta.url)
const api = require('@opentelemetry/api')
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base')
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks')
const { W3CTraceContextPropagator } = require('@opentelemetry/core')

const [build, mode] = process.argv.slice(2)
const exporter = new InMemorySpanExporter()
if (mode !== 'none') {
  api.trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }))
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator())
}
const server = await startCaptureServer()
const { EthoraSDKService } = build === 'wasm' ? await import('../../edge/node.js') : require('../../sdk.js')
const SECRET = 'otel-secret-value'
const service = new EthoraSDKService({ chatApiUrl: server.url, chatAppId: 'otel-app', chatAppSecret: SECRET, retryBaseDelayMs: 1, retryMaxDelayMs: 5 })
const tracer = api.trace.getTracer('test')

server.reply({ status: 503, json: { error: 'busy' } })
let parentId
await tracer.startActiveSpan('parent', async (parent) => {
  parentId = parent.spanContext().spanId
  await service.getApp('secret-app-id-1')
  parent.end()
})
server.reply({ status: 200, json: { results: [{ xmppUsername: 'u' }], total: 1 } })
for await (const user of service.iterateUsers({ pageSize: 10 })) void user
const spans = exporter.getFinishedSpans().map((span) => ({
  name: span.name,
  kind: span.kind,
  traceId: span.spanContext().traceId,
  spanId: span.spanContext().spanId,
  parentId: span.parentSpanContext?.spanId ?? span.parentSpanId,
  attributes: span.attributes,
  status: span.status.code,
}))
const tokens = server.requests.map((request) => request.headers['x-custom-token'])
console.log(JSON.stringify({ parentId, spans, traceparents: server.requests.map((request) => request.headers.traceparent ?? null), secrets: [SECRET, 'secret-app-id-1', ...tokens] }))
await server.close()
