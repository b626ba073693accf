// Our generated types against @ethora/sdk-backend's: every shared type must be mutually
// assignable, the class must implement both ChatRepository interfaces, and wrong shapes
// must be rejected (each @ts-expect-error fails the build if the line compiles).
import {
  EthoraSDKService,
  getEthoraSDKService,
  createClientToken,
  createServerToken,
  verifyJwtToken,
  ETHORA_JID_DOMAIN,
  getSecrets,
  getSecretsSync,
} from '@ethora-rs/sdk-backend'
import * as reference_ from '@ethora/sdk-backend'
import type * as Ours from '@ethora-rs/sdk-backend'
import type * as Ref from '@ethora/sdk-backend'
import type { DeclaredMethods } from './generated/declared-methods.js'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
function same<A, B>(_proof: Same<A, B>): void {}

same<Ours.UUID, Ref.UUID>(true)
same<Ours.ApiResponse, Ref.ApiResponse>(true)
same<Ours.UpdateUserData, Ref.UpdateUserData>(true)
same<Ours.CreateChatRoomRequest, Ref.CreateChatRoomRequest>(true)
same<Ours.GetUsersQueryParams, Ref.GetUsersQueryParams>(true)
same<Ours.GetUserChatsQueryParams, Ref.GetUserChatsQueryParams>(true)
same<Ours.CreateAppRequest, Ref.CreateAppRequest>(true)
same<Ours.ListAppsQueryParams, Ref.ListAppsQueryParams>(true)
same<Ours.BatchCreateUsersRequest, Ref.BatchCreateUsersRequest>(true)
same<Ours.CreateAppTokenRequest, Ref.CreateAppTokenRequest>(true)
same<Ours.RotateAppTokenRequest, Ref.RotateAppTokenRequest>(true)
same<Ours.ProvisionAppRequest, Ref.ProvisionAppRequest>(true)
same<Ours.ProvisionRoomRequest, Ref.ProvisionRoomRequest>(true)
same<Ours.UpdateAppBotRequest, Ref.UpdateAppBotRequest>(true)
same<Ours.CreateAppBroadcastRequest, Ref.CreateAppBroadcastRequest>(true)
same<Ours.ListAppChatsQueryParams, Ref.ListAppChatsQueryParams>(true)
same<Ours.ChatRepository, Ref.ChatRepository>(true)
same<Ours.ChatNameOptions, Ref.ChatNameOptions>(true)
same<Ours.ServerTokenPayload, Ref.ServerTokenPayload>(true)
same<Ours.ClientTokenPayload, Ref.ClientTokenPayload>(true)
same<Ours.DeleteChatRoomRequest, Ref.DeleteChatRoomRequest>(true)
same<Ours.GrantAccessRequest, Ref.GrantAccessRequest>(true)
same<Ours.UpdateUsersRequest, Ref.UpdateUsersRequest>(true)
same<Ours.Secrets, Ref.Secrets>(true)
same<typeof getSecrets, typeof reference_.getSecrets>(true)
same<typeof getSecretsSync, typeof reference_.getSecretsSync>(true)
const secrets: Ref.Secrets = getSecretsSync({ chatAppId: 'child' })
const jidDomain: string = ETHORA_JID_DOMAIN

// CreateUserData as the reference README documents it (the reference does not export it).
interface ReadmeCreateUserData {
  email: string
  firstName: string
  lastName: string
  password?: string
  displayName?: string
}
type KnownKeys<T> = { [K in keyof T as string extends K ? never : K]: T[K] }
same<KnownKeys<Ours.CreateUserData>, ReadmeCreateUserData>(true)
const documented: Ours.CreateUserData = { email: 'john@example.com', firstName: 'John', lastName: 'Doe' }

// The class implements both interfaces; every method keeps the reference's signature.
const service = new EthoraSDKService({ chatApiUrl: 'http://127.0.0.1:1', chatAppId: 'a', chatAppSecret: 's' })
const asOurs: Ours.ChatRepository = service
const asReference: Ref.ChatRepository = service
const reference = {} as Ref.EthoraSDKService
const referenceAsOurs: Ours.ChatRepository = reference
type Methods<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] }
// Every method of the reference's interface is ours (their signatures are checked below).
same<Extract<keyof Methods<EthoraSDKService>, keyof Methods<Ref.ChatRepository>>, keyof Methods<Ref.ChatRepository>>(true)
// And nothing else: every other public method is declared in the core's method list or is
// one of the few the bindings add by hand.
type HandWritten = 'toJSON' | 'on' | 'off' | 'importUsers'
same<Exclude<keyof Methods<EthoraSDKService>, keyof Methods<Ref.ChatRepository> | DeclaredMethods | HandWritten>, never>(true)
const singleton: EthoraSDKService = getEthoraSDKService()
const withConfig: EthoraSDKService = getEthoraSDKService({ chatAppId: 'other', timeoutMs: 1000 })

