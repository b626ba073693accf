//! `importUsers`: many users into an app through its batch endpoint, once for both bindings.
//!
//! Users come from a list or from a pull function (the binding's adapter over a JavaScript
//! iterable). Each is checked first (a bad one is reported with its position and not sent);
//! the valid ones go out in batches of at most 100 (`POST /v2/apps/{appId}/users/batch`),
//! `concurrency` batches at a time; each batch's job is read until it finishes
//! ([`crate::job_waits::wait_for_job`]) and its per-user results are counted: `created`, `exists`
//! or `uuid_exists` (existed: running the same import twice is safe), anything else failed.
//! A 429 to any request pauses all of them ([`crate::job_waits::Throttle`]). A batch the server
//! refuses as a whole (400, 409, 413, 422) fails its users with the server's reason and the
//! import goes on; any other failure (401, 403, 404, 5xx after retries, the network) ends
//! the import with that error, as does the abort signal.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::{json, Map, Value};

use crate::error::{ErrorCode, EthoraError, Result};
use crate::job_waits::{self, Abort, JobWait, Throttle};
use crate::EthoraClient;

/// Most users the batch endpoint takes per request.
pub const MAX_BATCH_SIZE: usize = 100;
/// Batches in flight by default, and at most.
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const MAX_CONCURRENCY: usize = 16;

/// The next users of a pulled source (at most the number asked for; none at the end).
#[cfg(not(target_arch = "wasm32"))]
pub type PullFuture = Pin<Box<dyn Future<Output = Result<Vec<Value>>> + Send>>;
#[cfg(target_arch = "wasm32")]
pub type PullFuture = Pin<Box<dyn Future<Output = Result<Vec<Value>>>>>;

/// Asks a source for up to `n` more users.
#[cfg(not(target_arch = "wasm32"))]
pub type PullUsers = Box<dyn FnMut(usize) -> PullFuture + Send>;
#[cfg(target_arch = "wasm32")]
pub type PullUsers = Box<dyn FnMut(usize) -> PullFuture>;

/// Done when a progress report has been delivered (the callback has run).
#[cfg(not(target_arch = "wasm32"))]
pub type ProgressFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
#[cfg(target_arch = "wasm32")]
pub type ProgressFuture = Pin<Box<dyn Future<Output = ()>>>;

/// Receives each progress report (JSON, as `onProgress` gets it). The import waits for each
/// delivery, so every report reaches the callback before the import's own result does.
#[cfg(not(target_arch = "wasm32"))]
pub type ProgressSink = Box<dyn FnMut(Value) -> ProgressFuture + Send>;
#[cfg(target_arch = "wasm32")]
pub type ProgressSink = Box<dyn FnMut(Value) -> ProgressFuture>;

/// Where the users come from.
pub enum UserSource {
    List(std::vec::IntoIter<Value>),
    Pull {
        pull: PullUsers,
        buffered: VecDeque<Value>,
        finished: bool,
    },
}

impl UserSource {
    pub fn list(users: Vec<Value>) -> Self {
        UserSource::List(users.into_iter())
    }

    pub fn pull(pull: PullUsers) -> Self {
        UserSource::Pull {
            pull,
            buffered: VecDeque::new(),
            finished: false,
        }
    }

    /// The next user; pulls `chunk` more when the buffer is empty.
    async fn next(&mut self, chunk: usize) -> Result<Option<Value>> {
        match self {
            UserSource::List(users) => Ok(users.next()),
            UserSource::Pull {
                pull,
                buffered,
                finished,
            } => {
                if buffered.is_empty() && !*finished {
                    let more = pull(chunk).await?;
                    *finished = more.is_empty();
                    buffered.extend(more);
                }
                Ok(buffered.pop_front())
            }
        }
    }
}

/// The error of an `onProgress` that is not a function.
pub fn invalid_on_progress() -> EthoraError {
    EthoraError::validation("options.onProgress", "must be a function")
}

/// The error of users whose reading failed (the iterator threw, say).
pub fn unreadable_users(reason: &str) -> EthoraError {
    EthoraError::validation("users", format!("could not be read: {reason}"))
}

