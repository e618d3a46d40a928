//! Capability URIs (RFC 6241 section 8, RFC 6242, Cisco's IOS agent).

use crate::framing::Framing;

/// `urn:ietf:params:netconf:base:1.0`
pub const BASE_1_0: &str = "urn:ietf:params:netconf:base:1.0";
/// `urn:ietf:params:netconf:base:1.1`
pub const BASE_1_1: &str = "urn:ietf:params:netconf:base:1.1";
/// The pre-RFC base URN some clients (and Cisco's own examples) put in their
/// hello; read as base:1.0.
pub const LEGACY_BASE_1_0: &str = "urn:ietf:params:xml:ns:netconf:base:1.0";
/// RFC 6241's `:writable-running`.
pub const WRITABLE_RUNNING: &str = "urn:ietf:params:netconf:capability:writable-running:1.0";
/// The IOS spelling of `:writable-running` (with an "e"), seen on every IOS device.
pub const WRITEABLE_RUNNING: &str = "urn:ietf:params:netconf:capability:writeable-running:1.0";
/// `:candidate`
pub const CANDIDATE: &str = "urn:ietf:params:netconf:capability:candidate:1.0";
/// `:confirmed-commit:1.0`
pub const CONFIRMED_COMMIT_1_0: &str = "urn:ietf:params:netconf:capability:confirmed-commit:1.0";
/// `:confirmed-commit:1.1`
pub const CONFIRMED_COMMIT_1_1: &str = "urn:ietf:params:netconf:capability:confirmed-commit:1.1";
/// `:rollback-on-error`
pub const ROLLBACK_ON_ERROR: &str = "urn:ietf:params:netconf:capability:rollback-on-error:1.0";
/// `:validate:1.0`
pub const VALIDATE_1_0: &str = "urn:ietf:params:netconf:capability:validate:1.0";
/// `:validate:1.1`
pub const VALIDATE_1_1: &str = "urn:ietf:params:netconf:capability:validate:1.1";
/// `:startup`
pub const STARTUP: &str = "urn:ietf:params:netconf:capability:startup:1.0";
/// `:url` (scheme list in a `?scheme=` parameter)
pub const URL: &str = "urn:ietf:params:netconf:capability:url:1.0";
/// `:xpath`
pub const XPATH: &str = "urn:ietf:params:netconf:capability:xpath:1.0";
/// RFC 5277 `:notification`
pub const NOTIFICATION: &str = "urn:ietf:params:netconf:capability:notification:1.0";
/// RFC 5277 `:interleave`
pub const INTERLEAVE: &str = "urn:ietf:params:netconf:capability:interleave:1.0";
/// RFC 6243 `:with-defaults`
pub const WITH_DEFAULTS: &str = "urn:ietf:params:netconf:capability:with-defaults:1.0";
/// Cisco's XML-PI data model.
pub const CISCO_PI_DATA_MODEL: &str = "urn:cisco:params:netconf:capability:pi-data-model:1.0";
/// Cisco's pre-RFC 5277 configuration-change notifications.
pub const CISCO_NOTIFICATION: &str = "urn:cisco:params:netconf:capability:notification:1.0";

/// Capabilities this library knows by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Known {
    /// base:1.0 (either URN).
    Base10,
    /// base:1.1.
    Base11,
    /// writable-running (either spelling).
    WritableRunning,
    /// candidate
    Candidate,
    /// confirmed-commit 1.0 or 1.1
    ConfirmedCommit,
    /// rollback-on-error
    RollbackOnError,
    /// validate 1.0 or 1.1
    Validate,
    /// startup
    Startup,
    /// url
    Url,
    /// xpath
    Xpath,
    /// RFC 5277 notification
    Notification,
    /// interleave
    Interleave,
    /// with-defaults
    WithDefaults,
    /// Cisco pi-data-model
    CiscoPiDataModel,
    /// Cisco notification
    CiscoNotification,
}

/// A capability URI split into its base and `?key=value&…` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    /// The URI as received, trimmed.
    pub uri: String,
    base_len: usize,
}

impl Capability {
    /// Parses a capability string; surrounding whitespace is trimmed (Cisco's
    /// documentation puts each URN on its own indented line).
    pub fn parse(text: &str) -> Self {
        let uri = text.trim().to_owned();
        let base_len = uri.find('?').unwrap_or(uri.len());
        Capability { uri, base_len }
    }

    /// The URI without parameters.
    pub fn base(&self) -> &str {
        &self.uri[..self.base_len]
    }

