//! The one argument reader: the arguments (values from JavaScript, see [`crate::boundary`])
//! read into the requests' inputs, with errors that name the argument and the rule. Both bindings use
//! these. Where the official SDK writes a value as text (ids in paths and names, query
//! values), the text is JavaScript's `String()` of it, as there.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::api::query::{ChatsQuery, FormQuery, UsersQuery, MAX_APPS_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::api::{ApiCall, ID_RULE};
use crate::boundary::QueryValue;
use crate::error::{EthoraError, Result};

/// An id's text: a string, or a finite number as JavaScript writes it.
pub fn id_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(id) => Some(Cow::Borrowed(id)),
        Value::Number(number) => number
            .as_f64()
            .filter(|n| n.is_finite())
            .map(|n| Cow::Owned(crate::encode::js_number(n))),
        _ => None,
    }
}

/// A required id: a non-blank string (numbers arrive as their text, see
/// [`crate::boundary::Argument::value`]).
pub fn id<'a>(value: Option<&'a Value>, argument: &str) -> Result<&'a str> {
    match value {
        Some(Value::String(id)) => crate::naming::require_id(argument, id),
        _ => Err(EthoraError::validation(argument, ID_RULE)),
    }
}

/// An optional object argument: absent or falsy (`null`, `false`, `0`, `''`; the official
/// SDK's `x?.key` and `x || {}` read those as nothing) is `None`; anything else but an object
/// (an array too) is refused.
pub fn optional_object<'a>(
    value: Option<&'a Value>,
    argument: &str,
) -> Result<Option<&'a Map<String, Value>>> {
    match value {
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(value) if crate::javascript::truthy(value) => {
            Err(EthoraError::validation(argument, "must be an object"))
        }
        _ => Ok(None),
    }
}

fn field<'a>(map: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a Value> {
    map.and_then(|m| m.get(key)).filter(|v| !v.is_null())
}

pub(crate) fn string(
    map: Option<&Map<String, Value>>,
    argument: &str,
    key: &str,
) -> Result<Option<String>> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a string",
        )),
    }
}

pub(crate) fn number(
    map: Option<&Map<String, Value>>,
    argument: &str,
    key: &str,
) -> Result<Option<f64>> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(_) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must be a number",
        )),
    }
}

/// A query value that is not `null` (JSON the reader never gives counts as not given).
fn query_value<'a>(map: Option<&'a Map<String, Value>>, key: &str) -> Option<QueryValue<'a>> {
    map.and_then(|m| m.get(key)).and_then(QueryValue::of)
}

/// A value the official `getUsers` / `getUserChats` write into their URL with a template
/// string or `encodeURIComponent`, which throw for a symbol: refused here.
fn template_value<'a>(
    map: Option<&'a Map<String, Value>>,
    argument: &str,
    key: &str,
) -> Result<Option<QueryValue<'a>>> {
    match query_value(map, key) {
        Some(QueryValue::Symbol(_)) => Err(EthoraError::validation(
            format!("{argument}.{key}"),
            "must not be a symbol (it cannot be written into a URL)",
        )),
        value => Ok(value),
    }
}

/// `limit` / `offset`: a whole number in range, given as a number, or as anything whose
/// `String()` is plain digits (a string as `req.query` holds it, a bigint, `[5]`); sent as that
/// text. Validated before sending (the official SDK sends any value).
fn paging_number(
    value: Option<QueryValue<'_>>,
    argument: &str,
    key: &str,
    range: std::ops::RangeInclusive<f64>,
) -> Result<Option<String>> {
    let rule = || {
        let rule = if *range.end() >= 9e15 {
            "must be an integer of at least 0".to_owned()
        } else {
            // Whole bounds, written as integers (no float formatting in the module).
            format!(
                "must be an integer from {} to {}",
                *range.start() as u64,
                *range.end() as u64
            )
        };
        EthoraError::validation(format!("{argument}.{key}"), rule)
    };
    let number = match value {
        None => return Ok(None),
        Some(QueryValue::Number(number)) => number,
        // Digits only: no sign, point, exponent or space, which `Number()` would accept.
        Some(value @ (QueryValue::Text(_) | QueryValue::BigInt(_) | QueryValue::Object(_))) => {
            let text = value.text();
            if text.is_empty() || text.len() > 16 || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(rule());
            }
            text.parse::<u64>().map_err(|_| rule())? as f64
        }
        Some(_) => return Err(rule()),
    };
    if number.fract() != 0.0 || !range.contains(&number) {
        return Err(rule());
    }
    Ok(Some(value.map_or_else(String::new, |value| {
        value.text().into_owned()
    })))
}

