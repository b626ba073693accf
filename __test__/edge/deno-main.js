// Deno program running the edge scenario; the package resolves through its `deno` condition.
import * as sdk from '@ethora-rs/sdk-backend'
import { runScenario } from './scenario.js'

const input = JSON.parse(Deno.args[0])
console.log(JSON.stringify(await runScenario(sdk, input)))
