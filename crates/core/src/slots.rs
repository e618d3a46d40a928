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
