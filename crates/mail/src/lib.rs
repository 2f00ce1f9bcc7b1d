//! Outgoing mail. With SMTP settings, mail goes through that server; without, each message
//! is written as an `.eml` file in the data folder and the log says where, so a fresh install
//! never loses a message nor needs a mail server.

use lettre::{
    AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use std::path::PathBuf;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum MailError {
    #[error("invalid address {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not send: {0}")]
    Send(String),
    /// The server refused the message for good (an SMTP 5xx answer): sending it again
    /// cannot help.
    #[error("refused by the server: {0}")]
    Refused(String),
}

impl MailError {
    /// Whether trying again later cannot help (a bad address or message, a 5xx refusal).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, MailError::Send(_))
    }
}

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// Plain text: only for a relay on the same machine (or a test server).
    None,
    /// STARTTLS on the submission port (587), required.
    StartTls,
    /// TLS from the first byte (port 465).
    Wrapper,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Clone)]
enum Transport {
    Files(PathBuf, AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Where mail goes, in words, for the log.
    target: String,
}

/// One message, in plain text and optionally HTML.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// Whether `s` is an address a message can be sent from or to (`a@b.c` or `Name <a@b.c>`).
pub fn valid_mailbox(s: &str) -> bool {
    s.parse::<Mailbox>().is_ok()
}

impl Tls {
    /// The settings' words: `none`, `starttls`, `tls`.
    pub fn parse(s: &str) -> Option<Tls> {
        match s {
            "none" => Some(Tls::None),
            "starttls" => Some(Tls::StartTls),
            "tls" => Some(Tls::Wrapper),
            _ => None,
        }
    }
}

impl Mailer {
    pub fn to_files(dir: PathBuf, from: &str) -> Result<Self, MailError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailError::Build(format!("{}: {e}", dir.display())))?;
        let from = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        Ok(Self {
            target: format!("written as .eml files in {}", dir.display()),
            transport: Transport::Files(dir.clone(), AsyncFileTransport::new(dir)),
            from,
        })
    }

    pub fn smtp(settings: &SmtpSettings, from: &str) -> Result<Self, MailError> {
        let builder = match settings.tls {
            Tls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host),
            Tls::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&settings.host)
                .map_err(|e| MailError::Build(e.to_string()))?,
            Tls::Wrapper => AsyncSmtpTransport::<Tokio1Executor>::relay(&settings.host)
                .map_err(|e| MailError::Build(e.to_string()))?,
        };
        let mut builder = builder
            .port(settings.port)
            .timeout(Some(std::time::Duration::from_secs(20)));
        if let (Some(user), Some(pass)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), pass.clone()));
        }
        let from = from
            .parse()
            .map_err(|_| MailError::Address(from.to_owned()))?;
        let tls = match settings.tls {
            Tls::None => "no TLS",
            Tls::StartTls => "STARTTLS",
            Tls::Wrapper => "TLS",
        };
        Ok(Self {
            target: format!(
                "sent by SMTP to {}:{} ({tls}{}) from {from}",
                settings.host,
                settings.port,
                if settings.username.is_some() {
                    ", with credentials"
                } else {
                    ""
                }
            ),
            transport: Transport::Smtp(builder.build()),
            from,
        })
    }

    /// Whether mail is written as files (local and quick) rather than sent over the network.
    pub fn writes_files(&self) -> bool {
        matches!(self.transport, Transport::Files(..))
    }

    /// Where mail goes, for the start-up log.
    pub fn describe(&self) -> String {
        self.target.clone()
    }

    pub async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|_| MailError::Address(mail.to.clone()))?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject);
        let message = match mail.html {
            Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text, html)),
            None => builder.header(ContentType::TEXT_PLAIN).body(mail.text),
        }
        .map_err(|e| MailError::Build(e.to_string()))?;
        match &self.transport {
            Transport::Files(dir, t) => {
                let id = t
                    .send(message)
                    .await
                    .map_err(|e| MailError::Send(e.to_string()))?;
                tracing::info!(file = %dir.join(format!("{id}.eml")).display(), "mail written");
            }
            Transport::Smtp(t) => {
                t.send(message).await.map_err(|e| {
                    if e.is_permanent() {
                        MailError::Refused(e.to_string())
                    } else {
                        MailError::Send(e.to_string())
                    }
                })?;
            }
        }
        Ok(())
    }
}
