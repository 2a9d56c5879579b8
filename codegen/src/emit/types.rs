//! `src/types.rs`: every named type of the API.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde_json::Value;

use super::{doc_attrs, doc_lines, ident, leaf_is_json, leaf_is_named, rust_type};
use crate::ir::*;

/// A slice of `types.rs`: the types `ids` (in file order), with the module
/// docs when it is the first slice.
pub fn emit_part(api: &Api, first: bool, ids: &[TypeId]) -> TokenStream {
    let items = ids.iter().map(|id| emit_type(api, *id));
    let docs = first.then(|| {
        quote! {
            //! Every data type of the API: request and response bodies, enums and unions.
            //!
            //! Structs mirror the schemas property by property. A required property is a
            //! plain field; an optional one is an `Option` that is left out when `None`;
            //! a required property that may be `null` is an `Option` that is always sent;
            //! in request bodies, an optional property that may be `null` is a
            //! [`Tristate`](crate::primitives::Tristate). Enums and unions keep values
            //! this description does not list, so a newer server never breaks parsing.
        }
    });
    quote! {
        #docs
        #(#items)*
    }
}

fn emit_type(api: &Api, id: TypeId) -> TokenStream {
    let t = api.ty(id);
    let docs = doc_attrs(api, t.doc.as_deref(), || format!("The `{}` schema.", t.name));
    match &t.kind {
        TypeKind::Struct(s) => emit_struct(api, t, s, docs),
        TypeKind::Enum(e) => emit_enum(t, e, docs),
        TypeKind::Union(u) => emit_union(api, t, u, docs),
        TypeKind::Untagged(u) => emit_untagged(api, t, u, docs),
    }
}

