//! `<edit-config>` of running with CLI commands (`cli-config-data` or
//! `cli-config-data-block`), as if typed after `configure terminal`.

use crate::locks::Datastore;
use ironconf_ios::apply::{ErrorOption, apply_batch_in};
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::{Ctx, config_lines, datastore, refused, url_location};
use crate::configure::Changer;

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let op = &req.operation;
    let target = datastore(op, "target")?;
    if target != Datastore::Running {
        return Err(RpcError::operation_not_supported(target.as_str()));
    }
    let option = match op
        .child("error-option")
        .map(|e| e.text().trim().to_owned())
        .as_deref()
    {
        None | Some("stop-on-error") => ErrorOption::StopOnError,
        Some("continue-on-error") => ErrorOption::ContinueOnError,
        Some("rollback-on-error") if ctx.device.profile().rollback_on_error => {
            ErrorOption::RollbackOnError
        }
        Some("rollback-on-error") => {
            return Err(RpcError::operation_not_supported("rollback-on-error"));
        }
        Some(other) => {
            return Err(RpcError::new(ErrorTag::InvalidValue)
                .bad_element("error-option")
                .message(format!("'{other}' is not an error-option")));
        }
    };
    if let Some(d) = op
        .child("default-operation")
        .map(|d| d.text().trim().to_owned())
        && !matches!(d.as_str(), "merge" | "replace" | "none")
    {
        return Err(RpcError::new(ErrorTag::InvalidValue)
            .bad_element("default-operation")
            .message(format!(
                "'{d}' is not a default-operation (merge, replace, none)"
            )));
    }
    match op
        .child("test-option")
        .map(|t| t.text().trim().to_owned())
        .as_deref()
    {
        None | Some("test-then-set" | "set") => {}
        Some("test-only") => return Err(RpcError::operation_not_supported("test-only")),
        Some(other) => {
            return Err(RpcError::new(ErrorTag::InvalidValue)
                .bad_element("test-option")
                .message(format!("'{other}' is not a test-option")));
        }
    }
    // The configuration inline, or in a file (`<url>`, RFC 6241 §8.8).
    let lines: Vec<String> = match (op.child("config"), op.child("url")) {
        (Some(config), _) => config_lines(ctx.device, config)?,
        (None, Some(url)) => {
            let loc = url_location(ctx.device, url)?;
            let bytes = ctx
                .device
                .read_location(&loc, crate::fs::MAX_TEXT_FILE)
                .map_err(|m| {
                    RpcError::new(ErrorTag::OperationFailed)
                        .bad_element("url")
                        .message(m)
                })?;
            String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::to_owned)
                .collect()
        }
        (None, None) => return Err(RpcError::missing_element("config")),
    };

    let who = Changer {
        user: &ctx.caller.user,
        session: Some(ctx.caller.session),
        line: None,
    };
    let result = ctx
        .device
        .change_running(who, |cat, running| {
            apply_batch_in(
                cat,
                running,
                lines.iter().map(String::as_str),
                option,
                false,
            )
        })
        .map_err(refused)?;
    if let Some((index, cmd)) = result.execs.first() {
        // EXEC commands come with the device's EXEC CLI.
        return Err(RpcError::new(ErrorTag::OperationFailed).message(format!(
            "line {}: 'do {cmd}': EXEC commands are not available",
            index + 1
        )));
    }
    match result.failures.first() {
        None => Ok(req.ok()),
        Some(f) => Err(RpcError::new(ErrorTag::OperationFailed)
            .bad_element("cmd")
            .message(format!(
                "line {}: '{}': {}",
                f.index + 1,
                f.line.trim(),
                f.message()
            ))),
    }
}
