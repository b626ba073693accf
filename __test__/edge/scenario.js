// The edge scenario, run unchanged inside workerd, edge-runtime and Deno against the local
// mock. Plain ES module without runtime APIs: the runtime's worker imports the SDK the way
// users do and passes its module namespace in. Returns what happened; the Node test checks
// it and the mock's state.

function describeError(error, sdk) {
  return {
    isEthoraError: error instanceof sdk.EthoraError,
    isError: error instanceof Error,
    name: error?.name,
    code: error?.code,
    status: error?.status,
    attempts: error?.attempts,
    retryable: error?.retryable,
    message: String(error?.message),
  }
}

/**
 * @param sdk the imported `@ethora-rs/sdk-backend` module
 * @param input `{ config, runId }`: the mock's config and a prefix for ids
 */
export async function runScenario(sdk, { config, runId }) {
  const service = new sdk.EthoraSDKService({ ...config, retryBaseDelayMs: 20 })
  const room = `${runId}-room`
  const users = [1, 2, 3].map((n) => `${runId}-user-${n}`)
  const report = { runtime: typeof globalThis.navigator?.userAgent === 'string' ? globalThis.navigator.userAgent : 'unknown' }

  report.exports = Object.keys(sdk).sort()
  report.jidDomain = sdk.ETHORA_JID_DOMAIN
  report.clientToken = service.createChatUserJwtToken(users[0])
  report.room = await service.createChatRoom(room, { title: 'Edge room' })
  report.users = []
  for (const [index, user] of users.entries()) {
    report.users.push(
      await service.createUser(user, {
        firstName: 'Edge',
        lastName: `Runner${index + 1}`,
        email: `${user}@example.com`,
      }),
    )
  }
  report.grant = await service.grantUserAccessToChatRoom(room, users)
  // The test queues one 503 for this request: it is retried and succeeds.
  report.members = await service.getUsers({ chatName: service.createChatName(room, false) })
  // The room's members a page of two at a time (two page requests).
  report.iterated = []
  for await (const member of service.iterateUsers({ chatName: service.createChatName(room, false), pageSize: 2 })) {
    report.iterated.push(member.xmppUsername)
  }
  report.update = await service.updateUsers([
    { xmppUsername: `${config.chatAppId}_${users[1]}`, firstName: 'Renamed' },
  ])
  report.deleteRoom = await service.deleteChatRoom(room)

  const wrongSecret = new sdk.EthoraSDKService({ ...config, chatAppSecret: 'not-the-app-secret' })
  report.wrongSecret = await wrongSecret.getUsers().then(
    () => null,
    (error) => describeError(error, sdk),
  )
  // The test makes this request hang: the per-request time limit ends it.
  const impatient = new sdk.EthoraSDKService({ ...config, timeoutMs: 300, maxRetries: 0 })
  report.timeout = await impatient.listApps().then(
    () => null,
    (error) => describeError(error, sdk),
  )
  report.validation = await service.createUser('  ').then(
    () => null,
    (error) => describeError(error, sdk),
  )
  // Two more users through the bulk import, after the hanging listApps (its job polled on the runtime's timer).
  report.imported = await service.importUsers(
    [4, 5].map((n) => ({ uuid: `${runId}-user-${n}`, email: `${runId}-${n}@example.com`, firstName: 'Edge', lastName: 'Importer' })),
    { pollIntervalMs: 1 },
  )
  return report
}
