//! Prints the OpenAPI document (`cargo run -p contract --example openapi`).

fn main() {
    let spec = contract::openapi::document();
    println!(
        "{}",
        spec.to_pretty_json().expect("the document serialises")
    );
}