/// `importUsers`' options, without `onProgress` and `signal` (the binding's).
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    pub app_id: String,
    pub concurrency: usize,
    pub batch_size: usize,
    pub bypass_email_confirmation: Option<bool>,
    pub job_wait: JobWait,
    /// Check and batch the users, send nothing (each batch is reported as if finished,
    /// with nothing created).
    pub dry_run: bool,
}

impl ImportOptions {
    /// Reads the options object; `configured_app` is the app when `appId` is not given.
    pub fn read(value: Option<&Value>, configured_app: &str) -> Result<ImportOptions> {
        let argument = "options";
        let empty = Map::new();
        let options = crate::api::arguments::optional_object(value, argument)?.unwrap_or(&empty);
        for key in options.keys() {
            if !matches!(
                key.as_str(),
                "appId"
                    | "concurrency"
                    | "batchSize"
                    | "bypassEmailConfirmation"
                    | "pollIntervalMs"
                    | "jobTimeoutMs"
                    | "dryRun"
                    | "onProgress"
                    | "signal"
            ) {
                return Err(EthoraError::validation(
                    format!("{argument}.{key}"),
                    "is not an option of importUsers (appId, concurrency, batchSize, bypassEmailConfirmation, pollIntervalMs, jobTimeoutMs, dryRun, onProgress, signal)",
                ));
            }
        }
        let app_id = match options.get("appId").filter(|v| !v.is_null()) {
            None => configured_app.to_owned(),
            Some(value) => {
                let app_id = crate::api::arguments::id_text(value)
                    .ok_or_else(|| EthoraError::validation("options.appId", crate::api::ID_RULE))?;
                crate::naming::require_id("options.appId", &app_id)?.to_owned()
            }
        };
        let count = |key: &str, default: usize, max: usize| -> Result<usize> {
            match options.get(key).filter(|v| !v.is_null()) {
                None => Ok(default),
                Some(value) => value
                    .as_f64()
                    .filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= max as f64)
                    .map(|n| n as usize)
                    .ok_or_else(|| {
                        EthoraError::validation(
                            format!("{argument}.{key}"),
                            format!("must be a whole number from 1 to {max}"),
                        )
                    }),
            }
        };
        let flag = |key: &str| match options.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(EthoraError::validation(
                format!("{argument}.{key}"),
                "must be a boolean",
            )),
        };
        let bypass_email_confirmation = flag("bypassEmailConfirmation")?;
        let dry_run = flag("dryRun")?.unwrap_or(false);
        Ok(ImportOptions {
            app_id,
            concurrency: count("concurrency", DEFAULT_CONCURRENCY, MAX_CONCURRENCY)?,
            batch_size: count("batchSize", MAX_BATCH_SIZE, MAX_BATCH_SIZE)?,
            bypass_email_confirmation,
            job_wait: JobWait::read(options, argument, "jobTimeoutMs")?,
            dry_run,
        })
    }
}

/// A user that was not imported: its position in the input, its uuid when it had one, why.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportFailure {
    pub index: usize,
    pub uuid: Option<String>,
    pub reason: String,
}

impl ImportFailure {
    fn to_json(&self) -> Value {
        let mut failure = Map::new();
        failure.insert("index".into(), json!(self.index));
        if let Some(uuid) = &self.uuid {
            failure.insert("uuid".into(), json!(uuid));
        }
        failure.insert("reason".into(), json!(self.reason));
        Value::Object(failure)
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    pub created: usize,
    pub existed: usize,
    /// In input order.
    pub failed: Vec<ImportFailure>,
    /// Batches sent.
    pub batches: usize,
}

impl ImportReport {
    /// `{ created, existed, failed: [{ index, uuid?, reason }], batches }`.
    pub fn to_json(&self) -> Value {
        json!({
            "created": self.created,
            "existed": self.existed,
            "failed": self.failed.iter().map(ImportFailure::to_json).collect::<Vec<_>>(),
            "batches": self.batches,
        })
    }
}

/// Why a user is not sent, or its uuid.
pub fn check_user(user: &Value) -> std::result::Result<String, (Option<String>, String)> {
    let Some(fields) = user.as_object() else {
        return Err((None, "is not an object".into()));
    };
    let uuid = match fields.get("uuid") {
        Some(Value::String(uuid)) if !uuid.trim().is_empty() => uuid.clone(),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            return Err((None, "uuid is missing".into()))
        }
        Some(_) => return Err((None, "uuid must be a string".into())),
    };
    let fail = |reason: &str| Err((Some(uuid.clone()), reason.to_owned()));
    let text = |key: &str| fields.get(key).and_then(Value::as_str).map(str::trim);
    match text("email") {
        None | Some("") => return fail("email is missing"),
        Some(email) if !is_email_address(email) => return fail("email is not a valid address"),
        Some(_) => {}
    }
    if text("firstName").is_none_or(str::is_empty) {
        return fail("firstName is missing");
    }
    match text("lastName") {
        None | Some("") => return fail("lastName is missing"),
        Some(last) if last.encode_utf16().count() < 2 => {
            return fail("lastName must be at least 2 characters")
        }
        Some(_) => {}
    }
    Ok(uuid)
}

