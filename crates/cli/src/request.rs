//! What the one-shot verbs and the console share when they send a request.

use std::io::IsTerminal as _;
use std::time::Duration;

use ironconf_client::{Client, ClientError, Reply};

/// True when the text's root element is `<rpc>` (any prefix).
pub(crate) fn is_whole_rpc(text: &str) -> bool {
    ironconf_client::session::root_of(text).is_some_and(|(name, _)| name == "rpc")
}

/// Waits for `reply`, showing the bytes arriving when stderr is a terminal.
pub(crate) async fn with_progress(
    client: &Client,
    reply: impl std::future::Future<Output = Result<Reply, ClientError>>,
) -> Result<Reply, ClientError> {
    if !std::io::stderr().is_terminal() {
        return reply.await;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} {msg} {binary_bytes} ({binary_bytes_per_sec})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    bar.set_message("receiving");
    let start = client.bytes_received();
    tokio::pin!(reply);
    let result = loop {
        tokio::select! {
            r = &mut reply => break r,
            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                bar.set_position(client.bytes_received() - start);
            }
        }
    };
    bar.finish_and_clear();
    result
}
