//! Migrations: both backends end with the same tables and columns; the audit log is
//! append-only in the database itself.

use crate::common::TestApp;
use relais_store::Db;

#[tokio::test]
async fn sqlite_and_postgresql_have_the_same_schema() {
    let Ok(pg_admin) = std::env::var("RELAIS_TEST_DATABASE_URL") else {
        eprintln!("RELAIS_TEST_DATABASE_URL unset: the PostgreSQL pass of .ci/run checks this");
        return;
    };
    // TestApp gives a fresh PostgreSQL database when the variable is set.
    let pg = TestApp::new().await;
    assert!(matches!(pg.db, Db::Postgres(_)), "{pg_admin}");
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Db::connect(&format!("sqlite://{}", dir.path().join("s.db").display()))
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let a = relais_store::schema::describe(&sqlite).await.unwrap();
    let b = relais_store::schema::describe(&pg.db).await.unwrap();
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "tables differ"
    );
    for (table, columns) in &a {
        assert_eq!(
            columns, &b[table],
            "columns of {table} differ (name, nullable)"
        );
    }
}

#[tokio::test]
async fn migrations_are_idempotent_and_recorded() {
    let app = TestApp::new().await;
    assert!(
        app.db.migrate().await.unwrap().is_empty(),
        "a second run applies nothing"
    );
    assert_eq!(
        app.count("relais_migrations").await,
        relais_store::schema::known_migrations().len() as i64
    );
    let tables = relais_store::schema::describe(&app.db).await.unwrap();
    for t in [
        "tenants",
        "accounts",
        "teams",
        "team_members",
        "sessions",
        "password_resets",
        "api_tokens",
        "audit_log",
        "services",
        "service_versions",
    ] {
        assert!(tables.contains_key(t), "{t} missing");
    }
    // Every tenant-owned table carries tenant_id.
    for (t, cols) in &tables {
        if !["tenants", "tenant_hosts", "relais_migrations"].contains(&t.as_str()) {
            assert!(
                cols.iter().any(|(c, _)| c == "tenant_id"),
                "{t} has no tenant_id"
            );
        }
    }
}

#[tokio::test]
async fn the_database_refuses_to_edit_or_erase_the_audit_log() {
    let app = TestApp::new().await;
    let n = app.count("audit_log").await;
    assert!(n > 0);
    let update = "UPDATE audit_log SET action = 'forged'";
    let delete = "DELETE FROM audit_log";
    let (u, d) = match &app.db {
        Db::Sqlite(p) => (
            sqlx::query(update).execute(p).await.is_err(),
            sqlx::query(delete).execute(p).await.is_err(),
        ),
        Db::Postgres(p) => (
            sqlx::query(update).execute(p).await.is_err(),
            sqlx::query(delete).execute(p).await.is_err(),
        ),
    };
    assert!(u && d, "update refused: {u}, delete refused: {d}");
    assert_eq!(app.count("audit_log").await, n);
}

#[tokio::test]
async fn backup_and_restore_round_trip_while_serving() {
    let app = TestApp::new().await;
    if matches!(app.db, Db::Postgres(_))
        && std::process::Command::new("pg_dump")
            .arg("--version")
            .output()
            .is_err()
    {
        eprintln!("pg_dump not installed");
        return;
    }
    let logo = app.state.files.put(b"\x89PNG\r\n\x1a\nfake").await.unwrap();
    let dest = app.dir.path().join("backup-1");
    let manifest =
        relais_store::backup::create(&app.db, &app.database_url, &app.files_dir(), &dest)
            .await
            .unwrap();
    assert_eq!(manifest.files, 1);
    // A second backup into the same folder is refused rather than mixed.
    assert!(
        relais_store::backup::create(&app.db, &app.database_url, &app.files_dir(), &dest)
            .await
            .is_err()
    );
    let accounts_before = app.count("accounts").await;
    if let Db::Sqlite(_) = app.db {
        let target_dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}",
            target_dir.path().join("restored.db").display()
        );
        relais_store::backup::restore(&url, &target_dir.path().join("files"), &dest)
            .await
            .unwrap();
        let restored = Db::connect(&url).await.unwrap();
        assert_eq!(
            relais_store::schema::count_rows(&restored, "accounts")
                .await
                .unwrap(),
            accounts_before
        );
        let files = relais_store::files::FileStore::new(target_dir.path().join("files"));
        assert_eq!(files.get(&logo).await.unwrap(), b"\x89PNG\r\n\x1a\nfake");
        // A SQLite backup cannot go into PostgreSQL.
        assert!(
            relais_store::backup::restore("postgres://nowhere/x", target_dir.path(), &dest)
                .await
                .is_err()
        );
    } else {
        // Restore over the live test database after changing it: the change disappears.
        app.create_account(
            &relais_store::Actor::system(app.tenant("alpha"), "t"),
            relais_domain::AccountKind::Portal,
            "late@alpha.test",
            None,
        )
        .await;
        assert_eq!(app.count("accounts").await, accounts_before + 1);
        relais_store::backup::restore(&app.database_url, &app.files_dir(), &dest)
            .await
            .unwrap();
        assert_eq!(app.count("accounts").await, accounts_before);
    }
}
