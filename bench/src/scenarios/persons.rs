//! Person data at scale: the seeded generator writes `--persons` persons (with e-mail, phone,
//! address, tags and search document) and one organisation per hundred persons through the
//! store (rows per second reported), then the run checks they are all there.

use super::{Bench, wrong};
use crate::Result;
use crate::persons_gen;
use crate::report::{Measurement, Value};

const NAME: &str = "persons";

/// Generates the persons once per run (other scenarios call this before they need them).
pub async fn ensure(bench: &mut Bench) -> Result<()> {
    if !bench.persons.is_empty() {
        return Ok(());
    }
    eprintln!("  generating {} persons…", bench.scale.persons);
    let before = relais_store::schema::count_rows(&bench.db, "persons").await? as u64;
    let documents_before =
        relais_store::schema::count_rows(&bench.db, "search_documents").await? as u64;
    let generated = persons_gen::generate(
        &bench.db,
        bench.fixture.tenant_id,
        bench.scale.persons,
        bench.scale.seed,
    )
    .await?;
    let stored = relais_store::schema::count_rows(&bench.db, "persons").await? as u64 - before;
    if stored != bench.scale.persons || generated.ids.len() as u64 != stored {
        return Err(wrong(
            NAME,
            format!("{} persons generated, {stored} stored", bench.scale.persons),
        ));
    }
    let documents = relais_store::schema::count_rows(&bench.db, "search_documents").await? as u64
        - documents_before;
    if documents < stored {
        return Err(wrong(
            NAME,
            format!("{stored} persons but {documents} search documents"),
        ));
    }
    let secs = generated.elapsed.as_secs_f64().max(f64::EPSILON);
    bench.report.add(Measurement {
        scenario: NAME,
        what: "generator: persons (with e-mail, phone, address, search document) through the store's bulk path".into(),
        value: Value::Rate {
            per_second: stored as f64 / secs,
            count: stored,
        },
        target: None,
    });
    bench.report.add(Measurement {
        scenario: NAME,
        what: "generator: rows of every table written for those persons".into(),
        value: Value::Rate {
            per_second: generated.rows as f64 / secs,
            count: generated.rows,
        },
        target: None,
    });
    bench.report.add(Measurement {
        scenario: NAME,
        what: "generator: organisations, one transaction each".into(),
        value: Value::Rate {
            per_second: generated.organisations as f64
                / generated
                    .organisations_elapsed
                    .as_secs_f64()
                    .max(f64::EPSILON),
            count: generated.organisations,
        },
        target: None,
    });
    // Statistics as autovacuum would leave them after a bulk load (PostgreSQL only).
    relais_store::schema::analyze(&bench.db).await?;
    bench.persons = generated.ids;
    Ok(())
}
