//! The client: one SSH connection, one `netconf` channel, a reader task
//! that always drains it (a channel left unread stalls the whole SSH
//! connection) and a writer task that sends whole messages in order.
//! Requests are matched to replies by message-id, so any number may be
//! in flight; replies without one are taken in request order.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ironconf_proto::{Framing, Hello};
use russh::client;
use tokio::sync::{mpsc, oneshot};

use crate::error::ClientError;
use crate::ops::{self, Config, Datastore, EditOptions, Filter};
use crate::reply::{ExecOutput, Reply};
use crate::session::{ClientSession, Incoming, default_capabilities, message_id_of};
use crate::ssh::{Auth, Handler, HostKeyCheck, authenticate};
use crate::transport::{self, Link, Read, Reader, Transport, Writer};

/// How to reach and log in to a server.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Host name or address.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// User name.
    pub user: String,
    /// Methods, tried in order.
    pub auth: Vec<Auth>,
    /// Host-key checking.
    pub host_key_check: HostKeyCheck,
    /// Limit for TCP connect, key exchange, authentication and hello each.
    pub connect_timeout: Duration,
    /// Default limit for a reply.
    pub rpc_timeout: Duration,
    /// Capabilities to offer (both bases by default).
    pub capabilities: Vec<String>,
    /// Ciphers to offer, in order of preference (empty: AES-GCM first,
    /// which AES-NI makes the cheapest, then ChaCha20-Poly1305 and AES-CTR).
    pub ciphers: Vec<String>,
    /// The SSH implementation (the built-in one by default).
    pub transport: Transport,
}

impl ConnectOptions {
    /// Options for `user@host:port` with strict checking against
    /// `~/.ssh/known_hosts` and no authentication method yet.
    pub fn new(host: impl Into<String>, port: u16, user: impl Into<String>) -> Self {
        ConnectOptions {
            host: host.into(),
            port,
            user: user.into(),
            auth: Vec::new(),
            host_key_check: HostKeyCheck::Strict(HostKeyCheck::default_known_hosts()),
            connect_timeout: Duration::from_secs(30),
            rpc_timeout: Duration::from_secs(300),
            capabilities: default_capabilities(),
            ciphers: Vec::new(),
            transport: Transport::Builtin,
        }
    }

    /// Adds a password (also answers keyboard-interactive).
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.auth.push(Auth::Password(password.into()));
        self
    }

    /// Adds a private key file.
    pub fn key_file(mut self, path: impl Into<PathBuf>, passphrase: Option<String>) -> Self {
        self.auth.push(Auth::KeyFile {
            path: path.into(),
            passphrase,
        });
        self
    }

    /// Adds the ssh-agent's keys.
    pub fn agent(mut self) -> Self {
        self.auth.push(Auth::Agent);
        self
    }

    /// Sets host-key checking.
    pub fn host_key_check(mut self, check: HostKeyCheck) -> Self {
        self.host_key_check = check;
        self
    }

    /// Sets the SSH implementation.
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }
}

type Waiter = oneshot::Sender<Result<Reply, ClientError>>;

#[derive(Default)]
struct Pending {
    by_id: HashMap<String, Waiter>,
    /// Ids in request order, for replies that carry none.
    order: VecDeque<String>,
    /// Set once the session is over; later requests fail with it.
    closed: Option<String>,
}

impl Pending {
    fn take(&mut self, id: Option<&str>) -> Option<Waiter> {
        let waiter = self.take_inner(id);
        // Answered ids leave the order queue as they reach its front.
        while self
            .order
            .front()
            .is_some_and(|f| !self.by_id.contains_key(f))
        {
            self.order.pop_front();
        }
        waiter
    }

    fn take_inner(&mut self, id: Option<&str>) -> Option<Waiter> {
        match id {
            // A reply for a request given up on (timed out) is dropped.
            Some(id) => self.by_id.remove(id),
            // No id: the oldest request still waiting (servers answer in order).
            None => loop {
                let oldest = self.order.pop_front()?;
                if let Some(w) = self.by_id.remove(&oldest) {
                    return Some(w);
                }
            },
        }
    }
}

