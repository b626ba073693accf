//! Node.js face of the Ethora SDK: converts JavaScript values and calls `ethora-core`.
//!
//! Network methods build their request with a pure core operation, send it on the tokio
//! runtime through the client's shared connection pool, and return a promise.

#![deny(clippy::all)]

mod errors;
mod types;

use std::mem::ManuallyDrop;
use std::sync::Arc;

use ethora_core::config::{ConfigInput, Credentials};
use ethora_core::token::{now_unix_seconds, signer_for, TokenPurpose};
use ethora_core::{operations, ApiRequest, EthoraClient};
use napi::bindgen_prelude::*;
use napi::Either;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::to_js_error;
pub use crate::types::*;

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// One id or a list of ids, as the reference's `UUID | UUID[]`.
fn id_list(ids: Either<String, Vec<String>>) -> Vec<String> {
    match ids {
        Either::A(one) => vec![one],
        Either::B(many) => many,
    }
}

/// A required JSON argument; `undefined` becomes `null`, which the core then rejects with a
/// validation error naming the argument.
fn json_arg(value: Unknown) -> Result<Value> {
    if value.get_type()? == ValueType::Undefined {
        return Ok(Value::Null);
    }
    Value::from_unknown(value)
}

/// The Ethora chat service client: the same class, methods and requests as
/// `@ethora/sdk-backend`'s `EthoraSDKService`.
#[napi(js_name = "EthoraSDKService")]
pub struct EthoraSdkService {
    client: Arc<EthoraClient>,
}

type PendingResponse<'env> = Result<PromiseRaw<'env, Value>>;

impl EthoraSdkService {
    /// Sends the built request (or rejects with its validation error) on the tokio runtime.
    fn send<'env>(
        &self,
        env: &'env Env,
        request: ethora_core::Result<ApiRequest>,
    ) -> PendingResponse<'env> {
        let client = Arc::clone(&self.client);
        env.spawn_future_with_callback(
            async move {
                Ok(match request {
                    Ok(request) => client.execute(request).await,
                    Err(error) => Err(error),
                })
            },
            |env, outcome| outcome.map_err(|error| to_js_error(env, &error)),
        )
    }

    fn app_id(&self) -> &str {
        self.client.app_id()
    }
}

#[napi]
impl EthoraSdkService {
    /// Explicit config values win over `ETHORA_CHAT_*` environment variables.
    #[napi(constructor)]
    pub fn new(env: Env, config: Option<EthoraSDKConfig>) -> Result<Self> {
        let input: ConfigInput = config.unwrap_or_default().into();
        let client = EthoraClient::from_input(input, process_env)
            .map_err(|error| to_js_error(&env, &error))?;
        Ok(EthoraSdkService {
            client: Arc::new(client),
        })
    }

    /// `{appId}_{chatId}`, with `full` (default true) the room JID on Ethora Cloud's
    /// conference domain. Already-prefixed ids and JIDs are not prefixed again.
    #[napi]
    pub fn create_chat_name(
        &self,
        env: Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        full: Option<bool>,
    ) -> Result<String> {
        ethora_core::naming::require_id("chatId", &chat_id).map_err(|e| to_js_error(&env, &e))?;
        Ok(ethora_core::naming::chat_name(
            self.app_id(),
            &chat_id,
            full.unwrap_or(true),
        ))
    }

    /// A client JWT for the user (what the front end logs in with).
    #[napi]
    pub fn create_chat_user_jwt_token(
        &self,
        env: Env,
        #[napi(ts_arg_type = "UUID")] user_id: String,
    ) -> Result<String> {
        ethora_core::naming::require_id("userId", &user_id).map_err(|e| to_js_error(&env, &e))?;
        Ok(self.client.client_token(&user_id))
    }

