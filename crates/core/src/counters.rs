//! The counters behind `show netconf counters` and `show netconf session`.

use ironconf_proto::ErrorTag;

/// Counters behind `show netconf counters` and `show netconf session`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// NETCONF connection attempts.
    pub connection_attempts: u64,
    /// Refused (limit, ACL, agent disabled).
    pub rejected: u64,
    /// Closed without a valid hello.
    pub no_hello: u64,
    /// Completed the hello exchange.
    pub success: u64,
    /// Rpcs processed.
    pub transactions_total: u64,
    /// Rpcs answered without error.
    pub transactions_success: u64,
    /// Rpcs answered with an error.
    pub transactions_errors: u64,
    /// Errors by tag (indexed by `ErrorTag::index`).
    pub error_tags: [u64; 20],
    /// SSH authentication failures.
    pub auth_errors: u64,
    /// Sessions refused for the session limit.
    pub connection_failures: u64,
    /// Connections refused by `netconf ssh acl`.
    pub acl_dropped: u64,
    /// Notifications sent.
    pub notifications_sent: u64,
    /// Changes to running-config, whatever their source.
    pub config_changes: u64,
}

impl Counters {
    /// Counts one reply.
    pub fn count_reply(&mut self, errors: &[ErrorTag]) {
        self.transactions_total += 1;
        if errors.is_empty() {
            self.transactions_success += 1;
        } else {
            self.transactions_errors += 1;
            for t in errors {
                self.error_tags[t.index()] += 1;
            }
        }
    }
}
