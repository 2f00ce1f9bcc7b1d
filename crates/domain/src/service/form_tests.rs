//! Tests of `form.rs`: serde shape, each field kind, conditions, definition validation with
//! exact paths, and property tests.

use super::*;
use proptest::prelude::*;
use serde_json::json;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 6, 15).unwrap()
}

fn text(fr: &str) -> Text {
    Text {
        fr: fr.into(),
        en: String::new(),
    }
}

fn form(v: Value) -> Form {
    serde_json::from_value(v).expect("valid form JSON")
}

fn answers(v: Value) -> Answers {
    match v {
        Value::Object(m) => m,
        _ => panic!("answers must be an object"),
    }
}

/// A one-page form with one field `x` of the given kind (JSON keys of the kind included).
fn single(kind: Value, required: bool) -> Form {
    let mut field = json!({"id": "x", "label": {"fr": "X"}, "required": required});
    field.as_object_mut().unwrap().extend(answers(kind));
    form(json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [field]}]}))
}

/// The clean value of `x`, or the error codes.
fn check(kind: Value, value: Value) -> Result<Option<Value>, Vec<(String, &'static str)>> {
    let f = single(kind, false);
    assert!(f.validate("form").is_empty(), "{:?}", f.validate("form"));
    f.validate_answers(&answers(json!({ "x": value })), today())
        .map(|c| c.get("x").cloned())
        .map_err(|e| e.into_iter().map(|e| (e.field, e.code)).collect())
}

fn ok(kind: Value, value: Value) -> Value {
    check(kind, value.clone())
        .unwrap_or_else(|e| panic!("{value} refused: {e:?}"))
        .unwrap_or_else(|| panic!("{value} dropped"))
}

fn code(kind: Value, value: Value) -> &'static str {
    match check(kind, value.clone()) {
        Ok(v) => panic!("{value} accepted as {v:?}"),
        Err(e) => {
            assert_eq!(e.len(), 1, "{e:?}");
            e[0].1
        }
    }
}

fn errors_of(f: &Form) -> Vec<String> {
    f.validate("form").iter().map(ToString::to_string).collect()
}

