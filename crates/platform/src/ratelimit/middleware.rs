//! Enforcement on every `/api/v1` request of a service, in one place (`service::Common`
//! wraps it): authenticate from the bearer token (never a client-supplied id), name the
//! route by its template from the service's own route table, ask the limiter once, and
//! either answer `429` or pass the request on, then set the rate-limit headers on
//! whatever comes back, whatever its status. Requests without a valid token, service
//! routes (`/healthz`, `/readyz`, `/metrics`) and mutations a service only relays to
//! another one (which limits them itself) are not limited here.

use std::sync::Arc;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, ResponseError, web};

use super::limiter::Limiter;
use super::policy::template;
use super::{Mode, Subject, Verdict};
use crate::auth::{Principal, TokenTable};
use crate::health::Check;

/// The route that reports limits; asking it consumes nothing.
pub const STATUS_ROUTE: &str = "/api/v1/rate_limit";
/// The template of a request no route of the service matches (a 404 or 405).
pub const UNMATCHED: &str = "unmatched";

/// The route templates a service serves itself, by method.
pub struct Routes {
    entries: Vec<(Method, ResourceDef, String)>,
    relays_mutations: bool,
}

impl Routes {
    /// `routes` are `(method, actix pattern)` pairs from the service's route table.
    pub fn new<'a>(routes: impl IntoIterator<Item = (Method, &'a str)>) -> Self {
        let entries = routes
            .into_iter()
            .map(|(method, pattern)| {
                let route = format!("{method} {}", template(pattern));
                (method, ResourceDef::new(pattern), route)
            })
            .collect();
        Self {
            entries,
            relays_mutations: false,
        }
    }

    /// Mutations outside the table are relayed to the service that limits them.
    pub fn relaying_mutations(mut self) -> Self {
        self.relays_mutations = true;
        self
    }

    /// `METHOD template` of a request; `None` when another service limits it.
    fn classify(&self, method: &Method, path: &str) -> Option<String> {
        let found = self
            .entries
            .iter()
            .find(|(m, def, _)| m == method && def.is_match(path));
        match found {
            Some((_, _, route)) => Some(route.clone()),
            None if self.relays_mutations && is_mutation(method) => None,
            None => Some(format!("{method} {UNMATCHED}")),
        }
    }
}

/// What the middleware and the `/rate_limit` handlers share.
pub struct RateLimits {
    pub limiter: Arc<Limiter>,
    pub routes: Routes,
}

impl RateLimits {
    pub fn new(limiter: Arc<Limiter>, routes: Routes) -> Self {
        Self { limiter, routes }
    }

    /// The `/readyz` check: degraded (still ready) while the fallback decides.
    pub fn readiness(&self) -> impl Fn() -> Check + Send + Sync + 'static {
        let limiter = self.limiter.clone();
        move || limiter.readiness()
    }
}

/// Whether a request with `method` changes something (the command side's methods).
pub fn is_mutation(method: &Method) -> bool {
    [Method::POST, Method::PATCH, Method::PUT, Method::DELETE].contains(method)
}

/// The `{id}` of a `/api/v1/clusters/{id}/...` route.
fn cluster_of<'p>(route: &str, path: &'p str) -> Option<&'p str> {
    let (_, template) = route.split_once(' ')?;
    if !template.starts_with("/api/v1/clusters/{id}") {
        return None;
    }
    let segment = path.split('/').nth(4)?;
    let id = segment.split(':').next()?;
    // Keys are built from it: bounded, and never anything a pattern could read.
    super::status::valid_id(id).then_some(id)
}

pub async fn middleware<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let Some(verdict) = decide(&req).await else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    if verdict.limited {
        let mut response = req.into_response(verdict.problem().error_response());
        verdict.write_headers(response.headers_mut());
        return Ok(response.map_into_right_body());
    }
    let mut response = next.call(req).await?;
    verdict.write_headers(response.headers_mut());
    Ok(response.map_into_left_body())
}

/// The limiter's verdict, or `None` when this service does not limit the request.
async fn decide(req: &ServiceRequest) -> Option<Verdict> {
    let path = req.path();
    if !path.starts_with("/api/v1/") {
        return None;
    }
    let limits = req.app_data::<web::Data<RateLimits>>()?;
    let principal = authenticate(req)?;
    let route = limits.routes.classify(req.method(), path)?;
    let subject = Subject {
        user: &principal.id,
        cluster: cluster_of(&route, path),
        mutation: is_mutation(req.method()),
        route: &route,
        mode: if route == format!("GET {STATUS_ROUTE}") {
            Mode::Peek
        } else {
            Mode::Consume
        },
    };
    Some(limits.limiter.check(&subject).await)
}

fn authenticate(req: &ServiceRequest) -> Option<Principal> {
    let tokens = req.app_data::<web::Data<TokenTable>>()?;
    let header = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    tokens.authenticate(header).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes() -> Routes {
        Routes::new([
            (Method::GET, "/api/v1/droplets/{id}"),
            (Method::POST, "/api/v1/clusters/{id}/diagnoses"),
            (Method::POST, "/api/v1/operations/{id:[^/:]+}:cancel"),
        ])
    }

    #[test]
    fn requests_are_named_by_method_and_template() {
        let routes = routes();
        assert_eq!(
            routes
                .classify(&Method::GET, "/api/v1/droplets/abc")
                .as_deref(),
            Some("GET /api/v1/droplets/{id}")
        );
        assert_eq!(
            routes
                .classify(&Method::POST, "/api/v1/operations/x:cancel")
                .as_deref(),
            Some("POST /api/v1/operations/{id}:cancel")
        );
        assert_eq!(
            routes.classify(&Method::DELETE, "/api/v1/nope").as_deref(),
            Some("DELETE unmatched")
        );
        assert_eq!(
            routes
                .relaying_mutations()
                .classify(&Method::DELETE, "/api/v1/nope"),
            None
        );
    }

    #[test]
    fn cluster_routes_key_by_the_path_id() {
        let route = "POST /api/v1/clusters/{id}/diagnoses";
        assert_eq!(
            cluster_of(route, "/api/v1/clusters/c-1/diagnoses"),
            Some("c-1")
        );
        assert_eq!(
            cluster_of("GET /api/v1/droplets/{id}", "/api/v1/droplets/d"),
            None
        );
    }
}
