//! Opaque paging cursors. Every list is ordered by id, so a cursor is the id of the last item
//! seen, wrapped so clients treat it as a token rather than do arithmetic on it.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

const PREFIX: &str = "attraction:";

pub fn encode(id: i32) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{id}"))
}

/// The id a cursor stands for, or `None` when it is not one of ours.
pub fn decode(cursor: &str) -> Option<i32> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let id: i32 = text.strip_prefix(PREFIX)?.parse().ok()?;
    // Only the canonical spelling: "+5" or "05" would be a different token for the same place.
    (encode(id) == cursor && id > 0).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for id in [1, 9, 10, 123_456, i32::MAX] {
            assert_eq!(decode(&encode(id)), Some(id));
        }
    }

    #[test]
    fn rejects_foreign_tokens() {
        for bad in [
            "",
            "5",
            "not base64!",
            &URL_SAFE_NO_PAD.encode("attraction:"),
            &URL_SAFE_NO_PAD.encode("attraction:-3"),
            &URL_SAFE_NO_PAD.encode("attraction:0"),
            &URL_SAFE_NO_PAD.encode("attraction:+5"),
            &URL_SAFE_NO_PAD.encode("transport:5"),
            &URL_SAFE_NO_PAD.encode("attraction:99999999999"),
        ] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
