//! A light French stemmer: it folds the plural and feminine forms of a word onto one stem
//! ("hôpitaux" and "hôpital", "boulangères" and "boulanger", "directrice" and "directeur"),
//! which is what a search box needs. It does not try to reduce verbs or derivations the way
//! Snowball does: a light stemmer makes fewer surprising matches (Savoy, "A stemming
//! procedure and stopword list for general French corpora", 1999, shows it does as well on
//! short queries).

/// Words shorter than this are left as they are.
const MIN_CHARS: usize = 4;
/// A rule applies only if it leaves at least this many characters.
const MIN_STEM_CHARS: usize = 3;

/// Feminine or derived endings and the masculine form they map to, longest first.
const ENDINGS: &[(&str, &str)] = &[
    ("trice", "teur"),
    ("ement", ""),
    ("euse", "eu"),
    ("elle", "el"),
    ("enne", "en"),
    ("onne", "on"),
    ("ette", "et"),
    ("ere", "er"),
    ("ive", "if"),
];

/// The stem of a folded word (lowercase, no accents: see [`super::fold`]). Words with
/// digits and short words are their own stem.
pub fn stem(word: &str) -> String {
    let chars = word.chars().count();
    if chars < MIN_CHARS || !word.chars().all(char::is_alphabetic) {
        return word.to_owned();
    }
    let mut w = word.to_owned();
    // Plurals: -aux → -al (hôpitaux), but -eaux → -eau (bateaux); otherwise drop -s or -x.
    if let Some(base) = w.strip_suffix("aux").filter(|b| !b.ends_with('e')) {
        w = format!("{base}al");
    } else if w.ends_with('s') || w.ends_with('x') {
        w.pop();
    }
    for (ending, replacement) in ENDINGS {
        if let Some(base) = w.strip_suffix(ending)
            && base.chars().count() + replacement.chars().count() >= MIN_STEM_CHARS
        {
            w = format!("{base}{replacement}");
            break;
        }
    }
    // A final mute e (rapide, employée).
    for _ in 0..2 {
        if w.chars().count() > MIN_CHARS && w.ends_with('e') {
            w.pop();
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn plural_and_singular_share_a_stem() {
        for (a, b) in [
            ("hopitaux", "hopital"),
            ("chevaux", "cheval"),
            ("journaux", "journal"),
            ("bateaux", "bateau"),
            ("chateaux", "chateau"),
            ("associations", "association"),
            ("mairies", "mairie"),
            ("travailleurs", "travailleur"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn feminine_and_masculine_share_a_stem() {
        for (a, b) in [
            ("boulangere", "boulanger"),
            ("boulangeres", "boulanger"),
            ("directrice", "directeur"),
            ("directrices", "directeurs"),
            ("heureuse", "heureux"),
            ("sportive", "sportif"),
            ("naturelle", "naturel"),
            ("parisienne", "parisien"),
            ("employee", "employe"),
            ("rapidement", "rapide"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn different_words_keep_different_stems() {
        for (a, b) in [
            ("hopital", "hotel"),
            ("martin", "marin"),
            ("rue", "ruelle"),
            ("element", "el"),
        ] {
            assert_ne!(stem(a), stem(b), "{a} / {b}");
        }
    }

    #[test]
    fn short_words_and_numbers_are_their_own_stem() {
        for w in ["rue", "des", "bd", "75011", "12b", "a"] {
            assert_eq!(stem(w), w);
        }
        // The rule may not eat a word: "bonne" keeps "bon", "element" is not "".
        assert_eq!(stem("bonne"), "bon");
        assert_eq!(stem("element"), "element");
    }

    #[test]
    fn stemming_is_idempotent_on_common_words() {
        for w in [
            "hopitaux",
            "boulangeres",
            "directrice",
            "heureuse",
            "associations",
            "martine",
            "helene",
        ] {
            let once = stem(w);
            assert_eq!(stem(&once), once, "{w}");
        }
    }
}