fn assert_error(f: Value, expected: &str) {
    let errors = errors_of(&form(f));
    assert!(
        errors.iter().any(|e| e == expected),
        "expected {expected:?} in {errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Serde shape
// ---------------------------------------------------------------------------------------------

fn sample() -> Value {
    json!({"pages": [
        {"id": "identity", "title": {"fr": "Identité", "en": "Identity"}, "fields": [
            {"id": "given_name", "label": {"fr": "Prénom", "en": "Given name"}, "required": true,
             "prefill": "given_name", "kind": "short_text", "max_length": 80},
            {"id": "email", "label": {"fr": "Courriel"}, "kind": "email", "prefill": "email"},
            {"id": "phone", "label": {"fr": "Téléphone"}, "kind": "phone"},
            {"id": "birth_date", "label": {"fr": "Date de naissance"}, "kind": "date",
             "min": {"days_from_today": -43800}, "max": {"date": "2025-01-01"}},
            {"id": "address", "label": {"fr": "Adresse"}, "kind": "postal_address"},
            {"id": "intro", "label": {"fr": "Enfants"}, "kind": "explanation",
             "text": {"fr": "Indiquez vos enfants."}},
            {"id": "has_children", "label": {"fr": "Enfants ?"}, "kind": "yes_no",
             "help": {"fr": "À charge"}}
        ]},
        {"id": "children", "title": {"fr": "Enfants"},
         "show_if": {"field": "has_children", "equals": true},
         "fields": [
            {"id": "children", "label": {"fr": "Enfant", "en": "Child"}, "kind": "group",
             "min_items": 1, "max_items": 6, "fields": [
                {"id": "first_name", "label": {"fr": "Prénom"}, "kind": "short_text",
                 "required": true},
                {"id": "birth_date", "label": {"fr": "Naissance"}, "kind": "date"},
                {"id": "school", "label": {"fr": "École"}, "kind": "single_choice",
                 "options": [{"value": "a", "label": {"fr": "A"}},
                             {"value": "b", "label": {"fr": "B"}}],
                 "show_if": {"field": "birth_date", "less_than": "2022-01-01"}}
            ]},
            {"id": "meals", "label": {"fr": "Repas"}, "kind": "multiple_choice",
             "min_selections": 1, "max_selections": 3,
             "options": [{"value": "mon", "label": {"fr": "Lundi", "en": "Monday"}},
                         {"value": "tue", "label": {"fr": "Mardi", "en": "Tuesday"}},
                         {"value": "thu", "label": {"fr": "Jeudi", "en": "Thursday"}}]},
            {"id": "income", "label": {"fr": "Revenus"}, "kind": "number", "min": 0,
             "integer": true, "show_if": {"all": [
                {"field": "meals", "is_answered": true},
                {"not": {"field": "meals", "in": ["thu"]}}]}},
            {"id": "proof", "label": {"fr": "Justificatif"}, "kind": "file",
             "accept": ["application/pdf", "image/*"], "max_size_bytes": 5000000,
             "max_count": 2},
            {"id": "remarks", "label": {"fr": "Remarques"}, "kind": "long_text"}
        ]}
    ]})
}

#[test]
fn sample_form_is_valid_and_round_trips() {
    let f = form(sample());
    assert_eq!(f.validate("form"), vec![]);
    assert_eq!(serde_json::to_value(&f).unwrap(), sample());
}

#[test]
fn kinds_without_settings_serialise_as_the_kind_alone() {
    let f = single(json!({"kind": "email"}), false);
    let v = serde_json::to_value(&f).unwrap();
    assert_eq!(
        v["pages"][0]["fields"][0],
        json!({"id": "x", "label": {"fr": "X"}, "kind": "email"})
    );
}

#[test]
fn typos_and_unknown_kinds_are_refused() {
    let bad = |field: Value| {
        serde_json::from_value::<Form>(json!({"pages": [{"id": "p", "title": {"fr": "P"},
            "fields": [field]}]}))
        .unwrap_err()
        .to_string()
    };
    let e = bad(json!({"id": "x", "label": {"fr": "X"}, "kind": "short_text", "requird": true}));
    assert!(e.contains("requird"), "{e}");
    let e = bad(json!({"id": "x", "label": {"fr": "X"}, "kind": "email", "max_length": 3}));
    assert!(e.contains("max_length"), "{e}");
    let e = bad(json!({"id": "x", "label": {"fr": "X"}, "kind": "texte"}));
    assert!(e.contains("texte"), "{e}");
    let e = bad(json!({"id": "x", "label": {"fr": "X"}}));
    assert!(e.contains("kind"), "{e}");
    let e = serde_json::from_value::<Form>(json!({"pages": [], "title": 1})).unwrap_err();
    assert!(e.to_string().contains("title"));
    let e = serde_json::from_value::<Page>(json!({"id": "p", "title": {"fr": "P"}, "show": 1}));
    assert!(e.unwrap_err().to_string().contains("show"));
}

#[test]
fn conditions_need_exactly_one_operator() {
    let parse = |v: Value| serde_json::from_value::<Condition>(v).map_err(|e| e.to_string());
    assert!(
        parse(json!({"field": "a", "equals": 1, "in": [1]}))
            .unwrap_err()
            .contains("exactly one")
    );
    assert!(
        parse(json!({"field": "a"}))
            .unwrap_err()
            .contains("exactly one")
    );
    assert!(
        parse(json!({"equals": 1}))
            .unwrap_err()
            .contains("needs a \"field\"")
    );
    assert!(
        parse(json!({"field": "a", "all": []}))
            .unwrap_err()
            .contains("does not go")
    );
    assert!(
        parse(json!({"field": "a", "equal": 1}))
            .unwrap_err()
            .contains("equal")
    );
    for v in [
        json!({"field": "a", "equals": "x"}),
        json!({"field": "a", "not_equals": 2}),
        json!({"field": "a", "in": ["x", "y"]}),
        json!({"field": "a", "is_answered": false}),
        json!({"field": "a", "greater_than": 3}),
        json!({"field": "a", "less_than": "2020-01-01"}),
        json!({"all": [{"field": "a", "equals": 1}]}),
        json!({"any": [{"not": {"field": "a", "equals": 1}}]}),
    ] {
        let c: Condition = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
    }
}

#[test]
fn date_bounds_are_absolute_or_relative() {
    let b: DateBound = serde_json::from_value(json!({"days_from_today": -10})).unwrap();
    assert_eq!(b, DateBound::DaysFromToday(-10));
    assert_eq!(b.resolve(today()), NaiveDate::from_ymd_opt(2025, 6, 5));
    let b: DateBound = serde_json::from_value(json!({"date": "2020-02-29"})).unwrap();
    assert_eq!(b.resolve(today()), NaiveDate::from_ymd_opt(2020, 2, 29));
    assert_eq!(DateBound::DaysFromToday(i32::MAX).resolve(today()), None);
    assert!(serde_json::from_value::<DateBound>(json!({"date": "2020-02-30"})).is_err());
}

// ---------------------------------------------------------------------------------------------
// Field kinds
// ---------------------------------------------------------------------------------------------

#[test]
fn short_text() {
    let k = || json!({"kind": "short_text", "max_length": 5});
    assert_eq!(ok(k(), json!("  abc ")), json!("abc"));
    assert_eq!(
        ok(k(), json!("éèàçô")),
        json!("éèàçô"),
        "length counts characters"
    );
    assert_eq!(ok(k(), json!(12345)), json!("12345"));
    assert_eq!(code(k(), json!("abcdef")), "answer-too-long");
    assert_eq!(code(k(), json!("a\nb")), "answer-invalid-text");
    assert_eq!(code(k(), json!({"a": 1})), "answer-invalid-type");
    assert_eq!(code(k(), json!(true)), "answer-invalid-type");
    assert_eq!(check(k(), json!("   ")), Ok(None), "blank is no answer");
    let default = json!({"kind": "short_text"});
    assert_eq!(
        code(default.clone(), json!("a".repeat(256))),
        "answer-too-long"
    );
    assert!(check(default, json!("a".repeat(255))).is_ok());
}

#[test]
fn long_text() {
    let k = || json!({"kind": "long_text", "max_length": 10});
    assert_eq!(ok(k(), json!("a\r\nb\tc")), json!("a\nb\tc"));
    assert_eq!(code(k(), json!("a".repeat(11))), "answer-too-long");
    assert_eq!(code(k(), json!("a\u{0}b")), "answer-invalid-text");
    assert_eq!(
        code(json!({"kind": "long_text"}), json!("a".repeat(10_001))),
        "answer-too-long"
    );
}

#[test]
fn number() {
    let k = || json!({"kind": "number", "min": 0, "max": 10.5});
    assert_eq!(ok(k(), json!(3)), json!(3));
    assert_eq!(ok(k(), json!(3.0)), json!(3));
    assert_eq!(ok(k(), json!(2.25)), json!(2.25));
    assert_eq!(ok(k(), json!("3,5")), json!(3.5));
    assert_eq!(ok(k(), json!(" 10.5 ")), json!(10.5));
    assert_eq!(ok(k(), json!(0)), json!(0));
    assert_eq!(code(k(), json!(-1)), "answer-out-of-range");
    assert_eq!(code(k(), json!(10.6)), "answer-out-of-range");
    assert_eq!(code(k(), json!("douze")), "answer-not-a-number");
    assert_eq!(code(k(), json!("1e3")), "answer-not-a-number");
    assert_eq!(code(k(), json!(true)), "answer-not-a-number");
    assert_eq!(code(k(), json!([1])), "answer-not-a-number");
    let int = json!({"kind": "number", "integer": true});
    assert_eq!(ok(int.clone(), json!("42")), json!(42));
    assert_eq!(code(int, json!(4.2)), "answer-not-an-integer");
}

#[test]
fn date() {
    let k =
        || json!({"kind": "date", "min": {"date": "2000-01-01"}, "max": {"days_from_today": 0}});
    assert_eq!(ok(k(), json!("2010-05-04")), json!("2010-05-04"));
    assert_eq!(
        ok(k(), json!("04/05/2010")),
        json!("2010-05-04"),
        "French order accepted"
    );
    assert_eq!(
        ok(k(), json!("2025-06-15")),
        json!("2025-06-15"),
        "bounds are inclusive"
    );
    assert_eq!(ok(k(), json!("2000-01-01")), json!("2000-01-01"));
    assert_eq!(code(k(), json!("2025-06-16")), "answer-out-of-range");
    assert_eq!(code(k(), json!("1999-12-31")), "answer-out-of-range");
    assert_eq!(code(k(), json!("2021-02-29")), "answer-invalid-date");
    assert_eq!(code(k(), json!("demain")), "answer-invalid-date");
    assert_eq!(code(k(), json!(20100504)), "answer-invalid-date");
    let adult = json!({"kind": "date", "max": {"days_from_today": -6575}});
    assert!(check(adult.clone(), json!("2007-06-20")).is_err());
    assert!(check(adult, json!("2000-01-01")).is_ok());
}

#[test]
fn email() {
    let k = || json!({"kind": "email"});
    assert_eq!(
        ok(k(), json!(" Marie.Curie@Example.FR ")),
        json!("marie.curie@example.fr")
    );
    assert_eq!(code(k(), json!("marie@")), "answer-invalid-email");
    assert_eq!(
        code(k(), json!("marie curie@example.fr")),
        "answer-invalid-email"
    );
    assert_eq!(code(k(), json!(3)), "answer-invalid-email");
}

#[test]
fn phone() {
    let k = || json!({"kind": "phone"});
    assert_eq!(ok(k(), json!("06 12 34 56 78")), json!("+33612345678"));
    assert_eq!(code(k(), json!("12 34")), "answer-invalid-phone");
    assert_eq!(code(k(), json!(612345678)), "answer-invalid-phone");
}

#[test]
fn phone_normalisation() {
    let cases = [
        ("06 12 34 56 78", Some("+33612345678")),
        ("06.12.34.56.78", Some("+33612345678")),
        ("01-23-45-67-89", Some("+33123456789")),
        ("+33 6 12 34 56 78", Some("+33612345678")),
        ("+33 (0)6 12 34 56 78", Some("+33612345678")),
        ("+33 06 12 34 56 78", Some("+33612345678")),
        ("0033 6 12 34 56 78", Some("+33612345678")),
        ("+33612345678", Some("+33612345678")),
        ("0262 12 34 56", Some("+262262123456")),
        ("0692 12 34 56", Some("+262692123456")),
        ("0590 12 34 56", Some("+590590123456")),
        ("+44 20 7946 0958", Some("+442079460958")),
        ("0044 20 7946 0958", Some("+442079460958")),
        ("+1 (415) 555-2671", Some("+14155552671")),
        ("612345678", None),
        ("00 1234", None),
        ("06 12 34 56", None),
        ("+33 6 12 34 56", None),
        ("+33 6 12 34 56 78 9", None),
        ("+0 123 456 789", None),
        ("+1234567", None),
        ("+1234567890123456", None),
        ("06 12 34 56 7a", None),
        ("", None),
        ("+", None),
    ];
    for (input, expected) in cases {
        assert_eq!(normalise_phone(input).as_deref(), expected, "{input}");
    }
}

#[test]
fn postal_address() {
    let k = || json!({"kind": "postal_address"});
    assert_eq!(
        ok(
            k(),
            json!({"street": " 1 place de la Mairie ", "postcode": "75001", "city": "Paris"})
        ),
        json!({"street": "1 place de la Mairie", "postcode": "75001", "city": "Paris",
               "country": "FR"})
    );
    assert_eq!(
        ok(
            k(),
            json!({"street": "10 Downing St", "complement": "", "postcode": "sw1a 2aa",
                       "city": "London", "country": "gb"})
        ),
        json!({"street": "10 Downing St", "postcode": "SW1A 2AA", "city": "London",
               "country": "GB"})
    );
    assert_eq!(
        check(
            k(),
            json!({"street": "1 rue", "postcode": "7500", "city": "Paris"})
        ),
        Err(vec![("x.postcode".into(), "answer-invalid-postcode")])
    );
    assert_eq!(
        check(
            k(),
            json!({"street": "1 rue", "postcode": "00100", "city": "Paris"})
        ),
        Err(vec![("x.postcode".into(), "answer-invalid-postcode")])
    );
    assert_eq!(
        check(k(), json!({"street": "1 rue", "postcode": "75001"})),
        Err(vec![("x.city".into(), "answer-required")])
    );
    assert_eq!(
        check(
            k(),
            json!({"street": "1 rue", "postcode": "75001", "city": "P", "zip": "1"})
        ),
        Err(vec![("x.zip".into(), "answer-unknown-field")])
    );
    assert_eq!(
        check(
            k(),
            json!({"street": "1 rue", "postcode": "75001", "city": "P", "country": "FRA"})
        ),
        Err(vec![("x.country".into(), "answer-invalid-country")])
    );
    assert_eq!(
        check(k(), json!({"street": 1, "postcode": "75001", "city": "P"})),
        Err(vec![("x.street".into(), "answer-invalid-address")])
    );
    assert_eq!(
        check(
            k(),
            json!({"street": "a".repeat(201), "postcode": "75001", "city": "P"})
        ),
        Err(vec![("x.street".into(), "answer-too-long")])
    );
    assert_eq!(code(k(), json!("1 rue de Paris")), "answer-invalid-address");
    assert_eq!(
        check(k(), json!({})),
        Ok(None),
        "an empty address is no answer"
    );
}

fn choices() -> Value {
    json!([{"value": "a", "label": {"fr": "A"}}, {"value": "b", "label": {"fr": "B"}},
           {"value": "c", "label": {"fr": "C"}}, {"value": "1", "label": {"fr": "Un"}}])
}

#[test]
fn single_choice() {
    let k = || json!({"kind": "single_choice", "options": choices()});
    assert_eq!(ok(k(), json!("b")), json!("b"));
    assert_eq!(ok(k(), json!(1)), json!("1"));
    assert_eq!(code(k(), json!("z")), "answer-invalid-choice");
    assert_eq!(code(k(), json!("B")), "answer-invalid-choice");
    assert_eq!(code(k(), json!(["a"])), "answer-invalid-choice");
}

#[test]
fn multiple_choice() {
    let k = || {
        json!({"kind": "multiple_choice", "options": choices(), "min_selections": 2,
               "max_selections": 3})
    };
    assert_eq!(
        ok(k(), json!(["c", "a"])),
        json!(["a", "c"]),
        "kept in the form's order"
    );
    assert_eq!(
        ok(k(), json!(["c", "a", "c"])),
        json!(["a", "c"]),
        "duplicates merged"
    );
    assert_eq!(code(k(), json!(["a", "z"])), "answer-invalid-choice");
    assert_eq!(code(k(), json!(["a"])), "answer-too-few-choices");
    assert_eq!(code(k(), json!("a")), "answer-too-few-choices");
    assert_eq!(
        code(k(), json!(["a", "b", "c", "1"])),
        "answer-too-many-choices"
    );
    assert_eq!(code(k(), json!([{"a": 1}])), "answer-invalid-choice");
    let free = json!({"kind": "multiple_choice", "options": choices()});
    assert_eq!(ok(free.clone(), json!("b")), json!(["b"]));
    assert_eq!(check(free, json!([])), Ok(None));
}

#[test]
fn yes_no() {
    let k = || json!({"kind": "yes_no"});
    assert_eq!(ok(k(), json!(true)), json!(true));
    assert_eq!(ok(k(), json!(false)), json!(false));
    assert_eq!(ok(k(), json!("oui")), json!(true));
    assert_eq!(ok(k(), json!("No")), json!(false));
    assert_eq!(code(k(), json!("peut-être")), "answer-invalid-type");
    assert_eq!(code(k(), json!(1)), "answer-invalid-type");
    let f = single(json!({"kind": "yes_no"}), true);
    assert!(
        f.validate_answers(&answers(json!({"x": false})), today())
            .is_ok(),
        "false answers"
    );
}

#[test]
fn file() {
    let k = || {
        json!({"kind": "file", "accept": ["application/pdf"], "max_size_bytes": 1000,
               "max_count": 2})
    };
    let id = "0194b8a2-7c1e-7000-8000-000000000001";
    assert_eq!(ok(k(), json!([id, "doc-2"])), json!([id, "doc-2"]));
    assert_eq!(ok(k(), json!(id)), json!([id]));
    assert_eq!(ok(k(), json!([id, id])), json!([id]));
    assert_eq!(code(k(), json!(["a", "b", "c"])), "answer-too-many-files");
    assert_eq!(code(k(), json!(["a", ""])), "answer-invalid-file");
    assert_eq!(code(k(), json!([1])), "answer-invalid-file");
    assert_eq!(code(k(), json!({"id": "a"})), "answer-invalid-file");
}

#[test]
fn explanation_holds_no_value() {
    let k = json!({"kind": "explanation", "text": {"fr": "Lisez ceci."}});
    assert_eq!(check(k, json!("anything")), Ok(None));
}

fn children_form() -> Form {
    form(
        json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
            {"id": "city", "label": {"fr": "Ville"}, "kind": "short_text"},
            {"id": "children", "label": {"fr": "Enfant", "en": "Child"}, "kind": "group",
             "required": true, "min_items": 1, "max_items": 3, "fields": [
                {"id": "name", "label": {"fr": "Prénom", "en": "Name"}, "kind": "short_text",
                 "required": true},
                {"id": "birth_date", "label": {"fr": "Naissance", "en": "Birth"}, "kind": "date",
                 "required": true, "max": {"days_from_today": 0}},
                {"id": "canteen", "label": {"fr": "Cantine"}, "kind": "yes_no",
                 "show_if": {"field": "birth_date", "less_than": "2022-09-01"}},
                {"id": "school", "label": {"fr": "École"}, "kind": "short_text",
                 "show_if": {"field": "city", "equals": "Lyon"}}
            ]}
        ]}]}),
    )
}

