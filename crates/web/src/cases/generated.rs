//! Documents a workflow issues (the `generate_document` action): a PDF in the requester's
//! language with the case's reference, the decision and the answers, stored with the case and,
//! already valid, in the requester's document safe. The bytes go to the file store before the
//! case write; the document row and its link are written in the same transaction as the step
//! that issued it (`CaseWrite::generated`).

use super::flow::FlowResult;
use crate::{i18n, pdf, state::AppState};
use chrono::Utc;
use relais_domain::{Locale, case::to_local, service::definition::ServiceDefinition as Definition};
use relais_store::{cases::Case, cases::GeneratedDocument, people, services, tenants::Tenant};

use i18n::text as t;

/// Renders the document `template` of `case` as it enters `to_status`, and stores its bytes.
pub async fn issue(
    state: &AppState,
    tenant: &Tenant,
    case: &Case,
    definition: &Definition,
    to_status: &str,
    template: &str,
    locale: Locale,
) -> FlowResult<GeneratedDocument> {
    let service = services::get(&state.db, tenant.id, case.service_id).await?;
    let service_title = service
        .map(|s| s.title(locale).to_owned())
        .unwrap_or_default();
    let requester = match case.requester_person_id {
        Some(id) => people::get_person(&state.db, tenant.id, id)
            .await?
            .map(|p| p.full_name()),
        None => None,
    };
    let decision = definition
        .workflow
        .status(to_status)
        .map(|s| s.label.get(locale).to_owned())
        .unwrap_or_else(|| to_status.to_owned());
    let today = to_local(Utc::now(), &tenant.time_zone)
        .date()
        .format(if locale == Locale::En {
            "%-d %B %Y"
        } else {
            "%d/%m/%Y"
        })
        .to_string();

    let mut lines = vec![tenant.name.clone(), String::new()];
    lines.push(t(
        locale,
        "generated-reference",
        &[("reference", &case.reference)],
    ));
    lines.push(t(
        locale,
        "generated-service",
        &[("service", &service_title)],
    ));
    if let Some(name) = &requester {
        lines.push(t(locale, "generated-requester", &[("name", name)]));
    }
    lines.push(t(locale, "generated-decision", &[("decision", &decision)]));
    lines.push(t(locale, "generated-date", &[("date", &today)]));
    let answers = case.answers_map();
    if let Ok(clean) = definition.form.validate_answers(
        &answers,
        to_local(case.submitted_at, &tenant.time_zone).date(),
    ) {
        lines.push(String::new());
        lines.push(t(locale, "generated-answers", &[]));
        for (label, value) in definition.form.summary(&clean, locale) {
            lines.push(format!(
                "{} : {}",
                label.get(locale),
                value.replace('\n', " ")
            ));
        }
    }
    lines.push(String::new());
    lines.push(t(
        locale,
        "generated-footer",
        &[("tenant", &tenant.name), ("reference", &case.reference)],
    ));
    let bytes = pdf::render(&pdf::Document {
        title: service_title,
        lines,
    });
    let file_hash = state.files.put(&bytes).await?;
    Ok(GeneratedDocument {
        id: relais_domain::new_id(),
        kind: template.to_owned(),
        file_hash,
        media_type: "application/pdf".into(),
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        file_name: format!("{template}-{}.pdf", case.reference),
    })
}