struct Shared {
    pending: Mutex<Pending>,
    next_id: AtomicU64,
    /// Bytes read from the channel (for progress reports).
    received: AtomicU64,
    /// `<notification>` messages received.
    notifications: AtomicU64,
    /// Those not yet taken, newest last (at most [`NOTIFICATIONS_KEPT`]).
    kept: Mutex<VecDeque<Notification>>,
    /// Told when one arrives or the session ends.
    arrived: tokio::sync::Notify,
    /// Dropped unread, oldest first, past the bound.
    dropped: AtomicU64,
}

/// Notifications a client keeps until they are taken
/// ([`Client::next_notification`]); past this the oldest are dropped and
/// counted ([`Client::notifications_dropped`]).
pub const NOTIFICATIONS_KEPT: usize = 1024;

/// A `<notification>` the server sent.
#[derive(Debug, Clone)]
pub struct Notification {
    /// The whole message.
    pub text: String,
    /// When the client read it.
    pub received: std::time::Instant,
}

impl Shared {
    fn pending(&self) -> std::sync::MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends the session: every waiting request gets the reason.
    fn close(&self, reason: String) {
        let waiters: Vec<Waiter> = {
            let mut p = self.pending();
            if p.closed.is_none() {
                p.closed = Some(reason.clone());
            }
            p.order.clear();
            p.by_id.drain().map(|(_, w)| w).collect()
        };
        for w in waiters {
            let _ = w.send(Err(ClientError::Closed(Some(reason.clone()))));
        }
        self.arrived.notify_waiters();
    }

    fn kept(&self) -> std::sync::MutexGuard<'_, VecDeque<Notification>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn keep(&self, text: String) {
        let n = Notification {
            text,
            received: std::time::Instant::now(),
        };
        {
            let mut kept = self.kept();
            if kept.len() >= NOTIFICATIONS_KEPT {
                kept.pop_front();
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
            kept.push_back(n);
        }
        self.arrived.notify_one();
    }
}

/// A NETCONF session over SSH. Cheap to clone; clones share the session,
/// so several tasks can have requests in flight at once.
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    session: Arc<ClientSession>,
    writer: mpsc::Sender<Bytes>,
    link: Arc<Link>,
    rpc_timeout: Duration,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("session_id", &self.session_id())
            .field("framing", &self.framing())
            .finish()
    }
}

fn preferred(ciphers: &[String]) -> Result<russh::Preferred, ClientError> {
    use russh::cipher;
    let names: Vec<cipher::Name> = if ciphers.is_empty() {
        vec![
            cipher::AES_256_GCM,
            cipher::AES_128_GCM,
            cipher::CHACHA20_POLY1305,
            cipher::AES_256_CTR,
            cipher::AES_192_CTR,
            cipher::AES_128_CTR,
        ]
    } else {
        ciphers
            .iter()
            .map(|c| {
                cipher::Name::try_from(c.as_str())
                    .map_err(|_| ClientError::Request(format!("unknown cipher '{c}'")))
            })
            .collect::<Result<_, _>>()?
    };
    Ok(russh::Preferred {
        cipher: std::borrow::Cow::Owned(names),
        ..russh::Preferred::default()
    })
}

/// TCP, SSH, login and a session channel with the `netconf` subsystem
/// requested (its answer arrives on the channel).
pub(crate) async fn open_netconf_channel(
    options: &ConnectOptions,
) -> Result<(client::Handle<Handler>, russh::Channel<client::Msg>), ClientError> {
    let limit = options.connect_timeout;
    let addr = format!("{}:{}", options.host, options.port);
    let tcp = within(limit, "TCP connect", async {
        tokio::net::TcpStream::connect((options.host.as_str(), options.port))
            .await
            .map_err(|source| ClientError::Connect {
                addr: addr.clone(),
                source,
            })
    })
    .await?;
    // Small requests must not wait for Nagle.
    tcp.set_nodelay(true)?;
    let config = Arc::new(client::Config {
        nodelay: true,
        preferred: preferred(&options.ciphers)?,
        ..Default::default()
    });
    let refusal = Arc::new(Mutex::new(None));
    let handler = Handler {
        host: options.host.clone(),
        port: options.port,
        check: options.host_key_check.clone(),
        refusal: refusal.clone(),
    };
    let connected = within(limit, "SSH key exchange", async {
        client::connect_stream(config, tcp, handler)
            .await
            .map_err(ClientError::Ssh)
    })
    .await;
    let mut handle = match connected {
        Ok(h) => h,
        Err(e) => {
            // A refused host key is the real story behind russh's error.
            let refused = refusal.lock().unwrap_or_else(|p| p.into_inner()).take();
            return Err(refused.unwrap_or(e));
        }
    };
    within(
        limit,
        "authentication",
        authenticate(&mut handle, &options.user, &options.auth),
    )
    .await?;
    let channel = within(limit, "channel open", async {
        Ok(handle.channel_open_session().await?)
    })
    .await?;
    channel.request_subsystem(true, "netconf").await?;
    Ok((handle, channel))
}

