//! French and English catalogues (Fluent, with real plural rules), compiled into the binary.

use fluent_bundle::{FluentArgs, FluentResource, FluentValue, concurrent::FluentBundle};
use relais_domain::Locale;
use std::sync::LazyLock;

const FR: &str = include_str!("../locales/fr.ftl");
const EN: &str = include_str!("../locales/en.ftl");

fn bundle(
    source: &'static str,
    lang: unic_langid::LanguageIdentifier,
) -> FluentBundle<FluentResource> {
    let resource = match FluentResource::try_new(source.to_owned()) {
        Ok(r) => r,
        // The catalogues are part of the binary and checked by a test: a syntax error here
        // is a build defect, not user input.
        Err((_, errors)) => panic!("invalid catalogue {lang}: {errors:?}"),
    };
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks would end up in HTML attributes and e-mail subjects.
    bundle.set_use_isolating(false);
    if let Err(errors) = bundle.add_resource(resource) {
        panic!("duplicate messages in catalogue: {errors:?}");
    }
    bundle
}

static FR_BUNDLE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(FR, unic_langid::langid!("fr")));
static EN_BUNDLE: LazyLock<FluentBundle<FluentResource>> =
    LazyLock::new(|| bundle(EN, unic_langid::langid!("en")));

fn bundle_for(locale: Locale) -> &'static FluentBundle<FluentResource> {
    match locale {
        Locale::Fr => &FR_BUNDLE,
        Locale::En => &EN_BUNDLE,
    }
}

/// The message `id` in `locale`, with arguments. A missing message shows its id, so a gap
/// is visible rather than blank (and the catalogue test catches it first).
pub fn message(locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let bundle = bundle_for(locale);
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        return id.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(
        pattern,
        (!args.is_empty()).then_some(&fluent_args),
        &mut errors,
    );
    text.into_owned()
}

/// The message `id` in `locale` with text arguments (mails, files and other places that have
/// a locale but no request context).
pub fn text(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = args
        .iter()
        .map(|(k, v)| (*k, FluentValue::from(*v)))
        .collect();
    message(locale, id, &args)
}

/// Whether the catalogue of `locale` has a message `id` with a value.
pub fn has_message(locale: Locale, id: &str) -> bool {
    bundle_for(locale)
        .get_message(id)
        .is_some_and(|m| m.value().is_some())
}

/// Message ids of a catalogue, for the completeness test.
pub fn ids(locale: Locale) -> Vec<String> {
    let source = match locale {
        Locale::Fr => FR,
        Locale::En => EN,
    };
    source
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_messages() {
        let fr = ids(Locale::Fr);
        let en = ids(Locale::En);
        let missing_en: Vec<_> = fr.iter().filter(|id| !en.contains(id)).collect();
        let missing_fr: Vec<_> = en.iter().filter(|id| !fr.contains(id)).collect();
        assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
        assert!(missing_fr.is_empty(), "missing in fr.ftl: {missing_fr:?}");
        for id in &fr {
            assert!(has_message(Locale::Fr, id), "{id} has no French text");
            assert!(has_message(Locale::En, id), "{id} has no English text");
            assert!(
                !message(Locale::Fr, id, &[]).trim().is_empty(),
                "{id} is empty in French"
            );
        }
    }

    #[test]
    fn plurals_follow_each_language() {
        let n = |n: i64| [("count", FluentValue::from(n))];
        assert_eq!(
            message(Locale::Fr, "team-members-count", &n(0)),
            "aucun membre"
        );
        assert_eq!(message(Locale::Fr, "team-members-count", &n(1)), "1 membre");
        assert_eq!(
            message(Locale::Fr, "team-members-count", &n(3)),
            "3 membres"
        );
        assert_eq!(message(Locale::En, "team-members-count", &n(1)), "1 member");
        assert_eq!(
            message(Locale::En, "team-members-count", &n(2)),
            "2 members"
        );
        assert_eq!(
            message(Locale::En, "form-has-errors", &n(1)),
            "The form has one error."
        );
    }
}
