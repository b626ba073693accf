//! An app's API tokens: list, create, revoke, rotate.

use serde_json::Value;

use crate::api::common::*;
use crate::error::Result;
use crate::naming::id_segment;
use crate::request::{ApiRequest, HttpMethod};

/// GET /v2/apps/{appId}/tokens.
pub fn list_app_tokens(app_id: &str) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens",
        HttpMethod::Get,
        app_path(app_id, "/tokens")?,
    ))
}

/// POST /v2/apps/{appId}/tokens with the payload (`{ label? }`, and any other key) or `{}`.
pub fn create_app_token(app_id: &str, payload: Option<&Value>) -> Result<ApiRequest> {
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens",
        HttpMethod::Post,
        app_path(app_id, "/tokens")?,
    )
    .with_body(payload_or_empty("payload", payload)?))
}

/// DELETE /v2/apps/{appId}/tokens/{tokenId}.
pub fn revoke_app_token(app_id: &str, token_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/tokens/{}", id_segment("tokenId", token_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens/{tokenId}",
        HttpMethod::Delete,
        path,
    ))
}

/// POST /v2/apps/{appId}/tokens/{tokenId}/rotate with the payload or `{}`.
pub fn rotate_app_token(
    app_id: &str,
    token_id: &str,
    payload: Option<&Value>,
) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/tokens/{}/rotate", id_segment("tokenId", token_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/tokens/{tokenId}/rotate",
        HttpMethod::Post,
        path,
    )
    .with_body(payload_or_empty("payload", payload)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn body(request: &ApiRequest) -> &Value {
        request.body.as_ref().unwrap()
    }

    #[test]
    fn token_bodies() {
        assert_eq!(body(&create_app_token("a", None).unwrap()), &json!({}));
        assert_eq!(
            body(&create_app_token("a", Some(&json!(null))).unwrap()),
            &json!({})
        );
        assert_eq!(
            body(&create_app_token("a", Some(&json!({"label": "L", "scopes": ["r"]}))).unwrap()),
            &json!({"label": "L", "scopes": ["r"]})
        );
        assert!(create_app_token("a", Some(&json!("label"))).is_err());
        assert_eq!(
            body(
                &rotate_app_token("a", "t1", Some(&json!({"label": "Primary token", "x": 1})))
                    .unwrap()
            ),
            &json!({"label": "Primary token", "x": 1})
        );
        assert_eq!(
            rotate_app_token("a", "t1", None).unwrap().path,
            "/v2/apps/a/tokens/t1/rotate"
        );
    }
}
