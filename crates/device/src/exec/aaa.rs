//! `show aaa servers`, `show aaa sessions`, `show aaa method-lists all`, `test aaa`.

use std::fmt::Write as _;

use ironconf_ios::aaa::{AcctKind, Method, Record};
use ironconf_radius::attribute;

use super::{ExecOutput, Invocation};
use crate::aaa::LoginResult;

/// `test aaa group GROUP USER PASSWORD [new-code]`: a login through the
/// group's servers, and what the server sent back.
pub(super) fn test_aaa(i: &Invocation<'_>) -> ExecOutput {
    let [group, user, password, ..] = i.args else {
        return ExecOutput::error("% Incomplete command.\n".into());
    };
    if i.device.remote().is_none() {
        return ExecOutput::error("% AAA servers cannot be reached from here\n".into());
    }
    if i.device.settings().aaa.group_servers(group).is_none() {
        return ExecOutput::error(format!("% Server-group {group} is not configured\n"));
    }
    let mut login = i.device.test_login(group, user, password);
    let result = i.device.drive(&mut login);
    match (result, login.reply()) {
        (LoginResult::Granted { .. }, reply) => {
            let mut out = String::from("User successfully authenticated\n\nUSER ATTRIBUTES\n\n");
            let _ = writeln!(out, "{:<21}0   \"{user}\"", "username");
            let Some(reply) = reply else {
                // TACACS+ sends no attributes with a login.
                return ExecOutput::ok(out);
            };
            for pair in reply.cisco_avpairs() {
                match pair.split_once(['=', '*']) {
                    Some(("shell:priv-lvl", level)) => {
                        let _ = writeln!(out, "{:<21}0   {level}", "priv-lvl");
                    }
                    _ => {
                        let _ = writeln!(out, "{:<21}0   \"{pair}\"", "cisco-avpair");
                    }
                }
            }
            if let Some(t) = reply.service_type() {
                let name = match t {
                    attribute::SERVICE_ADMINISTRATIVE => "Administrative",
                    attribute::SERVICE_NAS_PROMPT => "NAS Prompt",
                    attribute::SERVICE_LOGIN => "Login",
                    _ => "",
                };
                let _ = writeln!(out, "{:<21}0   {t} [{name}]", "service-type");
            }
            if let Some(m) = reply.reply_message() {
                let _ = writeln!(out, "{:<21}0   \"{m}\"", "reply-message");
            }
            ExecOutput::ok(out)
        }
        (LoginResult::Denied { reason }, _) if reason.starts_with("rejected") => {
            ExecOutput::ok("User rejected\n".into())
        }
        _ => ExecOutput::ok("No authoritative response from any server.\n".into()),
    }
}

/// `show aaa servers`: each RADIUS and TACACS+ server with its state and
/// counters.
pub(super) fn show_aaa_servers(i: &Invocation<'_>) -> ExecOutput {
    let settings = i.device.settings();
    let now = i.device.now();
    let uptime = i.device.uptime().as_secs();
    let states = i
        .device
        .view(|v| match v.slots().get::<crate::aaa::AaaState>() {
            Some(a) => crate::aaa::server_states(&settings.aaa, &a.servers),
            None => crate::aaa::server_states(&settings.aaa, &Default::default()),
        });
    let mut out = String::new();
    for (n, server) in states.iter().enumerate() {
        let s = &server.stats;
        let dead = s.dead_until.is_some_and(|t| now < t);
        let _ = writeln!(
            out,
            "{}: id {}, priority {}, host {}, {}, hostname {}",
            match server.protocol {
                ironconf_ios::aaa::Protocol::Radius => "RADIUS",
                ironconf_ios::aaa::Protocol::Tacacs => "TACACS+",
            },
            n + 1,
            n + 1,
            server.host,
            server.ports,
            server.name
        );
        let _ = writeln!(
            out,
            "     State: current {}, duration {uptime}s, previous duration 0s",
            if dead { "DEAD" } else { "UP" }
        );
        let _ = writeln!(out, "     Dead: total time 0s, count {}", s.dead_count);
        out.push_str("     Quarantined: No\n");
        let _ = writeln!(
            out,
            "     Authen: request {}, timeouts {}, failover {}, retransmission 0",
            s.requests, s.timeouts, s.timeouts
        );
        let _ = writeln!(
            out,
            "             Response: accept {}, reject {}, challenge 0",
            s.accepts, s.rejects
        );
        let _ = writeln!(
            out,
            "             Response: unexpected 0, server error 0, incorrect {}, time {}ms",
            s.bad_replies,
            s.last_rtt.map_or(0, |d| d.as_millis())
        );
        let _ = writeln!(
            out,
            "             Transaction: success {}, failure {}",
            s.accepts + s.rejects,
            s.timeouts
        );
        out.push_str("             Throttled: transaction 0, timeout 0, failure 0\n");
        out.push_str("             Malformed responses: 0\n");
        let _ = writeln!(out, "             Bad authenticators: {}", s.bad_replies);
        // Exec authorization rides on RADIUS's Accept: nothing of its own.
        out.push_str(
            "     Author: request 0, timeouts 0, failover 0, retransmission 0\n\
             \x20            Response: accept 0, reject 0, challenge 0\n\
             \x20            Response: unexpected 0, server error 0, incorrect 0, time 0ms\n\
             \x20            Transaction: success 0, failure 0\n\
             \x20            Throttled: transaction 0, timeout 0, failure 0\n\
             \x20            Malformed responses: 0\n\
             \x20            Bad authenticators: 0\n",
        );
        let answered = s.acct_start_responses + s.acct_stop_responses;
        let _ = write!(
            out,
            "     Account: request {}, timeouts {}, failover 0, retransmission 0\n\
             \x20            Request: start {}, interim 0, stop {}\n\
             \x20            Response: start {}, interim 0, stop {}\n\
             \x20            Response: unexpected 0, server error 0, incorrect 0, time 0ms\n\
             \x20            Transaction: success {answered}, failure {}\n\
             \x20            Throttled: transaction 0, timeout 0, failure 0\n\
             \x20            Malformed responses: 0\n\
             \x20            Bad authenticators: 0\n",
            s.acct_starts + s.acct_stops,
            s.acct_timeouts,
            s.acct_starts,
            s.acct_stops,
            s.acct_start_responses,
            s.acct_stop_responses,
            s.acct_timeouts,
        );
        let _ = writeln!(
            out,
            "     Elapsed time since counters last cleared: {}m",
            uptime / 60
        );
        out.push_str(
            "     Estimated Outstanding Access Transactions: 0\n\
             \x20    Estimated Outstanding Accounting Transactions: 0\n\
             \x20    Estimated Throttled Access Transactions: 0\n\
             \x20    Estimated Throttled Accounting Transactions: 0\n\
             \x20    Maximum Throttled Transactions: access 0, accounting 0\n",
        );
        out.push('\n');
    }
    ExecOutput::ok(out)
}

