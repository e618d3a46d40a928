//! One module per NETCONF operation, each parsing its request and applying
//! it to the device, registered by namespace and name in [`registry`].
//! Operations the device does not have are answered
//! `operation-not-supported` (`unknown-namespace` in a namespace it does
//! not know), never dropped.

mod builtin;
mod copy_config;
mod delete_config;
mod edit_config;
mod get;
mod get_config;
mod kill_session;
mod lock;
mod notifications;
mod oper_xml;
mod registry;

/// What an operation reads and answers (for an embedder's operations).
pub use ironconf_proto::{ErrorTag, RpcError};
pub use ironconf_session::{DataReply, Reply, Request};
pub(crate) use registry::Operation;
pub use registry::OperationFn;
pub mod schema;

use std::time::Instant;

use crate::locks::Datastore;
use ironconf_ios::filter::{show_running_config, strip_show_header};
use ironconf_proto::xml::Element;

use crate::device::Device;

/// Who is asking.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Session id.
    pub session: u32,
    /// SSH user.
    pub user: String,
    /// Privilege level.
    pub privilege: u8,
}

/// What an operation is run with.
#[derive(Debug)]
pub struct Context<'a> {
    /// The device.
    pub device: &'a Device,
    /// The session asking.
    pub caller: &'a Caller,
    /// When the rpc is answered (from the device's clock).
    pub now: Instant,
}

pub(crate) type Ctx<'a> = Context<'a>;

impl Ctx<'_> {
    /// Configuration operations need privilege 15; IOS answers a lower
    /// level with a bare `operation-failed`.
    pub fn require_privilege_15(&self) -> Result<(), RpcError> {
        self.require_privilege(15)
    }

    /// The session needs privilege `level` (an operation's registration
    /// says which; the dispatcher checks it before running it).
    pub fn require_privilege(&self, level: u8) -> Result<(), RpcError> {
        if self.caller.privilege >= level {
            return Ok(());
        }
        Err(RpcError::new(ErrorTag::OperationFailed).message(format!(
            "privilege level {level} is required, session has {}",
            self.caller.privilege
        )))
    }
}

/// Answers one rpc.
pub fn dispatch(device: &Device, caller: &Caller, req: &Request) -> Reply {
    let ctx = Ctx {
        device,
        caller,
        now: device.now(),
    };
    device.touch_session(caller.session, ctx.now);
    let name = req.operation_name();
    let operations = device.operations();
    let result = match operations.find(req.operation.namespace.as_deref(), name) {
        // The one privilege check, before any operation runs.
        registry::Found::Operation(op) => ctx
            .require_privilege(op.privilege)
            .and_then(|()| (op.run)(&ctx, req)),
        registry::Found::Unsupported => Err(RpcError::operation_not_supported(name)),
        registry::Found::UnknownNamespace => {
            let ns = req.operation.namespace.as_deref().unwrap_or_default();
            Err(RpcError::new(ErrorTag::UnknownNamespace)
                .bad_element(name.to_owned())
                .bad_namespace(ns.to_owned())
                .message(format!(
                    "<{name}> is not a NETCONF operation in namespace '{ns}'"
                )))
        }
    };
    match result {
        Ok(reply) => reply,
        Err(e) => req.errors(&[e]),
    }
}

/// The error for a change refused by the configuration path.
pub(crate) fn refused(r: crate::configure::Refused) -> RpcError {
    match r {
        crate::configure::Refused::Locked { holder } => RpcError::in_use(holder),
        other => RpcError::new(ErrorTag::OperationFailed).message(other.to_string()),
    }
}

/// What `<source>` / `<target>` names.
pub(crate) enum Endpoint<'a> {
    /// A datastore.
    Datastore(Datastore),
    /// `<url>`: a file on the device or a remote URL.
    Url(crate::fs::Location),
    /// `<config>`: configuration given inline.
    Config(&'a Element),
}

/// The datastore, `<url>` or `<config>` inside `<source>` / `<target>`.
pub(crate) fn endpoint<'a>(
    device: &Device,
    op: &'a Element,
    which: &str,
) -> Result<Endpoint<'a>, RpcError> {
    let holder = op
        .child(which)
        .ok_or_else(|| RpcError::missing_element(which))?;
    let Some(first) = holder.child_elements().next() else {
        return Err(RpcError::missing_element(&format!("{which}/running")));
    };
    match &*first.name {
        "url" => url_location(device, first).map(Endpoint::Url),
        "config" => Ok(Endpoint::Config(first)),
        _ => datastore(op, which).map(Endpoint::Datastore),
    }
}

