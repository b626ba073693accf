//! Listings walked page by page: what `iterateUsers`, `iterateApps`, `iterateChatsInApp`,
//! `iterateUserChats` and `iterateUserChatsInApp` do, once for both bindings.
//!
//! A [`Listing`] is a plain state machine: it says which page request comes next, takes
//! the page's JSON text, and hands out its items one by one as JSON text (never a parsed
//! tree: the binding's engine parses each item). [`next_item`] drives it with the client.
//! The page request is built by the listing method's own builder (`getUsers` for
//! `iterateUsers`, ...) with `limit` set to the page size and `offset` advanced, so every
//! page is byte for byte the request that method sends.
//!
//! It stops after a page with fewer items than the page size, when the offset reaches the
//! `total` the server reported (`total` or `pagination.total`), or after an empty page.

use std::collections::VecDeque;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::api::arguments;
use crate::api::{self, ApiCall, Parameter};
use crate::error::{ErrorCode, EthoraError, Result};
use crate::response::JsonText;
use crate::{ApiRequest, EthoraClient};

/// Page size when `pageSize` is not given.
pub const DEFAULT_PAGE_SIZE: u64 = 100;

// `ListingCall`, from the list in [`crate::sdk_methods!`].
crate::sdk_methods!(ethora_methods::core_listing_calls);

impl ListingCall {
    /// The largest page the API serves for this listing.
    pub fn max_page_size(self) -> u64 {
        match self.page_call() {
            ApiCall::ListApps => 200,
            _ => 500,
        }
    }
}

/// A listing shared by an iterator's calls: [`next_item`] holds it while a page is on its
/// way, so calls made meanwhile wait for it, in order.
pub type SharedListing = tokio::sync::Mutex<Listing>;

/// What a listing has for the next step of the iteration.
#[derive(Debug)]
pub enum Step {
    /// The next item's JSON text.
    Item(Box<RawValue>),
    /// The listing is used up (or was closed).
    Done,
    /// The buffered page is used up: fetch the next one ([`Listing::page_request`]).
    Fetch,
}

/// One listing walked page by page.
#[derive(Debug, Clone)]
pub struct Listing {
    call: ListingCall,
    /// The arguments before the paging object (ids), as given.
    leading: Vec<Option<Value>>,
    /// The paging object without `pageSize`; `limit` and `offset` are set per page.
    params: Map<String, Value>,
    page_size: u64,
    next_offset: u64,
    items: VecDeque<Box<RawValue>>,
    finished: bool,
}

/// The arrays a listing response may hold its items in (spec 5.8, 5.10, 5.12).
#[derive(Deserialize)]
struct Page {
    results: Option<Vec<Box<RawValue>>>,
    items: Option<Vec<Box<RawValue>>>,
    apps: Option<Vec<Box<RawValue>>>,
    chats: Option<Vec<Box<RawValue>>>,
    total: Option<Value>,
    pagination: Option<Pagination>,
}

#[derive(Deserialize)]
struct Pagination {
    total: Option<Value>,
}

impl Listing {
    /// Reads the iterator's arguments. Every rule the page requests follow is checked here,
    /// by building the first page's request: a wrong argument fails before anything is sent.
    pub fn new(call: ListingCall, app_id: &str, values: &[Option<Value>]) -> Result<Listing> {
        let parameters = call.parameters();
        let paging_index = parameters.len() - 1;
        let paging_name = parameters[paging_index].name;
        let leading: Vec<Option<Value>> = (0..paging_index)
            .map(|index| values.get(index).cloned().flatten())
            .collect();
        let mut params = match values.get(paging_index).and_then(Option::as_ref) {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(map)) => map.clone(),
            Some(_) => return Err(EthoraError::validation(paging_name, "must be an object")),
        };
        if params.get("limit").is_some_and(|limit| !limit.is_null()) {
            return Err(EthoraError::validation(
                format!("{paging_name}.limit"),
                "is not an option of an iterator: `pageSize` sets the page size, and `break` ends the loop",
            ));
        }
        params.remove("limit");
        let max_page_size = call.max_page_size();
        let page_size = arguments::paging_count(
            params.remove("pageSize").as_ref(),
            paging_name,
            "pageSize",
            max_page_size,
        )?
        .unwrap_or(DEFAULT_PAGE_SIZE.min(max_page_size));
        let next_offset =
            arguments::paging_count(params.remove("offset").as_ref(), paging_name, "offset", 0)?
                .unwrap_or(0);
        let listing = Listing {
            call,
            leading,
            params,
            page_size,
            next_offset,
            items: VecDeque::new(),
            finished: false,
        };
        listing.page_request(app_id)?;
        Ok(listing)
    }

    /// The listing behind an iterator's lock.
    pub fn shared(self) -> std::sync::Arc<SharedListing> {
        std::sync::Arc::new(tokio::sync::Mutex::new(self))
    }

    pub fn call(&self) -> ListingCall {
        self.call
    }

    pub fn page_size(&self) -> u64 {
        self.page_size
    }

    /// The next step: a buffered item, the end, or a page to fetch.
    pub fn step(&mut self) -> Step {
        if let Some(item) = self.items.pop_front() {
            return Step::Item(item);
        }
        if self.finished {
            Step::Done
        } else {
            Step::Fetch
        }
    }

    /// The request of the next page: the listing method's request with `limit` = page size
    /// and the current `offset`.
    pub fn page_request(&self, app_id: &str) -> Result<ApiRequest> {
        let mut params = Map::with_capacity(self.params.len() + 2);
        params.insert("limit".into(), Value::from(self.page_size));
        params.insert("offset".into(), Value::from(self.next_offset));
        params.extend(self.params.clone());
        let mut values = self.leading.clone();
        values.push(Some(Value::Object(params)));
        api::build_request(self.call.page_call(), app_id, &values)
    }

    /// Takes a page's response: buffers its items, advances the offset, and decides whether
    /// another page follows.
    pub fn accept_page(&mut self, response: &str, url: &str) -> Result<()> {
        let page: Page = serde_json::from_str(response).map_err(|_| self.unreadable(url))?;
        let total = page
            .total
            .or_else(|| page.pagination.and_then(|p| p.total))
            .and_then(|total| total.as_u64());
        let items = page
            .results
            .or(page.items)
            .or(page.apps)
            .or(page.chats)
            .ok_or_else(|| self.unreadable(url))?;
        let count = items.len() as u64;
        self.next_offset = self.next_offset.saturating_add(count);
        self.finished = count == 0
            || count < self.page_size
            || total.is_some_and(|total| self.next_offset >= total);
        self.items.extend(items);
        Ok(())
    }

    /// Ends the iteration: nothing more is fetched or handed out.
    pub fn close(&mut self) {
        self.finished = true;
        self.items.clear();
    }

    fn unreadable(&self, url: &str) -> EthoraError {
        let mut error = EthoraError::new(
            ErrorCode::Decode,
            format!(
                "{}: the page at {url} has no `results`, `items`, `apps` or `chats` array",
                self.call.js_name()
            ),
        );
        error.url = Some(url.to_owned());
        error
    }
}

