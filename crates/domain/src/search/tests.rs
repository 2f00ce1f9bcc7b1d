use super::*;
use proptest::prelude::*;

/// Does a set of index keys satisfy the expression? (What FTS5 and the GIN index compute.)
fn satisfies(expr: &Expr, terms: &[String]) -> bool {
    match expr {
        Expr::Key { key, prefix: false } => terms.iter().any(|t| t == key),
        Expr::Key { key, prefix: true } => terms.iter().any(|t| t.starts_with(key.as_str())),
        Expr::All(items) => items.iter().all(|e| satisfies(e, terms)),
        Expr::Any(items) => items.iter().any(|e| satisfies(e, terms)),
    }
}

fn helene() -> Document {
    Document::person(
        "Hélène",
        "Lefèvre-Dupré",
        &["h_lef@mairie.fr".into()],
        &["+33612345678".into()],
        &[address_line("12 rue des Hôpitaux", "44000", "Nantes", "FR")],
    )
}

fn q(s: &str) -> Query {
    Query::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn marked(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .filter(|s| s.marked)
        .map(|s| s.text.as_str())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Folding

#[test]
fn fold_removes_accents_case_and_punctuation() {
    assert_eq!(fold("Hélène Lefèvre-Dupré"), "helene lefevre dupre");
    assert_eq!(fold("  ŒUVRE  d'Ærø "), "oeuvre d aero");
    assert_eq!(fold("Łukasz Dvořák"), "lukasz dvorak");
    // Decomposed accents (as some systems send them) fold the same.
    assert_eq!(fold("He\u{301}le\u{300}ne"), "helene");
    assert_eq!(fold("%_"), "");
}

#[test]
fn words_know_where_they_are_in_the_original() {
    let text = "Hélène Lefèvre-Dupré";
    let ws = words(text);
    let spans: Vec<&str> = ws.iter().map(|w| &text[w.start..w.end]).collect();
    assert_eq!(spans, ["Hélène", "Lefèvre", "Dupré"]);
    // "hél" folded is 3 bytes; in the original it covers "Hél" (4 bytes).
    assert_eq!(&text[ws[0].start..ws[0].end_of_prefix(3)], "Hél");
    let decomposed = "He\u{301}le\u{300}ne";
    let w = &words(decomposed)[0];
    assert_eq!(&decomposed[w.start..w.end_of_prefix(2)], "He\u{301}");
}

#[test]
fn deletions_of_a_word() {
    assert_eq!(
        deletions("dupont"),
        ["upont", "dpont", "duont", "dupnt", "dupot", "dupon"]
    );
    assert_eq!(deletions("aab"), ["ab", "aa"]);
}

#[test]
fn a_prefix_of_an_email_has_a_key_that_is_a_prefix() {
    let full = email_key("h_lef@mairie.fr");
    for n in 1..="h_lef@mairie.fr".len() {
        assert!(full.starts_with(&email_key(&"h_lef@mairie.fr"[..n])), "{n}");
    }
    assert!(!full.starts_with(&email_key("hxlef")));
    assert!(!email_key("a.b").starts_with(&email_key("az")));
}

// ---------------------------------------------------------------------------------------
// Documents

#[test]
fn a_person_document_has_word_stem_typo_and_whole_value_keys() {
    let terms = helene().terms();
    for key in [
        "whelene",
        "wlefevre",
        "wdupre",
        "dlefvre", // lefevre without its second e
        "shelen",  // stem of helene
        "wh",
        "wlef",
        "wmairie",
        "mhzclefzamairiezbfr",
        "t33612345678",
        "whopitaux",
        "shopital",
        "w44000",
        "wnantes",
    ] {
        assert!(
            terms.contains(&key.to_owned()),
            "{key} missing from {terms:?}"
        );
    }
    // No typo keys for addresses or e-mail pieces: a typo there would find too much.
    assert!(!terms.contains(&"dnante".to_owned()));
    assert!(!terms.contains(&"dmairi".to_owned()));
    let mut sorted = terms.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(terms, sorted);
}

#[test]
fn organisation_document_and_sort_keys() {
    let org = Document::organisation("Hôpitaux de Nantes", Some("35600000000048"));
    assert!(org.terms().contains(&"k35600000000048".to_owned()));
    assert!(org.terms().contains(&"shopital".to_owned()));
    assert_eq!(org.title(), "Hôpitaux de Nantes");
    assert_eq!(org.sort_key(), "hopitaux de nantes");
    assert_eq!(helene().sort_key(), "lefevre dupre helene");
    assert_eq!(helene().title(), "Hélène Lefèvre-Dupré");
    let stored = helene().fields_json();
    assert_eq!(
        Document::from_stored(EntityKind::Person, &stored),
        Some(helene())
    );
    assert_eq!(Document::from_stored(EntityKind::Person, "not json"), None);
}

#[test]
fn address_line_is_one_line() {
    assert_eq!(
        address_line("Bât. B\n12 rue des Lilas", "44000", "Nantes", "FR"),
        "Bât. B, 12 rue des Lilas, 44000 Nantes"
    );
    assert_eq!(
        address_line("1 Main Street", "SW1A", "London", "GB"),
        "1 Main Street, SW1A London, GB"
    );
}

// ---------------------------------------------------------------------------------------
// Queries

#[test]
fn bad_queries_are_refused_with_a_reason() {
    let code = |s: &str| Query::parse(s).map(|_| ()).map_err(|e| (e.field, e.code));
    assert_eq!(code(""), Err(("q", "search-empty")));
    assert_eq!(code("   "), Err(("q", "search-empty")));
    assert_eq!(code(&"a".repeat(101)), Err(("q", "search-too-long")));
    assert!(code(&"a".repeat(100)).is_ok());
    assert_eq!(code("a\u{7}b"), Err(("q", "search-invalid")));
    assert_eq!(code("% _ !"), Err(("q", "search-no-words")));
    assert_eq!(
        code("a b c d e f g h i"),
        Err(("q", "search-too-many-words"))
    );
    assert!(code("a b c d e f g h").is_ok());
}

#[test]
fn a_query_reads_phones_and_sirets_in_any_writing() {
    for s in [
        "06 12 34 56 78",
        "0612345678",
        "+33 6 12 34 56 78",
        "06.12.34.56.78",
        "0033612345678",
    ] {
        assert_eq!(q(s).phone.as_deref(), Some("33612345678"), "{s}");
    }
    assert_eq!(q("06 12").phone.as_deref(), Some("33612"));
    assert_eq!(q("martin").phone, None);
    assert_eq!(q("356 000 000").siret.as_deref(), Some("356000000"));
    assert_eq!(
        q("356 000 000 00048").siret.as_deref(),
        Some("35600000000048")
    );
    assert_eq!(q("12345").siret, None);
}

#[test]
fn the_strict_expression_asks_for_exact_words_and_widening_adds_keys() {
    let query = q("dupnot");
    assert_eq!(
        query.expression(MatchKind::Exact),
        Expr::Key {
            key: "wdupnot".into(),
            prefix: false
        }
    );
    assert_eq!(
        query.expression(MatchKind::Prefix),
        Expr::Key {
            key: "wdupnot".into(),
            prefix: true
        }
    );
    let fuzzy = query.expression(MatchKind::Fuzzy);
    let dupont = Document::person("Jean", "Dupont", &[], &[], &[]);
    assert!(satisfies(&fuzzy, &dupont.terms()));
    assert!(!satisfies(
        &query.expression(MatchKind::Stem),
        &dupont.terms()
    ));
}

// ---------------------------------------------------------------------------------------
// Scoring

fn kind_of(query: &str, doc: &Document) -> Option<(MatchKind, FieldClass)> {
    score(&q(query), doc).map(|s| (s.kind, s.class))
}

#[test]
fn each_kind_of_match() {
    let doc = helene();
    use FieldClass::*;
    use MatchKind::*;
    assert_eq!(kind_of("Hélène", &doc), Some((Exact, Name)));
    assert_eq!(kind_of("helene", &doc), Some((Exact, Name)));
    assert_eq!(kind_of("HEL", &doc), Some((Prefix, Name)));
    assert_eq!(kind_of("helenes", &doc), Some((Stem, Name)));
    assert_eq!(kind_of("lefevr", &doc), Some((Prefix, Name)));
    assert_eq!(kind_of("lefebvre", &doc), Some((Fuzzy, Name)));
    assert_eq!(kind_of("lfeevre", &doc), Some((Fuzzy, Name)));
    assert_eq!(kind_of("h_lef@mairie.fr", &doc), Some((Exact, Identifier)));
    assert_eq!(kind_of("h_lef@mai", &doc), Some((Exact, Identifier)));
    assert_eq!(kind_of("mairie", &doc), Some((Exact, Identifier)));
    assert_eq!(kind_of("06 12 34 56 78", &doc), Some((Exact, Identifier)));
    assert_eq!(kind_of("+33 6 12", &doc), Some((Prefix, Identifier)));
    assert_eq!(kind_of("nantes", &doc), Some((Exact, Address)));
    assert_eq!(kind_of("44000", &doc), Some((Exact, Address)));
    assert_eq!(kind_of("44", &doc), Some((Prefix, Address)));
    assert_eq!(kind_of("hopital", &doc), Some((Stem, Address)));
    assert_eq!(kind_of("hopita", &doc), Some((Prefix, Address)));
    assert_eq!(kind_of("helene hopital", &doc), Some((Stem, Address)));
    assert_eq!(kind_of("helene nantes", &doc), Some((Exact, Address)));
    // Every word must match somewhere.
    assert_eq!(kind_of("helene paris", &doc), None);
    // No typo tolerance on addresses, nor for short words.
    assert_eq!(kind_of("nontes", &doc), None);
    assert_eq!(kind_of("hxl", &doc), None);
    // A one-letter word is only ever exact.
    assert_eq!(kind_of("l", &doc), None);
    assert_eq!(kind_of("07", &doc), None);
}

#[test]
fn hopitaux_finds_hopital_and_back() {
    let org = Document::organisation("Centre hospitalier — Hôpital Nord", None);
    assert_eq!(
        kind_of("hopitaux", &org),
        Some((MatchKind::Stem, FieldClass::Name))
    );
    let org = Document::organisation("Hôpitaux de Nantes", None);
    assert_eq!(
        kind_of("hôpital", &org),
        Some((MatchKind::Stem, FieldClass::Name))
    );
    let club = Document::organisation("Les Chevaux de Loire", None);
    assert_eq!(
        kind_of("cheval", &club),
        Some((MatchKind::Stem, FieldClass::Name))
    );
}

#[test]
fn ranking_orders_exact_prefix_stem_typo_then_name_identifier_address() {
    let rank = |query: &str, doc: &Document| score(&q(query), doc).map(|s| s.rank);
    let named = |family: &str| Document::person("Jean", family, &[], &[], &[]);
    let exact = rank("martin", &named("Martin"));
    let prefix = rank("martin", &named("Martinez"));
    let stemmed = rank("martins", &named("Martin"));
    let typo = rank("martin", &named("Marti"));
    assert!(
        exact > prefix && prefix > stemmed && stemmed > typo,
        "{exact:?} {prefix:?} {stemmed:?} {typo:?}"
    );
    assert!(typo.is_some());
    let living_there = Document::person(
        "Jean",
        "Dupont",
        &["lilas@example.fr".into()],
        &[],
        &[address_line("3 rue des Lilas", "44000", "Nantes", "FR")],
    );
    let by_email = Document::person("Jean", "Dupont", &["lilas@example.fr".into()], &[], &[]);
    let called_lilas = Document::person("Lilas", "Moreau", &[], &[], &[]);
    let living = Document::person(
        "Jean",
        "Dupont",
        &[],
        &[],
        &[address_line("3 rue des Lilas", "44000", "Nantes", "FR")],
    );
    assert!(rank("lilas", &called_lilas) > rank("lilas", &by_email));
    assert!(rank("lilas", &by_email) > rank("lilas", &living));
    // The best place counts: the e-mail, not the address, for the one that has both.
    assert_eq!(rank("lilas", &living_there), rank("lilas", &by_email));
    // All words exact beats one prefix, whatever the fields.
    assert!(rank("jean nantes", &living) > rank("jean dup", &living));
}

#[test]
fn highlights_mark_what_matched_in_the_original_text() {
    let doc = helene();
    let s = score(&q("hel lefev 44000"), &doc).unwrap();
    assert_eq!(marked(&s.title), ["Hél", "Lefèv"]);
    assert_eq!(s.matches.len(), 1);
    assert_eq!(s.matches[0].kind, FieldKind::Address);
    assert_eq!(marked(&s.matches[0].segments), ["44000"]);
    assert_eq!(s.matches[0].text(), "12 rue des Hôpitaux, 44000 Nantes");
    let s = score(&q("06 12 34"), &doc).unwrap();
    assert_eq!(marked(&s.matches[0].segments), ["+3361234"]);
    assert!(marked(&s.title).is_empty());
    let s = score(&q("h_lef@"), &doc).unwrap();
    assert_eq!(s.matches[0].html(), "<mark>h_lef@</mark>mairie.fr");
    let s = score(&q("dpnre"), &doc);
    assert!(s.is_none(), "two edits from dupre");
    let s = score(&q("lefebvre"), &doc).unwrap();
    assert_eq!(marked(&s.title), ["Lefèvre"]);
}

#[test]
fn highlighted_html_is_escaped() {
    let doc = Document::person("<script>alert(1)</script>", "O'Hara & Fils", &[], &[], &[]);
    let s = score(&q("script hara"), &doc).unwrap();
    let html = segments_html(&s.title);
    assert_eq!(
        html,
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; O&#39;<mark>Hara</mark> &amp; Fils"
    );
}

// ---------------------------------------------------------------------------------------
// The index finds whatever scoring accepts

fn name() -> impl Strategy<Value = String> {
    // A small alphabet, so that random names often fall within one edit of each other.
    proptest::string::string_regex("[aeilnrst]{1,8}").expect("regex")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whenever a document matches with every word at least as good as `kind`, the
    /// expression for `kind` finds it in the index: widening never loses a result.
    #[test]
    fn the_index_never_misses_what_scoring_accepts(
        given in name(), family in name(), city in name(),
        q1 in name(), q2 in proptest::option::of(name()),
    ) {
        let doc = Document::person(&given, &family, &[format!("{given}.{family}@ex.fr")], &[], &[
            address_line("1 rue", "44000", &city, "FR")]);
        let text = match &q2 { Some(q2) => format!("{q1} {q2}"), None => q1.clone() };
        let query = Query::parse(&text).unwrap();
        let terms = doc.terms();
        if let Some(s) = score(&query, &doc) {
            for level in MatchKind::WIDENING {
                if s.kind >= level {
                    prop_assert!(satisfies(&query.expression(level), &terms),
                        "{text:?} vs {doc:?} at {level:?}");
                }
            }
        }
    }

    /// A name with one typo (insertion, deletion, substitution, transposition) is found.
    #[test]
    fn one_typo_in_a_name_is_found(family in "[a-z]{5,12}", at in 0usize..12, edit in 0u8..4, c in "[a-z]") {
        let chars: Vec<char> = family.chars().collect();
        let at = at % chars.len();
        let c = c.chars().next().unwrap();
        let mut typo = chars.clone();
        match edit {
            0 => typo.insert(at, c),
            1 => { typo.remove(at); }
            2 => typo[at] = c,
            _ => if at + 1 < typo.len() { typo.swap(at, at + 1) },
        }
        let typo: String = typo.into_iter().collect();
        let doc = Document::person("Jean", &family, &[], &[], &[]);
        let s = score(&q(&typo), &doc);
        prop_assert!(s.is_some(), "{typo} should find {family}");
        prop_assert!(satisfies(&q(&typo).expression(MatchKind::Fuzzy), &doc.terms()));
    }
}
