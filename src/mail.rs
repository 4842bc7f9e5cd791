//! Outgoing e-mail: through SMTP (lettre) when the operator configures `MUSRENBANG_SMTP_URL`
//! (`smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://host:465`), otherwise
//! written to the server log, for development.
use lettre::{
    message::{header::ContentTransferEncoding, Body, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

/// One message: plain 7-bit text (links survive every client and relay unchanged).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Default)]
pub enum Mailer {
    /// No SMTP server configured: mails go to the log.
    #[default]
    Log,
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Log => f.write_str("Mailer::Log"),
            Mailer::Smtp { from, .. } => write!(f, "Mailer::Smtp(from {from})"),
        }
    }
}

impl Mailer {
    /// An SMTP mailer, or an error naming what is wrong with the URL or sender.
    pub fn smtp(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("MUSRENBANG_SMTP_URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("MUSRENBANG_MAIL_FROM is not an address: {e}"))?;
        Ok(Mailer::Smtp {
            transport: Box::new(transport),
            from,
        })
    }

    /// Whether mails leave the server (as opposed to the log).
    pub fn delivers(&self) -> bool {
        matches!(self, Mailer::Smtp { .. })
    }

    pub async fn send(&self, mail: Mail) -> anyhow::Result<()> {
        match self {
            Mailer::Log => {
                tracing::info!(to = %mail.to, subject = %mail.subject, body = %mail.body, "mail (no SMTP server configured)");
                Ok(())
            }
            Mailer::Smtp { transport, from } => {
                // Plain 7-bit when it is (lettre would pick quoted-printable for lines over 76
                // characters, which splits a link); anything else is encoded by lettre.
                let seven_bit = mail.body.is_ascii()
                    && mail.body.lines().all(|line| line.len() <= 998)
                    && !mail.body.contains('\r');
                let body = if seven_bit {
                    Body::dangerous_pre_encoded(
                        mail.body.replace('\n', "\r\n").into_bytes(),
                        ContentTransferEncoding::SevenBit,
                    )
                } else {
                    Body::new(mail.body)
                };
                let message = Message::builder()
                    .from(from.clone())
                    .to(mail.to.parse()?)
                    .subject(mail.subject)
                    .body(body)?;
                transport.send(message).await?;
                Ok(())
            }
        }
    }

    /// Sends after the caller has answered: the answer must not wait for, or depend on, the
    /// delivery (a reset request answers the same whether or not the address has an account).
    /// A failed delivery is logged; the person can ask again.
    pub fn send_later(&self, mail: Mail) {
        let mailer = self.clone();
        tokio::spawn(async move {
            let to = mail.to.clone();
            if let Err(err) = mailer.send(mail).await {
                tracing::warn!(%to, error = %err, "a mail could not be delivered");
            }
        });
    }
}
