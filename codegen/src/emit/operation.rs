//! `src/operations/<operation>.rs`: one call builder and its error enum.

use std::collections::BTreeSet;

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::{doc_attrs, doc_lines, ident, rust_type};
use crate::ir::*;
use crate::naming;

/// Methods every builder has; inputs must not take these names.
const RESERVED: &[&str] =
    &["send", "new", "retry_config", "timeout", "header", "into_stream", "execute", "client", "options", "body"];

/// A value the caller passes: its parameter type and how it becomes the
/// stored value.
pub struct Arg {
    pub name: String,
    pub ty: TokenStream,
}

/// How one input of an operation is taken and stored.
struct Input<'a> {
    /// Builder field (for parameters) or body field.
    field: String,
    /// Setter, or constructor argument, name.
    setter: String,
    kind: InputKind<'a>,
    required: bool,
    doc: Option<String>,
    /// `clear_x`: send `null` (nullable body fields).
    clear: Option<String>,
    /// `unset_x`: do not send a value that starts at its default.
    unset: Option<String>,
}

enum InputKind<'a> {
    Param(&'a Param),
    BodyField(&'a Field),
    /// The whole body, when it is not an object with fields.
    Body(&'a RequestBody),
}

struct Model<'a> {
    inputs: Vec<Input<'a>>,
    /// The body struct, when the body is an object type with fields.
    body_struct: Option<(&'a TypeDef, &'a Struct, &'a RequestBody)>,
}

fn model<'a>(api: &'a Api, op: &'a Operation) -> Model<'a> {
    let mut taken: BTreeSet<String> = RESERVED.iter().map(|s| (*s).to_owned()).collect();
    let mut inputs = Vec::new();
    // Path parameters in the order the path has them, then the rest.
    let mut params: Vec<&Param> = op.params.iter().collect();
    let order = |p: &Param| op.path.find(&format!("{{{}}}", p.wire)).unwrap_or(usize::MAX);
    params.sort_by_key(|p| if p.location == ParamLocation::Path { (0, order(p)) } else { (1, 0) });
    for p in params {
        let name = naming::unique_with(&mut taken, p.name.clone(), "_");
        let required = p.location == ParamLocation::Path || (p.required && p.default.is_none());
        let unset =
            (!required && p.default.is_some()).then(|| naming::unique_with(&mut taken, format!("unset_{name}"), "_"));
        inputs.push(Input {
            field: name.clone(),
            setter: name,
            kind: InputKind::Param(p),
            required,
            doc: p.doc.clone(),
            clear: None,
            unset,
        });
    }
    let mut body_struct = None;
    if let Some(b) = &op.body {
        let as_struct = match &b.ty {
            TypeRef::Named(id) => match &api.ty(*id).kind {
                TypeKind::Struct(s) if !s.fields.is_empty() => Some((api.ty(*id), s)),
                _ => None,
            },
            _ => None,
        };
        match as_struct {
            Some((t, s)) => {
                body_struct = Some((t, s, b));
                let prefill = op.method != Method::Patch;
                for f in &s.fields {
                    if f.read_only {
                        continue;
                    }
                    let setter = naming::unique_with(&mut taken, f.name.clone(), "_");
                    let required = matches!(f.shape, FieldShape::Plain | FieldShape::Nullable);
                    let clear = (f.shape == FieldShape::Tristate)
                        .then(|| naming::unique_with(&mut taken, format!("clear_{}", f.name), "_"));
                    let unset = (prefill && f.shape == FieldShape::OptionalDefaulted)
                        .then(|| naming::unique_with(&mut taken, format!("unset_{}", f.name), "_"));
                    inputs.push(Input {
                        field: f.name.clone(),
                        setter,
                        kind: InputKind::BodyField(f),
                        required,
                        doc: f.doc.clone(),
                        clear,
                        unset,
                    });
                }
            }
            None => {
                // `body` is reserved for exactly this: parameters never take it.
                inputs.push(Input {
                    field: "body".into(),
                    setter: "body".into(),
                    kind: InputKind::Body(b),
                    required: true,
                    doc: b.doc.clone(),
                    clear: None,
                    unset: None,
                });
            }
        }
    }
    Model { inputs, body_struct }
}

/// The module path of an operation's builder (`crate::operations::x::X`).
pub fn op_path(op: &Operation) -> String {
    format!("crate::operations::{}::{}", op.module, op.builder)
}

/// The required inputs, as arguments of the method that starts the call.
pub fn op_args(api: &Api, op: &Operation) -> Vec<Arg> {
    let m = model(api, op);
    m.inputs.iter().filter(|i| i.required).map(|i| Arg { name: i.setter.clone(), ty: arg_type(api, i) }).collect()
}

/// What the caller passes for an input.
fn arg_type(api: &Api, i: &Input) -> TokenStream {
    match &i.kind {
        InputKind::Param(p) => param_arg_type(api, p),
        InputKind::BodyField(f) if f.shape == FieldShape::Nullable => {
            let t = rust_type(api, &f.ty);
            quote!(::std::option::Option<#t>)
        }
        InputKind::BodyField(f) => value_arg_type(api, &f.ty),
        InputKind::Body(b) => value_arg_type(api, &b.ty),
    }
}

fn is_stringish(t: &TypeRef) -> bool {
    matches!(t, TypeRef::String | TypeRef::Uuid)
}

/// Strings and ids take anything printable, so `get("a/b")` and
/// `get(uuid)` both work.
fn param_arg_type(api: &Api, p: &Param) -> TokenStream {
    if is_stringish(&p.ty) || (p.location == ParamLocation::Path && !matches!(p.ty, TypeRef::Array(_))) {
        quote!(impl ::std::fmt::Display)
    } else {
        value_arg_type(api, &p.ty)
    }
}

fn value_arg_type(api: &Api, t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Json | TypeRef::JsonMap => quote!(impl ::serde::Serialize),
        TypeRef::Array(inner) => {
            let inner = rust_type(api, inner);
            quote!(impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#inner>>)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(api, inner);
            quote!(impl ::std::iter::IntoIterator<Item = (impl ::std::convert::Into<::std::string::String>, impl ::std::convert::Into<#inner>)>)
        }
        other => {
            let t = rust_type(api, other);
            quote!(impl ::std::convert::Into<#t>)
        }
    }
}

/// The type a builder keeps a parameter as.
fn param_store_type(api: &Api, p: &Param) -> TokenStream {
    if is_stringish(&p.ty) || (p.location == ParamLocation::Path && !matches!(p.ty, TypeRef::Array(_))) {
        quote!(::std::string::String)
    } else {
        rust_type(api, &p.ty)
    }
}

/// Converts argument `v` into the stored value. Free-form JSON can fail to
/// convert; the failure is kept in the call options and reported by `send`.
fn convert(i: &Input, v: &TokenStream, errors: &TokenStream) -> TokenStream {
    let (ty, boxed) = match &i.kind {
        InputKind::Param(p) => {
            if is_stringish(&p.ty) || (p.location == ParamLocation::Path && !matches!(p.ty, TypeRef::Array(_))) {
                return quote!(::std::string::ToString::to_string(&#v));
            }
            (&p.ty, false)
        }
        InputKind::BodyField(f) if f.shape == FieldShape::Nullable => {
            return if f.boxed { quote!(#v.map(::std::boxed::Box::new)) } else { quote!(#v) };
        }
        InputKind::BodyField(f) => (&f.ty, f.boxed),
        InputKind::Body(b) => (&b.ty, false),
    };
    let label = format!("`{}`", i.setter);
    let value = match ty {
        TypeRef::JsonMap => quote! {
            match crate::runtime::serde_support::to_json_map(#v) {
                ::std::result::Result::Ok(m) => m,
                ::std::result::Result::Err(e) => {
                    #errors.push(::std::format!("{} {}", #label, e));
                    ::std::default::Default::default()
                }
            }
        },
        TypeRef::Json => quote! {
            match crate::runtime::serde_support::to_json(#v) {
                ::std::result::Result::Ok(j) => j,
                ::std::result::Result::Err(e) => {
                    #errors.push(::std::format!("{} {}", #label, e));
                    ::serde_json::Value::Null
                }
            }
        },
        TypeRef::Array(_) => quote!(#v.into_iter().map(::std::convert::Into::into).collect()),
        TypeRef::Map(_) => quote!(#v.into_iter().map(|(k, x)| (k.into(), x.into())).collect()),
        _ => quote!(#v.into()),
    };
    if boxed { quote!(::std::boxed::Box::new(#value)) } else { value }
}

/// Where a stored input lives in the builder.
fn place(i: &Input, recv: &TokenStream) -> TokenStream {
    let f = ident(&i.field);
    match i.kind {
        InputKind::BodyField(_) => quote!(#recv.body.#f),
        InputKind::Param(_) | InputKind::Body(_) => quote!(#recv.#f),
    }
}

/// Wraps a stored value in the shape its slot has.
fn wrap(i: &Input, value: TokenStream) -> TokenStream {
    match &i.kind {
        InputKind::Param(_) if !i.required => quote!(::std::option::Option::Some(#value)),
        InputKind::BodyField(f) => match f.shape {
            FieldShape::Optional | FieldShape::OptionalDefaulted => quote!(::std::option::Option::Some(#value)),
            FieldShape::Tristate => quote!(crate::primitives::Tristate::Value(#value)),
            _ => value,
        },
        _ => value,
    }
}

fn input_doc(api: &Api, i: &Input, fallback: &str) -> String {
    let mut text = match i.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => super::docs::clean(d, api.doc_base.as_deref()),
        None => fallback.to_owned(),
    };
    if let InputKind::Param(p) = &i.kind {
        text.push_str(&format!("\n\nSent as the `{}` {} parameter.", p.wire, p.location.as_str()));
        if let Some(d) = &p.default {
            text.push_str(&format!(" Starts at `{d}`, the documented default."));
        }
        if let Some(g) = &p.global {
            text.push_str(&format!(" Overrides the client's [`{g}`](crate::ClientBuilder::{g}) for this call."));
        }
    }
    text
}

pub fn emit(api: &Api, op: &Operation) -> TokenStream {
    let m = model(api, op);
    let builder = ident(&op.builder);
    let error = ident(&op.error_enum);
    let op_id = &op.id;
    let output = match &op.output_enum {
        Some(name) => {
            let n = ident(name);
            quote!(#n)
        }
        None => match op.responses.iter().find(|r| r.success).and_then(|r| r.body.as_ref()) {
            Some(b) => rust_type(api, &b.ty),
            None => quote!(()),
        },
    };

    // Builder fields and constructor.
    let mut fields = Vec::new();
    let mut new_args = Vec::new();
    let mut new_inits = Vec::new();
    let mut new_sets = Vec::new();
    for i in &m.inputs {
        if let InputKind::Param(p) = &i.kind {
            let f = ident(&i.field);
            let t = param_store_type(api, p);
            if i.required {
                fields.push(quote!(#f: #t,));
            } else {
                fields.push(quote!(#f: ::std::option::Option<#t>,));
            }
        }
        if let InputKind::Body(b) = &i.kind {
            let f = ident(&i.field);
            let t = rust_type(api, &b.ty);
            fields.push(quote!(#f: #t,));
        }
        if i.required {
            let a = ident(&i.setter);
            let t = arg_type(api, i);
            new_args.push(quote!(#a: #t));
            let v = convert(i, &quote!(#a), &quote!(options.errors));
            new_sets.push(quote!(let #a = #v;));
        }
    }
    if let Some((_, _, b)) = &m.body_struct
        && !b.alternatives.is_empty()
    {
        fields.push(quote!(media: &'static str,));
        let media = &b.media_type;
        new_inits.push(quote!(media: #media));
    }
    if let Some((t, s, _)) = &m.body_struct {
        let name = ident(&t.name);
        fields.push(quote!(body: crate::types::#name,));
        let required_setter = |f: &Field| {
            m.inputs
                .iter()
                .find(|i| i.required && matches!(i.kind, InputKind::BodyField(x) if std::ptr::eq(x, f)))
                .map(|i| ident(&i.setter))
        };
        let inits = s.fields.iter().map(|f| {
            let fname = ident(&f.name);
            if let Some(arg) = required_setter(f) {
                return if arg == fname { quote!(#fname) } else { quote!(#fname: #arg) };
            }
            let prefill = op.method != Method::Patch && f.shape == FieldShape::OptionalDefaulted;
            let value = match f.shape {
                FieldShape::Optional | FieldShape::Nullable => quote!(::std::option::Option::None),
                FieldShape::OptionalDefaulted if prefill => {
                    let d = super::types::default_fn_name(&t.name, &f.name);
                    quote!(crate::types::#d())
                }
                FieldShape::OptionalDefaulted => quote!(::std::option::Option::None),
                FieldShape::Defaulted => {
                    let d = super::types::default_fn_name(&t.name, &f.name);
                    quote!(crate::types::#d())
                }
                FieldShape::Tristate => quote!(crate::primitives::Tristate::Absent),
                // Read-only: never sent by a client.
                FieldShape::Plain => quote!(::std::default::Default::default()),
            };
            quote!(#fname: #value)
        });
        let additional = s.additional.as_ref().map(|_| {
            let n = ident(&super::types::additional_field_name(s));
            quote!(#n: ::std::default::Default::default())
        });
        new_inits.push(quote!(body: crate::types::#name { #(#inits,)* #additional }));
    }
    for i in &m.inputs {
        match &i.kind {
            InputKind::Param(p) => {
                let f = ident(&i.field);
                if i.required {
                    let a = ident(&i.setter);
                    new_inits.push(if a == f { quote!(#f) } else { quote!(#f: #a) });
                    continue;
                }
                let value = if let Some(d) = &p.default {
                    let v = param_default(api, p, d);
                    quote!(::std::option::Option::Some(#v))
                } else {
                    quote!(::std::option::Option::None)
                };
                new_inits.push(quote!(#f: #value));
            }
            InputKind::Body(_) => {
                let f = ident(&i.field);
                let a = ident(&i.setter);
                new_inits.push(if a == f { quote!(#f) } else { quote!(#f: #a) });
            }
            InputKind::BodyField(_) => {}
        }
    }

    // Setters.
    let mut setters = Vec::new();
    for i in m.inputs.iter().filter(|i| !i.required) {
        let name = ident(&i.setter);
        let t = arg_type(api, i);
        let recv = quote!(self);
        let v = convert(i, &quote!(value), &quote!(self.options.errors));
        let slot = place(i, &recv);
        let stored = wrap(i, v);
        let doc = doc_lines(&input_doc(api, i, &format!("Sets `{}`.", i.setter)));
        setters.push(quote! {
            #doc
            pub fn #name(mut self, value: #t) -> Self {
                #slot = #stored;
                self
            }
        });
        if let Some(clear) = &i.clear {
            let c = ident(clear);
            let slot = place(i, &quote!(self));
            let doc = doc_lines(&format!(
                "Sends `{}` as `null`, which the API reads as clearing it (`{}` is left out unless set).",
                i.setter, i.setter
            ));
            setters.push(quote! {
                #doc
                pub fn #c(mut self) -> Self {
                    #slot = crate::primitives::Tristate::Null;
                    self
                }
            });
        }
        if let Some(unset) = &i.unset {
            let u = ident(unset);
            let slot = place(i, &quote!(self));
            let doc =
                doc_lines(&format!("Leaves `{}` out of the request, so the server applies its own default.", i.setter));
            setters.push(quote! {
                #doc
                pub fn #u(mut self) -> Self {
                    #slot = ::std::option::Option::None;
                    self
                }
            });
        }
    }

    if let Some((_, _, b)) = &m.body_struct {
        for (media, kind) in std::iter::once((&b.media_type, &b.kind)).chain(b.alternatives.iter().map(|(m, k)| (m, k)))
        {
            if b.alternatives.is_empty() {
                break;
            }
            let setter = format_ident!("as_{}", kind.as_str());
            let doc = doc_lines(&format!(
                "Sends the body as `{media}`{}.",
                if *media == b.media_type { " (the default)" } else { "" }
            ));
            setters.push(quote! {
                #doc
                pub fn #setter(mut self) -> Self {
                    self.media = #media;
                    self
                }
            });
        }
    }

    // Sending.
    let method = format_ident!("{}", op.method.as_str());
    let template = &op.path;
    let path_expr = path_expr(api, op, &m);
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for i in &m.inputs {
        let InputKind::Param(p) = &i.kind else { continue };
        let f = ident(&i.field);
        let wire = &p.wire;
        let stored = if i.required { quote!(::std::option::Option::Some(self.#f)) } else { quote!(self.#f) };
        let stored = match &p.global {
            Some(_) => quote!(core.or_global(#wire, #stored)),
            None => stored,
        };
        match p.location {
            ParamLocation::Path => {}
            ParamLocation::Query => {
                for q in query_pushes(api, p, &stored) {
                    query.push(q);
                }
            }
            ParamLocation::Header | ParamLocation::Cookie => {
                let ty = if is_stringish(&p.ty) { &TypeRef::String } else { &p.ty };
                let value = match ty {
                    TypeRef::Array(inner) => {
                        let text = to_text(api, inner, quote!(x));
                        quote!(#stored.map(|v| v.iter().map(|x| #text).collect::<::std::vec::Vec<_>>().join(",")))
                    }
                    _ => map_text(api, ty, &stored),
                };
                if p.location == ParamLocation::Cookie {
                    headers.push(quote!(req.cookie(#wire, #value);));
                } else {
                    headers.push(quote!(req.header(#wire, #value);));
                }
            }
        }
    }
    let body = body_statements(api, &m);
    let server = op.server.as_ref().map(|sv| {
        let mut url = sv.url.clone();
        for v in &sv.variables {
            url = url.replace(&format!("{{{}}}", v.name), &v.default);
        }
        quote!(req.server = ::std::option::Option::Some(#url);)
    });
    let no_auth = (!op.auth).then(|| quote!(req.auth = false;));
    let arms = response_arms(api, op, &error);

    let summary = op.summary.clone().or_else(|| op.description.clone()).unwrap_or_else(|| format!("`{}`", op.id));
    let mut text = super::docs::clean(&summary, api.doc_base.as_deref());
    if let (Some(d), Some(_)) = (&op.description, &op.summary) {
        text.push_str("\n\n");
        text.push_str(&super::docs::clean(d, api.doc_base.as_deref()));
    }
    text.push_str(&format!("\n\n`{} {}` (`{}`).", op.method.as_str(), op.path, op.id));
    if op.deprecated {
        text.push_str("\n\n**Deprecated** by the API.");
    }
    let builder_doc = doc_lines(&text);
    let mod_doc = format!(" `{}`: `{} {}`.", op.id, op.method.as_str(), op.path);

    let (send, extra) = match &op.pagination {
        Some(p) => pagination(api, op, p, &output),
        None => (
            quote! {
                /// Sends the request and reads the response.
                pub async fn send(self) -> ::std::result::Result<crate::Response<#output>, crate::Error<#error>> {
                    self.execute().await
                }
            },
            quote!(),
        ),
    };
    let error_enum = error_enum(api, op);
    let output_enum = output_enum(api, op);
    let many_args = (new_args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // Only free-form JSON arguments can fail to convert and need the options early.
    let fallible = m.inputs.iter().any(|i| {
        i.required
            && matches!(&i.kind, InputKind::BodyField(f) if matches!(f.ty, TypeRef::Json | TypeRef::JsonMap) && f.shape != FieldShape::Nullable)
                | matches!(&i.kind, InputKind::Body(b) if matches!(b.ty, TypeRef::Json | TypeRef::JsonMap))
    });
    let options_decl = if fallible {
        quote!(let mut options = crate::runtime::core::CallOptions::default();)
    } else {
        quote!(let options = crate::runtime::core::CallOptions::default();)
    };

    quote! {
        #![doc = #mod_doc]

        const OPERATION: &str = #op_id;

        #builder_doc
        #[derive(Clone, Debug)]
        #[must_use = "a call does nothing until `.send().await`"]
        pub struct #builder {
            client: crate::Client,
            #(#fields)*
            options: crate::runtime::core::CallOptions,
        }

        impl #builder {
            #many_args
            pub(crate) fn new(client: crate::Client #(, #new_args)*) -> Self {
                #options_decl
                #(#new_sets)*
                #builder {
                    client,
                    #(#new_inits,)*
                    options,
                }
            }

            #(#setters)*

            #send

            async fn execute(self) -> ::std::result::Result<crate::Response<#output>, crate::Error<#error>> {
                let core = ::std::sync::Arc::clone(self.client.core());
                let mut req = crate::runtime::core::Request::new(OPERATION, ::reqwest::Method::#method, #template);
                #path_expr
                #server
                #no_auth
                #(#query)*
                #(#headers)*
                #body
                let raw = crate::runtime::core::execute(&core, req, &self.options)
                    .await
                    .map_err(crate::runtime::response::send_error)?;
                match raw.status().as_u16() {
                    #(#arms)*
                }
            }
        }

        crate::runtime::core::call_options!(#builder);

        #extra

        #output_enum

        #error_enum
    }
}

/// The documented default of a parameter, as a stored value.
fn param_default(api: &Api, p: &Param, d: &serde_json::Value) -> TokenStream {
    if is_stringish(&p.ty) || p.location == ParamLocation::Path {
        let text = match d {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        return quote!(::std::string::String::from(#text));
    }
    super::types::default_expr(api, &p.ty, d)
}

/// The path with each parameter encoded as one segment.
/// The statements that encode the path parameters, and the expression that
/// puts them in the template (`format!("/a/{path_0}")`).
fn path_expr(api: &Api, op: &Operation, m: &Model) -> TokenStream {
    let mut fmt = String::new();
    let mut lets = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + len];
        let input = m
            .inputs
            .iter()
            .find(|i| matches!(i.kind, InputKind::Param(p) if p.location == ParamLocation::Path && p.wire == wire));
        match input {
            Some(i) => {
                let f = ident(&i.field);
                let InputKind::Param(p) = i.kind else { unreachable!("a path parameter") };
                let local = format_ident!("path_{}", lets.len());
                fmt.push_str(&format!("{{{local}}}"));
                let style = style_tokens(p.style);
                let explode = p.explode;
                let values = match &p.ty {
                    TypeRef::Array(inner) => {
                        let text = to_text(api, inner, quote!(x));
                        quote!(&self.#f.iter().map(|x| #text).collect::<::std::vec::Vec<_>>())
                    }
                    _ => quote!(::std::slice::from_ref(&self.#f)),
                };
                lets.push(quote! {
                    let #local = crate::runtime::core::path_param(OPERATION, #wire, #values, #style, #explode)
                        .map_err(crate::Error::Build)?;
                });
            }
            // Undeclared: the lowering reported it; keep the text.
            None => fmt.push_str(&rest[start..=start + len].replace('{', "{{").replace('}', "}}")),
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    if lets.is_empty() {
        quote!(req.path = ::std::string::String::from(#fmt);)
    } else {
        quote! {
            #(#lets)*
            req.path = ::std::format!(#fmt);
        }
    }
}

/// `stored.map(|v| text)`, or `stored` when the text is the value itself.
fn map_text(api: &Api, t: &TypeRef, stored: &TokenStream) -> TokenStream {
    if *t == TypeRef::String {
        return stored.clone();
    }
    let text = to_text(api, t, quote!(v));
    quote!(#stored.map(|v| #text))
}

/// The text of a scalar value `v` for a query string or header.
fn to_text(api: &Api, t: &TypeRef, v: TokenStream) -> TokenStream {
    match t {
        TypeRef::String => quote!(::std::string::ToString::to_string(&#v)),
        TypeRef::Named(id) if matches!(api.ty(*id).kind, TypeKind::Enum(_)) => {
            quote!(::std::string::ToString::to_string(#v.as_str()))
        }
        TypeRef::Bool | TypeRef::Int(_) | TypeRef::F32 | TypeRef::F64 | TypeRef::Uuid => {
            quote!(::std::string::ToString::to_string(&#v))
        }
        _ => quote!(::serde_json::to_string(&#v).unwrap_or_default()),
    }
}

/// The runtime's name for a style.
fn style_tokens(s: ParamStyle) -> TokenStream {
    let v = format_ident!(
        "{}",
        match s {
            ParamStyle::Form => "Form",
            ParamStyle::Simple => "Simple",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
        }
    );
    quote!(crate::runtime::core::Style::#v)
}

/// Whether a type is written as an object in a query string.
fn is_object(api: &Api, t: &TypeRef) -> bool {
    match t {
        TypeRef::Map(_) | TypeRef::JsonMap => true,
        TypeRef::Named(id) => matches!(api.ty(*id).kind, TypeKind::Struct(_)),
        _ => false,
    }
}

/// Statements adding a query parameter whose stored value is `stored`.
fn query_pushes(api: &Api, p: &Param, stored: &TokenStream) -> Vec<TokenStream> {
    let wire = &p.wire;
    let ty = if is_stringish(&p.ty) { &TypeRef::String } else { &p.ty };
    let style = style_tokens(p.style);
    let explode = p.explode;
    match ty {
        TypeRef::Array(inner) => {
            let text = to_text(api, inner, quote!(x));
            vec![quote! {
                req.query_list(#wire, #stored.map(|v| v.iter().map(|x| #text).collect()), #style, #explode);
            }]
        }
        t if is_object(api, t) => vec![quote! {
            req.query_object(#wire, #stored.and_then(|v| ::serde_json::to_value(&v).ok()), #style, #explode);
        }],
        other => {
            let value = map_text(api, other, stored);
            vec![quote!(req.query(#wire, #value);)]
        }
    }
}

fn status_pattern(s: &StatusMatch) -> TokenStream {
    match s {
        StatusMatch::Code(c) => {
            let c = Literal::u16_unsuffixed(*c);
            quote!(#c)
        }
        StatusMatch::Range(r) => {
            let lo = Literal::u16_unsuffixed(r * 100);
            let hi = Literal::u16_unsuffixed(r * 100 + 99);
            quote!(#lo..=#hi)
        }
        StatusMatch::Default => quote!(_),
    }
}

/// `match status { … }` arms: the success statuses, each documented error,
/// then everything else.
fn response_arms(api: &Api, op: &Operation, error: &proc_macro2::Ident) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    let mut ordered: Vec<&Response> = op.responses.iter().collect();
    // Exact codes before ranges before `default`.
    ordered.sort_by_key(|r| match r.status {
        StatusMatch::Code(_) => 0,
        StatusMatch::Range(_) => 1,
        StatusMatch::Default => 2,
    });
    let mut has_default = false;
    for r in ordered {
        let pat = status_pattern(&r.status);
        has_default |= r.status == StatusMatch::Default;
        if r.success {
            let read = match r.body.as_ref() {
                None => quote!(crate::runtime::response::empty(raw)),
                Some(b) if b.kind == BodyKind::Text => quote!(crate::runtime::response::text(OPERATION, raw)),
                Some(b) if b.kind == BodyKind::Binary => quote!(crate::runtime::response::binary(raw)),
                Some(b) => {
                    let t = rust_type(api, &b.ty);
                    quote!(crate::runtime::response::json::<#t, _>(OPERATION, raw))
                }
            };
            arms.push(match (&op.output_enum, &r.variant) {
                (Some(out), Some(v)) => {
                    let out = ident(out);
                    let v = ident(v);
                    if r.body.is_some() {
                        quote!(#pat => #read.map(|r| r.map(#out::#v)),)
                    } else {
                        quote!(#pat => #read.map(|r| r.map(|()| #out::#v)),)
                    }
                }
                _ => quote!(#pat => #read,),
            });
            continue;
        }
        let variant = ident(r.variant.as_deref().unwrap_or("Unhandled"));
        arms.push(match r.body.as_ref().map(|b| b.kind) {
            None => quote! {
                #pat => ::std::result::Result::Err(crate::runtime::response::error_empty(OPERATION, raw, || #error::#variant)),
            },
            Some(BodyKind::Text) => quote! {
                #pat => ::std::result::Result::Err(crate::runtime::response::error_text(
                    OPERATION, raw, #error::#variant, #error::Unhandled,
                )),
            },
            Some(BodyKind::Binary) => quote! {
                #pat => ::std::result::Result::Err(crate::runtime::response::error_binary(OPERATION, raw, #error::#variant)),
            },
            Some(_) => quote! {
                #pat => ::std::result::Result::Err(crate::runtime::response::error_json(
                    OPERATION, raw, #error::#variant, #error::Unhandled,
                )),
            },
        });
    }
    if !has_default {
        arms.push(quote! {
            _ => ::std::result::Result::Err(crate::runtime::response::unhandled(OPERATION, raw, #error::Unhandled)),
        });
    }
    arms
}

/// The operation's success responses, when their bodies differ.
fn output_enum(api: &Api, op: &Operation) -> TokenStream {
    let Some(name) = &op.output_enum else { return quote!() };
    let n = ident(name);
    let variants = op.responses.iter().filter(|r| r.success).map(|r| {
        let v = ident(r.variant.as_deref().unwrap_or("Success"));
        let status = r.status.to_string();
        let doc =
            doc_attrs(api, r.doc.as_deref().map(|d| format!("`{status}`: {d}")).as_deref(), || format!("`{status}`."));
        match &r.body {
            Some(b) => {
                let t = rust_type(api, &b.ty);
                quote!(#doc #v(#t),)
            }
            None => quote!(#doc #v,),
        }
    });
    let doc = doc_lines(&format!("What [`{}`] returns on success: one variant per success status.", op.builder));
    quote! {
        #doc
        #[derive(Debug, Clone)]
        pub enum #n {
            #(#variants)*
        }
    }
}

/// An expression of type `&str` with the human message of an error body
/// `b`, when its type has one (`message`, or `error.message`).
fn message_expr(api: &Api, t: &TypeRef) -> Option<TokenStream> {
    let TypeRef::Named(id) = t else { return None };
    let TypeKind::Struct(s) = &api.ty(*id).kind else { return None };
    let direct = |s: &Struct, base: TokenStream| -> Option<TokenStream> {
        // `message` first; in problem details (RFC 9457) `detail` says more than `title`.
        let f = ["message", "detail", "title"]
            .iter()
            .find_map(|w| s.fields.iter().find(|f| f.wire == *w && f.ty == TypeRef::String))?;
        let n = ident(&f.name);
        Some(match f.shape {
            FieldShape::Plain | FieldShape::Defaulted => quote!(#base.#n.as_str()),
            _ => quote!(#base.#n.as_deref().unwrap_or("")),
        })
    };
    if let Some(e) = direct(s, quote!(b)) {
        return Some(e);
    }
    for f in &s.fields {
        if let (TypeRef::Named(inner), FieldShape::Plain, false) = (&f.ty, f.shape, f.boxed)
            && let TypeKind::Struct(inner) = &api.ty(*inner).kind
        {
            let n = ident(&f.name);
            if let Some(e) = direct(inner, quote!(b.#n)) {
                return Some(e);
            }
        }
    }
    None
}

fn error_enum(api: &Api, op: &Operation) -> TokenStream {
    let error = ident(&op.error_enum);
    let mut variants = Vec::new();
    let mut displays = Vec::new();
    for r in op.responses.iter().filter(|r| !r.success) {
        let v = ident(r.variant.as_deref().unwrap_or("Unhandled"));
        let words = r.variant.as_deref().unwrap_or("").to_owned();
        let status = r.status.to_string();
        let doc =
            doc_attrs(api, r.doc.as_deref().map(|d| format!("`{status}`: {d}")).as_deref(), || format!("`{status}`."));
        match &r.body {
            Some(b) => {
                let t = rust_type(api, &b.ty);
                variants.push(quote!(#doc #v(#t),));
                displays.push(match message_expr(api, &b.ty) {
                    _ if b.kind == BodyKind::Text => quote! {
                        #error::#v(b) => f.write_str(if b.is_empty() { #words } else { b.as_str() }),
                    },
                    Some(m) => quote! {
                        #error::#v(b) => {
                            let message: &str = #m;
                            f.write_str(if message.is_empty() { #words } else { message })
                        }
                    },
                    None => quote!(#error::#v(_) => f.write_str(#words),),
                });
            }
            None => {
                variants.push(quote!(#doc #v,));
                displays.push(quote!(#error::#v => f.write_str(#words),));
            }
        }
    }
    let doc = doc_lines(&format!(
        "What [`{}`] returns when the server answers with an error status: one variant per \
         status the API describes, each with its typed body.",
        op.builder
    ));
    quote! {
        #doc
        #[derive(Debug)]
        #[non_exhaustive]
        pub enum #error {
            #(#variants)*
            /// Any other status, or a documented one whose body is not the documented JSON.
            Unhandled(crate::error::UnhandledError),
        }

        impl ::std::fmt::Display for #error {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #(#displays)*
                    #error::Unhandled(u) => ::std::fmt::Display::fmt(u, f),
                }
            }
        }

        impl ::std::error::Error for #error {}
    }
}

/// `send()` returning a page, `into_stream()`, and the pagination glue.
fn pagination(api: &Api, op: &Operation, p: &Pagination, output: &TokenStream) -> (TokenStream, TokenStream) {
    let builder = ident(&op.builder);
    let error = ident(&op.error_enum);
    let item = rust_type(api, &p.item);
    let offset = ident(&p.offset_param);
    let limit = ident(&p.limit_param);
    let int_of = |name: &str| {
        op.params.iter().find(|q| q.name == name).map(|q| matches!(q.ty, TypeRef::Int(IntKind::I64))).unwrap_or(true)
    };
    let offset_get = if int_of(&p.offset_param) { quote!(self.#offset) } else { quote!(self.#offset.map(i64::from)) };
    let limit_get = if int_of(&p.limit_param) { quote!(self.#limit) } else { quote!(self.#limit.map(i64::from)) };
    let offset_set = if int_of(&p.offset_param) {
        quote!(offset)
    } else {
        quote!(::std::convert::TryFrom::try_from(offset).unwrap_or_default())
    };
    let default_limit = match p.default_limit {
        Some(l) => {
            let l = Literal::i64_unsuffixed(l);
            quote!(::std::option::Option::Some(#l))
        }
        None => quote!(::std::option::Option::None),
    };
    let access = |steps: &[FieldStep], owned: bool| -> TokenStream {
        let mut expr = quote!(page);
        for (i, s) in steps.iter().enumerate() {
            let n = ident(&s.name);
            let last = i + 1 == steps.len();
            expr = match (s.shape, last, owned) {
                (FieldShape::Optional | FieldShape::Nullable | FieldShape::OptionalDefaulted, true, false) => {
                    quote!(#expr.#n.as_deref().unwrap_or_default())
                }
                (FieldShape::Optional | FieldShape::Nullable | FieldShape::OptionalDefaulted, true, true) => {
                    quote!(#expr.#n.unwrap_or_default())
                }
                (FieldShape::Optional | FieldShape::Nullable | FieldShape::OptionalDefaulted, false, _) => {
                    return quote!(::std::default::Default::default());
                }
                _ => quote!(#expr.#n),
            };
        }
        expr
    };
    let items_ref = access(&p.results, false);
    let items_ref = if p.results.last().is_some_and(|s| matches!(s.shape, FieldShape::Plain | FieldShape::Defaulted)) {
        quote!(&#items_ref)
    } else {
        items_ref
    };
    let items_owned = access(&p.results, true);
    let total = match &p.total {
        Some(steps) => {
            let step = &steps[0];
            let n = ident(&step.name);
            let is_i64 = step.ty == TypeRef::Int(IntKind::I64);
            match (step.shape, is_i64) {
                (FieldShape::Plain | FieldShape::Defaulted, true) => quote!(::std::option::Option::Some(page.#n)),
                (FieldShape::Plain | FieldShape::Defaulted, false) => {
                    quote!(::std::convert::TryFrom::try_from(page.#n).ok())
                }
                (_, true) => quote!(page.#n),
                (_, false) => quote!(page.#n.and_then(|t| ::std::convert::TryFrom::try_from(t).ok())),
            }
        }
        None => quote!(::std::option::Option::None),
    };
    let send = quote! {
        /// Sends the request and returns the first page; [`Page::next`](crate::pagination::Page::next)
        /// fetches the ones after it.
        pub async fn send(self) -> ::std::result::Result<crate::pagination::Page<#builder>, crate::Error<#error>> {
            let call = ::std::clone::Clone::clone(&self);
            let response = self.execute().await?;
            ::std::result::Result::Ok(crate::pagination::Page::new(&call, response))
        }

        /// Every item of every page, as a stream that fetches pages as it goes.
        /// It keeps the limit, the filters and this call's settings, and stops
        /// after a short or empty page, or when the offset reaches the total.
        pub fn into_stream(self) -> crate::pagination::ItemStream<#builder> {
            crate::pagination::ItemStream::new(self)
        }
    };
    let extra = quote! {
        impl crate::pagination::Paginated for #builder {
            type Page = #output;
            type Item = #item;
            type Error = #error;

            fn fetch(self) -> impl ::std::future::Future<Output = ::std::result::Result<crate::Response<#output>, crate::Error<#error>>> + ::std::marker::Send {
                self.execute()
            }

            fn page_offset(&self) -> ::std::option::Option<i64> {
                #offset_get
            }

            fn page_limit(&self) -> ::std::option::Option<i64> {
                #limit_get
            }

            fn default_limit() -> ::std::option::Option<i64> {
                #default_limit
            }

            fn at_offset(mut self, offset: i64) -> Self {
                self.#offset = ::std::option::Option::Some(#offset_set);
                self
            }

            fn items(page: &#output) -> &[#item] {
                #items_ref
            }

            fn into_items(page: #output) -> ::std::vec::Vec<#item> {
                #items_owned
            }

            fn total(page: &#output) -> ::std::option::Option<i64> {
                #total
            }
        }
    };
    (send, extra)
}

/// Statements writing the request body in its media type.
fn body_statements(api: &Api, m: &Model) -> TokenStream {
    if let Some((_, s, b)) = &m.body_struct {
        let encode = |media: &str, kind: BodyKind| match kind {
            BodyKind::Form => quote!(req.form(&self.body, #media).map_err(crate::Error::Build)?;),
            BodyKind::Multipart => multipart_parts(api, s),
            _ => quote!(req.json(&self.body, #media).map_err(crate::Error::Build)?;),
        };
        if b.alternatives.is_empty() {
            return encode(&b.media_type, b.kind);
        }
        let arms = b.alternatives.iter().map(|(media, kind)| {
            let e = encode(media, *kind);
            quote!(#media => { #e })
        });
        let default = encode(&b.media_type, b.kind);
        return quote! {
            match self.media {
                #(#arms)*
                _ => { #default }
            }
        };
    }
    let Some(i) = m.inputs.iter().find(|i| matches!(i.kind, InputKind::Body(_))) else { return quote!() };
    let InputKind::Body(b) = i.kind else { unreachable!("a body input") };
    let f = ident(&i.field);
    let media = &b.media_type;
    match b.kind {
        BodyKind::Text => quote!(req.text(&self.#f, #media);),
        BodyKind::Binary => quote!(req.binary(&self.#f, #media);),
        BodyKind::Form => quote!(req.form(&self.#f, #media).map_err(crate::Error::Build)?;),
        BodyKind::Multipart if b.ty == TypeRef::Binary => {
            quote!(req.multipart(::std::vec![crate::runtime::core::Part::file("file", &self.#f)]);)
        }
        _ => quote!(req.json(&self.#f, #media).map_err(crate::Error::Build)?;),
    }
}

/// Statements building a multipart body from the body struct: files for
/// binary fields, text (or JSON) for the others.
fn multipart_parts(api: &Api, s: &Struct) -> TokenStream {
    let _ = api;
    let pushes = s.fields.iter().map(|f| {
        let n = ident(&f.name);
        let wire = &f.wire;
        let optional = matches!(f.shape, FieldShape::Optional | FieldShape::OptionalDefaulted | FieldShape::Nullable);
        match (&f.ty, optional) {
            (TypeRef::Binary, false) => quote!(parts.push(crate::runtime::core::Part::file(#wire, &self.body.#n));),
            (TypeRef::Binary, true) => quote! {
                if let ::std::option::Option::Some(v) = &self.body.#n {
                    parts.push(crate::runtime::core::Part::file(#wire, v));
                }
            },
            (TypeRef::Array(inner), _) if **inner == TypeRef::Binary => {
                let iter = if optional { quote!(self.body.#n.iter().flatten()) } else { quote!(self.body.#n.iter()) };
                quote! {
                    for v in #iter {
                        parts.push(crate::runtime::core::Part::file(#wire, v));
                    }
                }
            }
            _ => quote!(parts.extend(crate::runtime::core::Part::field(#wire, &self.body.#n));),
        }
    });
    quote! {
        let mut parts = ::std::vec::Vec::new();
        #(#pushes)*
        req.multipart(parts);
    }
}
