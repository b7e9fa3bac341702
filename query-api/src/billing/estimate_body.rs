//! The body of `POST /billing/estimates` read field by field, so every bad field — a
//! wrong type or an unknown name included — becomes one entry of a 422 with its JSON
//! pointer instead of a bare deserialisation error. Ranges and sizes are the domain's
//! to judge (`domain::billing::estimate`).

use domain::billing::estimate::{EstimateItem, FieldProblem};
use serde_json::Value;

const ITEM_FIELDS: &[&str] = &["kind", "size", "count", "hours"];

/// The items of `body`, or every field problem found.
pub fn read(body: &Value) -> Result<Vec<EstimateItem>, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let Some(object) = body.as_object() else {
        return Err(vec![problem("", "must be an object with items")]);
    };
    for key in object.keys().filter(|k| k.as_str() != "items") {
        problems.push(problem(&format!("/{key}"), "is not a field of an estimate"));
    }
    let Some(items) = object.get("items").and_then(Value::as_array) else {
        problems.push(problem("/items", "must be an array of items"));
        return Err(problems);
    };
    let mut read = Vec::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(item) = read_item(index, item, &mut problems) {
            read.push(item);
        }
    }
    if problems.is_empty() {
        Ok(read)
    } else {
        Err(problems)
    }
}

fn read_item(index: usize, item: &Value, problems: &mut Vec<FieldProblem>) -> Option<EstimateItem> {
    let at = |field: &str| format!("/items/{index}{field}");
    let Some(object) = item.as_object() else {
        problems.push(problem(&at(""), "must be an object"));
        return None;
    };
    for key in object.keys().filter(|k| !ITEM_FIELDS.contains(&k.as_str())) {
        problems.push(problem(
            &at(&format!("/{key}")),
            "is not a field of an item",
        ));
    }
    let text = |field: &str, problems: &mut Vec<FieldProblem>| {
        let value = object.get(field).and_then(Value::as_str).map(str::to_owned);
        if value.is_none() {
            problems.push(problem(&at(&format!("/{field}")), "must be a string"));
        }
        value
    };
    let kind = text("kind", problems);
    let size = text("size", problems);
    let count = object.get("count").and_then(Value::as_i64);
    if count.is_none() {
        problems.push(problem(&at("/count"), "must be an integer"));
    }
    let hours = match object.get("hours") {
        None | Some(Value::Null) => Some(None),
        Some(value) => value.as_i64().map(Some),
    };
    if hours.is_none() {
        problems.push(problem(&at("/hours"), "must be an integer"));
    }
    Some(EstimateItem {
        kind: kind?,
        size_slug: size?,
        count: count?,
        hours: hours?,
    })
}

fn problem(pointer: &str, reason: &str) -> FieldProblem {
    FieldProblem {
        pointer: pointer.to_owned(),
        reason: reason.to_owned(),
    }
}
