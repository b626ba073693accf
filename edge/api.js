// The public API of the edge build, re-exported by every runtime entry after it has
// instantiated the WebAssembly module the way its runtime expects.
export {
  EthoraSDKService,
  getEthoraSDKService,
  createClientToken,
  createServerToken,
  verifyJwtToken,
  configFromEnv,
} from './pkg/ethora_wasm.js'
export { EthoraError } from './pkg/ethora-error.js'
