//! Outgoing HTTP requests (workflow webhooks): one request per connection, `https` through
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

async fn post(url: &str, body: String) -> Result<u16, HttpError> {
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
    let request = Request::post(path)
        .header(
            "host",
            uri.authority()
                .map_or(host.clone(), |a| a.as_str().to_owned()),
        )
        .header("content-type", "application/json")
        .header("user-agent", "Relais-Webhook/1")
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

async fn send<I>(io: I, request: Request<Body>) -> Result<u16, HttpError>
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
    Ok(response.status().as_u16())
}
