import type { EthoraSDKConfig } from './index'

export interface MockServerOptions {
  /** App id the mock serves (default: a random `mock-app-…`). */
  appId?: string
  /** Secret the server tokens must be signed with (default: random). */
  appSecret?: string
  /** Port on 127.0.0.1 (default 0: a free one). */
  port?: number
  /** Path of the `ethora-mock` binary (default: ETHORA_MOCK_BIN, the platform package, a local build). */
  binary?: string
}

export type MockFault =
  | {
      type: 'status'
      status: number
      /** Sent as JSON. */
      body?: unknown
      /** The body's bytes exactly as sent (0-255 each), instead of `body`. */
      bodyBytes?: number[]
      headers?: Record<string, string>
    }
  | { type: 'rateLimit'; retryAfter?: string | number }
  | { type: 'hang'; ms?: number }
  | { type: 'reset' }
  | { type: 'malformedJson' }
  | { type: 'html'; status?: number }
  | { type: 'empty'; status?: number }
  | { type: 'large'; bytes?: number }

export interface MockServer {
  url: string
  appId: string
  appSecret: string
  /** The config object for `new EthoraSDKService(...)`. */
  config: Required<Pick<EthoraSDKConfig, 'chatApiUrl' | 'chatAppId' | 'chatAppSecret'>>
  /** Everything the mock stores. */
  state(): Promise<Record<string, unknown>>
  /** The last 1000 requests as received: method, raw path, query, body, and when (ms after the mock started). */
  requests(): Promise<Array<{ method: string; path: string; query: string | null; body: unknown; atMs: number }>>
  /** Forgets the requests seen so far (data and faults stay). */
  clearRequests(): Promise<{ ok: boolean }>
  /** Forgets all data, requests and queued faults. */
  reset(): Promise<{ ok: boolean }>
  /** Connections accepted and open, requests served, faults still queued. */
  stats(): Promise<{ connectionsAccepted: number; connectionsOpen: number; peakOpenConnections: number; requests: number; faultsPending: number }>
  /** Makes the next `times` matching requests answer with `fault` instead (the request is not applied). */
  fault(fault: MockFault, options?: { times?: number; method?: string; path?: string }): Promise<{ ok: boolean }>
  /** Drops all queued faults. */
  clearFaults(): Promise<{ ok: boolean }>
  /** Stops the server. */
  close(): Promise<void>
}

export declare function startMockServer(options?: MockServerOptions): Promise<MockServer>
export declare function findMockBinary(explicit?: string): string
