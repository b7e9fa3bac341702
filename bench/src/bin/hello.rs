//! The baseline of `make bench`: an actix-web hello-world (`GET /hello`) in its own
//! process, with actix's default worker count like the services, so "X % of hello-world"
//! compares against the fastest an actix handler can be answered on this machine.
//! Usage: `hello <port>`. It does nothing else.

use actix_web::{App, HttpResponse, HttpServer, web};

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(18090);
    HttpServer::new(|| {
        App::new().route(
            "/hello",
            web::get().to(|| async { HttpResponse::Ok().body("hello, world") }),
        )
    })
    .bind(("127.0.0.1", port))?
    .run()
    .await
}
