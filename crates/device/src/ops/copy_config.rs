//! `<copy-config>`: running to startup (`copy running-config
//! startup-config`), startup to running, and `<url>` (RFC 6241 §8.8) as
//! source or target: a file on the device's file systems holding IOS CLI
//! text. A file copied to running replaces it, as copy-config does; inline
//! `<config>` may be copied to a file.

use ironconf_ios::apply::{ErrorOption, apply_batch};
use ironconf_ios::config::Config;
use ironconf_proto::{ErrorTag, RpcError};
use ironconf_session::{Reply, Request};

use super::{Ctx, Endpoint, config_lines, endpoint, refused};
use crate::configure::Changer;
use crate::fs::{Location, MAX_TEXT_FILE};
use crate::locks::Datastore;

fn failed(message: String) -> RpcError {
    RpcError::new(ErrorTag::OperationFailed)
        .bad_element("url")
        .message(message)
}

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let device = ctx.device;
    let source = endpoint(device, &req.operation, "source")?;
    let target = endpoint(device, &req.operation, "target")?;
    let who = Changer {
        user: &ctx.caller.user,
        session: Some(ctx.caller.session),
        line: None,
    };
    let check_startup = || device.check_write(Datastore::Startup, ctx.caller.session);
    match (source, target) {
        (Endpoint::Datastore(Datastore::Running), Endpoint::Datastore(Datastore::Startup)) => {
            check_startup()?;
            device.save_startup().map_err(|e| {
                tracing::error!(%e, "copy running-config startup-config");
                RpcError::new(ErrorTag::OperationFailed).message(e.to_string())
            })?;
        }
        (Endpoint::Datastore(Datastore::Startup), Endpoint::Datastore(Datastore::Running)) => {
            device
                .replace_running(who, device.startup_config())
                .map_err(refused)?;
        }
        // Into a file: a datastore's text, inline configuration, a file.
        (source, Endpoint::Url(to)) => {
            let bytes = match source {
                Endpoint::Datastore(Datastore::Running) => {
                    device.read_location(&Location::Running, MAX_TEXT_FILE)
                }
                Endpoint::Datastore(Datastore::Startup) => {
                    device.read_location(&Location::Startup, MAX_TEXT_FILE)
                }
                Endpoint::Datastore(other) => {
                    return Err(RpcError::operation_not_supported(other.as_str()));
                }
                Endpoint::Config(c) => Ok(config_lines(device, c)?
                    .iter()
                    .map(|l| format!("{l}\n"))
                    .collect::<String>()
                    .into_bytes()),
                Endpoint::Url(from) => device.read_location(&from, MAX_TEXT_FILE),
            }
            .map_err(failed)?;
            match to {
                Location::Running => replace_from_text(ctx, &bytes)?,
                Location::Startup => {
                    check_startup()?;
                    device.write_location(&to, &bytes).map_err(failed)?;
                }
                _ => device.write_location(&to, &bytes).map_err(failed)?,
            }
        }
        // From a file into a datastore.
        (Endpoint::Url(from), Endpoint::Datastore(ds)) => {
            let bytes = device.read_location(&from, MAX_TEXT_FILE).map_err(failed)?;
            match ds {
                Datastore::Running => replace_from_text(ctx, &bytes)?,
                Datastore::Startup => {
                    check_startup()?;
                    device
                        .write_location(&Location::Startup, &bytes)
                        .map_err(failed)?;
                }
                Datastore::Candidate => return Err(RpcError::operation_not_supported("candidate")),
            }
        }
        (Endpoint::Config(_), _) => {
            return Err(RpcError::new(ErrorTag::InvalidValue)
                .bad_element("config")
                .message("inline configuration can be copied to a <url> only"));
        }
        (Endpoint::Datastore(s), Endpoint::Datastore(t)) => {
            return Err(RpcError::new(ErrorTag::InvalidValue).message(format!(
                "copying {} to {} is not supported",
                s.as_str(),
                t.as_str()
            )));
        }
        (Endpoint::Datastore(_), Endpoint::Config(_)) | (Endpoint::Url(_), Endpoint::Config(_)) => {
            return Err(RpcError::new(ErrorTag::InvalidValue)
                .bad_element("config")
                .message("<config> is not a copy target"));
        }
    }
    Ok(req.ok())
}

/// running-config replaced by a file's CLI text; a line in error changes
/// nothing.
fn replace_from_text(ctx: &Ctx<'_>, bytes: &[u8]) -> Result<(), RpcError> {
    let device = ctx.device;
    let text = String::from_utf8_lossy(bytes);
    let mut target = Config::new();
    let result = apply_batch(
        device.catalogue(),
        &mut target,
        text.lines(),
        ErrorOption::StopOnError,
        false,
    );
    if let Some(f) = result.failures.first() {
        return Err(RpcError::new(ErrorTag::OperationFailed)
            .bad_element("url")
            .message(format!(
                "line {}: '{}': {}",
                f.index + 1,
                f.line.trim(),
                f.message()
            )));
    }
    let who = Changer {
        user: &ctx.caller.user,
        session: Some(ctx.caller.session),
        line: None,
    };
    device.replace_running(who, target).map_err(refused)
}