#[test]
fn repeatable_group() {
    let f = children_form();
    assert_eq!(f.validate("form"), vec![]);
    let clean = f
        .validate_answers(
            &answers(json!({"city": "Lyon", "children": [
                {"name": "Léa", "birth_date": "2018-03-02", "canteen": true, "school": "Jaurès"},
                {"name": "Tom", "birth_date": "2023-01-10", "canteen": true}
            ]})),
            today(),
        )
        .unwrap();
    assert_eq!(
        clean.get("children").unwrap(),
        &json!([{"name": "Léa", "birth_date": "2018-03-02", "canteen": true, "school": "Jaurès"},
                {"name": "Tom", "birth_date": "2023-01-10"}]),
        "a sub-field hidden by a sibling's answer is dropped"
    );
    let errors = f
        .validate_answers(
            &answers(json!({"city": "Paris", "children": [
                {"name": "Léa", "birth_date": "2018-03-02", "school": "Jaurès"},
                {"name": "", "birth_date": "2030-01-01"},
                {"name": "Max", "birth_date": "2020-01-01", "nickname": "M"},
                "Zoé"
            ]})),
            today(),
        )
        .unwrap_err();
    let errors: Vec<_> = errors.into_iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(errors, vec![("children".into(), "answer-too-many-items")]);
    let errors = f
        .validate_answers(
            &answers(json!({"city": "Paris", "children": [
                {"name": "Léa", "birth_date": "2018-03-02", "school": "Jaurès"},
                {"name": "", "birth_date": "2030-01-01"},
                "Zoé"
            ]})),
            today(),
        )
        .unwrap_err();
    let errors: Vec<_> = errors.into_iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(
        errors,
        vec![
            ("children[1].name".into(), "answer-required"),
            ("children[1].birth_date".into(), "answer-out-of-range"),
            ("children[2]".into(), "answer-invalid-type"),
        ],
        "the school of item 0 is hidden (city is not Lyon), so it is dropped, not refused"
    );
    let errors = f
        .validate_answers(
            &answers(
                json!({"children": [{"name": "A", "birth_date": "2020-01-01",
            "nickname": "M"}]}),
            ),
            today(),
        )
        .unwrap_err();
    assert_eq!(
        errors,
        vec![AnswerError::new(
            "children[0].nickname",
            "answer-unknown-field"
        )]
    );
    let errors = f
        .validate_answers(&answers(json!({"children": []})), today())
        .unwrap_err();
    assert_eq!(
        errors,
        vec![AnswerError::new("children", "answer-required")]
    );
    let errors = f.validate_answers(&answers(json!({"children": {"name": "A"}})), today());
    assert_eq!(
        errors.unwrap_err(),
        vec![AnswerError::new("children", "answer-invalid-type")]
    );
}

#[test]
fn group_min_items() {
    let f = single(
        json!({"kind": "group", "min_items": 2, "fields": [
            {"id": "a", "label": {"fr": "A"}, "kind": "short_text"}]}),
        false,
    );
    let e = f
        .validate_answers(&answers(json!({"x": [{"a": "1"}]})), today())
        .unwrap_err();
    assert_eq!(e, vec![AnswerError::new("x", "answer-too-few-items")]);
    assert!(
        f.validate_answers(&answers(json!({"x": [{"a": "1"}, {}]})), today())
            .is_ok()
    );
    assert!(
        f.validate_answers(&answers(json!({})), today()).is_ok(),
        "optional group"
    );
    let many: Vec<Value> = (0..=DEFAULT_MAX_ITEMS).map(|_| json!({})).collect();
    let e = f
        .validate_answers(&answers(json!({ "x": many })), today())
        .unwrap_err();
    assert_eq!(e, vec![AnswerError::new("x", "answer-too-many-items")]);
}

#[test]
fn unknown_keys_are_refused_with_the_key() {
    let f = form(sample());
    let e = f
        .validate_answers(
            &answers(json!({"given_name": "Léa", "admin": true, "x": 1})),
            today(),
        )
        .unwrap_err();
    assert_eq!(
        e,
        vec![
            AnswerError::new("admin", "answer-unknown-field"),
            AnswerError::new("x", "answer-unknown-field"),
        ]
    );
}

