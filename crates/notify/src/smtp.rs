//! E-mail through an SMTP relay, configured by one URL:
//!
//! | URL | connection |
//! |---|---|
//! | `smtp://user:pass@relay.example.vn` | STARTTLS required, port 587 |
//! | `smtps://user:pass@relay.example.vn` | TLS from the first byte, port 465 |
//! | `smtp://relay.example.vn:25?tls=opportunistic` | STARTTLS when offered |
//! | `smtp://127.0.0.1:2525?tls=none` | plain text, for a relay on this machine |
//!
//! User and password are percent-decoded (`p%40ss` is `p@ss`); a password
//! is refused over `tls=none` unless the relay is on this machine. Other
//! query parameters: `timeout=SECONDS` (each send, default 60). A path
//! (`smtp://relay/mail.example.vn`) is the name given in `EHLO` (default:
//! this machine's host name). Certificates are checked against the
//! system's trust store.
//!
//! lettre's own timeout covers connecting only, so every send is also
//! wrapped in [`tokio::time::timeout`].

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use motcua_app::outbox::{DeliveryError, EmailMessage, Mailer};
use percent_encoding::percent_decode_str;
use url::{Host, Url};

use crate::{NotifyError, message, parse_from};

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refused if the relay cannot.
    StartTls,
    /// STARTTLS when the relay offers it, plain text otherwise.
    Opportunistic,
    /// TLS from the first byte (`smtps://`).
    Tls,
    /// No TLS at all: only for a relay on this machine or a trusted network.
    None,
}

impl SmtpSecurity {
    fn label(self) -> &'static str {
        match self {
            SmtpSecurity::StartTls => "STARTTLS",
            SmtpSecurity::Opportunistic => "STARTTLS if offered",
            SmtpSecurity::Tls => "TLS",
            SmtpSecurity::None => "no TLS",
        }
    }
}

/// A relay as an SMTP URL describes it. `Debug` and `Display` never show
/// the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The name given in `EHLO`; the host name when `None`.
    pub hello: Option<String>,
    /// How long one send may take, connecting included.
    pub timeout: Duration,
}

impl SmtpSettings {
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

    /// Reads an SMTP URL (see the module notes). An error never quotes the
    /// URL, which may hold a password.
    pub fn parse(text: &str) -> Result<Self, NotifyError> {
        let bad = |reason: String| NotifyError::SmtpUrl(reason);
        let url = Url::parse(text.trim()).map_err(|e| bad(e.to_string()))?;
        let (mut security, default_port) = match url.scheme() {
            "smtp" => (SmtpSecurity::StartTls, 587),
            "smtps" => (SmtpSecurity::Tls, 465),
            other => {
                return Err(bad(format!(
                    "unknown scheme “{other}”: use smtp:// (STARTTLS) or smtps:// (TLS)"
                )));
            }
        };
        let host = match url.host() {
            Some(Host::Domain(d)) if !d.is_empty() => d.to_owned(),
            Some(Host::Ipv4(a)) => a.to_string(),
            Some(Host::Ipv6(a)) => a.to_string(),
            _ => return Err(bad("no relay host".into())),
        };
        let mut timeout = Self::DEFAULT_TIMEOUT;
        for (key, value) in url.query_pairs() {
            match (key.as_ref(), url.scheme(), value.as_ref()) {
                ("tls", "smtp", "starttls" | "required") => security = SmtpSecurity::StartTls,
                ("tls", "smtp", "opportunistic") => security = SmtpSecurity::Opportunistic,
                ("tls", "smtp", "none") => security = SmtpSecurity::None,
                ("tls", "smtps", "tls" | "wrapper") => security = SmtpSecurity::Tls,
                ("tls", _, other) => {
                    return Err(bad(format!(
                        "tls={other} is not understood: smtp:// takes tls=starttls, tls=opportunistic or tls=none; smtps:// is always TLS"
                    )));
                }
                ("timeout", _, seconds) => {
                    timeout = seconds
                        .parse::<u64>()
                        .ok()
                        .filter(|s| (1..=600).contains(s))
                        .map(Duration::from_secs)
                        .ok_or_else(|| {
                            bad(format!(
                                "timeout={seconds}: give whole seconds from 1 to 600"
                            ))
                        })?;
                }
                (other, _, _) => {
                    return Err(bad(format!(
                        "unknown parameter “{other}” (known: tls, timeout)"
                    )));
                }
            }
        }
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let username = Some(decode(url.username())).filter(|u| !u.is_empty());
        let password = url.password().map(decode);
        if username.is_some() != password.is_some() {
            return Err(bad(
                "give both a user and a password (smtp://user:password@host), or neither".into(),
            ));
        }
        if password.is_some() && security == SmtpSecurity::None && !is_loopback(&host) {
            return Err(bad(
                "a password is sent without TLS only to a relay on this machine: remove tls=none"
                    .into(),
            ));
        }
        let hello = Some(url.path().trim_matches('/').to_owned()).filter(|p| !p.is_empty());
        Ok(SmtpSettings {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            username,
            password,
            hello,
            timeout,
        })
    }
}

impl fmt::Display for SmtpSettings {
    /// `relay.example.vn:587 (STARTTLS, user motcua)`: for logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(f, "{host}:{} ({}", self.port, self.security.label())?;
        if let Some(user) = &self.username {
            write!(f, ", user {user}")?;
        }
        f.write_str(")")
    }
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("hello", &self.hello)
            .field("timeout", &self.timeout)
            .finish()
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
}

