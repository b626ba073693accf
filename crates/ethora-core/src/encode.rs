//! Percent-encoding, byte for byte as the reference SDK's JavaScript does it where it encodes,
//! and by RFC 3986 path-segment rules where it does not (so plain ids stay literal).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986 `pchar` minus `%`: unreserved, sub-delims, `:` and `@` stay literal.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// What JavaScript's `encodeURIComponent` leaves alone.
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// What `URLSearchParams` (application/x-www-form-urlencoded) leaves alone; space becomes `+`.
const FORM_URLENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b' ');

/// One path segment: everything that could end the segment or change the route is encoded.
/// `.` and `..` must be refused before this (URL parsers resolve them even when encoded).
pub fn path_segment(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    push_encoded(&mut encoded, value, PATH_SEGMENT);
    encoded
}

/// JavaScript `encodeURIComponent`.
pub fn uri_component(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    push_uri_component(&mut encoded, value);
    encoded
}

/// [`uri_component`], appended to `out`.
pub fn push_uri_component(out: &mut String, value: &str) {
    push_encoded(out, value, URI_COMPONENT);
}

/// One `URLSearchParams` value or key, appended to `out`.
pub fn push_form_component(out: &mut String, value: &str) {
    for piece in utf8_percent_encode(value, FORM_URLENCODED) {
        // A space is the only character the set leaves that the form encoding changes.
        for (index, part) in piece.split(' ').enumerate() {
            if index > 0 {
                out.push('+');
            }
            out.push_str(part);
        }
    }
}

/// JavaScript's `String(number)` (ECMAScript Number::toString), for the numbers an id or a
/// query value can be: the same shortest digits, the same switch to exponent form.
pub fn js_number(value: f64) -> String {
    let mut text = String::new();
    push_js_number(&mut text, value);
    text
}

/// [`js_number`], appended to `out`.
pub fn push_js_number(out: &mut String, value: f64) {
    if value.is_nan() {
        return out.push_str("NaN");
    }
    if value == 0.0 {
        return out.push('0');
    }
    if value.is_infinite() {
        return out.push_str(if value < 0.0 { "-Infinity" } else { "Infinity" });
    }
    if value < 0.0 {
        out.push('-');
    }
    let magnitude = value.abs();
    // Whole numbers of the safe range, the common case (limits, offsets, numeric ids).
    if magnitude.fract() == 0.0 && magnitude <= 9_007_199_254_740_991.0 {
        return push_integer(out, magnitude as u64);
    }
    let Some((digits, n)) = shortest_digits(magnitude) else {
        return out.push_str("NaN");
    };
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        push_integer(out, (n - 1).unsigned_abs() as u64);
    }
}

/// JSON text as `JSON.stringify` writes it: serde_json's compact form, with fractional and
/// very large numbers spelled as JavaScript spells them (`0.000001`, `100000000000000000000`,
/// `1e+21`), so that a body is the bytes axios would send for the same value.
pub fn json_bytes(value: &serde_json::Value) -> serde_json::Result<Vec<u8>> {
    use serde::Serialize;
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out, JsNumbers,
    ))?;
    Ok(out)
}

/// serde_json's compact formatter with JavaScript's spelling of doubles.
struct JsNumbers;

impl serde_json::ser::Formatter for JsNumbers {
    fn write_f64<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        value: f64,
    ) -> std::io::Result<()> {
        let mut text = String::with_capacity(24);
        push_js_number(&mut text, value);
        writer.write_all(text.as_bytes())
    }
}

/// The shortest decimal digits that read back as `magnitude` (positive, finite), without
/// leading or trailing zeros, and `n` such that the number is `0.digits × 10^n` (ECMAScript's
/// Number::toString terms). The digits come from serde_json's float writer, which the build
/// links anyway.
fn shortest_digits(magnitude: f64) -> Option<(String, i32)> {
    // serde_json's writer, not `Display` (which would link core's float formatting too).
    let text = serde_json::to_string(&magnitude).ok()?;
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, exponent.parse::<i32>().ok()?),
        None => (text.as_str(), 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = whole.chars().chain(fraction.chars()).collect();
    let mut n = whole.len() as i32 + exponent;
    let leading = digits.bytes().take_while(|&digit| digit == b'0').count();
    digits.drain(..leading);
    n -= leading as i32;
    while digits.ends_with('0') {
        digits.pop();
    }
    (!digits.is_empty()).then_some((digits, n))
}

fn push_integer(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut rest = value;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// Appends the encoding piece by piece (the encoder yields literal runs and `%XX` triples),
/// without the formatting machinery `to_string` goes through.
fn push_encoded(out: &mut String, value: &str, set: &'static AsciiSet) {
    for piece in utf8_percent_encode(value, set) {
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_javascript_writes_them() {
        for (value, text) in [
            (10.0, "10"),
            (0.0, "0"),
            (-0.0, "0"),
            (-3.0, "-3"),
            (-9_007_199_254_740_991.0, "-9007199254740991"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (9_007_199_254_740_993.0, "9007199254740992"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (2.5, "2.5"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (-1.25e-10, "-1.25e-10"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ] {
            assert_eq!(js_number(value), text, "{value:?}");
        }
    }

    #[test]
    fn bodies_spell_numbers_as_json_stringify_does() {
        // The texts JavaScript's JSON.stringify gives these numbers, read and written back.
        let text = r#"{"a":[0.12029999999999999,0.000001,100000000000000000000,-9223372036854776000,1e+21,5e-324,1.5,-0,7,18446744073709551615],"s":"é\n\u0001"}"#;
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let expected = text.replace("-0,", "0,");
        assert_eq!(
            String::from_utf8(json_bytes(&value).unwrap()).unwrap(),
            expected
        );
    }

    #[test]
    fn plain_ids_and_jids_stay_literal() {
        assert_eq!(path_segment("room-1_a.b~c"), "room-1_a.b~c");
        assert_eq!(
            path_segment("app123_room-3@conference.domain.com"),
            "app123_room-3@conference.domain.com"
        );
        assert_eq!(path_segment("a+b:c=d"), "a+b:c=d");
    }

    #[test]
    fn route_changing_characters_are_encoded() {
        assert_eq!(path_segment("r/1?x#y"), "r%2F1%3Fx%23y");
        assert_eq!(path_segment("50% off"), "50%25%20off");
        assert_eq!(path_segment("a\\b"), "a%5Cb");
        assert_eq!(path_segment("ü\n"), "%C3%BC%0A");
    }

    #[test]
    fn uri_component_matches_javascript() {
        assert_eq!(
            uri_component("app-1_user+1@example"),
            "app-1_user%2B1%40example"
        );
        assert_eq!(uri_component("a b"), "a%20b");
        assert_eq!(
            uri_component("it's (ok)*!~"),
            "it's (ok)*!~".replace(' ', "%20")
        );
    }

    #[test]
    fn form_component_matches_url_search_params() {
        let form_component = |value: &str| {
            let mut encoded = String::from("k=");
            push_form_component(&mut encoded, value);
            encoded
        };
        assert_eq!(form_component("a b+c~"), "k=a+b%2Bc%7E");
        assert_eq!(form_component("createdAt"), "k=createdAt");
    }
}
