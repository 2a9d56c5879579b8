//! Stage 3: from the `openapiv3` document to the IR ([`crate::ir`]).
//!
//! References are resolved here, `allOf` members merged, inline schemas named
//! from where they sit, and every representation decision (which fields are
//! `Option`, which are tri-state, which need a `Box`) taken once.
//!
//! Named types are lowered from a work list rather than by recursion, so a
//! long chain of references costs no stack.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::ops::Deref;
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, StatusCode, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, percent_decode, push_pointer};
use crate::ir::*;
use crate::naming;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

/// Which operations to keep (all when both lists are empty).
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub tags: Vec<String>,
    pub operations: Vec<String>,
}

impl Selection {
    fn is_all(&self) -> bool {
        self.tags.is_empty() && self.operations.is_empty()
    }
}

pub fn lower(doc: &OpenAPI, raw: &Value, selection: &Selection) -> (Api, Diagnostics) {
    let mut l = Lowering::new(doc, raw);
    let mut api = Api {
        title: doc.info.title.clone(),
        version: doc.info.version.clone(),
        description: doc.info.description.clone(),
        ..Api::default()
    };
    api.servers = doc.servers.iter().map(server).collect();
    api.doc_base = api.servers.first().and_then(|s| origin(&s.url));
    api.security = l.security();
    api.globals = l.globals();
    api.retries = l.retries();

    // Every tag and operationId there is, to report a selection that matches nothing.
    let (mut all_tags, mut all_ids) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
    for (path, item) in doc.paths.paths.iter() {
        let ptr = push_pointer("/paths", path);
        let item = match item {
            ReferenceOr::Item(item) => item,
            ReferenceOr::Reference { reference } => {
                l.diags.push(Diagnostic::error(&ptr, format!("path item `$ref` (`{reference}`) is not supported")));
                continue;
            }
        };
        for (method, op) in [
            (Method::Get, &item.get),
            (Method::Put, &item.put),
            (Method::Post, &item.post),
            (Method::Delete, &item.delete),
            (Method::Options, &item.options),
            (Method::Head, &item.head),
            (Method::Patch, &item.patch),
            (Method::Trace, &item.trace),
        ] {
            let Some(op) = op else { continue };
            all_tags.extend(op.tags.iter().map(String::as_str));
            all_ids.extend(op.operation_id.as_deref());
            if !selection.is_all() {
                let by_tag = op.tags.iter().any(|t| selection.tags.contains(t));
                let by_id = op.operation_id.as_ref().is_some_and(|id| selection.operations.contains(id));
                if !by_tag && !by_id {
                    continue;
                }
            }
            let op_ptr = push_pointer(&ptr, &method.as_str().to_ascii_lowercase());
            if let Some(mut o) =
                l.operation(path, method, &item.parameters, op, &op_ptr, &api.globals, api.operations.len())
            {
                o.server = op.servers.first().or(item.servers.first()).map(server);
                // `security: []` means none; `{}` among the options means optional.
                let default_scheme =
                    api.security.iter().find(|s| s.default).or(api.security.first()).map(|s| s.key.clone());
                o.auth = match op.security.as_ref().or(doc.security.as_ref()) {
                    None => true,
                    Some(reqs) if reqs.is_empty() => false,
                    Some(reqs) => {
                        reqs.iter().any(|r| r.is_empty() || default_scheme.as_ref().is_some_and(|k| r.contains_key(k)))
                    }
                };
                api.operations.push(o);
            }
        }
    }
    let list = |set: &std::collections::BTreeSet<&str>| {
        if set.is_empty() {
            "none".to_owned()
        } else {
            set.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
        }
    };
    for tag in selection.tags.iter().filter(|t| !all_tags.contains(t.as_str())) {
        l.diags.push(Diagnostic::error(
            "/paths",
            format!("`--tag {tag}` matches no operation; the document's tags: {}", list(&all_tags)),
        ));
    }
    for id in selection.operations.iter().filter(|id| !all_ids.contains(id.as_str())) {
        let near: std::collections::BTreeSet<&str> =
            all_ids.iter().copied().filter(|a| a.eq_ignore_ascii_case(id) || a.contains(id.as_str())).collect();
        let hint = if near.is_empty() { String::new() } else { format!("; did you mean {}?", list(&near)) };
        l.diags.push(Diagnostic::error("/paths", format!("`--operation {id}` matches no operationId{hint}")));
    }
    if api.operations.is_empty() && selection.is_all() {
        // A document of types only: every component is wanted.
        if let Some(c) = &doc.components {
            for name in c.schemas.keys() {
                let r = format!("{SCHEMA_PREFIX}{}", json_pointer_escape(name));
                let ptr = push_pointer("/components/schemas", name);
                let _ = l.lower_ref(&r, &ptr, &name.clone());
            }
        }
    }
    l.drain();
    l.finish(&mut api);
    api.env_prefix = env_prefix(&api);
    name_operations(&mut api, doc);
    (api, l.diags)
}

/// `https://openrouter.ai/api/v1` → `OPENROUTER`: the name before the
/// top-level domain; the title when there is no server.
fn env_prefix(api: &Api) -> String {
    let from_host = api.servers.first().and_then(|s| {
        let host = s.url.split("://").nth(1)?.split(['/', ':']).next()?;
        let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
        let label = if labels.len() >= 2 { labels[labels.len() - 2] } else { labels.first()? };
        (!label.contains('{') && label.chars().any(|c| c.is_ascii_alphabetic())).then(|| label.to_owned())
    });
    let raw = from_host.unwrap_or_else(|| api.title.split_whitespace().next().unwrap_or("API").to_owned());
    let prefix = naming::env_suffix(&raw);
    if prefix.is_empty() { "API".into() } else { prefix }
}

/// Names of builders, error enums, modules, groups and error variants.
fn name_operations(api: &mut Api, doc: &OpenAPI) {
    let mut modules = BTreeSet::new();
    let mut builders = BTreeSet::new();
    for op in &mut api.operations {
        op.module = naming::unique_with(&mut modules, naming::module_name(&op.id), "_");
        op.builder = naming::unique(&mut builders, naming::type_name(&op.id));
        op.error_enum = format!("{}Error", op.builder);
        let mut variants = BTreeSet::from(["Unhandled".to_owned()]);
        let bodies: BTreeSet<Option<(BodyKind, TypeRef)>> = op
            .responses
            .iter()
            .filter(|r| r.success)
            .map(|r| r.body.as_ref().map(|b| (b.kind, b.ty.clone())))
            .collect();
        if bodies.len() > 1 {
            op.output_enum = Some(format!("{}Output", op.builder));
        }
        let mut outputs = BTreeSet::new();
        for r in &mut op.responses {
            if !r.success {
                r.variant = Some(naming::unique(&mut variants, naming::status_variant(&r.status)));
            } else if op.output_enum.is_some() {
                r.variant = Some(naming::unique(&mut outputs, naming::status_variant(&r.status)));
            }
        }
    }
    // Group handles and their methods share the client's namespace with the
    // client's own methods.
    let mut types = BTreeSet::from(["Client".to_owned(), "ClientBuilder".to_owned()]);
    let mut methods: BTreeSet<String> = ["builder", "from_env", "core"].into_iter().map(str::to_owned).collect();
    let mut groups: Vec<Group> = Vec::new();
    for (i, op) in api.operations.iter().enumerate() {
        let Some(tag) = &op.group else {
            api.ungrouped.push(i);
            continue;
        };
        if let Some(g) = groups.iter_mut().find(|g| &g.tag == tag) {
            g.operations.push(i);
            continue;
        }
        let doc_text = doc.tags.iter().find(|t| &t.name == tag).and_then(|t| t.description.clone());
        groups.push(Group {
            tag: tag.clone(),
            type_name: naming::unique(&mut types, naming::type_name(tag)),
            method: naming::unique_with(&mut methods, naming::field_name(tag), "_"),
            doc: doc_text,
            operations: vec![i],
        });
    }
    // Method names within a group (and on the client) must not collide.
    for list in groups.iter().map(|g| g.operations.clone()).chain(std::iter::once(api.ungrouped.clone())) {
        let mut taken = if list == api.ungrouped { methods.clone() } else { BTreeSet::new() };
        for i in list {
            let op = &mut api.operations[i];
            op.name = naming::unique_with(&mut taken, op.name.clone(), "_");
        }
    }
    api.groups = groups;
}

/// The status of the first success response (the first `2xx` code, else `2XX`).
pub fn success_status(responses: &[Response]) -> Option<StatusMatch> {
    let mut codes: Vec<&StatusMatch> = responses.iter().filter(|r| r.success).map(|r| &r.status).collect();
    codes.sort();
    codes.first().map(|s| (*s).clone())
}

fn json_pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn server(s: &openapiv3::Server) -> Server {
    let mut variables: Vec<ServerVariable> = s
        .variables
        .iter()
        .flatten()
        .map(|(name, v)| ServerVariable {
            name: name.clone(),
            default: v.default.clone(),
            values: v.enumeration.clone(),
            description: v.description.clone(),
        })
        .collect();
    variables.sort_by(|a, b| a.name.cmp(&b.name));
    Server {
        url: s.url.clone(),
        description: s.description.clone(),
        id: s.extensions.get("x-speakeasy-server-id").and_then(Value::as_str).map(str::to_owned),
        variables,
    }
}

/// `https://openrouter.ai/api/v1` → `https://openrouter.ai`.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty() && !host.contains('{')).then(|| format!("{scheme}://{host}"))
}

/// A schema borrowed from the document or read from elsewhere in it.
#[derive(Clone)]
enum Target<'a> {
    Doc(&'a Schema),
    Shared(Rc<Schema>),
}

impl Deref for Target<'_> {
    type Target = Schema;
    fn deref(&self) -> &Schema {
        match self {
            Target::Doc(s) => s,
            Target::Shared(s) => s,
        }
    }
}

/// A reference or an inline schema, whatever box it came in.
#[derive(Clone, Copy)]
enum SRef<'s> {
    Ref(&'s str),
    Item(&'s Schema),
}

impl<'s> From<&'s ReferenceOr<Schema>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<Schema>>> for SRef<'s> {
    fn from(r: &'s ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SRef::Ref(reference),
            ReferenceOr::Item(s) => SRef::Item(s),
        }
    }
}

type Props<'s> = IndexMap<String, ReferenceOr<Box<Schema>>>;

/// One uniform view of a schema, whatever `openapiv3` variant holds it.
struct View<'s> {
    typ: Option<&'s str>,
    format: Option<String>,
    enums: Vec<Value>,
    properties: Option<&'s Props<'s>>,
    required: &'s [String],
    additional: Option<&'s AdditionalProperties>,
    items: Option<&'s ReferenceOr<Box<Schema>>>,
    one_of: &'s [ReferenceOr<Schema>],
    any_of: &'s [ReferenceOr<Schema>],
    all_of: &'s [ReferenceOr<Schema>],
    not: bool,
    constraints: Constraints,
}

