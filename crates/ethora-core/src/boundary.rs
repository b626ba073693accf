//! What crosses from JavaScript: the one way both bindings hand an argument to the core.
//!
//! Both builds read every JavaScript argument with the same reader, `readArgument` in
//! `js/shared.js`: it reads the value as the official SDK does (`JSON.stringify` for what
//! becomes a body, `String()` for what becomes text in a URL) under the limits below, catches
//! whatever the value throws, and returns text. The native addon takes a plain string as it
//! is (the one case where reading runs no JavaScript) and calls the reader for everything
//! else; the edge build calls it for every argument. This module turns that text into the
//! value the core's rules work on ([`Argument::value`]), and a refusal into the error the
//! caller sees. ARCHITECTURE.md ("The boundary") has the why.

use serde_json::Value;

use crate::api::{Parameter, ParameterKind};
use crate::encode::js_number;
use crate::error::{EthoraError, Result};

/// Nesting levels of objects and arrays one argument may have.
pub const MAX_DEPTH: usize = 64;
/// Values one argument may hold: every object, array, string, number, boolean and null
/// counted once (and the users of one `importUsers` array).
pub const MAX_VALUES: usize = 1_000_000;
/// Characters (UTF-16 code units, as JavaScript counts them) of one argument, as JSON.
pub const MAX_TEXT: usize = 16_777_216;

/// One argument as a binding hands it over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Argument<'a> {
    /// `undefined`, or not passed.
    Absent,
    /// A string, taken as it is: well-formed and at most [`MAX_TEXT`] characters (the native
    /// addon checks both before it takes this way).
    String(&'a str),
    /// What the shared reader returned: `s` + a string, `j` + JSON text, or `x` + a refusal:
    /// its code and, after a line feed, what the value threw.
    Read(&'a str),
}

impl<'a> Argument<'a> {
    /// What the reader returned (`None`: it returned `undefined`).
    pub fn read(text: Option<&'a str>) -> Argument<'a> {
        text.map_or(Argument::Absent, Argument::Read)
    }

    /// The argument as the value `parameter`'s rules read (`None`: absent). Ids arrive as
    /// text: a finite number becomes the text JavaScript's `String()` gives it, as the
    /// official SDK sends it.
    pub fn value(self, parameter: &Parameter) -> Result<Option<Value>> {
        let value = match self {
            Argument::Absent => return Ok(None),
            Argument::String(text) => Value::String(text.to_owned()),
            Argument::Read(text) => {
                if let Some(text) = text.strip_prefix('s') {
                    Value::String(text.to_owned())
                } else if let Some(json) = text.strip_prefix('j') {
                    serde_json::from_str(json).map_err(|_| parameter.unreadable())?
                } else if let Some(refusal) = text.strip_prefix('x') {
                    return Err(refused(parameter, refusal));
                } else {
                    return Err(parameter.unreadable());
                }
            }
        };
        Ok(Some(match parameter.kind {
            ParameterKind::Id | ParameterKind::IdOrIds | ParameterKind::Ids => ids_as_text(value),
            _ => value,
        }))
    }
}

/// Each argument under its parameter ([`Argument::value`]); missing ones are absent. The
/// texts are what the reader already read, so no caller code runs here and the first refusal
/// may end the decoding (the native addon's `arguments::values` reads every argument first).
pub fn values<'a>(
    parameters: &[Parameter],
    arguments: impl IntoIterator<Item = Argument<'a>>,
) -> Result<Vec<Option<Value>>> {
    let mut arguments = arguments.into_iter();
    parameters
        .iter()
        .map(|parameter| {
            arguments
                .next()
                .unwrap_or(Argument::Absent)
                .value(parameter)
        })
        .collect()
}

/// Numbers of an id argument (or of its array) as the text they are sent as.
fn ids_as_text(value: Value) -> Value {
    match value {
        Value::Number(number) => Value::String(number_text(&number)),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Number(number) => Value::String(number_text(&number)),
                    other => other,
                })
                .collect(),
        ),
        other => other,
    }
}

