//! A canonical, text form of what the generator derives from a document: the
//! wire contract. Two documents written differently (factored with `allOf`,
//! `$ref`s in other places, other wording) describe the same API exactly when
//! their contracts are equal.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::ir::*;

/// The contract of an API as lines of text, in a fixed order.
pub fn describe(api: &Api) -> String {
    let mut out = String::new();
    for s in &api.servers {
        let _ = writeln!(out, "server {} id={:?}", s.url, s.id);
        for v in &s.variables {
            let _ = writeln!(out, "  variable {} default={} values={:?}", v.name, v.default, v.values);
        }
    }
    for s in &api.security {
        let _ = writeln!(out, "security {} {:?} default={}", s.key, s.kind, s.default);
    }
    for g in &api.globals {
        let _ = writeln!(out, "global {} {} {} env={}", g.name, g.location.as_str(), g.wire, g.env_suffix);
    }
    if let Some(r) = &api.retries {
        let _ = writeln!(out, "retries {r:?}");
    }
    let _ = writeln!(out, "env prefix {}", api.env_prefix);
    for g in &api.groups {
        let ops: Vec<&str> = g.operations.iter().map(|i| api.operations[*i].id.as_str()).collect();
        let _ = writeln!(out, "group {} {} .{}() {ops:?}", g.tag, g.type_name, g.method);
    }
    let mut ops: Vec<&Operation> = api.operations.iter().collect();
    ops.sort_by(|a, b| a.id.cmp(&b.id));
    for op in ops {
        let _ = writeln!(
            out,
            "operation {} {} {} group={:?} name={}",
            op.id,
            op.method.as_str(),
            op.path,
            op.group,
            op.name
        );
        let _ = writeln!(out, "  rust {}::{} error={}", op.module, op.builder, op.error_enum);
        if let Some(p) = &op.pagination {
            let path = |steps: &[FieldStep]| {
                steps.iter().map(|s| format!("{}:{:?}", s.name, s.shape)).collect::<Vec<_>>().join(".")
            };
            let _ = writeln!(
                out,
                "  pagination offset={} limit={} default_limit={:?} results={} item={} total={}",
                p.offset_param,
                p.limit_param,
                p.default_limit,
                path(&p.results),
                ty(api, &p.item),
                p.total.as_deref().map(path).unwrap_or_else(|| "-".into())
            );
        }
        let mut params: Vec<&Param> = op.params.iter().collect();
        params.sort_by(|a, b| (a.location, &a.wire).cmp(&(b.location, &b.wire)));
        for p in params {
            let _ = writeln!(
                out,
                "  param {} {} name={} type={} required={} nullable={} default={} style={} explode={} global={:?}{}",
                p.location.as_str(),
                p.wire,
                p.name,
                ty(api, &p.ty),
                p.required,
                p.nullable,
                json(&p.default),
                p.style.as_str(),
                p.explode,
                p.global,
                constraints(&p.constraints)
            );
        }
        if let Some(b) = &op.body {
            let _ = writeln!(out, "  body {} required={} type={}", b.media_type, b.required, ty(api, &b.ty));
        }
        let mut responses: Vec<&Response> = op.responses.iter().collect();
        responses.sort_by(|a, b| a.status.cmp(&b.status));
        for r in responses {
            let variant = r.variant.as_deref().map(|v| format!(" variant={v}")).unwrap_or_default();
            match &r.body {
                Some(b) => {
                    let _ = writeln!(out, "  response {} {} type={}{variant}", r.status, b.media_type, ty(api, &b.ty));
                }
                None => {
                    let _ = writeln!(out, "  response {} (no content){variant}", r.status);
                }
            }
        }
    }
    let mut types: Vec<&TypeDef> = api.types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for t in types {
        let _ = writeln!(out, "type {} request={} response={}", t.name, t.in_request, t.in_response);
        match &t.kind {
            TypeKind::Struct(s) => {
                if let Some(tag) = &s.dropped_tag {
                    let _ = writeln!(out, "  tag {tag} written by the union");
                }
                let mut fields: Vec<&Field> = s.fields.iter().collect();
                fields.sort_by(|a, b| a.wire.cmp(&b.wire));
                for f in fields {
                    let _ = writeln!(
                        out,
                        "  field {} name={} type={} required={} nullable={} default={} shape={:?} sensitive={} boxed={}{}",
                        f.wire,
                        f.name,
                        ty(api, &f.ty),
                        f.required,
                        f.nullable,
                        json(&f.default),
                        f.shape,
                        f.sensitive,
                        f.boxed,
                        constraints(&f.constraints)
                    );
                }
                if let Some(a) = &s.additional {
                    let _ = writeln!(out, "  additional {}", ty(api, a));
                }
            }
            TypeKind::Enum(e) => {
                let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
                let names: Vec<&str> = e.variants.iter().map(|v| v.name.as_str()).collect();
                let _ = writeln!(out, "  enum {values:?} as {names:?} unknown={}", e.unknown_variant);
            }
            TypeKind::Union(u) => {
                let _ = writeln!(out, "  union tag={} unknown={}", u.tag, u.unknown_variant);
                for v in &u.variants {
                    let _ = writeln!(out, "    {} => {} ({})", v.tag_value, api.ty(v.ty).name, v.name);
                }
            }
            TypeKind::Untagged(u) => {
                for v in &u.variants {
                    let _ = writeln!(out, "  variant {} {}", v.name, ty(api, &v.ty));
                }
            }
        }
    }
    out
}

fn json(v: &Option<serde_json::Value>) -> String {
    v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "-".into())
}

fn constraints(c: &Constraints) -> String {
    if c.is_empty() {
        return String::new();
    }
    let mut parts = BTreeSet::new();
    let mut add = |k: &str, v: String| {
        parts.insert(format!("{k}={v}"));
    };
    if let Some(v) = c.minimum {
        add("minimum", v.to_string());
    }
    if let Some(v) = c.maximum {
        add("maximum", v.to_string());
    }
    if c.exclusive_minimum {
        add("exclusiveMinimum", "true".into());
    }
    if c.exclusive_maximum {
        add("exclusiveMaximum", "true".into());
    }
    if let Some(v) = c.multiple_of {
        add("multipleOf", v.to_string());
    }
    if let Some(v) = c.min_length {
        add("minLength", v.to_string());
    }
    if let Some(v) = c.max_length {
        add("maxLength", v.to_string());
    }
    if let Some(v) = &c.pattern {
        add("pattern", v.clone());
    }
    if let Some(v) = c.min_items {
        add("minItems", v.to_string());
    }
    if let Some(v) = c.max_items {
        add("maxItems", v.to_string());
    }
    if c.unique_items {
        add("uniqueItems", "true".into());
    }
    if let Some(v) = &c.format {
        add("format", v.clone());
    }
    format!(" [{}]", parts.into_iter().collect::<Vec<_>>().join(" "))
}

fn ty(api: &Api, t: &TypeRef) -> String {
    match t {
        TypeRef::Named(id) => api.ty(*id).name.clone(),
        TypeRef::Array(inner) => format!("[{}]", ty(api, inner)),
        TypeRef::Map(inner) => format!("{{string: {}}}", ty(api, inner)),
        other => format!("{other:?}"),
    }
}
