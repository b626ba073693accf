//! What several resources' requests share: the app path, id lists, required objects, the
//! API's 1-100 users rule.

use serde_json::{Map, Value};

use crate::api::arguments::optional_object;

use crate::error::{EthoraError, Result};
use crate::naming::{id_segment, require_id};

/// Most users one update or batch-create may carry.
pub const MAX_USERS_PER_BATCH: usize = 100;

pub(crate) fn app_path(app_id: &str, rest: &str) -> Result<String> {
    Ok(format!("/v2/apps/{}{rest}", id_segment("appId", app_id)?))
}

pub(crate) fn non_empty_ids(argument: &str, ids: &[String]) -> Result<Vec<Value>> {
    if ids.is_empty() {
        return Err(EthoraError::validation(
            argument,
            "must contain at least one id",
        ));
    }
    ids.iter()
        .map(|id| require_id(argument, id).map(|id| Value::String(id.to_owned())))
        .collect()
}

pub(crate) fn required_object<'a>(
    argument: &str,
    value: Option<&'a Value>,
) -> Result<&'a Map<String, Value>> {
    optional_object(value, argument)?
        .ok_or_else(|| EthoraError::validation(argument, "is required and must be an object"))
}

/// The 1-100 rule the API applies to `users` / `usersList` arrays.
pub(crate) fn user_batch<'a>(argument: &str, value: Option<&'a Value>) -> Result<&'a Vec<Value>> {
    let list = match value {
        Some(Value::Array(list)) => list,
        _ => {
            return Err(EthoraError::validation(
                argument,
                "must be an array of users",
            ))
        }
    };
    if list.is_empty() {
        return Err(EthoraError::validation(
            argument,
            "At least 1 user is required",
        ));
    }
    if list.len() > MAX_USERS_PER_BATCH {
        return Err(EthoraError::validation(
            argument,
            format!("Maximum {MAX_USERS_PER_BATCH} users allowed per request"),
        ));
    }
    Ok(list)
}

/// A payload sent as the official SDK sends `payload || {}`: an object as given, `{}` for a
/// falsy value; anything else is refused.
pub(crate) fn payload_or_empty(argument: &str, payload: Option<&Value>) -> Result<Value> {
    Ok(Value::Object(
        optional_object(payload, argument)?
            .cloned()
            .unwrap_or_default(),
    ))
}
