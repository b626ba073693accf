//! Node.js face of the Ethora SDK: converts JavaScript values and calls `ethora-core`.
//!
//! Every argument arrives as a plain JavaScript value and is checked by the core's argument
//! readers, so a wrong type is an `EthoraError` with `code: 'ETHORA_VALIDATION'` that names
//! the argument (a rejected promise for network methods), never a bare conversion error.
//! Network methods build their request with a pure core operation, send it on the tokio
//! runtime through the client's shared connection pool, and return a promise.

#![deny(clippy::all)]

mod convert;
mod dispatch;
mod errors;
mod fast;

use std::mem::ManuallyDrop;
use std::sync::Arc;

use ethora_core::calls::{self, ApiCall};
use ethora_core::config::ConfigInput;
use ethora_core::functions;
use ethora_core::{args, ApiRequest, EthoraClient, EthoraError as CoreError};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
pub use crate::errors::EthoraError;
pub use ethora_types::*;

type CoreResult<T> = ethora_core::Result<T>;

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// A JavaScript value as JSON; `undefined` (or a missing argument) is `None`, a value that
/// is not JSON fails with `unreadable`.
fn read_json(
    value: Option<Unknown>,
    unreadable: impl FnOnce() -> CoreError,
) -> CoreResult<Option<Value>> {
    let Some(value) = value else { return Ok(None) };
    match value.get_type() {
        Ok(ValueType::Undefined) => Ok(None),
        _ => Value::from_unknown(value)
            .map(Some)
            .map_err(|_| unreadable()),
    }
}

/// A JavaScript argument as JSON; `undefined` is `None`.
fn json_arg(value: Option<Unknown>, argument: &str) -> CoreResult<Option<Value>> {
    read_json(value, || calls::not_json(argument))
}

/// An id argument: a non-blank string.
fn id_arg(value: Unknown, argument: &str) -> CoreResult<String> {
    let id = match value.get_type() {
        Ok(ValueType::String) => String::from_unknown(value)
            .map_err(|_| CoreError::validation(argument, "must be a string"))?,
        _ => {
            return Err(CoreError::validation(
                argument,
                "must be a non-empty string",
            ))
        }
    };
    ethora_core::naming::require_id(argument, &id)?;
    Ok(id)
}

/// Runs `use_id` on an id argument read with a single N-API call into a stack buffer (the
/// hot path of `createChatUserJwtToken`: no type query, no length query, no allocation).
/// An id that may not have fit takes the general path.
fn with_short_id<R>(
    value: Unknown,
    argument: &str,
    use_id: impl FnOnce(&str) -> R,
) -> CoreResult<R> {
    let mut buffer = [0u8; 256];
    let mut length = 0usize;
    let raw = value.value();
    // SAFETY: `raw` is a live value of this call's environment; the buffer and the length
    // outlive the call, and N-API writes at most `buffer.len()` bytes (NUL included).
    let status = unsafe {
        napi::sys::napi_get_value_string_utf8(
            raw.env,
            raw.value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut length,
        )
    };
    if status != napi::sys::Status::napi_ok {
        return Err(CoreError::validation(
            argument,
            "must be a non-empty string",
        ));
    }
    // A string that did not fit is cut at a character boundary before the NUL, so it
    // leaves at least `buffer.len() - 4` bytes (UTF-8 characters are 1-4 bytes): anything
    // shorter is the whole string.
    if length < buffer.len() - 4 {
        if let Ok(id) = std::str::from_utf8(&buffer[..length]) {
            ethora_core::naming::require_id(argument, id)?;
            return Ok(use_id(id));
        }
    }
    let id = id_arg(value, argument)?;
    Ok(use_id(&id))
}

fn config_arg(config: Option<Unknown>) -> CoreResult<ConfigInput> {
    args::config_input(json_arg(config, "config")?.as_ref(), "config")
}

