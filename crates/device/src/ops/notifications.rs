//! Notification rpcs: Cisco's `<notification-on/>` / `<notification-off/>`
//! and RFC 5277's `<create-subscription>` (see `crate::notify`).

use std::time::SystemTime;

use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::Ctx;
use crate::notify::{Stream, parse_time};

/// `<notification-on/>`: this session receives a notification at the end
/// of every configuration change.
pub(crate) fn on(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    ctx.device.legacy_notifications(ctx.caller.session, true)?;
    Ok(req.ok())
}

/// `<notification-off/>`.
pub(crate) fn off(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    ctx.device.legacy_notifications(ctx.caller.session, false)?;
    Ok(req.ok())
}

fn time_of(req: &Request, name: &str) -> Result<Option<SystemTime>, RpcError> {
    let Some(el) = req.operation.child(name) else {
        return Ok(None);
    };
    let text = el.text();
    parse_time(&text).map(Some).ok_or_else(|| {
        RpcError::new(ErrorTag::BadElement)
            .bad_element(name)
            .message(format!(
                "'{}' is not a date-time (RFC 3339: 2026-11-30T10:00:00Z)",
                text.trim()
            ))
    })
}

/// `<create-subscription>` (RFC 5277 §2.1.1).
pub(crate) fn create_subscription(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let stream = match req.operation.child("stream") {
        None => Stream::Netconf,
        Some(el) => {
            let name = el.text();
            Stream::by_name(name.trim()).ok_or_else(|| {
                RpcError::new(ErrorTag::InvalidValue)
                    .bad_element("stream")
                    .message(format!("no stream '{}'", name.trim()))
            })?
        }
    };
    let filter = match req.operation.child("filter") {
        None => None,
        Some(f) => match f.attribute("type") {
            None | Some("subtree") => Some(f.clone()),
            Some(other) => {
                return Err(RpcError::new(ErrorTag::InvalidValue)
                    .bad_attribute("type")
                    .bad_element("filter")
                    .message(format!(
                        "filter type '{other}' is not supported (subtree is)"
                    )));
            }
        },
    };
    let start = time_of(req, "startTime")?;
    let stop = time_of(req, "stopTime")?;
    let now = ctx.device.wall_clock();
    if stop.is_some() && start.is_none() {
        return Err(RpcError::new(ErrorTag::MissingElement)
            .bad_element("startTime")
            .message("stopTime needs a startTime"));
    }
    if let Some(s) = start
        && s > now
    {
        return Err(RpcError::new(ErrorTag::BadElement)
            .bad_element("startTime")
            .message("startTime is in the future"));
    }
    if let (Some(s), Some(e)) = (start, stop)
        && e < s
    {
        return Err(RpcError::new(ErrorTag::BadElement)
            .bad_element("stopTime")
            .message("stopTime is earlier than startTime"));
    }
    ctx.device
        .subscribe(ctx.caller.session, stream, filter, start, stop)?;
    Ok(req.ok())
}
