//! The daily digest: notifications a requester chose to get once a day are held by
//! `cases::flow::to_requester` and queued here in the mail outbox, together, one mail per account.

use crate::{auth::tenant_link_base, state::AppState};
use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;
use relais_domain::{Locale, notify::digest_due};
use relais_store::{accounts, portal_accounts, tenants};

/// Queues the digests that are due at `now` in the mail outbox; returns how many. Each
/// notification is claimed before (no process sends it twice) and put back if the mail
/// cannot be queued.
pub async fn send_digests(state: &AppState, now: DateTime<Utc>) -> relais_store::Result<usize> {
    let mut sent = 0;
    for (tenant_id, account_id, oldest) in portal_accounts::digest_candidates(&state.db).await? {
        if !digest_due(oldest, now) {
            continue;
        }
        let (Some(tenant), Some(account)) = (
            tenants::by_id(&state.db, tenant_id).await?,
            accounts::get(&state.db, tenant_id, account_id).await?,
        ) else {
            continue;
        };
        let held = portal_accounts::claim_digest(&state.db, tenant_id, account_id).await?;
        if held.is_empty() {
            continue;
        }
        let locale = account.locale().unwrap_or_else(|| tenant.locale());
        let base = tenant_link_base(state, &tenant)
            .await
            .unwrap_or_else(|_| state.config.listen.clone());
        let arg = |k: &'static str, v: String| vec![(k, FluentValue::from(v))];
        let mut text = crate::i18n::message(locale, "digest-mail-intro", &[]);
        text.push_str("\n\n");
        for h in &held {
            text.push_str(&format!(
                "• {} ({})\n\n{}\n\n",
                h.subject,
                local_date(locale, h.created_at),
                h.body.trim_end()
            ));
        }
        text.push_str(&crate::i18n::message(
            locale,
            "digest-mail-outro",
            &arg("link", format!("{base}/account/notifications")),
        ));
        text.push('\n');
        let mail = crate::outbox::mail(
            account.email.clone(),
            crate::i18n::message(
                locale,
                "digest-mail-subject",
                &arg("tenant", tenant.name.clone()),
            ),
            text,
            "digest",
        );
        // Into the outbox: the runner sends it, with its retries. Put back only if it could
        // not even be queued.
        let actor = relais_store::Actor::system(tenant_id, "digest");
        match relais_store::outbox::queue(&state.db, &actor, &[mail]).await {
            Ok(()) => {
                sent += 1;
                crate::jobs::wake(state);
            }
            Err(e) => {
                tracing::warn!(error = %e, account = %account.id, "digest not queued; kept for the next pass");
                let ids: Vec<_> = held.iter().map(|h| h.id).collect();
                portal_accounts::release_digest(&state.db, tenant_id, &ids).await?;
            }
        }
    }
    Ok(sent)
}

fn local_date(locale: Locale, at: DateTime<Utc>) -> String {
    match locale {
        Locale::Fr => at.format("%d/%m/%Y %H:%M UTC").to_string(),
        Locale::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}
