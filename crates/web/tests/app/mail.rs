//! Outgoing mail through a real SMTP server: Python's aiosmtpd started on loopback by the
//! test, requiring authentication, writing what it receives to files the test reads.

use crate::common::TestApp;
use axum::http::StatusCode;
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
    assert!(app.mails().is_empty(), "nothing written as files with SMTP");
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
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn without_smtp_mail_is_written_as_eml_files_in_the_data_folder() {
    let app = TestApp::new().await;
    let mut c = app.client("alpha.test");
    c.post_form("/password/forgot", &[("email", "citizen@alpha.test")])
        .await
        .assert_status(StatusCode::OK);
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert!(unfold(&mails[0]).contains("/password/reset/"));
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
        app.mails().is_empty(),
        "nothing of alpha's written as files"
    );

    // Another tenant without settings still writes its mail as files.
    app.client("beta.test")
        .post_form("/password/forgot", &[("email", "citizen@beta.test")])
        .await
        .assert_status(StatusCode::OK);
    assert_eq!(app.mails().len(), 1);
    assert!(app.mails()[0].contains("To: citizen@beta.test"));
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
    assert_eq!(app.mails().len(), 2);
    assert_eq!(sink.received().len(), 4);
}
