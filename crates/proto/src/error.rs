//! `<rpc-error>` as plain data (RFC 6241 section 4.3 and Appendix A).
//!
//! These values are protocol data, not Rust errors: an operation that fails
//! produces one or more [`RpcError`]s, which the session serialises into the
//! reply in the style the device profile asks for ([`ErrorStyle`]).

use std::fmt;

use crate::xml::{self, Element};

/// The conceptual layer where an error occurred (`error-type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorType {
    /// Secure transport layer.
    Transport,
    /// Messages layer (`<rpc>` framing and envelope).
    Rpc,
    /// Operations layer.
    Protocol,
    /// Content layer.
    Application,
}

impl ErrorType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::Transport => "transport",
            ErrorType::Rpc => "rpc",
            ErrorType::Protocol => "protocol",
            ErrorType::Application => "application",
        }
    }

    /// Parses the wire spelling.
    pub fn from_wire(s: &str) -> Option<Self> {
        Some(match s {
            "transport" => ErrorType::Transport,
            "rpc" => ErrorType::Rpc,
            "protocol" => ErrorType::Protocol,
            "application" => ErrorType::Application,
            _ => return None,
        })
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every `error-tag` of RFC 6241 Appendix A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ErrorTag {
    /// The request requires a resource that already is in use.
    InUse,
    /// The request specifies an unacceptable value for one or more parameters.
    InvalidValue,
    /// The request or response is too large for the implementation to handle.
    TooBig,
    /// An expected attribute is missing.
    MissingAttribute,
    /// An attribute value is not correct.
    BadAttribute,
    /// An unexpected attribute is present.
    UnknownAttribute,
    /// An expected element is missing.
    MissingElement,
    /// An element value is not correct.
    BadElement,
    /// An unexpected element is present.
    UnknownElement,
    /// An unexpected namespace is present.
    UnknownNamespace,
    /// Access to the requested protocol operation or data model is denied.
    AccessDenied,
    /// Access to the requested lock is denied because the lock is held by another entity.
    LockDenied,
    /// Request could not be completed because of insufficient resources.
    ResourceDenied,
    /// Request to roll back some configuration change was not completed.
    RollbackFailed,
    /// Request could not be completed because the relevant data model content already exists.
    DataExists,
    /// Request could not be completed because the relevant data model content does not exist.
    DataMissing,
    /// Request could not be completed because the requested operation is not supported.
    OperationNotSupported,
    /// Request could not be completed because the requested operation failed for another reason.
    OperationFailed,
    /// Deprecated in RFC 6241; kept because RFC 4741 devices count it.
    PartialOperation,
    /// A message could not be handled because it failed to be parsed correctly.
    MalformedMessage,
}

use ErrorType::{Application as A, Protocol as P, Rpc as R, Transport as T};

impl ErrorTag {
    /// All tags, in the order `show netconf counters` lists the RFC 4741 ones,
    /// followed by `malformed-message` (RFC 6241 only).
    pub const ALL: [ErrorTag; 20] = [
        ErrorTag::InUse,
        ErrorTag::InvalidValue,
        ErrorTag::TooBig,
        ErrorTag::MissingAttribute,
        ErrorTag::BadAttribute,
        ErrorTag::UnknownAttribute,
        ErrorTag::MissingElement,
        ErrorTag::BadElement,
        ErrorTag::UnknownElement,
        ErrorTag::UnknownNamespace,
        ErrorTag::AccessDenied,
        ErrorTag::LockDenied,
        ErrorTag::ResourceDenied,
        ErrorTag::RollbackFailed,
        ErrorTag::DataExists,
        ErrorTag::DataMissing,
        ErrorTag::OperationNotSupported,
        ErrorTag::OperationFailed,
        ErrorTag::PartialOperation,
        ErrorTag::MalformedMessage,
    ];

    /// Index of this tag in [`ErrorTag::ALL`], for counter arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorTag::InUse => "in-use",
            ErrorTag::InvalidValue => "invalid-value",
            ErrorTag::TooBig => "too-big",
            ErrorTag::MissingAttribute => "missing-attribute",
            ErrorTag::BadAttribute => "bad-attribute",
            ErrorTag::UnknownAttribute => "unknown-attribute",
            ErrorTag::MissingElement => "missing-element",
            ErrorTag::BadElement => "bad-element",
            ErrorTag::UnknownElement => "unknown-element",
            ErrorTag::UnknownNamespace => "unknown-namespace",
            ErrorTag::AccessDenied => "access-denied",
            ErrorTag::LockDenied => "lock-denied",
            ErrorTag::ResourceDenied => "resource-denied",
            ErrorTag::RollbackFailed => "rollback-failed",
            ErrorTag::DataExists => "data-exists",
            ErrorTag::DataMissing => "data-missing",
            ErrorTag::OperationNotSupported => "operation-not-supported",
            ErrorTag::OperationFailed => "operation-failed",
            ErrorTag::PartialOperation => "partial-operation",
            ErrorTag::MalformedMessage => "malformed-message",
        }
    }

    /// Parses the wire spelling.
    pub fn from_wire(s: &str) -> Option<Self> {
        ErrorTag::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The `error-type`s RFC 6241 Appendix A allows with this tag.
    pub fn allowed_types(self) -> &'static [ErrorType] {
        match self {
            ErrorTag::InUse | ErrorTag::InvalidValue => &[P, A],
            ErrorTag::TooBig | ErrorTag::ResourceDenied => &[T, R, P, A],
            ErrorTag::MissingAttribute | ErrorTag::BadAttribute | ErrorTag::UnknownAttribute => {
                &[R, P, A]
            }
            ErrorTag::MissingElement
            | ErrorTag::BadElement
            | ErrorTag::UnknownElement
            | ErrorTag::UnknownNamespace
            | ErrorTag::AccessDenied
            | ErrorTag::RollbackFailed
            | ErrorTag::OperationNotSupported => &[P, A],
            ErrorTag::LockDenied => &[P],
            ErrorTag::DataExists | ErrorTag::DataMissing | ErrorTag::PartialOperation => &[A],
            ErrorTag::OperationFailed => &[R, P, A],
            ErrorTag::MalformedMessage => &[R],
        }
    }

    /// The type used when a caller does not choose one: `protocol` where
    /// allowed, otherwise the first allowed type.
    pub fn default_type(self) -> ErrorType {
        let allowed = self.allowed_types();
        if allowed.contains(&P) {
            P
        } else {
            allowed.first().copied().unwrap_or(P)
        }
    }
}