/// This machine's name for `EHLO`, when it is a plausible domain name.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 253
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        })
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Sends e-mail through an SMTP relay, one connection per message.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    settings: SmtpSettings,
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("settings", &self.settings)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the relay `url` (see the module notes) with sender `from`.
    pub fn from_url(url: &str, from: &str) -> Result<Self, NotifyError> {
        SmtpMailer::new(SmtpSettings::parse(url)?, from)
    }

    pub fn new(settings: SmtpSettings, from: &str) -> Result<Self, NotifyError> {
        let from = parse_from(from)?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|e| NotifyError::SmtpUrl(format!("TLS cannot be set up: {e}")))
        };
        let tls = match settings.security {
            SmtpSecurity::StartTls => Tls::Required(tls(&settings.host)?),
            SmtpSecurity::Opportunistic => Tls::Opportunistic(tls(&settings.host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls(&settings.host)?),
            SmtpSecurity::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout))
            .hello_name(ClientId::Domain(
                settings.hello.clone().unwrap_or_else(host_name),
            ));
        if let (Some(user), Some(password)) = (&settings.username, &settings.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(SmtpMailer {
            transport: builder.build(),
            from,
            settings,
        })
    }

    pub fn settings(&self) -> &SmtpSettings {
        &self.settings
    }
}

#[async_trait::async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &EmailMessage) -> Result<(), DeliveryError> {
        let message = message::build(&self.from, email)?;
        let timeout = self.settings.timeout;
        match tokio::time::timeout(timeout, self.transport.send(message)).await {
            Ok(Ok(_response)) => Ok(()),
            Ok(Err(e)) => Err(classify(&e)),
            Err(_) => Err(DeliveryError::Temporary(format!(
                "the SMTP relay {} did not take the e-mail within {} s",
                self.settings,
                timeout.as_secs()
            ))),
        }
    }
}

/// A 5xx answer refuses this message for good (an unknown mailbox, a
/// rejected address), except the authentication refusals, which a fixed
/// configuration cures; everything else (4xx, network, TLS, timeouts) may
/// pass later.
fn classify(e: &lettre::transport::smtp::Error) -> DeliveryError {
    let code = e.status().map(|c| c.to_string());
    let auth = matches!(code.as_deref(), Some("530" | "534" | "535" | "538"));
    if e.is_permanent() && !auth {
        DeliveryError::Permanent(format!("the SMTP relay refused the e-mail: {e}"))
    } else {
        DeliveryError::Temporary(format!("the SMTP relay did not take the e-mail: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(url: &str) -> SmtpSettings {
        SmtpSettings::parse(url).unwrap()
    }

    fn refused(url: &str) -> String {
        SmtpSettings::parse(url).unwrap_err().to_string()
    }

    #[test]
    fn schemes_choose_tls_and_port() {
        let s = parse("smtp://motcua:p%40ss%3Aw@relay.example.vn");
        assert_eq!(
            (s.host.as_str(), s.port, s.security),
            ("relay.example.vn", 587, SmtpSecurity::StartTls)
        );
        assert_eq!(s.username.as_deref(), Some("motcua"));
        assert_eq!(s.password.as_deref(), Some("p@ss:w"));
        let s = parse("smtps://u:p@relay.example.vn");
        assert_eq!((s.port, s.security), (465, SmtpSecurity::Tls));
        let s = parse("smtp://127.0.0.1:2525?tls=none&timeout=5");
        assert_eq!(
            (s.port, s.security, s.timeout),
            (2525, SmtpSecurity::None, Duration::from_secs(5))
        );
        let s = parse("smtp://relay.example.vn:25/mail.example.vn?tls=opportunistic");
        assert_eq!(s.security, SmtpSecurity::Opportunistic);
        assert_eq!(s.hello.as_deref(), Some("mail.example.vn"));
        assert_eq!(parse("smtp://[::1]:2525?tls=none").host, "::1");
    }

    #[test]
    fn mistakes_are_refused_without_quoting_the_password() {
        for (url, says) in [
            ("http://relay.example.vn", "unknown scheme"),
            ("smtp://relay.example.vn?tls=yes", "tls=yes"),
            ("smtps://relay.example.vn?tls=none", "tls=none"),
            ("smtp://relay.example.vn?timeout=0", "timeout=0"),
            ("smtp://relay.example.vn?port=25", "unknown parameter"),
            ("smtp://u@relay.example.vn", "both"),
            (
                "smtp://u:secret@relay.example.vn?tls=none",
                "only to a relay on this machine",
            ),
            ("smtp://", "host"),
        ] {
            let error = refused(url);
            assert!(error.contains(says), "{url}: {error}");
            assert!(!error.contains("secret"), "{error}");
        }
        // Over loopback a password may go without TLS (a local relay).
        parse("smtp://u:p@localhost:2525?tls=none");
    }

    #[test]
    fn the_password_is_never_shown() {
        let s = parse("smtp://motcua:secret@relay.example.vn");
        assert_eq!(
            s.to_string(),
            "relay.example.vn:587 (STARTTLS, user motcua)"
        );
        assert!(!format!("{s:?}").contains("secret"));
        let mailer = SmtpMailer::new(s, "motcua <no-reply@example.vn>").unwrap();
        assert!(!format!("{mailer:?}").contains("secret"));
    }
}