#[test]
fn required_fields_of_visible_pages() {
    let f = form(sample());
    let e = f
        .validate_answers(&answers(json!({})), today())
        .unwrap_err();
    assert_eq!(e, vec![AnswerError::new("given_name", "answer-required")]);
    for blank in [json!(null), json!(""), json!("  ")] {
        let e = f.validate_answers(&answers(json!({ "given_name": blank })), today());
        assert_eq!(
            e.unwrap_err(),
            vec![AnswerError::new("given_name", "answer-required")]
        );
    }
    let clean = f
        .validate_answers(
            &answers(json!({"given_name": "Léa", "has_children": true})),
            today(),
        )
        .unwrap();
    assert_eq!(
        clean.into_map(),
        answers(json!({"given_name": "Léa", "has_children": true})),
        "optional fields of a shown page may stay empty, whatever their min_items"
    );
}

#[test]
fn errors_are_collected_across_fields() {
    let f = form(sample());
    let e = f
        .validate_answers(
            &answers(json!({"given_name": "L", "email": "nope", "phone": "12",
                            "birth_date": "2026-01-01"})),
            today(),
        )
        .unwrap_err();
    assert_eq!(
        e,
        vec![
            AnswerError::new("email", "answer-invalid-email"),
            AnswerError::new("phone", "answer-invalid-phone"),
            AnswerError::new("birth_date", "answer-out-of-range"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

fn cond(v: Value) -> Condition {
    serde_json::from_value(v).unwrap()
}

#[test]
fn each_operator() {
    let a = answers(
        json!({"n": 5, "s": "oui", "m": ["a", "c"], "d": "2020-05-01", "b": false,
                           "blank": "", "empty": []}),
    );
    let t = |v: Value| cond(v).eval(&a);
    assert!(t(json!({"field": "n", "equals": 5})));
    assert!(t(json!({"field": "n", "equals": 5.0})));
    assert!(t(json!({"field": "n", "equals": "5"})));
    assert!(!t(json!({"field": "n", "equals": 6})));
    assert!(t(json!({"field": "s", "equals": "oui"})));
    assert!(t(json!({"field": "b", "equals": false})));
    assert!(!t(json!({"field": "b", "equals": "false"})));
    assert!(
        t(json!({"field": "m", "equals": "c"})),
        "a selection among several"
    );
    assert!(!t(json!({"field": "m", "equals": "b"})));
    assert!(t(json!({"field": "n", "not_equals": 4})));
    assert!(!t(json!({"field": "n", "not_equals": 5})));
    assert!(
        t(json!({"field": "missing", "not_equals": 5})),
        "unanswered differs"
    );
    assert!(!t(json!({"field": "missing", "equals": 5})));
    assert!(t(json!({"field": "s", "in": ["non", "oui"]})));
    assert!(!t(json!({"field": "s", "in": ["non"]})));
    assert!(t(json!({"field": "m", "in": ["b", "c"]})));
    assert!(!t(json!({"field": "m", "in": ["b"]})));
    assert!(!t(json!({"field": "missing", "in": ["b"]})));
    assert!(t(json!({"field": "n", "is_answered": true})));
    assert!(
        t(json!({"field": "b", "is_answered": true})),
        "false is an answer"
    );
    assert!(t(json!({"field": "blank", "is_answered": false})));
    assert!(t(json!({"field": "empty", "is_answered": false})));
    assert!(t(json!({"field": "missing", "is_answered": false})));
    assert!(t(json!({"field": "n", "greater_than": 4})));
    assert!(!t(json!({"field": "n", "greater_than": 5})));
    assert!(t(json!({"field": "n", "less_than": 5.5})));
    assert!(!t(json!({"field": "n", "less_than": 5})));
    assert!(t(json!({"field": "d", "greater_than": "2020-04-30"})));
    assert!(t(json!({"field": "d", "less_than": "2021-01-01"})));
    assert!(!t(json!({"field": "d", "less_than": "2020-05-01"})));
    assert!(
        !t(json!({"field": "s", "greater_than": 1})),
        "incomparable is false"
    );
    assert!(!t(json!({"field": "missing", "greater_than": 1})));
    assert!(!t(json!({"field": "missing", "less_than": 1})));
}

#[test]
fn combinators() {
    let a = answers(json!({"x": 1, "y": "a"}));
    let t = |v: Value| cond(v).eval(&a);
    let yes = json!({"field": "x", "equals": 1});
    let no = json!({"field": "y", "equals": "b"});
    assert!(t(json!({"all": [yes, yes]})));
    assert!(!t(json!({"all": [yes, no]})));
    assert!(t(json!({"all": []})));
    assert!(t(json!({"any": [no, yes]})));
    assert!(!t(json!({"any": [no, no]})));
    assert!(!t(json!({"any": []})));
    assert!(t(json!({"not": no})));
    assert!(!t(json!({"not": yes})));
    assert!(t(json!({"any": [{"all": [yes, {"not": no}]}, no]})));
    assert!(!t(
        json!({"not": {"any": [{"all": [yes, {"not": no}]}, no]}})
    ));
    let c = cond(
        json!({"any": [{"all": [{"field": "a", "equals": 1}, {"not": {"field": "b",
        "in": [1]}}]}, {"field": "a", "is_answered": true}]}),
    );
    assert_eq!(c.fields(), vec!["a", "b", "a"]);
}

fn paged_form() -> Form {
    form(json!({"pages": [
        {"id": "one", "title": {"fr": "1"}, "fields": [
            {"id": "kind", "label": {"fr": "Type"}, "kind": "single_choice", "required": true,
             "options": [{"value": "car", "label": {"fr": "Voiture"}},
                         {"value": "bike", "label": {"fr": "Vélo"}}]},
            {"id": "plate", "label": {"fr": "Plaque"}, "kind": "short_text", "required": true,
             "show_if": {"field": "kind", "equals": "car"}},
            {"id": "electric", "label": {"fr": "Électrique"}, "kind": "yes_no",
             "show_if": {"field": "plate", "is_answered": true}}
        ]},
        {"id": "car", "title": {"fr": "Voiture"}, "show_if": {"field": "kind", "equals": "car"},
         "fields": [
            {"id": "seats", "label": {"fr": "Places"}, "kind": "number", "required": true,
             "integer": true}
        ]},
        {"id": "end", "title": {"fr": "Fin"}, "show_if": {"field": "seats", "greater_than": 4},
         "fields": [{"id": "van", "label": {"fr": "Utilitaire"}, "kind": "yes_no",
                     "required": true}]}
    ]}))
}

#[test]
fn hidden_fields_and_pages_drop_answers() {
    let f = paged_form();
    assert_eq!(f.validate("form"), vec![]);
    // A bike: the plate, everything depending on it, and the car pages are dropped, and
    // their required fields are not asked for.
    let clean = f
        .validate_answers(
            &answers(
                json!({"kind": "bike", "plate": "AB-123-CD", "electric": "nonsense",
                            "seats": "many", "van": true}),
            ),
            today(),
        )
        .unwrap();
    assert_eq!(clean.as_map(), &answers(json!({"kind": "bike"})));
    // A car: the car page is shown, its required field is asked for.
    let e = f.validate_answers(&answers(json!({"kind": "car", "plate": "AB"})), today());
    assert_eq!(
        e.unwrap_err(),
        vec![AnswerError::new("seats", "answer-required")]
    );
    let clean = f
        .validate_answers(
            &answers(
                json!({"kind": "car", "plate": "AB", "electric": true, "seats": 2,
                            "van": true}),
            ),
            today(),
        )
        .unwrap();
    assert_eq!(
        clean.into_map(),
        answers(json!({"kind": "car", "plate": "AB", "electric": true, "seats": 2}))
    );
    let e = f.validate_answers(
        &answers(json!({"kind": "car", "plate": "AB", "seats": 7})),
        today(),
    );
    assert_eq!(
        e.unwrap_err(),
        vec![AnswerError::new("van", "answer-required")]
    );
    // An invalid answer does not show what depends on it.
    let e = f.validate_answers(
        &answers(json!({"kind": "car", "plate": "AB", "seats": 7.5})),
        today(),
    );
    assert_eq!(
        e.unwrap_err(),
        vec![AnswerError::new("seats", "answer-not-an-integer")]
    );
}

#[test]
fn visible_pages_follow_the_answers() {
    let f = paged_form();
    let ids = |a: Value| -> Vec<String> {
        f.visible_pages(&answers(a))
            .iter()
            .map(|p| p.id.clone())
            .collect()
    };
    assert_eq!(ids(json!({})), vec!["one"]);
    assert_eq!(ids(json!({"kind": "bike", "seats": 9})), vec!["one"]);
    assert_eq!(ids(json!({"kind": "car"})), vec!["one", "car"]);
    assert_eq!(
        ids(json!({"kind": "car", "seats": 9})),
        vec!["one", "car", "end"]
    );
}

#[test]
fn visible_fields_follow_the_answers_within_and_across_pages() {
    let f = paged_form();
    let ids = |a: Value| -> Vec<String> {
        let mut v: Vec<String> = f.visible_fields(&answers(a)).into_iter().collect();
        v.sort();
        v
    };
    assert_eq!(ids(json!({})), vec!["kind"]);
    assert_eq!(ids(json!({"kind": "car"})), vec!["kind", "plate", "seats"]);
    assert_eq!(
        ids(json!({"kind": "car", "plate": "AB", "seats": 5})),
        vec!["electric", "kind", "plate", "seats", "van"]
    );
    // A hidden field's answer shows nothing that depends on it.
    assert_eq!(ids(json!({"kind": "bike", "plate": "AB"})), vec!["kind"]);
}

// ---------------------------------------------------------------------------------------------
// Summary
// ---------------------------------------------------------------------------------------------

#[test]
fn summary_in_both_languages() {
    let f = form(sample());
    let clean = f
        .validate_answers(
            &answers(json!({
                "given_name": "Léa", "phone": "0612345678", "birth_date": "1990-07-14",
                "address": {"street": "1 rue Haute", "postcode": "69001", "city": "Lyon"},
                "has_children": true,
                "children": [{"first_name": "Tom", "birth_date": "2019-01-02", "school": "b"}],
                "meals": ["thu", "mon"], "proof": ["d1", "d2"], "remarks": "Merci"
            })),
            today(),
        )
        .unwrap();
    let fr: Vec<(String, String)> = f
        .summary(&clean, Locale::Fr)
        .into_iter()
        .map(|(l, v)| (l.get(Locale::Fr).to_owned(), v))
        .collect();
    let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    assert_eq!(
        fr,
        pairs(&[
            ("Prénom", "Léa"),
            ("Téléphone", "+33612345678"),
            ("Date de naissance", "14/07/1990"),
            ("Adresse", "1 rue Haute, 69001 Lyon"),
            ("Enfants ?", "Oui"),
            ("Enfant", "1 élément"),
            ("Enfant 1 — Prénom", "Tom"),
            ("Enfant 1 — Naissance", "02/01/2019"),
            ("Enfant 1 — École", "B"),
            ("Repas", "Lundi, Jeudi"),
            ("Justificatif", "2 fichiers"),
            ("Remarques", "Merci"),
        ])
    );
    let en: Vec<(String, String)> = f
        .summary(&clean, Locale::En)
        .into_iter()
        .map(|(l, v)| (l.get(Locale::En).to_owned(), v))
        .collect();
    assert_eq!(en[0], ("Given name".to_owned(), "Léa".to_owned()));
    assert_eq!(
        en[2],
        ("Date de naissance".to_owned(), "14 July 1990".to_owned())
    );
    assert_eq!(en[4].1, "Yes");
    assert_eq!(en[5], ("Child".to_owned(), "1 item".to_owned()));
    assert_eq!(en[6].0, "Child 1 — Prénom");
    assert_eq!(en[9].1, "Monday, Thursday");
    assert_eq!(en[10].1, "2 files");
}

#[test]
fn summary_of_numbers_and_foreign_addresses() {
    let f = single(json!({"kind": "number"}), false);
    let clean = f
        .validate_answers(&answers(json!({"x": "2,5"})), today())
        .unwrap();
    assert_eq!(f.summary(&clean, Locale::Fr)[0].1, "2,5");
    assert_eq!(f.summary(&clean, Locale::En)[0].1, "2.5");
    let f = single(json!({"kind": "postal_address"}), false);
    let clean = f
        .validate_answers(
            &answers(
                json!({"x": {"street": "Rue 1", "complement": "Bât. B", "postcode": "1000",
                                  "city": "Bruxelles", "country": "BE"}}),
            ),
            today(),
        )
        .unwrap();
    assert_eq!(
        f.summary(&clean, Locale::Fr)[0].1,
        "Rue 1, Bât. B, 1000 Bruxelles, BE"
    );
}

// ---------------------------------------------------------------------------------------------
// Definition validation
// ---------------------------------------------------------------------------------------------

/// A form whose first page holds `fields`, and a second page holding `later`.
fn two_pages(fields: Value, later: Value) -> Value {
    json!({"pages": [
        {"id": "first", "title": {"fr": "Un"}, "fields": fields},
        {"id": "second", "title": {"fr": "Deux"}, "fields": later}
    ]})
}

fn f(id: &str, kind: &str) -> Value {
    json!({"id": id, "label": {"fr": id}, "kind": kind})
}

fn with(mut v: Value, extra: Value) -> Value {
    v.as_object_mut().unwrap().extend(answers(extra));
    v
}

fn choice(id: &str) -> Value {
    with(
        f(id, "single_choice"),
        json!({"options": [
        {"value": "yes", "label": {"fr": "Oui"}}, {"value": "no", "label": {"fr": "Non"}}]}),
    )
}

#[test]
fn structure_errors() {
    assert_error(
        json!({"pages": []}),
        "form.pages: a form needs at least one page",
    );
    assert_error(
        two_pages(json!([f("a", "email")]), json!([])),
        "form.pages[1].fields: a page needs at least one field",
    );
    assert_error(
        two_pages(
            json!([f("a", "email"), f("Bad-Id", "email")]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[1].id: field id \"Bad-Id\" is not a snake_case identifier (a-z, \
         0-9 and _, starting with a letter, at most 64 characters)",
    );
    assert_error(
        two_pages(
            json!([f("a", "email"), f("b", "phone")]),
            json!([f("a", "email")]),
        ),
        "form.pages[1].fields[0].id: duplicate field id \"a\" (also form.pages[0].fields[0])",
    );
    assert_error(
        json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [f("a", "email")]},
                         {"id": "p", "title": {"fr": "Q"}, "fields": [f("b", "email")]}]}),
        "form.pages[1].id: duplicate page id \"p\" (also form.pages[0])",
    );
    assert_error(
        json!({"pages": [{"id": "1p", "title": {"fr": " ", "en": "P"}, "fields": [f("a", "email")]}]}),
        "form.pages[0].title.fr: the French text is required",
    );
    let errors = errors_of(&form(json!({"pages": [{"id": "1p", "title": {"fr": ""},
        "fields": [f("a", "email")]}]})));
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with("form.pages[0].id: page id \"1p\""))
    );
    assert_error(
        two_pages(
            json!([with(f("a", "email"), json!({"label": {"fr": ""}}))]),
            json!([f("b", "email")]),
        ),
        "form.pages[0].fields[0].label.fr: the French text is required",
    );
    assert_error(
        two_pages(
            json!([with(
                f("a", "email"),
                json!({"help": {"fr": "", "en": "x"}})
            )]),
            json!([f("b", "email")]),
        ),
        "form.pages[0].fields[0].help.fr: the French text is required",
    );
}

