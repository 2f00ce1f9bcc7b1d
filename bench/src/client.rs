//! A plain HTTP/1.1 keep-alive client over loopback, as a real client would connect, and a
//! load driver that runs requests at a fixed concurrency and times each one.

use crate::{BenchError, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

pub struct Response {
    pub status: u16,
    /// The `Location` header of a redirect.
    pub location: Option<String>,
    pub body: Bytes,
}

impl Response {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// One connection, reused for every request (as a browser or API client keeps it alive).
pub struct Client {
    sender: SendRequest<Full<Bytes>>,
}

/// A request as the load driver builds it: method, path, headers, body.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            method: "GET",
            path: path.into(),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(mut self, method: &'static str, body: &serde_json::Value) -> Call {
        self.method = method;
        self.body = Bytes::from(body.to_string());
        self.header("content-type", "application/json")
    }
}

impl Client {
    pub async fn connect(addr: SocketAddr) -> Result<Client> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| BenchError::Server(format!("handshake: {e}")))?;
        tokio::spawn(conn);
        Ok(Client { sender })
    }

    pub async fn get(
        &mut self,
        path: &str,
        headers: &[(&'static str, String)],
    ) -> Result<Response> {
        let mut call = Call::get(path);
        call.headers = headers.to_vec();
        self.send(&call).await
    }

    pub async fn send(&mut self, call: &Call) -> Result<Response> {
        let mut builder = Request::builder()
            .method(call.method)
            .uri(&call.path)
            .header("host", crate::fixture::HOST);
        for (name, value) in &call.headers {
            builder = builder.header(*name, value);
        }
        let request = builder
            .body(Full::new(call.body.clone()))
            .map_err(|e| BenchError::Server(format!("request {}: {e}", call.path)))?;
        self.sender
            .ready()
            .await
            .map_err(|e| BenchError::Server(format!("connection: {e}")))?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(|e| BenchError::Server(format!("{} {}: {e}", call.method, call.path)))?;
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| BenchError::Server(format!("body of {}: {e}", call.path)))?
            .to_bytes();
        Ok(Response {
            status,
            location,
            body,
        })
    }
}

/// Runs `total` calls, `concurrency` at a time, each task on its own connection; returns
/// the duration of each call. Every response must pass `check`, or the run fails: a fast
/// wrong answer is not a result.
pub async fn load<M, C>(
    addr: SocketAddr,
    concurrency: usize,
    total: u64,
    make: M,
    check: C,
) -> Result<(Vec<Duration>, Duration)>
where
    M: Fn(u64) -> Call + Send + Sync + 'static,
    C: Fn(u64, &Response) -> std::result::Result<(), String> + Send + Sync + 'static,
{
    let next = Arc::new(AtomicU64::new(0));
    let make = Arc::new(make);
    let check = Arc::new(check);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (next, make, check) = (next.clone(), make.clone(), check.clone());
        tasks.push(tokio::spawn(async move {
            let mut client = Client::connect(addr).await?;
            let mut timings = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    return Ok::<_, BenchError>(timings);
                }
                let call = make(i);
                let t = Instant::now();
                let response = client.send(&call).await?;
                timings.push(t.elapsed());
                check(i, &response).map_err(|message| {
                    BenchError::Server(format!("{} {}: {message}", call.method, call.path))
                })?;
            }
        }));
    }
    let mut all = Vec::with_capacity(total as usize);
    for task in tasks {
        let timings = task
            .await
            .map_err(|e| BenchError::Server(format!("load task: {e}")))??;
        all.extend(timings);
    }
    Ok((all, started.elapsed()))
}

/// The usual check: a 2xx status.
pub fn ok_status(_: u64, r: &Response) -> std::result::Result<(), String> {
    if (200..300).contains(&r.status) {
        Ok(())
    } else {
        Err(format!(
            "status {}: {}",
            r.status,
            r.text().chars().take(300).collect::<String>()
        ))
    }
}