fn number_text(number: &serde_json::Number) -> String {
    match (number.as_u64(), number.as_i64()) {
        (Some(whole), _) => whole.to_string(),
        (None, Some(whole)) => whole.to_string(),
        _ => js_number(number.as_f64().unwrap_or(f64::NAN)),
    }
}

/// The error of a refusal the reader returned: `code`, or `code\ndetail`.
fn refused(parameter: &Parameter, refusal: &str) -> EthoraError {
    let (code, detail) = refusal.split_once('\n').unwrap_or((refusal, ""));
    let rule = match code {
        "depth" => format!("is nested more than {MAX_DEPTH} levels deep"),
        "values" => format!("holds more than {MAX_VALUES} values"),
        "text" => format!("is longer than {MAX_TEXT} characters"),
        "surrogate" => "holds a string that is not well-formed Unicode (a lone surrogate)".into(),
        "bigint" => "holds a bigint, which JSON cannot carry".into(),
        "threw" if detail.is_empty() => "could not be read: reading it threw".into(),
        "threw" => format!("could not be read: {detail}"),
        _ => return parameter.unreadable(),
    };
    EthoraError::validation(parameter.name, rule)
}

/// The reader's name for how a parameter is read.
pub fn reader_mode(kind: ParameterKind) -> &'static str {
    match kind {
        ParameterKind::Id | ParameterKind::IdOrIds | ParameterKind::Ids => "id",
        ParameterKind::Query => "query",
        ParameterKind::Json => "json",
        ParameterKind::Flag => "flag",
        ParameterKind::Options => "options",
        ParameterKind::Users => "users",
        ParameterKind::Env => "env",
    }
}

/// Every method and function JavaScript calls, with its parameters' reader modes, for the
/// edge build's facade (`edge/api.js`), one per line: `m name mode...` for a method of the
/// service (`i` for one that returns a listing iterator), `f name mode...` for a module
/// function (`constructor` is the class's).
pub fn spec() -> String {
    use crate::api::ApiCall;
    use crate::functions as f;
    use crate::job_waits::JobWaitCall;
    use crate::listing::ListingCall;
    let mut text = String::with_capacity(4096);
    let mut line = |kind: char, name: &str, parameters: &[Parameter]| {
        text.push(kind);
        text.push(' ');
        text.push_str(name);
        for parameter in parameters {
            text.push(' ');
            text.push_str(reader_mode(parameter.kind));
        }
        text.push('\n');
    };
    for call in ApiCall::ALL {
        line('m', call.js_name(), call.parameters());
    }
    for call in ListingCall::ALL {
        line('i', call.js_name(), call.parameters());
    }
    for call in JobWaitCall::ALL {
        let mut parameters = call.read_call().parameters().to_vec();
        parameters.push(call.options_parameter());
        line('m', call.js_name(), &parameters);
    }
    for call in f::LocalCall::ALL {
        line('m', call.js_name(), call.parameters());
    }
    for call in crate::ensure::EnsureCall::ALL {
        line('m', call.js_name(), call.parameters());
    }
    line('m', "importUsers", f::IMPORT_USERS);
    line('m', "toJSON", &[]);
    line('f', "constructor", f::SERVICE_CONFIG);
    line('f', "getEthoraSDKService", f::SERVICE_CONFIG);
    line('f', "createClientToken", f::CREATE_CLIENT_TOKEN);
    line('f', "createServerToken", f::CREATE_SERVER_TOKEN);
    line('f', "verifyJwtToken", f::VERIFY_JWT_TOKEN);
    line('f', "configFromEnv", f::CONFIG_FROM_ENV);
    line('f', "getSecrets", f::GET_SECRETS);
    line('f', "getSecretsSync", f::GET_SECRETS);
    text
}

