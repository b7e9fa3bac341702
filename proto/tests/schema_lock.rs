//! The schema lock: every field ever released (message, number, name, label, type) is
//! listed in `schema/schema.lock`, and the compiled schema must keep each one — same
//! number, name and type — or list its number in the message's `reserved`. A reused,
//! renumbered or silently removed field fails `cargo test` (and so `make test`). New
//! fields fail too until the lock is regenerated on purpose:
//! `CG_UPDATE_SCHEMA_LOCK=1 cargo test -p proto --test schema_lock` (never when the
//! change is breaking). Tests only; nothing here is shipped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FieldDescriptorProto, FileDescriptorSet};

const PACKAGE: &str = "clustergenie.v1";

/// (message, field number) → "name label type".
type Fields = BTreeMap<(String, i32), String>;

/// The schema as the lock sees it.
#[derive(Debug, Default)]
struct Schema {
    fields: Fields,
    messages: BTreeSet<String>,
    /// Reserved number ranges per message, end exclusive.
    reserved: BTreeMap<String, Vec<(i32, i32)>>,
}

fn lock_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema/schema.lock")
}

fn field_line(field: &FieldDescriptorProto) -> String {
    let label = if field.label() == Label::Repeated {
        "repeated"
    } else if field.proto3_optional() {
        "optional"
    } else {
        "singular"
    };
    let kind = match field.r#type() {
        Type::Message | Type::Enum => field.type_name().trim_start_matches('.').to_owned(),
        other => other
            .as_str_name()
            .trim_start_matches("TYPE_")
            .to_lowercase(),
    };
    format!("{} {label} {kind}", field.name())
}

fn walk(schema: &mut Schema, scope: &str, message: &DescriptorProto) {
    let name = format!("{scope}.{}", message.name());
    for field in &message.field {
        schema
            .fields
            .insert((name.clone(), field.number()), field_line(field));
    }
    let ranges = message
        .reserved_range
        .iter()
        .map(|r| (r.start(), r.end()))
        .collect();
    schema.reserved.insert(name.clone(), ranges);
    for nested in &message.nested_type {
        walk(schema, &name, nested);
    }
    schema.messages.insert(name);
}

fn compiled() -> Schema {
    let set = FileDescriptorSet::decode(proto::FILE_DESCRIPTOR_SET).expect("a descriptor set");
    let mut schema = Schema::default();
    for file in set.file.iter().filter(|f| f.package() == PACKAGE) {
        for message in &file.message_type {
            walk(&mut schema, PACKAGE, message);
        }
    }
    schema
}

/// Lock lines: `<message> <number> <name> <label> <type>`; `#` starts a comment.
fn parse_lock(text: &str) -> Fields {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut parts = line.splitn(3, ' ');
            let message = parts.next().expect("message").to_owned();
            let number = parts.next().and_then(|n| n.parse().ok()).expect("number");
            ((message, number), parts.next().expect("field").to_owned())
        })
        .collect()
}

fn render_lock(fields: &Fields) -> String {
    let mut out = String::from(
        "# Every field of the event log's schema ever released: <message> <number> <name> <label> <type>.\n\
         # Checked by proto/tests/schema_lock.rs. Never edit a line; regenerate after adding fields with\n\
         # CG_UPDATE_SCHEMA_LOCK=1 cargo test -p proto --test schema_lock\n",
    );
    for ((message, number), field) in fields {
        out.push_str(&format!("{message} {number} {field}\n"));
    }
    out
}

/// Breaking changes of `now` against `locked`, and the fields `locked` lacks.
fn compare(locked: &Fields, now: &Schema) -> (Vec<String>, Vec<String>) {
    let mut breaking = Vec::new();
    for ((message, number), field) in locked {
        match now.fields.get(&(message.clone(), *number)) {
            Some(current) if current == field => {}
            Some(current) => breaking.push(format!(
                "{message} field {number} was `{field}` and is now `{current}` (numbers are never reused or retyped)"
            )),
            None if !now.messages.contains(message) => {
                breaking.push(format!("message {message} was removed"))
            }
            None => {
                let reserved = now.reserved.get(message).is_some_and(|ranges| {
                    ranges.iter().any(|(start, end)| (*start..*end).contains(number))
                });
                if !reserved {
                    breaking.push(format!(
                        "{message} field {number} (`{field}`) was removed without `reserved {number};`"
                    ));
                }
            }
        }
    }
    let added = now
        .fields
        .iter()
        .filter(|(key, _)| !locked.contains_key(*key))
        .map(|((message, number), field)| format!("{message} {number} {field}"))
        .collect();
    (breaking, added)
}

#[test]
fn the_schema_keeps_every_locked_field() {
    let now = compiled();
    let text = std::fs::read_to_string(lock_path()).unwrap_or_default();
    let locked = parse_lock(&text);
    let (breaking, added) = compare(&locked, &now);
    assert!(
        breaking.is_empty(),
        "breaking schema changes:\n{}",
        breaking.join("\n")
    );
    if std::env::var_os("CG_UPDATE_SCHEMA_LOCK").is_some() {
        std::fs::write(lock_path(), render_lock(&now.fields)).expect("lock written");
        return;
    }
    assert!(
        added.is_empty(),
        "schema.lock lacks new fields (regenerate with CG_UPDATE_SCHEMA_LOCK=1 cargo test -p proto --test schema_lock):\n{}",
        added.join("\n")
    );
}

fn schema(fields: &[(&str, i32, &str)], reserved: &[(&str, i32)]) -> Schema {
    let mut schema = Schema::default();
    for (message, number, field) in fields {
        schema
            .fields
            .insert(((*message).to_owned(), *number), (*field).to_owned());
        schema.messages.insert((*message).to_owned());
    }
    for (message, number) in reserved {
        schema
            .reserved
            .entry((*message).to_owned())
            .or_default()
            .push((*number, number + 1));
        schema.messages.insert((*message).to_owned());
    }
    schema
}

#[test]
fn reuse_retyping_and_unreserved_removal_are_breaking() {
    let locked = parse_lock("m.A 1 id singular string\nm.A 2 name singular string\n");
    let renamed = schema(
        &[
            ("m.A", 1, "id singular string"),
            ("m.A", 2, "title singular string"),
        ],
        &[],
    );
    assert_eq!(compare(&locked, &renamed).0.len(), 1, "number 2 reused");
    let retyped = schema(
        &[
            ("m.A", 1, "id singular bytes"),
            ("m.A", 2, "name singular string"),
        ],
        &[],
    );
    assert_eq!(compare(&locked, &retyped).0.len(), 1, "number 1 retyped");
    let removed = schema(&[("m.A", 1, "id singular string")], &[]);
    assert_eq!(
        compare(&locked, &removed).0.len(),
        1,
        "2 removed, not reserved"
    );
    let reserved = schema(&[("m.A", 1, "id singular string")], &[("m.A", 2)]);
    assert!(
        compare(&locked, &reserved).0.is_empty(),
        "2 removed and reserved"
    );
    let added = schema(
        &[
            ("m.A", 1, "id singular string"),
            ("m.A", 2, "name singular string"),
            ("m.A", 3, "x singular uint32"),
        ],
        &[],
    );
    assert_eq!(
        compare(&locked, &added),
        (vec![], vec!["m.A 3 x singular uint32".to_owned()])
    );
}
