//! Events as a feature: a committed change is published to the
//! notification subscribers (RFC 6470's `netconf-config-change`, Cisco's
//! legacy notification), logged (`%SYS-5-CONFIG_I` for a NETCONF change;
//! the shell logs its own when its configuration session ends) and its
//! interfaces' link messages written; subscriptions end at their
//! `stopTime`.

use std::time::Instant;

use crate::device::Device;
use crate::feature::{Committed, Feature, Timers};
use crate::notify::Notifications;

/// The events feature.
pub(crate) struct Events;

impl Feature for Events {
    fn name(&self) -> &'static str {
        "events"
    }

    fn react(&self, device: &Device, change: &Committed) {
        if !change.commands.is_empty() {
            device.publish_config_change(&change.by, &change.commands);
            if change.by.session.is_some() {
                device.log_configured("NETCONF", &change.by.user, change.by.line);
            }
        }
        // Links come up at boot without a message of their own here.
        if !change.boot {
            device.log_link_changes(&change.changes);
        }
    }

    fn poll_timeout(&self, timers: &Timers<'_>) -> Option<Instant> {
        // A subscription's stopTime is calendar time.
        let stop = timers
            .slots
            .get::<Notifications>()?
            .subscriptions
            .values()
            .filter_map(|s| s.stop)
            .min()?;
        Some(timers.deadline(stop))
    }

    fn handle_timeout(&self, device: &Device, _now: Instant) {
        device.end_due_subscriptions();
    }
}
