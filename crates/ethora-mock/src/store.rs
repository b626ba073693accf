//! The in-memory Ethora: apps, app tokens, users, chats, memberships, bot settings and jobs.
//!
//! The routing table (`Store::route`) beside the handlers it names: each takes the parsed
//! request and answers a [`Reply`]; nothing here knows HTTP
//! framing, so the rules are easy to read next to the API's description (`ethora-api.md`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use ethora_types::{
    AppReply, AppTokenReply, AppsPage, BatchUserResult, BroadcastJob, ChatRoomReply, ChatsPage,
    CreateAppReply, CreatedChatRoom, JobReply, MessagesPage, UpdateUsersReply, UpdatedUser,
    UserChatsPage, UserReply, UsersBatchJob, UsersBatchJobResult, UsersPage,
};
use serde_json::{json, Map, Value};

use crate::answers::{answer, listed_app, listed_chat, listed_user};

/// Conference domain of room JIDs (the same constant the SDKs use).
pub const JID_DOMAIN: &str = "@conference.xmpp.chat.ethora.com";
const MAX_BATCH: usize = 100;
const MAX_USERS_PAGE: u64 = 500;
const MAX_APPS_PAGE: u64 = 200;
const DEFAULT_PAGE: u64 = 100;

/// What the server answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub status: u16,
    pub body: ReplyBody,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReplyBody {
    Json(Value),
    Text(String),
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Reply {
            status,
            body: ReplyBody::Json(body),
        }
    }

    pub fn ok(body: Value) -> Self {
        Self::json(200, body)
    }

    pub fn error(status: u16, message: impl Into<String>) -> Self {
        Self::json(status, json!({ "ok": false, "error": message.into() }))
    }

    /// 422 with a text/plain body: how Ethora reports deletes of missing users and rooms.
    pub fn not_found_text(message: &str) -> Self {
        Reply {
            status: 422,
            body: ReplyBody::Text(message.to_owned()),
        }
    }
}

type Outcome = Result<Reply, Reply>;

#[derive(Debug, Clone)]
struct Chat {
    /// The room's `_id`.
    id: String,
    name: String,
    uuid: String,
    title: String,
    kind: String,
    description: Option<String>,
    pinned: bool,
    members: BTreeSet<String>,
    extra: Map<String, Value>,
    created_at: u64,
    /// The room's message history, oldest first: what broadcasts sent to it.
    messages: Vec<Value>,
}

#[derive(Debug, Clone)]
struct AppToken {
    token_id: String,
    label: Option<String>,
    created_at: u64,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct App {
    id: String,
    parent: Option<String>,
    fields: Map<String, Value>,
    app_token: String,
    created_at: u64,
    /// Users by uuid; each record is the JSON the API returns.
    users: BTreeMap<String, Map<String, Value>>,
    /// Emails in use, so that a batch checks for duplicates without scanning every user.
    emails: HashMap<String, String>,
    chats: BTreeMap<String, Chat>,
    tokens: Vec<AppToken>,
    /// `None` until the app is provisioned.
    bot: Option<Map<String, Value>>,
}

#[derive(Debug, Clone)]
struct Job {
    app_id: String,
    /// A users batch (else a broadcast): which declared type its reads answer with.
    users: bool,
    reads: u32,
    result: Value,
}

/// The whole mock state. One instance per server, behind a mutex.
#[derive(Debug)]
pub struct Store {
    root_app: String,
    apps: BTreeMap<String, App>,
    jobs: HashMap<String, Job>,
    counter: u64,
    /// Rooms' `_id`s and messages count apart, so that the other answers stay as they were.
    room_counter: u64,
}

fn str_field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn non_empty_str<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    str_field(map, key).filter(|s| !s.trim().is_empty())
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, Reply> {
    body.as_object()
        .ok_or_else(|| Reply::error(400, "the body must be a JSON object"))
}

/// Parses `limit`/`offset` from the query with the API's bounds.
fn page(query: &HashMap<String, String>, max_limit: u64) -> Result<(u64, u64), Reply> {
    let limit = match query.get("limit") {
        None => DEFAULT_PAGE.min(max_limit),
        Some(raw) => match raw.parse::<u64>() {
            Ok(n) if (1..=max_limit).contains(&n) => n,
            _ => {
                return Err(Reply::error(
                    422,
                    format!("limit must be from 1 to {max_limit}"),
                ))
            }
        },
    };
    let offset = match query.get("offset") {
        None => 0,
        Some(raw) => raw
            .parse::<u64>()
            .map_err(|_| Reply::error(422, "offset must be an integer of at least 0"))?,
    };
    Ok((limit, offset))
}

fn paginate<T: Clone>(items: &[T], limit: u64, offset: u64) -> Vec<T> {
    items
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .cloned()
        .collect()
}

/// A chat name from a path or body: a full JID loses its domain.
fn short_chat_name(name: &str) -> &str {
    name.split('@').next().unwrap_or(name)
}

/// A count as the declared `total` (a `number`).
fn count(items: usize) -> u32 {
    u32::try_from(items).unwrap_or(u32::MAX)
}

/// A job's start as `JobReply` declares it, with `more` beside it.
fn job_reply(job_id: String, status_prefix: &str, more: Value) -> Value {
    let status_url = format!("{status_prefix}/{job_id}");
    let reply = JobReply {
        job_id,
        status_url: Some(status_url),
    };
    answer(&reply, more)
}

/// A per-user entry of a reply (`BatchUserResult`, `UpdatedUser`: the same three declared
/// fields), with the stored user beside it.
macro_rules! user_entry {
    ($declared:ident, $status:expr, $xmpp:expr, $user:expr) => {{
        let user: Option<Map<String, Value>> = $user;
        let declared = $declared {
            status: $status.to_owned(),
            xmpp_username: Some($xmpp),
            user: user.as_ref().map(listed_user),
        };
        (declared, user_beside(user))
    }};
}

/// `{ user }` with the stored user, or nothing.
fn user_beside(user: Option<Map<String, Value>>) -> Value {
    match user {
        Some(user) => json!({ "user": user }),
        None => json!({}),
    }
}

fn job_state(reads: u32) -> &'static str {
    match reads {
        0 => "pending",
        1 => "running",
        _ => "completed",
    }
}

impl Store {
    pub fn new(root_app: &str) -> Self {
        let mut store = Store {
            root_app: root_app.to_owned(),
            apps: BTreeMap::new(),
            jobs: HashMap::new(),
            counter: 0,
            room_counter: 0,
        };
        let mut fields = Map::new();
        fields.insert("displayName".into(), json!("Mock root app"));
        store.insert_app(root_app.to_owned(), None, fields);
        store
    }

    /// Forgets everything but the root app, which starts empty again.
    pub fn reset(&mut self) {
        *self = Store::new(&self.root_app.clone());
    }

