//! Read models, one file per view: an SQL upsert plus a small fold. Views copy facts out
//! of events; they never compute derived numbers or call another service.

pub mod droplet;
