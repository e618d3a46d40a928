//! The built-in rpc operations (RFC 6241's, as IOS answers them), one
//! registration line each. Adding an operation: a file in `ops/` with its
//! run function, and a line here.

use std::sync::Arc;

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::registry::{Operation, OperationRegistry};
use super::{
    Ctx, copy_config, delete_config, edit_config, get, get_config, kill_session, lock,
    notifications,
};
use crate::device::Device;

/// A built-in rpc operation.
struct Builtin {
    /// `None`: the base namespace.
    namespace: Option<&'static str>,
    name: &'static str,
    /// The privilege a session needs.
    privilege: u8,
    run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
}

/// An operation of the base namespace any session may run (what it
/// returns may depend on the session's level: `get`).
const fn base(
    name: &'static str,
    run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
) -> Builtin {
    Builtin {
        namespace: None,
        name,
        privilege: 1,
        run,
    }
}

/// An operation of the base namespace that needs privilege 15, as IOS's
/// configuration operations do.
const fn base15(
    name: &'static str,
    run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
) -> Builtin {
    Builtin {
        privilege: 15,
        ..base(name, run)
    }
}

/// The built-in operations (RFC 6241's, as IOS answers them).
static BUILTIN: &[Builtin] = &[
    base("get", get::run),
    base15("get-config", get_config::run),
    base15("edit-config", edit_config::run),
    base15("copy-config", copy_config::run),
    base15("delete-config", delete_config::run),
    base15("lock", lock::lock),
    base15("unlock", lock::unlock),
    base15("kill-session", kill_session::run),
    // Cisco's notifications, sent without a namespace (the base one).
    base("notification-on", notifications::on),
    base("notification-off", notifications::off),
    Builtin {
        namespace: Some(crate::notify::NOTIFICATION_NS),
        name: "create-subscription",
        privilege: 1,
        run: notifications::create_subscription,
    },
];

impl OperationRegistry {
    /// The built-in operations and `extra` before them.
    pub(crate) fn new(extra: Vec<Operation>) -> OperationRegistry {
        let mut operations = extra;
        for op in operations.iter_mut() {
            // The base namespace has one spelling here.
            if op
                .namespace
                .as_deref()
                .is_some_and(|ns| ironconf_proto::message::is_base_namespace(Some(ns)))
            {
                op.namespace = None;
            }
        }
        operations.extend(BUILTIN.iter().map(|b| Operation {
            namespace: b.namespace.map(str::to_owned),
            name: b.name.to_owned(),
            privilege: b.privilege,
            run: Arc::new(b.run),
        }));
        OperationRegistry { operations }
    }

    /// The built-in operations alone, one copy per process.
    pub(crate) fn builtin_shared() -> Arc<OperationRegistry> {
        static SHARED: std::sync::OnceLock<Arc<OperationRegistry>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| Arc::new(OperationRegistry::new(Vec::new())))
            .clone()
    }
}

/// A device's own operations (an embedder's with the built-in ones), kept
/// as its handle; a device without one answers the built-in ones.
#[derive(Clone)]
struct Operations(Arc<OperationRegistry>);

impl Device {
    /// The rpc operations.
    pub(crate) fn operations(&self) -> Arc<OperationRegistry> {
        self.handle::<Operations>()
            .map_or_else(OperationRegistry::builtin_shared, |o| o.0)
    }

    /// Gives the device an embedder's `operations` with the built-in ones.
    pub(crate) fn add_operations(&self, operations: Vec<Operation>) {
        if !operations.is_empty() {
            self.set_handle(Some(Operations(Arc::new(OperationRegistry::new(
                operations,
            )))));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::registry::Found;
    use ironconf_proto::message::BASE_NS;

    #[test]
    fn operations_are_found_by_namespace_and_name() {
        let ops = OperationRegistry::new(Vec::new());
        let find = |ns, name| ops.find(ns, name);
        assert!(matches!(find(None, "get"), Found::Operation(op) if op.name == "get"));
        assert!(
            matches!(find(Some(BASE_NS), "kill-session"), Found::Operation(op) if op.name == "kill-session")
        );
        assert!(matches!(find(Some(BASE_NS), "commit"), Found::Unsupported));
        assert!(matches!(find(None, "frobnicate"), Found::Unsupported));
        assert!(matches!(
            find(Some("urn:example:ops"), "get"),
            Found::UnknownNamespace
        ));
    }
}
