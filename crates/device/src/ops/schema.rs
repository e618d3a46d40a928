//! The agent's accepted-element tree, printed by `show netconf schema`:
//! one element per line, two spaces per level, `<name> [min, max]` and
//! `required` where a request must carry it. The operations listed are the
//! ones [`super::dispatch`] (and the session, for `close-session`) answer;
//! a test keeps the two in step.

/// (depth, name, min, max (`None`: unbounded), required)
type Node = (u8, &'static str, u32, Option<u32>, bool);

const TREE: &[Node] = &[
    (0, "VirtualRootTag", 0, Some(1), false),
    (1, "rpc-reply", 0, Some(1), false),
    (2, "ok", 0, Some(1), false),
    (2, "data", 0, Some(1), false),
    (2, "rpc-error", 0, None, false),
    (3, "error-type", 1, Some(1), true),
    (3, "error-tag", 1, Some(1), true),
    (3, "error-severity", 1, Some(1), true),
    (3, "error-app-tag", 0, Some(1), false),
    (3, "error-path", 0, Some(1), false),
    (3, "error-message", 0, Some(1), false),
    (3, "error-info", 0, Some(1), false),
    (1, "hello", 0, Some(1), false),
    (2, "capabilities", 1, Some(1), true),
    (3, "capability", 1, None, true),
    (2, "session-id", 0, Some(1), false),
    (1, "rpc", 0, Some(1), false),
    (2, "close-session", 0, Some(1), false),
    (2, "lock", 0, Some(1), false),
    (3, "target", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (2, "unlock", 0, Some(1), false),
    (3, "target", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (2, "get-config", 0, Some(1), false),
    (3, "source", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (3, "filter", 0, Some(1), false),
    (4, "config-format-text-cmd", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (4, "config-format-text-block", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (4, "config-format-xml", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (2, "edit-config", 0, Some(1), false),
    (3, "target", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (3, "test-option", 0, Some(1), false),
    (3, "error-option", 0, Some(1), false),
    (3, "config", 1, Some(1), true),
    (4, "cli-config-data", 0, Some(1), false),
    (5, "cmd", 0, None, false),
    (4, "cli-config-data-block", 0, Some(1), false),
    (4, "xml-config-data", 0, Some(1), false),
    (5, "Device-Configuration", 1, Some(1), true),
    (2, "get", 0, Some(1), false),
    (3, "filter", 0, Some(1), false),
    (4, "config-format-text-cmd", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (4, "config-format-text-block", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (4, "config-format-xml", 0, Some(1), false),
    (5, "text-filter-spec", 0, Some(1), false),
    (4, "oper-data-format-text-block", 0, Some(1), false),
    (5, "show", 0, None, false),
    (5, "exec", 0, None, false),
    (4, "oper-data-format-xml", 0, Some(1), false),
    (5, "show", 0, None, false),
    (2, "kill-session", 0, Some(1), false),
    (3, "session-id", 1, Some(1), true),
    (2, "copy-config", 0, Some(1), false),
    (3, "target", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (3, "source", 1, Some(1), true),
    (4, "running", 0, Some(1), false),
    (4, "startup", 0, Some(1), false),
    (2, "delete-config", 0, Some(1), false),
    (3, "target", 1, Some(1), true),
    (4, "startup", 0, Some(1), false),
    (1, "notification", 0, Some(1), false),
    (2, "eventTime", 1, Some(1), true),
];

/// `show netconf schema`.
pub fn show_netconf_schema() -> String {
    let mut out = String::from("New Name Space 'urn:ietf:params:xml:ns:netconf:base:1.0'\n");
    for (depth, name, min, max, required) in TREE {
        let max = max.map_or("unbounded".to_owned(), |m| m.to_string());
        let indent = "  ".repeat(usize::from(*depth));
        let req = if *required { " required" } else { "" };
        out.push_str(&format!("{indent}<{name}> [{min}, {max}]{req}\n"));
    }
    out
}

/// The operations the tree lists under `<rpc>`.
pub fn operations() -> impl Iterator<Item = &'static str> {
    let start = TREE.iter().position(|n| n.1 == "rpc" && n.0 == 1);
    TREE.iter()
        .skip(start.map_or(TREE.len(), |i| i + 1))
        .take_while(|n| n.0 >= 2)
        .filter(|n| n.0 == 2)
        .map(|n| n.1)
}
