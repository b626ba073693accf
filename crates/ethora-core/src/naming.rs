//! Ethora identifier conventions: `{appId}_{id}` chat names and member names, room JIDs.

use crate::error::{EthoraError, Result};

/// Conference domain of Ethora Cloud, as hard-coded in the reference SDK.
pub const ETHORA_JID_DOMAIN: &str = "@conference.xmpp.chat.ethora.com";

/// Rejects empty and blank ids, which would silently build `app_` names or `//` paths.
pub fn require_id<'a>(argument: &str, value: &'a str) -> Result<&'a str> {
    if value.trim().is_empty() {
        return Err(EthoraError::validation(
            argument,
            "must not be blank (empty or only whitespace)",
        ));
    }
    Ok(value)
}

/// An id that becomes one URL path segment: non-blank and not a dot segment, then encoded.
pub fn id_segment(argument: &str, value: &str) -> Result<String> {
    require_id(argument, value)?;
    if value == "." || value == ".." {
        return Err(EthoraError::validation(
            argument,
            "must not be `.` or `..` (a URL dot segment)",
        ));
    }
    Ok(crate::encode::path_segment(value))
}

/// The chat short name `{appId}_{chatId}`. A full JID (contains `@`) or an id that already
/// carries the `{appId}_` prefix is kept as it is, so names are never double-prefixed.
pub fn scoped_chat_name(app_id: &str, chat_id: &str) -> String {
    if chat_id.contains('@') || has_app_prefix(app_id, chat_id) {
        chat_id.to_owned()
    } else {
        format!("{app_id}_{chat_id}")
    }
}

/// `createChatName`: the short name, or with `full` the room JID on the Ethora Cloud domain.
pub fn chat_name(app_id: &str, chat_id: &str, full: bool) -> String {
    let name = scoped_chat_name(app_id, chat_id);
    if full && !name.contains('@') {
        format!("{name}{ETHORA_JID_DOMAIN}")
    } else {
        name
    }
}

fn has_app_prefix(app_id: &str, id: &str) -> bool {
    id.len() > app_id.len() + 1 && id.starts_with(app_id) && id.as_bytes()[app_id.len()] == b'_'
}

/// The xmpp username `{appId}_{userId}`, unless the id already has that prefix.
pub fn scoped_member(app_id: &str, user_id: &str) -> String {
    if has_app_prefix(app_id, user_id) {
        user_id.to_owned()
    } else {
        format!("{app_id}_{user_id}")
    }
}

/// Validates and prefixes a member list; the API needs at least one member.
pub fn scoped_members(app_id: &str, argument: &str, user_ids: &[String]) -> Result<Vec<String>> {
    if user_ids.is_empty() {
        return Err(EthoraError::validation(
            argument,
            "must name at least one user",
        ));
    }
    user_ids
        .iter()
        .map(|id| require_id(argument, id).map(|id| scoped_member(app_id, id)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_names_follow_reference_for_plain_ids() {
        assert_eq!(chat_name("app123", "room-1", false), "app123_room-1");
        assert_eq!(
            chat_name("app123", "room-1", true),
            "app123_room-1@conference.xmpp.chat.ethora.com"
        );
    }

    #[test]
    fn never_double_prefixes() {
        assert_eq!(scoped_chat_name("app123", "app123_room"), "app123_room");
        assert_eq!(scoped_chat_name("app123", "r@conf.x"), "r@conf.x");
        assert_eq!(scoped_member("app123", "app123_u2"), "app123_u2");
        // The reference's legacy check has no underscore; `app1234x` is a different user.
        assert_eq!(scoped_member("app123", "app1234x"), "app123_app1234x");
        assert_eq!(scoped_member("app123", "app123_"), "app123_app123_");
    }

    #[test]
    fn rejects_blank_and_dot_ids() {
        assert!(require_id("chatId", "  ").is_err());
        assert!(id_segment("userId", "..").is_err());
        assert_eq!(id_segment("userId", "u/1").unwrap(), "u%2F1");
        assert!(scoped_members("app", "userId", &[]).is_err());
    }
}
