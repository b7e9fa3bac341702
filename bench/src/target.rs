//! Where requests go: a base URL such as `http://127.0.0.1:8080` parsed into the socket
//! address the client connects to and the `Host` header it sends. Only plain `http://` is
//! supported: the harness measures local services, never TLS.

use anyhow::Context;

/// A parsed `http://host:port` base URL.
#[derive(Debug, Clone)]
pub struct Target {
    /// `host:port`, for `TcpStream::connect` and the `Host` header.
    pub authority: String,
}

impl Target {
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        let rest = url
            .strip_prefix("http://")
            .with_context(|| format!("{url}: only http:// URLs are supported"))?;
        let authority = rest.trim_end_matches('/').to_owned();
        anyhow::ensure!(
            !authority.is_empty() && !authority.contains('/'),
            "{url}: give a base URL without a path"
        );
        let authority = if authority.contains(':') {
            authority
        } else {
            format!("{authority}:80")
        };
        Ok(Self { authority })
    }
}