fn format_str<T: FormatName>(f: &VariantOrUnknownOrEmpty<T>) -> Option<String> {
    match f {
        VariantOrUnknownOrEmpty::Item(i) => Some(i.name().to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

trait FormatName {
    fn name(&self) -> &'static str;
}
impl FormatName for openapiv3::StringFormat {
    fn name(&self) -> &'static str {
        use openapiv3::StringFormat::*;
        match self {
            Date => "date",
            DateTime => "date-time",
            Password => "password",
            Byte => "byte",
            Binary => "binary",
        }
    }
}
impl FormatName for openapiv3::NumberFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::NumberFormat::Float => "float",
            openapiv3::NumberFormat::Double => "double",
        }
    }
}
impl FormatName for openapiv3::IntegerFormat {
    fn name(&self) -> &'static str {
        match self {
            openapiv3::IntegerFormat::Int32 => "int32",
            openapiv3::IntegerFormat::Int64 => "int64",
        }
    }
}

fn view(s: &Schema) -> View<'_> {
    let mut v = View {
        typ: None,
        format: None,
        enums: Vec::new(),
        properties: None,
        required: &[],
        additional: None,
        items: None,
        one_of: &[],
        any_of: &[],
        all_of: &[],
        not: false,
        constraints: Constraints::default(),
    };
    match &s.schema_kind {
        SchemaKind::Type(Type::String(t)) => {
            v.typ = Some("string");
            v.format = format_str(&t.format);
            v.enums = t.enumeration.iter().flatten().map(|s| Value::String(s.clone())).collect();
            v.constraints.pattern = t.pattern.clone();
            v.constraints.min_length = t.min_length;
            v.constraints.max_length = t.max_length;
        }
        SchemaKind::Type(Type::Number(t)) => {
            v.typ = Some("number");
            v.format = format_str(&t.format);
            v.enums = t
                .enumeration
                .iter()
                .flatten()
                .filter_map(|f| serde_json::Number::from_f64(*f))
                .map(Value::Number)
                .collect();
            v.constraints.minimum = t.minimum;
            v.constraints.maximum = t.maximum;
            v.constraints.exclusive_minimum = t.exclusive_minimum;
            v.constraints.exclusive_maximum = t.exclusive_maximum;
            v.constraints.multiple_of = t.multiple_of;
        }
        SchemaKind::Type(Type::Integer(t)) => {
            v.typ = Some("integer");
            v.format = format_str(&t.format);
            v.enums = t.enumeration.iter().flatten().map(|i| Value::from(*i)).collect();
            v.constraints.minimum = t.minimum.map(|m| m as f64);
            v.constraints.maximum = t.maximum.map(|m| m as f64);
            v.constraints.exclusive_minimum = t.exclusive_minimum;
            v.constraints.exclusive_maximum = t.exclusive_maximum;
            v.constraints.multiple_of = t.multiple_of.map(|m| m as f64);
        }
        SchemaKind::Type(Type::Boolean(t)) => {
            v.typ = Some("boolean");
            v.enums = t.enumeration.iter().flatten().map(|b| Value::Bool(*b)).collect();
        }
        SchemaKind::Type(Type::Object(t)) => {
            v.typ = Some("object");
            v.properties = Some(&t.properties);
            v.required = &t.required;
            v.additional = t.additional_properties.as_ref();
        }
        SchemaKind::Type(Type::Array(t)) => {
            v.typ = Some("array");
            v.items = t.items.as_ref();
            v.constraints.min_items = t.min_items;
            v.constraints.max_items = t.max_items;
            v.constraints.unique_items = t.unique_items;
        }
        SchemaKind::OneOf { one_of } => v.one_of = one_of,
        SchemaKind::AnyOf { any_of } => v.any_of = any_of,
        SchemaKind::AllOf { all_of } => v.all_of = all_of,
        SchemaKind::Not { .. } => v.not = true,
        SchemaKind::Any(a) => {
            v.typ = a.typ.as_deref();
            v.format = a.format.clone();
            v.enums = a.enumeration.iter().filter(|e| !e.is_null()).cloned().collect();
            v.properties = (!a.properties.is_empty()).then_some(&a.properties);
            v.required = &a.required;
            v.additional = a.additional_properties.as_ref();
            v.items = a.items.as_ref();
            v.one_of = &a.one_of;
            v.any_of = &a.any_of;
            v.all_of = &a.all_of;
            v.not = a.not.is_some();
            v.constraints = Constraints {
                minimum: a.minimum,
                maximum: a.maximum,
                exclusive_minimum: a.exclusive_minimum.unwrap_or(false),
                exclusive_maximum: a.exclusive_maximum.unwrap_or(false),
                multiple_of: a.multiple_of,
                min_length: a.min_length,
                max_length: a.max_length,
                pattern: a.pattern.clone(),
                min_items: a.min_items,
                max_items: a.max_items,
                unique_items: a.unique_items.unwrap_or(false),
                format: None,
            };
            if v.typ.is_none() {
                // Infer the type from the keywords present.
                if v.properties.is_some() || v.additional.is_some() {
                    v.typ = Some("object");
                } else if v.items.is_some() {
                    v.typ = Some("array");
                } else if !v.enums.is_empty() && v.enums.iter().all(Value::is_string) {
                    v.typ = Some("string");
                } else if !v.enums.is_empty() && v.enums.iter().all(|e| e.is_i64() || e.is_u64()) {
                    v.typ = Some("integer");
                } else if !v.enums.is_empty() && v.enums.iter().all(Value::is_number) {
                    v.typ = Some("number");
                } else if !v.enums.is_empty() && v.enums.iter().all(Value::is_boolean) {
                    v.typ = Some("boolean");
                }
            }
        }
    }
    v.constraints.format = v.format.clone();
    v
}

/// A discriminator mapping's value as a reference: a bare name means a
/// component schema.
fn mapping_target(v: &str) -> String {
    if v.starts_with('#') || v.contains('/') { v.to_owned() } else { format!("{SCHEMA_PREFIX}{v}") }
}

/// What a schema turns into.
enum Class {
    /// A struct, enum or union: gets a name.
    Named,
    /// Primitives, arrays and maps: written where they are used.
    Inline,
}

/// The result of lowering a schema at a use site.
#[derive(Clone, Debug, Default)]
struct Lowered {
    ty: Option<TypeRef>,
    nullable: bool,
    default: Option<Value>,
    doc: Option<String>,
    constraints: Constraints,
    read_only: bool,
    write_only: bool,
    deprecated: bool,
    example: Option<Example>,
}

impl Lowered {
    /// Takes the type an `allOf` stands for (`inner`), with the annotations
    /// of the members written in place and of `inner` where this schema has
    /// none of its own.
    fn adopt(&mut self, inner: Lowered, all_of: &[ReferenceOr<Schema>]) {
        for m in all_of {
            if let ReferenceOr::Item(ms) = m {
                let md = &ms.schema_data;
                self.nullable |= md.nullable;
                self.doc = self.doc.take().or_else(|| md.description.clone());
                self.default = self.default.take().or_else(|| md.default.clone());
                self.read_only |= md.read_only;
                self.write_only |= md.write_only;
                self.deprecated |= md.deprecated;
            }
        }
        self.ty = inner.ty;
        self.example = self.example.take().or(inner.example);
        self.nullable |= inner.nullable;
        self.doc = self.doc.take().or(inner.doc);
        self.default = self.default.take().or(inner.default);
        if self.constraints.is_empty() {
            self.constraints = inner.constraints;
        }
    }
}

/// What a schema says about its use site, whatever its type.
fn annotations(data: &openapiv3::SchemaData, pointer: &str) -> Lowered {
    Lowered {
        ty: None,
        nullable: data.nullable,
        default: data.default.clone(),
        doc: data.description.clone().or_else(|| data.title.clone()),
        constraints: Constraints::default(),
        read_only: data.read_only,
        write_only: data.write_only,
        deprecated: data.deprecated,
        example: example_at(data, pointer),
    }
}

fn example_at(data: &openapiv3::SchemaData, pointer: &str) -> Option<Example> {
    data.example.clone().map(|value| Example { value, pointer: push_pointer(pointer, "example") })
}

impl Lowered {
    fn ty(&self) -> TypeRef {
        self.ty.clone().unwrap_or(TypeRef::Json)
    }
}

/// A property collected from an object schema or from `allOf` members.
#[derive(Clone)]
struct Prop {
    schema: PropSchema,
    pointer: String,
}

/// A property's schema, owned so merged objects outlive their members.
#[derive(Clone)]
enum PropSchema {
    Ref(String),
    Item(Rc<Schema>),
}

/// An object schema with its `allOf` members merged.
#[derive(Default)]
struct Merged {
    props: IndexMap<String, Prop>,
    required: BTreeSet<String>,
    additional: Option<(AdditionalKind, String)>,
    doc: Option<String>,
    nullable: bool,
    /// Some member is not an object (a union, a primitive).
    not_object: Option<String>,
}

#[derive(Clone)]
enum AdditionalKind {
    Any,
    Schema(PropSchema),
}

/// Pagination as the document states it; resolved against the response type
/// once every type is built.
struct RawPagination {
    pointer: String,
    offset_param: String,
    limit_param: String,
    default_limit: Option<i64>,
    path: Vec<String>,
}

struct Pending {
    id: TypeId,
    reference: Option<String>,
    schema: Option<Rc<Schema>>,
    pointer: String,
}

struct Lowering<'a> {
    doc: &'a OpenAPI,
    raw: &'a Value,
    diags: Diagnostics,
    types: Vec<Option<TypeDef>>,
    /// `$ref` → the named type made from it.
    by_ref: HashMap<String, TypeId>,
    /// `$ref` → the inline type it stands for (primitives, arrays, maps).
    inline_refs: HashMap<String, Lowered>,
    /// References being inlined right now (guards alias cycles).
    inlining: Vec<String>,
    /// Schemas read from pointers outside `components/schemas`.
    shared: HashMap<String, Rc<Schema>>,
    taken: BTreeSet<String>,
    component_names: HashMap<String, String>,
    queue: VecDeque<Pending>,
    op_id: Option<String>,
    /// Structs whose named types are used as union variants, with the tag
    /// property the union writes.
    variant_tags: BTreeMap<TypeId, String>,
    /// Pagination of each operation (by index), resolved in `finish`.
    paginations: BTreeMap<usize, RawPagination>,
}

