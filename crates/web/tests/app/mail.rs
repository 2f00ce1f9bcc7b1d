//! Outgoing mail through a real SMTP server: Python's aiosmtpd started on loopback by the
//! test, requiring authentication, writing what it receives to files the test reads.

use crate::common::TestApp;
use axum::http::StatusCode;
use relais_store::jobs::JobState;
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The sink: AUTH required (LOGIN or PLAIN, without TLS, which is fine on loopback), each
/// message written as `<n>.eml` with the envelope and the authenticated user on top.
const SINK: &str = r#"
import itertools, os, sys
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
counter = itertools.count(1)

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login.decode() == user
          and auth_data.password.decode() == password)
    return AuthResult(success=ok)

class Sink:
    async def handle_DATA(self, server, session, envelope):
        n = next(counter)
        who = user if session.authenticated else ""
        head = ("X-Sink-Mail-From: %s\r\nX-Sink-Rcpt-To: %s\r\nX-Sink-Auth: %s\r\n"
                % (envelope.mail_from, ",".join(envelope.rcpt_tos), who))
        tmp = os.path.join(out, "%d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(tmp, os.path.join(out, "%d.eml" % n))
        return "250 OK"

c = Controller(Sink(), hostname="127.0.0.1", port=port, authenticator=authenticator,
               auth_require_tls=False, auth_required=True)
c.start()
print("ready", flush=True)
try:
    sys.stdin.read()
finally:
    c.stop()
"#;

/// A running sink; killed when dropped (and it stops by itself when its stdin closes).
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    pub dir: PathBuf,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub const SMTP_USER: &str = "relais";
pub const SMTP_PASSWORD: &str = "sink-secret";

impl SmtpSink {
    /// Starts the sink, or `None` when python3 or aiosmtpd is missing on a developer's
    /// machine (CI installs aiosmtpd before the cargo tests and must never skip).
    pub fn start(dir: &Path) -> Option<SmtpSink> {
        let available = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must have python3 with aiosmtpd (.ci/run installs it)"
            );
            eprintln!("SKIPPED: python3 with aiosmtpd not found (pip install aiosmtpd)");
            return None;
        }
        let dir = dir.join("smtp-sink");
        std::fs::create_dir_all(&dir).expect("sink dir");
        let script = dir.join("sink.py");
        std::fs::write(&script, SINK).expect("sink script");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new("python3")
            .arg(&script)
            .arg(port.to_string())
            .arg(&dir)
            .args([SMTP_USER, SMTP_PASSWORD])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("sink output");
        assert_eq!(line.trim(), "ready", "the SMTP sink did not start");
        Some(SmtpSink { child, port, dir })
    }

    pub fn mailer(&self, password: &str) -> relais_mail::Mailer {
        relais_mail::Mailer::smtp(
            &relais_mail::SmtpSettings {
                host: "127.0.0.1".into(),
                port: self.port,
                tls: relais_mail::Tls::None,
                username: Some(SMTP_USER.into()),
                password: Some(password.into()),
            },
            "Mairie <mairie@relais.test>",
        )
        .expect("SMTP mailer")
    }

    /// The messages received so far, in order.
    pub fn received(&self) -> Vec<String> {
        let mut found: Vec<(u32, String)> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        let n = name.strip_suffix(".eml")?.parse().ok()?;
                        Some((n, std::fs::read_to_string(e.path()).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort();
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Waits up to ten seconds for `n` messages (the application sends in the background).
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        let start = Instant::now();
        loop {
            let got = self.received();
            if got.len() >= n || start.elapsed() > Duration::from_secs(10) {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// Quoted-printable soft breaks undone, so links and words read whole.
pub fn unfold(mail: &str) -> String {
    mail.replace("=\r\n", "").replace("=\n", "")
}

#[tokio::test]
async fn mail_goes_through_the_configured_smtp_server_with_its_credentials() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(sink) = SmtpSink::start(tmp.path()) else {
        return;
    };
    let app = TestApp::with_mailer(
        relais_web::WebConfig::default(),
        Some(sink.mailer(SMTP_PASSWORD)),
    )
    .await;
    let mut c = app.client("alpha.test");
    c.post_form("/password/forgot", &[("email", "citizen@alpha.test")])
        .await
        .assert_status(StatusCode::OK);
    app.send_mails().await;
    let received = sink.wait_for(1).await;
    assert_eq!(received.len(), 1, "one message reached the SMTP server");
    let mail = unfold(&received[0]);
    assert!(mail.contains("X-Sink-Auth: relais"), "{mail}");
    assert!(
        mail.contains("X-Sink-Mail-From: mairie@relais.test"),
        "{mail}"
    );
    assert!(
        mail.contains("X-Sink-Rcpt-To: citizen@alpha.test"),
        "{mail}"
    );
    assert!(mail.contains("From: Mairie <mairie@relais.test>"), "{mail}");
    assert!(mail.contains("To: citizen@alpha.test"), "{mail}");
    assert!(
        mail.contains("http://alpha.test:8080/password/reset/"),
        "{mail}"
    );
    assert!(
        app.mails().await.is_empty(),
        "nothing written as files with SMTP"
    );
    assert_eq!(
        sink.mailer(SMTP_PASSWORD).describe(),
        format!(
            "sent by SMTP to 127.0.0.1:{} (no TLS, with credentials) from Mairie <mairie@relais.test>",
            sink.port
        ),
        "the start-up log says where mail goes"
    );
}

#[tokio::test]
async fn a_refused_smtp_login_is_logged_and_the_page_does_not_tell() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(sink) = SmtpSink::start(tmp.path()) else {
        return;
    };
    let app = TestApp::with_mailer(
        relais_web::WebConfig::default(),
        Some(sink.mailer("wrong password")),
    )
    .await;
    let mut c = app.client("alpha.test");
    // The server refuses the credentials: nothing is delivered, and the answer is the same
    // as for an unknown address (a failure must not reveal that the account exists).
    let known = c
        .post_form("/password/forgot", &[("email", "citizen@alpha.test")])
        .await;
    known.assert_status(StatusCode::OK);
    let unknown = c
        .post_form("/password/forgot", &[("email", "nobody@alpha.test")])
        .await;
    unknown.assert_status(StatusCode::OK);
    assert!(known.body.contains("Si un compte existe"));
    assert!(unknown.body.contains("Si un compte existe"));
    // The mail waits in the outbox for the known account only (this sink never answers a
    // refused login: the runner's attempts would wait for it, never the visitor).
    let jobs = relais_store::outbox::list(&app.db, app.tenant("alpha"), 10)
        .await
        .expect("outbox");
    assert_eq!(jobs.len(), 1);
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_in_the_data_folder() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.post_form("/password/forgot", &[("email", "citizen@alpha.test")])
        .await
        .assert_status(StatusCode::OK);
    // Through the outbox: written as a file once the job runner has sent it.
    assert!(
        app.written_mails().is_empty(),
        "the answer did not write it"
    );
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(unfold(&mails[0]).contains("/password/reset/"));
    let jobs = relais_store::outbox::list(&app.db, app.tenant("alpha"), 10)
        .await
        .expect("outbox");
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].state, JobState::Done);
    // The link is a secret: once sent, its text is not kept, nor ever in the audit log.
    let kept = relais_store::outbox::mail_of(&jobs[0]).expect("mail");
    assert_eq!(kept.to, "citizen@alpha.test");
    assert!(kept.text.is_empty(), "{kept:?}");
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    let audit = admin.get("/admin/audit").await;
    audit.assert_contains("mail.queue");
    assert!(
        !audit.body.contains("/password/reset/"),
        "link in the audit log"
    );
    admin
        .get("/admin/mail")
        .await
        .assert_status(StatusCode::OK)
        .assert_contains("Derniers courriels")
        .assert_contains("citizen@alpha.test")
        .assert_contains("<td data-label=\"État\">Envoyé</td>");
    let mailer =
        relais_mail::Mailer::to_files(app.dir.path().join("mail"), "x@relais.test").unwrap();
    assert!(
        mailer
            .describe()
            .contains(&app.dir.path().join("mail").display().to_string()),
        "the start-up log says where the files go"
    );
}

/// The form of `/admin/mail` for the sink, with this password.
fn tenant_settings(sink: &SmtpSink, password: &str) -> Vec<(&'static str, String)> {
    vec![
        ("host", "127.0.0.1".into()),
        ("port", sink.port.to_string()),
        ("tls", "none".into()),
        ("username", SMTP_USER.into()),
        ("password", password.into()),
        ("sender", "Mairie d'Alpha <mairie@alpha.test>".into()),
    ]
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn a_tenant_sends_through_its_own_smtp_server_and_never_shows_its_password() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(sink) = SmtpSink::start(tmp.path()) else {
        return;
    };
    // The instance has no SMTP: its mail is written as .eml files.
    let app = TestApp::new().await;
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    let page = admin.get("/admin/mail").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Aucun serveur propre");

    // Bad input: each field named, nothing saved.
    let r = admin
        .post_form(
            "/admin/mail",
            &[
                ("host", "bad host"),
                ("port", "70000"),
                ("tls", "ssl"),
                ("username", ""),
                ("password", ""),
                ("sender", "personne"),
            ],
        )
        .await;
    r.assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("href=\"#host\"")
        .assert_contains("Saisissez un port entre 1 et 65535.")
        .assert_contains("Choisissez le chiffrement de la connexion.")
        .assert_contains("href=\"#sender\"");
    assert_eq!(app.count("tenant_mail_settings").await, 0);

    // Saved: the password never comes back, in the page or the audit log.
    admin
        .post_form(
            "/admin/mail",
            &pairs(&tenant_settings(&sink, SMTP_PASSWORD)),
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let page = admin.get("/admin/mail?notice=mail-saved").await;
    page.assert_contains("Le serveur de courriel est enregistré.")
        .assert_contains("Un mot de passe est enregistré")
        .assert_contains(&format!("value=\"{}\"", sink.port));
    assert!(!page.body.contains(SMTP_PASSWORD), "password shown back");
    let audit = admin.get("/admin/audit").await;
    audit.assert_contains("tenant.mail_settings");
    assert!(
        !audit.body.contains(SMTP_PASSWORD),
        "password in the audit log"
    );

    // The test message and the tenant's real mail (a sign-up link) go through its server,
    // authenticated, from its sender.
    admin
        .post_form("/admin/mail/test", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let mut visitor = app.client("alpha.test");
    visitor
        .post_form(
            "/signup",
            &[
                ("given_name", "Inès"),
                ("family_name", "Garnier"),
                ("email", "ines@example.org"),
                ("password", "une phrase de passe assez longue"),
                ("confirm", "une phrase de passe assez longue"),
            ],
        )
        .await
        .assert_status(StatusCode::OK);
    app.send_mails().await;
    let received = sink.wait_for(2).await;
    assert_eq!(received.len(), 2, "{received:?}");
    for mail in &received {
        assert!(mail.contains("X-Sink-Auth: relais"), "{mail}");
        assert!(
            mail.contains("X-Sink-Mail-From: mairie@alpha.test"),
            "{mail}"
        );
    }
    assert!(received[0].contains("X-Sink-Rcpt-To: admin@alpha.test"));
    assert!(received[1].contains("X-Sink-Rcpt-To: ines@example.org"));
    assert!(unfold(&received[1]).contains("/signup/confirm/"));
    assert!(
        app.mails().await.is_empty(),
        "nothing of alpha's written as files"
    );

    // Another tenant without settings still writes its mail as files.
    app.client("beta.test")
        .post_form("/password/forgot", &[("email", "citizen@beta.test")])
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(app.mails().await.len(), 1);
    assert!(app.mails().await[0].contains("To: citizen@beta.test"));
    assert_eq!(sink.received().len(), 2);

    // Saved again with a blank password: the saved one is kept and still works.
    admin
        .post_form("/admin/mail", &pairs(&tenant_settings(&sink, "")))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    admin
        .post_form("/admin/mail/test", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(sink.wait_for(3).await.len(), 3);
    // A server that does not answer: the test message says so at once.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut nowhere = tenant_settings(&sink, "");
    nowhere[1].1 = closed.to_string();
    admin
        .post_form("/admin/mail", &pairs(&nowhere))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    admin
        .post_form("/admin/mail/test", &[])
        .await
        .assert_status(StatusCode::UNPROCESSABLE_ENTITY)
        .assert_contains("Le serveur n&#39;a pas accepté le courriel d&#39;essai.");

    // The password was kept through both saves (same user name): back to the sink's port,
    // the mail is accepted again.
    admin
        .post_form("/admin/mail", &pairs(&tenant_settings(&sink, "")))
        .await
        .assert_status(StatusCode::SEE_OTHER);
    admin
        .post_form("/admin/mail/test", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(sink.wait_for(4).await.len(), 4);

    // Only administrators see or change it; another tenant's admin cannot reach alpha's.
    let mut agent = app.client("alpha.test");
    agent.login_staff("agent@alpha.test").await;
    agent
        .get("/admin/mail")
        .await
        .assert_status(StatusCode::FORBIDDEN);
    agent
        .post_form("/admin/mail/clear", &[])
        .await
        .assert_status(StatusCode::FORBIDDEN);
    let mut beta = app.client("beta.test");
    beta.login_staff("admin@beta.test").await;
    beta.post_form("/admin/mail/clear", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    beta.get("/admin/mail")
        .await
        .assert_contains("Aucun serveur propre");
    assert_eq!(app.count("tenant_mail_settings").await, 1);

    // Back to the instance's settings: alpha's mail is written as files again.
    admin
        .post_form("/admin/mail/clear", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.count("tenant_mail_settings").await, 0);
    admin
        .post_form("/admin/mail/test", &[])
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(app.mails().await.len(), 2);
    assert_eq!(sink.received().len(), 4);
}

/// A mail server that takes connections and never says a word: counts them and holds them
/// open until the test ends.
struct SilentServer {
    port: u16,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl SilentServer {
    async fn start() -> SilentServer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("listener");
        let port = listener.local_addr().expect("address").port();
        let accepted = Arc::new(AtomicUsize::new(0));
        let count = accepted.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                held.push(socket);
            }
        });
        SilentServer {
            port,
            accepted,
            task,
        }
    }

    fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Waits (up to ten seconds) until `check` holds.
async fn until(mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if check() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    check()
}

#[tokio::test]
async fn a_filing_answers_at_once_while_the_mail_server_hangs_and_its_mail_goes_later() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let Some(sink) = SmtpSink::start(tmp.path()) else {
        return;
    };
    let silent = SilentServer::start().await;
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", crate::portal::PARKING)
        .await;
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    let mut hanging = tenant_settings(&sink, "");
    hanging[1].1 = silent.port.to_string();
    hanging[3].1 = String::new();
    admin
        .post_form("/admin/mail", &pairs(&hanging))
        .await
        .assert_status(StatusCode::SEE_OTHER);

    // The filing is answered without touching the mail server: its acknowledgement waits in
    // the outbox, written with the case.
    let mut citizen = crate::portal::citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let first = crate::portal::file_parking(&app, &mut citizen).await;
    assert_eq!(
        silent.accepted(),
        0,
        "the request did not talk to the server"
    );
    let page = admin.get("/admin/mail").await;
    page.assert_contains("citizen@alpha.test")
        .assert_contains("Accusé de réception")
        .assert_contains("En attente d&#39;envoi");

    // The runner tries it: the server takes the connection and hangs. Meanwhile the next
    // filing is answered, while that attempt is still stuck.
    let runner = relais_web::jobs::Runner::new(
        app.state.clone(),
        {
            let mut r = relais_web::jobs::Registry::default();
            r.add(relais_web::outbox::MailJob);
            r
        },
        relais_web::jobs::RunnerConfig {
            lease: chrono::Duration::seconds(1),
            ..Default::default()
        },
    );
    let attempt = tokio::spawn(async move { runner.run_one().await });
    assert!(
        until(|| silent.accepted() == 1).await,
        "the runner connected"
    );
    let second = crate::portal::file_parking(&app, &mut citizen).await;
    assert!(
        !attempt.is_finished(),
        "the first mail's attempt is still hanging"
    );
    assert_eq!(
        silent.accepted(),
        1,
        "the second filing did not wait for it either"
    );
    admin
        .get("/admin/mail")
        .await
        .assert_contains("En cours d&#39;envoi");
    // That runner dies mid-attempt (its lease runs out unrenewed).
    attempt.abort();

    // A working server is configured: both acknowledgements go through it, with the
    // settings of the moment they are sent.
    admin
        .post_form(
            "/admin/mail",
            &pairs(&tenant_settings(&sink, SMTP_PASSWORD)),
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let start = Instant::now();
    while sink.received().len() < 2 && start.elapsed() < Duration::from_secs(10) {
        app.send_mails().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let received: Vec<String> = sink.received().iter().map(|m| unfold(m)).collect();
    assert_eq!(received.len(), 2, "{received:?}");
    for id in [first, second] {
        let case = relais_store::cases::get(&app.db, app.tenant("alpha"), id)
            .await
            .expect("query")
            .expect("case");
        let mail = received
            .iter()
            .find(|m| m.contains(&case.reference))
            .unwrap_or_else(|| panic!("acknowledgement of {}", case.reference));
        assert!(
            mail.contains("X-Sink-Rcpt-To: citizen@alpha.test"),
            "{mail}"
        );
        assert!(
            mail.contains("X-Sink-Mail-From: mairie@alpha.test"),
            "{mail}"
        );
        assert!(mail.contains(&format!("/my/requests/{id}")), "{mail}");
    }
    assert!(app.written_mails().is_empty(), "nothing written as files");
    let page = admin.get("/admin/mail").await;
    assert!(
        !page.body.contains("En attente d&#39;envoi"),
        "{}",
        page.body
    );
    assert_eq!(page.body.matches(">Envoyé</td>").count(), 2);

    // Another tenant's administrator sees none of it.
    let mut beta = app.client("beta.test");
    beta.login_staff("admin@beta.test").await;
    let page = beta.get("/admin/mail").await;
    page.assert_status(StatusCode::OK)
        .assert_contains("Aucun courriel pour l&#39;instant.");
    assert!(!page.body.contains("citizen@alpha.test"));
}

#[tokio::test]
async fn a_message_to_the_requester_is_queued_with_it_and_tried_again_while_the_server_is_away() {
    let app = TestApp::new().await;
    app.publish_demo_service("alpha", crate::portal::PARKING)
        .await;
    let mut citizen = crate::portal::citizen(&app, "alpha.test", "citizen@alpha.test").await;
    let id = crate::portal::file_parking(&app, &mut citizen).await;
    app.send_mails().await;
    // The tenant's server is away (nothing listens on its port).
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .post_form(
            "/admin/mail",
            &[
                ("host", "127.0.0.1"),
                ("port", &closed.to_string()),
                ("tls", "none"),
                ("username", ""),
                ("password", ""),
                ("sender", "Mairie <mairie@alpha.test>"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    let before = app.count("jobs").await;
    let case = relais_store::cases::get(&app.db, app.tenant("alpha"), id)
        .await
        .expect("query")
        .expect("case");
    let mut agent = app.client("alpha.test");
    agent.login_staff("admin@alpha.test").await;
    let page = agent.get(&format!("/backoffice/cases/{id}")).await;
    page.assert_status(StatusCode::OK);
    agent
        .post_form(
            &format!("/backoffice/cases/{id}/reply"),
            &[
                ("row_version", &case.row_version.to_string()),
                ("body", "Votre vignette est prête."),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    assert_eq!(
        app.count("jobs").await,
        before + 1,
        "queued with the message"
    );

    // The attempt fails for now: kept, with the reason and a later try.
    app.send_mails().await;
    let jobs = relais_store::outbox::list(&app.db, app.tenant("alpha"), 10)
        .await
        .expect("outbox");
    let mail = &jobs[0];
    assert_eq!(mail.state, JobState::Queued, "{mail:?}");
    assert_eq!(mail.attempts, 1);
    assert!(mail.error.is_some());
    assert!(mail.run_after > chrono::Utc::now() + chrono::Duration::seconds(5));
    let kept = relais_store::outbox::mail_of(mail).expect("mail");
    assert!(
        kept.text.contains("Votre vignette est prête."),
        "kept whole until sent"
    );
    let page = admin.get("/admin/mail").await;
    page.assert_contains("Pas encore envoyé : prochaine tentative le");
    // The waits grow.
    assert!(relais_store::jobs::backoff(2) > relais_store::jobs::backoff(1));
}

/// A mail server that refuses every recipient for good (`550`), on a thread of its own.
fn refusing_server() -> u16 {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = listener.local_addr().expect("address").port();
    std::thread::spawn(move || {
        for socket in listener.incoming() {
            let Ok(mut socket) = socket else { return };
            let Ok(reader) = socket.try_clone() else {
                return;
            };
            let _ = socket.write_all(b"220 refusing ESMTP\r\n");
            for line in BufReader::new(reader).lines() {
                let Ok(line) = line else { break };
                let command = line.to_ascii_uppercase();
                let answer: &[u8] = if command.starts_with("RCPT") {
                    b"550 5.1.1 no such mailbox here\r\n"
                } else if command.starts_with("QUIT") {
                    b"221 bye\r\n"
                } else if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 refusing\r\n"
                } else {
                    b"250 ok\r\n"
                };
                if socket.write_all(answer).is_err() || command.starts_with("QUIT") {
                    break;
                }
            }
        }
    });
    port
}

#[tokio::test]
async fn a_mail_refused_for_good_is_not_tried_again_and_administrators_see_why() {
    let port = refusing_server();
    let app = TestApp::new().await;
    let mut admin = app.client("alpha.test");
    admin.login_staff("admin@alpha.test").await;
    admin
        .post_form(
            "/admin/mail",
            &[
                ("host", "127.0.0.1"),
                ("port", &port.to_string()),
                ("tls", "none"),
                ("username", ""),
                ("password", ""),
                ("sender", "Mairie <mairie@alpha.test>"),
            ],
        )
        .await
        .assert_status(StatusCode::SEE_OTHER);
    app.client("alpha.test")
        .post_form("/password/forgot", &[("email", "citizen@alpha.test")])
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(app.send_mails().await, 1);
    let jobs = relais_store::outbox::list(&app.db, app.tenant("alpha"), 10)
        .await
        .expect("outbox");
    assert_eq!(jobs[0].state, JobState::Failed, "{:?}", jobs[0].error);
    assert_eq!(jobs[0].attempts, 1, "one attempt only");
    assert!(
        jobs[0].error.as_deref().is_some_and(|e| e.contains("550")),
        "{:?}",
        jobs[0].error
    );
    assert_eq!(app.send_mails().await, 0, "not tried again");
    admin
        .get("/admin/mail")
        .await
        .assert_contains("Échec : non envoyé")
        .assert_contains("no such mailbox here");
    admin
        .get("/admin/mail?lang=en")
        .await
        .assert_contains("Latest mails")
        .assert_contains("Failed: not sent");
}