    pub fn root_app(&self) -> &str {
        &self.root_app
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// A Mongo-style 24-hex-digit id.
    fn object_id(&mut self) -> String {
        format!(
            "{:024x}",
            0x6650_0000_0000_0000_0000_0000u128 + self.next() as u128
        )
    }

    /// A room's or a message's `_id` and its place in time, from their own counter.
    fn room_sequence(&mut self) -> (String, u64) {
        self.room_counter += 1;
        (
            format!(
                "{:024x}",
                0x6651_0000_0000_0000_0000_0000u128 + u128::from(self.room_counter)
            ),
            self.room_counter,
        )
    }

    fn insert_app(&mut self, id: String, parent: Option<String>, fields: Map<String, Value>) {
        let created_at = self.next();
        let app_token = format!("JWT-app-{}", uuid::Uuid::new_v4().simple());
        self.apps.insert(
            id.clone(),
            App {
                id,
                parent,
                fields,
                app_token,
                created_at,
                users: BTreeMap::new(),
                emails: HashMap::new(),
                chats: BTreeMap::new(),
                tokens: Vec::new(),
                bot: None,
            },
        );
    }

    /// Whether a token's `data.appId` names an app this server knows.
    pub fn knows_app(&self, app_id: &str) -> bool {
        self.apps.contains_key(app_id)
    }

    /// The caller may act on its own app and on its child apps.
    fn authorize(&self, caller: &str, target: &str) -> Result<(), Reply> {
        match self.apps.get(target) {
            None => Err(Reply::error(404, format!("App not found: {target}"))),
            Some(app) if app.id == caller || app.parent.as_deref() == Some(caller) => Ok(()),
            Some(_) => Err(Reply::error(403, "Forbidden: not your app")),
        }
    }

    fn app_mut(&mut self, id: &str) -> Result<&mut App, Reply> {
        self.apps
            .get_mut(id)
            .ok_or_else(|| Reply::error(404, format!("App not found: {id}")))
    }

    fn app(&self, id: &str) -> Result<&App, Reply> {
        self.apps
            .get(id)
            .ok_or_else(|| Reply::error(404, format!("App not found: {id}")))
    }

    fn double_prefix(app: &str, name: &str) -> Result<(), Reply> {
        if name.starts_with(&format!("{app}_{app}_")) {
            return Err(Reply::error(
                422,
                format!("Double-prefixed name `{name}`: ids must not repeat the `{app}_` prefix"),
            ));
        }
        Ok(())
    }

    // ----- users -------------------------------------------------------------------------

    /// The uuid of a user named by uuid or by `{appId}_{uuid}`.
    fn find_user(app: &App, id: &str) -> Option<String> {
        if app.users.contains_key(id) {
            return Some(id.to_owned());
        }
        let prefix = format!("{}_", app.id);
        id.strip_prefix(&prefix)
            .filter(|uuid| app.users.contains_key(*uuid))
            .map(str::to_owned)
            .or_else(|| {
                app.users
                    .iter()
                    .find(|(_, user)| str_field(user, "_id") == Some(id))
                    .map(|(uuid, _)| uuid.clone())
            })
    }

    fn xmpp_of(app: &str, uuid: &str) -> String {
        format!("{app}_{uuid}")
    }

    /// POST /v2/users/batch and /v2/apps/{appId}/users/batch: validates the whole list, then
    /// creates each user at once and answers 202 with a job that reports per-user results
    /// (the token-scoped route answers 422 "already exists" for a uuid it has).
    pub fn create_users(
        &mut self,
        app_id: &str,
        body: &Value,
        status_prefix: &str,
        refuse_existing: bool,
    ) -> Outcome {
        let batch = as_object(body)?;
        let list = match batch.get("usersList") {
            Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_BATCH => list,
            _ => {
                return Err(Reply::error(
                    422,
                    format!("usersList must be an array of 1 to {MAX_BATCH} users"),
                ))
            }
        };
        for (index, entry) in list.iter().enumerate() {
            let user = entry.as_object().ok_or_else(|| {
                Reply::error(422, format!("usersList[{index}] must be an object"))
            })?;
            for field in ["email", "firstName", "lastName"] {
                if non_empty_str(user, field).is_none() {
                    return Err(Reply::error(
                        422,
                        format!("usersList[{index}].{field} is required"),
                    ));
                }
            }
            if str_field(user, "lastName").is_some_and(|l| l.encode_utf16().count() < 2) {
                return Err(Reply::error(
                    422,
                    format!("usersList[{index}].lastName must be at least 2 characters"),
                ));
            }
            if let Some(uuid) = str_field(user, "uuid") {
                Self::double_prefix(app_id, &Self::xmpp_of(app_id, uuid))?;
            }
        }
        // The token-scoped batch refuses a user that exists (spec 5.1); the app-scoped one
        // reports it in the job (5.25).
        if refuse_existing {
            let app = self.app(app_id)?;
            if let Some(uuid) = list
                .iter()
                .filter_map(|entry| entry.get("uuid").and_then(Value::as_str))
                .find(|uuid| app.users.contains_key(*uuid))
            {
                return Err(Reply::error(422, format!("User already exists: {uuid}")));
            }
        }
        let mut results = Vec::with_capacity(list.len());
        for entry in list.iter().filter_map(Value::as_object) {
            let uuid = match non_empty_str(entry, "uuid") {
                Some(uuid) => uuid.to_owned(),
                None => self.object_id(),
            };
            let xmpp = Self::xmpp_of(app_id, &uuid);
            let email = str_field(entry, "email").unwrap_or_default().to_owned();
            let app = self.app_mut(app_id)?;
            if app.users.contains_key(&uuid) {
                results.push(user_entry!(BatchUserResult, "uuid_exists", xmpp, None));
                continue;
            }
            if app.emails.contains_key(&email) {
                results.push(user_entry!(BatchUserResult, "exists", xmpp, None));
                continue;
            }
            let id = self.object_id();
            let created_at = self.next();
            let mut record = Map::new();
            record.insert("_id".into(), json!(id));
            record.insert("uuid".into(), json!(uuid));
            record.insert("xmppUsername".into(), json!(xmpp));
            record.insert("appId".into(), json!(app_id));
            for (key, value) in entry {
                if key != "password" && key != "uuid" {
                    record.insert(key.clone(), value.clone());
                }
            }
            record
                .entry("tags")
                .or_insert_with(|| Value::Array(Vec::new()));
            record.insert("createdAt".into(), json!(created_at));
            let app = self.app_mut(app_id)?;
            app.emails.insert(email, uuid.clone());
            app.users.insert(uuid, record.clone());
            results.push(user_entry!(BatchUserResult, "created", xmpp, Some(record)));
        }
        let (results, records): (Vec<_>, Vec<_>) = results.into_iter().unzip();
        let result = answer(
            &UsersBatchJobResult { results },
            json!({ "results": records }),
        );
        let job_id = self.start_job(app_id, true, result);
        Ok(Reply::json(
            202,
            job_reply(job_id, status_prefix, json!({})),
        ))
    }

    /// Queues a job of `app_id` that will end with `result`; returns its id.
    fn start_job(&mut self, app_id: &str, users: bool, result: Value) -> String {
        let job_id = uuid::Uuid::new_v4().to_string();
        let job = Job {
            app_id: app_id.to_owned(),
            users,
            reads: 0,
            result,
        };
        self.jobs.insert(job_id.clone(), job);
        job_id
    }

    /// GET of a batch or broadcast job: pending, then running, then completed, one step per read.
    pub fn read_job(&mut self, app_id: &str, job_id: &str) -> Outcome {
        let job = self
            .jobs
            .get_mut(job_id)
            .filter(|job| job.app_id == app_id)
            .ok_or_else(|| Reply::error(404, format!("Job not found: {job_id}")))?;
        let state = job_state(job.reads).to_owned();
        job.reads = job.reads.saturating_add(1);
        let mut more = json!({ "jobId": job_id });
        if state == "completed" {
            more["result"] = job.result.clone();
        }
        // The result was built from its declared type when the job started.
        Ok(Reply::ok(if job.users {
            let job = UsersBatchJob {
                state,
                result: None,
                error: None,
            };
            answer(&job, more)
        } else {
            let job = BroadcastJob {
                state,
                result: None,
                error: None,
            };
            answer(&job, more)
        }))
    }

    /// DELETE /v1/users/batch and /v2/apps/{appId}/users/batch.
    pub fn delete_users(&mut self, app_id: &str, body: &Value) -> Outcome {
        let ids = as_object(body)?
            .get("usersIdList")
            .and_then(Value::as_array)
            .filter(|ids| !ids.is_empty())
            .ok_or_else(|| Reply::error(422, "usersIdList must be a non-empty array"))?;
        let app = self.app_mut(app_id)?;
        let mut deleted = Vec::new();
        let mut not_found = Vec::new();
        for id in ids.iter().filter_map(Value::as_str) {
            match Self::find_user(app, id) {
                Some(uuid) => {
                    if let Some(user) = app.users.remove(&uuid) {
                        if let Some(email) = str_field(&user, "email") {
                            app.emails.remove(email);
                        }
                    }
                    let xmpp = Self::xmpp_of(app_id, &uuid);
                    for chat in app.chats.values_mut() {
                        chat.members.remove(&xmpp);
                    }
                    deleted.push(uuid);
                }
                None => not_found.push(id.to_owned()),
            }
        }
        if deleted.is_empty() {
            return Err(Reply::not_found_text("Users not found"));
        }
        Ok(Reply::ok(
            json!({ "ok": true, "deleted": deleted, "notFound": not_found }),
        ))
    }

    /// PATCH /v2/chats/users.
    pub fn update_users(&mut self, app_id: &str, body: &Value) -> Outcome {
        let list = match as_object(body)?.get("users") {
            Some(Value::Array(list)) if !list.is_empty() && list.len() <= MAX_BATCH => list,
            _ => {
                return Err(Reply::error(
                    422,
                    format!("users must be an array of 1 to {MAX_BATCH} users"),
                ))
            }
        };
        let app = self.app_mut(app_id)?;
        let mut results = Vec::new();
        for entry in list {
            let entry = entry.as_object().cloned().unwrap_or_default();
            let xmpp = str_field(&entry, "xmppUsername")
                .unwrap_or_default()
                .to_owned();
            let Some(uuid) = Self::find_user(app, &xmpp) else {
                results.push(user_entry!(UpdatedUser, "not-found", xmpp, None));
                continue;
            };
            let changes: Vec<(&str, &Value)> =
                ["firstName", "lastName", "username", "profileImage"]
                    .into_iter()
                    .filter_map(|field| entry.get(field).map(|value| (field, value)))
                    .filter(|(field, value)| match value.as_str() {
                        Some(text) if *field == "lastName" => text.encode_utf16().count() >= 2,
                        Some(text) => !text.is_empty(),
                        None => false,
                    })
                    .collect();
            if changes.is_empty() {
                results.push(user_entry!(UpdatedUser, "skipped", xmpp, None));
                continue;
            }
            if let Some(user) = app.users.get_mut(&uuid) {
                for (field, value) in changes {
                    user.insert(field.to_owned(), value.clone());
                }
                results.push(user_entry!(
                    UpdatedUser,
                    "updated",
                    xmpp,
                    Some(user.clone())
                ));
            }
        }
        let (results, records): (Vec<_>, Vec<_>) = results.into_iter().unzip();
        let reply = UpdateUsersReply { results };
        Ok(Reply::ok(answer(
            &reply,
            json!({ "ok": true, "results": records }),
        )))
    }

    /// GET /v2/chats/users.
    pub fn get_users(&self, app_id: &str, query: &HashMap<String, String>) -> Outcome {
        let app = self.app(app_id)?;
        let (limit, offset) = page(query, MAX_USERS_PAGE)?;
        let prefix = format!("{app_id}_");
        let by_xmpp = |xmpp: &str| {
            xmpp.strip_prefix(&prefix)
                .and_then(|uuid| app.users.get(uuid))
        };
        // Narrow by the most selective filter first, so a page never scans the whole app.
        let mut users: Vec<&Map<String, Value>> = if let Some(xmpp) = query.get("xmppUsername") {
            by_xmpp(xmpp).into_iter().collect()
        } else if let Some(chat_name) = query.get("chatName") {
            let chat = app
                .chats
                .get(short_chat_name(chat_name))
                .ok_or_else(|| Reply::error(404, format!("Chat not found: {chat_name}")))?;
            chat.members.iter().filter_map(|x| by_xmpp(x)).collect()
        } else {
            app.users.values().collect()
        };
        if let (Some(_), Some(chat_name)) = (query.get("xmppUsername"), query.get("chatName")) {
            let members = app
                .chats
                .get(short_chat_name(chat_name))
                .map(|c| &c.members);
            users.retain(|u| {
                str_field(u, "xmppUsername").is_some_and(|x| members.is_some_and(|m| m.contains(x)))
            });
        }
        if let Some(id) = query.get("userId") {
            users.retain(|u| {
                str_field(u, "uuid") == Some(id.as_str())
                    || str_field(u, "_id") == Some(id.as_str())
            });
        }
        let total = users.len();
        let page_users = paginate(&users, limit, offset);
        let page = UsersPage {
            results: page_users.iter().map(|u| listed_user(u)).collect(),
            total: Some(count(total)),
        };
        let records: Vec<Value> = page_users
            .into_iter()
            .map(|u| Value::Object(u.clone()))
            .collect();
        Ok(Reply::ok(answer(
            &page,
            json!({ "ok": true, "results": records, "limit": limit, "offset": offset }),
        )))
    }

    /// GET /v1/apps/users/{xmppUsername}: in the caller's app or one of its child apps.
    pub fn get_user_by_xmpp(&self, caller: &str, xmpp: &str) -> Outcome {
        for app in self
            .apps
            .values()
            .filter(|a| a.id == caller || a.parent.as_deref() == Some(caller))
        {
            if let Some(user) = app
                .users
                .values()
                .find(|u| str_field(u, "xmppUsername") == Some(xmpp))
            {
                let reply = UserReply {
                    result: listed_user(user),
                };
                return Ok(Reply::ok(answer(&reply, json!({ "result": user }))));
            }
        }
        Err(Reply::json(
            404,
            json!({ "ok": false, "error": "USER_NOT_FOUND" }),
        ))
    }

    // ----- chats -------------------------------------------------------------------------

    fn chat_json(chat: &Chat, with_members: bool, app: &App) -> Value {
        let mut out = chat.extra.clone();
        // A `_id` the caller sent in `roomData` is echoed, as before.
        out.entry("_id").or_insert_with(|| json!(chat.id));
        out.insert("name".into(), json!(chat.name));
        out.insert("jid".into(), json!(format!("{}{JID_DOMAIN}", chat.name)));
        out.insert("uuid".into(), json!(chat.uuid));
        out.insert("title".into(), json!(chat.title));
        out.insert("type".into(), json!(chat.kind));
        if let Some(description) = &chat.description {
            out.insert("description".into(), json!(description));
        }
        out.insert("pinned".into(), json!(chat.pinned));
        out.insert("membersCount".into(), json!(chat.members.len()));
        out.insert("createdAt".into(), json!(chat.created_at));
        if with_members {
            let members: Vec<Value> = chat
                .members
                .iter()
                .map(|xmpp| {
                    let user = xmpp
                        .strip_prefix(&format!("{}_", app.id))
                        .and_then(|uuid| app.users.get(uuid));
                    json!({
                        "xmppUsername": xmpp,
                        "firstName": user.and_then(|u| u.get("firstName")).cloned().unwrap_or(Value::Null),
                        "lastName": user.and_then(|u| u.get("lastName")).cloned().unwrap_or(Value::Null),
                    })
                })
                .collect();
            out.insert("members".into(), Value::Array(members));
        }
        Value::Object(out)
    }

    fn resolve_member(app: &App, member: &str) -> Option<String> {
        Self::find_user(app, member).map(|uuid| Self::xmpp_of(&app.id, &uuid))
    }

    /// POST /v2/chats and /v2/apps/{appId}/chats.
    pub fn create_chat(&mut self, app_id: &str, body: &Value) -> Outcome {
        let room = as_object(body)?;
        let uuid = non_empty_str(room, "uuid")
            .ok_or_else(|| Reply::error(422, "uuid is required"))?
            .to_owned();
        let name = format!("{app_id}_{uuid}");
        Self::double_prefix(app_id, &name)?;
        let title = non_empty_str(room, "title")
            .ok_or_else(|| Reply::error(422, "title is required"))?
            .to_owned();
        let kind = str_field(room, "type").unwrap_or("group").to_owned();
        let created_at = self.next();
        let (id, _) = self.room_sequence();
        let app = self.app_mut(app_id)?;
        if app.chats.contains_key(&name) {
            return Err(Reply::error(422, format!("Chat already exists: {name}")));
        }
        let mut members = BTreeSet::new();
        for member in room
            .get("members")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let xmpp = Self::resolve_member(app, member)
                .ok_or_else(|| Reply::error(422, format!("User not found: {member}")))?;
            members.insert(xmpp);
        }
        let mut extra = room.clone();
        for key in ["uuid", "title", "type", "description", "members", "pinned"] {
            extra.remove(key);
        }
        let chat = Chat {
            id,
            name: name.clone(),
            uuid,
            title,
            kind,
            description: str_field(room, "description").map(str::to_owned),
            pinned: room.get("pinned").and_then(Value::as_bool).unwrap_or(false),
            members,
            extra,
            created_at,
            messages: Vec::new(),
        };
        let room = Self::chat_json(&chat, false, app);
        let created = ChatRoomReply {
            result: CreatedChatRoom {
                name: chat.name.clone(),
                jid: listed_chat(&room).jid,
            },
        };
        let reply = answer(&created, json!({ "ok": true, "result": room }));
        app.chats.insert(name, chat);
        Ok(Reply::ok(reply))
    }

