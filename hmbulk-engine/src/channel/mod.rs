//! A contact's channels: the phones and emails it holds besides its own.
//! [`ChannelKind`] is the word every stage shares (the mapping's
//! `channel:<type>` columns, the contact's other phones and emails, the
//! export's `--channels` columns); [`ChannelPlan`] adds a batch's rows'
//! other phones and emails to their contacts after the write.
//!
//! Takes plain values (a row's number, its other phones and emails, its
//! cells) and the API client; gives the rows' outcomes. It names no stage
//! above the API (not the contact, not the mapping), so that every stage
//! can name a [`ChannelKind`] without an import cycle; the API's own
//! channel shapes and calls are `crate::api`'s (`api::Channel`,
//! `Client::channels`, `Client::add_channel`), which names nothing of this
//! module.

mod kind;
mod plan;

pub use kind::ChannelKind;
pub use plan::{ChannelPlan, RowChannels};