/// Type of a field as declared (with `Option`, `Tristate`, `Box`).
fn field_type(api: &Api, f: &Field) -> TokenStream {
    let mut inner = rust_type(api, &f.ty);
    if f.boxed {
        inner = quote!(::std::boxed::Box<#inner>);
    }
    match f.shape {
        FieldShape::Plain | FieldShape::Defaulted => inner,
        FieldShape::Optional | FieldShape::OptionalDefaulted | FieldShape::Nullable => {
            quote!(::std::option::Option<#inner>)
        }
        FieldShape::Tristate => quote!(crate::primitives::Tristate<#inner>),
    }
}

pub(super) fn default_fn_name(type_name: &str, field: &str) -> proc_macro2::Ident {
    format_ident!("default_{}_{}", type_name.to_snake_case(), field.trim_end_matches('_'))
}

/// An expression of type `t` for a default value the IR accepted.
pub(super) fn default_expr(api: &Api, t: &TypeRef, v: &Value) -> TokenStream {
    match (t, v) {
        (TypeRef::Bool, Value::Bool(b)) => quote!(#b),
        (TypeRef::Int(_), Value::Number(n)) => {
            let lit = if let Some(i) = n.as_i64() {
                Literal::i64_unsuffixed(i)
            } else {
                Literal::u64_unsuffixed(n.as_u64().unwrap_or(0))
            };
            quote!(#lit)
        }
        (TypeRef::F32, Value::Number(n)) => {
            let lit = Literal::f32_unsuffixed(n.as_f64().unwrap_or(0.0) as f32);
            quote!(#lit)
        }
        (TypeRef::F64, Value::Number(n)) => {
            let lit = Literal::f64_unsuffixed(n.as_f64().unwrap_or(0.0));
            quote!(#lit)
        }
        (TypeRef::String, Value::String(s)) => quote!(::std::string::String::from(#s)),
        (TypeRef::Uuid, Value::String(s)) => match uuid_u128(s) {
            Some(n) => {
                let lit = Literal::u128_unsuffixed(n);
                quote!(::uuid::Uuid::from_u128(#lit))
            }
            None => quote!(::uuid::Uuid::nil()),
        },
        (TypeRef::Named(id), Value::String(s)) => {
            let name = ident(&api.ty(*id).name);
            match &api.ty(*id).kind {
                TypeKind::Enum(e) => match e.variants.iter().find(|v| v.wire == *s) {
                    Some(v) => {
                        let var = ident(&v.name);
                        quote!(crate::types::#name::#var)
                    }
                    None => quote!(crate::types::#name::from(#s)),
                },
                _ => quote!(::std::default::Default::default()),
            }
        }
        (TypeRef::Array(_), _) => quote!(::std::vec::Vec::new()),
        (TypeRef::Json, v) => {
            let text = v.to_string();
            quote!(::serde_json::from_str(#text).unwrap_or_default())
        }
        _ => quote!(::std::default::Default::default()),
    }
}

fn uuid_u128(s: &str) -> Option<u128> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    (hex.len() == 32).then(|| u128::from_str_radix(&hex, 16).ok()).flatten()
}

fn default_note(v: &Value) -> String {
    match v {
        Value::String(s) => format!("Defaults to `{s}`."),
        other => format!("Defaults to `{other}`."),
    }
}

fn emit_struct(api: &Api, t: &TypeDef, s: &Struct, docs: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let mut fields = Vec::new();
    let mut default_fns = Vec::new();
    let mut manual_debug = false;
    for f in &s.fields {
        let fname = ident(&f.name);
        let ty = field_type(api, f);
        let mut text = match f.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => super::docs::clean(d, api.doc_base.as_deref()),
            None => format!("The `{}` property.", f.wire),
        };
        if let Some(d) = &f.default {
            text.push_str("\n\n");
            text.push_str(&default_note(d));
        }
        if f.read_only {
            text.push_str("\n\nSet by the server; ignored in requests.");
        }
        if f.deprecated {
            text.push_str("\n\n**Deprecated** by the API.");
        }
        let doc = doc_lines(&text);
        let rename = (f.name != f.wire).then(|| {
            let wire = &f.wire;
            quote!(#[serde(rename = #wire)])
        });
        let serde_attr = match f.shape {
            FieldShape::Plain => quote!(),
            FieldShape::Nullable => quote!(#[serde(default)]),
            FieldShape::Optional => quote!(#[serde(default, skip_serializing_if = "::std::option::Option::is_none")]),
            FieldShape::Tristate => {
                quote!(#[serde(default, skip_serializing_if = "crate::primitives::Tristate::is_absent")])
            }
            FieldShape::Defaulted | FieldShape::OptionalDefaulted => {
                let fn_name = default_fn_name(&t.name, &f.name);
                let path = fn_name.to_string();
                let base = rust_type(api, &f.ty);
                let value = default_expr(api, &f.ty, f.default.as_ref().unwrap_or(&Value::Null));
                let (ret, body) = match (f.shape, f.boxed) {
                    (FieldShape::Defaulted, false) => (base, value),
                    (FieldShape::Defaulted, true) => {
                        (quote!(::std::boxed::Box<#base>), quote!(::std::boxed::Box::new(#value)))
                    }
                    (_, false) => (quote!(::std::option::Option<#base>), quote!(::std::option::Option::Some(#value))),
                    (_, true) => (
                        quote!(::std::option::Option<::std::boxed::Box<#base>>),
                        quote!(::std::option::Option::Some(::std::boxed::Box::new(#value))),
                    ),
                };
                default_fns.push(quote! {
                    pub(crate) fn #fn_name() -> #ret {
                        #body
                    }
                });
                if f.shape == FieldShape::Defaulted {
                    quote!(#[serde(default = #path)])
                } else {
                    quote!(#[serde(default = #path, skip_serializing_if = "::std::option::Option::is_none")])
                }
            }
        };
        if f.sensitive || leaf_is_json(&f.ty) || crate::naming::masks_all_values(&f.wire) {
            manual_debug = true;
        }
        fields.push(quote! {
            #doc
            #rename
            #serde_attr
            pub #fname: #ty,
        });
    }
    let additional_name = additional_field_name(s);
    if let Some(a) = &s.additional {
        let fname = ident(&additional_name);
        let ty = match a {
            TypeRef::Json => quote!(::serde_json::Map<::std::string::String, ::serde_json::Value>),
            other => {
                let inner = rust_type(api, other);
                quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
            }
        };
        if leaf_is_json(a) {
            manual_debug = true;
        }
        fields.push(quote! {
            /// Properties not described by the schema, kept as they came.
            #[serde(flatten)]
            pub #fname: #ty,
        });
    }

    let all_optional = s
        .fields
        .iter()
        .all(|f| matches!(f.shape, FieldShape::Optional | FieldShape::OptionalDefaulted | FieldShape::Tristate));
    let mut derives = vec![quote!(Clone), quote!(PartialEq), quote!(::serde::Serialize), quote!(::serde::Deserialize)];
    if !manual_debug {
        derives.insert(0, quote!(Debug));
    }
    if all_optional {
        derives.push(quote!(Default));
    }
    let debug_impl = manual_debug.then(|| struct_debug(t, s, &additional_name));
    let constructor = (t.in_request && !all_optional).then(|| struct_new(api, t, s, &additional_name));
    quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#fields)*
        }
        #debug_impl
        #constructor
        #(#default_fns)*
    }
}

pub(super) fn additional_field_name(s: &Struct) -> String {
    let mut name = "additional_properties".to_owned();
    while s.fields.iter().any(|f| f.name == name) {
        name.push('_');
    }
    name
}

fn struct_debug(t: &TypeDef, s: &Struct, additional_name: &str) -> TokenStream {
    let name = ident(&t.name);
    let type_name = &t.name;
    let entries = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        let label = &f.name;
        let hide = (f.sensitive || crate::naming::masks_all_values(&f.wire)) && !leaf_is_named(&f.ty);
        if hide {
            quote!(.field(#label, &crate::runtime::redact::Secret(&self.#fname)))
        } else if leaf_is_json(&f.ty) {
            quote!(.field(#label, &crate::runtime::redact::Redact(&self.#fname)))
        } else {
            quote!(.field(#label, &self.#fname))
        }
    });
    let additional = s.additional.as_ref().map(|a| {
        let fname = ident(additional_name);
        if leaf_is_json(a) {
            quote!(.field(#additional_name, &crate::runtime::redact::Redact(&self.#fname)))
        } else {
            quote!(.field(#additional_name, &self.#fname))
        }
    });
    quote! {
        impl ::std::fmt::Debug for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#type_name)
                    #(#entries)*
                    #additional
                    .finish()
            }
        }
    }
}

fn struct_new(api: &Api, t: &TypeDef, s: &Struct, additional_name: &str) -> TokenStream {
    let name = ident(&t.name);
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut arg_docs = Vec::new();
    for f in &s.fields {
        let fname = ident(&f.name);
        let base = rust_type(api, &f.ty);
        match f.shape {
            FieldShape::Plain => {
                args.push(quote!(#fname: impl ::std::convert::Into<#base>));
                inits.push(if f.boxed {
                    quote!(#fname: ::std::boxed::Box::new(#fname.into()))
                } else {
                    quote!(#fname: #fname.into())
                });
                arg_docs.push(format!("`{}`", f.name));
            }
            FieldShape::Nullable => {
                args.push(quote!(#fname: ::std::option::Option<#base>));
                inits.push(if f.boxed { quote!(#fname: #fname.map(::std::boxed::Box::new)) } else { quote!(#fname) });
                arg_docs.push(format!("`{}` (may be `None`)", f.name));
            }
            FieldShape::Defaulted => {
                let fn_name = default_fn_name(&t.name, &f.name);
                inits.push(quote!(#fname: #fn_name()));
            }
            FieldShape::Optional | FieldShape::OptionalDefaulted => {
                inits.push(quote!(#fname: ::std::option::Option::None))
            }
            FieldShape::Tristate => inits.push(quote!(#fname: crate::primitives::Tristate::Absent)),
        }
    }
    if s.additional.is_some() {
        let fname = ident(additional_name);
        inits.push(quote!(#fname: ::std::default::Default::default()));
    }
    let doc = format!(
        "Creates a value from its required properties ({}); every optional one is left unset.",
        arg_docs.join(", ")
    );
    let many_args = (args.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let doc = doc_lines(&doc);
    quote! {
        impl #name {
            #doc
            #many_args
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits),* }
            }
        }
    }
}

fn emit_enum(t: &TypeDef, e: &StringEnum, docs: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let unknown = ident(&e.unknown_variant);
    let read =
        if e.from_scalars { format_ident!("deserialize_enum_or_scalar") } else { format_ident!("deserialize_enum") };
    let variants = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = format!(" `{}`", v.wire.replace('`', "'"));
        quote! {
            #[doc = #doc]
            #vname,
        }
    });
    let as_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(#name::#vname => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => #name::#vname,)
    });
    let known: Vec<&String> = e.variants.iter().map(|v| &v.wire).collect();
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API description does not list, kept as it came.
            #unknown(crate::primitives::UnknownValue),
        }

        impl #name {
            /// Every value the API description lists, in its order.
            pub const KNOWN_VALUES: &'static [&'static str] = &[#(#known),*];

            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::#unknown(v) => v.as_str(),
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => #name::#unknown(crate::primitives::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                #name::from(value.as_str())
            }
        }

        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(#name::from(value))
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::serde_support::#read(deserializer)
            }
        }
    }
}

fn emit_union(api: &Api, t: &TypeDef, u: &TaggedUnion, docs: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let unknown = ident(&u.unknown_variant);
    let tag = &u.tag;
    let mut variants = Vec::new();
    let mut tags = Vec::new();
    let mut sers = Vec::new();
    let mut des = Vec::new();
    let mut known = Vec::new();
    let mut uses: BTreeMap<TypeId, usize> = BTreeMap::new();
    for v in &u.variants {
        *uses.entry(v.ty).or_default() += 1;
    }
    let mut froms = Vec::new();
    for v in &u.variants {
        let vname = ident(&v.name);
        let inner = rust_type(api, &TypeRef::Named(v.ty));
        let value = &v.tag_value;
        let doc = doc_attrs(api, v.doc.as_deref(), || format!("The `{tag}: {value}` member."));
        variants.push(quote! {
            #doc
            #vname(#inner),
        });
        tags.push(quote!(#name::#vname(_) => #value,));
        let dropped = matches!(&api.ty(v.ty).kind, TypeKind::Struct(s) if s.dropped_tag.is_some());
        let json = json_value_expr(&v.tag_json);
        sers.push(if dropped {
            quote!(#name::#vname(v) => crate::runtime::serde_support::write_tagged(serializer, #tag, #json, v),)
        } else {
            quote!(#name::#vname(v) => ::serde::Serialize::serialize(v, serializer),)
        });
        let index = des.len();
        let keeps_tag = !dropped;
        known.push(quote!((#value, #keeps_tag),));
        des.push(quote! {
            #index => <#inner as ::serde::Deserialize>::deserialize(member).map(#name::#vname),
        });
        if uses[&v.ty] == 1 {
            froms.push(quote! {
                impl ::std::convert::From<#inner> for #name {
                    fn from(value: #inner) -> Self {
                        #name::#vname(value)
                    }
                }
            });
        }
    }
    let accessors = common_accessors(api, t, u);
    let unknown_doc = doc_lines(&format!(
        "A member whose `{tag}` this version of the API description does not know, kept as the JSON object that came."
    ));
    let tag_doc = doc_lines(&format!("The `{tag}` value that selects the member."));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            #unknown(crate::primitives::UnknownVariant),
        }

        impl #name {
            #tag_doc
            pub fn tag(&self) -> &str {
                match self {
                    #(#tags)*
                    #name::#unknown(v) => v.tag(),
                }
            }

            #(#accessors)*
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#sers)*
                    #name::#unknown(v) => ::serde::Serialize::serialize(v, serializer),
                }
            }
        }

        impl crate::runtime::serde_support::Members for #name {
            const TAG: &'static str = #tag;
            const KNOWN: &'static [(&'static str, bool)] = &[#(#known)*];

            fn read<'de, D: ::serde::Deserializer<'de>>(index: usize, member: D) -> ::std::result::Result<Self, D::Error> {
                match index {
                    #(#des)*
                    _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom("no such member")),
                }
            }

            fn unknown(member: crate::primitives::UnknownVariant) -> Self {
                #name::#unknown(member)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                crate::runtime::serde_support::deserialize_union(deserializer)
            }
        }

        #(#froms)*
    }
}

/// `dest.id()`: a reader for each property every member has with the same
/// type; `None` for unknown members (and for `null` values).
fn common_accessors(api: &Api, t: &TypeDef, u: &TaggedUnion) -> Vec<TokenStream> {
    let name = ident(&t.name);
    let unknown = ident(&u.unknown_variant);
    let structs: Vec<&Struct> = u
        .variants
        .iter()
        .filter_map(|v| match &api.ty(v.ty).kind {
            TypeKind::Struct(s) => Some(s),
            _ => None,
        })
        .collect();
    let Some(first) = structs.first() else { return Vec::new() };
    if structs.len() != u.variants.len() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for f in &first.fields {
        let everywhere = structs.iter().all(|s| {
            s.fields.iter().any(|g| g.name == f.name && g.ty == f.ty && g.shape == f.shape && g.boxed == f.boxed)
        });
        if !everywhere || matches!(f.name.as_str(), "tag" | "from" | "into") {
            continue;
        }
        let fname = ident(&f.name);
        let ty = rust_type(api, &f.ty);
        let (ret, read) = match f.shape {
            FieldShape::Plain | FieldShape::Defaulted => {
                (quote!(::std::option::Option<&#ty>), quote!(::std::option::Option::Some(&v.#fname)))
            }
            FieldShape::Optional | FieldShape::OptionalDefaulted | FieldShape::Nullable => {
                (quote!(::std::option::Option<&#ty>), quote!(v.#fname.as_ref()))
            }
            FieldShape::Tristate => (quote!(::std::option::Option<&#ty>), quote!(v.#fname.value())),
        };
        let arms = u.variants.iter().map(|v| {
            let vname = ident(&v.name);
            quote!(#name::#vname(v) => #read,)
        });
        let text = match f.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => format!(
                "{}\n\nEvery known member has it; `None` for an unknown member.",
                super::docs::clean(d, api.doc_base.as_deref())
            ),
            None => format!("The `{}` property, which every known member has; `None` for an unknown member.", f.wire),
        };
        let doc = doc_lines(&text);
        out.push(quote! {
            #doc
            pub fn #fname(&self) -> #ret {
                match self {
                    #(#arms)*
                    #name::#unknown(_) => ::std::option::Option::None,
                }
            }
        });
    }
    out
}

/// A `serde_json::Value` expression for a scalar tag value.
fn json_value_expr(v: &Value) -> TokenStream {
    match v {
        Value::Bool(b) => quote!(::serde_json::Value::Bool(#b)),
        Value::Number(n) => {
            let text = n.to_string();
            quote!(::serde_json::from_str::<::serde_json::Value>(#text).unwrap_or(::serde_json::Value::Null))
        }
        Value::String(s) => quote!(::serde_json::Value::String(::std::string::String::from(#s))),
        other => {
            let text = other.to_string();
            quote!(::serde_json::Value::String(::std::string::String::from(#text)))
        }
    }
}

fn emit_untagged(api: &Api, t: &TypeDef, u: &Untagged, docs: TokenStream) -> TokenStream {
    let name = ident(&t.name);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let tys: Vec<TokenStream> = u.variants.iter().map(|v| rust_type(api, &v.ty)).collect();
    let stored: Vec<TokenStream> = u
        .variants
        .iter()
        .zip(&tys)
        .map(|(v, t)| if v.boxed { quote!(::std::boxed::Box<#t>) } else { t.clone() })
        .collect();
    for ty in &tys {
        *counts.entry(ty.to_string()).or_default() += 1;
    }
    let mut variants = Vec::new();
    let mut froms = Vec::new();
    let json = u.variants.iter().any(|v| leaf_is_json(&v.ty));
    for ((v, ty), st) in u.variants.iter().zip(&tys).zip(&stored) {
        let vname = ident(&v.name);
        let doc = doc_attrs(api, v.doc.as_deref(), || format!("A `{}` value.", v.name));
        variants.push(quote! {
            #doc
            #vname(#st),
        });
        if counts[&ty.to_string()] == 1 {
            let wrap = if v.boxed { quote!(::std::boxed::Box::new(value)) } else { quote!(value) };
            froms.push(quote! {
                impl ::std::convert::From<#ty> for #name {
                    fn from(value: #ty) -> Self {
                        #name::#vname(#wrap)
                    }
                }
            });
            if v.ty == TypeRef::String {
                froms.push(quote! {
                    impl ::std::convert::From<&str> for #name {
                        fn from(value: &str) -> Self {
                            #name::#vname(value.to_owned())
                        }
                    }
                });
            }
        }
    }
    let debug_derive = (!json).then(|| quote!(Debug,));
    let debug_impl = json.then(|| {
        let arms = u.variants.iter().map(|v| {
            let vname = ident(&v.name);
            let label = &v.name;
            if leaf_is_json(&v.ty) {
                quote!(#name::#vname(v) => f.debug_tuple(#label).field(&crate::runtime::redact::Redact(v)).finish(),)
            } else {
                quote!(#name::#vname(v) => f.debug_tuple(#label).field(v).finish(),)
            }
        });
        quote! {
            impl ::std::fmt::Debug for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    match self {
                        #(#arms)*
                    }
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(#debug_derive Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(untagged)]
        pub enum #name {
            #(#variants)*
        }
        #debug_impl
        #(#froms)*
    }
}