    /// POST/DELETE …/chats/users-access.
    pub fn users_access(&mut self, app_id: &str, body: &Value, grant: bool) -> Outcome {
        let request = as_object(body)?;
        let chat_name = non_empty_str(request, "chatName")
            .ok_or_else(|| Reply::error(422, "chatName is required"))?;
        let chat_name = short_chat_name(chat_name).to_owned();
        Self::double_prefix(app_id, &chat_name)?;
        let members: Vec<&str> = request
            .get("members")
            .and_then(Value::as_array)
            .map(|m| m.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if members.is_empty() {
            return Err(Reply::error(422, "members must be a non-empty array"));
        }
        let app = self.app_mut(app_id)?;
        if !app.chats.contains_key(&chat_name) {
            return Err(Reply::error(404, format!("Chat not found: {chat_name}")));
        }
        let mut resolved = Vec::new();
        for member in &members {
            Self::double_prefix(app_id, member)?;
            match Self::resolve_member(app, member) {
                Some(xmpp) => resolved.push(xmpp),
                None if grant => {
                    return Err(Reply::error(422, format!("User not found: {member}")));
                }
                None => {}
            }
        }
        if let Some(chat) = app.chats.get_mut(&chat_name) {
            for xmpp in &resolved {
                if grant {
                    chat.members.insert(xmpp.clone());
                } else {
                    chat.members.remove(xmpp);
                }
            }
        }
        Ok(Reply::ok(
            json!({ "ok": true, "chatName": chat_name, "members": resolved }),
        ))
    }

    /// DELETE /v1/chats and /v2/apps/{appId}/chats.
    pub fn delete_chat(&mut self, app_id: &str, body: &Value) -> Outcome {
        let name = non_empty_str(as_object(body)?, "name")
            .ok_or_else(|| Reply::error(422, "name is required"))?;
        let name = short_chat_name(name).to_owned();
        Self::double_prefix(app_id, &name)?;
        let app = self.app_mut(app_id)?;
        match app.chats.remove(&name) {
            Some(_) => Ok(Reply::ok(json!({ "ok": true, "name": name }))),
            None => Err(Reply::not_found_text("Chat room not found")),
        }
    }

    /// GET /v2/apps/{appId}/chats.
    pub fn list_chats(&self, app_id: &str, query: &HashMap<String, String>) -> Outcome {
        let app = self.app(app_id)?;
        let (limit, offset) = page(query, MAX_USERS_PAGE)?;
        let with_members = query.get("includeMembers").map(String::as_str) == Some("true");
        let chats: Vec<&Chat> = app.chats.values().collect();
        let items: Vec<Value> = paginate(&chats, limit, offset)
            .into_iter()
            .map(|c| Self::chat_json(c, with_members, app))
            .collect();
        let page = ChatsPage {
            items: Some(items.iter().map(listed_chat).collect()),
            total: Some(count(chats.len())),
        };
        Ok(Reply::ok(answer(
            &page,
            json!({ "ok": true, "items": items }),
        )))
    }

    /// GET /v2/apps/{appId}/users/{userId}/chats.
    pub fn user_chats(
        &self,
        app_id: &str,
        user_id: &str,
        query: &HashMap<String, String>,
    ) -> Outcome {
        let app = self.app(app_id)?;
        let (limit, offset) = page(query, MAX_USERS_PAGE)?;
        let uuid = Self::find_user(app, user_id)
            .ok_or_else(|| Reply::json(404, json!({ "ok": false, "error": "USER_NOT_FOUND" })))?;
        let xmpp = Self::xmpp_of(app_id, &uuid);
        let with_members = query.get("includeMembers").map(String::as_str) == Some("true");
        let chats: Vec<&Chat> = app
            .chats
            .values()
            .filter(|c| c.members.contains(&xmpp))
            .collect();
        let items: Vec<Value> = paginate(&chats, limit, offset)
            .into_iter()
            .map(|c| Self::chat_json(c, with_members, app))
            .collect();
        let page = UserChatsPage {
            chats: items.iter().map(listed_chat).collect(),
        };
        Ok(Reply::ok(answer(
            &page,
            json!({ "ok": true, "chats": items, "total": chats.len() }),
        )))
    }

    /// PATCH /v2/apps/{appId}/chats/{chatName}.
    pub fn update_chat(&mut self, app_id: &str, chat_name: &str, body: &Value) -> Outcome {
        let update = as_object(body)?;
        let name = short_chat_name(chat_name).to_owned();
        Self::double_prefix(app_id, &name)?;
        let app = self.app_mut(app_id)?;
        let chat = app
            .chats
            .get_mut(&name)
            .ok_or_else(|| Reply::error(404, format!("Chat not found: {name}")))?;
        if let Some(title) = non_empty_str(update, "title") {
            chat.title = title.to_owned();
        }
        if let Some(description) = str_field(update, "description") {
            chat.description = Some(description.to_owned());
        }
        let chat = chat.clone();
        let app = self.app(app_id)?;
        Ok(Reply::ok(
            json!({ "ok": true, "result": Self::chat_json(&chat, false, app) }),
        ))
    }

    // ----- apps --------------------------------------------------------------------------

    fn app_json(app: &App, with_token: bool) -> Value {
        let mut out = app.fields.clone();
        out.insert("_id".into(), json!(app.id));
        if let Some(parent) = &app.parent {
            out.insert("parentAppId".into(), json!(parent));
        }
        out.insert("createdAt".into(), json!(app.created_at));
        out.insert("usersCount".into(), json!(app.users.len()));
        out.insert("chatsCount".into(), json!(app.chats.len()));
        if with_token {
            out.insert("appToken".into(), json!(app.app_token));
        }
        Value::Object(out)
    }

    /// GET /v2/apps: the caller's child apps.
    pub fn list_apps(&self, caller: &str, query: &HashMap<String, String>) -> Outcome {
        let (limit, offset) = page(query, MAX_APPS_PAGE)?;
        let mut apps: Vec<&App> = self
            .apps
            .values()
            .filter(|a| a.parent.as_deref() == Some(caller))
            .collect();
        match query.get("orderBy").map(String::as_str) {
            None | Some("createdAt") => apps.sort_by_key(|a| a.created_at),
            Some("displayName") => apps.sort_by(|a, b| {
                str_field(&a.fields, "displayName").cmp(&str_field(&b.fields, "displayName"))
            }),
            Some(other) => {
                return Err(Reply::error(
                    422,
                    format!("orderBy `{other}` is not supported"),
                ))
            }
        }
        match query.get("order").map(String::as_str) {
            None | Some("asc") => {}
            Some("desc") => apps.reverse(),
            Some(other) => {
                return Err(Reply::error(
                    422,
                    format!("order `{other}` is not supported"),
                ))
            }
        }
        let items: Vec<Value> = paginate(&apps, limit, offset)
            .into_iter()
            .map(|a| Self::app_json(a, false))
            .collect();
        let page = AppsPage {
            items: Some(items.iter().map(listed_app).collect()),
            apps: None,
            total: Some(count(apps.len())),
        };
        Ok(Reply::ok(answer(
            &page,
            json!({ "ok": true, "items": items }),
        )))
    }

    pub fn get_app(&self, caller: &str, app_id: &str) -> Outcome {
        self.authorize(caller, app_id)?;
        let app = Self::app_json(self.app(app_id)?, true);
        let reply = AppReply {
            result: Some(listed_app(&app)),
            app: None,
        };
        Ok(Reply::ok(answer(
            &reply,
            json!({ "ok": true, "result": app }),
        )))
    }

    /// POST /v2/apps: a child app of the caller. The create reply has no `appToken`; a GET does.
    pub fn create_app(&mut self, caller: &str, body: &Value) -> Outcome {
        let fields = as_object(body)?.clone();
        if non_empty_str(&fields, "displayName").is_none() {
            return Err(Reply::error(422, "displayName is required"));
        }
        let id = self.object_id();
        self.insert_app(id.clone(), Some(caller.to_owned()), fields);
        let app = Self::app_json(self.app(&id)?, false);
        let reply = CreateAppReply {
            app: listed_app(&app),
        };
        Ok(Reply::ok(answer(&reply, json!({ "ok": true, "app": app }))))
    }

    pub fn delete_app(&mut self, caller: &str, app_id: &str) -> Outcome {
        self.authorize(caller, app_id)?;
        if app_id == caller {
            return Err(Reply::error(403, "An app cannot delete itself"));
        }
        self.apps.remove(app_id);
        self.jobs.retain(|_, job| job.app_id != app_id);
        Ok(Reply::ok(json!({ "ok": true })))
    }

    pub fn authorize_app(&self, caller: &str, app_id: &str) -> Result<(), Reply> {
        self.authorize(caller, app_id)
    }

    fn token_json(token: &AppToken) -> Value {
        json!({
            "tokenId": token.token_id,
            "label": token.label,
            "createdAt": token.created_at,
            "status": if token.revoked { "revoked" } else { "active" },
        })
    }

    pub fn list_tokens(&self, app_id: &str) -> Outcome {
        let items: Vec<Value> = self
            .app(app_id)?
            .tokens
            .iter()
            .map(Self::token_json)
            .collect();
        Ok(Reply::ok(json!({ "ok": true, "items": items })))
    }

    fn issue_token(&mut self, app_id: &str, label: Option<String>) -> Result<Value, Reply> {
        let token_id = self.object_id();
        let created_at = self.next();
        let secret = format!("ethora_{}", uuid::Uuid::new_v4().simple());
        let app = self.app_mut(app_id)?;
        let token = AppToken {
            token_id,
            label,
            created_at,
            revoked: false,
        };
        let issued = AppTokenReply {
            token_id: token.token_id.clone(),
            token: secret,
        };
        let reply = answer(&issued, Self::token_json(&token));
        app.tokens.push(token);
        Ok(reply)
    }

    pub fn create_token(&mut self, app_id: &str, body: &Value) -> Outcome {
        let label = as_object(body)?
            .get("label")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Reply::json(201, self.issue_token(app_id, label)?))
    }