impl<'a> Lowering<'a> {
    fn new(doc: &'a OpenAPI, raw: &'a Value) -> Self {
        let mut taken = BTreeSet::new();
        let mut component_names = HashMap::new();
        if let Some(c) = &doc.components {
            for name in c.schemas.keys() {
                let rust = naming::unique(&mut taken, naming::type_name(name));
                component_names.insert(format!("{SCHEMA_PREFIX}{}", json_pointer_escape(name)), rust);
            }
        }
        Lowering {
            doc,
            raw,
            diags: Diagnostics::default(),
            types: Vec::new(),
            by_ref: HashMap::new(),
            inline_refs: HashMap::new(),
            inlining: Vec::new(),
            shared: HashMap::new(),
            taken,
            component_names,
            queue: VecDeque::new(),
            op_id: None,
            variant_tags: BTreeMap::new(),
            paginations: BTreeMap::new(),
        }
    }

    fn error(&mut self, pointer: impl Into<String>, msg: impl Into<String>) {
        let d = Diagnostic::error(pointer, msg).with_operation(self.op_id.as_deref());
        self.diags.push(d);
    }

    fn note(&mut self, pointer: impl Into<String>, msg: impl Into<String>) {
        let d = Diagnostic::note(pointer, msg).with_operation(self.op_id.as_deref());
        self.diags.push(d);
    }

    // ----- references -------------------------------------------------

    /// Finds the schema a `$ref` points at, with the pointer it lives at.
    fn resolve(&mut self, reference: &str, from: &str) -> Option<(Target<'a>, String)> {
        // A pointer in a URI fragment may be percent-encoded (`%7Bid%7D`).
        let decoded;
        let reference = if reference.contains('%') {
            decoded = percent_decode(reference);
            decoded.as_str()
        } else {
            reference
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            self.error(from, format!("`$ref: {reference}` points to another document that could not be brought in"));
            return None;
        };
        if let Some(name) = reference.strip_prefix(SCHEMA_PREFIX) {
            let name = name.replace("~1", "/").replace("~0", "~");
            if let Some(s) = self.doc.components.as_ref().and_then(|c| c.schemas.get(&name)) {
                return match s {
                    ReferenceOr::Item(s) => Some((Target::Doc(s), pointer.to_owned())),
                    ReferenceOr::Reference { reference: next } => {
                        if self.inlining.iter().any(|r| r == next) || next == reference {
                            self.error(pointer, format!("`$ref` cycle through `{next}`"));
                            return None;
                        }
                        self.inlining.push(reference.to_owned());
                        let out = self.resolve(&next.clone(), pointer);
                        self.inlining.pop();
                        out
                    }
                };
            }
        }
        if let Some(s) = self.shared.get(reference) {
            return Some((Target::Shared(s.clone()), pointer.to_owned()));
        }
        let found = crate::diag::pointer_tokens(pointer).and_then(|tokens| {
            tokens.iter().try_fold(self.raw, |v, t| match v {
                Value::Object(m) => m.get(t),
                Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
                _ => None,
            })
        });
        let Some(found) = found else {
            self.error(from, format!("`$ref: {reference}` does not resolve: nothing at that pointer"));
            return None;
        };
        if found.get("$ref").is_some() {
            self.error(from, format!("`$ref: {reference}` points at another `$ref`; only components may be chained"));
            return None;
        }
        match crate::parse::read_at::<Schema>(found, pointer) {
            Ok(s) => {
                let s = Rc::new(s);
                self.shared.insert(reference.to_owned(), s.clone());
                Some((Target::Shared(s), pointer.to_owned()))
            }
            Err(d) => {
                self.push_all(d);
                None
            }
        }
    }

    fn push_all(&mut self, d: Diagnostics) {
        for x in d.0 {
            self.diags.push(x.with_operation(self.op_id.as_deref()));
        }
    }

    /// Lowers the schema behind a `$ref` at a use site.
    fn lower_ref(&mut self, reference: &str, from: &str, hint: &str) -> Lowered {
        if let Some(id) = self.by_ref.get(reference) {
            let id = *id;
            let base = self.resolve(reference, from).map(|(s, p)| annotations(&s.schema_data, &p)).unwrap_or_default();
            // The named type has the example; the use site does not repeat it.
            return Lowered { ty: Some(TypeRef::Named(id)), example: None, ..base };
        }
        if let Some(l) = self.inline_refs.get(reference) {
            return l.clone();
        }
        let Some((target, pointer)) = self.resolve(reference, from) else {
            return Lowered::default();
        };
        match self.classify(&target, &pointer) {
            Class::Named => {
                let name = match self.component_names.get(reference) {
                    Some(n) => n.clone(),
                    None => naming::unique(&mut self.taken, naming::short_type_name(hint)),
                };
                let id = self.alloc(name, &pointer);
                self.by_ref.insert(reference.to_owned(), id);
                let schema = match &target {
                    Target::Shared(rc) => Some(rc.clone()),
                    Target::Doc(_) => None,
                };
                let out = Lowered {
                    ty: Some(TypeRef::Named(id)),
                    example: None,
                    ..annotations(&target.schema_data, &pointer)
                };
                self.queue.push_back(Pending { id, reference: Some(reference.to_owned()), schema, pointer });
                out
            }
            Class::Inline => {
                if self.inlining.iter().any(|r| r == reference) {
                    self.error(
                        &pointer,
                        "this schema contains itself without an object in between; it has no finite Rust form",
                    );
                    return Lowered { ty: Some(TypeRef::Json), ..Lowered::default() };
                }
                self.inlining.push(reference.to_owned());
                let name_hint = self.component_names.get(reference).cloned().unwrap_or_else(|| hint.to_owned());
                let l = self.lower_item(&target, &pointer, &name_hint);
                self.inlining.pop();
                self.inline_refs.insert(reference.to_owned(), l.clone());
                l
            }
        }
    }

    fn alloc(&mut self, name: String, pointer: &str) -> TypeId {
        let id = TypeId(self.types.len());
        self.types.push(Some(TypeDef {
            name,
            pointer: pointer.to_owned(),
            doc: None,
            example: None,
            kind: TypeKind::Struct(Struct { fields: Vec::new(), additional: None, dropped_tag: None }),
            in_request: false,
            in_response: false,
        }));
        id
    }

    /// Whether a schema becomes a named type.
    fn classify(&mut self, s: &Schema, pointer: &str) -> Class {
        let v = view(s);
        if !v.all_of.is_empty() {
            // `allOf: [$ref]` plus annotations is the referenced type itself.
            if self.single_ref_all_of(&v).is_some() && v.properties.is_none() {
                return Class::Inline;
            }
            // `allOf` of strings (or numbers…) is a string with all the constraints.
            if v.properties.is_none() && self.primitive_all_of(&v, pointer).is_some() {
                return Class::Inline;
            }
            return Class::Named;
        }
        let members: Vec<SRef> = v.one_of.iter().chain(v.any_of.iter()).map(SRef::from).collect();
        if !members.is_empty() {
            let non_null = members.iter().filter(|m| !self.is_null_schema(**m, pointer)).count();
            return if non_null <= 1 && s.schema_data.discriminator.is_none() { Class::Inline } else { Class::Named };
        }
        match v.typ {
            Some("object") if v.properties.is_some_and(|p| !p.is_empty()) => Class::Named,
            Some("string") if !v.enums.is_empty() => Class::Named,
            None if !v.enums.is_empty() && v.enums.iter().all(Value::is_string) => Class::Named,
            _ => Class::Inline,
        }
    }

