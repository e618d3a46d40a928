//! The rpc operations the device answers, one registration line each,
//! keyed by namespace and name. Adding an operation: a file in `ops/` with
//! its run function, and a line here; an embedder adds its own through the
//! device builder.

use std::sync::Arc;

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{
    Ctx, copy_config, delete_config, edit_config, get, get_config, kill_session, lock,
    notifications,
};

/// What answers an rpc operation.
pub type OperationFn = Arc<dyn Fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError> + Send + Sync>;

/// A built-in rpc operation.
struct Builtin {
    /// `None`: the base namespace.
    namespace: Option<&'static str>,
    name: &'static str,
    /// The privilege a session needs.
    privilege: u8,
    run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
}

/// A registered rpc operation.
pub(crate) struct Operation {
    /// Its namespace; `None` for the NETCONF base namespace (which clients
    /// may also leave out).
    pub(crate) namespace: Option<String>,
    /// The operation element's local name.
    pub(crate) name: String,
    /// The privilege a session needs (checked before it runs).
    pub(crate) privilege: u8,
    /// What answers it.
    pub(crate) run: OperationFn,
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

/// What a request's operation element names.
pub(crate) enum Found<'a> {
    /// A registered operation.
    Operation(&'a Operation),
    /// No operation of that name in a namespace the device knows.
    Unsupported,
    /// A namespace no operation is registered in.
    UnknownNamespace,
}

/// The operations of a device: an embedder's, then the built-in ones.
pub(crate) struct OperationRegistry {
    operations: Vec<Operation>,
}

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

    /// Looks up the operation `name` in `namespace` (the base namespace
    /// when `None` or one of its spellings).
    pub(crate) fn find(&self, namespace: Option<&str>, name: &str) -> Found<'_> {
        let ns = namespace.filter(|ns| !ironconf_proto::message::is_base_namespace(Some(ns)));
        let mut namespace_known = ns.is_none();
        for op in &self.operations {
            if op.namespace.as_deref() == ns {
                namespace_known = true;
                if op.name == name {
                    return Found::Operation(op);
                }
            }
        }
        if namespace_known {
            Found::Unsupported
        } else {
            Found::UnknownNamespace
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