impl fmt::Display for ErrorTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `error-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ErrorSeverity {
    /// `error`
    #[default]
    Error,
    /// `warning` (RFC 6241 defines it but no tag uses it).
    Warning,
}

impl ErrorSeverity {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorSeverity::Error => "error",
            ErrorSeverity::Warning => "warning",
        }
    }
}

/// `error-message`, with its optional `xml:lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorMessage {
    /// Human-readable text.
    pub text: String,
    /// Language of the text (`xml:lang`), e.g. `en`.
    pub lang: Option<String>,
}

/// `error-info`: the RFC 6241 members plus any other elements.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ErrorInfo {
    /// `session-id` of the lock holder (lock-denied, in-use).
    pub session_id: Option<u32>,
    /// `bad-attribute`
    pub bad_attribute: Option<String>,
    /// `bad-element`
    pub bad_element: Option<String>,
    /// `bad-namespace`
    pub bad_namespace: Option<String>,
    /// `ok-element` (partial-operation)
    pub ok_element: Vec<String>,
    /// `err-element` (partial-operation)
    pub err_element: Vec<String>,
    /// `noop-element` (partial-operation)
    pub noop_element: Vec<String>,
    /// Other, data-model specific, info elements.
    pub other: Vec<Element>,
}

impl ErrorInfo {
    /// True when no member is set.
    pub fn is_empty(&self) -> bool {
        self.session_id.is_none()
            && self.bad_attribute.is_none()
            && self.bad_element.is_none()
            && self.bad_namespace.is_none()
            && self.ok_element.is_empty()
            && self.err_element.is_empty()
            && self.noop_element.is_empty()
            && self.other.is_empty()
    }
}

/// How an [`RpcError`] is written on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorStyle {
    /// Every member that is set, in RFC 6241 order.
    #[default]
    Rfc,
    /// Only `error-type`, `error-tag` and `error-severity`, as the IOS legacy
    /// agent sends them (clients parse these three positionally).
    CiscoMinimal,
}

