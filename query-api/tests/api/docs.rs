//! The API documentation query-api serves outside `/api/v1` (api.md §11): the OpenAPI
//! document at `/api-docs/openapi.json` is exactly `contract::openapi::document()` and
//! lists the read routes, and Swagger UI answers HTML at `/swagger-ui/`; neither needs a
//! token.

use serde_json::Value;

use crate::test_app::{TestApp, spawn_app};

/// GETs `path` without a token, following at most a few redirects by hand (the test
/// client follows none), and returns the final response with the path it came from.
async fn get_following(app: &TestApp, path: &str) -> (String, reqwest::Response) {
    let mut path = path.to_owned();
    for _ in 0..3 {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        if !response.status().is_redirection() {
            return (path, response);
        }
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let target = location
            .strip_prefix(&app.address)
            .unwrap_or(&location)
            .to_owned();
        assert!(
            target.starts_with("/swagger-ui"),
            "a redirect stays within Swagger UI: {location}"
        );
        path = target;
    }
    panic!("too many redirects from {path}");
}

#[tokio::test]
async fn the_openapi_document_is_the_published_contract() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/api-docs/openapi.json", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let served: Value = response.json().await.unwrap();
    let published = serde_json::to_value(contract::openapi::document()).unwrap();
    assert_eq!(served, published);
    let paths = served["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/clusters/{id}",
        "/api/v1/clusters",
        "/api/v1/operations/{id}",
        "/api/v1/regions",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(served["openapi"].as_str().unwrap().starts_with("3."));
}

#[tokio::test]
async fn swagger_ui_is_served_as_html() {
    let app = spawn_app().await;
    let (path, response) = get_following(&app, "/swagger-ui/").await;
    assert_eq!(response.status(), 200, "{path}");
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );
    let page = response.text().await.unwrap();
    assert!(page.to_lowercase().contains("swagger"), "{page}");
    assert!(
        !page.contains("ClusterGenie SPA"),
        "Swagger UI, not the SPA"
    );
    // The UI finds its document where query-api serves it.
    let config = app
        .client
        .get(format!("{}/swagger-ui/swagger-initializer.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(config.status(), 200);
    assert!(
        config
            .text()
            .await
            .unwrap()
            .contains("/api-docs/openapi.json")
    );
}