    /// `allOf` with one `$ref` and otherwise only annotations.
    fn single_ref_all_of<'v>(&self, v: &View<'v>) -> Option<&'v str> {
        let mut reference = None;
        for m in v.all_of {
            match m {
                ReferenceOr::Reference { reference: r } => {
                    if reference.is_some() {
                        return None;
                    }
                    reference = Some(r.as_str());
                }
                ReferenceOr::Item(s) => {
                    let mv = view(s);
                    let annotation_only = mv.typ.is_none()
                        && mv.properties.is_none()
                        && mv.all_of.is_empty()
                        && mv.one_of.is_empty()
                        && mv.any_of.is_empty()
                        && mv.items.is_none()
                        && mv.additional.is_none()
                        && mv.enums.is_empty();
                    if !annotation_only {
                        return None;
                    }
                }
            }
        }
        reference
    }

    /// For `allOf` whose members are all the same non-object type (or only
    /// annotations), the member that carries the type.
    fn primitive_all_of<'v>(&mut self, v: &View<'v>, pointer: &str) -> Option<SRef<'v>> {
        let mut typed: Option<(SRef<'v>, String)> = None;
        for m in v.all_of {
            let resolved;
            let ms: &Schema = match m {
                ReferenceOr::Reference { reference } => match self.resolve(reference, pointer) {
                    Some((t, _)) => {
                        resolved = t;
                        &resolved
                    }
                    None => return None,
                },
                ReferenceOr::Item(s) => s,
            };
            let mv = view(ms);
            if mv.properties.is_some() || !mv.all_of.is_empty() || !mv.one_of.is_empty() || !mv.any_of.is_empty() {
                return None;
            }
            match (mv.typ, &typed) {
                (Some("object"), _) => return None,
                (Some(t), None) => typed = Some((SRef::from(m), t.to_owned())),
                (Some(t), Some((_, seen))) if seen != t => return None,
                _ => {}
            }
        }
        typed.map(|(r, _)| r)
    }

    fn is_null_schema(&mut self, m: SRef, pointer: &str) -> bool {
        let resolved;
        let s: &Schema = match m {
            SRef::Item(s) => s,
            SRef::Ref(r) => match self.resolve(r, pointer) {
                Some((t, _)) => {
                    resolved = t;
                    &resolved
                }
                None => return false,
            },
        };
        let v = view(s);
        s.schema_data.nullable
            && v.typ.is_none()
            && v.properties.is_none()
            && v.one_of.is_empty()
            && v.any_of.is_empty()
            && v.all_of.is_empty()
            && v.enums.is_empty()
            && v.items.is_none()
    }

    // ----- schemas ----------------------------------------------------

    /// Lowers a schema at a use site; `hint` names it if it becomes a type.
    fn lower(&mut self, s: SRef, pointer: &str, hint: &str) -> Lowered {
        match s {
            SRef::Ref(r) => self.lower_ref(r, pointer, hint),
            SRef::Item(s) => self.lower_inline(s, pointer, hint),
        }
    }

    /// Lowers a schema written at its use site.
    fn lower_inline(&mut self, s: &Schema, pointer: &str, hint: &str) -> Lowered {
        match self.classify(s, pointer) {
            Class::Inline => self.lower_item(s, pointer, hint),
            Class::Named => {
                let name = naming::unique(&mut self.taken, naming::short_type_name(hint));
                let id = self.alloc(name, pointer);
                if self.inlining.is_empty() {
                    self.build_named(id, s, pointer);
                } else {
                    // Inside an array or map component being expanded in place:
                    // build later, so a field of this type that refers back to
                    // the component finds its finished form (`Vec<Self>`).
                    let schema = Some(Rc::new(s.clone()));
                    self.queue.push_back(Pending { id, reference: None, schema, pointer: pointer.to_owned() });
                }
                Lowered { ty: Some(TypeRef::Named(id)), ..annotations(&s.schema_data, pointer) }
            }
        }
    }

    /// Lowers a schema that is written in place (not a named type).
    fn lower_item(&mut self, s: &Schema, pointer: &str, hint: &str) -> Lowered {
        let v = view(s);
        let data = &s.schema_data;
        let mut out = Lowered { constraints: v.constraints.clone(), ..annotations(data, pointer) };
        if let Some(r) = self.single_ref_all_of(&v) {
            let inner = self.lower_ref(r, pointer, hint);
            out.adopt(inner, v.all_of);
            return out;
        }
        if !v.all_of.is_empty()
            && let Some(member) = self.primitive_all_of(&v, pointer)
        {
            let inner = self.lower(member, pointer, hint);
            out.adopt(inner, v.all_of);
            return out;
        }
        let members: Vec<SRef> = v.one_of.iter().chain(v.any_of.iter()).map(SRef::from).collect();
        if !members.is_empty() {
            // Only `X | null` gets here.
            let mut ty = None;
            for (i, m) in members.iter().enumerate() {
                let kw = if v.one_of.is_empty() { "anyOf" } else { "oneOf" };
                let mp = push_pointer(&push_pointer(pointer, kw), &i.to_string());
                if self.is_null_schema(*m, &mp) {
                    out.nullable = true;
                } else {
                    let l = self.lower(*m, &mp, hint);
                    out.nullable |= l.nullable;
                    out.doc = out.doc.or(l.doc);
                    out.default = out.default.or(l.default);
                    out.example = out.example.or(l.example);
                    if out.constraints.is_empty() {
                        out.constraints = l.constraints;
                    }
                    ty = l.ty;
                }
            }
            out.ty = Some(ty.unwrap_or(TypeRef::Json));
            return out;
        }
        if v.not {
            self.note(pointer, "`not` cannot be expressed as a Rust type; any JSON value is accepted");
            out.ty = Some(TypeRef::Json);
            return out;
        }
        out.ty = Some(match v.typ {
            Some("string") => match v.format.as_deref() {
                Some("uuid") => TypeRef::Uuid,
                Some("binary") => TypeRef::Binary,
                _ => TypeRef::String,
            },
            Some("integer") => TypeRef::Int(match v.format.as_deref() {
                Some("int8") => IntKind::I8,
                Some("int16") => IntKind::I16,
                Some("int32") => IntKind::I32,
                Some("uint8") => IntKind::U8,
                Some("uint16") => IntKind::U16,
                Some("uint32") => IntKind::U32,
                Some("uint64") => IntKind::U64,
                _ => IntKind::I64,
            }),
            Some("number") => match v.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                let item = match v.items {
                    Some(items) => {
                        let item_hint = format!("{hint} item");
                        self.lower(SRef::from(items), &push_pointer(pointer, "items"), &item_hint).ty()
                    }
                    None => TypeRef::Json,
                };
                TypeRef::Array(Box::new(item))
            }
            Some("object") => match v.additional {
                Some(AdditionalProperties::Schema(a)) => {
                    let value_hint = format!("{hint} value");
                    let l =
                        self.lower(SRef::from(a.as_ref()), &push_pointer(pointer, "additionalProperties"), &value_hint);
                    match l.ty() {
                        TypeRef::Json => TypeRef::JsonMap,
                        t => TypeRef::Map(Box::new(t)),
                    }
                }
                _ => TypeRef::JsonMap,
            },
            Some(other) => {
                self.error(pointer, format!("unknown schema type `{other}`"));
                TypeRef::Json
            }
            None => TypeRef::Json,
        });
        // A property that allows exactly one value (`const`) means that value
        // when it is missing.
        if out.default.is_none()
            && let [only] = v.enums.as_slice()
            && matches!(v.typ, Some("boolean" | "integer" | "number"))
        {
            out.default = Some(only.clone());
        }
        if !v.enums.is_empty() && !matches!(v.typ, Some("string")) {
            let values: Vec<String> = v.enums.iter().map(Value::to_string).collect();
            let list = format!("Allowed values: `{}`.", values.join("`, `"));
            out.doc = Some(match out.doc {
                Some(d) => format!("{d}\n\n{list}"),
                None => list,
            });
        }
        out
    }

    /// Fills in a named type.
    fn build_named(&mut self, id: TypeId, s: &Schema, pointer: &str) {
        let v = view(s);
        let name = self.types[id.0].as_ref().expect("allocated").name.clone();
        let doc = s.schema_data.description.clone().or_else(|| s.schema_data.title.clone());
        let kind = if !v.all_of.is_empty()
            || (v.typ == Some("object") || v.properties.is_some()) && v.one_of.is_empty() && v.any_of.is_empty()
        {
            let merged = self.merge(s, pointer, 0);
            if let Some(what) = &merged.not_object {
                self.note(
                    pointer,
                    format!("`allOf` merges objects; {what} among its members is left out of the struct"),
                );
            }
            TypeKind::Struct(self.build_struct(&name, merged, pointer))
        } else if !v.one_of.is_empty() || !v.any_of.is_empty() {
            let (kw, members) = if v.one_of.is_empty() { ("anyOf", v.any_of) } else { ("oneOf", v.one_of) };
            match &s.schema_data.discriminator {
                Some(d) => {
                    match self.untaggable_member(d, members, pointer, kw) {
                        None => self.build_union(&name, d, members, pointer, kw),
                        Some(why) => {
                            // Real documents put discriminators on unions they
                            // cannot select; decoding by trying members still works.
                            self.note(
                            push_pointer(pointer, "discriminator"),
                            format!("{why}, so the discriminator cannot select it; the first member that parses is taken"),
                        );
                            self.build_untagged(&name, members, pointer, kw)
                        }
                    }
                }
                None => self.build_untagged(&name, members, pointer, kw),
            }
        } else {
            TypeKind::Enum(self.build_enum(&v, pointer))
        };
        let def = self.types[id.0].as_mut().expect("allocated");
        def.example = example_at(&s.schema_data, pointer);
        def.doc = doc;
        def.kind = kind;
    }

    fn drain(&mut self) {
        while let Some(p) = self.queue.pop_front() {
            let target = match (&p.schema, &p.reference) {
                (Some(rc), _) => Target::Shared(rc.clone()),
                (None, Some(r)) => match self.resolve(&r.clone(), &p.pointer) {
                    Some((t, _)) => t,
                    None => continue,
                },
                (None, None) => continue,
            };
            self.build_named(p.id, &target, &p.pointer);
        }
    }

    /// Collects the properties of an object schema, merging `allOf` members.
    fn merge(&mut self, s: &Schema, pointer: &str, depth: usize) -> Merged {
        let mut out = Merged::default();
        if depth > 64 {
            self.error(pointer, "`allOf` nests too deeply (a cycle?)");
            return out;
        }
        let v = view(s);
        out.doc = s.schema_data.description.clone();
        out.nullable = s.schema_data.nullable;
        for (i, m) in v.all_of.iter().enumerate() {
            let mp = push_pointer(&push_pointer(pointer, "allOf"), &i.to_string());
            let resolved;
            let (target, tp): (&Schema, String) = match m {
                ReferenceOr::Reference { reference } => match self.resolve(reference, &mp) {
                    Some((t, tp)) => {
                        resolved = t;
                        (&resolved, tp)
                    }
                    None => continue,
                },
                ReferenceOr::Item(ms) => (ms, mp.clone()),
            };
            let mv = view(target);
            if !mv.one_of.is_empty() || !mv.any_of.is_empty() {
                out.not_object.get_or_insert_with(|| "a `oneOf`/`anyOf`".into());
                continue;
            }
            if matches!(mv.typ, Some(t) if t != "object") {
                out.not_object.get_or_insert_with(|| format!("a `{}`", mv.typ.unwrap_or_default()));
                continue;
            }
            let inner = self.merge(target, &tp, depth + 1);
            for (k, p) in inner.props {
                out.props.insert(k, p);
            }
            out.required.extend(inner.required);
            if inner.additional.is_some() {
                out.additional = inner.additional;
            }
            out.nullable |= inner.nullable;
            if out.doc.is_none() {
                out.doc = inner.doc;
            }
            if out.not_object.is_none() {
                out.not_object = inner.not_object;
            }
        }
        if let Some(props) = v.properties {
            let pp = push_pointer(pointer, "properties");
            for (k, p) in props {
                let schema = match p {
                    ReferenceOr::Reference { reference } => PropSchema::Ref(reference.clone()),
                    ReferenceOr::Item(b) => PropSchema::Item(Rc::new(b.as_ref().clone())),
                };
                out.props.insert(k.clone(), Prop { schema, pointer: push_pointer(&pp, k) });
            }
        }
        out.required.extend(v.required.iter().cloned());
        match v.additional {
            Some(AdditionalProperties::Any(true)) => {
                out.additional = Some((AdditionalKind::Any, push_pointer(pointer, "additionalProperties")))
            }
            Some(AdditionalProperties::Schema(a)) => {
                let schema = match a.as_ref() {
                    ReferenceOr::Reference { reference } => PropSchema::Ref(reference.clone()),
                    ReferenceOr::Item(b) => PropSchema::Item(Rc::new(b.clone())),
                };
                out.additional = Some((AdditionalKind::Schema(schema), push_pointer(pointer, "additionalProperties")));
            }
            _ => {}
        }
        out
    }

    fn lower_prop(&mut self, p: &PropSchema, pointer: &str, hint: &str) -> Lowered {
        match p {
            PropSchema::Ref(r) => self.lower_ref(r, pointer, hint),
            PropSchema::Item(t) => self.lower_inline(&t.clone(), pointer, hint),
        }
    }

    fn build_struct(&mut self, type_name: &str, merged: Merged, pointer: &str) -> Struct {
        let mut fields = Vec::new();
        let mut taken = BTreeSet::new();
        for (wire, prop) in &merged.props {
            let is_array = match &prop.schema {
                PropSchema::Item(t) => view(t).typ == Some("array"),
                PropSchema::Ref(_) => false,
            };
            let hint = if is_array {
                naming::item_type_name(type_name, wire)
            } else {
                naming::inline_type_name(type_name, wire)
            };
            // Array items are named by `item_type_name`; the array itself by the property.
            let l = if is_array {
                self.lower_array_prop(&prop.schema, &prop.pointer, &hint)
            } else {
                self.lower_prop(&prop.schema, &prop.pointer, &hint)
            };
            let name = naming::unique_with(&mut taken, naming::field_name(wire), "_");
            let ty = l.ty();
            // Checked once every type is built (see `finish`).
            let default = l.default.clone();
            let sensitive = naming::is_sensitive(wire) || l.constraints.format.as_deref() == Some("password");
            fields.push(Field {
                name,
                wire: wire.clone(),
                pointer: prop.pointer.clone(),
                ty,
                required: merged.required.contains(wire),
                nullable: l.nullable,
                default,
                doc: l.doc,
                example: l.example,
                constraints: l.constraints,
                sensitive,
                read_only: l.read_only,
                write_only: l.write_only,
                deprecated: l.deprecated,
                boxed: false,
                shape: FieldShape::Optional,
            });
        }
        // Required fields first (document order otherwise): constructors take
        // them in this order, and bodies are written in it.
        fields.sort_by_key(|f| !f.required);
        for r in &merged.required {
            if !merged.props.contains_key(r) {
                self.note(
                    push_pointer(pointer, "required"),
                    format!("required property `{r}` is not defined; ignored"),
                );
            }
        }
        let additional = merged.additional.map(|(kind, ap)| match kind {
            AdditionalKind::Any => TypeRef::Json,
            AdditionalKind::Schema(s) => {
                let hint = naming::inline_type_name(type_name, "value");
                self.lower_prop(&s, &ap, &hint).ty()
            }
        });
        Struct { fields, additional, dropped_tag: None }
    }

    /// An array property whose items, when inline, are named in the singular.
    fn lower_array_prop(&mut self, p: &PropSchema, pointer: &str, item_hint: &str) -> Lowered {
        let PropSchema::Item(t) = p else { unreachable!("only inline arrays") };
        let t = t.clone();
        let v = view(&t);
        let mut l = Lowered { constraints: v.constraints.clone(), ..annotations(&t.schema_data, pointer) };
        let item = match v.items {
            Some(items) => self.lower(SRef::from(items), &push_pointer(pointer, "items"), item_hint).ty(),
            None => TypeRef::Json,
        };
        l.ty = Some(TypeRef::Array(Box::new(item)));
        l
    }

    fn build_enum(&mut self, v: &View, pointer: &str) -> StringEnum {
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        let mut seen = BTreeSet::new();
        let (mut coerced, mut dropped) = (Vec::new(), Vec::new());
        for e in &v.enums {
            // Documents write `type: string` with `enum: [169, 43]` or
            // `[true]`; the values are taken as the strings they spell.
            let wire = match e {
                Value::String(s) => s.clone(),
                Value::Number(_) | Value::Bool(_) => {
                    coerced.push(e.to_string());
                    e.to_string()
                }
                Value::Null => continue,
                other => {
                    dropped.push(other.to_string());
                    continue;
                }
            };
            let wire = wire.as_str();
            if !seen.insert(wire.to_owned()) {
                continue;
            }
            let name = naming::unique(&mut taken, naming::variant_name(wire));
            variants.push(EnumVariant { name, wire: wire.to_owned() });
        }
        if !coerced.is_empty() {
            self.note(
                push_pointer(pointer, "enum"),
                format!("values {} of a string enum are not strings; taken as strings", coerced.join(", ")),
            );
        }
        if !dropped.is_empty() {
            self.note(
                push_pointer(pointer, "enum"),
                format!(
                    "values {} of a string enum are not strings; left out (kept as unknown values)",
                    dropped.join(", ")
                ),
            );
        }
        let unknown_variant = naming::unknown_variant(variants.iter().map(|v| v.name.as_str()));
        StringEnum { variants, unknown_variant, from_scalars: !coerced.is_empty() }
    }

    fn build_union(
        &mut self,
        type_name: &str,
        d: &openapiv3::Discriminator,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        kw: &str,
    ) -> TypeKind {
        let tag = d.property_name.clone();
        // mapping: value → normalised reference
        let mapping: Vec<(String, String)> = d.mapping.iter().map(|(k, v)| (k.clone(), mapping_target(v))).collect();
        let mut variants = Vec::new();
        let mut taken = BTreeSet::new();
        for (i, m) in members.iter().enumerate() {
            let mp = push_pointer(&push_pointer(pointer, kw), &i.to_string());
            let hint = format!("{type_name} variant {}", i + 1);
            let Some((reference, target)) = self.member_target(m, &mp) else { continue };
            let target = &target;
            if self.is_null_schema(SRef::from(m), &mp) {
                continue;
            }
            let lowered = self.lower(SRef::from(m), &mp, &hint);
            let Some(TypeRef::Named(id)) = lowered.ty else {
                self.error(&mp, "a member of a discriminated union must be an object schema");
                continue;
            };
            let mut values: Vec<Value> = match &reference {
                Some(r) => mapping.iter().filter(|(_, to)| to == r).map(|(k, _)| Value::String(k.clone())).collect(),
                None => Vec::new(),
            };
            if values.is_empty() {
                if let Some(v) = self.tag_const(target, &tag, &mp) {
                    values.push(v);
                } else if let Some(r) = &reference {
                    values.push(Value::String(r.rsplit('/').next().unwrap_or(r).to_owned()));
                } else {
                    self.error(&mp, format!("cannot tell which `{tag}` value selects this member: add a `mapping` or a `const`/single `enum` on `{tag}`"));
                    continue;
                }
            }
            for tag_json in values {
                let tag_value = match &tag_json {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if variants.iter().any(|v: &UnionVariant| v.tag_value == tag_value) {
                    continue;
                }
                let name = naming::unique(&mut taken, naming::variant_name(&tag_value));
                variants.push(UnionVariant { name, tag_value, tag_json, ty: id, doc: lowered.doc.clone() });
            }
            self.variant_tags.insert(id, tag.clone());
        }
        for (k, r) in &mapping {
            if !variants.iter().any(|v| &v.tag_value == k) {
                self.note(
                    push_pointer(&push_pointer(pointer, "discriminator"), "mapping"),
                    format!("mapping `{k}` → `{r}` names a schema that is not a member; ignored"),
                );
            }
        }
        let unknown_variant = naming::unknown_variant(variants.iter().map(|v| v.name.as_str()));
        TypeKind::Union(TaggedUnion { tag, variants, unknown_variant })
    }

    /// Whether every member of a union is an object schema (or `null`).
    /// Why a discriminated union cannot be a tagged enum, if it cannot: a
    /// member that is not an object, or whose tag value nothing tells.
    fn untaggable_member(
        &mut self,
        d: &openapiv3::Discriminator,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        kw: &str,
    ) -> Option<String> {
        for (i, m) in members.iter().enumerate() {
            let mp = push_pointer(&push_pointer(pointer, kw), &i.to_string());
            if self.is_null_schema(SRef::from(m), &mp) {
                continue;
            }
            let Some((reference, target)) = self.member_target(m, &mp) else { continue };
            let v = view(&target);
            let object = matches!(v.typ, None | Some("object")) && v.items.is_none() && v.enums.is_empty();
            if !object || !matches!(self.classify(&target, &mp), Class::Named) {
                return Some(format!("member {i} is not an object with properties"));
            }
            let mapped = reference.as_ref().is_some_and(|r| d.mapping.values().any(|to| mapping_target(to) == *r));
            if !mapped && reference.is_none() && self.tag_const(&target, &d.property_name, &mp).is_none() {
                return Some(format!("member {i} has no `mapping` entry, name or single `{}` value", d.property_name));
            }
        }
        None
    }

    /// A union member's schema, and the reference it names: `$ref` itself, or
    /// `allOf: [$ref]` with only annotations beside it.
    fn member_target(&mut self, m: &ReferenceOr<Schema>, pointer: &str) -> Option<(Option<String>, Schema)> {
        let reference = match m {
            ReferenceOr::Reference { reference } => reference.clone(),
            ReferenceOr::Item(s) => {
                let v = view(s);
                match self.single_ref_all_of(&v) {
                    Some(r) if v.properties.is_none() => r.to_owned(),
                    _ => return Some((None, s.clone())),
                }
            }
        };
        let (target, _) = self.resolve(&reference, pointer)?;
        Some((Some(reference), (*target).clone()))
    }

    /// The single value a member's tag property allows (`const`/one-value `enum`).
    fn tag_const(&mut self, s: &Schema, tag: &str, pointer: &str) -> Option<Value> {
        let merged = self.merge(s, pointer, 0);
        let prop = merged.props.get(tag)?.clone();
        let resolved;
        let target: &Schema = match &prop.schema {
            PropSchema::Ref(r) => {
                resolved = self.resolve(r, &prop.pointer)?.0;
                &resolved
            }
            PropSchema::Item(t) => t,
        };
        let v = view(target);
        match v.enums.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        }
    }

    fn build_untagged(
        &mut self,
        type_name: &str,
        members: &[ReferenceOr<Schema>],
        pointer: &str,
        kw: &str,
    ) -> TypeKind {
        let mut variants: Vec<UntaggedVariant> = Vec::new();
        let mut taken = BTreeSet::new();
        for (i, m) in members.iter().enumerate() {
            let mp = push_pointer(&push_pointer(pointer, kw), &i.to_string());
            if self.is_null_schema(SRef::from(m), &mp) {
                continue;
            }
            let hint = format!("{type_name} variant {}", i + 1);
            let l = self.lower(SRef::from(m), &mp, &hint);
            let ty = l.ty();
            if variants.iter().any(|v| v.ty == ty) {
                continue;
            }
            let base = match &ty {
                TypeRef::Named(id) => self.types[id.0].as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                other => variant_for_primitive(other).to_owned(),
            };
            let name = naming::unique(&mut taken, base);
            variants.push(UntaggedVariant { name, ty, doc: l.doc, boxed: false });
        }
        // serde tries variants in order: integers before floats, so `1` stays an integer.
        variants.sort_by_key(|v| match v.ty {
            TypeRef::Int(_) => 0,
            TypeRef::F32 | TypeRef::F64 => 1,
            TypeRef::Json => 3,
            _ => 0,
        });
        TypeKind::Untagged(Untagged { variants })
    }

    // ----- operations ---------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    fn operation(
        &mut self,
        path: &str,
        method: Method,
        path_params: &[ReferenceOr<Parameter>],
        op: &'a openapiv3::Operation,
        pointer: &str,
        globals: &[GlobalParam],
        op_index: usize,
    ) -> Option<Operation> {
        let id = op.operation_id.clone().unwrap_or_else(|| synthesize_id(method, path));
        self.op_id = Some(id.clone());
        let name = op
            .extensions
            .get("x-speakeasy-name-override")
            .and_then(Value::as_str)
            .map(naming::field_name)
            .unwrap_or_else(|| naming::field_name(&id));
        let type_prefix = naming::type_name(&id);

        // Path-level parameters, overridden by operation-level ones.
        let mut params: Vec<Param> = Vec::new();
        let mut taken = BTreeSet::new();
        let sources = path_params
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    p,
                    push_pointer(
                        &push_pointer(&pointer[..pointer.rfind('/').unwrap_or(0)], "parameters"),
                        &i.to_string(),
                    ),
                )
            })
            .chain(
                op.parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p, push_pointer(&push_pointer(pointer, "parameters"), &i.to_string()))),
            );
        let mut collected: Vec<(Parameter, String)> = Vec::new();
        for (p, pp) in sources {
            let Some(param) = self.resolve_param(p, &pp) else { continue };
            let key = (param.parameter_data_ref().name.clone(), location_of(&param));
            collected.retain(|(q, _)| (q.parameter_data_ref().name.clone(), location_of(q)) != key);
            collected.push((param, pp));
        }
        for (param, pp) in collected {
            let location = location_of(&param);
            let style = match &param {
                Parameter::Query { style, .. } => match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form,
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
                Parameter::Cookie { .. } => ParamStyle::Form,
                Parameter::Header { .. } => ParamStyle::Simple,
                Parameter::Path { style, .. } => match style {
                    openapiv3::PathStyle::Simple => ParamStyle::Simple,
                    openapiv3::PathStyle::Label => ParamStyle::Label,
                    openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
                },
            };
            // `explode` defaults to true for `form` only.
            let explode = param.parameter_data_ref().explode.unwrap_or(style == ParamStyle::Form);
            let data = param.parameter_data_ref();
            let hint = format!("{type_prefix} {}", data.name);
            let l = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => {
                    self.lower(SRef::from(s), &push_pointer(&pp, "schema"), &hint)
                }
                openapiv3::ParameterSchemaOrContent::Content(c) => match c.iter().next() {
                    Some((media, m)) => match &m.schema {
                        Some(s) => self.lower(
                            SRef::from(s),
                            &push_pointer(&push_pointer(&push_pointer(&pp, "content"), media), "schema"),
                            &hint,
                        ),
                        None => Lowered { ty: Some(TypeRef::String), ..Lowered::default() },
                    },
                    None => Lowered { ty: Some(TypeRef::String), ..Lowered::default() },
                },
            };
            let global = globals
                .iter()
                .find(|g| g.wire.eq_ignore_ascii_case(&data.name) && g.location == location)
                .map(|g| g.name.clone());
            let rust = global.clone().unwrap_or_else(|| naming::field_name(&data.name));
            let rust = naming::unique_with(&mut taken, rust, "_");
            let ty = l.ty();
            let default = l.default.clone();
            params.push(Param {
                name: rust,
                wire: data.name.clone(),
                pointer: pp.clone(),
                location,
                required: data.required || location == ParamLocation::Path,
                nullable: l.nullable,
                ty,
                default,
                constraints: l.constraints,
                doc: data.description.clone().or(l.doc),
                example: data
                    .example
                    .clone()
                    .map(|value| Example { value, pointer: push_pointer(&pp, "example") })
                    .or(l.example),
                deprecated: data.deprecated.unwrap_or(false),
                style,
                explode,
                global,
            });
        }
        for seg in path_template_names(path) {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.wire == seg) {
                self.error(pointer, format!("path parameter `{{{seg}}}` is not declared"));
            }
        }

        let body = match &op.request_body {
            None => None,
            Some(rb) => {
                let bp = push_pointer(pointer, "requestBody");
                let rb = match rb {
                    ReferenceOr::Item(b) => Some(b.clone()),
                    ReferenceOr::Reference { reference } => {
                        self.resolve_component::<openapiv3::RequestBody>(reference, &bp, "requestBodies", |c| {
                            &c.request_bodies
                        })
                    }
                };
                rb.and_then(|rb| self.request_body(&rb, &bp, &type_prefix))
            }
        };

        let mut responses = Vec::new();
        let rp = push_pointer(pointer, "responses");
        let entries: Vec<(StatusMatch, &ReferenceOr<openapiv3::Response>)> = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| {
                (
                    match code {
                        StatusCode::Code(c) => StatusMatch::Code(*c),
                        StatusCode::Range(r) => StatusMatch::Range(*r),
                    },
                    r,
                )
            })
            .chain(op.responses.default.iter().map(|r| (StatusMatch::Default, r)))
            .collect();
        let success_count = entries.iter().filter(|(s, _)| is_success(s)).count();
        for (status, r) in entries {
            let sp = push_pointer(&rp, &status.to_string());
            let resp = match r {
                ReferenceOr::Item(r) => Some(r.clone()),
                ReferenceOr::Reference { reference } => {
                    self.resolve_component::<openapiv3::Response>(reference, &sp, "responses", |c| &c.responses)
                }
            };
            let Some(resp) = resp else { continue };
            let hint = if is_success(&status) && success_count == 1 {
                format!("{type_prefix} response")
            } else {
                format!("{type_prefix} {status} response")
            };
            let body = pick_media(&resp.content).map(|(media, m)| {
                let mp = push_pointer(&push_pointer(&sp, "content"), media);
                let kind = match BodyKind::of(media) {
                    // A response is read, not written: forms and parts come back as bytes.
                    BodyKind::Form | BodyKind::Multipart => BodyKind::Binary,
                    k => k,
                };
                let ty = self.body_type(m, kind, &mp, &hint);
                let example = m.example.clone().map(|value| Example { value, pointer: push_pointer(&mp, "example") });
                ResponseBody { media_type: media.clone(), kind, ty, example }
            });
            responses.push(Response {
                success: is_success(&status),
                status,
                variant: None,
                doc: Some(resp.description.clone()).filter(|d| !d.is_empty()),
                body,
            });
        }

        // Only `default`: it describes success too.
        if !responses.iter().any(|r| r.success)
            && let Some(d) = responses.iter().find(|r| r.status == StatusMatch::Default).cloned()
        {
            responses.insert(0, Response { status: StatusMatch::Range(2), success: true, ..d });
        }
        if let Some(p) = self.pagination(op, &params, pointer) {
            self.paginations.insert(op_index, p);
        }
        let group = op.tags.first().cloned();
        self.op_id = None;
        Some(Operation {
            id,
            method,
            path: path.to_owned(),
            pointer: pointer.to_owned(),
            group,
            name,
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            params,
            body,
            responses,
            pagination: None,
            module: String::new(),
            builder: String::new(),
            error_enum: String::new(),
            output_enum: None,
            server: None,
            auth: true,
        })
    }

    fn request_body(&mut self, rb: &openapiv3::RequestBody, pointer: &str, type_prefix: &str) -> Option<RequestBody> {
        // JSON first, then form, multipart, text, bytes.
        let mut media: Vec<(&String, &openapiv3::MediaType, BodyKind)> =
            rb.content.iter().map(|(k, m)| (k, m, BodyKind::of(k))).collect();
        media.sort_by_key(|(_, _, kind)| *kind);
        let (name, m, kind) = *media.first()?;
        let hint = format!("{type_prefix} request");
        let mp = push_pointer(&push_pointer(pointer, "content"), name);
        let ty = self.body_type(m, kind, &mp, &hint);
        let example = m.example.clone().map(|value| Example { value, pointer: push_pointer(&mp, "example") });
        let is_struct = matches!(&ty, TypeRef::Named(id) if matches!(self.types[id.0].as_ref().map(|t| &t.kind), Some(TypeKind::Struct(_))));
        let mut alternatives = Vec::new();
        let mut left_out = Vec::new();
        for (other, _, other_kind) in media.iter().skip(1) {
            // One struct can be written as JSON, a form or multipart parts.
            let same_value = is_struct
                && matches!(other_kind, BodyKind::Json | BodyKind::Form | BodyKind::Multipart)
                && *other_kind != kind;
            if same_value && !alternatives.iter().any(|(_, k)| k == other_kind) {
                alternatives.push(((*other).clone(), *other_kind));
            } else {
                left_out.push(other.as_str());
            }
        }
        if !left_out.is_empty() {
            self.note(
                push_pointer(pointer, "content"),
                format!("the body is sent as `{name}`; other media types ({}) are not offered", left_out.join(", ")),
            );
        }
        Some(RequestBody {
            required: rb.required,
            media_type: name.clone(),
            kind,
            ty,
            doc: rb.description.clone(),
            example,
            alternatives,
        })
    }

    /// The type of a body of this kind: text is a `String`, bytes are
    /// `Binary`, whatever the schema says; the others follow the schema.
    fn body_type(&mut self, m: &openapiv3::MediaType, kind: BodyKind, pointer: &str, hint: &str) -> TypeRef {
        match kind {
            BodyKind::Text => TypeRef::String,
            BodyKind::Binary => TypeRef::Binary,
            BodyKind::Json | BodyKind::Form | BodyKind::Multipart => match &m.schema {
                Some(s) => self.lower(SRef::from(s), &push_pointer(pointer, "schema"), hint).ty(),
                None => TypeRef::Json,
            },
        }
    }

    fn resolve_param(&mut self, p: &ReferenceOr<Parameter>, pointer: &str) -> Option<Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                self.resolve_component(reference, pointer, "parameters", |c| &c.parameters)
            }
        }
    }

    fn resolve_component<T: Clone + serde::de::DeserializeOwned>(
        &mut self,
        reference: &str,
        pointer: &str,
        section: &str,
        get: fn(&'a openapiv3::Components) -> &'a IndexMap<String, ReferenceOr<T>>,
    ) -> Option<T> {
        let mut reference = percent_decode(reference);
        for _ in 0..16 {
            let prefix = format!("#/components/{section}/");
            let found = reference.strip_prefix(&prefix).and_then(|name| {
                self.doc.components.as_ref().and_then(|c| get(c).get(&name.replace("~1", "/").replace("~0", "~")))
            });
            match found {
                Some(ReferenceOr::Item(t)) => return Some(t.clone()),
                Some(ReferenceOr::Reference { reference: next }) => reference = percent_decode(next),
                None => {
                    if !reference.starts_with('#') {
                        self.error(
                            pointer,
                            format!("`$ref: {reference}` points to another document that could not be brought in"),
                        );
                        return None;
                    }
                    let found = crate::diag::pointer_tokens(&reference[1..]).and_then(|tokens| {
                        tokens.iter().try_fold(self.raw, |v, t| match v {
                            Value::Object(m) => m.get(t),
                            Value::Array(a) => t.parse::<usize>().ok().and_then(|i| a.get(i)),
                            _ => None,
                        })
                    });
                    return match found {
                        Some(v) => match crate::parse::read_at::<T>(v, &reference[1..]) {
                            Ok(t) => Some(t),
                            Err(d) => {
                                self.push_all(d);
                                None
                            }
                        },
                        None => {
                            self.error(
                                pointer,
                                format!("`$ref: {reference}` does not resolve: nothing at that pointer"),
                            );
                            None
                        }
                    };
                }
            }
        }
        self.error(pointer, format!("`$ref: {reference}` is part of a reference cycle"));
        None
    }

    fn pagination(&mut self, op: &openapiv3::Operation, params: &[Param], pointer: &str) -> Option<RawPagination> {
        let p = op.extensions.get("x-speakeasy-pagination")?;
        let pp = push_pointer(pointer, "x-speakeasy-pagination");
        let kind = p.get("type").and_then(Value::as_str).unwrap_or("");
        if kind != "offsetLimit" {
            self.note(
                &pp,
                format!("pagination type `{kind}` is not supported; the operation is generated without a paginator"),
            );
            return None;
        }
        let input = |t: &str| {
            p.get("inputs")?
                .as_array()?
                .iter()
                .find(|i| i.get("type").and_then(Value::as_str) == Some(t))?
                .get("name")?
                .as_str()
                .map(str::to_owned)
        };
        let (Some(offset), Some(limit)) = (input("offset"), input("limit")) else {
            self.error(&pp, "offsetLimit pagination needs an `offset` and a `limit` input");
            return None;
        };
        let find = |wire: &str| {
            params
                .iter()
                .find(|q| q.wire == wire && q.location == ParamLocation::Query && matches!(q.ty, TypeRef::Int(_)))
        };
        let (Some(offset_param), Some(limit_param)) = (find(&offset), find(&limit)) else {
            self.error(
                &pp,
                format!("pagination inputs `{offset}` and `{limit}` must be integer query parameters of the operation"),
            );
            return None;
        };
        let results = p.pointer("/outputs/results").and_then(Value::as_str).unwrap_or("$.data");
        let Some(path) = results.strip_prefix("$.") else {
            self.error(&pp, format!("pagination results `{results}` must be a `$.field` path"));
            return None;
        };
        Some(RawPagination {
            pointer: pp,
            offset_param: offset_param.name.clone(),
            limit_param: limit_param.name.clone(),
            default_limit: limit_param.default.as_ref().and_then(Value::as_i64),
            path: path.split('.').map(str::to_owned).collect(),
        })
    }

    fn security(&mut self) -> Vec<SecurityScheme> {
        let Some(c) = &self.doc.components else { return Vec::new() };
        let default: BTreeSet<&String> = self.doc.security.iter().flatten().flat_map(|r| r.keys()).collect();
        let mut out = Vec::new();
        for (key, s) in &c.security_schemes {
            let ReferenceOr::Item(s) = s else { continue };
            use openapiv3::SecurityScheme as S;
            let (kind, description) = match s {
                S::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                    (SecurityKind::Bearer, description)
                }
                S::HTTP { scheme, description, .. } if scheme.eq_ignore_ascii_case("basic") => {
                    (SecurityKind::Basic, description)
                }
                S::HTTP { scheme, .. } => {
                    self.note(
                        push_pointer("/components/securitySchemes", key),
                        format!("HTTP auth scheme `{scheme}` is not supported; skipped"),
                    );
                    continue;
                }
                S::APIKey { location, name, description, .. } => (
                    SecurityKind::ApiKey {
                        location: match location {
                            openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                            openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                            openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
                        },
                        name: name.clone(),
                    },
                    description,
                ),
                S::OAuth2 { description, .. } | S::OpenIDConnect { description, .. } => {
                    (SecurityKind::Bearer, description)
                }
            };
            out.push(SecurityScheme {
                key: key.clone(),
                kind,
                description: description.clone(),
                default: default.contains(key),
            });
        }
        out
    }

    fn globals(&mut self) -> Vec<GlobalParam> {
        let Some(list) =
            self.doc.extensions.get("x-speakeasy-globals").and_then(|g| g.get("parameters")).and_then(Value::as_array)
        else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, entry) in list.iter().enumerate() {
            let ptr = push_pointer("/x-speakeasy-globals/parameters", &i.to_string());
            let param: Option<Parameter> = match entry.get("$ref").and_then(Value::as_str) {
                Some(r) => self.resolve_component(r, &ptr, "parameters", |c| &c.parameters),
                None => crate::parse::read_at(entry, &ptr).map_err(|d| self.push_all(d)).ok(),
            };
            let Some(param) = param else { continue };
            let data = param.parameter_data_ref();
            let name = data
                .extensions
                .get("x-speakeasy-name-override")
                .and_then(Value::as_str)
                .map(naming::field_name)
                .unwrap_or_else(|| naming::field_name(&data.name));
            out.push(GlobalParam {
                name,
                wire: data.name.clone(),
                location: location_of(&param),
                doc: data.description.clone(),
                env_suffix: naming::env_suffix(&data.name),
            });
        }
        out
    }

    fn retries(&mut self) -> Option<RetryPolicy> {
        let r = self.doc.extensions.get("x-speakeasy-retries")?;
        let b = r.get("backoff");
        let num = |k: &str| b.and_then(|b| b.get(k)).and_then(Value::as_u64);
        let max_attempts = self
            .doc
            .extensions
            .get("x-retry-strategy")
            .and_then(|s| s.get("maxAttempts"))
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok());
        Some(RetryPolicy {
            initial_interval_ms: num("initialInterval").unwrap_or(500),
            max_interval_ms: num("maxInterval").unwrap_or(60_000),
            exponent: b.and_then(|b| b.get("exponent")).and_then(Value::as_f64).unwrap_or(1.5),
            max_elapsed_ms: num("maxElapsedTime").unwrap_or(3_600_000),
            status_codes: r
                .get("statusCodes")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|c| c.as_str().map(str::to_owned).or_else(|| c.as_u64().map(|n| n.to_string())))
                        .collect()
                })
                .unwrap_or_default(),
            retry_connection_errors: r.get("retryConnectionErrors").and_then(Value::as_bool).unwrap_or(false),
            max_attempts,
        })
    }

    // ----- final passes -------------------------------------------------

    fn finish(&mut self, api: &mut Api) {
        let mut types: Vec<TypeDef> =
            std::mem::take(&mut self.types).into_iter().map(|t| t.expect("every slot is filled")).collect();

        // Defaults that have no Rust form are noted and dropped.
        let mut dropped = Vec::new();
        for t in 0..types.len() {
            let TypeKind::Struct(s) = &types[t].kind else { continue };
            for (i, f) in s.fields.iter().enumerate() {
                if let Some(d) = &f.default
                    && !default_fits(&types, &f.ty, d)
                {
                    dropped.push((t, i, push_pointer(&f.pointer, "default"), d.clone()));
                }
            }
        }
        for (t, i, pointer, d) in dropped {
            if let TypeKind::Struct(s) = &mut types[t].kind {
                s.fields[i].default = None;
            }
            self.note(
                pointer,
                format!("default `{d}` is not used: only scalar, enum and empty defaults become Rust values"),
            );
        }
        for op in &mut api.operations {
            for p in &mut op.params {
                if let Some(d) = &p.default
                    && !default_fits(&types, &p.ty, d)
                {
                    let note = Diagnostic::note(
                        push_pointer(&p.pointer, "default"),
                        format!("default `{d}` is not used: it does not fit the parameter's type"),
                    )
                    .with_operation(Some(&op.id));
                    self.diags.push(note);
                    p.default = None;
                }
            }
        }

        // Usage: which types requests and responses reach.
        let mut req_roots = Vec::new();
        let mut resp_roots = Vec::new();
        for op in &api.operations {
            for p in &op.params {
                p.ty.named(&mut req_roots);
            }
            if let Some(b) = &op.body {
                b.ty.named(&mut req_roots);
            }
            for r in &op.responses {
                if let Some(b) = &r.body {
                    b.ty.named(&mut resp_roots);
                }
            }
        }
        if api.operations.is_empty() {
            // Types only: they may go either way.
            req_roots.extend((0..types.len()).map(TypeId));
            resp_roots.extend((0..types.len()).map(TypeId));
        }
        for id in reach(&types, req_roots) {
            types[id.0].in_request = true;
        }
        for id in reach(&types, resp_roots) {
            types[id.0].in_response = true;
        }

        // Union variants: drop the tag property from structs used only as variants.
        let mut outside_uses: BTreeMap<TypeId, usize> = BTreeMap::new();
        let count = |t: &TypeRef, m: &mut BTreeMap<TypeId, usize>| {
            let mut v = Vec::new();
            t.named(&mut v);
            for id in v {
                *m.entry(id).or_default() += 1;
            }
        };
        for t in &types {
            match &t.kind {
                TypeKind::Struct(s) => {
                    for f in &s.fields {
                        count(&f.ty, &mut outside_uses);
                    }
                    if let Some(a) = &s.additional {
                        count(a, &mut outside_uses);
                    }
                }
                TypeKind::Untagged(u) => {
                    for v in &u.variants {
                        count(&v.ty, &mut outside_uses);
                    }
                }
                TypeKind::Enum(_) | TypeKind::Union(_) => {}
            }
        }
        for op in &api.operations {
            for p in &op.params {
                count(&p.ty, &mut outside_uses);
            }
            if let Some(b) = &op.body {
                count(&b.ty, &mut outside_uses);
            }
            for r in &op.responses {
                if let Some(b) = &r.body {
                    count(&b.ty, &mut outside_uses);
                }
            }
        }
        for (id, tag) in &self.variant_tags {
            if outside_uses.contains_key(id) {
                continue;
            }
            if let TypeKind::Struct(s) = &mut types[id.0].kind
                && let Some(pos) = s.fields.iter().position(|f| &f.wire == tag)
            {
                let f = s.fields.remove(pos);
                // A tag typed as its own enum is no longer needed.
                if let TypeRef::Named(_) = f.ty {
                    // left in the type list; unreachable types are pruned below
                }
                s.dropped_tag = Some(tag.clone());
            }
        }

        // Boxing: fields that close a cycle of direct containment.
        let sccs = strongly_connected(&types);
        for t in 0..types.len() {
            let comp = sccs[t];
            match &mut types[t].kind {
                TypeKind::Struct(s) => {
                    for f in &mut s.fields {
                        if let TypeRef::Named(target) = f.ty
                            && sccs[target.0] == comp
                        {
                            f.boxed = true;
                        }
                    }
                }
                TypeKind::Untagged(u) => {
                    for v in &mut u.variants {
                        if let TypeRef::Named(target) = v.ty
                            && sccs[target.0] == comp
                        {
                            v.boxed = true;
                        }
                    }
                }
                TypeKind::Enum(_) | TypeKind::Union(_) => {}
            }
        }

        // Field shapes.
        for t in &mut types {
            let in_request = t.in_request;
            let in_response = t.in_response;
            if let TypeKind::Struct(s) = &mut t.kind {
                for f in &mut s.fields {
                    f.shape = field_shape(f, in_request, in_response);
                }
            }
        }

        // Pagination: the item list and the total, as fields of the response.
        for (op_index, raw) in std::mem::take(&mut self.paginations) {
            let op = &api.operations[op_index];
            match resolve_pagination(&types, op, &raw) {
                Ok(p) => api.operations[op_index].pagination = Some(p),
                Err(why) => {
                    let d = Diagnostic::note(
                        &raw.pointer,
                        format!("{why}; the operation is generated without a paginator"),
                    )
                    .with_operation(Some(&op.id));
                    self.diags.push(d);
                }
            }
        }

        // Prune types nothing reaches any more (single-value tag enums).
        let mut roots = Vec::new();
        for op in &api.operations {
            for p in &op.params {
                p.ty.named(&mut roots);
            }
            if let Some(b) = &op.body {
                b.ty.named(&mut roots);
            }
            for r in &op.responses {
                if let Some(b) = &r.body {
                    b.ty.named(&mut roots);
                }
            }
        }
        if api.operations.is_empty() {
            roots.extend((0..types.len()).map(TypeId));
        }
        let live = reach(&types, roots);
        let mut remap = vec![None; types.len()];
        let mut kept = Vec::new();
        for (i, t) in types.into_iter().enumerate() {
            if live.contains(&TypeId(i)) {
                remap[i] = Some(TypeId(kept.len()));
                kept.push(t);
            }
        }
        let fix = |t: &mut TypeRef| remap_ref(t, &remap);
        for t in &mut kept {
            match &mut t.kind {
                TypeKind::Struct(s) => {
                    for f in &mut s.fields {
                        fix(&mut f.ty);
                    }
                    if let Some(a) = &mut s.additional {
                        fix(a);
                    }
                }
                TypeKind::Union(u) => {
                    for v in &mut u.variants {
                        v.ty = remap[v.ty.0].expect("variants are live");
                    }
                }
                TypeKind::Untagged(u) => {
                    for v in &mut u.variants {
                        fix(&mut v.ty);
                    }
                }
                TypeKind::Enum(_) => {}
            }
        }
        for op in &mut api.operations {
            for p in &mut op.params {
                fix(&mut p.ty);
            }
            if let Some(b) = &mut op.body {
                fix(&mut b.ty);
            }
            for r in &mut op.responses {
                if let Some(b) = &mut r.body {
                    fix(&mut b.ty);
                }
            }
            if let Some(p) = &mut op.pagination {
                fix(&mut p.item);
            }
        }
        api.types = kept;
    }
}