/// The arguments of a network method as JSON, each read under its parameter's name.
fn json_arguments<const N: usize>(
    call: ApiCall,
    arguments: [Option<Unknown>; N],
) -> CoreResult<Vec<Option<Value>>> {
    let parameters = call.parameters();
    arguments
        .into_iter()
        .zip(parameters)
        .map(|(value, parameter)| read_json(value, || parameter.unreadable()))
        .collect()
}

/// The Ethora chat service client: the same class, methods and requests as
/// `@ethora/sdk-backend`'s `EthoraSDKService`.
#[napi(js_name = "EthoraSDKService")]
pub struct EthoraSDKService {
    client: Arc<EthoraClient>,
}

/// The promise of a network call.
type PendingResponse<'env> = Result<PromiseRaw<'env, Unknown<'env>>>;

impl EthoraSDKService {
    /// Sends the built request (or rejects with its validation error) on the I/O thread.
    fn send<'env>(&self, env: &'env Env, request: CoreResult<ApiRequest>) -> PendingResponse<'env> {
        let client = Arc::clone(&self.client);
        let buffer = dispatch::spare_buffer();
        let promise = dispatch::start(env, async move {
            match request {
                Ok(request) => client.execute_into(request, buffer).await,
                Err(error) => Err(error),
            }
        })?;
        Ok(PromiseRaw::new(env.raw(), promise))
    }

    /// A network method: its arguments go to the core's table, the request to the transport.
    fn call<'env, const N: usize>(
        &self,
        env: &'env Env,
        call: ApiCall,
        arguments: [Option<Unknown>; N],
    ) -> PendingResponse<'env> {
        let request = json_arguments(call, arguments)
            .and_then(|values| calls::build_request(call, self.app_id(), &values));
        self.send(env, request)
    }

    fn app_id(&self) -> &str {
        self.client.app_id()
    }
}

#[napi]
impl EthoraSDKService {
    /// Explicit config values win over `ETHORA_CHAT_*` environment variables.
    #[napi(constructor)]
    pub fn new(
        env: Env,
        #[napi(ts_arg_type = "EthoraSDKConfig")] config: Option<Unknown>,
    ) -> Result<Self> {
        let client = config_arg(config)
            .and_then(|input| EthoraClient::from_input(input, process_env))
            .map_err(|error| to_js_error(&env, &error))?;
        Ok(EthoraSDKService {
            client: Arc::new(client),
        })
    }

    /// `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's
    /// conference domain. Already-prefixed ids and JIDs are not prefixed again.
    #[napi]
    pub fn create_chat_name(
        &self,
        env: Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        full: Option<bool>,
    ) -> Result<String> {
        let chat_id = id_arg(chat_id, "chatId").map_err(|e| to_js_error(&env, &e))?;
        Ok(ethora_core::naming::chat_name(
            self.app_id(),
            &chat_id,
            full.unwrap_or(true),
        ))
    }

