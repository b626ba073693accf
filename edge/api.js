// The public API of the edge build, re-exported by every runtime entry after it has
// instantiated the WebAssembly module the way its runtime expects.
import { ListingIterator } from './pkg/ethora_wasm.js'
import { installAsyncIterator } from './pkg/shared.js'

// `for await` over what iterateUsers() and its siblings return.
installAsyncIterator(ListingIterator.prototype)

export {
  EthoraSDKService,
  getEthoraSDKService,
  createClientToken,
  createServerToken,
  verifyJwtToken,
  configFromEnv,
  ListingIterator,
} from './pkg/ethora_wasm.js'
export { EthoraError } from './pkg/shared.js'