/// Where a `<url>` points: a name on the device's file systems
/// (`bootflash:x`, `nvram:startup-config`), `file:///x` (a file on the
/// flash), or a remote URL.
pub(crate) fn url_location(
    device: &Device,
    url: &Element,
) -> Result<crate::fs::Location, RpcError> {
    let text = url.text().trim().to_owned();
    let name = match text.strip_prefix("file://") {
        Some(path) => format!("{}{}", device.flash_name(), path),
        None => text.clone(),
    };
    device.location(&name).map_err(|e| {
        RpcError::new(ErrorTag::InvalidValue)
            .bad_element("url")
            .message(format!("{text}: {}", e.as_str()))
    })
}

/// CLI lines of a `<config>` (`cli-config-data`, `cli-config-data-block`,
/// or XML-PI's `xml-config-data`, read into lines by the catalogue).
pub(crate) fn config_lines(device: &Device, config: &Element) -> Result<Vec<String>, RpcError> {
    if let Some(data) = config.child("xml-config-data") {
        xml_config_lines(device, data)
    } else if let Some(data) = config.child("cli-config-data") {
        Ok(data
            .child_elements()
            .filter(|c| &*c.name == "cmd")
            .map(|c| c.text().into_owned())
            .collect())
    } else if let Some(block) = config.child("cli-config-data-block") {
        Ok(block.text().lines().map(str::to_owned).collect())
    } else if let Some(other) = config.child_elements().next() {
        Err(RpcError::operation_not_supported(&other.name))
    } else {
        Err(RpcError::missing_element("cli-config-data"))
    }
}

/// The lines of an `<xml-config-data>`: its `<Device-Configuration>` read
/// by the catalogue, nothing applied yet.
fn xml_config_lines(device: &Device, data: &Element) -> Result<Vec<String>, RpcError> {
    let mut roots = data.child_elements();
    let root = match (roots.next(), roots.next()) {
        (Some(root), None) if &*root.name == ironconf_ios::xmlpi::ROOT => root,
        (None, _) => return Err(RpcError::missing_element(ironconf_ios::xmlpi::ROOT)),
        (Some(root), Some(extra)) if &*root.name == ironconf_ios::xmlpi::ROOT => {
            return Err(RpcError::new(ErrorTag::BadElement)
                .bad_element(extra.name.to_string())
                .message(format!(
                    "<xml-config-data> holds one <{}>",
                    ironconf_ios::xmlpi::ROOT
                )));
        }
        (Some(other), _) => {
            return Err(RpcError::new(ErrorTag::UnknownElement)
                .bad_element(other.name.to_string())
                .message(format!(
                    "<xml-config-data> holds one <{}>",
                    ironconf_ios::xmlpi::ROOT
                )));
        }
    };
    if !data.text().trim().is_empty() {
        return Err(RpcError::new(ErrorTag::BadElement)
            .bad_element("xml-config-data")
            .message("text mixed with elements"));
    }
    ironconf_ios::xmlpi::config_lines(device.catalogue(), root).map_err(xmlpi_error)
}

/// An XML-PI reading error as an rpc-error naming the element.
pub(crate) fn xmlpi_error(e: ironconf_ios::xmlpi::XmlPiError) -> RpcError {
    use ironconf_ios::xmlpi::XmlPiError as X;
    let tag = match &e {
        X::UnknownElement { .. } => ErrorTag::UnknownElement,
        X::BadValue { .. } => ErrorTag::InvalidValue,
        X::MissingValue { .. } | X::Incomplete { .. } => ErrorTag::MissingElement,
        X::BadOperation { .. } => ErrorTag::BadAttribute,
        X::UnknownAttribute { .. } => ErrorTag::UnknownAttribute,
        X::BadElement { .. } => ErrorTag::BadElement,
        // Kinds added later name an element out of place.
        _ => ErrorTag::BadElement,
    };
    let err = RpcError::new(tag)
        .bad_element(e.element().to_owned())
        .message(e.message());
    match &e {
        X::BadOperation { .. } => err.bad_attribute("operation"),
        X::UnknownAttribute { attribute, .. } => err.bad_attribute(attribute.clone()),
        _ => err,
    }
}

/// The datastore named inside `<source>` / `<target>`.
pub(crate) fn datastore(op: &Element, which: &str) -> Result<Datastore, RpcError> {
    let holder = op
        .child(which)
        .ok_or_else(|| RpcError::missing_element(which))?;
    let mut all = holder.child_elements();
    let Some(ds) = all.next() else {
        return Err(RpcError::missing_element(&format!("{which}/running")));
    };
    if let Some(extra) = all.next() {
        return Err(RpcError::new(ErrorTag::BadElement)
            .bad_element(extra.name.to_string())
            .message(format!("<{which}> names more than one datastore")));
    }
    match Datastore::from_name(&ds.name) {
        Some(Datastore::Candidate) => Err(RpcError::operation_not_supported("candidate")),
        Some(d) => Ok(d),
        None if &*ds.name == "url" || &*ds.name == "config" => {
            Err(RpcError::operation_not_supported(&ds.name))
        }
        None => Err(RpcError::new(ErrorTag::BadElement)
            .bad_element(ds.name.to_string())
            .message(format!("'{}' is not a datastore", ds.name))),
    }
}