/// Finds the item list and the total count of a paginated operation's
/// response.
fn resolve_pagination(types: &[TypeDef], op: &Operation, raw: &RawPagination) -> Result<Pagination, String> {
    if op
        .responses
        .iter()
        .filter(|r| r.success)
        .filter_map(|r| r.body.as_ref().map(|b| &b.ty))
        .collect::<BTreeSet<_>>()
        .len()
        > 1
    {
        return Err("the success responses have different bodies".into());
    }
    let success = success_status(&op.responses);
    let body = op
        .responses
        .iter()
        .find(|r| Some(&r.status) == success.as_ref())
        .and_then(|r| r.body.as_ref())
        .ok_or("the operation has no success body to page through")?;
    let TypeRef::Named(mut current) = body.ty else { return Err("the success body is not an object".into()) };
    let root = current;
    let mut results = Vec::new();
    let mut item = None;
    for (i, seg) in raw.path.iter().enumerate() {
        let TypeKind::Struct(s) = &types[current.0].kind else {
            return Err(format!("`{seg}` is not inside an object"));
        };
        let f =
            s.fields.iter().find(|f| &f.wire == seg).ok_or_else(|| format!("the response has no `{seg}` property"))?;
        if !matches!(f.shape, FieldShape::Plain | FieldShape::Defaulted | FieldShape::Optional) || f.boxed {
            return Err(format!("`{seg}` has a shape pagination cannot read"));
        }
        results.push(FieldStep { name: f.name.clone(), shape: f.shape, ty: f.ty.clone() });
        match (&f.ty, i + 1 == raw.path.len()) {
            (TypeRef::Array(inner), true) => item = Some((**inner).clone()),
            (TypeRef::Named(next), false) => current = *next,
            _ => return Err(format!("`{seg}` is not the expected list or object")),
        }
    }
    let item = item.ok_or("the results path is empty")?;
    let total = match &types[root.0].kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .find(|f| {
                matches!(f.wire.as_str(), "total_count" | "totalCount" | "total") && matches!(f.ty, TypeRef::Int(_))
            })
            .filter(|f| {
                matches!(
                    f.shape,
                    FieldShape::Plain | FieldShape::Defaulted | FieldShape::Optional | FieldShape::Nullable
                )
            })
            .map(|f| vec![FieldStep { name: f.name.clone(), shape: f.shape, ty: f.ty.clone() }]),
        _ => None,
    };
    Ok(Pagination {
        offset_param: raw.offset_param.clone(),
        limit_param: raw.limit_param.clone(),
        default_limit: raw.default_limit,
        results,
        item,
        total,
    })
}