#[test]
fn identifiers() {
    for good in ["a", "given_name", "child2", "a_b_c"] {
        assert!(is_identifier(good), "{good}");
    }
    for bad in [
        "",
        "A",
        "2a",
        "_a",
        "a_",
        "a__b",
        "a-b",
        "a b",
        "é",
        &"a".repeat(65),
    ] {
        assert!(!is_identifier(bad), "{bad}");
    }
}

#[test]
fn kind_settings_errors() {
    let page =
        |field: Value| json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [field]}]});
    let at = "form.pages[0].fields[0]";
    assert_error(
        page(with(f("a", "short_text"), json!({"max_length": 0}))),
        &format!("{at}.max_length: max_length must be at least 1"),
    );
    assert_error(
        page(with(f("a", "long_text"), json!({"max_length": 100_001}))),
        &format!("{at}.max_length: max_length must be at most 100000"),
    );
    assert_error(
        page(with(f("a", "number"), json!({"min": 10, "max": 1}))),
        &format!("{at}.min: min (10) is greater than max (1)"),
    );
    assert_error(
        page(with(
            f("a", "number"),
            json!({"min": 1.2, "max": 1.8, "integer": true}),
        )),
        &format!("{at}.max: no integer lies between 1.2 and 1.8"),
    );
    assert_error(
        page(with(
            f("a", "date"),
            json!({"min": {"date": "2020-01-02"}, "max": {"date": "2020-01-01"}}),
        )),
        &format!("{at}.min: min is after max"),
    );
    assert_error(
        page(with(
            f("a", "date"),
            json!({"min": {"days_from_today": 1}, "max": {"days_from_today": 0}}),
        )),
        &format!("{at}.min: min is after max"),
    );
    assert!(
        errors_of(&form(page(with(
            f("a", "date"),
            json!({"min": {"date": "2030-01-01"}, "max": {"days_from_today": 0}})
        ))))
        .is_empty(),
        "mixed bounds cannot be compared before today is known"
    );
    assert_error(
        page(with(f("a", "single_choice"), json!({"options": []}))),
        &format!("{at}.options: a choice needs at least one option"),
    );
    assert_error(
        page(with(
            f("a", "multiple_choice"),
            json!({"options": [
            {"value": "x", "label": {"fr": "X"}}, {"value": "y", "label": {"fr": "Y"}},
            {"value": "x", "label": {"fr": "X2"}}]}),
        )),
        &format!("{at}.options[2].value: duplicate option value \"x\" (also {at}.options[0])"),
    );
    assert_error(
        page(with(
            f("a", "single_choice"),
            json!({"options": [{"value": " x", "label": {"fr": "X"}}]}),
        )),
        &format!(
            "{at}.options[0].value: an option value must be 1 to 100 characters, without \
                  surrounding spaces"
        ),
    );
    assert_error(
        page(with(
            f("a", "single_choice"),
            json!({"options": [{"value": "x", "label": {"fr": ""}}]}),
        )),
        &format!("{at}.options[0].label.fr: the French text is required"),
    );
    let opts = json!([{"value": "x", "label": {"fr": "X"}}, {"value": "y", "label": {"fr": "Y"}}]);
    assert_error(
        page(with(
            f("a", "multiple_choice"),
            json!({"options": opts, "min_selections": 2, "max_selections": 1}),
        )),
        &format!("{at}.min_selections: min_selections (2) is greater than max_selections (1)"),
    );
    assert_error(
        page(with(
            f("a", "multiple_choice"),
            json!({"options": opts, "min_selections": 3}),
        )),
        &format!("{at}.min_selections: min_selections (3) exceeds the 2 options"),
    );
    assert_error(
        page(with(
            f("a", "multiple_choice"),
            json!({"options": opts, "max_selections": 0}),
        )),
        &format!("{at}.max_selections: max_selections must be at least 1"),
    );
    let file = |extra: Value| {
        page(with(
            f("a", "file"),
            with(
                json!({"accept": ["image/png"], "max_size_bytes": 10,
            "max_count": 1}),
                extra,
            ),
        ))
    };
    assert!(errors_of(&form(file(json!({})))).is_empty());
    assert_error(
        file(json!({"max_size_bytes": 0})),
        &format!("{at}.max_size_bytes: max_size_bytes must be at least 1"),
    );
    assert_error(
        file(json!({"max_count": 0})),
        &format!("{at}.max_count: max_count must be at least 1"),
    );
    assert_error(
        file(json!({"accept": []})),
        &format!("{at}.accept: list at least one allowed MIME type"),
    );
    assert_error(
        file(json!({"accept": ["image/*", "pdf"]})),
        &format!("{at}.accept[1]: \"pdf\" is not a MIME type (type/subtype or type/*, lowercase)"),
    );
    assert!(
        errors_of(&form(file(
            json!({"accept": ["application/vnd.oasis.opendocument.text", "image/*"]})
        )))
        .is_empty()
    );
    assert_error(
        page(with(
            f("a", "explanation"),
            json!({"text": {"fr": "Lisez"}, "required": true}),
        )),
        &format!("{at}.required: explanatory text holds no answer: it cannot be required"),
    );
    assert_error(
        page(with(f("a", "explanation"), json!({"text": {"fr": ""}}))),
        &format!("{at}.text.fr: the French text is required"),
    );
    assert_error(
        page(with(f("a", "email"), json!({"prefill": "phone"}))),
        &format!("{at}.prefill: prefill \"phone\" does not fit a email field"),
    );
    for (kind, prefill) in [
        ("short_text", "given_name"),
        ("short_text", "family_name"),
        ("email", "email"),
        ("phone", "phone"),
        ("postal_address", "address"),
        ("date", "birth_date"),
    ] {
        assert!(errors_of(&form(page(with(f("a", kind), json!({"prefill": prefill}))))).is_empty());
    }
}

