//! `src/client.rs`: the client, its builder, and the group handles that lead
//! to each operation.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::operation::{op_args, op_path};
use super::{EmitOptions, doc_attrs, doc_lines, ident};
use crate::ir::{Api, SecurityKind};

pub fn emit(api: &Api, opts: &EmitOptions) -> TokenStream {
    // Variables stay as `{name}`: the runtime fills them in from the builder or their defaults.
    let default_base_url = api.servers.first().map(|s| s.url.clone()).unwrap_or_else(|| "http://localhost".into());
    let variables = api.servers.first().map(|s| s.variables.clone()).unwrap_or_default();
    let server_vars = variables.iter().map(|v| {
        let name = &v.name;
        let default = &v.default;
        let values = &v.values;
        quote!(crate::runtime::core::ServerVariable { name: #name, default: #default, values: &[#(#values),*] })
    });
    let key_required = api.operations.iter().any(|o| o.auth);
    let key_env = format!("{}_API_KEY", api.env_prefix);
    let auth = match api.security.iter().find(|s| s.default).or_else(|| api.security.first()).map(|s| &s.kind) {
        Some(SecurityKind::Bearer) => quote!(crate::runtime::core::AuthKind::Bearer),
        Some(SecurityKind::Basic) => quote!(crate::runtime::core::AuthKind::Basic),
        Some(SecurityKind::ApiKey { location: crate::ir::ParamLocation::Query, name }) => {
            quote!(crate::runtime::core::AuthKind::Query(#name))
        }
        Some(SecurityKind::ApiKey { location: crate::ir::ParamLocation::Cookie, name }) => {
            quote!(crate::runtime::core::AuthKind::Cookie(#name))
        }
        Some(SecurityKind::ApiKey { name, .. }) => {
            let lower = name.to_ascii_lowercase();
            quote!(crate::runtime::core::AuthKind::Header(#lower))
        }
        None => quote!(crate::runtime::core::AuthKind::None),
    };
    let user_agent = format!("{}-rust/{}", opts.crate_name, opts.crate_version);
    let globals = api.globals.iter().map(|g| {
        let wire = &g.wire;
        let env = format!("{}_{}", api.env_prefix, g.env_suffix);
        quote!(crate::runtime::core::GlobalInfo { wire: #wire, env: #env })
    });
    let retry = default_retry(api);
    let server_variable_setter = (!variables.is_empty()).then(|| {
        let list: Vec<String> = variables
            .iter()
            .map(|v| {
                let values = if v.values.is_empty() { String::new() } else { format!(", one of `{}`", v.values.join("`, `")) };
                let desc = v.description.as_deref().map(|d| format!(": {}", super::docs::clean(d, None))).unwrap_or_default();
                format!("- `{}` (default `{}`{values}){desc}", v.name, v.default)
            })
            .collect();
        let doc = doc_lines(&format!(
            "Sets a variable of the server URL `{default_base_url}`:\n\n{}\n\nAn unknown variable or a value not listed fails at `build()`.",
            list.join("\n")
        ));
        quote! {
            #doc
            pub fn server_variable(
                mut self,
                name: impl ::std::convert::Into<::std::string::String>,
                value: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                let name = name.into();
                self.inner.server_variables.retain(|(n, _)| *n != name);
                self.inner.server_variables.push((name, value.into()));
                self
            }
        }
    });
    let basic = matches!(
        api.security.iter().find(|s| s.default).or(api.security.first()).map(|s| &s.kind),
        Some(SecurityKind::Basic)
    );
    let basic_setter = basic.then(|| {
        quote! {
            /// HTTP basic credentials (the same as `.api_key("user:password")`).
            pub fn basic_auth(
                self,
                user: impl ::std::fmt::Display,
                password: impl ::std::fmt::Display,
            ) -> Self {
                self.api_key(::std::format!("{user}:{password}"))
            }
        }
    });

    let global_setters = api.globals.iter().map(|g| {
        let name = ident(&g.name);
        let wire = &g.wire;
        let env = format!("{}_{}", api.env_prefix, g.env_suffix);
        let mut text = match g.doc.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(d) => super::docs::clean(d, api.doc_base.as_deref()),
            None => format!("Sets `{wire}` on every call."),
        };
        text.push_str(&format!(
            "\n\nSent as the `{wire}` header on every call that takes it; read from `{env}` when not set. A call can override it."
        ));
        let doc = doc_lines(&text);
        quote! {
            #doc
            pub fn #name(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.inner.set_global(#wire, value.into());
                self
            }
        }
    });

    let group_methods = api.groups.iter().map(|g| {
        let method = ident(&g.method);
        let ty = ident(&g.type_name);
        let doc = doc_attrs(api, g.doc.as_deref(), || format!("The `{}` operations.", g.tag));
        quote! {
            #doc
            pub fn #method(&self) -> crate::client::#ty {
                crate::client::#ty { client: self.clone() }
            }
        }
    });
    let ungrouped = api.ungrouped.iter().map(|i| entry_method(api, *i, quote!(self.clone())));
    let groups = api.groups.iter().map(|g| {
        let ty = ident(&g.type_name);
        let doc = doc_lines(&format!(
            "The `{}` operations; from [`Client::{}`](crate::Client::{}).",
            g.tag, g.method, g.method
        ));
        let methods = g.operations.iter().map(|i| entry_method(api, *i, quote!(self.client.clone())));
        quote! {
            #doc
            #[derive(Clone, Debug)]
            pub struct #ty {
                client: crate::Client,
            }

            impl #ty {
                #(#methods)*
            }
        }
    });
    let client_doc = doc_lines(&format!(
        "A client for the {}.\n\n\
         Build one with [`Client::builder`]; it needs an API key, from \
         [`ClientBuilder::api_key`] or the `{key_env}` environment variable. Clones are cheap and share one \
         connection pool and configuration.",
        api.title.trim()
    ));
    let env_doc = doc_lines(&format!(
        "A client configured only from the environment (`{key_env}` and the other `{}_*` variables).",
        api.env_prefix
    ));
    let key_doc = doc_lines(&format!(
        "The API key. Without one, `{key_env}` is read; a key is required. It never appears in `Debug` output, \
         logs or errors."
    ));
    let base_doc =
        doc_lines(&format!("Where requests go, instead of `{default_base_url}`. A trailing `/` is ignored."));
    let env_ignore_doc =
        doc_lines(&format!("Reads no environment variables (`{key_env}`, …): every setting comes from this builder."));
    quote! {
        //! The client, its configuration, and the handles that lead to every operation.

        /// What the runtime needs to know about this API.
        pub(crate) static API: crate::runtime::core::ApiInfo = crate::runtime::core::ApiInfo {
            default_base_url: #default_base_url,
            server_variables: &[#(#server_vars),*],
            api_key_env: #key_env,
            auth: #auth,
            key_required: #key_required,
            user_agent: #user_agent,
            globals: &[#(#globals),*],
        };

        /// The retry policy the API description sets.
        fn default_retry() -> crate::RetryConfig {
            #retry
        }

        #client_doc
        #[derive(Clone)]
        pub struct Client {
            core: ::std::sync::Arc<crate::runtime::core::Core>,
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> crate::ClientBuilder {
                crate::ClientBuilder { inner: crate::runtime::core::CoreBuilder::new() }
            }

            #env_doc
            pub fn from_env() -> ::std::result::Result<Client, crate::error::ConfigError> {
                Client::builder().build()
            }

            pub(crate) fn core(&self) -> &::std::sync::Arc<crate::runtime::core::Core> {
                &self.core
            }

            #(#group_methods)*
            #(#ungrouped)*
        }

        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&*self.core, f)
            }
        }

        /// Configures a [`Client`]. Every setting is optional except the API key.
        #[derive(Clone, Debug)]
        pub struct ClientBuilder {
            inner: crate::runtime::core::CoreBuilder,
        }

        impl ClientBuilder {
            #key_doc
            pub fn api_key(mut self, key: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.inner.api_key = ::std::option::Option::Some(crate::runtime::core::Secret::new(key.into()));
                self
            }

            #base_doc
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.inner.base_url = ::std::option::Option::Some(url.into());
                self
            }

            #server_variable_setter

            #basic_setter

            #(#global_setters)*

            /// How long one attempt may take, from sending to the end of the body
            /// (default: 60 seconds).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner.timeout = ::std::option::Option::Some(::std::option::Option::Some(timeout));
                self
            }

            /// Lets attempts take as long as they take.
            pub fn no_timeout(mut self) -> Self {
                self.inner.timeout = ::std::option::Option::Some(::std::option::Option::None);
                self
            }

            /// How long connecting may take (default: 10 seconds). Ignored with
            /// [`ClientBuilder::http_client`], whose own setting applies.
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner.connect_timeout = ::std::option::Option::Some(timeout);
                self
            }

            /// The retry policy (default: the one the API description sets; see
            /// [`RetryConfig`](crate::RetryConfig)).
            pub fn retry_config(mut self, config: crate::RetryConfig) -> Self {
                self.inner.retry = ::std::option::Option::Some(config);
                self
            }

            /// The `User-Agent` header.
            pub fn user_agent(mut self, user_agent: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.inner.user_agent = ::std::option::Option::Some(user_agent.into());
                self
            }

            /// Sends through this `reqwest` client (for proxies, custom TLS, a
            /// shared pool). Timeouts set here still apply per attempt.
            pub fn http_client(mut self, client: ::reqwest::Client) -> Self {
                self.inner.http = ::std::option::Option::Some(client);
                self
            }

            /// Logs request and response bodies at `debug` level through
            /// `tracing`, with credential-like values masked (default: off).
            pub fn log_bodies(mut self, on: bool) -> Self {
                self.inner.log_bodies = on;
                self
            }

            #env_ignore_doc
            pub fn ignore_environment(mut self) -> Self {
                self.inner.from_env = false;
                self
            }

            /// Builds the client. Fails without an API key, or with an invalid base
            /// URL or user agent.
            pub fn build(self) -> ::std::result::Result<Client, crate::error::ConfigError> {
                let core = self.inner.build(&API, default_retry())?;
                ::std::result::Result::Ok(Client { core: ::std::sync::Arc::new(core) })
            }
        }

        #(#groups)*
    }
}

/// The method that starts a call, on the client or on a group handle.
fn entry_method(api: &Api, index: usize, client: TokenStream) -> TokenStream {
    let op = &api.operations[index];
    let method = ident(&op.name);
    let path = op_path(op);
    let args = op_args(api, op);
    let params = args.iter().map(|a| {
        let n = ident(&a.name);
        let t = &a.ty;
        quote!(#n: #t)
    });
    let names = args.iter().map(|a| ident(&a.name));
    let mut text = op.summary.clone().or_else(|| op.description.clone()).unwrap_or_else(|| format!("`{}`", op.id));
    text = super::docs::clean(&text, api.doc_base.as_deref());
    text.push_str(&format!(
        "\n\n`{} {}`. Set optional inputs on the returned builder, then `.send().await`; see [`{}`]({path}).",
        op.method.as_str(),
        op.path,
        op.builder
    ));
    let doc = doc_lines(&text);
    let path: TokenStream = path.parse().expect("a path");
    quote! {
        #doc
        pub fn #method(&self #(, #params)*) -> #path {
            #path::new(#client #(, #names)*)
        }
    }
}

fn default_retry(api: &Api) -> TokenStream {
    let Some(r) = &api.retries else { return quote!(crate::RetryConfig::standard()) };
    let mut statuses: Vec<u16> = Vec::new();
    for code in &r.status_codes {
        match code.as_str() {
            // Of the server errors, only these are worth another try.
            "5XX" | "5xx" => statuses.extend([500, 502, 503, 504]),
            "4XX" | "4xx" => statuses.extend([408, 429]),
            c => statuses.extend(c.parse::<u16>().ok()),
        }
    }
    // A rate limit says "later", never "no".
    statuses.push(429);
    statuses.sort_unstable();
    statuses.dedup();
    let statuses = statuses.into_iter().map(Literal::u16_unsuffixed);
    let initial = Literal::u64_unsuffixed(r.initial_interval_ms);
    let max_interval = Literal::u64_unsuffixed(r.max_interval_ms);
    let max_elapsed = Literal::u64_unsuffixed(r.max_elapsed_ms);
    let exponent = Literal::f64_unsuffixed(r.exponent);
    let attempts = Literal::u32_unsuffixed(r.max_attempts.unwrap_or(3));
    let conn = r.retry_connection_errors;
    quote! {
        crate::RetryConfig::standard()
            .with_max_attempts(#attempts)
            .with_initial_interval(::std::time::Duration::from_millis(#initial))
            .with_multiplier(#exponent)
            .with_max_interval(::std::time::Duration::from_millis(#max_interval))
            .with_max_elapsed(::std::time::Duration::from_millis(#max_elapsed))
            .with_statuses([#(#statuses),*])
            .with_retry_connection_errors(#conn)
    }
}