    fn active_token<'a>(app: &'a mut App, token_id: &str) -> Result<&'a mut AppToken, Reply> {
        app.tokens
            .iter_mut()
            .find(|t| t.token_id == token_id && !t.revoked)
            .ok_or_else(|| Reply::error(404, format!("Token not found: {token_id}")))
    }

    pub fn revoke_token(&mut self, app_id: &str, token_id: &str) -> Outcome {
        Self::active_token(self.app_mut(app_id)?, token_id)?.revoked = true;
        Ok(Reply::ok(json!({ "ok": true, "tokenId": token_id })))
    }

    pub fn rotate_token(&mut self, app_id: &str, token_id: &str, body: &Value) -> Outcome {
        let old = Self::active_token(self.app_mut(app_id)?, token_id)?;
        old.revoked = true;
        let label = as_object(body)?
            .get("label")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| old.label.clone());
        let mut reply = self.issue_token(app_id, label)?;
        reply["rotatedFrom"] = json!(token_id);
        Ok(Reply::json(201, reply))
    }

    /// POST /v2/apps/{appId}/provision: creates the rooms and initialises the bot.
    pub fn provision(&mut self, app_id: &str, body: &Value) -> Outcome {
        let request = as_object(body)?;
        let mut rooms = Vec::new();
        for (index, room) in request
            .get("rooms")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let room = room.as_object().cloned().unwrap_or_default();
            let title = non_empty_str(&room, "title")
                .map(str::to_owned)
                .unwrap_or_else(|| format!("Room {}", index + 1));
            let uuid = format!("provisioned-{}", self.next());
            let mut chat = room.clone();
            chat.insert("uuid".into(), json!(uuid));
            chat.insert("title".into(), json!(title));
            let created = self.create_chat(app_id, &Value::Object(chat))?;
            if let ReplyBody::Json(body) = created.body {
                rooms.push(body["result"].clone());
            }
        }
        let app = self.app_mut(app_id)?;
        let bot = app.bot.get_or_insert_with(|| {
            let mut bot = Map::new();
            bot.insert("status".into(), json!("off"));
            bot.insert("trigger".into(), json!("/bot"));
            bot.insert("prompt".into(), json!(""));
            bot.insert("greetingMessage".into(), json!(""));
            bot.insert("isRAG".into(), json!(false));
            bot
        });
        Ok(Reply::ok(json!({ "ok": true, "rooms": rooms, "bot": bot })))
    }

    pub fn get_bot(&self, app_id: &str) -> Outcome {
        let app = self.app(app_id)?;
        Ok(Reply::ok(match &app.bot {
            Some(bot) => json!({ "ok": true, "result": bot, "initialized": true }),
            None => json!({ "ok": true, "result": { "status": "off" }, "initialized": false }),
        }))
    }

    /// PUT /v2/apps/{appId}/bot: 422 BOT_NOT_INITIALIZED until the app is provisioned.
    pub fn update_bot(&mut self, app_id: &str, body: &Value) -> Outcome {
        let update = as_object(body)?;
        if let Some(status) = update.get("status") {
            if status != "on" && status != "off" {
                return Err(Reply::error(400, "status must be `on` or `off`"));
            }
        }
        if let Some(trigger) = update.get("trigger") {
            if trigger != "any_message" && trigger != "/bot" {
                return Err(Reply::error(400, "trigger must be `any_message` or `/bot`"));
            }
        }
        let app = self.app_mut(app_id)?;
        let Some(bot) = app.bot.as_mut() else {
            return Err(Reply::json(
                422,
                json!({ "ok": false, "code": "BOT_NOT_INITIALIZED", "error": "The bot of this app is not initialised; provision the app first" }),
            ));
        };
        for (key, value) in update {
            bot.insert(key.clone(), value.clone());
        }
        Ok(Reply::ok(json!({ "ok": true, "result": bot })))
    }

    /// POST /v2/apps/{appId}/chats/broadcast: `text` and exactly one target, else 400.
    pub fn broadcast(&mut self, app_id: &str, body: &Value, status_prefix: &str) -> Outcome {
        let request = as_object(body)?;
        if non_empty_str(request, "text").is_none() {
            return Err(Reply::error(400, "\"text\" is required"));
        }
        let all_rooms = request.get("allRooms") == Some(&Value::Bool(true));
        let list = |key: &str| -> Option<Vec<String>> {
            request.get(key).and_then(Value::as_array).map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
        };
        let chat_names = list("chatNames");
        let chat_ids = list("chatIds");
        let targets = usize::from(all_rooms)
            + usize::from(chat_names.is_some())
            + usize::from(chat_ids.is_some());
        if targets != 1 {
            return Err(Reply::error(
                400,
                "exactly one target is required: allRooms, chatNames or chatIds",
            ));
        }
        let app = self.app(app_id)?;
        let names: Vec<String> = if all_rooms {
            app.chats.keys().cloned().collect()
        } else if let Some(names) = chat_names {
            names
                .iter()
                .map(|n| short_chat_name(n).to_owned())
                .collect()
        } else {
            chat_ids
                .unwrap_or_default()
                .iter()
                .map(|id| format!("{app_id}_{id}"))
                .collect()
        };
        let dry_run = request.get("dryRun") == Some(&Value::Bool(true));
        if !dry_run {
            let text = request.get("text").cloned().unwrap_or(Value::Null);
            for name in &names {
                if self.app(app_id)?.chats.contains_key(name) {
                    let (id, sent_at) = self.room_sequence();
                    if let Some(chat) = self.app_mut(app_id)?.chats.get_mut(name) {
                        let message = json!({ "_id": id, "text": text, "createdAt": sent_at, "from": "broadcast" });
                        chat.messages.push(message);
                    }
                }
            }
        }
        let app = self.app(app_id)?;
        let results: Vec<Value> = names
            .iter()
            .map(|name| {
                let status = match (app.chats.contains_key(name), dry_run) {
                    (false, _) => "not-found",
                    (true, true) => "dry-run",
                    (true, false) => "sent",
                };
                json!({ "chatName": name, "status": status })
            })
            .collect();
        let job_id = self.start_job(
            app_id,
            false,
            json!({ "results": results, "dryRun": dry_run }),
        );
        Ok(Reply::json(
            202,
            job_reply(job_id, status_prefix, json!({ "ok": true })),
        ))
    }

    /// GET /v2/apps/{appId}/chats/{chatId}/messages: a page of a room's history, newest first,
    /// by the room's `_id`; `before` (a message `_id`) pages back (an unknown one: an empty
    /// page); `total` counts the whole room. The real answer's shape is not published:
    /// `{ ok, results, total }` and `before` as a message `_id` are our assumptions.
    pub fn chat_messages(
        &self,
        app_id: &str,
        chat_id: &str,
        query: &HashMap<String, String>,
    ) -> Outcome {
        let (limit, _) = page(query, 100)?;
        let app = self.app(app_id)?;
        let chat = app
            .chats
            .values()
            .find(|chat| chat.id == chat_id)
            .ok_or_else(|| Reply::json(404, json!({ "ok": false, "error": "Chat not found" })))?;
        let newest_first = chat.messages.iter().rev();
        let older: Vec<&Value> = match query.get("before") {
            Some(before) => newest_first
                .skip_while(|message| message["_id"] != before.as_str())
                .skip(1)
                .collect(),
            None => newest_first.collect(),
        };
        let results: Vec<Value> = older.into_iter().take(limit as usize).cloned().collect();
        let page = MessagesPage {
            results: Some(Value::Array(results)),
            total: Some(count(chat.messages.len())),
        };
        Ok(Reply::ok(answer(&page, json!({ "ok": true }))))
    }

    /// Answers an API request (the caller already authenticated): the routing table, beside
    /// the handlers it names.
    pub fn route(
        &mut self,
        caller: &str,
        method: &str,
        segments: &[&str],
        query: &HashMap<String, String>,
        body: &Value,
    ) -> Result<Reply, Reply> {
        let empty = json!({});
        let body_or_empty = if body.is_null() { &empty } else { body };
        match (method, segments) {
            ("POST", ["v2", "users", "batch"]) => {
                self.create_users(caller, body, "/v2/users/batch", true)
            }
            ("GET", ["v2", "users", "batch", job]) => self.read_job(caller, job),
            ("POST", ["v2", "chats"]) => self.create_chat(caller, body),
            ("POST", ["v2", "chats", "users-access"]) => self.users_access(caller, body, true),
            ("DELETE", ["v2", "chats", "users-access"]) => self.users_access(caller, body, false),
            ("DELETE", ["v1", "users", "batch"]) => self.delete_users(caller, body),
            ("DELETE", ["v1", "chats"]) => self.delete_chat(caller, body),
            ("PATCH", ["v2", "chats", "users"]) => self.update_users(caller, body),
            ("GET", ["v2", "chats", "users"]) => self.get_users(caller, query),
            ("GET", ["v1", "apps", "users", xmpp]) => self.get_user_by_xmpp(caller, xmpp),
            ("GET", ["v2", "apps"]) => self.list_apps(caller, query),
            ("POST", ["v2", "apps"]) => self.create_app(caller, body),
            (_, ["v2", "apps", app, rest @ ..]) => {
                self.authorize_app(caller, app)?;
                let batch_prefix = format!("/v2/apps/{app}/users/batch");
                let broadcast_prefix = format!("/v2/apps/{app}/chats/broadcast");
                match (method, rest) {
                    ("GET", []) => self.get_app(caller, app),
                    ("DELETE", []) => self.delete_app(caller, app),
                    ("GET", ["tokens"]) => self.list_tokens(app),
                    ("POST", ["tokens"]) => self.create_token(app, body_or_empty),
                    ("DELETE", ["tokens", token]) => self.revoke_token(app, token),
                    ("POST", ["tokens", token, "rotate"]) => {
                        self.rotate_token(app, token, body_or_empty)
                    }
                    ("POST", ["provision"]) => self.provision(app, body_or_empty),
                    ("GET", ["bot"]) => self.get_bot(app),
                    ("PUT", ["bot"]) => self.update_bot(app, body),
                    ("POST", ["chats", "broadcast"]) => {
                        self.broadcast(app, body, &broadcast_prefix)
                    }
                    ("GET", ["chats", "broadcast", job]) => self.read_job(app, job),
                    ("POST", ["users", "batch"]) => {
                        self.create_users(app, body, &batch_prefix, false)
                    }
                    ("GET", ["users", "batch", job]) => self.read_job(app, job),
                    ("DELETE", ["users", "batch"]) => self.delete_users(app, body),
                    ("POST", ["chats"]) => self.create_chat(app, body),
                    ("GET", ["chats"]) => self.list_chats(app, query),
                    ("DELETE", ["chats"]) => self.delete_chat(app, body),
                    ("POST", ["chats", "users-access"]) => self.users_access(app, body, true),
                    ("DELETE", ["chats", "users-access"]) => self.users_access(app, body, false),
                    ("GET", ["users", user, "chats"]) => self.user_chats(app, user, query),
                    ("PATCH", ["chats", chat]) => self.update_chat(app, chat, body),
                    ("GET", ["chats", chat, "messages"]) => self.chat_messages(app, chat, query),
                    _ => Err(Reply::error(404, "Not found")),
                }
            }
            _ => Err(Reply::error(404, "Not found")),
        }
    }

    /// Everything, for tests that assert on state.
    pub fn snapshot(&self) -> Value {
        let apps: Map<String, Value> = self
            .apps
            .values()
            .map(|app| {
                let chats: Vec<Value> = app
                    .chats
                    .values()
                    .map(|c| Self::chat_json(c, true, app))
                    .collect();
                let users: Vec<Value> = app
                    .users
                    .values()
                    .map(|u| Value::Object(u.clone()))
                    .collect();
                let tokens: Vec<Value> = app.tokens.iter().map(Self::token_json).collect();
                (
                    app.id.clone(),
                    json!({
                        "app": Self::app_json(app, true),
                        "users": users,
                        "chats": chats,
                        "tokens": tokens,
                        "bot": app.bot,
                    }),
                )
            })
            .collect();
        json!({ "rootApp": self.root_app, "apps": apps, "jobs": self.jobs.len() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "app1";

    fn user(uuid: &str, email: &str) -> Value {
        json!({ "uuid": uuid, "email": email, "firstName": "F", "lastName": "Last" })
    }

    fn body(reply: Reply) -> Value {
        match reply.body {
            ReplyBody::Json(value) => value,
            ReplyBody::Text(text) => Value::String(text),
        }
    }

    #[test]
    fn batch_creates_users_and_reports_conflicts_through_the_job() {
        let mut store = Store::new(APP);
        let created = store
            .create_users(
                APP,
                &json!({ "usersList": [user("u1", "a@x"), user("u1", "b@x"), user("u2", "a@x")] }),
                "/v2/users/batch",
                true,
            )
            .unwrap();
        assert_eq!(created.status, 202);
        let job = body(created)["jobId"].as_str().unwrap().to_owned();
        let states: Vec<Value> = (0..3)
            .map(|_| body(store.read_job(APP, &job).unwrap()))
            .collect();
        assert_eq!(states[0]["state"], "pending");
        assert_eq!(states[1]["state"], "running");
        assert_eq!(states[2]["state"], "completed");
        let statuses: Vec<&str> = states[2]["result"]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["created", "uuid_exists", "exists"]);
        assert!(store.read_job("other", &job).is_err());
        // Again: the token-scoped route refuses an existing user, the app-scoped one reports it.
        let again = json!({ "usersList": [user("u1", "c@x")] });
        let refused = store
            .create_users(APP, &again, "/v2/users/batch", true)
            .err()
            .unwrap();
        assert_eq!(refused.status, 422);
        assert_eq!(body(refused)["error"], "User already exists: u1");
        let batch = format!("/v2/apps/{APP}/users/batch");
        assert_eq!(
            store
                .create_users(APP, &again, &batch, false)
                .unwrap()
                .status,
            202
        );
    }

    #[test]
    fn batch_rules_are_enforced() {
        let mut store = Store::new(APP);
        let short = json!({ "usersList": [{ "uuid": "u", "email": "e", "firstName": "F", "lastName": "L" }] });
        assert_eq!(
            store
                .create_users(APP, &short, "/x", false)
                .unwrap_err()
                .status,
            422
        );
        let many = json!({ "usersList": vec![user("u", "e"); 101] });
        assert_eq!(
            store
                .create_users(APP, &many, "/x", false)
                .unwrap_err()
                .status,
            422
        );
        let empty = json!({ "users": [] });
        assert_eq!(store.update_users(APP, &empty).unwrap_err().status, 422);
    }

    #[test]
    fn deletes_of_missing_targets_answer_422_text() {
        let mut store = Store::new(APP);
        let reply = store
            .delete_users(APP, &json!({ "usersIdList": ["ghost"] }))
            .unwrap_err();
        assert_eq!(reply, Reply::not_found_text("Users not found"));
        let reply = store
            .delete_chat(APP, &json!({ "name": "app1_ghost" }))
            .unwrap_err();
        assert_eq!(reply.status, 422);
        assert!(matches!(reply.body, ReplyBody::Text(ref t) if t.contains("not found")));
    }

    #[test]
    fn membership_follows_grant_remove_and_user_deletion() {
        let mut store = Store::new(APP);
        store
            .create_users(
                APP,
                &json!({ "usersList": [user("u1", "a@x"), user("u2", "b@x")] }),
                "/x",
                false,
            )
            .unwrap();
        store
            .create_chat(APP, &json!({ "uuid": "r", "title": "R", "type": "group" }))
            .unwrap();
        let grant = json!({ "chatName": "app1_r", "members": ["app1_u1", "u2"] });
        store.users_access(APP, &grant, true).unwrap();
        let members = |store: &Store| {
            body(
                store
                    .get_users(
                        APP,
                        &HashMap::from([("chatName".to_owned(), "app1_r".to_owned())]),
                    )
                    .unwrap(),
            )["total"]
                .clone()
        };
        assert_eq!(members(&store), 2);
        store
            .users_access(
                APP,
                &json!({ "chatName": "app1_r", "members": ["app1_u2"] }),
                false,
            )
            .unwrap();
        assert_eq!(members(&store), 1);
        store
            .delete_users(APP, &json!({ "usersIdList": ["u1"] }))
            .unwrap();
        assert_eq!(members(&store), 0);
        let unknown = json!({ "chatName": "app1_r", "members": ["nobody"] });
        assert_eq!(
            store.users_access(APP, &unknown, true).unwrap_err().status,
            422
        );
    }

    #[test]
    fn double_prefixes_and_duplicate_chats_are_refused() {
        let mut store = Store::new(APP);
        store
            .create_chat(APP, &json!({ "uuid": "r", "title": "R" }))
            .unwrap();
        assert_eq!(
            store
                .create_chat(APP, &json!({ "uuid": "r", "title": "R" }))
                .unwrap_err()
                .status,
            422
        );
        let doubled = store
            .delete_chat(APP, &json!({ "name": "app1_app1_r" }))
            .unwrap_err();
        assert!(body(doubled)["error"]
            .as_str()
            .unwrap()
            .contains("Double-prefixed"));
    }

    #[test]
    fn child_apps_bot_and_broadcast_rules() {
        let mut store = Store::new(APP);
        let child = body(
            store
                .create_app(APP, &json!({ "displayName": "Child" }))
                .unwrap(),
        );
        let child_id = child["app"]["_id"].as_str().unwrap().to_owned();
        assert!(child["app"].get("appToken").is_none());
        assert!(store.authorize_app(APP, &child_id).is_ok());
        let other = Store::new("someone-else");
        assert!(other.authorize_app("someone-else", &child_id).is_err());
        let not_ready = store
            .update_bot(&child_id, &json!({ "status": "on" }))
            .unwrap_err();
        assert_eq!(body(not_ready)["code"], "BOT_NOT_INITIALIZED");
        store
            .provision(
                &child_id,
                &json!({ "rooms": [{ "title": "General", "pinned": true }] }),
            )
            .unwrap();
        assert_eq!(
            body(
                store
                    .update_bot(&child_id, &json!({ "status": "on" }))
                    .unwrap()
            )["result"]["status"],
            "on"
        );
        assert_eq!(
            store
                .broadcast(&child_id, &json!({ "text": "hi" }), "/b")
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(
            store
                .broadcast(
                    &child_id,
                    &json!({ "text": "hi", "allRooms": true, "chatIds": ["x"] }),
                    "/b"
                )
                .unwrap_err()
                .status,
            400
        );
        assert_eq!(
            store
                .broadcast(&child_id, &json!({ "text": "hi", "allRooms": true }), "/b")
                .unwrap()
                .status,
            202
        );
    }

    #[test]
    fn broadcasts_become_a_rooms_message_history() {
        let mut store = Store::new(APP);
        let room = body(
            store
                .create_chat(APP, &json!({ "uuid": "r1", "title": "R" }))
                .unwrap(),
        );
        let id = room["result"]["_id"].as_str().unwrap().to_owned();
        assert_eq!(id.len(), 24);
        for text in ["one", "two", "three"] {
            let sent = json!({ "text": text, "chatIds": ["r1"] });
            store.broadcast(APP, &sent, "/b").unwrap();
        }
        store
            .broadcast(
                APP,
                &json!({ "text": "dry", "allRooms": true, "dryRun": true }),
                "/b",
            )
            .unwrap();
        let query = |pairs: &[(&str, &str)]| -> HashMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let page = body(
            store
                .chat_messages(APP, &id, &query(&[("limit", "2")]))
                .unwrap(),
        );
        let texts: Vec<&str> = page["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["three", "two"]);
        assert_eq!(page["total"], 3);
        let before = page["results"][1]["_id"].as_str().unwrap();
        let older = body(
            store
                .chat_messages(APP, &id, &query(&[("before", before)]))
                .unwrap(),
        );
        assert_eq!(older["results"].as_array().unwrap().len(), 1);
        assert_eq!(older["results"][0]["text"], "one");
        let routed = store.route(
            APP,
            "GET",
            &["v2", "apps", APP, "chats", &id, "messages"],
            &query(&[]),
            &Value::Null,
        );
        assert_eq!(
            body(routed.unwrap())["results"].as_array().unwrap().len(),
            3
        );
        assert_eq!(
            store
                .chat_messages(APP, "r1", &query(&[]))
                .unwrap_err()
                .status,
            404
        );
        assert_eq!(
            store
                .chat_messages(APP, &id, &query(&[("limit", "101")]))
                .unwrap_err()
                .status,
            422
        );
    }
}
