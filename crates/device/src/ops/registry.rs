//! The rpc operations the device answers, one registration line each,
//! keyed by namespace and name. Adding an operation: a file in `ops/` with
//! its run function, and a line here.

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::{Ctx, copy_config, delete_config, edit_config, get, get_config, kill_session, lock};

/// A registered rpc operation.
pub(crate) struct Operation {
    /// Its namespace; `None` for the NETCONF base namespace (which clients
    /// may also leave out).
    pub(crate) namespace: Option<&'static str>,
    /// The operation element's local name.
    pub(crate) name: &'static str,
    /// What answers it.
    pub(crate) run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
}

const fn base(
    name: &'static str,
    run: fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError>,
) -> Operation {
    Operation {
        namespace: None,
        name,
        run,
    }
}

/// The built-in operations (RFC 6241's, as IOS answers them).
pub(crate) static BUILTIN: &[Operation] = &[
    base("get", get::run),
    base("get-config", get_config::run),
    base("edit-config", edit_config::run),
    base("copy-config", copy_config::run),
    base("delete-config", delete_config::run),
    base("lock", lock::lock),
    base("unlock", lock::unlock),
    base("kill-session", kill_session::run),
];

/// What a request's operation element names.
pub(crate) enum Found {
    /// A registered operation.
    Operation(&'static Operation),
    /// No operation of that name in a namespace the device knows.
    Unsupported,
    /// A namespace no operation is registered in.
    UnknownNamespace,
}

/// Looks up the operation `name` in `namespace` (the base namespace when
/// `None` or one of its spellings).
pub(crate) fn find(namespace: Option<&str>, name: &str) -> Found {
    let ns = namespace.filter(|ns| !ironconf_proto::message::is_base_namespace(Some(ns)));
    let mut namespace_known = ns.is_none();
    for op in BUILTIN {
        if op.namespace == ns {
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

#[cfg(test)]
mod tests {
    use super::*;
    use ironconf_proto::message::BASE_NS;

    #[test]
    fn operations_are_found_by_namespace_and_name() {
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
