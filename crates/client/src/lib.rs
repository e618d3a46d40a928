//! A NETCONF-over-SSH client (RFC 6241, RFC 6242) for ironconf and for
//! any other NETCONF server, Cisco IOS's text formats included.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ironconf_client::ClientError> {
//! use ironconf_client::{Client, ConnectOptions, Datastore, Filter};
//! let client = Client::connect(
//!     ConnectOptions::new("127.0.0.1", 830, "admin").password("secret"),
//! )
//! .await?;
//! let reply = client
//!     .get_config(&Datastore::Running, &Filter::TextCmd(Some("| include hostname".into())))
//!     .await?;
//! print!("{}", reply.config_text()?);
//! client.close().await
//! # }
//! ```

mod client;
mod error;
pub mod ops;
pub mod raw;
mod reply;
pub mod session;
mod ssh;
mod transport;

pub use client::{Client, ConnectOptions, NOTIFICATIONS_KEPT, Notification, PendingReply};
pub use error::ClientError;
pub use ironconf_proto::{ErrorTag, ErrorType, Framing, RpcError};
pub use ops::{Config, Datastore, EditOptions, ErrorOption, Filter};
pub use raw::RawSession;
pub use reply::{ExecOutput, Reply};
pub use ssh::{Auth, HostKeyCheck};
pub use transport::Transport;
