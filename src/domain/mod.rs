//! Types that can only hold valid values. Nothing here knows HTTP or SQL.

pub mod account;
pub mod change;
pub mod decision;
pub mod diff;
pub mod fields;
pub mod london;
pub mod outline;
pub mod record;
pub mod search_query;
pub mod site;
pub mod slug;
pub mod status;

pub use decision::Decision;
pub use outline::Outline;
pub use search_query::SearchQuery;
pub use slug::MeetingSlug;
pub use status::MeetingStatus;
