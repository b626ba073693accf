// The package entry (`require` and `import` of `@ethora-rs/sdk-backend` in Node).
//
// It loads the native addon through napi-rs's generated loader (index.js), which finds the
// platform package npm installed through optionalDependencies. Where no native addon loads
// (a platform without a prebuild, `npm install --omit=optional`, a broken install) it falls
// back to the WebAssembly build (edge/node.cjs): the same classes, methods, errors and types,
// slower per call. The fallback says so once, with a process warning naming the platform and
// the reason. ETHORA_SDK_BUILD chooses on purpose:
//   unset     native addon, WebAssembly fallback with a warning
//   'wasm'    the WebAssembly build, no warning
//   'native'  the native addon or the loader's own error, never the fallback
'use strict'

const { PACKAGE, platformName, platformPackage } = require('./js/platform.js')

const WARNING_CODE = 'ETHORA_SDK_WASM_FALLBACK'

/** One short sentence from napi's load error: what was missing or why the addon failed. */
function loadFailure(error) {
  const reasons = []
  for (let cause = error && error.cause; cause; cause = cause.cause) {
    const message = String(cause.message || cause).split('\n')[0]
    // napi's loader also looks for WASI builds this package does not ship: not a reason.
    if (/wasm32-wasi|\.wasi\.cjs/.test(message)) continue
    const missing = /Cannot find module '(@ethora-rs\/[^']+)'/.exec(message)
    if (missing) reasons.push(`${missing[1]} is not installed`)
    else if (!/Cannot find module '\.\/[^']+\.node'/.test(message)) reasons.push(message)
  }
  if (reasons.length === 0) return String((error && error.message) || error).split('\n')[0]
  return [...new Set(reasons.reverse())].join('; ')
}

/**
 * A second look when napi's loader found nothing: the platform package that fits this
 * machine by Node's own report of its libc (js/platform.js). It covers two cases napi's
 * loader misses: the Windows addon, built with the GNU toolchain (MSVC's needs files from
 * outside the package registries), which napi's loader looks for only on a GNU-built Node;
 * and musl Node on a system whose /usr/bin/ldd is glibc's (napi decides musl from that file).
 */
function platformPackageAddon() {
  try {
    return require(platformPackage())
  } catch {
    return null
  }
}

function webAssemblyBuild() {
  return require('./edge/node.cjs')
}

function load() {
  const choice = process.env.ETHORA_SDK_BUILD
  if (choice === 'wasm') return webAssemblyBuild()
  if (choice !== undefined && choice !== '' && choice !== 'native') {
    throw new Error(`ETHORA_SDK_BUILD must be 'native' or 'wasm' (or unset), got ${JSON.stringify(choice)}`)
  }
  let nativeError
  try {
    return require('./index.js')
  } catch (error) {
    nativeError = error
  }
  const addon = platformPackageAddon()
  if (addon) return addon
  if (choice === 'native') throw nativeError
  const binding = webAssemblyBuild()
  process.emitWarning(
    `${PACKAGE}: no native addon for ${platformName()} loaded (${loadFailure(nativeError)}); using the WebAssembly build ` +
      `(the same API, slower per call). Install the package with its optional dependencies ` +
      `for the native addon, or set ETHORA_SDK_BUILD=wasm to choose the WebAssembly build without this warning.`,
    { code: WARNING_CODE },
  )
  return binding
}

const binding = load()
// Node's modules for the addon's relay (js/transport.js) where `process.getBuiltinModule` is
// missing (Node < 20.16); the WebAssembly build's entry gives its own.
if (typeof binding.__provideRequire === 'function') binding.__provideRequire(require)

// Assigned one by one so that Node's ESM `import` finds the names (cjs-module-lexer).
module.exports.EthoraError = binding.EthoraError
module.exports.EthoraSDKService = binding.EthoraSDKService
module.exports.configFromEnv = binding.configFromEnv
module.exports.createClientToken = binding.createClientToken
module.exports.createServerToken = binding.createServerToken
module.exports.ETHORA_JID_DOMAIN = binding.ETHORA_JID_DOMAIN
module.exports.getEthoraSDKService = binding.getEthoraSDKService
module.exports.getSecrets = binding.getSecrets
module.exports.getSecretsSync = binding.getSecretsSync
module.exports.ListingIterator = binding.ListingIterator
module.exports.verifyJwtToken = binding.verifyJwtToken
