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

export interface MockServer {
  url: string
  appId: string
  appSecret: string
  /** The config object for `new EthoraSDKService(...)`. */
  config: Required<Pick<EthoraSDKConfig, 'chatApiUrl' | 'chatAppId' | 'chatAppSecret'>>
  /** Everything the mock stores. */
  state(): Promise<Record<string, unknown>>
  /** The last requests as received: method, raw path, query, body. */
  requests(): Promise<Array<{ method: string; path: string; query: string | null; body: unknown }>>
  /** Forgets all data and requests. */
  reset(): Promise<{ ok: boolean }>
  /** Stops the server. */
  close(): Promise<void>
}

export declare function startMockServer(options?: MockServerOptions): Promise<MockServer>
export declare function findMockBinary(explicit?: string): string