#[test]
fn group_errors() {
    let page =
        |fields: Value| json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": fields}]});
    let group = |extra: Value| with(f("g", "group"), extra);
    let at = "form.pages[0].fields[0]";
    assert_error(
        page(json!([group(json!({"fields": []}))])),
        &format!("{at}.fields: a repeatable group needs at least one field"),
    );
    assert_error(
        page(json!([group(
            json!({"fields": [f("a", "email")], "min_items": 3, "max_items": 2})
        )])),
        &format!("{at}.min_items: min_items (3) is greater than max_items (2)"),
    );
    assert_error(
        page(json!([group(
            json!({"fields": [f("a", "email")], "max_items": 0})
        )])),
        &format!("{at}.max_items: max_items must be at least 1"),
    );
    assert_error(
        page(json!([group(
            json!({"fields": [f("a", "email"), f("a", "phone")]})
        )])),
        &format!("{at}.fields[1].id: duplicate field id \"a\" in this group (also {at}.fields[0])"),
    );
    assert_error(
        page(json!([group(json!({"fields": [f("Aa", "email")]}))])),
        &format!(
            "{at}.fields[0].id: field id \"Aa\" is not a snake_case identifier (a-z, 0-9 \
                  and _, starting with a letter, at most 64 characters)"
        ),
    );
    // A sub-field may share an id with a form field: inside its group, it wins.
    let shadow = page(json!([
        f("email", "email"),
        group(json!({"fields": [f("email", "email"), with(f("b", "email"),
            json!({"show_if": {"field": "email", "is_answered": true}}))]}))
    ]));
    assert_eq!(errors_of(&form(shadow.clone())), Vec::<String>::new());
    let e = form(shadow)
        .validate_answers(
            &answers(json!({"email": "a@b.fr", "g": [{"b": "c@d.fr"}]})),
            today(),
        )
        .unwrap();
    assert_eq!(
        e.get("g"),
        Some(&json!([{}])),
        "b is hidden: the item's email is not answered"
    );
    assert_error(
        page(json!([group(
            json!({"fields": [group(json!({"fields": [f("a", "email")]}))]})
        )])),
        &format!("{at}.fields[0].kind: a repeatable group cannot contain another group"),
    );
    assert_error(
        page(json!([group(
            json!({"fields": [with(f("a", "email"), json!({"prefill": "email"}))]})
        )])),
        &format!("{at}.fields[0].prefill: a field of a repeatable group cannot be prefilled"),
    );
    let typo = page(json!([group(
        json!({"fields": [with(f("b", "number"), json!({"max_length": 1}))]})
    )]));
    assert!(
        serde_json::from_value::<Form>(typo).is_err(),
        "a sub-field's keys are checked too"
    );
}