    /// A client JWT for the user (what the front end logs in with); with
    /// `options.expiresIn` it expires that many seconds from now.
    #[napi(ts_return_type = "string")]
    pub fn create_chat_user_jwt_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: Unknown,
        #[napi(ts_arg_type = "ClientTokenOptions")] options: Option<Unknown>,
    ) -> Result<napi::JsString<'env>> {
        // The addon installs `fast::create_chat_user_jwt_token` over this method when it
        // loads; both mint through `fast::mint_client_token`.
        let token =
            fast::mint_client_token(self, user_id, options).map_err(|e| to_js_error(env, &e))?;
        // A JWT is ASCII: handing it over as Latin-1 spares the engine a UTF-8 decode.
        env.create_string_latin1(token.as_bytes())
    }

    /// POST /v2/users/batch with one user; see `CreateUserData` for the defaults.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_user<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: Unknown,
        #[napi(ts_arg_type = "Partial<CreateUserData>")] user_data: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::CreateUser, [Some(user_id), user_data])
    }

    /// POST /v2/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "Partial<CreateChatRoomRequest>")] room_data: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::CreateChatRoom, [Some(chat_id), room_data])
    }

    /// POST /v2/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn grant_user_access_to_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::GrantUserAccessToChatRoom,
            [Some(chat_id), Some(user_id)],
        )
    }

    /// DELETE /v2/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn remove_user_access_from_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::RemoveUserAccessFromChatRoom,
            [Some(chat_id), Some(user_id)],
        )
    }

    /// DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID[]")] user_ids: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::DeleteUsers, [Some(user_ids)])
    }

    /// DELETE /v1/chats; resolves `{ ok: false, reason: 'Chat room not found' }` when missing.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::DeleteChatRoom, [Some(chat_id)])
    }

    /// PATCH /v2/chats/users with 1-100 users.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UpdateUserData[]")] users: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::UpdateUsers, [Some(users)])
    }

    /// GET /v2/chats/users.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "GetUsersQueryParams")] params: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::GetUsers, [params])
    }

    /// GET /v2/apps/{appId}/users/{userId}/chats for the configured app.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_user_chats<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: Unknown,
        #[napi(ts_arg_type = "GetUserChatsQueryParams")] params: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::GetUserChats, [Some(user_id), params])
    }

    /// PATCH /v2/apps/{appId}/chats/{chatName} for the configured app.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UpdateChatRoomRequest")] update_data: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::UpdateChatRoom,
            [Some(chat_id), Some(update_data)],
        )
    }

    /// GET /v2/apps.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_apps<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "ListAppsQueryParams")] params: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::ListApps, [params])
    }

    /// GET /v2/apps/{appId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::GetApp, [Some(app_id)])
    }

    /// POST /v2/apps.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "CreateAppRequest")] app_data: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::CreateApp, [Some(app_data)])
    }

    /// DELETE /v2/apps/{appId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::DeleteApp, [Some(app_id)])
    }

    /// GET /v2/apps/{appId}/tokens.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_app_tokens<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::ListAppTokens, [Some(app_id)])
    }

    /// POST /v2/apps/{appId}/tokens.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "CreateAppTokenRequest")] payload: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::CreateAppToken, [Some(app_id), payload])
    }

    /// DELETE /v2/apps/{appId}/tokens/{tokenId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn revoke_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] token_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::RevokeAppToken, [Some(app_id), Some(token_id)])
    }

    /// POST /v2/apps/{appId}/tokens/{tokenId}/rotate.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn rotate_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] token_id: Unknown,
        #[napi(ts_arg_type = "RotateAppTokenRequest")] payload: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::RotateAppToken,
            [Some(app_id), Some(token_id), payload],
        )
    }

    /// POST /v2/apps/{appId}/provision.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn provision_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "ProvisionAppRequest")] payload: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::ProvisionApp, [Some(app_id), payload])
    }

    /// GET /v2/apps/{appId}/bot.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_bot<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::GetAppBot, [Some(app_id)])
    }

    /// PUT /v2/apps/{appId}/bot.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_app_bot<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UpdateAppBotRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::UpdateAppBot, [Some(app_id), Some(payload)])
    }

    /// POST /v2/apps/{appId}/chats/broadcast.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn broadcast_to_app_chats<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "CreateAppBroadcastRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::BroadcastToAppChats,
            [Some(app_id), Some(payload)],
        )
    }

    /// GET /v2/apps/{appId}/chats/broadcast/{jobId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_broadcast_job<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] job_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::GetAppBroadcastJob,
            [Some(app_id), Some(job_id)],
        )
    }

    /// GET /v1/apps/users/{xmppUsername}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_user_by_xmpp_username<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] xmpp_username: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::GetAppUserByXmppUsername,
            [Some(xmpp_username)],
        )
    }

    /// POST /v2/apps/{appId}/users/batch (answers 202 with a job id).
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_users_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "BatchCreateUsersRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::CreateUsersInApp,
            [Some(app_id), Some(payload)],
        )
    }

    /// GET /v2/apps/{appId}/users/batch/{jobId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_users_batch_job<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] job_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::GetUsersBatchJob, [Some(app_id), Some(job_id)])
    }

    /// DELETE /v2/apps/{appId}/users/batch.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_users_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID[]")] user_ids: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::DeleteUsersInApp,
            [Some(app_id), Some(user_ids)],
        )
    }

    /// POST /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "Partial<CreateChatRoomRequest>")] room_data: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::CreateChatRoomInApp,
            [Some(app_id), Some(chat_id), room_data],
        )
    }

    /// GET /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_chats_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "ListAppChatsQueryParams")] params: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(env, ApiCall::ListChatsInApp, [Some(app_id), params])
    }

    /// DELETE /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::DeleteChatRoomInApp,
            [Some(app_id), Some(chat_id)],
        )
    }

    /// POST /v2/apps/{appId}/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn grant_user_access_to_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::GrantUserAccessToChatRoomInApp,
            [Some(app_id), Some(chat_id), Some(user_id)],
        )
    }

    /// DELETE /v2/apps/{appId}/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn remove_user_access_from_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::RemoveUserAccessFromChatRoomInApp,
            [Some(app_id), Some(chat_id), Some(user_id)],
        )
    }

    /// GET /v2/apps/{appId}/users/{userId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_user_chats_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] user_id: Unknown,
        #[napi(ts_arg_type = "GetUserChatsQueryParams")] params: Option<Unknown>,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::GetUserChatsInApp,
            [Some(app_id), Some(user_id), params],
        )
    }

    /// PATCH /v2/apps/{appId}/chats/{chatName}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: Unknown,
        #[napi(ts_arg_type = "UUID")] chat_id: Unknown,
        #[napi(ts_arg_type = "UpdateChatRoomRequest")] update_data: Unknown,
    ) -> PendingResponse<'env> {
        self.call(
            env,
            ApiCall::UpdateChatRoomInApp,
            [Some(app_id), Some(chat_id), Some(update_data)],
        )
    }

    /// What `console.log` / `util.inspect` show: the app and URL, never the secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> Value {
        serde_json::json!({
            "chatApiUrl": self.client.config().api_url,
            "chatAppId": self.app_id(),
        })
    }
}

