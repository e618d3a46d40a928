//! RADIUS exchanges on UDP: the I/O for the device's sans-I/O
//! [`Exchange`]. Each login's exchange has its own socket and waits on
//! the async runtime, so a server that never answers holds that login
//! (for `timeout` × (`retransmit` + 1)) and nothing else.

use std::net::SocketAddr;
use std::time::Instant;

use ironconf_device::Device;
use ironconf_device::aaa::{AccountingAttempt, AccountingJob};
use ironconf_radius::{Exchange, Finished, MAX_PACKET};
use tokio::net::UdpSocket;

/// Accounting records being sent at once, per device.
pub(crate) const MAX_ACCOUNTING: usize = 256;

/// Logins waiting on AAA servers at once, per device; the next waits for
/// a place (within its connection's `ip ssh time-out`).
pub(crate) const MAX_LOGINS_WAITING: usize = 512;

/// Sends an accounting record: to each server in turn until one answers.
pub(crate) async fn account(device: &Device, job: AccountingJob) {
    for attempt in job.attempts {
        let (server, answered) = match attempt {
            AccountingAttempt::Radius(server, address, exchange) => {
                let (finished, _) = run(address, exchange).await;
                (server, matches!(finished, Finished::Reply(_)))
            }
            AccountingAttempt::Tacacs(server, address, wait, session) => {
                let outcome = crate::tacacs::run(address, wait, session).await;
                (server, matches!(outcome, ironconf_tacacs::Outcome::Pass(_)))
            }
        };
        device.accounting_finished(&server, job.start, answered);
        if answered {
            return;
        }
    }
}

/// Runs `exchange` with the server at `address` to its end: how it ended
/// and how many datagrams were discarded on the way.
pub(crate) async fn run(address: SocketAddr, exchange: Exchange) -> (Finished, u32) {
    let mut exchange = exchange;
    let finished = exchange_to_end(address, &mut exchange).await;
    (finished, exchange.discarded())
}

async fn exchange_to_end(address: SocketAddr, exchange: &mut Exchange) -> Finished {
    let local: SocketAddr = if address.is_ipv4() {
        ([0, 0, 0, 0], 0).into()
    } else {
        ([0u16; 8], 0).into()
    };
    let socket = match UdpSocket::bind(local).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(%address, error = %e, "RADIUS: no socket");
            return Finished::TimedOut {
                sent: 0,
                discarded: 0,
            };
        }
    };
    if let Err(e) = socket.connect(address).await {
        tracing::warn!(%address, error = %e, "RADIUS: cannot reach the server");
        return Finished::TimedOut {
            sent: 0,
            discarded: 0,
        };
    }
    let mut buf = vec![0u8; MAX_PACKET + 1];
    // After a failed receive (an ICMP port unreachable turns into an
    // error on a connected socket), wait for the deadline instead of
    // spinning on it.
    let mut receiving = true;
    loop {
        if let Some(bytes) = exchange.poll_transmit(Instant::now()) {
            if let Err(e) = socket.send(bytes).await {
                tracing::debug!(%address, error = %e, "RADIUS: send failed");
            }
            receiving = true;
        }
        if let Some(done) = exchange.finished() {
            return done.clone();
        }
        let Some(deadline) = exchange.poll_timeout() else {
            return Finished::TimedOut {
                sent: exchange.sent(),
                discarded: 0,
            };
        };
        let sleep = tokio::time::sleep_until(deadline.into());
        tokio::select! {
            r = socket.recv(&mut buf), if receiving => match r {
                Ok(n) => {
                    if let Err(e) = exchange.handle_datagram(&buf[..n]) {
                        tracing::warn!(%address, error = %e, "RADIUS: reply discarded");
                    }
                }
                Err(e) => {
                    tracing::debug!(%address, error = %e, "RADIUS: receive failed");
                    receiving = false;
                }
            },
            _ = sleep => exchange.handle_timeout(Instant::now()),
        }
    }
}
