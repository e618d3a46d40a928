//! The operations as request bodies (the element inside `<rpc>`), named
//! after RFC 6241 and Cisco's IOS formats. Every text is escaped here, so
//! a caller's CLI line can never break the XML.

use std::fmt;
use std::str::FromStr;

use ironconf_proto::xml::escape_text;

use crate::error::ClientError;

/// A configuration datastore, or a URL where the server offers `:url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Datastore {
    /// `<running/>`
    Running,
    /// `<startup/>`
    Startup,
    /// `<candidate/>`
    Candidate,
    /// `<url>…</url>`
    Url(String),
}

impl Datastore {
    fn xml(&self) -> String {
        match self {
            Datastore::Running => "<running/>".into(),
            Datastore::Startup => "<startup/>".into(),
            Datastore::Candidate => "<candidate/>".into(),
            Datastore::Url(u) => format!("<url>{}</url>", escape_text(u)),
        }
    }
}

impl FromStr for Datastore {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Self, ClientError> {
        Ok(match s {
            "running" | "running-config" => Datastore::Running,
            "startup" | "startup-config" => Datastore::Startup,
            "candidate" => Datastore::Candidate,
            u if u.contains(':') => Datastore::Url(u.to_owned()),
            other => {
                return Err(ClientError::Request(format!(
                    "unknown datastore '{other}' (running, startup, candidate or a URL)"
                )));
            }
        })
    }
}

impl fmt::Display for Datastore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Datastore::Running => f.write_str("running"),
            Datastore::Startup => f.write_str("startup"),
            Datastore::Candidate => f.write_str("candidate"),
            Datastore::Url(u) => f.write_str(u),
        }
    }
}

/// A `<filter>` for `get` and `get-config`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    /// No filter: everything.
    #[default]
    None,
    /// Cisco `config-format-text-cmd` (a `<cmd>` per line), with an
    /// optional `text-filter-spec` (`interface Loopback1`, `| include x`).
    TextCmd(Option<String>),
    /// Cisco `config-format-text-block` (one text), with an optional spec.
    TextBlock(Option<String>),
    /// An RFC 6241 subtree filter (the XML inside `<filter>`).
    Subtree(String),
    /// An XPath filter (`:xpath` capability).
    XPath(String),
}

impl Filter {
    fn xml(&self) -> String {
        let spec = |s: &Option<String>| match s {
            Some(s) => format!("<text-filter-spec>{}</text-filter-spec>", escape_text(s)),
            None => String::new(),
        };
        match self {
            Filter::None => String::new(),
            Filter::TextCmd(s) => format!(
                "<filter><config-format-text-cmd>{}</config-format-text-cmd></filter>",
                spec(s)
            ),
            Filter::TextBlock(s) => format!(
                "<filter><config-format-text-block>{}</config-format-text-block></filter>",
                spec(s)
            ),
            Filter::Subtree(x) => format!("<filter type=\"subtree\">{x}</filter>"),
            Filter::XPath(x) => format!(
                "<filter type=\"xpath\" select=\"{}\"/>",
                escape_text(x).replace('"', "&quot;")
            ),
        }
    }
}

/// The `<config>` of an `edit-config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Config {
    /// IOS commands, one `<cmd>` each (`cli-config-data`).
    Cli(Vec<String>),
    /// IOS commands as one text (`cli-config-data-block`).
    CliBlock(String),
    /// XML for `<config>`, as given.
    Xml(String),
}

impl Config {
    /// IOS commands from a text, a line each (blank lines dropped).
    pub fn cli_lines(text: &str) -> Config {
        Config::Cli(
            text.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect(),
        )
    }
}

/// `error-option`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorOption {
    /// `stop-on-error`
    StopOnError,
    /// `continue-on-error`
    ContinueOnError,
    /// `rollback-on-error`
    RollbackOnError,
}

impl FromStr for ErrorOption {
    type Err = ClientError;

    fn from_str(s: &str) -> Result<Self, ClientError> {
        Ok(match s {
            "stop-on-error" | "stop" => ErrorOption::StopOnError,
            "continue-on-error" | "continue" => ErrorOption::ContinueOnError,
            "rollback-on-error" | "rollback" => ErrorOption::RollbackOnError,
            other => {
                return Err(ClientError::Request(format!(
                    "unknown error-option '{other}' (stop-on-error, continue-on-error, rollback-on-error)"
                )));
            }
        })
    }
}

/// `edit-config` parameters besides target and config.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditOptions {
    /// `default-operation` (merge, replace, none).
    pub default_operation: Option<String>,
    /// `test-option` (test-then-set, set, test-only).
    pub test_option: Option<String>,
    /// `error-option`.
    pub error_option: Option<ErrorOption>,
}

