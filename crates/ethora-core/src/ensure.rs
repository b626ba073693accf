//! The `ensure*` methods: provisioning that can run again, and twice at once.
//!
//! - A `creates` ensure (`ensureUser`, `ensureChatRoom`, ...) sends the create request of the
//!   method it names; an `ETHORA_CONFLICT` answer (the server says it already exists) means
//!   it was there: `{ created: false }`. Otherwise `{ created: true, response }`. One request,
//!   and the server decides, so two at once both succeed.
//! - A `grants` ensure (`ensureChatRoomMembers`, ...) reads the room's members, then grants
//!   access to those it lacks (no request when none): `{ created, added, present }`.
//!
//! Each takes the parameters of the method it names, read and checked by that method's own
//! rules before anything is sent.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::api::arguments::{self, one_or_many_ids};
use crate::api::{self, ApiCall, Parameter};
use crate::error::{ErrorCode, Result};
use crate::listing::{self, Listing, ListingCall};
use crate::naming::{scoped_chat_name, scoped_member};
use crate::{ApiRequest, EthoraClient};

// `EnsureCall`, from the list in [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_ensure_calls);

/// Largest page the members are read with.
const MEMBERS_PAGE_SIZE: u64 = 500;

/// An ensure with its arguments read and checked: what [`run`] carries out.
#[derive(Debug)]
pub enum Ensure {
    /// Send the create request; a conflict means it exists.
    Create(ApiRequest),
    /// Read the members from `members`, then grant `write` to the missing ones.
    Grant(Grant),
}

#[derive(Debug)]
pub struct Grant {
    write: ApiCall,
    /// The arguments of the grant, the user ids last.
    values: Vec<Option<Value>>,
    /// The user ids as given, each with its xmpp username.
    users: Vec<(String, String)>,
    members: Listing,
    /// The room the chats listing is searched for (`None`: the listing is the members).
    room: Option<String>,
}

/// Reads an ensure's arguments (the parameters of the method it names). Fails before
/// anything is sent.
pub fn prepare(call: EnsureCall, app_id: &str, values: Vec<Option<Value>>) -> Result<Ensure> {
    let write = call.write_call();
    // The write request is built now, so its rules refuse a wrong argument here.
    let request = api::build_request(write, app_id, &values)?;
    if !call.grants() {
        return Ok(Ensure::Create(request));
    }
    let parameters = write.parameters();
    let users_index = parameters.len() - 1;
    let chat_index = users_index - 1;
    let chat_id = arguments::id(values[chat_index].as_ref(), parameters[chat_index].name)?;
    // A child app's members are read from its chat listing, the configured app's from getUsers.
    let (room_app, in_app) = match chat_index {
        0 => (app_id.to_owned(), false),
        _ => (
            arguments::id(values[0].as_ref(), parameters[0].name)?.to_owned(),
            true,
        ),
    };
    let chat_name = scoped_chat_name(&room_app, chat_id);
    let user_ids = one_or_many_ids(values[users_index].as_ref(), parameters[users_index].name)?;
    let users = user_ids
        .into_iter()
        .map(|id| {
            let xmpp = scoped_member(&room_app, &id);
            (id, xmpp)
        })
        .collect();
    let page = |mut params: Map<String, Value>| {
        params.insert("pageSize".into(), Value::from(MEMBERS_PAGE_SIZE));
        Some(Value::Object(params))
    };
    let (members, room) = if in_app {
        let mut params = Map::new();
        params.insert("includeMembers".into(), Value::Bool(true));
        let listing_values = [Some(Value::String(room_app)), page(params)];
        (
            Listing::new(ListingCall::IterateChatsInApp, app_id, &listing_values)?,
            Some(chat_name),
        )
    } else {
        let mut params = Map::new();
        params.insert("chatName".into(), Value::String(chat_name));
        (
            Listing::new(ListingCall::IterateUsers, app_id, &[page(params)])?,
            None,
        )
    };
    Ok(Ensure::Grant(Grant {
        write,
        values,
        users,
        members,
        room,
    }))
}

/// Carries out a prepared ensure; resolves with what happened.
pub async fn run(client: &EthoraClient, ensure: Ensure) -> Result<Value> {
    match ensure {
        Ensure::Create(request) => match client.execute(request).await {
            Ok(response) => Ok(json!({
                "created": true,
                "response": serde_json::from_str::<Value>(response.as_str()).unwrap_or(Value::Null),
            })),
            Err(error) if error.code == ErrorCode::Conflict => Ok(json!({ "created": false })),
            Err(error) => Err(error),
        },
        Ensure::Grant(grant) => run_grant(client, grant).await,
    }
}

