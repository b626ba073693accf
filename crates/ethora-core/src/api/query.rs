//! Query strings as the official SDK writes them: axios `params` (`encodeURIComponent`) for
//! `getUsers` / `getUserChats`, `URLSearchParams` for `listApps` / `listChatsInApp`.

use crate::encode;

/// Page-size bounds: `/v2/chats/users` documents 1-500, `/v2/apps` serves at most 200.
pub const MAX_PAGE_SIZE: f64 = 500.0;
pub const MAX_APPS_PAGE_SIZE: f64 = 200.0;

/// `getUsers` filters, as the text they are sent as (see [`crate::api::arguments::users_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UsersQuery {
    pub chat_name: Option<String>,
    pub xmpp_username: Option<String>,
    pub user_id: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

/// `getUserChats` paging, as the text it is sent as (see [`crate::api::arguments::chats_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatsQuery {
    pub limit: Option<String>,
    pub offset: Option<String>,
    pub include_members: Option<String>,
}

/// The query of `listApps` / `listChatsInApp`: key and text pairs in order (see
/// [`crate::api::arguments::form_query`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormQuery(pub Vec<(String, String)>);

/// A query string built in place: `?` before the first pair, `&` between the others,
/// nothing when no pair is added.
#[derive(Default)]
pub(crate) struct Query(String);

impl Query {
    pub(crate) fn separator(&mut self) {
        self.0.push(if self.0.is_empty() { '?' } else { '&' });
    }

    pub(crate) fn key(&mut self, key: &str) {
        self.separator();
        self.0.push_str(key);
        self.0.push('=');
    }

    /// `key=value`, the value as `encodeURIComponent` spells it (axios `params`).
    pub(crate) fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        encode::push_uri_component(&mut self.0, value);
    }

    /// `key=value`, the value as it is (paging numbers, already checked).
    pub(crate) fn raw(&mut self, key: &str, value: &str) {
        self.key(key);
        self.0.push_str(value);
    }

    /// `key=value` as `URLSearchParams` spells both.
    pub(crate) fn form(&mut self, key: &str, value: &str) {
        self.separator();
        encode::push_form_component(&mut self.0, key);
        self.0.push('=');
        encode::push_form_component(&mut self.0, value);
    }

    pub(crate) fn finish(self) -> String {
        self.0
    }
}

/// `URLSearchParams` over the pairs, in order.
pub(crate) fn search_params(params: &FormQuery) -> String {
    let mut query = Query::default();
    for (key, value) in &params.0 {
        query.form(key, value);
    }
    query.finish()
}
