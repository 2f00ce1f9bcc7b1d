//! The server under test: the real `relais serve` binary in its own process, on a free
//! loopback port, over the bench database.

use crate::{BenchError, Result, client::Client};
use std::path::Path;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Server {
    child: Child,
    pub addr: std::net::SocketAddr,
}

impl Server {
    pub async fn start(bin: &Path, database_url: &str, data_dir: &Path) -> Result<Server> {
        // Ask the kernel for a free port, then hand it to the server.
        let addr = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        std::fs::create_dir_all(data_dir)?;
        let mut command = Command::new(bin);
        command.env_clear();
        // To look into a run: RELAIS_BENCH_SERVER_LOG=<filter> (e.g. `sqlx=trace`) writes the
        // server's log at that level to server.log in its data folder.
        let log = std::env::var("RELAIS_BENCH_SERVER_LOG").ok();
        if let Some(filter) = &log {
            command
                .env("RUST_LOG", filter)
                .stderr(std::fs::File::create(data_dir.join("server.log"))?);
        }
        command.stdout(std::process::Stdio::null());
        let child = command
            .arg("serve")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RELAIS_DATABASE_URL", database_url)
            .env("RELAIS_DATA_DIR", data_dir)
            .env("RELAIS_LISTEN", addr.to_string())
            .env("RELAIS_LOG_LEVEL", "warn")
            // The import scenario uploads a file of up to a million persons.
            .env("RELAIS_MAX_IMPORT_BYTES", (1usize << 30).to_string())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| BenchError::Server(format!("cannot start {}: {e}", bin.display())))?;
        let mut server = Server { child, addr };
        server.wait_ready().await?;
        Ok(server)
    }

    async fn wait_ready(&mut self) -> Result<()> {
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait()? {
                return Err(BenchError::Server(format!(
                    "exited during start-up: {status}"
                )));
            }
            if let Ok(mut client) = Client::connect(self.addr).await
                && let Ok(r) = client.get("/healthz", &[]).await
                && r.status == 200
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(BenchError::Server("not ready after 30 s".into()))
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// (current, peak) resident memory in bytes, from /proc.
    pub fn memory(&self) -> Result<(u64, u64)> {
        let pid = self
            .pid()
            .ok_or_else(|| BenchError::Server("the server has exited".into()))?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        let field = |name: &str| {
            status
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
                .map(|kib| kib * 1024)
                .ok_or_else(|| BenchError::Server(format!("{name} missing in /proc/{pid}/status")))
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    pub async fn stop(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }
}
