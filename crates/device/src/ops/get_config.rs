//! `<get-config>`: running or startup, whole or through a Cisco text filter.

use crate::locks::Datastore;
use ironconf_ios::apply::load;
use ironconf_ios::filter::{show_running_config, strip_show_header};
use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, config_filter, datastore, running_text, write_config};

pub(crate) fn run(ctx: &Ctx<'_>, req: &Request) -> Result<Reply, RpcError> {
    let source = datastore(&req.operation, "source")?;
    let (format, spec) = config_filter(req.operation.child("filter"))?
        .unwrap_or((super::TextFormat::Block, String::new()));
    let text = match source {
        Datastore::Startup => startup_text(ctx, &spec),
        _ => running_text(ctx.device, &spec),
    };
    let mut reply = req.data();
    write_config(&mut reply.writer, ctx.device, &text, format);
    Ok(reply.finish())
}

/// The startup-config through the same filters (empty when erased).
fn startup_text(ctx: &Ctx<'_>, spec: &str) -> String {
    let Some(text) = ctx.device.startup_text() else {
        return String::new();
    };
    let cat = ctx.device.catalogue();
    let (cfg, _) = load(cat, &text);
    match show_running_config(cat, &cfg, &["!".to_owned()], spec) {
        Ok(t) => strip_show_header(&t).to_owned(),
        Err(e) => format!("{}\n", e.message),
    }
}