/// One `<rpc-error>`.
#[derive(Debug, Clone, PartialEq)]
pub struct RpcError {
    /// `error-type`
    pub error_type: ErrorType,
    /// `error-tag`
    pub error_tag: ErrorTag,
    /// `error-severity`
    pub error_severity: ErrorSeverity,
    /// `error-app-tag`
    pub error_app_tag: Option<String>,
    /// `error-path` (an XPath expression)
    pub error_path: Option<String>,
    /// `error-message`
    pub error_message: Option<ErrorMessage>,
    /// `error-info`
    pub error_info: ErrorInfo,
}

/// An `error-type` that RFC 6241 does not allow with the given tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("error-type '{error_type}' is not allowed with error-tag '{error_tag}'")]
pub struct DisallowedErrorType {
    /// The tag.
    pub error_tag: ErrorTag,
    /// The refused type.
    pub error_type: ErrorType,
}

impl RpcError {
    /// An error with the tag's default type and nothing else set.
    pub fn new(error_tag: ErrorTag) -> Self {
        RpcError {
            error_type: error_tag.default_type(),
            error_tag,
            error_severity: ErrorSeverity::Error,
            error_app_tag: None,
            error_path: None,
            error_message: None,
            error_info: ErrorInfo::default(),
        }
    }

    /// An error with an explicit type, checked against RFC 6241 Appendix A.
    pub fn with_type(
        error_tag: ErrorTag,
        error_type: ErrorType,
    ) -> Result<Self, DisallowedErrorType> {
        if !error_tag.allowed_types().contains(&error_type) {
            return Err(DisallowedErrorType {
                error_tag,
                error_type,
            });
        }
        Ok(RpcError {
            error_type,
            ..RpcError::new(error_tag)
        })
    }

    /// Sets the type without the Appendix A check, for device profiles that
    /// reproduce a real device's (non-conforming) choice.
    pub fn force_type(mut self, error_type: ErrorType) -> Self {
        self.error_type = error_type;
        self
    }

    /// Sets `error-message` (with `xml:lang="en"`).
    pub fn message(mut self, text: impl Into<String>) -> Self {
        self.error_message = Some(ErrorMessage {
            text: text.into(),
            lang: Some("en".to_owned()),
        });
        self
    }

    /// Sets `error-app-tag`.
    pub fn app_tag(mut self, tag: impl Into<String>) -> Self {
        self.error_app_tag = Some(tag.into());
        self
    }