/// Whether a spec default can be written as a Rust value of type `ty`.
fn default_fits(types: &[TypeDef], ty: &TypeRef, d: &Value) -> bool {
    match ty {
        TypeRef::Bool => d.is_boolean(),
        TypeRef::Int(_) => d.is_i64() || d.is_u64(),
        TypeRef::F32 | TypeRef::F64 => d.is_number(),
        TypeRef::String => d.is_string(),
        TypeRef::Binary => false,
        TypeRef::Uuid => {
            d.as_str().is_some_and(|s| s.len() == 36 && s.chars().filter(|c| *c != '-').all(|c| c.is_ascii_hexdigit()))
        }
        TypeRef::Named(id) => matches!(types[id.0].kind, TypeKind::Enum(_)) && d.is_string(),
        TypeRef::Array(_) => d.as_array().is_some_and(Vec::is_empty),
        TypeRef::Map(_) | TypeRef::JsonMap => d.as_object().is_some_and(|m| m.is_empty()),
        TypeRef::Json => true,
    }
}

fn remap_ref(t: &mut TypeRef, remap: &[Option<TypeId>]) {
    match t {
        TypeRef::Named(id) => *id = remap[id.0].expect("reachable types are kept"),
        TypeRef::Array(inner) | TypeRef::Map(inner) => remap_ref(inner, remap),
        _ => {}
    }
}

