//! `<kill-session>`: ends another session and frees its locks.

use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::Ctx;

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let el = req
        .operation
        .child("session-id")
        .ok_or_else(|| RpcError::missing_element("session-id"))?;
    let text = el.text();
    let invalid = |why: String| {
        RpcError::new(ErrorTag::InvalidValue)
            .bad_element("session-id")
            .message(why)
    };
    let id: u32 = text
        .trim()
        .parse()
        .map_err(|_| invalid(format!("'{}' is not a session id", text.trim())))?;
    if id == ctx.caller.session {
        return Err(invalid(
            "a session cannot kill itself; use close-session".into(),
        ));
    }
    if !ctx.device.end_session(
        id,
        crate::notify::Termination::Killed,
        Some(ctx.caller.session),
    ) {
        return Err(invalid(format!("no session {id}")));
    }
    Ok(req.ok())
}
