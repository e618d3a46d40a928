//! Device profiles: what a given IOS release's NETCONF agent looks like on
//! the wire. Profiles are data; [`Profile::by_name`] lists them.

use ironconf_model::platform::{C2960, CSR1000V, ISR2901, Platform};
use ironconf_proto::capability::{
    BASE_1_0, BASE_1_1, CISCO_NOTIFICATION, CISCO_PI_DATA_MODEL, INTERLEAVE, NOTIFICATION,
    ROLLBACK_ON_ERROR, STARTUP, URL, WRITABLE_RUNNING, WRITEABLE_RUNNING,
};
use ironconf_proto::message::{HelloStyle, OkStyle, ReplyNamespace, ReplyStyle};
use ironconf_proto::{ErrorStyle, ErrorTag};
use ironconf_session::MissingMessageId;

/// Line ends inside text payloads (`cli-config-data-block`, responses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEol {
    /// `\r\n`, as real IOS devices send.
    Crlf,
    /// `\n`.
    Lf,
}

impl TextEol {
    /// The line end.
    pub fn as_str(self) -> &'static str {
        match self {
            TextEol::Crlf => "\r\n",
            TextEol::Lf => "\n",
        }
    }
}

/// How session ids are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionIds {
    /// 32-bit values that are multiples of 8, like the low bits of the
    /// session's address on IOS.
    PointerLike,
    /// 1, 2, 3, …
    Sequential,
}

/// Everything that differs between emulated releases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Its name (`ios-xe-16`, `ios-15`, `ios-12-switch`, `standard`).
    pub name: &'static str,
    /// Capabilities in the hello, in order.
    pub capabilities: Vec<String>,
    /// How the hello is written.
    pub hello: HelloStyle,
    /// How replies are written.
    pub reply: ReplyStyle,
    /// `rpc` without `message-id`.
    pub missing_message_id: MissingMessageId,
    /// Tag for unparseable messages.
    pub malformed_tag: ErrorTag,
    /// Close on a client hello with `<session-id>`.
    pub reject_client_session_id: bool,
    /// Line ends in text payloads.
    pub text_eol: TextEol,
    /// Session id style.
    pub session_ids: SessionIds,
    /// `rollback-on-error` is offered.
    pub rollback_on_error: bool,
    /// The SSH server identification string.
    pub ssh_banner: &'static str,
    /// The flash file system.
    pub flash: FlashSpec,
    /// The release and hardware it is (`show version`, `show inventory`).
    pub platform: &'static Platform,
    /// A LAN switch: it has VLANs and a MAC address table (`show vlan`,
    /// `show mac address-table`); a router answers those with `% Invalid
    /// input`.
    pub switch: bool,
}

/// IOS XE's flash: `bootflash:` (with `flash:` as its alias), the size a
/// CSR1000v shows.
const IOS_XE_FLASH: FlashSpec = FlashSpec {
    name: "bootflash:",
    alias: Some("flash:"),
    capacity: 7_835_619_328,
};