/// `local@domain.tld` with no spaces: what the API's validator accepts, roughly.
fn is_email_address(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !email.chars().any(char::is_whitespace)
        && domain
            .split_once('.')
            .is_some_and(|(name, tld)| !name.is_empty() && !tld.is_empty() && !tld.ends_with('.'))
}

/// One batch on its way: the users' input positions and uuids, and their objects.
struct Batch {
    number: usize,
    indexes: Vec<usize>,
    uuids: Vec<String>,
    users: Vec<Value>,
}

/// What came of one batch.
struct BatchOutcome {
    number: usize,
    indexes: Vec<usize>,
    created: usize,
    existed: usize,
    failed: Vec<ImportFailure>,
}

impl Batch {
    fn outcome(&self) -> BatchOutcome {
        BatchOutcome {
            number: self.number,
            indexes: self.indexes.clone(),
            created: 0,
            existed: 0,
            failed: Vec::new(),
        }
    }

    fn all_failed(&self, reason: &str) -> BatchOutcome {
        let mut outcome = self.outcome();
        outcome.failed = self
            .indexes
            .iter()
            .zip(&self.uuids)
            .map(|(index, uuid)| ImportFailure {
                index: *index,
                uuid: Some(uuid.clone()),
                reason: reason.to_owned(),
            })
            .collect();
        outcome
    }
}

/// Whether the server refused the batch itself (its content), not the caller or the service.
fn refuses_batch(error: &EthoraError) -> bool {
    matches!(error.code, ErrorCode::Http | ErrorCode::Conflict)
        && matches!(error.status, Some(400 | 409 | 413 | 422))
}

/// The server's reason for refusing a batch: its `message` / `error`, or the status.
fn refusal_reason(error: &EthoraError) -> String {
    let status = error.status.unwrap_or_default();
    let said = match &error.response_body {
        Some(Value::Object(body)) => body
            .get("message")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
        _ => None,
    };
    match said {
        Some(said) => format!("the batch was refused ({status}): {said}"),
        None => format!("the batch was refused ({status})"),
    }
}

/// Sends one batch and waits for its job.
async fn run_batch(
    client: &EthoraClient,
    throttle: &Throttle,
    options: &ImportOptions,
    mut batch: Batch,
) -> Result<BatchOutcome> {
    let mut body = Map::new();
    if let Some(bypass) = options.bypass_email_confirmation {
        body.insert("bypassEmailConfirmation".into(), Value::Bool(bypass));
    }
    let users = Value::Array(std::mem::take(&mut batch.users));
    body.insert("usersList".into(), users);
    let request = crate::api::users::create_users_in_app(&options.app_id, &Value::Object(body))?;
    let accepted = match throttle.execute(client, &request).await {
        Ok(accepted) => accepted,
        Err(error) if refuses_batch(&error) => return Ok(batch.all_failed(&refusal_reason(&error))),
        Err(error) => return Err(error),
    };
    let accepted: Value = serde_json::from_str(accepted.as_str()).unwrap_or(Value::Null);
    let job_id = accepted
        .get("jobId")
        .or_else(|| accepted.get("id"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            let mut error = EthoraError::new(
                ErrorCode::Decode,
                format!(
                    "[POST] {} answered without a jobId",
                    client.url_for(&request)
                ),
            );
            error.url = Some(client.url_for(&request));
            error
        })?;
    let poll = crate::api::jobs::get_users_batch_job(&options.app_id, job_id)?;
    let job = job_waits::wait_for_job(client, throttle, &poll, options.job_wait).await?;
    Ok(count_results(&batch, &job))
}

