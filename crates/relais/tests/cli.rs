//! The binary as an operator uses it: exit codes, messages, demo data, backup and restore.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

fn relais(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_relais"));
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("RELAIS_DATABASE_URL")
        .env("RUST_LOG", "warn");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run relais")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_malformed_setting_stops_with_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = relais(
        dir.path(),
        &["migrate"],
        &[("RELAIS_LISTEN", "not-an-address")],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("listen") && err.contains("127.0.0.1:8080"),
        "{err}"
    );

    let config = dir.path().join("relais.toml");
    std::fs::write(&config, "log_format = \"xml\"\n").unwrap();
    let o = relais(
        dir.path(),
        &["--config", config.to_str().unwrap(), "migrate"],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("log_format") && stderr(&o).contains("text or json"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_unreachable_database_is_a_clear_failure() {
    let dir = tempfile::tempdir().unwrap();
    let o = relais(
        dir.path(),
        &[
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
            "migrate",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cannot reach PostgreSQL"),
        "{}",
        stderr(&o)
    );
}

/// Published services of the demo tenants (belleville, brioche), read from the data folder.
fn published_services(dir: &std::path::Path) -> [usize; 2] {
    demo_counts(dir).0
}

/// Published services and public articles of the demo tenants (belleville, brioche).
fn demo_counts(dir: &std::path::Path) -> ([usize; 2], [usize; 2]) {
    let url = format!("sqlite://{}/relais.db", dir.display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let db = relais_store::Db::connect(&url).await.unwrap();
            let mut counts = [0; 2];
            let mut articles = [0; 2];
            for ((count, article), slug) in counts
                .iter_mut()
                .zip(articles.iter_mut())
                .zip(["belleville", "brioche"])
            {
                if let Some(t) = relais_store::tenants::by_slug(&db, slug).await.unwrap() {
                    *count = relais_store::services::list(&db, t.id, true)
                        .await
                        .unwrap()
                        .len();
                    *article = relais_store::knowledge::published(&db, t.id, false)
                        .await
                        .unwrap()
                        .len();
                }
            }
            db.close().await;
            (counts, articles)
        })
}

#[test]
fn demo_on_an_older_data_folder_fills_the_catalogue() {
    // A demo tenant from before the catalogue: it exists, with no services.
    let dir = tempfile::tempdir().unwrap();
    let o = relais(
        dir.path(),
        &[
            "tenant",
            "create",
            "--slug",
            "brioche",
            "--name",
            "Brioche & Cie",
            "--kind",
            "private",
            "--host",
            "brioche.localhost",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(published_services(dir.path()), [0, 0]);
    let o = relais(dir.path(), &["demo", "--no-serve"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(published_services(dir.path()), [8, 6]);
    // The town's information pages: three public articles, published.
    assert_eq!(demo_counts(dir.path()).1, [3, 0]);
}

#[test]
fn demo_data_then_users_then_backup_and_restore() {
    let dir = tempfile::tempdir().unwrap();
    let o = relais(dir.path(), &["demo", "--no-serve"], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let banner = String::from_utf8_lossy(&o.stdout);
    assert!(
        banner.contains("admin@belleville.example") && banner.contains("relais-demo-2026"),
        "{banner}"
    );
    // A second run keeps what is there.
    assert!(
        relais(dir.path(), &["demo", "--no-serve"], &[])
            .status
            .success()
    );
    let list = relais(dir.path(), &["tenant", "list"], &[]);
    let list = String::from_utf8_lossy(&list.stdout);
    assert_eq!(list.lines().count(), 2, "{list}");
    assert!(
        list.contains("belleville")
            && list.contains("(default)")
            && list.contains("brioche.localhost"),
        "{list}"
    );
    // The demo catalogue: 8 public services, 6 private ones, all published, once each.
    assert_eq!(published_services(dir.path()), [8, 6]);

    // A staff account with a password from standard input.
    let mut child = Command::new(env!("CARGO_BIN_EXE_relais"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "user",
            "create",
            "--tenant",
            "brioche",
            "--email",
            "Lea@Brioche.example",
            "--name",
            "Léa Roux",
            "--role",
            "supervisor",
        ])
        .env_remove("RELAIS_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"a long enough passphrase\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("lea@brioche.example"));
    // Bad input: unknown role, unknown tenant.
    let o = relais(
        dir.path(),
        &[
            "user",
            "create",
            "--tenant",
            "brioche",
            "--email",
            "x@brioche.example",
            "--name",
            "X",
            "--role",
            "root",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--role"), "{}", stderr(&o));
    let o = relais(
        dir.path(),
        &[
            "user",
            "create",
            "--tenant",
            "nowhere",
            "--email",
            "x@brioche.example",
            "--name",
            "X",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));

    let backup = dir.path().join("backup");
    let o = relais(
        dir.path(),
        &["backup", "--to", backup.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(backup.join("manifest.json").exists() && backup.join("relais.db").exists());
    // Restore into a fresh data folder and find the same tenants there.
    let other = tempfile::tempdir().unwrap();
    let o = relais(
        other.path(),
        &["restore", "--from", backup.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let list = relais(other.path(), &["tenant", "list"], &[]);
    assert!(String::from_utf8_lossy(&list.stdout).contains("brioche"));
}

#[test]
fn tenants_need_valid_slugs_kinds_and_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let o = relais(
        dir.path(),
        &[
            "tenant", "create", "--slug", "Bad Slug", "--name", "X Y", "--kind", "public",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = relais(
        dir.path(),
        &[
            "tenant", "create", "--slug", "ok", "--name", "X Y", "--kind", "charity",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = relais(
        dir.path(),
        &[
            "tenant",
            "create",
            "--slug",
            "ok",
            "--name",
            "X Y",
            "--kind",
            "public",
            "--host",
            "a.example",
            "--default",
        ],
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = relais(
        dir.path(),
        &[
            "tenant",
            "create",
            "--slug",
            "ok2",
            "--name",
            "X Y",
            "--kind",
            "public",
            "--host",
            "a.example",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "the host is taken");
    assert!(stderr(&o).contains("exists already"));
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn serves_backs_up_while_serving_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    assert!(
        relais(dir.path(), &["demo", "--no-serve"], &[])
            .status
            .success()
    );
    let server = Command::new(env!("CARGO_BIN_EXE_relais"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["--listen", &listen, "serve"])
        .env_remove("RELAIS_DATABASE_URL")
        .env("RELAIS_LOG_FORMAT", "json")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = None;
    for _ in 0..100 {
        ready = http_get(port, "/readyz");
        if ready.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let ready = ready.expect("server answers");
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    let home = http_get(port, "/").unwrap();
    assert!(home.contains("Ville de Belleville-sur-Loire"), "{home}");

    let backup = dir.path().join("live-backup");
    let o = relais(
        dir.path(),
        &["backup", "--to", backup.to_str().unwrap()],
        &[],
    );
    assert!(o.status.success(), "backup while serving: {}", stderr(&o));
    assert!(backup.join("relais.db").exists());

    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let out = server.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "clean exit after SIGTERM: {:?}",
        out.status
    );
    let logs = String::from_utf8_lossy(&out.stderr);
    let line = logs
        .lines()
        .find(|l| l.contains("\"path\":\"/readyz\"") || l.contains("request_id"))
        .unwrap_or("");
    assert!(line.starts_with('{'), "structured JSON logs: {logs}");
}

/// One HTTP/1.1 exchange on a fresh connection: the status code and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    token: &str,
    body: Option<&str>,
) -> Option<(u16, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let body = body.unwrap_or("");
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.get(9..12)?.parse().ok()?;
    let (_, rest) = out.split_once("\r\n\r\n")?;
    Some((status, rest.to_owned()))
}

/// `relais serve` on the data folder, once it answers `/readyz`.
fn start_server(dir: &std::path::Path, port: u16) -> std::process::Child {
    let mut server = Command::new(env!("CARGO_BIN_EXE_relais"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--listen", &format!("127.0.0.1:{port}"), "serve"])
        .env_remove("RELAIS_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if http_get(port, "/readyz").is_some_and(|r| r.starts_with("HTTP/1.1 200")) {
            return server;
        }
        if let Ok(Some(status)) = server.try_wait() {
            panic!("the server stopped: {status:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = server.kill();
    panic!("the server did not answer /readyz");
}

#[test]
fn a_case_whose_reference_was_given_survives_the_server_being_killed() {
    let dir = tempfile::tempdir().unwrap();
    assert!(
        relais(dir.path(), &["demo", "--no-serve"], &[])
            .status
            .success()
    );
    // An API token for the demo agent, written straight into the data folder.
    let token = "killed-server-test-token-0123456789abcdef";
    let url = format!("sqlite://{}/relais.db", dir.path().display());
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let db = relais_store::Db::connect(&url).await.unwrap();
            let tenant = relais_store::tenants::by_slug(&db, "belleville")
                .await
                .unwrap()
                .unwrap();
            let agent = relais_store::accounts::find_by_email(
                &db,
                tenant.id,
                relais_domain::AccountKind::Staff,
                "agent@belleville.example",
            )
            .await
            .unwrap()
            .unwrap();
            relais_store::api_tokens::create(
                &db,
                &relais_store::Actor::system(tenant.id, "test"),
                agent.id,
                "killed server",
                token,
            )
            .await
            .unwrap();
            db.close().await;
        });

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = start_server(dir.path(), port);
    let report = r#"{"service": "signalement-voirie", "channel": "phone",
        "contact_email": "riverain@example.org",
        "answers": {"category": "pothole", "danger": true,
          "description": "Nid-de-poule devant le n° 12, dangereux pour les vélos.",
          "location_method": "address",
          "address": {"street": "12 rue des Lilas", "postcode": "45000",
                      "city": "Belleville-sur-Loire", "country": "FR"},
          "follow_up": true, "email": "riverain@example.org"}}"#;
    // Several filings back to back; the server is killed (no chance to flush or close
    // anything) the moment the last reference is in hand.
    let mut filed = Vec::new();
    for _ in 0..5 {
        let (status, body) =
            http(port, "POST", "/api/v1/cases", token, Some(report)).expect("answer");
        assert_eq!(status, 201, "{body}");
        let case: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        filed.push((
            case["id"].as_str().unwrap().to_owned(),
            case["reference"].as_str().unwrap().to_owned(),
        ));
    }
    let killed = Command::new("kill")
        .arg("-KILL")
        .arg(server.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.wait().unwrap();
    assert!(!status.success(), "killed, not stopped: {status:?}");

    // The same data folder, a new process: every case is there with its reference.
    let mut server = start_server(dir.path(), port);
    for (id, reference) in &filed {
        let (status, body) =
            http(port, "GET", &format!("/api/v1/cases/{id}"), token, None).expect("answer");
        assert_eq!(status, 200, "case {reference} after the kill: {body}");
        let case: serde_json::Value = serde_json::from_str(&body).expect("JSON");
        assert_eq!(case["reference"], reference.as_str());
        assert_eq!(case["answers"]["category"], "pothole");
    }
    let _ = server.kill();
    let _ = server.wait();
}