pub(crate) async fn within<T>(
    limit: Duration,
    waiting_for: &'static str,
    f: impl Future<Output = Result<T, ClientError>>,
) -> Result<T, ClientError> {
    tokio::time::timeout(limit, f)
        .await
        .map_err(|_| ClientError::Timeout {
            waiting_for,
            after: limit,
        })?
}

impl Client {
    /// Connects, logs in, opens the `netconf` subsystem and exchanges hellos.
    pub async fn connect(options: ConnectOptions) -> Result<Client, ClientError> {
        let limit = options.connect_timeout;
        let (link, mut read, mut write) = transport::open(&options).await?;
        let mut session = ClientSession::new(options.capabilities.clone());
        let mut buf = BytesMut::new();
        // The hello goes out at once, as RFC 6241 allows, while the
        // server's is on its way.
        let hello = async {
            write.write(session.hello()).await?;
            let mut accepted = false;
            loop {
                match read.read(&mut buf).await {
                    Read::Accepted => accepted = true,
                    Read::Refused => return Err(ClientError::SubsystemRefused),
                    Read::Data(_) => {
                        if session.read_hello(&mut buf)? {
                            return Ok(());
                        }
                    }
                    Read::Ended => {
                        return Err(if accepted {
                            ClientError::Hello(
                                "the server closed the session before its hello".into(),
                            )
                        } else {
                            ClientError::SubsystemRefused
                        });
                    }
                }
            }
        };
        match within(limit, "the server's hello", hello).await {
            Ok(()) => {}
            Err(e) => {
                // The ssh program says why better than an ended pipe does.
                let why = match &e {
                    ClientError::SubsystemRefused | ClientError::Io(_) => {
                        link.failure(&options).await
                    }
                    _ => None,
                };
                link.disconnect().await;
                return Err(why.unwrap_or(e));
            }
        }
        tracing::debug!(
            host = %options.host,
            session_id = ?session.server_hello().and_then(|h| h.session_id),
            framing = ?session.framing(),
            "NETCONF session up"
        );
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending::default()),
            next_id: AtomicU64::new(1),
            received: AtomicU64::new(0),
            notifications: AtomicU64::new(0),
            kept: Mutex::new(VecDeque::new()),
            arrived: tokio::sync::Notify::new(),
            dropped: AtomicU64::new(0),
        });
        // The reader owns the decoder; the senders only need the framing,
        // fixed from here on.
        let encoder = Arc::new(session.encoder());
        tokio::spawn(read_loop(read, session, buf, shared.clone()));
        let (tx, rx) = mpsc::channel::<Bytes>(256);
        tokio::spawn(write_loop(write, rx, shared.clone()));
        Ok(Client {
            shared,
            session: encoder,
            writer: tx,
            link: Arc::new(link),
            rpc_timeout: options.rpc_timeout,
        })
    }

    /// The server's `<session-id>`.
    pub fn session_id(&self) -> Option<u32> {
        self.session.server_hello().and_then(|h| h.session_id)
    }

    /// The server's hello.
    pub fn server_hello(&self) -> Option<&Hello> {
        self.session.server_hello()
    }

    /// The server's capabilities.
    pub fn capabilities(&self) -> &[String] {
        self.session
            .server_hello()
            .map_or(&[], |h| h.capabilities.as_slice())
    }

    /// The framing chosen by the hellos.
    pub fn framing(&self) -> Framing {
        self.session.framing()
    }

    /// Sends `operation` (the element inside `<rpc>`) and returns the
    /// reply on its way; several can be outstanding.
    pub async fn send(&self, operation: &str) -> Result<PendingReply, ClientError> {
        let id = self
            .shared
            .next_id
            .fetch_add(1, Ordering::Relaxed)
            .to_string();
        let mut out = BytesMut::with_capacity(operation.len() + 128);
        self.session.encode_rpc(&id, operation, &mut out);
        self.enqueue(id, out.freeze()).await
    }

    /// Sends a whole message as given (an `<rpc>` with its own
    /// message-id, or none: the reply is then taken in order).
    pub async fn send_raw(&self, message: &str) -> Result<PendingReply, ClientError> {
        let id = message_id_of(message).unwrap_or_else(|| {
            format!(
                "\u{0}unnamed-{}",
                self.shared.next_id.fetch_add(1, Ordering::Relaxed)
            )
        });
        let mut out = BytesMut::with_capacity(message.len() + 32);
        self.session.encode_raw(message.trim().as_bytes(), &mut out);
        self.enqueue(id, out.freeze()).await
    }

    async fn enqueue(&self, id: String, framed: Bytes) -> Result<PendingReply, ClientError> {
        let (tx, rx) = oneshot::channel();
        {
            let mut p = self.shared.pending();
            if let Some(reason) = &p.closed {
                return Err(ClientError::Closed(Some(reason.clone())));
            }
            if p.by_id.contains_key(&id) {
                return Err(ClientError::Request(format!(
                    "message-id '{id}' is already awaiting a reply"
                )));
            }
            p.by_id.insert(id.clone(), tx);
            p.order.push_back(id.clone());
        }
        if self.writer.send(framed).await.is_err() {
            self.shared.pending().by_id.remove(&id);
            return Err(ClientError::Closed(None));
        }
        Ok(PendingReply {
            id,
            rx,
            shared: self.shared.clone(),
            timeout: self.rpc_timeout,
        })
    }

    /// Sends `operation` and waits for its reply (errors in it are data).
    pub async fn rpc(&self, operation: &str) -> Result<Reply, ClientError> {
        self.send(operation).await?.await
    }

    /// `<get-config>`
    pub async fn get_config(
        &self,
        source: &Datastore,
        filter: &Filter,
    ) -> Result<Reply, ClientError> {
        self.rpc(&ops::get_config(source, filter))
            .await?
            .into_result()
    }

    /// `<get>`
    pub async fn get(&self, filter: &Filter) -> Result<Reply, ClientError> {
        self.rpc(&ops::get(filter)).await?.into_result()
    }

    /// `<edit-config>`
    pub async fn edit_config(
        &self,
        target: &Datastore,
        config: &Config,
        options: &EditOptions,
    ) -> Result<Reply, ClientError> {
        self.rpc(&ops::edit_config(target, config, options))
            .await?
            .into_result()
    }

    /// `<copy-config>`
    pub async fn copy_config(
        &self,
        target: &Datastore,
        source: &Datastore,
    ) -> Result<Reply, ClientError> {
        self.rpc(&ops::copy_config(target, source))
            .await?
            .into_result()
    }

    /// `<delete-config>`
    pub async fn delete_config(&self, target: &Datastore) -> Result<Reply, ClientError> {
        self.rpc(&ops::delete_config(target)).await?.into_result()
    }

    /// `<lock>`
    pub async fn lock(&self, target: &Datastore) -> Result<Reply, ClientError> {
        self.rpc(&ops::lock(target)).await?.into_result()
    }

    /// `<unlock>`
    pub async fn unlock(&self, target: &Datastore) -> Result<Reply, ClientError> {
        self.rpc(&ops::unlock(target)).await?.into_result()
    }

    /// `<kill-session>`
    pub async fn kill_session(&self, session_id: u32) -> Result<Reply, ClientError> {
        self.rpc(&ops::kill_session(session_id))
            .await?
            .into_result()
    }

    /// Runs EXEC commands (`oper-data-format-text-block`).
    pub async fn exec(&self, commands: &[String]) -> Result<Vec<ExecOutput>, ClientError> {
        self.rpc(&ops::exec(commands))
            .await?
            .into_result()?
            .exec_outputs()
    }

    /// `<close-session>`, then the SSH connection is ended.
    pub async fn close(self) -> Result<(), ClientError> {
        let result = self.rpc(&ops::close_session()).await;
        self.disconnect().await;
        result?.into_result().map(|_| ())
    }

    /// Ends the SSH connection without `<close-session>`.
    pub async fn disconnect(&self) {
        self.link.disconnect().await;
        self.shared.close("disconnected".into());
    }

    /// Bytes received on the session so far (hello excluded).
    pub fn bytes_received(&self) -> u64 {
        self.shared.received.load(Ordering::Relaxed)
    }

    /// How many `<notification>` messages the session has received.
    pub fn notifications_received(&self) -> u64 {
        self.shared.notifications.load(Ordering::Relaxed)
    }

    /// The oldest notification not yet taken, waiting for one if there is
    /// none; `None` once the session has ended and every one was taken.
    /// Subscribing is an rpc like any other (`create-subscription`, or
    /// Cisco's `<notification-on/>`).
    pub async fn next_notification(&self) -> Option<Notification> {
        loop {
            let arrived = self.shared.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if let Some(n) = self.try_next_notification() {
                return Some(n);
            }
            if self.is_closed() {
                return None;
            }
            arrived.await;
        }
    }

    /// The oldest notification not yet taken, if any.
    pub fn try_next_notification(&self) -> Option<Notification> {
        self.shared.kept().pop_front()
    }

    /// Notifications dropped unread because [`NOTIFICATIONS_KEPT`] were
    /// waiting to be taken.
    pub fn notifications_dropped(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// The process id of the ssh program carrying the session (the
    /// OpenSSH transport), while it runs.
    pub fn transport_pid(&self) -> Option<u32> {
        self.link.pid()
    }

    /// True once the session has ended.
    pub fn is_closed(&self) -> bool {
        self.shared.pending().closed.is_some()
    }
}