/// Counts a finished job's per-user results, in the batch's order.
fn count_results(batch: &Batch, job: &Value) -> BatchOutcome {
    if job.get("state").and_then(Value::as_str) == Some("failed") {
        let reason = match job.get("error") {
            Some(Value::String(error)) => format!("the batch job failed: {error}"),
            Some(Value::Object(error)) => match error.get("message").and_then(Value::as_str) {
                Some(message) => format!("the batch job failed: {message}"),
                None => "the batch job failed".to_owned(),
            },
            _ => "the batch job failed".to_owned(),
        };
        return batch.all_failed(&reason);
    }
    let results = job
        .pointer("/result/results")
        .or_else(|| job.get("results"))
        .and_then(Value::as_array);
    let mut outcome = batch.outcome();
    for (position, (index, uuid)) in batch.indexes.iter().zip(&batch.uuids).enumerate() {
        let status = results
            .and_then(|results| results.get(position))
            .and_then(|result| result.get("status"))
            .and_then(Value::as_str);
        match status {
            Some("created") => outcome.created += 1,
            Some("exists" | "uuid_exists") => outcome.existed += 1,
            other => outcome.failed.push(ImportFailure {
                index: *index,
                uuid: Some(uuid.clone()),
                reason: match other {
                    Some(status) => format!("the batch job reported `{status}`"),
                    None => "the batch job reported no result for this user".to_owned(),
                },
            }),
        }
    }
    outcome
}