/// The next item of the listing, fetching the next page when the buffered one is used up;
/// `None` at the end. A failed page ends the iteration with its error (as a generator that
/// threw). Calls made while a page is on its way wait for it, in order.
pub async fn next_item(
    listing: &SharedListing,
    client: &EthoraClient,
) -> Result<Option<Box<RawValue>>> {
    let mut listing = listing.lock().await;
    loop {
        match listing.step() {
            Step::Item(item) => return Ok(Some(item)),
            Step::Done => return Ok(None),
            Step::Fetch => {
                let page = match listing.page_request(client.app_id()) {
                    Ok(request) => {
                        let url = client.url_for(&request);
                        client.execute(request).await.map(|page| (page, url))
                    }
                    Err(error) => Err(error),
                };
                let accepted =
                    page.and_then(|(page, url)| listing.accept_page(page.as_str(), &url));
                if let Err(error) = accepted {
                    listing.close();
                    return Err(error);
                }
            }
        }
    }
}

/// An iterator result object as JSON text: `{"done":false,"value":<item>}`, or
/// `{"done":true}` (its `value` is then `undefined`, as a finished generator's).
pub fn iterator_result(item: Option<&RawValue>) -> JsonText {
    match item {
        Some(item) => {
            JsonText::from_trusted(format!("{{\"done\":false,\"value\":{}}}", item.get()))
        }
        None => JsonText::from_trusted("{\"done\":true}".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn listing(call: ListingCall, values: &[Option<Value>]) -> Result<Listing> {
        Listing::new(call, "app", values)
    }

    fn query(listing: &Listing) -> String {
        let request = listing.page_request("app").unwrap();
        format!("{}{}", request.path, request.query)
    }

    #[test]
    fn every_iterator_is_declared_once_with_its_page_method() {
        let names: Vec<_> = ListingCall::ALL.iter().map(|c| c.js_name()).collect();
        assert_eq!(
            names,
            [
                "iterateUsers",
                "iterateApps",
                "iterateChatsInApp",
                "iterateUserChats",
                "iterateUserChatsInApp"
            ]
        );
        for call in ListingCall::ALL {
            // The iterator takes its page method's parameters, the paging object last.
            let ours: Vec<_> = call
                .parameters()
                .iter()
                .map(|p| (p.name, p.optional))
                .collect();
            let page: Vec<_> = call
                .page_call()
                .parameters()
                .iter()
                .map(|p| (p.name, p.optional))
                .collect();
            assert_eq!(ours, page, "{call:?}");
            assert!(!call.doc().is_empty());
        }
    }

    #[test]
    fn pages_are_the_listing_methods_requests_with_limit_and_offset() {
        let mut users = listing(
            ListingCall::IterateUsers,
            &[Some(
                json!({"chatName": "app_room", "pageSize": 2, "offset": 4}),
            )],
        )
        .unwrap();
        assert_eq!(
            query(&users),
            "/v2/chats/users?chatName=app_room&limit=2&offset=4"
        );
        users
            .accept_page(r#"{"results":[{"a":1},{"a":2}],"total":10}"#, "u")
            .unwrap();
        assert_eq!(
            query(&users),
            "/v2/chats/users?chatName=app_room&limit=2&offset=6"
        );
        let chats = listing(
            ListingCall::IterateUserChatsInApp,
            &[
                Some(json!("child")),
                Some(json!("u/1")),
                Some(json!({"includeMembers": true})),
            ],
        )
        .unwrap();
        assert_eq!(
            query(&chats),
            "/v2/apps/child/users/u%2F1/chats?limit=100&offset=0&includeMembers=true"
        );
        let apps = listing(ListingCall::IterateApps, &[None]).unwrap();
        assert_eq!(apps.page_size(), 100);
    }

    #[test]
    fn items_come_one_at_a_time_and_the_last_page_ends_it() {
        let mut apps = listing(ListingCall::IterateApps, &[Some(json!({"pageSize": 2}))]).unwrap();
        assert!(matches!(apps.step(), Step::Fetch));
        apps.accept_page(r#"{"items":[{"_id":"a"},{"_id":"b"}]}"#, "u")
            .unwrap();
        let Step::Item(first) = apps.step() else {
            panic!()
        };
        assert_eq!(first.get(), r#"{"_id":"a"}"#);
        assert!(matches!(apps.step(), Step::Item(_)));
        assert!(matches!(apps.step(), Step::Fetch));
        // A short page is the last one.
        apps.accept_page(r#"{"apps":[{"_id":"c"}]}"#, "u").unwrap();
        assert!(matches!(apps.step(), Step::Item(_)));
        assert!(matches!(apps.step(), Step::Done));

        // `total` reached on a full page: no further request.
        let mut chats = listing(
            ListingCall::IterateUserChats,
            &[Some(json!("u1")), Some(json!({"pageSize": 1}))],
        )
        .unwrap();
        chats
            .accept_page(r#"{"chats":[{"name":"x"}],"pagination":{"total":1}}"#, "u")
            .unwrap();
        assert!(matches!(chats.step(), Step::Item(_)));
        assert!(matches!(chats.step(), Step::Done));

        // An empty full-size listing ends at once.
        let mut empty = listing(ListingCall::IterateUsers, &[None]).unwrap();
        empty.accept_page(r#"{"results":[]}"#, "u").unwrap();
        assert!(matches!(empty.step(), Step::Done));
    }

    #[test]
    fn arguments_are_checked_before_any_page() {
        let error = |values: &[Option<Value>]| {
            let error = listing(ListingCall::IterateUsers, values).unwrap_err();
            (error.code, error.argument.clone().unwrap_or_default())
        };
        for bad in [json!(0), json!(501), json!(1.5), json!("ten"), json!("-1")] {
            assert_eq!(
                error(&[Some(json!({ "pageSize": bad }))]),
                (ErrorCode::Validation, "params.pageSize".into())
            );
        }
        assert_eq!(
            error(&[Some(json!({"limit": 10}))]),
            (ErrorCode::Validation, "params.limit".into())
        );
        assert_eq!(
            error(&[Some(json!({"offset": -1}))]),
            (ErrorCode::Validation, "params.offset".into())
        );
        assert_eq!(
            error(&[Some(json!("x"))]),
            (ErrorCode::Validation, "params".into())
        );
        assert_eq!(
            error(&[Some(json!({"offset": "ten"}))]),
            (ErrorCode::Validation, "params.offset".into())
        );
        // Digit text counts as its number, as a query's `limit` and `offset`.
        let from_text = listing(
            ListingCall::IterateUsers,
            &[Some(json!({"pageSize": "10", "offset": "20"}))],
        )
        .unwrap();
        assert_eq!((from_text.page_size, from_text.next_offset), (10, 20));
        assert_eq!(
            error(&[Some(json!({"offset": 9_007_199_254_740_992u64}))]),
            (ErrorCode::Validation, "params.offset".into())
        );
        let apps = Listing::new(
            ListingCall::IterateApps,
            "a",
            &[Some(json!({"pageSize": 201}))],
        );
        assert!(apps.is_err());
        let missing = Listing::new(ListingCall::IterateChatsInApp, "a", &[None, None]).unwrap_err();
        assert_eq!(missing.argument.as_deref(), Some("appId"));
    }

    #[test]
    fn a_page_without_items_is_a_decode_error_and_ends_the_listing() {
        let mut users = listing(ListingCall::IterateUsers, &[None]).unwrap();
        let error = users
            .accept_page(r#"{"ok":true}"#, "http://x/v2/chats/users")
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::Decode);
        assert!(error.message.contains("iterateUsers"), "{}", error.message);
    }

    #[test]
    fn iterator_results_are_json() {
        let item = RawValue::from_string(r#"{"a":[1,2]}"#.into()).unwrap();
        let text = iterator_result(Some(&item));
        let value: Value = serde_json::from_str(text.as_str()).unwrap();
        assert_eq!(value, json!({"done": false, "value": {"a": [1, 2]}}));
        assert_eq!(iterator_result(None).as_str(), r#"{"done":true}"#);
    }
}
