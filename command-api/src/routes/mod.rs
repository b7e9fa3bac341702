//! HTTP routes of command-api. Each handler reads top to bottom: authorise → parse →
//! build the command → submit → respond. No handler touches Kafka or state directly.

pub mod body;
pub mod droplets;
pub mod forward;
pub mod input;
pub mod respond;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/droplets", web::post().to(droplets::create))
            .route("/droplets/{id}/actions", web::post().to(droplets::action))
            .route("/droplets/{id}", web::delete().to(droplets::delete)),
    );
}