    /// The parameters in order.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.uri
            .get(self.base_len + 1..)
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
    }

    /// One parameter's value.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// `module=` (YANG module capabilities).
    pub fn module(&self) -> Option<&str> {
        self.param("module")
    }

    /// `revision=`
    pub fn revision(&self) -> Option<&str> {
        self.param("revision")
    }

    /// `features=`, split at commas.
    pub fn features(&self) -> Vec<&str> {
        self.param("features")
            .map(|f| f.split(',').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    /// `scheme=` of `:url`, split at commas.
    pub fn schemes(&self) -> Vec<&str> {
        self.param("scheme")
            .map(|f| f.split(',').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    }

    /// What the capability means, if this library knows it.
    pub fn known(&self) -> Option<Known> {
        Some(match self.base() {
            BASE_1_0 | LEGACY_BASE_1_0 => Known::Base10,
            BASE_1_1 => Known::Base11,
            WRITABLE_RUNNING | WRITEABLE_RUNNING => Known::WritableRunning,
            CANDIDATE => Known::Candidate,
            CONFIRMED_COMMIT_1_0 | CONFIRMED_COMMIT_1_1 => Known::ConfirmedCommit,
            ROLLBACK_ON_ERROR => Known::RollbackOnError,
            VALIDATE_1_0 | VALIDATE_1_1 => Known::Validate,
            STARTUP => Known::Startup,
            URL => Known::Url,
            XPATH => Known::Xpath,
            NOTIFICATION => Known::Notification,
            INTERLEAVE => Known::Interleave,
            WITH_DEFAULTS => Known::WithDefaults,
            CISCO_PI_DATA_MODEL => Known::CiscoPiDataModel,
            CISCO_NOTIFICATION => Known::CiscoNotification,
            _ => return None,
        })
    }
}

/// Which base versions a capability list offers.
pub fn base_versions<'a>(caps: impl IntoIterator<Item = &'a str>) -> (bool, bool) {
    let mut v10 = false;
    let mut v11 = false;
    for c in caps {
        match Capability::parse(c).known() {
            Some(Known::Base10) => v10 = true,
            Some(Known::Base11) => v11 = true,
            _ => {}
        }
    }
    (v10, v11)
}

/// The framing both sides can use: chunked when both offer base:1.1,
/// end-of-message when both offer base:1.0, `None` when they share no base.
pub fn negotiate<'a, 'b>(
    ours: impl IntoIterator<Item = &'a str>,
    theirs: impl IntoIterator<Item = &'b str>,
) -> Option<Framing> {
    let (o10, o11) = base_versions(ours);
    let (t10, t11) = base_versions(theirs);
    if o11 && t11 {
        Some(Framing::Chunked)
    } else if o10 && t10 {
        Some(Framing::EndOfMessage)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse() {
        let c = Capability::parse(
            "  urn:ietf:params:xml:ns:yang:ietf-interfaces?module=ietf-interfaces&revision=2014-05-08&features=a,b\n",
        );
        assert_eq!(c.base(), "urn:ietf:params:xml:ns:yang:ietf-interfaces");
        assert_eq!(c.module(), Some("ietf-interfaces"));
        assert_eq!(c.revision(), Some("2014-05-08"));
        assert_eq!(c.features(), vec!["a", "b"]);
        let u =
            Capability::parse("urn:ietf:params:netconf:capability:url:1.0?scheme=http,ftp,file");
        assert_eq!(u.known(), Some(Known::Url));
        assert_eq!(u.schemes(), vec!["http", "ftp", "file"]);
        assert_eq!(Capability::parse(URL).schemes(), Vec::<&str>::new());
    }

    #[test]
    fn both_running_spellings_are_known() {
        assert_eq!(
            Capability::parse(WRITEABLE_RUNNING).known(),
            Some(Known::WritableRunning)
        );
        assert_eq!(
            Capability::parse(WRITABLE_RUNNING).known(),
            Some(Known::WritableRunning)
        );
        assert_eq!(
            Capability::parse(CISCO_PI_DATA_MODEL).known(),
            Some(Known::CiscoPiDataModel)
        );
    }

    #[test]
    fn negotiation() {
        assert_eq!(
            negotiate([BASE_1_0, BASE_1_1], [BASE_1_1]),
            Some(Framing::Chunked)
        );
        assert_eq!(
            negotiate([BASE_1_0], [BASE_1_0, BASE_1_1]),
            Some(Framing::EndOfMessage)
        );
        assert_eq!(
            negotiate([BASE_1_0], [LEGACY_BASE_1_0]),
            Some(Framing::EndOfMessage)
        );
        assert_eq!(negotiate([BASE_1_0], [BASE_1_1]), None);
        assert_eq!(
            negotiate([BASE_1_0], [" urn:ietf:params:netconf:base:1.0\n"]),
            Some(Framing::EndOfMessage)
        );
    }
}