/// An iterator's `pageSize` (from 1 to `max`) or `offset`, read by the rules of a query's
/// `limit` and `offset` (digit text counts as its number); `None` when not given.
pub fn paging_count(
    value: Option<&Value>,
    argument: &str,
    key: &str,
    max: u64,
) -> Result<Option<u64>> {
    let range = if key == "offset" {
        0.0..=MAX_OFFSET
    } else {
        1.0..=max as f64
    };
    let text = paging_number(value.and_then(QueryValue::of), argument, key, range)?;
    text.map(|text| {
        text.parse::<u64>().map_err(|_| {
            EthoraError::validation(format!("{argument}.{key}"), "must be a whole number")
        })
    })
    .transpose()
}

/// Largest offset a query takes (JavaScript's largest safe integer).
const MAX_OFFSET: f64 = 9_007_199_254_740_991.0;

/// `limit`: a page size from 1 to `max`.
fn limit(value: Option<QueryValue<'_>>, argument: &str, max: f64) -> Result<Option<String>> {
    paging_number(value, argument, "limit", 1.0..=max)
}

/// `offset`: a whole number of at least 0.
fn offset(value: Option<QueryValue<'_>>, argument: &str) -> Result<Option<String>> {
    paging_number(value, argument, "offset", 0.0..=MAX_OFFSET)
}

/// `GetUsersQueryParams`, read as the official `getUsers` reads it: `chatName`,
/// `xmppUsername` and `userId` when truthy (as their `String()`), `limit` and `offset`;
/// other keys are not sent.
pub fn users_query(value: Option<&Value>, argument: &str) -> Result<UsersQuery> {
    let map = optional_object(value, argument)?;
    let text = |key| -> Result<Option<String>> {
        Ok(template_value(map, argument, key)?
            .filter(|value| value.truthy())
            .map(|value| value.text().into_owned()))
    };
    Ok(UsersQuery {
        chat_name: text("chatName")?,
        xmpp_username: text("xmppUsername")?,
        user_id: text("userId")?,
        limit: limit(query_value(map, "limit"), argument, MAX_PAGE_SIZE)?,
        offset: offset(query_value(map, "offset"), argument)?,
    })
}

/// `GetUserChatsQueryParams`, read as the official `getUserChats` reads it: `limit`,
/// `offset` and `includeMembers` (any value, as its `String()`); other keys are not sent.
pub fn chats_query(value: Option<&Value>, argument: &str) -> Result<ChatsQuery> {
    let map = optional_object(value, argument)?;
    Ok(ChatsQuery {
        limit: limit(query_value(map, "limit"), argument, MAX_PAGE_SIZE)?,
        offset: offset(query_value(map, "offset"), argument)?,
        include_members: template_value(map, argument, "includeMembers")?
            .map(|value| value.text().into_owned()),
    })
}

/// The query of `listApps` / `listChatsInApp` (`URLSearchParams` over the object, as the
/// official SDK builds it): every key whose value is not `null`, in the object's order, as
/// its `String()`; `limit` and `offset` checked. `max_limit` is the listing's largest page.
pub fn form_query(value: Option<&Value>, argument: &str, max_limit: f64) -> Result<FormQuery> {
    let map = optional_object(value, argument)?;
    let mut pairs = Vec::new();
    for (key, value) in map.into_iter().flatten() {
        let Some(value) = QueryValue::of(value) else {
            continue;
        };
        let text = match key.as_str() {
            "limit" => limit(Some(value), argument, max_limit)?,
            "offset" => offset(Some(value), argument)?,
            _ => Some(value.text().into_owned()),
        };
        pairs.extend(text.map(|text| (key.clone(), text)));
    }
    Ok(FormQuery(pairs))
}

/// The largest page of `listApps`, for [`form_query`].
pub const APPS_PAGE_LIMIT: f64 = MAX_APPS_PAGE_SIZE;
/// The largest page of `listChatsInApp`, for [`form_query`].
pub const CHATS_PAGE_LIMIT: f64 = MAX_PAGE_SIZE;

/// One id or a list of ids (`UUID | UUID[]`).
pub fn one_or_many_ids(value: Option<&Value>, argument: &str) -> Result<Vec<String>> {
    match value {
        Some(Value::String(id)) => Ok(vec![id.clone()]),
        Some(Value::Array(_)) => id_list(value, argument),
        _ => Err(EthoraError::validation(
            argument,
            "must be an id (a non-empty string or a finite number) or an array of ids",
        )),
    }
}

/// A list of ids (`UUID[]`): strings, or numbers as their text.
pub fn id_list(value: Option<&Value>, argument: &str) -> Result<Vec<String>> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(index, item)| match id_text(item) {
                Some(id) => Ok(id.into_owned()),
                None => Err(EthoraError::validation(
                    argument,
                    format!(
                        "must contain only ids (non-empty strings or finite numbers); entry {index} is not one"
                    ),
                )),
            })
            .collect(),
        _ => Err(EthoraError::validation(
            argument,
            "must be an array of ids (non-empty strings or finite numbers)",
        )),
    }
}