async function calls(): Promise<void> {
  const response: Ours.ApiResponse = await service.createUser('u1', documented)
  const anything: Record<string, unknown> = { profileImage: 'p' }
  await service.createUser('u1', anything)
  await service.createChatRoom('room', { title: 'T', description: 'free-form keys pass' })
  await service.grantUserAccessToChatRoom('room', ['u1', 'u2'])
  await service.getUsers({ chatName: 'a_room', limit: 10 })
  await service.listApps({ order: 'desc', orderBy: 'createdAt' })
  // Ethora's published examples send a picture (not in the official type).
  await service.updateChatRoom('room', { title: 'T', description: 'D', picture: 'p.png' })
  await service.broadcastToAppChats('app', { text: 'hi', allRooms: true })
  const ok: boolean | undefined = response.ok
  const token: string = createClientToken('u1') + createServerToken(undefined, { tenantId: 't' })
  const claims: Record<string, unknown> = verifyJwtToken(token, undefined, 'client')
  // Expiring client tokens (not in the reference): options are typed.
  const expiring: string =
    service.createChatUserJwtToken('u1', { expiresIn: 600 }) + createClientToken('u1', undefined, { expiresIn: 60 })
  verifyJwtToken(expiring, undefined, 'client', { clockTolerance: 10 })
  // @ts-expect-error expiresIn is a number of seconds
  createClientToken('u1', undefined, { expiresIn: '60' })
  void ok
  void claims

  // Listings, imports and job waits (not in the reference): typed items, options and results.
  for await (const user of service.iterateUsers({ chatName: 'a_room', pageSize: 50 })) {
    const xmpp: string | undefined = user.xmppUsername
    void xmpp
    break
  }
  for await (const app of service.iterateApps({ orderBy: 'createdAt', pageSize: 200 })) void app.displayName
  for await (const chat of service.iterateUserChatsInApp('app', 'u1', { includeMembers: true })) void chat.members
  const report: Ours.ImportReport = await service.importUsers(
    [{ uuid: 'u1', email: 'a@b.co', firstName: 'A', lastName: 'Bc' }],
    { concurrency: 2, signal: AbortSignal.timeout(1000), onProgress: (p) => void p.batch.indexes.length },
  )
  const failedAt: number | undefined = report.failed[0]?.index
  void failedAt
  async function* someUsers() {
    yield { uuid: 'u2', email: 'c@d.ef', firstName: 'C', lastName: 'De' }
  }
  await service.importUsers(someUsers())
  const job: Ours.ApiResponse = await service.waitForUsersBatchJob('app', 'job', { pollIntervalMs: 100, timeoutMs: 5000 })
  await service.waitForBroadcastJob('app', 'job')
  void job
  // @ts-expect-error an iterator has no limit; pageSize sets the page size
  service.iterateUsers({ limit: 10 })
  // @ts-expect-error concurrency is a number
  await service.importUsers([], { concurrency: 'many' })

  // @ts-expect-error userId must be a string
  await service.createUser(42)
  // @ts-expect-error firstName must be a string
  await service.createUser('u1', { firstName: 5 })
  // @ts-expect-error limit is a number
  await service.getUsers({ limit: '10' })
  // @ts-expect-error order is 'asc' | 'desc'
  await service.listApps({ order: 'sideways' })
  // @ts-expect-error isRAG is a boolean
  await service.updateAppBot('app', { isRAG: 'yes' })
  // @ts-expect-error displayName is required
  await service.createApp({ appTagline: 'x' })
  // @ts-expect-error text is required
  await service.broadcastToAppChats('app', { allRooms: true })
  // @ts-expect-error members are ids, not numbers
  await service.grantUserAccessToChatRoom('room', [1, 2])
  // @ts-expect-error title is a string
  await service.updateChatRoom('room', { title: 5 })
  // @ts-expect-error usersList is required
  await service.createUsersInApp('app', { bypassEmailConfirmation: true })
  // @ts-expect-error timeoutMs is a number
  new EthoraSDKService({ timeoutMs: '5' })
  // @ts-expect-error verifyJwtToken expects 'server' or 'client'
  verifyJwtToken('t', undefined, 'admin')
}
// @ts-expect-error email, firstName and lastName are required in CreateUserData
const incomplete: Ours.CreateUserData = { firstName: 'A' }

void [jidDomain, asOurs, asReference, referenceAsOurs, singleton, withConfig, calls, incomplete]
