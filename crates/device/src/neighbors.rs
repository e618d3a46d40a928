//! What LLDP and CDP hear: set by a fleet (its links) or an embedder.

use crate::device::Device;
use crate::features::Neighbor;

/// What LLDP and CDP hear, kept as the device's handle.
#[derive(Clone)]
struct Neighbors(std::sync::Arc<Vec<Neighbor>>);

impl Device {
    /// What LLDP and CDP hear on this device's interfaces (a fleet's links
    /// between devices, or an embedder's): shown by `show lldp neighbors`
    /// and `show cdp neighbors` while those run.
    pub fn set_neighbors(&self, neighbors: Vec<Neighbor>) {
        self.set_handle(Some(Neighbors(std::sync::Arc::new(neighbors))));
    }

    /// What LLDP and CDP hear.
    pub fn neighbors(&self) -> std::sync::Arc<Vec<Neighbor>> {
        self.handle::<Neighbors>().map(|n| n.0).unwrap_or_default()
    }
}