    /// Sets `error-path`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.error_path = Some(path.into());
        self
    }

    /// Sets `error-info/bad-element`.
    pub fn bad_element(mut self, name: impl Into<String>) -> Self {
        self.error_info.bad_element = Some(name.into());
        self
    }

    /// Sets `error-info/bad-attribute`.
    pub fn bad_attribute(mut self, name: impl Into<String>) -> Self {
        self.error_info.bad_attribute = Some(name.into());
        self
    }

    /// Sets `error-info/bad-namespace`.
    pub fn bad_namespace(mut self, ns: impl Into<String>) -> Self {
        self.error_info.bad_namespace = Some(ns.into());
        self
    }

    /// Sets `error-info/session-id`.
    pub fn session_id(mut self, id: u32) -> Self {
        self.error_info.session_id = Some(id);
        self
    }

    /// `lock-denied` naming the session that holds the lock.
    pub fn lock_denied(holder: u32) -> Self {
        RpcError::new(ErrorTag::LockDenied)
            .session_id(holder)
            .message("Lock failed, lock is already held")
    }

    /// `in-use` naming the session that holds the lock.
    pub fn in_use(holder: u32) -> Self {
        RpcError::new(ErrorTag::InUse)
            .session_id(holder)
            .message("The datastore is locked by another session")
    }

    /// `operation-not-supported` for an operation or datastore by name.
    pub fn operation_not_supported(what: &str) -> Self {
        RpcError::new(ErrorTag::OperationNotSupported)
            .bad_element(what)
            .message(format!("'{what}' is not supported"))
    }

    /// `missing-element` (type protocol) naming the missing element.
    pub fn missing_element(name: &str) -> Self {
        RpcError::new(ErrorTag::MissingElement)
            .bad_element(name)
            .message(format!("missing element '{name}'"))
    }

    /// Writes `<rpc-error>` into `out` in the given style.
    pub fn write(&self, out: &mut Vec<u8>, style: ErrorStyle) {
        out.extend_from_slice(b"<rpc-error><error-type>");
        out.extend_from_slice(self.error_type.as_str().as_bytes());
        out.extend_from_slice(b"</error-type><error-tag>");
        out.extend_from_slice(self.error_tag.as_str().as_bytes());
        out.extend_from_slice(b"</error-tag><error-severity>");
        out.extend_from_slice(self.error_severity.as_str().as_bytes());
        out.extend_from_slice(b"</error-severity>");
        if style == ErrorStyle::Rfc {
            text_element(out, "error-app-tag", self.error_app_tag.as_deref());
            text_element(out, "error-path", self.error_path.as_deref());
            if let Some(m) = &self.error_message {
                out.extend_from_slice(b"<error-message");
                if let Some(lang) = &m.lang {
                    out.extend_from_slice(b" xml:lang=\"");
                    xml::escape_attr_into(lang, out);
                    out.push(b'"');
                }
                out.push(b'>');
                xml::escape_text_into(&m.text, out);
                out.extend_from_slice(b"</error-message>");
            }
            let info = &self.error_info;
            if !info.is_empty() {
                out.extend_from_slice(b"<error-info>");
                if let Some(id) = info.session_id {
                    out.extend_from_slice(format!("<session-id>{id}</session-id>").as_bytes());
                }
                text_element(out, "bad-attribute", info.bad_attribute.as_deref());
                text_element(out, "bad-element", info.bad_element.as_deref());
                text_element(out, "bad-namespace", info.bad_namespace.as_deref());
                for e in &info.ok_element {
                    text_element(out, "ok-element", Some(e));
                }
                for e in &info.err_element {
                    text_element(out, "err-element", Some(e));
                }
                for e in &info.noop_element {
                    text_element(out, "noop-element", Some(e));
                }
                for e in &info.other {
                    e.write_to(out);
                }
                out.extend_from_slice(b"</error-info>");
            }
        }
        out.extend_from_slice(b"</rpc-error>");
    }

    /// Reads an `<rpc-error>` element (namespaces ignored, as clients must
    /// also read devices that put errors in odd namespaces).
    pub fn from_element(e: &Element) -> Result<Self, ParseRpcErrorError> {
        let tag_text = e
            .child("error-tag")
            .map(|c| c.text())
            .ok_or(ParseRpcErrorError::Missing("error-tag"))?;
        let error_tag = ErrorTag::from_wire(tag_text.trim())
            .ok_or_else(|| ParseRpcErrorError::UnknownTag(tag_text.trim().to_owned()))?;
        let type_text = e
            .child("error-type")
            .map(|c| c.text())
            .ok_or(ParseRpcErrorError::Missing("error-type"))?;
        let error_type = ErrorType::from_wire(type_text.trim())
            .ok_or_else(|| ParseRpcErrorError::UnknownType(type_text.trim().to_owned()))?;
        let error_severity = match e.child("error-severity").map(|c| c.text()) {
            Some(s) if s.trim() == "warning" => ErrorSeverity::Warning,
            _ => ErrorSeverity::Error,
        };
        let opt = |name: &str| e.child(name).map(|c| c.text().into_owned());
        let error_message = e.child("error-message").map(|m| ErrorMessage {
            text: m.text().into_owned(),
            lang: m.attribute("lang").map(str::to_owned),
        });
        let mut error_info = ErrorInfo::default();
        if let Some(info) = e.child("error-info") {
            for c in info.child_elements() {
                let text = || c.text().trim().to_owned();
                match &*c.name {
                    "session-id" => error_info.session_id = text().parse().ok(),
                    "bad-attribute" => error_info.bad_attribute = Some(text()),
                    "bad-element" => error_info.bad_element = Some(text()),
                    "bad-namespace" => error_info.bad_namespace = Some(text()),
                    "ok-element" => error_info.ok_element.push(text()),
                    "err-element" => error_info.err_element.push(text()),
                    "noop-element" => error_info.noop_element.push(text()),
                    _ => error_info.other.push(c.clone()),
                }
            }
        }
        Ok(RpcError {
            error_type,
            error_tag,
            error_severity,
            error_app_tag: opt("error-app-tag"),
            error_path: opt("error-path"),
            error_message,
            error_info,
        })
    }
}

