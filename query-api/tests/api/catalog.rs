//! The catalog (`GET /api/v1/regions`, `/sizes`, `/images`, api.md §10/§11): bodies that
//! are exactly the published pages, totals that match the static catalog, strong ETags
//! with 304 on match, `?region=` on sizes, prices as decimal strings, and 401 without a
//! token.

use contract::envelope::{ImagePage, RegionPage, SizePage};
use domain::catalog::{IMAGES, REGIONS, SIZES};
use platform::testing::conforms;
use serde_json::Value;

use crate::test_app::{ALICE, BOB, TestApp, assert_problem, spawn_app};

/// A 200 answer's strong ETag and JSON body.
async fn fetch(app: &TestApp, path: &str) -> (String, Value) {
    let response = app.get(path, ALICE).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (etag, response.json().await.unwrap())
}

/// Asserts that `If-None-Match: <etag>` gets a bodiless 304 carrying the same tag.
async fn assert_not_modified(app: &TestApp, path: &str, etag: &str) {
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "a strong tag: {etag}"
    );
    let again = app
        .get(path, ALICE)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304, "{path}");
    assert_eq!(again.headers()["etag"], etag);
    assert!(again.bytes().await.unwrap().is_empty(), "304 has no body");
    let listed = app
        .get(path, ALICE)
        .header("if-none-match", format!("\"0000\", {etag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), 304, "a tag in a list matches: {path}");
    let stale = app
        .get(path, ALICE)
        .header("if-none-match", "\"0000000000000000\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200, "another tag does not match: {path}");
}

/// `raw` is a decimal string with exactly `places` decimals.
fn assert_decimal(raw: &str, places: usize) {
    let (units, decimals) = raw.split_once('.').unwrap_or_else(|| panic!("{raw}"));
    assert!(
        !units.is_empty() && units.bytes().all(|b| b.is_ascii_digit()),
        "{raw}"
    );
    assert_eq!(decimals.len(), places, "{raw}");
    assert!(decimals.bytes().all(|b| b.is_ascii_digit()), "{raw}");
}

#[tokio::test]
async fn regions_are_the_whole_catalog_with_a_strong_etag() {
    let app = spawn_app().await;
    let (etag, body) = fetch(&app, "/api/v1/regions").await;
    let page: RegionPage = conforms(&body);
    assert_eq!(page.meta.total, page.regions.len() as u64);
    assert_eq!(page.regions.len(), REGIONS.len());
    assert!(page.next_page_token.is_none() && page.links.next.is_none());
    let slugs: Vec<&str> = page.regions.iter().map(|r| r.slug.as_str()).collect();
    let expected: Vec<&str> = REGIONS.iter().map(|r| r.slug).collect();
    assert_eq!(slugs, expected);
    for region in &page.regions {
        assert!(region.available);
        let offered: Vec<&str> = SIZES
            .iter()
            .filter(|s| s.offered_in(&region.slug))
            .map(|s| s.slug)
            .collect();
        assert_eq!(region.sizes, offered, "sizes of {}", region.slug);
    }
    assert_not_modified(&app, "/api/v1/regions", &etag).await;
    let (other, _) = fetch(&app, "/api/v1/images").await;
    assert_ne!(other, etag, "the tag is of the bytes");
}

#[tokio::test]
async fn sizes_are_priced_in_decimal_strings_and_filter_by_region() {
    let app = spawn_app().await;
    let (etag, body) = fetch(&app, "/api/v1/sizes").await;
    let all: SizePage = conforms(&body);
    assert_eq!(all.meta.total, all.sizes.len() as u64);
    assert_eq!(all.sizes.len(), SIZES.len());
    for size in &all.sizes {
        assert_eq!(size.currency, "USD");
        assert!(size.available);
        assert_eq!(size.memory, size.memory_mb);
        assert_eq!(size.disk, size.disk_gb);
        assert_decimal(&size.price_monthly, 2);
        assert_decimal(&size.price_hourly, 6);
        let monthly: f64 = size.price_monthly.parse().unwrap();
        let hourly: f64 = size.price_hourly.parse().unwrap();
        assert!(
            (hourly - monthly / 672.0).abs() <= 0.000_001,
            "{}: hourly {hourly} is monthly {monthly} / 672",
            size.slug
        );
        let catalog = SIZES.iter().find(|s| s.slug == size.slug).unwrap();
        assert_eq!(size.vcpus, catalog.vcpus);
        assert_eq!(size.memory_mb, catalog.memory_mb);
        assert_eq!(size.disk_gb, catalog.disk_gb);
        let expected: Vec<&str> = REGIONS
            .iter()
            .map(|r| r.slug)
            .filter(|r| catalog.offered_in(r))
            .collect();
        assert_eq!(size.regions, expected, "regions of {}", size.slug);
    }
    let basic = all.sizes.iter().find(|s| s.slug == "s-1vcpu-1gb").unwrap();
    assert_eq!(
        (basic.price_monthly.as_str(), basic.price_hourly.as_str()),
        ("6.00", "0.008929")
    );
    assert_not_modified(&app, "/api/v1/sizes", &etag).await;

    for region in ["nyc1", "sgp1"] {
        let path = format!("/api/v1/sizes?region={region}");
        let (region_etag, body) = fetch(&app, &path).await;
        let page: SizePage = conforms(&body);
        assert_eq!(page.meta.total, page.sizes.len() as u64);
        assert!(page.sizes.len() <= all.sizes.len());
        assert_eq!(
            page.sizes.len(),
            SIZES.iter().filter(|s| s.offered_in(region)).count()
        );
        assert!(
            page.sizes
                .iter()
                .all(|s| s.regions.iter().any(|r| r == region)),
            "only sizes offered in {region}: {body}"
        );
        assert_not_modified(&app, &path, &region_etag).await;
    }
    let (_, body) = fetch(&app, "/api/v1/sizes?region=sgp1").await;
    let singapore: SizePage = conforms(&body);
    assert!(
        singapore.sizes.len() < all.sizes.len(),
        "large sizes are not offered everywhere"
    );
    let (region_etag, _) = fetch(&app, "/api/v1/sizes?region=sgp1").await;
    assert_ne!(region_etag, etag);
}

#[tokio::test]
async fn an_unknown_region_is_an_invalid_argument() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/sizes?region=nowhere", ALICE)
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 400, "INVALID_ARGUMENT").await;
    assert!(
        body["detail"].as_str().unwrap().contains("nowhere"),
        "{body}"
    );
}

#[tokio::test]
async fn images_are_the_whole_catalog_with_a_strong_etag() {
    let app = spawn_app().await;
    let (etag, body) = fetch(&app, "/api/v1/images").await;
    let page: ImagePage = conforms(&body);
    assert_eq!(page.meta.total, page.images.len() as u64);
    assert_eq!(page.images.len(), IMAGES.len());
    let slugs: Vec<&str> = page.images.iter().map(|i| i.slug.as_str()).collect();
    let expected: Vec<&str> = IMAGES.iter().map(|i| i.slug).collect();
    assert_eq!(slugs, expected);
    assert!(
        page.images
            .iter()
            .all(|i| i.public && i.image_type == "base")
    );
    assert_not_modified(&app, "/api/v1/images", &etag).await;
    // The catalog is the same for everyone, and so is its tag.
    let bobs = app.get("/api/v1/images", BOB).send().await.unwrap();
    assert_eq!(bobs.headers()["etag"], etag.as_str());
}

#[tokio::test]
async fn the_catalog_needs_a_token() {
    let app = spawn_app().await;
    for path in ["/api/v1/regions", "/api/v1/sizes", "/api/v1/images"] {
        let anonymous = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_problem(anonymous, 401, "UNAUTHENTICATED").await;
    }
}