fn caps(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn cisco_reply(namespace: ReplyNamespace) -> ReplyStyle {
    ReplyStyle {
        xml_declaration: true,
        namespace,
        namespace_first: true,
        ok: OkStyle::Spaced,
        errors: ErrorStyle::CiscoMinimal,
        frame: Default::default(),
    }
}

/// The capabilities of the IOS agents without rollback-on-error, in the
/// order they send them.
const IOS_CAPABILITIES: [&str; 6] = [
    BASE_1_0,
    WRITEABLE_RUNNING,
    STARTUP,
    URL,
    CISCO_PI_DATA_MODEL,
    CISCO_NOTIFICATION,
];

impl Profile {
    /// Names of every profile.
    pub const NAMES: [&'static str; 4] = ["ios-xe-16", "ios-15", "ios-12-switch", "standard"];

    /// An IOS agent: CRLF text, minimal errors, `<ok />`, pointer-like ids.
    fn ios(
        name: &'static str,
        old_namespaces: bool,
        rollback: bool,
        flash: FlashSpec,
        platform: &'static Platform,
    ) -> Profile {
        let mut capabilities = caps(&IOS_CAPABILITIES);
        if rollback {
            // IOS XE 16 lists it after writeable-running.
            capabilities.insert(2, ROLLBACK_ON_ERROR.to_owned());
        }
        Profile {
            name,
            capabilities,
            hello: HelloStyle {
                xml_declaration: true,
                namespace: !old_namespaces,
            },
            reply: cisco_reply(if old_namespaces {
                ReplyNamespace::LegacyCapabilityUrn
            } else {
                ReplyNamespace::Base
            }),
            missing_message_id: MissingMessageId::Accept,
            malformed_tag: ErrorTag::OperationFailed,
            reject_client_session_id: false,
            text_eol: TextEol::Crlf,
            session_ids: SessionIds::PointerLike,
            rollback_on_error: rollback,
            ssh_banner: "SSH-2.0-Cisco-1.25",
            flash,
            platform,
            switch: false,
        }
    }

    /// A profile by name.
    pub fn by_name(name: &str) -> Option<Profile> {
        Some(match name {
            "ios-xe-16" => Profile::ios("ios-xe-16", false, true, IOS_XE_FLASH, &CSR1000V),
            // An ISR's flash; a Catalyst 2960's.
            "ios-15" => Profile::ios(
                "ios-15",
                false,
                false,
                FlashSpec {
                    name: "flash:",
                    alias: None,
                    capacity: 256_856_064,
                },
                &ISR2901,
            ),
            "ios-12-switch" => Profile {
                switch: true,
                ..Profile::ios(
                    "ios-12-switch",
                    true,
                    false,
                    FlashSpec {
                        name: "flash:",
                        alias: None,
                        capacity: 64_016_384,
                    },
                    &C2960,
                )
            },
            "standard" => Profile {
                name: "standard",
                capabilities: {
                    let mut c = caps(&[
                        BASE_1_0,
                        BASE_1_1,
                        WRITABLE_RUNNING,
                        ROLLBACK_ON_ERROR,
                        STARTUP,
                    ]);
                    // RFC 6241 §8.8: the schemes `<url>` takes.
                    c.push(format!("{URL}?scheme=file,tftp,http,scp"));
                    // RFC 5277: subscriptions, answered while subscribed.
                    c.push(NOTIFICATION.to_owned());
                    c.push(INTERLEAVE.to_owned());
                    c
                },
                hello: HelloStyle::default(),
                reply: ReplyStyle::default(),
                missing_message_id: MissingMessageId::Reject,
                malformed_tag: ErrorTag::MalformedMessage,
                reject_client_session_id: true,
                text_eol: TextEol::Lf,
                session_ids: SessionIds::Sequential,
                rollback_on_error: true,
                ssh_banner: "SSH-2.0-ironconf",
                flash: IOS_XE_FLASH,
                platform: &CSR1000V,
                switch: false,
            },
            _ => return None,
        })
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile::ios("ios-xe-16", false, true, IOS_XE_FLASH, &CSR1000V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_profile_exists_and_speaks_base_1_0() {
        for n in Profile::NAMES {
            let p = Profile::by_name(n);
            assert!(
                p.as_ref()
                    .is_some_and(|p| p.capabilities.first().map(String::as_str) == Some(BASE_1_0)),
                "{n}"
            );
        }
        assert!(Profile::by_name("nope").is_none());
        assert_eq!(Profile::default().name, "ios-xe-16");
    }
}

/// What a profile's flash looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlashSpec {
    /// Its prefix (`bootflash:`, `flash:`).
    pub name: &'static str,
    /// Another prefix for it (`flash:` on IOS XE).
    pub alias: Option<&'static str>,
    /// Its size in bytes.
    pub capacity: u64,
}