impl std::error::Error for RpcError {}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.error_type, self.error_tag)?;
        if let Some(m) = &self.error_message {
            write!(f, ": {}", m.text)?;
        }
        Ok(())
    }
}

/// An `<rpc-error>` element that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseRpcErrorError {
    /// A mandatory child is absent.
    #[error("rpc-error has no <{0}>")]
    Missing(&'static str),
    /// The tag is not one of RFC 6241's.
    #[error("unknown error-tag '{0}'")]
    UnknownTag(String),
    /// The type is not one of RFC 6241's.
    #[error("unknown error-type '{0}'")]
    UnknownType(String),
}

fn text_element(out: &mut Vec<u8>, name: &str, text: Option<&str>) {
    if let Some(t) = text {
        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
        xml::escape_text_into(t, out);
        out.extend_from_slice(b"</");
        out.extend_from_slice(name.as_bytes());
        out.push(b'>');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_and_index_matches_all() {
        for (i, t) in ErrorTag::ALL.iter().enumerate() {
            assert_eq!(ErrorTag::from_wire(t.as_str()), Some(*t));
            assert_eq!(t.index(), i);
            assert!(t.allowed_types().contains(&t.default_type()));
        }
        assert_eq!(ErrorTag::from_wire("nope"), None);
    }

    #[test]
    fn appendix_a_types_are_enforced() {
        assert!(RpcError::with_type(ErrorTag::LockDenied, ErrorType::Application).is_err());
        assert!(RpcError::with_type(ErrorTag::MalformedMessage, ErrorType::Rpc).is_ok());
        assert!(RpcError::with_type(ErrorTag::MalformedMessage, ErrorType::Protocol).is_err());
        assert!(RpcError::with_type(ErrorTag::TooBig, ErrorType::Transport).is_ok());
        assert_eq!(
            RpcError::new(ErrorTag::DataExists).error_type,
            ErrorType::Application
        );
        assert_eq!(
            RpcError::new(ErrorTag::MalformedMessage).error_type,
            ErrorType::Rpc
        );
    }

    #[test]
    fn cisco_minimal_has_exactly_three_children() {
        let e = RpcError::lock_denied(42);
        let mut out = Vec::new();
        e.write(&mut out, ErrorStyle::CiscoMinimal);
        assert_eq!(
            String::from_utf8_lossy(&out),
            "<rpc-error><error-type>protocol</error-type><error-tag>lock-denied</error-tag>\
             <error-severity>error</error-severity></rpc-error>"
        );
    }

    #[test]
    fn rfc_style_writes_every_member_and_reads_back() {
        let mut e = RpcError::with_type(ErrorTag::PartialOperation, ErrorType::Application)
            .map(|e| {
                e.app_tag("app")
                    .path("/a/b[c='<x>']")
                    .message("it & \"that\"")
                    .bad_attribute("operation")
                    .bad_element("config")
                    .bad_namespace("urn:x")
                    .session_id(7)
            })
            .unwrap_or_else(|_| RpcError::new(ErrorTag::PartialOperation));
        e.error_info.ok_element.push("a".into());
        e.error_info.err_element.push("b".into());
        e.error_info.noop_element.push("c".into());
        let mut out = Vec::new();
        e.write(&mut out, ErrorStyle::Rfc);
        let text = String::from_utf8_lossy(&out).into_owned();
        assert!(
            text.contains(
                "<error-message xml:lang=\"en\">it &amp; &quot;that&quot;</error-message>"
            ),
            "{text}"
        );
        assert!(
            text.contains("<error-path>/a/b[c='&lt;x&gt;']</error-path>"),
            "{text}"
        );
        let parsed = xml::parse(&out, &xml::Limits::default());
        let el = parsed.as_ref().map_err(|e| e.to_string());
        let back = el.map(|el| RpcError::from_element(el).map_err(|e| e.to_string()));
        assert_eq!(back, Ok(Ok(e)));
    }
}