#[test]
fn condition_reference_errors() {
    let cond_on = |id: &str, c: Value| with(f(id, "short_text"), json!({ "show_if": c }));
    // The issue's own example.
    let v = json!({"pages": [
        {"id": "a", "title": {"fr": "A"}, "fields": [f("x", "email")]},
        {"id": "b", "title": {"fr": "B"}, "fields": [f("a", "email"), f("b", "email"), f("c", "email"),
            cond_on("d", json!({"field": "children_count", "greater_than": 2}))]}
    ]});
    assert_error(
        v,
        "form.pages[1].fields[3].show_if: unknown field \"children_count\"",
    );
    assert_error(
        two_pages(
            json!([cond_on("a", json!({"field": "b", "equals": "x"}))]),
            json!([f("b", "short_text")]),
        ),
        "form.pages[0].fields[0].show_if: field \"b\" (form.pages[1].fields[0]) is not answered \
         yet at this point: a condition may only use fields of earlier pages or earlier fields \
         of the same page",
    );
    assert_error(
        two_pages(
            json!([
                cond_on("a", json!({"field": "b", "equals": "x"})),
                f("b", "short_text")
            ]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[0].show_if: field \"b\" (form.pages[0].fields[1]) is not answered \
         yet at this point: a condition may only use fields of earlier pages or earlier fields \
         of the same page",
    );
    assert_error(
        two_pages(
            json!([cond_on("a", json!({"field": "a", "is_answered": true}))]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[0].show_if: field \"a\" refers to itself",
    );
    let page_cond = json!({"pages": [
        {"id": "one", "title": {"fr": "1"}, "fields": [f("a", "short_text")]},
        {"id": "two", "title": {"fr": "2"}, "show_if": {"any": [
            {"field": "a", "is_answered": true}, {"field": "b", "is_answered": true}]},
         "fields": [f("b", "short_text")]}
    ]});
    assert_error(
        page_cond,
        "form.pages[1].show_if.any[1]: field \"b\" (form.pages[1].fields[0]) is not answered yet \
         at this point: a page's condition may only use fields of earlier pages",
    );
    assert_error(
        two_pages(
            json!([
                f("a", "email"),
                cond_on(
                    "b",
                    json!({"all": [{"field": "a", "is_answered": true},
            {"not": {"field": "zz", "equals": "x"}}]})
                )
            ]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[1].show_if.all[1].not: unknown field \"zz\"",
    );
    assert_error(
        two_pages(
            json!([f("a", "email"), cond_on("b", json!({"all": []}))]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[1].show_if.all: \"all\" needs at least one condition",
    );
    assert_error(
        two_pages(
            json!([f("a", "email"), cond_on("b", json!({"any": []}))]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[1].show_if.any: \"any\" needs at least one condition",
    );
    assert_error(
        two_pages(
            json!([
                f("a", "email"),
                cond_on("b", json!({"field": "a", "in": []}))
            ]),
            json!([f("c", "email")]),
        ),
        "form.pages[0].fields[1].show_if.in: \"in\" needs at least one value",
    );
}

#[test]
fn condition_references_inside_groups() {
    let group = |fields: Value| with(f("g", "group"), json!({ "fields": fields }));
    let v = |fields: Value| {
        json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
            f("before", "short_text"), group(fields), f("after", "short_text")]}]})
    };
    let sub = |id: &str, c: Value| with(f(id, "short_text"), json!({ "show_if": c }));
    let at = "form.pages[0].fields[1].fields[1].show_if";
    assert!(
        errors_of(&form(v(json!([
            f("a", "short_text"),
            sub(
                "b",
                json!({"all": [{"field": "a", "is_answered": true},
            {"field": "before", "equals": "x"}]})
            )
        ]))))
        .is_empty()
    );
    assert_error(
        v(json!([
            f("a", "short_text"),
            sub("b", json!({"field": "after", "equals": "x"}))
        ])),
        &format!(
            "{at}: field \"after\" (form.pages[0].fields[2]) is not answered yet at this \
                  point: a condition may only use fields of earlier pages or earlier fields of \
                  the same page"
        ),
    );
    assert_error(
        v(json!([
            sub("a", json!({"field": "b", "equals": "x"})),
            f("b", "short_text")
        ])),
        "form.pages[0].fields[1].fields[0].show_if: field \"b\" comes later in the group \"g\": \
         a condition may only use earlier fields",
    );
    assert_error(
        v(json!([
            f("a", "short_text"),
            sub("b", json!({"field": "b", "equals": "x"}))
        ])),
        &format!("{at}: field \"b\" refers to itself"),
    );
    assert_error(
        v(json!([
            f("a", "short_text"),
            sub("b", json!({"field": "g", "is_answered": true}))
        ])),
        &format!("{at}: field \"g\" is the group this field belongs to"),
    );
    // The form cannot read a sub-field (it has one value per item).
    let outside = json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
        group(json!([f("a", "short_text")])),
        with(f("z", "short_text"), json!({"show_if": {"field": "a", "equals": "x"}}))]}]});
    assert_error(
        outside,
        "form.pages[0].fields[1].show_if: field \"a\" belongs to the repeatable group \"g\": only \
         its own fields can use it",
    );
}

#[test]
fn condition_value_errors() {
    let at = "form.pages[0].fields[1].show_if";
    let v = |target: Value, c: Value| {
        json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
            target, with(f("z", "short_text"), json!({ "show_if": c }))]}]})
    };
    assert_error(
        v(choice("a"), json!({"field": "a", "equals": "maybe"})),
        &format!("{at}.equals: \"maybe\" is not an option of field \"a\""),
    );
    assert_error(
        v(choice("a"), json!({"field": "a", "in": ["yes", "maybe"]})),
        &format!("{at}.in[1]: \"maybe\" is not an option of field \"a\""),
    );
    assert!(
        errors_of(&form(v(
            choice("a"),
            json!({"field": "a", "not_equals": "no"})
        )))
        .is_empty()
    );
    assert_error(
        v(f("a", "number"), json!({"field": "a", "greater_than": "3"})),
        &format!("{at}.greater_than: field \"a\" is a number field: expected a number, got \"3\""),
    );
    assert_error(
        v(
            f("a", "date"),
            json!({"field": "a", "less_than": "2020-13-01"}),
        ),
        &format!(
            "{at}.less_than: field \"a\" is a date field: expected a date \"YYYY-MM-DD\", got \"2020-13-01\""
        ),
    );
    assert!(
        errors_of(&form(v(
            f("a", "date"),
            json!({"field": "a", "less_than": "2020-12-01"})
        )))
        .is_empty()
    );
    assert_error(
        v(f("a", "yes_no"), json!({"field": "a", "equals": "oui"})),
        &format!("{at}.equals: field \"a\" is a yes_no field: expected true or false, got \"oui\""),
    );
    assert_error(
        v(f("a", "short_text"), json!({"field": "a", "equals": 3})),
        &format!("{at}.equals: field \"a\" is a short_text field: expected a string, got 3"),
    );
    assert_error(
        v(
            f("a", "short_text"),
            json!({"field": "a", "greater_than": "b"}),
        ),
        &format!(
            "{at}.greater_than: \"greater_than\" does not apply to the short_text field \"a\""
        ),
    );
    assert_error(
        v(
            f("a", "postal_address"),
            json!({"field": "a", "equals": "Paris"}),
        ),
        &format!("{at}.equals: \"equals\" does not apply to the postal_address field \"a\""),
    );
    let file = with(
        f("a", "file"),
        json!({"accept": ["image/*"], "max_size_bytes": 1, "max_count": 1}),
    );
    assert!(
        errors_of(&form(v(
            file.clone(),
            json!({"field": "a", "is_answered": true})
        )))
        .is_empty()
    );
    assert_error(
        v(file, json!({"field": "a", "in": ["x"]})),
        &format!("{at}.in: \"in\" does not apply to the file field \"a\""),
    );
    assert_error(
        v(
            with(f("a", "explanation"), json!({"text": {"fr": "T"}})),
            json!({"field": "a", "is_answered": true}),
        ),
        &format!("{at}: field \"a\" is explanatory text and holds no answer"),
    );
}

#[test]
fn cycles_are_reported() {
    let c = |id: &str, on: &str| {
        with(
            f(id, "short_text"),
            json!({"show_if": {"field": on, "is_answered": true}}),
        )
    };
    let v =
        json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [c("a", "b"), c("b", "a")]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors.contains(
            &"form.pages[0].fields[1].show_if: cycle of conditions: a → b → a".to_owned()
        ),
        "{errors:#?}"
    );
    assert_eq!(
        errors.iter().filter(|e| e.contains("cycle")).count(),
        1,
        "reported once"
    );
    let v = json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [c("a", "c"), c("b", "a"), c("c", "b")]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors.contains(
            &"form.pages[0].fields[1].show_if: cycle of conditions: a → c → b → a".to_owned()
        ),
        "{errors:#?}"
    );
    let v = json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [c("a", "a")]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors.contains(&"form.pages[0].fields[0].show_if: cycle of conditions: a → a".to_owned()),
        "{errors:#?}"
    );
    // Through a page condition.
    let v = json!({"pages": [
        {"id": "one", "title": {"fr": "1"}, "fields": [c("a", "b")]},
        {"id": "two", "title": {"fr": "2"}, "show_if": {"field": "a", "is_answered": true},
         "fields": [f("b", "short_text")]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors.contains(&"form.pages[1].show_if: cycle of conditions: a → b → a".to_owned()),
        "{errors:#?}"
    );
    // Through a group: its sub-field reads a field that reads the group.
    let v = json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
        with(f("g", "group"), json!({"fields": [c("s", "x")]})),
        with(f("x", "short_text"), json!({"show_if": {"field": "g", "is_answered": true}}))]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors
            .iter()
            .any(|e| e.contains("cycle of conditions: g → x → g")),
        "{errors:#?}"
    );
    // Among sub-fields.
    let v = json!({"pages": [{"id": "p", "title": {"fr": "P"}, "fields": [
        with(f("g", "group"), json!({"fields": [c("s", "t"), c("t", "s")]}))]}]});
    let errors = errors_of(&form(v));
    assert!(
        errors.contains(
            &"form.pages[0].fields[0].fields[1].show_if: cycle of conditions: s → t → s".to_owned()
        ),
        "{errors:#?}"
    );
}

