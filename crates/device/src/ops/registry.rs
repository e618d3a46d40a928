//! The rpc operations a device answers, keyed by namespace and name (the
//! built-in ones are listed in `builtin.rs`; an embedder adds its own
//! through the device builder).

use std::sync::Arc;

use ironconf_proto::RpcError;
use ironconf_session::{Reply, Request};

use super::Ctx;

/// What answers an rpc operation.
pub type OperationFn = Arc<dyn Fn(&Ctx<'_>, &Request) -> Result<Reply, RpcError> + Send + Sync>;

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
    pub(super) operations: Vec<Operation>,
}

impl OperationRegistry {
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
