//! The `ensure*` methods: provisioning that can run again, and twice at once.
//!
//! - A `creates` ensure (`ensureUser`, `ensureChatRoom`, ...) sends the create request of the
//!   method it names; an `ETHORA_CONFLICT` answer (the server says it already exists) means
//!   it was there: `{ created: false }`. Otherwise `{ created: true, response }`. One request,
//!   and the server decides, so two at once both succeed.
//! - A `grants` ensure (`ensureChatRoomMembers`, ...) reads the room's members, then grants
//!   access to those it lacks (no request when none): `{ created, added, present }`. A
//!   conflict answer to the grant makes it read the members again: whoever is a member now is
//!   `present`; if someone is still missing, the conflict is the result.
//!
//! Each takes the parameters of the method it names (the grammar copies them from it), read
//! and checked by that method's own rules before anything is sent.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::api::arguments::{self, one_or_many_ids};
use crate::api::{self, ApiCall, Parameter};
use crate::error::{ErrorCode, EthoraError, Result};
use crate::listing::{self, Listing, ListingCall};
use crate::naming::{scoped_chat_name, scoped_member};
use crate::response::JsonText;
use crate::{ApiRequest, EthoraClient};

// `EnsureCall`, from the list in [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_ensure_calls);

/// Largest page the members are read with.
const MEMBERS_PAGE_SIZE: u64 = 500;
/// Most pages one read of the members takes (a server that never ends a listing is an error).
const MAX_MEMBER_PAGES: u64 = 200;

/// An ensure with its arguments read and checked: what [`run`] carries out.
pub enum Ensure {
    /// Send the create request; a conflict means it exists.
    Create(ApiRequest),
    /// Read the members from `members`, then grant `write` to the missing ones.
    Grant(Grant),
}

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

/// The argument at `index` (absent past the end).
fn value(values: &[Option<Value>], index: usize) -> Option<&Value> {
    values.get(index).and_then(Option::as_ref)
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
    // A child app's members are read from its chat listing, the configured app's from getUsers.
    let in_app = write == ApiCall::GrantUserAccessToChatRoomInApp;
    let parameters = write.parameters();
    let (chat_index, users_index) = if in_app { (1, 2) } else { (0, 1) };
    let room_app = match in_app {
        true => arguments::id(value(&values, 0), parameters[0].name)?.to_owned(),
        false => app_id.to_owned(),
    };
    let chat_id = arguments::id(value(&values, chat_index), parameters[chat_index].name)?;
    let chat_name = scoped_chat_name(&room_app, chat_id);
    let user_ids = one_or_many_ids(value(&values, users_index), parameters[users_index].name)?;
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

/// Carries out a prepared ensure; resolves with what happened, as JSON text (a create's
/// answer inside it as the server sent it).
pub async fn run(client: &EthoraClient, ensure: Ensure) -> Result<JsonText> {
    match ensure {
        Ensure::Create(request) => match client.execute(request).await {
            Ok(response) => Ok(JsonText::from_trusted(format!(
                "{{\"created\":true,\"response\":{}}}",
                response.as_str()
            ))),
            Err(error) if error.code == ErrorCode::Conflict => {
                Ok(JsonText::from_trusted("{\"created\":false}".to_owned()))
            }
            Err(error) => Err(error),
        },
        Ensure::Grant(grant) => run_grant(client, grant).await,
    }
}

async fn run_grant(client: &EthoraClient, grant: Grant) -> Result<JsonText> {
    let Grant {
        write,
        mut values,
        users,
        members,
        room,
    } = grant;
    // Read, grant the missing; after a conflict, read once more (see the module's doc).
    let mut conflict = None;
    loop {
        let members_now = current_members(client, members.clone(), room.as_deref()).await?;
        let (present, missing): (Vec<_>, Vec<_>) = users
            .iter()
            .partition(|(_, xmpp)| members_now.contains(xmpp));
        if missing.is_empty() {
            return Ok(outcome(&[], &present));
        }
        if let Some(error) = conflict {
            return Err(error);
        }
        let ids: Vec<&str> = missing.iter().map(|(id, _)| id.as_str()).collect();
        if let Some(last) = values.last_mut() {
            *last = Some(Value::from(ids));
        }
        let request = api::build_request(write, client.app_id(), &values)?;
        match client.execute(request).await {
            Ok(_) => return Ok(outcome(&missing, &present)),
            Err(error) if error.code == ErrorCode::Conflict => conflict = Some(error),
            Err(error) => return Err(error),
        }
    }
}

/// `{ created, added, present }`, with the ids as given.
fn outcome(added: &[&(String, String)], present: &[&(String, String)]) -> JsonText {
    let ids = |users: &[&(String, String)]| -> Vec<String> {
        users.iter().map(|(id, _)| id.clone()).collect()
    };
    JsonText::from_value(&serde_json::json!({
        "created": !added.is_empty(),
        "added": ids(added),
        "present": ids(present),
    }))
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
    let mut read = 0;
    while let Some(item) = listing::next_item(&members, client).await? {
        // A listing that never ends is refused, not walked forever.
        read += 1;
        if read == MAX_MEMBER_PAGES * MEMBERS_PAGE_SIZE {
            return Err(EthoraError::new(
                ErrorCode::Decode,
                format!("the room's members did not end within {MAX_MEMBER_PAGES} pages"),
            ));
        }
        let Ok(item) = serde_json::from_str::<Value>(item.get()) else {
            continue;
        };
        match room {
            None => add_usernames(&mut found, [&item]),
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
        }
    }
    Ok(found)
}

/// Adds each user's `xmppUsername` (or the user itself, when the listing gives names) to `found`.
fn add_usernames<'a>(found: &mut BTreeSet<String>, users: impl IntoIterator<Item = &'a Value>) {
    found.extend(
        users
            .into_iter()
            .filter_map(|user| {
                user.as_str()
                    .or_else(|| user.get("xmppUsername").and_then(Value::as_str))
            })
            .map(str::to_owned),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_ensure_takes_the_parameters_of_what_it_writes() {
        assert!(!EnsureCall::ALL.is_empty());
        for call in EnsureCall::ALL {
            // The grammar copies them from the declaration of the method it names.
            assert_eq!(
                call.parameters(),
                call.write_call().parameters(),
                "{}",
                call.js_name()
            );
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
