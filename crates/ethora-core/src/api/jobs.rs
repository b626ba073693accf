//! Reading batch and broadcast jobs.

use crate::api::common::*;
use crate::error::Result;
use crate::naming::id_segment;
use crate::request::{ApiRequest, HttpMethod};

/// GET /v2/apps/{appId}/chats/broadcast/{jobId}.
pub fn get_app_broadcast_job(app_id: &str, job_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/chats/broadcast/{}", id_segment("jobId", job_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/chats/broadcast/{jobId}",
        HttpMethod::Get,
        path,
    ))
}

/// GET /v2/apps/{appId}/users/batch/{jobId}.
pub fn get_users_batch_job(app_id: &str, job_id: &str) -> Result<ApiRequest> {
    let path = app_path(
        app_id,
        &format!("/users/batch/{}", id_segment("jobId", job_id)?),
    )?;
    Ok(ApiRequest::at(
        "/v2/apps/{appId}/users/batch/{jobId}",
        HttpMethod::Get,
        path,
    ))
}
