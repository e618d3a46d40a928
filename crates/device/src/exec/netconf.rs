//! `show netconf counters|session|schema`, `clear netconf counters|sessions`.

use ironconf_proto::ErrorTag;

use super::{ExecOutput, Invocation};
use crate::device::Device;

pub(super) fn show_netconf_counters(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(counters_text(i.device))
}

pub(super) fn show_netconf_session(i: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(session_text(i.device))
}

pub(super) fn show_netconf_schema(_: &Invocation<'_>) -> ExecOutput {
    ExecOutput::ok(crate::ops::schema::show_netconf_schema())
}

pub(super) fn clear_netconf_counters(i: &Invocation<'_>) -> ExecOutput {
    i.device.clear_counters();
    ExecOutput::ok(String::new())
}

/// Ends every NETCONF session but the caller's own.
pub(super) fn clear_netconf_sessions(i: &Invocation<'_>) -> ExecOutput {
    let ids = i.device.session_ids();
    for id in ids.into_iter().filter(|id| Some(*id) != i.caller.session) {
        i.device.kill_session(id);
    }
    ExecOutput::ok(String::new())
}

/// `show netconf counters` (spec 2.1): three counters a line, TAB-separated.
fn counters_text(device: &Device) -> String {
    let c = device.counters();
    let tag = |t: ErrorTag| c.error_tags[t.index()];
    use ErrorTag::*;
    format!(
        "NETCONF Counters\n\
         Connection Attempts:{}: rejected:{} no-hello:{} success:{}\n\
         Transactions\n\
         total:{}, success:{}, errors:{}\n\
         detailed errors:\n\
         in-use {}\tinvalid-value {}\ttoo-big {}\n\
         missing-attribute {}\tbad-attribute {}\tunknown-attribute {}\n\
         missing-element {}\tbad-element {}\tunknown-element {}\n\
         unknown-namespace {}\taccess-denied {}\tlock-denied {}\n\
         resource-denied {}\trollback-failed {}\tdata-exists {}\n\
         data-missing {}\toperation-not-supported {}\toperation-failed {}\n\
         partial-operation {}\n",
        c.connection_attempts,
        c.rejected,
        c.no_hello,
        c.success,
        c.transactions_total,
        c.transactions_success,
        c.transactions_errors,
        tag(InUse),
        tag(InvalidValue),
        tag(TooBig),
        tag(MissingAttribute),
        tag(BadAttribute),
        tag(UnknownAttribute),
        tag(MissingElement),
        tag(BadElement),
        tag(UnknownElement),
        tag(UnknownNamespace),
        tag(AccessDenied),
        tag(LockDenied),
        tag(ResourceDenied),
        tag(RollbackFailed),
        tag(DataExists),
        tag(DataMissing),
        tag(OperationNotSupported),
        tag(OperationFailed) + tag(MalformedMessage),
        tag(PartialOperation),
    )
}

/// `show netconf session` (spec 2.1).
fn session_text(device: &Device) -> String {
    let settings = device.settings();
    device.view(|v| {
        let c = v.counters();
        format!(
            "(Current | max) sessions: {} | {}\n\
         Operations received: {} Operation errors: {}\n\
         Connection Requests: {} Authentication errors: {} Connection Failures: {}\n\
         ACL dropped : {}\n\
         Notifications Sent: {}\n",
            v.sessions().len(),
            settings.netconf.max_sessions,
            c.transactions_total,
            c.transactions_errors,
            c.connection_attempts,
            c.auth_errors,
            c.connection_failures,
            c.acl_dropped,
            c.notifications_sent,
        )
    })
}