/// How configuration text is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextFormat {
    /// `<cli-config-data-block>`
    Block,
    /// `<cli-config-data>` with `<cmd>` lines
    Cmd,
    /// `<xml-config-data>`: XML-PI
    Xml,
}

/// The configuration part of a filter: its format and `text-filter-spec`.
/// `Ok(None)` when the filter asks for no configuration.
pub(crate) fn config_filter(
    filter: Option<&Element>,
) -> Result<Option<(TextFormat, String)>, RpcError> {
    let Some(filter) = filter else {
        return Ok(Some((TextFormat::Block, String::new())));
    };
    match filter.attribute("type") {
        None | Some("subtree") => {}
        Some("xpath") => return Err(RpcError::operation_not_supported("xpath")),
        Some(other) => {
            return Err(RpcError::new(ErrorTag::BadAttribute)
                .bad_attribute("type")
                .bad_element("filter")
                .message(format!("'{other}' is not a filter type")));
        }
    }
    let mut config = None;
    let mut any = false;
    for c in filter.child_elements() {
        any = true;
        let spec = || {
            c.child("text-filter-spec")
                .map(|s| s.text().trim().to_owned())
                .unwrap_or_default()
        };
        match &*c.name {
            "config-format-text-cmd" => config = Some((TextFormat::Cmd, spec())),
            "config-format-text-block" => config = Some((TextFormat::Block, spec())),
            "config-format-xml" => config = Some((TextFormat::Xml, spec())),
            "oper-data-format-text-block" | "oper-data-format-xml" => {}
            other => return Err(RpcError::operation_not_supported(other)),
        }
    }
    // An empty filter (`<filter type="subtree"/>`) selects everything.
    if !any {
        return Ok(Some((TextFormat::Block, String::new())));
    }
    Ok(config)
}

/// Writes configuration text in the requested format into a data reply.
pub(crate) fn write_config(
    data: &mut ironconf_proto::message::DataWriter,
    device: &Device,
    text: &str,
    format: TextFormat,
) {
    let eol = device.profile().text_eol.as_str();
    let lines = text.strip_suffix('\n').unwrap_or(text);
    // Markup adds about a third to configuration text (a dozen bytes a
    // line): reserved from the length, without another pass over the text.
    data.buffer().reserve(lines.len() + lines.len() / 2 + 64);
    match format {
        TextFormat::Block => {
            data.start("cli-config-data-block");
            // Line ends go out raw: IOS sends a literal CR LF, not `&#13;`.
            for (i, l) in lines.split('\n').enumerate() {
                if i > 0 {
                    data.raw(eol);
                }
                data.text(l);
            }
            data.end("cli-config-data-block");
        }
        TextFormat::Cmd => {
            data.start("cli-config-data");
            // Split on bytes: a char pattern costs a memcmp per line.
            let lines = (!lines.is_empty())
                .then(|| lines.as_bytes().split(|&b| b == b'\n'))
                .into_iter()
                .flatten()
                .map(|l| std::str::from_utf8(l).unwrap_or_default())
                .map(|l| l.strip_suffix('\r').unwrap_or(l));
            for (i, l) in lines.enumerate() {
                if i > 0 {
                    data.raw("\n");
                }
                data.text_element("cmd", l);
            }
            data.end("cli-config-data");
        }
        TextFormat::Xml => {
            data.start("xml-config-data");
            ironconf_ios::xmlpi::write_config(device.catalogue(), text, data.buffer());
            data.end("xml-config-data");
        }
    }
}

/// The running configuration as `show running-config SPEC` shows it,
/// without its header; an IOS error text when the spec is refused.
pub(crate) fn running_text(device: &Device, spec: &str) -> String {
    device.view(|v| {
        let header = v.header();
        if spec.trim().is_empty() {
            // The whole configuration: rendered once, with no show header
            // to add and strip again (large configurations are copied
            // less).
            return v.running().render(v.catalogue(), &header);
        }
        match show_running_config(v.catalogue(), v.running(), &header, spec) {
            Ok(t) => strip_show_header(&t).to_owned(),
            Err(e) => format!("{}\n", e.message),
        }
    })
}