/// Imports every user of `source` as the module documentation says; `progress` gets a
/// report after each batch. With `dry_run` nothing is sent: the users are checked and
/// batched, and each batch is reported at once with nothing created.
pub async fn import_users(
    client: &EthoraClient,
    mut source: UserSource,
    options: ImportOptions,
    mut progress: Option<ProgressSink>,
    abort: Option<Arc<Abort>>,
) -> Result<ImportReport> {
    const WHAT: &str = "importUsers";
    let abort = abort.as_deref();
    let throttle = Throttle::new();
    let mut report = ImportReport::default();
    let mut running = FuturesUnordered::new();
    let mut read = 0usize;
    let mut source_finished = false;
    let mut batches_done = 0usize;
    loop {
        while !source_finished && running.len() < options.concurrency {
            let mut batch = Batch {
                number: report.batches,
                indexes: Vec::new(),
                uuids: Vec::new(),
                users: Vec::new(),
            };
            while batch.users.len() < options.batch_size {
                let next =
                    job_waits::abortable(abort, WHAT, source.next(options.batch_size)).await?;
                let Some(user) = next else {
                    source_finished = true;
                    break;
                };
                let index = read;
                read += 1;
                match check_user(&user) {
                    Ok(uuid) => {
                        batch.indexes.push(index);
                        batch.uuids.push(uuid);
                        batch.users.push(user);
                    }
                    Err((uuid, reason)) => report.failed.push(ImportFailure {
                        index,
                        uuid,
                        reason,
                    }),
                }
            }
            if !batch.users.is_empty() {
                report.batches += 1;
                let options = &options;
                let throttle = &throttle;
                running.push(async move {
                    if options.dry_run {
                        return Ok(batch.outcome());
                    }
                    run_batch(client, throttle, options, batch).await
                });
            }
        }
        if running.is_empty() {
            break;
        }
        let finished = job_waits::abortable(abort, WHAT, async {
            running
                .next()
                .await
                .unwrap_or_else(|| Err(EthoraError::interrupted()))
        })
        .await?;
        batches_done += 1;
        report.created += finished.created;
        report.existed += finished.existed;
        report.failed.extend(finished.failed.iter().cloned());
        if let Some(progress) = progress.as_mut() {
            progress(json!({
                "batchesDone": batches_done,
                "usersRead": read,
                "created": report.created,
                "existed": report.existed,
                "failed": report.failed.len(),
                "batch": {
                    "number": finished.number,
                    "indexes": finished.indexes,
                    "created": finished.created,
                    "existed": finished.existed,
                    "failed": finished.failed.iter().map(ImportFailure::to_json).collect::<Vec<_>>(),
                },
            }))
            .await;
        }
    }
    report.failed.sort_by_key(|failure| failure.index);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_are_checked_before_sending() {
        let good = json!({"uuid": "u1", "email": "a@b.co", "firstName": "A", "lastName": "Bc"});
        assert_eq!(check_user(&good), Ok("u1".into()));
        let reason = |user: Value| check_user(&user).unwrap_err().1;
        assert_eq!(reason(json!("x")), "is not an object");
        assert_eq!(reason(json!({"email": "a@b.co"})), "uuid is missing");
        assert_eq!(reason(json!({"uuid": 5})), "uuid must be a string");
        for email in ["ab.co", "a@b", "a b@c.de", "@b.co", "a@@b.co", "a@b."] {
            let user = json!({"uuid": "u", "email": email, "firstName": "A", "lastName": "Bc"});
            assert_eq!(reason(user), "email is not a valid address", "{email}");
        }
        let short = json!({"uuid": "u", "email": "a@b.co", "firstName": "A", "lastName": "B"});
        assert_eq!(reason(short), "lastName must be at least 2 characters");
        let nameless = json!({"uuid": "u", "email": "a@b.co", "lastName": "Bc"});
        assert_eq!(
            check_user(&nameless).unwrap_err(),
            (Some("u".into()), "firstName is missing".into())
        );
    }

    #[test]
    fn options_are_checked() {
        let defaults = ImportOptions::read(None, "app").unwrap();
        assert_eq!(defaults.app_id, "app");
        assert_eq!((defaults.concurrency, defaults.batch_size), (4, 100));
        let set = ImportOptions::read(
            Some(&json!({"appId": "child", "concurrency": 2, "batchSize": 10, "pollIntervalMs": 1, "onProgress": {}, "signal": {}})),
            "app",
        )
        .unwrap();
        assert_eq!(
            (set.app_id.as_str(), set.concurrency, set.batch_size),
            ("child", 2, 10)
        );
        for bad in [
            json!({"batchSize": 101}),
            json!({"concurrency": 0}),
            json!({"concurrency": 17}),
            json!({"appId": ""}),
            json!({"jobTimeoutMs": -1}),
            json!({"bypassEmailConfirmation": "yes"}),
            json!({"batchsize": 10}),
        ] {
            let error = ImportOptions::read(Some(&bad), "app").unwrap_err();
            assert_eq!(error.code, ErrorCode::Validation, "{bad}");
        }
    }

    fn batch(uuids: &[&str]) -> Batch {
        Batch {
            number: 0,
            indexes: (10..10 + uuids.len()).collect(),
            uuids: uuids.iter().map(|u| u.to_string()).collect(),
            users: Vec::new(),
        }
    }

    #[test]
    fn job_results_are_counted_in_order() {
        let job = json!({"state": "completed", "result": {"results": [
            {"status": "created"}, {"status": "uuid_exists"}, {"status": "exists"}, {"status": "weird"}
        ]}});
        let outcome = count_results(&batch(&["a", "b", "c", "d", "e"]), &job);
        assert_eq!((outcome.created, outcome.existed), (1, 2));
        let failed: Vec<_> = outcome
            .failed
            .iter()
            .map(|f| (f.index, f.reason.as_str()))
            .collect();
        assert_eq!(
            failed,
            [
                (13, "the batch job reported `weird`"),
                (14, "the batch job reported no result for this user")
            ]
        );
        let failed_job = json!({"state": "failed", "error": "disk full"});
        let outcome = count_results(&batch(&["a", "b"]), &failed_job);
        assert_eq!(outcome.failed.len(), 2);
        assert_eq!(outcome.failed[0].reason, "the batch job failed: disk full");
    }

    #[test]
    fn refusals_carry_the_servers_reason() {
        let error = EthoraError::http(
            "POST",
            "http://x".into(),
            422,
            json!({"message": "usersList[0].email is required"}),
        );
        assert!(refuses_batch(&error));
        assert_eq!(
            refusal_reason(&error),
            "the batch was refused (422): usersList[0].email is required"
        );
        let unauthorized = EthoraError::http("POST", "http://x".into(), 401, json!({}));
        assert!(!refuses_batch(&unauthorized));
    }
}
