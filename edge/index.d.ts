// Types of the edge build: all of them generated into pkg/ethora_wasm.d.ts from the Rust
// sources (wasm-bindgen for the functions and the class, tsify for the interfaces, the
// shared src/typedef-header.d.ts for what generators cannot express). This file only picks
// the public names; __test__/edge-types.test.mjs compares them with the Node index.d.ts.
export type * from './pkg/ethora_wasm.js'
export {
  EthoraSDKService,
  EthoraError,
  ETHORA_JID_DOMAIN,
  getEthoraSDKService,
  createClientToken,
  createServerToken,
  verifyJwtToken,
  configFromEnv,
  getSecrets,
  getSecretsSync,
} from './pkg/ethora_wasm.js'
