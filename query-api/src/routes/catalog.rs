//! The catalog (api.md §10, DO shapes): `GET /regions`, `/sizes` (`?region=`) and
//! `/images`, from the same static catalog command-api validates against. Prices are
//! integer micro-USD inside and decimal strings on the wire; a size shows the price in
//! effect at the clock's now (`domain::billing::prices`). Answers carry a strong
//! ETag of their bytes, so clients can cache them; nothing here reads the database.

use actix_web::http::StatusCode;
use actix_web::http::header::{ETAG, IF_NONE_MATCH};
use actix_web::{HttpRequest, HttpResponse, web};
use contract::envelope::{ImagePage, Links, Meta, RegionPage, SizePage};
use domain::catalog::{self, IMAGES, REGIONS, SIZES, Size};
use platform::auth::Principal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::QueryError;
use crate::state::AppState;

/// Micro-USD as a decimal string with `places` decimals (half up).
pub fn money(micro: u64, places: u32) -> String {
    let unit = 10u64.pow(6 - places);
    let rounded = (micro + unit / 2) / unit;
    let scale = 10u64.pow(places);
    format!(
        "{}.{:0width$}",
        rounded / scale,
        rounded % scale,
        width = places as usize
    )
}

/// A size with the price in effect at `now` (prices are versioned, api.md §10).
fn size_resource(size: &Size, now: chrono::DateTime<chrono::Utc>) -> contract::catalog::Size {
    let monthly = domain::billing::prices::monthly_price_at(size.slug, now, None)
        .unwrap_or(size.price_monthly_micro);
    let regions = REGIONS
        .iter()
        .map(|r| r.slug)
        .filter(|r| size.offered_in(r))
        .map(str::to_owned)
        .collect();
    contract::catalog::Size {
        slug: size.slug.into(),
        vcpus: size.vcpus,
        memory: size.memory_mb,
        memory_mb: size.memory_mb,
        disk: size.disk_gb,
        disk_gb: size.disk_gb,
        transfer: f64::from(size.transfer_tb),
        transfer_tb: f64::from(size.transfer_tb),
        price_monthly: money(monthly, 2),
        price_hourly: money(catalog::hourly_micro(monthly), 6),
        currency: "USD".into(),
        regions,
        available: true,
        description: size.description.into(),
    }
}

fn region_resource(region: &catalog::Region) -> contract::catalog::Region {
    contract::catalog::Region {
        slug: region.slug.into(),
        name: region.name.into(),
        available: true,
        features: vec!["private_networking".into()],
        sizes: SIZES
            .iter()
            .filter(|s| s.offered_in(region.slug))
            .map(|s| s.slug.to_owned())
            .collect(),
    }
}

fn image_resource(image: &catalog::Image) -> contract::catalog::Image {
    contract::catalog::Image {
        slug: image.slug.into(),
        distribution: image.distribution.into(),
        name: image.name.into(),
        image_type: "base".into(),
        public: true,
        regions: REGIONS.iter().map(|r| r.slug.to_owned()).collect(),
    }
}

/// Every page here is the whole catalog: one page, its total, no next link.
fn whole<T>(items: &[T]) -> (Meta, Links) {
    (
        Meta {
            total: items.len() as u64,
        },
        Links::default(),
    )
}

#[derive(Debug, Deserialize)]
pub struct SizeParams {
    region: Option<String>,
}

/// `GET /api/v1/regions`
pub async fn regions(req: HttpRequest, _principal: Principal) -> HttpResponse {
    let regions: Vec<_> = REGIONS.iter().map(region_resource).collect();
    let (meta, links) = whole(&regions);
    let page = RegionPage {
        regions,
        next_page_token: None,
        meta,
        links,
    };
    cacheable(&req, &page)
}

/// `GET /api/v1/sizes` (`?region=` keeps the sizes offered there).
pub async fn sizes(
    req: HttpRequest,
    _principal: Principal,
    params: web::Query<SizeParams>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, QueryError> {
    let now = state.clock.now();
    let region = params
        .region
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if let Some(region) = region.filter(|r| catalog::find_region(r).is_none()) {
        return Err(QueryError::InvalidArgument(format!(
            "region {region} does not exist"
        )));
    }
    let sizes: Vec<_> = SIZES
        .iter()
        .filter(|s| region.is_none_or(|r| s.offered_in(r)))
        .map(|s| size_resource(s, now))
        .collect();
    let (meta, links) = whole(&sizes);
    let page = SizePage {
        sizes,
        next_page_token: None,
        meta,
        links,
    };
    Ok(cacheable(&req, &page))
}

/// `GET /api/v1/images`
pub async fn images(req: HttpRequest, _principal: Principal) -> HttpResponse {
    let images: Vec<_> = IMAGES.iter().map(image_resource).collect();
    let (meta, links) = whole(&images);
    let page = ImagePage {
        images,
        next_page_token: None,
        meta,
        links,
    };
    cacheable(&req, &page)
}

/// 200 with a strong ETag of the body, or 304 when `If-None-Match` names it.
fn cacheable(req: &HttpRequest, body: &impl Serialize) -> HttpResponse {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&bytes))[..16]);
    let matches = req
        .headers()
        .get_all(IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*");
    let status = if matches {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut response = HttpResponse::build(status);
    response
        .insert_header((ETAG, etag))
        .insert_header(("Cache-Control", "private, max-age=300"));
    if matches {
        return response.finish();
    }
    response.content_type("application/json").body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_a_rounded_decimal_string() {
        assert_eq!(money(6_000_000, 2), "6.00");
        assert_eq!(money(8_929, 6), "0.008929");
        assert_eq!(money(5_005, 2), "0.01");
        assert_eq!(money(168_000_000, 2), "168.00");
    }
}