/// The arguments of one call, as [`crate::boundary`] read them (`None`: absent).
pub struct Arguments<'a> {
    pub(crate) call: ApiCall,
    /// The configured app (for the methods that work on it implicitly).
    pub app_id: &'a str,
    pub(crate) values: &'a [Option<Value>],
}

impl<'a> Arguments<'a> {
    pub fn value(&self, index: usize) -> Option<&'a Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    pub fn name(&self, index: usize) -> &'static str {
        self.call.parameters()[index].name
    }

    /// A required id.
    pub fn id(&self, index: usize) -> Result<&'a str> {
        id(self.value(index), self.name(index))
    }

    /// A required JSON argument; absent is `null`, which the operation refuses by name.
    pub fn required_json(&self, index: usize) -> &'a Value {
        self.value(index).unwrap_or(&Value::Null)
    }

    pub fn members(&self, index: usize) -> Result<Vec<String>> {
        one_or_many_ids(self.value(index), self.name(index))
    }

    pub fn id_list(&self, index: usize) -> Result<Vec<String>> {
        id_list(self.value(index), self.name(index))
    }

    pub fn users_query(&self, index: usize) -> Result<UsersQuery> {
        users_query(self.value(index), self.name(index))
    }

    pub fn chats_query(&self, index: usize) -> Result<ChatsQuery> {
        chats_query(self.value(index), self.name(index))
    }

    pub fn form_query(&self, index: usize, max_limit: f64) -> Result<FormQuery> {
        form_query(self.value(index), self.name(index), max_limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn queries_are_read_as_the_official_sdk_reads_them() {
        let q = users_query(
            Some(&json!({"chatName": "a", "limit": 5, "offset": null, "xmppUsername": 0, "userId": 42, "other": 1})),
            "params",
        )
        .unwrap();
        assert_eq!(q.chat_name.as_deref(), Some("a"));
        assert_eq!(q.xmpp_username, None);
        assert_eq!(q.user_id.as_deref(), Some("42"));
        assert_eq!(q.limit.as_deref(), Some("5"));
        assert_eq!(q.offset, None);
        // A limit as `req.query` holds it.
        assert_eq!(
            users_query(Some(&json!({"limit": "10"})), "params")
                .unwrap()
                .limit
                .as_deref(),
            Some("10")
        );
        for bad in [
            json!({"limit": "ten"}),
            json!({"limit": 0}),
            json!({"limit": 10.5}),
            json!({"offset": -1}),
            json!({"limit": true}),
        ] {
            let err = users_query(Some(&bad), "params").unwrap_err();
            assert!(
                err.argument.as_deref().unwrap().starts_with("params."),
                "{bad}"
            );
        }
        let chats = chats_query(
            Some(&json!({"includeMembers": "yes", "limit": 3})),
            "params",
        )
        .unwrap();
        assert_eq!(chats.include_members.as_deref(), Some("yes"));
        assert!(form_query(Some(&json!(5)), "params", APPS_PAGE_LIMIT).is_err());
        assert_eq!(users_query(None, "params").unwrap(), UsersQuery::default());
    }

    #[test]
    fn form_queries_forward_every_key_in_order() {
        let query = form_query(
            Some(&json!({"search": "x y", "limit": 5, "order": "DESC", "skip": null, "n": {"\u{0}text": "a,b"}})),
            "params",
            APPS_PAGE_LIMIT,
        )
        .unwrap();
        assert_eq!(
            query.0,
            [
                ("search", "x y"),
                ("limit", "5"),
                ("order", "DESC"),
                ("n", "a,b")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        assert!(form_query(Some(&json!({"limit": 201})), "params", APPS_PAGE_LIMIT).is_err());
    }

    #[test]
    fn ids_and_id_lists() {
        assert_eq!(
            one_or_many_ids(Some(&json!("u1")), "userId").unwrap(),
            ["u1"]
        );
        assert_eq!(
            one_or_many_ids(Some(&json!(["a", "b", 7])), "userId").unwrap(),
            ["a", "b", "7"]
        );
        assert!(one_or_many_ids(Some(&json!(true)), "userId").is_err());
        assert!(id_list(Some(&json!(["a", {}])), "userIds").is_err());
        assert!(id_list(Some(&json!(["a", null])), "userIds").is_err());
        assert_eq!(id_text(&json!(1.5)).as_deref(), Some("1.5"));
        assert_eq!(id_text(&json!(true)), None);
    }
}
