//! Transactions: every top-level item a change touches is kept as it was;
//! rollback restores them, commit turns them into a diff.

use super::{Config, Order, item_identity, render_item_lines};
use crate::catalogue::Catalogue;

/// One changed top-level item: its lines before and after.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemChange {
    /// Rendered lines before (empty if it was created).
    pub before: Vec<String>,
    /// Rendered lines after (empty if it was removed).
    pub after: Vec<String>,
}

impl ItemChange {
    /// Lines present after and not before, with their section header.
    pub fn added(&self) -> Vec<String> {
        diff_lines(&self.after, &self.before)
    }

    /// Lines present before and not after, with their section header.
    pub fn removed(&self) -> Vec<String> {
        diff_lines(&self.before, &self.after)
    }
}

pub(super) fn diff_lines(a: &[String], b: &[String]) -> Vec<String> {
    let mut out: Vec<String> = a.iter().filter(|l| !b.contains(l)).cloned().collect();
    // Keep the section header for context when only body lines changed.
    if let (Some(h), Some(first)) = (a.first(), out.first())
        && first != h
        && first.starts_with(' ')
    {
        out.insert(0, h.clone());
    }
    out
}

impl Config {
    /// Starts a transaction (nested calls join the open one).
    pub fn begin(&mut self) {
        if self.saved.is_none() {
            self.saved = Some(Vec::new());
            self.position_at_begin = self.last_position;
        }
    }

    /// Ends the transaction; returns what changed, per top-level item.
    pub fn commit(&mut self, cat: &Catalogue) -> Vec<ItemChange> {
        let changes = self.pending_changes(cat);
        self.saved = None;
        self.touched.clear();
        changes
    }

    /// What the open transaction has changed so far, per top-level item
    /// (empty when none is open).
    pub fn pending_changes(&self, cat: &Catalogue) -> Vec<ItemChange> {
        let mut changes = Vec::new();
        for (order, before) in self.saved.iter().flatten() {
            let before = before
                .as_ref()
                .map(|i| render_item_lines(cat, i))
                .unwrap_or_default();
            let after = self
                .top
                .get(order)
                .map(|i| render_item_lines(cat, i))
                .unwrap_or_default();
            if before != after {
                changes.push(ItemChange { before, after });
            }
        }
        changes
    }

    /// Undoes everything since [`Config::begin`].
    pub fn rollback(&mut self, cat: &Catalogue) {
        let saved = self.saved.take().unwrap_or_default();
        self.touched.clear();
        // A verbatim line after the rollback goes where it would have gone
        // had the batch never run.
        self.last_position = self.position_at_begin;
        for (order, before) in saved.into_iter().rev() {
            if let Some(current) = self.top.remove(&order)
                && let Some(id) = item_identity(cat, &current)
            {
                self.index_remove(&id, order);
            }
            if let Some(item) = before {
                let id = item_identity(cat, &item);
                self.top.insert(order, item);
                if let Some(id) = id {
                    self.index_insert(cat, id, order);
                }
            }
        }
    }

    pub(super) fn touch(&mut self, order: Order) {
        if let Some(saved) = &mut self.saved
            && self.touched.insert(order)
        {
            saved.push((order, self.top.get(&order).cloned()));
        }
    }
}
