//! The CSV import of persons as the back office runs it: upload (multipart), mapping and dry
//! run, start, then the `person.import` job stores the rows in batches. Rows per second of
//! the job (its own start to finish), and of the whole way from upload to the last row;
//! beside the store's bulk path storing the same kind of rows from this process. The run
//! checks the job is done and stored every row.

use super::{Bench, wrong};
use crate::Result;
use crate::client::{Call, Response};
use crate::persons_gen::{self, person};
use crate::report::{Measurement, Value};
use bytes::Bytes;
use relais_domain::import::ImportedPerson;
use relais_store::jobs::JobState;
use relais_store::{Actor, imports, jobs};
use std::time::{Duration, Instant};
use uuid::Uuid;

const NAME: &str = "import";
/// Rows the raw side stores at most (its rate does not depend on the total).
const RAW_ROWS: u64 = 200_000;

fn location(r: &Response, what: &str) -> Result<String> {
    if r.status != 303 {
        return Err(wrong(
            NAME,
            format!(
                "{what}: status {}: {}",
                r.status,
                r.text().chars().take(400).collect::<String>()
            ),
        ));
    }
    r.location
        .clone()
        .ok_or_else(|| wrong(NAME, format!("{what}: redirect without a location")))
}

pub async fn run(bench: &mut Bench) -> Result<()> {
    super::persons::ensure(bench).await?;
    let rows = bench.scale.import_rows;
    let seed = bench.scale.seed;
    // Persons after the generated ones: new e-mails and phones.
    let first = bench.persons.len() as u64;
    let file = persons_gen::csv(seed, first, rows);
    let size = file.len();
    let headers = bench.form_headers();
    let token = headers
        .iter()
        .find(|(n, _)| *n == "x-csrf-token")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();

    let started = Instant::now();
    let boundary = "relais-bench-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::with_capacity(size + 300);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"personnes.csv\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    drop(file);
    let mut upload = Call::get(format!("/backoffice/people/import?csrf_token={token}"));
    upload.method = "POST";
    upload.headers = headers.clone();
    upload.headers.push((
        "content-type",
        format!("multipart/form-data; boundary={boundary}"),
    ));
    upload.body = Bytes::from(body);
    let r = bench.call(&upload).await?;
    let mapping_path = location(&r, "upload")?;
    let import_id = mapping_path
        .trim_start_matches("/backoffice/people/import/")
        .trim_end_matches("/mapping")
        .parse::<Uuid>()
        .map_err(|_| wrong(NAME, format!("upload went to {mapping_path}")))?;

    // The mapping the screen proposes, sent back as the form does.
    let columns: Vec<String> = persons_gen::CSV_HEADER
        .trim_end()
        .split(';')
        .map(str::to_owned)
        .collect();
    let mapping = relais_domain::import::suggest_mapping(&columns);
    let form: Vec<String> = mapping
        .columns
        .iter()
        .enumerate()
        .map(|(i, t)| format!("column-{i}={}", t.map_or("", |t| t.as_str())))
        .collect();
    let mut save = Call::get(mapping_path.clone());
    save.method = "POST";
    save.headers = headers.clone();
    save.headers
        .push(("content-type", "application/x-www-form-urlencoded".into()));
    save.body = Bytes::from(form.join("&"));
    let r = bench.call(&save).await?;
    location(&r, "mapping")?;
    let import = imports::get(&bench.db, bench.fixture.tenant_id, import_id)
        .await?
        .ok_or_else(|| wrong(NAME, "import not found"))?;
    if import.accepted_rows != Some(rows as i64) {
        return Err(wrong(
            NAME,
            format!(
                "dry run accepted {:?} of {rows} rows, rejected {:?}",
                import.accepted_rows, import.rejected_rows
            ),
        ));
    }
    let checked = started.elapsed();

    let mut start = Call::get(format!("/backoffice/people/import/{import_id}/start"));
    start.method = "POST";
    start.headers = headers.clone();
    start
        .headers
        .push(("content-type", "application/x-www-form-urlencoded".into()));
    let r = bench.call(&start).await?;
    location(&r, "start")?;
    let job_id = imports::get(&bench.db, bench.fixture.tenant_id, import_id)
        .await?
        .and_then(|i| i.job_id)
        .ok_or_else(|| wrong(NAME, "the import has no job"))?;
    let job = loop {
        let job = jobs::get(&bench.db, bench.fixture.tenant_id, job_id)
            .await?
            .ok_or_else(|| wrong(NAME, "job not found"))?;
        match job.state {
            JobState::Done => break job,
            JobState::Failed => {
                return Err(wrong(NAME, format!("the job failed: {:?}", job.error)));
            }
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    };
    let whole = started.elapsed();
    let created = imports::created_persons(&bench.db, bench.fixture.tenant_id, import_id).await?;
    if created != rows as i64 {
        return Err(wrong(NAME, format!("{created} of {rows} persons stored")));
    }
    let job_secs = match (job.started_at, job.finished_at) {
        (Some(s), Some(f)) => (f - s).to_std().unwrap_or_default().as_secs_f64(),
        _ => return Err(wrong(NAME, "the job has no start or finish time")),
    };
    bench.report.add(Measurement {
        scenario: NAME,
        what: format!(
            "import job: rows stored per second ({:.0} MB CSV, job start to finish)",
            size as f64 / 1_048_576.0
        ),
        value: Value::Rate {
            per_second: rows as f64 / job_secs.max(f64::EPSILON),
            count: rows,
        },
        target: Some("≥ 50,000/s"),
    });
    bench.report.add(Measurement {
        scenario: NAME,
        what: format!(
            "whole import: upload, read, dry run ({:.1} s), start, job, rows per second",
            checked.as_secs_f64()
        ),
        value: Value::Rate {
            per_second: rows as f64 / whole.as_secs_f64().max(f64::EPSILON),
            count: rows,
        },
        target: None,
    });

    // The store's bulk path alone, from this process, on the next persons of the seed.
    let raw_rows = rows.min(RAW_ROWS);
    let actor = Actor::system(bench.fixture.tenant_id, "relais-bench");
    let from = first + rows;
    let mut elapsed = Duration::ZERO;
    let mut n = from;
    while n < from + raw_rows {
        let size = (persons_gen::BATCH as u64).min(from + raw_rows - n);
        let batch: Vec<ImportedPerson> = (n..n + size)
            .map(|i| person(seed, i).imported(i as usize))
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| wrong(NAME, e))?;
        let t = Instant::now();
        imports::insert_persons(&bench.db, &actor, None, batch).await?;
        elapsed += t.elapsed();
        n += size;
    }
    bench.report.add(Measurement {
        scenario: NAME,
        what: "raw: imports::insert_persons, batches of 5,000, rows per second".into(),
        value: Value::Rate {
            per_second: raw_rows as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
            count: raw_rows,
        },
        target: None,
    });
    Ok(())
}
