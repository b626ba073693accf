// Which prebuilt platform package fits this machine: shared by the package entry (sdk.js)
// and startMockServer() (mock.js).
'use strict'

const PACKAGE = '@ethora-rs/sdk-backend'

/** `linux-x64-gnu`, `linux-arm64-musl`, `darwin-arm64`, `win32-x64`, ... */
function platformName() {
  if (process.platform !== 'linux') return `${process.platform}-${process.arch}`
  let glibc = true
  try {
    glibc = Boolean(process.report.getReport().header.glibcVersionRuntime)
  } catch {
    // no report: assume glibc, the common case
  }
  return `${process.platform}-${process.arch}-${glibc ? 'gnu' : 'musl'}`
}

/** The platform package for this machine (the Windows addon is built with the GNU toolchain). */
function platformPackage() {
  const name = platformName()
  return `${PACKAGE}-${name === 'win32-x64' ? 'win32-x64-gnu' : name}`
}

/** Whether the package publishes a prebuild for this machine. */
function hasPrebuild() {
  const { optionalDependencies = {} } = require('../package.json')
  return Object.prototype.hasOwnProperty.call(optionalDependencies, platformPackage())
}

module.exports = { PACKAGE, platformName, platformPackage, hasPrebuild }