#[test]
fn all_answer_codes_are_listed() {
    let source = include_str!("form.rs");
    let mut used: Vec<&str> = source
        .match_indices("\"answer-")
        .map(|(i, _)| {
            let rest = &source[i + 1..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    used.sort_unstable();
    used.dedup();
    let mut listed = ANSWER_CODES.to_vec();
    listed.sort_unstable();
    assert_eq!(used, listed);
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|x| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
        "[a-c0-9 +./-]{0,14}".prop_map(Value::String),
        prop_oneof![
            Just("2020-02-29"),
            Just("1900-01-01"),
            Just("29/02/2021"),
            Just("06 12 34 56 78"),
            Just("a@b.fr"),
            Just("thu"),
            Just("mon"),
            Just("b"),
            Just("oui")
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("street".to_owned()),
                    Just("postcode".to_owned()),
                    Just("city".to_owned()),
                    Just("first_name".to_owned()),
                    Just("birth_date".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Plausible answers for the sample form: a mix of valid and invalid values.
fn arb_sample_answers(junk: u32) -> impl Strategy<Value = Answers> {
    let ids = [
        "given_name",
        "email",
        "phone",
        "birth_date",
        "address",
        "intro",
        "has_children",
        "children",
        "meals",
        "income",
        "proof",
        "remarks",
    ];
    let valid = |id: &str| -> BoxedStrategy<Value> {
        match id {
            "given_name" => "[A-Za-zé]{1,10}".prop_map(Value::String).boxed(),
            "remarks" => "[A-Za-zé ]{0,10}".prop_map(Value::String).boxed(),
            "email" => "[a-z]{1,5}@[a-z]{1,5}\\.fr".prop_map(Value::String).boxed(),
            "phone" => "0[1-9]( ?[0-9]{2}){4}".prop_map(Value::String).boxed(),
            "birth_date" => (1930i32..2030, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| json!(format!("{y:04}-{m:02}-{d:02}")))
                .boxed(),
            "address" => ("[a-z][a-z ]{0,7}", "[1-9][0-9]{4}|[0-9]{4,6}", "[a-z]{1,5}|")
                .prop_map(|(s, p, c)| json!({"street": s, "postcode": p, "city": c}))
                .boxed(),
            "has_children" => any::<bool>().prop_map(Value::Bool).boxed(),
            "children" => prop::collection::vec(
                ("[a-z]{1,4}", 2015i32..2024, prop::sample::select(vec!["a", "b", "b", "a", "a", "b", "c"]))
                    .prop_map(|(n, y, s)| json!({"first_name": n, "birth_date": format!("{y}-01-01"), "school": s})),
                0..5,
            )
            .prop_map(Value::Array)
            .boxed(),
            "meals" => prop::sample::subsequence(vec!["mon", "tue", "thu", "sun"], 0..4)
                .prop_filter("mostly valid", |v| !v.contains(&"sun") || v.len() == 1)
                .prop_map(|v| json!(v))
                .boxed(),
            "income" => (-5i64..50000).prop_map(Value::from).boxed(),
            "proof" => prop::collection::vec("[a-f0-9]{1,8}", 0..4).prop_map(|v| json!(v)).boxed(),
            _ => Just(Value::Null).boxed(),
        }
    };
    let per_field: Vec<BoxedStrategy<Option<Value>>> = ids
        .iter()
        .map(|id| {
            prop_oneof![
                2 => Just(None),
                10 => valid(id).prop_map(Some),
                junk.max(1) => arb_json().prop_map(move |v| (junk > 0).then_some(v)),
            ]
            .boxed()
        })
        .collect();
    (
        per_field,
        prop::option::weighted(f64::from(junk.max(1)) / 12.0, ("[a-z]{1,8}", arb_json()))
            .prop_map(move |extra| extra.filter(|_| junk > 0)),
    )
        .prop_map(move |(values, extra)| {
            let mut m: Answers = ids
                .iter()
                .zip(values)
                .filter_map(|(id, v)| v.map(|v| (id.to_string(), v)))
                .collect();
            if let Some((k, v)) = extra {
                m.insert(k, v);
            }
            m
        })
}

/// A form with `pages` pages of simple fields whose conditions only read earlier fields
/// (with values of the right type).
fn arb_backward_form() -> impl Strategy<Value = Form> {
    let field_count = 1usize..5;
    prop::collection::vec(
        prop::collection::vec(
            (0u8..3, any::<prop::sample::Index>(), any::<bool>(), 0u8..4),
            field_count,
        ),
        1..5,
    )
    .prop_flat_map(|pages| (Just(pages), any::<prop::sample::Index>()))
    .prop_map(|(pages, _)| {
        let mut all: Vec<(String, u8)> = Vec::new();
        let mut out = Vec::new();
        for (p, fields) in pages.into_iter().enumerate() {
            let before_page = all.len();
            let mut page_fields = Vec::new();
            for (i, (kind, pick, cond, op)) in fields.into_iter().enumerate() {
                let id = format!("f{p}_{i}");
                let show_if = (cond && !all.is_empty()).then(|| {
                    let (target, tkind) = &all[pick.index(all.len())];
                    let c = match (tkind, op) {
                        (_, 0) => json!({"field": target, "is_answered": true}),
                        (0, _) => json!({"field": target, "equals": true}),
                        (1, 1) => json!({"field": target, "greater_than": 3}),
                        (1, _) => json!({"field": target, "in": [1, 2]}),
                        (_, 1) => json!({"not": {"field": target, "equals": "a"}}),
                        _ => json!({"any": [{"field": target, "in": ["a", "b"]}]}),
                    };
                    serde_json::from_value::<Condition>(c).unwrap()
                });
                let kind = match kind {
                    0 => FieldKind::YesNo {},
                    1 => FieldKind::Number {
                        min: None,
                        max: None,
                        integer: false,
                    },
                    _ => FieldKind::SingleChoice {
                        options: ["a", "b"]
                            .map(|v| ChoiceOption {
                                value: v.into(),
                                label: text(v),
                            })
                            .to_vec(),
                    },
                };
                all.push((
                    id.clone(),
                    match kind {
                        FieldKind::YesNo {} => 0,
                        FieldKind::Number { .. } => 1,
                        _ => 2,
                    },
                ));
                page_fields.push(Field {
                    id,
                    label: text("L"),
                    help: None,
                    required: false,
                    show_if,
                    prefill: None,
                    kind,
                });
            }
            let page_show_if = (before_page > 0 && p % 2 == 1).then(|| Condition::IsAnswered {
                field: all[before_page - 1].0.clone(),
                answered: true,
            });
            out.push(Page {
                id: format!("p{p}"),
                title: text("P"),
                fields: page_fields,
                show_if: page_show_if,
            });
        }
        Form { pages: out }
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn validate_answers_never_panics(a in prop::collection::btree_map("[a-z_]{1,12}", arb_json(), 0..6),
                                     b in arb_sample_answers(2)) {
        let f = form(sample());
        let a: Answers = a.into_iter().collect();
        let _ = f.validate_answers(&a, today());
        let _ = f.validate_answers(&b, today());
        let _ = children_form().validate_answers(&b, today());
        let _ = paged_form().validate_answers(&a, today());
        let _ = f.visible_pages(&b);
    }

    #[test]
    fn clean_answers_validate_to_themselves(a in arb_sample_answers(0)) {
        let f = form(sample());
        if let Ok(clean) = f.validate_answers(&a, today()) {
            prop_assert_eq!(f.validate_answers(clean.as_map(), today()), Ok(clean.clone()));
            let _ = f.summary(&clean, Locale::Fr);
            let _ = f.summary(&clean, Locale::En);
        }
    }

    #[test]
    fn clean_answers_hold_only_known_visible_fields(a in arb_sample_answers(0)) {
        let f = form(sample());
        if let Ok(clean) = f.validate_answers(&a, today()) {
            let visible: Vec<&str> = f.visible_pages(clean.as_map()).iter()
                .flat_map(|p| p.fields.iter().map(|x| x.id.as_str())).collect();
            for key in clean.as_map().keys() {
                prop_assert!(visible.contains(&key.as_str()), "{} not visible", key);
            }
        }
    }

    #[test]
    fn backward_conditions_are_never_reported(f in arb_backward_form()) {
        prop_assert_eq!(f.validate("form"), vec![]);
    }

    #[test]
    fn a_forward_reference_is_always_reported(f in arb_backward_form()) {
        // Make the first field read the last one.
        let mut f = f;
        let last = f.fields().last().unwrap().id.clone();
        f.pages[0].fields[0].show_if = Some(Condition::IsAnswered { field: last, answered: true });
        prop_assert!(!f.validate("form").is_empty());
    }

    #[test]
    fn phone_normalisation_is_idempotent(s in "[+0]{0,2}[0-9 ().-]{0,18}") {
        if let Some(p) = normalise_phone(&s) {
            prop_assert!(p.starts_with('+'));
            prop_assert!(p.len() <= 16);
            prop_assert_eq!(normalise_phone(&p), Some(p.clone()));
        }
    }

    #[test]
    fn french_numbers_normalise(d in "[1-9]", rest in "[0-9]{8}", sep in "[ .-]?") {
        let national = format!("0{d}{}", rest.as_bytes().chunks(2)
            .map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(&sep));
        let p = normalise_phone(&national).unwrap();
        prop_assert_eq!(p.len(), 12 + if OVERSEAS.iter().any(|(pre, _)| national.replace(&sep, "").starts_with(pre)) { 1 } else { 0 });
    }

    #[test]
    fn form_json_round_trips(f in arb_backward_form()) {
        let json = serde_json::to_string(&f).unwrap();
        prop_assert_eq!(serde_json::from_str::<Form>(&json).unwrap(), f);
    }
}