fn field_shape(f: &Field, in_request: bool, in_response: bool) -> FieldShape {
    let _ = in_response;
    match (f.required, f.nullable) {
        (true, false) if f.default.is_some() && !in_request => FieldShape::Defaulted,
        (true, false) => FieldShape::Plain,
        (true, true) => FieldShape::Nullable,
        (false, true) if in_request => FieldShape::Tristate,
        (false, _) if f.default.is_some() => {
            if in_request || f.nullable {
                FieldShape::OptionalDefaulted
            } else {
                FieldShape::Defaulted
            }
        }
        (false, _) => FieldShape::Optional,
    }
}

fn is_success(s: &StatusMatch) -> bool {
    match s {
        StatusMatch::Code(c) => (200..300).contains(c),
        StatusMatch::Range(r) => *r == 2,
        StatusMatch::Default => false,
    }
}

/// JSON first (`application/json`, then any `+json`), then text, then whatever is first.
fn pick_media(content: &IndexMap<String, openapiv3::MediaType>) -> Option<(&String, &openapiv3::MediaType)> {
    let essence = |k: &str| k.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    content
        .iter()
        .find(|(k, _)| essence(k) == "application/json")
        .or_else(|| content.iter().find(|(k, _)| essence(k).ends_with("+json")))
        .or_else(|| content.iter().find(|(k, _)| essence(k).starts_with("text/")))
        .or_else(|| content.iter().next())
}

