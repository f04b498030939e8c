/// Reduces a label to a comparison key: trimmed, lower-case, French accents removed (both
/// precomposed and combining forms), and ` `/`-` treated as `_`.
///
/// Why: clients type `metro` in URLs, macOS sends `Me\u{301}tro` (decomposed), and the seed
/// itself once garbled `Métro` through an encoding bug; matching on the folded key accepts all
/// of those while we still store and return only the canonical spelling.
pub(crate) fn fold(label: &str) -> String {
    label
        .trim()
        .chars()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .map(|c| match c {
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'à' | 'â' | 'À' | 'Â' => 'a',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'Ô' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_accents_and_separators() {
        assert_eq!(fold("Métro"), "metro");
        assert_eq!(fold("Me\u{301}tro"), "metro");
        assert_eq!(fold(" VÉLO "), "velo");
        assert_eq!(fold("en maintenance"), "en_maintenance");
        assert_eq!(fold("Hors-Service"), "hors_service");
        assert_eq!(fold("opérationnel"), "operationnel");
    }
}