async fn run_grant(client: &EthoraClient, grant: Grant) -> Result<Value> {
    let Grant {
        write,
        mut values,
        users,
        members,
        room,
    } = grant;
    let present = current_members(client, members, room.as_deref()).await?;
    let (have, missing): (Vec<_>, Vec<_>) = users
        .into_iter()
        .partition(|(_, xmpp)| present.contains(xmpp));
    let mut added: Vec<String> = missing.into_iter().map(|(id, _)| id).collect();
    let mut present: Vec<String> = have.into_iter().map(|(id, _)| id).collect();
    if !added.is_empty() {
        if let Some(last) = values.last_mut() {
            *last = Some(Value::from(added.clone()));
        }
        let request = api::build_request(write, client.app_id(), &values)?;
        match client.execute(request).await {
            Ok(_) => {}
            // Granted meanwhile by someone else.
            Err(error) if error.code == ErrorCode::Conflict => present.append(&mut added),
            Err(error) => return Err(error),
        }
    }
    Ok(json!({ "created": !added.is_empty(), "added": added, "present": present }))
}

/// The xmpp usernames of the room's members: every user of the users listing, or the
/// `members` of the chat named `room` in the chats listing (none when it is not listed).
async fn current_members(
    client: &EthoraClient,
    members: Listing,
    room: Option<&str>,
) -> Result<BTreeSet<String>> {
    let members = members.shared();
    let mut found = BTreeSet::new();
    while let Some(item) = listing::next_item(&members, client).await? {
        let Ok(item) = serde_json::from_str::<Value>(item.get()) else {
            continue;
        };
        let usernames = match room {
            None => [&item],
            Some(room) => {
                let names = ["name", "jid"].map(|key| item.get(key).and_then(Value::as_str));
                if !names.contains(&Some(room)) {
                    continue;
                }
                let members = item.get("members").and_then(Value::as_array);
                add_usernames(&mut found, members.into_iter().flatten());
                // The room is listed once: no further page is read.
                return Ok(found);
            }
        };
        add_usernames(&mut found, usernames);
    }
    Ok(found)
}

/// Adds the `xmppUsername` of each user to `found`.
fn add_usernames<'a>(found: &mut BTreeSet<String>, users: impl IntoIterator<Item = &'a Value>) {
    found.extend(
        users
            .into_iter()
            .filter_map(|user| user.get("xmppUsername").and_then(Value::as_str))
            .map(str::to_owned),
    );
}

impl EnsureCall {
    /// The parameters are those of the method it names (checked by a test).
    pub fn write_parameters(self) -> &'static [Parameter] {
        self.write_call().parameters()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ensure_takes_the_parameters_of_what_it_writes() {
        assert!(!EnsureCall::ALL.is_empty());
        for call in EnsureCall::ALL {
            let own: Vec<_> = call
                .parameters()
                .iter()
                .map(|p| (p.name, p.optional))
                .collect();
            let written: Vec<_> = call
                .write_parameters()
                .iter()
                .map(|p| (p.name, p.optional))
                .collect();
            assert_eq!(own, written, "{}", call.js_name());
            let write = call.write_call().js_name();
            if call.grants() {
                assert!(write.starts_with("grantUserAccess"), "{write}");
            } else {
                assert!(write.starts_with("create"), "{write}");
            }
        }
    }

    #[test]
    fn arguments_are_checked_before_anything_is_sent() {
        let refused = prepare(
            EnsureCall::EnsureChatRoomMembers,
            "app",
            vec![Some(json!("room")), Some(json!([]))],
        );
        assert!(refused.is_err());
        let Ok(Ensure::Grant(grant)) = prepare(
            EnsureCall::EnsureChatRoomMembers,
            "app",
            vec![Some(json!("room")), Some(json!(["u1", "app_u2"]))],
        ) else {
            panic!("a grant")
        };
        assert_eq!(
            grant.users,
            [
                ("u1".to_owned(), "app_u1".to_owned()),
                ("app_u2".to_owned(), "app_u2".to_owned())
            ]
        );
        let first_page = grant.members.page_request("app").map(|r| r.query.clone());
        assert!(
            format!("{first_page:?}").contains("app_room"),
            "{first_page:?}"
        );
        let Ok(Ensure::Grant(in_app)) = prepare(
            EnsureCall::EnsureChatRoomMembersInApp,
            "app",
            vec![Some(json!("child")), Some(json!("room")), Some(json!("u1"))],
        ) else {
            panic!("a grant")
        };
        assert_eq!(in_app.room.as_deref(), Some("child_room"));
        assert_eq!(in_app.users, [("u1".to_owned(), "child_u1".to_owned())]);
        assert!(matches!(
            prepare(EnsureCall::EnsureUser, "app", vec![Some(json!("u1")), None]),
            Ok(Ensure::Create(_))
        ));
    }
}
