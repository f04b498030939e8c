//! Bounded property runs of the SOAP envelope parser over hostile documents (PROPTEST_CASES
//! cases each in `make test`, see .cargo/config.toml).

use proptest::prelude::*;

use super::envelope::body_element;
use super::tree::{parse, XmlError, MAX_DEPTH};

/// Pieces of XML, well-formed or not, that attacks and accidents are made of.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">".to_string()),
        Just("</soap:Envelope>".to_string()),
        Just("<soap:Body>".to_string()),
        Just("</soap:Body>".to_string()),
        Just("<soap:Header><x soap:mustUnderstand=\"1\"/></soap:Header>".to_string()),
        Just("<tns:GetZones xmlns:tns=\"urn:cityflow:air-quality\"/>".to_string()),
        Just("<!DOCTYPE d [<!ENTITY x \"y\">]>".to_string()),
        Just("<!ENTITY lol \"lol\">".to_string()),
        Just("&lol;".to_string()),
        Just("&amp;&lt;&#x41;&#0;&#xD800;".to_string()),
        Just("<?xml version=\"1.0\"?>".to_string()),
        Just("<?php evil ?>".to_string()),
        Just("<![CDATA[<a>]]>".to_string()),
        Just("<!-- c -->".to_string()),
        Just("<a b='1' b='2'>".to_string()),
        Just("<p:x xmlns:p=\"\">".to_string()),
        Just("<undeclared:x>".to_string()),
        Just("</a>".to_string()),
        "[a-z<>/=\"'&;: ]{0,12}",
    ]
}

proptest! {
    /// Arbitrary bytes: a fault, never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = body_element(&bytes);
    }

    /// Documents stitched from XML pieces: an answer, never a panic; any DOCTYPE (so any
    /// entity definition, hence XXE and billion laughs) is refused whatever surrounds it.
    #[test]
    fn stitched_documents_never_panic_and_never_accept_a_doctype(pieces in proptest::collection::vec(fragment(), 0..12)) {
        let doc = pieces.concat();
        let parsed = parse(doc.as_bytes());
        if doc.contains("<!DOCTYPE") && parsed.is_ok() {
            prop_assert!(false, "a DOCTYPE was accepted: {doc}");
        }
        let _ = body_element(doc.as_bytes());
    }

    /// Nesting of any depth is refused past the limit instead of exhausting the stack.
    #[test]
    fn deep_nesting_is_bounded(depth in 0usize..5000) {
        let doc = format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth));
        match parse(doc.as_bytes()) {
            Ok(_) => prop_assert!((1..=MAX_DEPTH).contains(&depth), "depth {depth} accepted"),
            Err(XmlError::TooDeep { .. }) => prop_assert!(depth > MAX_DEPTH),
            Err(XmlError::Empty) => prop_assert_eq!(depth, 0),
            Err(other) => prop_assert!(false, "depth {depth}: {other}"),
        }
    }
}
