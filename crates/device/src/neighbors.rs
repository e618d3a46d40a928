//! What LLDP and CDP hear: set by a fleet (its links) or an embedder.

use crate::device::Device;
use crate::features::Neighbor;

impl Device {
    /// What LLDP and CDP hear on this device's interfaces (a fleet's links
    /// between devices, or an embedder's): shown by `show lldp neighbors`
    /// and `show cdp neighbors` while those run.
    pub fn set_neighbors(&self, neighbors: Vec<Neighbor>) {
        *self
            .shared
            .parts
            .neighbors
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(std::sync::Arc::new(neighbors));
    }

    /// What LLDP and CDP hear.
    pub fn neighbors(&self) -> std::sync::Arc<Vec<Neighbor>> {
        self.shared
            .parts
            .neighbors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default()
    }
}