fn location_of(p: &Parameter) -> ParamLocation {
    match p {
        Parameter::Query { .. } => ParamLocation::Query,
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Path { .. } => ParamLocation::Path,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
    }
}

fn path_template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + end].to_owned());
        rest = &rest[start + end + 1..];
    }
    out
}

/// `GET /pets/{id}` → `getPetsById`.
fn synthesize_id(method: Method, path: &str) -> String {
    let mut words = vec![method.as_str().to_ascii_lowercase()];
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if let Some(name) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            words.push("by".into());
            words.push(name.to_owned());
        } else {
            words.push(seg.to_owned());
        }
    }
    heck::ToLowerCamelCase::to_lower_camel_case(words.join(" ").as_str())
}

fn variant_for_primitive(t: &TypeRef) -> &'static str {
    match t {
        TypeRef::Bool => "Bool",
        TypeRef::Int(_) => "Integer",
        TypeRef::F32 | TypeRef::F64 => "Number",
        TypeRef::String => "String",
        TypeRef::Uuid => "Uuid",
        TypeRef::Binary => "Binary",
        TypeRef::Json => "Json",
        TypeRef::JsonMap | TypeRef::Map(_) => "Map",
        TypeRef::Array(_) => "Array",
        TypeRef::Named(_) => "Value",
    }
}

/// Edges of "directly contains" (not through `Vec` or a map).
fn direct_edges(t: &TypeDef) -> Vec<TypeId> {
    let mut out = Vec::new();
    match &t.kind {
        TypeKind::Struct(s) => {
            for f in &s.fields {
                if let TypeRef::Named(id) = f.ty {
                    out.push(id);
                }
            }
        }
        TypeKind::Union(u) => out.extend(u.variants.iter().map(|v| v.ty)),
        TypeKind::Untagged(u) => {
            for v in &u.variants {
                if let TypeRef::Named(id) = v.ty {
                    out.push(id);
                }
            }
        }
        TypeKind::Enum(_) => {}
    }
    out
}

/// Every type a set of roots reaches (through any reference).
fn reach(types: &[TypeDef], roots: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &types[id.0].kind {
            TypeKind::Struct(s) => {
                for f in &s.fields {
                    f.ty.named(&mut stack);
                }
                if let Some(a) = &s.additional {
                    a.named(&mut stack);
                }
            }
            TypeKind::Union(u) => stack.extend(u.variants.iter().map(|v| v.ty)),
            TypeKind::Untagged(u) => {
                for v in &u.variants {
                    v.ty.named(&mut stack);
                }
            }
            TypeKind::Enum(_) => {}
        }
    }
    seen
}

/// Component number of each type in the graph of direct containment
/// (iterative Tarjan, so deep graphs cost no stack). A type is in a cycle
/// with a direct child when both share a component, or when it is its own
/// child.
fn strongly_connected(types: &[TypeDef]) -> Vec<usize> {
    let n = types.len();
    let edges: Vec<Vec<TypeId>> = types.iter().map(direct_edges).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![usize::MAX; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut next_comp = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut ei)) = work.last_mut() {
            if *ei == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if *ei < edges[v].len() {
                let w = edges[v][*ei].0;
                *ei += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    loop {
                        let w = stack.pop().expect("on stack");
                        on_stack[w] = false;
                        comp[w] = next_comp;
                        if w == v {
                            break;
                        }
                    }
                    next_comp += 1;
                }
            }
        }
    }
    // A lone type is only cyclic when it contains itself.
    let mut sizes = vec![0usize; next_comp];
    for c in &comp {
        sizes[*c] += 1;
    }
    (0..n)
        .map(|v| if sizes[comp[v]] > 1 || edges[v].iter().any(|w| w.0 == v) { comp[v] } else { usize::MAX - v })
        .collect()
}