/// A reply on its way: await it (bounded by the client's rpc timeout, or
/// [`PendingReply::timeout`]).
#[must_use = "a request's reply is only read by awaiting it"]
pub struct PendingReply {
    id: String,
    rx: oneshot::Receiver<Result<Reply, ClientError>>,
    shared: Arc<Shared>,
    timeout: Duration,
}

impl PendingReply {
    /// Sets how long to wait.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = limit;
        self
    }

    /// The message-id of the request.
    pub fn message_id(&self) -> &str {
        &self.id
    }
}

impl std::future::IntoFuture for PendingReply {
    type Output = Result<Reply, ClientError>;
    type IntoFuture = std::pin::Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            match tokio::time::timeout(self.timeout, self.rx).await {
                Ok(Ok(r)) => r,
                Ok(Err(_)) => Err(ClientError::Closed(None)),
                Err(_) => {
                    // A late reply is dropped, not given to someone else.
                    self.shared.pending().by_id.remove(&self.id);
                    Err(ClientError::Timeout {
                        waiting_for: "rpc-reply",
                        after: self.timeout,
                    })
                }
            }
        })
    }
}

async fn read_loop(
    mut read: Reader,
    mut session: ClientSession,
    mut buf: BytesMut,
    shared: Arc<Shared>,
) {
    let reason = 'outer: loop {
        loop {
            match session.receive(&mut buf) {
                Ok(Some(Incoming::Reply(reply))) => {
                    let waiter = shared.pending().take(reply.message_id());
                    match waiter {
                        Some(w) => {
                            let _ = w.send(Ok(reply));
                        }
                        None => tracing::debug!(id = ?reply.message_id(), "reply nobody waits for"),
                    }
                }
                Ok(Some(Incoming::Notification(n))) => {
                    shared.notifications.fetch_add(1, Ordering::Relaxed);
                    tracing::debug!(len = n.len(), "notification received");
                    shared.keep(n);
                }
                Ok(None) => break,
                Err(e) => break 'outer e.to_string(),
            }
        }
        match read.read(&mut buf).await {
            Read::Data(n) => {
                shared.received.fetch_add(n as u64, Ordering::Relaxed);
            }
            Read::Ended => break "the server ended the session".into(),
            Read::Accepted | Read::Refused => {}
        }
    };
    tracing::debug!(%reason, "NETCONF session over");
    shared.close(reason);
}

async fn write_loop(mut write: Writer, mut rx: mpsc::Receiver<Bytes>, shared: Arc<Shared>) {
    let mut batch = BytesMut::new();
    while let Some(first) = rx.recv().await {
        // Requests queued together go out in one write.
        let data = if rx.is_empty() {
            first
        } else {
            batch.extend_from_slice(&first);
            while batch.len() < 256 * 1024 {
                match rx.try_recv() {
                    Ok(more) => batch.extend_from_slice(&more),
                    Err(_) => break,
                }
            }
            batch.split().freeze()
        };
        if let Err(e) = write.write(data).await {
            shared.close(format!("send failed: {e}"));
            return;
        }
    }
    write.eof().await;
}
