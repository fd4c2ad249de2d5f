//! HTTP tests of pages and API, in process, on both backends. The scope matrix proves that
//! every page and API route refuses objects outside the viewer's subtree, guessed ids included,
//! and changes nothing when it does.

mod accounts;
mod api;
mod birthdays;
mod common;
mod contest;
mod coverage;
mod decisions;
mod dues;
mod elections;
mod ledgers;
mod major_decisions;
mod members;
mod org_life;
mod positions;
mod recruit_papers;
mod recruitment;
mod reports;
mod roster;
mod scope;
mod stats;
mod training;
mod transfers;