thread_local! {
    /// The instance `getEthoraSDKService()` returns, per JavaScript thread. Never dropped:
    /// releasing a napi reference during thread teardown is not allowed.
    static DEFAULT_SERVICE: std::cell::RefCell<Option<ManuallyDrop<Reference<EthoraSDKService>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Without a config: one shared instance built from the environment (the same object every
/// time). With a config: a new instance, not cached.
#[napi(js_name = "getEthoraSDKService", ts_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] config: Option<Unknown>,
) -> Result<Reference<EthoraSDKService>> {
    let has_config = match &config {
        Some(value) => value.get_type()? != ValueType::Undefined,
        None => false,
    };
    if has_config {
        return EthoraSDKService::new(env, config)?.into_reference(env);
    }
    let existing = DEFAULT_SERVICE.with(|slot| {
        slot.borrow()
            .as_ref()
            .map(|reference| Reference::clone(reference, env))
            .transpose()
    })?;
    if let Some(reference) = existing {
        return Ok(reference);
    }
    let reference = EthoraSDKService::new(env, None)?.into_reference(env)?;
    let shared = reference.clone(env)?;
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(shared)));
    Ok(reference)
}

/// A client (user) JWT, as the reference's `createClientToken`; with `options.expiresIn` it
/// expires that many seconds from now.
#[napi]
pub fn create_client_token(
    env: Env,
    #[napi(ts_arg_type = "UUID")] user_id: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ClientTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    (|| {
        let user_id = json_arg(Some(user_id), "userId")?;
        let secrets = json_arg(custom_secrets, "customSecrets")?;
        let options = json_arg(options, "options")?;
        functions::create_client_token(
            user_id.as_ref(),
            secrets.as_ref(),
            options.as_ref(),
            process_env,
        )
    })()
    .map_err(|e| to_js_error(&env, &e))
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[napi]
pub fn create_server_token(
    env: Env,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "ServerTokenOptions")] options: Option<Unknown>,
) -> Result<String> {
    (|| {
        let secrets = json_arg(custom_secrets, "customSecrets")?;
        let options = json_arg(options, "options")?;
        functions::create_server_token(secrets.as_ref(), options.as_ref(), process_env)
    })()
    .map_err(|e| to_js_error(&env, &e))
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. A token past its `exp` or before
/// its `nbf` is refused (`options.clockTolerance` seconds forgiven, default 5). No
/// raw-secret fallback.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    env: Env,
    #[napi(ts_arg_type = "string")] token: Unknown,
    #[napi(ts_arg_type = "EthoraSDKConfig")] custom_secrets: Option<Unknown>,
    #[napi(ts_arg_type = "'server' | 'client'")] expected_type: Option<Unknown>,
    #[napi(ts_arg_type = "VerifyTokenOptions")] options: Option<Unknown>,
) -> Result<Value> {
    (|| {
        let token = json_arg(Some(token), "token")?;
        let secrets = json_arg(custom_secrets, "customSecrets")?;
        let expected = json_arg(expected_type, "expectedType")?;
        let options = json_arg(options, "options")?;
        functions::verify_jwt_token(
            token.as_ref(),
            secrets.as_ref(),
            expected.as_ref(),
            options.as_ref(),
            process_env,
        )
        .map(Value::Object)
    })()
    .map_err(|e| to_js_error(&env, &e))
}