/// `<get-config>`
pub fn get_config(source: &Datastore, filter: &Filter) -> String {
    format!(
        "<get-config><source>{}</source>{}</get-config>",
        source.xml(),
        filter.xml()
    )
}

/// `<get>`
pub fn get(filter: &Filter) -> String {
    format!("<get>{}</get>", filter.xml())
}

/// `<edit-config>`
pub fn edit_config(target: &Datastore, config: &Config, options: &EditOptions) -> String {
    let mut s = format!("<edit-config><target>{}</target>", target.xml());
    if let Some(d) = &options.default_operation {
        s.push_str(&format!(
            "<default-operation>{}</default-operation>",
            escape_text(d)
        ));
    }
    if let Some(t) = &options.test_option {
        s.push_str(&format!("<test-option>{}</test-option>", escape_text(t)));
    }
    if let Some(e) = options.error_option {
        let e = match e {
            ErrorOption::StopOnError => "stop-on-error",
            ErrorOption::ContinueOnError => "continue-on-error",
            ErrorOption::RollbackOnError => "rollback-on-error",
        };
        s.push_str(&format!("<error-option>{e}</error-option>"));
    }
    s.push_str("<config>");
    match config {
        Config::Cli(lines) => {
            s.push_str("<cli-config-data>");
            for l in lines {
                s.push_str("<cmd>");
                s.push_str(&escape_text(l));
                s.push_str("</cmd>");
            }
            s.push_str("</cli-config-data>");
        }
        Config::CliBlock(text) => {
            s.push_str("<cli-config-data-block>");
            s.push_str(&escape_text(text));
            s.push_str("</cli-config-data-block>");
        }
        Config::Xml(x) => s.push_str(x),
    }
    s.push_str("</config></edit-config>");
    s
}

/// `<copy-config>`
pub fn copy_config(target: &Datastore, source: &Datastore) -> String {
    format!(
        "<copy-config><target>{}</target><source>{}</source></copy-config>",
        target.xml(),
        source.xml()
    )
}

/// `<delete-config>`
pub fn delete_config(target: &Datastore) -> String {
    format!(
        "<delete-config><target>{}</target></delete-config>",
        target.xml()
    )
}

/// `<lock>`
pub fn lock(target: &Datastore) -> String {
    format!("<lock><target>{}</target></lock>", target.xml())
}

/// `<unlock>`
pub fn unlock(target: &Datastore) -> String {
    format!("<unlock><target>{}</target></unlock>", target.xml())
}

/// `<kill-session>`
pub fn kill_session(session_id: u32) -> String {
    format!("<kill-session><session-id>{session_id}</session-id></kill-session>")
}

/// `<close-session>`
pub fn close_session() -> String {
    "<close-session/>".into()
}

/// `<get>` with Cisco's `oper-data-format-text-block`: runs EXEC commands.
pub fn exec(commands: &[String]) -> String {
    let mut s = String::from("<get><filter><oper-data-format-text-block>");
    for c in commands {
        s.push_str("<exec>");
        s.push_str(&escape_text(c));
        s.push_str("</exec>");
    }
    s.push_str("</oper-data-format-text-block></filter></get>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_escape_and_nest() {
        assert_eq!(
            get_config(
                &Datastore::Running,
                &Filter::TextCmd(Some("| include a<b".into()))
            ),
            "<get-config><source><running/></source><filter><config-format-text-cmd><text-filter-spec>| include a&lt;b</text-filter-spec></config-format-text-cmd></filter></get-config>"
        );
        let e = edit_config(
            &Datastore::Running,
            &Config::cli_lines("interface Loopback1\n description x & y\n\n"),
            &EditOptions {
                error_option: Some(ErrorOption::RollbackOnError),
                ..Default::default()
            },
        );
        assert_eq!(
            e,
            "<edit-config><target><running/></target><error-option>rollback-on-error</error-option><config><cli-config-data><cmd>interface Loopback1</cmd><cmd> description x &amp; y</cmd></cli-config-data></config></edit-config>"
        );
        assert_eq!(
            exec(&["show version".into()]),
            "<get><filter><oper-data-format-text-block><exec>show version</exec></oper-data-format-text-block></filter></get>"
        );
        assert!(matches!("startup".parse(), Ok(Datastore::Startup)));
        assert!("flash".parse::<Datastore>().is_err());
        assert!(
            Filter::XPath("/a[b=\"c\"]".into())
                .xml()
                .contains("select=\"/a[b=&quot;c&quot;]\"")
        );
    }
}
