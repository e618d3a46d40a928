//! The IOS configuration engine: the running-config as IOS CLI text, with
//! a command catalogue kept as data, configuration modes, `no` and
//! `default` forms, canonical rendering and `show running-config` filters.
//! Independent of NETCONF and SSH.

pub mod aaa;
pub mod apply;
pub mod catalogue;
pub mod change;
pub mod check;
pub mod config;
pub mod diff;
pub mod filter;
pub mod param;
pub mod parse;
pub mod secret;
pub mod settings;
pub mod xmlpi;
