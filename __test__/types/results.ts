// The methods' results are typed (not in the reference, whose every result is `ApiResponse`):
// fields read without casts, every result still assignable to the official `ApiResponse`, and
// wrong reads rejected (each @ts-expect-error fails the build if the line compiles).
import { EthoraSDKService } from '@ethora-rs/sdk-backend'
import type * as Ours from '@ethora-rs/sdk-backend'
import type * as Ref from '@ethora/sdk-backend'

type Resolved<T> = T extends (...args: never[]) => Promise<infer R> ? R : never
type Results = { [K in keyof EthoraSDKService]: Resolved<EthoraSDKService[K]> }
// Every method's result, the ensures and waits included, is the official `ApiResponse`: the
// names of those that are not must be none (but `importUsers`, whose report is ours, and
// `toJSON`).
type NotResponses = Exclude<
  { [K in keyof Results]: Results[K] extends Ref.ApiResponse ? never : K }[keyof Results],
  'importUsers' | 'toJSON'
>
const allAreResponses: [NotResponses] extends [never] ? true : NotResponses = true as const
void allAreResponses

async function reads(service: EthoraSDKService): Promise<void> {
  const xmpp: string | undefined = (await service.getUsers()).results[0].xmppUsername
  const total: number | undefined = (await service.getUsers({ limit: 5 })).total
  const jobId: string = (await service.createUser('u1')).jobId
  const batch: string = (await service.createUsersInApp('app', { usersList: [] })).jobId
  const broadcast: string = (await service.broadcastToAppChats('app', { text: 'hi', allRooms: true })).jobId
  const job = await service.waitForUsersBatchJob('app', jobId)
  const state: 'pending' | 'running' | 'completed' | 'failed' = job.state
  const statuses = job.result?.results.map((user) => user.status)
  const room: string = (await service.createChatRoom('room')).result.name
  const roomInApp: string | undefined = (await service.createChatRoomInApp('app', 'room')).result.jid
  const chats = (await service.getUserChats('u1', { includeMembers: true })).chats
  const member: string | undefined = chats[0].members?.[0].xmppUsername
  const appId: string | undefined = (await service.createApp({ displayName: 'A' })).app._id
  const appToken: string | undefined = (await service.getApp('app')).result?.appToken
  const listed = (await service.listApps()).items ?? []
  const { tokenId, token } = await service.createAppToken('app', { label: 'ci' })
  const updated = (await service.updateUsers([{ xmppUsername: 'a_u1', firstName: 'A' }])).results[0]
  const found: string | undefined = (await service.getAppUserByXmppUsername('a_u1')).result.firstName
  const deleted: boolean | undefined = (await service.deleteChatRoom('room')).ok
  const reason: string | undefined = (await service.deleteChatRoomInApp('app', 'room')).reason
  const url: string | undefined = (await service.getUsers()).url
  const ensured: boolean = (await service.ensureUser('u1')).created
  const added: string[] = (await service.ensureChatRoomMembers('room', ['u1'])).added
  const ensuredJob: string | undefined = (await service.ensureUser('u2')).response?.jobId
  const ensuredRoom: string | undefined = (await service.ensureChatRoomInApp('app', 'room')).response?.result.name
  const broadcastState: Ours.JobState = (await service.getAppBroadcastJob('app', broadcast)).state
  // Keys the types do not name are still there to read, as `unknown`.
  const more: unknown = (await service.getUsers()).results[0].tags
  void [xmpp, total, batch, state, statuses, room, roomInApp, member, appId, appToken, listed, tokenId, token]
  void [updated.status, found, deleted, reason, url, ensured, added, ensuredJob, ensuredRoom, broadcastState, more]

  // @ts-expect-error a job id is a string
  const wrong: number = (await service.createUser('u1')).jobId
  // @ts-expect-error `results` holds users, not strings
  const names: string[] = (await service.getUsers()).results
  // @ts-expect-error a job's state is one of four
  const odd: Ours.JobState = 'paused'
  void [wrong, names, odd]
}
void reads