/// The `EthoraSDKConfig` that the `ETHORA_CHAT_*` variables (and `ETHORA_LOG`) of `env`
/// describe: a Workers-style `env` object, or the process environment when omitted.
#[napi(ts_return_type = "EthoraSDKConfig")]
pub fn config_from_env(
    js_env: Env,
    #[napi(ts_arg_type = "Record<string, unknown>")] env: Option<Unknown>,
) -> Result<Value> {
    let kind = match &env {
        Some(value) => value.get_type()?,
        None => ValueType::Undefined,
    };
    let config = match (env, kind) {
        (_, ValueType::Undefined | ValueType::Null) | (None, _) => {
            functions::config_from_env(process_env)
        }
        // A Workers-style env also holds bindings that are not JSON: only the variables
        // are read, by name.
        (Some(value), ValueType::Object) => {
            let variables = Object::from_unknown(value)?;
            functions::config_from_env(|name| {
                let value = variables.get::<Unknown>(name).ok().flatten()?;
                match value.get_type() {
                    Ok(ValueType::String) => String::from_unknown(value).ok(),
                    _ => None,
                }
            })
        }
        _ => {
            let error = CoreError::validation("env", "must be an object");
            return Err(to_js_error(&js_env, &error));
        }
    };
    Ok(Value::Object(config))
}

/// The benchmark's floor probe: the trip every network call makes from JavaScript to the
/// I/O thread and back (promise, task, wake-up, settle), with no request; resolves `null`.
/// Not part of the API: no type declaration, not re-exported by the package entry.
#[napi(js_name = "__dispatchRoundTrip", skip_typescript)]
pub fn dispatch_round_trip(env: &Env) -> Result<PromiseRaw<'_, Unknown<'_>>> {
    let promise = dispatch::start(env, async {
        Ok(ethora_core::response::JsonText::from_value(&Value::Null))
    })?;
    Ok(PromiseRaw::new(env.raw(), promise))
}

/// Conference domain of Ethora Cloud room JIDs, as the reference exports it.
#[napi]
pub const ETHORA_JID_DOMAIN: &str = ethora_core::naming::ETHORA_JID_DOMAIN;