/// A query value as the reader hands it over: JSON strings, numbers and booleans as they
/// are; what JSON cannot carry as one object with one key (`"\u0000number"`: a non-finite
/// number, `"\u0000bigint"`, `"\u0000symbol"`, `"\u0000text"`: any object or function, by
/// its `String()`), so that its truthiness and text stay JavaScript's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum QueryValue<'a> {
    Text(&'a str),
    Number(f64),
    Boolean(bool),
    NonFinite(&'a str),
    BigInt(&'a str),
    Symbol(&'a str),
    Object(&'a str),
}

impl<'a> QueryValue<'a> {
    /// The value of a query key (`None`: `null`, or a JSON value the reader never gives).
    pub fn of(value: &'a Value) -> Option<QueryValue<'a>> {
        Some(match value {
            Value::String(text) => QueryValue::Text(text),
            Value::Number(number) => QueryValue::Number(number.as_f64()?),
            Value::Bool(boolean) => QueryValue::Boolean(*boolean),
            Value::Object(map) if map.len() == 1 => {
                let (key, text) = map.iter().next()?;
                let text = text.as_str()?;
                match key.as_str() {
                    "\u{0}number" => QueryValue::NonFinite(text),
                    "\u{0}bigint" => QueryValue::BigInt(text),
                    "\u{0}symbol" => QueryValue::Symbol(text),
                    "\u{0}text" => QueryValue::Object(text),
                    _ => return None,
                }
            }
            _ => return None,
        })
    }

    /// JavaScript's truthiness of the value.
    pub fn truthy(self) -> bool {
        match self {
            QueryValue::Text(text) => !text.is_empty(),
            QueryValue::Number(number) => number != 0.0,
            QueryValue::Boolean(boolean) => boolean,
            QueryValue::NonFinite(text) => text != "NaN",
            QueryValue::BigInt(text) => text != "0",
            QueryValue::Symbol(_) | QueryValue::Object(_) => true,
        }
    }

    /// JavaScript's `String()` of the value.
    pub fn text(self) -> std::borrow::Cow<'a, str> {
        match self {
            QueryValue::Text(text) | QueryValue::NonFinite(text) => text.into(),
            QueryValue::BigInt(text) | QueryValue::Symbol(text) | QueryValue::Object(text) => {
                text.into()
            }
            QueryValue::Number(number) => js_number(number).into(),
            QueryValue::Boolean(boolean) => if boolean { "true" } else { "false" }.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ID: Parameter = crate::api::id("userId", "UUID", false);
    const IDS: Parameter = crate::api::ids("userIds", "UUID[]", false);
    const JSON: Parameter = crate::api::json("userData", "object", true);

    fn value(parameter: &Parameter, argument: Argument) -> Result<Option<Value>> {
        argument.value(parameter)
    }

    #[test]
    fn strings_json_and_absence() {
        assert_eq!(value(&ID, Argument::Absent).unwrap(), None);
        assert_eq!(
            value(&ID, Argument::String("u1")).unwrap(),
            Some(json!("u1"))
        );
        assert_eq!(
            value(&ID, Argument::Read("su1")).unwrap(),
            Some(json!("u1"))
        );
        assert_eq!(
            value(&JSON, Argument::Read(r#"j{"a":[1,null]}"#)).unwrap(),
            Some(json!({"a": [1, null]}))
        );
        assert_eq!(value(&JSON, Argument::Read("s")).unwrap(), Some(json!("")));
    }

    #[test]
    fn numeric_ids_become_their_javascript_text() {
        assert_eq!(
            value(&ID, Argument::Read("j42")).unwrap(),
            Some(json!("42"))
        );
        assert_eq!(
            value(&ID, Argument::Read("j-1.5")).unwrap(),
            Some(json!("-1.5"))
        );
        assert_eq!(
            value(&ID, Argument::Read("j1e+21")).unwrap(),
            Some(json!("1e+21"))
        );
        assert_eq!(
            value(&IDS, Argument::Read(r#"j["a",7,{},null]"#)).unwrap(),
            Some(json!(["a", "7", {}, null]))
        );
        // Bodies keep their numbers.
        assert_eq!(
            value(&JSON, Argument::Read("j42")).unwrap(),
            Some(json!(42))
        );
    }

    #[test]
    fn refusals_name_the_argument_and_the_limit() {
        let refusal =
            |parameter: &Parameter, text: &str| value(parameter, Argument::Read(text)).unwrap_err();
        let depth = refusal(&JSON, "xdepth");
        assert_eq!(depth.code_str(), "ETHORA_VALIDATION");
        assert_eq!(depth.argument.as_deref(), Some("userData"));
        assert!(depth.message.contains("64 levels"), "{}", depth.message);
        let threw = refusal(&JSON, "xthrew\ntrap!");
        assert!(
            threw.message.ends_with("could not be read: trap!"),
            "{}",
            threw.message
        );
        let surrogate = refusal(&JSON, "xsurrogate");
        assert!(
            surrogate.message.contains("lone surrogate"),
            "{}",
            surrogate.message
        );
        assert_eq!(refusal(&ID, "xtype").argument.as_deref(), Some("userId"));
        for text in ["", "q", "xnot a code", "jnot json"] {
            assert_eq!(refusal(&ID, text).code_str(), "ETHORA_VALIDATION", "{text}");
        }
    }

    #[test]
    fn query_values_keep_javascript_truthiness_and_text() {
        let of = |value: Value| {
            let value = Box::leak(Box::new(value));
            QueryValue::of(value).map(|v| (v.truthy(), v.text().into_owned()))
        };
        assert_eq!(of(json!("a b")), Some((true, "a b".into())));
        assert_eq!(of(json!("")), Some((false, String::new())));
        assert_eq!(of(json!(0)), Some((false, "0".into())));
        assert_eq!(of(json!(2.5)), Some((true, "2.5".into())));
        assert_eq!(of(json!(false)), Some((false, "false".into())));
        assert_eq!(
            of(json!({"\u{0}number": "NaN"})),
            Some((false, "NaN".into()))
        );
        assert_eq!(
            of(json!({"\u{0}number": "-Infinity"})),
            Some((true, "-Infinity".into()))
        );
        assert_eq!(of(json!({"\u{0}bigint": "0"})), Some((false, "0".into())));
        assert_eq!(of(json!({"\u{0}text": ""})), Some((true, String::new())));
        assert_eq!(of(json!(null)), None);
        assert_eq!(of(json!({"a": 1})), None);
    }

    #[test]
    fn the_spec_lists_every_method_with_its_modes() {
        let spec = spec();
        assert!(spec.contains("m createUser id json\n"), "{spec}");
        assert!(spec.contains("m getUsers query\n"), "{spec}");
        assert!(spec.contains("i iterateChatsInApp id query\n"), "{spec}");
        assert!(
            spec.contains("m waitForBroadcastJob id id options\n"),
            "{spec}"
        );
        assert!(spec.contains("m importUsers users options\n"), "{spec}");
        assert!(spec.contains("m toJSON\n"), "{spec}");
        assert!(spec.contains("f configFromEnv env\n"), "{spec}");
        assert!(
            spec.contains("m ensureChatRoomMembersInApp id id id\n"),
            "{spec}"
        );
        // Every method once: the four tables, the four local methods and the eight functions.
        let (network, iterators, waits, ensures) = (
            crate::api::ApiCall::ALL.len(),
            crate::listing::ListingCall::ALL.len(),
            crate::job_waits::JobWaitCall::ALL.len(),
            crate::ensure::EnsureCall::ALL.len(),
        );
        assert_eq!(
            spec.lines().count(),
            network + iterators + waits + ensures + 4 + 8
        );
        let mut names: Vec<&str> = spec
            .lines()
            .map(|line| line.split(' ').nth(1).unwrap_or(""))
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), spec.lines().count());
    }

    /// The reader in js/shared.js applies the same limits.
    #[test]
    fn the_shared_reader_has_the_same_limits() {
        let reader = include_str!("../../../js/shared.js");
        for (name, limit) in [
            ("MAX_DEPTH", MAX_DEPTH),
            ("MAX_VALUES", MAX_VALUES),
            ("MAX_TEXT", MAX_TEXT),
        ] {
            let line = format!("const {name} = {limit}\n");
            assert!(
                reader.contains(&line),
                "js/shared.js lacks `{}`",
                line.trim()
            );
        }
    }
}