/// `show aaa sessions`: the sessions on the vty lines, as AAA counts
/// them (with `aaa new-model`).
pub(super) fn show_aaa_sessions(i: &Invocation<'_>) -> ExecOutput {
    if !i.device.settings().aaa.new_model {
        return ExecOutput::ok(String::new());
    }
    let now = i.device.now();
    i.device.view(|v| {
    let total: u64 = v.line_uses().values().sum();
    let mut out = format!("Total sessions since last reload: {total}\n");
    for (vty, line) in v.lines() {
        let _ = writeln!(
            out,
            "Session Id: {}\n   Unique Id: {}\n   User Name: {}\n   IP Address: {}\n   Idle Time: {}\n   CT Call Handle: 0",
            vty + 1,
            vty + 1,
            line.user,
            line.source.map_or("0.0.0.0".to_owned(), |a| a.to_string()),
            now.saturating_duration_since(line.last_input).as_secs()
        );
    }
    ExecOutput::ok(out)
    })
}

fn methods(list: &[Method]) -> String {
    list.iter().map(Method::name).collect::<Vec<_>>().join(" ")
}

/// `show aaa method-lists all`: the lists by type, with their methods.
pub(super) fn show_aaa_method_lists(i: &Invocation<'_>) -> ExecOutput {
    let a = i.device.settings().aaa;
    let mut out = String::from("authen queue=AAA_ML_AUTHEN_LOGIN\n");
    for (name, list) in &a.login {
        let _ = writeln!(
            out,
            "  name={name} valid=TRUE id=0 :state=ALIVE : {}",
            methods(list)
        );
    }
    out.push_str("authen queue=AAA_ML_AUTHEN_ENABLE\n");
    if let Some(list) = &a.enable {
        let _ = writeln!(
            out,
            "  name=default valid=TRUE id=0 :state=ALIVE : {}",
            methods(list)
        );
    }
    out.push_str("author queue=AAA_ML_AUTHOR_SHELL\n");
    for (name, list) in &a.exec_authorization {
        let _ = writeln!(
            out,
            "  name={name} valid=TRUE id=0 :state=ALIVE : {}",
            methods(list)
        );
    }
    for ((level, name), list) in &a.command_authorization {
        let _ = writeln!(
            out,
            "author queue=AAA_ML_AUTHOR_CMD {level}\n  name={name} valid=TRUE id=0 :state=ALIVE : {}",
            methods(list)
        );
    }
    out.push_str("acct queue=AAA_ML_ACCT_EXEC\n");
    for ((kind, name), (record, list)) in &a.accounting {
        if *kind != AcctKind::Exec {
            continue;
        }
        let record = match record {
            Record::StartStop => "START-STOP",
            Record::StopOnly => "STOP-ONLY",
            Record::None => "NONE",
        };
        let _ = writeln!(
            out,
            "  name={name} valid=TRUE id=0 :state=ALIVE : {record}: {}",
            methods(list)
        );
    }
    out.push_str("\npermanent lists\n  name=Permanent Enable None valid=TRUE id=0 :state=ALIVE : ENABLE  NONE\n  name=Permanent Enable valid=TRUE id=0 :state=ALIVE : ENABLE\n  name=Permanent None valid=TRUE id=0 :state=ALIVE : NONE\n  name=Permanent Local valid=TRUE id=0 :state=ALIVE : LOCAL\n");
    ExecOutput::ok(out)
}
