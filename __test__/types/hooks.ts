// The per-client hooks and the transport option type-check as the README shows them, and
// wrong uses are refused.
import { EthoraSDKService, type EthoraRequestEvent, type EthoraResponseEvent } from '@ethora-rs/sdk-backend'

const chat = new EthoraSDKService({ transport: 'auto' })
const onRequest = (event: EthoraRequestEvent): void => void event.route.toUpperCase()
const onResponse = (event: EthoraResponseEvent): void => void (event.status ?? event.error ?? event.durationMs)
chat.on('request', onRequest).on('response', onResponse).off('request', onRequest).off('response', onResponse)
chat.on('response', (event) => {
  const attempt: number = event.attempt
  const wait: number | undefined = event.retryInMs
  void attempt
  void wait
})
// @ts-expect-error: only 'request' and 'response'
chat.on('finish', () => {})
// @ts-expect-error: a transport the SDK does not have
new EthoraSDKService({ transport: 'fast' })
