//! Outgoing HTTP requests (workflow webhooks, OpenID Connect): one request per connection, `https` through
//! rustls with the platform's trusted roots, `http` only as the caller allows it (the
//! domain allows plain `http://localhost` for tests and local development).

use bytes_body::Body;
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;

mod bytes_body {
    pub type Body = http_body_util::Full<hyper::body::Bytes>;
}

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("invalid URL")]
    Url,
    #[error("timed out")]
    Timeout,
    #[error("{0}")]
    Connect(String),
}

/// POSTs `body` as JSON to `url` and returns the response status.
pub async fn post_json(
    url: &str,
    body: &serde_json::Value,
    timeout: Duration,
) -> Result<u16, HttpError> {
    tokio::time::timeout(timeout, post(url, body.to_string()))
        .await
        .map_err(|_| HttpError::Timeout)?
}

/// The answer to a request: status, `Location` header, body (at most [`MAX_BODY`] bytes).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Largest body read from an answer.
pub const MAX_BODY: usize = 1024 * 1024;

/// GETs `url` (with an optional bearer token) and reads the answer.
pub async fn get(url: &str, bearer: Option<&str>, timeout: Duration) -> Result<Answer, HttpError> {
    let mut headers = vec![
        ("accept", "application/json, application/jwt".to_owned()),
        ("user-agent", "Relais/1".to_owned()),
    ];
    if let Some(token) = bearer {
        headers.push(("authorization", format!("Bearer {token}")));
    }
    tokio::time::timeout(
        timeout,
        exchange(hyper::Method::GET, url, headers, String::new()),
    )
    .await
    .map_err(|_| HttpError::Timeout)?
}

/// POSTs a form (`application/x-www-form-urlencoded`) to `url` and reads the answer.
pub async fn post_form(
    url: &str,
    fields: &[(&str, &str)],
    timeout: Duration,
) -> Result<Answer, HttpError> {
    let body = serde_urlencoded::to_string(fields).map_err(|_| HttpError::Url)?;
    let headers = vec![
        (
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ),
        ("accept", "application/json".to_owned()),
        ("user-agent", "Relais/1".to_owned()),
    ];
    tokio::time::timeout(timeout, exchange(hyper::Method::POST, url, headers, body))
        .await
        .map_err(|_| HttpError::Timeout)?
}

async fn post(url: &str, body: String) -> Result<u16, HttpError> {
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        ("user-agent", "Relais-Webhook/1".to_owned()),
    ];
    exchange(hyper::Method::POST, url, headers, body)
        .await
        .map(|a| a.status)
}

async fn exchange(
    method: hyper::Method,
    url: &str,
    headers: Vec<(&'static str, String)>,
    body: String,
) -> Result<Answer, HttpError> {
    let uri: hyper::Uri = url.parse().map_err(|_| HttpError::Url)?;
    let https = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => false,
        _ => return Err(HttpError::Url),
    };
    let host = uri.host().ok_or(HttpError::Url)?.to_owned();
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let path = uri
        .path_and_query()
        .map_or("/".to_owned(), |p| p.as_str().to_owned());
    let mut builder = Request::builder().method(method).uri(path).header(
        "host",
        uri.authority()
            .map_or(host.clone(), |a| a.as_str().to_owned()),
    );
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    let request = builder
        .body(Body::from(body))
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    if https {
        let config = <tokio_rustls::rustls::ClientConfig as rustls_platform_verifier::ConfigVerifierExt>::with_platform_verifier()
            .map_err(|e: tokio_rustls::rustls::Error| HttpError::Connect(e.to_string()))?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|_| HttpError::Url)?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| HttpError::Connect(e.to_string()))?;
        send(TokioIo::new(tls), request).await
    } else {
        send(TokioIo::new(tcp), request).await
    }
}

async fn send<I>(io: I, request: Request<Body>) -> Result<Answer, HttpError>
where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    tokio::spawn(connection);
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| HttpError::Connect(e.to_string()))?;
    let status = response.status().as_u16();
    let header = |name: hyper::header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let location = header(hyper::header::LOCATION);
    let content_type = header(hyper::header::CONTENT_TYPE);
    let limited = http_body_util::Limited::new(response.into_body(), MAX_BODY);
    let body = http_body_util::BodyExt::collect(limited)
        .await
        .map_err(|e| HttpError::Connect(e.to_string()))?
        .to_bytes()
        .to_vec();
    Ok(Answer {
        status,
        location,
        content_type,
        body,
    })
}
