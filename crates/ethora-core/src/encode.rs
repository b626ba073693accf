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