    /// POST /v2/users/batch with one user; see `CreateUserData` for the defaults.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_user<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: String,
        #[napi(ts_arg_type = "Partial<CreateUserData>")] user_data: Option<Value>,
    ) -> PendingResponse<'env> {
        self.send(env, operations::create_user(&user_id, user_data.as_ref()))
    }

    /// POST /v2/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "Partial<CreateChatRoomRequest>")] room_data: Option<Value>,
    ) -> PendingResponse<'env> {
        self.send(
            env,
            operations::create_chat_room(&chat_id, room_data.as_ref()),
        )
    }

    /// POST /v2/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn grant_user_access_to_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Either<String, Vec<String>>,
    ) -> PendingResponse<'env> {
        let request = operations::grant_user_access(self.app_id(), &chat_id, &id_list(user_id));
        self.send(env, request)
    }

    /// DELETE /v2/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn remove_user_access_from_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Either<String, Vec<String>>,
    ) -> PendingResponse<'env> {
        let request = operations::remove_user_access(self.app_id(), &chat_id, &id_list(user_id));
        self.send(env, request)
    }

    /// DELETE /v1/users/batch; resolves `{ ok: false }` when the users do not exist.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID[]")] user_ids: Vec<String>,
    ) -> PendingResponse<'env> {
        self.send(env, operations::delete_users(&user_ids))
    }

    /// DELETE /v1/chats; resolves `{ ok: false, reason: 'Chat room not found' }` when missing.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::delete_chat_room(self.app_id(), &chat_id))
    }

    /// PATCH /v2/chats/users with 1-100 users.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_users<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UpdateUserData[]")] users: Unknown,
    ) -> PendingResponse<'env> {
        self.send(
            env,
            operations::update_users(self.app_id(), &json_arg(users)?),
        )
    }

    /// GET /v2/chats/users.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_users<'env>(
        &self,
        env: &'env Env,
        params: Option<GetUsersQueryParams>,
    ) -> PendingResponse<'env> {
        let query = params.unwrap_or_default().into();
        self.send(env, operations::get_users(&query))
    }

    /// GET /v2/apps/{appId}/users/{userId}/chats for the configured app.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_user_chats<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] user_id: String,
        params: Option<GetUserChatsQueryParams>,
    ) -> PendingResponse<'env> {
        let query = params.unwrap_or_default().into();
        let request = operations::get_user_chats(self.app_id(), &user_id, &query);
        self.send(env, request)
    }

    /// PATCH /v2/apps/{appId}/chats/{chatName} for the configured app.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_chat_room<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        update_data: UpdateChatRoomRequest,
    ) -> PendingResponse<'env> {
        let request =
            operations::update_chat_room(self.app_id(), &chat_id, &update_data.into_json());
        self.send(env, request)
    }

    /// GET /v2/apps.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_apps<'env>(
        &self,
        env: &'env Env,
        params: Option<ListAppsQueryParams>,
    ) -> PendingResponse<'env> {
        let query = params.unwrap_or_default().into();
        self.send(env, operations::list_apps(&query))
    }

    /// GET /v2/apps/{appId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::get_app(&app_id))
    }

    /// POST /v2/apps.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "CreateAppRequest")] app_data: Unknown,
    ) -> PendingResponse<'env> {
        self.send(env, operations::create_app(&json_arg(app_data)?))
    }

    /// DELETE /v2/apps/{appId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::delete_app(&app_id))
    }

    /// GET /v2/apps/{appId}/tokens.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_app_tokens<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::list_app_tokens(&app_id))
    }

    /// POST /v2/apps/{appId}/tokens.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        payload: Option<CreateAppTokenRequest>,
    ) -> PendingResponse<'env> {
        let label = payload.and_then(|p| p.label);
        self.send(env, operations::create_app_token(&app_id, label.as_deref()))
    }

    /// DELETE /v2/apps/{appId}/tokens/{tokenId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn revoke_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] token_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::revoke_app_token(&app_id, &token_id))
    }

    /// POST /v2/apps/{appId}/tokens/{tokenId}/rotate.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn rotate_app_token<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] token_id: String,
        payload: Option<RotateAppTokenRequest>,
    ) -> PendingResponse<'env> {
        let label = payload.and_then(|p| p.label);
        let request = operations::rotate_app_token(&app_id, &token_id, label.as_deref());
        self.send(env, request)
    }

    /// POST /v2/apps/{appId}/provision.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn provision_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "ProvisionAppRequest")] payload: Option<Value>,
    ) -> PendingResponse<'env> {
        self.send(env, operations::provision_app(&app_id, payload.as_ref()))
    }

    /// GET /v2/apps/{appId}/bot.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_bot<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::get_app_bot(&app_id))
    }

    /// PUT /v2/apps/{appId}/bot.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_app_bot<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UpdateAppBotRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        self.send(
            env,
            operations::update_app_bot(&app_id, &json_arg(payload)?),
        )
    }

    /// POST /v2/apps/{appId}/chats/broadcast.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn broadcast_to_app_chats<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "CreateAppBroadcastRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        let request = operations::broadcast_to_app_chats(&app_id, &json_arg(payload)?);
        self.send(env, request)
    }

    /// GET /v2/apps/{appId}/chats/broadcast/{jobId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_broadcast_job<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] job_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::get_app_broadcast_job(&app_id, &job_id))
    }

    /// GET /v1/apps/users/{xmppUsername}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_app_user_by_xmpp_username<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] xmpp_username: String,
    ) -> PendingResponse<'env> {
        self.send(
            env,
            operations::get_app_user_by_xmpp_username(&xmpp_username),
        )
    }

    /// POST /v2/apps/{appId}/users/batch (answers 202 with a job id).
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_users_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "BatchCreateUsersRequest")] payload: Unknown,
    ) -> PendingResponse<'env> {
        self.send(
            env,
            operations::create_users_in_app(&app_id, &json_arg(payload)?),
        )
    }

    /// GET /v2/apps/{appId}/users/batch/{jobId}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_users_batch_job<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] job_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::get_users_batch_job(&app_id, &job_id))
    }

    /// DELETE /v2/apps/{appId}/users/batch.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_users_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID[]")] user_ids: Vec<String>,
    ) -> PendingResponse<'env> {
        self.send(env, operations::delete_users_in_app(&app_id, &user_ids))
    }

    /// POST /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn create_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "Partial<CreateChatRoomRequest>")] room_data: Option<Value>,
    ) -> PendingResponse<'env> {
        let request = operations::create_chat_room_in_app(&app_id, &chat_id, room_data.as_ref());
        self.send(env, request)
    }

    /// GET /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn list_chats_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        params: Option<ListAppChatsQueryParams>,
    ) -> PendingResponse<'env> {
        let query = params.unwrap_or_default().into();
        self.send(env, operations::list_chats_in_app(&app_id, &query))
    }

    /// DELETE /v2/apps/{appId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn delete_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
    ) -> PendingResponse<'env> {
        self.send(env, operations::delete_chat_room_in_app(&app_id, &chat_id))
    }

    /// POST /v2/apps/{appId}/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn grant_user_access_to_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Either<String, Vec<String>>,
    ) -> PendingResponse<'env> {
        let request = operations::grant_user_access_in_app(&app_id, &chat_id, &id_list(user_id));
        self.send(env, request)
    }

    /// DELETE /v2/apps/{appId}/chats/users-access.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn remove_user_access_from_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        #[napi(ts_arg_type = "UUID | UUID[]")] user_id: Either<String, Vec<String>>,
    ) -> PendingResponse<'env> {
        let request = operations::remove_user_access_in_app(&app_id, &chat_id, &id_list(user_id));
        self.send(env, request)
    }

    /// GET /v2/apps/{appId}/users/{userId}/chats.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn get_user_chats_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] user_id: String,
        params: Option<GetUserChatsQueryParams>,
    ) -> PendingResponse<'env> {
        let query = params.unwrap_or_default().into();
        self.send(env, operations::get_user_chats(&app_id, &user_id, &query))
    }

    /// PATCH /v2/apps/{appId}/chats/{chatName}.
    #[napi(ts_return_type = "Promise<ApiResponse>")]
    pub fn update_chat_room_in_app<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "UUID")] app_id: String,
        #[napi(ts_arg_type = "UUID")] chat_id: String,
        update_data: UpdateChatRoomRequest,
    ) -> PendingResponse<'env> {
        let request = operations::update_chat_room(&app_id, &chat_id, &update_data.into_json());
        self.send(env, request)
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
    static DEFAULT_SERVICE: std::cell::RefCell<Option<ManuallyDrop<Reference<EthoraSdkService>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Without a config: one shared instance built from the environment (the same object every
/// time). With a config: a new instance, not cached.
#[napi(js_name = "getEthoraSDKService", ts_return_type = "EthoraSDKService")]
pub fn get_ethora_sdk_service(
    env: Env,
    config: Option<EthoraSDKConfig>,
) -> Result<Reference<EthoraSdkService>> {
    if let Some(config) = config {
        return EthoraSdkService::new(env, Some(config))?.into_reference(env);
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
    let reference = EthoraSdkService::new(env, None)?.into_reference(env)?;
    let shared = reference.clone(env)?;
    DEFAULT_SERVICE.with(|slot| *slot.borrow_mut() = Some(ManuallyDrop::new(shared)));
    Ok(reference)
}

fn credentials(env: &Env, secrets: Option<EthoraSDKConfig>) -> Result<Credentials> {
    let input: ConfigInput = secrets.unwrap_or_default().into();
    Credentials::resolve(&input, process_env).map_err(|e| to_js_error(env, &e))
}

/// A client (user) JWT, as the reference's `createClientToken`.
#[napi]
pub fn create_client_token(
    env: Env,
    user_id: String,
    custom_secrets: Option<EthoraSDKConfig>,
) -> Result<String> {
    ethora_core::naming::require_id("userId", &user_id).map_err(|e| to_js_error(&env, &e))?;
    let signer = signer_for(&credentials(&env, custom_secrets)?);
    Ok(signer.client_token(&user_id, now_unix_seconds()))
}

/// A server (B2B) JWT, as the reference's `createServerToken`.
#[napi]
pub fn create_server_token(
    env: Env,
    custom_secrets: Option<EthoraSDKConfig>,
    options: Option<ServerTokenOptions>,
) -> Result<String> {
    let signer = signer_for(&credentials(&env, custom_secrets)?);
    let options = options.unwrap_or_default();
    Ok(signer.server_token(
        now_unix_seconds(),
        options.app_id.as_deref().filter(|id| !id.is_empty()),
        options.tenant_id.as_deref().filter(|id| !id.is_empty()),
    ))
}

/// Verifies a server or client token with its scoped key and returns its claims. With
/// `expectedType`, a token of the other type is refused. No raw-secret fallback.
#[napi(ts_return_type = "Record<string, unknown>")]
pub fn verify_jwt_token(
    env: Env,
    token: String,
    custom_secrets: Option<EthoraSDKConfig>,
    #[napi(ts_arg_type = "'server' | 'client'")] expected_type: Option<String>,
) -> Result<Value> {
    let expected = match expected_type.as_deref() {
        None => None,
        Some("server") => Some(TokenPurpose::Server),
        Some("client") => Some(TokenPurpose::Client),
        Some(_) => {
            let error = ethora_core::EthoraError::validation(
                "expectedType",
                "must be 'server' or 'client'",
            );
            return Err(to_js_error(&env, &error));
        }
    };
    let signer = signer_for(&credentials(&env, custom_secrets)?);
    signer
        .verify(&token, expected)
        .map(Value::Object)
        .map_err(|e| {
            to_js_error(
                &env,
                &ethora_core::EthoraError::validation("token", e.to_string()),
            )
        })
}
