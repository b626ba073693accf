//! The mock's answers, built from the result types the SDK declares (`ethora_types`, with its
//! `serde` feature): each answer's declared part is one of those structs, filled from the
//! mock's state, so a declared field the mock leaves out or fills with another type does not
//! compile. What the types leave open (the server sends more than is declared: `ok`, a user's
//! `uuid`, `tags`, ...) is given beside it, as JSON of the same shape, and merged in.

use ethora_types::{ChatMember, ListedApp, ListedChat, ListedUser};
use serde::Serialize;
use serde_json::{Map, Value};

/// `declared` as JSON, with what `more` holds beside it: keys `declared` lacks are added,
/// objects and arrays (element by element) merged the same way;
/// a declared value wins.
pub fn answer<T: Serialize>(declared: &T, more: Value) -> Value {
    // These structs have string keys only: serialising them cannot fail.
    let mut value = serde_json::to_value(declared).unwrap_or(Value::Null);
    drop_absent(&mut value);
    merge(&mut value, more);
    value
}

/// Removes the `null`s an absent (`None`) field serialises to.
fn drop_absent(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.retain(|_, item| !item.is_null());
            object.values_mut().for_each(drop_absent);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_absent),
        _ => {}
    }
}

fn merge(declared: &mut Value, more: Value) {
    match (declared, more) {
        (Value::Object(object), Value::Object(more)) => {
            for (key, extra) in more {
                match object.get_mut(&key) {
                    Some(own) => merge(own, extra),
                    None => {
                        object.insert(key, extra);
                    }
                }
            }
        }
        (Value::Array(items), Value::Array(more)) => {
            for (item, extra) in items.iter_mut().zip(more) {
                merge(item, extra);
            }
        }
        _ => {}
    }
}

/// A field's text (`None`: absent, or not a string).
fn text(field: Option<&Value>) -> Option<String> {
    field.and_then(Value::as_str).map(str::to_owned)
}

/// The declared part of a stored user.
pub fn listed_user(record: &Map<String, Value>) -> ListedUser {
    ListedUser {
        id: text(record.get("_id")),
        xmpp_username: text(record.get("xmppUsername")),
        first_name: text(record.get("firstName")),
        last_name: text(record.get("lastName")),
        email: text(record.get("email")),
        profile_image: text(record.get("profileImage")),
    }
}

/// The declared part of a room as the listings send it (`chat_json`'s object).
pub fn listed_chat(chat: &Value) -> ListedChat {
    let members = chat
        .get("members")
        .and_then(Value::as_array)
        .map(|members| {
            members
                .iter()
                .map(|member| ChatMember {
                    xmpp_username: text(member.get("xmppUsername")),
                })
                .collect()
        });
    ListedChat {
        id: text(chat.get("_id")),
        name: text(chat.get("name")),
        jid: text(chat.get("jid")),
        title: text(chat.get("title")),
        members,
    }
}

/// The declared part of an app as `app_json` writes it.
pub fn listed_app(app: &Value) -> ListedApp {
    ListedApp {
        id: text(app.get("_id")),
        display_name: text(app.get("displayName")),
        app_token: text(app.get("appToken")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ethora_types::UsersPage;
    use serde_json::json;

    #[test]
    fn the_declared_part_wins_and_the_rest_is_kept() {
        let record = json!({ "_id": "1", "xmppUsername": "a_u", "uuid": "u", "firstName": 5 });
        let record = record.as_object().cloned().unwrap_or_default();
        let page = UsersPage {
            results: vec![listed_user(&record)],
            total: Some(1),
        };
        let answer = answer(
            &page,
            json!({ "ok": true, "results": [record], "total": 99 }),
        );
        assert_eq!(
            answer,
            json!({ "results": [{ "_id": "1", "xmppUsername": "a_u", "uuid": "u", "firstName": 5 }], "total": 1, "ok": true })
        );
    }
}
