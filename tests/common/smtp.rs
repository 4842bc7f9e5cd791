//! A real SMTP server for the mail tests: Python's aiosmtpd, printing every message on its
//! standard output, read line by line on a thread of its own.
use std::{process::Stdio, time::Duration};

use musrenbang::{config::ServerSettings, mail::Mailer};

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server (aiosmtpd, printing every message on its standard output, read line by
/// line on a thread of its own).
pub struct SmtpServer {
    child: std::process::Child,
    lines: tokio::sync::mpsc::UnboundedReceiver<String>,
    pub url: String,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    pub async fn start() -> SmtpServer {
        Self::start_on(free_port()).await
    }

    /// On a given port (a test of an outage starts the server late, where the app expects it).
    pub async fn start_on(port: u16) -> SmtpServer {
        use std::io::BufRead;
        let mut child = std::process::Command::new("python3")
            .args(["-u", "-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Debugging"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = tokio::sync::mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        SmtpServer {
            child,
            lines,
            url: format!("smtp://127.0.0.1:{port}"),
        }
    }

    /// The next message's text, headers included, other than the registration confirmations
    /// that accounts made by the test harness cause (`next_message_of_any_kind` has those).
    pub async fn next_message(&mut self) -> String {
        loop {
            let message = self.next_message_of_any_kind().await;
            if !message.contains("Subject: Konfirmasi pendaftaran") {
                return message;
            }
        }
    }

    pub async fn next_message_of_any_kind(&mut self) -> String {
        let mut message = String::new();
        let read = async {
            while let Some(line) = self.lines.recv().await {
                if line.contains("END MESSAGE") {
                    return;
                }
                message.push_str(&line);
                message.push('\n');
            }
        };
        tokio::time::timeout(Duration::from_secs(30), read)
            .await
            .expect("a mail within 30 s");
        message
    }
}

pub fn mail_settings(smtp: &SmtpServer) -> ServerSettings {
    ServerSettings {
        mailer: Mailer::smtp(&smtp.url, "Musrenbang <no-reply@musrenbang.test>").unwrap(),
        public_url: "http://musrenbang.test".into(),
        ..ServerSettings::default()
    }
}

/// A message's text as a reader sees it: a quoted-printable body (lettre's choice for text that
/// is not plain ASCII) decoded, soft line breaks joined.
pub fn readable(message: &str) -> String {
    if !message.contains("Content-Transfer-Encoding: quoted-printable") {
        return message.to_owned();
    }
    let joined = message.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
