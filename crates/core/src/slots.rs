//! The features' state, kept under the device's one lock.

use std::any::Any;

/// The features' state, one value per type, under the device's lock.
/// A slot is made (its type's `Default`) when first used, so a device
/// untouched by a feature pays nothing for it.
#[derive(Default)]
pub struct Slots {
    slots: Vec<Box<dyn Any + Send>>,
}

impl std::fmt::Debug for Slots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slots")
            .field("len", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl Slots {
    /// The slot of type `S`, if it was made.
    pub fn get<S: Any + Send>(&self) -> Option<&S> {
        self.slots.iter().find_map(|s| s.downcast_ref::<S>())
    }

    /// Calls `f` with the slot of type `S`, made first if need be.
    pub fn with<S: Any + Send + Default, R>(&mut self, f: impl FnOnce(&mut S) -> R) -> R {
        match self.slots.iter_mut().find_map(|s| s.downcast_mut::<S>()) {
            Some(slot) => f(slot),
            None => {
                let mut slot = S::default();
                let r = f(&mut slot);
                self.slots.push(Box::new(slot));
                r
            }
        }
    }

    /// Puts `value` in its slot, replacing what was there.
    pub fn put<S: Any + Send>(&mut self, value: S) {
        match self.slots.iter_mut().find(|s| s.is::<S>()) {
            Some(slot) => *slot = Box::new(value),
            None => self.slots.push(Box::new(value)),
        }
    }
}

/// What the features keep outside the device's lock: handles (a sender, a
/// store, a cache), one value per type, set and read whole. A device that
/// has none pays for none.
#[derive(Default)]
pub struct Handles {
    items: std::sync::Mutex<Vec<Box<dyn Any + Send + Sync>>>,
}

impl std::fmt::Debug for Handles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handles").finish_non_exhaustive()
    }
}

impl Handles {
    /// The handle of type `H`, if one is set.
    pub fn get<H: Any + Clone + Send + Sync>(&self) -> Option<H> {
        let items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.iter().find_map(|h| h.downcast_ref::<H>()).cloned()
    }

    /// Sets the handle of type `H` (`None` removes it).
    pub fn set<H: Any + Clone + Send + Sync>(&self, value: Option<H>) {
        let mut items = self.items.lock().unwrap_or_else(|p| p.into_inner());
        items.retain(|h| !h.is::<H>());
        if let Some(v) = value {
            items.push(Box::new(v));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    struct Sender(u32);

    #[derive(Clone, Debug, PartialEq)]
    struct Store(&'static str);

    #[test]
    fn a_handle_is_kept_by_its_type_and_replaced_whole() {
        let h = Handles::default();
        assert_eq!(h.get::<Sender>(), None);
        h.set(Some(Sender(1)));
        h.set(Some(Store("flash")));
        h.set(Some(Sender(2)));
        assert_eq!(h.get::<Sender>(), Some(Sender(2)));
        assert_eq!(h.get::<Store>(), Some(Store("flash")));
        h.set::<Sender>(None);
        assert_eq!(h.get::<Sender>(), None);
        assert_eq!(h.get::<Store>(), Some(Store("flash")));
    }

    #[test]
    fn a_slot_is_made_on_first_use() {
        let mut s = Slots::default();
        assert!(s.get::<u32>().is_none());
        s.with(|n: &mut u32| *n += 3);
        s.with(|n: &mut u32| *n += 1);
        assert_eq!(s.get::<u32>(), Some(&4));
    }
}
